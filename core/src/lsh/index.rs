//! A fixed-capacity LSH index for cosine similarity: `L` hyperplane tables of
//! `K ≤ 32` bits each (Indyk & Motwani 1998; Charikar 2002), multiprobe queries
//! (Lv, Josephson, Wang, Charikar, Li 2007, "Multi-probe LSH"; the FALCONN
//! probe order for hyperplane hashes) and exact re-ranking by cosine.
//!
//! **Hashing.** Table `t` has a `[d, K]` matrix of N(0, 1) directions (all
//! tables drawn from one seed, as [`super::hyperplane::hyperplane_planes`]
//! writes them, table after table). An item `x` gets code
//! `c_t(x) = Σ_j [(x/|x| − μ)·r_tj > 0] 2^j`, where `μ` is a centre: zero for
//! plain SimHash, or the mean of the stored unit vectors after
//! [`LshIndexMut::recenter`], which makes the hyperplanes cut through the data
//! — essential for data in one orthant such as pixel counts (on digits:
//! 13% instead of 91% of the points examined for the same recall).
//!
//! **Storage** (no heap): each table is an array of `(code, slot)` entries
//! sorted by code, so a bucket is found by binary search; the item's unit
//! vector `x/|x|` is kept for re-ranking. Memory is
//! `cap·(4d + 8L + 1)` bytes plus `4·L·d·K + 4d` for the planes and centre. Inserting or
//! removing shifts `O(L·cap)` entries (a `memmove`), queries cost
//! `O(L·d·K + probes·log cap + candidates·d)`.
//!
//! **Query.** The query's `L` base buckets are probed first; then perturbed
//! buckets in increasing score `Σ_{j∈S} ((q/|q| − μ)·r_tj)²` over all tables — flipping
//! the lowest-margin bits first — generated exactly in that order by the
//! shift/expand heap of Lv et al. Every distinct candidate is scored by the
//! exact cosine `q·x / (|q| |x|)` and the best `k` are kept, ties broken by the
//! lower id.
//!
//! **Capacity.** Inserting into a full index returns [`Error::Capacity`] and
//! changes nothing. Ids are slot numbers: the lowest free slot is reused.
//!
//! Two faces: [`LshIndexMut`] over caller-provided slices (run-time sizes, used
//! by the host), and [`LshIndex`] with every size a const generic (firmware).
//!
//! **Quantised storage.** [`LshIndexMut::new_q8`] and [`LshIndexQ8`] keep each
//! unit vector as `i8` codes with one `f32` scale (`u ≈ c·s`, `s = max|u|/127`,
//! round half to even): `d + 4` bytes an item instead of `4d` (3.6× the items
//! in the same RAM at d = 64). Queries quantise `q/|q|` the same way and
//! re-rank by the integer cosine `s_q·s_x·Σ c_q·c_x` (an exact `i32` dot
//! product). Hashing is unchanged (codes of `x/|x|` on insert; a rehash after
//! [`LshIndexMut::recenter`] hashes the dequantised vectors).

use super::finite;
use super::top::{Ranked, TopK};
use crate::error::{check_len, check_nonempty, Error};
use crate::fixed::Fixed;
use crate::linalg::dot_unchecked;
use crate::math::{abs, sqrt};
use crate::rng::Rng;
use crate::slices::{copy, rows, rows_mut};
use core::borrow::Borrow;
use heapless::binary_heap::{BinaryHeap, BinaryHeapView, Min};

/// Default number of tables `L`. With [`DEFAULT_BITS`], [`DEFAULT_PROBES`] and the
/// index recentred ([`LshIndexMut::recenter`]): Recall@10 ≈ 0.96 at ≈ 13% of points examined on
/// scikit-learn's digits (tests/tests/lsh_recall.rs; docs/lsh.md).
pub const DEFAULT_TABLES: usize = 16;
/// Default bits per table `K`.
pub const DEFAULT_BITS: usize = 10;
/// Default number of buckets probed per query (including the `L` base buckets).
pub const DEFAULT_PROBES: usize = 64;

/// One entry of a hash table: the item's code in that table and its slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Entry {
    /// The K-bit code.
    pub code: u32,
    /// The item's slot (its id).
    pub slot: u32,
}

/// Checks the table geometry both indexes share: at least one table, 1 to
/// 32 bits per table, and a capacity of 1 to 2^32 − 2 items (ids are `u32`).
pub(crate) fn check_table_params(tables: usize, bits: usize, capacity: usize) -> Result<(), Error> {
    check_nonempty("tables", tables)?;
    check_nonempty("capacity", capacity)?;
    if !(1..=32).contains(&bits) {
        return Err(Error::InvalidArgument {
            what: "bits",
            expected: "1 to 32 bits per table",
        });
    }
    if capacity > u32::MAX as usize - 1 {
        return Err(Error::InvalidArgument {
            what: "capacity",
            expected: "fewer than 2^32 - 1 items",
        });
    }
    Ok(())
}

/// Inserts `(code, slot)` into table `t` of `entries` (`cap` entries a table,
/// the first `len` sorted by code), after any equal codes. The caller has
/// checked that `len < cap`.
pub(crate) fn table_insert(
    entries: &mut [Entry],
    t: usize,
    cap: usize,
    len: usize,
    code: u32,
    slot: u32,
) {
    if let Some(table) = entries.get_mut(t * cap..t * cap + len + 1) {
        let (sorted, _) = table.split_at(len.min(table.len()));
        let pos = sorted.partition_point(|e| e.code <= code);
        // Shift `table[pos..len]` up one place and put the entry at `pos`.
        if let Some(tail) = table.get_mut(pos..).filter(|t| !t.is_empty()) {
            tail.rotate_right(1);
            if let Some(first) = tail.first_mut() {
                *first = Entry { code, slot };
            }
        }
    }
}

/// Sorts a table by (code, slot) in place: a heapsort, O(n log n) with no
/// scratch. `sort_unstable` would do, but it links a panic for orders that are
/// not total; this key is, and this sort has no panic path.
fn heapsort_entries(t: &mut [Entry]) {
    let key = |t: &[Entry], i: usize| t.get(i).map(|e| (e.code, e.slot));
    // Sift `t[root]` down within `t[..end]`.
    let sift = |t: &mut [Entry], mut root: usize, end: usize| loop {
        let mut m = root;
        for c in [2 * root + 1, 2 * root + 2] {
            if c < end && key(t, c) > key(t, m) {
                m = c;
            }
        }
        if m == root || m >= t.len() || root >= t.len() {
            return;
        }
        t.swap(root, m);
        root = m;
    };
    let n = t.len();
    for root in (0..n / 2).rev() {
        sift(t, root, n);
    }
    for end in (1..n).rev() {
        if let Some(last) = t.get(end) {
            let top = t[0]; // in range: 0 < end < len
            t[0] = *last;
            t[end] = top;
        }
        sift(t, 0, end);
    }
}

/// Removes the entry of `slot` from table `t` (the first `len` entries), keeping the order.
pub(crate) fn table_remove(entries: &mut [Entry], t: usize, cap: usize, len: usize, slot: u32) {
    if let Some(table) = entries.get_mut(t * cap..t * cap + len) {
        if let Some(pos) = table.iter().position(|e| e.slot == slot) {
            table.copy_within(pos + 1.., pos);
        }
    }
}

/// A multiprobe candidate: a set of bits to flip (over margin-sorted
/// positions) in one table, with its score. Ordered by score (`total_cmp`),
/// then table, then mask: the order the probes are visited in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Probe {
    score: f32,
    table: u32,
    mask: u32,
}

impl Ord for Probe {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.score
            .total_cmp(&other.score)
            .then((self.table, self.mask).cmp(&(other.table, other.mask)))
    }
}

impl PartialOrd for Probe {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Probe {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Probe {}

/// A query result: an id and its cosine similarity to the query.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Neighbor {
    /// The item's id (its slot); in a padded slice result,
    /// [`Neighbor::NONE`]`.id` where fewer were found.
    pub id: u32,
    /// Cosine similarity `q·x / (|q| |x|)` (0 for a zero vector; −∞ for no neighbour).
    pub cosine: f32,
}

impl Neighbor {
    /// Placeholder for a missing neighbour.
    pub const NONE: Neighbor = Neighbor {
        id: u32::MAX,
        cosine: f32::NEG_INFINITY,
    };
}

/// The result list of the const-generic indexes' queries: up to `N`
/// neighbours, nearest first.
pub type Neighbors<const N: usize> = heapless::Vec<Neighbor, N>;

/// What a query did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct QueryStats {
    /// Neighbours written (≤ k).
    pub found: usize,
    /// Distinct items whose cosine was computed.
    pub examined: usize,
    /// Buckets probed.
    pub probes: usize,
}

/// Caller scratch of a query: `proj` and `order` of length `L·K`, `seen` of
/// length `cap`, `heap` of any length ([`probe_heap_len`] entries give the
/// exact probe order; a shorter heap drops new probes once it is full).
#[derive(Debug)]
pub struct QueryScratch<'a> {
    /// Projections of the query, table by table.
    pub proj: &'a mut [f32],
    /// Bit indices sorted by margin, table by table.
    pub order: &'a mut [u8],
    /// Multiprobe heap.
    pub heap: &'a mut [Probe],
    /// Which items were already scored.
    pub seen: &'a mut [bool],
}

