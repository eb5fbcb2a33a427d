//! Where an [`LshIndexInner`](super::LshIndexInner) keeps its state: the
//! [`IndexStorage`] trait, its two implementations (const-generic arrays,
//! [`OwnedStorage`]; borrowed slices sized at run time, [`ViewStorage`]),
//! the item kinds ([`Item`]: `f32` rows or `i8` codes with a scale) and the
//! planes of an owned index ([`PlaneSource`]: in RAM, [`RamPlanes`], or a
//! `static` in flash).

use crate::error::{check_len, check_nonempty, Error};
use crate::fixed::Fixed;
use crate::linalg::dot_unchecked;
use crate::lsh::tables::{check_table_params, Entry};
use crate::math::abs;
use crate::rng::Rng;

/// The sizes of an index: `dim` dimensions, `tables` tables of `bits` bits,
/// room for `capacity` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct IndexParams {
    /// Vector dimension `d`.
    pub dim: usize,
    /// Number of tables `L`.
    pub tables: usize,
    /// Bits per table `K` (1 to 32).
    pub bits: usize,
    /// Maximum number of items.
    pub capacity: usize,
}

impl IndexParams {
    /// Length of the planes, `L·d·K` (saturating).
    pub const fn planes_len(&self) -> usize {
        self.tables.saturating_mul(self.dim).saturating_mul(self.bits)
    }
    /// Length of the item rows, `capacity·d` (saturating).
    pub const fn rows_len(&self) -> usize {
        self.capacity.saturating_mul(self.dim)
    }
    /// Length of the table entries, `L·capacity` (saturating).
    pub const fn entries_len(&self) -> usize {
        self.tables.saturating_mul(self.capacity)
    }
    /// Length of a query's projections and bit order, `L·K`.
    pub const fn proj_len(&self) -> usize {
        self.tables.saturating_mul(self.bits)
    }

    /// Checks the sizes: `dim`, `tables` and `capacity` non-zero, `bits` in
    /// `1..=32`, fewer than 2³² − 1 items, and every buffer length below 2³¹
    /// elements (so no size overflows on any target).
    ///
    /// # Errors
    /// [`Error::Empty`] or [`Error::InvalidArgument`] naming the size.
    pub fn check(&self) -> Result<(), Error> {
        check_nonempty("dim", self.dim)?;
        check_table_params(self.tables, self.bits, self.capacity)?;
        let limit = 1usize << 31;
        if self.planes_len() >= limit || self.rows_len() >= limit || self.entries_len() >= limit {
            return Err(Error::InvalidArgument {
                what: "index size",
                expected: "buffers of fewer than 2^31 elements (tables*dim*bits, capacity*dim, capacity*tables)",
            });
        }
        Ok(())
    }
}

/// The buffers of an index: planes `[L, d, K]` (row-major; empty while they
/// are not drawn), centre `[d]`, item rows `[capacity, d]`, per-item scales
/// (`[capacity]` for `i8` rows, empty for `f32`), live flags `[capacity]` and
/// table entries `[L, capacity]`.
#[derive(Debug)]
pub struct IndexBuffers<'a, T> {
    /// The hyperplanes, `[L, d, K]`.
    pub planes: &'a [f32],
    /// The centre `μ`, `[d]`.
    pub center: &'a mut [f32],
    /// The items' unit vectors, `[capacity, d]`.
    pub rows: &'a mut [T],
    /// The items' scales (`[capacity]` for `i8` rows, empty for `f32`).
    pub scales: &'a mut [f32],
    /// Which slots hold an item, `[capacity]`.
    pub live: &'a mut [bool],
    /// The tables, `[L, capacity]`.
    pub entries: &'a mut [Entry],
}

impl<T> IndexBuffers<'_, T> {
    /// The buffers, read only.
    pub fn as_ref(&self) -> IndexBuffersRef<'_, T> {
        IndexBuffersRef {
            planes: self.planes,
            center: self.center,
            rows: self.rows,
            scales: self.scales,
            live: self.live,
            entries: self.entries,
        }
    }

    /// The buffers, borrowed again for a shorter time.
    pub fn reborrow(&mut self) -> IndexBuffers<'_, T> {
        IndexBuffers {
            planes: self.planes,
            center: self.center,
            rows: self.rows,
            scales: self.scales,
            live: self.live,
            entries: self.entries,
        }
    }
}

