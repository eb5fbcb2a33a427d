//! Hyperplane hashing / SimHash (Charikar 2002, "Similarity estimation
//! techniques from rounding algorithms", STOC).
//!
//! With `b` random Gaussian directions `r_j` (the columns of `planes`, shape
//! `[d, b]`, row-major: `r_ij` at `planes[i * b + j]`), bit `j` of the code is
//! `[x · r_j > 0]`. For two vectors at angle θ each bit collides with probability
//! `1 − θ/π`, so the Hamming distance between codes estimates θ.
//!
//! Codes are packed LSB first: bit `j` sits in byte `j / 8` at position `j % 8`
//! (as `numpy.packbits(bits, bitorder="little")`), or in 32-bit word `j / 32` at
//! position `j % 32` — the same bit string, read as little-endian words.
//!
//! Projections are stored (`planes`, RAM or flash) or regenerated on the fly from
//! a seed ([`hyperplane_hash_seeded`], [`SeededHyperplane`]): the seeded form
//! draws `r_ij` with [`Rng::normal`] in row-major order, exactly what
//! [`hyperplane_planes`] writes, so both forms give identical codes.
//!
//! **Sign projections** (Achlioptas 2003, "Database-friendly random
//! projections"): `r_ij ∈ {±1}` instead of N(0, 1). Regenerating them costs one
//! [`Rng::next`] per 32 entries instead of a Box–Muller draw per entry, so the
//! seeded form is about as fast as the stored one ([`sign_planes`],
//! [`hyperplane_project_sign_seeded`], [`SeededSignHyperplane`]). For pairs in a
//! random orientation the per-bit collision probability is still exactly
//! `1 − θ/π`; for a fixed pair it is only approximately so (it depends on how
//! the pair lines up with the cube's axes, most for sparse vectors).

use super::{finite, project_rows};
use crate::error::{check_len, check_nonempty, Error};
use crate::rng::Rng;

/// Fills `planes` (a row-major `[d, b]` matrix, any shape) with N(0, 1) draws of
/// `Rng::new(seed)`, in memory order. [`hyperplane_hash_seeded`] regenerates the
/// same values.
pub fn hyperplane_planes(seed: u64, planes: &mut [f32]) {
    Rng::new(seed).fill_normal(planes);
}

/// Fills `planes` (row-major `[d, b]`, `b = bits`) with ±1.0 signs from
/// `Rng::new(seed)`: each row takes `ceil(b/32)` words of [`Rng::next`], and
/// entry `j` is +1 if bit `j % 32` of word `j / 32` is set.
///
/// # Errors
/// [`Error::Empty`] for `bits == 0`; [`Error::InvalidArgument`] for a `planes.len()` not a multiple of `bits`.
pub fn sign_planes(seed: u64, bits: usize, planes: &mut [f32]) -> Result<(), Error> {
    fill_signs(seed, bits, planes, 1.0, -1.0)
}

/// Fills `planes` (`[d, bits]`) with `plus` / `minus` from `Rng::new(seed)`:
/// each row takes `ceil(bits/32)` words, entry `j` is `plus` if bit `j % 32`
/// of word `j / 32` is set.
pub(crate) fn fill_signs<T: Copy>(
    seed: u64,
    bits: usize,
    planes: &mut [T],
    plus: T,
    minus: T,
) -> Result<(), Error> {
    check_nonempty("bits", bits)?;
    if !planes.len().is_multiple_of(bits) {
        return Err(Error::InvalidArgument {
            what: "planes",
            expected: "a length that is a multiple of bits",
        });
    }
    let mut rng = Rng::new(seed);
    for row in planes.chunks_exact_mut(bits) {
        for chunk in row.chunks_mut(32) {
            let w = rng.next();
            for (t, v) in chunk.iter_mut().enumerate() {
                *v = if (w >> t) & 1 == 1 { plus } else { minus };
            }
        }
    }
    Ok(())
}

