//! Golden tests of the attention and nn kernels against the NumPy/SciPy
//! references written by tests/data/attention/gen_attention.py (float64
//! references of float32 inputs). Tolerance: |rust − numpy| ≤ 1e-5·|numpy| + 1e-6
//! (1e-5 relative, with a 1e-6 floor for values near zero).

use std::path::PathBuf;

use plasticore::attention::{
    lsh_attention, lsh_f32_scratch_len, lsh_index_scratch_len, sdpa, AttentionMode, LshConfig,
    LshShape, SdpaShape, TransformerBlock, TransformerDims,
};
use plasticore::nn::{gelu, layer_norm, Activation};
use plasticore_host::npy::{read_npy, Array};

fn load(name: &str) -> Array {
    let p: PathBuf =
        [env!("CARGO_MANIFEST_DIR"), "data", "attention", &format!("{name}.npy")].iter().collect();
    read_npy(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn f32s(name: &str) -> (Vec<usize>, Vec<f32>) {
    let a = load(name);
    (a.shape.clone(), a.as_f32().expect("float32").to_vec())
}

fn i32s(name: &str) -> Vec<usize> {
    load(name).as_i32().expect("int32").iter().map(|&v| v as usize).collect()
}

fn assert_close(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let mut worst = 0.0f64;
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let err = (g as f64 - w as f64).abs();
        let tol = 1e-5 * (w as f64).abs() + 1e-6;
        assert!(err <= tol, "{what}[{i}]: rust {g} vs numpy {w} (err {err:e})");
        worst = worst.max(err / ((w as f64).abs() + 1e-1));
    }
    eprintln!("{what}: {} values, worst scaled error {worst:e}", got.len());
}

#[test]
fn layernorm_matches_numpy() {
    let (xs, x) = f32s("layernorm_x");
    let (_, g) = f32s("layernorm_gamma");
    let (_, b) = f32s("layernorm_beta");
    let (_, want) = f32s("layernorm_out");
    let mut out = vec![0.0; x.len()];
    layer_norm(&x, xs[1], &g, &b, &mut out).unwrap();
    assert_close("layernorm", &out, &want);
}

#[test]
fn gelu_matches_scipy_erf() {
    let (_, x) = f32s("gelu_x");
    let (_, want) = f32s("gelu_out");
    let got: Vec<f32> = x.iter().map(|&v| gelu(v)).collect();
    assert_close("gelu", &got, &want);
}

fn check_sdpa(case: &str, causal: bool) {
    let (qs, q) = f32s(&format!("{case}_q"));
    let (ks, k) = f32s(&format!("{case}_k"));
    let (vs, v) = f32s(&format!("{case}_v"));
    let (_, want) = f32s(&format!("{case}_out"));
    let shape = SdpaShape { heads: qs[0], n: qs[1], m: ks[1], d: qs[2], dv: vs[2] };
    let mut out = vec![f32::NAN; want.len()];
    sdpa(&q, &k, &v, shape, causal, &mut out).unwrap();
    assert_close(case, &out, &want);
}

#[test]
fn sdpa_matches_numpy() {
    check_sdpa("sdpa", false);
}

#[test]
fn causal_multihead_sdpa_matches_numpy() {
    check_sdpa("sdpac", true);
}

fn check_lsh(case: &str) {
    let (qs, qk) = f32s(&format!("{case}_qk"));
    let (vs, v) = f32s(&format!("{case}_v"));
    let (_, rot) = f32s(&format!("{case}_rot"));
    let (_, want) = f32s(&format!("{case}_out"));
    let cfg = i32s(&format!("{case}_cfg"));
    let cfg =
        LshConfig { rounds: cfg[0], n_buckets: cfg[1], bucket_size: cfg[2], causal: cfg[3] != 0 };
    let shape = LshShape { heads: qs[0], n: qs[1], d: qs[2], dv: vs[2] };
    let mut idx = vec![0u32; lsh_index_scratch_len(shape.n, cfg.rounds, cfg.n_buckets)];
    let mut f = vec![0.0f32; lsh_f32_scratch_len(shape.n)];
    let mut out = vec![f32::NAN; want.len()];
    lsh_attention(&qk, &v, &rot, shape, cfg, (&mut idx, &mut f), &mut out).unwrap();
    assert_close(case, &out, &want);
}

#[test]
fn lsh_attention_matches_numpy_semantics() {
    check_lsh("lsh");
}

#[test]
fn causal_lsh_attention_matches_numpy_semantics() {
    check_lsh("lshc");
}

fn check_block(case: &str) {
    let (_, mut x) = f32s(&format!("{case}_x"));
    let (_, p) = f32s(&format!("{case}_params"));
    let (_, want) = f32s(&format!("{case}_out"));
    let cfg = i32s(&format!("{case}_cfg"));
    let (n, d, heads, d_ff) = (cfg[0], cfg[1], cfg[2], cfg[3]);
    let dims = TransformerDims { d, heads, d_ff, act: Activation::Gelu };
    let rot;
    let mode = if cfg.len() > 4 {
        rot = f32s(&format!("{case}_rot")).1;
        AttentionMode::Lsh {
            rotations: &rot,
            config: LshConfig {
                rounds: cfg[4],
                n_buckets: cfg[5],
                bucket_size: cfg[6],
                causal: false,
            },
        }
    } else {
        AttentionMode::Full { causal: true }
    };
    let t = TransformerBlock::from_flat(&p, dims, mode).unwrap();
    let (fl, il) = t.scratch_len(n);
    let (mut fs, mut is) = (vec![0.0f32; fl], vec![0u32; il]);
    t.forward(&mut x, (&mut is, &mut fs)).unwrap();
    assert_close(case, &x, &want);
}

#[test]
fn transformer_block_full_attention_matches_numpy() {
    check_block("tfull");
}

#[test]
fn transformer_block_lsh_attention_matches_numpy() {
    check_block("tlsh");
}
