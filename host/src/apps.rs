//! The host's side of the application binaries (`firmware/src/bin/*`): the
//! same computation with the same core code, for the bit-for-bit comparison.

use anyhow::{anyhow, ensure, Result};
use plasticore::blob::Blob;
use plasticore::checksum::{fnv1a_f32, FNV_OFFSET};
use plasticore::lsh::knn::vote;
use plasticore::lsh::{LshIndexI8, Neighbors, QueryBuf};

/// `lsh-knn`'s settings (the firmware's `main.rs` has the same constants).
pub mod knn {
    /// Planes seed.
    pub const SEED: u64 = 1;
    /// Dimensions (8×8 pixels).
    pub const D: usize = 64;
    /// The first `TRAIN` rows are inserted, the rest are queried.
    pub const TRAIN: usize = 1437;
    /// Index capacity.
    pub const CAP: usize = 1440;
    /// Tables.
    pub const L: usize = 8;
    /// Bits per table.
    pub const K: usize = 10;
    /// Buckets probed per query.
    pub const PROBES: usize = 32;
    /// Probe heap entries for the exact probe order.
    pub const HEAP: usize = plasticore::lsh::probe_heap_len(L, PROBES);
    /// Neighbours that vote.
    pub const TOP: usize = 5;
}

/// What `lsh-knn` computes.
#[derive(Debug, Clone, PartialEq)]
pub struct KnnRun {
    /// Rows inserted.
    pub train: usize,
    /// Rows queried.
    pub test: usize,
    /// Queries whose vote equals the label.
    pub correct: usize,
    /// The predicted label of every query row.
    pub predictions: Vec<u8>,
    /// FNV-1a of the predictions as f32 values ([`fnv1a_f32`]).
    pub predictions_fnv: u32,
}

/// Runs `lsh-knn`'s classification on a dataset blob's bytes: insert the
/// first [`knn::TRAIN`] rows into an `LshIndexI8`, re-centre, then classify
/// every other row by the vote of its [`knn::TOP`] nearest neighbours.
pub fn lsh_knn(bytes: &[u8]) -> Result<KnnRun> {
    use knn::*;
    let blob = Blob::parse(bytes).map_err(|e| anyhow!("{e}"))?;
    let (rows, features) = blob.dataset().map_err(|e| anyhow!("{e}"))?;
    ensure!(features == D && rows > TRAIN && TRAIN <= CAP, "expected [>{TRAIN}, {D}] rows");
    let row =
        |i: usize| -> [f32; D] { core::array::from_fn(|j| blob.get(i * D + j).unwrap_or(0.0)) };
    let label = |i: usize| blob.get(rows * D + i).unwrap_or(-1.0) as u8;
    let mut index: Box<LshIndexI8<D, CAP, L, K>> = Box::new(LshIndexI8::zeroed());
    index.reset(SEED);
    let mut labels = vec![u8::MAX; CAP];
    let train: Vec<[f32; D]> = (0..TRAIN).map(row).collect();
    let mut ids = vec![0u32; TRAIN];
    index.insert_all(&train, &mut ids).map_err(|e| anyhow!("insert: {e}"))?;
    for (i, &id) in ids.iter().enumerate() {
        labels[id as usize] = label(i);
    }
    index.recenter().map_err(|e| anyhow!("recenter: {e}"))?;
    let mut scratch: Box<QueryBuf<CAP, L, K, HEAP>> = Box::new(QueryBuf::new());
    let mut out = Neighbors::<TOP>::new();
    let (mut correct, mut predictions, mut fnv) = (0, vec![], FNV_OFFSET);
    for i in TRAIN..rows {
        index
            .query(&row(i), PROBES, &mut *scratch, &mut out)
            .map_err(|e| anyhow!("query {i}: {e}"))?;
        let p = vote(&out, |id| labels.get(id as usize).copied().filter(|&l| l != u8::MAX))
            .unwrap_or(u8::MAX);
        correct += usize::from(p == label(i));
        fnv = fnv1a_f32(fnv, &[f32::from(p)]);
        predictions.push(p);
    }
    Ok(KnnRun { train: TRAIN, test: rows - TRAIN, correct, predictions, predictions_fnv: fnv })
}
