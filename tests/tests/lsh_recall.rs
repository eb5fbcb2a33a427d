//! Recall@10 of `LshIndex` with its default parameters on scikit-learn's
//! digits (1797 × 64), against the exact cosine top-10 computed by NumPy
//! (tests/data/lsh/gen_lsh.py). Queries are the rows `i % 9 == 0` (200), the
//! index holds the other 1597 (recentred on their mean unit vector). Reports the fraction of indexed points whose
//! cosine was computed per query (goal ≤ 20%).
//!
//! `LSH_SWEEP=1 cargo test -p plasticore-tests --test lsh_recall -- --nocapture`
//! prints a table over tables/bits/probes (used for docs/lsh.md).

use plasticore::lsh::{
    index_planes, Entry, IndexBuffers, IndexParams, IndexStorage, LshIndexI8View, LshIndexInner,
    LshIndexView, Neighbor, Probe, QueryBufView, DEFAULT_BITS, DEFAULT_PROBES, DEFAULT_TABLES,
};
use plasticore_host::npy::read_npy;

fn load() -> (Vec<f32>, Vec<i32>) {
    let dir = format!("{}/data/lsh", env!("CARGO_MANIFEST_DIR"));
    let x = read_npy(format!("{dir}/digits_x.npy")).unwrap();
    assert_eq!(x.shape, vec![1797, 64]);
    let x: Vec<f32> = x.as_u8().unwrap().iter().map(|&v| v as f32).collect();
    let knn = read_npy(format!("{dir}/digits_knn10.npy")).unwrap();
    assert_eq!(knn.shape, vec![200, 10]);
    (x, knn.as_i32().unwrap().to_vec())
}

struct Outcome {
    recall: f64,
    examined: f64,
    min_recall: f64,
}

/// One run with seed 1 and f32 vectors.
fn run(x: &[f32], knn: &[i32], tables: usize, bits: usize, probes: usize, centre: bool) -> Outcome {
    run_store(x, knn, tables, bits, probes, centre, 1, false)
}

/// One run; `i8`: the index keeps its vectors as i8 codes and a scale and
/// re-ranks by the integer cosine.
#[allow(clippy::too_many_arguments)]
fn run_store(
    x: &[f32],
    knn: &[i32],
    tables: usize,
    bits: usize,
    probes: usize,
    centre: bool,
    seed: u64,
    i8: bool,
) -> Outcome {
    let d = 64;
    let rows: Vec<&[f32]> = x.chunks_exact(d).collect();
    let queries: Vec<&[f32]> =
        rows.iter().enumerate().filter(|(i, _)| i % 9 == 0).map(|(_, r)| *r).collect();
    let data: Vec<&[f32]> =
        rows.iter().enumerate().filter(|(i, _)| i % 9 != 0).map(|(_, r)| *r).collect();
    let n = data.len();
    let params = IndexParams { dim: d, tables, bits, capacity: n };
    let mut planes = vec![0.0; tables * d * bits];
    index_planes(seed, &mut planes);
    let mut center = vec![0.0f32; d];
    let mut vectors = vec![0.0; n * d];
    let mut codes = vec![0i8; n * d];
    let mut scales = vec![0.0f32; n];
    let mut live = vec![false; n];
    let mut entries = vec![Entry::default(); tables * n];
    if i8 {
        let buffers = IndexBuffers {
            planes: &planes,
            center: &mut center,
            rows: &mut codes,
            scales: &mut scales,
            live: &mut live,
            entries: &mut entries,
        };
        let idx = LshIndexI8View::new(params, buffers).unwrap();
        measure(idx, &data, &queries, knn, probes, centre)
    } else {
        let buffers = IndexBuffers {
            planes: &planes,
            center: &mut center,
            rows: &mut vectors,
            scales: &mut [],
            live: &mut live,
            entries: &mut entries,
        };
        let idx = LshIndexView::new(params, buffers).unwrap();
        measure(idx, &data, &queries, knn, probes, centre)
    }
}

