//! A fixed-capacity LSH index for cosine similarity: `L` hyperplane tables of
//! `K ≤ 32` bits each (Indyk & Motwani 1998; Charikar 2002), multiprobe queries
//! (Lv, Josephson, Wang, Charikar, Li 2007, "Multi-probe LSH"; the FALCONN
//! probe order for hyperplane hashes) and exact re-ranking by cosine.
//!
//! **One index, four faces.** [`LshIndexInner`] is written once over an
//! [`IndexStorage`], as heapless writes `VecInner` once over its storage:
//!
//! | type | storage | items |
//! |---|---|---|
//! | [`LshIndex<D, CAP, L, K>`](LshIndex) | arrays, every size a const generic | `f32` rows |
//! | [`LshIndexI8<D, CAP, L, K>`](LshIndexI8) | arrays | `i8` codes and a scale |
//! | [`LshIndexView`] | caller slices, sizes at run time ([`IndexParams`]) | `f32` rows |
//! | [`LshIndexI8View`] | caller slices | `i8` codes and a scale |
//!
//! The item kind is in the type: an `f32` index links no `i8` kernel, and
//! an `i8` index is queried with the same call.
//!
//! **Hashing.** Table `t` has a `[d, K]` matrix of directions (all tables
//! drawn from one seed, table after table: N(0, 1) by [`index_planes`], or
//! ±1 by [`index_sign_planes`]). An item `x` gets code
//! `c_t(x) = Σ_j [(x/|x| − μ)·r_tj > 0] 2^j`, where `μ` is a centre: zero for
//! plain SimHash, or the mean of the stored unit vectors after
//! [`LshIndexInner::recenter`], which makes the hyperplanes cut through the
//! data — essential for data in one orthant such as pixel counts (on digits:
//! 13% instead of 91% of the points examined for the same recall). A zero
//! vector has no direction: inserting or querying one is an error.
//!
//! **Storage** (no heap): the tables of `lsh/tables.rs` (a code-sorted
//! array per table, binary search for a bucket) and each item's unit vector
//! `x/|x|` for re-ranking. Memory: `cap·(4d + 8L + 1) + 4·L·d·K + 4d` bytes
//! with `f32` rows, `cap·(d + 4 + 8L + 1) + …` with `i8` rows (3.6× the items
//! in the same row memory at d = 64). The planes can stay in flash
//! ([`PlaneSource`]), so that RAM holds only what changes.
//!
//! **Query.** The query's `L` base buckets are probed first; then perturbed
//! buckets in increasing score `Σ_{j∈S} ((q/|q| − μ)·r_tj)²` over all
//! tables — flipping the lowest-margin bits first — generated exactly in that
//! order by the shift/expand heap of Lv et al. Every distinct candidate is
//! scored by the exact cosine `q·x / (|q| |x|)` (an `i8` index: the integer
//! cosine `s_q·s_x·Σ c_q·c_x` of the query quantised the same way) and the
//! best `k` are kept, ties broken by the lower id. Cost:
//! `O(L·d·K + probes·log cap + candidates·d)`.
//!
//! **Capacity.** Inserting into a full index returns [`Error::Capacity`] and
//! changes nothing. Ids are slot numbers: the lowest free slot is reused.

mod query;
mod storage;
#[cfg(test)]
mod tests;

pub use query::{Neighbor, Neighbors, QueryBuf, QueryBufView, QueryScratch, QueryStats};
pub use storage::{
    index_planes, index_sign_planes, planes_from_bits, Flat, IndexBuffers, IndexBuffersRef,
    IndexParams, IndexStorage, Item, OwnedStorage, PlaneSource, RamPlanes, Scales, ViewStorage,
};

use super::finite;
use super::probe::{Probe, ProbeQueue};
use super::tables::{check_room, index_accessors, insert_rows, TablesMut, TablesRef};
use super::top::TopK;
use crate::error::{check_len, Error};
use crate::linalg::dot_unchecked;
use crate::math::sqrt;
use crate::slices::{copy, rows, rows_mut};
use query::Work;
use storage::check_buffers;

