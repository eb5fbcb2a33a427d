//! Σ aᵢ·bᵢ of one `i16` or `i8` row against another: `SMLALD` over word
//! pairs (`LDRD`) after peeling to word-align one slice, for slices from
//! [`LONG`] elements on; short ones take single-word loads (`i8`: 32-bit
//! `SMLAD` sums, exact for them).

use super::*;

/// Σ aᵢ·bᵢ over the first multiple of 4 elements of the common length,
/// and that count, `a` word-aligned (else nothing: `(0, 0)`): 32 elements a
/// pass, then 4 a pass. Instructions per multiply-accumulate in the
/// 32-element loop: 1.0625 with `b` word-aligned too (`LDRD` for both),
/// else 1.3125 (`LDRD` and `LDR`).
#[inline(always)]
fn sum_i16(a: &[i16], b: &[i16]) -> (i64, usize) {
    let len = a.len().min(b.len());
    if !word_aligned(a.as_ptr()) {
        return (0, 0);
    }
    let (n, m) = (len / 32, len % 32 / 4);
    let (mut lo, mut hi) = (0u32, 0u32);
    if word_aligned(b.as_ptr()) {
        // SAFETY: see the module comment; reads 32n + 4m ≤ len i16 from each
        // of `a` and `b`, both word-aligned.
        unsafe {
            two_stage_asm!(pass_i16_d, a.as_ptr(), b.as_ptr(), n, m, lo, hi);
        }
    } else {
        // SAFETY: see the module comment; reads 32n + 4m ≤ len i16 from each
        // of `a` (word-aligned) and `b`.
        unsafe {
            two_stage_asm!(pass_i16_m, a.as_ptr(), b.as_ptr(), n, m, lo, hi);
        }
    }
    (join(lo, hi), 32 * n + 4 * m)
}

/// From this length on, the dot products first peel the elements that
/// word-align one slice and then load word pairs ([`sum_i16`], [`sum_i8`]);
/// below it the single-word loops cost less in all (measured, Q15 n = 64 on
/// the Cortex-M4F: 137 instructions without peeling against 162 with).
const LONG: usize = 128;

/// `a` and `b` cut to their common length, after the leading elements that
/// bring `a` to a word boundary: `(a head, b head, a rest, b rest)`.
#[inline(always)]
fn align_first<'a, T>(a: &'a [T], b: &'a [T]) -> (&'a [T], &'a [T], &'a [T], &'a [T]) {
    let n = a.len().min(b.len());
    let (a, b) = (slices::split(a, n).0, slices::split(b, n).0);
    let p = misalignment(a);
    let (ha, ra) = slices::split(a, p);
    let (hb, rb) = slices::split(b, p);
    (ha, hb, ra, rb)
}

/// [`dot_i16`] from [`LONG`] elements on: at most one element that
/// word-aligns `a`, then word pairs ([`sum_i16`]), then pairs and the last
/// one.
#[inline(never)]
fn dot_i16_long(a: &[i16], b: &[i16]) -> i64 {
    let (ha, hb, a, b) = align_first(a, b);
    let (mut acc, done) = sum_i16(a, b);
    let (ta, tb) = (slices::split(a, done).1, slices::split(b, done).1);
    let (pa, ra) = ta.as_chunks::<2>();
    let (pb, rb) = tb.as_chunks::<2>();
    for (x, y) in pa.iter().zip(pb) {
        acc = smlald(acc, pair(x), pair(y));
    }
    for (x, y) in ha.iter().zip(hb).chain(ra.iter().zip(rb)) {
        acc += (*x as i32 * *y as i32) as i64;
    }
    acc
}

