//! The Q15 (and the Q7 dot's) inner loops for Arm cores with a 32 × 32 → 64-bit
//! multiply-accumulate but no DSP extension (ARMv7-M: Cortex-M3; ARMv8-M
//! mainline built without DSP), in inline assembly.
//!
//! **Why assembly.** Each product needs two sign-extending loads and one
//! `SMLAL`; nothing on these cores does better (there is no `SMLALD`). The
//! loops LLVM makes of the same sums index every load from a base and, for
//! two rows at once, unroll eight columns deep and spill to the stack (5.41
//! instructions per multiply-accumulate for a 64 × 64 matrix–vector
//! product, 0.94× CMSIS-DSP's `arm_mat_vec_mult_q15`). Here every load is an
//! `LDRSH` with post-increment: a dot product takes 3.0625 instructions per
//! multiply-accumulate (32 a pass; a remainder runs first, entered by a jump
//! into the block, so no tail loop), two rows against one vector 2.625 (each
//! `xᵢ` loaded once for both rows). Figures: docs/benchmarks.md ("Against
//! CMSIS-DSP", qemu-mps2-an385).
//!
//! **Soundness.** Each block reads memory only through `LDRSH` (`LDRSB`)
//! with post-increment, from pointers taken from slices of `i16` (`i8`; so
//! aligned), for a count of whole passes computed from the lengths of those
//! same slices and checked non-zero before entry (so `SUBS`/`BNE` ends after
//! exactly that many passes): it reads at most their common length, all
//! inside them, and writes none (`readonly`). The dot's computed jump skips
//! whole products of the first pass only, so it reads exactly the common
//! length (its own comment proves the jump lands on a product). The blocks
//! touch no stack and name every register they change.
//!
//! **Tests.** The sums are exact integers, so the result cannot depend on
//! the loop. The on-target tests (`firmware/tests/on_target.rs`) run on the
//! emulated Cortex-M3 as well as the M4F: every length 0..=70 and every
//! matrix shape around the passes and tails against closed forms and an
//! `i64` reference; every board case of `fixed.*` must equal the host's
//! checksum (`tests/tests/firmware_qemu.rs`). Miri cannot run Arm assembly.

use core::arch::asm;

use super::join;

/// One product of `a` and `b` added to `{lo}`, `{hi}`.
macro_rules! mac {
    ($load:literal, $step:literal) => {
        concat!(
            $load,
            " {x}, [{pa}], #",
            $step,
            "\n",
            $load,
            " {y}, [{pb}], #",
            $step,
            "\n",
            "smlal {lo}, {hi}, {x}, {y}\n",
        )
    };
}

/// One column of two rows: `x` loaded once, two `SMLAL`.
macro_rules! mac2 {
    () => {
        concat!(
            "ldrsh {v}, [{px}], #2\n",
            "ldrsh {a}, [{p0}], #2\n",
            "smlal {lo0}, {hi0}, {a}, {v}\n",
            "ldrsh {a}, [{p1}], #2\n",
            "smlal {lo1}, {hi1}, {a}, {v}\n",
        )
    };
}

/// A dot product of two slices of `$t`, exact in `i64`: 32 products a pass,
/// all in assembly, each two `$load`s with post-increment and an `SMLAL`. A
/// length that is not a multiple of 32 starts with a partial pass: `ADD PC`
/// jumps into the unrolled block past the `32 − n mod 32` products it skips
/// (12 bytes each: three 32-bit instructions).
macro_rules! dot_fn {
    ($(#[$doc:meta])* $name:ident, $t:ty, $load:literal, $step:literal) => {
        $(#[$doc])*
        #[inline(never)]
        pub(crate) fn $name(a: &[$t], b: &[$t]) -> i64 {
            let n = a.len().min(b.len());
            let (mut lo, mut hi) = (0u32, 0u32);
            if n > 0 {
                // SAFETY: see the module comment. Passes: ⌈n/32⌉, the first
                // one entered at product 32 − (n mod 32) when that is not 0,
                // so exactly n products, n reads from each of `a` and `b`,
                // which hold at least n. The jump lands on a product: the
                // `ADD PC` is 16-bit and its PC reads as its address + 4,
                // which is the block's first instruction (after the 16-bit
                // `NOP`), and each product is 12 bytes.
                unsafe {
                    asm!(
                        "ands {x}, {n}, #31",
                        "lsr {n}, {n}, #5",
                        "beq 2f",
                        "adds {n}, {n}, #1",
                        "rsb {x}, {x}, #32",
                        "add {x}, {x}, {x}, lsl #1",
                        "lsls {x}, {x}, #2",
                        "add pc, {x}",
                        "nop",
                        "2:",
                        mac!($load, $step), mac!($load, $step), mac!($load, $step), mac!($load, $step),
                        mac!($load, $step), mac!($load, $step), mac!($load, $step), mac!($load, $step),
                        mac!($load, $step), mac!($load, $step), mac!($load, $step), mac!($load, $step),
                        mac!($load, $step), mac!($load, $step), mac!($load, $step), mac!($load, $step),
                        mac!($load, $step), mac!($load, $step), mac!($load, $step), mac!($load, $step),
                        mac!($load, $step), mac!($load, $step), mac!($load, $step), mac!($load, $step),
                        mac!($load, $step), mac!($load, $step), mac!($load, $step), mac!($load, $step),
                        mac!($load, $step), mac!($load, $step), mac!($load, $step), mac!($load, $step),
                        "subs {n}, {n}, #1",
                        "bne 2b",
                        pa = inout(reg) a.as_ptr() => _,
                        pb = inout(reg) b.as_ptr() => _,
                        n = inout(reg) n => _,
                        lo = inout(reg) lo,
                        hi = inout(reg) hi,
                        x = out(reg) _,
                        y = out(reg) _,
                        options(pure, readonly, nostack),
                    );
                }
            }
            join(lo, hi)
        }
    };
}

dot_fn!(
    /// Σ aᵢ·bᵢ over the common length of two Q15 slices, exact.
    dot_i16, i16, "ldrsh", "2"
);
dot_fn!(
    /// Σ aᵢ·bᵢ over the common length of two Q7 slices, exact.
    dot_i8, i8, "ldrsb", "1"
);

/// (Σ r0ᵢ·xᵢ, Σ r1ᵢ·xᵢ) over the common length, exact: two rows against one
/// vector, eight columns a pass in assembly, the last (under 8) in Rust.
#[inline(never)]
pub(crate) fn dot2_i16(r0: &[i16], r1: &[i16], x: &[i16]) -> (i64, i64) {
    super::dot2_chunks::<i16, 8>(r0, r1, x, |c0, c1, cx, count| {
        let (mut lo0, mut hi0, mut lo1, mut hi1) = (0u32, 0u32, 0u32, 0u32);
        // SAFETY: see the module comment; reads count·8 i16 from each of
        // `c0`, `c1` and `cx`, which hold at least that many (count ≥ 1).
        unsafe {
            asm!(
                "2:",
                mac2!(), mac2!(), mac2!(), mac2!(), mac2!(), mac2!(), mac2!(), mac2!(),
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
                options(pure, readonly, nostack),
            );
        }
        [lo0, hi0, lo1, hi1]
    })
}
