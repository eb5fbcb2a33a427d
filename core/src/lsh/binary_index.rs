//! A fixed-capacity LSH index for packed binary vectors under Hamming
//! distance: `L` bit-sampling tables of `K ≤ 32` sampled bits each (Indyk &
//! Motwani 1998; see [`super::binary`]), multiprobe and exact re-ranking by
//! Hamming distance.
//!
//! Storage and capacity rules are those of [`super::index`]: each table is a
//! code-sorted array of [`Entry`]s, the vectors themselves are kept
//! (`bytes` per item) for re-ranking, inserting into a full index returns
//! [`Error::Capacity`] and changes nothing, ids are slots.
//!
//! **Probe order.** Bit-sampling has no margins, so every sampled bit is
//! equally likely to differ: after the `L` base buckets the query probes all
//! 1-bit flips, then all 2-bit flips (the Hamming ball of radius 2 around the
//! query's code), going round the tables so that a small budget is spread over
//! all of them. For two vectors at distance `t` of `n` bits, a table finds the
//! neighbour within radius `r` with probability
//! `Σ_{i≤r} C(K, i) (t/n)^i (1 − t/n)^{K−i}`.

use super::index::{check_table_params, table_insert, table_remove, Entry};
use crate::error::{check_len, check_nonempty, Error};

use super::binary::bitsample_positions;
use super::top::{Ranked, TopK};

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
    pub const NONE: HammingNeighbor = HammingNeighbor {
        id: u32::MAX,
        distance: u32::MAX,
    };
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

/// A Hamming LSH index over caller-provided storage: `positions` `[L, K]`
/// (sampled bit positions), `data` `[cap, bytes]`, `live` `[cap]`, `entries` `[L, cap]`.
#[derive(Debug)]
pub struct BinaryIndexMut<'a> {
    bytes: usize,
    tables: usize,
    bits: usize,
    positions: &'a [u32],
    data: &'a mut [u8],
    live: &'a mut [bool],
    entries: &'a mut [Entry],
    len: usize,
}

/// Draws `[L, K]` distinct-per-table bit positions in `[0, nbits)` from `seed`
/// (table `t` uses seed `seed + t`). Errors as [`bitsample_positions`], or if
/// `positions.len()` is not a multiple of `bits`.
pub fn binary_index_positions(
    seed: u64,
    nbits: u32,
    bits: usize,
    positions: &mut [u32],
) -> Result<(), Error> {
    check_nonempty("bits", bits)?;
    if !positions.len().is_multiple_of(bits) {
        return Err(Error::InvalidArgument {
            what: "positions",
            expected: "shape [tables, bits]",
        });
    }
    for (t, row) in positions.chunks_exact_mut(bits).enumerate() {
        bitsample_positions(seed.wrapping_add(t as u64), nbits, row)?;
    }
    Ok(())
}

fn sample(x: &[u8], pos: &[u32]) -> u32 {
    pos.iter().enumerate().fold(0u32, |c, (j, &p)| {
        let p = p as usize;
        let b = x.get(p / 8).map_or(0, |v| (v >> (p % 8)) & 1) as u32;
        c | (b << (j & 31))
    })
}

fn hamming(a: &[u8], b: &[u8]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum()
}

