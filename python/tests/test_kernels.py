"""Every kernel of the registry from Python: the same bits as `plasticore run`
on the same arrays, the same one-line errors, C and Fortran order alike; and a
few kernels against NumPy references computed here."""

import zlib

import numpy as np
import pytest

import plasticore

KERNELS = plasticore.kernels()
NAMES = [k["name"] for k in KERNELS]

# Sizes of the dimension symbols and parameters that make a valid call
# (as the bad-input matrix's baseline: tests/tests/bad_input_matrix.rs).
DIMS = {
    ("*", "dp"): 8,
    ("attention.lsh", "n"): 8,
    ("attention.lsh", "half"): 2,
    ("*", "rounds"): 2,
    ("hebbian.update", "k"): 5,
    ("stats.per_capita", "t"): 10,
    ("lsh.bitsample", "k"): 3,
    ("lsh.syndrome", "m"): 3,
}
PARAMS = {
    "fixed.quantize": {"scale": 0.01},
    "fixed.dequantize": {"scale": 0.01},
    "attention.lsh": {"bucket_size": 4},
    "stats.moving_average": {"window": 2},
    "radioactive.mark": {"strength": 0.5},
    "tensor.reshape": {"shape": "-1"},
    "lsh.index": {"tables": 2, "bits": 3, "probes": 4, "k": 2},
}


def dim(kernel: str, sym: str) -> int:
    return DIMS.get((kernel, sym), DIMS.get(("*", sym), 6))


def baseline(k: dict, rng: np.random.Generator) -> dict:
    out = {}
    for spec in k["inputs"]:
        syms = [s.strip() for s in spec["shape"].split(",") if s.strip() and s.strip() != "..."]
        shape = [int(s) if s.isdigit() else dim(k["name"], s) for s in syms]
        if (k["name"], spec["name"]) == ("hebbian.update", "coeffs"):
            shape = [dim(k["name"], "out"), dim(k["name"], "in"), 5]
        elif not shape:
            shape = [4]
        n = int(np.prod(shape)) if shape else 1
        dt = np.dtype(spec["dtypes"][0])
        name = (k["name"], spec["name"])
        if name in (("lsh.crosspolytope", "signs"), ("fixed.simhash", "planes")):
            v = rng.choice([-1, 1], n)
        elif name == ("lsh.bitsample", "positions"):
            v = rng.integers(0, dim(k["name"], "d"), n)
        elif name == ("loss.supcon", "labels"):
            v = np.arange(n) % 2
        elif k["name"] in ("stats.kl", "stats.per_capita"):
            v = rng.uniform(0.1, 1.1, n)
        elif spec["name"] == "gamma":
            v = np.ones(n)
        elif dt.kind == "f":
            v = rng.uniform(-1, 1, n)
        elif dt == np.uint8:
            v = rng.integers(0, 256, n)
        else:
            info = np.iinfo(dt)
            v = rng.integers(max(info.min, -20000), min(info.max, 20000) + 1, n)
        out[spec["name"]] = np.asarray(v).astype(dt).reshape(shape)
    return out


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("name", NAMES)
def test_kernel_equals_cli(name, cli, tmp_path):
    k = next(k for k in KERNELS if k["name"] == name)
    inputs = baseline(k, np.random.default_rng(zlib.crc32(name.encode())))
    params = PARAMS.get(name, {})
    got = plasticore.run(name, **inputs, **params)
    code, want, err = cli.run(tmp_path, name, inputs, params)
    assert code == 0, err
    assert same_bits(got, want), f"{name}: module {got} != CLI {want}"
    # Fortran order (and non-contiguous views) give the same result.
    fort = {n: np.asfortranarray(a) if a.ndim else a for n, a in inputs.items()}
    assert same_bits(plasticore.run(name, **fort, **params), got)


