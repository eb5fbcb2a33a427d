//! Q15 matrix–vector product with `m` and `x` word-aligned and an even row
//! length: up to eight row pairs in one block (the two-row `LDRD` loop, the
//! pair's sums stored, `x` rewound and the rows advanced inside the
//! assembly, which saves the checks and spills of a call per pair).

use super::*;
use crate::fixed::Narrow;

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
    if passes == 0 || !cols.is_multiple_of(2) || x.len() != cols {
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
        rt.iter().zip(xt).map(|(a, b)| (*a as i32 * *b as i32) as i64).sum()
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