impl<'a> BinaryIndexMut<'a> {
    /// An empty index over the given storage (`live` is cleared).
    ///
    /// Errors: `bytes`, `tables` or `cap` zero; `bits` not in `1..=32`; slices of
    /// the wrong length; a position `≥ 8·bytes`.
    pub fn new(
        bytes: usize,
        tables: usize,
        bits: usize,
        positions: &'a [u32],
        data: &'a mut [u8],
        live: &'a mut [bool],
        entries: &'a mut [Entry],
    ) -> Result<Self, Error> {
        check_nonempty("bytes", bytes)?;
        check_table_params(tables, bits, live.len())?;
        let big = Error::InvalidArgument {
            what: "index size",
            expected: "sizes whose products fit in usize",
        };
        check_len(
            "positions",
            tables.checked_mul(bits).ok_or(big)?,
            positions.len(),
        )?;
        check_len(
            "data",
            live.len().checked_mul(bytes).ok_or(big)?,
            data.len(),
        )?;
        check_len(
            "entries",
            live.len().checked_mul(tables).ok_or(big)?,
            entries.len(),
        )?;
        if positions.iter().any(|&p| p as usize >= 8 * bytes) {
            return Err(Error::InvalidArgument {
                what: "positions",
                expected: "every position < 8 * bytes",
            });
        }
        live.iter_mut().for_each(|l| *l = false);
        Ok(BinaryIndexMut {
            bytes,
            tables,
            bits,
            positions,
            data,
            live,
            entries,
            len: 0,
        })
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
    /// True if `id` is a stored item.
    pub fn contains(&self, id: u32) -> bool {
        self.live.get(id as usize).copied().unwrap_or(false)
    }

    fn code(&self, t: usize, x: &[u8]) -> u32 {
        let k = self.bits;
        sample(x, self.positions.get(t * k..(t + 1) * k).unwrap_or(&[]))
    }

    /// Inserts `x` (`bytes` long) and returns its id (the lowest free slot).
    ///
    /// Errors: [`Error::Capacity`] when full, wrong length; nothing changes on error.
    pub fn insert(&mut self, x: &[u8]) -> Result<u32, Error> {
        check_len("x", self.bytes, x.len())?;
        let cap = self.capacity();
        let slot = match self.live.iter().position(|&l| !l) {
            Some(s) if self.len < cap => s,
            _ => return Err(Error::Capacity { capacity: cap }),
        };
        let (b, len) = (self.bytes, self.len);
        if let Some(v) = self.data.get_mut(slot * b..(slot + 1) * b) {
            v.copy_from_slice(x);
        }
        for t in 0..self.tables {
            let code = self.code(t, x);
            table_insert(self.entries, t, cap, len, code, slot as u32);
        }
        if let Some(l) = self.live.get_mut(slot) {
            *l = true;
        }
        self.len += 1;
        Ok(slot as u32)
    }

    /// Removes item `id`. Errors: [`Error::InvalidArgument`] if it is not stored.
    pub fn remove(&mut self, id: u32) -> Result<(), Error> {
        if !self.contains(id) {
            return Err(Error::InvalidArgument {
                what: "id",
                expected: "the id of a stored item",
            });
        }
        let (cap, len) = (self.capacity(), self.len);
        for t in 0..self.tables {
            table_remove(self.entries, t, cap, len, id);
        }
        if let Some(l) = self.live.get_mut(id as usize) {
            *l = false;
        }
        self.len -= 1;
        Ok(())
    }

    /// The `out.len()` stored items nearest to `q` in Hamming distance among
    /// the candidates of `probes` buckets (order: module docs), nearest first,
    /// ties by lower id; `seen` (length `cap`) is scratch. Returns
    /// (neighbours found, distinct items examined).
    ///
    /// Errors: `q.len() != bytes`, `seen.len() != cap`.
    pub fn query(
        &self,
        q: &[u8],
        probes: usize,
        seen: &mut [bool],
        out: &mut [HammingNeighbor],
    ) -> Result<(usize, usize), Error> {
        self.search(q, probes, seen, out)
    }

    /// [`BinaryIndexMut::query`] into either kind of result list.
    fn search<T: TopK<HammingNeighbor> + ?Sized>(
        &self,
        q: &[u8],
        probes: usize,
        seen: &mut [bool],
        out: &mut T,
    ) -> Result<(usize, usize), Error> {
        check_len("q", self.bytes, q.len())?;
        check_len("seen", self.capacity(), seen.len())?;
        out.reset();
        seen.iter_mut().for_each(|s| *s = false);
        let (cap, b, k, nt) = (self.capacity(), self.bytes, self.bits, self.tables);
        let mut examined = 0usize;
        let mut done = 0usize;
        let budget = probes.max(1);
        let mut probe = |t: usize, code: u32, out: &mut T| {
            let table = self.entries.get(t * cap..t * cap + self.len).unwrap_or(&[]);
            let start = table.partition_point(|e| e.code < code);
            for e in table.get(start..).unwrap_or(&[]) {
                if e.code != code {
                    break;
                }
                let s = e.slot as usize;
                match seen.get_mut(s) {
                    Some(v) if !*v => *v = true,
                    _ => continue,
                }
                examined += 1;
                let v = self.data.get(s * b..(s + 1) * b).unwrap_or(&[]);
                out.offer(HammingNeighbor {
                    id: e.slot,
                    distance: hamming(q, v),
                });
            }
        };
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
                    if done == budget {
                        break 'outer;
                    }
                    let code = sample(q, self.positions.get(t * k..(t + 1) * k).unwrap_or(&[]));
                    probe(t, code ^ flip, out);
                    done += 1;
                }
            }
        }
        Ok((out.found(), examined))
    }
}