/// [`IndexBuffers`], read only.
#[derive(Debug, Clone, Copy)]
pub struct IndexBuffersRef<'a, T> {
    /// The hyperplanes, `[L, d, K]` (empty while not drawn).
    pub planes: &'a [f32],
    /// The centre `μ`, `[d]`.
    pub center: &'a [f32],
    /// The items' unit vectors, `[capacity, d]`.
    pub rows: &'a [T],
    /// The items' scales.
    pub scales: &'a [f32],
    /// Which slots hold an item.
    pub live: &'a [bool],
    /// The tables.
    pub entries: &'a [Entry],
}

/// A vector or a list of vectors as one flat slice: `[f32]` as it is, a
/// `[f32; D]` or a `[[f32; D]]` flattened. An owned index takes arrays (the
/// dimension is in the type), a view takes slices.
pub trait Flat<T> {
    /// The elements, row after row.
    fn flat(&self) -> &[T];
}

impl<T> Flat<T> for [T] {
    #[inline(always)]
    fn flat(&self) -> &[T] {
        self
    }
}

impl<T, const N: usize> Flat<T> for [T; N] {
    #[inline(always)]
    fn flat(&self) -> &[T] {
        self
    }
}

impl<T, const N: usize> Flat<T> for [[T; N]] {
    #[inline(always)]
    fn flat(&self) -> &[T] {
        self.as_flattened()
    }
}

