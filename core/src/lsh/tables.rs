//! The hash tables of the indexes ([`super::LshIndex`], [`super::BinaryIndex`]):
//! slot allocation, bucket insert, remove and scan, and their invariants —
//! written once, over whatever storage an index keeps them in.
//!
//! An index of capacity `cap` keeps a `live` flag per slot and `L` tables of
//! `cap` [`Entry`]s each; the first `len` entries of every table are its
//! items sorted by code (equal codes in insertion order), so a bucket is
//! found by binary search. An item's id is its slot; the lowest free slot is
//! taken first. Inserting or removing shifts `O(L·cap)` entries (a
//! `memmove`); building from `n` items at once ([`TablesMut::append`] then
//! [`TablesMut::sort`]) costs one `O(n log n)` sort a table instead.

use crate::error::{check_nonempty, Error};

/// One entry of a hash table: an item's code in that table and its slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Entry {
    /// The K-bit code.
    pub code: u32,
    /// The item's slot (its id).
    pub slot: u32,
}

impl Entry {
    /// The entry every table starts from (a `const` for statics).
    pub const ZERO: Entry = Entry { code: 0, slot: 0 };
}

/// Checks the table geometry both indexes share: at least one table, 1 to
/// 32 bits per table, and a capacity of 1 to 2^32 − 2 items (ids are `u32`).
pub(crate) fn check_table_params(tables: usize, bits: usize, capacity: usize) -> Result<(), Error> {
    check_nonempty("tables", tables)?;
    check_nonempty("capacity", capacity)?;
    if !(1..=32).contains(&bits) {
        return Err(Error::InvalidArgument { what: "bits", expected: "1 to 32 bits per table" });
    }
    if capacity > u32::MAX as usize - 1 {
        return Err(Error::InvalidArgument {
            what: "capacity",
            expected: "fewer than 2^32 - 1 items",
        });
    }
    Ok(())
}

/// The accessors both indexes share, over their `len` and `storage`
/// fields (the storage's `params()` has a `capacity`, its `buffers()` a
/// `live` slice).
macro_rules! index_accessors {
    ($params:ty) => {
        /// The storage.
        pub fn storage(&self) -> &S {
            &self.storage
        }
        /// The sizes.
        pub fn params(&self) -> $params {
            self.storage.params()
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
            self.params().capacity
        }
        /// True if `id` is a stored item.
        pub fn contains(&self, id: u32) -> bool {
            let live = self.storage.buffers().live;
            live.get(id as usize).copied().unwrap_or(false)
        }
    };
}
pub(crate) use index_accessors;

/// The error of an id that is not stored.
pub(crate) const NOT_STORED: Error =
    Error::InvalidArgument { what: "id", expected: "the id of a stored item" };

/// The tables, read only.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TablesRef<'a> {
    pub(crate) live: &'a [bool],
    pub(crate) entries: &'a [Entry],
    pub(crate) len: usize,
}

impl<'a> TablesRef<'a> {
    /// Maximum number of items.
    pub(crate) fn capacity(&self) -> usize {
        self.live.len()
    }

    /// True if `id` is a stored item.
    pub(crate) fn contains(&self, id: u32) -> bool {
        self.live.get(id as usize).copied().unwrap_or(false)
    }

    /// The stored entries of table `t`, sorted by code.
    pub(crate) fn table(&self, t: usize) -> &'a [Entry] {
        let cap = self.capacity();
        self.entries.get(t * cap..t * cap + self.len).unwrap_or(&[])
    }

    /// Calls `f` with the slot of every item in bucket `code` of table `t`
    /// that `seen` (one flag a slot) does not mark yet, and marks it;
    /// returns how many that were.
    #[inline(always)]
    pub(crate) fn scan(
        &self,
        t: usize,
        code: u32,
        seen: &mut [bool],
        mut f: impl FnMut(u32),
    ) -> usize {
        let table = self.table(t);
        let start = table.partition_point(|e| e.code < code);
        let mut n = 0;
        for e in table.get(start..).unwrap_or(&[]) {
            if e.code != code {
                break;
            }
            match seen.get_mut(e.slot as usize) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            n += 1;
            f(e.slot);
        }
        n
    }

    /// Checks the invariants: `len` live slots; each table's first `len`
    /// entries sorted by code and holding every live slot exactly once, each
    /// with the code `code_of(table, slot)` gives (`None`: not checked).
    /// `O(L·len²)`: for tests, fuzzing and long-run checks.
    pub(crate) fn check(
        &self,
        tables: usize,
        code_of: impl Fn(usize, usize) -> Option<u32>,
    ) -> Result<(), &'static str> {
        if self.live.iter().filter(|&&l| l).count() != self.len {
            return Err("len differs from the number of live slots");
        }
        let cap = self.capacity();
        for t in 0..tables {
            let table = self
                .entries
                .get(t * cap..t * cap + self.len)
                .ok_or("a table is shorter than len")?;
            if table.windows(2).any(|w| w[0].code > w[1].code) {
                return Err("a table is not sorted by code");
            }
            for e in table {
                let s = e.slot as usize;
                if !self.live.get(s).copied().unwrap_or(false) {
                    return Err("a table holds a slot that is not live");
                }
                if table.iter().filter(|o| o.slot == e.slot).count() != 1 {
                    return Err("a table holds a slot twice");
                }
                if code_of(t, s).is_some_and(|c| c != e.code) {
                    return Err("a stored code differs from its vector's code");
                }
            }
        }
        Ok(())
    }
}

