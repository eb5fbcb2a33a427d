//! The bad-input matrix: every `plasticore run` kernel × every kind of bad
//! input, each driven through the registry exactly as the binary drives it
//! (`npy` reader, `Call::new`, the kernel), and the outcome recorded:
//! `exit 2` with the one-line message the binary prints, or `ok` with a
//! finite result. A panic, a multi-line message, or a non-finite result from
//! finite inputs fails the test. The table is the generated part of
//! `docs/robustness.md` (below its marker line);
//! `PLASTICORE_BLESS=1 cargo test -p plasticore-tests --test bad_input_matrix`
//! rewrites it, and the test fails when it no longer matches.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use plasticore_host::kernels::{all, execute, Call, Kernel};
use plasticore_host::npy::{parse_npy, to_npy_bytes, Array, DType};

/// Size of every dimension symbol in the baseline.
fn dim(kernel: &str, sym: &str) -> usize {
    match (kernel, sym) {
        (_, "dp") => 4,              // a power of two ≥ d
        ("attention.lsh", "n") => 8, // a multiple of bucket_size
        ("attention.lsh", "half") => 2,
        (_, "rounds") => 2,
        ("hebbian.update", "k") => 5,   // ABCD_lr
        ("stats.per_capita", "t") => 8, // at least a 7-day window
        ("lsh.bitsample", "k") | ("lsh.syndrome", "m") => 3,
        _ => 4,
    }
}

fn params(kernel: &str) -> Vec<(&'static str, &'static str)> {
    match kernel {
        "fixed.quantize" | "fixed.dequantize" => vec![("scale", "0.01")],
        "attention.lsh" => vec![("bucket_size", "4")],
        "stats.moving_average" => vec![("window", "2")],
        "radioactive.mark" => vec![("strength", "0.5")],
        "tensor.reshape" => vec![("shape", "-1")],
        "lsh.index" => vec![("tables", "2"), ("bits", "3"), ("probes", "4"), ("k", "2")],
        _ => vec![],
    }
}

/// A valid value for element `i` of input `name`.
fn value(kernel: &str, name: &str, i: usize) -> f64 {
    let u = ((i * 7919 + name.len() * 104729) % 1000) as f64 / 1000.0; // deterministic, in [0, 1)
    match (kernel, name) {
        ("lsh.crosspolytope", "signs") | ("fixed.simhash", "planes") => {
            if i.is_multiple_of(2) {
                1.0
            } else {
                -1.0
            }
        }
        ("lsh.bitsample", "positions") => (i % 8) as f64,
        ("loss.supcon", "labels") => (i % 2) as f64,
        ("stats.kl", _) | ("stats.per_capita", _) => 0.1 + u,
        (_, "gamma") => 1.0,
        _ => u - 0.5,
    }
}

fn make(dtype: DType, shape: Vec<usize>, f: impl Fn(usize) -> f64) -> Array {
    let n: usize = shape.iter().product();
    match dtype {
        DType::F32 => Array::f32(shape, (0..n).map(|i| f(i) as f32).collect()),
        DType::I32 => Array::i32(shape, (0..n).map(|i| f(i) as i32).collect()),
        DType::U8 => Array::u8(shape, (0..n).map(|i| (f(i) * 200.0).abs() as u8).collect()),
        DType::I8 => Array::i8(shape, (0..n).map(|i| (f(i) * 100.0) as i8).collect()),
        DType::I16 => Array::i16(shape, (0..n).map(|i| (f(i) * 20000.0) as i16).collect()),
        DType::I64 => Array::i64(shape, (0..n).map(|i| f(i) as i64).collect()),
    }
}

fn symbols(spec: &str) -> Vec<String> {
    spec.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "...")
        .map(str::to_string)
        .collect()
}

/// The baseline inputs of a kernel (valid shapes and values).
fn baseline(k: &Kernel) -> BTreeMap<String, Array> {
    k.inputs
        .iter()
        .map(|spec| {
            let shape: Vec<usize> = symbols(spec.shape)
                .iter()
                .map(|s| s.parse().unwrap_or_else(|_| dim(k.name, s)))
                .collect();
            let shape = match (k.name, spec.name) {
                ("hebbian.update", "coeffs") => vec![4, 4, 5], // per synapse: [out, in, k]
                _ if shape.is_empty() => vec![4],
                _ => shape,
            };
            let a = if k.name == "fixed.simhash" && spec.name == "planes" {
                let n = shape.iter().product();
                Array::i8(shape, (0..n).map(|i| if i.is_multiple_of(2) { 1 } else { -1 }).collect())
            } else {
                make(spec.dtype, shape, |i| value(k.name, spec.name, i))
            };
            (spec.name.to_string(), a)
        })
        .collect()
}