impl QueryScratch<'_> {
    /// The heap as a [`ProbeQueue`], and the rest.
    fn split(&mut self) -> (Heap<'_>, Work<'_>) {
        (
            Heap {
                data: &mut *self.heap,
                len: 0,
            },
            Work {
                proj: &mut *self.proj,
                order: &mut *self.order,
                seen: &mut *self.seen,
            },
        )
    }
}

/// The scratch of a query other than its probe heap.
struct Work<'w> {
    proj: &'w mut [f32],
    order: &'w mut [u8],
    seen: &'w mut [bool],
}

/// Neighbours rank by higher cosine, then lower id.
impl Ranked for Neighbor {
    const NONE: Self = Neighbor::NONE;

    fn better(&self, other: &Self) -> bool {
        self.cosine > other.cosine || (self.cosine == other.cosine && self.id < other.id)
    }

    fn is_none(&self) -> bool {
        self.id == u32::MAX
    }
}

/// Pending multiprobe candidates, least score first. A full queue drops
/// what is pushed (only a queue shorter than [`probe_heap_len`] fills up).
trait ProbeQueue {
    /// Adds `p`, unless the queue is full.
    fn put(&mut self, p: Probe);
    /// Removes the least-scored probe.
    fn take(&mut self) -> Option<Probe>;
}

impl ProbeQueue for BinaryHeapView<Probe, Min> {
    fn put(&mut self, p: Probe) {
        let _ = self.push(p);
    }

    fn take(&mut self) -> Option<Probe> {
        self.pop()
    }
}

/// How an index keeps its items' unit vectors.
#[derive(Debug)]
enum Store<'a> {
    /// `[cap, d]` f32.
    F32(&'a mut [f32]),
    /// `[cap, d]` i8 codes and `[cap]` scales.
    Q8 {
        codes: &'a mut [i8],
        scales: &'a mut [f32],
    },
}

/// The read-only view of a [`Store`].
#[derive(Debug, Clone, Copy)]
enum StoreRef<'r> {
    F32(&'r [f32]),
    Q8 { codes: &'r [i8], scales: &'r [f32] },
}

impl StoreRef<'_> {
    /// Component `i` of item `s`'s unit vector (dequantised).
    fn get(&self, d: usize, s: usize, i: usize) -> f32 {
        match self {
            StoreRef::F32(v) => v.get(s * d + i).copied().unwrap_or(0.0),
            StoreRef::Q8 { codes, scales } => {
                codes.get(s * d + i).copied().unwrap_or(0) as f32
                    * scales.get(s).copied().unwrap_or(0.0)
            }
        }
    }
}

/// Quantises `u` to i8 codes with scale `max|u|/127` (round half to even);
/// returns the scale (1 for the zero vector, whose codes are 0).
fn quantize_unit(u: impl Iterator<Item = f32> + Clone, codes: &mut [i8]) -> f32 {
    let m = u
        .clone()
        .fold(0.0f32, |m, v| if abs(v) > m { abs(v) } else { m });
    let s = if m > 0.0 { m / 127.0 } else { 1.0 };
    for (c, v) in codes.iter_mut().zip(u) {
        *c = i8::saturate(libm::rintf(v / s) as i64);
    }
    s
}

impl Store<'_> {
    fn as_ref(&self) -> StoreRef<'_> {
        match self {
            Store::F32(v) => StoreRef::F32(v),
            Store::Q8 { codes, scales } => StoreRef::Q8 { codes, scales },
        }
    }

    /// Writes `x·inv` (the unit vector) into slot `s`.
    fn put(&mut self, d: usize, s: usize, x: &[f32], inv: f32) {
        match self {
            Store::F32(v) => {
                if let Some(v) = v.get_mut(s * d..(s + 1) * d) {
                    v.iter_mut().zip(x).for_each(|(v, &xi)| *v = xi * inv);
                }
            }
            Store::Q8 { codes, scales } => {
                if let (Some(c), Some(sc)) = (codes.get_mut(s * d..(s + 1) * d), scales.get_mut(s))
                {
                    *sc = quantize_unit(x.iter().map(|&xi| xi * inv), c);
                }
            }
        }
    }

    /// Zeroes slot `s`.
    fn clear_slot(&mut self, d: usize, s: usize) {
        match self {
            Store::F32(v) => {
                if let Some(v) = v.get_mut(s * d..(s + 1) * d) {
                    v.iter_mut().for_each(|v| *v = 0.0);
                }
            }
            Store::Q8 { codes, scales } => {
                if let Some(c) = codes.get_mut(s * d..(s + 1) * d) {
                    c.iter_mut().for_each(|c| *c = 0);
                }
                if let Some(sc) = scales.get_mut(s) {
                    *sc = 0.0;
                }
            }
        }
    }
}

/// An LSH index over caller-provided storage, sizes chosen at run time.
///
/// `cap = live.len()`; `planes` is `[L, d, K]` row-major, `center` is `[d]`,
/// `vectors` is `[cap, d]` (or, quantised, `codes` `[cap, d]` and `scales`
/// `[cap]`), `entries` is `[L, cap]`.
#[derive(Debug)]
pub struct LshIndexMut<'a> {
    d: usize,
    tables: usize,
    bits: usize,
    planes: &'a [f32],
    center: &'a mut [f32],
    vectors: Store<'a>,
    live: &'a mut [bool],
    entries: &'a mut [Entry],
    len: usize,
}

/// Draws the `[L, d, K]` planes of an index from `seed` (N(0, 1), memory order).
pub fn index_planes(seed: u64, planes: &mut [f32]) {
    Rng::new(seed).fill_normal(planes);
}

