"""Every integer a Python caller passes — kernel parameters, sizes, counts,
seeds, ids — set to 0, −1, 2⁴⁰ and 2⁶⁴ − 1 in turn, the other arguments
valid. Each call returns or raises ``ValueError`` (a size past what the
inputs make meaningful or past a documented limit) or ``OverflowError``
(Python's own, for a negative or too large number given to a size); none
raises a Rust panic or takes the interpreter down by allocating from the
number before checking it."""

import json

import numpy as np
import pytest

import plasticore
from test_kernels import KERNELS, PARAMS, baseline

HOSTILE = [0, -1, 2**40, 2**64 - 1]
REFUSED = (ValueError, OverflowError)


def outcome(call):
    """'ok' or the refusal's type; anything else (a panic is a BaseException) fails."""
    try:
        call()
    except REFUSED as e:
        assert "\n" not in str(e), str(e)
        return type(e).__name__
    except BaseException as e:  # noqa: B036 — pyo3's PanicException derives from it
        pytest.fail(f"{type(e).__name__}: {e}")
    return "ok"


KERNEL_PARAMS = [(k["name"], p["name"]) for k in KERNELS for p in k["params"]]


@pytest.mark.parametrize("kernel,param", KERNEL_PARAMS)
@pytest.mark.parametrize("value", HOSTILE)
def test_every_kernel_parameter(kernel, param, value):
    k = next(k for k in KERNELS if k["name"] == kernel)
    args = {**baseline(k, np.random.default_rng(0)), **PARAMS.get(kernel, {}), param: value}
    outcome(lambda: plasticore.run(kernel, **args))


def test_the_index_kernel_bounds_k_and_probes():
    k = next(k for k in KERNELS if k["name"] == "lsh.index")
    args = {**baseline(k, np.random.default_rng(0)), **PARAMS["lsh.index"]}
    for v in (2**40, 2**64 - 1):
        assert outcome(lambda: plasticore.run("lsh.index", **{**args, "k": v})) == "ValueError"
        # A budget past every bucket (tables · 2^bits) probes every bucket.
        assert outcome(lambda: plasticore.run("lsh.index", **{**args, "probes": v})) == "ok"


@pytest.mark.parametrize("value", HOSTILE)
def test_rng(value):
    outcome(lambda: plasticore.Rng(value).next_u32(3))
    rng = plasticore.Rng(1)
    for draw in (rng.next_u32, rng.normal, lambda n: rng.uniform(n, 0.0, 1.0)):
        got = outcome(lambda: draw(value))
        assert got == ("ok" if value == 0 else ("OverflowError" if value < 0 else "ValueError"))
    assert plasticore.Rng(1).normal(0).shape == (0,)


@pytest.mark.parametrize("value", HOSTILE)
def test_lsh_index(value):
    valid = dict(dim=4, capacity=8, tables=2, bits=3, seed=1)
    for arg in valid:
        outcome(lambda: plasticore.LshIndex(**{**valid, arg: value}))
    idx = plasticore.LshIndex(**valid)
    x = np.arange(1, 17, dtype=np.float32).reshape(4, 4)
    idx.insert_all(x)
    outcome(lambda: value in idx)
    outcome(lambda: idx.remove(value))
    for q in (lambda **kw: idx.query(x[0], **kw), lambda **kw: idx.query_batch(x, **kw)):
        k_got = outcome(lambda: q(k=value))
        assert k_got == ("OverflowError" if value < 0 else "ValueError")
        p_got = outcome(lambda: q(probes=value))
        assert p_got == ("OverflowError" if value < 0 else "ok")
    idx.check()


@pytest.fixture(scope="module")
def blob(root):
    return plasticore.Blob.read(root / "tests/data/hebbian/cartpole_abcd_lr.blob")


@pytest.mark.parametrize("value", HOSTILE)
def test_episodes_and_networks(value, blob):
    got = outcome(lambda: plasticore.evaluate("cartpole", blob, value))
    assert got == ("OverflowError" if value < 0 else "ValueError")
    outcome(lambda: plasticore.evaluate("cartpole", blob, 1, seed=value))
    outcome(lambda: plasticore.episodes("cartpole", blob, [value]))
    outcome(lambda: plasticore.PlasticNet(blob, seed=value))
    outcome(lambda: plasticore.PlasticNet(blob).reset(value))
    coeffs = np.zeros(5, np.float32)
    outcome(lambda: plasticore.Blob.plastic([4, value, 1], coeffs, sharing="layer"))
    outcome(lambda: plasticore.Blob.static_net([4, value, 1], coeffs))


def test_a_network_too_large_to_allocate_is_refused(blob):
    # Each layer within the core's 2^16, their product past the host's 2^28.
    b = plasticore.Blob.plastic([4, 2**16, 2**16, 1], np.zeros(15, np.float32), sharing="layer")
    assert outcome(lambda: plasticore.PlasticNet(b)) == "ValueError"
    assert outcome(lambda: plasticore.evaluate("cartpole", b, 1)) == "ValueError"


@pytest.mark.parametrize("value", HOSTILE)
def test_evolution_strategy(value):
    got = outcome(lambda: plasticore.OpenAIES(population=value))
    assert got == ("OverflowError" if value < 0 else "ValueError")
    outcome(lambda: plasticore.OpenAIES(seed=value))
    for key in ("population", "episodes", "generations", "seed", "outputs", "validate_every",
                "validate_episodes"):
        outcome(lambda: plasticore.Evolution(env="cartpole", **{key: value}))
    outcome(lambda: plasticore.Evolution(env="cartpole", hidden=[value]))
    opts = json.loads(plasticore.Evolution(env="cartpole", population=4).options_json())
    for key in ("population", "episodes"):
        text = json.dumps({**opts, key: value})
        outcome(lambda: plasticore.evaluate_candidates(text, np.zeros((1, 1), np.float32),
                                                       np.zeros(1, np.uint64)))
