//! Layer normalisation (Ba, Kiros & Hinton 2016, "Layer Normalization"):
//!
//! y_i = γ_i · (x_i − μ) / √(σ² + ε) + β_i, with μ = (1/d) Σ x_i,
//! σ² = (1/d) Σ (x_i − μ)² (the biased variance, as PyTorch's `nn.LayerNorm`)
//! and ε = 10⁻⁵ ([`LAYER_NORM_EPS`]).
//!
//! Both sums use the crate's fixed 8-lane order ([`crate::linalg::dot`]), so
//! results are bit-identical on every target. No scratch: the centred row is
//! built in `out` and scaled there.

use crate::error::{check_finite, check_len, check_nonempty, check_rows, Error};
use crate::linalg::dot_unchecked;
use crate::math;
use crate::slices::{rows, rows_mut};

/// ε of [`layer_norm`], as in PyTorch's default.
pub const LAYER_NORM_EPS: f32 = 1e-5;

/// Σ x_i in the fixed 8-lane order of [`crate::linalg::dot`] (equal to
/// `dot(x, ones)` bit for bit, because x·1 is exact).
pub(crate) fn sum_fixed(x: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let chunks = x.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += *v;
        }
    }
    for (a, v) in acc.iter_mut().zip(tail) {
        *a += *v;
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

/// Normalises one row; lengths are checked by the callers.
pub(crate) fn layer_norm_row(x: &[f32], gamma: &[f32], beta: &[f32], out: &mut [f32]) {
    let d = x.len() as f32;
    let mean = sum_fixed(x) / d;
    for (o, &v) in out.iter_mut().zip(x) {
        *o = v - mean;
    }
    let var = dot_unchecked(out, out) / d;
    let inv = 1.0 / math::sqrt(var + LAYER_NORM_EPS);
    for ((o, &g), &b) in out.iter_mut().zip(gamma).zip(beta) {
        *o = *o * inv * g + b;
    }
}

fn check_args(x: &[f32], d: usize, gamma: &[f32], beta: &[f32]) -> Result<(), Error> {
    check_nonempty("d", d)?;
    check_rows(x, d)?;
    check_len("gamma", d, gamma.len())?;
    check_len("beta", d, beta.len())?;
    check_finite("x", x)?;
    check_finite("gamma", gamma)?;
    check_finite("beta", beta)
}

/// out ← LayerNorm(x) over each row of length `d` of a row-major `x` ([n, d]).
///
/// # Errors
/// [`Error::Empty`] for `d == 0` or empty `x`, [`Error::ShapeMismatch`]
/// if `x` is not a whole number of rows, `gamma`/`beta` are not of length `d`
/// or `out.len() != x.len()`, [`Error::NonFinite`] for NaN/∞ in any input.
/// On error `out` is untouched. Scratch: none.
/// ```
/// let mut y = [0.0; 2];
/// plasticore::nn::layer_norm(&[1.0, 3.0], 2, &[1.0, 1.0], &[0.0, 0.0], &mut y).unwrap();
/// assert!((y[0] + 1.0).abs() < 1e-4 && (y[1] - 1.0).abs() < 1e-4);
/// ```
pub fn layer_norm(
    x: &[f32],
    d: usize,
    gamma: &[f32],
    beta: &[f32],
    out: &mut [f32],
) -> Result<(), Error> {
    check_args(x, d, gamma, beta)?;
    check_len("out", x.len(), out.len())?;
    for (xr, or) in rows(x, d).zip(rows_mut(out, d)) {
        layer_norm_row(xr, gamma, beta, or);
    }
    Ok(())
}

/// x ← LayerNorm(x) row by row, in place (see [`layer_norm`]); on error `x` is untouched.
///
/// # Errors
/// As [`layer_norm`]: [`Error::Empty`] for `d == 0` or an empty `x`; [`Error::ShapeMismatch`]
/// for γ or β not of length d, or `x` not whole rows; [`Error::NonFinite`] in `x`, γ or β.
pub fn layer_norm_in_place(
    x: &mut [f32],
    d: usize,
    gamma: &[f32],
    beta: &[f32],
) -> Result<(), Error> {
    check_args(x, d, gamma, beta)?;
    let n = d as f32;
    for xr in x.chunks_exact_mut(d.max(1)) {
        // Same arithmetic, same order as `layer_norm_row`: centre, then scale.
        let mean = sum_fixed(xr) / n;
        xr.iter_mut().for_each(|v| *v -= mean);
        let var = dot_unchecked(xr, xr) / n;
        let inv = 1.0 / math::sqrt(var + LAYER_NORM_EPS);
        for ((o, &g), &b) in xr.iter_mut().zip(gamma).zip(beta) {
            *o = *o * inv * g + b;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use proptest::prelude::*;

    fn reference(x: &[f32], g: &[f32], b: &[f32]) -> [f64; 16] {
        let d = x.len();
        let mean = x.iter().map(|&v| v as f64).sum::<f64>() / d as f64;
        let var = x.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / d as f64;
        let mut out = [0.0; 16];
        for i in 0..d {
            out[i] = g[i] as f64 * (x[i] as f64 - mean) / (var + 1e-5).sqrt() + b[i] as f64;
        }
        out
    }

    #[test]
    fn matches_f64_reference() {
        let mut rng = Rng::new(1);
        let (n, d) = (3, 13);
        let mut x = [0.0f32; 39];
        let mut g = [0.0f32; 13];
        let mut b = [0.0f32; 13];
        rng.fill_normal(&mut x);
        rng.fill_normal(&mut g);
        rng.fill_normal(&mut b);
        x.iter_mut().for_each(|v| *v = *v * 3.0 + 2.0);
        let mut y = [0.0f32; 39];
        layer_norm(&x, d, &g, &b, &mut y).unwrap();
        for r in 0..n {
            let want = reference(&x[r * d..(r + 1) * d], &g, &b);
            for i in 0..d {
                let (a, w) = (y[r * d + i] as f64, want[i]);
                assert!((a - w).abs() <= 1e-5 * (1.0 + w.abs()), "{a} vs {w}");
            }
        }
        let mut z = x;
        layer_norm_in_place(&mut z, d, &g, &b).unwrap();
        assert_eq!(z, y, "in-place equals out-of-place bit for bit");
    }

    #[test]
    fn constant_row_gives_beta() {
        let mut y = [9.0; 4];
        layer_norm(&[5.0; 4], 4, &[2.0; 4], &[0.5, -1.0, 0.0, 3.0], &mut y).unwrap();
        assert_eq!(y, [0.5, -1.0, 0.0, 3.0]);
    }

    #[test]
    fn bad_inputs_are_errors_and_leave_out_untouched() {
        let mut y = [7.0; 4];
        let g = [1.0; 2];
        assert_eq!(layer_norm(&[1.0; 4], 0, &g, &g, &mut y), Err(Error::Empty { what: "d" }));
        assert_eq!(layer_norm(&[], 2, &g, &g, &mut []), Err(Error::Empty { what: "x" }));
        assert!(matches!(
            layer_norm(&[1.0; 3], 2, &g, &g, &mut y[..3]),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            layer_norm(&[1.0; 4], 2, &[1.0; 3], &g, &mut y),
            Err(Error::ShapeMismatch { what: "gamma", .. })
        ));
        assert!(matches!(
            layer_norm(&[1.0; 4], 2, &g, &[0.0], &mut y),
            Err(Error::ShapeMismatch { what: "beta", .. })
        ));
        assert!(matches!(
            layer_norm(&[1.0; 4], 2, &g, &g, &mut y[..2]),
            Err(Error::ShapeMismatch { what: "out", .. })
        ));
        assert_eq!(
            layer_norm(&[1.0, f32::NAN, 0.0, 0.0], 2, &g, &g, &mut y),
            Err(Error::NonFinite { what: "x", index: 1 })
        );
        assert_eq!(
            layer_norm(&[1.0; 4], 2, &[1.0, f32::INFINITY], &g, &mut y),
            Err(Error::NonFinite { what: "gamma", index: 1 })
        );
        assert_eq!(y, [7.0; 4]);
        let mut x = [1.0, f32::NAN];
        assert!(layer_norm_in_place(&mut x, 2, &g, &g).is_err());
        assert_eq!(x[0], 1.0);
    }

    proptest! {
        #[test]
        fn zero_mean_unit_variance(v in proptest::collection::vec(-100.0f32..100.0, 2..80)) {
            let d = v.len();
            let ones = [1.0f32; 80];
            let zeros = [0.0f32; 80];
            let mut y = [0.0f32; 80];
            layer_norm(&v, d, &ones[..d], &zeros[..d], &mut y[..d]).unwrap();
            let mean: f64 = y[..d].iter().map(|&a| a as f64).sum::<f64>() / d as f64;
            let var: f64 = y[..d].iter().map(|&a| (a as f64 - mean).powi(2)).sum::<f64>() / d as f64;
            prop_assert!(mean.abs() < 1e-4);
            // var/(var+eps) ≤ 1: the output variance is at most 1.
            prop_assert!(var < 1.0 + 1e-4);
            let mut z = v.clone();
            layer_norm_in_place(&mut z, d, &ones[..d], &zeros[..d]).unwrap();
            prop_assert_eq!(&z[..], &y[..d]);
        }
    }
}