@pytest.mark.parametrize("name", NAMES)
def test_errors_equal_cli(name, cli, tmp_path):
    k = next(k for k in KERNELS if k["name"] == name)
    inputs = baseline(k, np.random.default_rng(1))
    spec = k["inputs"][0]
    first = spec["name"]
    if spec["shape"].startswith("..."):
        # Any rank is valid: a dtype the kernel does not take.
        dt = next(d for d in ("int32", "uint8", "float32") if d not in spec["dtypes"])
        bad = dict(inputs, **{first: inputs[first].astype(dt)})
    else:
        # A wrong rank: one more axis on the first input.
        bad = dict(inputs, **{first: inputs[first][None, None]})
    with pytest.raises(ValueError) as e:
        plasticore.run(name, **bad, **PARAMS.get(name, {}))
    code, _, err = cli.run(tmp_path, name, bad, PARAMS.get(name, {}))
    assert code == 2 and err == f"error: {e.value}"
    assert "\n" not in str(e.value)


def test_registry_lists_what_the_cli_lists(cli):
    listed = [l for l in cli("run", "--list").stdout.splitlines() if l and not l.startswith(" ")]
    assert listed == NAMES


def test_bad_calls_raise_one_line_value_errors():
    a = np.ones(4, np.float32)
    with pytest.raises(ValueError, match="unknown kernel 'linalg.nope'"):
        plasticore.run("linalg.nope", a=a)
    with pytest.raises(ValueError, match="expected float32 \\[n\\], got dtype float64"):
        plasticore.run("linalg.dot", a=np.ones(4), b=a)
    with pytest.raises(ValueError, match="missing input 'b'"):
        plasticore.run("linalg.dot", a=a)
    with pytest.raises(ValueError, match="non-finite"):
        plasticore.run("linalg.dot", a=np.array([1, np.nan, 0, 0], np.float32), b=a)
    with pytest.raises(ValueError, match="unknown parameter 'zzz'"):
        plasticore.run("linalg.dot", a=a, b=a, zzz=1)
    with pytest.raises(ValueError, match="shift"):
        m = np.ones((2, 2), np.int16)
        plasticore.run("fixed.matvec", m=m, x=np.ones(2, np.int16), shift=32)
    with pytest.raises(ValueError):
        plasticore.run("fixed.dot", a=np.ones(3, np.int8), b=np.ones(3, np.int16))


def test_against_numpy():
    rng = np.random.default_rng(7)
    # Exact integer dot and matvec (round half up, saturate) against int64 NumPy.
    a = rng.integers(-32768, 32768, 1000).astype(np.int16)
    b = rng.integers(-32768, 32768, 1000).astype(np.int16)
    assert int(plasticore.run("fixed.dot", a=a, b=b)) == int(a.astype(np.int64) @ b.astype(np.int64))
    m = rng.integers(-128, 128, (7, 33)).astype(np.int8)
    x = rng.integers(-128, 128, 33).astype(np.int8)
    s = m.astype(np.int64) @ x.astype(np.int64)
    want = np.clip((s + (1 << 3)) >> 4, -128, 127).astype(np.int8)
    assert same_bits(plasticore.run("fixed.matvec", m=m, x=x, shift=4), want)
    # Quantisation: round half to even, clamp.
    xf = (rng.standard_normal(500) * 3).astype(np.float32)
    q = np.clip(np.round(xf / np.float32(0.02)), -128, 127).astype(np.int8)
    assert same_bits(plasticore.run("fixed.quantize", x=xf, bits=8, scale=0.02), q)
    # f32 matvec within rounding of float64.
    mf = rng.standard_normal((9, 17)).astype(np.float32)
    vf = rng.standard_normal(17).astype(np.float32)
    np.testing.assert_allclose(
        plasticore.run("linalg.matvec", m=mf, x=vf), mf.astype(np.float64) @ vf, rtol=1e-5, atol=1e-5
    )


def test_c_contiguous_inputs_are_read_in_place():
    # Peak resident memory (Linux: KiB) shows a copy: 256 MiB inputs read in
    # place leave it where it was; a Fortran-ordered one is copied into C
    # order and raises it by about its size (the control: the measure works).
    import resource

    def peak_mib():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    a = np.ones(1 << 26, np.float32)  # 256 MiB, pages touched
    before = peak_mib()
    assert float(plasticore.run("linalg.dot", a=a, b=a)) == float(1 << 26)
    assert peak_mib() - before < 32
    del a
    m = np.ones((8192, 8192), np.float32, order="F")  # 256 MiB, no C-ordered temporary
    x = np.ones(8192, np.float32)
    before = peak_mib()
    y = plasticore.run("linalg.matvec", m=m, x=x)
    assert np.all(y == 8192.0)
    assert peak_mib() - before > 200