/// Projections `x · r_j` with ±1 entries regenerated from `seed` (the values of
/// [`sign_planes`]); bit for bit what [`hyperplane_project`] gives on them, as
/// `x_i · (±1)` is exact.
///
/// # Errors
/// [`Error::Empty`] for an empty `x` or `proj`, [`Error::NonFinite`] in `x`.
pub fn hyperplane_project_sign_seeded(x: &[f32], seed: u64, proj: &mut [f32]) -> Result<(), Error> {
    let mut rng = seeded_start(x, seed, proj)?;
    for &xi in x {
        let xb = xi.to_bits();
        for chunk in proj.chunks_mut(32) {
            let w = rng.next();
            for (t, a) in chunk.iter_mut().enumerate() {
                // Bit 1 → +x_i, bit 0 → −x_i: flipping the sign bit is exactly IEEE negation.
                let neg = (!(w >> t) & 1) << 31;
                *a += f32::from_bits(xb ^ neg);
            }
        }
    }
    Ok(())
}

/// Number of bytes of a `bits`-bit code: `ceil(bits / 8)`.
pub const fn code_bytes(bits: usize) -> usize {
    bits.div_ceil(8)
}

/// Number of 32-bit words of a `bits`-bit code: `ceil(bits / 32)`.
pub const fn code_words(bits: usize) -> usize {
    bits.div_ceil(32)
}

/// Packs `[p_j > 0]` LSB first into bytes; `code.len()` must be `ceil(p.len()/8)`.
/// Unused high bits of the last byte are 0.
///
/// # Errors
/// [`Error::ShapeMismatch`] for a `code` of another length.
pub fn pack_signs(p: &[f32], code: &mut [u8]) -> Result<(), Error> {
    pack(p, code)
}

/// Packs `[p_j > 0]` LSB first into 32-bit words; `code.len()` must be `ceil(p.len()/32)`.
///
/// # Errors
/// [`Error::ShapeMismatch`] for a `code` of another length.
pub fn pack_signs_words(p: &[f32], code: &mut [u32]) -> Result<(), Error> {
    pack(p, code)
}

/// Packs `[p_j > 0]` LSB first into words of `W` (`u8` or `u32`).
fn pack<W>(p: &[f32], code: &mut [W]) -> Result<(), Error>
where
    W: Copy
        + Default
        + From<bool>
        + core::ops::Shl<usize, Output = W>
        + core::ops::BitOr<Output = W>,
{
    let width = 8 * core::mem::size_of::<W>();
    check_len("code", p.len().div_ceil(width), code.len())?;
    for (c, chunk) in code.iter_mut().zip(p.chunks(width)) {
        *c = chunk.iter().enumerate().fold(W::default(), |m, (t, &v)| m | (W::from(v > 0.0) << t));
    }
    Ok(())
}

/// The checks of the seeded projections, `proj` zeroed, and the generator
/// that draws the planes.
fn seeded_start(x: &[f32], seed: u64, proj: &mut [f32]) -> Result<Rng, Error> {
    check_nonempty("x", x.len())?;
    check_nonempty("bits", proj.len())?;
    finite("x", x)?;
    proj.iter_mut().for_each(|a| *a = 0.0);
    Ok(Rng::new(seed))
}

fn check_shapes(x: &[f32], planes_len: usize, proj: &[f32]) -> Result<(), Error> {
    check_nonempty("x", x.len())?;
    check_nonempty("bits", proj.len())?;
    let need = x.len().checked_mul(proj.len()).ok_or(Error::InvalidArgument {
        what: "d * bits",
        expected: "a size that fits in usize",
    })?;
    check_len("planes", need, planes_len)?;
    finite("x", x)
}

/// Projections `proj_j = x · r_j` (sequential sum over `i`) for stored `planes`
/// of shape `[d, b]` with `d = x.len()`, `b = proj.len()`. These are the margins
/// multiprobe uses.
///
/// # Errors
/// [`Error::Empty`] for an empty `x` or `proj`, [`Error::ShapeMismatch`] for `planes.len() !=
/// d·b`, [`Error::NonFinite`] in `x` (`proj` is untouched on error). Non-finite planes are not
/// checked (they give bit 0).
pub fn hyperplane_project(x: &[f32], planes: &[f32], proj: &mut [f32]) -> Result<(), Error> {
    check_shapes(x, planes.len(), proj)?;
    let b = proj.len();
    project_rows(x, planes.chunks_exact(b), proj);
    Ok(())
}

