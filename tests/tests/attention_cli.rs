//! The `attention.*` kernels of `plasticore run`, driven through the host
//! registry exactly as `plasticore run` drives them (`Call::new`, then the
//! kernel; an `Err` from either is what the binary reports with exit status 2).
//! Checks: the contracts of issue 5 (shapes, params), results equal to the
//! NumPy golden files, and a one-line error for mismatched heads, lengths or
//! dimensions.

use std::collections::BTreeMap;
use std::path::PathBuf;

use plasticore_host::kernels::{find, Call};
use plasticore_host::npy::{read_npy, Array};

fn golden(name: &str) -> Array {
    let p: PathBuf =
        [env!("CARGO_MANIFEST_DIR"), "data", "attention", &format!("{name}.npy")].iter().collect();
    read_npy(&p).unwrap()
}

fn run(kernel: &str, inputs: Vec<(&str, Array)>, params: &[(&str, &str)]) -> Result<Array, String> {
    let k = find(kernel).unwrap_or_else(|| panic!("kernel {kernel} is not registered"));
    let inputs: BTreeMap<String, Array> =
        inputs.into_iter().map(|(n, a)| (n.to_string(), a)).collect();
    let params: BTreeMap<String, String> =
        params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let call = Call::new(&k, inputs, params)?;
    (k.run)(&call)
}

fn zeros(shape: &[usize]) -> Array {
    Array::f32(shape.to_vec(), vec![0.5; shape.iter().product()])
}

fn close(got: &Array, want: &Array) {
    assert_eq!(got.shape, want.shape);
    for (g, w) in got.as_f32().unwrap().iter().zip(want.as_f32().unwrap()) {
        assert!((g - w).abs() <= 1e-5 * w.abs() + 1e-6, "{g} vs {w}");
    }
}

/// One line, naming something.
fn assert_one_line_error(r: Result<Array, String>, needle: &str) {
    let e = r.expect_err("expected an error (exit 2)");
    assert!(!e.contains('\n'), "multi-line message: {e}");
    assert!(e.contains(needle), "message {e:?} does not mention {needle:?}");
}

#[test]
fn sdpa_cli_matches_golden() {
    let out = run(
        "attention.sdpa",
        vec![("q", golden("sdpac_q")), ("k", golden("sdpac_k")), ("v", golden("sdpac_v"))],
        &[("causal", "true")],
    )
    .unwrap();
    close(&out, &golden("sdpac_out"));
    let out = run(
        "attention.sdpa",
        vec![("q", golden("sdpa_q")), ("k", golden("sdpa_k")), ("v", golden("sdpa_v"))],
        &[],
    )
    .unwrap();
    close(&out, &golden("sdpa_out"));
}

#[test]
fn lsh_cli_matches_golden() {
    for (case, c, causal) in [("lsh", "4", "false"), ("lshc", "8", "true")] {
        let out = run(
            "attention.lsh",
            vec![
                ("qk", golden(&format!("{case}_qk"))),
                ("v", golden(&format!("{case}_v"))),
                ("rotations", golden(&format!("{case}_rot"))),
            ],
            &[("bucket_size", c), ("causal", causal)],
        )
        .unwrap();
        close(&out, &golden(&format!("{case}_out")));
    }
}

#[test]
fn layernorm_cli_matches_golden() {
    let out = run(
        "attention.layernorm",
        vec![
            ("x", golden("layernorm_x")),
            ("gamma", golden("layernorm_gamma")),
            ("beta", golden("layernorm_beta")),
        ],
        &[],
    )
    .unwrap();
    close(&out, &golden("layernorm_out"));
}

