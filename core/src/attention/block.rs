//! Layers built from the kernels: pre-LN multi-head self-attention (full or
//! LSH), a pre-LN feed-forward block, the reversible residual block of the
//! Reformer and a pre-LN transformer block.
//!
//! Weight convention: every projection is row-major `[out, in]` (PyTorch
//! `nn.Linear.weight`), without bias for the attention projections (as the
//! Reformer's). Head h uses rows/columns h·d_h .. (h+1)·d_h, d_h = d/heads.
//! Activations are `[n, d]` row-major.

use super::lsh::{lsh_attention, LshConfig, LshShape};
use super::mul;
use super::sdpa::{sdpa, SdpaShape};
use crate::error::{check_finite, check_len, check_nonempty, Error};
use crate::linalg::dot_unchecked;
use crate::nn::{layer_norm_row, Accum, Activation, FeedForward};
use crate::slices::{rows, rows_mut, split, split_mut, window_mut};

/// Which attention a [`SelfAttention`] layer computes.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AttentionMode<'a> {
    /// Scaled dot-product attention over all keys ([`super::sdpa`]); separate Q and K.
    Full {
        /// Keys j ≤ i only.
        causal: bool,
    },
    /// Reformer LSH attention ([`super::lsh_attention`]) with shared QK
    /// (`wk` must be empty); `rotations` is `[d_h, rounds, n_buckets/2]`.
    Lsh {
        /// Random rotations shared by all heads.
        rotations: &'a [f32],
        /// Rounds, buckets, chunk length, causality.
        config: LshConfig,
    },
}

/// Weights of a pre-LN self-attention layer, each `[d, d]` row-major except
/// the layer-norm vectors `[d]`. `wk` is empty for LSH attention (shared QK).
#[derive(Debug, Clone, Copy)]
pub struct AttentionWeights<'a> {
    /// Layer-norm scale γ.
    pub gamma: &'a [f32],
    /// Layer-norm shift β.
    pub beta: &'a [f32],
    /// Query (or shared query-key) projection.
    pub wq: &'a [f32],
    /// Key projection (empty with LSH attention).
    pub wk: &'a [f32],
    /// Value projection.
    pub wv: &'a [f32],
    /// Output projection.
    pub wo: &'a [f32],
}

/// Pre-LN multi-head self-attention: F(x) = W_o · Attn(W_q LN(x), W_k LN(x), W_v LN(x)).
///
/// Scratch (f32) [`SelfAttention::scratch_len`]: 4·n·d with full attention,
/// 3·n·d + 3·n with LSH; u32: 0, or R·n + n + b with LSH.
#[derive(Debug, Clone, Copy)]
pub struct SelfAttention<'a> {
    d: usize,
    heads: usize,
    w: AttentionWeights<'a>,
    mode: AttentionMode<'a>,
}