/// A Hamming LSH index with sizes fixed at compile time: `BYTES` bytes per
/// vector, capacity `CAP`, `L` tables of `K ≤ 32` sampled bits.
/// Memory: `CAP·(BYTES + 8L + 1) + 4·L·K` bytes.
#[derive(Debug, Clone)]
pub struct BinaryIndex<const BYTES: usize, const CAP: usize, const L: usize, const K: usize> {
    positions: [[u32; K]; L],
    data: [[u8; BYTES]; CAP],
    live: [bool; CAP],
    entries: [[Entry; CAP]; L],
    len: usize,
}

impl<const BYTES: usize, const CAP: usize, const L: usize, const K: usize>
    BinaryIndex<BYTES, CAP, L, K>
{
    const CHECK: () = assert!(BYTES > 0 && CAP > 0 && L > 0 && K > 0 && K <= 32 && K <= 8 * BYTES);

    /// An empty index with positions drawn from `seed` (all `8·BYTES` bits eligible).
    pub fn new(seed: u64) -> Self {
        let () = Self::CHECK;
        let mut positions = [[0u32; K]; L];
        // K ≤ 8·BYTES (checked at compile time), so drawing cannot fail.
        let _ = binary_index_positions(seed, (8 * BYTES) as u32, K, positions.as_flattened_mut());
        BinaryIndex {
            positions,
            data: [[0; BYTES]; CAP],
            live: [false; CAP],
            entries: [[Entry { code: 0, slot: 0 }; CAP]; L],
            len: 0,
        }
    }

    /// An empty index whose positions are all bit 0: a `const` initialiser for
    /// statics (nothing is built on the stack); call [`BinaryIndex::reset`]
    /// before use.
    pub const fn zeroed() -> Self {
        let () = Self::CHECK;
        BinaryIndex {
            positions: [[0; K]; L],
            data: [[0; BYTES]; CAP],
            live: [false; CAP],
            entries: [[Entry { code: 0, slot: 0 }; CAP]; L],
            len: 0,
        }
    }

    /// Empties the index in place and draws new positions from `seed`
    /// (the same as [`BinaryIndex::new`] with that seed).
    pub fn reset(&mut self, seed: u64) {
        let _ = binary_index_positions(
            seed,
            (8 * BYTES) as u32,
            K,
            self.positions.as_flattened_mut(),
        );
        self.clear();
    }

    /// Removes every item; the positions stay.
    pub fn clear(&mut self) {
        self.live.iter_mut().for_each(|l| *l = false);
        self.len = 0;
    }

    fn view(&mut self) -> BinaryIndexMut<'_> {
        BinaryIndexMut {
            bytes: BYTES,
            tables: L,
            bits: K,
            positions: self.positions.as_flattened(),
            data: self.data.as_flattened_mut(),
            live: &mut self.live,
            entries: self.entries.as_flattened_mut(),
            len: self.len,
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

    /// Inserts `x`; see [`BinaryIndexMut::insert`].
    pub fn insert(&mut self, x: &[u8; BYTES]) -> Result<u32, Error> {
        let mut v = self.view();
        let r = v.insert(x);
        let len = v.len;
        self.len = len;
        r
    }

    /// Removes `id`; see [`BinaryIndexMut::remove`].
    pub fn remove(&mut self, id: u32) -> Result<(), Error> {
        let mut v = self.view();
        let r = v.remove(id);
        let len = v.len;
        self.len = len;
        r
    }

    /// The `N` stored items nearest to `q` among the candidates of `probes`
    /// buckets, nearest first, in `out` (emptied first; fewer when fewer were
    /// found); see [`BinaryIndexMut::query`]. Returns (found, examined).
    pub fn query<const N: usize>(
        &mut self,
        q: &[u8; BYTES],
        probes: usize,
        seen: &mut [bool; CAP],
        out: &mut heapless::Vec<HammingNeighbor, N>,
    ) -> Result<(usize, usize), Error> {
        self.view().search(q, probes, seen, out.as_mut_view())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// A `const` index initialises a static; `reset` makes it `new`'s twin.
    static _INDEX: BinaryIndex<4, 8, 2, 5> = BinaryIndex::zeroed();

    #[test]
    fn zeroed_then_reset_equals_new_and_clear_empties() {
        let mut a = BinaryIndex::<4, 8, 2, 5>::zeroed();
        a.reset(3);
        let b = BinaryIndex::<4, 8, 2, 5>::new(3);
        assert_eq!(a.positions, b.positions);
        let id = a.insert(&[1, 2, 3, 4]).unwrap();
        assert_eq!(a.len(), 1);
        a.clear();
        assert!(a.is_empty());
        assert!(a.remove(id).is_err());
        let again = a.insert(&[1, 2, 3, 4]).unwrap();
        let (mut seen, mut out) = ([false; 8], heapless::Vec::<_, 1>::new());
        let (found, _) = a.query(&[1, 2, 3, 4], 10, &mut seen, &mut out).unwrap();
        assert_eq!((found, out[0].id, out[0].distance), (1, again, 0));
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
        let mut out = heapless::Vec::<_, 3>::new();
        let q = data[7];
        let (found, examined) = idx.query(&q, 100, &mut seen, &mut out).unwrap();
        assert_eq!((found, examined), (3, 20));
        assert_eq!(out[0], HammingNeighbor { id: 7, distance: 0 });
        let mut d: [(u32, u32); 20] = core::array::from_fn(|i| (hamming(&q, &data[i]), i as u32));
        d.sort();
        for (o, w) in out.iter().zip(d.iter()) {
            assert_eq!((o.distance, o.id), *w);
        }
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
            idx.insert(x).unwrap();
        }
        let mut hits = 0;
        let mut examined = 0;
        let mut seen = [false; 200];
        for (i, x) in data.iter().enumerate().take(50) {
            let mut q = *x;
            for _ in 0..2 {
                let p = rng.below(64) as usize;
                q[p / 8] ^= 1 << (p % 8);
            }
            let mut out = heapless::Vec::<_, 1>::new();
            let (_, e) = idx.query(&q, 8 + 8 * 12, &mut seen, &mut out).unwrap();
            hits += out.first().is_some_and(|n| n.id == i as u32) as usize;
            examined += e;
        }
        // Per table, P(found within radius 1) ≥ P(≤ 1 of 12 sampled bits flipped) ≈ 0.97.
        assert!(hits >= 49, "hits {hits}");
        assert!(examined < 50 * 200 / 2, "examined {examined}");
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
        let pos = [0u32, 1, 2, 16];
        let (mut data, mut live, mut entries) = ([0u8; 4], [false; 2], [Entry::default(); 2]);
        assert!(BinaryIndexMut::new(2, 1, 4, &pos, &mut data, &mut live, &mut entries).is_err());
        let pos = [0u32, 1, 2, 3];
        assert!(
            BinaryIndexMut::new(2, 1, 4, &pos[..3], &mut data, &mut live, &mut entries).is_err()
        );
        assert!(BinaryIndexMut::new(2, 1, 33, &pos, &mut data, &mut live, &mut entries).is_err());
        let mut b = BinaryIndexMut::new(2, 1, 4, &pos, &mut data, &mut live, &mut entries).unwrap();
        assert!(b.insert(&[1]).is_err());
        b.insert(&[1, 1]).unwrap();
        let mut out = [HammingNeighbor::NONE; 2];
        assert!(b.query(&[1, 1], 4, &mut [false; 1], &mut out).is_err());
        assert_eq!(
            b.query(&[1, 1], 4, &mut [false; 2], &mut out).unwrap(),
            (1, 1)
        );
        assert!(binary_index_positions(1, 8, 3, &mut [0; 4]).is_err());
    }
}
