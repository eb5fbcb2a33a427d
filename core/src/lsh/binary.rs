//! LSH for binary vectors under Hamming distance, on bits packed LSB first
//! (bit `p` of `x` is bit `p % 8` of byte `p / 8`).
//!
//! **Bit-sampling** (Indyk & Motwani 1998): code bit `j = x[pos_j]`. For `x, y`
//! at Hamming distance `t` out of `n` bits each bit collides with probability
//! `1 − t/n`, so a `k`-bit code collides with probability `(1 − t/n)^k`.
//!
//! **Sparse syndrome hashing**: code bit `r = parity(popcount(x AND H_r))`, the
//! syndrome `Hx` over GF(2) of a random parity-check matrix `H` (`m` rows). As
//! `h(x) ⊕ h(y) = H(x ⊕ y)`, two points collide iff their difference `e = x ⊕ y`
//! is in the code `ker H` — the coset view of LSH. If every row has weight `w`
//! (`w` distinct random positions), a row sees an odd number of the `t`
//! differing bits with probability
//! `q(t) = Σ_{j odd} C(t, j) C(n−t, w−j) / C(n, w) ≈ (1 − (1 − 2t/n)^w) / 2`,
//! and the code collides with probability `Π_r (1 − q_r(t)) ≈ ((1 + (1 − 2t/n)^w)/2)^m`.
//!
//! **How the row weight trades locality.** `w = 1` is bit-sampling (most local:
//! collision falls linearly in `t`). Larger `w` makes each bit sensitive to more
//! coordinates, so the collision probability falls faster at small `t` (a row
//! already flips with probability ≈ `w t / n`), and tends to the random-code
//! floor `2^−m` for `t ≳ n / w`: far points are separated better, close points
//! collide less. A dense `H` (`w ≈ n/2`) — a good code's check matrix — is
//! anti-local: every `e ≠ 0` outside the code gives a different syndrome, so
//! even `t = 1` neighbours collide with probability ≈ `2^−m`. Sparse rows
//! (`w` of a few) keep LSH behaviour; see docs/lsh.md for measured curves.

use crate::error::{check_nonempty, Error};
use crate::rng::Rng;

/// Bit `p` of the packed vector `x` (`None` past its end).
#[inline]
pub fn get_bit(x: &[u8], p: usize) -> Option<bool> {
    x.get(p / 8).map(|b| (b >> (p % 8)) & 1 == 1)
}

/// Bit-sampling code: bit `j` of the result is bit `positions[j]` of `x`.
///
/// ```
/// use plasticore::lsh::binary::bitsample;
/// // x = bits 0, 3, 9 set.
/// assert_eq!(bitsample(&[0b0000_1001, 0b10], &[3, 1, 9]).unwrap(), 0b101);
/// ```
///
/// # Errors
/// Empty `x`; more than 32 positions; a position `≥ 8·x.len()`
/// ([`Error::InvalidArgument`]).
pub fn bitsample(x: &[u8], positions: &[u32]) -> Result<u32, Error> {
    check_nonempty("x", x.len())?;
    if positions.len() > 32 {
        return Err(Error::InvalidArgument { what: "positions", expected: "at most 32 positions" });
    }
    let mut code = 0u32;
    for (j, &p) in positions.iter().enumerate() {
        match get_bit(x, p as usize) {
            Some(b) => code |= (b as u32) << j,
            None => {
                return Err(Error::InvalidArgument {
                    what: "positions",
                    expected: "every position < 8 * bytes of x",
                })
            }
        }
    }
    Ok(code)
}

/// Fills `positions` with distinct bit positions in `[0, nbits)` drawn from `seed`
/// (rejection of repeats). Errors if `nbits < positions.len()` or `nbits == 0`.
///
/// # Errors
/// [`Error::Empty`] for `nbits == 0`; [`Error::InvalidArgument`] if `nbits < positions.len()`.
pub fn bitsample_positions(seed: u64, nbits: u32, positions: &mut [u32]) -> Result<(), Error> {
    check_nonempty("nbits", nbits as usize)?;
    if (nbits as usize) < positions.len() {
        return Err(Error::InvalidArgument {
            what: "nbits",
            expected: "at least as many bits as positions",
        });
    }
    let mut rng = Rng::new(seed);
    for j in 0..positions.len() {
        let p = loop {
            let p = rng.below(nbits);
            if !positions.iter().take(j).any(|&q| q == p) {
                break p;
            }
        };
        if let Some(slot) = positions.get_mut(j) {
            *slot = p;
        }
    }
    Ok(())
}