/// Where an index keeps its state. Implemented by [`OwnedStorage`] (arrays
/// sized by const generics) and [`ViewStorage`] (borrowed slices); a host
/// program can implement it over `Vec`s and build the index with
/// [`LshIndexInner::from_storage`](super::LshIndexInner::from_storage),
/// which checks every length once.
pub trait IndexStorage {
    /// How an item's unit vector is kept: `f32`, or `i8` codes with a scale.
    type Item: Item;
    /// One vector: `[f32; D]` for an owned index, `[f32]` otherwise.
    type Vector: ?Sized + Flat<f32>;
    /// Several vectors: `[[f32; D]]` for an owned index, `[f32]` (flat) otherwise.
    type Rows: ?Sized + Flat<f32>;
    /// The sizes.
    fn params(&self) -> IndexParams;
    /// The buffers, read only.
    fn buffers(&self) -> IndexBuffersRef<'_, Self::Item>;
    /// The buffers.
    fn buffers_mut(&mut self) -> IndexBuffers<'_, Self::Item>;
    /// Calls `f` with a buffer of `d` codes for the query (`i8` items): a
    /// stack array for an owned index, else `scratch`.
    fn with_query_codes<R>(&self, scratch: &mut [i8], f: impl FnOnce(&mut [i8]) -> R) -> R {
        f(scratch)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for i8 {}
}

/// How an index keeps each item's unit vector `u = x/|x|` for re-ranking:
/// `f32` (`4d` bytes an item, exact cosine), or `i8` codes `c` with one
/// `f32` scale `s = max|u|/127` (`u ≈ c·s`, round half to even; `d + 4`
/// bytes an item, re-ranked by the integer cosine `s_q·s_x·Σ c_q·c_x`).
pub trait Item: Copy + core::fmt::Debug + sealed::Sealed {
    /// The value a zeroed row holds.
    const ZERO: Self;
    /// Whether an item has a scale (and a query needs `d` codes).
    const SCALED: bool;
    /// Stores `u` in `row`; returns its scale (1 for `f32`).
    #[doc(hidden)]
    fn store(u: impl Iterator<Item = f32> + Clone, row: &mut [Self]) -> f32;
    /// Component `i` of a stored row with scale `scale`.
    #[doc(hidden)]
    fn component(row: &[Self], scale: f32, i: usize) -> f32;
    /// Writes the codes of the query's unit vector `q·inv` (`i8`); returns
    /// their scale.
    #[doc(hidden)]
    fn prepare(q: &[f32], inv: f32, codes: &mut [i8]) -> f32;
    /// The cosine of the query (`q`, `inv = 1/|q|`, its `codes` and scale)
    /// with a stored row.
    #[doc(hidden)]
    fn cosine(q: &[f32], inv: f32, codes: &[i8], q_scale: f32, row: &[Self], scale: f32) -> f32;
}

impl Item for f32 {
    const ZERO: Self = 0.0;
    const SCALED: bool = false;
    #[inline]
    fn store(u: impl Iterator<Item = f32> + Clone, row: &mut [Self]) -> f32 {
        row.iter_mut().zip(u).for_each(|(r, v)| *r = v);
        1.0
    }
    #[inline]
    fn component(row: &[Self], _: f32, i: usize) -> f32 {
        row.get(i).copied().unwrap_or(0.0)
    }
    #[inline(always)]
    fn prepare(_: &[f32], _: f32, _: &mut [i8]) -> f32 {
        0.0
    }
    #[inline(always)]
    fn cosine(q: &[f32], inv: f32, _: &[i8], _: f32, row: &[Self], _: f32) -> f32 {
        dot_unchecked(q, row) * inv
    }
}

impl Item for i8 {
    const ZERO: Self = 0;
    const SCALED: bool = true;
    /// Codes `rint(u/s)` with `s = max|u|/127` (1 for the zero vector).
    #[inline]
    fn store(u: impl Iterator<Item = f32> + Clone, row: &mut [Self]) -> f32 {
        let m = u.clone().fold(0.0f32, |m, v| if abs(v) > m { abs(v) } else { m });
        let s = if m > 0.0 { m / 127.0 } else { 1.0 };
        for (c, v) in row.iter_mut().zip(u) {
            *c = i8::saturate(libm::rintf(v / s) as i64);
        }
        s
    }
    #[inline]
    fn component(row: &[Self], scale: f32, i: usize) -> f32 {
        row.get(i).copied().unwrap_or(0) as f32 * scale
    }
    #[inline]
    fn prepare(q: &[f32], inv: f32, codes: &mut [i8]) -> f32 {
        Self::store(q.iter().map(|&v| v * inv), codes)
    }
    #[inline(always)]
    fn cosine(_: &[f32], _: f32, codes: &[i8], q_scale: f32, row: &[Self], scale: f32) -> f32 {
        crate::fixed::linalg::dot_i8_exact(codes, row) as f32 * (q_scale * scale)
    }
}

/// The `[L][D][K]` planes of an owned index.
///
/// [`RamPlanes`] keeps them in the index (drawn at run time); a zero-sized
/// type of your own names planes kept in a `static` (flash), so the index
/// holds no reference and can live in `.bss` (see
/// [`LshIndexInner::with_planes`](super::LshIndexInner::with_planes)):
///
/// ```
/// use plasticore::lsh::{index_sign_planes, LshIndex, PlaneSource};
///
/// // ±1 planes made at compile time (no libm), kept in flash.
/// static PLANES: [[[f32; 8]; 16]; 4] = index_sign_planes(7);
/// struct FlashPlanes;
/// impl PlaneSource<16, 4, 8> for FlashPlanes {
///     fn planes(&self) -> Option<&[[[f32; 8]; 16]; 4]> {
///         Some(&PLANES)
///     }
/// }
/// static mut _INDEX: LshIndex<16, 64, 4, 8, FlashPlanes> = LshIndex::with_planes(FlashPlanes);
/// ```
pub trait PlaneSource<const D: usize, const L: usize, const K: usize> {
    /// The planes, or `None` while they are not drawn.
    fn planes(&self) -> Option<&[[[f32; K]; D]; L]>;
}

/// Planes kept in the index (RAM): undrawn until
/// [`LshIndexInner::reset`](super::LshIndexInner::reset) (Gaussian) or
/// [`LshIndexInner::reset_signs`](super::LshIndexInner::reset_signs) (±1)
/// draws them, so that an index used before then is an error, not a
/// silent scan of one bucket.
#[derive(Debug, Clone)]
pub struct RamPlanes<const D: usize, const L: usize, const K: usize> {
    planes: [[[f32; K]; D]; L],
    drawn: bool,
}

impl<const D: usize, const L: usize, const K: usize> RamPlanes<D, L, K> {
    /// Planes not drawn yet (all zero: a `const` for statics in `.bss`).
    pub const UNDRAWN: Self = RamPlanes { planes: [[[0.0; K]; D]; L], drawn: false };

