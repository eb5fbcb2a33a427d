//! Quantise and dequantise loops for Arm cores with a single-precision FPU
//! (Cortex-M4F, M7, M33), in inline assembly.
//!
//! **Why assembly.** Per element, LLVM emits one `VLDR`, the rounding as
//! `VMLA`/`VADD` against a copied constant, `VCVT`, `VMOV`, `SSAT` and
//! `STRH`: 10.4 instructions an element for [`super::quantize`] on the M4F,
//! 1.71× CMSIS-DSP's `arm_float_to_q15`, which truncates. Here `VLDM` loads
//! eight floats at once, `VCVTR` converts rounding to nearest even (the
//! FPSCR's mode) in one instruction, and one `VMOV` moves two results to the
//! core: 37 instructions per eight elements. Dequantising Q15 is one
//! fixed-point `VCVT.F32.S16 #15` per element (q·2⁻¹⁵ exactly, the multiply
//! folded in), two elements per `VMOV`, eight per `VSTM`: 21 per eight.
//! Figures: docs/benchmarks.md ("Against CMSIS-DSP").
//!
//! **Same bits.** Quantising: `VMUL.F32` by the exact inverse of a
//! power-of-two scale is the product [`super::quantize`] forms; `VCVTR.S32.F32`
//! rounds it to the nearest integer, ties to even, and saturates to `i32`, as
//! `round_half_even` then the cast do (beyond ±2²² both saturate to the
//! type's bound); `SSAT` is the clamp. The FPU runs in its reset state (round
//! to nearest, no flush to zero), as Rust assumes. Dequantising: q·2⁻¹⁵ is
//! exact in `f32` whichever way it is formed. Every board case equals the
//! host's checksum bit for bit (`tests/tests/firmware_qemu.rs`), and the unit
//! tests compare both loops with the portable ones on the boards
//! (`tests/on_target`).
//!
//! **Soundness.** Each block reads through `VLDM`/`LDRD` with write-back and
//! writes through `STRD`/`VSTM` with write-back, from pointers taken from
//! slices, for a count of whole passes computed from those slices' lengths
//! and checked non-zero before entry (`SUBS`/`BNE` then ends after exactly
//! that many): it touches memory only inside them. `VLDM`, `VSTM`, `LDRD`
//! and `STRD` need word alignment: `&[f32]` has it, and the callers pass an
//! integer slice only from a word-aligned start (the few elements before it
//! take the portable loop). The blocks use only `s0`–`s8` and the named
//! core registers, declared clobbered, touch no stack and set only the
//! condition flags. Miri cannot run Arm assembly; the portable loops these
//! replace are in the Miri job.

use core::arch::asm;

/// Elements per pass.
const PASS: usize = 8;

/// Loads eight floats from `{px}` (advancing it), multiplies each by `s8`
/// and rounds it to an `i32`, half to even: `s0`–`s7`.
macro_rules! load_scale_round8 {
    () => {
        "vldm {px}!, {{s0-s7}}
        vmul.f32 s0, s0, s8
        vmul.f32 s1, s1, s8
        vmul.f32 s2, s2, s8
        vmul.f32 s3, s3, s8
        vmul.f32 s4, s4, s8
        vmul.f32 s5, s5, s8
        vmul.f32 s6, s6, s8
        vmul.f32 s7, s7, s8
        vcvtr.s32.f32 s0, s0
        vcvtr.s32.f32 s1, s1
        vcvtr.s32.f32 s2, s2
        vcvtr.s32.f32 s3, s3
        vcvtr.s32.f32 s4, s4
        vcvtr.s32.f32 s5, s5
        vcvtr.s32.f32 s6, s6
        vcvtr.s32.f32 s7, s7"
    };
}

/// Whether `p` is word-aligned (so `LDRD`/`STRD`/`VSTM` may use it).
#[inline(always)]
pub(super) fn word_aligned<T>(p: *const T) -> bool {
    (p as usize).is_multiple_of(4)
}

/// The quantising loop: per pass [`load_scale_round8`], then `$pack` (the
/// eight results in `s0`–`s7` moved to the core, saturated and packed into
/// `{a}` and `{c}` with `{b}` and `{d}` as scratch) and one `STRD` of the
/// two words to `{po}`.
macro_rules! quantize_passes {
    ($x:expr, $inv:expr, $out:expr, $passes:expr, $($pack:literal),* $(,)?) => {
        // SAFETY: see the module's soundness paragraph; the callers check
        // `passes ≥ 1`, that `8·passes` elements lie inside both slices and
        // that `out` starts word-aligned.
        unsafe {
            asm!(
                "vmov s8, {inv}",
                "2:",
                load_scale_round8!(),
                $($pack,)*
                "strd {a}, {c}, [{po}], #8",
                "subs {n}, {n}, #1",
                "bne 2b",
                inv = in(reg) $inv.to_bits(),
                px = inout(reg) $x.as_ptr() => _,
                po = inout(reg) $out.as_mut_ptr() => _,
                n = inout(reg) $passes => _,
                a = out(reg) _,
                b = out(reg) _,
                c = out(reg) _,
                d = out(reg) _,
                out("s0") _, out("s1") _, out("s2") _, out("s3") _,
                out("s4") _, out("s5") _, out("s6") _, out("s7") _, out("s8") _,
                options(nostack),
            );
        }
    };
}

