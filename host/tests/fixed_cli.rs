//! `plasticore run fixed.*` end to end against the NumPy integer goldens of
//! tests/data/fixed/gen_fixed.py (exact equality), and malformed input:
//! mixed dtypes, a float where an integer is expected, planes outside
//! {−1, 0, 1}, a shift out of range — each exits 2 with one line.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use plasticore_host::npy::{read_npy, write_npy, Array};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/fixed").join(name)
}

fn cmd(kernel: &str, inputs: &[(&str, PathBuf)], params: &[&str], out: &Path) -> Command {
    let mut c = Command::cargo_bin("plasticore").unwrap();
    c.arg("run").arg(kernel);
    for (k, p) in inputs {
        c.arg("--input").arg(format!("{k}={}", p.display()));
    }
    for p in params {
        c.arg("--param").arg(p);
    }
    c.arg("--output").arg(out);
    c
}

fn run(kernel: &str, inputs: &[(&str, PathBuf)], params: &[&str]) -> Array {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.npy");
    cmd(kernel, inputs, params, &out).assert().success();
    read_npy(&out).unwrap()
}

fn fails(kernel: &str, inputs: &[(&str, PathBuf)], params: &[&str], needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.npy");
    let a = cmd(kernel, inputs, params, &out).assert().code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{err:?} does not mention {needle:?}");
    assert!(!out.exists(), "no output on error");
}

fn golden(name: &str) -> Array {
    read_npy(data(name)).unwrap()
}

#[test]
fn quantize_and_dequantize_match_numpy() {
    let x = data("quantize_x.npy");
    for (bits, scale) in [(8, "0.015625"), (16, "0.000030517578125")] {
        let q = run(
            "fixed.quantize",
            &[("x", x.clone())],
            &[&format!("bits={bits}"), &format!("scale={scale}")],
        );
        assert_eq!(q, golden(&format!("quantize_q{bits}.npy")), "bits {bits}");
        let y = run(
            "fixed.dequantize",
            &[("q", data(&format!("quantize_q{bits}.npy")))],
            &[&format!("scale={scale}")],
        );
        assert_eq!(y, golden(&format!("dequantize_q{bits}_out.npy")));
    }
}

#[test]
fn dot_matvec_simhash_match_numpy_exactly() {
    for bits in [8, 16] {
        let d = run(
            "fixed.dot",
            &[("a", data(&format!("dot_a{bits}.npy"))), ("b", data(&format!("dot_b{bits}.npy")))],
            &[],
        );
        assert_eq!(d, golden(&format!("dot_out{bits}.npy")));
        for m in [format!("matvec_m{bits}.npy"), format!("matvec_m{bits}_fortran.npy")] {
            for s in [0, 7, 15, 31] {
                let y = run(
                    "fixed.matvec",
                    &[("m", data(&m)), ("x", data(&format!("matvec_x{bits}.npy")))],
                    &[&format!("shift={s}")],
                );
                assert_eq!(y, golden(&format!("matvec_out{bits}_s{s}.npy")), "{m} shift {s}");
            }
        }
        let h = run(
            "fixed.simhash",
            &[("x", data(&format!("simhash_x{bits}.npy"))), ("planes", data("simhash_planes.npy"))],
            &[],
        );
        assert_eq!(h, golden(&format!("simhash_out{bits}.npy")));
    }
}

#[test]
fn malformed_input_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    write_npy(p("a8.npy"), &Array::i8(vec![3], vec![1, 2, 3])).unwrap();
    write_npy(p("b16.npy"), &Array::i16(vec![3], vec![1, 2, 3])).unwrap();
    write_npy(p("f.npy"), &Array::f32(vec![3], vec![1.0; 3])).unwrap();
    write_npy(p("m8.npy"), &Array::i8(vec![2, 3], vec![1; 6])).unwrap();
    write_npy(p("x8.npy"), &Array::i8(vec![2, 3], vec![1; 6])).unwrap();
    write_npy(p("planes2.npy"), &Array::i8(vec![3, 4], vec![0, 1, -1, 2, 0, 0, 0, 0, 1, 1, 1, 1]))
        .unwrap();
    write_npy(p("planes16.npy"), &Array::i16(vec![3, 4], vec![0; 12])).unwrap();

    fails(
        "fixed.dot",
        &[("a", p("a8.npy")), ("b", p("b16.npy"))],
        &[],
        "expected int8 like input 'a'",
    );
    fails("fixed.dot", &[("a", p("f.npy")), ("b", p("a8.npy"))], &[], "input 'a'");
    fails("fixed.matvec", &[("m", p("m8.npy")), ("x", p("b16.npy"))], &[], "input 'x'");
    fails("fixed.matvec", &[("m", p("m8.npy")), ("x", p("a8.npy"))], &["shift=32"], "shift");
    fails("fixed.matvec", &[("m", p("m8.npy")), ("x", p("a8.npy"))], &["shift=-1"], "shift");
    fails("fixed.simhash", &[("x", p("x8.npy")), ("planes", p("planes2.npy"))], &[], "{-1, 0, +1}");
    fails(
        "fixed.simhash",
        &[("x", p("x8.npy")), ("planes", p("planes16.npy"))],
        &[],
        "input 'planes'",
    );
    fails("fixed.quantize", &[("x", p("a8.npy"))], &["scale=1"], "input 'x'");
    fails("fixed.quantize", &[("x", p("f.npy"))], &["scale=0"], "scale");
    fails("fixed.quantize", &[("x", p("f.npy"))], &["scale=1", "bits=12"], "bits");
    fails("fixed.quantize", &[("x", p("f.npy"))], &[], "scale");
    fails("fixed.dequantize", &[("q", p("f.npy"))], &["scale=1"], "input 'q'");
}

#[test]
fn quantize_rejects_nan_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.npy");
    write_npy(&x, &Array::f32(vec![2], vec![1.0, f32::NAN])).unwrap();
    fails("fixed.quantize", &[("x", x)], &["scale=1"], "non-finite");
}