/// Default number of tables `L`. With [`DEFAULT_BITS`], [`DEFAULT_PROBES`] and the
/// index recentred ([`LshIndexInner::recenter`]): Recall@10 ≈ 0.96 at ≈ 13% of
/// points examined on scikit-learn's digits (tests/tests/lsh_recall.rs; docs/lsh.md).
pub const DEFAULT_TABLES: usize = 16;
/// Default bits per table `K`.
pub const DEFAULT_BITS: usize = 10;
/// Default number of buckets probed per query (including the `L` base buckets).
pub const DEFAULT_PROBES: usize = 64;

/// The error of an index whose planes were never drawn.
const NOT_DRAWN: Error =
    Error::Uninitialized { what: "index (draw its planes with new, reset or reset_signs first)" };

/// An LSH index over any [`IndexStorage`]; use it through its aliases
/// [`LshIndex`], [`LshIndexI8`], [`LshIndexView`] and [`LshIndexI8View`].
#[derive(Debug, Clone)]
pub struct LshIndexInner<S> {
    len: usize,
    storage: S,
}

/// An LSH index with every size a compile-time fact: `D` dimensions,
/// capacity `CAP`, `L` tables of `K ≤ 32` bits; planes in the index
/// ([`RamPlanes`]) or named by a [`PlaneSource`] (flash). Memory:
/// `CAP·(4D + 8L + 1) + 4·L·D·K + 4D` bytes (planes in flash: without `4·L·D·K`).
pub type LshIndex<
    const D: usize,
    const CAP: usize,
    const L: usize,
    const K: usize,
    P = RamPlanes<D, L, K>,
> = LshIndexInner<OwnedStorage<D, CAP, L, K, f32, [f32; 0], P>>;

/// [`LshIndex`] with each unit vector kept as `D` i8 codes and one f32
/// scale, re-ranked by the integer cosine. Memory:
/// `CAP·(D + 4 + 8L + 1) + 4·L·D·K + 4D` bytes — at D = 64, 3.6× the items
/// of an [`LshIndex`] in the same row memory.
pub type LshIndexI8<
    const D: usize,
    const CAP: usize,
    const L: usize,
    const K: usize,
    P = RamPlanes<D, L, K>,
> = LshIndexInner<OwnedStorage<D, CAP, L, K, i8, [f32; CAP], P>>;

/// An LSH index over caller slices, sizes chosen at run time.
pub type LshIndexView<'a> = LshIndexInner<ViewStorage<'a, f32>>;

/// [`LshIndexView`] with `i8` rows.
pub type LshIndexI8View<'a> = LshIndexInner<ViewStorage<'a, i8>>;

impl<const D: usize, const CAP: usize, const L: usize, const K: usize, T, Sc, P>
    LshIndexInner<OwnedStorage<D, CAP, L, K, T, Sc, P>>
where
    T: Item,
    Sc: Scales,
    P: PlaneSource<D, L, K>,
{
    const CHECK: () = assert!(
        D > 0 && CAP > 0 && L > 0 && K > 0 && K <= 32 && CAP < u32::MAX as usize,
        "an index needs D, CAP, L > 0 and 1 <= K <= 32"
    );

    /// An empty index over `planes`, centre 0: a `const` initialiser for
    /// statics. With planes in flash (a zero-sized [`PlaneSource`]) the whole
    /// index is zero bytes at start, so it lives in `.bss`, not `.data`.
    pub const fn with_planes(planes: P) -> Self {
        let () = Self::CHECK;
        LshIndexInner { len: 0, storage: OwnedStorage::new(planes) }
    }

    /// The planes, if drawn.
    pub fn planes(&self) -> Option<&[[[f32; K]; D]; L]> {
        self.storage.planes.planes()
    }
}