/// The whole passes of eight in `len` elements, or 0 when `out` is not
/// word-aligned (the stores are whole words).
fn whole_passes<T>(len: usize, out: *const T) -> usize {
    if word_aligned(out) {
        len / PASS
    } else {
        0
    }
}

/// `out[i] = clamp(round_half_even(x[i]·inv), −2¹⁵, 2¹⁵ − 1)` for whole passes
/// of eight; `out` must start word-aligned. Returns the elements done.
#[inline]
pub(super) fn quantize_i16(x: &[f32], inv: f32, out: &mut [i16]) -> usize {
    let passes = whole_passes(x.len().min(out.len()), out.as_ptr());
    if passes == 0 {
        return 0;
    }
    // Two halfwords a word: the first four results, one STRD; then the rest.
    quantize_passes!(
        x,
        inv,
        out,
        passes,
        "vmov {a}, {b}, s0, s1",
        "ssat {a}, #16, {a}",
        "ssat {b}, #16, {b}",
        "bfi {a}, {b}, #16, #16",
        "vmov {c}, {d}, s2, s3",
        "ssat {c}, #16, {c}",
        "ssat {d}, #16, {d}",
        "bfi {c}, {d}, #16, #16",
        "strd {a}, {c}, [{po}], #8",
        "vmov {a}, {b}, s4, s5",
        "ssat {a}, #16, {a}",
        "ssat {b}, #16, {b}",
        "bfi {a}, {b}, #16, #16",
        "vmov {c}, {d}, s6, s7",
        "ssat {c}, #16, {c}",
        "ssat {d}, #16, {d}",
        "bfi {c}, {d}, #16, #16",
    );
    passes * PASS
}

/// As [`quantize_i16`], clamped to −2⁷..2⁷ − 1 and stored as bytes.
#[inline]
pub(super) fn quantize_i8(x: &[f32], inv: f32, out: &mut [i8]) -> usize {
    let passes = whole_passes(x.len().min(out.len()), out.as_ptr());
    if passes == 0 {
        return 0;
    }
    // Four bytes a word.
    quantize_passes!(
        x,
        inv,
        out,
        passes,
        "vmov {a}, {b}, s0, s1",
        "ssat {a}, #8, {a}",
        "ssat {b}, #8, {b}",
        "bfi {a}, {b}, #8, #8",
        "vmov {c}, {b}, s2, s3",
        "ssat {c}, #8, {c}",
        "ssat {b}, #8, {b}",
        "bfi {a}, {c}, #16, #8",
        "bfi {a}, {b}, #24, #8",
        "vmov {c}, {b}, s4, s5",
        "ssat {c}, #8, {c}",
        "ssat {b}, #8, {b}",
        "bfi {c}, {b}, #8, #8",
        "vmov {d}, {b}, s6, s7",
        "ssat {d}, #8, {d}",
        "ssat {b}, #8, {b}",
        "bfi {c}, {d}, #16, #8",
        "bfi {c}, {b}, #24, #8",
    );
    passes * PASS
}

/// `out[i] = q[i]·2⁻¹⁵` for whole passes of eight; `q` must start
/// word-aligned. Returns the elements done.
#[inline]
pub(super) fn dequantize_q15(q: &[i16], out: &mut [f32]) -> usize {
    let passes = q.len().min(out.len()) / PASS;
    if passes == 0 || !word_aligned(q.as_ptr()) {
        return 0;
    }
    // SAFETY: as for `quantize_i16`, with `q` read and `out` written. The
    // fixed-point `VCVT` reads the low half of each register: `VMOV` puts a
    // word (two elements) and that word shifted down by 16 in turn.
    unsafe {
        asm!(
            "2:",
            "ldrd {a}, {c}, [{pq}], #8",
            "asr {b}, {a}, #16",
            "vmov s0, s1, {a}, {b}",
            "asr {b}, {c}, #16",
            "vmov s2, s3, {c}, {b}",
            "ldrd {a}, {c}, [{pq}], #8",
            "asr {b}, {a}, #16",
            "vmov s4, s5, {a}, {b}",
            "asr {b}, {c}, #16",
            "vmov s6, s7, {c}, {b}",
            "vcvt.f32.s16 s0, s0, #15",
            "vcvt.f32.s16 s1, s1, #15",
            "vcvt.f32.s16 s2, s2, #15",
            "vcvt.f32.s16 s3, s3, #15",
            "vcvt.f32.s16 s4, s4, #15",
            "vcvt.f32.s16 s5, s5, #15",
            "vcvt.f32.s16 s6, s6, #15",
            "vcvt.f32.s16 s7, s7, #15",
            "vstm {po}!, {{s0-s7}}",
            "subs {n}, {n}, #1",
            "bne 2b",
            pq = inout(reg) q.as_ptr() => _,
            po = inout(reg) out.as_mut_ptr() => _,
            n = inout(reg) passes => _,
            a = out(reg) _,
            b = out(reg) _,
            c = out(reg) _,
            out("s0") _, out("s1") _, out("s2") _, out("s3") _,
            out("s4") _, out("s5") _, out("s6") _, out("s7") _,
            options(nostack),
        );
    }
    passes * PASS
}
