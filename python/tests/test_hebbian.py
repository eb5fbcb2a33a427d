"""Plastic networks, blobs, episodes and the evolution strategy from Python:
against the NumPy golden of a plastic network, the board's self-test
checksums, `plasticore simulate` / `plasticore evolve`, and the ES formulas
written out in NumPy."""

import json

import numpy as np
import pytest

import plasticore
from conftest import fnv1a_f32

BOARD = plasticore.selftest_checksums()


@pytest.fixture(scope="module")
def hebbian_dir(root):
    return root / "tests/data/hebbian"


def test_plastic_net_matches_numpy_golden(hebbian_dir):
    # gen_hebbian_episode.py: the evolved network stepped on CartPole in
    # float64 NumPy (its own blob reader, generator and rule).
    blob = plasticore.Blob.read(hebbian_dir / "cartpole_abcd_lr.blob")
    obs = np.load(hebbian_dir / "episode_obs.npy")
    want = np.load(hebbian_dir / "episode_weights.npy")
    seeds, steps = obs.shape[0], obs.shape[1] - 1
    for seed in range(seeds):
        net = plasticore.PlasticNet(blob, seed=seed)
        for t in range(steps):
            net.step(obs[seed, t])
        np.testing.assert_allclose(net.weights, want[seed], rtol=0, atol=2e-4)
    with pytest.raises(ValueError, match="input"):
        net.step(np.zeros(3, np.float32))
    with pytest.raises(ValueError, match="non-finite|NaN"):
        net.step(np.array([0, np.nan, 0, 0], np.float32))


@pytest.mark.parametrize("case,blob_name", [("hebbian.cartpole", "cartpole_abcd_lr.blob"), ("hebbian.cartpole_q15", "cartpole_q15.blob")])
def test_episodes_equal_the_board(hebbian_dir, case, blob_name):
    blob = plasticore.Blob.read(hebbian_dir / blob_name)
    e = plasticore.episodes("cartpole", blob, [0, 1, 2, 3])
    out = []
    for steps, s in zip(e["steps"], e["weights_checksums"]):
        out += [float(steps), float(int(s) >> 16), float(int(s) & 0xFFFF)]
    assert fnv1a_f32(out) == BOARD[(case, "[4,8,1] ABCD_lr 4 episodes")]
    assert list(e["returns"]) == [500.0] * 4


