#!/usr/bin/env python3
"""Golden references for the `numerics` group (tests/tests/numerics_golden.rs).

Rerun from the repository root with
    python3 tests/data/numerics/gen_numerics.py
(needs numpy, scipy, pandas; tested with numpy 2.4, scipy 1.17, pandas 3.0).
Every random draw comes from numpy.random.default_rng with a fixed seed, so the
files are reproducible. f64 references are stored as two float32 arrays
`hi + lo` (hi = f32(v), lo = f32(v - hi)) because the test reader takes
float32/int32/uint8 only; hi + lo carries ~48 significant bits.
"""
import os

import numpy as np
import pandas as pd
from scipy import special, stats

OUT = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20201)


def save(name, a):
    np.save(os.path.join(OUT, name + ".npy"), a, allow_pickle=False)


def split(v):
    v = np.asarray(v, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        hi = v.astype(np.float32)
        lo = np.where(np.isfinite(v), v - hi.astype(np.float64), 0.0).astype(np.float32)
    return np.stack([hi, lo], axis=-1)


# ---------------------------------------------------------------- KL divergence
# Rows of p and q (f32), some with zeros in p, zeros in q where p = 0, and one
# row with p > 0 = q (→ +inf). Reference: sum(scipy.special.rel_entr) on the
# f32 values promoted to f64; scipy.stats.entropy agrees for normalised rows.
n, rows = 32, 12
p = rng.dirichlet(np.full(n, 0.5), size=rows)
q = rng.dirichlet(np.full(n, 2.0), size=rows)
p[1, :5] = 0.0
q[2, :3] = 0.0
p[2, :3] = 0.0
p[3, 7] = 1e-30
q[4] = rng.dirichlet(np.full(n, 0.05))  # heavy-tailed q with tiny entries
q[5, 9] = 0.0  # p > 0 = q → inf
p = (p / p.sum(1, keepdims=True)).astype(np.float32)
q = (q / q.sum(1, keepdims=True)).astype(np.float32)
p64, q64 = p.astype(np.float64), q.astype(np.float64)
kl_ref = special.rel_entr(p64, q64).sum(axis=1)
ent = np.array([stats.entropy(a, b) for a, b in zip(p64, q64)])
assert np.allclose(kl_ref[np.isfinite(kl_ref)], ent[np.isfinite(kl_ref)], rtol=1e-6)
save("kl_p", p)
save("kl_q", q)
save("kl_expected", split(kl_ref))

# -------------------------------------------------------------- moving averages
# A random walk with a large offset (stresses cancellation in running sums).
x = (1000.0 + np.cumsum(rng.normal(size=600))).astype(np.float32)
save("ma_x", x)
for w in (1, 3, 7, 30, 600):
    m = pd.Series(x.astype(np.float64)).rolling(w).mean().to_numpy()[w - 1:]
    save(f"ma_w{w}", split(m))
# Per capita: counts [t, s], population [s], per 100000, 7-day window.
t, s = 60, 4
counts = rng.poisson(lam=[5.0, 50.0, 500.0, 3.0], size=(t, s)).astype(np.float32)
pop = np.array([12_000.0, 850_000.0, 8_300_000.0, 2_500.0], dtype=np.float32)
df = pd.DataFrame(counts.astype(np.float64))
pc = (df.rolling(7).mean() / pop.astype(np.float64) * 100000.0).to_numpy()
save("pc_counts", counts)
save("pc_population", pop)
save("pc_expected", split(pc))

# ------------------------------------------------------------------ SupCon loss
def supcon(f, labels, tau):
    z = f / np.linalg.norm(f, axis=1, keepdims=True)
    sim = z @ z.T / tau
    nn = len(labels)
    eye = np.eye(nn, dtype=bool)
    logits = np.where(eye, -np.inf, sim)
    log_prob = sim - special.logsumexp(logits, axis=1, keepdims=True)
    pos = (labels[:, None] == labels[None, :]) & ~eye
    npos = pos.sum(1)
    anchors = npos > 0
    li = -(np.where(pos, log_prob, 0.0).sum(1)[anchors]) / npos[anchors]
    return li.mean()


nf, d = 12, 5
feats = (rng.normal(size=(nf, d)) * 1.5).astype(np.float32)
labels = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 3, 0, 1], dtype=np.int32)  # label 3 alone
save("supcon_features", feats)
save("supcon_labels", labels)
f64 = feats.astype(np.float64)
for name, tau in (("t010", 0.1), ("t050", 0.5)):
    loss = supcon(f64, labels, tau)
    h = 1e-6
    grad = np.zeros_like(f64)
    for i in range(nf):
        for k in range(d):
            fp, fm = f64.copy(), f64.copy()
            fp[i, k] += h
            fm[i, k] -= h
            grad[i, k] = (supcon(fp, labels, tau) - supcon(fm, labels, tau)) / (2 * h)
    save(f"supcon_{name}_loss", split(np.array([loss])))
    save(f"supcon_{name}_grad", split(grad))

