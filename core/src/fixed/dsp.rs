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
//! **Word pairs.** A word-aligned slice is read two words per `LDRD`. Dot
//! products from [`LONG`] elements on peel at most one `i16` (three `i8`)
//! to word-align one slice, then load it by `LDRD` and the other by `LDRD`
//! too when it is aligned as well, else by `LDR`: a Q15 dot then takes 1.06
//! (both aligned) or 1.31 instructions per multiply-accumulate, a Q7 dot
//! 1.78 or 1.91. The two-row matrix–vector loop peels to align the rows and
//! takes 0.94 with `x` aligned too, 1.06 without, and single-word loads
//! (1.31) for an odd row length, whose rows alternate between offsets.
//!
//! **Q15 matrix–vector.** With `m` and `x` word-aligned and an even row
//! length, `matvec` on `i16` runs up to eight row pairs in one block: the
//! two-row `LDRD` loop, then the pair's sums stored, `x` rewound and the
//! rows advanced inside the assembly (19 instructions a pair where a call
//! of the two-row loop cost about 115 in checks and spills): 0.72×
//! CMSIS-DSP's `arm_mat_vec_mult_q15` for 64 × 64 on the M4F. Short Q7
//! dots (under [`LONG`] bytes) sum in 32 bits (`SMLAD`) and read word pairs
//! when both slices are word-aligned.
//!
//! **Q7 matrix–vector.** Up to [`WIDE_X_COLS`] columns, `matvec` on `i8`
//! widens `x` once per call into a 256-byte stack buffer (`SXTB16` pairs,
//! read by `LDRD`), runs three rows per pass with 32-bit `SMLAD` sums
//! (exact: at most 2²¹ in magnitude) and narrows in 32 bits: 1.33
//! instructions per multiply-accumulate in the loop, 0.69× CMSIS-DSP's
//! `arm_mat_vec_mult_q7` for 64 × 64 on the M4F. Longer rows take the
//! two-row loop.
//!
//! **Hebbian update.** The folded Q15 rule (`fixed::hebbian`) maps onto
//! one DSP instruction per step — `SMUAD`, `SMLAD`, `SMLAWB`, `SSAT`,
//! `QADD16` — so a layer runs in one block: 6.75 instructions per synapse
//! in the loop with a coefficient set per synapse (`LDM` reads two sets),
//! 4.25 with shared sets; 32.3 before the rule was folded.
//!
//! **Soundness.** Each block reads memory only through `LDR`/`LDRD` with
//! post-increment, from pointers taken from slices, for a count of whole
//! chunks computed from the lengths of those same slices: it reads at most
//! their common length, all inside them, and writes none (`readonly`); the
//! Q15 matrix–vector block, which also writes its sums to a local array and
//! keeps its counters below the stack pointer, and the Hebbian blocks,
//! which write the weights, argue their own case.
//! Loops whose count can be 0 test it first (`CMP`/`BEQ`); the others are
//! entered with a count of at least 1 (checked), so `SUBS`/`BNE` ends after
//! `count` passes. `LDRD` needs word-aligned addresses: the
//! blocks that use it are entered only after checking each pointer's
//! address is a multiple of 4 (`word_aligned`), and they advance every
//! pointer by 8 bytes, so it stays aligned. `LDR` of a 2-byte-aligned word is
//! an unaligned access, which ARMv7-M and ARMv8-M mainline perform in
//! hardware (the compiler emits the same for combined loads; a fault would
//! need `CCR.UNALIGN_TRP` set by the application). The other blocks touch no stack
//! and name every register they change.
//!
//! **Tests.** The host compiles the portable loops in `linalg`; every board
//! case of `fixed.*` (and the LSH and Hebbian cases built on them) runs these
//! loops on the M4F, M7 and M33 and must equal the host's checksum bit for bit
//! (`tests/tests/firmware_qemu.rs`), with odd lengths and tails in the cases.
//! Miri cannot run Arm assembly; the code it can run (everything else in
//! `fixed`) is in the Miri job.

use core::arch::asm;

use super::join;
use super::linalg::Narrow;
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

/// Four `i16` of each of `a` and `b` by single-word loads, two `SMLALD`.
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

