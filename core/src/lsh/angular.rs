//! Reformer's angular LSH (Kitaev et al. 2020, §2): with a random projection
//! R of shape [d, b/2], h(x) = argmax over concat(xR, −xR), a bucket in [0, b).
//! Several rounds use independent R's. Ties go to the first index.
//!
//! Multi-round: `rotations` is a `[d, rounds, b/2]` row-major tensor (the
//! `lsh.angular` contract); [`angular_hash`] returns one bucket per round,
//! without round offsets. Rotations are stored, or regenerated from a seed
//! ([`angular_hash_seeded`]) as N(0, 1) draws of [`Rng`] in the same memory
//! order as [`angular_rotations`] writes them — identical buckets either way.

use super::{finite, project_rows};
use crate::error::{check_len, check_nonempty, Error};
use crate::rng::Rng;

/// Bucket of `x` (length `d`) for one round.
///
/// `rot` holds the round's projection, element (i, j) of R at `rot[i * stride + j]`
/// for i < d, j < half (so a `[d, rounds, half]` tensor is read with
/// `stride = rounds * half` starting at offset `r * half`). The result is in
/// `[0, 2·half)`: j if (xR)_j is the maximum, half + j if −(xR)_j is.
///
/// # Errors
/// [`Error::Empty`] for an empty `x` or `half == 0`; [`Error::ShapeMismatch`] for a `rot` too short for `d` rows of `stride`.
pub fn angular_bucket(x: &[f32], rot: &[f32], stride: usize, half: usize) -> Result<u32, Error> {
    let d = x.len();
    check_nonempty("x", d)?;
    check_nonempty("half", half)?;
    if stride < half {
        return Err(Error::InvalidArgument { what: "stride", expected: "stride >= half" });
    }
    let need = (d - 1).checked_mul(stride).and_then(|n| n.checked_add(half)).unwrap_or(usize::MAX);
    if rot.len() < need {
        check_len("rotations", need, rot.len())?;
    }
    let mut best = f32::NEG_INFINITY;
    let mut arg = 0u32;
    // Positive half first, then the negated half: the first maximum wins.
    for sign in [1.0f32, -1.0] {
        for j in 0..half {
            let mut s = 0.0f32;
            for (i, &xi) in x.iter().enumerate() {
                // In range: i·stride + j < need ≤ rot.len(), checked above.
                s += xi * rot.get(i * stride + j).copied().unwrap_or(0.0);
            }
            let v = sign * s;
            let idx = if sign > 0.0 { j } else { half + j } as u32;
            if v > best || (idx == 0 && v == best) {
                best = v;
                arg = idx;
            }
        }
    }
    Ok(arg)
}

/// Fills `rotations` (row-major `[d, rounds, half]`) with N(0, 1) draws of
/// `Rng::new(seed)` in memory order.
pub fn angular_rotations(seed: u64, rotations: &mut [f32]) {
    Rng::new(seed).fill_normal(rotations);
}

fn check_rounds(x: &[f32], rounds: usize, half: usize, buckets: &[u32]) -> Result<usize, Error> {
    check_nonempty("x", x.len())?;
    check_nonempty("rounds", rounds)?;
    check_nonempty("half", half)?;
    check_len("buckets", rounds, buckets.len())?;
    finite("x", x)?;
    rounds.checked_mul(half).ok_or(Error::InvalidArgument {
        what: "rounds * half",
        expected: "a size that fits in usize",
    })
}

/// Buckets of `x` for every round: `buckets[r] = argmax concat(x R_r, −x R_r)`,
/// each in `[0, 2·half)`, with `R_r[i][j] = rotations[(i·rounds + r)·half + j]`.
///
/// # Errors
/// [`Error::Empty`] for an empty `x`, `rounds == 0` or `half == 0`; [`Error::ShapeMismatch`]
/// for `buckets.len() != rounds` or `rotations.len() != d·rounds·half`; [`Error::NonFinite`] in
/// `x`; `buckets` is untouched then.
pub fn angular_hash(
    x: &[f32],
    rotations: &[f32],
    rounds: usize,
    half: usize,
    buckets: &mut [u32],
) -> Result<(), Error> {
    let stride = check_rounds(x, rounds, half, buckets)?;
    let need = stride.checked_mul(x.len()).ok_or(Error::InvalidArgument {
        what: "d * rounds * half",
        expected: "a size that fits in usize",
    })?;
    check_len("rotations", need, rotations.len())?;
    for (r, b) in buckets.iter_mut().enumerate() {
        *b = angular_bucket(x, rotations.get(r * half..).unwrap_or(&[]), stride, half)?;
    }
    Ok(())
}