# ------------------------------------------- incomplete beta and cosine p-value
# p(c, d) = P(cos >= c) for a uniform direction in R^d
#         = 0.5 * betainc((d-1)/2, 1/2, 1 - c^2) for c >= 0, 1 - that for c < 0.
# Grid: for each d, cosines on [-1, 1] plus the cosines whose p-values are
# 10^-1 .. 10^-30 (found with betaincinv), rounded to f32; the reference is
# evaluated at the f32 value of c, in f64 (1 - c^2 computed as (1-c)(1+c)).
ds = [2, 3, 4, 5, 8, 10, 16, 32, 64, 100, 128, 256, 512, 1000, 2048, 4096, 10000]
cs_all, ds_all, ps_all = [], [], []
for dd in ds:
    a = (dd - 1) / 2.0
    cands = list(np.linspace(-1.0, 1.0, 41))
    for k in range(1, 31):
        xk = special.betaincinv(a, 0.5, 2.0 * 10.0 ** (-k))
        if 0.0 < xk < 1.0:
            cands.append(np.sqrt(1.0 - xk))
            cands.append(-np.sqrt(1.0 - xk))  # the complementary, p close to 1
    for c in cands:
        c32 = np.float32(c)
        c64 = np.float64(c32)
        x = (1.0 - abs(c64)) * (1.0 + abs(c64))
        half = 0.5 * special.betainc(a, 0.5, x)
        pv = half if c64 >= 0 else 1.0 - half
        cs_all.append(c32)
        ds_all.append(dd)
        ps_all.append(pv)
save("pvalue_c", np.array(cs_all, dtype=np.float32))
save("pvalue_d", np.array(ds_all, dtype=np.int32))
save("pvalue_expected", split(ps_all))

# Plain betainc(a, b, x) over a grid of shapes (half-integers and others).
bas, bbs, bxs, bvs = [], [], [], []
for a in (0.5, 1.0, 1.5, 2.5, 7.0, 20.5, 99.5, 1000.0, 4999.5):
    for b in (0.5, 1.0, 3.0, 10.0, 150.0):
        for x in (1e-6, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999999):
            x32 = np.float32(x)
            bas.append(a)
            bbs.append(b)
            bxs.append(x32)
            bvs.append(special.betainc(a, b, np.float64(x32)))
save("betainc_abx", np.stack([bas, bbs, np.array(bxs, dtype=np.float64)], axis=1).astype(np.float32))
save("betainc_expected", split(bvs))

# ---------------------------------------------------------------------- reshape
# numpy.reshape(x, shape, order=o) of C-contiguous inputs; results stored
# C-contiguous. Cases: name, input shape, output shape.
cases = [
    ("r2", (4, 6), (3, 8)),
    ("r3", (2, 3, 4), (4, 6)),
    ("r4", (2, 3, 2, 2), (6, 4)),
    ("r1", (24,), (2, 3, 4)),
    ("r8", (2, 1, 3, 1, 2, 1, 2, 1), (3, 8)),
    ("rneg", (3, 8), (2, -1, 3)),
]
spec = []
for name, src, dst in cases:
    xin = np.arange(int(np.prod(src)), dtype=np.float32).reshape(src) * 0.5 - 3.0
    save(f"reshape_{name}_x", xin)
    for o in ("C", "F"):
        save(f"reshape_{name}_{o}", np.ascontiguousarray(np.reshape(xin, dst, order=o)))
# The same r3 input stored Fortran-ordered (fortran_order: True in the header),
# for the CLI test that Fortran files are honoured.
np.save(os.path.join(OUT, "reshape_r3_x_fortran.npy"),
        np.asfortranarray(np.arange(24, dtype=np.float32).reshape(2, 3, 4) * 0.5 - 3.0))
# MATLAB vec of a 3x5 matrix = reshape(-1, order='F').
mat = rng.normal(size=(3, 5)).astype(np.float32)
save("vec_m", mat)
save("vec_expected", mat.reshape(-1, order="F"))
print("wrote", len(os.listdir(OUT)) - 1, "files to", OUT)