/// The tables, to change: `live` (`[cap]`), `entries` (`[L, cap]`) and the
/// index's `len`.
#[derive(Debug)]
pub(crate) struct TablesMut<'a> {
    pub(crate) live: &'a mut [bool],
    pub(crate) entries: &'a mut [Entry],
    pub(crate) tables: usize,
    pub(crate) len: &'a mut usize,
}

impl TablesMut<'_> {
    /// The read-only view.
    pub(crate) fn as_ref(&self) -> TablesRef<'_> {
        TablesRef { live: self.live, entries: self.entries, len: *self.len }
    }

    /// The lowest free slot at or after `from`.
    ///
    /// # Errors
    /// [`Error::Capacity`] when every slot is taken.
    pub(crate) fn free_slot(&self, from: usize) -> Result<usize, Error> {
        let cap = self.live.len();
        match self.live.get(from..).and_then(|l| l.iter().position(|&l| !l)) {
            Some(s) if *self.len < cap => Ok(from + s),
            _ => Err(Error::Capacity { capacity: cap }),
        }
    }

    /// Stores `slot` (free, and `len < cap`: the caller took it from
    /// [`TablesMut::free_slot`]) with code `code(t)` in each table `t`, each
    /// after the equal codes already there.
    pub(crate) fn insert(&mut self, slot: usize, mut code: impl FnMut(usize) -> u32) {
        let (cap, len) = (self.live.len(), *self.len);
        for t in 0..self.tables {
            let entry = Entry { code: code(t), slot: slot as u32 };
            if let Some(table) = self.entries.get_mut(t * cap..t * cap + len + 1) {
                let (sorted, _) = table.split_at(len.min(table.len()));
                let pos = sorted.partition_point(|e| e.code <= entry.code);
                // Put the entry at `pos`, carrying each entry after it one
                // place up (the last slot, past `len`, is free). No index can
                // fail: `copy_within` and `rotate_right` keep a panic path
                // where they are not inlined, at `opt-level = "s"`.
                let mut carry = entry;
                for e in table.iter_mut().skip(pos) {
                    core::mem::swap(e, &mut carry);
                }
            }
        }
        self.mark(slot, true);
    }

    /// Stores `slot` as [`TablesMut::insert`] does, but at the end of each
    /// table, unsorted: call [`TablesMut::sort`] once all are in.
    pub(crate) fn append(&mut self, slot: usize, mut code: impl FnMut(usize) -> u32) {
        let (cap, len) = (self.live.len(), *self.len);
        for t in 0..self.tables {
            if let Some(e) = self.entries.get_mut(t * cap + len) {
                *e = Entry { code: code(t), slot: slot as u32 };
            }
        }
        self.mark(slot, true);
    }

    /// Removes item `id` from every table, keeping their order.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `id` is not stored (nothing changes).
    pub(crate) fn remove(&mut self, id: u32) -> Result<(), Error> {
        if !self.as_ref().contains(id) {
            return Err(NOT_STORED);
        }
        let (cap, len) = (self.live.len(), *self.len);
        for t in 0..self.tables {
            if let Some(table) = self.entries.get_mut(t * cap..t * cap + len) {
                if let Some(pos) = table.iter().position(|e| e.slot == id) {
                    table.copy_within(pos + 1.., pos);
                }
            }
        }
        self.mark(id as usize, false);
        Ok(())
    }

    /// The stored entries of table `t`, to change codes (then [`TablesMut::sort`]).
    pub(crate) fn table_mut(&mut self, t: usize) -> &mut [Entry] {
        let (cap, len) = (self.live.len(), *self.len);
        self.entries.get_mut(t * cap..t * cap + len).unwrap_or(&mut [])
    }

    /// Sorts every table by (code, slot).
    pub(crate) fn sort(&mut self) {
        for t in 0..self.tables {
            heapsort(self.table_mut(t));
        }
    }

    /// Removes every item.
    pub(crate) fn clear(&mut self) {
        self.live.iter_mut().for_each(|l| *l = false);
        *self.len = 0;
    }

    fn mark(&mut self, slot: usize, live: bool) {
        if let Some(l) = self.live.get_mut(slot) {
            if *l != live {
                *l = live;
                *self.len = if live { *self.len + 1 } else { *self.len - 1 };
            }
        }
    }
}

