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
/// even, so every row is word-aligned too: [`matvec_many_i16`] with one `x`.
pub(crate) fn matvec_i16(m: &[i16], cols: usize, x: &[i16], shift: u32, out: &mut [i16]) -> bool {
    if x.len() != cols || !shapes_fit(m, cols, x, out) {
        return false;
    }
    let narrow = Narrow::new(shift);
    let done = 16 * (cols / 16);
    let mut sums = [0u32; 4 * PAIRS];
    let mut blocks = m.chunks_exact(cols.saturating_mul(2 * PAIRS).max(1));
    let mut outs = out.chunks_exact_mut(2 * PAIRS);
    // One block as a closure the compiler keeps out of line: with a single
    // vector its narrowing loop gets registers that the inline loop of
    // `matvec_many_i16` spills (about 7 % fewer instructions at 64×64 on the
    // Cortex-M4F; docs/benchmarks.md).
    let mut run = |rows: &[i16], o: &mut [i16]| block(rows, cols, done, x, narrow, &mut sums, o);
    while let (Some(o), Some(rows)) = (outs.next(), blocks.next()) {
        run(rows, o);
    }
    run(blocks.remainder(), outs.into_remainder());
    true
}

/// Whether [`matvec_many_i16`] takes these shapes: `cols` even and at least
/// 16, `xs` whole vectors of `cols`, `out` one entry per row per vector, `m`
/// and `xs` word-aligned.
fn shapes_fit(m: &[i16], cols: usize, xs: &[i16], out: &[i16]) -> bool {
    if cols < 16 || !cols.is_multiple_of(2) || xs.is_empty() || !xs.len().is_multiple_of(cols) {
        return false;
    }
    let rows_per_x = m.len() / cols;
    m.len() == rows_per_x * cols
        && out.len() == (xs.len() / cols).saturating_mul(rows_per_x)
        && word_aligned(m.as_ptr())
        && word_aligned(xs.as_ptr())
}

/// `out[v] = saturate(round_shift(m·x_v, shift))` for each vector `x_v` of
/// `xs` (`xs.len() / cols` of them, back to back; `out` holds their outputs
/// back to back, `m.len() / cols` each): the matrix–vector product of
/// [`super::super::linalg::matvec`] and, with `m = Bᵀ` and `xs = A`, the rows
/// of [`super::super::linalg::matmul`], with the checks and set-up paid once.
/// `m` and `xs` word-aligned and `cols` even, so every row is word-aligned
/// too. One `asm!` block runs up to
/// [`PAIRS`] row pairs: the two-row `LDRD` loop of [`dot2_i16`] (0.94
/// instructions per multiply-accumulate) over the whole groups of 16
/// columns, then it stores the pair's 64-bit sums, rewinds `x` and steps to
/// the next pair inside the assembly (19 instructions a pair, against about
/// 115 for a call of [`dot2_i16`] with its checks and spills). The last
/// columns (under 16) and an odd last row are summed in Rust. Returns
/// `false`, doing nothing, when `cols < 16`, `cols` is odd, a pointer is not
/// word-aligned or the lengths disagree.
pub(crate) fn matvec_many_i16(
    m: &[i16],
    cols: usize,
    xs: &[i16],
    shift: u32,
    out: &mut [i16],
) -> bool {
    if !shapes_fit(m, cols, xs, out) {
        return false;
    }
    let narrow = Narrow::new(shift);
    // `cols ≥ 16` (checked); the `max` keeps a division by zero out of the
    // image where the check is not inlined.
    let cols = cols.max(1);
    let rows_per_x = m.len() / cols;
    for (x, out) in xs.chunks_exact(cols).zip(out.chunks_exact_mut(rows_per_x.max(1))) {
        matvec_one(m, cols, x, narrow, out);
    }
    true
}

/// One vector of [`matvec_many_i16`], shapes checked by [`shapes_fit`];
/// inlined into both callers so the single-vector product keeps its set-up
/// out of a loop.
#[inline(always)]
fn matvec_one(m: &[i16], cols: usize, x: &[i16], narrow: Narrow, out: &mut [i16]) {
    let done = 16 * (cols / 16);
    // lo0, hi0, lo1, hi1 of each pair (zeroed once: every block overwrites
    // the entries it reads).
    let mut sums = [0u32; 4 * PAIRS];
    // Blocks of up to PAIRS row pairs, the last one shorter.
    let blocks = m.chunks(cols.saturating_mul(2 * PAIRS).max(1));
    for (rows, o) in blocks.zip(out.chunks_mut(2 * PAIRS)) {
        block(rows, cols, done, x, narrow, &mut sums, o);
    }
}

/// One block of up to [`PAIRS`] row pairs (and an odd last row) of `rows`
/// against `x`, narrowed into `o` (one entry per row).
#[inline(always)]
fn block(
    rows: &[i16],
    cols: usize,
    done: usize,
    x: &[i16],
    narrow: Narrow,
    sums: &mut [u32; 4 * PAIRS],
    o: &mut [i16],
) {
    let pairs = (o.len() / 2).min(rows.len() / cols.max(1) / 2);
    sum_pairs(rows, cols, x, pairs, sums);
    // The summed pairs (plus their last columns when `cols` is not a
    // multiple of 16: one branch here, not one per row), then an odd
    // last row.
    let (o_pairs, o_odd) = crate::slices::split_mut(o, 2 * pairs);
    let (sums2, _) = sums.as_chunks::<2>();
    if done == cols {
        for (y, s) in o_pairs.iter_mut().zip(sums2) {
            *y = narrow.apply(join(s[0], s[1]));
        }
    } else {
        let xt = crate::slices::tail(x, done);
        for ((y, s), row) in o_pairs.iter_mut().zip(sums2).zip(rows.chunks_exact(cols.max(1))) {
            let rt = crate::slices::tail(row, done);
            let t: i64 = rt.iter().zip(xt).map(|(a, b)| (*a as i32 * *b as i32) as i64).sum();
            *y = narrow.apply(join(s[0], s[1]) + t);
        }
    }
    if let Some(y) = o_odd.first_mut() {
        let row = crate::slices::tail(rows, 2 * pairs * cols);
        *y = narrow.apply(dot_i16(crate::slices::split(row, cols).0, x));
    }
}

/// Sums `pairs` (1..=[`PAIRS`]) row pairs of `rows` against `x` over their
/// first `16·passes` columns into `sums` (lo0, hi0, lo1, hi1 per pair): the
/// assembly both products share. The caller guarantees `2·pairs` rows of
/// `cols` in `rows`, `1 ≤ passes ≤ cols / 16`, `x.len() ≥ 16·passes`, both
/// word-aligned with `cols` even.
#[inline(always)]
fn sum_pairs(rows: &[i16], cols: usize, x: &[i16], pairs: usize, sums: &mut [u32; 4 * PAIRS]) {
    let passes = cols / 16;
    let done = 16 * passes;
    let (row_bytes, x_bytes) = (2 * cols, 2 * done);
    let tail_bytes = row_bytes - x_bytes;
    if pairs == 0 || pairs > PAIRS || passes == 0 || rows.len() < 2 * pairs * cols || x.len() < done
    {
        return;
    }
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
