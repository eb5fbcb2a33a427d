//! Supervised contrastive loss (Khosla et al. 2020, "Supervised Contrastive
//! Learning", NeurIPS; the L^sup_out form, their eq. 2).
//!
//! For features f_1..f_n ∈ R^d with labels y_i, let z_i = f_i/‖f_i‖ (the
//! features are L2-normalised inside), s_ia = z_i·z_a/τ, P(i) = {p ≠ i : y_p = y_i}
//! and A the set of anchors i with |P(i)| ≥ 1 (anchors without positives are
//! skipped). Then
//!
//! ℓ_i = −1/|P(i)| Σ_{p∈P(i)} log( exp(s_ip) / Σ_{a≠i} exp(s_ia) ),
//! L = (1/|A|) Σ_{i∈A} ℓ_i.
//!
//! **Gradient.** With q_ia = exp(s_ia)/Σ_{b≠i} exp(s_ib) (a ≠ i) and
//! G_ia = (q_ia − [a∈P(i)]/|P(i)|)/|A| for i ∈ A (0 otherwise),
//! ∂L/∂z_i = (1/τ) Σ_a (G_ia + G_ai) z_a, and through the normalisation
//! ∂L/∂f_i = (g_i − (g_i·z_i) z_i)/‖f_i‖ with g_i = ∂L/∂z_i.
//!
//! Costs: 3n²d MACs with the gradient (n²d without), scratch of 2n f32
//! ([`supcon_scratch_len`]); log-sum-exp is shifted by the row maximum.

use super::super::stats::NeumaierSum;
use crate::error::{check_len, check_nonempty, Error};
use crate::linalg::dot_unchecked;
use crate::math;
use crate::slices::{rows, rows_mut};

/// f32 elements of scratch needed for `n` samples: 2n.
pub const fn supcon_scratch_len(n: usize) -> usize {
    2 * n
}

/// Validates everything; fills `scratch[..n]` with 1/‖f_i‖ and returns (n, |A|).
fn validate(
    features: &[f32],
    d: usize,
    labels: &[i32],
    temperature: f32,
    scratch: &mut [f32],
) -> Result<(usize, usize), Error> {
    let n = labels.len();
    check_nonempty("d", d)?;
    check_nonempty("labels", n)?;
    let total = n
        .checked_mul(d)
        .ok_or(Error::InvalidArgument { what: "n * d", expected: "a size that fits in usize" })?;
    check_len("features", total, features.len())?;
    if scratch.len() < supcon_scratch_len(n) {
        return Err(Error::ShapeMismatch {
            what: "scratch",
            expected: supcon_scratch_len(n),
            found: scratch.len(),
        });
    }
    if !(temperature.is_finite() && temperature > 0.0) {
        return Err(Error::InvalidArgument {
            what: "temperature",
            expected: "a finite temperature > 0",
        });
    }
    crate::error::check_finite("features", features)?;
    for (inv, f) in scratch.iter_mut().zip(features.chunks_exact(d)) {
        // Tested on the squared norm, so the check does not depend on the sqrt approximation.
        let sq = dot_unchecked(f, f);
        if !(sq > 0.0 && sq.is_finite()) {
            return Err(Error::InvalidArgument {
                what: "features",
                expected: "non-zero rows (they are L2-normalised)",
            });
        }
        *inv = 1.0 / math::sqrt(sq);
    }
    let anchors = (0..n).filter(|&i| positives(labels, i) > 0).count();
    if anchors == 0 {
        return Err(Error::InvalidArgument {
            what: "labels",
            expected: "at least two samples with the same label",
        });
    }
    Ok((n, anchors))
}

fn positives(labels: &[i32], i: usize) -> usize {
    let Some(&li) = labels.get(i) else {
        return 0;
    };
    labels.iter().enumerate().filter(|&(j, &l)| j != i && l == li).count()
}