impl<'a> SelfAttention<'a> {
    /// Validates the weights for width `d` and `heads` heads (d a multiple of heads).
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::ShapeMismatch`] (a weight of the
    /// wrong length, `wk` non-empty with LSH), [`Error::InvalidArgument`]
    /// (heads not dividing d, bad LSH config), [`Error::NonFinite`].
    pub fn new(
        d: usize,
        heads: usize,
        w: AttentionWeights<'a>,
        mode: AttentionMode<'a>,
    ) -> Result<Self, Error> {
        check_nonempty("d", d)?;
        check_nonempty("heads", heads)?;
        if !d.is_multiple_of(heads) {
            return Err(Error::InvalidArgument { what: "heads", expected: "a divisor of d" });
        }
        let dd = mul("d * d", d, d)?;
        check_len("gamma", d, w.gamma.len())?;
        check_len("beta", d, w.beta.len())?;
        check_len("wq ([d, d])", dd, w.wq.len())?;
        check_len("wv ([d, d])", dd, w.wv.len())?;
        check_len("wo ([d, d])", dd, w.wo.len())?;
        match mode {
            AttentionMode::Full { .. } => check_len("wk ([d, d])", dd, w.wk.len())?,
            AttentionMode::Lsh { rotations, config } => {
                check_len("wk (empty: LSH shares QK)", 0, w.wk.len())?;
                check_nonempty("rounds", config.rounds)?;
                check_nonempty("bucket_size", config.bucket_size)?;
                if config.n_buckets < 2 || config.n_buckets % 2 != 0 {
                    return Err(Error::InvalidArgument {
                        what: "n_buckets",
                        expected: "an even number >= 2",
                    });
                }
                let rl = mul("rotations", d / heads, config.rounds)?;
                check_len(
                    "rotations ([d/heads, rounds, n_buckets/2])",
                    mul("rotations", rl, config.n_buckets / 2)?,
                    rotations.len(),
                )?;
                check_finite("rotations", rotations)?;
            }
        }
        for (what, s) in [
            ("gamma", w.gamma),
            ("beta", w.beta),
            ("wq", w.wq),
            ("wk", w.wk),
            ("wv", w.wv),
            ("wo", w.wo),
        ] {
            check_finite(what, s)?;
        }
        Ok(SelfAttention { d, heads, w, mode })
    }

    /// Model width d.
    pub fn d(&self) -> usize {
        self.d
    }

    /// (f32, u32) scratch lengths for a sequence of n positions (saturating).
    pub fn scratch_len(&self, n: usize) -> (usize, usize) {
        let nd = n.saturating_mul(self.d);
        match self.mode {
            AttentionMode::Full { .. } => (nd.saturating_mul(4), 0),
            AttentionMode::Lsh { config, .. } => (
                nd.saturating_mul(3).saturating_add(super::lsh_f32_scratch_len(n)),
                super::lsh_index_scratch_len(n, config.rounds, config.n_buckets),
            ),
        }
    }

    fn rows(&self, x: &[f32]) -> Result<usize, Error> {
        crate::error::check_rows(x, self.d)
    }

    fn check_scratch(&self, n: usize, idx: &[u32], f: &[f32]) -> Result<(), Error> {
        let _ = mul("n * d * 4", mul("n * d", n, self.d)?, 4)?;
        let (fl, il) = self.scratch_len(n);
        if f.len() < fl {
            check_len("f32 scratch", fl, f.len())?;
        }
        if idx.len() < il {
            check_len("u32 scratch", il, idx.len())?;
        }
        if let AttentionMode::Lsh { config, .. } = self.mode {
            if !n.is_multiple_of(config.bucket_size.max(1)) {
                return Err(Error::InvalidArgument {
                    what: "bucket_size",
                    expected: "a divisor of n",
                });
            }
        }
        Ok(())
    }

    /// Steps 1–3: LN, projections into head-major buffers, attention into `f[..n·d]`.
    fn prepare(&self, x: &[f32], n: usize, idx: &mut [u32], f: &mut [f32]) -> Result<(), Error> {
        // d, heads, d / heads ≥ 1 (checked by `new`); `max` keeps this panic-free.
        let (d, heads) = (self.d.max(1), self.heads.max(1));
        let dh = (d / heads).max(1);
        let nd = n * d;
        let (a, rest) = split_mut(f, nd);
        for (xr, ar) in rows(x, d).zip(rows_mut(a, d)) {
            layer_norm_row(xr, self.w.gamma, self.w.beta, ar);
        }
        let project = |w: &[f32], a: &[f32], dst: &mut [f32]| {
            let (d, dh) = (d.max(1), dh.max(1));
            for (i, ar) in a.chunks_exact(d).enumerate() {
                for (o, row) in w.chunks_exact(d).enumerate() {
                    let (h, e) = (o / dh, o % dh);
                    if let Some(v) = dst.get_mut((h * n + i) * dh + e) {
                        *v = dot_unchecked(row, ar);
                    }
                }
            }
        };
        match self.mode {
            AttentionMode::Full { causal } => {
                let (q, rest) = split_mut(rest, nd);
                let (k, rest) = split_mut(rest, nd);
                let v = window_mut(rest, 0, nd);
                project(self.w.wq, a, q);
                project(self.w.wk, a, k);
                project(self.w.wv, a, v);
                let shape = SdpaShape { heads, n, m: n, d: dh, dv: dh };
                sdpa(q, k, v, shape, causal, a)
            }
            AttentionMode::Lsh { rotations, config } => {
                let (qk, rest) = split_mut(rest, nd);
                let (v, rest) = split_mut(rest, nd);
                project(self.w.wq, a, qk);
                project(self.w.wv, a, v);
                let shape = LshShape { heads, n, d: dh, dv: dh };
                lsh_attention(qk, v, rotations, shape, config, (idx, rest), a)
            }
        }
    }

    /// Step 4: out_i ⊕= W_o · concat_h(attn[h, i, :]).
    fn emit(&self, n: usize, f: &mut [f32], out: &mut [f32], op: Accum) {
        let d = self.d.max(1);
        let dh = (d / self.heads.max(1)).max(1);
        let nd = n * d;
        let (a, rest) = split_mut(f, nd);
        // The q (or qk) buffer right after `a` is free once attention is done.
        let concat = window_mut(rest, 0, d);
        for (i, or) in out.chunks_exact_mut(d).enumerate() {
            for (o, c) in concat.iter_mut().enumerate() {
                let (h, e) = (o / dh, o % dh);
                *c = a.get((h * n + i) * dh + e).copied().unwrap_or(0.0);
            }
            for (ov, row) in or.iter_mut().zip(self.w.wo.chunks_exact(d)) {
                op.apply(ov, dot_unchecked(row, concat));
            }
        }
    }

    fn run(
        &self,
        x: &[f32],
        scratch: (&mut [u32], &mut [f32]),
        out: &mut [f32],
        op: Accum,
    ) -> Result<(), Error> {
        let n = self.rows(x)?;
        check_len("out", x.len(), out.len())?;
        check_finite("x", x)?;
        if op != Accum::Write {
            check_finite("out", out)?;
        }
        self.check_scratch(n, scratch.0, scratch.1)?;
        self.prepare(x, n, scratch.0, scratch.1)?;
        self.emit(n, scratch.1, out, op);
        Ok(())
    }

    /// out ← F(x) for x `[n, d]`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for `x`, `out` or a short scratch, [`Error::Empty`] for an
    /// empty `x`, [`Error::NonFinite`] in `x`; `out` is untouched then.
    pub fn forward(
        &self,
        x: &[f32],
        scratch: (&mut [u32], &mut [f32]),
        out: &mut [f32],
    ) -> Result<(), Error> {
        self.run(x, scratch, out, Accum::Write)
    }

    /// out ← out + F(x) (residual).
    ///
    /// # Errors
    /// As [`SelfAttention::forward`].
    pub fn forward_add(
        &self,
        x: &[f32],
        scratch: (&mut [u32], &mut [f32]),
        out: &mut [f32],
    ) -> Result<(), Error> {
        self.run(x, scratch, out, Accum::Add)
    }

    /// x ← x + F(x), in place.
    ///
    /// # Errors
    /// As [`SelfAttention::forward`].
    pub fn residual_in_place(
        &self,
        x: &mut [f32],
        scratch: (&mut [u32], &mut [f32]),
    ) -> Result<(), Error> {
        let n = self.rows(x)?;
        check_finite("x", x)?;
        self.check_scratch(n, scratch.0, scratch.1)?;
        self.prepare(x, n, scratch.0, scratch.1)?;
        self.emit(n, scratch.1, x, Accum::Add);
        Ok(())
    }
}

/// Pre-LN feed-forward block: G(x) = FFN(LN(x)) row by row; scratch d + d_ff f32.
#[derive(Debug, Clone, Copy)]
pub struct FeedForwardBlock<'a> {
    gamma: &'a [f32],
    beta: &'a [f32],
    ff: FeedForward<'a>,
}

impl<'a> FeedForwardBlock<'a> {
    /// Layer norm (γ, β of length d) followed by `ff`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] unless γ and β have length d; [`Error::NonFinite`] in γ or β.
    pub fn new(gamma: &'a [f32], beta: &'a [f32], ff: FeedForward<'a>) -> Result<Self, Error> {
        check_len("gamma", ff.d(), gamma.len())?;
        check_len("beta", ff.d(), beta.len())?;
        check_finite("gamma", gamma)?;
        check_finite("beta", beta)?;
        Ok(FeedForwardBlock { gamma, beta, ff })
    }

    /// f32 scratch: d + d_ff.
    pub fn scratch_len(&self) -> usize {
        self.ff.d().saturating_add(self.ff.d_ff())
    }

    fn check(&self, x: &[f32], scratch: &[f32]) -> Result<(), Error> {
        let d = self.ff.d().max(1);
        check_nonempty("x", x.len())?;
        if !x.len().is_multiple_of(d) {
            return Err(Error::ShapeMismatch {
                what: "x (a whole number of rows of length d)",
                expected: (x.len() / d + 1) * d,
                found: x.len(),
            });
        }
        if scratch.len() < self.scratch_len() {
            check_len("f32 scratch (d + d_ff)", self.scratch_len(), scratch.len())?;
        }
        check_finite("x", x)
    }

    fn run(&self, x: &[f32], scratch: &mut [f32], out: &mut [f32], op: Accum) -> Result<(), Error> {
        self.check(x, scratch)?;
        check_len("out", x.len(), out.len())?;
        if op != Accum::Write {
            check_finite("out", out)?;
        }
        let d = self.ff.d().max(1);
        let (ln, rest) = split_mut(scratch, d);
        let hidden = window_mut(rest, 0, self.ff.d_ff());
        for (xr, or) in rows(x, d).zip(rows_mut(out, d)) {
            layer_norm_row(xr, self.gamma, self.beta, ln);
            self.ff.row(ln, hidden, or, op);
        }
        Ok(())
    }

    /// out ← G(x).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for `x`, `out` or a short scratch, [`Error::Empty`] for an empty `x`, [`Error::NonFinite`] in `x`; `out` is untouched then.
    pub fn forward(&self, x: &[f32], scratch: &mut [f32], out: &mut [f32]) -> Result<(), Error> {
        self.run(x, scratch, out, Accum::Write)
    }

    /// out ← out + G(x).
    ///
    /// # Errors
    /// As [`FeedForwardBlock::forward`].
    pub fn forward_add(
        &self,
        x: &[f32],
        scratch: &mut [f32],
        out: &mut [f32],
    ) -> Result<(), Error> {
        self.run(x, scratch, out, Accum::Add)
    }

    /// x ← x + G(x), in place (each row is normalised into scratch first).
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty `x`; [`Error::ShapeMismatch`] if `x` is not whole rows of
    /// length d or `scratch` is shorter than [`FeedForwardBlock::scratch_len`];
    /// [`Error::NonFinite`] in `x`. On error `x` is untouched.
    pub fn residual_in_place(&self, x: &mut [f32], scratch: &mut [f32]) -> Result<(), Error> {
        self.check(x, scratch)?;
        let d = self.ff.d().max(1);
        let (ln, rest) = split_mut(scratch, d);
        let hidden = window_mut(rest, 0, self.ff.d_ff());
        for xr in x.chunks_exact_mut(d) {
            layer_norm_row(xr, self.gamma, self.beta, ln);
            self.ff.row(ln, hidden, xr, Accum::Add);
        }
        Ok(())
    }
}

/// Reversible residual block (Gomez et al. 2017, "The Reversible Residual
/// Network"; Reformer §3): with the activations split in two halves,
///
/// y₁ = x₁ + F(x₂),  y₂ = x₂ + G(y₁),  and exactly  x₂ = y₂ − G(y₁),  x₁ = y₁ − F(x₂),
///
/// F = pre-LN self-attention, G = pre-LN feed-forward. Because the inputs are
/// recomputed from the outputs, training a stack of L such blocks stores one
/// pair of `[n, d]` activations instead of L of them (saving (L − 1)·2·n·d
/// floats, plus every block's internal activations). Both directions work in
/// place on (x₁, x₂); scratch is that of F (G's d + d_ff fits inside it).
#[derive(Debug, Clone, Copy)]
pub struct ReversibleBlock<'a> {
    /// F: attention.
    pub f: SelfAttention<'a>,
    /// G: feed-forward.
    pub g: FeedForwardBlock<'a>,
}

impl ReversibleBlock<'_> {
    /// (f32, u32) scratch lengths for n positions.
    pub fn scratch_len(&self, n: usize) -> (usize, usize) {
        let (f, i) = self.f.scratch_len(n);
        (f.max(self.g.scratch_len()), i)
    }

    fn check(&self, x1: &[f32], x2: &[f32], f: &[f32]) -> Result<(), Error> {
        check_len("x2", x1.len(), x2.len())?;
        check_len("d of F and G", self.f.d(), self.g.ff.d())?;
        check_finite("x1", x1)?;
        check_finite("x2", x2)?;
        if f.len() < self.g.scratch_len() {
            check_len("f32 scratch", self.g.scratch_len(), f.len())?;
        }
        Ok(())
    }

    /// (x₁, x₂) ← (y₁, y₂) in place.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for `x₁`, `x₂` or the scratch, [`Error::Empty`] for an empty
    /// input, [`Error::NonFinite`] in the inputs; checked before anything is written.
    pub fn forward(
        &self,
        x1: &mut [f32],
        x2: &mut [f32],
        scratch: (&mut [u32], &mut [f32]),
    ) -> Result<(), Error> {
        self.check(x1, x2, scratch.1)?;
        self.f.forward_add(x2, (&mut *scratch.0, &mut *scratch.1), x1)?;
        self.g.run(x1, scratch.1, x2, Accum::Add)
    }

    /// (y₁, y₂) ← (x₁, x₂) in place: the exact algebraic inverse of
    /// [`ReversibleBlock::forward`] (in f32 up to rounding of the residual sums).
    ///
    /// # Errors
    /// As [`ReversibleBlock::forward`]: [`Error::ShapeMismatch`] for `y₁`, `y₂` or the scratch,
    /// [`Error::Empty`] for empty halves, [`Error::NonFinite`] in `y₁` or `y₂`.
    pub fn inverse(
        &self,
        y1: &mut [f32],
        y2: &mut [f32],
        scratch: (&mut [u32], &mut [f32]),
    ) -> Result<(), Error> {
        self.check(y1, y2, scratch.1)?;
        // G's checks are the same as F's; run G first so that y2 becomes x2.
        self.f.check_scratch(y1.len() / self.f.d().max(1), scratch.0, scratch.1)?;
        self.g.run(y1, scratch.1, y2, Accum::Sub)?;
        self.f.run(y2, scratch, y1, Accum::Sub)
    }
}

/// Sizes of a [`TransformerBlock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TransformerDims {
    /// Model width d.
    pub d: usize,
    /// Heads (dividing d).
    pub heads: usize,
    /// Hidden width of the feed-forward layer.
    pub d_ff: usize,
    /// Activation of the feed-forward layer.
    pub act: Activation,
}

/// A pre-LN transformer block (Xiong et al. 2020, "On Layer Normalization in
/// the Transformer Architecture"):
///
/// x ← x + Attn(LN₁(x)),  x ← x + FFN(LN₂(x)).
#[derive(Debug, Clone, Copy)]
pub struct TransformerBlock<'a> {
    /// The attention sub-layer.
    pub attn: SelfAttention<'a>,
    /// The feed-forward sub-layer.
    pub ffn: FeedForwardBlock<'a>,
}