impl<const D: usize, const CAP: usize, const L: usize, const K: usize, T, Sc>
    LshIndexInner<OwnedStorage<D, CAP, L, K, T, Sc, RamPlanes<D, L, K>>>
where
    T: Item,
    Sc: Scales,
{
    /// An empty index whose planes are not drawn yet: a `const` initialiser
    /// for statics (all zero: `.bss`). Every operation but
    /// [`reset`](Self::reset) and [`reset_signs`](Self::reset_signs) is an
    /// [`Error::Uninitialized`] until one of them draws the planes.
    pub const fn zeroed() -> Self {
        Self::with_planes(RamPlanes::UNDRAWN)
    }

    /// An empty index with N(0, 1) planes drawn from `seed` and centre 0.
    ///
    /// This builds the value on the stack; for a large index on a board
    /// use `zeroed()` in a `static` and [`reset`](Self::reset) it in place.
    pub fn new(seed: u64) -> Self {
        let mut s = Self::zeroed();
        s.reset(seed);
        s
    }

    /// Empties the index in place, draws N(0, 1) planes from `seed`
    /// ([`index_planes`]: links libm's `log` and `cos`) and sets the centre to 0.
    pub fn reset(&mut self, seed: u64) {
        self.storage.planes.draw_gaussian(seed);
        self.reset_center();
    }

    /// Empties the index in place, draws ±1 planes from `seed`
    /// ([`index_sign_planes`]: integer draws, no libm) and sets the centre to 0.
    pub fn reset_signs(&mut self, seed: u64) {
        self.storage.planes.draw_signs(seed);
        self.reset_center();
    }

    fn reset_center(&mut self) {
        self.clear();
        self.storage.buffers_mut().center.iter_mut().for_each(|c| *c = 0.0);
    }
}

impl<'a, T: Item> LshIndexInner<ViewStorage<'a, T>> {
    /// An empty index over the given buffers (`live` is cleared).
    ///
    /// # Errors
    /// [`Error::Empty`] or [`Error::InvalidArgument`] for sizes
    /// [`IndexParams::check`] refuses; [`Error::ShapeMismatch`] for a buffer
    /// of the wrong length ([`IndexBuffers`]); [`Error::NonFinite`] in the
    /// planes or centre.
    pub fn new(params: IndexParams, buffers: IndexBuffers<'a, T>) -> Result<Self, Error> {
        let mut idx = Self::reopen(params, buffers)?;
        idx.clear();
        Ok(idx)
    }

    /// The index that the buffers already hold: written before by an index
    /// with the same sizes, planes and centre (kept in retained RAM across
    /// a reset, or owned by a wrapper that rebuilds this view for each
    /// call). Its items are the slots whose `live` flag is set. Nothing is
    /// written.
    ///
    /// Buffers written otherwise give wrong neighbours but never a panic or
    /// an access out of bounds; [`LshIndexInner::check_invariants`] tells.
    ///
    /// # Errors
    /// As [`LshIndexView::new`](LshIndexInner::new).
    pub fn reopen(params: IndexParams, buffers: IndexBuffers<'a, T>) -> Result<Self, Error> {
        Self::from_storage(ViewStorage::new(params, buffers))
    }
}

impl<S: IndexStorage> LshIndexInner<S> {
    /// The index a storage holds (its items: the live slots), its lengths
    /// checked once: for a storage of your own (a host program's `Vec`s).
    ///
    /// # Errors
    /// As [`LshIndexView::new`](LshIndexInner::new).
    pub fn from_storage(storage: S) -> Result<Self, Error> {
        let b = storage.buffers();
        check_buffers(&storage.params(), &b)?;
        let len = b.live.iter().filter(|&&l| l).count();
        Ok(LshIndexInner { len, storage })
    }

    index_accessors!(IndexParams);

