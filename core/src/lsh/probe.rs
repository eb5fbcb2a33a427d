//! The multiprobe queue of [`super::LshIndex`] queries: pending probes in
//! increasing score (Lv et al. 2007), in a `heapless::BinaryHeap` (sizes
//! fixed at compile time) or a binary heap on a caller slice (run time).

use heapless::binary_heap::{BinaryHeapView, Min};

/// A multiprobe candidate: a set of bits to flip (over margin-sorted
/// positions) in one table, with its score. Ordered by score (`total_cmp`),
/// then table, then mask: the order the probes are visited in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Probe {
    pub(crate) score: f32,
    pub(crate) table: u32,
    pub(crate) mask: u32,
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

/// Pending multiprobe candidates, least score first. A full queue drops
/// what is pushed (only a queue shorter than [`probe_heap_len`] fills up).
#[doc(hidden)]
pub trait ProbeQueue {
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

/// A binary min-heap of probes on a caller slice: the run-time face's probe
/// queue, whose length is known only at run time (a `heapless::BinaryHeap`
/// fixes it at compile time). The const face uses `heapless::BinaryHeap`,
/// which measured 1 000 instructions a query cheaper than this heap on the
/// Cortex-M4F (`lsh.index` query, same result list: 22 710 against 23 710).
#[doc(hidden)]
#[derive(Debug)]
pub struct Heap<'h> {
    pub(crate) data: &'h mut [Probe],
    pub(crate) len: usize,
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
/// `tables`; saturating). Sizes a [`super::QueryBuf`] at compile time:
/// `QueryBuf<CAP, L, K, { probe_heap_len(L, PROBES) }>`.
pub const fn probe_heap_len(tables: usize, probes: usize) -> usize {
    tables.saturating_add(probes.saturating_sub(tables).saturating_mul(2))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use heapless::binary_heap::BinaryHeap;
    use std::vec::Vec;

    fn probes() -> Vec<Probe> {
        (0..40u32)
            .map(|i| Probe { score: ((i * 37) % 11) as f32 * 0.5, table: i % 3, mask: i })
            .collect()
    }

    /// The slice heap gives the probes in the order of `heapless`' heap (the
    /// const face's), and of a sort; a full slice drops what is pushed.
    #[test]
    fn slice_heap_orders_as_heapless_and_a_sort() {
        let mut want = probes();
        want.sort();
        let mut data = [Probe::default(); 40];
        let mut heap = Heap { data: &mut data, len: 0 };
        let mut hl = BinaryHeap::<Probe, Min, 40>::new();
        for p in probes() {
            heap.put(p);
            hl.as_mut_view().put(p);
        }
        for w in &want {
            assert_eq!(heap.take(), Some(*w));
            assert_eq!(hl.as_mut_view().take(), Some(*w));
        }
        assert_eq!(heap.take(), None);
        let mut small = [Probe::default(); 2];
        let mut heap = Heap { data: &mut small, len: 0 };
        for p in probes() {
            heap.put(p);
        }
        assert_eq!(heap.len, 2);
        assert_eq!(probe_heap_len(4, 10), 16);
        assert_eq!(probe_heap_len(4, 2), 4);
        assert_eq!(probe_heap_len(4, usize::MAX), usize::MAX);
    }
}