/// SimHash code of `x` with stored `planes` `[d, b]`: bit `j = [x · r_j > 0]`,
/// packed LSB first into `code` (`ceil(b/8)` bytes). `proj` (length `b`) is
/// scratch and holds the projections afterwards.
///
/// ```
/// use plasticore::lsh::hyperplane::hyperplane_hash;
/// // d = 2, b = 3: r_0 = (1, 0), r_1 = (0, 1), r_2 = (-1, -1).
/// let planes = [1.0, 0.0, -1.0, 0.0, 1.0, -1.0];
/// let (mut proj, mut code) = ([0.0; 3], [0u8; 1]);
/// hyperplane_hash(&[2.0, -1.0], &planes, &mut proj, &mut code).unwrap();
/// assert_eq!(code, [0b001]);
/// ```
///
/// # Errors
/// As [`hyperplane_project`], and [`Error::ShapeMismatch`] for `code.len() != ceil(b/8)`; `code` is untouched on error.
pub fn hyperplane_hash(
    x: &[f32],
    planes: &[f32],
    proj: &mut [f32],
    code: &mut [u8],
) -> Result<(), Error> {
    check_len("code", code_bytes(proj.len()), code.len())?;
    hyperplane_project(x, planes, proj)?;
    pack_signs(proj, code)
}

/// Vectors encoded together by [`hyperplane_hash_batch`]: each load of a
/// block of planes serves all of them.
const BATCH_VECTORS: usize = 4;
/// Planes projected together by [`hyperplane_hash_batch`] (per vector, four
/// 4-lane or two 8-lane accumulators).
const BATCH_PLANES: usize = 16;

/// SimHash codes of many vectors at once: `xs` holds `n` rows of `d`
/// (row-major), `planes` is `[d, b]`, `codes` receives `n` rows of
/// `ceil(b/8)` bytes, packed as [`hyperplane_hash`] packs them, with the same
/// bits: every projection is the same sequential sum over `i` of separate
/// products (no fused multiply-add), only computed for four vectors and 16
/// planes side by side. Compiled with wide vectors (the host's
/// `plasticore run lsh.hyperplane` enables AVX2 when the CPU has it) it keeps
/// 64 accumulators in flight; see docs/lsh.md for the timing against FAISS.
///
/// ```
/// use plasticore::lsh::hyperplane::{hyperplane_hash, hyperplane_hash_batch};
/// let planes = [1.0, 0.0, -1.0, 0.0, 1.0, -1.0]; // d = 2, b = 3
/// let xs = [2.0, -1.0, -1.0, 3.0];                // two vectors
/// let mut codes = [0u8; 2];
/// hyperplane_hash_batch(&xs, &planes, 3, &mut codes).unwrap();
/// let (mut proj, mut one) = ([0.0; 3], [0u8; 1]);
/// hyperplane_hash(&xs[2..], &planes, &mut proj, &mut one).unwrap();
/// assert_eq!(codes, [0b001, one[0]]);
/// ```
///
/// # Errors
/// [`Error::Empty`] for `b = 0` or empty `planes`; [`Error::ShapeMismatch`] for `planes` not a
/// multiple of `b`, `xs.len()` not a multiple of `d` or `codes.len() != n·ceil(b/8)`; a
/// non-finite value in `xs` (reported as [`hyperplane_hash`] reports it for that vector);
/// `codes` is untouched then.
#[inline(always)]
pub fn hyperplane_hash_batch(
    xs: &[f32],
    planes: &[f32],
    b: usize,
    codes: &mut [u8],
) -> Result<(), Error> {
    check_nonempty("bits", b)?;
    // Divisions by run-time values are checked ones: no panic path.
    let d = planes.len().checked_div(b).unwrap_or(0);
    check_nonempty("planes rows (d)", d)?;
    check_len("planes", d * b, planes.len())?;
    let n = xs.len().checked_div(d).unwrap_or(0);
    check_len("xs", n * d, xs.len())?;
    let nb = code_bytes(b);
    check_len("codes", n.saturating_mul(nb), codes.len())?;
    // Per vector, as `hyperplane_hash` reports it (the index is within the row).
    for x in xs.chunks_exact(d.max(1)) {
        finite("x", x)?;
    }
    // (`max(1)`: the sizes are checked non-zero above; this keeps the
    // compiler's zero-size panic path out.)
    let mut rows = xs.chunks_exact(d.max(1));
    let mut out = codes.chunks_exact_mut(nb.max(1));
    for _ in 0..n / BATCH_VECTORS {
        let (Some(x0), Some(x1), Some(x2), Some(x3)) =
            (rows.next(), rows.next(), rows.next(), rows.next())
        else {
            break;
        };
        let (Some(c0), Some(c1), Some(c2), Some(c3)) =
            (out.next(), out.next(), out.next(), out.next())
        else {
            break;
        };
        hash_group([x0, x1, x2, x3], planes, b, [c0, c1, c2, c3]);
    }
    // `next()` rather than `zip`: no division inside `Zip` (see `slices::rows`).
    while let (Some(x), Some(c)) = (rows.next(), out.next()) {
        hash_group([x], planes, b, [c]);
    }
    Ok(())
}