/// First index of the maximum of `concat(s, −s)` (the rule of [`angular_bucket`]).
fn argmax_concat(s: &[f32]) -> u32 {
    let half = s.len();
    let mut best = f32::NEG_INFINITY;
    let mut arg = 0u32;
    for sign in [1.0f32, -1.0] {
        for (j, &sj) in s.iter().enumerate() {
            let v = sign * sj;
            let idx = if sign > 0.0 { j } else { half + j } as u32;
            if v > best || (idx == 0 && v == best) {
                best = v;
                arg = idx;
            }
        }
    }
    arg
}

/// [`angular_hash`] with the rotations regenerated from `seed` (the values of
/// [`angular_rotations`]); `scratch` holds `rounds·half` projections. Same buckets
/// bit for bit; no rotation bytes stored.
///
/// # Errors
/// As [`angular_hash`], and [`Error::ShapeMismatch`] for `scratch.len() != rounds·half`.
pub fn angular_hash_seeded(
    x: &[f32],
    seed: u64,
    rounds: usize,
    half: usize,
    scratch: &mut [f32],
    buckets: &mut [u32],
) -> Result<(), Error> {
    let stride = check_rounds(x, rounds, half, buckets)?;
    check_len("scratch", stride, scratch.len())?;
    let mut rng = Rng::new(seed);
    scratch.iter_mut().for_each(|a| *a = 0.0);
    for &xi in x {
        for a in scratch.iter_mut() {
            *a += xi * rng.normal();
        }
    }
    // `half ≥ 1` (checked); `max` keeps the panic out where the check is not inlined.
    for (b, s) in buckets.iter_mut().zip(scratch.chunks_exact(half.max(1))) {
        *b = argmax_concat(s);
    }
    Ok(())
}

/// Angular LSH with stored rotations, sizes fixed at compile time: `D` inputs,
/// `R` rounds, `H = b/2` projections per round (`rot[i][r][j]`, the `[d, rounds, b/2]` layout).
#[derive(Debug, Clone, PartialEq)]
pub struct Angular<const D: usize, const R: usize, const H: usize> {
    /// `rot[i][r][j]`: element (i, j) of round r's projection.
    pub rot: [[[f32; H]; R]; D],
}

impl<const D: usize, const R: usize, const H: usize> Angular<D, R, H> {
    /// Rotations drawn from `seed` (identical to [`SeededAngular::new`]`(seed)`).
    pub fn new(seed: u64) -> Self {
        let mut rot = [[[0.0f32; H]; R]; D];
        angular_rotations(seed, rot.as_flattened_mut().as_flattened_mut());
        Angular { rot }
    }

    /// One bucket in `[0, 2H)` per round, computed with `scratch` holding the
    /// projections.
    ///
    /// # Errors
    /// [`Error::NonFinite`] in `x` (the only error: the sizes are in the type).
    pub fn hash(
        &self,
        x: &[f32; D],
        scratch: &mut [[f32; H]; R],
        buckets: &mut [u32; R],
    ) -> Result<(), Error> {
        const { assert!(D > 0 && R > 0 && H > 0) };
        finite("x", x)?;
        let acc = scratch.as_flattened_mut();
        project_rows(x, self.rot.iter().map(|r| r.as_flattened()), acc);
        for (b, s) in buckets.iter_mut().zip(scratch.iter()) {
            *b = argmax_concat(s);
        }
        Ok(())
    }
}

/// Angular LSH with rotations regenerated from a seed on every call (zero bytes
/// stored); the buckets of [`Angular::new`]`(seed)` bit for bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeededAngular<const D: usize, const R: usize, const H: usize> {
    /// The seed of [`Rng::new`].
    pub seed: u64,
}