impl<'a> LshIndexMut<'a> {
    /// An empty index over the given storage (`live` is cleared).
    ///
    /// Errors: `d`, `tables` or `cap` zero; `bits` not in `1..=32`; a slice of the
    /// wrong length; non-finite planes or centre.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        d: usize,
        tables: usize,
        bits: usize,
        planes: &'a [f32],
        center: &'a mut [f32],
        vectors: &'a mut [f32],
        live: &'a mut [bool],
        entries: &'a mut [Entry],
    ) -> Result<Self, Error> {
        let mut idx = Self::reopen(d, tables, bits, planes, center, vectors, live, entries)?;
        idx.clear();
        Ok(idx)
    }

    /// The index that `live`, `vectors` and `entries` already hold: storage
    /// an index with the same `d`, `tables`, `bits`, `planes` and `center`
    /// wrote before (kept in retained RAM across a reset, or owned by a
    /// wrapper that rebuilds this view for each call). Its items are the
    /// slots whose `live` flag is set. Nothing is written.
    ///
    /// Storage written otherwise gives wrong neighbours but never a panic or
    /// an access out of bounds; [`LshIndexMut::check_invariants`] tells.
    ///
    /// Errors: as [`LshIndexMut::new`].
    #[allow(clippy::too_many_arguments)]
    pub fn reopen(
        d: usize,
        tables: usize,
        bits: usize,
        planes: &'a [f32],
        center: &'a mut [f32],
        vectors: &'a mut [f32],
        live: &'a mut [bool],
        entries: &'a mut [Entry],
    ) -> Result<Self, Error> {
        Self::check(
            d,
            tables,
            bits,
            planes,
            center,
            vectors.len(),
            None,
            live,
            entries,
        )?;
        let len = live.iter().filter(|&&l| l).count();
        Ok(LshIndexMut {
            d,
            tables,
            bits,
            planes,
            center,
            vectors: Store::F32(vectors),
            live,
            entries,
            len,
        })
    }

    /// An empty index that stores each item's unit vector as `i8` codes
    /// (`[cap, d]`) with one scale (`scales`, `[cap]`); see the module docs.
    /// Query it with [`LshIndexMut::query_q8`].
    ///
    /// Errors: as [`LshIndexMut::new`].
    #[allow(clippy::too_many_arguments)]
    pub fn new_q8(
        d: usize,
        tables: usize,
        bits: usize,
        planes: &'a [f32],
        center: &'a mut [f32],
        codes: &'a mut [i8],
        scales: &'a mut [f32],
        live: &'a mut [bool],
        entries: &'a mut [Entry],
    ) -> Result<Self, Error> {
        Self::check(
            d,
            tables,
            bits,
            planes,
            center,
            codes.len(),
            Some(scales.len()),
            live,
            entries,
        )?;
        let store = Store::Q8 { codes, scales };
        Ok(Self::build(
            d, tables, bits, planes, center, store, live, entries,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        d: usize,
        tables: usize,
        bits: usize,
        planes: &'a [f32],
        center: &'a mut [f32],
        vectors: Store<'a>,
        live: &'a mut [bool],
        entries: &'a mut [Entry],
    ) -> Self {
        live.iter_mut().for_each(|l| *l = false);
        LshIndexMut {
            d,
            tables,
            bits,
            planes,
            center,
            vectors,
            live,
            entries,
            len: 0,
        }
    }

    /// Checks the geometry, the slice lengths, and that planes and centre are finite.
    #[allow(clippy::too_many_arguments)]
    fn check(
        d: usize,
        tables: usize,
        bits: usize,
        planes: &[f32],
        center: &[f32],
        vectors: usize,
        scales: Option<usize>,
        live: &[bool],
        entries: &[Entry],
    ) -> Result<(), Error> {
        check_nonempty("d", d)?;
        check_table_params(tables, bits, live.len())?;
        let big = Error::InvalidArgument {
            what: "index size",
            expected: "sizes whose products fit in usize",
        };
        let np = tables
            .checked_mul(d)
            .and_then(|v| v.checked_mul(bits))
            .ok_or(big)?;
        check_len("planes", np, planes.len())?;
        check_len("center", d, center.len())?;
        check_len("vectors", live.len().checked_mul(d).ok_or(big)?, vectors)?;
        if let Some(n) = scales {
            check_len("scales", live.len(), n)?;
        }
        check_len(
            "entries",
            live.len().checked_mul(tables).ok_or(big)?,
            entries.len(),
        )?;
        finite("planes", planes)?;
        finite("center", center)?;
        Ok(())
    }

    /// Number of items stored.
    pub fn len(&self) -> usize {
        self.len
    }
    /// True if no item is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Maximum number of items.
    pub fn capacity(&self) -> usize {
        self.live.len()
    }
    /// Dimension `d`.
    pub fn dim(&self) -> usize {
        self.d
    }
    /// Number of tables `L`.
    pub fn tables(&self) -> usize {
        self.tables
    }
    /// Bits per table `K`.
    pub fn bits(&self) -> usize {
        self.bits
    }
    /// True if `id` is a stored item.
    pub fn contains(&self, id: u32) -> bool {
        self.live.get(id as usize).copied().unwrap_or(false)
    }

    /// Codes of `x` (hashed as `x/|x| − μ`) in every table (`codes.len() == L`).
    ///
    /// Errors: `x.len() != d`, `codes.len() != L`, non-finite `x`.
    pub fn codes(&self, x: &[f32], codes: &mut [u32]) -> Result<(), Error> {
        check_len("x", self.d, x.len())?;
        check_len("codes", self.tables, codes.len())?;
        finite("x", x)?;
        for (t, c) in codes.iter_mut().enumerate() {
            *c = self.table_code(t, x, inv_norm(x));
        }
        Ok(())
    }

    /// Code of `s·x` in table `t` (sizes checked by callers).
    fn table_code(&self, t: usize, x: &[f32], scale: f32) -> u32 {
        table_code(self.planes, self.center, self.d, self.bits, t, x, scale)
    }

    /// Sets the centre `μ` subtracted from `x/|x|` before hashing and rehashes
    /// every stored item (`O(len·L·d·K)`, then a sort of each table).
    ///
    /// Errors: `center.len() != d`, non-finite `center` (nothing changes).
    pub fn set_center(&mut self, center: &[f32]) -> Result<(), Error> {
        check_len("center", self.d, center.len())?;
        finite("center", center)?;
        copy(self.center, center);
        self.rehash();
        Ok(())
    }

    /// Sets the centre to the mean of the stored unit vectors `x/|x|` and
    /// rehashes: hyperplanes then cut through the data instead of the origin,
    /// which is what makes the defaults work on data that sits in one orthant
    /// (pixel counts, histograms). With no item stored the centre becomes 0.
    pub fn recenter(&mut self) {
        let d = self.d;
        self.center.iter_mut().for_each(|c| *c = 0.0);
        let store = self.vectors.as_ref();
        for (s, _) in self.live.iter().enumerate().filter(|(_, &l)| l) {
            for (i, c) in self.center.iter_mut().enumerate() {
                *c += store.get(d, s, i);
            }
        }
        let inv = if self.len > 0 {
            1.0 / self.len as f32
        } else {
            0.0
        };
        self.center.iter_mut().for_each(|c| *c *= inv);
        self.rehash();
    }

    /// Recomputes every stored code from the stored unit vectors and re-sorts the tables.
    fn rehash(&mut self) {
        let (d, k, cap, len) = (self.d, self.bits, self.capacity(), self.len);
        for t in 0..self.tables {
            if let Some(table) = self.entries.get_mut(t * cap..t * cap + len) {
                let store = self.vectors.as_ref();
                for e in table.iter_mut() {
                    let s = e.slot as usize;
                    e.code =
                        table_code_with(self.planes, self.center, d, k, t, |i| store.get(d, s, i));
                }
                heapsort_entries(table);
            }
        }
    }

    /// Inserts `x` (length `d`) and returns its id (the lowest free slot).
    ///
    /// Errors: [`Error::Capacity`] when full, `x.len() != d`, non-finite `x`;
    /// nothing changes on error.
    pub fn insert(&mut self, x: &[f32]) -> Result<u32, Error> {
        check_len("x", self.d, x.len())?;
        finite("x", x)?;
        let cap = self.capacity();
        let slot = match self.live.iter().position(|&l| !l) {
            Some(s) if self.len < cap => s,
            _ => return Err(Error::Capacity { capacity: cap }),
        };
        let (d, len) = (self.d, self.len);
        // Unit vector for re-ranking.
        let inv = inv_norm(x);
        self.vectors.put(d, slot, x, inv);
        for t in 0..self.tables {
            let code = self.table_code(t, x, inv);
            table_insert(self.entries, t, cap, len, code, slot as u32);
        }
        if let Some(l) = self.live.get_mut(slot) {
            *l = true;
        }
        self.len += 1;
        Ok(slot as u32)
    }

    /// Inserts the rows of `xs` (`[n, d]`) and writes their ids (the lowest
    /// free slots, in increasing order) to `ids` (`[n]`). The same index as
    /// `n` calls of [`LshIndexMut::insert`] (queries give the same results),
    /// built faster: the codes are appended and each table is sorted once,
    /// `O(L·m·log m)` for `m` items in all, instead of `n` shifts of up to
    /// `cap` entries per table.
    ///
    /// Errors: `xs.len() != n·d` with `n = ids.len()`, a non-finite value,
    /// more rows than free slots ([`Error::Capacity`]); nothing changes on error.
    pub fn insert_all(&mut self, xs: &[f32], ids: &mut [u32]) -> Result<(), Error> {
        let (d, cap) = (self.d, self.capacity());
        if ids.len() > cap.saturating_sub(self.len) {
            return Err(Error::Capacity { capacity: cap });
        }
        // `ids.len() ≤ cap`, so `ids.len()·d` fits: the vector storage holds `cap·d`.
        check_len("xs", ids.len() * d, xs.len())?;
        finite("xs", xs)?;
        let mut from = 0;
        for (x, id) in rows(xs, d).zip(ids.iter_mut()) {
            let free = self
                .live
                .get(from..)
                .unwrap_or(&[])
                .iter()
                .position(|&l| !l);
            let Some(slot) = free.map(|p| from + p) else {
                break;
            };
            from = slot + 1;
            let inv = inv_norm(x);
            self.vectors.put(d, slot, x, inv);
            for t in 0..self.tables {
                let code = self.table_code(t, x, inv);
                if let Some(e) = self.entries.get_mut(t * cap + self.len) {
                    *e = Entry {
                        code,
                        slot: slot as u32,
                    };
                }
            }
            if let Some(l) = self.live.get_mut(slot) {
                *l = true;
            }
            self.len += 1;
            *id = slot as u32;
        }
        let len = self.len;
        for t in 0..self.tables {
            if let Some(table) = self.entries.get_mut(t * cap..t * cap + len) {
                heapsort_entries(table);
            }
        }
        Ok(())
    }

    /// Removes item `id`.
    ///
    /// Errors: [`Error::InvalidArgument`] if `id` is not a stored item (nothing changes).
    pub fn remove(&mut self, id: u32) -> Result<(), Error> {
        if !self.contains(id) {
            return Err(Error::InvalidArgument {
                what: "id",
                expected: "the id of a stored item",
            });
        }
        let (cap, len, d) = (self.capacity(), self.len, self.d);
        for t in 0..self.tables {
            table_remove(self.entries, t, cap, len, id);
        }
        let s = id as usize;
        if let Some(l) = self.live.get_mut(s) {
            *l = false;
        }
        self.vectors.clear_slot(d, s);
        self.len -= 1;
        Ok(())
    }

    /// Checks the index's internal invariants (every table sorted and holding
    /// each live item once; with f32 storage, every code that of its stored
    /// vector) — for tests, fuzzing and long-run checks; `O(L·len²)`.
    pub fn check_invariants(&self) -> Result<(), &'static str> {
        invariants(
            self.d,
            self.tables,
            self.bits,
            self.planes,
            self.center,
            self.vectors.as_ref(),
            self.live,
            self.entries,
            self.len,
        )
    }

    /// Removes every item.
    pub fn clear(&mut self) {
        self.live.iter_mut().for_each(|l| *l = false);
        self.len = 0;
    }

    /// The read-only view used by queries.
    fn as_ref(&self) -> IndexRef<'_> {
        IndexRef {
            d: self.d,
            tables: self.tables,
            bits: self.bits,
            planes: self.planes,
            center: self.center,
            vectors: self.vectors.as_ref(),
            entries: self.entries,
            cap: self.live.len(),
            len: self.len,
        }
    }

    /// The `k = out.len()` stored items most cosine-similar to `q` among the
    /// candidates of `probes` buckets (at least the first base bucket is probed;
    /// `probes ≥ L` probes every table's own bucket first), nearest first; the
    /// entries past `found` are [`Neighbor::NONE`].
    ///
    /// Errors: `q.len() != d`, non-finite `q`, scratch of the wrong length
    /// (`out` is untouched then).
    pub fn query(
        &self,
        q: &[f32],
        probes: usize,
        scratch: &mut QueryScratch<'_>,
        out: &mut [Neighbor],
    ) -> Result<QueryStats, Error> {
        let (mut heap, mut work) = scratch.split();
        self.as_ref()
            .query(q, probes, &mut work, &mut heap, &mut [], out)
    }

    /// [`LshIndexMut::query`] for a quantised index ([`LshIndexMut::new_q8`]):
    /// `qcodes` (length `d`) receives the query's i8 codes, and candidates
    /// are re-ranked by the integer cosine. On an f32 index `qcodes` is unused.
    ///
    /// Errors: as [`LshIndexMut::query`]; `qcodes.len() != d` on a quantised index.
    pub fn query_q8(
        &self,
        q: &[f32],
        probes: usize,
        scratch: &mut QueryScratch<'_>,
        qcodes: &mut [i8],
        out: &mut [Neighbor],
    ) -> Result<QueryStats, Error> {
        let (mut heap, mut work) = scratch.split();
        self.as_ref()
            .query(q, probes, &mut work, &mut heap, qcodes, out)
    }
}

