"""The Ray driver reproduces `plasticore evolve` bit for bit: a local Ray with
two CPUs evaluates each generation as tasks over slices of the population."""

import json
import subprocess
import sys


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