/// Syndrome code: bit `r` is `parity(popcount(x AND h_r))` for the rows of `h`
/// (`[m, bytes]` row-major, `bytes = x.len()`, `m = h.len() / bytes ≤ 32`).
///
/// ```
/// use plasticore::lsh::binary::syndrome;
/// // Rows: {0, 1}, {1, 2}: x = bits {0, 2} → parities (1, 1).
/// assert_eq!(syndrome(&[0b101], &[0b011, 0b110]).unwrap(), 0b11);
/// ```
///
/// # Errors
/// [`Error::Empty`] for an empty `x` or `h`; [`Error::InvalidArgument`] for `h.len()` not a multiple of `x.len()` or more than 32 rows.
pub fn syndrome(x: &[u8], h: &[u8]) -> Result<u32, Error> {
    let bytes = x.len();
    check_nonempty("x", bytes)?;
    check_nonempty("h", h.len())?;
    if !h.len().is_multiple_of(bytes) {
        return Err(Error::InvalidArgument {
            what: "h",
            expected: "shape [m, bytes] with the bytes of x",
        });
    }
    if h.len() / bytes > 32 {
        return Err(Error::InvalidArgument { what: "h", expected: "at most 32 rows" });
    }
    let mut code = 0u32;
    for (r, row) in h.chunks_exact(bytes).enumerate() {
        let ones: u32 = row.iter().zip(x).map(|(a, b)| (a & b).count_ones()).sum();
        code |= (ones & 1) << r;
    }
    Ok(code)
}

/// Fills `h` (`[m, bytes]`, packed rows) with a sparse random parity-check
/// matrix: each row has exactly `weight` distinct ones among the first `nbits`
/// bit positions, drawn from `seed`.
///
/// # Errors
/// [`Error::Empty`] for `bytes == 0`; [`Error::InvalidArgument`] for `h.len()` not a multiple
/// of `bytes`, `nbits > 8·bytes`, `weight == 0` or `weight > nbits`.
pub fn sparse_parity_check(
    seed: u64,
    bytes: usize,
    nbits: u32,
    weight: u32,
    h: &mut [u8],
) -> Result<(), Error> {
    check_nonempty("bytes", bytes)?;
    check_nonempty("weight", weight as usize)?;
    if !h.len().is_multiple_of(bytes) {
        return Err(Error::InvalidArgument {
            what: "h",
            expected: "a length that is a multiple of bytes",
        });
    }
    if nbits as usize > 8 * bytes || weight > nbits {
        return Err(Error::InvalidArgument {
            what: "weight / nbits",
            expected: "weight <= nbits <= 8 * bytes",
        });
    }
    let mut rng = Rng::new(seed);
    for row in h.chunks_exact_mut(bytes) {
        row.iter_mut().for_each(|b| *b = 0);
        let mut placed = 0;
        while placed < weight {
            let p = rng.below(nbits) as usize;
            if let Some(b) = row.get_mut(p / 8) {
                if (*b >> (p % 8)) & 1 == 0 {
                    *b |= 1 << (p % 8);
                    placed += 1;
                }
            }
        }
    }
    Ok(())
}

/// Bit-sampling with `K ≤ 32` positions fixed at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BitSample<const K: usize> {
    /// The sampled bit positions.
    pub positions: [u32; K],
}

impl<const K: usize> BitSample<K> {
    /// `K` distinct positions in `[0, nbits)` drawn from `seed`.
    ///
    /// # Errors
    /// As [`bitsample_positions`].
    pub fn new(seed: u64, nbits: u32) -> Result<Self, Error> {
        const { assert!(K <= 32) };
        let mut positions = [0u32; K];
        bitsample_positions(seed, nbits, &mut positions)?;
        Ok(BitSample { positions })
    }

