//! Q7 matrix–vector product: `x` widened once per call into a stack buffer
//! (`SXTB16` pairs read by `LDRD`), three rows a pass with 32-bit `SMLAD`
//! sums (exact: at most 2²¹ in magnitude), narrowed in 32 bits; rows longer
//! than [`WIDE_X_COLS`] take the two-row loop.

use super::*;

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