impl<'a> TransformerBlock<'a> {
    /// Number of f32 parameters in a flat parameter block (saturating), in this order:
    /// γ₁, β₁ `[d]`, W_q, (W_k unless LSH), W_v, W_o `[d, d]`, γ₂, β₂ `[d]`,
    /// W₁ `[d_ff, d]`, b₁ `[d_ff]`, W₂ `[d, d_ff]`, b₂ `[d]`.
    pub const fn flat_len(dims: TransformerDims, shared_qk: bool) -> usize {
        let (d, f) = (dims.d, dims.d_ff);
        let proj = if shared_qk { 3 } else { 4 };
        // Saturating: an impossible size can never equal a slice length.
        d.saturating_mul(5)
            .saturating_add(d.saturating_mul(d).saturating_mul(proj))
            .saturating_add(d.saturating_mul(f).saturating_mul(2))
            .saturating_add(f)
    }

    /// f32 scratch of a block with full attention on `n` positions
    /// (saturating; it needs no u32 scratch): the larger of the attention's
    /// `4·n·d` and the feed-forward's `d + d_ff`. Sizes a [`super::Scratch`]
    /// at compile time; [`TransformerBlock::scratch_len`] gives any mode's.
    pub const fn full_scratch_len(dims: TransformerDims, n: usize) -> usize {
        let attn = n.saturating_mul(dims.d).saturating_mul(4);
        let ffn = dims.d.saturating_add(dims.d_ff);
        if attn > ffn {
            attn
        } else {
            ffn
        }
    }

