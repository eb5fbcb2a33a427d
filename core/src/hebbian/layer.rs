//! A plastic layer with compile-time sizes: `y = act(W x)` with `W` `[OUT, IN]`
//! and no bias, updated by a Hebbian rule (Najarro & Risi 2020).

use super::rule::{update_unchecked, Coeffs, Norm};
use crate::error::{check_finite, check_len, Error};
use crate::linalg::dot_unchecked;
pub use crate::nn::Activation;
use crate::rng::Rng;

/// Initial weights are drawn from U(−INIT_RANGE, INIT_RANGE) at every episode start.
pub const INIT_RANGE: f32 = 0.1;

/// `out[j] = act(Σ_i W[j, i]·x[i])` for `W` `[out.len(), x.len()]` row-major, in
/// the crate's fixed summation order. Lengths are the caller's invariant.
#[inline]
pub(crate) fn forward_unchecked(w: &[f32], x: &[f32], out: &mut [f32], act: Activation) {
    if x.is_empty() {
        return;
    }
    for (o, row) in out.iter_mut().zip(w.chunks_exact(x.len())) {
        *o = dot_unchecked(row, x);
    }
    act.apply_slice(out);
}

/// A bias-free plastic layer `IN → OUT`; only the weights (`4·IN·OUT` bytes) need RAM.
#[derive(Debug, Clone, PartialEq)]
pub struct PlasticLayer<const IN: usize, const OUT: usize> {
    /// Weights, `w[j][i]` from input `i` to output `j`.
    pub w: [[f32; IN]; OUT],
}

impl<const IN: usize, const OUT: usize> Default for PlasticLayer<IN, OUT> {
    fn default() -> Self {
        Self::zeros()
    }
}

impl<const IN: usize, const OUT: usize> PlasticLayer<IN, OUT> {
    /// All-zero weights.
    pub const fn zeros() -> Self {
        PlasticLayer { w: [[0.0; IN]; OUT] }
    }

    /// Draws every weight from U(−0.1, 0.1), row by row.
    pub fn randomize(&mut self, rng: &mut Rng) {
        rng.fill_uniform(self.w.as_flattened_mut(), -INIT_RANGE, INIT_RANGE);
    }

    /// The weights as one `[OUT, IN]` row-major slice.
    pub fn weights(&self) -> &[f32] {
        self.w.as_flattened()
    }

    /// `y = act(W x)`.
    pub fn forward(&self, x: &[f32; IN], y: &mut [f32; OUT], act: Activation) {
        forward_unchecked(self.w.as_flattened(), x, y, act);
    }

    /// One Hebbian step on this step's activations, then `norm` (see [`super::update`]).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if `coeffs` is not for an `OUT × IN` layer,
    /// [`Error::NonFinite`] in `pre`/`post`, invalid `norm`; weights unchanged then.
    pub fn update(
        &mut self,
        pre: &[f32; IN],
        post: &[f32; OUT],
        coeffs: &Coeffs<'_>,
        norm: Norm,
    ) -> Result<(), Error> {
        check_len("coeffs inputs", IN, coeffs.inputs())?;
        check_len("coeffs outputs", OUT, coeffs.outputs())?;
        check_finite("pre", pre)?;
        check_finite("post", post)?;
        norm.validate()?;
        let w = self.w.as_flattened_mut();
        update_unchecked(w, pre, post, coeffs.data(), coeffs.rule(), coeffs.sharing());
        norm.apply(w);
        Ok(())
    }
}
