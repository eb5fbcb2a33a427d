//! Kullback–Leibler divergence (Kullback & Leibler 1951, "On information and
//! sufficiency", Ann. Math. Statist. 22).
//!
//! KL(p‖q) = Σ_i p_i ln(p_i / q_i) in nats, with the conventions
//! 0 · ln(0/q) = 0 (also for q = 0) and p · ln(p/0) = +∞ for p > 0. This is
//! `scipy.special.rel_entr(p, q).sum()`: the inputs are **not** normalised
//! (`scipy.stats.entropy(p, q)` normalises first; the two agree when `p` and
//! `q` each sum to 1).
//!
//! The divergence is not symmetric:
//!
//! ```
//! use plasticore::stats::kl;
//! let p = [0.9, 0.1];
//! let q = [0.5, 0.5];
//! let pq = kl(&p, &q).unwrap(); // 0.9 ln 1.8 + 0.1 ln 0.2 ≈ 0.3681
//! let qp = kl(&q, &p).unwrap(); // 0.5 ln(5/9) + 0.5 ln 5 ≈ 0.5108
//! assert!((pq - 0.368_064).abs() < 1e-5 && (qp - 0.510_826).abs() < 1e-5);
//! assert!(pq != qp);
//! // and it is +∞ where p has mass that q lacks:
//! assert_eq!(kl(&[0.5, 0.5], &[1.0, 0.0]).unwrap(), f32::INFINITY);
//! assert_eq!(kl(&[1.0, 0.0], &[0.5, 0.5]).unwrap(), core::f32::consts::LN_2);
//! ```

use super::sum::NeumaierSum;
use crate::error::{check_len, check_nonempty, Error};
use crate::math;

fn validate(what: &'static str, x: &[f32]) -> Result<(), Error> {
    // Fast path: a finite non-negative f32 other than −0 has bits below
    // 0x7f80_0000 (sign clear, exponent not all ones), and so does the OR of
    // such bits unless their exponents' bits make up 0xff together, which
    // values at most 1 (exponent ≤ 0x7f, a probability) never do. Any other
    // OR (a −0, a value ≥ 2 among others, or a real offender) takes the
    // exact scan below, which finds the first offender or none.
    if x.iter().fold(0u32, |acc, v| acc | v.to_bits()) < 0x7f80_0000 {
        return Ok(());
    }
    for (index, &v) in x.iter().enumerate() {
        if !v.is_finite() {
            return Err(Error::NonFinite { what, index });
        }
        if v < 0.0 {
            return Err(Error::InvalidArgument {
                what,
                expected: "non-negative entries (a probability vector)",
            });
        }
    }
    Ok(())
}

/// p ln(p/q) for validated p, q ≥ 0 (q > 0 when p > 0).
#[inline]
fn term(p: f32, q: f32) -> f32 {
    let r = p / q;
    if r.is_normal() {
        p * math::ln(r)
    } else {
        // p/q overflowed or underflowed: ln p − ln q is finite for p, q > 0.
        p * (math::ln(p) - math::ln(q))
    }
}

/// Σ terms of one validated pair of rows.
fn kl_unchecked(p: &[f32], q: &[f32]) -> f32 {
    let mut s = NeumaierSum::new();
    for (&pi, &qi) in p.iter().zip(q) {
        if pi == 0.0 {
            continue;
        }
        if qi == 0.0 {
            return f32::INFINITY;
        }
        s.add(term(pi, qi));
    }
    s.value()
}

/// KL(p‖q) = Σ p_i ln(p_i/q_i) (see the module docs for conventions).
///
/// Terms are summed with Neumaier compensation, so the result is accurate to
/// a few ulp of Σ|p_i ln(p_i/q_i)|.
///
/// # Errors
/// [`Error::ShapeMismatch`] if the lengths differ, [`Error::Empty`] for
/// empty inputs, [`Error::NonFinite`] for NaN/±∞ entries,
/// [`Error::InvalidArgument`] for a negative entry.
pub fn kl(p: &[f32], q: &[f32]) -> Result<f32, Error> {
    check_len("q", p.len(), q.len())?;
    check_nonempty("p", p.len())?;
    validate("p", p)?;
    validate("q", q)?;
    Ok(kl_unchecked(p, q))
}

