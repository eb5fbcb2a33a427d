//! Cross-polytope LSH (Andoni, Indyk, Laarhoven, Razenshteyn, Schmidt 2015,
//! "Practical and optimal LSH for angular distance", NeurIPS; as in FALCONN).
//!
//! `y` is `x` zero-padded to `d'` (a power of two ≥ d). A pseudo-random rotation
//! is `k` rounds of `y ← H (s_r ⊙ y) / √d'`, with `s_r ∈ {±1}^{d'}` and `H` the
//! Walsh–Hadamard matrix in Sylvester (natural) order, `H_ij = (−1)^{popcount(i & j)}`,
//! applied by the in-place fast transform in `d' log₂ d'` additions. The bucket
//! is the closest signed basis vector: `i = argmax |y_i|` (first on ties), and the
//! bucket is `i` if `y_i > 0`, else `i + d'` — so `2d'` buckets.
//!
//! Only the `k·d'` signs are needed: stored as `±1.0` (the `lsh.crosspolytope`
//! contract), packed one bit each ([`CrossPolytope`], bit 1 = +1), or regenerated
//! from a seed ([`SeededCrossPolytope`]): round `r` draws `ceil(d'/32)` words of
//! [`Rng::next`], and sign `i` is bit `i % 32` of word `i / 32` (1 → +1). All
//! three give the same buckets bit for bit (negation is exact).

use super::finite;
use crate::error::{check_len, check_nonempty, Error};
use crate::math::{abs, sqrt};
use crate::rng::Rng;

/// In-place unnormalised fast Walsh–Hadamard transform in Sylvester order:
/// `y ← H y` with `H_ij = (−1)^{popcount(i & j)}`, on f32 or (the integer
/// cross-polytope) i32 — whose callers bound the magnitudes so nothing overflows.
///
/// Errors: [`Error::InvalidArgument`] unless `y.len()` is a power of two.
///
/// Never inlined: fully unrolled at a constant size it costs kilobytes of
/// flash per call site (≈ 7 KiB at d' = 64 on Cortex-M4), for few instructions saved.
#[inline(never)]
pub fn fwht<T>(y: &mut [T]) -> Result<(), Error>
where
    T: Copy + core::ops::Add<Output = T> + core::ops::Sub<Output = T>,
{
    if !y.len().is_power_of_two() {
        return Err(Error::InvalidArgument {
            what: "fwht length",
            expected: "a power of two",
        });
    }
    let n = y.len();
    let mut h = 1;
    while h < n {
        for block in y.chunks_exact_mut(2 * h) {
            let (a, b) = block.split_at_mut(h);
            for (u, v) in a.iter_mut().zip(b.iter_mut()) {
                let (p, q) = (*u, *v);
                *u = p + q;
                *v = p - q;
            }
        }
        h *= 2;
    }
    Ok(())
}

/// Writes `k·d'` signs (±1.0, row-major `[k, d']`) drawn from `seed` the way the
/// seeded hash regenerates them. Errors unless `signs.len()` is a multiple of `dp`.
pub fn crosspolytope_signs(seed: u64, dp: usize, signs: &mut [f32]) -> Result<(), Error> {
    check_nonempty("dp", dp)?;
    if !signs.len().is_multiple_of(dp) {
        return Err(Error::InvalidArgument {
            what: "signs",
            expected: "a length that is a multiple of d'",
        });
    }
    let mut rng = Rng::new(seed);
    for row in signs.chunks_exact_mut(dp) {
        for chunk in row.chunks_mut(32) {
            let w = rng.next();
            for (t, s) in chunk.iter_mut().enumerate() {
                *s = if (w >> t) & 1 == 1 { 1.0 } else { -1.0 };
            }
        }
    }
    Ok(())
}

fn check_common(x: &[f32], dp: usize, scratch: &[f32]) -> Result<(), Error> {
    check_nonempty("x", x.len())?;
    if !dp.is_power_of_two() || dp < x.len() {
        return Err(Error::InvalidArgument {
            what: "d'",
            expected: "a power of two >= d",
        });
    }
    check_len("scratch", dp, scratch.len())?;
    finite("x", x)
}

/// The rotation and bucket, with sign words supplied round by round
/// (`word(r, w)`, called in order r = 0.., w = 0..ceil(d'/32)).
fn bucket_core(
    x: &[f32],
    k: usize,
    y: &mut [f32],
    mut word: impl FnMut(usize, usize) -> u32,
) -> u32 {
    let dp = y.len();
    y.iter_mut().for_each(|v| *v = 0.0);
    y.iter_mut().zip(x).for_each(|(v, &xi)| *v = xi);
    let inv = 1.0 / sqrt(dp as f32);
    for r in 0..k {
        for (w, chunk) in y.chunks_mut(32).enumerate() {
            let bits = word(r, w);
            for (t, v) in chunk.iter_mut().enumerate() {
                if (bits >> t) & 1 == 0 {
                    *v = -*v;
                }
            }
        }
        // Length is a power of two (checked by callers).
        let _ = fwht(y);
        y.iter_mut().for_each(|v| *v *= inv);
    }
    let mut best = -1.0f32;
    let mut arg = 0usize;
    for (i, &v) in y.iter().enumerate() {
        if abs(v) > best {
            best = abs(v);
            arg = i;
        }
    }
    let pos = y.get(arg).is_some_and(|&v| v > 0.0);
    (if pos { arg } else { arg + dp }) as u32
}