/// Four `i8` of each of `a` and `b` by single-word loads, widened by
/// `SXTB16` into a 32-bit sum `{s}` (`SMLAD`), for sums known to fit.
macro_rules! word_i8_32 {
    () => {
        concat!(
            "ldr {x}, [{pa}], #4\n",
            "ldr {y}, [{pb}], #4\n",
            "sxtb16 {u}, {x}\n",
            "sxtb16 {v}, {y}\n",
            "smlad {s}, {u}, {v}, {s}\n",
            "sxtb16 {u}, {x}, ror #8\n",
            "sxtb16 {v}, {y}, ror #8\n",
            "smlad {s}, {u}, {v}, {s}\n",
        )
    };
}

/// Eight `i8` of each of `a` and `b`, both word-aligned (one `LDRD` each),
/// widened by `SXTB16` into a 32-bit sum `{s}` (`SMLAD`), for sums known to fit.
macro_rules! pass_i8_d32 {
    () => {
        concat!(
            "ldrd {x0}, {x1}, [{pa}], #8\n",
            "ldrd {y0}, {y1}, [{pb}], #8\n",
            "sxtb16 {u}, {x0}\n",
            "sxtb16 {v}, {y0}\n",
            "smlad {s}, {u}, {v}, {s}\n",
            "sxtb16 {u}, {x0}, ror #8\n",
            "sxtb16 {v}, {y0}, ror #8\n",
            "smlad {s}, {u}, {v}, {s}\n",
            "sxtb16 {u}, {x1}\n",
            "sxtb16 {v}, {y1}\n",
            "smlad {s}, {u}, {v}, {s}\n",
            "sxtb16 {u}, {x1}, ror #8\n",
            "sxtb16 {v}, {y1}, ror #8\n",
            "smlad {s}, {u}, {v}, {s}\n",
        )
    };
}

/// Four `i16` of each of `a` (word-aligned: one `LDRD`) and `b` (not: two
/// `LDR`), two `SMLALD`.
macro_rules! pass_i16_m {
    () => {
        concat!(
            "ldrd {x0}, {x1}, [{pa}], #8\n",
            "ldr {y0}, [{pb}], #4\n",
            "ldr {y1}, [{pb}], #4\n",
            "smlald {lo}, {hi}, {x0}, {y0}\n",
            "smlald {lo}, {hi}, {x1}, {y1}\n",
        )
    };
}

/// Eight `i8` of each of `a` (word-aligned: one `LDRD`) and `b` (not: two
/// `LDR`), each word widened by `SXTB16` (bytes 0, 2, then 1, 3) and summed
/// by two `SMLALD`.
macro_rules! pass_i8_m {
    () => {
        concat!(
            "ldrd {x0}, {x1}, [{pa}], #8\n",
            "ldr {y0}, [{pb}], #4\n",
            "ldr {y1}, [{pb}], #4\n",
            widen_i8!(),
        )
    };
}

/// The `SXTB16`/`SMLALD` half of a pass over eight `i8`: words `x0`, `x1`
/// of `a` against `y0`, `y1` of `b`.
macro_rules! widen_i8 {
    () => {
        concat!(
            "sxtb16 {u}, {x0}\n",
            "sxtb16 {v}, {y0}\n",
            "smlald {lo}, {hi}, {u}, {v}\n",
            "sxtb16 {u}, {x0}, ror #8\n",
            "sxtb16 {v}, {y0}, ror #8\n",
            "smlald {lo}, {hi}, {u}, {v}\n",
            "sxtb16 {u}, {x1}\n",
            "sxtb16 {v}, {y1}\n",
            "smlald {lo}, {hi}, {u}, {v}\n",
            "sxtb16 {u}, {x1}, ror #8\n",
            "sxtb16 {v}, {y1}, ror #8\n",
            "smlald {lo}, {hi}, {u}, {v}\n",
        )
    };
}

/// Four `i16` of each of `a` and `b` from word-aligned pointers: one `LDRD`
/// each, two `SMLALD`.
macro_rules! pass_i16_d {
    () => {
        concat!(
            "ldrd {x0}, {x1}, [{pa}], #8\n",
            "ldrd {y0}, {y1}, [{pb}], #8\n",
            "smlald {lo}, {hi}, {x0}, {y0}\n",
            "smlald {lo}, {hi}, {x1}, {y1}\n",
        )
    };
}

/// Eight `i8` of each of `a` and `b` from word-aligned pointers: one `LDRD`
/// each, each word widened by `SXTB16` and summed by two `SMLALD`.
macro_rules! pass_i8_d {
    () => {
        concat!(
            "ldrd {x0}, {x1}, [{pa}], #8\n",
            "ldrd {y0}, {y1}, [{pb}], #8\n",
            widen_i8!(),
        )
    };
}