fn compute(
    features: &[f32],
    d: usize,
    labels: &[i32],
    temperature: f32,
    mut grad: Option<&mut [f32]>,
    scratch: &mut [f32],
) -> Result<f32, Error> {
    let (n, anchors) = validate(features, d, labels, temperature, scratch)?;
    let (inv, rest) = scratch.split_at_mut(n);
    let row = &mut rest[..n];
    let inv_t = 1.0 / temperature;
    let inv_a = 1.0 / anchors as f32;
    if let Some(g) = grad.as_deref_mut() {
        g.iter_mut().for_each(|v| *v = 0.0);
    }
    let mut loss = NeumaierSum::new();
    for (i, fi) in features.chunks_exact(d).enumerate() {
        let np = positives(labels, i);
        if np == 0 {
            continue;
        }
        let (Some(&li), Some(&inv_i)) = (labels.get(i), inv.get(i)) else {
            continue;
        };
        // Similarities s_ia and their maximum over a ≠ i.
        let mut m = f32::NEG_INFINITY;
        for (a, ((r, fa), &inv_fa)) in
            row.iter_mut().zip(features.chunks_exact(d)).zip(inv.iter()).enumerate()
        {
            *r = dot_unchecked(fi, fa) * inv_i * inv_fa * inv_t;
            if a != i && *r > m {
                m = *r;
            }
        }
        let mut denom = 0.0f32;
        let mut pos_sum = 0.0f32;
        for (a, (&r, &la)) in row.iter().zip(labels).enumerate() {
            if a != i {
                denom += math::exp(r - m);
                if la == li {
                    pos_sum += r;
                }
            }
        }
        let lse = m + math::ln(denom);
        let inv_p = 1.0 / np as f32;
        loss.add(lse - pos_sum * inv_p);
        if let Some(g) = grad.as_deref_mut() {
            // G_ia, then g_i += G_ia z_a / τ and g_a += G_ia z_i / τ.
            for (a, (r, &la)) in row.iter_mut().zip(labels).enumerate() {
                *r = if a == i {
                    0.0
                } else {
                    let pos = if la == li { inv_p } else { 0.0 };
                    (math::exp(*r - lse) - pos) * inv_a
                };
            }
            let zi_scale = inv_i * inv_t;
            for (a, ((fa, &gia), &inv_fa)) in
                features.chunks_exact(d).zip(row.iter()).zip(inv.iter()).enumerate()
            {
                if gia == 0.0 {
                    continue;
                }
                let ca = gia * inv_fa * inv_t;
                let ci = gia * zi_scale;
                // g_i += ca·f_a, then g_a += ci·f_i (a ≠ i, so the rows are distinct).
                if let Some(gi) = g.get_mut(i * d..(i + 1) * d) {
                    gi.iter_mut().zip(fa).for_each(|(o, &v)| *o += ca * v);
                }
                if let Some(ga) = g.get_mut(a * d..(a + 1) * d) {
                    ga.iter_mut().zip(fi).for_each(|(o, &v)| *o += ci * v);
                }
            }
        }
    }
    if let Some(g) = grad {
        // Back through z = f/‖f‖: (g − (g·z) z)/‖f‖.
        for ((gi, fi), &s) in rows_mut(g, d).zip(rows(features, d)).zip(&*inv) {
            let proj = dot_unchecked(gi, fi) * s * s;
            for (gk, &fk) in gi.iter_mut().zip(fi) {
                *gk = (*gk - proj * fk) * s;
            }
        }
    }
    Ok(loss.value() * inv_a)
}

/// The supervised contrastive loss L (module docs) of `n = labels.len()`
/// row-major features `[n, d]` at temperature τ (0.07 to 0.1 in the paper).
///
/// `scratch` needs [`supcon_scratch_len`]`(n)` f32.
///
/// # Errors
/// [`Error::Empty`] for `d == 0` or no labels, [`Error::ShapeMismatch`]
/// for `features.len() != n·d` or short scratch, [`Error::NonFinite`] for
/// NaN/±∞ features, [`Error::InvalidArgument`] for a zero feature row, a
/// temperature that is not finite and > 0, or labels where no sample has a positive.
/// ```
/// use plasticore::loss::{supcon_loss, supcon_scratch_len};
/// // Two tight, well separated classes: the loss approaches its floor
/// // ln(|P(i)|) = ln 1 = 0 as τ → 0.
/// let f = [1.0, 0.0, 0.99, 0.1, 0.0, 1.0, 0.1, 0.99];
/// let mut s = [0.0; supcon_scratch_len(4)];
/// let l = supcon_loss(&f, 2, &[0, 0, 1, 1], 0.1, &mut s).unwrap();
/// assert!(l > 0.0 && l < 1e-3);
/// ```
pub fn supcon_loss(
    features: &[f32],
    d: usize,
    labels: &[i32],
    temperature: f32,
    scratch: &mut [f32],
) -> Result<f32, Error> {
    compute(features, d, labels, temperature, None, scratch)
}

