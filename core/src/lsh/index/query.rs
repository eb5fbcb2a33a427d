//! A query's result and scratch: [`Neighbor`], [`QueryStats`], and the
//! scratch a query works in — [`QueryBuf`] (sizes in the type) or
//! [`QueryBufView`] (caller slices).

use crate::lsh::probe::{Heap, Probe, ProbeQueue};
use crate::lsh::top::Ranked;
use heapless::binary_heap::{BinaryHeap, BinaryHeapView, Min};

/// A query result: an id and its cosine similarity to the query.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Neighbor {
    /// The item's id (its slot); in a padded slice result,
    /// [`Neighbor::NONE`]`.id` where fewer were found.
    pub id: u32,
    /// Cosine similarity `q·x / (|q| |x|)` (−∞ for no neighbour).
    pub cosine: f32,
}

impl Neighbor {
    /// Placeholder for a missing neighbour.
    pub const NONE: Neighbor = Neighbor { id: u32::MAX, cosine: f32::NEG_INFINITY };
}

/// Neighbours rank by higher cosine, then lower id.
impl Ranked for Neighbor {
    const NONE: Self = Neighbor::NONE;

    #[inline(always)]
    fn better(&self, other: &Self) -> bool {
        self.cosine > other.cosine || (self.cosine == other.cosine && self.id < other.id)
    }

    #[inline(always)]
    fn is_none(&self) -> bool {
        self.id == u32::MAX
    }
}

/// A query's result list with room for `N` neighbours, nearest first.
pub type Neighbors<const N: usize> = heapless::Vec<Neighbor, N>;

/// What a query did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct QueryStats {
    /// Neighbours written (≤ k).
    pub found: usize,
    /// Distinct items whose distance was computed.
    pub examined: usize,
    /// Buckets probed.
    pub probes: usize,
}

/// The scratch of a query other than its probe queue.
#[doc(hidden)]
#[derive(Debug)]
pub struct Work<'w> {
    /// Projections of the query, table by table (`L·K`).
    pub(crate) proj: &'w mut [f32],
    /// Bit indices sorted by margin, table by table (`L·K`).
    pub(crate) order: &'w mut [u8],
    /// Which items were already scored (`capacity`).
    pub(crate) seen: &'w mut [bool],
    /// The query's `i8` codes (`d`, for an `i8` view index).
    pub(crate) codes: &'w mut [i8],
}

/// Where a query works: [`QueryBuf`] or [`QueryBufView`]. (Sealed.)
pub trait QueryScratch: sealed::Sealed {
    /// The probe queue.
    #[doc(hidden)]
    type Queue: ProbeQueue + ?Sized;
    /// The queue, emptied, and the rest.
    #[doc(hidden)]
    fn split(&mut self) -> (&mut Self::Queue, Work<'_>);
}

mod sealed {
    pub trait Sealed {}
}

/// Query scratch with sizes fixed at compile time: `CAP` items, `L` tables of
/// `K` bits, a multiprobe heap of `P` entries ([`crate::lsh::probe_heap_len`]
/// gives the `P` of the exact probe order; a smaller heap drops new probes
/// once full). An `i8` index keeps its query codes on the stack.
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
}

impl<const CAP: usize, const L: usize, const K: usize, const P: usize> Default
    for QueryBuf<CAP, L, K, P>
{
    fn default() -> Self {
        Self::new()
    }
}

impl<const CAP: usize, const L: usize, const K: usize, const P: usize> sealed::Sealed
    for QueryBuf<CAP, L, K, P>
{
}

impl<const CAP: usize, const L: usize, const K: usize, const P: usize> QueryScratch
    for QueryBuf<CAP, L, K, P>
{
    type Queue = BinaryHeapView<Probe, Min>;

    #[inline(always)]
    fn split(&mut self) -> (&mut Self::Queue, Work<'_>) {
        self.heap.clear();
        (
            self.heap.as_mut_view(),
            Work {
                proj: self.proj.as_flattened_mut(),
                order: self.order.as_flattened_mut(),
                seen: &mut self.seen,
                codes: &mut [],
            },
        )
    }
}

/// Query scratch in caller slices, sizes chosen at run time: projections
/// and bit order `L·K` each, `seen` one flag per slot (`capacity`), a probe
/// heap of any length ([`crate::lsh::probe_heap_len`] entries give the exact
/// probe order; a shorter one drops new probes once full), and `codes` of
/// length `d` for an `i8` index (any length, even 0, for `f32`).
#[derive(Debug)]
pub struct QueryBufView<'a> {
    proj: &'a mut [f32],
    order: &'a mut [u8],
    heap: Heap<'a>,
    seen: &'a mut [bool],
    codes: &'a mut [i8],
}

impl<'a> QueryBufView<'a> {
    /// Scratch over these slices (their lengths are checked by each query).
    pub fn new(
        proj: &'a mut [f32],
        order: &'a mut [u8],
        heap: &'a mut [Probe],
        seen: &'a mut [bool],
        codes: &'a mut [i8],
    ) -> Self {
        QueryBufView { proj, order, heap: Heap { data: heap, len: 0 }, seen, codes }
    }
}

impl sealed::Sealed for QueryBufView<'_> {}

impl<'a> QueryScratch for QueryBufView<'a> {
    type Queue = Heap<'a>;

    fn split(&mut self) -> (&mut Self::Queue, Work<'_>) {
        self.heap.len = 0;
        (
            &mut self.heap,
            Work { proj: self.proj, order: self.order, seen: self.seen, codes: self.codes },
        )
    }
}
