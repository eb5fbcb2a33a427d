//! `plasticore evolve`, `simulate` and `run hebbian.update` end to end.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use plasticore_host::npy::{read_npy, write_npy, Array};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/hebbian")
        .join(rel)
}

fn plasticore() -> Command {
    Command::cargo_bin("plasticore").unwrap()
}

fn one_line_exit_2(c: &mut Command) -> String {
    let a = c.assert().code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn evolve_defaults_then_simulate_json() {
    let dir = tempfile::tempdir().unwrap();
    let blob = dir.path().join("cp.blob");
    plasticore()
        .args(["evolve", "cartpole", "--quiet", "--out"])
        .arg(&blob)
        .assert()
        .success();
    for ext in ["rs", "svg", "ckpt.json"] {
        assert!(blob.with_extension(ext).exists(), "{ext}");
    }
    let out = plasticore()
        .args([
            "simulate",
            "cartpole",
            "--episodes",
            "100",
            "--seed",
            "7",
            "--json",
            "--coeffs",
        ])
        .arg(&blob)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["episodes"], 100);
    assert!(v["mean_return"].as_f64().unwrap() >= 475.0, "{v}");
    assert!(v["min_return"].as_u64().unwrap() <= 500);
}

#[test]
fn simulate_rejects_corrupt_and_truncated_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(data("cartpole_abcd_lr.blob")).unwrap();
    let trunc = dir.path().join("t.blob");
    std::fs::write(&trunc, &good[..good.len() - 3]).unwrap();
    let err = one_line_exit_2(
        plasticore()
            .args(["simulate", "cartpole", "--coeffs"])
            .arg(&trunc),
    );
    assert!(err.contains("corrupt parameter blob: truncated"), "{err}");
    let mut bad = good.clone();
    bad[100] ^= 4;
    let flip = dir.path().join("f.blob");
    std::fs::write(&flip, &bad).unwrap();
    let err = one_line_exit_2(
        plasticore()
            .args(["simulate", "cartpole", "--coeffs"])
            .arg(&flip),
    );
    assert!(err.contains("checksum mismatch"), "{err}");
}

fn case0(name: &str, keep: usize) -> Array {
    let a = read_npy(data(&format!("{name}.npy"))).unwrap();
    let n: usize = a.shape[1..].iter().product();
    let v = a.as_f32().unwrap()[..n].to_vec();
    let mut shape = a.shape[1..].to_vec();
    if keep < usize::MAX {
        // keep only the first `keep` components of the last axis
        let last = *shape.last().unwrap();
        let v2: Vec<f32> = v
            .chunks(last)
            .flat_map(|c| c[..keep].iter().copied())
            .collect();
        *shape.last_mut().unwrap() = keep;
        return Array::f32(shape, v2);
    }
    Array::f32(shape, v)
}

#[test]
fn run_hebbian_update_matches_numpy_golden_and_rejects_bad_k() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(format!("{n}.npy"));
    write_npy(p("w"), &case0("w", usize::MAX)).unwrap();
    write_npy(p("pre"), &case0("pre", usize::MAX)).unwrap();
    write_npy(p("post"), &case0("post", usize::MAX)).unwrap();
    write_npy(p("c5"), &case0("coeffs_synapse", 5)).unwrap();
    write_npy(p("c4"), &case0("coeffs_synapse", 4)).unwrap();
    let inputs = |c: &mut Command, coeffs: &str| {
        c.args(["run", "hebbian.update"]);
        for (k, f) in [
            ("w", "w"),
            ("pre", "pre"),
            ("post", "post"),
            ("coeffs", coeffs),
        ] {
            c.arg("--input").arg(format!("{k}={}", p(f).display()));
        }
    };
    let out = dir.path().join("out.npy");
    let mut c = plasticore();
    inputs(&mut c, "c5");
    c.args([
        "--param",
        "rule=ABCD_lr",
        "--param",
        "norm=maxabs",
        "--output",
    ])
    .arg(&out)
    .assert()
    .success();
    let got = read_npy(&out).unwrap();
    // expected[rule 6 = ABCD_lr, sharing 0 = synapse, norm 1 = maxabs, case 0]
    let exp = read_npy(data("expected.npy")).unwrap();
    let nw = 5 * 7;
    let base = ((6 * 3) * 3 + 1) * 6 * nw;
    let want = &exp.as_f32().unwrap()[base..base + nw];
    assert_eq!(got.shape, vec![5, 7]);
    for (g, w) in got.as_f32().unwrap().iter().zip(want) {
        assert!((g - w).abs() < 4e-6, "{g} vs {w}");
    }
    let mut c = plasticore();
    inputs(&mut c, "c4");
    c.args(["--param", "rule=ABCD_lr", "--output"])
        .arg(dir.path().join("o2.npy"));
    let err = one_line_exit_2(&mut c);
    assert!(err.contains("needs k = 5"), "{err}");
}
