"""Evaluations per second: `plasticore evolve` (rayon, in process) against the
Ray driver (`plasticore.ray_es`, local Ray) on the same run, which both
compute bit for bit alike. Prints a Markdown table; docs/python.md holds its
output on the development machine.

    python python/bench_ray.py [--cli target/release/plasticore] [--generations 20]
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--cli", default=str(ROOT / "target/release/plasticore"))
    p.add_argument("--generations", type=int, default=20)
    p.add_argument("--population", type=int, default=64)
    p.add_argument("--episodes", type=int, default=5)
    a = p.parse_args()
    flags = ["--generations", str(a.generations), "--population", str(a.population),
             "--episodes", str(a.episodes), "--target", "inf", "--seed", "1"]
    evals = a.generations * a.population * a.episodes
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "cli.blob"
        t = time.perf_counter()
        subprocess.run([a.cli, "evolve", "cartpole", *flags, "--quiet", "--out", str(out)], check=True,
                       capture_output=True)
        wall = time.perf_counter() - t
        rows.append(("`plasticore evolve` (rayon, in process)", os.cpu_count(), wall, evals / wall, True))
        for workers in (1, 2, 8):
            got = pathlib.Path(tmp) / f"ray{workers}.blob"
            stats = pathlib.Path(tmp) / "stats.json"
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "plasticore.ray_es", "cartpole", *flags, "--workers",
                            str(workers), "--num-cpus", str(os.cpu_count()), "--quiet", "--out", str(got),
                            "--stats", str(stats)], check=True, capture_output=True)
            wall = time.perf_counter() - t
            s = json.loads(stats.read_text())
            rows.append((f"`plasticore.ray_es`, {workers} task(s) per generation", workers, wall,
                         s["evaluations_per_second"], got.read_bytes() == out.read_bytes()))
            rows.append((f"  (same, counting Ray's start-up)", workers, wall, evals / wall, None))
    print(f"CartPole, population {a.population}, {a.episodes} episodes per candidate, "
          f"{a.generations} generations ({evals} training episodes), {os.cpu_count()} CPUs\n")
    print("| evaluator | workers | wall (s) | episodes / s | blob equal to the CLI's |")
    print("|---|---:|---:|---:|---|")
    for name, w, wall, eps, same in rows:
        print(f"| {name} | {w} | {wall:.2f} | {eps:.0f} | {'' if same is None else ('yes' if same else 'NO')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