/// The codes of `V` vectors (each of length `d`) into `V` code rows: planes
/// in blocks of [`BATCH_PLANES`], each block summed over `i` for all `V`
/// vectors at once.
#[inline(always)]
fn hash_group<const V: usize>(xs: [&[f32]; V], planes: &[f32], b: usize, codes: [&mut [u8]; V]) {
    let mut codes = codes;
    for c in codes.iter_mut() {
        c.iter_mut().for_each(|v| *v = 0);
    }
    let mut lo = 0;
    while lo < b {
        let w = (b - lo).min(BATCH_PLANES);
        let acc = if w == BATCH_PLANES {
            block_sums(&xs, planes, b, |row| {
                row.get(lo..).and_then(|t| t.first_chunk::<BATCH_PLANES>()).copied()
            })
        } else {
            // The last, partial block: zeros past the last plane.
            block_sums(&xs, planes, b, |row| {
                Some(core::array::from_fn(|l| row.get(lo + l).copied().unwrap_or(0.0)))
            })
        };
        for (a, c) in acc.iter().zip(codes.iter_mut()) {
            for (l, &v) in a.iter().enumerate().take(w) {
                let j = lo + l;
                if let Some(byte) = c.get_mut(j / 8) {
                    *byte |= ((v > 0.0) as u8) << (j % 8);
                }
            }
        }
        lo += w;
    }
}

/// `Σ_i x_v[i] · r_i[l]` for the `V` vectors and the 16 planes of one block,
/// in order of `i`; `block(row)` gives the block's entries of plane row `i`.
#[inline(always)]
fn block_sums<const V: usize>(
    xs: &[&[f32]; V],
    planes: &[f32],
    b: usize,
    block: impl Fn(&[f32]) -> Option<[f32; BATCH_PLANES]>,
) -> [[f32; BATCH_PLANES]; V] {
    let mut acc = [[0.0f32; BATCH_PLANES]; V];
    // Row i of planes with element i of every x, in step (no index checks).
    let mut its = xs.map(|x| x.iter());
    for row in planes.chunks_exact(b.max(1)) {
        let xi: [f32; V] = core::array::from_fn(|v| its[v].next().copied().unwrap_or(0.0));
        let Some(r) = block(row) else { continue };
        for (a, &x) in acc.iter_mut().zip(&xi) {
            for l in 0..BATCH_PLANES {
                a[l] += x * r[l];
            }
        }
    }
    acc
}

/// Projections `x · r_j` with `r_ij` regenerated from `seed` (the values
/// [`hyperplane_planes`] would store), one N(0, 1) draw per element, in the same
/// order; no projection bytes are stored.
///
/// # Errors
/// [`Error::Empty`] for an empty `x` or `proj`, [`Error::NonFinite`] in `x`.
pub fn hyperplane_project_seeded(x: &[f32], seed: u64, proj: &mut [f32]) -> Result<(), Error> {
    let mut rng = seeded_start(x, seed, proj)?;
    for &xi in x {
        for a in proj.iter_mut() {
            *a += xi * rng.normal();
        }
    }
    Ok(())
}