#[test]
fn sdpa_mismatches_are_errors() {
    let sd = |q: &[usize], k: &[usize], v: &[usize]| {
        run("attention.sdpa", vec![("q", zeros(q)), ("k", zeros(k)), ("v", zeros(v))], &[])
    };
    assert!(sd(&[2, 3, 4], &[2, 5, 4], &[2, 5, 6]).is_ok());
    // heads
    assert_one_line_error(sd(&[2, 3, 4], &[3, 5, 4], &[2, 5, 6]), "h");
    assert_one_line_error(sd(&[2, 3, 4], &[2, 5, 4], &[1, 5, 6]), "h");
    // key/value lengths
    assert_one_line_error(sd(&[2, 3, 4], &[2, 5, 4], &[2, 6, 6]), "m");
    // dimensions
    assert_one_line_error(sd(&[2, 3, 4], &[2, 5, 3], &[2, 5, 6]), "d");
    // rank
    assert_one_line_error(sd(&[3, 4], &[2, 5, 4], &[2, 5, 6]), "q");
    // empty
    assert_one_line_error(sd(&[2, 0, 4], &[2, 5, 4], &[2, 5, 6]), "n");
    // bad parameter value
    let r = run(
        "attention.sdpa",
        vec![("q", zeros(&[1, 1, 1])), ("k", zeros(&[1, 1, 1])), ("v", zeros(&[1, 1, 1]))],
        &[("causal", "maybe")],
    );
    assert_one_line_error(r, "causal");
    // non-finite data
    let mut q = zeros(&[1, 1, 2]);
    q = Array::f32(q.shape.clone(), vec![0.0, f32::NAN]);
    let r = run(
        "attention.sdpa",
        vec![("q", q), ("k", zeros(&[1, 1, 2])), ("v", zeros(&[1, 1, 1]))],
        &[],
    );
    assert_one_line_error(r, "non-finite");
}

#[test]
fn lsh_mismatches_are_errors() {
    let ls = |qk: &[usize], v: &[usize], rot: &[usize], c: &str| {
        run(
            "attention.lsh",
            vec![("qk", zeros(qk)), ("v", zeros(v)), ("rotations", zeros(rot))],
            &[("bucket_size", c)],
        )
    };
    assert!(ls(&[2, 8, 4], &[2, 8, 3], &[4, 2, 2], "4").is_ok());
    assert_one_line_error(ls(&[2, 8, 4], &[3, 8, 3], &[4, 2, 2], "4"), "h");
    assert_one_line_error(ls(&[2, 8, 4], &[2, 7, 3], &[4, 2, 2], "4"), "n");
    assert_one_line_error(ls(&[2, 8, 4], &[2, 8, 3], &[5, 2, 2], "4"), "d");
    assert_one_line_error(ls(&[2, 8, 4], &[2, 8, 3], &[4, 2, 2], "3"), "bucket_size");
    assert_one_line_error(ls(&[2, 8, 4], &[2, 8, 3], &[4, 2, 2], "0"), "bucket_size");
    assert_one_line_error(ls(&[2, 8, 4], &[2, 8, 3], &[4, 0, 2], "4"), "rounds");
    // bucket_size is required
    let r = run(
        "attention.lsh",
        vec![("qk", zeros(&[1, 4, 2])), ("v", zeros(&[1, 4, 1])), ("rotations", zeros(&[2, 1, 1]))],
        &[],
    );
    assert_one_line_error(r, "bucket_size");
}

#[test]
fn layernorm_mismatches_are_errors() {
    let ln = |x: &[usize], g: &[usize], b: &[usize]| {
        run(
            "attention.layernorm",
            vec![("x", zeros(x)), ("gamma", zeros(g)), ("beta", zeros(b))],
            &[],
        )
    };
    assert!(ln(&[3, 4], &[4], &[4]).is_ok());
    assert_one_line_error(ln(&[3, 4], &[5], &[4]), "d");
    assert_one_line_error(ln(&[3, 4], &[4], &[3]), "d");
    assert_one_line_error(ln(&[12], &[4], &[4]), "x");
    assert_one_line_error(ln(&[3, 0], &[0], &[0]), "d");
}