/// Sorts a table by (code, slot) in place: a heapsort, O(n log n) with no
/// scratch. `sort_unstable` would do, but it links a panic for orders that are
/// not total; this key is, and this sort has no panic path.
/// Checks that `n` more items fit in an index holding `len` of `capacity`.
///
/// # Errors
/// [`Error::Capacity`] if they do not.
pub(crate) fn check_room(capacity: usize, len: usize, n: usize) -> Result<(), Error> {
    if n > capacity.saturating_sub(len) {
        return Err(Error::Capacity { capacity });
    }
    Ok(())
}

/// The slot loop of `insert_all` (after [`check_room`]): for each row,
/// `put_free(from, row)` stores it in the lowest free slot at or after
/// `from` and says which; the slots (increasing) go to `ids`. The caller
/// sorts the tables.
pub(crate) fn insert_rows<R>(
    rows: impl Iterator<Item = R>,
    ids: &mut [u32],
    mut put_free: impl FnMut(usize, R) -> Option<usize>,
) {
    let mut from = 0;
    for (x, id) in rows.zip(ids.iter_mut()) {
        let Some(slot) = put_free(from, x) else {
            break;
        };
        from = slot + 1;
        *id = slot as u32;
    }
}

pub(crate) fn heapsort(t: &mut [Entry]) {
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

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    proptest! {
        /// The heapsort sorts by (code, slot), as a library sort does.
        #[test]
        fn heapsort_sorts_by_code_then_slot(
            v in proptest::collection::vec((0u32..8, any::<u32>()), 0..64),
        ) {
            let mut t: Vec<Entry> = v.iter().map(|&(code, slot)| Entry { code, slot }).collect();
            let mut want = t.clone();
            want.sort_by_key(|e| (e.code, e.slot));
            heapsort(&mut t);
            prop_assert_eq!(t, want);
        }

        /// Inserts and removes keep the invariants, against a model (a sorted
        /// list of (code, slot) per table, codes from a fixed function).
        #[test]
        fn inserts_and_removes_keep_the_tables_sorted(
            ops in proptest::collection::vec((any::<bool>(), 0u32..6), 0..60),
        ) {
            const CAP: usize = 6;
            let (mut live, mut entries, mut len) = ([false; CAP], [Entry::ZERO; 2 * CAP], 0usize);
            let code = |t: usize, s: usize| ((s * 7 + t * 3) % 4) as u32;
            let mut model: Vec<usize> = Vec::new();
            for (insert, id) in ops {
                let mut tb = TablesMut { live: &mut live, entries: &mut entries, tables: 2, len: &mut len };
                if insert {
                    match tb.free_slot(0) {
                        Ok(s) => {
                            tb.insert(s, |t| code(t, s));
                            model.push(s);
                        }
                        Err(e) => prop_assert_eq!(e, Error::Capacity { capacity: CAP }),
                    }
                } else {
                    let had = model.contains(&(id as usize));
                    prop_assert_eq!(tb.remove(id).is_ok(), had);
                    model.retain(|&s| s != id as usize);
                }
                prop_assert_eq!(*tb.len, model.len());
                prop_assert_eq!(tb.as_ref().check(2, |t, s| Some(code(t, s))), Ok(()));
            }
        }
    }

    #[test]
    fn scan_marks_each_slot_once_and_stops_at_the_bucket_end() {
        let (mut live, mut entries, mut len) = ([false; 5], [Entry::ZERO; 5], 0usize);
        let mut tb = TablesMut { live: &mut live, entries: &mut entries, tables: 1, len: &mut len };
        for (s, c) in [(0, 3u32), (1, 1), (2, 3), (3, 2), (4, 3)] {
            tb.append(s, |_| c);
        }
        tb.sort();
        let r = tb.as_ref();
        let mut seen = [false; 5];
        seen[2] = true;
        let mut got = Vec::new();
        assert_eq!(r.scan(0, 3, &mut seen, |s| got.push(s)), 2);
        assert_eq!(got, [0, 4]);
        assert_eq!(r.scan(0, 3, &mut seen, |_| ()), 0);
        assert_eq!(r.scan(0, 7, &mut seen, |_| ()), 0);
        assert_eq!(r.check(1, |_, _| None), Ok(()));
    }
}
