//! Golden tests of the numerics group (KL, moving averages, SupCon, betainc /
//! p-values, reshape) against NumPy / SciPy / pandas references made by
//! tests/data/numerics/gen_numerics.py (see its header to regenerate).
//!
//! Run with `--nocapture` to print the measured error figures quoted in
//! docs/numerics.md.

use plasticore::linalg::{Layout, MatRef};
use plasticore::{loss, radioactive, stats, tensor};
use plasticore_host::npy::{read_npy, Array};

fn load(name: &str) -> Array {
    let p = format!("{}/data/numerics/{name}.npy", env!("CARGO_MANIFEST_DIR"));
    read_npy(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn f32s(name: &str) -> (Vec<usize>, Vec<f32>) {
    let a = load(name);
    (a.shape.clone(), a.as_f32().expect("float32").to_vec())
}

/// f64 references stored as (hi, lo) float32 pairs in the last axis.
fn f64s(name: &str) -> Vec<f64> {
    let (shape, v) = f32s(name);
    assert_eq!(shape.last(), Some(&2), "{name}");
    v.chunks_exact(2).map(|c| c[0] as f64 + c[1] as f64).collect()
}

#[test]
fn kl_matches_scipy_rel_entr() {
    let (shape, p) = f32s("kl_p");
    let (_, q) = f32s("kl_q");
    let want = f64s("kl_expected");
    let n = shape[1];
    let mut rows = vec![0.0f32; shape[0]];
    stats::kl_rows(&p, &q, n, &mut rows).unwrap();
    let mut worst = 0.0f64;
    for (r, (&got, &w)) in rows.iter().zip(&want).enumerate() {
        let single = stats::kl(&p[r * n..(r + 1) * n], &q[r * n..(r + 1) * n]).unwrap();
        assert_eq!(single.to_bits(), got.to_bits());
        if w.is_infinite() {
            assert_eq!(got, f32::INFINITY, "row {r}");
            continue;
        }
        let err = (got as f64 - w).abs();
        worst = worst.max(err / w.abs().max(1e-3));
        assert!(err <= 2e-6 * w.abs().max(1.0), "row {r}: {got} vs {w}");
    }
    assert!(want.iter().any(|w| w.is_infinite()), "the golden has a +inf row");
    eprintln!("kl: max relative error {worst:.2e}");
}

#[test]
fn moving_average_matches_pandas_rolling_mean() {
    let (_, x) = f32s("ma_x");
    for w in [1usize, 3, 7, 30, 600] {
        let want = f64s(&format!("ma_w{w}"));
        let mut out = vec![0.0f32; x.len() - w + 1];
        stats::moving_average(&x, w, &mut out).unwrap();
        assert_eq!(out.len(), want.len());
        let mut worst_ulp = 0.0f64;
        for (&a, &b) in out.iter().zip(&want) {
            let ulp = (b.abs() as f32).to_bits();
            let ulp = (f32::from_bits(ulp + 1) - f32::from_bits(ulp)) as f64;
            let e = (a as f64 - b).abs() / ulp;
            worst_ulp = worst_ulp.max(e);
            assert!(e <= 1.5, "w={w}: {a} vs {b} ({e} ulp)");
        }
        eprintln!("moving_average w={w}: max error {worst_ulp:.2} ulp");
    }
}

#[test]
fn per_capita_matches_pandas() {
    let (shape, counts) = f32s("pc_counts");
    let (_, pop) = f32s("pc_population");
    let want = f64s("pc_expected");
    assert_eq!(shape, vec![60, 4]);
    let mut out = vec![0.0f32; counts.len()];
    stats::per_capita_7day(&counts, &pop, 100_000.0, &mut out).unwrap();
    for (i, (&a, &b)) in out.iter().zip(&want).enumerate() {
        if b.is_nan() {
            assert!(a.is_nan(), "{i}");
        } else {
            assert!((a as f64 - b).abs() <= 1e-6 * b.abs().max(1e-3), "{i}: {a} vs {b}");
        }
    }
}

#[test]
fn supcon_loss_and_gradient_match_numpy() {
    let (shape, f) = f32s("supcon_features");
    let labels = load("supcon_labels").as_i32().unwrap().to_vec();
    let (n, d) = (shape[0], shape[1]);
    let mut scratch = vec![0.0; loss::supcon_scratch_len(n)];
    for (name, t) in [("t010", 0.1f32), ("t050", 0.5)] {
        let want = f64s(&format!("supcon_{name}_loss"))[0];
        let want_g = f64s(&format!("supcon_{name}_grad"));
        let mut g = vec![0.0f32; n * d];
        let l = loss::supcon_loss_grad(&f, d, &labels, t, &mut g, &mut scratch).unwrap();
        let rel = (l as f64 - want).abs() / want.abs();
        assert!(rel < 1e-5, "{name}: {l} vs {want}");
        let gmax = want_g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let gerr = g.iter().zip(&want_g).fold(0.0f64, |m, (&a, &b)| m.max((a as f64 - b).abs()));
        assert!(gerr <= 1e-5 * gmax.max(1.0), "{name}: grad error {gerr} (max |g| {gmax})");
        eprintln!("supcon {name}: loss rel error {rel:.2e}, grad max abs error {gerr:.2e} (max |g| {gmax:.3})");
    }
}

#[test]
fn pvalue_matches_scipy_betainc() {
    let (_, c) = f32s("pvalue_c");
    let d = load("pvalue_d").as_i32().unwrap().to_vec();
    let want = f64s("pvalue_expected");
    let (mut max_abs, mut max_rel, mut smallest) = (0.0f64, 0.0f64, 1.0f64);
    for ((&c, &d), &w) in c.iter().zip(&d).zip(&want) {
        let p = radioactive::cosine_pvalue(c as f64, d as usize).unwrap();
        let abs = (p - w).abs();
        assert!(abs <= 1e-6, "d={d} c={c}: {p} vs {w}");
        if w >= 1e-30 {
            let rel = abs / w;
            assert!(rel <= 1e-3, "d={d} c={c}: {p} vs {w} (rel {rel:e})");
            max_rel = max_rel.max(rel);
            smallest = smallest.min(w);
        }
        max_abs = max_abs.max(abs);
    }
    assert!(smallest < 1e-29, "the grid reaches p = 1e-30");
    eprintln!(
        "pvalue: {} points, max abs error {max_abs:.2e}, max rel error {max_rel:.2e} (p >= 1e-30)",
        c.len()
    );
}

#[test]
fn betainc_matches_scipy() {
    let (_, abx) = f32s("betainc_abx");
    let want = f64s("betainc_expected");
    let (mut max_abs, mut max_rel) = (0.0f64, 0.0f64);
    for (t, &w) in abx.chunks_exact(3).zip(&want) {
        let v = stats::betainc(t[0] as f64, t[1] as f64, t[2] as f64).unwrap();
        let abs = (v - w).abs();
        assert!(abs <= 1e-6, "{t:?}: {v} vs {w}");
        if w >= 1e-30 {
            let rel = abs / w;
            assert!(rel <= 1e-3, "{t:?}: {v} vs {w}");
            max_rel = max_rel.max(rel);
        }
        max_abs = max_abs.max(abs);
    }
    eprintln!(
        "betainc: {} points, max abs error {max_abs:.2e}, max rel error {max_rel:.2e}",
        want.len()
    );
}

#[test]
fn reshape_matches_numpy_c_and_f() {
    let cases: [(&str, &[i64]); 6] = [
        ("r2", &[3, 8]),
        ("r3", &[4, 6]),
        ("r4", &[6, 4]),
        ("r1", &[2, 3, 4]),
        ("r8", &[3, 8]),
        ("rneg", &[2, -1, 3]),
    ];
    for (name, spec) in cases {
        let (xs, x) = f32s(&format!("reshape_{name}_x"));
        let from = tensor::Shape::new(&xs).unwrap();
        let to = tensor::Shape::infer(spec, x.len()).unwrap();
        for (o, order) in [("C", Layout::RowMajor), ("F", Layout::ColMajor)] {
            let (ws, want) = f32s(&format!("reshape_{name}_{o}"));
            assert_eq!(to.dims(), &ws[..], "{name} {o}");
            let mut out = vec![0.0f32; x.len()];
            tensor::reshape(&x, &from, Layout::RowMajor, &to, order, &mut out, Layout::RowMajor)
                .unwrap();
            assert_eq!(out, want, "{name} order {o}");
            // The same tensor stored F-contiguous, written F-contiguous, gives
            // the same logical result.
            let mut xf = vec![0.0f32; x.len()];
            tensor::reshape(
                &x,
                &from,
                Layout::RowMajor,
                &from,
                Layout::RowMajor,
                &mut xf,
                Layout::ColMajor,
            )
            .unwrap();
            let mut of = vec![0.0f32; x.len()];
            tensor::reshape(&xf, &from, Layout::ColMajor, &to, order, &mut of, Layout::ColMajor)
                .unwrap();
            let mut back = vec![0.0f32; x.len()];
            tensor::reshape(
                &of,
                &to,
                Layout::ColMajor,
                &to,
                Layout::RowMajor,
                &mut back,
                Layout::RowMajor,
            )
            .unwrap();
            assert_eq!(back, want, "{name} order {o} via F storage");
        }
    }
}

#[test]
fn vec_matches_numpy_order_f() {
    let (s, m) = f32s("vec_m");
    let (_, want) = f32s("vec_expected");
    let mr = MatRef::new(&m, s[0], s[1], Layout::RowMajor).unwrap();
    let mut v = vec![0.0f32; m.len()];
    tensor::vec(&mr, &mut v).unwrap();
    assert_eq!(v, want);
}
