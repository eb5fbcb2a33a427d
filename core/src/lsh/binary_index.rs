//! A fixed-capacity LSH index for packed binary vectors under Hamming
//! distance: `L` bit-sampling tables of `K ≤ 32` sampled bits each (Indyk &
//! Motwani 1998; see [`super::binary`]), multiprobe and exact re-ranking by
//! Hamming distance.
//!
//! One index over its storage, as [`super::LshIndexInner`]:
//! [`BinaryIndex<BYTES, CAP, L, K>`](BinaryIndex) (const-generic arrays) and
//! [`BinaryIndexView`] (caller slices, [`BinaryParams`]). Tables, capacity
//! and ids are those of the tables (`lsh/tables.rs`): a code-sorted array per table,
//! inserting into a full index returns [`Error::Capacity`] and changes
//! nothing, ids are slots.
//!
//! **Probe order.** Bit-sampling has no margins, so every sampled bit is
//! equally likely to differ: after the `L` base buckets the query probes all
//! 1-bit flips, then all 2-bit flips (the Hamming ball of radius 2 around the
//! query's code), going round the tables so that a small budget is spread over
//! all of them. For two vectors at distance `t` of `n` bits, a table finds the
//! neighbour within radius `r` with probability
//! `Σ_{i≤r} C(K, i) (t/n)^i (1 − t/n)^{K−i}`.

use super::binary::bitsample_positions;
use super::hamming_unchecked;
use super::index::{Flat, QueryStats};
use super::tables::{
    check_room, check_table_params, index_accessors, insert_rows, Entry, TablesMut, TablesRef,
};
use super::top::{Ranked, TopK};
use crate::error::{check_len, check_nonempty, Error};

/// A binary-index query result: an id and its Hamming distance to the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HammingNeighbor {
    /// The item's id; `u32::MAX` where fewer were found.
    pub id: u32,
    /// Hamming distance to the query (`u32::MAX` for no neighbour).
    pub distance: u32,
}

impl HammingNeighbor {
    /// Placeholder for a missing neighbour.
    pub const NONE: HammingNeighbor = HammingNeighbor { id: u32::MAX, distance: u32::MAX };
}

/// Neighbours rank by lower distance, then lower id.
impl Ranked for HammingNeighbor {
    const NONE: Self = HammingNeighbor::NONE;

    fn better(&self, other: &Self) -> bool {
        self.distance < other.distance || (self.distance == other.distance && self.id < other.id)
    }

    fn is_none(&self) -> bool {
        self.id == u32::MAX
    }
}

/// The sizes of a binary index: `bytes` per vector, `tables` tables of
/// `bits` sampled bits, room for `capacity` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BinaryParams {
    /// Bytes per packed vector.
    pub bytes: usize,
    /// Number of tables `L`.
    pub tables: usize,
    /// Sampled bits per table `K` (1 to 32).
    pub bits: usize,
    /// Maximum number of items.
    pub capacity: usize,
}

impl BinaryParams {
    /// Checks the sizes: all non-zero, `bits` in `1..=32` and at most
    /// `8·bytes`, fewer than 2³² − 1 items, buffers below 2³¹ elements.
    ///
    /// # Errors
    /// [`Error::Empty`] or [`Error::InvalidArgument`] naming the size.
    pub fn check(&self) -> Result<(), Error> {
        check_nonempty("bytes", self.bytes)?;
        check_table_params(self.tables, self.bits, self.capacity)?;
        let limit = 1usize << 31;
        let data = self.capacity.saturating_mul(self.bytes);
        let entries = self.capacity.saturating_mul(self.tables);
        if data >= limit || entries >= limit || self.tables >= limit {
            return Err(Error::InvalidArgument {
                what: "index size",
                expected: "buffers of fewer than 2^31 elements (capacity*bytes, capacity*tables)",
            });
        }
        Ok(())
    }
}

/// The buffers of a binary index: sampled positions `[L, K]` (empty while
/// not drawn), vectors `[capacity, bytes]`, live flags `[capacity]`, table
/// entries `[L, capacity]`.
#[derive(Debug)]
pub struct BinaryBuffers<'a> {
    /// Sampled bit positions, `[L, K]`, each `< 8·bytes`.
    pub positions: &'a [u32],
    /// The stored vectors, `[capacity, bytes]`.
    pub data: &'a mut [u8],
    /// Which slots hold an item, `[capacity]`.
    pub live: &'a mut [bool],
    /// The tables, `[L, capacity]`.
    pub entries: &'a mut [Entry],
}

