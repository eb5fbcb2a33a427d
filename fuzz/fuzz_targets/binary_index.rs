//! `BinaryIndexView` driven by an arbitrary sequence of insert / remove /
//! query / remove-all, against a brute-force model: ids are the lowest
//! free slot, a full index refuses, unknown ids are refused, and a query that
//! probes every bucket returns exactly the brute-force Hamming top-k (ties by
//! lower id).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use plasticore::lsh::{
    binary_index_positions, BinaryBuffers, BinaryIndexView, BinaryParams, Entry, HammingNeighbor,
};

const BYTES: usize = 2;
const CAP: usize = 8;
const L: usize = 2;
const K: usize = 2; // the probe sequence reaches radius 2: every bucket of 2 bits
const ALL: usize = L << K;

#[derive(Arbitrary, Debug)]
enum Op {
    Insert([u8; BYTES]),
    Remove(u8),
    Query([u8; BYTES], u8),
    RemoveAll,
}

fn hamming(a: &[u8; BYTES], b: &[u8; BYTES]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum()
}

fuzz_target!(|ops: Vec<Op>| {
    let mut positions = [0u32; L * K];
    binary_index_positions(3, 8 * BYTES as u32, K, &mut positions).expect("positions");
    let mut data = [0u8; CAP * BYTES];
    let mut live = [false; CAP];
    let mut entries = [Entry::ZERO; L * CAP];
    let params = BinaryParams { bytes: BYTES, tables: L, bits: K, capacity: CAP };
    let buffers = BinaryBuffers {
        positions: &positions,
        data: &mut data,
        live: &mut live,
        entries: &mut entries,
    };
    let mut idx = BinaryIndexView::new(params, buffers).expect("valid sizes");
    let mut model: [Option<[u8; BYTES]>; CAP] = [None; CAP];
    for op in ops.iter().take(64) {
        match op {
            Op::Insert(x) => match model.iter().position(Option::is_none) {
                Some(slot) => {
                    assert_eq!(idx.insert(x), Ok(slot as u32), "lowest free slot");
                    model[slot] = Some(*x);
                }
                None => assert!(idx.insert(x).is_err(), "a full index refuses"),
            },
            Op::Remove(id) => {
                let id = (*id % (CAP as u8 + 2)) as usize;
                let known = model.get(id).is_some_and(Option::is_some);
                assert_eq!(idx.remove(id as u32).is_ok(), known);
                if known {
                    model[id] = None;
                }
            }
            Op::Query(q, k) => {
                let k = (*k as usize % CAP) + 1;
                let mut seen = [false; CAP];
                let mut out = [HammingNeighbor { id: 0, distance: 0 }; CAP];
                let found = idx.query(q, ALL, &mut seen, &mut out[..k]).expect("valid query").found;
                let mut want: Vec<(u32, u32)> = model
                    .iter()
                    .enumerate()
                    .filter_map(|(i, x)| x.map(|x| (hamming(q, &x), i as u32)))
                    .collect();
                want.sort();
                assert_eq!(found, want.len().min(k));
                let got: Vec<(u32, u32)> =
                    out[..found].iter().map(|n| (n.distance, n.id)).collect();
                assert_eq!(got, want[..found], "top-k by Hamming, ties by id");
            }
            Op::RemoveAll => {
                for (id, m) in model.iter_mut().enumerate() {
                    if m.take().is_some() {
                        idx.remove(id as u32).expect("live id");
                    }
                }
                assert!(idx.is_empty());
            }
        }
        assert_eq!(idx.len(), model.iter().flatten().count());
        idx.check_invariants().expect("invariants");
    }
});
