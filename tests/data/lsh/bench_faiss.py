#!/usr/bin/env python3
"""Hyperplane (SimHash) encoding, d = 64, 64 bits, one thread: plasticore vs FAISS IndexLSH.

Rerun from the repository root (needs numpy and faiss-cpu: `pip install faiss-cpu`):

    cargo build --release -p plasticore --example lsh_timing
    python3 tests/data/lsh/bench_faiss.py

`python3 tests/data/lsh/bench_faiss.py --faiss-only` prints only FAISS's
figure (`faiss_ns_per_vector=…`): `plasticore bench` calls it so the report's
FAISS figure is measured in the same run as plasticore's.

Times FAISS `IndexLSH(64, 64).sa_encode` on 20 000 Gaussian vectors (best of 5),
runs target/release/examples/lsh_timing (same protocol), and prints the ratio.
Run it on a quiet machine: both are single-threaded wall-clock figures.
"""
import re
import subprocess
import sys
import time

import faiss
import numpy as np

faiss.omp_set_num_threads(1)
d, nbits, n = 64, 64, 20000
x = np.random.default_rng(1).standard_normal((n, d)).astype(np.float32)
idx = faiss.IndexLSH(d, nbits)
idx.train(x)
idx.sa_encode(x)
best = min(
    (lambda t0: (idx.sa_encode(x), time.perf_counter() - t0)[1])(time.perf_counter())
    for _ in range(5)
)
faiss_ns = best / n * 1e9
if "--faiss-only" in sys.argv:
    print(f"faiss_ns_per_vector={faiss_ns:.1f} faiss={faiss.__version__}")
    sys.exit(0)
out = subprocess.run(
    ["target/release/examples/lsh_timing"], capture_output=True, text=True, check=True
).stdout
ours = float(re.search(r"hash_u64:\s+(\d+) ns", out).group(1))
print(out, end="")
print(f"FAISS IndexLSH sa_encode d=64 64 bits: {faiss_ns:.0f} ns/vector")
print(f"plasticore Hyperplane<64, 64>::hash_u64: {ours:.0f} ns/vector")
print(f"throughput ratio plasticore / FAISS: {faiss_ns / ours:.2f}x (goal >= 2)")