/// Cross-polytope bucket of `x` (length `d`) with stored signs `[k, d']` (each
/// exactly +1.0 or −1.0). `scratch` has length `d'` and holds the rotated vector
/// afterwards. Result in `[0, 2d')`.
///
/// ```
/// use plasticore::lsh::crosspolytope::crosspolytope_bucket;
/// // d' = 2, one round with s = (1, 1): y = H x / √2 = (x0 + x1, x0 − x1) / √2.
/// let mut y = [0.0; 2];
/// assert_eq!(crosspolytope_bucket(&[1.0, 0.2], &[1.0, 1.0], 2, &mut y).unwrap(), 0);
/// assert_eq!(crosspolytope_bucket(&[-0.2, 1.0], &[1.0, 1.0], 2, &mut y).unwrap(), 3);
/// ```
///
/// Errors: empty `x`, `d'` not a power of two ≥ d, `signs.len()` not a positive
/// multiple of `d'`, a sign other than ±1 ([`Error::InvalidArgument`]),
/// `scratch.len() != d'`, non-finite `x`.
pub fn crosspolytope_bucket(
    x: &[f32],
    signs: &[f32],
    dp: usize,
    scratch: &mut [f32],
) -> Result<u32, Error> {
    check_common(x, dp, scratch)?;
    check_nonempty("signs", signs.len())?;
    if !signs.len().is_multiple_of(dp) {
        return Err(Error::InvalidArgument {
            what: "signs",
            expected: "shape [k, d'] with d' the padded dimension",
        });
    }
    if signs.iter().any(|&s| s != 1.0 && s != -1.0) {
        return Err(Error::InvalidArgument {
            what: "signs",
            expected: "every sign exactly +1.0 or -1.0",
        });
    }
    let k = signs.len() / dp;
    Ok(bucket_core(x, k, scratch, |r, w| {
        let row = signs.get(r * dp + w * 32..).unwrap_or(&[]);
        row.iter()
            .take(32)
            .enumerate()
            .fold(0u32, |m, (t, &s)| m | (((s > 0.0) as u32) << t))
    }))
}

/// Cross-polytope bucket with `k` rounds of signs regenerated from `seed` (the
/// signs of [`crosspolytope_signs`]); zero bytes of signs stored.
///
/// Errors: as [`crosspolytope_bucket`], and `k == 0`.
pub fn crosspolytope_bucket_seeded(
    x: &[f32],
    seed: u64,
    k: usize,
    scratch: &mut [f32],
) -> Result<u32, Error> {
    let dp = scratch.len();
    check_common(x, dp, scratch)?;
    check_nonempty("k", k)?;
    let mut rng = Rng::new(seed);
    Ok(bucket_core(x, k, scratch, |_, _| rng.next()))
}

/// Cross-polytope LSH with `K` rounds of signs packed one bit each (`W` words
/// per round, `W = ceil(DP/32)`, checked at compile time): `DP/8` bytes per round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossPolytope<const DP: usize, const K: usize, const W: usize> {
    /// `words[r][w]` bit `t`: sign of element `32w + t` in round `r` (1 → +1).
    pub words: [[u32; W]; K],
}

impl<const DP: usize, const K: usize, const W: usize> CrossPolytope<DP, K, W> {
    const CHECK: () = assert!(DP.is_power_of_two() && K > 0 && W == DP.div_ceil(32));

    /// Signs drawn from `seed` (identical to [`SeededCrossPolytope::new`]`(seed)`).
    pub fn new(seed: u64) -> Self {
        let () = Self::CHECK;
        let mut rng = Rng::new(seed);
        let mut words = [[0u32; W]; K];
        words
            .as_flattened_mut()
            .iter_mut()
            .for_each(|w| *w = rng.next());
        if DP < 32 {
            // Only the low DP bits are used; clear the rest so equal families compare equal.
            words
                .as_flattened_mut()
                .iter_mut()
                .for_each(|w| *w &= (1u32 << DP) - 1);
        }
        CrossPolytope { words }
    }

    /// Bucket in `[0, 2·DP)` of `x` (`x.len() ≤ DP`), with `scratch` holding the rotated vector.
    ///
    /// Errors: empty or too long `x`, non-finite `x`.
    pub fn bucket(&self, x: &[f32], scratch: &mut [f32; DP]) -> Result<u32, Error> {
        let () = Self::CHECK;
        check_common(x, DP, scratch)?;
        Ok(bucket_core(x, K, scratch, |r, w| {
            self.words
                .get(r)
                .and_then(|row| row.get(w))
                .copied()
                .unwrap_or(0)
        }))
    }
}

/// Cross-polytope LSH with `K` rounds of signs regenerated from a seed on every
/// call; the buckets of [`CrossPolytope::new`]`(seed)` bit for bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeededCrossPolytope<const DP: usize, const K: usize> {
    /// The seed of [`Rng::new`].
    pub seed: u64,
}