impl BinaryBuffers<'_> {
    /// The buffers, read only.
    pub fn as_ref(&self) -> BinaryBuffersRef<'_> {
        BinaryBuffersRef {
            positions: self.positions,
            data: self.data,
            live: self.live,
            entries: self.entries,
        }
    }

    /// The buffers, borrowed again for a shorter time.
    pub fn reborrow(&mut self) -> BinaryBuffers<'_> {
        BinaryBuffers {
            positions: self.positions,
            data: self.data,
            live: self.live,
            entries: self.entries,
        }
    }
}

/// [`BinaryBuffers`], read only.
#[derive(Debug, Clone, Copy)]
pub struct BinaryBuffersRef<'a> {
    /// Sampled bit positions, `[L, K]`.
    pub positions: &'a [u32],
    /// The stored vectors, `[capacity, bytes]`.
    pub data: &'a [u8],
    /// Which slots hold an item.
    pub live: &'a [bool],
    /// The tables.
    pub entries: &'a [Entry],
}

/// Where a binary index keeps its state: [`BinaryOwned`] or [`BinaryView`]
/// (or a host program's own, built by [`BinaryIndexInner::from_storage`]).
pub trait BinaryStorage {
    /// One vector: `[u8; BYTES]` for an owned index, `[u8]` otherwise.
    type Vector: ?Sized + Flat<u8>;
    /// Several vectors: `[[u8; BYTES]]` or `[u8]` (flat).
    type Rows: ?Sized + Flat<u8>;
    /// The sizes.
    fn params(&self) -> BinaryParams;
    /// The buffers, read only.
    fn buffers(&self) -> BinaryBuffersRef<'_>;
    /// The buffers.
    fn buffers_mut(&mut self) -> BinaryBuffers<'_>;
}

/// The state of a binary index with every size a const generic.
#[derive(Debug, Clone)]
pub struct BinaryOwned<const BYTES: usize, const CAP: usize, const L: usize, const K: usize> {
    positions: [[u32; K]; L],
    drawn: bool,
    data: [[u8; BYTES]; CAP],
    live: [bool; CAP],
    entries: [[Entry; CAP]; L],
}

impl<const BYTES: usize, const CAP: usize, const L: usize, const K: usize> BinaryStorage
    for BinaryOwned<BYTES, CAP, L, K>
{
    type Vector = [u8; BYTES];
    type Rows = [[u8; BYTES]];

    #[inline(always)]
    fn params(&self) -> BinaryParams {
        BinaryParams { bytes: BYTES, tables: L, bits: K, capacity: CAP }
    }

    #[inline(always)]
    fn buffers(&self) -> BinaryBuffersRef<'_> {
        BinaryBuffersRef {
            positions: if self.drawn { self.positions.as_flattened() } else { &[] },
            data: self.data.as_flattened(),
            live: &self.live,
            entries: self.entries.as_flattened(),
        }
    }

    #[inline(always)]
    fn buffers_mut(&mut self) -> BinaryBuffers<'_> {
        BinaryBuffers {
            positions: if self.drawn { self.positions.as_flattened() } else { &[] },
            data: self.data.as_flattened_mut(),
            live: &mut self.live,
            entries: self.entries.as_flattened_mut(),
        }
    }
}

/// The state of a binary index in borrowed slices, sizes chosen at run time.
#[derive(Debug)]
pub struct BinaryView<'a> {
    params: BinaryParams,
    buffers: BinaryBuffers<'a>,
}

impl<'a> BinaryView<'a> {
    /// Sizes and buffers (checked when the index is built).
    pub fn new(params: BinaryParams, buffers: BinaryBuffers<'a>) -> Self {
        BinaryView { params, buffers }
    }
}

impl BinaryStorage for BinaryView<'_> {
    type Vector = [u8];
    type Rows = [u8];

    fn params(&self) -> BinaryParams {
        self.params
    }

    fn buffers(&self) -> BinaryBuffersRef<'_> {
        self.buffers.as_ref()
    }

    fn buffers_mut(&mut self) -> BinaryBuffers<'_> {
        self.buffers.reborrow()
    }
}