    /// Borrows all weights from one flat f32 block (e.g. a `&'static` table in
    /// flash) laid out as [`TransformerBlock::flat_len`] describes.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for `params`, and those of the layers' constructors ([`SelfAttention::new`], [`FeedForward::new`](crate::nn::FeedForward::new), [`FeedForwardBlock::new`]).
    pub fn from_flat(
        params: &'a [f32],
        dims: TransformerDims,
        mode: AttentionMode<'a>,
    ) -> Result<Self, Error> {
        let shared = matches!(mode, AttentionMode::Lsh { .. });
        check_nonempty("d", dims.d)?;
        check_nonempty("d_ff", dims.d_ff)?;
        let need = Self::flat_len(dims, shared);
        check_len("transformer parameters", need, params.len())?;
        let (d, f) = (dims.d, dims.d_ff);
        let mut rest = params;
        let mut take = |k: usize| {
            let (a, b) = split(rest, k);
            rest = b;
            a
        };
        let w = AttentionWeights {
            gamma: take(d),
            beta: take(d),
            wq: take(d * d),
            wk: if shared { &[] } else { take(d * d) },
            wv: take(d * d),
            wo: take(d * d),
        };
        let (g2, b2n) = (take(d), take(d));
        let (w1, b1, w2, b2) = (take(f * d), take(f), take(d * f), take(d));
        let attn = SelfAttention::new(d, dims.heads, w, mode)?;
        let ff = FeedForward::new(w1, b1, w2, b2, d, dims.act)?;
        Ok(TransformerBlock { attn, ffn: FeedForwardBlock::new(g2, b2n, ff)? })
    }