    /// Dimension `d`.
    pub fn dim(&self) -> usize {
        self.params().dim
    }
    /// Number of tables `L`.
    pub fn tables(&self) -> usize {
        self.params().tables
    }
    /// Bits per table `K`.
    pub fn bits(&self) -> usize {
        self.params().bits
    }

    /// The read-only view a query and the checks work on.
    #[inline(always)]
    fn frozen(&self) -> Result<Frozen<'_, S::Item>, Error> {
        let p = self.storage.params();
        let b = self.storage.buffers();
        if b.planes.len() != p.planes_len() {
            return Err(NOT_DRAWN);
        }
        Ok(Frozen { p, b, len: self.len })
    }

    /// Codes of `x` (hashed as `x/|x| − μ`) in every table (`codes.len() == L`).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for `x` or `codes`; [`Error::NonFinite`] in
    /// `x`; [`Error::InvalidArgument`] for a zero `x` or one whose norm
    /// overflows; [`Error::Uninitialized`] before the planes are drawn.
    pub fn codes(&self, x: &S::Vector, codes: &mut [u32]) -> Result<(), Error> {
        let f = self.frozen()?;
        let x = x.flat();
        check_len("x", f.p.dim, x.len())?;
        check_len("codes", f.p.tables, codes.len())?;
        finite("x", x)?;
        let inv = inv_norm("x", x)?;
        for (t, c) in codes.iter_mut().enumerate() {
            *c = f.code(t, |i| x.get(i).copied().unwrap_or(0.0) * inv);
        }
        Ok(())
    }

    /// Sets the centre `μ` subtracted from `x/|x|` before hashing and rehashes
    /// every stored item (`O(len·L·d·K)`, then a sort of each table).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for `center`; [`Error::NonFinite`] in it;
    /// [`Error::Uninitialized`] before the planes are drawn (nothing changes).
    pub fn set_center(&mut self, center: &S::Vector) -> Result<(), Error> {
        self.frozen()?;
        let center = center.flat();
        check_len("center", self.dim(), center.len())?;
        finite("center", center)?;
        copy(self.storage.buffers_mut().center, center);
        self.rehash();
        Ok(())
    }

    /// Sets the centre to the mean of the stored unit vectors `x/|x|` and
    /// rehashes: hyperplanes then cut through the data instead of the origin,
    /// which is what makes the defaults work on data that sits in one orthant
    /// (pixel counts, histograms). With no item stored the centre becomes 0.
    ///
    /// # Errors
    /// [`Error::Uninitialized`] before the planes are drawn.
    pub fn recenter(&mut self) -> Result<(), Error> {
        self.frozen()?;
        let (d, len) = (self.dim(), self.len);
        let b = self.storage.buffers_mut();
        b.center.iter_mut().for_each(|c| *c = 0.0);
        for (s, _) in b.live.iter().enumerate().filter(|(_, &l)| l) {
            let row = b.rows.get(s * d..(s + 1) * d).unwrap_or(&[]);
            let scale = b.scales.get(s).copied().unwrap_or(1.0);
            for (i, c) in b.center.iter_mut().enumerate() {
                *c += S::Item::component(row, scale, i);
            }
        }
        let inv = if len > 0 { 1.0 / len as f32 } else { 0.0 };
        b.center.iter_mut().for_each(|c| *c *= inv);
        self.rehash();
        Ok(())
    }

    /// Recomputes every stored code from the stored unit vectors and re-sorts
    /// the tables (the planes are drawn: callers checked).
    fn rehash(&mut self) {
        let (p, mut len) = (self.storage.params(), self.len);
        let b = self.storage.buffers_mut();
        let (rows_, scales) = (&*b.rows, &*b.scales);
        let f = Planes { p, planes: b.planes, center: b.center };
        let mut tables =
            TablesMut { live: b.live, entries: b.entries, tables: p.tables, len: &mut len };
        for t in 0..p.tables {
            for e in tables.table_mut(t).iter_mut() {
                let s = e.slot as usize;
                let row = rows_.get(s * p.dim..(s + 1) * p.dim).unwrap_or(&[]);
                let scale = scales.get(s).copied().unwrap_or(1.0);
                e.code = f.code(t, |i| S::Item::component(row, scale, i));
            }
        }
        tables.sort();
    }

    /// Inserts `x` and returns its id (the lowest free slot).
    ///
    /// # Errors
    /// [`Error::Capacity`] when full; [`Error::ShapeMismatch`] for `x`;
    /// [`Error::NonFinite`] in `x`; [`Error::InvalidArgument`] for a zero `x`
    /// or one whose norm overflows; [`Error::Uninitialized`] before the
    /// planes are drawn. Nothing changes on error.
    pub fn insert(&mut self, x: &S::Vector) -> Result<u32, Error> {
        self.frozen()?;
        let x = x.flat();
        check_len("x", self.dim(), x.len())?;
        finite("x", x)?;
        let inv = inv_norm("x", x)?;
        let slot = self.tables_mut().free_slot(0)?;
        self.put(slot, x, inv, false);
        Ok(slot as u32)
    }

    /// Inserts the rows of `xs` (`n` of them, `n = ids.len()`) and writes
    /// their ids (the lowest free slots, in increasing order) to `ids`. The
    /// same index as `n` calls of [`LshIndexInner::insert`] (queries give the
    /// same results), built faster: the codes are appended and each table is
    /// sorted once, `O(L·m·log m)` for `m` items in all, instead of `n`
    /// shifts of up to `cap` entries per table.
    ///
    /// # Errors
    /// [`Error::Capacity`] for more rows than free slots;
    /// [`Error::ShapeMismatch`] if `xs` is not `n·d` long; [`Error::NonFinite`]
    /// in `xs`; [`Error::InvalidArgument`] for a zero row or one whose norm
    /// overflows; [`Error::Uninitialized`] before the planes are drawn.
    /// Nothing changes on error.
    pub fn insert_all(&mut self, xs: &S::Rows, ids: &mut [u32]) -> Result<(), Error> {
        self.frozen()?;
        let (xs, p) = (xs.flat(), self.params());
        check_room(p.capacity, self.len, ids.len())?;
        // `ids.len() ≤ cap`, so `ids.len()·d` fits: the rows hold `cap·d`.
        check_len("xs", ids.len() * p.dim, xs.len())?;
        finite("xs", xs)?;
        for x in rows(xs, p.dim) {
            inv_norm("xs (a row)", x)?;
        }
        insert_rows(rows(xs, p.dim), ids, |from, x| {
            let slot = self.tables_mut().free_slot(from).ok()?;
            self.put(slot, x, inv_norm("xs", x).unwrap_or(0.0), true);
            Some(slot)
        });
        self.tables_mut().sort();
        Ok(())
    }

    /// Stores `x·inv` in free `slot` and its codes in every table
    /// (`append`: at the end, unsorted).
    fn put(&mut self, slot: usize, x: &[f32], inv: f32, append: bool) {
        let (p, mut len) = (self.storage.params(), self.len);
        let b = self.storage.buffers_mut();
        let row = b.rows.get_mut(slot * p.dim..(slot + 1) * p.dim).unwrap_or(&mut []);
        let scale = S::Item::store(x.iter().map(|&xi| xi * inv), row);
        if let Some(s) = b.scales.get_mut(slot) {
            *s = scale;
        }
        let f = Planes { p, planes: b.planes, center: b.center };
        let code = |t: usize| f.code(t, |i| x.get(i).copied().unwrap_or(0.0) * inv);
        let mut tables =
            TablesMut { live: b.live, entries: b.entries, tables: p.tables, len: &mut len };
        if append {
            tables.append(slot, code);
        } else {
            tables.insert(slot, code);
        }
        self.len = len;
    }

    /// The tables, to change (with `len` tracked through a local).
    fn tables_mut(&mut self) -> TablesGuard<'_> {
        let tables = self.storage.params().tables;
        let b = self.storage.buffers_mut();
        TablesGuard { len: &mut self.len, live: b.live, entries: b.entries, tables }
    }

    /// Removes item `id`; its slot is free again.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `id` is not a stored item (nothing changes).
    pub fn remove(&mut self, id: u32) -> Result<(), Error> {
        self.tables_mut().remove(id)?;
        let d = self.dim();
        let b = self.storage.buffers_mut();
        let s = id as usize;
        if let Some(row) = b.rows.get_mut(s * d..(s + 1) * d) {
            row.iter_mut().for_each(|v| *v = S::Item::ZERO);
        }
        if let Some(sc) = b.scales.get_mut(s) {
            *sc = 0.0;
        }
        Ok(())
    }

    /// Removes every item (the planes and the centre stay).
    pub fn clear(&mut self) {
        self.tables_mut().clear();
    }

    /// Checks the index's internal invariants (every table sorted and holding
    /// each live item once; with `f32` rows, every code that of its stored
    /// vector) — for tests, fuzzing and long-run checks; `O(L·len²)`.
    ///
    /// # Errors
    /// The first broken invariant, in words.
    pub fn check_invariants(&self) -> Result<(), &'static str> {
        let Ok(f) = self.frozen() else {
            return if self.len == 0 {
                Ok(())
            } else {
                Err("items stored while the planes are not drawn")
            };
        };
        let d = f.p.dim;
        f.tables().check(f.p.tables, |t, s| {
            (!<S::Item as Item>::SCALED).then(|| {
                let row = f.b.rows.get(s * d..(s + 1) * d).unwrap_or(&[]);
                f.planes().code(t, |i| S::Item::component(row, 1.0, i))
            })
        })
    }

    /// The stored items most cosine-similar to `q` among the candidates of
    /// `probes` buckets (at least the first base bucket is probed; `probes ≥
    /// L` probes every table's own bucket first), nearest first, in `out`: a
    /// [`Neighbors<N>`](Neighbors) (emptied first; `N` at most, fewer when
    /// fewer were found) or a `[Neighbor]` slice (`k = out.len()`; entries
    /// past [`QueryStats::found`] are [`Neighbor::NONE`]). A [`QueryBuf`]
    /// sized for the index, or a [`QueryBufView`], is the scratch.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for `q` or a scratch slice of the wrong
    /// length; [`Error::NonFinite`] in `q`; [`Error::InvalidArgument`] for a
    /// zero `q` or one whose norm overflows; [`Error::Uninitialized`] before
    /// the planes are drawn. `out` is untouched then.
    pub fn query<Q, O>(
        &self,
        q: &S::Vector,
        probes: usize,
        scratch: &mut Q,
        out: &mut O,
    ) -> Result<QueryStats, Error>
    where
        Q: QueryScratch + ?Sized,
        O: TopK<Neighbor> + ?Sized,
    {
        let f = self.frozen()?;
        let (heap, work) = scratch.split();
        let Work { proj, order, seen, codes } = work;
        self.storage.with_query_codes(codes, |codes| {
            let work = Work { proj, order, seen, codes };
            f.query(q.flat(), probes, work, heap, out)
        })
    }
}