/// Σ aᵢ·bᵢ over the common length, exact: 32 elements per pass, sixteen
/// `SMLALD` (1.5625 instructions per multiply-accumulate); from [`LONG`]
/// elements on, [`dot_i16_long`].
#[inline(never)]
pub(crate) fn dot_i16(a: &[i16], b: &[i16]) -> i64 {
    let n = a.len().min(b.len());
    if n >= LONG {
        return dot_i16_long(a, b);
    }
    let (a, b) = (slices::split(a, n).0, slices::split(b, n).0);
    let (ca, ta) = a.as_chunks::<32>();
    let (cb, tb) = b.as_chunks::<32>();
    let mut acc = 0i64;
    let count = ca.len().min(cb.len());
    if count > 0 {
        let (mut lo, mut hi) = (0u32, 0u32);
        // SAFETY: see the module comment; reads count·32 i16 from each of
        // `ca` and `cb`, which hold at least that many.
        unsafe {
            asm!(
                "2:",
                pass_i16!(),
                pass_i16!(),
                pass_i16!(),
                pass_i16!(),
                pass_i16!(),
                pass_i16!(),
                pass_i16!(),
                pass_i16!(),
                "subs {n}, {n}, #1",
                "bne 2b",
                pa = inout(reg) ca.as_ptr() => _,
                pb = inout(reg) cb.as_ptr() => _,
                n = inout(reg) count => _,
                lo = inout(reg) lo,
                hi = inout(reg) hi,
                x0 = out(reg) _,
                y0 = out(reg) _,
                x1 = out(reg) _,
                y1 = out(reg) _,
                options(pure, readonly, nostack),
            );
        }
        acc = join(lo, hi);
    }
    let (pa, ra) = ta.as_chunks::<2>();
    let (pb, rb) = tb.as_chunks::<2>();
    for (x, y) in pa.iter().zip(pb) {
        acc = smlald(acc, pair(x), pair(y));
    }
    for (x, y) in ra.iter().zip(rb) {
        acc += (*x as i32 * *y as i32) as i64;
    }
    acc
}

/// Σ aᵢ·bᵢ over the first multiple of 8 bytes of the common length, and
/// that count, `a` word-aligned (else nothing: `(0, 0)`): 64 bytes a pass,
/// then 8 a pass. Instructions per multiply-accumulate in the 64-byte loop:
/// 1.78 with `b` word-aligned too (`LDRD` for both), else 1.91 (`LDRD` and
/// `LDR`).
#[inline(always)]
fn sum_i8(a: &[i8], b: &[i8]) -> (i64, usize) {
    let len = a.len().min(b.len());
    if !word_aligned(a.as_ptr()) {
        return (0, 0);
    }
    let (n, m) = (len / 64, len % 64 / 8);
    let (mut lo, mut hi) = (0u32, 0u32);
    if word_aligned(b.as_ptr()) {
        // SAFETY: see the module comment; reads 64n + 8m ≤ len i8 from each
        // of `a` and `b`, both word-aligned.
        unsafe {
            two_stage_asm!(pass_i8_d, a.as_ptr(), b.as_ptr(), n, m, lo, hi, u, v);
        }
    } else {
        // SAFETY: see the module comment; reads 64n + 8m ≤ len i8 from each
        // of `a` (word-aligned) and `b`.
        unsafe {
            two_stage_asm!(pass_i8_m, a.as_ptr(), b.as_ptr(), n, m, lo, hi, u, v);
        }
    }
    (join(lo, hi), 64 * n + 8 * m)
}

/// Σ over the whole words (4 bytes) of `a`·`b`, each widened by `SXTB16`.
#[inline(always)]
fn words_i8(a: &[i8], b: &[i8]) -> i64 {
    let (wa, wb) = (a.as_chunks::<4>().0, b.as_chunks::<4>().0);
    let word = |w: &[i8; 4]| u32::from_le_bytes(w.map(|v| v as u8));
    wa.iter().zip(wb).fold(0, |acc, (x, y)| {
        let (x, y) = (word(x), word(y));
        let acc = smlald(acc, sxtb16(x), sxtb16(y));
        smlald(acc, sxtb16(x.rotate_right(8)), sxtb16(y.rotate_right(8)))
    })
}