    /// (f32, u32) scratch lengths for n positions.
    pub fn scratch_len(&self, n: usize) -> (usize, usize) {
        let (f, i) = self.attn.scratch_len(n);
        (f.max(self.ffn.scratch_len()), i)
    }

    /// x ← block(x) in place for x `[n, d]`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for `x` or the scratch, [`Error::Empty`] for an empty `x`,
    /// [`Error::NonFinite`] in `x`; checked before `x` is written.
    pub fn forward(&self, x: &mut [f32], scratch: (&mut [u32], &mut [f32])) -> Result<(), Error> {
        if scratch.1.len() < self.ffn.scratch_len() {
            check_len("f32 scratch", self.ffn.scratch_len(), scratch.1.len())?;
        }
        self.attn.residual_in_place(x, (&mut *scratch.0, &mut *scratch.1))?;
        self.ffn.residual_in_place(x, scratch.1)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::rng::Rng;
    use std::vec;
    use std::vec::Vec;

    fn normals(rng: &mut Rng, len: usize, scale: f32) -> Vec<f32> {
        (0..len).map(|_| rng.normal() * scale).collect()
    }

    const D: usize = 16;
    const N: usize = 32;
    const DFF: usize = 24;

    fn params(seed: u64, shared: bool) -> Vec<f32> {
        let dims = TransformerDims { d: D, heads: 2, d_ff: DFF, act: Activation::Gelu };
        let mut rng = Rng::new(seed);
        let mut p = normals(&mut rng, TransformerBlock::flat_len(dims, shared), 0.3);
        // γ near 1.
        p[..D].iter_mut().for_each(|g| *g += 1.0);
        p
    }

    fn lsh_mode(rot: &[f32]) -> AttentionMode<'_> {
        AttentionMode::Lsh {
            rotations: rot,
            config: LshConfig { rounds: 2, n_buckets: 4, bucket_size: 8, causal: false },
        }
    }