/// SimHash code of `x` with projections regenerated from `seed`: the same code
/// as [`hyperplane_hash`] with planes from [`hyperplane_planes`]`(seed, …)`.
///
/// # Errors
/// As [`hyperplane_project_seeded`], and [`Error::ShapeMismatch`] for `code.len() != ceil(b/8)`.
pub fn hyperplane_hash_seeded(
    x: &[f32],
    seed: u64,
    proj: &mut [f32],
    code: &mut [u8],
) -> Result<(), Error> {
    check_len("code", code_bytes(proj.len()), code.len())?;
    hyperplane_project_seeded(x, seed, proj)?;
    pack_signs(proj, code)
}

/// Packs at most 64 signs into a `u64`, bit `j = [p_j > 0]`.
#[inline]
fn signs_u64(p: &[f32]) -> u64 {
    p.iter().enumerate().fold(0u64, |c, (j, &v)| c | (((v > 0.0) as u64) << (j & 63)))
}

/// SimHash with `B` stored planes over `D` dimensions, sizes fixed at compile
/// time: `planes[i][j] = r_ij` (the `[d, b]` layout of [`hyperplane_hash`]).
/// Can live in flash as a `const`/`static`.
#[derive(Debug, Clone, PartialEq)]
pub struct Hyperplane<const D: usize, const B: usize> {
    /// `planes[i][j]`: component `i` of direction `j`.
    pub planes: [[f32; B]; D],
}

/// The code-packing methods every SimHash form shares, built on its `project`.
macro_rules! code_methods {
    () => {
        /// Code packed into 32-bit words (`code.len()` must be `ceil(B/32)`); `proj` is scratch.
        ///
        /// # Errors
        /// [`Error::ShapeMismatch`] for a `code` of another length; [`Error::NonFinite`] in
        /// `x`.
        pub fn hash_words(
            &self,
            x: &[f32; D],
            proj: &mut [f32; B],
            code: &mut [u32],
        ) -> Result<(), Error> {
            check_len("code", code_words(B), code.len())?;
            self.project(x, proj)?;
            pack_signs_words(proj, code)
        }

        /// Code as a `u64` (bit `j` = bit `j` of the code); needs `B ≤ 64` (checked at compile time).
        ///
        /// # Errors
        /// [`Error::NonFinite`] in `x`.
        pub fn hash_u64(&self, x: &[f32; D], proj: &mut [f32; B]) -> Result<u64, Error> {
            const { assert!(B <= 64) };
            self.project(x, proj)?;
            Ok(signs_u64(proj))
        }
    };
}

impl<const D: usize, const B: usize> Hyperplane<D, B> {
    /// Planes drawn from `seed` (identical to [`SeededHyperplane::new`]`(seed)`).
    pub fn new(seed: u64) -> Self {
        let mut planes = [[0.0f32; B]; D];
        hyperplane_planes(seed, planes.as_flattened_mut());
        Hyperplane { planes }
    }

    /// ±1 planes drawn from `seed` (identical to [`SeededSignHyperplane::new`]`(seed)`).
    pub fn new_sign(seed: u64) -> Self {
        const { assert!(B > 0) };
        let mut planes = [[0.0f32; B]; D];
        // B > 0 and the length is D·B, so this cannot fail.
        let _ = sign_planes(seed, B, planes.as_flattened_mut());
        Hyperplane { planes }
    }

    /// Wraps given planes; errors with [`Error::NonFinite`] if any is NaN/∞.
    ///
    /// # Errors
    /// [`Error::NonFinite`] at the first NaN or ±∞ entry.
    pub fn from_planes(planes: [[f32; B]; D]) -> Result<Self, Error> {
        finite("planes", planes.as_flattened())?;
        Ok(Hyperplane { planes })
    }