/// A Hamming LSH index over any [`BinaryStorage`]; use it through
/// [`BinaryIndex`] and [`BinaryIndexView`].
#[derive(Debug, Clone)]
pub struct BinaryIndexInner<S> {
    len: usize,
    storage: S,
}

/// A Hamming LSH index with sizes fixed at compile time: `BYTES` bytes per
/// vector, capacity `CAP`, `L` tables of `K ≤ 32` sampled bits.
/// Memory: `CAP·(BYTES + 8L + 1) + 4·L·K` bytes.
pub type BinaryIndex<const BYTES: usize, const CAP: usize, const L: usize, const K: usize> =
    BinaryIndexInner<BinaryOwned<BYTES, CAP, L, K>>;

/// A Hamming LSH index over caller slices, sizes chosen at run time.
pub type BinaryIndexView<'a> = BinaryIndexInner<BinaryView<'a>>;

/// The error of a binary index whose positions were never drawn.
const NOT_DRAWN: Error =
    Error::Uninitialized { what: "binary index (draw its positions with new or reset first)" };

/// Draws `[L, K]` distinct-per-table bit positions in `[0, nbits)` from `seed`
/// (table `t` uses seed `seed + t`).
///
/// # Errors
/// As [`bitsample_positions`]; [`Error::InvalidArgument`] if
/// `positions.len()` is not a multiple of `bits`.
pub fn binary_index_positions(
    seed: u64,
    nbits: u32,
    bits: usize,
    positions: &mut [u32],
) -> Result<(), Error> {
    check_nonempty("bits", bits)?;
    if !positions.len().is_multiple_of(bits) {
        return Err(Error::InvalidArgument { what: "positions", expected: "shape [tables, bits]" });
    }
    for (t, row) in positions.chunks_exact_mut(bits).enumerate() {
        bitsample_positions(seed.wrapping_add(t as u64), nbits, row)?;
    }
    Ok(())
}

/// The code of `x` under the sampled positions `pos`: bit `j` = bit `pos[j]` of `x`.
fn sample(x: &[u8], pos: &[u32]) -> u32 {
    pos.iter().enumerate().fold(0u32, |c, (j, &p)| {
        let p = p as usize;
        let b = x.get(p / 8).map_or(0, |v| (v >> (p % 8)) & 1) as u32;
        c | (b << (j & 31))
    })
}

impl<const BYTES: usize, const CAP: usize, const L: usize, const K: usize>
    BinaryIndex<BYTES, CAP, L, K>
{
    const CHECK: () = assert!(
        BYTES > 0 && CAP > 0 && L > 0 && K > 0 && K <= 32 && K <= 8 * BYTES,
        "a binary index needs BYTES, CAP, L > 0 and 1 <= K <= min(32, 8 BYTES)"
    );

    /// An empty index with positions drawn from `seed` (all `8·BYTES` bits eligible).
    pub fn new(seed: u64) -> Self {
        let mut s = Self::zeroed();
        s.reset(seed);
        s
    }

    /// An empty index whose positions are not drawn yet: a `const`
    /// initialiser for statics (all zero: `.bss`). Every operation but
    /// [`BinaryIndex::reset`] is an [`Error::Uninitialized`] until then.
    pub const fn zeroed() -> Self {
        let () = Self::CHECK;
        BinaryIndexInner {
            len: 0,
            storage: BinaryOwned {
                positions: [[0; K]; L],
                drawn: false,
                data: [[0; BYTES]; CAP],
                live: [false; CAP],
                entries: [[Entry::ZERO; CAP]; L],
            },
        }
    }

    /// Empties the index in place and draws new positions from `seed`
    /// (the same as [`BinaryIndex::new`] with that seed).
    pub fn reset(&mut self, seed: u64) {
        let s = &mut self.storage;
        // K ≤ 8·BYTES (checked at compile time), so drawing cannot fail.
        s.drawn =
            binary_index_positions(seed, (8 * BYTES) as u32, K, s.positions.as_flattened_mut())
                .is_ok();
        self.clear();
    }
}

