//! Attention: scaled dot-product (single- and multi-head), Reformer LSH
//! attention, a reversible residual block and a pre-LN transformer block.
//!
//! Every kernel streams its softmax (Milakov & Gimelshein 2018, "Online
//! normalizer calculation for softmax"; the same recurrence as
//! FlashAttention, Dao et al. 2022): a query keeps a running maximum `m`, a
//! running normaliser `l` and an unnormalised output accumulator `acc` (which
//! lives in the query's output row). A new logit `s` with value row `v` does
//!
//! ```text
//! if s > m:  c = e^(m − s);  l ← l·c + 1;        acc ← acc·c + v;   m ← s
//! else:      p = e^(s − m);  l ← l + p;          acc ← acc + p·v
//! ```
//!
//! and at the end `out = acc / l`. No N×N score matrix is ever formed. All
//! dot products go through the crate's fixed-order [`crate::linalg::dot`], and
//! `exp` is [`crate::math::exp`], so results are bit-identical on x86-64 and
//! Cortex-M4F.
//!
//! Scratch per kernel (f32 unless noted; h heads, n queries, m keys, d key
//! width, dv value width, R hash rounds, b buckets):
//!
//! | kernel | scratch |
//! |---|---|
//! | [`sdpa`] | none (the dv accumulator is the output row; O(1) scalars per query) |
//! | [`lsh_attention`] | f32: [`lsh_f32_scratch_len`] = 3·n; u32: [`lsh_index_scratch_len`] = R·n + n + b |
//! | [`SelfAttention`] (full) | f32: 4·n·d_model |
//! | [`SelfAttention`] (LSH) | f32: 3·n·d_model + 3·n; u32: R·n + n + b |
//! | [`FeedForwardBlock`] | f32: d_model + d_ff |
//!
//! Scratch is reused across heads.

pub mod blob;
mod block;
mod lsh;
mod sdpa;

pub use blob::TransformerSpec;
pub use block::{
    AttentionMode, AttentionWeights, FeedForwardBlock, ReversibleBlock, SelfAttention,
    TransformerBlock, TransformerDims,
};
pub use lsh::{
    lsh_attention, lsh_f32_scratch_len, lsh_index_scratch_len, shared_qk_attention, LshConfig,
    LshShape, LSH_SELF_LOGIT,
};
pub use sdpa::{sdpa, SdpaShape};

use crate::error::Error;
use crate::math;

/// Fixed-size scratch for firmware: `F` f32 and `I` u32 words whose sizes are
/// compile-time facts, sized with the `const fn`s of this module. Lives on the
/// stack or in a `static` cell; hands out the `(u32, f32)` slices the kernels take.
///
/// ```
/// use plasticore::attention::{lsh_f32_scratch_len, lsh_index_scratch_len, Scratch};
/// const N: usize = 128;
/// let mut s: Scratch<{ lsh_f32_scratch_len(N) }, { lsh_index_scratch_len(N, 2, 8) }> =
///     Scratch::new();
/// let (idx, f) = s.parts();
/// assert_eq!((idx.len(), f.len()), (2 * 128 + 128 + 8, 3 * 128));
/// ```
#[derive(Debug, Clone)]
pub struct Scratch<const F: usize, const I: usize> {
    f: [f32; F],
    idx: [u32; I],
}

impl<const F: usize, const I: usize> Scratch<F, I> {
    /// Zeroed scratch (a `const fn`, so it can initialise a `static`).
    pub const fn new() -> Self {
        Scratch { f: [0.0; F], idx: [0; I] }
    }

    /// The (u32, f32) slices, in the order the kernels take them.
    pub fn parts(&mut self) -> (&mut [u32], &mut [f32]) {
        (&mut self.idx, &mut self.f)
    }
}

impl<const F: usize, const I: usize> Default for Scratch<F, I> {
    fn default() -> Self {
        Self::new()
    }
}

/// State of one query's streaming softmax (see the module docs).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Online {
    pub(crate) m: f32,
    pub(crate) l: f32,
}

impl Online {
    /// The empty state: m = −∞, l = 0 (the accumulator must be zero).
    pub(crate) const EMPTY: Online = Online { m: f32::NEG_INFINITY, l: 0.0 };

    /// Folds in logit `s` with value row `v`.
    #[inline]
    pub(crate) fn push(&mut self, s: f32, v: &[f32], acc: &mut [f32]) {
        if s > self.m {
            let c = math::exp(self.m - s);
            self.l = self.l * c + 1.0;
            for (a, &x) in acc.iter_mut().zip(v) {
                *a = *a * c + x;
            }
            self.m = s;
        } else {
            let p = math::exp(s - self.m);
            self.l += p;
            for (a, &x) in acc.iter_mut().zip(v) {
                *a += p * x;
            }
        }
    }

    /// acc ← acc / l (l ≥ 1 once anything was pushed; an empty state leaves acc at 0).
    #[inline]
    pub(crate) fn finish(&self, acc: &mut [f32]) {
        if self.l > 0.0 {
            let inv = 1.0 / self.l;
            acc.iter_mut().for_each(|a| *a *= inv);
        }
    }
}

/// a·b for caller sizes, as [`Error::InvalidArgument`] on overflow.
pub(crate) fn mul(what: &'static str, a: usize, b: usize) -> Result<usize, Error> {
    a.checked_mul(b).ok_or(Error::InvalidArgument { what, expected: "a size that fits in usize" })
}

/// Test tolerance (relative, with a floor of 1 in the scale): 1e-5, or ten
/// times the documented error of `exp` if that were larger.
#[cfg(test)]
pub(crate) fn test_tol() -> f64 {
    (1e-5f64).max(10.0 * crate::math::EXP_MAX_REL_ERR as f64)
}
