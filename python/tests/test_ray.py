"""The Ray driver reproduces `plasticore evolve` bit for bit: a local Ray with
two CPUs evaluates each generation as tasks over slices of the population;
and the blob it writes runs on the emulated Cortex-M4F exactly as the host
simulates it."""

import json
import subprocess
import sys

import numpy as np


import plasticore
import ray  # noqa: F401  (a missing Ray fails these tests; it is never a skip)

from test_hebbian import SMALL_FLAGS


def test_ray_es_equals_evolve(cli, tmp_path):
    want = tmp_path / "cli.blob"
    cli("evolve", "cartpole", *SMALL_FLAGS, "--out", str(want))
    got = tmp_path / "ray.blob"
    stats = tmp_path / "stats.json"
    flags = [f for f in SMALL_FLAGS if f != "--quiet"]
    r = subprocess.run(
        [sys.executable, "-m", "plasticore.ray_es", "cartpole", *flags, "--workers", "3", "--num-cpus", "2",
         "--out", str(got), "--stats", str(stats), "--quiet"],
        capture_output=True, text=True, timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert got.read_bytes() == want.read_bytes()
    s = json.loads(stats.read_text())
    assert s["generations"] == 6 and s["evaluations"] == 6 * 8 * 2 and s["workers"] == 3
    # The blob runs: `plasticore simulate` reads it as it reads the CLI's.
    a = cli("simulate", "cartpole", "--coeffs", str(got), "--episodes", "3", "--json").stdout
    b = cli("simulate", "cartpole", "--coeffs", str(want), "--episodes", "3", "--json").stdout
    assert json.loads(a)["returns"] == json.loads(b)["returns"]


def test_ray_es_refuses_bad_options(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "plasticore.ray_es", "cartpole", "--population", "7",
         "--out", str(tmp_path / "x.blob"), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 2 and "population" in r.stderr
    assert not (tmp_path / "x.blob").exists()


CHANGE = ["--change-at", "200", "--change-to", "length=1,masspole=0.3,force_mag=5"]


def test_ray_blob_runs_on_the_emulated_board(cli, tmp_path):
    # The adaptive controller's network, [4, 8, 1] (the default hidden layer).
    flags = ["--generations", "4", "--population", "8", "--episodes", "2", "--seed", "5"]
    blob_path = tmp_path / "rule.blob"
    r = subprocess.run(
        [sys.executable, "-m", "plasticore.ray_es", "cartpole", *flags, "--num-cpus", "2",
         "--out", str(blob_path), "--quiet"],
        capture_output=True, text=True, timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    want = tmp_path / "cli.blob"
    cli("evolve", "cartpole", *flags, "--quiet", "--out", str(want))
    assert blob_path.read_bytes() == want.read_bytes()
    rs = tmp_path / "rule.rs"
    rs.write_text(plasticore.Blob.read(blob_path).rust_source("evolved on Ray"))
    log = cli(
        "firmware", "run", "--board", "qemu-mps2-an386", "--app", "adaptive-controller",
        env={"PLASTICORE_PLASTIC_RS": str(rs)},
    ).stdout
    board = [l.split("|")[2:] for l in log.splitlines() if l.startswith("episode|plastic|")]
    host = json.loads(
        cli("simulate", "cartpole", "--coeffs", str(blob_path), "--episodes", "10", "--json", *CHANGE).stdout
    )
    assert len(board) == 10, log
    for i, (seed, steps, _before, ret, checksum, _units) in enumerate(board):
        assert int(seed) == i
        assert int(steps) == host["steps"][i]
        assert np.uint32(int(ret, 16)).view(np.float32) == np.float32(host["returns"][i])
        assert checksum == host["weight_checksums"][i]


def test_ray_es_on_a_two_node_cluster_equals_evolve(cli, tmp_path, monkeypatch):
    # Two Ray nodes on this machine, both bound to 127.0.0.1, one CPU each;
    # MountainCarContinuous's preset (16 hidden, normalised inputs) with Adam.
    # Without this variable Ray's processes on Linux take the machine's
    # outward address as their own and cannot reach nodes on the loopback.
    monkeypatch.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    from ray.cluster_utils import Cluster

    cluster = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "node_ip_address": "127.0.0.1", "include_dashboard": False},
    )
    try:
        cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")
        cluster.wait_for_nodes()
        node_ids = {n.node_id for n in cluster.list_all_nodes()}
        assert len(node_ids) == 2
        flags = ["--generations", "3", "--population", "8", "--episodes", "2", "--seed", "4", "--optimizer", "adam"]
        got, stats = tmp_path / "ray.blob", tmp_path / "stats.json"
        r = subprocess.run(
            [sys.executable, "-m", "plasticore.ray_es", "mountaincar", *flags, "--address", cluster.address,
             "--workers", "8", "--out", str(got), "--stats", str(stats), "--quiet"],
            capture_output=True, text=True, timeout=600,
        )
        assert r.returncode == 0, r.stderr[-3000:]
    finally:
        cluster.shutdown()
    s = json.loads(stats.read_text())
    # Tasks ran on both nodes, and the nodes are this cluster's.
    assert set(s["nodes"]) == node_ids, (s["nodes"], node_ids)
    want = tmp_path / "cli.blob"
    cli("evolve", "mountaincar", *flags, "--quiet", "--out", str(want))
    assert got.read_bytes() == want.read_bytes()
    blob = plasticore.Blob.read(got)
    assert blob.normalized and blob.sizes == [2, 16, 1]


def test_ray_es_takes_the_preset_of_each_environment(cli, tmp_path):
    # Unset flags are the preset's: Acrobot's three outputs, Pendulum's 16
    # hidden units and bias input (evolved by the GA).
    for env, sizes in [("acrobot", [6, 8, 3]), ("pendulum", [4, 16, 1])]:
        out = tmp_path / f"{env}.blob"
        r = subprocess.run(
            [sys.executable, "-m", "plasticore.ray_es", env, "--generations", "1", "--population", "4",
             "--episodes", "1", "--num-cpus", "2", "--out", str(out), "--quiet"],
            capture_output=True, text=True, timeout=600,
        )
        assert r.returncode == 0, r.stderr[-3000:]
        assert plasticore.Blob.read(out).sizes == sizes
        want = tmp_path / f"{env}-cli.blob"
        cli("evolve", env, "--generations", "1", "--population", "4", "--episodes", "1", "--quiet", "--out", str(want))
        assert out.read_bytes() == want.read_bytes(), env
    assert plasticore.Blob.read(tmp_path / "pendulum.blob").bias
    r = subprocess.run(
        [sys.executable, "-m", "plasticore.ray_es", "cartpole", "--optimizer", "newton",
         "--out", str(tmp_path / "x.blob"), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 2 and "optimizer" in r.stderr