/// A read-only view of an index's storage: what a query needs.
struct IndexRef<'r> {
    d: usize,
    tables: usize,
    bits: usize,
    planes: &'r [f32],
    center: &'r [f32],
    vectors: StoreRef<'r>,
    entries: &'r [Entry],
    cap: usize,
    len: usize,
}

impl IndexRef<'_> {
    fn capacity(&self) -> usize {
        self.cap
    }

    /// Projections `(s·x − μ)·r_tj` for every table into `proj` (`L·K`).
    fn project(&self, x: &[f32], scale: f32, proj: &mut [f32]) {
        let (d, k) = (self.d, self.bits);
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

    fn code(p: &[f32]) -> u32 {
        p.iter()
            .enumerate()
            .fold(0u32, |c, (j, &v)| c | (((v > 0.0) as u32) << (j & 31)))
    }

    /// The query of [`LshIndexMut::query`] (and [`LshIndex::query`]).
    fn query<H: ProbeQueue + ?Sized, T: TopK<Neighbor> + ?Sized>(
        &self,
        q: &[f32],
        probes: usize,
        scratch: &mut Work<'_>,
        heap: &mut H,
        qcodes: &mut [i8],
        out: &mut T,
    ) -> Result<QueryStats, Error> {
        let (d, k, nt, cap) = (self.d, self.bits, self.tables, self.capacity());
        check_len("q", d, q.len())?;
        finite("q", q)?;
        if let StoreRef::Q8 { .. } = self.vectors {
            check_len("qcodes", d, qcodes.len())?;
        }
        check_len("scratch.proj", nt * k, scratch.proj.len())?;
        check_len("scratch.order", nt * k, scratch.order.len())?;
        check_len("scratch.seen", cap, scratch.seen.len())?;
        out.reset();
        scratch.seen.iter_mut().for_each(|s| *s = false);
        let inv = inv_norm(q);
        self.project(q, inv, scratch.proj);
        // Quantised store: the query's unit vector as i8 codes, for integer cosines.
        let q_scale = match self.vectors {
            StoreRef::Q8 { .. } => quantize_unit(q.iter().map(|&v| v * inv), qcodes),
            StoreRef::F32(_) => 0.0,
        };
        let qcodes = &*qcodes;

        // Margin order per table (insertion sort; K ≤ 32), and base codes.
        for (pt, ot) in rows(scratch.proj, k).zip(rows_mut(scratch.order, k)) {
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

        let mut stats = QueryStats::default();
        let mut probe = |t: usize, code: u32, stats: &mut QueryStats, out: &mut T| {
            stats.probes += 1;
            let table = self.entries.get(t * cap..t * cap + self.len).unwrap_or(&[]);
            let start = table.partition_point(|e| e.code < code);
            for e in table.get(start..).unwrap_or(&[]) {
                if e.code != code {
                    break;
                }
                let s = e.slot as usize;
                match scratch.seen.get_mut(s) {
                    Some(seen) if !*seen => *seen = true,
                    _ => continue,
                }
                stats.examined += 1;
                let cos = match self.vectors {
                    StoreRef::F32(v) => {
                        dot_unchecked(q, v.get(s * d..(s + 1) * d).unwrap_or(&[])) * inv
                    }
                    StoreRef::Q8 { codes, scales } => {
                        let c = codes.get(s * d..(s + 1) * d).unwrap_or(&[]);
                        let dot = crate::fixed::linalg::dot_i8_exact(qcodes, c);
                        dot as f32 * (q_scale * scales.get(s).copied().unwrap_or(0.0))
                    }
                };
                out.offer(Neighbor {
                    id: e.slot,
                    cosine: cos,
                });
            }
        };
        let base = |t: usize, proj: &[f32]| Self::code(proj.get(t * k..(t + 1) * k).unwrap_or(&[]));

        let budget = probes.max(1);
        for t in 0..nt.min(budget) {
            probe(t, base(t, scratch.proj), &mut stats, out);
        }
        if budget > nt {
            let proj = &*scratch.proj;
            let order = &*scratch.order;
            let z2 = |t: usize, p: usize| {
                let j = order.get(t * k + p).copied().unwrap_or(0) as usize;
                let v = proj.get(t * k + j).copied().unwrap_or(0.0);
                v * v
            };
            let score = |t: usize, mask: u32| {
                (0..k)
                    .filter(|p| (mask >> p) & 1 == 1)
                    .fold(0.0f32, |s, p| s + z2(t, p))
            };
            for t in 0..nt {
                heap.put(Probe {
                    score: z2(t, 0),
                    table: t as u32,
                    mask: 1,
                });
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
                probe(t, base(t, proj) ^ flip, &mut stats, out);
                let top = 31 - p.mask.leading_zeros() as usize;
                if top + 1 < k {
                    let next = 1u32 << (top + 1);
                    let shift = (p.mask & !(1 << top)) | next;
                    let expand = p.mask | next;
                    heap.put(Probe {
                        score: score(t, shift),
                        table: p.table,
                        mask: shift,
                    });
                    heap.put(Probe {
                        score: score(t, expand),
                        table: p.table,
                        mask: expand,
                    });
                }
            }
        }
        stats.found = out.found();
        Ok(stats)
    }
}

/// The index's invariants: `len` live slots; each table's first `len`
/// entries sorted by code and holding every live slot exactly once; with f32
/// storage, every code equal to the code of the stored unit vector.
#[allow(clippy::too_many_arguments)]
fn invariants(
    d: usize,
    tables: usize,
    bits: usize,
    planes: &[f32],
    center: &[f32],
    store: StoreRef<'_>,
    live: &[bool],
    entries: &[Entry],
    len: usize,
) -> Result<(), &'static str> {
    let cap = live.len();
    if live.iter().filter(|&&l| l).count() != len {
        return Err("len differs from the number of live slots");
    }
    for t in 0..tables {
        let table = entries
            .get(t * cap..t * cap + len)
            .ok_or("a table is shorter than len")?;
        if table.windows(2).any(|w| w[0].code > w[1].code) {
            return Err("a table is not sorted by code");
        }
        let mut seen = 0usize;
        for e in table {
            let s = e.slot as usize;
            if !live.get(s).copied().unwrap_or(false) {
                return Err("a table holds a slot that is not live");
            }
            if table.iter().filter(|o| o.slot == e.slot).count() != 1 {
                return Err("a table holds a slot twice");
            }
            if let StoreRef::F32(_) = store {
                let code = table_code_with(planes, center, d, bits, t, |i| store.get(d, s, i));
                if code != e.code {
                    return Err("a stored code differs from its vector's code");
                }
            }
            seen += 1;
        }
        if seen != len {
            return Err("a table misses a live slot");
        }
    }
    Ok(())
}

/// `1/|x|`, or 0 for the zero vector.
fn inv_norm(x: &[f32]) -> f32 {
    let n = sqrt(dot_unchecked(x, x));
    if n > 0.0 {
        1.0 / n
    } else {
        0.0
    }
}

/// Code of `s·x − μ` in table `t` of `planes` (`[L, d, k]`).
fn table_code(
    planes: &[f32],
    center: &[f32],
    d: usize,
    k: usize,
    t: usize,
    x: &[f32],
    scale: f32,
) -> u32 {
    table_code_with(planes, center, d, k, t, |i| {
        x.get(i).copied().unwrap_or(0.0) * scale
    })
}

/// Code of `u − μ` in table `t`, `u_i` given by `u(i)`.
fn table_code_with(
    planes: &[f32],
    center: &[f32],
    d: usize,
    k: usize,
    t: usize,
    u: impl Fn(usize) -> f32,
) -> u32 {
    let pl = planes.get(t * d * k..(t + 1) * d * k).unwrap_or(&[]);
    let mut acc = [0.0f32; 32];
    for (i, (&ci, row)) in center.iter().zip(pl.chunks_exact(k.max(1))).enumerate() {
        let v = u(i) - ci;
        for (a, &r) in acc.iter_mut().zip(row) {
            *a += v * r;
        }
    }
    acc.iter()
        .take(k)
        .enumerate()
        .fold(0u32, |c, (j, &v)| c | (((v > 0.0) as u32) << j))
}