    /// The code of `x`.
    ///
    /// # Errors
    /// As [`bitsample`].
    pub fn hash(&self, x: &[u8]) -> Result<u32, Error> {
        bitsample(x, &self.positions)
    }
}

/// Syndrome hashing with an `M × BYTES` packed parity-check matrix (`M ≤ 32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syndrome<const M: usize, const BYTES: usize> {
    /// Row `r` of H, packed LSB first.
    pub h: [[u8; BYTES]; M],
}

impl<const M: usize, const BYTES: usize> Syndrome<M, BYTES> {
    /// A sparse H with `weight` ones per row among the first `nbits` positions.
    ///
    /// # Errors
    /// As [`sparse_parity_check`].
    pub fn new(seed: u64, nbits: u32, weight: u32) -> Result<Self, Error> {
        const { assert!(M <= 32 && M > 0 && BYTES > 0) };
        let mut h = [[0u8; BYTES]; M];
        sparse_parity_check(seed, BYTES, nbits, weight, h.as_flattened_mut())?;
        Ok(Syndrome { h })
    }

    /// The syndrome of `x`.
    pub fn hash(&self, x: &[u8; BYTES]) -> u32 {
        let mut code = 0u32;
        for (r, row) in self.h.iter().enumerate() {
            let ones: u32 = row.iter().zip(x).map(|(a, b)| (a & b).count_ones()).sum();
            code |= (ones & 1) << r;
        }
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syndrome_is_linear() {
        let s = Syndrome::<16, 8>::new(3, 64, 3).unwrap();
        let mut rng = Rng::new(8);
        for _ in 0..200 {
            let x: [u8; 8] = core::array::from_fn(|_| rng.next() as u8);
            let y: [u8; 8] = core::array::from_fn(|_| rng.next() as u8);
            let e: [u8; 8] = core::array::from_fn(|i| x[i] ^ y[i]);
            assert_eq!(s.hash(&x) ^ s.hash(&y), s.hash(&e));
            assert_eq!(syndrome(&x, s.h.as_flattened()).unwrap(), s.hash(&x));
        }
        for row in s.h {
            assert_eq!(row.iter().map(|b| b.count_ones()).sum::<u32>(), 3);
        }
    }

    #[test]
    fn bitsample_positions_distinct_and_weight_one_syndrome_is_bitsample() {
        let b = BitSample::<20>::new(5, 40).unwrap();
        for (i, p) in b.positions.iter().enumerate() {
            assert!(*p < 40);
            assert!(!b.positions[..i].contains(p));
        }
        // A weight-1 row is a sampled bit.
        let mut h = [0u8; 3 * 2];
        for (r, p) in [3u32, 9, 14].iter().enumerate() {
            h[r * 2 + (*p as usize) / 8] |= 1 << (p % 8);
        }
        let x = [0b0000_1000u8, 0b0100_0000];
        assert_eq!(syndrome(&x, &h).unwrap(), bitsample(&x, &[3, 9, 14]).unwrap());
        assert_eq!(bitsample(&x, &[3, 9, 14]).unwrap(), 0b101);
    }

    #[test]
    fn bad_inputs() {
        assert!(bitsample(&[], &[0]).is_err());
        assert!(bitsample(&[1], &[8]).is_err());
        assert!(bitsample(&[1; 8], &[0; 33]).is_err());
        assert_eq!(bitsample(&[1], &[]), Ok(0));
        assert!(syndrome(&[1, 2], &[1, 2, 3]).is_err());
        assert!(syndrome(&[], &[1]).is_err());
        assert!(syndrome(&[1], &[]).is_err());
        assert!(syndrome(&[1], &[1; 33]).is_err());
        assert!(sparse_parity_check(1, 1, 9, 1, &mut [0; 2]).is_err());
        assert!(sparse_parity_check(1, 1, 8, 9, &mut [0; 2]).is_err());
        assert!(sparse_parity_check(1, 2, 8, 1, &mut [0; 3]).is_err());
        assert!(sparse_parity_check(1, 1, 8, 0, &mut [0; 2]).is_err());
        assert!(bitsample_positions(1, 3, &mut [0; 4]).is_err());
        assert!(BitSample::<4>::new(1, 2).is_err());
    }
}
