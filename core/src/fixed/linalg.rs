//! Integer linear algebra: dot, matvec and matmul on `i16` (Q15) and `i8`
//! (Q7), exact in `i64`, narrowed by [`super::round_shift`] and
//! saturation on the way out.
//!
//! **Loop shapes.** The sums are exact, so the order and shape of the loop
//! never change a bit; each target gets the shape its compiler turns into
//! its best multiply-accumulate (chosen in `core/build.rs`):
//! - cores with the DSP extension (Cortex-M4/M7, and the M33 built with
//!   `target-cpu=cortex-m33`): `SMLALD` loops in inline assembly
//!   (`fixed::dsp`, which says why and proves them sound) — two 16 × 16
//!   products added to a 64-bit accumulator per instruction, and for
//!   `matvec` two rows per pass so each load of `x` serves both;
//! - ARMv7-M and ARMv8-M mainline without DSP (Cortex-M3): `LDRSH`/`SMLAL`
//!   (`LDRSB`/`SMLAL` for the `i8` dot) loops in inline assembly
//!   (`fixed::mac64`), one `SMLAL` per product, and for `matvec` two rows per
//!   pass;
//! - ARMv6-M (Cortex-M0/M0+): the Q15 dot in inline assembly
//!   (`fixed::armv6m`), products in `i32`, in pairs whose sum is added to
//!   `i64` once;
//! - others (RISC-V, the host): the same pairs in Rust.
//!
//! `i8` products (|p| ≤ 2¹⁴) are summed in `i32` in blocks of 2¹⁶ and the
//! blocks in `i64`.

use super::{Fixed, Narrow};
use crate::error::{check_len, check_nonempty, Error};
use crate::slices;

/// Largest length the integer kernels accept: 2³² − 1 products of at most 2³⁰
/// stay below 2⁶² in magnitude, so an `i64` sum never overflows.
pub const MAX_LEN: usize = u32::MAX as usize;

// (On 32-bit targets no `usize` exceeds it: the check is for 64-bit hosts.)
#[allow(clippy::absurd_extreme_comparisons)]
fn check_max(what: &'static str, n: usize) -> Result<(), Error> {
    if n > MAX_LEN {
        Err(Error::InvalidArgument { what, expected: "at most 2^32 - 1 products per sum" })
    } else {
        Ok(())
    }
}

/// Σ aᵢ·bᵢ over the common length, exact (Cortex-M4/M7/M33: `SMLALD`
/// loops in `fixed::dsp`).
#[cfg(plasticore_arm_dsp)]
pub(crate) use super::dsp::dot_i16 as dot_i16_exact;

/// Σ aᵢ·bᵢ over the common length, exact: 32-bit products added to a 64-bit
/// sum (ARMv6-M, RISC-V, the host: MUL and a 64-bit add).
///
/// Products come in pairs: p + q lies in [−2³¹ + 2¹⁶, 2³¹] (each product in
/// [−2³⁰ + 2¹⁵, 2³⁰]), so p + q − 1 fits an `i32` exactly, and one 64-bit add
/// per pair (its count added back at the end) replaces two.
#[cfg(not(any(plasticore_arm_dsp, plasticore_mac64, plasticore_armv6m)))]
#[inline(never)]
pub(crate) fn dot_i16_exact(a: &[i16], b: &[i16]) -> i64 {
    let n = a.len().min(b.len());
    let (a, b) = (slices::split(a, n).0, slices::split(b, n).0);
    let (ca, ta) = a.as_chunks::<2>();
    let (cb, tb) = b.as_chunks::<2>();
    let mut acc: i64 = 0;
    for (x, y) in ca.iter().zip(cb) {
        let p = x[0] as i32 * y[0] as i32;
        let q = x[1] as i32 * y[1] as i32;
        acc += p.wrapping_add(q).wrapping_sub(1) as i64;
    }
    acc += ca.len() as i64;
    for (x, y) in ta.iter().zip(tb) {
        acc += (*x as i32 * *y as i32) as i64;
    }
    acc
}

/// Σ aᵢ·bᵢ over the common length, exact (ARMv7-M, ARMv8-M mainline
/// without DSP: `LDRSH`/`SMLAL` loops in `fixed::mac64`).
#[cfg(plasticore_mac64)]
pub(crate) use super::mac64::dot_i16 as dot_i16_exact;