/// Four `i16` of two rows against `x`, all word-aligned: `x` loaded once
/// (`LDRD`) for both rows, four `SMLALD`.
macro_rules! pass2_i16_d {
    () => {
        concat!(
            "ldrd {v0}, {v1}, [{px}], #8\n",
            "ldrd {a0}, {a1}, [{p0}], #8\n",
            "smlald {lo0}, {hi0}, {a0}, {v0}\n",
            "smlald {lo0}, {hi0}, {a1}, {v1}\n",
            "ldrd {a0}, {a1}, [{p1}], #8\n",
            "smlald {lo1}, {hi1}, {a0}, {v0}\n",
            "smlald {lo1}, {hi1}, {a1}, {v1}\n",
        )
    };
}

/// The address of `p` is a multiple of 4 (what `LDRD` needs).
#[inline(always)]
fn word_aligned<T>(p: *const T) -> bool {
    p as usize & 3 == 0
}

/// How many leading elements of `s` to handle one by one so that the rest
/// starts on a word boundary (0 when `s` already does; elements of `T` are
/// 1 or 2 bytes, so at most 3).
#[inline(always)]
fn misalignment<T>(s: &[T]) -> usize {
    let size = core::mem::size_of::<T>().max(1);
    ((4 - (s.as_ptr() as usize & 3)) & 3) / size
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

/// The loop shape of [`sum_i16`] and [`sum_i8`]: `{n}` passes of eight
/// `$pass`, then `{m}` single passes (either count may be 0).
macro_rules! two_stage {
    ($pass:ident) => {
        concat!(
            "cmp {n}, #0\n",
            "beq 3f\n",
            "2:\n",
            $pass!(),
            $pass!(),
            $pass!(),
            $pass!(),
            $pass!(),
            $pass!(),
            $pass!(),
            $pass!(),
            "subs {n}, {n}, #1\n",
            "bne 2b\n",
            "3:\n",
            "cmp {m}, #0\n",
            "beq 5f\n",
            "4:\n",
            $pass!(),
            "subs {m}, {m}, #1\n",
            "bne 4b\n",
            "5:\n",
        )
    };
}

/// The `asm!` of a [`two_stage`] loop of `$pass` over `$a` and `$b`
/// (pointers), `$n` and `$m` passes, into the accumulator words `$lo`,
/// `$hi`; `$extra` names scratch registers beyond `x0`, `x1`, `y0`, `y1`.
macro_rules! two_stage_asm {
    ($pass:ident, $a:expr, $b:expr, $n:expr, $m:expr, $lo:ident, $hi:ident $(, $extra:ident)*) => {
        asm!(
            two_stage!($pass),
            pa = inout(reg) $a => _,
            pb = inout(reg) $b => _,
            n = inout(reg) $n => _,
            m = inout(reg) $m => _,
            lo = inout(reg) $lo,
            hi = inout(reg) $hi,
            x0 = out(reg) _,
            x1 = out(reg) _,
            y0 = out(reg) _,
            y1 = out(reg) _,
            $($extra = out(reg) _,)*
            options(pure, readonly, nostack),
        )
    };
}

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

/// `SXTB16`: bytes 0 and 2 of `x`, sign-extended to the two halves.
#[inline(always)]
fn sxtb16(x: u32) -> u32 {
    let r: u32;
    // SAFETY: one register-only instruction; no memory, no flags.
    unsafe {
        asm!("sxtb16 {r}, {x}", r = out(reg) r, x = in(reg) x,
             options(pure, nomem, nostack, preserves_flags));
    }
    r
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

/// Columns up to which [`matvec_i8`] widens `x` once per call (its stack
/// buffer: `2·COLS/4` words, 256 bytes); longer rows take the two-row loop
/// of [`dot2_i8`].
pub(crate) const WIDE_X_COLS: usize = 128;

/// One group of four bytes of three rows against the widened `x`: one
/// `LDRD` of `x`, then per row `LDR`, two `SXTB16` and two `SMLAD`.
macro_rules! group3_i8 {
    () => {
        concat!(
            "ldrd {v}, {w}, [{px}], #8\n",
            "ldr {a}, [{p0}], #4\n",
            "sxtb16 {b}, {a}\n",
            "smlad {s0}, {b}, {v}, {s0}\n",
            "sxtb16 {a}, {a}, ror #8\n",
            "smlad {s0}, {a}, {w}, {s0}\n",
            "ldr {a}, [{p1}], #4\n",
            "sxtb16 {b}, {a}\n",
            "smlad {s1}, {b}, {v}, {s1}\n",
            "sxtb16 {a}, {a}, ror #8\n",
            "smlad {s1}, {a}, {w}, {s1}\n",
            "ldr {a}, [{p2}], #4\n",
            "sxtb16 {b}, {a}\n",
            "smlad {s2}, {b}, {v}, {s2}\n",
            "sxtb16 {a}, {a}, ror #8\n",
            "smlad {s2}, {a}, {w}, {s2}\n",
        )
    };
}

/// The `asm!` of a loop of `$groups` × [`group3_i8`] per pass, `$n` passes
/// (at least 1), over the widened `x` at `$x` and the rows at `$r0`, `$r1`,
/// `$r2`, into the 32-bit sums `$s0`, `$s1`, `$s2`.
macro_rules! rows3_asm {
    ($($group:ident),+; $x:expr, $r0:expr, $r1:expr, $r2:expr, $n:expr, $s0:ident, $s1:ident, $s2:ident) => {
        asm!(
            "2:",
            $($group!(),)+
            "subs {n}, {n}, #1",
            "bne 2b",
            px = inout(reg) $x => _,
            p0 = inout(reg) $r0 => _,
            p1 = inout(reg) $r1 => _,
            p2 = inout(reg) $r2 => _,
            n = inout(reg) $n => _,
            s0 = inout(reg) $s0,
            s1 = inout(reg) $s1,
            s2 = inout(reg) $s2,
            v = out(reg) _,
            w = out(reg) _,
            a = out(reg) _,
            b = out(reg) _,
            options(pure, readonly, nostack),
        )
    };
}

/// `out = saturate(round_shift(m·x, shift))` for a Q7 matrix `m`
/// (`out.len()` rows of `cols`), with `x` widened once: each word of four
/// bytes becomes `SXTB16(w)` and `SXTB16(w ror 8)` in a stack buffer, so a
/// pass over three rows loads both halves with one `LDRD` for all three
/// instead of widening `x` again (1.33 instructions per multiply-accumulate
/// in the loop against 1.75 for [`dot2_i8`]). The sums stay below 2³¹ (at
/// most [`WIDE_X_COLS`] products of at most 2¹⁴), so they accumulate in 32
/// bits (`SMLAD`) and narrow in 32 bits. A last one or two rows run as
/// three with rows repeated (their extra sums dropped). Returns `false`,
/// doing nothing, when `cols` is out of that range, `shift > 31`, or the
/// lengths disagree.
pub(crate) fn matvec_i8(m: &[i8], cols: usize, x: &[i8], shift: u32, out: &mut [i8]) -> bool {
    if cols == 0 || cols > WIDE_X_COLS || shift > 31 || x.len() != cols {
        return false;
    }
    if m.len() != out.len().saturating_mul(cols) {
        return false;
    }
    // x, widened: word 2g = (x[4g], x[4g+2]), word 2g+1 = (x[4g+1], x[4g+3]).
    let mut xw = [0u32; WIDE_X_COLS / 2];
    let (groups, _) = x.as_chunks::<4>();
    for (w, g) in xw.as_chunks_mut::<2>().0.iter_mut().zip(groups) {
        let word = u32::from_le_bytes(g.map(|b| b as u8));
        *w = [sxtb16(word), sxtb16(word.rotate_right(8))];
    }
    let half: i32 = if shift == 0 { 0 } else { 1 << (shift - 1) };
    // |s| ≤ 128·2¹⁴ = 2²¹, so s + half < 2³¹.
    let narrow = |s: i32| ((s + half) >> shift).clamp(-128, 127) as i8;
    // The columns past the last pair of groups: at most 7, in 32 bits.
    let pairs = groups.len() / 2;
    let done = 8 * pairs;
    let rest = |row: &[i8]| -> i32 {
        row.get(done..)
            .unwrap_or(&[])
            .iter()
            .zip(x.get(done..).unwrap_or(&[]))
            .map(|(a, b)| *a as i32 * *b as i32)
            .sum()
    };
    let sums = |r0: &[i8], r1: &[i8], r2: &[i8]| -> [i32; 3] {
        let (mut s0, mut s1, mut s2) = (0i32, 0i32, 0i32);
        let fits = r0.len().min(r1.len()).min(r2.len()) >= done && 4 * pairs <= xw.len();
        if pairs > 0 && fits {
            // SAFETY: see the module comment. Reads `pairs`·8 bytes from
            // each of `r0`, `r1` and `r2` (each holds at least that many:
            // checked above) by `LDR` (unaligned allowed), and `pairs`·16
            // bytes from `xw` (a `u32` array, word-aligned, holding at least
            // `4·pairs` words: checked above) by `LDRD`, advancing by 8
            // bytes so it stays aligned.
            unsafe {
                rows3_asm!(group3_i8, group3_i8; xw.as_ptr(), r0.as_ptr(), r1.as_ptr(), r2.as_ptr(), pairs, s0, s1, s2);
            }
        }
        [s0 + rest(r0), s1 + rest(r1), s2 + rest(r2)]
    };
    // Three rows a pass; a last one or two rows repeat to make three.
    let mut triples = m.chunks_exact(cols.saturating_mul(3).max(1));
    let mut outs = out.chunks_exact_mut(3);
    while let (Some(o), Some(rs)) = (outs.next(), triples.next()) {
        let (r0, r12) = slices::split(rs, cols);
        let (r1, r2) = slices::split(r12, cols);
        for (y, s) in o.iter_mut().zip(sums(r0, r1, r2)) {
            *y = narrow(s);
        }
    }
    let (left, o) = (triples.remainder(), outs.into_remainder());
    let (r0, r1) = slices::split(left, cols);
    let r1 = if r1.is_empty() { r0 } else { r1 };
    for (y, s) in o.iter_mut().zip(sums(r0, r1, r1)) {
        *y = narrow(s);
    }
    true
}

/// Row pairs of a Q15 matrix–vector product summed per entry of [`matvec_i16`]'s assembly.
const PAIRS: usize = 8;

/// `out = saturate(round_shift(m·x, shift))` for a Q15 matrix `m`
/// (`out.len()` rows of `cols`) with `m` and `x` word-aligned and `cols`
/// even, so every row is word-aligned too. One `asm!` block runs up to
/// [`PAIRS`] row pairs: the two-row `LDRD` loop of [`dot2_i16`] (0.94
/// instructions per multiply-accumulate) over the whole groups of 16
/// columns, then it stores the pair's 64-bit sums, rewinds `x` and steps to
/// the next pair inside the assembly (19 instructions a pair, against about
/// 115 for a call of [`dot2_i16`] with its checks and spills). The last
/// columns (under 16) and an odd last row are summed in Rust. Returns
/// `false`, doing nothing, when `cols < 16`, `cols` is odd, a pointer is not
/// word-aligned or the lengths disagree.
pub(crate) fn matvec_i16(m: &[i16], cols: usize, x: &[i16], shift: u32, out: &mut [i16]) -> bool {
    let passes = cols / 16;
    if passes == 0 || cols % 2 != 0 || x.len() != cols {
        return false;
    }
    if m.len() != out.len().saturating_mul(cols) {
        return false;
    }
    if !word_aligned(m.as_ptr()) || !word_aligned(x.as_ptr()) {
        return false;
    }
    let narrow = Narrow::new(shift);
    let done = 16 * passes;
    let xt = x.get(done..).unwrap_or(&[]);
    let tail = |row: &[i16]| -> i64 {
        let rt = row.get(done..).unwrap_or(&[]);
        rt.iter()
            .zip(xt)
            .map(|(a, b)| (*a as i32 * *b as i32) as i64)
            .sum()
    };
    // Byte counts the assembly steps by (cols ≤ MAX_LEN, checked by the caller).
    let (row_bytes, x_bytes) = (2 * cols, 2 * done);
    let tail_bytes = row_bytes - x_bytes;
    let mut blocks = m.chunks_exact(cols.saturating_mul(2 * PAIRS).max(1));
    let mut outs = out.chunks_exact_mut(2 * PAIRS);
    // lo0, hi0, lo1, hi1 of each pair (zeroed once: every block overwrites
    // the entries it reads).
    let mut sums = [0u32; 4 * PAIRS];
    let mut run = |rows: &[i16], o: &mut [i16]| {
        let pairs = (o.len() / 2).min(rows.len() / cols.max(1) / 2);
        if pairs > 0 && pairs <= PAIRS {
            let r1 = rows.get(cols..).unwrap_or(&[]);
            // SAFETY: see the module comment. `pairs ≥ 1` pairs of rows lie
            // in `rows` (2·pairs·cols elements: checked above), all
            // word-aligned (`m` is, `cols` is even, and `rows` starts a whole
            // number of rows into `m`); each pass reads 16 elements of a row
            // and of `x` by `LDRD`, `passes ≥ 1` times, inside them (16·passes
            // ≤ cols). Between pairs the pointers move by byte counts within
            // the rows (the next pair starts `tail_bytes` after the second
            // row's last pass; `x` rewinds by the bytes it advanced); after
            // the last pair they are not dereferenced. Each pair writes 16
            // bytes into `sums` (16·PAIRS bytes, word-aligned, `pairs ≤
            // PAIRS`). The 24 bytes the block pushes below `sp` are popped
            // before it ends.
            unsafe {
                asm!(
                    "sub sp, sp, #24",
                    "strd {v0}, {v1}, [sp]",
                    "strd {a0}, {a1}, [sp, #8]",
                    "strd {lo0}, {hi0}, [sp, #16]",
                    "3:",
                    "ldr {n}, [sp, #8]",
                    "mov {lo0}, #0",
                    "mov {hi0}, #0",
                    "mov {lo1}, #0",
                    "mov {hi1}, #0",
                    "2:",
                    pass2_i16_d!(),
                    pass2_i16_d!(),
                    pass2_i16_d!(),
                    pass2_i16_d!(),
                    "subs {n}, {n}, #1",
                    "bne 2b",
                    "ldr {v1}, [sp, #4]",
                    "strd {lo0}, {hi0}, [{v1}], #8",
                    "strd {lo1}, {hi1}, [{v1}], #8",
                    "str {v1}, [sp, #4]",
                    "ldr {a0}, [sp, #12]",
                    "sub {px}, {px}, {a0}",
                    "ldr {a0}, [sp, #16]",
                    "add {p0}, {p1}, {a0}",
                    "ldr {a0}, [sp, #20]",
                    "add {p1}, {p0}, {a0}",
                    "ldr {a0}, [sp]",
                    "subs {a0}, {a0}, #1",
                    "str {a0}, [sp]",
                    "bne 3b",
                    "add sp, sp, #24",
                    px = inout(reg) x.as_ptr() => _,
                    p0 = inout(reg) rows.as_ptr() => _,
                    p1 = inout(reg) r1.as_ptr() => _,
                    n = out(reg) _,
                    v0 = inout(reg) pairs => _,
                    v1 = inout(reg) sums.as_mut_ptr() => _,
                    a0 = inout(reg) passes => _,
                    a1 = inout(reg) x_bytes => _,
                    lo0 = inout(reg) tail_bytes => _,
                    hi0 = inout(reg) row_bytes => _,
                    lo1 = out(reg) _,
                    hi1 = out(reg) _,
                );
            }
        }
        let mut rs = rows.chunks_exact(cols.max(1));
        for (i, y) in o.iter_mut().enumerate() {
            let row = rs.next().unwrap_or(&[]);
            *y = if i < 2 * pairs {
                let (lo, hi) = (sums.get(2 * i), sums.get(2 * i + 1));
                let s = join(lo.copied().unwrap_or(0), hi.copied().unwrap_or(0));
                narrow.apply(s + tail(row))
            } else {
                narrow.apply(dot_i16(row, x)) // an odd last row
            };
        }
    };
    while let (Some(o), Some(rows)) = (outs.next(), blocks.next()) {
        run(rows, o);
    }
    run(blocks.remainder(), outs.into_remainder());
    true
}

/// Start of a Hebbian row (label `3`): `r12 = ô_j:2¹⁴` from the next
/// `o_j` (its pointer at `[sp]`), `ô_j = (o_j + 1) >> 1`.
macro_rules! hebbian_row_start {
    () => {
        concat!(
            "3:\n",
            "ldr r4, [sp]\n",
            "ldrsh r12, [r4], #2\n",
            "str r4, [sp]\n",
            "add r12, r12, #1\n",
            "ubfx r12, r12, #1, #16\n",
            "movt r12, #16384\n",
        )
    };
}

/// End of a pass (`r3` counts them, label `2`) and of a row: rewind `pre`
/// (`r1`) by the row's bytes (`[sp, #12]`), count the rows down (`[sp, #4]`).
macro_rules! hebbian_row_end {
    () => {
        concat!(
            "subs r3, r3, #1\n",
            "bne 2b\n",
            "ldr r4, [sp, #12]\n",
            "sub r1, r1, r4\n",
            "ldr r4, [sp, #4]\n",
            "subs r4, r4, #1\n",
            "str r4, [sp, #4]\n",
            "bne 3b\n",
        )
    };
}

/// The folded Hebbian update (`fixed::hebbian`) of a layer with a
/// coefficient set per synapse, four synapses a pass:
///
/// ```text
/// u = SMUAD(A′:B′, ô_j:2¹⁴)          t = SMLAD(C′:D′, ô_j:2¹⁴, 2¹¹)
/// v = SMLAWB/T(u, o_i, t)             Δw = SSAT16(v ASR 12)
/// w = QADD16(w, Δw pair)              (PKHBT packs two Δw)
/// ```
///
/// — the module comment's formula, instruction for instruction: 27 a pass
/// (6.75 per synapse), and 13 a row to form `ô_j:2¹⁴` and rewind `o_i`.
/// Returns how many leading rows it updated: all of them when the row
/// length is a multiple of 4 and `w`, `pre` and `h` are word-aligned, else 0.
///
/// Registers: the two `LDM` lists must be in ascending order, so every
/// operand is an explicit register.
pub(crate) fn hebbian_layer(w: &mut [i16], pre: &[i16], post: &[i16], h: &[i16]) -> usize {
    let n_in = pre.len();
    let rows = post
        .len()
        .min(w.len() / n_in.max(1))
        .min(h.len() / n_in.saturating_mul(4).max(1));
    let aligned = word_aligned(w.as_ptr()) && word_aligned(pre.as_ptr());
    if rows == 0 || n_in == 0 || !n_in.is_multiple_of(4) || !aligned || !word_aligned(h.as_ptr()) {
        return 0;
    }
    let quads = n_in / 4;
    // SAFETY: `rows ≥ 1` rows of `quads ≥ 1` passes. A pass reads 32 bytes
    // of `h` (two `LDM` with write-back), 8 of `pre` (`LDRD`), and reads
    // then writes 8 of `w` (`LDRD`/`STRD`); a row reads one `i16` of `post`
    // (`LDRSH`, post-increment) and rewinds the `pre` pointer by the 2·n_in
    // bytes it advanced. In all: rows·n_in elements of `w`, 4·rows·n_in of
    // `h`, n_in of `pre` and `rows` of `post`, which they hold (`rows` and
    // `quads` come from their lengths). `w`, `pre` and `h` start
    // word-aligned (checked) and advance by multiples of 8 (row lengths
    // are multiples of 8 bytes), so every `LDM`/`LDRD`/`STRD` address is
    // aligned. Only `w` is written (a `&mut`: nothing else aliases it). The
    // 16 bytes the block pushes below `sp` hold its row counters and are
    // popped before it ends; the flags (Q included: `SSAT` may set it) are
    // not preserved.
    unsafe {
        asm!(
            "sub sp, sp, #16",
            "strd r4, r5, [sp]",
            "strd r3, r8, [sp, #8]",
            "mov lr, #2048",
            hebbian_row_start!(),
            "ldr r3, [sp, #8]",
            "2:",
            "ldrd r10, r11, [r1], #8",
            "ldm r0!, {{r4, r5, r8, r9}}",
            "smuad r4, r4, r12",
            "smlad r5, r5, r12, lr",
            "smlawb r4, r4, r10, r5",
            "smuad r8, r8, r12",
            "smlad r9, r9, r12, lr",
            "smlawt r8, r8, r10, r9",
            "ssat r4, #16, r4, asr #12",
            "ssat r8, #16, r8, asr #12",
            "pkhbt r4, r4, r8, lsl #16",
            "ldm r0!, {{r5, r8, r9, r10}}",
            "smuad r5, r5, r12",
            "smlad r8, r8, r12, lr",
            "smlawb r5, r5, r11, r8",
            "smuad r9, r9, r12",
            "smlad r10, r10, r12, lr",
            "smlawt r9, r9, r11, r10",
            "ssat r5, #16, r5, asr #12",
            "ssat r9, #16, r9, asr #12",
            "pkhbt r5, r5, r9, lsl #16",
            "ldrd r8, r9, [r2]",
            "qadd16 r8, r8, r4",
            "qadd16 r9, r9, r5",
            "strd r8, r9, [r2], #8",
            hebbian_row_end!(),
            "add sp, sp, #16",
            inout("r0") h.as_ptr() => _,
            inout("r1") pre.as_ptr() => _,
            inout("r2") w.as_mut_ptr() => _,
            inout("r3") quads => _,
            inout("r4") post.as_ptr() => _,
            inout("r5") rows => _,
            inout("r8") 2 * n_in => _,
            out("r9") _,
            out("r10") _,
            out("r11") _,
            out("r12") _,
            out("lr") _,
        );
    }
    rows
}

/// The folded Hebbian update of a layer whose rows share a coefficient set
/// (one per post-neuron: `step` = 8 bytes, or one for the layer: `step` =
/// 0): per row `u = SMUAD(A′:B′, ô_j:2¹⁴)`, `t = SMLAD(C′:D′, ô_j:2¹⁴, 2¹¹)`,
/// then per synapse `SMLAWB/T`, `SSAT`, and `PKHBT`/`QADD16` per pair — 17
/// instructions a pass of four synapses (4.25 per synapse), 20 a row.
/// Returns how many leading rows it updated: all of them when the row
/// length is a multiple of 4 and `w`, `pre` and `h` are word-aligned, else 0.
pub(crate) fn hebbian_layer_shared(
    w: &mut [i16],
    pre: &[i16],
    post: &[i16],
    h: &[i16],
    per_row: bool,
) -> usize {
    let n_in = pre.len();
    let sets = h.len() / 4;
    let rows = post
        .len()
        .min(w.len() / n_in.max(1))
        .min(if per_row { sets } else { usize::MAX });
    let aligned = word_aligned(w.as_ptr()) && word_aligned(pre.as_ptr());
    if rows == 0 || sets == 0 || n_in == 0 || !n_in.is_multiple_of(4) {
        return 0;
    }
    if !aligned || !word_aligned(h.as_ptr()) {
        return 0;
    }
    let step: usize = if per_row { 8 } else { 0 };
    // SAFETY: as for `hebbian_layer`, with one set of 4 `i16` read per row
    // by `LDRD` at `h + row·step` (`step` 8 with `rows ≤ sets`, or 0 with
    // `sets ≥ 1`: inside `h`, word-aligned). A pass reads 8 bytes of `pre`
    // and reads then writes 8 of `w`; each row rewinds `pre` by the 2·n_in
    // bytes it advanced. 20 bytes below `sp` hold the row counters and are
    // popped before the block ends; flags (Q included) are not preserved.
    unsafe {
        asm!(
            "sub sp, sp, #20",
            "strd r4, r5, [sp]",
            "strd r3, r8, [sp, #8]",
            "str r9, [sp, #16]",
            hebbian_row_start!(),
            "mov lr, #2048",
            "ldrd r4, r5, [r0]",
            "ldr r8, [sp, #16]",
            "add r0, r0, r8",
            "smlad lr, r5, r12, lr",
            "smuad r12, r4, r12",
            "ldr r3, [sp, #8]",
            "2:",
            "ldrd r10, r11, [r1], #8",
            "smlawb r4, r12, r10, lr",
            "smlawt r5, r12, r10, lr",
            "smlawb r8, r12, r11, lr",
            "smlawt r9, r12, r11, lr",
            "ssat r4, #16, r4, asr #12",
            "ssat r5, #16, r5, asr #12",
            "ssat r8, #16, r8, asr #12",
            "ssat r9, #16, r9, asr #12",
            "pkhbt r4, r4, r5, lsl #16",
            "pkhbt r8, r8, r9, lsl #16",
            "ldrd r5, r9, [r2]",
            "qadd16 r5, r5, r4",
            "qadd16 r9, r9, r8",
            "strd r5, r9, [r2], #8",
            hebbian_row_end!(),
            "add sp, sp, #20",
            inout("r0") h.as_ptr() => _,
            inout("r1") pre.as_ptr() => _,
            inout("r2") w.as_mut_ptr() => _,
            inout("r3") n_in / 4 => _,
            inout("r4") post.as_ptr() => _,
            inout("r5") rows => _,
            inout("r8") 2 * n_in => _,
            inout("r9") step => _,
            out("r10") _,
            out("r11") _,
            out("r12") _,
            out("lr") _,
        );
    }
    rows
}
