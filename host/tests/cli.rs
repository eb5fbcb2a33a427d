//! `plasticore run` end to end: NumPy goldens in C and Fortran order, and
//! malformed input, which must exit 2 with one line naming the problem.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use plasticore_host::npy::{read_npy, to_npy_bytes, write_npy, Array};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data").join(rel)
}

fn plasticore() -> Command {
    Command::cargo_bin("plasticore").unwrap()
}

/// Runs a kernel and returns the output array.
fn run(kernel: &str, inputs: &[(&str, PathBuf)], params: &[&str]) -> Array {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.npy");
    let mut c = plasticore();
    c.arg("run").arg(kernel);
    for (k, p) in inputs {
        c.arg("--input").arg(format!("{k}={}", p.display()));
    }
    for p in params {
        c.arg("--param").arg(p);
    }
    c.arg("--output").arg(&out).assert().success();
    read_npy(&out).unwrap()
}

/// Runs a kernel that must fail with exit 2; returns stderr.
fn run_fails(kernel: &str, inputs: &[(&str, PathBuf)], params: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut c = plasticore();
    c.arg("run").arg(kernel);
    for (k, p) in inputs {
        c.arg("--input").arg(format!("{k}={}", p.display()));
    }
    for p in params {
        c.arg("--param").arg(p);
    }
    let a = c.arg("--output").arg(dir.path().join("out.npy")).assert().code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(!dir.path().join("out.npy").exists(), "no output on error");
    err
}

fn close(got: &Array, want: &Array, rtol: f32) {
    assert_eq!(got.shape, want.shape);
    for (g, w) in got.as_f32().unwrap().iter().zip(want.as_f32().unwrap()) {
        assert!((g - w).abs() <= rtol * w.abs().max(1.0), "{g} vs {w}");
    }
}

fn temp_npy(dir: &Path, name: &str, a: &Array) -> PathBuf {
    let p = dir.join(name);
    write_npy(&p, a).unwrap();
    p
}

#[test]
fn dot_matches_numpy() {
    let got =
        run("linalg.dot", &[("a", data("linalg/dot_a.npy")), ("b", data("linalg/dot_b.npy"))], &[]);
    assert!(got.shape.is_empty());
    close(&got, &read_npy(data("linalg/dot_out.npy")).unwrap(), 1e-5);
}

#[test]
fn matvec_matches_numpy_in_c_and_fortran_order() {
    let want = read_npy(data("linalg/matvec_out.npy")).unwrap();
    for m in ["linalg/matvec_m.npy", "linalg/matvec_m_fortran.npy"] {
        let got = run("linalg.matvec", &[("m", data(m)), ("x", data("linalg/matvec_x.npy"))], &[]);
        close(&got, &want, 1e-5);
    }
}

#[test]
fn matmul_matches_numpy_in_c_and_fortran_order() {
    let want = read_npy(data("linalg/matmul_out.npy")).unwrap();
    for (a, b) in [
        ("linalg/matmul_a.npy", "linalg/matmul_b.npy"),
        ("linalg/matmul_a_fortran.npy", "linalg/matmul_b_fortran.npy"),
        ("linalg/matmul_a.npy", "linalg/matmul_b_fortran.npy"),
    ] {
        let got = run("linalg.matmul", &[("a", data(a)), ("b", data(b))], &[]);
        close(&got, &want, 1e-5);
    }
}

#[test]
fn softmax_matches_numpy() {
    let got = run("nn.softmax", &[("x", data("linalg/softmax_x.npy"))], &[]);
    close(&got, &read_npy(data("linalg/softmax_out.npy")).unwrap(), 1e-5);
}

#[test]
fn list_names_every_kernel_with_inputs() {
    let a = plasticore().args(["run", "--list"]).assert().success();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    for k in ["linalg.dot", "linalg.matvec", "linalg.matmul", "nn.softmax"] {
        assert!(out.contains(k), "{k} missing from --list");
    }
    assert!(out.contains("input  m          float32 [r,c]"));
}

