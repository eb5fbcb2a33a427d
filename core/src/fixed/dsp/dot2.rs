//! Two matrix rows against one vector, each load of `x` used for both rows.

use super::*;

/// Four `i16` of two rows against `x` by single-word loads: `x` loaded once
/// for both rows, four `SMLALD`.
macro_rules! pass2_i16 {
    () => {
        concat!(
            "ldr {v0}, [{px}], #4\n",
            "ldr {v1}, [{px}], #4\n",
            "ldr {a0}, [{p0}], #4\n",
            "ldr {a1}, [{p0}], #4\n",
            "smlald {lo0}, {hi0}, {a0}, {v0}\n",
            "smlald {lo0}, {hi0}, {a1}, {v1}\n",
            "ldr {a0}, [{p1}], #4\n",
            "ldr {a1}, [{p1}], #4\n",
            "smlald {lo1}, {hi1}, {a0}, {v0}\n",
            "smlald {lo1}, {hi1}, {a1}, {v1}\n",
        )
    };
}

/// Four `i16` of two word-aligned rows against `x` (not word-aligned: two
/// `LDR`), four `SMLALD`.
macro_rules! pass2_i16_m {
    () => {
        concat!(
            "ldr {v0}, [{px}], #4\n",
            "ldr {v1}, [{px}], #4\n",
            "ldrd {a0}, {a1}, [{p0}], #8\n",
            "smlald {lo0}, {hi0}, {a0}, {v0}\n",
            "smlald {lo0}, {hi0}, {a1}, {v1}\n",
            "ldrd {a0}, {a1}, [{p1}], #8\n",
            "smlald {lo1}, {hi1}, {a0}, {v0}\n",
            "smlald {lo1}, {hi1}, {a1}, {v1}\n",
        )
    };
}

/// The `asm!` of a loop of four `$pass` (16 elements of two rows against
/// `x`) over the pointers `$x`, `$r0`, `$r1`, `$n` passes (at least 1), into
/// the accumulator words `$lo0`, `$hi0`, `$lo1`, `$hi1`.
macro_rules! pair_asm {
    ($pass:ident, $x:expr, $r0:expr, $r1:expr, $n:expr, $lo0:ident, $hi0:ident, $lo1:ident, $hi1:ident) => {
        asm!(
            "2:",
            $pass!(),
            $pass!(),
            $pass!(),
            $pass!(),
            "subs {n}, {n}, #1",
            "bne 2b",
            px = inout(reg) $x => _,
            p0 = inout(reg) $r0 => _,
            p1 = inout(reg) $r1 => _,
            n = inout(reg) $n => _,
            lo0 = inout(reg) $lo0,
            hi0 = inout(reg) $hi0,
            lo1 = inout(reg) $lo1,
            hi1 = inout(reg) $hi1,
            v0 = out(reg) _,
            v1 = out(reg) _,
            a0 = out(reg) _,
            a1 = out(reg) _,
            options(pure, readonly, nostack),
        )
    };
}

