//! Radioactive data (Sablayrolles, Douze, Schmid & Jégou 2020, "Radioactive
//! data: tracing through training", ICML).
//!
//! **Marking.** A secret random direction u ∈ R^d (the carrier) is added to
//! the features of the data to be traced: each feature x is moved along the
//! unit carrier û = u/‖u‖ and renormalised to its original norm,
//!
//! x' = ‖x‖ · (x + α û) / ‖x + α û‖,
//!
//! with strength α ≥ 0 (in the units of the features; for unit-norm features,
//! α ≈ cosine budget). A linear classifier trained on marked data acquires a
//! weight vector w that leans towards û.
//!
//! **Detection.** Under the null hypothesis (w independent of u), the cosine
//! c = cos(w, u) is that of a uniformly random direction on the sphere
//! S^{d−1}, and the one-sided p-value P(cos ≥ c) is
//!
//! p(c) = ½ I_{1−c²}((d−1)/2, ½) for c ≥ 0, and 1 − ½ I_{1−c²}((d−1)/2, ½) for c < 0,
//!
//! with I the regularised incomplete beta function
//! ([`crate::stats::betainc`]), evaluated in f64 with 1 − c² = (1−c)(1+c)
//! and its complement c² passed separately so tiny p-values keep their
//! relative accuracy (docs/numerics.md: ≤ 1e-6 absolute and ≤ 1e-3 relative
//! error vs `scipy.special.betainc` down to p = 1e-30).

use crate::error::{check_len, check_nonempty, Error};
use crate::linalg::dot_unchecked;
use crate::math;
use crate::slices::{copy, rows_mut};

/// f64 dot product in sequential order (the same bits on every target).
fn dot64(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).fold(0.0, |s, (&x, &y)| s + x as f64 * y as f64)
}

fn check_carrier(u: &[f32]) -> Result<f32, Error> {
    check_nonempty("u", u.len())?;
    crate::error::check_finite("u", u)?;
    let sq = dot_unchecked(u, u);
    if !(sq > 0.0 && sq.is_finite()) {
        return Err(Error::InvalidArgument { what: "u", expected: "a non-zero carrier direction" });
    }
    Ok(math::sqrt(sq))
}

/// One row: x ← ‖x‖ (x + α û)/‖x + α û‖ (û = u / u_norm).
fn mark_row(x: &mut [f32], u: &[f32], u_norm: f32, strength: f32) {
    let sq = dot_unchecked(x, x);
    if sq == 0.0 {
        return; // the zero vector has norm 0 after renormalisation
    }
    let norm = math::sqrt(sq);
    let a = strength / u_norm;
    for (xi, &ui) in x.iter_mut().zip(u) {
        *xi += a * ui;
    }
    let moved_sq = dot_unchecked(x, x);
    if moved_sq > 0.0 {
        let s = norm / math::sqrt(moved_sq);
        x.iter_mut().for_each(|v| *v *= s);
    } else {
        // x was exactly −α û: every direction is as close; take û itself.
        for (xi, &ui) in x.iter_mut().zip(u) {
            *xi = norm * ui / u_norm;
        }
    }
}

/// Marks `n = features.len() / d` row-major features of dimension `d = u.len()`
/// in place: x ← ‖x‖ (x + α û)/‖x + α û‖ (module docs). Zero rows stay zero.
///
/// # Errors
/// [`Error::Empty`] for empty features or carrier,
/// [`Error::ShapeMismatch`] if `features.len()` is not a multiple of `d`,
/// [`Error::NonFinite`] for NaN/±∞ in features or carrier,
/// [`Error::InvalidArgument`] for a zero carrier or a strength that is not
/// finite and ≥ 0. `features` is unchanged on error.
/// ```
/// use plasticore::radioactive::mark_in_place;
/// let mut x = [3.0, 4.0, 0.0];
/// mark_in_place(&mut x, &[0.0, 0.0, 2.0], 5.0).unwrap();
/// // (3, 4, 5)·5/‖(3, 4, 5)‖: same norm 5, now at 45° from the plane z = 0.
/// let n: f32 = x.iter().map(|v| v * v).sum::<f32>().sqrt();
/// assert!((n - 5.0).abs() < 1e-5 && (x[2] - 5.0 / 2f32.sqrt()).abs() < 1e-5);
/// ```
pub fn mark_in_place(features: &mut [f32], u: &[f32], strength: f32) -> Result<(), Error> {
    let u_norm = validate_mark(features, u, strength)?;
    for row in rows_mut(features, u.len()) {
        mark_row(row, u, u_norm, strength);
    }
    Ok(())
}

