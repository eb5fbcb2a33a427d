//! The integer kernels' inner loops for cores with the Arm DSP extension
//! (ARMv7E-M: Cortex-M4/M7; ARMv8-M mainline with DSP: Cortex-M33), in
//! inline assembly.
//!
//! **Why assembly.** The sums are exact integers, so any instruction
//! sequence that computes them gives the same bits; what differs is the
//! count. `SMLALD` adds two 16 × 16 products to a 64-bit accumulator in one
//! instruction, and `SXTB16` widens two bytes at once. Safe Rust shaped for
//! LLVM's ParallelDSP pass did not get them with the toolchain in use: the
//! loop compiled to `LDRSH`/`SMLALBB`, one product per instruction plus spills
//! (measured 2.76 instructions per multiply-accumulate against CMSIS-DSP's
//! 2.51 for `arm_dot_prod_q15` on the M4F). These loops take 1.56 (Q15) and
//! 2.06 (Q7), and the two-row matrix–vector loops reuse each load of `x`.
//! The figures are in docs/benchmarks.md ("Against CMSIS-DSP").
//!
//! **Soundness.** Each block reads memory only through `LDR` with
//! post-increment, from pointers taken from slices, for a count of whole
//! chunks taken from `as_chunks` on those same slices: it reads exactly
//! `count · CHUNK` elements of each, all inside their slices, and writes none
//! (`readonly`). The count is at least 1 on entry (checked), so `SUBS`/`BNE`
//! ends after `count` passes. `LDR` of a 2-byte-aligned word is an unaligned
//! access, which ARMv7-M and ARMv8-M mainline perform in hardware (the
//! compiler emits the same for combined loads; a fault would need
//! `CCR.UNALIGN_TRP` set by the application). The blocks touch no stack and
//! name every register they change.
//!
//! **Tests.** The host compiles the portable loops in `linalg`; every board
//! case of `fixed.*` (and the LSH and Hebbian cases built on them) runs these
//! loops on the M4F, M7 and M33 and must equal the host's checksum bit for bit
//! (`tests/tests/firmware_qemu.rs`), with odd lengths and tails in the cases.
//! Miri cannot run Arm assembly; the code it can run (everything else in
//! `fixed`) is in the Miri job.

use core::arch::asm;

use crate::slices;

/// `acc + x.lo·y.lo + x.hi·y.hi` with signed 16-bit halves (`SMLALD`).
#[inline(always)]
fn smlald(acc: i64, x: u32, y: u32) -> i64 {
    let mut lo = acc as u32;
    let mut hi = (acc >> 32) as u32;
    // SAFETY: one register-only instruction; no memory, no flags.
    unsafe {
        asm!(
            "smlald {lo}, {hi}, {x}, {y}",
            lo = inout(reg) lo, hi = inout(reg) hi, x = in(reg) x, y = in(reg) y,
            options(pure, nomem, nostack, preserves_flags),
        );
    }
    join(lo, hi)
}

/// Four `i16` of each of `a` and `b`: two words each, two `SMLALD`.
macro_rules! pass_i16 {
    () => {
        concat!(
            "ldr {x0}, [{pa}], #4\n",
            "ldr {y0}, [{pb}], #4\n",
            "ldr {x1}, [{pa}], #4\n",
            "ldr {y1}, [{pb}], #4\n",
            "smlald {lo}, {hi}, {x0}, {y0}\n",
            "smlald {lo}, {hi}, {x1}, {y1}\n",
        )
    };
}

/// Four `i8` of each of `a` and `b`: one word each, widened to two halfword
/// pairs by `SXTB16` (bytes 0, 2, then 1, 3), two `SMLALD`.
macro_rules! word_i8 {
    () => {
        concat!(
            "ldr {x}, [{pa}], #4\n",
            "ldr {y}, [{pb}], #4\n",
            "sxtb16 {u}, {x}\n",
            "sxtb16 {v}, {y}\n",
            "smlald {lo}, {hi}, {u}, {v}\n",
            "sxtb16 {u}, {x}, ror #8\n",
            "sxtb16 {v}, {y}, ror #8\n",
            "smlald {lo}, {hi}, {u}, {v}\n",
        )
    };
}

/// The 64-bit accumulator from the low and high words `SMLALD` leaves.
#[inline(always)]
fn join(lo: u32, hi: u32) -> i64 {
    ((hi as u64) << 32 | lo as u64) as i64
}

/// The three slices cut to their common length.
#[inline(always)]
fn common3<'a, T>(r0: &'a [T], r1: &'a [T], x: &'a [T]) -> (&'a [T], &'a [T], &'a [T]) {
    let n = x.len().min(r0.len()).min(r1.len());
    (
        slices::split(r0, n).0,
        slices::split(r1, n).0,
        slices::split(x, n).0,
    )
}

/// Two `i16` as one word, the first in the low half (little-endian).
#[inline(always)]
fn pair(p: &[i16; 2]) -> u32 {
    p[0] as u16 as u32 | (p[1] as u16 as u32) << 16
}

