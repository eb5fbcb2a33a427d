//! Locality-sensitive hashing: hash families and a fixed-capacity index.
//!
//! | family | input | code | collision probability | module |
//! |---|---|---|---|---|
//! | hyperplane / SimHash (Charikar 2002) | `f32 [d]` | `b` bits, LSB first | per bit `1 − θ/π` | [`hyperplane`] |
//! | angular (Reformer, Kitaev et al. 2020) | `f32 [d]` | bucket in `[0, b)` per round | decreasing in θ | [`angular`] |
//! | cross-polytope (Andoni et al. 2015) | `f32 [d]` | bucket in `[0, 2d')` | decreasing in θ | [`crosspolytope`] |
//! | bit-sampling (Indyk & Motwani 1998) | packed bits | `k ≤ 32` bits | per bit `1 − t/n` | [`binary`] |
//! | sparse syndrome | packed bits | `m ≤ 32` bits | `Π_r P(|H_r ∩ (x⊕y)| even)` | [`binary`] |
//!
//! Every family is a slice kernel with run-time sizes (the form `plasticore run`
//! uses) plus const-generic types for firmware. Projections are either
//! **stored** (a slice or array, which can live in flash) or **regenerated from a
//! seed** on every call (zero bytes stored, more instructions); both give the
//! same codes bit for bit, because the generator is [`crate::rng::Rng`] and the
//! values are produced and consumed in the same order.
//!
//! **Summation order.** A projection `x·r_j` is always the sequential sum
//! `((x_0 r_0j + x_1 r_1j) + x_2 r_2j) + …` in increasing `i`, starting from
//! `0.0`, without fused multiply-add — so codes are bit-identical on every
//! target, and the stored and seeded forms agree.
//!
//! [`LshIndex`] is an L-table × K-bit hyperplane index with fixed
//! capacity, multiprobe queries and exact cosine re-ranking (with `f32` or
//! `i8` rows, [`LshIndexI8`]; over caller slices, [`LshIndexView`]);
//! [`BinaryIndex`] is its bit-sampling counterpart for packed binary
//! vectors, re-ranked by Hamming distance. Both keep their buckets in the
//! same tables ([`Entry`]). [`ternary`] hashes integer vectors.

pub mod angular;
pub mod binary;
pub mod binary_index;
pub mod crosspolytope;
pub mod hyperplane;
pub mod index;
pub mod knn;
mod probe;
mod tables;
pub mod ternary;
mod top;

pub use binary_index::{
    binary_index_positions, BinaryBuffers, BinaryBuffersRef, BinaryIndex, BinaryIndexInner,
    BinaryIndexView, BinaryOwned, BinaryParams, BinaryStorage, BinaryView, HammingNeighbor,
};
pub use index::{
    index_planes, index_sign_planes, planes_from_bits, Flat, IndexBuffers, IndexBuffersRef,
    IndexParams, IndexStorage, Item, LshIndex, LshIndexI8, LshIndexI8View, LshIndexInner,
    LshIndexView, Neighbor, Neighbors, OwnedStorage, PlaneSource, QueryBuf, QueryBufView,
    QueryStats, RamPlanes, Scales, ViewStorage, DEFAULT_BITS, DEFAULT_PROBES, DEFAULT_TABLES,
};
pub use probe::{probe_heap_len, Probe};
pub use tables::Entry;

use crate::error::{check_len, Error};

/// Hamming distance between two packed codes of equal length: `Σ popcount(a_i ⊕ b_i)`.
///
/// # Errors
/// [`Error::ShapeMismatch`] if the lengths differ.
/// ```
/// use plasticore::lsh::hamming;
/// assert_eq!(hamming(&[0b1011u8, 0xff], &[0b0001, 0x0f]).unwrap(), 6);
/// ```
pub fn hamming(a: &[u8], b: &[u8]) -> Result<u32, Error> {
    check_len("b", a.len(), b.len())?;
    Ok(hamming_unchecked(a, b))
}

/// `Σ popcount(a_i ⊕ b_i)` over the common length.
#[inline]
pub(crate) fn hamming_unchecked(a: &[u8], b: &[u8]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum()
}

/// Hamming distance between two codes packed in 32-bit words (bit `j` in word
/// `j / 32` at position `j % 32`): `Σ popcount(a_i ⊕ b_i)`.
///
/// # Errors
/// [`Error::ShapeMismatch`] if the lengths differ.
pub fn hamming_words(a: &[u32], b: &[u32]) -> Result<u32, Error> {
    check_len("b", a.len(), b.len())?;
    Ok(a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum())
}

