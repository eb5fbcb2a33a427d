//! Position-wise feed-forward layer of the Transformer (Vaswani et al. 2017, §3.3):
//!
//! FFN(x) = W₂ · act(W₁ x + b₁) + b₂, with W₁: [d_ff, d], W₂: [d, d_ff] stored
//! row-major in the PyTorch `nn.Linear` convention (weight[out, in]), so each
//! output is one [`crate::linalg::dot`] of a weight row with the input (fixed
//! order, bit-identical on every target).
//!
//! Scratch: `d_ff` floats for the hidden activation ([`FeedForward::scratch_len`]).

use super::activation::Activation;
use crate::error::{check_finite, check_len, check_nonempty, Error};
use crate::linalg::dot_unchecked;
use crate::slices::{rows, rows_mut, window_mut};

/// How a layer writes its result into `out`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accum {
    /// out ← v
    Write,
    /// out ← out + v (a residual connection)
    Add,
    /// out ← out − v (undoing a residual connection)
    Sub,
}

impl Accum {
    #[inline]
    pub(crate) fn apply(self, o: &mut f32, v: f32) {
        match self {
            Accum::Write => *o = v,
            Accum::Add => *o += v,
            Accum::Sub => *o -= v,
        }
    }
}

/// Borrowed, validated weights of a feed-forward layer (they may live in flash).
#[derive(Debug, Clone, Copy)]
pub struct FeedForward<'a> {
    w1: &'a [f32],
    b1: &'a [f32],
    w2: &'a [f32],
    b2: &'a [f32],
    d: usize,
    d_ff: usize,
    act: Activation,
}

impl<'a> FeedForward<'a> {
    /// Wraps weights W₁ `[d_ff, d]`, b₁ `[d_ff]`, W₂ `[d, d_ff]`, b₂ `[d]` (row-major).
    ///
    /// # Errors
    /// [`Error::Empty`] for `d == 0` or `d_ff == 0`,
    /// [`Error::ShapeMismatch`] for a wrong length, [`Error::NonFinite`] for NaN/∞.
    pub fn new(
        w1: &'a [f32],
        b1: &'a [f32],
        w2: &'a [f32],
        b2: &'a [f32],
        d: usize,
        act: Activation,
    ) -> Result<Self, Error> {
        check_nonempty("d", d)?;
        let d_ff = b1.len();
        check_nonempty("b1 (d_ff)", d_ff)?;
        let dd = d_ff.checked_mul(d).ok_or(Error::InvalidArgument {
            what: "d * d_ff",
            expected: "a size that fits in usize",
        })?;
        check_len("w1 ([d_ff, d])", dd, w1.len())?;
        check_len("w2 ([d, d_ff])", dd, w2.len())?;
        check_len("b2", d, b2.len())?;
        check_finite("w1", w1)?;
        check_finite("b1", b1)?;
        check_finite("w2", w2)?;
        check_finite("b2", b2)?;
        Ok(FeedForward { w1, b1, w2, b2, d, d_ff, act })
    }

    /// Model width d.
    pub fn d(&self) -> usize {
        self.d
    }

    /// Hidden width d_ff.
    pub fn d_ff(&self) -> usize {
        self.d_ff
    }

    /// Floats of scratch [`FeedForward::forward`] needs: d_ff.
    pub fn scratch_len(&self) -> usize {
        self.d_ff
    }

    /// One row, lengths already checked: out ← / += / −= FFN(x).
    pub(crate) fn row(&self, x: &[f32], hidden: &mut [f32], out: &mut [f32], op: Accum) {
        // d, d_ff ≥ 1 (checked by `new`); `max` keeps chunks_exact panic-free.
        for ((h, w), &b) in hidden.iter_mut().zip(self.w1.chunks_exact(self.d.max(1))).zip(self.b1)
        {
            *h = dot_unchecked(w, x) + b;
        }
        self.act.apply_slice(hidden);
        for ((o, w), &b) in out.iter_mut().zip(self.w2.chunks_exact(self.d_ff.max(1))).zip(self.b2)
        {
            let v = dot_unchecked(w, hidden) + b;
            op.apply(o, v);
        }
    }

    fn check(&self, x: &[f32], scratch: &[f32], out: &[f32]) -> Result<(), Error> {
        crate::error::check_rows(x, self.d)?;
        check_len("out", x.len(), out.len())?;
        if scratch.len() < self.d_ff {
            check_len("scratch (d_ff)", self.d_ff, scratch.len())?;
        }
        check_finite("x", x)
    }