/// A binary min-heap of probes on a caller slice: the run-time face's probe
/// queue, whose length is known only at run time (a `heapless::BinaryHeap`
/// fixes it at compile time). The const face uses `heapless::BinaryHeap`,
/// which measured 1 000 instructions a query cheaper than this heap on the
/// Cortex-M4F (`lsh.index` query, same result list: 22 710 against 23 710).
struct Heap<'h> {
    data: &'h mut [Probe],
    len: usize,
}

impl Heap<'_> {
    /// The live part of the heap.
    fn live(&mut self) -> &mut [Probe] {
        let n = self.len.min(self.data.len());
        &mut self.data[..n]
    }
}

impl ProbeQueue for Heap<'_> {
    fn put(&mut self, p: Probe) {
        let Some(slot) = self.data.get_mut(self.len) else {
            return;
        };
        *slot = p;
        self.len += 1;
        // Sift up.
        let data = self.live();
        let mut i = data.len().wrapping_sub(1);
        while i > 0 {
            let parent = (i - 1) / 2;
            match (data.get(i), data.get(parent)) {
                (Some(c), Some(p)) if c < p => {
                    data.swap(i, parent);
                    i = parent;
                }
                _ => break,
            }
        }
    }

    fn take(&mut self) -> Option<Probe> {
        let data = self.live();
        let (&top, _) = data.split_first()?;
        let last = data.len() - 1;
        data.swap(0, last);
        self.len = last;
        // Sift down.
        let data = self.live();
        let mut i = 0;
        loop {
            let mut m = i;
            for c in [2 * i + 1, 2 * i + 2] {
                if let (Some(pc), Some(pm)) = (data.get(c), data.get(m)) {
                    if pc < pm {
                        m = c;
                    }
                }
            }
            // (The bounds checks let the compiler drop the swap's panic path.)
            if m == i || i >= data.len() || m >= data.len() {
                break;
            }
            data.swap(i, m);
            i = m;
        }
        Some(top)
    }
}

/// Probe-heap entries that give a query of `probes` buckets over `tables`
/// tables the exact probe order: `tables + 2·(probes − tables)` (at least
/// `tables`). Sizes a [`QueryBuf`] at compile time:
/// `QueryBuf<CAP, L, K, { probe_heap_len(L, PROBES) }>`.
pub const fn probe_heap_len(tables: usize, probes: usize) -> usize {
    tables + 2 * probes.saturating_sub(tables)
}

/// Query scratch with sizes fixed at compile time: `CAP` items, `L` tables of
/// `K` bits, a multiprobe heap of `P` entries ([`probe_heap_len`] gives the
/// `P` of the exact probe order; a smaller heap drops new probes once full).
#[derive(Debug, Clone)]
pub struct QueryBuf<const CAP: usize, const L: usize, const K: usize, const P: usize> {
    proj: [[f32; K]; L],
    order: [[u8; K]; L],
    heap: BinaryHeap<Probe, Min, P>,
    seen: [bool; CAP],
}

impl<const CAP: usize, const L: usize, const K: usize, const P: usize> QueryBuf<CAP, L, K, P> {
    /// Zeroed scratch.
    pub const fn new() -> Self {
        QueryBuf {
            proj: [[0.0; K]; L],
            order: [[0; K]; L],
            heap: BinaryHeap::new(),
            seen: [false; CAP],
        }
    }

    /// The heap, emptied, and the rest.
    fn split(&mut self) -> (&mut BinaryHeapView<Probe, Min>, Work<'_>) {
        self.heap.clear();
        (
            self.heap.as_mut_view(),
            Work {
                proj: self.proj.as_flattened_mut(),
                order: self.order.as_flattened_mut(),
                seen: &mut self.seen,
            },
        )
    }
}

impl<const CAP: usize, const L: usize, const K: usize, const P: usize> Default
    for QueryBuf<CAP, L, K, P>
{
    fn default() -> Self {
        Self::new()
    }
}

/// The const-generic face of the index, once per storage: the struct, its
/// constructors and the methods that forward to [`LshIndexMut`].
macro_rules! const_index {
    (
        $(#[$doc:meta])*
        $name:ident {
            $($field:ident: $fty:ty = $zero:expr),* $(,)?
        }
        view: |$s:ident| $view:expr,
        read: |$r:ident| $read:expr,
        qcodes: $qcodes:expr,
    ) => {
        $(#[$doc])*
        ///
        /// `S` holds the planes: in the index by default (RAM, drawn by
        /// `reset`), or `&'static [[[f32; K]; D]; L]` for planes kept in flash
        /// ([`with_planes`](Self::with_planes), which saves their
        /// `4·L·D·K` bytes of RAM).
        #[derive(Debug, Clone)]
        pub struct $name<
            const D: usize,
            const CAP: usize,
            const L: usize,
            const K: usize,
            S = [[[f32; K]; D]; L],
        > {
            planes: S,
            center: [f32; D],
            $($field: $fty,)*
            live: [bool; CAP],
            entries: [[Entry; CAP]; L],
            len: usize,
        }

        impl<const D: usize, const CAP: usize, const L: usize, const K: usize> $name<D, CAP, L, K> {
            /// An empty index with planes drawn from `seed` and centre 0.
            ///
            /// This builds the value on the stack; for a large index on a board
            /// use `zeroed()` in a `static` and `reset` it in place.
            pub fn new(seed: u64) -> Self {
                let mut s = Self::zeroed();
                s.reset(seed);
                s
            }

            /// An empty index whose planes are all zero (every code 0): a `const`
            /// initialiser for statics; call `reset` before use.
            pub const fn zeroed() -> Self {
                let () = Self::CHECK;
                $name {
                    planes: [[[0.0; K]; D]; L],
                    center: [0.0; D],
                    $($field: $zero,)*
                    live: [false; CAP],
                    entries: [[Entry { code: 0, slot: 0 }; CAP]; L],
                    len: 0,
                }
            }

            /// Empties the index in place, draws new planes from `seed` and sets the centre to 0.
            pub fn reset(&mut self, seed: u64) {
                index_planes(seed, self.planes.as_flattened_mut().as_flattened_mut());
                self.clear();
            }
        }

        impl<const D: usize, const CAP: usize, const L: usize, const K: usize>
            $name<D, CAP, L, K, &'static [[[f32; K]; D]; L]>
        {
            /// An empty index over `planes` in flash (a `static`), centre 0: a
            /// `const` initialiser for statics, ready to use.
            pub const fn with_planes(planes: &'static [[[f32; K]; D]; L]) -> Self {
                let () = Self::CHECK;
                $name {
                    planes,
                    center: [0.0; D],
                    $($field: $zero,)*
                    live: [false; CAP],
                    entries: [[Entry { code: 0, slot: 0 }; CAP]; L],
                    len: 0,
                }
            }
        }

        impl<const D: usize, const CAP: usize, const L: usize, const K: usize, S>
            $name<D, CAP, L, K, S>
        where
            S: Borrow<[[[f32; K]; D]; L]>,
        {
            const CHECK: () = assert!(D > 0 && CAP > 0 && L > 0 && K > 0 && K <= 32);

            /// Empties the index in place and sets the centre to 0 (the planes stay).
            pub fn clear(&mut self) {
                self.center.iter_mut().for_each(|c| *c = 0.0);
                self.live.iter_mut().for_each(|l| *l = false);
                self.len = 0;
            }

            /// The `[L][D][K]` planes.
            pub fn planes(&self) -> &[[[f32; K]; D]; L] {
                self.planes.borrow()
            }

            /// Sets the centre `μ` subtracted from `x/|x|` before hashing and rehashes
            /// the stored items; see [`LshIndexMut::set_center`].
            ///
            /// Errors: non-finite `center` (nothing changes).
            pub fn set_center(&mut self, center: &[f32; D]) -> Result<(), Error> {
                self.view().set_center(center)
            }

            /// Centre = mean of the stored unit vectors, then rehash; see [`LshIndexMut::recenter`].
            pub fn recenter(&mut self) {
                self.view().recenter()
            }

            fn view(&mut self) -> LshIndexMut<'_> {
                let $s = &mut *self;
                LshIndexMut {
                    d: D,
                    tables: L,
                    bits: K,
                    planes: $s.planes.borrow().as_flattened().as_flattened(),
                    center: &mut $s.center,
                    vectors: $view,
                    live: &mut $s.live,
                    entries: $s.entries.as_flattened_mut(),
                    len: $s.len,
                }
            }

            /// Number of items stored.
            pub fn len(&self) -> usize {
                self.len
            }
            /// True if no item is stored.
            pub fn is_empty(&self) -> bool {
                self.len == 0
            }
            /// True if `id` is stored.
            pub fn contains(&self, id: u32) -> bool {
                self.live.get(id as usize).copied().unwrap_or(false)
            }

            /// Inserts `x`; see [`LshIndexMut::insert`].
            pub fn insert(&mut self, x: &[f32; D]) -> Result<u32, Error> {
                let mut v = self.view();
                let r = v.insert(x);
                let len = v.len;
                self.len = len;
                r
            }

            /// Inserts the rows of `xs` and writes their ids to `ids` (same
            /// length); see [`LshIndexMut::insert_all`].
            pub fn insert_all(&mut self, xs: &[[f32; D]], ids: &mut [u32]) -> Result<(), Error> {
                let mut v = self.view();
                let r = v.insert_all(xs.as_flattened(), ids);
                let len = v.len;
                self.len = len;
                r
            }

            /// Checks the internal invariants; see [`LshIndexMut::check_invariants`].
            pub fn check_invariants(&self) -> Result<(), &'static str> {
                let $r = self;
                invariants(
                    D,
                    L,
                    K,
                    $r.planes.borrow().as_flattened().as_flattened(),
                    &$r.center,
                    $read,
                    &$r.live,
                    $r.entries.as_flattened(),
                    $r.len,
                )
            }

            /// Removes `id`; see [`LshIndexMut::remove`].
            pub fn remove(&mut self, id: u32) -> Result<(), Error> {
                let mut v = self.view();
                let r = v.remove(id);
                let len = v.len;
                self.len = len;
                r
            }

            /// The `N` stored items most cosine-similar to `q` among the candidates
            /// of `probes` buckets, nearest first, in `out` (emptied first; fewer
            /// when fewer were found); see [`LshIndexMut::query`]. The heap of
            /// `scratch` should hold [`probe_heap_len`]`(L, probes)` entries for
            /// the exact probe order.
            ///
            /// Errors: non-finite `q` (`out` is untouched then).
            pub fn query<const P: usize, const N: usize>(
                &self,
                q: &[f32; D],
                probes: usize,
                scratch: &mut QueryBuf<CAP, L, K, P>,
                out: &mut Neighbors<N>,
            ) -> Result<QueryStats, Error> {
                let $r = self;
                let r = IndexRef {
                    d: D,
                    tables: L,
                    bits: K,
                    planes: $r.planes.borrow().as_flattened().as_flattened(),
                    center: &$r.center,
                    vectors: $read,
                    entries: $r.entries.as_flattened(),
                    cap: CAP,
                    len: $r.len,
                };
                let mut qcodes = $qcodes;
                let (heap, mut work) = scratch.split();
                r.query(q, probes, &mut work, heap, &mut qcodes, out.as_mut_view())
            }
        }
    };
}

