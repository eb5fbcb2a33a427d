#!/usr/bin/env python3
"""Golden data for the linalg and nn kernels, computed by NumPy in float64.

Rerun from this folder with `python3 gen_linalg.py` (needs numpy); it rewrites
the .npy files next to it. Inputs are float32; expected outputs are the
float64 results rounded to float32. Fortran-ordered copies of the matrix
inputs check that `plasticore run` honours `fortran_order`.
"""
import numpy as np

rng = np.random.default_rng(20261126)


def f32(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def save(name, arr):
    np.save(name, arr)


# dot
a, b = f32(100), f32(100)
save("dot_a.npy", a)
save("dot_b.npy", b)
save("dot_out.npy", np.array(np.dot(a.astype(np.float64), b.astype(np.float64)), dtype=np.float32))

# matvec, C and Fortran order
m, x = f32(37, 23), f32(23)
save("matvec_m.npy", m)
save("matvec_m_fortran.npy", np.asfortranarray(m))
save("matvec_x.npy", x)
save("matvec_out.npy", (m.astype(np.float64) @ x.astype(np.float64)).astype(np.float32))

# matmul, C and Fortran order
p, q = f32(9, 17), f32(17, 11)
save("matmul_a.npy", p)
save("matmul_b.npy", q)
save("matmul_a_fortran.npy", np.asfortranarray(p))
save("matmul_b_fortran.npy", np.asfortranarray(q))
save("matmul_out.npy", (p.astype(np.float64) @ q.astype(np.float64)).astype(np.float32))

# softmax over the last axis of a 3-d array, with large logits and masked (-inf) entries;
# one row fully masked gives the uniform distribution (plasticore's documented choice).
s = f32(3, 4, 10, scale=20.0)
s[0, 1, 3] = -np.inf
s[1, 2, :] = -np.inf
s64 = s.astype(np.float64)
mx = np.max(s64, axis=-1, keepdims=True)
mx[~np.isfinite(mx)] = 0.0
e = np.exp(s64 - mx)
out = e / e.sum(axis=-1, keepdims=True)
out[1, 2, :] = 1.0 / 10
save("softmax_x.npy", s)
save("softmax_out.npy", out.astype(np.float32))