/// Checks the arguments of [`mark_in_place`]; returns ‖u‖.
fn validate_mark(features: &[f32], u: &[f32], strength: f32) -> Result<f32, Error> {
    let d = u.len();
    let u_norm = check_carrier(u)?;
    check_nonempty("features", features.len())?;
    check_len("features", (features.len() / d) * d, features.len())?;
    crate::error::check_finite("features", features)?;
    if !(strength.is_finite() && strength >= 0.0) {
        return Err(Error::InvalidArgument {
            what: "strength",
            expected: "a finite strength >= 0",
        });
    }
    Ok(u_norm)
}

/// As [`mark_in_place`], writing the marked features to `out` (same length).
///
/// # Errors
/// As [`mark_in_place`], and [`Error::ShapeMismatch`] if `out.len() != features.len()`.
pub fn mark(features: &[f32], u: &[f32], strength: f32, out: &mut [f32]) -> Result<(), Error> {
    check_len("out", features.len(), out.len())?;
    let u_norm = validate_mark(features, u, strength)?;
    copy(out, features);
    for row in rows_mut(out, u.len()) {
        mark_row(row, u, u_norm, strength);
    }
    Ok(())
}

/// P(cos(v, u) ≥ c) for a direction v uniform on the sphere in R^d:
/// ½ I_{1−c²}((d−1)/2, ½) for c ≥ 0, 1 − ½ I_{1−c²}((d−1)/2, ½) for c < 0.
///
/// # Errors
/// [`Error::InvalidArgument`] unless d ≥ 2 and −1 ≤ c ≤ 1.
/// ```
/// use plasticore::radioactive::cosine_pvalue;
/// // In the plane the angle is uniform: p = arccos(c)/π.
/// let p = cosine_pvalue(0.5, 2).unwrap();
/// assert!((p - 1.0 / 3.0).abs() < 1e-12);
/// assert!((cosine_pvalue(0.0, 128).unwrap() - 0.5).abs() < 1e-15);
/// ```
pub fn cosine_pvalue(c: f64, d: usize) -> Result<f64, Error> {
    if d < 2 {
        return Err(Error::InvalidArgument { what: "d", expected: "a dimension of at least 2" });
    }
    if !(-1.0..=1.0).contains(&c) {
        return Err(Error::InvalidArgument { what: "c", expected: "a cosine in [-1, 1]" });
    }
    let a = (d as f64 - 1.0) / 2.0;
    let ac = libm::fabs(c);
    let x = (1.0 - ac) * (1.0 + ac);
    let y = ac * ac;
    let half_i = 0.5 * crate::stats::special::betainc_xy(a, 0.5, x, y)?;
    Ok(if c >= 0.0 { half_i } else { 1.0 - half_i })
}

/// cos(w, u) = w·u / (‖w‖ ‖u‖), accumulated in f64.
///
/// # Errors
/// [`Error::ShapeMismatch`], [`Error::Empty`], [`Error::NonFinite`],
/// or [`Error::InvalidArgument`] if either vector is zero.
pub fn cosine(w: &[f32], u: &[f32]) -> Result<f64, Error> {
    check_len("u", w.len(), u.len())?;
    check_nonempty("w", w.len())?;
    crate::error::check_finite("w", w)?;
    crate::error::check_finite("u", u)?;
    let (ww, uu) = (dot64(w, w), dot64(u, u));
    if ww == 0.0 || uu == 0.0 {
        return Err(Error::InvalidArgument {
            what: if ww == 0.0 { "w" } else { "u" },
            expected: "a non-zero vector",
        });
    }
    let c = dot64(w, u) / (libm::sqrt(ww) * libm::sqrt(uu));
    Ok(c.clamp(-1.0, 1.0))
}