/// The tables of an index borrowed with its `len`.
struct TablesGuard<'a> {
    len: &'a mut usize,
    live: &'a mut [bool],
    entries: &'a mut [crate::lsh::tables::Entry],
    tables: usize,
}

impl TablesGuard<'_> {
    fn get(&mut self) -> TablesMut<'_> {
        TablesMut { live: self.live, entries: self.entries, tables: self.tables, len: self.len }
    }
    fn free_slot(&mut self, from: usize) -> Result<usize, Error> {
        self.get().free_slot(from)
    }
    fn remove(&mut self, id: u32) -> Result<(), Error> {
        self.get().remove(id)
    }
    fn sort(&mut self) {
        self.get().sort()
    }
    fn clear(&mut self) {
        self.get().clear()
    }
}

/// `1/|x|`.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `what` if `|x|²` is 0 (no direction to
/// hash) or overflows `f32` (the unit vector would be 0).
#[inline]
fn inv_norm(what: &'static str, x: &[f32]) -> Result<f32, Error> {
    let n2 = dot_unchecked(x, x);
    if n2 > 0.0 && n2 < f32::INFINITY {
        Ok(1.0 / sqrt(n2))
    } else {
        Err(Error::InvalidArgument {
            what,
            expected:
                "a vector of non-zero norm with |x|^2 below 3.4e38 (cosine has no direction at 0)",
        })
    }
}

