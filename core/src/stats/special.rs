//! Special functions in f64: ln Γ and the regularised incomplete beta function.
//!
//! These back the p-values of [`crate::radioactive`]. They are computed in
//! f64 (software floating point on a Cortex-M4F, whose FPU is single
//! precision: slower, but a p-value is computed once per test, and the same
//! IEEE operations give the same bits on every target; libm supplies
//! `lgamma`, `log`, `exp`).
//!
//! Regularised incomplete beta (Abramowitz & Stegun 26.5.8, evaluated as in
//! Press et al., *Numerical Recipes* §6.4, with the modified Lentz algorithm,
//! Lentz 1976 / Thompson & Barnett 1986):
//!
//! I_x(a, b) = x^a (1−x)^b / (a B(a, b)) · 1/(1+ d₁/(1+ d₂/(1+ …))),
//! d_{2m+1} = −(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),
//! d_{2m}   = m(b−m) x / ((a+2m−1)(a+2m)),
//!
//! used directly for x < (a+1)/(a+b+2), where it converges quickly, and
//! through the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) otherwise. Accuracy
//! against `scipy.special.betainc` is measured in docs/numerics.md.

use crate::error::Error;

/// Largest number of continued-fraction terms tried.
const MAX_ITER: usize = 100_000;
/// Relative convergence threshold of the continued fraction.
const EPS: f64 = 1e-15;
/// Guard against division by zero in Lentz's algorithm.
const TINY: f64 = 1e-300;

/// ln Γ(x) for x > 0 (libm `lgamma`).
///
/// ```
/// let v = plasticore::stats::ln_gamma(5.0); // ln 4! = ln 24
/// assert!((v - 24f64.ln()).abs() < 1e-12);
/// ```
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// The continued fraction of I_x(a, b), Lentz's method.
fn beta_cf(a: f64, b: f64, x: f64) -> Option<f64> {
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let guard = |v: f64| if libm::fabs(v) < TINY { TINY } else { v };
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - qab * x / qap);
    let mut h = d;
    for m in 1..=MAX_ITER {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / guard(1.0 + aa * d);
        c = guard(1.0 + aa / c);
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / guard(1.0 + aa * d);
        c = guard(1.0 + aa / c);
        let del = d * c;
        h *= del;
        if libm::fabs(del - 1.0) < EPS {
            return Some(h);
        }
    }
    None
}

/// x^a y^b / (a B(a, b)) · CF, with y = 1 − x given separately so that
/// ln y keeps its precision when x is close to 1.
fn beta_front_cf(a: f64, b: f64, x: f64, y: f64) -> Result<f64, Error> {
    let ln_beta = ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
    let ln_front = a * libm::log(x) + b * libm::log(y) - ln_beta;
    let cf = beta_cf(a, b, x).ok_or(Error::InvalidArgument {
        what: "betainc",
        expected: "parameters for which the continued fraction converges",
    })?;
    Ok(libm::exp(ln_front) * cf / a)
}

/// I_x(a, b) with the complement y = 1 − x supplied exactly by the caller
/// (e.g. x = 1 − c² = (1−c)(1+c), y = c²). Inputs are validated by the caller.
pub(crate) fn betainc_xy(a: f64, b: f64, x: f64, y: f64) -> Result<f64, Error> {
    if x <= 0.0 {
        return Ok(0.0);
    }
    if y <= 0.0 {
        return Ok(1.0);
    }
    if x < (a + 1.0) / (a + b + 2.0) {
        beta_front_cf(a, b, x, y)
    } else {
        Ok(1.0 - beta_front_cf(b, a, y, x)?)
    }
}

/// The regularised incomplete beta function
/// I_x(a, b) = B(x; a, b) / B(a, b) = ∫₀ˣ t^{a−1}(1−t)^{b−1} dt / B(a, b),
/// the CDF of a Beta(a, b) variable (`scipy.special.betainc(a, b, x)`).
///
/// # Errors
/// [`Error::InvalidArgument`] unless a > 0, b > 0 (finite) and
/// 0 ≤ x ≤ 1, or if the continued fraction fails to converge in 10⁵ terms
/// (only for a, b far beyond 10⁸).
/// ```
/// use plasticore::stats::betainc;
/// // I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1/2, 1/2) = (2/π) asin √x.
/// assert!((betainc(1.0, 1.0, 0.3).unwrap() - 0.3).abs() < 1e-14);
/// assert!((betainc(3.0, 1.0, 0.5).unwrap() - 0.125).abs() < 1e-14);
/// let v = betainc(0.5, 0.5, 0.25).unwrap();
/// assert!((v - 2.0 / core::f64::consts::PI * 0.5f64.asin()).abs() < 1e-13);
/// ```
pub fn betainc(a: f64, b: f64, x: f64) -> Result<f64, Error> {
    if !(a.is_finite() && a > 0.0 && b.is_finite() && b > 0.0) {
        return Err(Error::InvalidArgument {
            what: "a, b",
            expected: "finite shape parameters > 0",
        });
    }
    if !(0.0..=1.0).contains(&x) {
        return Err(Error::InvalidArgument { what: "x", expected: "0 <= x <= 1" });
    }
    betainc_xy(a, b, x, 1.0 - x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_forms() {
        for &x in &[0.0, 1e-10, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0] {
            assert!((betainc(1.0, 1.0, x).unwrap() - x).abs() < 1e-14);
            // I_x(a, 1) = x^a, I_x(1, b) = 1 − (1−x)^b.
            for &a in &[0.5, 2.0, 7.5, 40.0] {
                let v = betainc(a, 1.0, x).unwrap();
                let r = libm::pow(x, a);
                assert!((v - r).abs() <= 1e-13 * r.max(1e-300) + 1e-15, "a={a} x={x}");
                let v = betainc(1.0, a, x).unwrap();
                let r = 1.0 - libm::pow(1.0 - x, a);
                assert!((v - r).abs() < 1e-13, "b={a} x={x}");
            }
            // Symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
            let s = betainc(3.3, 0.5, x).unwrap() + betainc(0.5, 3.3, 1.0 - x).unwrap();
            assert!((s - 1.0).abs() < 1e-13);
        }
    }

    #[test]
    fn bad_input() {
        assert!(betainc(0.0, 1.0, 0.5).is_err());
        assert!(betainc(1.0, -1.0, 0.5).is_err());
        assert!(betainc(f64::NAN, 1.0, 0.5).is_err());
        assert!(betainc(1.0, 1.0, 1.5).is_err());
        assert!(betainc(1.0, 1.0, f64::NAN).is_err());
    }
}
