//! Numerically stable softmax: softmax(x)_i = e^{x_i − m} / Σ_j e^{x_j − m}, m = max_j x_j.
//!
//! Non-finite inputs, as documented and tested:
//! - NaN or +∞ anywhere in `x` → [`Error::NonFinite`] naming the first one;
//!   `out` is left untouched. (A NaN never spreads silently.)
//! - −∞ entries get probability exactly 0 (a masked logit).
//! - A row of all −∞ (everything masked) → the uniform distribution 1/n, the
//!   limit of softmax(c·1) as c → −∞. Attention kernels that prefer zeros
//!   detect this case themselves.

use crate::error::{check_len, check_nonempty, Error};
use crate::math;
use crate::slices::{rows, rows_mut};

fn check_row(x: &[f32]) -> Result<f32, Error> {
    check_nonempty("x", x.len())?;
    let mut m = f32::NEG_INFINITY;
    for (index, &v) in x.iter().enumerate() {
        if v.is_nan() || v == f32::INFINITY {
            return Err(Error::NonFinite { what: "x", index });
        }
        if v > m {
            m = v;
        }
    }
    Ok(m)
}

fn apply(m: f32, x: &[f32], out: &mut [f32]) {
    if m == f32::NEG_INFINITY {
        let u = 1.0 / out.len() as f32;
        out.iter_mut().for_each(|o| *o = u);
        return;
    }
    let mut sum = 0.0f32;
    for (o, &v) in out.iter_mut().zip(x) {
        let e = math::exp(v - m);
        *o = e;
        sum += e;
    }
    // sum ≥ 1 because the max element contributes e^0 = 1.
    let inv = 1.0 / sum;
    out.iter_mut().for_each(|o| *o *= inv);
}

/// out ← softmax(x).
///
/// # Errors
/// [`Error::ShapeMismatch`] if `out.len() != x.len()`, [`Error::Empty`]
/// for an empty `x`, [`Error::NonFinite`] for NaN or +∞ (see the module docs).
/// ```
/// let mut p = [0.0; 3];
/// plasticore::nn::softmax(&[1.0, 2.0, f32::NEG_INFINITY], &mut p).unwrap();
/// assert!((p[0] + p[1] - 1.0).abs() < 1e-6 && p[2] == 0.0);
/// ```
pub fn softmax(x: &[f32], out: &mut [f32]) -> Result<(), Error> {
    check_len("out", x.len(), out.len())?;
    let m = check_row(x)?;
    apply(m, x, out);
    Ok(())
}

/// x ← softmax(x); on error `x` is unchanged.
///
/// # Errors
/// [`Error::Empty`] for an empty `x`; [`Error::NonFinite`] for a NaN or +∞ (−∞ is allowed: its
/// weight is 0).
pub fn softmax_in_place(x: &mut [f32]) -> Result<(), Error> {
    let m = check_row(x)?;
    if m == f32::NEG_INFINITY {
        let u = 1.0 / x.len() as f32;
        x.iter_mut().for_each(|o| *o = u);
        return Ok(());
    }
    let mut sum = 0.0f32;
    for v in x.iter_mut() {
        *v = math::exp(*v - m);
        sum += *v;
    }
    let inv = 1.0 / sum;
    x.iter_mut().for_each(|o| *o *= inv);
    Ok(())
}

/// log Σ_i e^{x_i} = m + ln Σ_i e^{x_i − m} with m = max_i x_i (no overflow for
/// large logits; softmax's normaliser, so `softmax(x)_i = e^{x_i − logsumexp(x)}`).
/// −∞ entries add nothing; all −∞ gives −∞. As `scipy.special.logsumexp` on float32.
///
/// # Errors
/// [`Error::Empty`] for an empty `x`; [`Error::NonFinite`] for a NaN or +∞ (see the module docs).
/// ```
/// let lse = plasticore::nn::logsumexp(&[1000.0, 1000.0]).unwrap();
/// assert!((lse - (1000.0 + core::f32::consts::LN_2)).abs() < 1e-3);
/// assert_eq!(plasticore::nn::logsumexp(&[f32::NEG_INFINITY]).unwrap(), f32::NEG_INFINITY);
/// ```
pub fn logsumexp(x: &[f32]) -> Result<f32, Error> {
    let m = check_row(x)?;
    if m == f32::NEG_INFINITY {
        return Ok(m);
    }
    let mut sum = 0.0f32;
    for &v in x {
        sum += math::exp(v - m);
    }
    // sum ≥ 1 (the max contributes e^0), so ln(sum) ≥ 0 is finite.
    Ok(m + math::ln(sum))
}

