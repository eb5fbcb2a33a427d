//! LSH on integer vectors: SimHash with ternary planes and cross-polytope with
//! an integer Walsh–Hadamard transform. Pure integer arithmetic: every code is
//! exact, so no tie is ever broken differently on another target.

use crate::error::{check_len, check_nonempty, Error};
use crate::fixed::{round_shift, Fixed};
use crate::rng::Rng;

/// Largest dimension of an integer SimHash: `d · 2¹⁵ ≤ 2³¹`, so a projection
/// never overflows its `i32` sum.
pub const SIMHASH_MAX_D: usize = 1 << 16;

/// Validated SimHash planes with entries in {−1, 0, +1}, row-major `[d, bits]`
/// (the layout of `lsh.hyperplane`'s planes); may borrow `&'static` flash data.
#[derive(Debug, Clone, Copy)]
pub struct TernaryPlanes<'a> {
    planes: &'a [i8],
    d: usize,
    bits: usize,
}

impl<'a> TernaryPlanes<'a> {
    /// Checks the planes once: `planes.len() == d·bits`, `1 ≤ d ≤ 65 536`,
    /// `bits ≥ 1`, every entry −1, 0 or +1.
    ///
    /// # Errors
    /// [`Error::Empty`] for `d == 0` or `bits == 0`; [`Error::InvalidArgument`] for `d > 65
    /// 536`, an overflowing `d·bits` or an entry outside {−1, 0, +1}; [`Error::ShapeMismatch`]
    /// for `planes` of another length.
    pub fn new(planes: &'a [i8], d: usize, bits: usize) -> Result<Self, Error> {
        check_nonempty("d", d)?;
        check_nonempty("bits", bits)?;
        if d > SIMHASH_MAX_D {
            return Err(Error::InvalidArgument { what: "d", expected: "at most 65536" });
        }
        let n = d.checked_mul(bits).ok_or(Error::InvalidArgument {
            what: "planes",
            expected: "d * bits that fits in usize",
        })?;
        check_len("planes", n, planes.len())?;
        if planes.iter().any(|&p| !(-1..=1).contains(&p)) {
            return Err(Error::InvalidArgument {
                what: "planes",
                expected: "entries in {-1, 0, +1}",
            });
        }
        Ok(TernaryPlanes { planes, d, bits })
    }

    /// Dimension `d`.
    pub fn dim(&self) -> usize {
        self.d
    }

    /// Code bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// The projection `Σ_i x_i · planes[i][j]`, exact.
    #[inline]
    pub fn project<T: Fixed>(&self, x: &[T], j: usize) -> i32 {
        let mut s = 0i32;
        for (xi, p) in x.iter().zip(self.planes.iter().skip(j).step_by(self.bits)) {
            s += xi.to_i32() * *p as i32;
        }
        s
    }

    /// SimHash code: bit `j` = `[Σ_i x_i · planes[i][j] > 0]`, packed LSB
    /// first into `ceil(bits/8)` bytes (as `lsh.hyperplane` and
    /// `numpy.packbits(bitorder="little")`).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for `x.len() != d` or `code.len() != ceil(bits/8)`; `code` is untouched then.
    pub fn hash<T: Fixed>(&self, x: &[T], code: &mut [u8]) -> Result<(), Error> {
        check_len("x", self.d, x.len())?;
        check_len("code", self.bits.div_ceil(8), code.len())?;
        code.iter_mut().for_each(|c| *c = 0);
        for j in 0..self.bits {
            if self.project(x, j) > 0 {
                if let Some(c) = code.get_mut(j / 8) {
                    *c |= 1 << (j % 8);
                }
            }
        }
        Ok(())
    }

    /// The code as a `u64` (bit `j` = plane `j`), for `bits ≤ 64`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for `x.len() != d`; [`Error::InvalidArgument`] for `bits > 64`.
    pub fn hash_u64<T: Fixed>(&self, x: &[T]) -> Result<u64, Error> {
        check_len("x", self.d, x.len())?;
        if self.bits > 64 {
            return Err(Error::InvalidArgument {
                what: "bits",
                expected: "at most 64 for a u64 code",
            });
        }
        let mut code = 0u64;
        for j in 0..self.bits {
            code |= ((self.project(x, j) > 0) as u64) << j;
        }
        Ok(code)
    }
}

/// Ternary planes drawn from `seed` as ±1 (the values of
/// [`super::hyperplane::sign_planes`], so codes agree with the f32 ±1
/// hyperplanes wherever the f32 projection is exact).
///
/// # Errors
/// [`Error::Empty`] for `bits == 0`; [`Error::InvalidArgument`] for a `planes.len()` not a multiple of `bits`.
pub fn sign_planes_i8(seed: u64, bits: usize, planes: &mut [i8]) -> Result<(), Error> {
    super::hyperplane::fill_signs(seed, bits, planes, 1, -1)
}

