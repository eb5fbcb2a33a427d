#!/usr/bin/env python3
"""Host synapse updates per second: plasticore (Rust, one core) beside NumPy, same
rules, same 64x64 layer, timed in the same run. Run by hand from the repository root:

    python3 tests/data/hebbian/bench_numpy.py

It builds and runs host/examples/hebbian_throughput.rs (cargo --release), then
times NumPy float32 implementations of the same rules (vectorised over the whole
layer: W += dw(H, pre[None, :], post[:, None])) and prints a Markdown table.
"""
import json
import subprocess
import time

import numpy as np

OUT, IN = 64, 64
K = {"A": 1, "AD": 2, "AD_lr": 3, "ABC": 3, "ABC_lr": 4, "ABCD": 4, "ABCD_lr": 5,
     "ABCD_lr_D_out": 5, "ABCD_lr_D_in_and_out": 6}


def dw(rule, h, oi, oj):
    hebb = h[0] * oi * oj
    if rule == "A":
        return hebb
    if rule == "AD":
        return hebb + h[1]
    if rule == "AD_lr":
        return (hebb + h[1]) * h[2]
    abc = hebb + h[1] * oi + h[2] * oj
    return {"ABC": lambda: abc, "ABC_lr": lambda: h[3] * abc, "ABCD": lambda: h[3] + abc,
            "ABCD_lr": lambda: h[3] * (abc + h[4]), "ABCD_lr_D_out": lambda: h[3] * abc + h[4],
            "ABCD_lr_D_in_and_out": lambda: h[3] * (abc + h[4]) + h[5]}[rule]()


def numpy_rate(rule, sharing, rng):
    k = K[rule]
    w = rng.uniform(-0.1, 0.1, (OUT, IN)).astype(np.float32)
    pre = rng.uniform(-1, 1, IN).astype(np.float32)
    post = rng.uniform(-1, 1, OUT).astype(np.float32)
    if sharing == "synapse":
        h = [c for c in rng.uniform(-1e-4, 1e-4, (k, OUT, IN)).astype(np.float32)]
    elif sharing == "layer":
        h = [c for c in rng.uniform(-1e-4, 1e-4, (k, 1, 1)).astype(np.float32)]
    else:
        h = [c for c in rng.uniform(-1e-4, 1e-4, (k, OUT, 1)).astype(np.float32)]
    oi, oj = pre[None, :], post[:, None]
    iters = 100
    while True:
        t = time.perf_counter()
        for _ in range(iters):
            w += dw(rule, h, oi, oj)
        s = time.perf_counter() - t
        if s > 0.2:
            return iters * OUT * IN / s
        iters *= 4


def main():
    out = subprocess.run(
        ["cargo", "run", "-q", "--release", "-p", "plasticore-host", "--example",
         "hebbian_throughput"], check=True, capture_output=True, text=True).stdout
    rust = [json.loads(line) for line in out.splitlines() if line.strip()]
    rng = np.random.default_rng(0)
    print(f"| rule | sharing | plasticore (M updates/s) | NumPy {np.__version__} (M updates/s) | ratio |")
    print("|---|---|---:|---:|---:|")
    for r in rust:
        npr = numpy_rate(r["rule"], r["sharing"], rng)
        rr = r["synapse_updates_per_s"]
        print(f"| {r['rule']} | {r['sharing']} | {rr / 1e6:.0f} | {npr / 1e6:.0f} | {rr / npr:.1f} |")


def numpy_json(cases):
    """`--numpy-json RULE:SHARING ...`: only the NumPy rates, one JSON line per case
    (what `plasticore bench` calls to time NumPy in its own run)."""
    rng = np.random.default_rng(0)
    for case in cases:
        rule, sharing = case.split(":")
        print(json.dumps({"rule": rule, "sharing": sharing,
                          "updates_per_s": numpy_rate(rule, sharing, rng),
                          "numpy": np.__version__}))


if __name__ == "__main__":
    import sys
    if len(sys.argv) > 1 and sys.argv[1] == "--numpy-json":
        numpy_json(sys.argv[2:])
    else:
        main()