/// Checks that every element of `x` is finite (NaN/∞ → [`Error::NonFinite`]).
#[inline]
pub(crate) fn finite(what: &'static str, x: &[f32]) -> Result<(), Error> {
    crate::error::check_finite(what, x)
}

/// Sequential projections `acc_j = Σ_i x_i · r_ij` for a row-major `[d, b]`
/// matrix `r` (`rows` yields the `d` rows of length `b`). `acc` is zeroed first.
///
/// Columns are processed in blocks of 16 so the partial sums stay in
/// registers; each `acc_j` is still the sum over `i` in increasing order, so
/// the blocking changes no bit.
#[inline]
pub(crate) fn project_rows<'r, I>(x: &[f32], rows: I, acc: &mut [f32])
where
    I: Iterator<Item = &'r [f32]> + Clone,
{
    const BLOCK: usize = 16;
    for (blk, out) in acc.chunks_mut(BLOCK).enumerate() {
        let lo = blk * BLOCK;
        let mut a = [0.0f32; BLOCK];
        if out.len() == BLOCK {
            for (&xi, row) in x.iter().zip(rows.clone()) {
                if let Some(r) = row.get(lo..lo + BLOCK) {
                    for l in 0..BLOCK {
                        a[l] += xi * r[l];
                    }
                }
            }
        } else {
            let w = out.len();
            for (&xi, row) in x.iter().zip(rows.clone()) {
                if let Some(r) = row.get(lo..lo + w) {
                    for (al, &rl) in a.iter_mut().zip(r) {
                        *al += xi * rl;
                    }
                }
            }
        }
        out.copy_from_slice(a.get(..out.len()).unwrap_or(&[]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hamming_counts_and_checks() {
        assert_eq!(hamming(&[], &[]), Ok(0));
        assert_eq!(hamming(&[0xff], &[0x00]), Ok(8));
        assert!(hamming(&[0], &[0, 0]).is_err());
        assert_eq!(hamming_words(&[u32::MAX, 1], &[0, 0]), Ok(33));
        assert!(hamming_words(&[0], &[]).is_err());
    }

    extern crate std;
    use proptest::prelude::*;
    use std::vec::Vec;

    fn floats(n: usize) -> impl Strategy<Value = Vec<f32>> {
        proptest::collection::vec(
            prop_oneof![Just(f32::NAN), Just(0.0f32), Just(-1.0), Just(1.0), -3.0f32..3.0],
            0..n,
        )
    }

    proptest! {
        /// Every slice kernel returns Ok or Err on arbitrary sizes and values; none panics.
        #[test]
        fn slice_kernels_never_panic(
            x in floats(20), p in floats(70), q in floats(40),
            bytes in proptest::collection::vec(any::<u8>(), 0..12),
            h in proptest::collection::vec(any::<u8>(), 0..40),
            pos in proptest::collection::vec(0u32..120, 0..40),
            a in 0usize..10, b in 0usize..70, c in 0usize..20, seed in any::<u64>(),
        ) {
            let mut proj = std::vec![0.0f32; b];
            let mut code = std::vec![0u8; c];
            let _ = hyperplane::hyperplane_hash(&x, &p, &mut proj, &mut code);
            let _ = hyperplane::hyperplane_hash_seeded(&x, seed, &mut proj[..b.min(8)], &mut code);
            let _ = hyperplane::hyperplane_project_sign_seeded(&x, seed, &mut proj[..b.min(8)]);
            let _ = hyperplane::sign_planes(seed, a, &mut proj);
            let mut w = std::vec![0u32; c];
            let _ = hyperplane::pack_signs_words(&q, &mut w);
            let _ = angular::angular_bucket(&x, &p, a, c);
            let mut bk = std::vec![0u32; a];
            let _ = angular::angular_hash(&x, &p, a, c, &mut bk);
            let mut sc = std::vec![0.0f32; c];
            let _ = angular::angular_hash_seeded(&x, seed, a, c.min(3), &mut sc, &mut bk);
            let mut y = std::vec![0.0f32; b];
            let _ = crosspolytope::crosspolytope_bucket(&x, &q, b, &mut y);
            let _ = crosspolytope::crosspolytope_bucket_seeded(&x, seed, a.min(3), &mut y);
            let _ = crosspolytope::crosspolytope_signs(seed, c, &mut y);
            let _ = crosspolytope::fwht(&mut y);
            let _ = binary::bitsample(&bytes, &pos);
            let _ = binary::syndrome(&bytes, &h);
            let mut hh = h.clone();
            let _ = binary::sparse_parity_check(seed, a, b as u32, c as u32, &mut hh);
            let mut pp = pos.clone();
            let _ = binary::bitsample_positions(seed, b as u32, &mut pp);
            let _ = hamming(&bytes, &h);
        }
    }
}