    /// These planes.
    pub const fn new(planes: [[[f32; K]; D]; L]) -> Self {
        RamPlanes { planes, drawn: true }
    }

    /// N(0, 1) planes from `seed` ([`index_planes`]).
    pub(crate) fn draw_gaussian(&mut self, seed: u64) {
        index_planes(seed, self.planes.as_flattened_mut().as_flattened_mut());
        self.drawn = true;
    }

    /// ±1 planes from `seed` ([`index_sign_planes`]).
    pub(crate) fn draw_signs(&mut self, seed: u64) {
        self.planes = index_sign_planes(seed);
        self.drawn = true;
    }
}

impl<const D: usize, const L: usize, const K: usize> PlaneSource<D, L, K> for RamPlanes<D, L, K> {
    #[inline]
    fn planes(&self) -> Option<&[[[f32; K]; D]; L]> {
        self.drawn.then_some(&self.planes)
    }
}

/// Draws the `[L, d, K]` planes of an index from `seed`: N(0, 1) by
/// [`Rng::fill_normal`], in memory order (links libm's `log`, `cos`).
pub fn index_planes(seed: u64, planes: &mut [f32]) {
    Rng::new(seed).fill_normal(planes);
}

/// The planes whose `f32` bit patterns are `bits`: a `const fn`, so that
/// planes drawn on a host (`plasticore planes --rust` writes this call
/// with the bits of [`index_planes`]) become a `static` in flash, exact to
/// the bit and without libm on the board.
pub const fn planes_from_bits<const D: usize, const L: usize, const K: usize>(
    bits: &[[[u32; K]; D]; L],
) -> [[[f32; K]; D]; L] {
    let mut p = [[[0.0f32; K]; D]; L];
    let mut n = 0;
    while n < L * D * K {
        let (t, i, j) = (n / (D * K), n / K % D, n % K);
        p[t][i][j] = f32::from_bits(bits[t][i][j]);
        n += 1;
    }
    p
}

/// ±1 planes `[L][D][K]` from `seed`, at compile time if wanted (a `const
/// fn`: no libm, nothing in RAM when the result is a `static`). Each of the
/// `L·D` rows takes one [`Rng::next`] word; entry `j` is +1 if its bit `j` is
/// set: the values [`crate::lsh::hyperplane::sign_planes`] writes for the
/// flat `[L·D, K]` matrix.
pub const fn index_sign_planes<const D: usize, const L: usize, const K: usize>(
    seed: u64,
) -> [[[f32; K]; D]; L] {
    let mut rng = Rng::new(seed);
    let (mut p, mut w) = ([[[0.0f32; K]; D]; L], 0u32);
    let mut n = 0;
    while n < L * D * K {
        let (t, i, j) = (n / (D * K), n / K % D, n % K);
        if j % 32 == 0 {
            w = rng.next();
        }
        p[t][i][j] = if (w >> (j % 32)) & 1 == 1 { 1.0 } else { -1.0 };
        n += 1;
    }
    p
}

/// The state of an index with every size a const generic: planes `P`,
/// centre, `CAP` rows of `D` items `T`, scales `Sc` (`[f32; CAP]` for `i8`
/// rows, `[f32; 0]` for `f32`), live flags and `L` tables.
#[derive(Debug, Clone)]
pub struct OwnedStorage<const D: usize, const CAP: usize, const L: usize, const K: usize, T, Sc, P>
{
    pub(crate) planes: P,
    center: [f32; D],
    rows: [[T; D]; CAP],
    scales: Sc,
    live: [bool; CAP],
    entries: [[Entry; CAP]; L],
}

/// The scales of an owned index: `[f32; CAP]` (i8 rows) or `[f32; 0]`.
pub trait Scales: AsRef<[f32]> + AsMut<[f32]> {
    /// All zero.
    const ZERO: Self;
}

impl<const N: usize> Scales for [f32; N] {
    const ZERO: Self = [0.0; N];
}

impl<const D: usize, const CAP: usize, const L: usize, const K: usize, T: Item, Sc: Scales, P>
    OwnedStorage<D, CAP, L, K, T, Sc, P>
{
    /// Empty storage over `planes`, centre 0.
    pub(crate) const fn new(planes: P) -> Self {
        OwnedStorage {
            planes,
            center: [0.0; D],
            rows: [[T::ZERO; D]; CAP],
            scales: Sc::ZERO,
            live: [false; CAP],
            entries: [[Entry::ZERO; CAP]; L],
        }
    }
}

impl<const D: usize, const CAP: usize, const L: usize, const K: usize, T, Sc, P> IndexStorage
    for OwnedStorage<D, CAP, L, K, T, Sc, P>
where
    T: Item,
    Sc: Scales,
    P: PlaneSource<D, L, K>,
{
    type Item = T;
    type Vector = [f32; D];
    type Rows = [[f32; D]];

    #[inline(always)]
    fn params(&self) -> IndexParams {
        IndexParams { dim: D, tables: L, bits: K, capacity: CAP }
    }

    #[inline(always)]
    fn buffers(&self) -> IndexBuffersRef<'_, T> {
        IndexBuffersRef {
            planes: self.planes.planes().map_or(&[], |p| p.as_flattened().as_flattened()),
            center: &self.center,
            rows: self.rows.as_flattened(),
            scales: self.scales.as_ref(),
            live: &self.live,
            entries: self.entries.as_flattened(),
        }
    }