#[test]
fn malformed_inputs_exit_2_with_a_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let x3 = temp_npy(d, "x3.npy", &Array::f32(vec![3], vec![1.0; 3]));
    let x4 = temp_npy(d, "x4.npy", &Array::f32(vec![4], vec![1.0; 4]));
    let m23 = temp_npy(d, "m23.npy", &Array::f32(vec![2, 3], vec![1.0; 6]));
    let xi = temp_npy(d, "xi.npy", &Array::i32(vec![3], vec![1; 3]));
    let empty = temp_npy(d, "empty.npy", &Array::f32(vec![0], vec![]));
    let nan = temp_npy(d, "nan.npy", &Array::f32(vec![2, 2], vec![0.0, f32::NAN, 1.0, 2.0]));
    let mut bytes = to_npy_bytes(&Array::f32(vec![8], vec![1.0; 8])).unwrap();
    bytes.truncate(bytes.len() - 5);
    let truncated = d.join("truncated.npy");
    std::fs::write(&truncated, &bytes).unwrap();
    let garbage = d.join("garbage.npy");
    std::fs::write(&garbage, b"this is not numpy").unwrap();

    let e = run_fails("linalg.dot", &[("a", x3.clone()), ("b", x4.clone())], &[]);
    assert!(e.contains("input 'b'") && e.contains("n = 4") && e.contains("n = 3"), "{e}");
    let e = run_fails("linalg.dot", &[("a", x3.clone()), ("b", xi)], &[]);
    assert!(e.contains("input 'b'") && e.contains("float32") && e.contains("int32"), "{e}");
    let e = run_fails("linalg.dot", &[("a", x3.clone())], &[]);
    assert!(e.contains("missing input 'b'"), "{e}");
    let e = run_fails("linalg.matvec", &[("m", x3.clone()), ("x", x3.clone())], &[]);
    assert!(e.contains("input 'm'") && e.contains("[r,c]") && e.contains("(3,)"), "{e}");
    let e = run_fails("linalg.matvec", &[("m", m23.clone()), ("x", x4)], &[]);
    assert!(e.contains("input 'x'") && e.contains("c = 4"), "{e}");
    let e = run_fails("linalg.matmul", &[("a", m23.clone()), ("b", m23.clone())], &[]);
    assert!(e.contains("input 'b'") && e.contains("k = 2"), "{e}");
    let e = run_fails("linalg.dot", &[("a", x3.clone()), ("b", x3.clone())], &["scale=2"]);
    assert!(e.contains("unknown parameter 'scale'"), "{e}");
    let e = run_fails("linalg.dot", &[("a", x3.clone()), ("c", x3.clone())], &[]);
    assert!(e.contains("unknown input 'c'"), "{e}");
    let e = run_fails("linalg.dot", &[("a", x3.clone()), ("b", d.join("missing.npy"))], &[]);
    assert!(e.contains("input 'b'") && e.contains("cannot read"), "{e}");
    let e = run_fails("linalg.dot", &[("a", x3.clone()), ("b", truncated)], &[]);
    assert!(e.contains("truncated"), "{e}");
    let e = run_fails("linalg.dot", &[("a", x3.clone()), ("b", garbage)], &[]);
    assert!(e.contains("not a .npy file"), "{e}");
    let e = run_fails("nn.softmax", &[("x", empty)], &[]);
    assert!(e.contains("nn.softmax") && e.contains("empty"), "{e}");
    let e = run_fails("nn.softmax", &[("x", nan)], &[]);
    assert!(e.contains("non-finite") && e.contains("index 1"), "{e}");
    let e = run_fails("no.such", &[], &[]);
    assert!(e.contains("unknown kernel 'no.such'"), "{e}");
}

#[test]
fn missing_output_and_bad_flags_exit_2() {
    let a = plasticore().args(["run", "linalg.dot", "--input", "a"]).assert().code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("expected NAME=VALUE"), "{err}");
    plasticore().args(["frobnicate"]).assert().code(2);
}

/// Every number of a subcommand that sizes an allocation (counts, layer
/// sizes, index sizes), set to 0, −1, 2⁴⁰ and 2⁶⁴ − 1: exit 2 before
/// anything is allocated from it — never an aborted allocation (134), a
/// panic (101) or a run. Values that parse give the usual one line.
#[test]
fn hostile_sizes_on_the_command_line_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let blob_out = dir.path().join("net.blob");
    let blob_out = blob_out.to_str().unwrap();
    let blob = data("hebbian/cartpole_abcd_lr.blob");
    let blob = blob.to_str().unwrap();
    let commands: &[(&[&str], &str)] = &[
        (&["simulate", "cartpole", "--coeffs", blob], "--episodes"),
        (&["evolve", "cartpole", "--out", blob_out], "--population"),
        (&["evolve", "cartpole", "--out", blob_out], "--episodes"),
        (&["evolve", "cartpole", "--out", blob_out], "--hidden"),
        (&["evolve", "cartpole", "--out", blob_out], "--outputs"),
        (&["adaptation", "--out-dir", out], "--population"),
        (&["adaptation", "--out-dir", out], "--episodes"),
        (&["adaptation", "--out-dir", out], "--eval-episodes"),
        (&["planes", "--rust"], "--dim"),
        (&["planes", "--rust", "--dim", "4"], "--tables"),
        (&["planes", "--rust", "--dim", "4"], "--bits"),
    ];
    for (args, flag) in commands {
        for v in ["0", "-1", "1099511627776", "18446744073709551615"] {
            let a = plasticore().args(*args).arg(format!("{flag}={v}")).assert().code(2);
            let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
            assert!(!err.contains("panicked"), "{args:?} {flag}={v}: {err}");
            if v != "-1" {
                assert_eq!(err.trim_end().lines().count(), 1, "{args:?} {flag}={v}: {err}");
            }
        }
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
}
