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
/// # Errors
/// [`Error::InvalidArgument`] unless `y.len()` is a power of two.
/// Never inlined: fully unrolled at a constant size it costs kilobytes of
/// flash per call site (≈ 7 KiB at d' = 64 on Cortex-M4), for few instructions saved.
#[inline(never)]
pub fn fwht<T>(y: &mut [T]) -> Result<(), Error>
where
    T: Copy + core::ops::Add<Output = T> + core::ops::Sub<Output = T>,
{
    if !y.len().is_power_of_two() {
        return Err(Error::InvalidArgument { what: "fwht length", expected: "a power of two" });
    }
    butterflies(y, |u, v| {
        let (p, q) = (*u, *v);
        *u = p + q;
        *v = p - q;
    });
    Ok(())
}

/// The fast transform's passes over `y` (a power-of-two length): for
/// `h = 1, 2, 4, …` every pair `(y[i], y[i + h])` of each block of `2h`
/// goes through `butterfly` (`(p, q) ← (p + q, p − q)`).
#[inline(always)]
fn butterflies<T>(y: &mut [T], mut butterfly: impl FnMut(&mut T, &mut T)) {
    let n = y.len();
    let mut h = 1;
    while h < n {
        for block in y.chunks_exact_mut(2 * h) {
            let (a, b) = block.split_at_mut(h);
            for (u, v) in a.iter_mut().zip(b.iter_mut()) {
                butterfly(u, v);
            }
        }
        h *= 2;
    }
}

/// Writes `k·d'` signs (±1.0, row-major `[k, d']`) drawn from `seed` the way the
/// seeded hash regenerates them.
///
/// # Errors
/// [`Error::Empty`] for `dp == 0`; [`Error::InvalidArgument`] unless `signs.len()` is a multiple of `dp`.
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
        return Err(Error::InvalidArgument { what: "d'", expected: "a power of two >= d" });
    }
    check_len("scratch", dp, scratch.len())?;
    finite("x", x)
}