def test_evaluate_equals_simulate(cli, hebbian_dir):
    path = hebbian_dir / "cartpole_abcd_lr.blob"
    blob = plasticore.Blob.read(path)
    for dyn in (None, {"length": 1.0, "masspole": 0.3}, {"sensor_noise": 0.05, "action_delay": 2, "actuator_gain": 0.8}):
        got = plasticore.evaluate("cartpole", blob, episodes=12, seed=40, dynamics=dyn)
        args = ["simulate", "cartpole", "--coeffs", str(path), "--episodes", "12", "--seed", "40", "--json"]
        if dyn:
            args += ["--dynamics", ",".join(f"{k}={v}" for k, v in dyn.items())]
        want = json.loads(cli(*args).stdout)["returns"]
        assert got.dtype == np.float32 and list(got) == [np.float32(w) for w in want]
    with pytest.raises(ValueError, match="unknown cartpole dynamics key 'nope'"):
        plasticore.evaluate("cartpole", blob, 1, dynamics={"nope": 1.0})
    for bad in ({"action_delay": 1.5}, {"actuator_gain": -1.0}, {"sensor_noise": -0.1}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            plasticore.evaluate("cartpole", blob, 1, dynamics=bad)
    with pytest.raises(ValueError, match="environment 'moon'"):
        plasticore.evaluate("moon", blob, 1)
    with pytest.raises(ValueError, match="inputs"):
        plasticore.evaluate("acrobot", blob, 1)


def test_blob_round_trip_and_corruption(hebbian_dir, tmp_path):
    raw = (hebbian_dir / "cartpole_abcd_lr.blob").read_bytes()
    b = plasticore.Blob.parse(raw)
    assert b.bytes() == raw
    assert (b.kind, b.network, b.sizes) == ("plastic", "f32", [4, 8, 1])
    assert b.config == {"rule": "ABCD_lr", "sharing": "synapse", "norm": "maxabs", "output": "tanh"}
    again = plasticore.Blob.plastic(b.sizes, b.values, **b.config)
    assert again == b and again.bytes() == raw
    again.write(tmp_path / "x.blob")
    assert (tmp_path / "x.blob").read_bytes() == raw
    for bad in (raw[:-1], raw[:10], b"", raw[:30] + bytes([raw[30] ^ 1]) + raw[31:]):
        with pytest.raises(ValueError):
            plasticore.Blob.parse(bad)
    # A coefficient count for another network is refused, naming both sizes.
    with pytest.raises(ValueError, match="coeffs"):
        plasticore.Blob.plastic([4, 8, 1], np.zeros(7, np.float32))
    with pytest.raises(ValueError, match="rule"):
        plasticore.Blob.plastic([4, 8, 1], b.values, rule="XYZ")
    s = plasticore.Blob.static_net([4, 2, 1], np.ones(10, np.float32), output="linear")
    assert plasticore.Blob.parse(s.bytes()) == s and s.kind == "static"
    assert not (s.bias or s.normalized)
    # Normalised inputs and a bias input are recorded in the blob, and the
    # plain PlasticNet refuses such a network: it would see the wrong inputs.
    nb = plasticore.Blob.plastic([5, 8, 1], np.zeros(5 * 48, np.float32), normalized=True, bias=True)
    again = plasticore.Blob.parse(nb.bytes())
    assert again.bias and again.normalized and again == nb
    assert "BIAS_INPUT: bool = true" in nb.rust_source()
    with pytest.raises(ValueError, match="bias"):
        plasticore.PlasticNet(nb)


def centred_ranks(f):
    order = np.lexsort((np.arange(len(f)), f))  # ties by index
    r = np.empty(len(f))
    r[order] = np.arange(len(f))
    return r / (len(f) - 1) - 0.5


def test_openai_es_against_numpy():
    es = plasticore.OpenAIES(population=6, sigma=0.2, lr=0.1, l2=0.01, seed=9)
    theta = np.linspace(-1, 1, 5).astype(np.float32)
    c = es.ask(theta)
    assert c.shape == (6, 5)
    eps = (c[0::2] - theta) / 0.2
    np.testing.assert_allclose(c[1::2] - theta, -(c[0::2] - theta), atol=1e-6)  # antithetic
    fitness = np.array([3, 1, 4, 1, 5, 9], np.float32)
    u = centred_ranks(fitness)
    grad = ((u[0::2] - u[1::2])[:, None] * eps).sum(0) / (6 * 0.2)
    want = theta + 0.1 * (grad - 0.01 * theta)
    got = es.tell(theta, fitness)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    sigma, lr, gen, seed = es.state
    assert gen == 1 and seed == 9
    np.testing.assert_allclose([sigma, lr], [0.2 * 0.999, 0.1 * 0.995], rtol=1e-6)
    # A new generation draws new noise.
    assert not np.array_equal(es.ask(theta), c)
    with pytest.raises(ValueError):
        plasticore.OpenAIES(population=5)
    with pytest.raises(ValueError):
        es.tell(theta, np.array([1, 2], np.float32))
    with pytest.raises(ValueError):
        es.tell(theta, np.array([1, 2, 3, 4, 5, np.nan], np.float32))


SMALL = dict(hidden=[4], generations=6, population=8, episodes=2, seed=3)
SMALL_FLAGS = ["--hidden", "4", "--generations", "6", "--population", "8", "--episodes", "2", "--seed", "3", "--quiet"]


def test_evolution_loop_equals_evolve(cli, tmp_path):
    out = tmp_path / "cli.blob"
    cli("evolve", "cartpole", *SMALL_FLAGS, "--out", str(out))
    run = plasticore.Evolution(env="cartpole", **SMALL)
    opts = run.options_json()
    gens = 0
    while not run.is_done():
        f = plasticore.evaluate_candidates(opts, run.candidates(), run.seeds())
        stat = run.tell(f)
        assert stat["generation"] == gens
        gens += 1
    blob, validation = run.finish()
    assert gens == 6
    assert blob.bytes() == out.read_bytes()
    with pytest.raises(ValueError, match="finished"):
        run.finish()
    with pytest.raises(ValueError, match="unknown option 'hiddn'"):
        plasticore.Evolution(env="cartpole", hiddn=[4])
    with pytest.raises(ValueError, match="population"):
        plasticore.Evolution(env="cartpole", population=7)
    r2 = plasticore.Evolution(env="cartpole", **SMALL)
    with pytest.raises(ValueError, match="fitness"):
        r2.tell(np.ones(3, np.float32))
