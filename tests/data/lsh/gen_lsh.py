#!/usr/bin/env python3
"""Golden data for plasticore's LSH kernels (tests/tests/lsh_golden.rs).

Rerun from the repository root (python3 with numpy; no other package needed):

    python3 tests/data/lsh/gen_lsh.py

It writes small .npy files next to itself, one set per CLI kernel contract of
`plasticore run` (issue 3), computed independently with NumPy (float64 sums):

  lsh.hyperplane    hp_x [n,d] f32, hp_planes [d,b] f32          -> hp_codes [n,ceil(b/8)] u8
  lsh.angular       ang_x [n,d] f32, ang_rot [d,rounds,b/2] f32   -> ang_buckets [n,rounds] i32
  lsh.crosspolytope cp_x [n,d] f32, cp_signs [k,d'] f32 (+-1)     -> cp_buckets [n] i32
  lsh.bitsample     bs_x [n,bytes] u8, bs_pos [k] i32             -> bs_codes [n] i32
  lsh.syndrome      syn_x [n,bytes] u8, syn_h [m,bytes] u8        -> syn_codes [n] i32

Inputs whose result sits within 1e-3 of a decision boundary (a projection near
0, a near-tie of the arg-max) are redrawn, so float32 summation order on the
Rust side cannot change a bit. It also converts scikit-learn's digits
(digits.csv.gz, copied here unchanged, see README.md) into
  digits_x.npy [1797,64] u8 (pixels 0..16) and, for a hold-out split
  (queries = rows i % 9 == 0, data = the others), digits_knn10.npy [q,10] i32:
  exact cosine top-10 data row ids (float64, ties by lower id).
"""
import gzip
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261126)
MARGIN = 1e-3


def save(name, a):
    np.save(os.path.join(HERE, name + ".npy"), a)


def fwht_matrix(n):
    h = np.array([[1.0]])
    while h.shape[0] < n:
        h = np.block([[h, h], [h, -h]])
    return h


def hyperplane():
    n, d, b = 48, 64, 40
    planes = rng.standard_normal((d, b)).astype(np.float32)
    rows = []
    while len(rows) < n:
        x = rng.standard_normal(d).astype(np.float32)
        p = x.astype(np.float64) @ planes.astype(np.float64)
        if np.min(np.abs(p)) > MARGIN:
            rows.append(x)
    x = np.array(rows, dtype=np.float32)
    bits = (x.astype(np.float64) @ planes.astype(np.float64)) > 0
    codes = np.packbits(bits, axis=1, bitorder="little")
    assert codes.shape == (n, (b + 7) // 8)
    save("hp_x", x)
    save("hp_planes", planes)
    save("hp_codes", codes.astype(np.uint8))


def angular():
    n, d, rounds, half = 48, 64, 4, 8
    rot = rng.standard_normal((d, rounds, half)).astype(np.float32)
    rows, out = [], []
    while len(rows) < n:
        x = rng.standard_normal(d).astype(np.float32)
        xr = np.einsum("i,irj->rj", x.astype(np.float64), rot.astype(np.float64))
        cat = np.concatenate([xr, -xr], axis=1)  # [rounds, b]
        srt = np.sort(cat, axis=1)
        if np.min(srt[:, -1] - srt[:, -2]) > MARGIN:
            rows.append(x)
            out.append(np.argmax(cat, axis=1))
    save("ang_x", np.array(rows, dtype=np.float32))
    save("ang_rot", rot)
    save("ang_buckets", np.array(out, dtype=np.int32))


def crosspolytope():
    n, d, dp, k = 48, 48, 64, 3
    signs = rng.choice([-1.0, 1.0], size=(k, dp)).astype(np.float32)
    h = fwht_matrix(dp)
    rows, out = [], []
    while len(rows) < n:
        x = rng.standard_normal(d).astype(np.float32)
        y = np.zeros(dp)
        y[:d] = x
        for s in signs.astype(np.float64):
            y = h @ (s * y) / np.sqrt(dp)
        a = np.abs(y)
        srt = np.sort(a)
        if srt[-1] - srt[-2] > MARGIN:
            i = int(np.argmax(a))
            rows.append(x)
            out.append(i if y[i] > 0 else i + dp)
    save("cp_x", np.array(rows, dtype=np.float32))
    save("cp_signs", signs)
    save("cp_buckets", np.array(out, dtype=np.int32))


def bitsample():
    n, nbytes, k = 48, 16, 32
    x = rng.integers(0, 256, size=(n, nbytes), dtype=np.uint8)
    pos = rng.choice(nbytes * 8, size=k, replace=False).astype(np.int32)
    bits = np.unpackbits(x, axis=1, bitorder="little")[:, pos].astype(np.uint64)
    codes = (bits << np.arange(k, dtype=np.uint64)).sum(axis=1).astype(np.uint32)
    save("bs_x", x)
    save("bs_pos", pos)
    save("bs_codes", codes.view(np.int32))


def syndrome():
    n, nbytes, m, w = 48, 16, 32, 3
    x = rng.integers(0, 256, size=(n, nbytes), dtype=np.uint8)
    hb = np.zeros((m, nbytes * 8), dtype=np.uint8)
    for r in range(m):
        hb[r, rng.choice(nbytes * 8, size=w, replace=False)] = 1
    h = np.packbits(hb, axis=1, bitorder="little")
    xb = np.unpackbits(x, axis=1, bitorder="little").astype(np.int64)
    par = (xb @ hb.T.astype(np.int64)) % 2  # [n, m]
    codes = (par.astype(np.uint64) << np.arange(m, dtype=np.uint64)).sum(axis=1).astype(np.uint32)
    save("syn_x", x)
    save("syn_h", h)
    save("syn_codes", codes.view(np.int32))


def digits():
    with gzip.open(os.path.join(HERE, "digits.csv.gz"), "rt") as f:
        a = np.loadtxt(f, delimiter=",")
    x = a[:, :64].astype(np.uint8)
    assert x.shape == (1797, 64) and x.max() == 16
    save("digits_x", x)
    ids = np.arange(len(x))
    qi, di = ids[ids % 9 == 0], ids[ids % 9 != 0]
    xf = x.astype(np.float64)
    xn = xf / np.linalg.norm(xf, axis=1, keepdims=True)
    cos = xn[qi] @ xn[di].T  # [q, n_data]
    # Sort by cosine descending, ties by lower data row id.
    order = np.lexsort((np.broadcast_to(np.arange(len(di)), cos.shape), -cos), axis=1)
    save("digits_knn10", order[:, :10].astype(np.int32))


if __name__ == "__main__":
    hyperplane()
    angular()
    crosspolytope()
    bitsample()
    syndrome()
    digits()
    print("wrote", sorted(f for f in os.listdir(HERE) if f.endswith(".npy")))
