//! `LshIndexView` driven by an arbitrary sequence of insert / remove / query /
//! clear / recenter, checked against a brute-force model after every step:
//! ids are the lowest free slot, a full index refuses an insert and stays
//! unchanged, unknown ids are refused, the internal invariants hold, and a
//! query that probes every bucket returns exactly the brute-force top-k by
//! cosine (ties by id). A zero vector is refused (it has no direction).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use plasticore::lsh::{
    index_planes, Entry, IndexBuffers, IndexParams, LshIndexView, Neighbor, Probe, QueryBufView,
};

const D: usize = 4;
const CAP: usize = 8;
const L: usize = 2;
const K: usize = 3;
/// Every bucket of every table: L · 2^K.
const ALL: usize = L << K;

#[derive(Arbitrary, Debug)]
enum Op {
    Insert([i8; D]),
    Remove(u8),
    Query([i8; D], u8),
    Clear,
    Recenter,
}

fn vector(v: &[i8; D]) -> [f32; D] {
    v.map(|x| x as f32 / 16.0)
}

/// Cosine in f64, and the f32 the index computes from unit vectors.
fn cosine(a: &[f32; D], b: &[f32; D]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let mut planes = [0.0f32; L * D * K];
    index_planes(7, &mut planes);
    let mut center = [0.0f32; D];
    let mut vectors = [0.0f32; CAP * D];
    let mut live = [false; CAP];
    let mut entries = [Entry::ZERO; L * CAP];
    let params = IndexParams { dim: D, tables: L, bits: K, capacity: CAP };
    let buffers = IndexBuffers {
        planes: &planes,
        center: &mut center,
        rows: &mut vectors,
        scales: &mut [],
        live: &mut live,
        entries: &mut entries,
    };
    let mut idx = LshIndexView::new(params, buffers).expect("valid sizes");
    let mut model: [Option<[f32; D]>; CAP] = [None; CAP];
    let (mut proj, mut order) = ([0.0f32; L * K], [0u8; L * K]);
    let (mut heap, mut seen) = ([Probe::default(); 2 * ALL], [false; CAP]);
    for op in ops.iter().take(64) {
        match op {
            Op::Insert(v) => {
                let x = vector(v);
                if x.iter().all(|&v| v == 0.0) {
                    assert!(idx.insert(&x).is_err(), "a zero vector is refused");
                    continue;
                }
                match model.iter().position(Option::is_none) {
                    Some(slot) => {
                        assert_eq!(idx.insert(&x), Ok(slot as u32), "lowest free slot");
                        model[slot] = Some(x);
                    }
                    None => assert!(idx.insert(&x).is_err(), "a full index refuses"),
                }
            }
            Op::Remove(id) => {
                let id = (*id % (CAP as u8 + 2)) as usize;
                let known = model.get(id).is_some_and(Option::is_some);
                assert_eq!(idx.remove(id as u32).is_ok(), known);
                if known {
                    model[id] = None;
                }
            }
            Op::Query(v, k) => {
                let q = vector(v);
                let k = (*k as usize % CAP) + 1;
                if q.iter().all(|&v| v == 0.0) {
                    continue;
                }
                let mut out = [Neighbor { id: 0, cosine: 0.0 }; CAP];
                let mut scratch =
                    QueryBufView::new(&mut proj, &mut order, &mut heap, &mut seen, &mut []);
                let stats = idx.query(&q, ALL, &mut scratch, &mut out[..k]).expect("valid query");
                let mut want: Vec<(f64, u32)> = model
                    .iter()
                    .enumerate()
                    .filter_map(|(i, x)| x.map(|x| (cosine(&q, &x), i as u32)))
                    .collect();
                want.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                let found = stats.found;
                assert_eq!(found, want.len().min(k), "every bucket probed finds every item");
                for (got, w) in out[..found].iter().zip(&want) {
                    // Same cosine to f32 rounding; ids equal unless two cosines tie that closely.
                    assert!((got.cosine as f64 - w.0).abs() < 1e-5, "{got:?} vs {w:?}");
                    let tie = want.iter().filter(|o| (o.0 - w.0).abs() < 1e-5).count() > 1;
                    assert!(tie || got.id == w.1, "{got:?} vs {w:?}");
                }
            }
            Op::Clear => {
                idx.clear();
                model = [None; CAP];
            }
            Op::Recenter => idx.recenter().expect("planes drawn"),
        }
        assert_eq!(idx.len(), model.iter().flatten().count());
        idx.check_invariants().expect("invariants");
    }
});