    /// out ← FFN(x) for each row of a row-major `x` ([n, d]); `scratch` holds
    /// at least d_ff floats.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] (x not whole rows, `out` length,
    /// scratch too short), [`Error::Empty`], [`Error::NonFinite`] in `x`.
    /// On error `out` is untouched.
    pub fn forward(&self, x: &[f32], scratch: &mut [f32], out: &mut [f32]) -> Result<(), Error> {
        self.check(x, scratch, out)?;
        let hidden = window_mut(scratch, 0, self.d_ff);
        for (xr, or) in rows(x, self.d).zip(rows_mut(out, self.d)) {
            self.row(xr, hidden, or, Accum::Write);
        }
        Ok(())
    }

    /// out ← out + FFN(x) (a residual connection), same checks as [`FeedForward::forward`].
    ///
    /// # Errors
    /// As [`FeedForward::forward`], and [`Error::NonFinite`] in `out`.
    pub fn forward_add(
        &self,
        x: &[f32],
        scratch: &mut [f32],
        out: &mut [f32],
    ) -> Result<(), Error> {
        self.check(x, scratch, out)?;
        check_finite("out", out)?;
        let hidden = window_mut(scratch, 0, self.d_ff);
        for (xr, or) in rows(x, self.d).zip(rows_mut(out, self.d)) {
            self.row(xr, hidden, or, Accum::Add);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::gelu;

    #[test]
    fn matches_hand_computation() {
        // d = 2, d_ff = 3.
        let w1 = [1.0, 0.0, 0.0, 1.0, 1.0, -1.0];
        let b1 = [0.0, -0.5, 0.25];
        let w2 = [1.0, 2.0, 3.0, -1.0, 0.0, 1.0];
        let b2 = [0.5, -0.5];
        let x = [1.0, 2.0, -1.0, 0.5];
        let mut s = [0.0; 3];
        let mut y = [0.0; 4];
        let ff = FeedForward::new(&w1, &b1, &w2, &b2, 2, Activation::Relu).unwrap();
        ff.forward(&x, &mut s, &mut y).unwrap();
        // row 0: h = relu([1, 1.5, -0.75]) = [1, 1.5, 0]; y = [1 + 3 + 0 + .5, -1 + 0 + 0 - .5]
        // row 1: h = relu([-1, 0, -1.25]) = [0, 0, 0]; y = b2
        assert_eq!(y, [4.5, -1.5, 0.5, -0.5]);
        let ff = FeedForward::new(&w1, &b1, &w2, &b2, 2, Activation::Gelu).unwrap();
        ff.forward(&x[..2], &mut s, &mut y[..2]).unwrap();
        let h = [gelu(1.0), gelu(1.5), gelu(-0.75)];
        assert!((y[0] - (h[0] + 2.0 * h[1] + 3.0 * h[2] + 0.5)).abs() < 1e-6);
        let mut z = [1.0, 1.0];
        ff.forward_add(&x[..2], &mut s, &mut z).unwrap();
        assert_eq!(z[0], 1.0 + y[0]);
    }

    #[test]
    fn bad_shapes_are_errors() {
        let w = [0.0; 6];
        assert!(FeedForward::new(&w, &[0.0; 3], &w, &[0.0; 2], 0, Activation::Relu).is_err());
        assert!(FeedForward::new(&w[..5], &[0.0; 3], &w, &[0.0; 2], 2, Activation::Relu).is_err());
        assert!(FeedForward::new(&w, &[0.0; 3], &w, &[0.0; 3], 2, Activation::Relu).is_err());
        let bad = [0.0, f32::NAN, 0.0, 0.0, 0.0, 0.0];
        assert!(matches!(
            FeedForward::new(&w, &[0.0; 3], &bad, &[0.0; 2], 2, Activation::Relu),
            Err(Error::NonFinite { what: "w2", index: 1 })
        ));
        let ff = FeedForward::new(&w, &[0.0; 3], &w, &[0.0; 2], 2, Activation::Relu).unwrap();
        let mut out = [5.0; 4];
        assert!(ff.forward(&[0.0; 3], &mut [0.0; 3], &mut out[..3]).is_err());
        assert!(ff.forward(&[0.0; 4], &mut [0.0; 2], &mut out).is_err());
        assert!(ff.forward(&[0.0; 4], &mut [0.0; 3], &mut out[..2]).is_err());
        assert!(ff.forward(&[0.0, f32::INFINITY, 0.0, 0.0], &mut [0.0; 3], &mut out).is_err());
        assert_eq!(out, [5.0; 4]);
    }
}