/// Runs a kernel as the binary would, with the baseline parameters; the outcome cell.
fn outcome(k: &Kernel, inputs: BTreeMap<String, Array>) -> Result<String, String> {
    let params: BTreeMap<String, String> =
        params(k.name).into_iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    outcome_with(k, inputs, params)
}

/// Runs a kernel as the binary would; the outcome cell.
fn outcome_with(
    k: &Kernel,
    inputs: BTreeMap<String, Array>,
    params: BTreeMap<String, String>,
) -> Result<String, String> {
    let r = catch_unwind(AssertUnwindSafe(|| {
        Call::new(k, inputs, params).and_then(|c| execute(k, &c))
    }))
    .map_err(|_| format!("{}: PANIC", k.name))?;
    Ok(match r {
        Err(msg) => {
            if msg.contains('\n') {
                return Err(format!("{}: multi-line message {msg:?}", k.name));
            }
            format!("exit 2: {}", msg.replace('|', "\\|"))
        }
        Ok(a) => match a.as_f32() {
            // stats.per_capita's contract: the first 6 days (rows) are NaN.
            Some(v) if k.name == "stats.per_capita" => {
                let cols = a.shape.get(1).copied().unwrap_or(1);
                if v.iter().skip(6 * cols).any(|x| !x.is_finite()) {
                    "ok, non-finite result".into()
                } else {
                    "ok, finite after the first 6 days (NaN before, by contract)".into()
                }
            }
            Some(v) if v.iter().any(|x| !x.is_finite()) => "ok, non-finite result".into(),
            _ => "ok, finite".into(),
        },
    })
}

/// The bad inputs, applied to the kernel's first input.
fn cases(k: &Kernel) -> Vec<(String, Option<BTreeMap<String, Array>>)> {
    let base = baseline(k);
    let first = k.inputs[0].name.to_string();
    let a = &base[&first];
    let float = a.dtype() == DType::F32;
    let with = |arr: Array| {
        let mut m = base.clone();
        m.insert(first.clone(), arr);
        Some(m)
    };
    let set = |v: f32| {
        float.then(|| {
            let mut d = a.as_f32().unwrap().to_vec();
            d[0] = v;
            with(Array::f32(a.shape.clone(), d)).unwrap()
        })
    };
    let mut out = vec![("valid".to_string(), Some(base.clone()))];
    let mut empty = a.shape.clone();
    empty[0] = 0;
    out.push(("empty".into(), with(make(a.dtype(), empty, |_| 0.0))));
    let mut rank = a.shape.clone();
    rank.push(1);
    out.push(("wrong rank".into(), with(make(a.dtype(), rank, |_| 0.5))));
    let other = if float { DType::I32 } else { DType::F32 };
    out.push(("wrong dtype".into(), with(make(other, a.shape.clone(), |_| 0.5))));
    for (axis, sym) in symbols(k.inputs[0].shape).iter().enumerate() {
        let mut s = a.shape.clone();
        if let Some(d) = s.get_mut(axis) {
            *d += 1;
            out.push((
                format!("{sym} + 1"),
                with(make(a.dtype(), s, |i| value(k.name, &first, i))),
            ));
        }
    }
    for (name, v) in [
        ("NaN", f32::NAN),
        ("+Inf", f32::INFINITY),
        ("-Inf", f32::NEG_INFINITY),
        ("+1e38", 1e38),
        ("-1e38", -1e38),
        ("denormal", 1e-40),
    ] {
        out.push((name.into(), set(v)));
    }
    out.push(("all zero".into(), with(make(a.dtype(), a.shape.clone(), |_| 0.0))));
    out
}

/// File-level bad inputs: the `.npy` reader refuses them before any kernel runs.
fn file_cases() -> Vec<(&'static str, String)> {
    let good = to_npy_bytes(&Array::f32(vec![4], vec![1.0; 4])).unwrap();
    let huge = {
        // A header claiming 2^31 elements, with 16 bytes of data.
        let h = "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648,), }";
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        let pad = 64 - (10 + h.len() + 1) % 64;
        let header = format!("{h}{}\n", " ".repeat(pad % 64));
        b.extend_from_slice(&(header.len() as u16).to_le_bytes());
        b.extend_from_slice(header.as_bytes());
        b.extend_from_slice(&[0u8; 16]);
        b
    };
    let mut truncated = good.clone();
    truncated.truncate(good.len() - 5);
    let text = b"name,value\n1,2\n".to_vec();
    [("a dimension of 2^31", huge), ("truncated file", truncated), ("not a .npy file", text)]
        .into_iter()
        .map(|(n, b)| {
            let r = catch_unwind(|| parse_npy(&b)).expect("the reader never panics");
            let cell = match r {
                Err(e) => {
                    assert!(!e.contains('\n'), "{n}: {e}");
                    format!("exit 2: input 'x': {e}")
                }
                Ok(_) => panic!("{n}: the reader accepted it"),
            };
            (n, cell)
        })
        .collect()
}

