#!/usr/bin/env python3
"""Plot of measured vs theoretical LSH collision curves -> docs/lsh_collisions.png.

Rerun from the repository root (needs numpy and matplotlib: `pip install matplotlib`):

    cargo test -p plasticore-tests --test lsh_collision
    python3 tests/data/lsh/plot_lsh.py target/tmp docs/lsh_collisions.png

The test writes target/tmp/lsh_curves_{simhash,buckets,syndrome}.csv
(family,x,measured,theory) from fixed seeds; this script only draws them.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read(path):
    fam = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            d = fam.setdefault(r["family"], ([], [], []))
            d[0].append(float(r["x"]))
            d[1].append(float(r["measured"]))
            d[2].append(float(r["theory"]) if r["theory"] else np.nan)
    return fam


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "target/tmp"
    out = sys.argv[2] if len(sys.argv) > 2 else "docs/lsh_collisions.png"
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    th = np.linspace(0, 180, 181)
    a.plot(th, 1 - th / 180, "k-", lw=1, label="1 − θ/π (theory, one bit)")
    for path in ("simhash", "buckets"):
        for name, (x, m, _) in read(os.path.join(src, f"lsh_curves_{path}.csv")).items():
            a.plot(x, m, "o--", ms=4, label=f"{name} (measured)")
    a.set_xlabel("angle θ between x and y (degrees)")
    a.set_ylabel("P[h(x) = h(y)]")
    a.set_title("Angular families, 10⁴ pairs per point, d = 16")
    a.legend(fontsize=8)
    a.grid(alpha=0.3)
    syn = read(os.path.join(src, "lsh_curves_syndrome.csv"))
    for i, (name, (x, m, t)) in enumerate(syn.items()):
        c = f"C{i}"
        b.plot(x, t, "-", color=c, lw=1)
        b.plot(x, m, "o", color=c, ms=4, label=f"{name}: measured (dots), theory (line)")
    b.set_xscale("log", base=2)
    b.set_yscale("log")
    b.set_xlabel("Hamming distance t (of n = 64 bits)")
    b.set_ylabel("P[syndrome(x) = syndrome(y)], m = 8 rows")
    b.set_title("Sparse-syndrome hashing by row weight w")
    b.legend(fontsize=7, loc="lower left")
    b.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print("wrote", out)


if __name__ == "__main__":
    main()