impl<const DP: usize, const K: usize> SeededCrossPolytope<DP, K> {
    /// The family drawn from `seed`.
    pub const fn new(seed: u64) -> Self {
        SeededCrossPolytope { seed }
    }

    /// Bucket in `[0, 2·DP)` of `x` (`x.len() ≤ DP`). Errors as [`CrossPolytope::bucket`].
    pub fn bucket(&self, x: &[f32], scratch: &mut [f32; DP]) -> Result<u32, Error> {
        const { assert!(DP.is_power_of_two() && K > 0) };
        crosspolytope_bucket_seeded(x, self.seed, K, scratch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fwht_matches_sylvester_matrix() {
        let n = 8;
        let x: [f32; 8] = [1.0, -2.0, 3.0, 0.5, 0.0, 4.0, -1.0, 2.0];
        let mut y = x;
        fwht(&mut y).unwrap();
        for (i, &yi) in y.iter().enumerate() {
            let e: f32 = (0..n)
                .map(|j| {
                    if (i & j).count_ones() % 2 == 0 {
                        x[j]
                    } else {
                        -x[j]
                    }
                })
                .sum();
            assert_eq!(yi, e);
        }
        assert!(fwht(&mut [0.0; 6]).is_err());
    }

    #[test]
    fn stored_packed_and_seeded_agree() {
        let mut signs = [0.0f32; 3 * 64];
        crosspolytope_signs(11, 64, &mut signs).unwrap();
        let packed = CrossPolytope::<64, 3, 2>::new(11);
        let seeded = SeededCrossPolytope::<64, 3>::new(11);
        let mut rng = Rng::new(4);
        let mut seen = [false; 128];
        for _ in 0..300 {
            let mut x = [0.0f32; 50];
            rng.fill_normal(&mut x);
            let mut y = [0.0; 64];
            let a = crosspolytope_bucket(&x, &signs, 64, &mut y).unwrap();
            assert_eq!(packed.bucket(&x, &mut y).unwrap(), a);
            assert_eq!(seeded.bucket(&x, &mut y).unwrap(), a);
            assert_eq!(crosspolytope_bucket_seeded(&x, 11, 3, &mut y).unwrap(), a);
            assert!(a < 128);
            seen[a as usize] = true;
        }
        // The buckets spread over many of the 128.
        assert!(seen.iter().filter(|&&s| s).count() > 60);
        // Small d' (< 32 bits per round) works too.
        let small = CrossPolytope::<4, 2, 1>::new(3);
        let mut s4 = [0.0f32; 8];
        crosspolytope_signs(3, 4, &mut s4).unwrap();
        let mut y = [0.0; 4];
        let x = [0.3, -1.0, 0.2];
        let b = crosspolytope_bucket(&x, &s4, 4, &mut y).unwrap();
        assert_eq!(small.bucket(&x, &mut y).unwrap(), b);
    }

    #[test]
    fn basis_vectors_hash_to_themselves_under_identity_like_rotation() {
        // One round with all-+1 signs on d' = 4: y = H e_i / 2 has all |y_j| = 1/2,
        // so the first index wins and its sign is that of H_0i = +1.
        let mut y = [0.0; 4];
        let s = [1.0f32; 4];
        assert_eq!(
            crosspolytope_bucket(&[0.0, 1.0, 0.0, 0.0], &s, 4, &mut y).unwrap(),
            0
        );
        // x = (1, 1, 1, 1): y = (2, 0, 0, 0).
        assert_eq!(crosspolytope_bucket(&[1.0; 4], &s, 4, &mut y).unwrap(), 0);
        assert_eq!(crosspolytope_bucket(&[-1.0; 4], &s, 4, &mut y).unwrap(), 4);
    }

    #[test]
    fn bad_inputs() {
        let mut y = [0.0; 4];
        let s = [1.0f32; 8];
        assert!(crosspolytope_bucket(&[], &s, 4, &mut y).is_err());
        assert!(crosspolytope_bucket(&[1.0; 5], &s, 4, &mut y).is_err());
        assert!(crosspolytope_bucket(&[1.0; 3], &s, 3, &mut y[..3]).is_err());
        assert!(crosspolytope_bucket(&[1.0; 3], &s[..6], 4, &mut y).is_err());
        assert!(crosspolytope_bucket(&[1.0; 3], &s, 4, &mut [0.0; 8]).is_err());
        assert!(crosspolytope_bucket(&[1.0; 3], &[0.5; 4], 4, &mut y).is_err());
        assert!(crosspolytope_bucket(&[1.0, f32::NAN], &s, 4, &mut y).is_err());
        assert!(crosspolytope_bucket(&[1.0; 3], &[], 4, &mut y).is_err());
        assert!(crosspolytope_bucket_seeded(&[1.0; 3], 1, 0, &mut y).is_err());
        assert!(crosspolytope_signs(1, 4, &mut [0.0; 6]).is_err());
        let c = CrossPolytope::<4, 1, 1>::new(1);
        assert!(c.bucket(&[1.0; 5], &mut y).is_err());
    }
}
