//! The folded Q15 Hebbian update of a layer (`hebbian::q15`): one DSP
//! instruction a step — `SMUAD`, `SMLAD`, `SMLAWB`, `SSAT`, `QADD16` — so a
//! whole layer runs in one block, with a coefficient set per synapse (`LDM`
//! reads two sets) or shared per neuron or layer.

use super::*;

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

/// The folded Hebbian update (`hebbian::q15`) of a layer with a
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
    let rows = post.len().min(w.len() / n_in.max(1)).min(h.len() / n_in.saturating_mul(4).max(1));
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
    let rows = post.len().min(w.len() / n_in.max(1)).min(if per_row { sets } else { usize::MAX });
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