/// Σ aᵢ·bᵢ over the common length, exact: 32 elements per pass, sixteen
/// `SMLALD` (1.5625 instructions per multiply-accumulate).
#[inline(never)]
pub(crate) fn dot_i16(a: &[i16], b: &[i16]) -> i64 {
    let n = a.len().min(b.len());
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

/// Σ aᵢ·bᵢ over the common length, exact: 32 bytes per pass, each word
/// widened by two `SXTB16` and summed by two `SMLALD` (2.0625 instructions
/// per multiply-accumulate).
#[inline(never)]
pub(crate) fn dot_i8(a: &[i8], b: &[i8]) -> i64 {
    let n = a.len().min(b.len());
    let (a, b) = (slices::split(a, n).0, slices::split(b, n).0);
    let (ca, ta) = a.as_chunks::<32>();
    let (cb, tb) = b.as_chunks::<32>();
    let mut acc = 0i64;
    let count = ca.len().min(cb.len());
    if count > 0 {
        let (mut lo, mut hi) = (0u32, 0u32);
        // SAFETY: see the module comment; reads count·32 i8 from each of
        // `ca` and `cb`, which hold at least that many.
        unsafe {
            asm!(
                "2:",
                word_i8!(),
                word_i8!(),
                word_i8!(),
                word_i8!(),
                word_i8!(),
                word_i8!(),
                word_i8!(),
                word_i8!(),
                "subs {n}, {n}, #1",
                "bne 2b",
                pa = inout(reg) ca.as_ptr() => _,
                pb = inout(reg) cb.as_ptr() => _,
                n = inout(reg) count => _,
                lo = inout(reg) lo,
                hi = inout(reg) hi,
                x = out(reg) _,
                y = out(reg) _,
                u = out(reg) _,
                v = out(reg) _,
                options(pure, readonly, nostack),
            );
        }
        acc = join(lo, hi);
    }
    let mut s: i32 = 0;
    for (x, y) in ta.iter().zip(tb) {
        s += *x as i32 * *y as i32;
    }
    acc + s as i64
}

/// (Σ r0ᵢ·xᵢ, Σ r1ᵢ·xᵢ) over the common length, exact: two rows of a
/// matrix against one vector, each load of `x` used twice (8 elements per
/// pass: 4 + 8 loads, eight `SMLALD`; 1.375 instructions per
/// multiply-accumulate).
#[inline(never)]
pub(crate) fn dot2_i16(r0: &[i16], r1: &[i16], x: &[i16]) -> (i64, i64) {
    let (r0, r1, x) = common3(r0, r1, x);
    let (c0, t0) = r0.as_chunks::<8>();
    let (c1, t1) = r1.as_chunks::<8>();
    let (cx, tx) = x.as_chunks::<8>();
    let (mut s0, mut s1) = (0i64, 0i64);
    let count = cx.len().min(c0.len()).min(c1.len());
    if count > 0 {
        let (mut lo0, mut hi0, mut lo1, mut hi1) = (0u32, 0u32, 0u32, 0u32);
        // SAFETY: see the module comment; reads count·8 i16 from each of
        // `c0`, `c1` and `cx`, which hold at least that many.
        unsafe {
            asm!(
                "2:",
                "ldr {v}, [{px}], #4",
                "ldr {a}, [{p0}], #4",
                "ldr {b}, [{p1}], #4",
                "smlald {lo0}, {hi0}, {a}, {v}",
                "smlald {lo1}, {hi1}, {b}, {v}",
                "ldr {v}, [{px}], #4",
                "ldr {a}, [{p0}], #4",
                "ldr {b}, [{p1}], #4",
                "smlald {lo0}, {hi0}, {a}, {v}",
                "smlald {lo1}, {hi1}, {b}, {v}",
                "ldr {v}, [{px}], #4",
                "ldr {a}, [{p0}], #4",
                "ldr {b}, [{p1}], #4",
                "smlald {lo0}, {hi0}, {a}, {v}",
                "smlald {lo1}, {hi1}, {b}, {v}",
                "ldr {v}, [{px}], #4",
                "ldr {a}, [{p0}], #4",
                "ldr {b}, [{p1}], #4",
                "smlald {lo0}, {hi0}, {a}, {v}",
                "smlald {lo1}, {hi1}, {b}, {v}",
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
                a = out(reg) _,
                b = out(reg) _,
                options(pure, readonly, nostack),
            );
        }
        s0 = join(lo0, hi0);
        s1 = join(lo1, hi1);
    }
    for ((a, b), v) in t0.iter().zip(t1).zip(tx) {
        s0 += (*a as i32 * *v as i32) as i64;
        s1 += (*b as i32 * *v as i32) as i64;
    }
    (s0, s1)
}

/// (Σ r0ᵢ·xᵢ, Σ r1ᵢ·xᵢ) over the common length, exact, for `i8`: each word
/// of `x` widened once for both rows (8 bytes per pass; 1.625 instructions
/// per multiply-accumulate).
#[inline(never)]
pub(crate) fn dot2_i8(r0: &[i8], r1: &[i8], x: &[i8]) -> (i64, i64) {
    let (r0, r1, x) = common3(r0, r1, x);
    let (c0, t0) = r0.as_chunks::<8>();
    let (c1, t1) = r1.as_chunks::<8>();
    let (cx, tx) = x.as_chunks::<8>();
    let (mut s0, mut s1) = (0i64, 0i64);
    let count = cx.len().min(c0.len()).min(c1.len());
    if count > 0 {
        let (mut lo0, mut hi0, mut lo1, mut hi1) = (0u32, 0u32, 0u32, 0u32);
        // SAFETY: see the module comment; reads count·8 i8 from each of
        // `c0`, `c1` and `cx`, which hold at least that many.
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
        s0 = join(lo0, hi0);
        s1 = join(lo1, hi1);
    }
    let (mut u0, mut u1) = (0i32, 0i32);
    for ((a, b), v) in t0.iter().zip(t1).zip(tx) {
        u0 += *a as i32 * *v as i32;
        u1 += *b as i32 * *v as i32;
    }
    (s0 + u0 as i64, s1 + u1 as i64)
}
