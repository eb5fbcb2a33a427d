//! The f32 inner loops for Arm cores with a single-precision FPU (Cortex-M4F,
//! M7, M33), in inline assembly.
//!
//! **Why assembly.** LLVM compiles [`super::dot_unchecked`]'s loop to one
//! `VLDR` per element of each slice and one `VMLA.F32` per product (3.23
//! instructions per multiply-accumulate on the M4F at n = 4096, 0.81× CMSIS-DSP's
//! `arm_dot_prod_f32`). `VLDM` loads four consecutive floats in one
//! instruction, so a pass of eight products takes four loads, eight `VMLA`s and
//! the loop's two: 1.75 per multiply-accumulate. The matrix–vector loop keeps
//! four rows' sums in registers and loads four of `x` and four of each row per
//! `VLDM`: 23 instructions for 16 products. Figures: docs/benchmarks.md
//! ("Against CMSIS-DSP").
//!
//! **Same bits.** `VMLA.F32` rounds the product, then the sum (it is not the
//! fused `VFMA`), exactly as `acc += a * b` in Rust, and the sums are formed in
//! the crate's order: lane `l` of the dot takes elements `8k + l` in turn, each
//! row of the matrix–vector product takes its columns in turn. The FPU runs in
//! its reset state (round to nearest, no flush to zero), as Rust assumes. The
//! host computes the same sums in Rust; every board case must equal the
//! host's checksum bit for bit (`tests/tests/firmware_qemu.rs`).
//!
//! **Soundness.** Each block reads through `VLDM` with write-back, from
//! pointers taken from slices, for a count of whole passes computed from the
//! lengths of those same slices and checked non-zero before entry (so
//! `SUBS`/`BNE` ends after exactly that many passes): it reads only inside
//! them. `VLDM` needs word alignment, which every `&[f32]` has. The dot block
//! also reads and writes the caller's `[f32; 8]` of lane sums through the
//! pointer of a `&mut` to it. The blocks use only `s0`–`s15`, declared
//! clobbered, touch no stack and set only the condition flags (not declared
//! preserved). Miri cannot run Arm assembly; the portable loops it replaces
//! are in the Miri job.

use core::arch::asm;

use crate::slices::rows;

/// Adds `a[8k + l]·b[8k + l]` to `acc[l]` for every whole pass of eight
/// elements of the common length, `k` in turn; returns the elements consumed.
#[inline]
pub(super) fn dot_lanes(a: &[f32], b: &[f32], acc: &mut [f32; 8]) -> usize {
    let passes = a.len().min(b.len()) / 8;
    if passes == 0 {
        return 0;
    }
    // SAFETY: see the module's soundness paragraph; `passes ≥ 1`, and
    // `8·passes` elements lie inside both slices.
    unsafe {
        asm!(
            "vldm {acc}, {{s0-s7}}",
            "2:",
            "vldm {pa}!, {{s8-s11}}",
            "vldm {pb}!, {{s12-s15}}",
            "vmla.f32 s0, s8, s12",
            "vmla.f32 s1, s9, s13",
            "vmla.f32 s2, s10, s14",
            "vmla.f32 s3, s11, s15",
            "vldm {pa}!, {{s8-s11}}",
            "vldm {pb}!, {{s12-s15}}",
            "vmla.f32 s4, s8, s12",
            "vmla.f32 s5, s9, s13",
            "vmla.f32 s6, s10, s14",
            "vmla.f32 s7, s11, s15",
            "subs {n}, {n}, #1",
            "bne 2b",
            "vstm {acc}, {{s0-s7}}",
            acc = in(reg) acc.as_mut_ptr(),
            pa = inout(reg) a.as_ptr() => _,
            pb = inout(reg) b.as_ptr() => _,
            n = inout(reg) passes => _,
            out("s0") _, out("s1") _, out("s2") _, out("s3") _,
            out("s4") _, out("s5") _, out("s6") _, out("s7") _,
            out("s8") _, out("s9") _, out("s10") _, out("s11") _,
            out("s12") _, out("s13") _, out("s14") _, out("s15") _,
            options(nostack),
        );
    }
    passes * 8
}

/// Rows of a row-major matrix summed together by [`matvec_rows4`].
pub(super) const ROWS: usize = 4;

/// `out[r] = Σ_j m[r·cols + j]·x[j]` for the four rows of `block`
/// (`4·cols` elements), `j` in turn from 0, over the first `cols − cols % 4`
/// columns; returns those columns (the caller adds the rest, in order).
#[inline]
pub(super) fn matvec_rows4(block: &[f32], cols: usize, x: &[f32], out: &mut [f32; ROWS]) -> usize {
    let mut r = rows(block, cols);
    let mut row = || r.next().unwrap_or(&[]);
    let (r0, r1, r2, r3) = (row(), row(), row(), row());
    let len = x.len().min(r0.len()).min(r1.len()).min(r2.len()).min(r3.len());
    let passes = len / 4;
    *out = [0.0; ROWS];
    if passes == 0 {
        return 0;
    }
    // SAFETY: see the module's soundness paragraph; `passes ≥ 1`, and
    // `4·passes` elements lie inside `x` and each of the four rows.
    unsafe {
        asm!(
            "vldm {out}, {{s0-s3}}",
            "2:",
            "vldm {px}!, {{s4-s7}}",
            "vldm {p0}!, {{s8-s11}}",
            "vmla.f32 s0, s8, s4",
            "vmla.f32 s0, s9, s5",
            "vmla.f32 s0, s10, s6",
            "vmla.f32 s0, s11, s7",
            "vldm {p1}!, {{s12-s15}}",
            "vmla.f32 s1, s12, s4",
            "vmla.f32 s1, s13, s5",
            "vmla.f32 s1, s14, s6",
            "vmla.f32 s1, s15, s7",
            "vldm {p2}!, {{s8-s11}}",
            "vmla.f32 s2, s8, s4",
            "vmla.f32 s2, s9, s5",
            "vmla.f32 s2, s10, s6",
            "vmla.f32 s2, s11, s7",
            "vldm {p3}!, {{s12-s15}}",
            "vmla.f32 s3, s12, s4",
            "vmla.f32 s3, s13, s5",
            "vmla.f32 s3, s14, s6",
            "vmla.f32 s3, s15, s7",
            "subs {n}, {n}, #1",
            "bne 2b",
            "vstm {out}, {{s0-s3}}",
            out = in(reg) out.as_mut_ptr(),
            px = inout(reg) x.as_ptr() => _,
            p0 = inout(reg) r0.as_ptr() => _,
            p1 = inout(reg) r1.as_ptr() => _,
            p2 = inout(reg) r2.as_ptr() => _,
            p3 = inout(reg) r3.as_ptr() => _,
            n = inout(reg) passes => _,
            out("s0") _, out("s1") _, out("s2") _, out("s3") _,
            out("s4") _, out("s5") _, out("s6") _, out("s7") _,
            out("s8") _, out("s9") _, out("s10") _, out("s11") _,
            out("s12") _, out("s13") _, out("s14") _, out("s15") _,
            options(nostack),
        );
    }
    passes * 4
}