/// The sizes a hostile caller passes: 0, −1, 2⁴⁰ and 2⁶⁴ − 1.
const HOSTILE: [&str; 4] = ["0", "-1", "1099511627776", "18446744073709551615"];

/// Every parameter of every kernel set to each [`HOSTILE`] value, the
/// inputs and other parameters valid: a table of outcomes. Nothing may be
/// allocated from such a value before it is checked, so a run that tried
/// would abort this test (a failed allocation) or panic (`capacity overflow`).
fn hostile_params() -> String {
    let mut s = String::from(
        "\n## Hostile parameter values\n\n\
Every parameter of every kernel set to 0, −1, 2⁴⁰ and 2⁶⁴ − 1 in turn, with valid inputs and \
the other parameters valid. A size is bounded by what the inputs make meaningful or refused in \
one line before anything is allocated from it.\n\n| kernel | parameter | 0 | −1 | 2⁴⁰ | 2⁶⁴ − 1 |\n|---|---|---|---|---|---|\n",
    );
    for k in all() {
        for p in &k.params {
            let cells: Vec<String> = HOSTILE
                .iter()
                .map(|v| {
                    let mut params: BTreeMap<String, String> = params(k.name)
                        .into_iter()
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                        .collect();
                    params.insert(p.name.to_string(), v.to_string());
                    let cell = outcome_with(&k, baseline(&k), params)
                        .unwrap_or_else(|e| panic!("{e} ({}={v})", p.name));
                    assert!(
                        cell != "ok, non-finite result",
                        "{} {}={v}: a non-finite result",
                        k.name,
                        p.name
                    );
                    cell
                })
                .collect();
            s.push_str(&format!("| `{}` | `{}` | {} |\n", k.name, p.name, cells.join(" | ")));
        }
    }
    s
}

fn matrix() -> String {
    let mut s = String::from(
        "## The bad-input matrix\n\n\
Generated by `tests/tests/bad_input_matrix.rs` (`PLASTICORE_BLESS=1 cargo test -p plasticore-tests \
--test bad_input_matrix` rewrites it; the test fails when it no longer matches). Every kernel of \
`plasticore run`, driven through the registry as the binary drives it, with its first input replaced \
by each bad input (the others valid). `exit 2` cells show the one line the binary prints; `ok` cells \
the kind of result. The binary refuses NaN/±∞ in float inputs (except where a kernel's contract \
takes them: softmax masks −∞, reshape moves values) and a result that overflows float32. The test \
fails on a panic, a multi-line message, or a non-finite result.\n\n\
### Files every kernel reads the same way\n\n| input | outcome |\n|---|---|\n",
    );
    for (n, cell) in file_cases() {
        s.push_str(&format!("| {n} | {cell} |\n"));
    }
    for k in all() {
        s.push_str(&format!(
            "\n### `{}` (first input `{}`)\n\n| input | outcome |\n|---|---|\n",
            k.name, k.inputs[0].name
        ));
        for (name, inputs) in cases(&k) {
            let cell = match inputs {
                None => "n/a (integer input)".to_string(),
                Some(m) => outcome(&k, m).unwrap_or_else(|e| panic!("{e} ({name})")),
            };
            let passes_through = k.name == "tensor.reshape";
            assert!(
                passes_through || cell != "ok, non-finite result",
                "{} {name}: a non-finite result",
                k.name
            );
            if name == "valid" {
                assert!(cell.starts_with("ok"), "{}: the baseline fails: {cell}", k.name);
            }
            s.push_str(&format!("| {name} | {cell} |\n"));
        }
    }
    s.push_str(&hostile_params());
    s
}

/// docs/robustness.md is written by hand down to this line; the matrix follows it.
const MARKER: &str =
    "<!-- Everything below is generated by tests/tests/bad_input_matrix.rs; do not edit. -->\n";

#[test]
fn bad_input_matrix_is_current() {
    let m = matrix();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/robustness.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let (head, generated) = committed.split_once(MARKER).unwrap_or((committed.as_str(), ""));
    if std::env::var_os("PLASTICORE_BLESS").is_some() {
        std::fs::write(&path, format!("{head}{MARKER}{m}")).unwrap();
        return;
    }
    assert!(generated == m, "docs/robustness.md is out of date: rerun with PLASTICORE_BLESS=1");
}