/// Σ aᵢ·bᵢ over the common length, exact (ARMv6-M: the same pairs in an
/// assembly loop, `fixed::armv6m`).
#[cfg(plasticore_armv6m)]
pub(crate) use super::armv6m::dot_i16 as dot_i16_exact;

/// Σ aᵢ·bᵢ over the common length, exact (Cortex-M4/M7/M33: `SXTB16` and
/// `SMLALD` loops in `fixed::dsp`).
#[cfg(plasticore_arm_dsp)]
pub(crate) use super::dsp::dot_i8 as dot_i8_exact;

/// Σ aᵢ·bᵢ over the common length, exact (ARMv7-M, ARMv8-M mainline
/// without DSP: `LDRSB`/`SMLAL` loops in `fixed::mac64`).
#[cfg(plasticore_mac64)]
pub(crate) use super::mac64::dot_i8 as dot_i8_exact;

/// Σ aᵢ·bᵢ over the common length, exact: `i32` sums of ≤ 2¹⁶ products (≤ 2³⁰), added in `i64`.
#[cfg(not(any(plasticore_arm_dsp, plasticore_mac64)))]
#[inline(always)]
pub(crate) fn dot_i8_exact(a: &[i8], b: &[i8]) -> i64 {
    const BLOCK: usize = 1 << 16;
    // The common length; then whole blocks and the tail, as arrays (no
    // division, no bounds check, no panic path at any opt-level).
    let n = a.len().min(b.len());
    let (a, b) = (slices::split(a, n).0, slices::split(b, n).0);
    let (ba, ta) = a.as_chunks::<BLOCK>();
    let (bb, tb) = b.as_chunks::<BLOCK>();
    let mut acc: i64 = 0;
    for (xa, xb) in ba.iter().zip(bb) {
        acc += dot_i8_block(xa, xb) as i64;
    }
    acc + dot_i8_block(ta, tb) as i64
}

/// Σ aᵢ·bᵢ of at most 2¹⁶ pairs of equal length, in `i32` (|Σ| ≤ 2³⁰), four at a time.
#[cfg(not(any(plasticore_arm_dsp, plasticore_mac64)))]
#[inline(always)]
fn dot_i8_block(a: &[i8], b: &[i8]) -> i32 {
    let (ca, ta) = a.as_chunks::<4>();
    let (cb, tb) = b.as_chunks::<4>();
    let mut s: i32 = 0;
    for (x, y) in ca.iter().zip(cb) {
        for k in 0..4 {
            s += x[k] as i32 * y[k] as i32;
        }
    }
    for (x, y) in ta.iter().zip(tb) {
        s += *x as i32 * *y as i32;
    }
    s
}

/// The exact dot product Σ aᵢ·bᵢ of two Q15 or two Q7 vectors.
///
/// The result has scale `s_a·s_b` (2⁻³⁰ for two Q15 vectors).
///
/// # Errors
/// Lengths differ ([`Error::ShapeMismatch`]) or exceed [`MAX_LEN`].
/// ```
/// use plasticore::fixed::linalg::dot;
/// assert_eq!(dot(&[1i16, -2, 3], &[4, 5, -6]).unwrap(), 4 - 10 - 18);
/// assert_eq!(dot(&[i16::MIN; 4], &[i16::MIN; 4]).unwrap(), 4 << 30);
/// ```
pub fn dot<T: Fixed>(a: &[T], b: &[T]) -> Result<i64, Error> {
    check_len("b", a.len(), b.len())?;
    check_max("a", a.len())?;
    Ok(T::dot_exact(a, b))
}