const_index! {
    /// An LSH index with every size a compile-time fact: `D` dimensions, capacity
    /// `CAP`, `L` tables of `K ≤ 32` bits. Memory: `CAP·(4D + 8L + 1) + 4·L·D·K + 4D` bytes.
    LshIndex {
        vectors: [[f32; D]; CAP] = [[0.0; D]; CAP],
    }
    view: |s| Store::F32(s.vectors.as_flattened_mut()),
    read: |r| StoreRef::F32(r.vectors.as_flattened()),
    qcodes: [0i8; 0],
}

const_index! {
    /// [`LshIndex`] with each unit vector kept as `D` i8 codes and one f32
    /// scale, re-ranked by the integer cosine (module docs). Memory:
    /// `CAP·(D + 4 + 8L + 1) + 4·L·D·K + 4D` bytes — at D = 64, 3.6× the items
    /// of an [`LshIndex`] in the same vector storage.
    LshIndexQ8 {
        codes: [[i8; D]; CAP] = [[0; D]; CAP],
        scales: [f32; CAP] = [0.0; CAP],
    }
    view: |s| Store::Q8 {
        codes: s.codes.as_flattened_mut(),
        scales: &mut s.scales,
    },
    read: |r| StoreRef::Q8 {
        codes: r.codes.as_flattened(),
        scales: &r.scales,
    },
    qcodes: [0i8; D],
}

#[cfg(test)]
mod tests {
    use super::*;

    type Top<const N: usize> = Neighbors<N>;

    #[test]
    fn heapsort_sorts_by_code_then_slot() {
        let mut rng = Rng::new(11);
        for n in 0..40 {
            let mut t = [Entry { code: 0, slot: 0 }; 40];
            for (i, e) in t.iter_mut().enumerate().take(n) {
                // Few distinct codes, so equal codes are ordered by slot.
                *e = Entry {
                    code: rng.below(4),
                    slot: (i as u32 * 7) % 41,
                };
            }
            // Slots are distinct, so the order is total: any sort agrees.
            let mut want = t;
            want[..n].sort_unstable_by_key(|e| (e.code, e.slot));
            heapsort_entries(&mut t[..n]);
            assert_eq!(t[..n], want[..n], "n = {n}");
        }
    }

    #[test]
    fn q8_index_finds_what_the_f32_index_finds() {
        let mut f = LshIndex::<8, 32, 4, 6>::new(3);
        let mut q = LshIndexQ8::<8, 32, 4, 6>::new(3);
        let mut r = Rng::new(4);
        let mut data = [[0.0f32; 8]; 32];
        for x in data.iter_mut() {
            r.fill_normal(x);
            assert_eq!(f.insert(x), q.insert(x));
        }
        assert_eq!(q.insert(&[1.0; 8]), Err(Error::Capacity { capacity: 32 }));
        let mut bf = QueryBuf::<32, 4, 6, 40>::new();
        let mut bq = QueryBuf::<32, 4, 6, 40>::new();
        for (i, x) in data.iter().enumerate() {
            let (mut of, mut oq) = (Top::<3>::new(), Top::<3>::new());
            let sf = f.query(x, 20, &mut bf, &mut of).unwrap();
            let sq = q.query(x, 20, &mut bq, &mut oq).unwrap();
            // Same buckets (hashing is the same), the item itself first with cosine ≈ 1.
            assert_eq!(sf.examined, sq.examined);
            assert_eq!(oq[0].id, i as u32);
            assert!((oq[0].cosine - 1.0).abs() < 0.01, "{}", oq[0].cosine);
            for (a, b) in of.iter().zip(&oq) {
                if b.id == a.id {
                    assert!((a.cosine - b.cosine).abs() < 0.02);
                }
            }
        }
        q.remove(5).unwrap();
        assert!(!q.contains(5));
        q.recenter();
        assert_eq!(q.len(), 31);
    }

    #[test]
    fn q8_storage_is_checked() {
        let planes = [0.0f32; 2 * 4 * 3];
        let (mut c, mut codes, mut scales) = ([0.0f32; 4], [0i8; 20], [0.0f32; 4]);
        let (mut live, mut e) = ([false; 5], [Entry::default(); 10]);
        let r = LshIndexMut::new_q8(
            4,
            2,
            3,
            &planes,
            &mut c,
            &mut codes,
            &mut scales,
            &mut live,
            &mut e,
        );
        assert!(matches!(
            r,
            Err(Error::ShapeMismatch { what: "scales", .. })
        ));
    }

    fn brute(data: &[[f32; 8]], q: &[f32; 8], k: usize) -> [u32; 3] {
        let mut ids: [(f32, u32); 64] = [(f32::NEG_INFINITY, u32::MAX); 64];
        for (i, x) in data.iter().enumerate() {
            let c = dot_unchecked(q, x) / sqrt(dot_unchecked(x, x)) / sqrt(dot_unchecked(q, q));
            ids[i] = (c, i as u32);
        }
        ids[..data.len()].sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out = [0u32; 3];
        for j in 0..k {
            out[j] = ids[j].1;
        }
        out
    }

    /// The const face (heapless heap and result list) and the run-time face
    /// (caller slices) probe the same buckets in the same order and return the
    /// same neighbours, with an exact heap and with heaps too short.
    #[test]
    fn const_and_slice_faces_agree() {
        let mut idx = LshIndex::<8, 64, 3, 6>::new(11);
        let mut rng = Rng::new(12);
        for _ in 0..50 {
            let mut x = [0.0f32; 8];
            rng.fill_normal(&mut x);
            idx.insert(&x).unwrap();
        }
        let mut q = [0.0f32; 8];
        for probes in [1, 3, 7, 20, 40] {
            rng.fill_normal(&mut q);
            let mut exact = QueryBuf::<64, 3, 6, { probe_heap_len(3, 40) }>::new();
            let mut short = QueryBuf::<64, 3, 6, 4>::new();
            for heap_len in [probe_heap_len(3, 40), 4] {
                let mut top = Top::<5>::new();
                let st = if heap_len == 4 {
                    idx.query(&q, probes, &mut short, &mut top).unwrap()
                } else {
                    idx.query(&q, probes, &mut exact, &mut top).unwrap()
                };
                let (mut proj, mut order, mut seen) = ([0.0; 18], [0u8; 18], [false; 64]);
                let mut heap = [Probe::default(); probe_heap_len(3, 40)];
                let mut sc = QueryScratch {
                    proj: &mut proj,
                    order: &mut order,
                    heap: &mut heap[..heap_len],
                    seen: &mut seen,
                };
                let mut padded = [Neighbor::NONE; 5];
                let ss = idx.view().query(&q, probes, &mut sc, &mut padded).unwrap();
                assert_eq!(st, ss, "probes {probes}, heap {heap_len}");
                assert_eq!(top[..], padded[..ss.found]);
                assert!(padded[ss.found..].iter().all(|n| *n == Neighbor::NONE));
            }
        }
    }