/// The radioactive-data test: p-value that a classifier weight `w` is as
/// aligned with carrier `u` as observed, by chance: `cosine_pvalue(cos(w, u), d)`.
/// A small p (e.g. < 1e-6) means the model was trained on marked data.
///
/// # Errors
/// As [`cosine`], plus [`Error::InvalidArgument`] if `d < 2`.
pub fn pvalue(w: &[f32], u: &[f32]) -> Result<f64, Error> {
    let c = cosine(w, u)?;
    cosine_pvalue(c, w.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_forms() {
        // d = 2: arccos(c)/π; d = 3: (1 − c)/2 (Archimedes' hat-box theorem).
        for &c in &[-1.0, -0.9, -0.3, 0.0, 0.2, 0.7, 0.999, 1.0] {
            let p2 = cosine_pvalue(c, 2).unwrap();
            assert!((p2 - libm::acos(c) / core::f64::consts::PI).abs() < 1e-12, "{c}");
            let p3 = cosine_pvalue(c, 3).unwrap();
            assert!((p3 - (1.0 - c) / 2.0).abs() < 1e-12, "{c}");
        }
        // Symmetry p(c) + p(−c) = 1.
        for &d in &[4, 17, 128, 2048] {
            let s = cosine_pvalue(0.1, d).unwrap() + cosine_pvalue(-0.1, d).unwrap();
            assert!((s - 1.0).abs() < 1e-14);
        }
    }

    #[test]
    fn mark_keeps_norm_and_aligns() {
        let mut r = crate::rng::Rng::new(11);
        let mut x = [0.0f32; 64];
        r.fill_normal(&mut x);
        let mut u = [0.0f32; 16];
        r.fill_normal(&mut u);
        let before = cosine(&x[..16], &u).unwrap();
        let mut y = x;
        mark_in_place(&mut y, &u, 0.5).unwrap();
        for (a, b) in x.chunks(16).zip(y.chunks(16)) {
            let na = dot64(a, a).sqrt();
            let nb = dot64(b, b).sqrt();
            assert!((na - nb).abs() < 1e-5 * na);
            assert!(cosine(b, &u).unwrap() > cosine(a, &u).unwrap());
        }
        assert!(cosine(&y[..16], &u).unwrap() > before);
        let mut out = [0.0f32; 64];
        mark(&x, &u, 0.5, &mut out).unwrap();
        assert_eq!(out, y);
        // strength 0 is the identity up to rounding of the renormalisation.
        let mut z = x;
        mark_in_place(&mut z, &u, 0.0).unwrap();
        for (a, b) in z.iter().zip(&x) {
            assert!((a - b).abs() < 1e-5);
        }
    }

    #[test]
    fn bad_input() {
        let mut x = [1.0f32; 6];
        assert!(matches!(
            mark_in_place(&mut x, &[0.0; 3], 1.0),
            Err(Error::InvalidArgument { what: "u", .. })
        ));
        assert!(matches!(mark_in_place(&mut x, &[1.0; 4], 1.0), Err(Error::ShapeMismatch { .. })));
        assert!(matches!(mark_in_place(&mut x, &[], 1.0), Err(Error::Empty { .. })));
        assert!(matches!(
            mark_in_place(&mut x, &[1.0; 3], -1.0),
            Err(Error::InvalidArgument { what: "strength", .. })
        ));
        assert!(matches!(
            mark_in_place(&mut x, &[1.0; 3], f32::NAN),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            mark_in_place(&mut x, &[1.0, f32::NAN, 1.0], 1.0),
            Err(Error::NonFinite { .. })
        ));
        assert!(mark_in_place(&mut [], &[1.0; 3], 1.0).is_err());
        assert_eq!(x, [1.0; 6]);
        let mut out = [5.0f32; 6];
        assert!(mark(&[1.0, f32::INFINITY, 1.0, 1.0, 1.0, 1.0], &[1.0; 3], 1.0, &mut out).is_err());
        assert!(mark(&x, &[1.0; 3], 1.0, &mut out[..5]).is_err());
        assert!(mark(&x, &[1.0; 3], -1.0, &mut out).is_err());
        assert_eq!(out, [5.0; 6]);
        assert!(pvalue(&[1.0, 2.0], &[1.0]).is_err());
        assert!(pvalue(&[1.0], &[1.0]).is_err()); // d = 1
        assert!(pvalue(&[0.0, 0.0], &[1.0, 0.0]).is_err());
        assert!(pvalue(&[f32::NAN, 0.0], &[1.0, 0.0]).is_err());
        assert!(pvalue(&[], &[]).is_err());
        assert!(cosine_pvalue(1.5, 10).is_err());
        assert!(cosine_pvalue(f64::NAN, 10).is_err());
    }
}