    #[test]
    fn reversible_inverse_recovers_inputs() {
        let dims = TransformerDims { d: D, heads: 2, d_ff: DFF, act: Activation::Gelu };
        let mut rng = Rng::new(3);
        let rot = normals(&mut rng, (D / 2) * 2 * 2, 1.0);
        for (seed, shared) in [(1u64, false), (2, true)] {
            let p = params(seed, shared);
            let mode = if shared { lsh_mode(&rot) } else { AttentionMode::Full { causal: true } };
            let t = TransformerBlock::from_flat(&p, dims, mode).unwrap();
            let rev = ReversibleBlock { f: t.attn, g: t.ffn };
            let (fl, il) = rev.scratch_len(N);
            let (mut fs, mut is) = (vec![0.0f32; fl], vec![0u32; il]);
            let x1 = normals(&mut rng, N * D, 1.0);
            let x2 = normals(&mut rng, N * D, 1.0);
            let (mut y1, mut y2) = (x1.clone(), x2.clone());
            rev.forward(&mut y1, &mut y2, (&mut is, &mut fs)).unwrap();
            // The block did something.
            assert!(y1.iter().zip(&x1).any(|(a, b)| (a - b).abs() > 1e-2));
            assert!(y2.iter().zip(&x2).any(|(a, b)| (a - b).abs() > 1e-2));
            // y1 = x1 + F(x2) as computed by the layer alone.
            let mut f = vec![0.0f32; N * D];
            rev.f.forward(&x2, (&mut is, &mut fs), &mut f).unwrap();
            for i in 0..N * D {
                assert_eq!(y1[i], x1[i] + f[i]);
            }
            rev.inverse(&mut y1, &mut y2, (&mut is, &mut fs)).unwrap();
            let scale = x1.iter().chain(&x2).fold(0.0f32, |m, v| m.max(v.abs()));
            for (a, b) in y1.iter().zip(&x1).chain(y2.iter().zip(&x2)) {
                assert!((a - b).abs() <= 1e-5 * scale, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn transformer_block_is_the_two_residuals() {
        let dims = TransformerDims { d: D, heads: 4, d_ff: DFF, act: Activation::Relu };
        let p = params(5, false);
        let t =
            TransformerBlock::from_flat(&p, dims, AttentionMode::Full { causal: false }).unwrap();
        let (fl, il) = t.scratch_len(N);
        let (mut fs, mut is) = (vec![0.0f32; fl], vec![0u32; il]);
        let mut rng = Rng::new(9);
        let x = normals(&mut rng, N * D, 1.0);
        let mut y = x.clone();
        t.forward(&mut y, (&mut is, &mut fs)).unwrap();
        let mut a = x.clone();
        t.attn.forward_add(&x, (&mut is, &mut fs), &mut a).unwrap();
        let mut b = a.clone();
        t.ffn.forward_add(&a, &mut fs, &mut b).unwrap();
        assert_eq!(y, b);
    }

    #[test]
    fn single_head_identity_projections_equal_sdpa_of_layernorm() {
        let d = 4;
        let n = 5;
        let mut eye = vec![0.0f32; d * d];
        (0..d).for_each(|i| eye[i * d + i] = 1.0);
        let ones = vec![1.0f32; d];
        let zeros = vec![0.0f32; d];
        let w =
            AttentionWeights { gamma: &ones, beta: &zeros, wq: &eye, wk: &eye, wv: &eye, wo: &eye };
        let att = SelfAttention::new(d, 1, w, AttentionMode::Full { causal: true }).unwrap();
        let mut rng = Rng::new(4);
        let x = normals(&mut rng, n * d, 1.0);
        let mut ln = vec![0.0f32; n * d];
        crate::nn::layer_norm(&x, d, &ones, &zeros, &mut ln).unwrap();
        let mut want = vec![0.0f32; n * d];
        sdpa(&ln, &ln, &ln, SdpaShape { heads: 1, n, m: n, d, dv: d }, true, &mut want).unwrap();
        let mut got = vec![0.0f32; n * d];
        att.forward(&x, (&mut [], &mut vec![0.0; 4 * n * d]), &mut got).unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn bad_inputs_are_errors() {
        let dims = TransformerDims { d: D, heads: 2, d_ff: DFF, act: Activation::Gelu };
        let p = params(1, false);
        assert!(matches!(
            TransformerBlock::from_flat(&p[1..], dims, AttentionMode::Full { causal: false }),
            Err(Error::ShapeMismatch { .. })
        ));
        let bad_heads = TransformerDims { heads: 3, ..dims };
        assert!(matches!(
            TransformerBlock::from_flat(&p, bad_heads, AttentionMode::Full { causal: false }),
            Err(Error::InvalidArgument { what: "heads", .. })
        ));
        let mut q = p.clone();
        q[40] = f32::NAN;
        assert!(matches!(
            TransformerBlock::from_flat(&q, dims, AttentionMode::Full { causal: false }),
            Err(Error::NonFinite { .. })
        ));
        let t =
            TransformerBlock::from_flat(&p, dims, AttentionMode::Full { causal: false }).unwrap();
        let (fl, _) = t.scratch_len(N);
        let mut fs = vec![0.0f32; fl];
        let mut x = vec![0.5f32; N * D];
        assert!(matches!(
            t.forward(&mut x, (&mut [], &mut fs[..fl - 1])),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            t.forward(&mut x[..N * D - 1], (&mut [], &mut fs)),
            Err(Error::ShapeMismatch { .. })
        ));
        x[7] = f32::INFINITY;
        assert!(matches!(
            t.forward(&mut x, (&mut [], &mut fs)),
            Err(Error::NonFinite { what: "x", index: 7 })
        ));
        assert_eq!(x[0], 0.5);
        // LSH: n must be a multiple of the bucket size; wk must be empty.
        let mut rng = Rng::new(3);
        let rot = normals(&mut rng, (D / 2) * 2 * 2, 1.0);
        let ps = params(1, true);
        let t = TransformerBlock::from_flat(&ps, dims, lsh_mode(&rot)).unwrap();
        let (fl, il) = t.scratch_len(N);
        let (mut fs, mut is) = (vec![0.0f32; fl], vec![0u32; il]);
        let mut x = vec![0.5f32; 12 * D];
        assert!(matches!(
            t.forward(&mut x, (&mut is, &mut fs)),
            Err(Error::InvalidArgument { what: "bucket_size", .. })
        ));
        let mut x = vec![0.5f32; N * D];
        assert!(matches!(
            t.forward(&mut x, (&mut is[..il - 1], &mut fs)),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            TransformerBlock::from_flat(&p, dims, lsh_mode(&rot)),
            Err(Error::ShapeMismatch { .. })
        ));
        let rev = ReversibleBlock { f: t.attn, g: t.ffn };
        let mut x1 = vec![0.5f32; N * D];
        let mut x2 = vec![0.5f32; N * D - 1];
        assert!(rev.forward(&mut x1, &mut x2, (&mut is, &mut fs)).is_err());
        assert_eq!(x1[0], 0.5);
    }
}