/// Integer cross-polytope bucket of `x` (Andoni et al. 2015; the f32 version is
/// [`super::crosspolytope`]): `y` = `x` zero-padded to `d'` (`y.len()`),
/// then `k` rounds of `y ← round_shift(H(s_r ⊙ y), ⌊log₂d'/2⌋)` with the sign
/// words of [`super::crosspolytope::crosspolytope_signs`] for `seed`
/// (the shift keeps `|y|` near its input size: `H/√d'` is orthogonal). The
/// bucket is `i = argmax |y_i|` (first on ties), `i` if `y_i > 0`, else `i + d'`.
///
/// All in `i32`, exact: after a round's shift `|y|` grows by at most
/// 2^⌈log₂d'/2⌉, and inside a transform by 2^log₂d', so the bound
/// `15 + (k − 1)·⌈log₂d'/2⌉ + log₂d' ≤ 31` (k ≤ 4 at d' = 64), checked up
/// front, rules out overflow.
///
/// # Errors
/// Empty `x`, `d'` not a power of two ≥ d, `k == 0`, magnitudes that
/// could overflow ([`Error::InvalidArgument`]).
pub fn crosspolytope_bucket_i<T: Fixed>(
    x: &[T],
    seed: u64,
    k: usize,
    y: &mut [i32],
) -> Result<u32, Error> {
    check_nonempty("x", x.len())?;
    check_nonempty("k", k)?;
    let dp = y.len();
    if !dp.is_power_of_two() || dp < x.len() {
        return Err(Error::InvalidArgument { what: "d'", expected: "a power of two >= d" });
    }
    let log = dp.trailing_zeros() as usize;
    let growth = log.div_ceil(2);
    if (k - 1).saturating_mul(growth).saturating_add(15 + log) > 31 {
        return Err(Error::InvalidArgument {
            what: "k, d'",
            expected: "15 + (k - 1) * ceil(log2(d')/2) + log2(d') <= 31",
        });
    }
    let shift = (log / 2) as u32;
    y.iter_mut().for_each(|v| *v = 0);
    y.iter_mut().zip(x).for_each(|(v, xi)| *v = xi.to_i32());
    let mut rng = Rng::new(seed);
    for _ in 0..k {
        for chunk in y.chunks_mut(32) {
            let bits = rng.next();
            for (t, v) in chunk.iter_mut().enumerate() {
                if (bits >> t) & 1 == 0 {
                    *v = -*v;
                }
            }
        }
        super::crosspolytope::fwht(y)?;
        y.iter_mut().for_each(|v| *v = round_shift(*v as i64, shift) as i32);
    }
    let mut best = -1i64;
    let mut arg = 0usize;
    for (i, &v) in y.iter().enumerate() {
        let a = (v as i64).abs();
        if a > best {
            best = a;
            arg = i;
        }
    }
    let pos = y.get(arg).is_some_and(|&v| v > 0);
    Ok((if pos { arg } else { arg + dp }) as u32)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::lsh::crosspolytope::crosspolytope_bucket_seeded;
    use std::vec;

    #[test]
    fn simhash_matches_a_direct_sum() {
        let mut planes = vec![0i8; 64 * 40];
        sign_planes_i8(7, 40, &mut planes).unwrap();
        planes[3] = 0;
        let p = TernaryPlanes::new(&planes, 64, 40).unwrap();
        let mut r = Rng::new(1);
        for _ in 0..50 {
            let x: std::vec::Vec<i16> = (0..64).map(|_| r.next() as i16).collect();
            let mut code = [0u8; 5];
            p.hash(&x, &mut code).unwrap();
            let word = p.hash_u64(&x).unwrap();
            for j in 0..40 {
                let s: i64 = (0..64).map(|i| x[i] as i64 * planes[i * 40 + j] as i64).sum();
                assert_eq!((code[j / 8] >> (j % 8)) & 1 == 1, s > 0);
                assert_eq!((word >> j) & 1 == 1, s > 0);
            }
        }
    }

    #[test]
    fn simhash_rejects_bad_planes_and_shapes() {
        assert!(TernaryPlanes::new(&[0, 2], 1, 2).is_err());
        assert!(TernaryPlanes::new(&[0, 1, 1], 1, 2).is_err());
        let planes = [1i8, -1];
        let p = TernaryPlanes::new(&planes, 2, 1).unwrap();
        let mut code = [0xAAu8; 2];
        assert!(p.hash(&[1i8], &mut code[..1]).is_err());
        assert!(p.hash(&[1i8, 2], &mut code).is_err());
        assert_eq!(code, [0xAA, 0xAA]);
    }

    #[test]
    fn crosspolytope_agrees_with_f32_on_clear_winners() {
        // One round at d' = 64 with a strong direction: the f32 and integer
        // rotations pick the same bucket.
        let mut r = Rng::new(3);
        let mut agree = 0;
        for _ in 0..200 {
            let xi: std::vec::Vec<i16> = (0..64).map(|_| (r.next() as i16) / 4).collect();
            let xf: std::vec::Vec<f32> = xi.iter().map(|&v| v as f32).collect();
            let mut yi = [0i32; 64];
            let mut yf = [0f32; 64];
            let bi = crosspolytope_bucket_i(&xi, 11, 1, &mut yi).unwrap();
            let bf = crosspolytope_bucket_seeded(&xf, 11, 1, &mut yf).unwrap();
            agree += (bi == bf) as u32;
        }
        // One round: y_int = round(y_f32·√64/8) = y_f32 exactly scaled, so every bucket agrees.
        assert_eq!(agree, 200);
    }

    #[test]
    fn crosspolytope_checks_its_bounds() {
        let mut y = [0i32; 64];
        assert!(crosspolytope_bucket_i(&[1i16; 65], 1, 1, &mut [0i32; 64]).is_err());
        assert!(crosspolytope_bucket_i(&[1i16; 3], 1, 1, &mut [0i32; 6]).is_err());
        assert!(crosspolytope_bucket_i(&[1i16; 3], 1, 0, &mut y).is_err());
        assert!(crosspolytope_bucket_i(&[1i16; 3], 1, 5, &mut y).is_err()); // 15 + 4*3 + 6 > 31
                                                                            // The largest inputs through the most rounds allowed: no overflow, a valid bucket.
        assert!(crosspolytope_bucket_i(&[i16::MIN; 64], 1, 4, &mut y).unwrap() < 128);
    }
}