/// `y = saturate(round_shift(M·x, shift))` for a row-major `rows × cols`
/// matrix `m`: each output is the exact row sum, shifted right by `shift`
/// (rounded half up) and saturated to the element type.
///
/// With Q15 `m` and `x` and `shift = 15`, `y` is Q15 (the CMSIS-DSP
/// `arm_mat_vec_mult_q15` convention, which truncates instead of rounding).
///
/// # Errors
/// [`Error::Empty`] for a zero dimension, [`Error::ShapeMismatch`] for `m.len() != rows·cols`,
/// `x.len() != cols` or `out.len() != rows`, [`Error::InvalidArgument`] for `shift > 63` or
/// `cols > MAX_LEN`; `out` is untouched then.
pub fn matvec<T: Fixed>(
    m: &[T],
    rows: usize,
    cols: usize,
    x: &[T],
    shift: u32,
    out: &mut [T],
) -> Result<(), Error> {
    check_shape(m.len(), rows, cols)?;
    check_len("x", cols, x.len())?;
    check_len("out", rows, out.len())?;
    check_shift(shift)?;
    if T::matvec_special(m, cols, x, shift, out) {
        return Ok(());
    }
    let narrow = Narrow::new(shift);
    // `next()` rather than `zip`: no division inside `Zip` (see `slices::rows`).
    // Two rows at a time, so each load of `x` serves both (`Fixed::dot2_exact`).
    let mut m_rows = m.chunks_exact(cols.max(1));
    let mut outs = out.iter_mut();
    while let Some(o0) = outs.next() {
        let Some(r0) = m_rows.next() else { break };
        if let (Some(o1), Some(r1)) = (outs.next(), m_rows.next()) {
            let (s0, s1) = T::dot2_exact(r0, r1, x);
            *o0 = narrow.apply(s0);
            *o1 = narrow.apply(s1);
        } else {
            *o0 = narrow.apply(T::dot_exact(r0, x));
        }
    }
    Ok(())
}

/// `C = saturate(round_shift(A·B, shift))` for row-major `A` (`m × k`), `B`
/// (`k × n`) and `C` (`m × n`); `bt` is caller scratch of `k·n` elements that
/// receives `Bᵀ`, so row i of `C` is the matrix–vector product `Bᵀ·aᵢ`
/// ([`matvec`]: two outputs per pass over `aᵢ`, or the core's own loop;
/// word-align `a` and `bt`, with `k` even, for the DSP cores' loop).
///
/// # Errors
/// [`Error::Empty`] for a zero dimension, [`Error::ShapeMismatch`] for a slice of the wrong
/// length, [`Error::InvalidArgument`] for `shift > 63` or `k > MAX_LEN`; `c` is untouched then
/// (`bt` may be overwritten).
#[allow(clippy::too_many_arguments)]
pub fn matmul<T: Fixed>(
    a: &[T],
    b: &[T],
    m: usize,
    k: usize,
    n: usize,
    shift: u32,
    bt: &mut [T],
    c: &mut [T],
) -> Result<(), Error> {
    check_shape(a.len(), m, k)?;
    check_shape(b.len(), k, n)?;
    check_len("c", m.checked_mul(n).ok_or(too_big())?, c.len())?;
    check_len("scratch", b.len(), bt.len())?;
    check_shift(shift)?;
    for (j, col) in slices::rows_mut(bt, k).enumerate() {
        for (v, brow) in col.iter_mut().zip(slices::rows(b, n)) {
            *v = brow.get(j).copied().unwrap_or_default();
        }
    }
    if T::matvec_many_special(bt, k, a, shift, c) {
        return Ok(());
    }
    for (crow, arow) in slices::rows_mut(c, n).zip(slices::rows(a, k)) {
        matvec(bt, n, k, arow, shift, crow)?;
    }
    Ok(())
}

fn too_big() -> Error {
    Error::InvalidArgument { what: "matrix size", expected: "rows * cols that fits in usize" }
}

fn check_shape(len: usize, rows: usize, cols: usize) -> Result<(), Error> {
    check_nonempty("rows", rows)?;
    check_nonempty("cols", cols)?;
    check_max("cols", cols)?;
    check_len("matrix", rows.checked_mul(cols).ok_or(too_big())?, len)
}