/// Stored signs: a positive multiple of `dp` values, each exactly ±1.0.
fn check_signs(signs: &[f32], dp: usize) -> Result<(), Error> {
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
    Ok(())
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
/// # Errors
/// Empty `x`, `d'` not a power of two ≥ d, `signs.len()` not a positive
/// multiple of `d'`, a sign other than ±1 ([`Error::InvalidArgument`]),
/// `scratch.len() != d'`, non-finite `x`.
pub fn crosspolytope_bucket(
    x: &[f32],
    signs: &[f32],
    dp: usize,
    scratch: &mut [f32],
) -> Result<u32, Error> {
    check_common(x, dp, scratch)?;
    check_signs(signs, dp)?;
    let k = signs.len() / dp;
    Ok(bucket_core(x, k, scratch, |r, w| {
        let row = signs.get(r * dp + w * 32..).unwrap_or(&[]);
        row.iter().take(32).enumerate().fold(0u32, |m, (t, &s)| m | (((s > 0.0) as u32) << t))
    }))
}

/// Rows rotated side by side by [`crosspolytope_bucket_batch`]: eight f32
/// lanes, one AVX2 register (two SSE registers on the baseline x86-64).
pub const BATCH_LANES: usize = 8;

/// Scratch length of [`crosspolytope_bucket_batch`] for padded dimension `dp`.
pub const fn batch_scratch_len(dp: usize) -> usize {
    BATCH_LANES * dp
}

/// Cross-polytope buckets of the rows of `xs` (`[n, d]`, `n = out.len()`),
/// with stored signs `[k, d']`: for every row the bucket
/// [`crosspolytope_bucket`] gives, bit for bit. Rows are rotated
/// [`BATCH_LANES`] at a time, side by side in `scratch` (`[d', BATCH_LANES]`,
/// lane `j` = row `j` of the group), so that every step of the transform is
/// one wide operation over eight rows — the same operations, in the same
/// order, as for one row, so the rounding is the same.
///
/// Inlined, so that a caller compiled with wider vectors (the host's AVX2
/// build, `plasticore-host`'s `simd` module) gets them here too.
///
/// # Errors
/// As [`crosspolytope_bucket`] for the sizes and signs; [`Error::ShapeMismatch`] for `xs.len()
/// != n·d` or `scratch.len() != BATCH_LANES·d'`; [`Error::NonFinite`] in `xs`. `out` is
/// untouched on error.
#[inline(always)]
pub fn crosspolytope_bucket_batch(
    xs: &[f32],
    d: usize,
    signs: &[f32],
    dp: usize,
    scratch: &mut [f32],
    out: &mut [u32],
) -> Result<(), Error> {
    check_nonempty("d", d)?;
    if !dp.is_power_of_two() || dp < d {
        return Err(Error::InvalidArgument { what: "d'", expected: "a power of two >= d" });
    }
    let n = out.len();
    let len = n
        .checked_mul(d)
        .ok_or(Error::InvalidArgument { what: "xs", expected: "n·d values that fit in memory" })?;
    check_len("xs", len, xs.len())?;
    check_len("scratch", batch_scratch_len(dp), scratch.len())?;
    check_signs(signs, dp)?;
    finite("xs", xs)?;
    let k = signs.len() / dp;
    let inv = 1.0 / sqrt(dp as f32);
    let (y, _) = scratch.as_chunks_mut::<BATCH_LANES>();
    for (g, buckets) in out.chunks_mut(BATCH_LANES).enumerate() {
        // `xs.len() = n·d` was checked, so no product here overflows.
        let rows = xs.get(g * BATCH_LANES * d..).unwrap_or(&[]);
        // y[i][j] = x_j[i], zero-padded (lanes past the last row stay 0).
        y.iter_mut().for_each(|v| *v = [0.0; BATCH_LANES]);
        for (j, x) in rows.chunks_exact(d).take(buckets.len()).enumerate() {
            for (v, &xi) in y.iter_mut().zip(x) {
                if let Some(l) = v.get_mut(j) {
                    *l = xi;
                }
            }
        }
        for r in 0..k {
            let round = signs.get(r * dp..(r + 1) * dp).unwrap_or(&[]);
            for (v, &s) in y.iter_mut().zip(round) {
                if s < 0.0 {
                    v.iter_mut().for_each(|l| *l = -*l);
                }
            }
            fwht_lanes(y);
            y.iter_mut().flatten().for_each(|l| *l *= inv);
        }
        // argmax |y_i| per lane, first on ties, as `bucket_core`.
        let mut best = [-1.0f32; BATCH_LANES];
        let mut arg = [0usize; BATCH_LANES];
        for (i, v) in y.iter().enumerate() {
            for ((b, a), &l) in best.iter_mut().zip(arg.iter_mut()).zip(v) {
                if abs(l) > *b {
                    *b = abs(l);
                    *a = i;
                }
            }
        }
        for (j, o) in buckets.iter_mut().enumerate() {
            let a = arg.get(j).copied().unwrap_or(0);
            let pos = y.get(a).and_then(|v| v.get(j)).is_some_and(|&v| v > 0.0);
            *o = (if pos { a } else { a + dp }) as u32;
        }
    }
    Ok(())
}

/// [`fwht`] on every lane of `y` at once (`y.len()` a power of two).
#[inline(always)]
fn fwht_lanes(y: &mut [[f32; BATCH_LANES]]) {
    butterflies(y, |u, v| {
        for (p, q) in u.iter_mut().zip(v.iter_mut()) {
            let (s, t) = (*p, *q);
            *p = s + t;
            *q = s - t;
        }
    });
}

/// Cross-polytope bucket with `k` rounds of signs regenerated from `seed` (the
/// signs of [`crosspolytope_signs`]); zero bytes of signs stored.
///
/// # Errors
/// As [`crosspolytope_bucket`], and [`Error::Empty`] for `k == 0`.
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
        words.as_flattened_mut().iter_mut().for_each(|w| *w = rng.next());
        if DP < 32 {
            // Only the low DP bits are used; clear the rest so equal families compare equal.
            words.as_flattened_mut().iter_mut().for_each(|w| *w &= (1u32 << DP) - 1);
        }
        CrossPolytope { words }
    }

    /// Bucket in `[0, 2·DP)` of `x` (`x.len() ≤ DP`), with `scratch` holding the rotated vector.
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty `x`, [`Error::ShapeMismatch`] for one longer than `D`, [`Error::NonFinite`] in `x`.
    pub fn bucket(&self, x: &[f32], scratch: &mut [f32; DP]) -> Result<u32, Error> {
        let () = Self::CHECK;
        check_common(x, DP, scratch)?;
        Ok(bucket_core(x, K, scratch, |r, w| {
            self.words.get(r).and_then(|row| row.get(w)).copied().unwrap_or(0)
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

    /// Bucket in `[0, 2·DP)` of `x` (`x.len() ≤ DP`).
    ///
    /// # Errors
    /// As [`CrossPolytope::bucket`].
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
            let e: f32 =
                (0..n).map(|j| if (i & j).count_ones() % 2 == 0 { x[j] } else { -x[j] }).sum();
            assert_eq!(yi, e);
        }
        assert!(fwht(&mut [0.0; 6]).is_err());
    }

    /// The batch gives each row's one-at-a-time bucket, at every group size
    /// 1..=8 in the last group, for d < d' and d = d', huge and tiny values;
    /// bad input is refused with `out` untouched.
    #[test]
    fn batch_equals_one_at_a_time() {
        let mut rng = Rng::new(21);
        for (d, dp, k) in [(64, 64, 3), (37, 64, 2), (5, 8, 1), (1, 1, 2)] {
            let mut sbuf = [0.0f32; 3 * 64];
            let signs = &mut sbuf[..k * dp];
            crosspolytope_signs(7, dp, signs).unwrap();
            for n in [0, 1, 7, 8, 9, 23] {
                let mut xbuf = [0.0f32; 23 * 64];
                let xs = &mut xbuf[..n * d];
                rng.fill_normal(xs);
                if let Some(v) = xs.get_mut(3) {
                    *v = 3.0e38;
                }
                if let Some(v) = xs.get_mut(d) {
                    *v = 1.0e-40;
                }
                let mut obuf = [u32::MAX; 23];
                let out = &mut obuf[..n];
                let mut scratch = [0.0f32; batch_scratch_len(64)];
                let scratch = &mut scratch[..batch_scratch_len(dp)];
                crosspolytope_bucket_batch(xs, d, signs, dp, scratch, out).unwrap();
                let mut ybuf = [0.0f32; 64];
                let y = &mut ybuf[..dp];
                for (x, &b) in xs.chunks_exact(d).zip(out.iter()) {
                    assert_eq!(crosspolytope_bucket(x, signs, dp, y).unwrap(), b);
                }
            }
        }
        let mut signs = [0.0f32; 16];
        crosspolytope_signs(7, 8, &mut signs).unwrap();
        let xs = [0.5f32; 3 * 5];
        let mut scratch = [0.0f32; 8 * 8];
        let mut out = [9u32; 3];
        let mut nan = xs;
        nan[7] = f32::NAN;
        // (xs, d, signs, d', scratch length)
        type Call<'a> = (&'a [f32], usize, &'a [f32], usize, usize);
        let bad: [Call<'_>; 6] = [
            (&xs, 5, &signs, 6, 64),      // d' not a power of two
            (&xs, 5, &signs, 4, 32),      // d' < d
            (&xs[1..], 5, &signs, 8, 64), // xs not n·d
            (&xs, 5, &signs[1..], 8, 64), // signs not [k, d']
            (&xs, 5, &signs, 8, 63),      // scratch
            (&nan, 5, &signs, 8, 64),     // non-finite
        ];
        for (x, d, s, dp, sl) in bad {
            assert!(crosspolytope_bucket_batch(x, d, s, dp, &mut scratch[..sl], &mut out).is_err());
            assert_eq!(out, [9; 3]);
        }
        let mut zero = signs;
        zero[2] = 0.0;
        assert!(crosspolytope_bucket_batch(&xs, 5, &zero, 8, &mut scratch, &mut out).is_err());
        assert!(crosspolytope_bucket_batch(&xs, 0, &signs, 8, &mut scratch, &mut out).is_err());
        assert_eq!(out, [9; 3]);
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
        assert_eq!(crosspolytope_bucket(&[0.0, 1.0, 0.0, 0.0], &s, 4, &mut y).unwrap(), 0);
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
