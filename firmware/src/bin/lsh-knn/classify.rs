//! Fills the index with the training digits and classifies the others by
//! the vote of their nearest neighbours, timing both.

use plasticore::blob::Blob;
use plasticore::checksum::{fnv1a_f32, FNV_OFFSET};
use plasticore::lsh::knn::vote;
use plasticore::lsh::{probe_heap_len, LshIndexI8, Neighbors, PlaneSource, QueryBuf};
use plasticore_firmware::{meter::units, Board, Target};

/// Dimensions.
const D: usize = 64;
/// The first `TRAIN` rows are inserted, the rest classified.
pub const TRAIN: usize = 1437;
/// Index capacity.
const CAP: usize = 1440;
/// Tables and bits per table.
const L: usize = 8;
const K: usize = 10;
/// Buckets probed per query, and the probe heap for that order.
const PROBES: usize = 32;
const HEAP: usize = probe_heap_len(L, PROBES);
/// Neighbours that vote.
const TOP: usize = 5;

/// The planes of `planes.rs` (seed 1: what `LshIndex::new(1)` draws), in flash.
pub struct Planes;

impl PlaneSource<D, L, K> for Planes {
    fn planes(&self) -> Option<&[[[f32; K]; D]; L]> {
        Some(&crate::planes::PLANES)
    }
}

/// The index, its labels and the query scratch.
pub struct Knn {
    index: LshIndexI8<D, CAP, L, K, Planes>,
    labels: [u8; CAP],
    scratch: QueryBuf<CAP, L, K, HEAP>,
}

impl Knn {
    /// Empty: every byte zero.
    pub const EMPTY: Knn =
        Knn { index: LshIndexI8::with_planes(Planes), labels: [0; CAP], scratch: QueryBuf::new() };
}

/// Counts of one run.
pub struct Tally {
    pub test: u32,
    pub correct: u32,
    pub fnv: u32,
    pub insert_units: u64,
    pub query_units: u64,
}

/// Inserts the first [`TRAIN`] digits, re-centres, classifies the rest.
pub fn classify(board: &mut Target, knn: &mut Knn, blob: &Blob<'_>) -> Option<Tally> {
    let (rows, features) = blob.dataset().ok()?;
    if features != D || rows <= TRAIN {
        return None;
    }
    let row =
        |i: usize| -> [f32; D] { core::array::from_fn(|j| blob.get(i * D + j).unwrap_or(0.0)) };
    let label = |i: usize| blob.get(rows * D + i).unwrap_or(-1.0) as u8;
    knn.index.clear();
    let t0 = board.ticks();
    for i in 0..TRAIN {
        let id = knn.index.insert(&row(i)).ok()?;
        // Stored as label + 1: 0 (the zeroed static) is "no item".
        *knn.labels.get_mut(id as usize)? = label(i).wrapping_add(1);
    }
    knn.index.recenter().ok()?;
    let insert_ticks = board.ticks() - t0;
    let mut out = Neighbors::<TOP>::new();
    let (mut test, mut correct, mut fnv, mut query_ticks) = (0u32, 0u32, FNV_OFFSET, 0);
    for i in TRAIN..rows {
        let q = row(i);
        let t0 = board.ticks();
        knn.index.query(&q, PROBES, &mut knn.scratch, &mut out).ok()?;
        query_ticks += board.ticks() - t0;
        let labels = &knn.labels;
        let p = vote(&out, |id| labels.get(id as usize).and_then(|&l| l.checked_sub(1)))
            .unwrap_or(u8::MAX);
        correct += u32::from(p == label(i));
        test += 1;
        fnv = fnv1a_f32(fnv, &[f32::from(p)]);
    }
    Some(Tally {
        test,
        correct,
        fnv,
        insert_units: units::<Target>(insert_ticks) / TRAIN as u64,
        query_units: units::<Target>(query_ticks) / u64::from(test.max(1)),
    })
}