impl<'a> BinaryIndexView<'a> {
    /// An empty index over the given buffers (`live` is cleared).
    ///
    /// # Errors
    /// [`Error::Empty`] or [`Error::InvalidArgument`] for sizes
    /// [`BinaryParams::check`] refuses or a position `≥ 8·bytes`;
    /// [`Error::ShapeMismatch`] for a buffer of the wrong length.
    pub fn new(params: BinaryParams, buffers: BinaryBuffers<'a>) -> Result<Self, Error> {
        let mut idx = Self::reopen(params, buffers)?;
        idx.clear();
        Ok(idx)
    }

    /// The index the buffers already hold (its items: the live slots), as
    /// [`crate::lsh::LshIndexView::reopen`]; nothing is written.
    ///
    /// # Errors
    /// As [`BinaryIndexView::new`].
    pub fn reopen(params: BinaryParams, buffers: BinaryBuffers<'a>) -> Result<Self, Error> {
        Self::from_storage(BinaryView::new(params, buffers))
    }
}

impl<S: BinaryStorage> BinaryIndexInner<S> {
    /// The index a storage holds (its items: the live slots), its lengths
    /// checked once.
    ///
    /// # Errors
    /// As [`BinaryIndexView::new`].
    pub fn from_storage(storage: S) -> Result<Self, Error> {
        let p = storage.params();
        p.check()?;
        let b = storage.buffers();
        check_len("positions", p.tables * p.bits, b.positions.len())?;
        check_len("data", p.capacity * p.bytes, b.data.len())?;
        check_len("live", p.capacity, b.live.len())?;
        check_len("entries", p.capacity * p.tables, b.entries.len())?;
        if b.positions.iter().any(|&q| q as usize >= 8 * p.bytes) {
            return Err(Error::InvalidArgument {
                what: "positions",
                expected: "every position < 8 * bytes",
            });
        }
        let len = b.live.iter().filter(|&&l| l).count();
        Ok(BinaryIndexInner { len, storage })
    }

    index_accessors!(BinaryParams);

    /// The sampled positions, or the not-drawn error.
    fn positions(&self) -> Result<&[u32], Error> {
        let p = self.params();
        let pos = self.storage.buffers().positions;
        if pos.len() != p.tables * p.bits {
            return Err(NOT_DRAWN);
        }
        Ok(pos)
    }

    /// Stores `x` in free `slot` (`append`: at the end of each table).
    fn put(&mut self, slot: usize, x: &[u8], append: bool) {
        let (p, mut len) = (self.storage.params(), self.len);
        let b = self.storage.buffers_mut();
        if let Some(v) = b.data.get_mut(slot * p.bytes..(slot + 1) * p.bytes) {
            v.copy_from_slice(x);
        }
        let pos = b.positions;
        let code = |t: usize| sample(x, pos.get(t * p.bits..(t + 1) * p.bits).unwrap_or(&[]));
        let mut tables =
            TablesMut { live: b.live, entries: b.entries, tables: p.tables, len: &mut len };
        if append {
            tables.append(slot, code);
        } else {
            tables.insert(slot, code);
        }
        self.len = len;
    }

