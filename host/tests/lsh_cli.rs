//! `plasticore run lsh.*`: results equal the NumPy golden files of
//! tests/data/lsh (gen_lsh.py), `lsh.index` reaches Recall@10 ≥ 0.9 on digits,
//! and bad shapes or dtypes exit with status 2 and one line on stderr.

use std::path::PathBuf;
use std::process::Command;

use plasticore_host::npy::{read_npy, write_npy, Array};

fn tmp(test: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plasticore-lsh-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn golden(name: &str) -> Array {
    read_npy(format!("{}/../tests/data/lsh/{name}.npy", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Runs `plasticore run kernel`; returns (exit code, stderr, output).
fn run(
    test: &str,
    kernel: &str,
    inputs: &[(&str, &Array)],
    params: &[&str],
) -> (i32, String, Option<Array>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plasticore"));
    cmd.arg("run").arg(kernel);
    for (k, a) in inputs {
        let p = tmp(test, &format!("{k}.npy"));
        write_npy(&p, a).unwrap();
        cmd.arg("--input").arg(format!("{k}={}", p.display()));
    }
    for p in params {
        cmd.arg("--param").arg(p);
    }
    let out = tmp(test, "out.npy");
    let _ = std::fs::remove_file(&out);
    cmd.arg("--output").arg(&out);
    let o = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    (o.status.code().unwrap_or(-1), stderr, read_npy(&out).ok())
}

#[track_caller]
fn bad(r: (i32, String, Option<Array>), needle: &str) {
    assert_eq!(r.0, 2, "stderr: {}", r.1);
    assert_eq!(r.1.trim_end().lines().count(), 1, "one line: {}", r.1);
    assert!(r.1.contains(needle), "'{needle}' not in: {}", r.1);
}

#[track_caller]
fn same(r: (i32, String, Option<Array>), want: &Array) {
    assert_eq!(r.0, 0, "stderr: {}", r.1);
    let got = r.2.unwrap();
    assert_eq!(got.shape, want.shape);
    assert_eq!(got.data, want.data);
}

#[test]
fn hash_kernels_match_numpy() {
    let t = "golden";
    same(
        run(t, "lsh.hyperplane", &[("x", &golden("hp_x")), ("planes", &golden("hp_planes"))], &[]),
        &golden("hp_codes"),
    );
    same(
        run(t, "lsh.angular", &[("x", &golden("ang_x")), ("rotations", &golden("ang_rot"))], &[]),
        &golden("ang_buckets"),
    );
    same(
        run(t, "lsh.crosspolytope", &[("x", &golden("cp_x")), ("signs", &golden("cp_signs"))], &[]),
        &golden("cp_buckets"),
    );
    same(
        run(t, "lsh.bitsample", &[("x", &golden("bs_x")), ("positions", &golden("bs_pos"))], &[]),
        &golden("bs_codes"),
    );
    same(
        run(t, "lsh.syndrome", &[("x", &golden("syn_x")), ("h", &golden("syn_h"))], &[]),
        &golden("syn_codes"),
    );
}

#[test]
fn index_recall_on_digits() {
    let x = golden("digits_x");
    let knn = golden("digits_knn10");
    let px = x.as_u8().unwrap();
    let (mut data, mut queries) = (Vec::new(), Vec::new());
    for (i, row) in px.chunks_exact(64).enumerate() {
        let dst = if i % 9 == 0 { &mut queries } else { &mut data };
        dst.extend(row.iter().map(|&v| v as f32));
    }
    let (n, q) = (data.len() / 64, queries.len() / 64);
    let data = Array::f32(vec![n, 64], data);
    let queries = Array::f32(vec![q, 64], queries);
    let r = run("index", "lsh.index", &[("data", &data), ("queries", &queries)], &[]);
    assert_eq!(r.0, 0, "stderr: {}", r.1);
    let ids = r.2.unwrap();
    assert_eq!(ids.shape, vec![q, 10]);
    let (ids, truth) = (ids.as_i32().unwrap(), knn.as_i32().unwrap());
    let hits: usize = ids
        .chunks_exact(10)
        .zip(truth.chunks_exact(10))
        .map(|(a, b)| a.iter().filter(|v| b.contains(v)).count())
        .sum();
    let recall = hits as f64 / (10 * q) as f64;
    assert!(recall >= 0.9, "recall {recall}");
    // Asking for more neighbours than there are points pads with -1.
    let small = Array::f32(vec![3, 2], vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
    let qs = Array::f32(vec![1, 2], vec![1.0, 0.1]);
    let r = run(
        "index-small",
        "lsh.index",
        &[("data", &small), ("queries", &qs)],
        &["k=5", "probes=1000", "center=false"],
    );
    assert_eq!(r.0, 0, "stderr: {}", r.1);
    assert_eq!(r.2.unwrap().as_i32().unwrap(), &[0, 2, 1, -1, -1]);
}

#[test]
fn bad_shapes_and_values_exit_2() {
    let t = "bad";
    let x = Array::f32(vec![2, 3], vec![1.0; 6]);
    let planes = Array::f32(vec![4, 8], vec![1.0; 32]);
    bad(run(t, "lsh.hyperplane", &[("x", &x), ("planes", &planes)], &[]), "planes");
    let x1 = Array::f32(vec![6], vec![1.0; 6]);
    bad(run(t, "lsh.hyperplane", &[("x", &x1), ("planes", &planes)], &[]), "x");
    let xu = Array::u8(vec![2, 3], vec![1; 6]);
    bad(run(t, "lsh.hyperplane", &[("x", &xu), ("planes", &planes)], &[]), "dtype");
    let nan = Array::f32(vec![1, 4], vec![1.0, f32::NAN, 0.0, 0.0]);
    bad(run(t, "lsh.hyperplane", &[("x", &nan), ("planes", &planes)], &[]), "non-finite");
    let rot = Array::f32(vec![3, 2], vec![1.0; 6]);
    bad(run(t, "lsh.angular", &[("x", &x), ("rotations", &rot)], &[]), "rotations");
    let signs = Array::f32(vec![2, 3], vec![1.0; 6]);
    bad(run(t, "lsh.crosspolytope", &[("x", &x), ("signs", &signs)], &[]), "power of two");
    let halves = Array::f32(vec![1, 4], vec![0.5; 4]);
    bad(run(t, "lsh.crosspolytope", &[("x", &x), ("signs", &halves)], &[]), "+1.0 or -1.0");
    let bytes = Array::u8(vec![2, 2], vec![0xff; 4]);
    let pos = Array::i32(vec![2], vec![3, 16]);
    bad(run(t, "lsh.bitsample", &[("x", &bytes), ("positions", &pos)], &[]), "positions");
    let neg = Array::i32(vec![1], vec![-1]);
    bad(run(t, "lsh.bitsample", &[("x", &bytes), ("positions", &neg)], &[]), "positions");
    let h = Array::u8(vec![2, 3], vec![1; 6]);
    bad(run(t, "lsh.syndrome", &[("x", &bytes), ("h", &h)], &[]), "bytes");
    let h33 = Array::u8(vec![33, 2], vec![1; 66]);
    bad(run(t, "lsh.syndrome", &[("x", &bytes), ("h", &h33)], &[]), "32 rows");
    let q = Array::f32(vec![1, 2], vec![1.0; 2]);
    bad(run(t, "lsh.index", &[("data", &x), ("queries", &q)], &[]), "queries");
    bad(run(t, "lsh.index", &[("data", &x), ("queries", &x)], &["bits=40"]), "bits");
    bad(run(t, "lsh.index", &[("data", &x), ("queries", &x)], &["k=0"]), "k");
    bad(run(t, "lsh.index", &[("data", &nan), ("queries", &nan)], &[]), "non-finite");
}
