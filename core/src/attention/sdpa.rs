//! Scaled dot-product attention (Vaswani et al. 2017, "Attention Is All You
//! Need", eq. 1), multi-head over head-major slices:
//!
//! out[h, i, :] = Σ_j softmax_j(q[h,i,:]·k[h,j,:] / √d) · v[h, j, :],
//!
//! with the causal mask keeping keys j ≤ i (top-left aligned, as PyTorch's
//! `is_causal=True`). Computed with a streaming softmax (see
//! [`crate::attention`]): no scores are stored and no scratch is needed.

use super::{mul, Online};
use crate::error::{check_finite, check_len, check_nonempty, Error};
use crate::linalg::dot_unchecked;
use crate::math;
use crate::slices::{rows, rows_mut};

/// Sizes of a multi-head [`sdpa`] call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SdpaShape {
    /// Number of heads h.
    pub heads: usize,
    /// Queries per head n.
    pub n: usize,
    /// Keys (and values) per head m.
    pub m: usize,
    /// Query/key width d (the scale is 1/√d).
    pub d: usize,
    /// Value width dv.
    pub dv: usize,
}

impl SdpaShape {
    /// Lengths of (q, k, v, out) = (h·n·d, h·m·d, h·m·dv, h·n·dv); errors on a zero size or overflow.
    ///
    /// # Errors
    /// [`Error::Empty`] if a size is 0; [`Error::InvalidArgument`] if a length overflows
    /// `usize`.
    pub fn lens(&self) -> Result<(usize, usize, usize, usize), Error> {
        check_nonempty("heads", self.heads)?;
        check_nonempty("n (queries)", self.n)?;
        check_nonempty("m (keys)", self.m)?;
        check_nonempty("d", self.d)?;
        check_nonempty("dv", self.dv)?;
        let hn = mul("heads * n", self.heads, self.n)?;
        let hm = mul("heads * m", self.heads, self.m)?;
        Ok((
            mul("q length", hn, self.d)?,
            mul("k length", hm, self.d)?,
            mul("v length", hm, self.dv)?,
            mul("out length", hn, self.dv)?,
        ))
    }
}