    /// Projections `x · r_j` into `proj`.
    ///
    /// # Errors
    /// [`Error::NonFinite`] in `x` (the only error: the sizes are in the type).
    pub fn project(&self, x: &[f32; D], proj: &mut [f32; B]) -> Result<(), Error> {
        const { assert!(D > 0 && B > 0) };
        finite("x", x)?;
        project_rows(x, self.planes.iter().map(|r| r.as_slice()), proj);
        Ok(())
    }

    code_methods!();

    /// Codes of many vectors at once (`codes[k]` for `xs[k]`; needs `B ≤ 64`),
    /// equal bit for bit to [`Hyperplane::hash_u64`]: each projection is the same
    /// sequential sum over `i` of separate products, computed for four vectors
    /// and 16 planes side by side. With wide vectors (the host enables AVX2
    /// when the CPU has it) this is the fast path; timing against FAISS in
    /// docs/benchmarks.md.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for `codes.len() != xs.len()`, [`Error::NonFinite`] in `xs`;
    /// `codes` is untouched then.
    #[inline(always)]
    pub fn hash_batch(&self, xs: &[[f32; D]], codes: &mut [u64]) -> Result<(), Error> {
        const { assert!(D > 0 && B > 0 && B <= 64) };
        check_len("codes", xs.len(), codes.len())?;
        for x in xs {
            finite("x", x)?;
        }
        let (groups, rest) = xs.as_chunks::<BATCH_VECTORS>();
        let (cgroups, crest) = codes.as_chunks_mut::<BATCH_VECTORS>();
        for (g, c) in groups.iter().zip(cgroups) {
            *c = self.codes_of(g);
        }
        for (x, c) in rest.iter().zip(crest) {
            *c = self.codes_of(core::array::from_ref(x))[0];
        }
        Ok(())
    }

    /// The codes of `V` vectors: per block of 16 planes, `Σ_i x_v[i]·r_ij` in
    /// order of `i` for all `V` at once.
    #[inline(always)]
    fn codes_of<const V: usize>(&self, xs: &[[f32; D]; V]) -> [u64; V] {
        let mut codes = [0u64; V];
        let mut lo = 0;
        while lo < B {
            let mut acc = [[0.0f32; BATCH_PLANES]; V];
            for (i, row) in self.planes.iter().enumerate() {
                let r: [f32; BATCH_PLANES] =
                    core::array::from_fn(|l| row.get(lo + l).copied().unwrap_or(0.0));
                for (a, x) in acc.iter_mut().zip(xs) {
                    let xi = x[i];
                    for l in 0..BATCH_PLANES {
                        a[l] += xi * r[l];
                    }
                }
            }
            for (c, a) in codes.iter_mut().zip(&acc) {
                for (l, &v) in a.iter().enumerate() {
                    if lo + l < B {
                        *c |= ((v > 0.0) as u64) << ((lo + l) & 63);
                    }
                }
            }
            lo += BATCH_PLANES;
        }
        codes
    }
}

/// A SimHash family whose `B × D` projections are regenerated from its seed
/// on every call by `$project` (zero bytes stored).
macro_rules! seeded_family {
    ($(#[$m:meta])* $name:ident, $project:path) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name<const D: usize, const B: usize> {
            /// The seed of [`Rng::new`].
            pub seed: u64,
        }

        impl<const D: usize, const B: usize> $name<D, B> {
            /// The family drawn from `seed`.
            pub const fn new(seed: u64) -> Self {
                $name { seed }
            }

            /// Projections `x · r_j` into `proj`.
            ///
            /// # Errors
            /// [`Error::NonFinite`] in `x` (the only error: the sizes are in the type).
            pub fn project(&self, x: &[f32; D], proj: &mut [f32; B]) -> Result<(), Error> {
                const { assert!(D > 0 && B > 0) };
                $project(x, self.seed, proj)
            }

            code_methods!();
        }
    };
}

seeded_family!(
    /// SimHash with Gaussian projections, one draw per multiply: the codes
    /// of [`Hyperplane::new`]`(seed)` bit for bit.
    SeededHyperplane,
    hyperplane_project_seeded
);

