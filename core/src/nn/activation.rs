//! Pointwise activations: the one [`Activation`] every layer of the crate
//! takes (the feed-forward and transformer blocks, the plastic and static
//! Hebbian networks; `hebbian::Activation` is this type).
//!
//! - linear: y = x;
//! - tanh: [`crate::math::tanh`] (libm);
//! - ReLU: relu(x) = max(x, 0) (Nair & Hinton 2010).
//! - GELU, exact erf form (Hendrycks & Gimpel 2016, "Gaussian Error Linear
//!   Units"): gelu(x) = x · Φ(x) = ½ x (1 + erf(x / √2)), as PyTorch's
//!   `nn.GELU()` with `approximate='none'`. `erf` is [`crate::math::erf`] (libm in both modes).

use crate::error::{check_finite, Error};
use crate::math;

/// Which activation a layer applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Activation {
    /// y = x.
    Linear,
    /// y = tanh x.
    Tanh,
    /// max(x, 0).
    Relu,
    /// ½ x (1 + erf(x/√2)).
    Gelu,
}

impl Activation {
    /// Stable id (coefficient blobs of plastic and static networks):
    /// 0 linear, 1 tanh, 2 ReLU, 3 GELU.
    pub const fn id(self) -> u8 {
        match self {
            Activation::Linear => 0,
            Activation::Tanh => 1,
            Activation::Relu => 2,
            Activation::Gelu => 3,
        }
    }

    /// Inverse of [`Activation::id`]; errors on an unknown id.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `id > 3`.
    pub fn from_id(id: u8) -> Result<Self, Error> {
        match id {
            0 => Ok(Activation::Linear),
            1 => Ok(Activation::Tanh),
            2 => Ok(Activation::Relu),
            3 => Ok(Activation::Gelu),
            _ => Err(Error::InvalidArgument {
                what: "activation id",
                expected: "0 (linear), 1 (tanh), 2 (ReLU) or 3 (GELU)",
            }),
        }
    }

    /// The activation of one value.
    #[inline]
    pub fn apply(self, x: f32) -> f32 {
        match self {
            Activation::Linear => x,
            Activation::Tanh => math::tanh(x),
            Activation::Relu => relu(x),
            Activation::Gelu => gelu(x),
        }
    }

    /// x ← act(x) elementwise, no checks (the layers check their inputs once).
    #[inline]
    pub(crate) fn apply_slice(self, x: &mut [f32]) {
        match self {
            Activation::Linear => {}
            Activation::Tanh => x.iter_mut().for_each(|v| *v = math::tanh(*v)),
            Activation::Relu => x.iter_mut().for_each(|v| *v = relu(*v)),
            Activation::Gelu => x.iter_mut().for_each(|v| *v = gelu(*v)),
        }
    }

    /// x ← act(x) elementwise.
    ///
    /// # Errors
    /// [`Error::NonFinite`] for NaN/∞ (then `x` is untouched).
    pub fn apply_in_place(self, x: &mut [f32]) -> Result<(), Error> {
        check_finite("x", x)?;
        self.apply_slice(x);
        Ok(())
    }
}

/// relu(x) = max(x, 0); relu(−0) = 0.
#[inline]
pub fn relu(x: f32) -> f32 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

/// gelu(x) = ½ x (1 + erf(x/√2)).
///
/// ```
/// assert!((plasticore::nn::gelu(1.0) - 0.841_344_7).abs() < 1e-6);
/// ```
#[inline]
pub fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + math::erf(x * core::f32::consts::FRAC_1_SQRT_2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_unknown_ids_are_errors() {
        for a in [Activation::Linear, Activation::Tanh, Activation::Relu, Activation::Gelu] {
            assert_eq!(Activation::from_id(a.id()), Ok(a));
        }
        assert!(Activation::from_id(4).is_err());
        // Closed forms: linear is the identity, tanh(atanh(0.5)) = 0.5.
        assert_eq!(Activation::Linear.apply(-1.25), -1.25);
        assert!((Activation::Tanh.apply(0.549_306_15) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn gelu_matches_closed_form() {
        // Φ(x) values from the standard normal table (f64 erf).
        for &(x, want) in &[
            (0.0f32, 0.0f64),
            (1.0, 0.841_344_746_068_543),
            (-1.0, -0.158_655_253_931_457),
            (2.5, 2.484_475_836_685_56),
            (-3.0, -0.004_049_694_094_89),
        ] {
            assert!(((gelu(x) as f64) - want).abs() < 2e-6, "gelu({x}) = {}", gelu(x));
        }
        assert_eq!(gelu(20.0), 20.0);
        assert_eq!(gelu(-20.0), 0.0);
    }

    #[test]
    fn relu_and_slices() {
        assert_eq!(relu(-1.0), 0.0);
        assert_eq!(relu(2.0), 2.0);
        let mut x = [-1.0, 0.5, f32::NAN];
        assert_eq!(
            Activation::Relu.apply_in_place(&mut x),
            Err(Error::NonFinite { what: "x", index: 2 })
        );
        assert_eq!(x[0], -1.0);
        let mut y = [-1.0, 0.5];
        Activation::Relu.apply_in_place(&mut y).unwrap();
        assert_eq!(y, [0.0, 0.5]);
        Activation::Gelu.apply_in_place(&mut y).unwrap();
        assert_eq!(y, [0.0, gelu(0.5)]);
    }
}
