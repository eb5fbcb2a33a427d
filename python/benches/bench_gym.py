"""Episodes per second of `plasticore.gym` (the plastic network stepping a
gymnasium environment from Python) against a plain Python loop over the same
environment and seeds with a NumPy network of the same size (forward pass
only, no plasticity): what the plastic network costs on top of the
environment itself. Prints a Markdown table; docs/python.md holds its output
on the development machine.

    python python/benches/bench_gym.py [--episodes 200]
"""

import argparse
import pathlib
import platform
import time

import gymnasium
import numpy as np

import plasticore
import plasticore.gym as pg

ROOT = pathlib.Path(__file__).resolve().parents[2]


def numpy_loop(env, seeds, sizes, to_action):
    rng = np.random.default_rng(0)
    ws = [rng.uniform(-0.1, 0.1, (o, i)).astype(np.float32) for i, o in zip(sizes, sizes[1:])]
    total = 0
    for s in seeds:
        obs, _ = env.reset(seed=s)
        done = False
        while not done:
            h = np.asarray(obs, np.float32)
            for w in ws:
                h = np.tanh(w @ h)
            obs, _, term, trunc, _ = env.step(to_action(h))
            done = term or trunc
            total += 1
    return total


def cpu() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--episodes", type=int, default=200)
    a = p.parse_args()
    blob = plasticore.Blob.read(ROOT / "tests/data/hebbian/cartpole_abcd_lr.blob")
    print(f"`python/benches/bench_gym.py --episodes {a.episodes}`, one thread, {cpu()}:\n")
    print("| environment | episodes | plasticore.gym: steps, episodes/s, steps/s | plain NumPy loop: steps, episodes/s, steps/s | steps/s ratio |")
    print("|---|---|---|---|---|")
    for name in ("CartPole-v1", "Pendulum-v1"):
        env = gymnasium.make(name)
        sp = pg.spaces(env)
        sizes = [sp.inputs, 8, sp.outputs]
        b = blob if name == "CartPole-v1" else plasticore.Blob.plastic(
            sizes, np.zeros(plasticore.coeff_len(sizes), np.float32))
        net = plasticore.PlasticNet(b)
        seeds = range(a.episodes)
        t0 = time.perf_counter()
        ours_steps = sum(pg.episode(net, env, s, sp.to_action)[1] for s in seeds)
        ours_t = time.perf_counter() - t0
        t0 = time.perf_counter()
        plain_steps = numpy_loop(env, seeds, sizes, sp.to_action)
        plain_t = time.perf_counter() - t0
        ours, plain = ours_steps / ours_t, plain_steps / plain_t
        print(
            f"| {name} | {a.episodes} | {ours_steps}, {a.episodes / ours_t:.0f}, {ours:.0f} "
            f"| {plain_steps}, {a.episodes / plain_t:.0f}, {plain:.0f} | {ours / plain:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