/// The planes and centre of an index: what hashing needs.
#[derive(Clone, Copy)]
struct Planes<'r> {
    p: IndexParams,
    planes: &'r [f32],
    center: &'r [f32],
}

impl Planes<'_> {
    /// Code of `u − μ` in table `t`, `u_i` given by `u(i)`: bit j is
    /// `[Σ_i (u_i − μ_i)·r_tij > 0]`, summed in increasing `i`.
    #[inline]
    fn code(&self, t: usize, u: impl Fn(usize) -> f32) -> u32 {
        let (d, k) = (self.p.dim, self.p.bits);
        let pl = self.planes.get(t * d * k..(t + 1) * d * k).unwrap_or(&[]);
        let mut acc = [0.0f32; 32];
        for (i, (&ci, row)) in self.center.iter().zip(pl.chunks_exact(k.max(1))).enumerate() {
            let v = u(i) - ci;
            for (a, &r) in acc.iter_mut().zip(row) {
                *a += v * r;
            }
        }
        acc.iter().take(k).enumerate().fold(0u32, |c, (j, &v)| c | (((v > 0.0) as u32) << j))
    }

    /// Projections `(s·x − μ)·r_tj` for every table into `proj` (`L·K`).
    fn project(&self, x: &[f32], scale: f32, proj: &mut [f32]) {
        let (d, k) = (self.p.dim, self.p.bits);
        proj.iter_mut().for_each(|p| *p = 0.0);
        for (pt, pl) in rows_mut(proj, k).zip(rows(self.planes, d * k)) {
            for ((&xi, &ci), row) in x.iter().zip(self.center.iter()).zip(rows(pl, k)) {
                let v = xi * scale - ci;
                for (a, &r) in pt.iter_mut().zip(row) {
                    *a += v * r;
                }
            }
        }
    }
}