/// (Σ r0ᵢ·xᵢ, Σ r1ᵢ·xᵢ) over the common length, exact: two rows of a
/// matrix against one vector, each load of `x` used twice, 16 elements per
/// pass, after at most one element that word-aligns the rows. Instructions
/// per multiply-accumulate: 0.9375 with `x` word-aligned too (`LDRD` for
/// all three), 1.0625 without (`LDR` for `x`), 1.3125 when the rows sit at
/// different offsets in a word (odd row length: `LDR` for all three).
#[inline(always)]
pub(crate) fn dot2_i16(r0: &[i16], r1: &[i16], x: &[i16]) -> (i64, i64) {
    let (r0, r1, x) = common3(r0, r1, x);
    let p = misalignment(r0);
    let (h0, r0) = slices::split(r0, p);
    let (h1, r1) = slices::split(r1, p);
    let (hx, x) = slices::split(x, p);
    let (c0, t0) = r0.as_chunks::<16>();
    let (c1, t1) = r1.as_chunks::<16>();
    let (cx, tx) = x.as_chunks::<16>();
    let (mut s0, mut s1) = (0i64, 0i64);
    let count = cx.len().min(c0.len()).min(c1.len());
    if count > 0 {
        let (mut lo0, mut hi0, mut lo1, mut hi1) = (0u32, 0u32, 0u32, 0u32);
        let rows_aligned = word_aligned(c0.as_ptr()) && word_aligned(c1.as_ptr());
        if rows_aligned && word_aligned(cx.as_ptr()) {
            // SAFETY: see the module comment; reads count·16 i16 from each
            // of `c0`, `c1` and `cx`, which hold at least that many, all
            // word-aligned.
            unsafe {
                pair_asm!(
                    pass2_i16_d,
                    cx.as_ptr(),
                    c0.as_ptr(),
                    c1.as_ptr(),
                    count,
                    lo0,
                    hi0,
                    lo1,
                    hi1
                );
            }
        } else if rows_aligned {
            // SAFETY: see the module comment; reads count·16 i16 from each
            // of `c0`, `c1` (both word-aligned) and `cx`, which hold at
            // least that many.
            unsafe {
                pair_asm!(
                    pass2_i16_m,
                    cx.as_ptr(),
                    c0.as_ptr(),
                    c1.as_ptr(),
                    count,
                    lo0,
                    hi0,
                    lo1,
                    hi1
                );
            }
        } else {
            // SAFETY: see the module comment; reads count·16 i16 from each
            // of `c0`, `c1` and `cx`, which hold at least that many.
            unsafe {
                pair_asm!(
                    pass2_i16,
                    cx.as_ptr(),
                    c0.as_ptr(),
                    c1.as_ptr(),
                    count,
                    lo0,
                    hi0,
                    lo1,
                    hi1
                );
            }
        }
        s0 = join(lo0, hi0);
        s1 = join(lo1, hi1);
    }
    // The peeled element and the tail (under 16): 32-bit partial sums, exact
    // (at most 16 products of at most 2³⁰).
    let (mut u0, mut u1) = (0i64, 0i64);
    if let (Some(&a), Some(&b), Some(&v)) = (h0.first(), h1.first(), hx.first()) {
        u0 = (a as i32 * v as i32) as i64;
        u1 = (b as i32 * v as i32) as i64;
    }
    for ((a, b), v) in t0.iter().zip(t1).zip(tx) {
        u0 += (*a as i32 * *v as i32) as i64;
        u1 += (*b as i32 * *v as i32) as i64;
    }
    (s0 + u0, s1 + u1)
}

/// (Σ r0ᵢ·xᵢ, Σ r1ᵢ·xᵢ) over the common length, exact, for `i8`: each word
/// of `x` widened once for both rows (8 bytes per pass; 1.625 instructions
/// per multiply-accumulate).
#[inline(always)]
pub(crate) fn dot2_i8(r0: &[i8], r1: &[i8], x: &[i8]) -> (i64, i64) {
    crate::fixed::dot2_chunks::<i8, 8>(r0, r1, x, |c0, c1, cx, count| {
        let (mut lo0, mut hi0, mut lo1, mut hi1) = (0u32, 0u32, 0u32, 0u32);
        // SAFETY: see the module comment; reads count·8 i8 from each of
        // `c0`, `c1` and `cx`, which hold at least that many (count ≥ 1).
        unsafe {
            asm!(
                "2:",
                "ldr {a}, [{px}], #4",
                "sxtb16 {v}, {a}",
                "sxtb16 {w}, {a}, ror #8",
                "ldr {a}, [{p0}], #4",
                "sxtb16 {b}, {a}",
                "smlald {lo0}, {hi0}, {b}, {v}",
                "sxtb16 {b}, {a}, ror #8",
                "smlald {lo0}, {hi0}, {b}, {w}",
                "ldr {a}, [{p1}], #4",
                "sxtb16 {b}, {a}",
                "smlald {lo1}, {hi1}, {b}, {v}",
                "sxtb16 {b}, {a}, ror #8",
                "smlald {lo1}, {hi1}, {b}, {w}",
                "ldr {a}, [{px}], #4",
                "sxtb16 {v}, {a}",
                "sxtb16 {w}, {a}, ror #8",
                "ldr {a}, [{p0}], #4",
                "sxtb16 {b}, {a}",
                "smlald {lo0}, {hi0}, {b}, {v}",
                "sxtb16 {b}, {a}, ror #8",
                "smlald {lo0}, {hi0}, {b}, {w}",
                "ldr {a}, [{p1}], #4",
                "sxtb16 {b}, {a}",
                "smlald {lo1}, {hi1}, {b}, {v}",
                "sxtb16 {b}, {a}, ror #8",
                "smlald {lo1}, {hi1}, {b}, {w}",
                "subs {n}, {n}, #1",
                "bne 2b",
                px = inout(reg) cx.as_ptr() => _,
                p0 = inout(reg) c0.as_ptr() => _,
                p1 = inout(reg) c1.as_ptr() => _,
                n = inout(reg) count => _,
                lo0 = inout(reg) lo0,
                hi0 = inout(reg) hi0,
                lo1 = inout(reg) lo1,
                hi1 = inout(reg) hi1,
                v = out(reg) _,
                w = out(reg) _,
                a = out(reg) _,
                b = out(reg) _,
                options(pure, readonly, nostack),
            );
        }
        [lo0, hi0, lo1, hi1]
    })
}