seeded_family!(
    /// SimHash with ±1 projections, one [`Rng::next`] per 32 entries: the
    /// codes of [`Hyperplane::new_sign`]`(seed)` bit for bit.
    SeededSignHyperplane,
    hyperplane_project_sign_seeded
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_codes_equal_one_at_a_time() {
        let mut rng = Rng::new(5);
        // 4-vector groups and a remainder; 37 planes: two full blocks and a partial one.
        let mut xs = [[0.0f32; 10]; 11];
        xs.iter_mut().for_each(|x| rng.fill_normal(x));
        let h = Hyperplane::<10, 37>::new(3);
        let mut codes = [0u64; 11];
        h.hash_batch(&xs, &mut codes).unwrap();
        let mut p = [0.0f32; 37];
        for (x, c) in xs.iter().zip(&codes) {
            assert_eq!(h.hash_u64(x, &mut p).unwrap(), *c);
        }
        let mut bytes = [0u8; 11 * 5];
        hyperplane_hash_batch(xs.as_flattened(), h.planes.as_flattened(), 37, &mut bytes).unwrap();
        let mut one = [0u8; 5];
        for (x, c) in xs.iter().zip(bytes.chunks_exact(5)) {
            hyperplane_hash(x, h.planes.as_flattened(), &mut p, &mut one).unwrap();
            assert_eq!(one, c);
        }
    }

    #[test]
    fn batch_bad_input_is_an_error_and_leaves_codes_alone() {
        let h = Hyperplane::<4, 8>::new(1);
        let mut xs = [[1.0f32; 4]; 3];
        xs[2][1] = f32::NAN;
        let mut codes = [7u64; 3];
        assert_eq!(h.hash_batch(&xs, &mut codes), Err(Error::NonFinite { what: "x", index: 1 }));
        assert!(h.hash_batch(&xs[..2], &mut codes).is_err());
        assert_eq!(codes, [7; 3]);
        let planes = h.planes.as_flattened();
        let mut bytes = [9u8; 3];
        let flat = xs.as_flattened();
        assert!(hyperplane_hash_batch(flat, planes, 8, &mut bytes).is_err()); // NaN
        assert!(hyperplane_hash_batch(&flat[..7], planes, 8, &mut bytes).is_err()); // 7 % 4
        assert!(hyperplane_hash_batch(&flat[..8], planes, 8, &mut bytes).is_err()); // 2 codes, not 3
        assert!(hyperplane_hash_batch(&flat[..8], planes, 0, &mut bytes).is_err()); // b = 0
        assert!(hyperplane_hash_batch(&flat[..8], &planes[..31], 8, &mut bytes).is_err());
        assert_eq!(bytes, [9; 3]);
    }
    use crate::rng::Rng;
    use proptest::prelude::*;

    #[test]
    fn closed_form_bits() {
        // d = 2, b = 9: r_j = (cos φ_j, sin φ_j), φ_j = j·40°; x = (1, 0):
        // bit j = [cos φ_j > 0] → j = 0, 1, 2 (0°, 40°, 80°) and 7, 8 (280°, 320°).
        let mut planes = [0.0f32; 18];
        for j in 0..9 {
            let phi = (j as f32 * 40.0).to_radians();
            planes[j] = libm::cosf(phi);
            planes[9 + j] = libm::sinf(phi);
        }
        let (mut proj, mut code) = ([0.0; 9], [0u8; 2]);
        hyperplane_hash(&[1.0, 0.0], &planes, &mut proj, &mut code).unwrap();
        assert_eq!(code, [0b1000_0111, 0b1]);
    }

    #[test]
    fn stored_and_seeded_agree() {
        let h = Hyperplane::<16, 40>::new(9);
        let s = SeededHyperplane::<16, 40>::new(9);
        let mut rng = Rng::new(1);
        for _ in 0..50 {
            let mut x = [0.0f32; 16];
            rng.fill_normal(&mut x);
            let (mut p1, mut p2) = ([0.0; 40], [0.0; 40]);
            let a = h.hash_u64(&x, &mut p1).unwrap();
            let b = s.hash_u64(&x, &mut p2).unwrap();
            assert_eq!(a, b);
            assert_eq!(p1, p2);
            let mut w = [0u32; 2];
            h.hash_words(&x, &mut p1, &mut w).unwrap();
            assert_eq!(w[0] as u64 | (w[1] as u64) << 32, a);
            let (mut c1, mut c2) = ([0u8; 5], [0u8; 5]);
            hyperplane_hash(&x, h.planes.as_flattened(), &mut p1, &mut c1).unwrap();
            hyperplane_hash_seeded(&x, 9, &mut p2, &mut c2).unwrap();
            assert_eq!(c1, c2);
            assert_eq!(u64::from_le_bytes([c1[0], c1[1], c1[2], c1[3], c1[4], 0, 0, 0]), a);
        }
    }

    #[test]
    fn stored_and_seeded_sign_planes_agree() {
        let h = Hyperplane::<16, 40>::new_sign(4);
        assert!(h.planes.as_flattened().iter().all(|&v| v == 1.0 || v == -1.0));
        let s = SeededSignHyperplane::<16, 40>::new(4);
        let mut rng = Rng::new(3);
        for _ in 0..50 {
            let mut x = [0.0f32; 16];
            rng.fill_normal(&mut x);
            let (mut p1, mut p2) = ([0.0; 40], [0.0; 40]);
            assert_eq!(h.hash_u64(&x, &mut p1).unwrap(), s.hash_u64(&x, &mut p2).unwrap());
            assert_eq!(p1, p2);
        }
        assert!(sign_planes(1, 0, &mut []).is_err());
        assert!(sign_planes(1, 3, &mut [0.0; 4]).is_err());
        assert!(hyperplane_project_sign_seeded(&[f32::NAN], 1, &mut [0.0]).is_err());
    }

    #[test]
    fn bad_inputs() {
        let planes = [1.0f32; 6];
        let mut proj = [0.0; 3];
        let mut code = [7u8; 1];
        assert_eq!(
            hyperplane_hash(&[1.0], &planes, &mut proj, &mut code),
            Err(Error::ShapeMismatch { what: "planes", expected: 3, found: 6 })
        );
        assert_eq!(
            hyperplane_hash(&[1.0, f32::NAN], &planes, &mut proj, &mut code),
            Err(Error::NonFinite { what: "x", index: 1 })
        );
        assert!(matches!(
            hyperplane_hash(&[], &planes, &mut proj, &mut code),
            Err(Error::Empty { .. })
        ));
        assert!(hyperplane_hash(&[1.0, 1.0], &planes, &mut proj, &mut [0u8; 2]).is_err());
        assert!(hyperplane_hash(&[1.0, 1.0], &planes, &mut [], &mut []).is_err());
        assert!(hyperplane_hash_seeded(&[f32::INFINITY], 1, &mut proj, &mut code).is_err());
        assert_eq!(code, [7]);
        let mut p = [[1.0f32; 2]; 2];
        p[1][0] = f32::NAN;
        assert!(Hyperplane::<2, 2>::from_planes(p).is_err());
        let h = Hyperplane::<2, 2>::new(1);
        assert!(h.hash_words(&[1.0, 2.0], &mut [0.0; 2], &mut []).is_err());
        assert!(h.hash_u64(&[1.0, f32::NAN], &mut [0.0; 2]).is_err());
    }

    proptest! {
        #[test]
        fn positive_scaling_keeps_code_and_negation_flips_nonzero_bits(
            x in proptest::collection::vec(-10.0f32..10.0, 8)
        ) {
            let h = Hyperplane::<8, 24>::new(3);
            let x: [f32; 8] = x.try_into().unwrap();
            let mut p = [0.0; 24];
            let c = h.hash_u64(&x, &mut p).unwrap();
            let neg = x.map(|v| -v);
            let mut pn = [0.0; 24];
            let cn = h.hash_u64(&neg, &mut pn).unwrap();
            let nonzero = p.iter().enumerate().fold(0u64, |m, (j, v)| m | (((*v != 0.0) as u64) << j));
            prop_assert_eq!((c ^ cn) & nonzero, nonzero);
            // Scaling by a power of two is exact, so the code is unchanged.
            let x2 = x.map(|v| v * 4.0);
            let mut p2 = [0.0; 24];
            prop_assert_eq!(h.hash_u64(&x2, &mut p2).unwrap(), c);
        }
    }
}