    #[inline(always)]
    fn buffers_mut(&mut self) -> IndexBuffers<'_, T> {
        IndexBuffers {
            planes: self.planes.planes().map_or(&[], |p| p.as_flattened().as_flattened()),
            center: &mut self.center,
            rows: self.rows.as_flattened_mut(),
            scales: self.scales.as_mut(),
            live: &mut self.live,
            entries: self.entries.as_flattened_mut(),
        }
    }

    #[inline(always)]
    fn with_query_codes<R>(&self, _: &mut [i8], f: impl FnOnce(&mut [i8]) -> R) -> R {
        if T::SCALED {
            f(&mut [0i8; D])
        } else {
            f(&mut [])
        }
    }
}

/// The state of an index in borrowed slices, sizes chosen at run time.
#[derive(Debug)]
pub struct ViewStorage<'a, T> {
    params: IndexParams,
    buffers: IndexBuffers<'a, T>,
}

impl<'a, T> ViewStorage<'a, T> {
    /// Sizes and buffers (checked when the index is built).
    pub fn new(params: IndexParams, buffers: IndexBuffers<'a, T>) -> Self {
        ViewStorage { params, buffers }
    }
}

impl<T: Item> IndexStorage for ViewStorage<'_, T> {
    type Item = T;
    type Vector = [f32];
    type Rows = [f32];

    fn params(&self) -> IndexParams {
        self.params
    }

    fn buffers(&self) -> IndexBuffersRef<'_, T> {
        self.buffers.as_ref()
    }

    fn buffers_mut(&mut self) -> IndexBuffers<'_, T> {
        self.buffers.reborrow()
    }
}

/// Checks an index's buffers against its sizes: planes, centre, rows,
/// scales, live flags and entries of the lengths [`IndexParams`] gives,
/// planes and centre finite.
pub(crate) fn check_buffers<T: Item>(
    p: &IndexParams,
    b: &IndexBuffersRef<'_, T>,
) -> Result<(), Error> {
    p.check()?;
    check_len("planes", p.planes_len(), b.planes.len())?;
    check_len("center", p.dim, b.center.len())?;
    check_len("rows", p.rows_len(), b.rows.len())?;
    let scales = if T::SCALED { p.capacity } else { 0 };
    check_len("scales", scales, b.scales.len())?;
    check_len("live", p.capacity, b.live.len())?;
    check_len("entries", p.entries_len(), b.entries.len())?;
    crate::error::check_finite("planes", b.planes)?;
    crate::error::check_finite("center", b.center)?;
    Ok(())
}