/// Scaled dot-product attention for all heads: q `[h, n, d]`, k `[h, m, d]`,
/// v `[h, m, dv]`, out `[h, n, dv]`, all row-major.
///
/// Scratch: none; the per-query state is two scalars plus the output row.
/// Work: h·n·m·(d + dv) multiply-adds and h·n·m `exp` (half with `causal`).
///
/// # Errors
/// [`Error::Empty`] for a zero size, [`Error::ShapeMismatch`] for a
/// slice of the wrong length, [`Error::NonFinite`] for NaN/∞ in q, k or v.
/// On error `out` is untouched.
/// ```
/// use plasticore::attention::{sdpa, SdpaShape};
/// let shape = SdpaShape { heads: 1, n: 1, m: 2, d: 1, dv: 1 };
/// let mut out = [0.0];
/// sdpa(&[0.0], &[1.0, -1.0], &[2.0, 4.0], shape, false, &mut out).unwrap();
/// assert_eq!(out, [3.0]); // equal logits: the mean of the values
/// ```
pub fn sdpa(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    shape: SdpaShape,
    causal: bool,
    out: &mut [f32],
) -> Result<(), Error> {
    let (lq, lk, lv, lo) = shape.lens()?;
    check_len("q ([heads, n, d])", lq, q.len())?;
    check_len("k ([heads, m, d])", lk, k.len())?;
    check_len("v ([heads, m, dv])", lv, v.len())?;
    check_len("out ([heads, n, dv])", lo, out.len())?;
    check_finite("q", q)?;
    check_finite("k", k)?;
    check_finite("v", v)?;
    let SdpaShape { n, m, d, dv, .. } = shape;
    let scale = 1.0 / math::sqrt(d as f32);
    let heads = rows(q, n * d).zip(rows(k, m * d)).zip(rows(v, m * dv)).zip(rows_mut(out, n * dv));
    for (((qh, kh), vh), oh) in heads {
        for (i, (qi, oi)) in rows(qh, d).zip(rows_mut(oh, dv)).enumerate() {
            oi.iter_mut().for_each(|a| *a = 0.0);
            let keys = if causal { (i + 1).min(m) } else { m };
            let mut st = Online::EMPTY;
            for (kj, vj) in rows(kh, d).zip(rows(vh, dv)).take(keys) {
                st.push(dot_unchecked(qi, kj) * scale, vj, oi);
            }
            st.finish(oi);
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    extern crate std;
    use super::*;
    use crate::rng::Rng;
    use std::vec::Vec;

    /// Two-pass softmax attention in f64 for one head.
    pub(crate) fn reference(
        q: &[f32],
        k: &[f32],
        v: &[f32],
        s: SdpaShape,
        causal: bool,
    ) -> Vec<f64> {
        let mut out = std::vec![0.0f64; s.heads * s.n * s.dv];
        for h in 0..s.heads {
            for i in 0..s.n {
                let qi = &q[(h * s.n + i) * s.d..][..s.d];
                let keys = if causal { (i + 1).min(s.m) } else { s.m };
                let logits: Vec<f64> = (0..keys)
                    .map(|j| {
                        let kj = &k[(h * s.m + j) * s.d..][..s.d];
                        qi.iter().zip(kj).map(|(&a, &b)| a as f64 * b as f64).sum::<f64>()
                            / (s.d as f64).sqrt()
                    })
                    .collect();
                let mx = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let z: f64 = logits.iter().map(|&l| (l - mx).exp()).sum();
                for (j, &l) in logits.iter().enumerate() {
                    let p = (l - mx).exp() / z;
                    for e in 0..s.dv {
                        out[(h * s.n + i) * s.dv + e] += p * v[(h * s.m + j) * s.dv + e] as f64;
                    }
                }
            }
        }
        out
    }

    pub(crate) fn random(seed: u64, len: usize, scale: f32) -> Vec<f32> {
        let mut r = Rng::new(seed);
        (0..len).map(|_| r.normal() * scale).collect()
    }

    #[test]
    fn matches_two_pass_f64_reference() {
        for &(causal, s) in &[
            (false, SdpaShape { heads: 2, n: 5, m: 7, d: 9, dv: 3 }),
            (true, SdpaShape { heads: 3, n: 6, m: 4, d: 16, dv: 8 }),
            (true, SdpaShape { heads: 1, n: 33, m: 33, d: 32, dv: 32 }),
        ] {
            let q = random(1, s.heads * s.n * s.d, 2.0);
            let k = random(2, s.heads * s.m * s.d, 2.0);
            let v = random(3, s.heads * s.m * s.dv, 1.0);
            let mut out = std::vec![f32::NAN; s.heads * s.n * s.dv];
            sdpa(&q, &k, &v, s, causal, &mut out).unwrap();
            let want = reference(&q, &k, &v, s, causal);
            for (a, w) in out.iter().zip(&want) {
                assert!(
                    (*a as f64 - w).abs() < super::super::test_tol() * (1.0 + w.abs()),
                    "{a} vs {w}"
                );
            }
        }
    }

    #[test]
    fn causal_first_query_copies_first_value() {
        let s = SdpaShape { heads: 1, n: 2, m: 2, d: 1, dv: 2 };
        let mut out = [0.0; 4];
        sdpa(&[1.0, 1.0], &[5.0, -5.0], &[1.0, 2.0, 3.0, 4.0], s, true, &mut out).unwrap();
        assert_eq!(&out[..2], &[1.0, 2.0]);
    }

    #[test]
    fn huge_logits_do_not_overflow() {
        let s = SdpaShape { heads: 1, n: 1, m: 3, d: 1, dv: 1 };
        let mut out = [0.0];
        sdpa(&[1e19], &[1e19, -1e19, 1e18], &[1.0, 2.0, 3.0], s, false, &mut out).unwrap();
        assert_eq!(out, [1.0]);
    }

    #[test]
    fn bad_inputs_are_errors_and_leave_out_untouched() {
        let s = SdpaShape { heads: 2, n: 2, m: 3, d: 2, dv: 1 };
        let q = [0.0; 8];
        let k = [0.0; 12];
        let v = [0.0; 6];
        let mut out = [7.0; 4];
        assert!(matches!(
            sdpa(&q[..7], &k, &v, s, false, &mut out),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            sdpa(&q, &k[..6], &v, s, false, &mut out),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            sdpa(&q, &k, &v[..3], s, false, &mut out),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            sdpa(&q, &k, &v, s, false, &mut out[..3]),
            Err(Error::ShapeMismatch { .. })
        ));
        let z = SdpaShape { heads: 0, ..s };
        assert_eq!(sdpa(&[], &[], &[], z, false, &mut []), Err(Error::Empty { what: "heads" }));
        let mut kk = k;
        kk[5] = f32::NAN;
        assert_eq!(
            sdpa(&q, &kk, &v, s, false, &mut out),
            Err(Error::NonFinite { what: "k", index: 5 })
        );
        let huge = SdpaShape { heads: usize::MAX, n: 2, m: 2, d: 2, dv: 2 };
        assert!(matches!(
            sdpa(&q, &k, &v, huge, false, &mut out),
            Err(Error::InvalidArgument { .. })
        ));
        assert_eq!(out, [7.0; 4]);
    }
}