    /// Runs `f` on the tables, with `len` tracked.
    fn with_tables<R>(&mut self, f: impl FnOnce(&mut TablesMut<'_>) -> R) -> R {
        let tables = self.storage.params().tables;
        let b = self.storage.buffers_mut();
        f(&mut TablesMut { live: b.live, entries: b.entries, tables, len: &mut self.len })
    }

    /// Inserts `x` and returns its id (the lowest free slot).
    ///
    /// # Errors
    /// [`Error::Capacity`] when full; [`Error::ShapeMismatch`] for `x`;
    /// [`Error::Uninitialized`] before the positions are drawn. Nothing
    /// changes on error.
    pub fn insert(&mut self, x: &S::Vector) -> Result<u32, Error> {
        self.positions()?;
        let x = x.flat();
        check_len("x", self.params().bytes, x.len())?;
        let slot = self.with_tables(|t| t.free_slot(0))?;
        self.put(slot, x, false);
        Ok(slot as u32)
    }

    /// Inserts the rows of `xs` (`n = ids.len()` of them) and writes their
    /// ids (the lowest free slots, in increasing order) to `ids`: the index
    /// `n` inserts build, with one sort a table.
    ///
    /// # Errors
    /// [`Error::Capacity`] for more rows than free slots;
    /// [`Error::ShapeMismatch`] if `xs` is not `n·bytes` long;
    /// [`Error::Uninitialized`] before the positions are drawn. Nothing
    /// changes on error.
    pub fn insert_all(&mut self, xs: &S::Rows, ids: &mut [u32]) -> Result<(), Error> {
        self.positions()?;
        let (xs, p) = (xs.flat(), self.params());
        check_room(p.capacity, self.len, ids.len())?;
        check_len("xs", ids.len() * p.bytes, xs.len())?;
        insert_rows(xs.chunks_exact(p.bytes), ids, |from, x| {
            let slot = self.with_tables(|t| t.free_slot(from)).ok()?;
            self.put(slot, x, true);
            Some(slot)
        });
        self.with_tables(|t| t.sort());
        Ok(())
    }

    /// Removes item `id`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if it is not stored (nothing changes).
    pub fn remove(&mut self, id: u32) -> Result<(), Error> {
        self.with_tables(|t| t.remove(id))
    }

    /// Removes every item (the positions stay).
    pub fn clear(&mut self) {
        self.with_tables(|t| t.clear())
    }

    /// Checks the internal invariants (every table sorted and holding each
    /// live item once, with the code of its stored vector); `O(L·len²)`.
    ///
    /// # Errors
    /// The first broken invariant, in words.
    pub fn check_invariants(&self) -> Result<(), &'static str> {
        let (p, b) = (self.params(), self.storage.buffers());
        let Ok(pos) = self.positions() else {
            return if self.len == 0 {
                Ok(())
            } else {
                Err("items stored while the positions are not drawn")
            };
        };
        let tables = TablesRef { live: b.live, entries: b.entries, len: self.len };
        tables.check(p.tables, |t, s| {
            let x = b.data.get(s * p.bytes..(s + 1) * p.bytes)?;
            Some(sample(x, pos.get(t * p.bits..(t + 1) * p.bits)?))
        })
    }

