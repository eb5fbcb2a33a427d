//! `plasticore run` on the numerics kernels: results, and bad input giving
//! exit status 2 with a one-line message.

use std::process::Command;

use plasticore_host::npy::{read_npy, write_npy, Array};

fn golden(name: &str) -> String {
    format!("{}/../tests/data/numerics/{name}.npy", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `plasticore run kernel` with the given inputs (written to a temporary
/// directory) and params; returns (exit code, stderr, output array if any).
fn run(kernel: &str, inputs: &[(&str, Array)], params: &[&str]) -> (i32, String, Option<Array>) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plasticore"));
    cmd.arg("run").arg(kernel);
    for (k, a) in inputs {
        let p = dir.path().join(format!("{k}.npy"));
        write_npy(&p, a).unwrap();
        cmd.arg("--input").arg(format!("{k}={}", p.display()));
    }
    run_cmd(cmd, params)
}

/// Adds params and a temporary `--output`, runs; returns (exit code, stderr, output if written).
fn run_cmd(mut cmd: Command, params: &[&str]) -> (i32, String, Option<Array>) {
    let dir = tempfile::tempdir().unwrap();
    for p in params {
        cmd.arg("--param").arg(p);
    }
    let out = dir.path().join("out.npy");
    cmd.arg("--output").arg(&out);
    let o = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    (o.status.code().unwrap_or(-1), stderr, read_npy(&out).ok())
}

fn f(shape: &[usize], v: &[f32]) -> Array {
    Array::f32(shape.to_vec(), v.to_vec())
}

#[track_caller]
fn bad(r: (i32, String, Option<Array>), needle: &str) {
    assert_eq!(r.0, 2, "stderr: {}", r.1);
    assert_eq!(r.1.trim_end().lines().count(), 1, "one line: {}", r.1);
    assert!(r.1.contains(needle), "'{needle}' not in: {}", r.1);
    assert!(r.2.is_none());
}

fn scalar(r: (i32, String, Option<Array>)) -> f32 {
    assert_eq!(r.0, 0, "stderr: {}", r.1);
    let a = r.2.unwrap();
    assert!(a.shape.is_empty());
    a.as_f32().unwrap()[0]
}

#[test]
fn stats_kl() {
    let p = f(&[2], &[0.9, 0.1]);
    let q = f(&[2], &[0.5, 0.5]);
    let v = scalar(run("stats.kl", &[("p", p.clone()), ("q", q.clone())], &[]));
    assert!((v - 0.368_064).abs() < 1e-5);
    let v = scalar(run("stats.kl", &[("p", q), ("q", f(&[2], &[1.0, 0.0]))], &[]));
    assert_eq!(v, f32::INFINITY);
    bad(run("stats.kl", &[("p", p.clone()), ("q", f(&[3], &[0.2; 3]))], &[]), "dimension n");
    bad(run("stats.kl", &[("p", f(&[2], &[1.1, -0.1])), ("q", p.clone())], &[]), "non-negative");
    bad(run("stats.kl", &[("p", f(&[0], &[])), ("q", f(&[0], &[]))], &[]), "empty");
    bad(
        run("stats.kl", &[("p", f(&[1, 2], &[0.5, 0.5])), ("q", p.clone())], &[]),
        "expected float32 [n]",
    );
    bad(run("stats.kl", &[("p", Array::i32(vec![2], vec![1, 0])), ("q", p)], &[]), "dtype");
}

#[test]
fn stats_moving_average() {
    let x = f(&[5], &[1.0, 2.0, 3.0, 4.0, 5.0]);
    let r = run("stats.moving_average", &[("x", x.clone())], &["window=2"]);
    assert_eq!(r.0, 0, "{}", r.1);
    let a = r.2.unwrap();
    assert_eq!(a.shape, vec![4]);
    assert_eq!(a.as_f32().unwrap(), &[1.5, 2.5, 3.5, 4.5]);
    bad(
        run("stats.moving_average", &[("x", x.clone())], &["window=6"]),
        "no longer than the series",
    );
    bad(run("stats.moving_average", &[("x", x.clone())], &["window=0"]), "window");
    bad(run("stats.moving_average", &[("x", x.clone())], &["window=-1"]), "window");
    bad(run("stats.moving_average", &[("x", x.clone())], &[]), "missing parameter 'window'");
    bad(run("stats.moving_average", &[("x", f(&[0], &[]))], &["window=1"]), "empty");
    bad(
        run("stats.moving_average", &[("x", f(&[2], &[1.0, f32::NAN]))], &["window=1"]),
        "non-finite",
    );
}

#[test]
fn stats_per_capita() {
    let cmd = {
        let mut c = Command::new(env!("CARGO_BIN_EXE_plasticore"));
        c.args(["run", "stats.per_capita", "--input"])
            .arg(format!("counts={}", golden("pc_counts")))
            .arg("--input")
            .arg(format!("population={}", golden("pc_population")));
        c
    };
    let (code, err, out) = run_cmd(cmd, &[]);
    assert_eq!(code, 0, "{err}");
    let out = out.unwrap();
    let want = read_npy(golden("pc_expected")).unwrap();
    assert_eq!(out.shape, vec![60, 4]);
    for (a, w) in out.as_f32().unwrap().iter().zip(want.as_f32().unwrap().chunks(2)) {
        let w = w[0] as f64 + w[1] as f64;
        assert!(
            a.is_nan() == w.is_nan()
                && (w.is_nan() || (*a as f64 - w).abs() <= 1e-6 * w.abs().max(1e-3))
        );
    }
    bad(
        run(
            "stats.per_capita",
            &[("counts", f(&[3, 1], &[1.0; 3])), ("population", f(&[1], &[10.0]))],
            &[],
        ),
        "window",
    );
    bad(
        run(
            "stats.per_capita",
            &[("counts", f(&[7, 1], &[1.0; 7])), ("population", f(&[1], &[0.0]))],
            &[],
        ),
        "population",
    );
}

#[test]
fn loss_supcon() {
    let feats = read_npy(golden("supcon_features")).unwrap();
    let labels = read_npy(golden("supcon_labels")).unwrap();
    let want = read_npy(golden("supcon_t050_loss")).unwrap();
    let want = want.as_f32().unwrap()[0] as f64 + want.as_f32().unwrap()[1] as f64;
    let v = scalar(run(
        "loss.supcon",
        &[("features", feats.clone()), ("labels", labels.clone())],
        &["temperature=0.5"],
    ));
    assert!((v as f64 - want).abs() < 1e-5 * want);
    let fe = f(&[3, 2], &[1.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
    bad(
        run(
            "loss.supcon",
            &[("features", fe.clone()), ("labels", Array::i32(vec![3], vec![0, 1, 2]))],
            &[],
        ),
        "same label",
    );
    bad(
        run(
            "loss.supcon",
            &[("features", fe.clone()), ("labels", Array::i32(vec![3], vec![0, 0, 1]))],
            &["temperature=0"],
        ),
        "temperature",
    );
    bad(
        run(
            "loss.supcon",
            &[("features", fe.clone()), ("labels", Array::i32(vec![2], vec![0, 0]))],
            &[],
        ),
        "dimension n",
    );
    bad(
        run("loss.supcon", &[("features", fe.clone()), ("labels", f(&[3], &[0.0; 3]))], &[]),
        "int32",
    );
    bad(
        run(
            "loss.supcon",
            &[("features", f(&[0, 2], &[])), ("labels", Array::i32(vec![0], vec![]))],
            &[],
        ),
        "empty",
    );
    bad(
        run(
            "loss.supcon",
            &[
                ("features", f(&[2, 2], &[0.0, 0.0, 1.0, 1.0])),
                ("labels", Array::i32(vec![2], vec![0, 0])),
            ],
            &[],
        ),
        "non-zero rows",
    );
}

#[test]
fn radioactive_mark_and_pvalue() {
    let feats = f(&[2, 3], &[3.0, 4.0, 0.0, 0.0, 0.0, 2.0]);
    let u = f(&[3], &[0.0, 0.0, 2.0]);
    let r =
        run("radioactive.mark", &[("features", feats.clone()), ("u", u.clone())], &["strength=5"]);
    assert_eq!(r.0, 0, "{}", r.1);
    let m = r.2.unwrap();
    assert_eq!(m.shape, vec![2, 3]);
    let m = m.as_f32().unwrap();
    assert!((m[2] - 5.0 / 2f32.sqrt()).abs() < 1e-5 && (m[5] - 2.0).abs() < 1e-6);
    bad(
        run(
            "radioactive.mark",
            &[("features", feats.clone()), ("u", f(&[2], &[1.0, 0.0]))],
            &["strength=1"],
        ),
        "dimension d",
    );
    bad(
        run("radioactive.mark", &[("features", feats.clone()), ("u", u.clone())], &["strength=-1"]),
        "strength",
    );
    bad(
        run(
            "radioactive.mark",
            &[("features", feats.clone()), ("u", f(&[3], &[0.0; 3]))],
            &["strength=1"],
        ),
        "non-zero carrier",
    );
    bad(
        run("radioactive.mark", &[("features", feats), ("u", u)], &[]),
        "missing parameter 'strength'",
    );
    // d = 3: p = (1 − c)/2; c = cos((1, 1, 0), (1, 0, 0)) = 1/√2.
    let p = scalar(run(
        "radioactive.pvalue",
        &[("w", f(&[3], &[1.0, 1.0, 0.0])), ("u", f(&[3], &[1.0, 0.0, 0.0]))],
        &[],
    ));
    assert!((p as f64 - (1.0 - 0.5f64.sqrt()) / 2.0).abs() < 1e-7);
    bad(
        run("radioactive.pvalue", &[("w", f(&[3], &[1.0; 3])), ("u", f(&[4], &[1.0; 4]))], &[]),
        "dimension d",
    );
    bad(
        run("radioactive.pvalue", &[("w", f(&[1], &[1.0])), ("u", f(&[1], &[1.0]))], &[]),
        "at least 2",
    );
    bad(
        run("radioactive.pvalue", &[("w", f(&[2], &[0.0, 0.0])), ("u", f(&[2], &[1.0, 0.0]))], &[]),
        "non-zero",
    );
    bad(run("radioactive.pvalue", &[("w", f(&[0], &[])), ("u", f(&[0], &[]))], &[]), "empty");
}

#[test]
fn tensor_reshape() {
    for (file, spec) in
        [("reshape_r3_x", "4,6"), ("reshape_r3_x_fortran", "4,6"), ("reshape_rneg_x", "2,-1,3")]
    {
        let case = if file.starts_with("reshape_r3") { "r3" } else { "rneg" };
        for o in ["C", "F"] {
            let mut c = Command::new(env!("CARGO_BIN_EXE_plasticore"));
            c.args(["run", "tensor.reshape", "--input"]).arg(format!("x={}", golden(file)));
            let (code, err, out) = run_cmd(c, &[&format!("shape={spec}"), &format!("order={o}")]);
            assert_eq!(code, 0, "{err}");
            let want = read_npy(golden(&format!("reshape_{case}_{o}"))).unwrap();
            assert_eq!(out.unwrap(), want, "{file} order {o}");
        }
    }
    let x = f(&[2, 3], &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    bad(run("tensor.reshape", &[("x", x.clone())], &["shape=4,2"]), "element count");
    bad(run("tensor.reshape", &[("x", x.clone())], &["shape=-1,-1"]), "at most one -1");
    bad(run("tensor.reshape", &[("x", x.clone())], &["shape=4,-1"]), "-1");
    bad(run("tensor.reshape", &[("x", x.clone())], &["shape=2,x"]), "not an integer");
    bad(
        run("tensor.reshape", &[("x", x.clone())], &["shape=1,1,1,1,1,1,2,3,1"]),
        "at most 8 dimensions",
    );
    bad(run("tensor.reshape", &[("x", x.clone())], &["shape=3,2", "order=K"]), "order");
    bad(run("tensor.reshape", &[("x", x)], &[]), "missing parameter 'shape'");
}
