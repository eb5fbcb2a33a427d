#!/usr/bin/env python3
"""Golden data for the fixed-point kernels, computed by NumPy in integers.

Rerun from this folder with `python3 gen_fixed.py` (needs numpy); it rewrites
the .npy files next to it. Every expected output is exact integer arithmetic
(int64 sums, round half up by adding 2^(s-1) and shifting, saturation by
clipping) except quantize/dequantize, which follow the float32 contract:
clip(rint(x / scale)) and q * scale in float32.
"""
import numpy as np

rng = np.random.default_rng(20261202)


def save(name, arr):
    np.save(name, arr)


def round_shift(v, s):
    v = np.asarray(v, dtype=np.int64)
    return v if s == 0 else (v + (np.int64(1) << (s - 1))) >> s


# quantize / dequantize: values around the grid, halves, out of range, signed zero
x = np.concatenate([
    (rng.standard_normal(210) * 0.5).astype(np.float32),
    np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1e9, -1e9, 0.0, -0.0], np.float32) / np.float32(64.0),
    np.array([40000.0, -40000.0, 32767.4, 32767.6, -32768.5], np.float32) / np.float32(32768.0),
]).astype(np.float32).reshape(5, 9, 5)
save("quantize_x.npy", x)
for bits, dt, scale in [(8, np.int8, 1.0 / 64.0), (16, np.int16, 1.0 / 32768.0)]:
    lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    q = np.clip(np.rint(x / np.float32(scale)), lo, hi).astype(dt)
    save(f"quantize_q{bits}.npy", q)
    save(f"dequantize_q{bits}_out.npy", q.astype(np.float32) * np.float32(scale))

# dot: random, extremes, both dtypes
for dt, lo, hi, n in [(np.int16, -32768, 32768, 1000), (np.int8, -128, 128, 777)]:
    a = rng.integers(lo, hi, n).astype(dt)
    b = rng.integers(lo, hi, n).astype(dt)
    a[:8] = lo
    b[:8] = lo
    bits = np.iinfo(dt).bits
    save(f"dot_a{bits}.npy", a)
    save(f"dot_b{bits}.npy", b)
    save(f"dot_out{bits}.npy", np.array(np.dot(a.astype(np.int64), b.astype(np.int64)), np.int64))

# matvec with shifts, both dtypes
for dt, lo, hi in [(np.int16, -32768, 32768), (np.int8, -128, 128)]:
    bits = np.iinfo(dt).bits
    m = rng.integers(lo, hi, (23, 37)).astype(dt)
    v = rng.integers(lo, hi, 37).astype(dt)
    save(f"matvec_m{bits}.npy", m)
    save(f"matvec_m{bits}_fortran.npy", np.asfortranarray(m))
    save(f"matvec_x{bits}.npy", v)
    acc = m.astype(np.int64) @ v.astype(np.int64)
    for s in [0, 7, 15, 31]:
        y = np.clip(round_shift(acc, s), lo, hi - 1).astype(dt)
        save(f"matvec_out{bits}_s{s}.npy", y)

# simhash: ternary planes, both dtypes
planes = rng.integers(-1, 2, (48, 40)).astype(np.int8)
save("simhash_planes.npy", planes)
for dt, lo, hi in [(np.int16, -32768, 32768), (np.int8, -128, 128)]:
    bits = np.iinfo(dt).bits
    xs = rng.integers(lo, hi, (30, 48)).astype(dt)
    xs[0] = 0  # all-zero input: every projection is 0, no bit set
    save(f"simhash_x{bits}.npy", xs)
    proj = xs.astype(np.int64) @ planes.astype(np.int64)
    save(f"simhash_out{bits}.npy", np.packbits(proj > 0, axis=1, bitorder="little"))