    /// The stored items nearest to `q` in Hamming distance among the
    /// candidates of `probes` buckets (order: module docs), nearest first,
    /// ties by lower id, in `out`: a `heapless::Vec<HammingNeighbor, N>`
    /// (emptied first) or a `[HammingNeighbor]` slice (`k = out.len()`,
    /// padded with [`HammingNeighbor::NONE`]). `seen` (one flag a slot,
    /// e.g. `[bool; CAP]`) is scratch.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for `q` or `seen`; [`Error::Uninitialized`]
    /// before the positions are drawn. `out` is untouched then.
    pub fn query<O: TopK<HammingNeighbor> + ?Sized>(
        &self,
        q: &S::Vector,
        probes: usize,
        seen: &mut [bool],
        out: &mut O,
    ) -> Result<QueryStats, Error> {
        let positions = self.positions()?;
        let (p, b) = (self.params(), self.storage.buffers());
        let q = q.flat();
        check_len("q", p.bytes, q.len())?;
        check_len("seen", p.capacity, seen.len())?;
        out.reset();
        seen.iter_mut().for_each(|s| *s = false);
        let (k, nt) = (p.bits, p.tables);
        let tables = TablesRef { live: b.live, entries: b.entries, len: self.len };
        let mut stats = QueryStats::default();
        let budget = probes.max(1);
        // Radius 0, then every 1-bit flip, then every 2-bit flip, round the tables.
        'outer: for r in 0..=2usize {
            let combos = match r {
                0 => 1,
                1 => k,
                _ => k * (k - 1) / 2,
            };
            for c in 0..combos {
                let flip = match r {
                    0 => 0u32,
                    1 => 1u32 << c,
                    _ => {
                        // c-th pair (i < j) in lexicographic order.
                        let (mut i, mut rest) = (0usize, c);
                        while rest >= k - 1 - i {
                            rest -= k - 1 - i;
                            i += 1;
                        }
                        (1u32 << i) | (1u32 << (i + 1 + rest))
                    }
                };
                for t in 0..nt {
                    if stats.probes == budget {
                        break 'outer;
                    }
                    let code = sample(q, positions.get(t * k..(t + 1) * k).unwrap_or(&[]));
                    stats.probes += 1;
                    stats.examined += tables.scan(t, code ^ flip, seen, |slot| {
                        let s = slot as usize;
                        let v = b.data.get(s * p.bytes..(s + 1) * p.bytes).unwrap_or(&[]);
                        out.offer(HammingNeighbor { id: slot, distance: hamming_unchecked(q, v) });
                    });
                }
            }
        }
        stats.found = out.found();
        Ok(stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    type Top<const N: usize> = heapless::Vec<HammingNeighbor, N>;

    /// A `const` index initialises a static.
    static _INDEX: BinaryIndex<4, 8, 2, 5> = BinaryIndex::zeroed();

    #[test]
    fn zeroed_is_an_error_until_reset_which_equals_new() {
        let mut a = BinaryIndex::<4, 8, 2, 5>::zeroed();
        let err = Err(NOT_DRAWN);
        assert_eq!(a.insert(&[1, 2, 3, 4]), err.map(|()| 0));
        assert_eq!(
            a.query(&[1, 2, 3, 4], 4, &mut [false; 8], &mut Top::<1>::new()),
            err.map(|()| QueryStats::default())
        );
        assert_eq!(a.insert_all(&[[1, 2, 3, 4]], &mut [0]), err);
        a.check_invariants().unwrap();
        a.reset(3);
        let b = BinaryIndex::<4, 8, 2, 5>::new(3);
        assert_eq!(a.storage().buffers().positions, b.storage().buffers().positions);
        let id = a.insert(&[1, 2, 3, 4]).unwrap();
        assert_eq!(a.len(), 1);
        a.clear();
        assert!(a.is_empty());
        assert!(a.remove(id).is_err());
        let again = a.insert(&[1, 2, 3, 4]).unwrap();
        let (mut seen, mut out) = ([false; 8], Top::<1>::new());
        let st = a.query(&[1, 2, 3, 4], 10, &mut seen, &mut out).unwrap();
        assert_eq!((st.found, out[0].id, out[0].distance), (1, again, 0));
        a.reset(3);
        assert!(a.is_empty());
    }

    #[test]
    fn exhaustive_radius_two_finds_planted_neighbours() {
        // K = 2 bits per table: radius 2 covers all 4 buckets, so everything is examined.
        let mut idx = BinaryIndex::<4, 20, 3, 2>::new(1);
        let mut rng = Rng::new(2);
        let mut data = [[0u8; 4]; 20];
        for x in data.iter_mut() {
            *x = rng.next().to_le_bytes();
            idx.insert(x).unwrap();
        }
        let mut seen = [false; 20];
        let mut out = Top::<3>::new();
        let q = data[7];
        let st = idx.query(&q, 100, &mut seen, &mut out).unwrap();
        assert_eq!((st.found, st.examined), (3, 20));
        assert_eq!(out[0], HammingNeighbor { id: 7, distance: 0 });
        // Reference: every distance by popcount of the xor, sorted.
        let mut d: [(u32, u32); 20] = core::array::from_fn(|i| {
            let dist = q.iter().zip(&data[i]).map(|(a, b)| (a ^ b).count_ones()).sum();
            (dist, i as u32)
        });
        d.sort();
        for (o, w) in out.iter().zip(d.iter()) {
            assert_eq!((o.distance, o.id), *w);
        }
        idx.check_invariants().unwrap();
    }

    #[test]
    fn near_points_are_found_with_few_probes() {
        // 64-bit vectors; each query is a stored vector with 2 bits flipped.
        let mut idx = BinaryIndex::<8, 200, 8, 12>::new(9);
        let mut rng = Rng::new(4);
        let mut data = [[0u8; 8]; 200];
        for x in data.iter_mut() {
            for b in x.iter_mut() {
                *b = rng.next() as u8;
            }
        }
        let mut ids = [0u32; 200];
        idx.insert_all(&data, &mut ids).unwrap();
        assert!(ids.iter().enumerate().all(|(i, &id)| id == i as u32));
        idx.check_invariants().unwrap();
        let mut hits = 0;
        let mut examined = 0;
        let mut seen = [false; 200];
        for (i, x) in data.iter().enumerate().take(50) {
            let mut q = *x;
            for _ in 0..2 {
                let p = rng.below(64) as usize;
                q[p / 8] ^= 1 << (p % 8);
            }
            let mut out = Top::<1>::new();
            let st = idx.query(&q, 8 + 8 * 12, &mut seen, &mut out).unwrap();
            hits += out.first().is_some_and(|n| n.id == i as u32) as usize;
            examined += st.examined;
        }
        // Per table, P(found within radius 1) ≥ P(≤ 1 of 12 sampled bits flipped) ≈ 0.97.
        assert!(hits >= 49, "hits {hits}");
        assert!(examined < 50 * 200 / 2, "examined {examined}");
    }

    /// A bulk insert builds the tables one-by-one inserts build.
    #[test]
    fn insert_all_equals_one_by_one_and_refuses_bad_input() {
        let mut rng = Rng::new(8);
        let data: [[u8; 4]; 12] = core::array::from_fn(|_| rng.next().to_le_bytes());
        let mut one = BinaryIndex::<4, 14, 3, 6>::new(5);
        let mut bulk = BinaryIndex::<4, 14, 3, 6>::new(5);
        one.insert(&data[0]).unwrap();
        bulk.insert(&data[0]).unwrap();
        let want: [u32; 11] = core::array::from_fn(|i| one.insert(&data[i + 1]).unwrap());
        let mut ids = [0u32; 11];
        bulk.insert_all(&data[1..], &mut ids).unwrap();
        assert_eq!(ids, want);
        let (a, b) = (one.storage().buffers(), bulk.storage().buffers());
        assert_eq!((a.data, a.live), (b.data, b.live));
        for t in 0..3 {
            let codes = |e: &[Entry]| -> [u32; 12] { core::array::from_fn(|j| e[t * 14 + j].code) };
            assert_eq!(codes(a.entries), codes(b.entries));
        }
        bulk.check_invariants().unwrap();
        assert_eq!(bulk.insert_all(&data[..3], &mut [0; 3]), Err(Error::Capacity { capacity: 14 }));
        assert_eq!(bulk.len(), 12);
    }

    #[test]
    fn capacity_remove_and_bad_shapes() {
        let mut idx = BinaryIndex::<2, 2, 2, 4>::new(3);
        idx.insert(&[1, 2]).unwrap();
        idx.insert(&[3, 4]).unwrap();
        assert_eq!(idx.insert(&[5, 6]), Err(Error::Capacity { capacity: 2 }));
        idx.remove(0).unwrap();
        assert!(idx.remove(0).is_err());
        assert_eq!(idx.insert(&[5, 6]).unwrap(), 0);
        assert_eq!(idx.len(), 2);
        let params = BinaryParams { bytes: 2, tables: 1, bits: 4, capacity: 2 };
        let (mut data, mut live, mut entries) = ([0u8; 4], [false; 2], [Entry::default(); 2]);
        macro_rules! view {
            ($params:expr, $pos:expr) => {
                BinaryIndexView::new(
                    $params,
                    BinaryBuffers {
                        positions: $pos,
                        data: &mut data,
                        live: &mut live,
                        entries: &mut entries,
                    },
                )
            };
        }
        assert!(view!(params, &[0u32, 1, 2, 16]).is_err());
        assert!(view!(params, &[0u32, 1, 2]).is_err());
        assert!(view!(BinaryParams { bits: 33, ..params }, &[0u32, 1, 2, 3]).is_err());
        assert!(view!(BinaryParams { capacity: usize::MAX, ..params }, &[0u32, 1, 2, 3]).is_err());
        let mut b = view!(params, &[0u32, 1, 2, 3]).unwrap();
        assert!(b.insert(&[1]).is_err());
        b.insert(&[1, 1]).unwrap();
        let mut out = [HammingNeighbor::NONE; 2];
        assert!(b.query(&[1, 1], 4, &mut [false; 1], &mut out).is_err());
        let st = b.query(&[1, 1], 4, &mut [false; 2], &mut out).unwrap();
        assert_eq!((st.found, st.examined), (1, 1));
        assert!(binary_index_positions(1, 8, 3, &mut [0; 4]).is_err());
    }
}
