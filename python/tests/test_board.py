"""The module's outputs equal the board's: the firmware's self-test cases
rebuilt here from their seeds (the core's generator, `plasticore.Rng`), run
through `plasticore.run`, and checksummed (FNV-1a over the output bits,
computed here) against the self-test checksums — the values the QEMU tests
require every emulated core (M0, M3, M4F, M7, M33, RV32IMC) to produce."""

import numpy as np
import pytest

import plasticore
from conftest import fnv1a_f32

BOARD = plasticore.selftest_checksums()


def uniform(seed, n):
    return plasticore.Rng(seed).uniform(n, -1.0, 1.0)


def ints(seed, n, bits):
    # The top `bits` bits of each 32-bit output, as a signed integer.
    raw = plasticore.Rng(seed).next_u32(n).astype(np.uint32).view(np.int32)
    return (raw >> (32 - bits)).astype(np.int16 if bits == 16 else np.int8)


def pieces(v: int):
    u = int(v) & (2**64 - 1)
    return [float((u >> (16 * i)) & 0xFFFF) for i in range(4)]


@pytest.mark.parametrize("n", [64, 4096])
def test_linalg_dot(n):
    out = plasticore.run("linalg.dot", a=uniform(1, n), b=uniform(2, n))
    assert fnv1a_f32([out]) == BOARD[("linalg.dot", f"n={n}")]


@pytest.mark.parametrize("shape,r,c,colmajor", [("16x16", 16, 16, False), ("64x64", 64, 64, False), ("64x64 colmajor", 64, 64, True)])
def test_linalg_matvec(shape, r, c, colmajor):
    a = uniform(5, r * c)
    # Column-major storage: element (i, j) at j·r + i — a Fortran-ordered view.
    m = a.reshape(c, r).T if colmajor else a.reshape(r, c)
    assert m.flags["F_CONTIGUOUS"] == colmajor
    out = plasticore.run("linalg.matvec", m=m, x=uniform(6, c))
    assert fnv1a_f32(out) == BOARD[("linalg.matvec", shape)]


def test_linalg_matmul():
    a, b = uniform(7, 256).reshape(16, 16), uniform(8, 256).reshape(16, 16)
    out = plasticore.run("linalg.matmul", a=a, b=b)
    assert fnv1a_f32(out.ravel()) == BOARD[("linalg.matmul", "16x16x16")]


@pytest.mark.parametrize("q,bits", [("q15", 16), ("q7", 8)])
@pytest.mark.parametrize("n", [64, 4096])
def test_fixed_dot(q, bits, n):
    a, b = ints(31, n, bits), ints(32, n, bits)
    out = plasticore.run("fixed.dot", a=a, b=b)
    assert int(out) == int(a.astype(np.int64) @ b.astype(np.int64))
    assert fnv1a_f32(pieces(out)) == BOARD[("fixed.dot", f"{q} n={n}")]


@pytest.mark.parametrize("q,bits", [("q15", 16), ("q7", 8)])
def test_fixed_matvec(q, bits):
    m, x = ints(33, 64 * 64, bits).reshape(64, 64), ints(34, 64, bits)
    out = plasticore.run("fixed.matvec", m=m, x=x, shift=bits - 1)
    assert fnv1a_f32(out.astype(np.float32)) == BOARD[("fixed.matvec", f"{q} 64x64")]