/// The loss and its gradient ∂L/∂f with respect to the unnormalised
/// features, written to `grad` (`[n, d]`, same layout as `features`).
///
/// # Errors
/// As [`supcon_loss`], plus [`Error::ShapeMismatch`] if
/// `grad.len() != features.len()`. `grad` is unchanged on error.
pub fn supcon_loss_grad(
    features: &[f32],
    d: usize,
    labels: &[i32],
    temperature: f32,
    grad: &mut [f32],
    scratch: &mut [f32],
) -> Result<f32, Error> {
    check_len("grad", features.len(), grad.len())?;
    compute(features, d, labels, temperature, Some(grad), scratch)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    /// Straightforward f64 implementation of the formula.
    fn reference(f: &[f64], d: usize, labels: &[i32], t: f64) -> f64 {
        let n = labels.len();
        let z: Vec<Vec<f64>> = f
            .chunks(d)
            .map(|r| {
                let nr = r.iter().map(|v| v * v).sum::<f64>().sqrt();
                r.iter().map(|v| v / nr).collect()
            })
            .collect();
        let s = |i: usize, a: usize| z[i].iter().zip(&z[a]).map(|(x, y)| x * y).sum::<f64>() / t;
        let (mut tot, mut cnt) = (0.0, 0);
        for i in 0..n {
            let pos: Vec<usize> = (0..n).filter(|&p| p != i && labels[p] == labels[i]).collect();
            if pos.is_empty() {
                continue;
            }
            let den: f64 = (0..n).filter(|&a| a != i).map(|a| s(i, a).exp()).sum();
            let li: f64 = pos.iter().map(|&p| (s(i, p).exp() / den).ln()).sum::<f64>();
            tot += -li / pos.len() as f64;
            cnt += 1;
        }
        tot / cnt as f64
    }

    fn sample(seed: u64, n: usize, d: usize) -> (Vec<f32>, Vec<i32>) {
        let mut r = crate::rng::Rng::new(seed);
        let f = (0..n * d).map(|_| r.normal() * 2.0).collect();
        let l = (0..n).map(|_| r.below(3) as i32).collect();
        (f, l)
    }

    #[test]
    fn matches_f64_reference_and_finite_differences() {
        for (seed, n, d, t) in [(1, 6, 3, 0.5f32), (2, 10, 8, 0.1), (3, 16, 5, 1.0)] {
            let (f, mut labels) = sample(seed, n, d);
            labels[n - 1] = 7; // an anchor without positives
            let mut s = std::vec![0.0; supcon_scratch_len(n)];
            let mut g = std::vec![0.0; n * d];
            let l = supcon_loss_grad(&f, d, &labels, t, &mut g, &mut s).unwrap();
            assert_eq!(l, supcon_loss(&f, d, &labels, t, &mut s).unwrap());
            let f64s: Vec<f64> = f.iter().map(|&v| v as f64).collect();
            let r = reference(&f64s, d, &labels, t as f64);
            assert!((l as f64 - r).abs() < 1e-5 * r.abs().max(1.0), "{l} vs {r}");
            // Central differences of the f64 reference.
            let h = 1e-6;
            for k in 0..n * d {
                let mut fp = f64s.clone();
                fp[k] += h;
                let mut fm = f64s.clone();
                fm[k] -= h;
                let fd = (reference(&fp, d, &labels, t as f64)
                    - reference(&fm, d, &labels, t as f64))
                    / (2.0 * h);
                assert!(
                    (g[k] as f64 - fd).abs() < 1e-4 * (1.0 + fd.abs()) / t as f64,
                    "k={k}: {} vs {fd}",
                    g[k]
                );
            }
            // The lone anchor's own row still gets gradient (it is a negative for others).
            assert!(g[(n - 1) * d..].iter().any(|&v| v != 0.0));
        }
    }

    #[test]
    fn scale_invariant() {
        let (f, labels) = sample(5, 8, 4);
        let f2: Vec<f32> = f.iter().map(|v| v * 8.0).collect();
        let mut s = [0.0; 16];
        let a = supcon_loss(&f, 4, &labels, 0.2, &mut s).unwrap();
        let b = supcon_loss(&f2, 4, &labels, 0.2, &mut s).unwrap();
        assert!((a - b).abs() < 1e-5);
    }

    proptest::proptest! {
        /// Jensen: ℓ_i ≥ ln |P(i)|, so L ≥ the mean of ln |P(i)| over anchors;
        /// and the gradient is orthogonal to each feature (L is scale-invariant).
        #[test]
        fn lower_bound_and_orthogonal_gradient(seed in 0u64..1000, n in 2usize..12, d in 1usize..6, t in 0.05f32..2.0) {
            let (f, mut labels) = sample(seed, n, d);
            labels[0] = labels[1];
            let mut s = std::vec![0.0; supcon_scratch_len(n)];
            let mut g = std::vec![0.0; n * d];
            let l = supcon_loss_grad(&f, d, &labels, t, &mut g, &mut s).unwrap() as f64;
            let (mut b, mut a) = (0.0f64, 0usize);
            for i in 0..n {
                let p = (0..n).filter(|&j| j != i && labels[j] == labels[i]).count();
                if p > 0 {
                    b += (p as f64).ln();
                    a += 1;
                }
            }
            proptest::prop_assert!(l >= b / a as f64 - 1e-5, "{} < {}", l, b / a as f64);
            for (fi, gi) in f.chunks(d).zip(g.chunks(d)) {
                let dot: f32 = fi.iter().zip(gi).map(|(x, y)| x * y).sum();
                // f·∂L/∂f = z·g − (g·z) = 0 up to rounding of g = ∂L/∂z, |g| ≲ 2/τ.
                proptest::prop_assert!(dot.abs() <= 1e-5 * 4.0 / t, "{}", dot);
            }
        }
    }

    #[test]
    fn bad_input() {
        let f = [1.0f32, 0.0, 0.0, 1.0, 1.0, 1.0];
        let mut s = [0.0; 6];
        let mut g = [3.0; 6];
        let e = |r: Result<f32, Error>| r.unwrap_err();
        assert!(matches!(
            e(supcon_loss(&f, 2, &[0, 1, 2], 0.1, &mut s)),
            Error::InvalidArgument { what: "labels", .. }
        ));
        assert!(matches!(e(supcon_loss(&f, 2, &[0, 0], 0.1, &mut s)), Error::ShapeMismatch { .. }));
        assert!(matches!(e(supcon_loss(&f, 0, &[0, 0, 0], 0.1, &mut s)), Error::Empty { .. }));
        assert!(matches!(e(supcon_loss(&f, 2, &[], 0.1, &mut s)), Error::Empty { .. }));
        assert!(matches!(
            e(supcon_loss(&f, 2, &[0, 0, 0], 0.0, &mut s)),
            Error::InvalidArgument { what: "temperature", .. }
        ));
        assert!(matches!(
            e(supcon_loss(&f, 2, &[0, 0, 0], f32::NAN, &mut s)),
            Error::InvalidArgument { .. }
        ));
        assert!(matches!(
            e(supcon_loss(&f, 2, &[0, 0, 0], 0.1, &mut s[..5])),
            Error::ShapeMismatch { what: "scratch", .. }
        ));
        assert!(matches!(
            e(supcon_loss(&[0.0, 0.0, 0.0, 1.0, 1.0, 1.0], 2, &[0, 0, 0], 0.1, &mut s)),
            Error::InvalidArgument { what: "features", .. }
        ));
        assert!(matches!(
            e(supcon_loss(&[f32::NAN, 0.0, 0.0, 1.0, 1.0, 1.0], 2, &[0, 0, 0], 0.1, &mut s)),
            Error::NonFinite { .. }
        ));
        assert!(matches!(
            e(supcon_loss_grad(&f, 2, &[0, 1, 2], 0.1, &mut g, &mut s)),
            Error::InvalidArgument { .. }
        ));
        assert!(matches!(
            e(supcon_loss_grad(&f, 2, &[0, 0, 0], 0.1, &mut g[..4], &mut s)),
            Error::ShapeMismatch { what: "grad", .. }
        ));
        assert_eq!(g, [3.0; 6]);
    }
}