/// Row-wise KL: `out[r] = KL(p_r‖q_r)` for row-major `p`, `q` of shape `[rows, n]`
/// (`rows = out.len()`), e.g. attention distributions of an approximate and an
/// exact attention block, one row per query.
///
/// # Errors
/// As [`kl`], plus [`Error::ShapeMismatch`] if `p.len() != out.len() * n`;
/// `out` is unchanged on error.
pub fn kl_rows(p: &[f32], q: &[f32], n: usize, out: &mut [f32]) -> Result<(), Error> {
    check_nonempty("n", n)?;
    check_nonempty("out", out.len())?;
    let total = out.len().checked_mul(n).ok_or(Error::InvalidArgument {
        what: "rows * n",
        expected: "a size that fits in usize",
    })?;
    check_len("p", total, p.len())?;
    check_len("q", total, q.len())?;
    validate("p", p)?;
    validate("q", q)?;
    for ((o, pr), qr) in out.iter_mut().zip(p.chunks_exact(n)).zip(q.chunks_exact(n)) {
        *o = kl_unchecked(pr, qr);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    fn reference(p: &[f32], q: &[f32]) -> f64 {
        p.iter()
            .zip(q)
            .map(|(&a, &b)| {
                let (a, b) = (a as f64, b as f64);
                if a == 0.0 {
                    0.0
                } else {
                    a * (a / b).ln()
                }
            })
            .sum()
    }

    #[test]
    fn validation_takes_the_exact_path_when_the_quick_one_cannot_tell() {
        // −0 is a valid probability (its bits fail the quick test).
        assert_eq!(kl(&[-0.0, 1.0], &[0.5, 0.5]).unwrap(), core::f32::consts::LN_2);
        // 3.0 | 1.5 has the bits of a NaN (0x7fc0_0000): the exact scan
        // accepts them, and a large finite value.
        assert!(kl(&[3.0, 1.5, 1e30], &[1.0, 1.0, 1.0]).unwrap().is_finite());
        // Offenders anywhere, first one named.
        for (i, bad) in [f32::NAN, f32::INFINITY, -1e-30, f32::NEG_INFINITY].into_iter().enumerate()
        {
            let mut p = [0.25f32; 4];
            p[i] = bad;
            assert!(kl(&p, &[0.25; 4]).is_err(), "{bad}");
            assert!(kl(&[0.25; 4], &p).is_err(), "{bad}");
        }
        assert_eq!(
            kl(&[0.5, f32::NAN, -1.0, 0.5], &[0.25; 4]),
            Err(Error::NonFinite { what: "p", index: 1 })
        );
    }

    #[test]
    fn closed_forms_and_conventions() {
        assert_eq!(kl(&[0.25; 4], &[0.25; 4]).unwrap(), 0.0);
        // KL(p‖uniform) = ln n − H(p); for a point mass, ln n.
        let v = kl(&[1.0, 0.0, 0.0, 0.0], &[0.25; 4]).unwrap();
        assert!((v - 4.0f32.ln()).abs() < 1e-6);
        // 0·ln(0/0) = 0.
        assert_eq!(kl(&[0.0, 1.0], &[0.0, 1.0]).unwrap(), 0.0);
        // p > 0 = q → +∞.
        assert_eq!(kl(&[0.1, 0.9], &[0.0, 1.0]).unwrap(), f32::INFINITY);
        // Huge ratios do not overflow to ∞: ln(1/1e-40) ≈ 92.1.
        let v = kl(&[1.0], &[1e-40]).unwrap();
        assert!((v as f64 - (1e40f64).ln()).abs() < 1e-3, "{v}");
    }

    #[test]
    fn bad_input() {
        assert_eq!(
            kl(&[0.5, 0.5], &[1.0]),
            Err(Error::ShapeMismatch { what: "q", expected: 2, found: 1 })
        );
        assert_eq!(kl(&[], &[]), Err(Error::Empty { what: "p" }));
        assert!(matches!(
            kl(&[-0.1, 1.1], &[0.5, 0.5]),
            Err(Error::InvalidArgument { what: "p", .. })
        ));
        assert!(matches!(
            kl(&[0.5, 0.5], &[1.5, -0.5]),
            Err(Error::InvalidArgument { what: "q", .. })
        ));
        assert_eq!(
            kl(&[0.5, f32::NAN], &[0.5, 0.5]),
            Err(Error::NonFinite { what: "p", index: 1 })
        );
        assert_eq!(
            kl(&[0.5, 0.5], &[f32::INFINITY, 0.5]),
            Err(Error::NonFinite { what: "q", index: 0 })
        );
        let mut out = [7.0f32; 2];
        assert!(kl_rows(&[0.5; 4], &[0.5; 3], 2, &mut out).is_err());
        assert!(kl_rows(&[0.5; 4], &[0.5; 4], 0, &mut out).is_err());
        assert!(kl_rows(&[0.5, 0.5, -1.0, 2.0], &[0.5; 4], 2, &mut out).is_err());
        assert_eq!(out, [7.0; 2]);
    }

    #[test]
    fn rows_match_single() {
        let p = [0.1, 0.2, 0.7, 0.3, 0.3, 0.4];
        let q = [0.3, 0.3, 0.4, 0.1, 0.2, 0.7];
        let mut out = [0.0; 2];
        kl_rows(&p, &q, 3, &mut out).unwrap();
        assert_eq!(out[0], kl(&p[..3], &q[..3]).unwrap());
        assert_eq!(out[1], kl(&p[3..], &q[3..]).unwrap());
    }

    proptest::proptest! {
        #[test]
        fn matches_f64_and_is_nonnegative(raw in proptest::collection::vec((0.0f32..1.0, 0.01f32..1.0), 1..64)) {
            let sp: f32 = raw.iter().map(|r| r.0).sum();
            let sq: f32 = raw.iter().map(|r| r.1).sum();
            proptest::prop_assume!(sp > 0.0);
            let p: std::vec::Vec<f32> = raw.iter().map(|r| r.0 / sp).collect();
            let q: std::vec::Vec<f32> = raw.iter().map(|r| r.1 / sq).collect();
            let v = kl(&p, &q).unwrap() as f64;
            let r = reference(&p, &q);
            let scale: f64 = p.iter().zip(&q).map(|(&a, &b)| if a == 0.0 { 0.0 } else { (a as f64 * (a as f64 / b as f64).ln()).abs() }).sum();
            proptest::prop_assert!((v - r).abs() <= 1e-6 * scale + 1e-7, "{} vs {}", v, r);
            // Gibbs' inequality, up to rounding of the normalised inputs.
            proptest::prop_assert!(v >= -1e-6);
        }
    }
}