/// [`dot_i8`] from [`LONG`] bytes on: at most three bytes that word-align
/// `a`, then word pairs ([`sum_i8`]), a word left the same way, and the last
/// bytes.
#[inline(never)]
fn dot_i8_long(a: &[i8], b: &[i8]) -> i64 {
    let (ha, hb, a, b) = align_first(a, b);
    let (acc, done) = sum_i8(a, b);
    let (ta, tb) = (slices::split(a, done).1, slices::split(b, done).1);
    let acc = acc + words_i8(ta, tb);
    let (ra, rb) = (ta.as_chunks::<4>().1, tb.as_chunks::<4>().1);
    let mut s: i32 = 0;
    for (x, y) in ha.iter().zip(hb).chain(ra.iter().zip(rb)) {
        s += *x as i32 * *y as i32;
    }
    acc + s as i64
}

/// Σ aᵢ·bᵢ over the common length, exact: 32 bytes per pass, each word
/// widened by two `SXTB16` and summed by two `SMLAD` in 32 bits (below
/// [`LONG`] bytes the sum fits), loaded a word pair per `LDRD` when both
/// slices are word-aligned (1.81 instructions per multiply-accumulate), else
/// a word per `LDR` (2.0625); from [`LONG`] bytes on, [`dot_i8_long`].
#[inline(never)]
pub(crate) fn dot_i8(a: &[i8], b: &[i8]) -> i64 {
    let n = a.len().min(b.len());
    if n >= LONG {
        return dot_i8_long(a, b);
    }
    let (a, b) = (slices::split(a, n).0, slices::split(b, n).0);
    let (ca, ta) = a.as_chunks::<32>();
    let (cb, tb) = b.as_chunks::<32>();
    // Fewer than LONG = 128 products of at most 2¹⁴: |s| < 2²¹, exact in i32.
    let mut s: i32 = 0;
    for (x, y) in ta.iter().zip(tb) {
        s += *x as i32 * *y as i32;
    }
    let count = ca.len().min(cb.len());
    if count > 0 && word_aligned(ca.as_ptr()) && word_aligned(cb.as_ptr()) {
        // SAFETY: see the module comment; reads count·32 i8 from each of
        // `ca` and `cb`, which hold at least that many, both word-aligned.
        unsafe {
            asm!(
                "2:",
                pass_i8_d32!(),
                pass_i8_d32!(),
                pass_i8_d32!(),
                pass_i8_d32!(),
                "subs {n}, {n}, #1",
                "bne 2b",
                pa = inout(reg) ca.as_ptr() => _,
                pb = inout(reg) cb.as_ptr() => _,
                n = inout(reg) count => _,
                s = inout(reg) s,
                x0 = out(reg) _,
                x1 = out(reg) _,
                y0 = out(reg) _,
                y1 = out(reg) _,
                u = out(reg) _,
                v = out(reg) _,
                options(pure, readonly, nostack),
            );
        }
    } else if count > 0 {
        // SAFETY: see the module comment; reads count·32 i8 from each of
        // `ca` and `cb`, which hold at least that many.
        unsafe {
            asm!(
                "2:",
                word_i8_32!(),
                word_i8_32!(),
                word_i8_32!(),
                word_i8_32!(),
                word_i8_32!(),
                word_i8_32!(),
                word_i8_32!(),
                word_i8_32!(),
                "subs {n}, {n}, #1",
                "bne 2b",
                pa = inout(reg) ca.as_ptr() => _,
                pb = inout(reg) cb.as_ptr() => _,
                n = inout(reg) count => _,
                s = inout(reg) s,
                x = out(reg) _,
                y = out(reg) _,
                u = out(reg) _,
                v = out(reg) _,
                options(pure, readonly, nostack),
            );
        }
    }
    s as i64
}