fn check_shift(shift: u32) -> Result<(), Error> {
    if shift > 63 {
        Err(Error::InvalidArgument { what: "shift", expected: "0..=63" })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use proptest::prelude::*;
    use std::{vec, vec::Vec};

    fn naive<T: Fixed>(a: &[T], b: &[T]) -> i128 {
        a.iter().zip(b).map(|(x, y)| x.to_i32() as i128 * y.to_i32() as i128).sum()
    }

    proptest! {
        #[test]
        fn dot_i16_is_exact(v in proptest::collection::vec((any::<i16>(), any::<i16>()), 0..300)) {
            let (a, b): (Vec<i16>, Vec<i16>) = v.into_iter().unzip();
            prop_assert_eq!(dot(&a, &b).unwrap() as i128, naive(&a, &b));
        }

        #[test]
        fn dot_i8_is_exact(v in proptest::collection::vec((any::<i8>(), any::<i8>()), 0..300)) {
            let (a, b): (Vec<i8>, Vec<i8>) = v.into_iter().unzip();
            prop_assert_eq!(dot(&a, &b).unwrap() as i128, naive(&a, &b));
        }

        #[test]
        fn matvec_rounds_and_saturates(
            rows in 1usize..6, cols in 1usize..20, shift in 0u32..20, seed in any::<u64>()
        ) {
            let mut r = crate::rng::Rng::new(seed);
            let m: Vec<i16> = (0..rows * cols).map(|_| r.next() as i16).collect();
            let x: Vec<i16> = (0..cols).map(|_| r.next() as i16).collect();
            let mut y = vec![0i16; rows];
            matvec(&m, rows, cols, &x, shift, &mut y).unwrap();
            for i in 0..rows {
                let s = naive(&m[i * cols..(i + 1) * cols], &x);
                let half = if shift == 0 { 0 } else { 1i128 << (shift - 1) };
                let want = ((s + half) >> shift).clamp(-32768, 32767);
                prop_assert_eq!(y[i] as i128, want);
            }
        }
    }

    #[test]
    fn narrow_equals_round_shift_then_saturate() {
        let edge = (MAX_LEN as i64) << 30; // the largest |sum| the kernels produce
        let mut r = crate::rng::Rng::new(7);
        let mut values = vec![0, 1, -1, edge, -edge, edge - 1, 1 - edge];
        values.extend((0..2000).map(|_| (r.next() as i64) >> (r.next() % 64)));
        for v in values {
            let v = v.clamp(-edge, edge);
            for shift in 0..=63 {
                let n = Narrow::new(shift);
                let want = super::super::round_shift(v, shift);
                assert_eq!(n.apply::<i16>(v), i16::saturate(want), "v={v} shift={shift}");
                assert_eq!(n.apply::<i8>(v), i8::saturate(want), "v={v} shift={shift}");
            }
        }
    }

    #[test]
    fn extremes_do_not_overflow() {
        let a = [i16::MIN; 1000];
        assert_eq!(dot(&a, &a).unwrap(), 1000 << 30);
        let b = [i8::MIN; 70_000];
        assert_eq!(dot(&b, &b).unwrap(), 70_000 * 16384);
    }

    #[test]
    fn matmul_equals_matvec_per_column() {
        let a: [i8; 6] = [1, -2, 3, 4, 5, -6];
        let b: [i8; 6] = [7, 8, -9, 10, 11, 12];
        let mut bt = [0i8; 6];
        let mut c = [0i8; 4];
        matmul(&a, &b, 2, 3, 2, 2, &mut bt, &mut c).unwrap();
        // A·B = [[1*7-2*-9+3*11, 1*8-2*10+3*12], [4*7+5*-9-6*11, 4*8+5*10-6*12]] = [[58, 24], [-83, 10]]
        assert_eq!(c, [15, 6, -21, 3]); // /4, rounded half up
    }

    #[test]
    fn bad_shapes_are_errors_and_leave_out_alone() {
        let mut y = [9i16; 2];
        assert!(matvec(&[1i16; 5], 2, 3, &[1; 3], 0, &mut y).is_err());
        assert!(matvec(&[1i16; 6], 2, 3, &[1; 2], 0, &mut y).is_err());
        assert!(matvec(&[1i16; 6], 2, 3, &[1; 3], 64, &mut y).is_err());
        assert!(matvec(&[1i16; 0], 0, 3, &[1; 3], 0, &mut y[..0]).is_err());
        assert_eq!(y, [9, 9]);
        assert!(dot(&[1i8; 3], &[1i8; 2]).is_err());
    }
}