    /// A bulk insert builds the index that one-by-one inserts build: the same
    /// ids, vectors and (bucket-wise) tables, so every query agrees; bad
    /// input changes nothing.
    #[test]
    fn insert_all_equals_one_by_one() {
        let mut rng = Rng::new(21);
        let mut data = [[0.0f32; 8]; 40];
        data.iter_mut().for_each(|x| rng.fill_normal(x));
        let mut one = LshIndex::<8, 48, 3, 5>::new(4);
        let mut bulk = LshIndex::<8, 48, 3, 5>::new(4);
        // Start from an index with holes: ids come from the lowest free slots.
        for x in &data[..10] {
            one.insert(x).unwrap();
            bulk.insert(x).unwrap();
        }
        for id in [2, 7, 3] {
            one.remove(id).unwrap();
            bulk.remove(id).unwrap();
        }
        let want: [u32; 30] = core::array::from_fn(|i| one.insert(&data[10 + i]).unwrap());
        let mut ids = [0u32; 30];
        bulk.insert_all(&data[10..], &mut ids).unwrap();
        assert_eq!(ids, want);
        assert_eq!(
            (bulk.len(), bulk.live, bulk.vectors),
            (one.len(), one.live, one.vectors)
        );
        bulk.check_invariants().unwrap();
        for t in 0..3 {
            let codes = |i: &LshIndex<8, 48, 3, 5>| -> [u32; 37] {
                core::array::from_fn(|j| i.entries[t][j].code)
            };
            assert_eq!(codes(&bulk), codes(&one));
        }
        let mut buf = QueryBuf::<48, 3, 5, { probe_heap_len(3, 12) }>::new();
        let (mut a, mut b) = (Top::<4>::new(), Top::<4>::new());
        for q in data.iter().step_by(3) {
            let sa = one.query(q, 12, &mut buf, &mut a).unwrap();
            let sb = bulk.query(q, 12, &mut buf, &mut b).unwrap();
            assert_eq!((sa, &a), (sb, &b));
        }
        // 11 free slots: 12 rows are refused, as are a NaN and a short row.
        let before = bulk.clone();
        let mut ids = [0u32; 12];
        assert_eq!(
            bulk.insert_all(&data[..12], &mut ids),
            Err(Error::Capacity { capacity: 48 })
        );
        let mut nan = data[..2].to_vec();
        nan[1][5] = f32::NAN;
        assert!(bulk.insert_all(&nan, &mut ids[..2]).is_err());
        assert!(bulk.insert_all(&data[..2], &mut ids[..3]).is_err());
        assert_eq!(bulk.live, before.live);
        assert_eq!(bulk.entries, before.entries);
        assert_eq!(bulk.len(), before.len());
        // Exactly the free slots fit.
        bulk.insert_all(&data[..11], &mut ids[..11]).unwrap();
        assert_eq!(bulk.len(), 48);
        bulk.check_invariants().unwrap();
    }

    /// An index reopened over the storage another index wrote holds the
    /// same items and answers the same; reopened over storage no index
    /// wrote, it answers without a panic and its invariant check says so.
    #[test]
    fn reopen_resumes_the_stored_index() {
        let (d, tables, bits, cap) = (8, 3, 5, 20);
        let mut planes = [0.0f32; 3 * 8 * 5];
        index_planes(9, &mut planes);
        let (mut center, mut vectors) = ([0.0f32; 8], [0.0f32; 20 * 8]);
        let (mut live, mut entries) = ([false; 20], [Entry::default(); 3 * 20]);
        let mut rng = Rng::new(5);
        let mut data = [[0.0f32; 8]; 12];
        data.iter_mut().for_each(|x| rng.fill_normal(x));
        let (mut proj, mut order, mut heap, mut seen) =
            ([0.0f32; 15], [0u8; 15], [Probe::default(); 40], [false; 20]);
        let mut sc = QueryScratch {
            proj: &mut proj,
            order: &mut order,
            heap: &mut heap,
            seen: &mut seen,
        };
        let mut want = [[Neighbor::NONE; 3]; 12];
        {
            let mut a = LshIndexMut::new(
                d,
                tables,
                bits,
                &planes,
                &mut center,
                &mut vectors,
                &mut live,
                &mut entries,
            )
            .unwrap();
            for x in &data {
                a.insert(x).unwrap();
            }
            a.remove(4).unwrap();
            a.recenter();
            for (q, w) in data.iter().zip(want.iter_mut()) {
                a.query(q, 16, &mut sc, w).unwrap();
            }
        }
        let mut b = LshIndexMut::reopen(
            d,
            tables,
            bits,
            &planes,
            &mut center,
            &mut vectors,
            &mut live,
            &mut entries,
        )
        .unwrap();
        assert_eq!((b.len(), b.capacity(), b.contains(4)), (11, cap, false));
        b.check_invariants().unwrap();
        for (q, w) in data.iter().zip(&want) {
            let mut got = [Neighbor::NONE; 3];
            b.query(q, 16, &mut sc, &mut got).unwrap();
            assert_eq!(&got, w);
        }
        // The next insert takes the freed slot, as it would have before.
        assert_eq!(b.insert(&data[4]), Ok(4));
        // Storage that no index wrote: slots and codes out of range.
        let (mut live, mut entries) = (
            [true; 20],
            [Entry {
                code: u32::MAX,
                slot: 999,
            }; 3 * 20],
        );
        let mut vectors = [f32::NAN; 20 * 8];
        let c = LshIndexMut::reopen(
            d,
            tables,
            bits,
            &planes,
            &mut center,
            &mut vectors,
            &mut live,
            &mut entries,
        )
        .unwrap();
        let mut got = [Neighbor::NONE; 3];
        assert!(c.query(&data[0], 16, &mut sc, &mut got).is_ok());
        assert!(c.check_invariants().is_err());
        // Wrong lengths are refused as by `new`.
        assert!(LshIndexMut::reopen(
            d,
            tables,
            bits,
            &planes[1..],
            &mut center,
            &mut vectors,
            &mut live,
            &mut entries,
        )
        .is_err());
    }

    /// Planes for tests, built at compile time (an LCG, uniform in [−1, 1)).
    static FLASH_PLANES: [[[f32; 5]; 8]; 3] = {
        let mut p = [[[0.0f32; 5]; 8]; 3];
        let mut s = 1u32;
        let mut n = 0;
        while n < 3 * 8 * 5 {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            p[n / 40][(n / 5) % 8][n % 5] = (s >> 8) as f32 / 8_388_608.0 - 1.0;
            n += 1;
        }
        p
    };

    /// An index over `&'static` planes behaves as one that owns the same
    /// planes, and leaves their bytes out of its own size.
    #[test]
    fn static_planes_index_equals_owned() {
        static STATIC_INDEX: LshIndex<8, 48, 3, 5, &[[[f32; 5]; 8]; 3]> =
            LshIndex::with_planes(&FLASH_PLANES);
        let mut flash = STATIC_INDEX.clone();
        let mut owned = LshIndex::<8, 48, 3, 5>::zeroed();
        owned.planes = FLASH_PLANES;
        assert_eq!(flash.planes(), owned.planes());
        let mut rng = Rng::new(5);
        let mut data = [[0.0f32; 8]; 30];
        data.iter_mut().for_each(|x| rng.fill_normal(x));
        for x in &data {
            assert_eq!(flash.insert(x), owned.insert(x));
        }
        flash.recenter();
        owned.recenter();
        assert_eq!(flash.entries, owned.entries);
        let mut buf = QueryBuf::<48, 3, 5, { probe_heap_len(3, 9) }>::new();
        let (mut a, mut b) = (Top::<3>::new(), Top::<3>::new());
        for q in &data {
            let sa = flash.query(q, 9, &mut buf, &mut a).unwrap();
            let sb = owned.query(q, 9, &mut buf, &mut b).unwrap();
            assert_eq!((sa, &a), (sb, &b));
        }
        flash.clear();
        assert!(flash.is_empty());
        assert_eq!(flash.planes(), &FLASH_PLANES);
        let planes_bytes = core::mem::size_of_val(&FLASH_PLANES);
        assert!(
            core::mem::size_of_val(&flash) + planes_bytes
                <= core::mem::size_of_val(&owned) + core::mem::size_of::<usize>()
        );
    }

    #[test]
    fn exhaustive_probes_find_exact_neighbours() {
        // With K = 3 bits, 8 buckets per table: probing all of them examines everything.
        let mut idx = LshIndex::<8, 40, 2, 3>::new(7);
        let mut rng = Rng::new(3);
        let mut data = [[0.0f32; 8]; 40];
        for x in data.iter_mut() {
            rng.fill_normal(x);
            idx.insert(x).unwrap();
        }
        let mut buf = QueryBuf::<40, 2, 3, 16>::new();
        for _ in 0..20 {
            let mut q = [0.0f32; 8];
            rng.fill_normal(&mut q);
            let mut out = Top::<3>::new();
            let st = idx.query(&q, 16, &mut buf, &mut out).unwrap();
            assert_eq!(st.examined, 40);
            assert_eq!(st.found, 3);
            let want = brute(&data, &q, 3);
            assert_eq!([out[0].id, out[1].id, out[2].id], want);
            assert!(out[0].cosine >= out[1].cosine && out[1].cosine >= out[2].cosine);
        }
    }