/// Fills `idx` with `data`, then Recall@10 of `queries` against `knn`.
fn measure<S: IndexStorage<Vector = [f32]>>(
    mut idx: LshIndexInner<S>,
    data: &[&[f32]],
    queries: &[&[f32]],
    knn: &[i32],
    probes: usize,
    centre: bool,
) -> Outcome {
    let (tables, bits, n) = (idx.tables(), idx.bits(), idx.capacity());
    for (i, r) in data.iter().enumerate() {
        assert_eq!(idx.insert(r).unwrap(), i as u32);
    }
    if centre {
        idx.recenter().unwrap();
    }
    let (mut proj, mut order) = (vec![0.0; tables * bits], vec![0u8; tables * bits]);
    let mut heap = vec![Probe::default(); tables + 2 * probes];
    let mut seen = vec![false; n];
    let mut qcodes = [0i8; 64];
    let mut sc = QueryBufView::new(&mut proj, &mut order, &mut heap, &mut seen, &mut qcodes);
    let (mut hits, mut examined, mut min_recall) = (0usize, 0usize, 1.0f64);
    for (qi, q) in queries.iter().enumerate() {
        let mut out = [Neighbor::NONE; 10];
        let st = idx.query(q, probes, &mut sc, &mut out).unwrap();
        let truth = &knn[qi * 10..(qi + 1) * 10];
        let h = out.iter().filter(|o| truth.contains(&(o.id as i32))).count();
        hits += h;
        min_recall = min_recall.min(h as f64 / 10.0);
        examined += st.examined;
    }
    let nq = queries.len() as f64;
    Outcome {
        recall: hits as f64 / (10.0 * nq),
        examined: examined as f64 / nq / n as f64,
        min_recall,
    }
}

#[test]
fn digits_recall_at_10_with_defaults() {
    let (x, knn) = load();
    if std::env::var("LSH_SEEDS").is_ok() {
        for (l, k, p) in [(16, 10, 64), (8, 10, 64), (16, 12, 128), (24, 12, 192)] {
            let r: Vec<String> = (1..=8)
                .map(|s| {
                    let o = run_store(&x, &knn, l, k, p, true, s, false);
                    format!("{:.3}/{:.1}%", o.recall, 100.0 * o.examined)
                })
                .collect();
            println!("L={l} K={k} P={p}: {}", r.join(" "));
        }
    }
    if std::env::var("LSH_SWEEP").is_ok() {
        println!("| centre | L | K | probes | recall@10 | examined |");
        println!("|---|---|---|---|---|---|");
        for centre in [true, false] {
            for (l, k) in [(8, 8), (8, 10), (8, 12), (16, 10), (16, 12), (24, 12)] {
                for probes in [l, 2 * l, 4 * l, 8 * l, 16 * l] {
                    let o = run(&x, &knn, l, k, probes, centre);
                    println!(
                        "| {centre} | {l} | {k} | {probes} | {:.3} | {:.1}% |",
                        o.recall,
                        100.0 * o.examined
                    );
                }
            }
        }
    }
    for centre in [true, false] {
        let o = run(&x, &knn, DEFAULT_TABLES, DEFAULT_BITS, DEFAULT_PROBES, centre);
        println!(
            "digits, L={DEFAULT_TABLES} K={DEFAULT_BITS} probes={DEFAULT_PROBES} centre={centre}: recall@10 {:.3}, examined {:.1}%, worst query recall {:.1}",
            o.recall,
            100.0 * o.examined,
            o.min_recall
        );
        if centre {
            assert!(o.recall >= 0.90, "recall {}", o.recall);
            assert!(o.examined <= 0.20, "examined {}", o.examined);
        }
    }
}

/// The quantised index (i8 codes + a scale per item, integer-cosine re-ranking)
/// keeps Recall@10 within 0.02 of the f32 index at the same settings and seed.
#[test]
fn i8_index_recall_within_0_02_of_f32() {
    let (x, knn) = load();
    for seed in 1..=4 {
        let f =
            run_store(&x, &knn, DEFAULT_TABLES, DEFAULT_BITS, DEFAULT_PROBES, true, seed, false);
        let q = run_store(&x, &knn, DEFAULT_TABLES, DEFAULT_BITS, DEFAULT_PROBES, true, seed, true);
        println!(
            "seed {seed}: recall@10 f32 {:.3} ({:.1}% examined), i8 {:.3} ({:.1}% examined)",
            f.recall,
            100.0 * f.examined,
            q.recall,
            100.0 * q.examined
        );
        assert!(q.recall >= f.recall - 0.02, "seed {seed}: i8 {} vs f32 {}", q.recall, f.recall);
    }
}