/// A read-only view of an index with drawn planes: what a query needs.
struct Frozen<'r, T> {
    p: IndexParams,
    b: IndexBuffersRef<'r, T>,
    len: usize,
}

impl<T: Item> Frozen<'_, T> {
    fn planes(&self) -> Planes<'_> {
        Planes { p: self.p, planes: self.b.planes, center: self.b.center }
    }

    fn tables(&self) -> TablesRef<'_> {
        TablesRef { live: self.b.live, entries: self.b.entries, len: self.len }
    }

    #[inline]
    fn code(&self, t: usize, u: impl Fn(usize) -> f32) -> u32 {
        self.planes().code(t, u)
    }

    /// The code of a projection row: bit j = `[p_j > 0]`.
    fn sign_code(p: &[f32]) -> u32 {
        p.iter().enumerate().fold(0u32, |c, (j, &v)| c | (((v > 0.0) as u32) << (j & 31)))
    }

    /// The query of [`LshIndexInner::query`].
    fn query<H: ProbeQueue + ?Sized, O: TopK<Neighbor> + ?Sized>(
        &self,
        q: &[f32],
        probes: usize,
        work: Work<'_>,
        heap: &mut H,
        out: &mut O,
    ) -> Result<QueryStats, Error> {
        let p = self.p;
        let (d, k, nt) = (p.dim, p.bits, p.tables);
        check_len("q", d, q.len())?;
        finite("q", q)?;
        if T::SCALED {
            check_len("scratch codes", d, work.codes.len())?;
        }
        check_len("scratch proj", p.proj_len(), work.proj.len())?;
        check_len("scratch order", p.proj_len(), work.order.len())?;
        check_len("scratch seen", p.capacity, work.seen.len())?;
        let inv = inv_norm("q", q)?;
        out.reset();
        work.seen.iter_mut().for_each(|s| *s = false);
        self.planes().project(q, inv, work.proj);
        // i8 rows: the query's unit vector as i8 codes, for integer cosines.
        let q_scale = T::prepare(q, inv, work.codes);
        let codes = &*work.codes;

        // Margin order per table (insertion sort; K ≤ 32), and base codes.
        for (pt, ot) in rows(work.proj, k).zip(rows_mut(work.order, k)) {
            for (j, o) in ot.iter_mut().enumerate() {
                *o = j as u8;
            }
            let margin = |j: u8| pt.get(j as usize).map_or(0.0, |p| p * p);
            for a in 1..ot.len() {
                let mut b = a;
                while b > 0 {
                    let (Some(&u), Some(&v)) = (ot.get(b - 1), ot.get(b)) else {
                        break;
                    };
                    if margin(v).total_cmp(&margin(u)).is_lt() {
                        ot.swap(b - 1, b);
                        b -= 1;
                    } else {
                        break;
                    }
                }
            }
        }

        let tables = self.tables();
        let (rows_, scales) = (self.b.rows, self.b.scales);
        let seen = work.seen;
        let mut stats = QueryStats::default();
        let mut probe = |t: usize, code: u32, stats: &mut QueryStats, out: &mut O| {
            stats.probes += 1;
            stats.examined += tables.scan(t, code, seen, |slot| {
                let s = slot as usize;
                let row = rows_.get(s * d..(s + 1) * d).unwrap_or(&[]);
                let scale = scales.get(s).copied().unwrap_or(0.0);
                out.offer(Neighbor {
                    id: slot,
                    cosine: T::cosine(q, inv, codes, q_scale, row, scale),
                });
            });
        };
        let proj = &*work.proj;
        let order = &*work.order;
        let base = |t: usize| Self::sign_code(proj.get(t * k..(t + 1) * k).unwrap_or(&[]));

        let budget = probes.max(1);
        for t in 0..nt.min(budget) {
            probe(t, base(t), &mut stats, out);
        }
        if budget > nt {
            let z2 = |t: usize, p: usize| {
                let j = order.get(t * k + p).copied().unwrap_or(0) as usize;
                let v = proj.get(t * k + j).copied().unwrap_or(0.0);
                v * v
            };
            let score = |t: usize, mask: u32| {
                (0..k).filter(|p| (mask >> p) & 1 == 1).fold(0.0f32, |s, p| s + z2(t, p))
            };
            for t in 0..nt {
                heap.put(Probe { score: z2(t, 0), table: t as u32, mask: 1 });
            }
            while stats.probes < budget {
                let Some(p) = heap.take() else { break };
                let t = p.table as usize;
                let mut flip = 0u32;
                for pos in 0..k {
                    if (p.mask >> pos) & 1 == 1 {
                        let j = order.get(t * k + pos).copied().unwrap_or(0);
                        flip |= 1 << j;
                    }
                }
                probe(t, base(t) ^ flip, &mut stats, out);
                let top = 31 - p.mask.leading_zeros() as usize;
                if top + 1 < k {
                    let next = 1u32 << (top + 1);
                    let shift = (p.mask & !(1 << top)) | next;
                    let expand = p.mask | next;
                    heap.put(Probe { score: score(t, shift), table: p.table, mask: shift });
                    heap.put(Probe { score: score(t, expand), table: p.table, mask: expand });
                }
            }
        }
        stats.found = out.found();
        Ok(stats)
    }
}