    #[test]
    fn item_finds_itself_and_remove_forgets_it() {
        let mut idx = LshIndex::<8, 16, 4, 8>::new(1);
        let mut rng = Rng::new(9);
        let mut data = [[0.0f32; 8]; 10];
        for (i, x) in data.iter_mut().enumerate() {
            rng.fill_normal(x);
            assert_eq!(idx.insert(x).unwrap(), i as u32);
        }
        let mut buf = QueryBuf::<16, 4, 8, 8>::new();
        let mut out = Top::<2>::new();
        for (i, x) in data.iter().enumerate() {
            idx.query(x, 4, &mut buf, &mut out).unwrap();
            assert_eq!(out[0].id, i as u32);
            assert!((out[0].cosine - 1.0).abs() < 1e-5);
        }
        idx.remove(3).unwrap();
        assert!(!idx.contains(3));
        assert_eq!(idx.len(), 9);
        idx.query(&data[3], 4, &mut buf, &mut out).unwrap();
        assert!(out.iter().all(|n| n.id != 3));
        assert_eq!(
            idx.remove(3),
            Err(Error::InvalidArgument {
                what: "id",
                expected: "the id of a stored item"
            })
        );
        assert!(idx.remove(99).is_err());
        // The freed slot is reused.
        assert_eq!(idx.insert(&data[3]).unwrap(), 3);
        idx.query(&data[3], 4, &mut buf, &mut out).unwrap();
        assert_eq!(out[0].id, 3);
    }

    #[test]
    fn zeroed_then_reset_equals_new_and_reset_empties() {
        static_assertions_like();
        let mut a = LshIndex::<4, 8, 2, 5>::zeroed();
        a.reset(3);
        let b = LshIndex::<4, 8, 2, 5>::new(3);
        assert_eq!(a.planes, b.planes);
        a.insert(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        a.set_center(&[0.1; 4]).unwrap();
        a.reset(3);
        assert!(a.is_empty() && !a.contains(0));
        assert_eq!(a.center, [0.0; 4]);
        assert!(a.set_center(&[f32::NAN; 4]).is_err());
    }

    /// A `const` index can initialise a static (no stack copy of the storage).
    fn static_assertions_like() {
        static _INDEX: LshIndex<4, 8, 2, 5> = LshIndex::zeroed();
    }

    #[test]
    fn full_index_is_an_error_and_unchanged() {
        let mut idx = LshIndex::<4, 3, 2, 4>::new(2);
        for i in 0..3 {
            idx.insert(&[i as f32 + 1.0, 1.0, 0.0, -1.0]).unwrap();
        }
        let before = idx.entries;
        assert_eq!(idx.insert(&[1.0; 4]), Err(Error::Capacity { capacity: 3 }));
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.entries, before);
        assert!(idx.insert(&[f32::NAN, 0.0, 0.0, 0.0]).is_err());
        let mut buf = QueryBuf::<3, 2, 4, 4>::new();
        let mut out = Top::<5>::new();
        let st = idx
            .query(&[1.0, 1.0, 0.0, -1.0], 100, &mut buf, &mut out)
            .unwrap();
        assert_eq!(st.found, 3);
        assert_eq!(out.len(), 3);
        assert!(idx
            .query(&[f32::INFINITY, 0.0, 0.0, 0.0], 4, &mut buf, &mut out)
            .is_err());
    }

    #[test]
    fn slice_index_checks_shapes() {
        let planes = [0.5f32; 2 * 3 * 4];
        let mut center = [0.0f32; 3];
        let mut vectors = [0.0f32; 3 * 5];
        let mut live = [false; 5];
        let mut entries = [Entry::default(); 2 * 5];
        assert!(LshIndexMut::new(
            3,
            2,
            4,
            &planes[1..],
            &mut center,
            &mut vectors,
            &mut live,
            &mut entries
        )
        .is_err());
        assert!(LshIndexMut::new(
            3,
            2,
            33,
            &planes,
            &mut center,
            &mut vectors,
            &mut live,
            &mut entries
        )
        .is_err());
        assert!(LshIndexMut::new(
            3,
            2,
            4,
            &planes,
            &mut center[1..],
            &mut vectors,
            &mut live,
            &mut entries
        )
        .is_err());
        assert!(LshIndexMut::new(
            3,
            2,
            4,
            &planes,
            &mut center,
            &mut vectors[1..],
            &mut live,
            &mut entries
        )
        .is_err());
        assert!(LshIndexMut::new(
            3,
            2,
            4,
            &planes,
            &mut center,
            &mut vectors,
            &mut live,
            &mut entries[1..]
        )
        .is_err());
        let mut idx = LshIndexMut::new(
            3,
            2,
            4,
            &planes,
            &mut center,
            &mut vectors,
            &mut live,
            &mut entries,
        )
        .unwrap();
        assert!(idx.insert(&[1.0, 2.0]).is_err());
        idx.insert(&[1.0, 2.0, 3.0]).unwrap();
        let mut codes = [0u32; 2];
        idx.codes(&[1.0, 2.0, 3.0], &mut codes).unwrap();
        assert_eq!(codes, [0b1111, 0b1111]);
        let mut short = [false; 4];
        let (mut proj, mut order, mut heap, mut seen) =
            ([0.0; 8], [0u8; 8], [Probe::default(); 4], [false; 5]);
        let mut sc = QueryScratch {
            proj: &mut proj,
            order: &mut order,
            heap: &mut heap,
            seen: &mut short,
        };
        let mut out = [Neighbor::NONE; 1];
        assert!(idx.query(&[1.0, 2.0, 3.0], 4, &mut sc, &mut out).is_err());
        sc.seen = &mut seen;
        assert_eq!(
            idx.query(&[1.0, 2.0, 3.0], 4, &mut sc, &mut out)
                .unwrap()
                .found,
            1
        );
    }

    proptest::proptest! {
        #[test]
        fn random_insert_remove_keeps_tables_consistent_and_exhaustive_query_exact(
            ops in proptest::collection::vec(
                (0u8..3, proptest::collection::vec(-4.0f32..4.0, 4), 0u32..14), 1..60),
            q in proptest::collection::vec(-4.0f32..4.0, 4),
        ) {
            let mut idx = LshIndex::<4, 12, 2, 3>::new(5);
            let mut model: [Option<[f32; 4]>; 12] = [None; 12];
            for (op, v, id) in ops {
                let x: [f32; 4] = v.try_into().unwrap();
                if op < 2 {
                    let r = idx.insert(&x);
                    match model.iter().position(|m| m.is_none()) {
                        None => proptest::prop_assert_eq!(r, Err(Error::Capacity { capacity: 12 })),
                        Some(free) => {
                            proptest::prop_assert_eq!(r, Ok(free as u32));
                            model[free] = Some(x);
                        }
                    }
                } else {
                    let r = idx.remove(id);
                    let live = model.get(id as usize).is_some_and(|m| m.is_some());
                    proptest::prop_assert_eq!(r.is_ok(), live);
                    if live {
                        model[id as usize] = None;
                    }
                }
                let n = model.iter().filter(|m| m.is_some()).count();
                proptest::prop_assert_eq!(idx.len(), n);
                for t in 0..2 {
                    let table = &idx.entries[t][..n];
                    proptest::prop_assert!(table.windows(2).all(|w| w[0].code <= w[1].code));
                    let mut slots: [bool; 12] = [false; 12];
                    for e in table {
                        proptest::prop_assert!(!slots[e.slot as usize]);
                        slots[e.slot as usize] = true;
                    }
                    for (s, m) in slots.iter().zip(&model) {
                        proptest::prop_assert_eq!(*s, m.is_some());
                    }
                }
            }
            // Recentring rehashes: tables stay sorted and hold every live slot.
            idx.recenter();
            for t in 0..2 {
                let n = idx.len();
                let table = &idx.entries[t][..n];
                proptest::prop_assert!(table.windows(2).all(|w| w[0].code <= w[1].code));
                for e in table {
                    let v = idx.vectors[e.slot as usize];
                    proptest::prop_assert_eq!(
                        e.code,
                        table_code(idx.planes.as_flattened().as_flattened(), &idx.center, 4, 3, t, &v, 1.0)
                    );
                }
            }
            // K = 3: 8 buckets per table, 16 probes visit every bucket of both tables.
            let q: [f32; 4] = q.try_into().unwrap();
            let mut buf = QueryBuf::<12, 2, 3, 40>::new();
            let mut out = Top::<3>::new();
            let st = idx.query(&q, 16, &mut buf, &mut out).unwrap();
            let n = model.iter().filter(|m| m.is_some()).count();
            proptest::prop_assert_eq!(st.examined, n);
            proptest::prop_assert_eq!(st.found, n.min(3));
            let nq = sqrt(dot_unchecked(&q, &q));
            let mut cos: [f32; 12] = [f32::NEG_INFINITY; 12];
            for (c, m) in cos.iter_mut().zip(&model) {
                if let Some(x) = m {
                    let nx = sqrt(dot_unchecked(x, x));
                    *c = if nx > 0.0 && nq > 0.0 { dot_unchecked(&q, x) / (nx * nq) } else { 0.0 };
                }
            }
            cos.sort_by(|a, b| b.total_cmp(a));
            for (o, c) in out.iter().zip(cos.iter()).take(n.min(3)) {
                proptest::prop_assert!((o.cosine - c).abs() < 1e-4, "{:?} vs {:?}", out, cos);
            }
            // A tiny (or empty) heap degrades the probe order but never panics.
            let mut tiny = QueryBuf::<12, 2, 3, 1>::new();
            proptest::prop_assert!(idx.query(&q, 16, &mut tiny, &mut out).unwrap().found <= 3);
            let mut none = QueryBuf::<12, 2, 3, 0>::new();
            proptest::prop_assert!(idx.query(&q, 16, &mut none, &mut out).unwrap().probes <= 2);
        }
    }
}
