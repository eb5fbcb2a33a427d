//! The Q15 dot product's inner loop for ARMv6-M (Cortex-M0/M0+), in inline
//! assembly.
//!
//! **Why assembly.** The products come in pairs: p + q − 1 fits an `i32`
//! exactly (each product lies in [−2³⁰ + 2¹⁵, 2³⁰]), so one 64-bit add
//! (`ADDS`/`ADCS`) serves two products, and the pair count is added back at
//! the end. The loop needs eight low registers (two bases, an index, the
//! two accumulator words and three for operands). Rust code gets seven (r7
//! is the frame pointer), and LLVM spills inside its unrolled loop: 9.69
//! instructions per multiply-accumulate, 0.53× CMSIS-DSP's
//! `arm_dot_prod_q15`. This loop takes the seven as operands and borrows r7,
//! saved on the stack around the loop. It does two pairs a pass, `LDRSH`
//! with a shared register offset counting down: 7 instructions per
//! multiply-accumulate. Figures: docs/benchmarks.md ("Against CMSIS-DSP",
//! qemu-microbit).
//!
//! **Soundness.** The block reads memory only through `LDRSH` at
//! `base + i`, with `i` a byte offset that starts at 8·passes (the byte
//! length of the first 4·passes elements of both slices, checked against
//! their lengths) and steps down by 2 before each load, so every load is of
//! an element inside both slices, halfword-aligned; it writes only the
//! stack, pushing r7 (the frame pointer) and popping it before it ends (so it
//! is as the compiler left it; nothing in between reads it, and `nostack` is
//! not claimed). The count of passes is checked non-zero before
//! entry, and the loop ends when `i` reaches 0.
//!
//! **Tests.** The sums are exact integers, so the result cannot depend on
//! the loop; every board case of `fixed.*` on the emulated Cortex-M0 must
//! equal the host's checksum (`tests/tests/firmware_qemu.rs`), and the host
//! runs the same pairing in portable Rust (`fixed::linalg`), where Miri and
//! the unit tests check it at every length. Miri cannot run Arm assembly.

use core::arch::asm;

use super::join;
use crate::slices;

/// The two elements below offset `{i}` of each slice: p + q − 1 added to
/// `{hi}:{lo}` (r7 and `{x}`, `{y}` as scratch).
macro_rules! pair {
    () => {
        concat!(
            "subs {i}, #2\n",
            "ldrsh {y}, [{pa}, {i}]\n",
            "ldrsh r7, [{pb}, {i}]\n",
            "muls {y}, r7\n",
            "subs {i}, #2\n",
            "ldrsh r7, [{pa}, {i}]\n",
            "ldrsh {x}, [{pb}, {i}]\n",
            "muls r7, {x}\n",
            "adds {y}, {y}, r7\n",
            "subs {y}, #1\n",
            "asrs r7, {y}, #31\n",
            "adds {lo}, {lo}, {y}\n",
            "adcs {hi}, r7\n",
        )
    };
}

/// Σ aᵢ·bᵢ over the common length, exact: four products a pass in assembly
/// (two pairs), the rest in Rust.
#[inline(never)]
pub(crate) fn dot_i16(a: &[i16], b: &[i16]) -> i64 {
    let n = a.len().min(b.len());
    let (a, b) = (slices::split(a, n).0, slices::split(b, n).0);
    let passes = n / 4;
    let (mut lo, mut hi) = (0u32, 0u32);
    if passes > 0 {
        // SAFETY: see the module comment; `8·passes ≤ 2n` bytes of each
        // slice, `passes ≥ 1`.
        unsafe {
            asm!(
                "push {{r7}}",
                "2:",
                pair!(),
                pair!(),
                "cmp {i}, #0",
                "bne 2b",
                "pop {{r7}}",
                pa = in(reg) a.as_ptr(),
                pb = in(reg) b.as_ptr(),
                i = inout(reg) 8 * passes => _,
                lo = inout(reg) lo,
                hi = inout(reg) hi,
                x = out(reg) _,
                y = out(reg) _,
            );
        }
    }
    let pairs = 2 * passes as i64;
    let mut acc = join(lo, hi) + pairs;
    for (x, y) in slices::split(a, 4 * passes).1.iter().zip(slices::split(b, 4 * passes).1) {
        acc += (*x as i32 * *y as i32) as i64;
    }
    acc
}
