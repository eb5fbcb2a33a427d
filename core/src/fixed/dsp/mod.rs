//! The integer kernels' inner loops for cores with the Arm DSP extension
//! (ARMv7E-M: Cortex-M4/M7; ARMv8-M mainline with DSP: Cortex-M33), in
//! inline assembly, one kernel a file: [`dot`] (one row), [`dot2`] (two rows
//! against one vector), [`matvec_q15`], [`matvec_q7`] and [`hebbian`] (the
//! folded Q15 update of a layer). This file holds what they share: the
//! passes of `SMLALD`/`SXTB16` over word loads and the alignment helpers.
//! What each costs against CMSIS-DSP is in docs/benchmarks.md ("Against
//! CMSIS-DSP"), measured by every `plasticore bench`.
//!
//! **Why assembly.** The sums are exact integers, so any instruction
//! sequence that computes them gives the same bits; what differs is the
//! count. `SMLALD` adds two 16 × 16 products to a 64-bit accumulator in one
//! instruction, and `SXTB16` widens two bytes at once. Safe Rust shaped for
//! LLVM's ParallelDSP pass did not get them with the toolchain in use: the
//! loop compiled to `LDRSH`/`SMLALBB`, one product per instruction plus
//! spills.
//!
//! **Word pairs.** A word-aligned slice is read two words per `LDRD`. Long
//! loops peel at most one `i16` (three `i8`) to word-align one slice, then
//! load it by `LDRD` and the other by `LDRD` too when it is aligned as
//! well, else by `LDR`.
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
//! (`tests/tests/firmware_qemu.rs`), with odd lengths and tails in the cases;
//! the on-target tests check every length, offset and shape against an `i64`
//! reference. Miri cannot run Arm assembly; the code it can run (everything
//! else in `fixed`) is in the Miri job.

use core::arch::asm;

use super::join;
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
        concat!("ldrd {x0}, {x1}, [{pa}], #8\n", "ldrd {y0}, {y1}, [{pb}], #8\n", widen_i8!(),)
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
    (slices::split(r0, n).0, slices::split(r1, n).0, slices::split(x, n).0)
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

mod dot;
mod dot2;
pub(crate) mod hebbian;
mod matvec_q15;
mod matvec_q7;

pub(crate) use dot::{dot_i16, dot_i8};
pub(crate) use dot2::{dot2_i16, dot2_i8};
pub(crate) use hebbian::{hebbian_layer, hebbian_layer_shared};
pub(crate) use matvec_q15::{matvec_i16, matvec_many_i16};
pub(crate) use matvec_q7::matvec_i8;