/// Softmax over each row of length `n` of a row-major `x` (the last axis).
///
/// All rows are checked before any is written: on error `out` is untouched.
///
/// # Errors
/// [`Error::Empty`] for `n == 0` or an empty row; [`Error::ShapeMismatch`] if `out.len() !=
/// x.len()` or `x` is not whole rows; [`Error::NonFinite`] for a NaN or +∞ (index into `x`).
pub fn softmax_rows(x: &[f32], n: usize, out: &mut [f32]) -> Result<(), Error> {
    check_nonempty("last axis", n)?;
    check_len("out", x.len(), out.len())?;
    if !x.len().is_multiple_of(n) {
        return Err(Error::ShapeMismatch {
            what: "x (a whole number of rows)",
            expected: (x.len() / n + 1) * n,
            found: x.len(),
        });
    }
    for (r, row) in x.chunks_exact(n).enumerate() {
        check_row(row).map_err(|e| match e {
            Error::NonFinite { what, index } => Error::NonFinite { what, index: r * n + index },
            e => e,
        })?;
    }
    for (row, o) in rows(x, n).zip(rows_mut(out, n)) {
        let m = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        apply(m, row, o);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logsumexp_is_the_log_of_softmax_normaliser() {
        // ln(e^1 + e^2 + e^3) = 3 + ln(1 + e^-1 + e^-2), closed form.
        let want = 3.0 + libm::log(1.0 + libm::exp(-1.0) + libm::exp(-2.0));
        let got = logsumexp(&[1.0, 2.0, 3.0]).unwrap();
        assert!((got as f64 - want).abs() < 1e-6, "{got} vs {want}");
        // Shifted by a large constant: no overflow, same result + c.
        let big = logsumexp(&[1001.0, 1002.0, 1003.0]).unwrap();
        assert!((big as f64 - (want + 1000.0)).abs() < 1e-3);
        // −∞ entries weigh nothing.
        assert_eq!(logsumexp(&[0.0, f32::NEG_INFINITY]).unwrap(), 0.0);
        assert_eq!(logsumexp(&[f32::NEG_INFINITY; 3]).unwrap(), f32::NEG_INFINITY);
        assert_eq!(logsumexp(&[]), Err(Error::Empty { what: "x" }));
        assert_eq!(logsumexp(&[0.0, f32::NAN]), Err(Error::NonFinite { what: "x", index: 1 }));
        assert_eq!(logsumexp(&[f32::INFINITY]), Err(Error::NonFinite { what: "x", index: 0 }));
    }

    #[test]
    fn sums_to_one_and_is_shift_invariant() {
        let x = [0.5f32, -1.0, 3.0, 2.0];
        let mut p = [0.0; 4];
        softmax(&x, &mut p).unwrap();
        let s: f32 = p.iter().sum();
        assert!((s - 1.0).abs() < 1e-6, "normalised after the exps, whatever their error");
        // Closed form: p_i = e^{x_i} / Σ e^{x_j}, in f64.
        let z: f64 = x.iter().map(|&v| (v as f64).exp()).sum();
        let tol = 4.0 * crate::math::EXP_MAX_REL_ERR as f64;
        for (pi, &xi) in p.iter().zip(&x) {
            assert!(((*pi as f64) - (xi as f64).exp() / z).abs() < tol);
        }
        let shifted = x.map(|v| v + 1000.0);
        let mut q = [0.0; 4];
        softmax(&shifted, &mut q).unwrap();
        for (a, b) in p.iter().zip(&q) {
            assert!((a - b).abs() < 1e-6);
        }
    }

    #[test]
    fn large_logits_do_not_overflow() {
        let mut p = [0.0; 2];
        softmax(&[1e30, 0.0], &mut p).unwrap();
        assert_eq!(p, [1.0, 0.0]);
    }

    #[test]
    fn neg_inf_is_masked_and_all_masked_is_uniform() {
        let mut p = [0.0; 3];
        softmax(&[0.0, f32::NEG_INFINITY, 0.0], &mut p).unwrap();
        assert_eq!(p, [0.5, 0.0, 0.5]);
        softmax(&[f32::NEG_INFINITY; 3], &mut p).unwrap();
        assert_eq!(p, [1.0 / 3.0; 3]);
    }

    #[test]
    fn nan_and_pos_inf_are_errors_and_leave_out_untouched() {
        let mut p = [7.0; 3];
        assert_eq!(
            softmax(&[0.0, f32::NAN, 1.0], &mut p),
            Err(Error::NonFinite { what: "x", index: 1 })
        );
        assert_eq!(
            softmax(&[f32::INFINITY, 0.0, 1.0], &mut p),
            Err(Error::NonFinite { what: "x", index: 0 })
        );
        assert_eq!(p, [7.0; 3]);
        let mut x = [1.0, f32::NAN];
        assert!(softmax_in_place(&mut x).is_err());
        assert_eq!(x[0], 1.0);
    }

    #[test]
    fn shapes_are_checked() {
        let mut p = [0.0; 2];
        assert!(matches!(softmax(&[1.0, 2.0, 3.0], &mut p), Err(Error::ShapeMismatch { .. })));
        assert_eq!(softmax(&[], &mut []), Err(Error::Empty { what: "x" }));
        let mut o = [0.0; 5];
        assert!(softmax_rows(&[0.0; 5], 2, &mut o).is_err());
        assert!(softmax_rows(&[0.0; 4], 0, &mut o[..4]).is_err());
    }

    #[test]
    fn rows_are_independent_and_errors_are_atomic() {
        let x = [0.0, 1.0, 5.0, 5.0];
        let mut o = [0.0; 4];
        softmax_rows(&x, 2, &mut o).unwrap();
        let mut r0 = [0.0; 2];
        softmax(&x[..2], &mut r0).unwrap();
        assert_eq!(&o[..2], &r0);
        assert_eq!(&o[2..], &[0.5, 0.5]);
        let mut o2 = [9.0; 4];
        assert_eq!(
            softmax_rows(&[0.0, 1.0, f32::NAN, 0.0], 2, &mut o2),
            Err(Error::NonFinite { what: "x", index: 2 })
        );
        assert_eq!(o2, [9.0; 4]);
    }
}