impl<const D: usize, const R: usize, const H: usize> SeededAngular<D, R, H> {
    /// The family drawn from `seed`.
    pub const fn new(seed: u64) -> Self {
        SeededAngular { seed }
    }

    /// One bucket in `[0, 2H)` per round.
    ///
    /// # Errors
    /// [`Error::NonFinite`] in `x` (the only error: the sizes are in the type).
    pub fn hash(
        &self,
        x: &[f32; D],
        scratch: &mut [[f32; H]; R],
        buckets: &mut [u32; R],
    ) -> Result<(), Error> {
        const { assert!(D > 0 && R > 0 && H > 0) };
        angular_hash_seeded(x, self.seed, R, H, scratch.as_flattened_mut(), buckets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_round_matches_single_round_and_seeded() {
        let (rounds, half) = (3, 4);
        let mut rot = [0.0f32; 12 * 3 * 4];
        angular_rotations(5, &mut rot);
        let a = Angular::<12, 3, 4>::new(5);
        assert_eq!(a.rot.as_flattened().as_flattened(), &rot[..]);
        let s = SeededAngular::<12, 3, 4>::new(5);
        let mut rng = Rng::new(2);
        for _ in 0..100 {
            let mut x = [0.0f32; 12];
            rng.fill_normal(&mut x);
            let mut b = [0u32; 3];
            angular_hash(&x, &rot, rounds, half, &mut b).unwrap();
            for r in 0..rounds {
                assert_eq!(
                    b[r],
                    angular_bucket(&x, &rot[r * half..], rounds * half, half).unwrap()
                );
                assert!(b[r] < 2 * half as u32);
            }
            let (mut b2, mut b3) = ([0u32; 3], [0u32; 3]);
            let mut sc = [[0.0f32; 4]; 3];
            a.hash(&x, &mut sc, &mut b2).unwrap();
            s.hash(&x, &mut sc, &mut b3).unwrap();
            assert_eq!(b, b2);
            assert_eq!(b, b3);
            let mut b4 = [0u32; 3];
            angular_hash_seeded(&x, 5, rounds, half, &mut [0.0; 12], &mut b4).unwrap();
            assert_eq!(b, b4);
        }
    }

    #[test]
    fn multi_round_bad_inputs() {
        let rot = [0.5f32; 2 * 2 * 2];
        let mut b = [9u32; 2];
        assert!(angular_hash(&[1.0, 2.0], &rot, 2, 2, &mut b[..1]).is_err());
        assert!(angular_hash(&[1.0, 2.0, 3.0], &rot, 2, 2, &mut b).is_err());
        assert!(angular_hash(&[1.0, f32::NAN], &rot, 2, 2, &mut b).is_err());
        assert!(angular_hash(&[1.0, 2.0], &rot, 0, 2, &mut []).is_err());
        assert!(angular_hash_seeded(&[1.0, 2.0], 1, 2, 2, &mut [0.0; 3], &mut b).is_err());
        assert_eq!(b, [9, 9]);
        let a = Angular::<2, 2, 2>::new(1);
        assert!(a.hash(&[f32::INFINITY, 0.0], &mut [[0.0; 2]; 2], &mut b).is_err());
    }

    #[test]
    fn bucket_is_argmax_of_concat() {
        // d = 2, half = 2: R = [[1, 0], [0, 1]] -> xR = x.
        let rot = [1.0, 0.0, 0.0, 1.0];
        assert_eq!(angular_bucket(&[3.0, 1.0], &rot, 2, 2), Ok(0));
        assert_eq!(angular_bucket(&[1.0, 3.0], &rot, 2, 2), Ok(1));
        assert_eq!(angular_bucket(&[-3.0, 1.0], &rot, 2, 2), Ok(2));
        assert_eq!(angular_bucket(&[1.0, -3.0], &rot, 2, 2), Ok(3));
        // A tie between j = 0 and j = 1 goes to the first.
        assert_eq!(angular_bucket(&[2.0, 2.0], &rot, 2, 2), Ok(0));
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(angular_bucket(&[], &[1.0], 1, 1).is_err());
        assert!(angular_bucket(&[1.0, 2.0], &[1.0, 2.0], 2, 2).is_err());
        assert!(angular_bucket(&[1.0], &[1.0], 1, 0).is_err());
    }
}
