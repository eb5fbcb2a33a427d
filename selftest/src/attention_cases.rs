//! attention cases: full attention (`attention::sdpa`) and Reformer LSH
//! attention (`attention::lsh_attention`) against n, and a small pre-LN
//! transformer block with each.
//!
//! Full and LSH attention read the *same* tensors: qk `[2, n, 32]` and v
//! `[2, n, 32]` (2 heads, d = dv = 32). Full attention is plain `sdpa` (the
//! `attention.sdpa` kernel) called with k = q = qk, so both kernels hold the
//! same inputs and output and the RAM figures compare the algorithms, not an
//! extra K tensor; its work, h·n²·(d + dv) MACs and h·n² `exp`, is that of
//! `shared_qk_attention` (which LSH approximates) up to one multiply per logit.
//! LSH uses the Reformer's setting: 2 rounds, chunks of 32, b = max(2, n/32)
//! buckets.
//!
//! Checks: a plain two-pass f64 reference of every output row for n ≤ 128;
//! 8 sampled rows per head above that (the checksum still covers every
//! output). The LSH reference hashes with its own f64 projections, sorts by
//! (bucket, position) by scanning, and follows the six steps of the issue
//! literally for the sampled queries.
//!
//! The transformer blocks take their weights from committed `KIND_TRANSFORMER`
//! blobs (tests/data/attention/transformer_block_{full,lsh}.blob), parsed and
//! copied to RAM before the measured call; the f64 reference reads the same table.

use plasticore::attention::{
    lsh_attention, lsh_f32_scratch_len, lsh_index_scratch_len, sdpa, AttentionMode, LshConfig,
    LshShape, SdpaShape, TransformerBlock, TransformerDims, TransformerSpec,
};
use plasticore::blob::Blob;
use plasticore::cost::Cost;
use plasticore::nn::Activation;
use plasticore::rng::Rng;

use crate::{checksum, Case, Meter, Outcome};

const H: usize = 2;
const D: usize = 32;
const DV: usize = 32;
const ROUNDS: usize = 2;
const CHUNK: usize = 32;
/// Largest value width any reference row needs.
const MAX_DV: usize = 32;
/// Largest number of rounds the reference handles.
const MAX_ROUNDS: usize = 4;

/// Buckets for a sequence of n: max(2, n/32), even.
const fn n_buckets(n: usize) -> usize {
    let b = n / CHUNK;
    let b = if b < 2 { 2 } else { b };
    b + b % 2
}

const fn lsh_config(n: usize) -> LshConfig {
    LshConfig { rounds: ROUNDS, n_buckets: n_buckets(n), bucket_size: CHUNK, causal: false }
}

/// Running worst relative error (scale max(1, |want|)) of checked rows.
struct Check {
    worst: f64,
    ok: bool,
}

impl Check {
    fn new(ok: bool) -> Self {
        Check { worst: 0.0, ok }
    }

    fn row(&mut self, got: &[f32], want: &[f64], tol: f64) {
        self.ok &= got.len() == want.len();
        for (&g, &w) in got.iter().zip(want) {
            let scale = if w.abs() > 1.0 { w.abs() } else { 1.0 };
            let e = (g as f64 - w).abs() / scale;
            if e.is_nan() || e > tol {
                self.ok = false;
            }
            if e > self.worst || e.is_nan() {
                self.worst = e;
            }
        }
    }

    /// The outcome; the checksum and preview cover the whole output.
    fn finish(self, out: &[f32]) -> Outcome {
        let mut preview = [0.0f32; 4];
        for (p, &g) in preview.iter_mut().zip(out) {
            *p = g;
        }
        Outcome {
            checksum: checksum(out),
            outputs: out.len() as u32,
            max_rel_err: self.worst as f32,
            ok: self.ok,
            preview,
        }
    }
}

/// Rows checked against the reference: all for n ≤ 128, else 8 spread over the sequence.
fn checked_rows(n: usize) -> impl Iterator<Item = usize> {
    let sampled = [0, 1, n / 4, n / 2 - 1, n / 2, 3 * n / 4 + 3, n - 2, n - 1];
    let all = n <= 128;
    (0..if all { n } else { sampled.len() }).map(move |k| if all { k } else { sampled[k] })
}

fn dot64<T: Copy + Into<f64>>(a: &[T], b: &[T]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| x.into() * y.into()).sum()
}

/// Two-pass softmax attention in f64 for query row `i` of one head.
#[allow(clippy::too_many_arguments)]
fn full_row_ref<T: Copy + Into<f64>>(
    q: &[T],
    k: &[T],
    v: &[T],
    n: usize,
    d: usize,
    dv: usize,
    i: usize,
    out: &mut [f64],
) {
    let qi = &q[i * d..(i + 1) * d];
    let scale = 1.0 / libm::sqrt(d as f64);
    let logit = |j: usize| dot64(qi, &k[j * d..(j + 1) * d]) * scale;
    let mx = (0..n).map(logit).fold(f64::NEG_INFINITY, f64::max);
    let mut z = 0.0;
    out.iter_mut().for_each(|o| *o = 0.0);
    for j in 0..n {
        let p = libm::exp(logit(j) - mx);
        z += p;
        for (o, &x) in out.iter_mut().zip(&v[j * dv..(j + 1) * dv]) {
            *o += p * x.into();
        }
    }
    out.iter_mut().for_each(|o| *o /= z);
}

/// The (round, position) order of steps 2–3 for one head: `order[r·n + k]` is
/// the k-th position of round r sorted by (bucket, position), and
/// `slot[r·n + i]` where position i of round r sits in that concatenation.
/// Buckets: argmax of concat(xR, −xR) in f64, first maximum wins.
fn lsh_order_ref<T: Copy + Into<f64>>(
    qk: &[T],
    rot: &[f32],
    n: usize,
    d: usize,
    cfg: LshConfig,
    order: &mut [u16],
    slot: &mut [u16],
) {
    let (rounds, b) = (cfg.rounds, cfg.n_buckets);
    let half = b / 2;
    for r in 0..rounds {
        for i in 0..n {
            let x = &qk[i * d..(i + 1) * d];
            let (mut best, mut arg) = (f64::NEG_INFINITY, 0usize);
            for idx in 0..b {
                let j = idx % half;
                let s: f64 = (0..d)
                    .map(|e| x[e].into() * rot[e * rounds * half + r * half + j] as f64)
                    .sum();
                let s = if idx < half { s } else { -s };
                if s > best {
                    best = s;
                    arg = idx;
                }
            }
            slot[r * n + i] = arg as u16; // the bucket, for now
        }
        let mut k = r * n;
        for bucket in 0..b {
            for i in 0..n {
                if slot[r * n + i] as usize == bucket {
                    order[k] = i as u16;
                    k += 1;
                }
            }
        }
        for k in r * n..(r + 1) * n {
            slot[r * n + order[k] as usize] = k as u16;
        }
    }
}

/// LSH attention in f64 for query position `p` of one head (steps 4–6), given
/// the order of [`lsh_order_ref`].
#[allow(clippy::too_many_arguments)]
fn lsh_row_ref<T: Copy + Into<f64>>(
    qk: &[T],
    v: &[T],
    n: usize,
    d: usize,
    dv: usize,
    cfg: LshConfig,
    order: &[u16],
    slot: &[u16],
    p: usize,
    out: &mut [f64],
) {
    let c = cfg.bucket_size;
    let chunks = cfg.rounds * n / c;
    let q = &qk[p * d..(p + 1) * d];
    let scale = 1.0 / libm::sqrt(d as f64);
    let logit = |j: usize| {
        if j == p {
            -5.0e4
        } else {
            let kj = &qk[j * d..(j + 1) * d];
            dot64(q, kj) / libm::sqrt(dot64(kj, kj)) * scale
        }
    };
    let mut lse = [0.0f64; MAX_ROUNDS];
    let mut o = [[0.0f64; MAX_DV]; MAX_ROUNDS];
    for r in 0..cfg.rounds {
        let ci = slot[r * n + p] as usize / c;
        let prev = (ci + chunks - 1) % chunks;
        let keys = || {
            order[ci * c..(ci + 1) * c]
                .iter()
                .chain(&order[prev * c..(prev + 1) * c])
                .map(|&j| j as usize)
        };
        let mx = keys().map(logit).fold(f64::NEG_INFINITY, f64::max);
        let mut z = 0.0;
        for j in keys() {
            let w = libm::exp(logit(j) - mx);
            z += w;
            for (a, &x) in o[r].iter_mut().zip(&v[j * dv..(j + 1) * dv]) {
                *a += w * x.into();
            }
        }
        o[r].iter_mut().for_each(|a| *a /= z);
        lse[r] = mx + libm::log(z);
    }
    let big = lse[..cfg.rounds].iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let total = big + libm::log(lse[..cfg.rounds].iter().map(|&l| libm::exp(l - big)).sum::<f64>());
    out.iter_mut().for_each(|a| *a = 0.0);
    for r in 0..cfg.rounds {
        let w = libm::exp(lse[r] - total);
        for (a, &x) in out.iter_mut().zip(&o[r]) {
            *a += w * x;
        }
    }
}

fn normals(seed: u64, out: &mut [f32], scale: f32) {
    let mut r = Rng::new(seed);
    out.iter_mut().for_each(|v| *v = r.normal() * scale);
}

/// Full attention, 2 heads, d = dv = 32, k = q: `L` = 2·n·32.
fn sdpa_case<const N: usize, const L: usize>(m: &mut dyn Meter) -> Outcome {
    let mut qk = [0.0f32; L];
    let mut v = [0.0f32; L];
    normals(501, &mut qk, 1.0);
    normals(502, &mut v, 1.0);
    let mut out = [0.0f32; L];
    let shape = SdpaShape { heads: H, n: N, m: N, d: D, dv: DV };
    let mut ok = true;
    m.measure(&mut || ok &= sdpa(&qk, &qk, &v, shape, false, &mut out).is_ok());
    let mut check = Check::new(ok);
    let mut want = [0.0f64; DV];
    for h in 0..H {
        let (qh, vh) = (&qk[h * N * D..][..N * D], &v[h * N * DV..][..N * DV]);
        for i in checked_rows(N) {
            full_row_ref(qh, qh, vh, N, D, DV, i, &mut want);
            check.row(&out[(h * N + i) * DV..][..DV], &want, 2e-5);
        }
    }
    check.finish(&out)
}

/// sdpa MACs: h·n²·(d + dv) multiply-adds + h·n² `exp`; no parameters, no scratch.
const fn sdpa_cost(n: usize) -> Cost {
    Cost::new(0, H * n * n * (D + DV) + H * n * n, 0)
}

const fn sdpa_data(n: usize) -> u32 {
    (3 * H * n * D * 4) as u32
}

/// LSH attention, 2 heads, d = dv = 32: `L` = 2·n·32, `RL` rotations, `IL`/`FL` scratch.
fn lsh_case<const N: usize, const L: usize, const RL: usize, const IL: usize, const FL: usize>(
    m: &mut dyn Meter,
) -> Outcome {
    let mut qk = [0.0f32; L];
    let mut v = [0.0f32; L];
    let mut rot = [0.0f32; RL];
    normals(501, &mut qk, 1.0);
    normals(502, &mut v, 1.0);
    normals(503, &mut rot, 1.0);
    let mut idx = [0u32; IL];
    let mut f = [0.0f32; FL];
    let mut out = [0.0f32; L];
    let shape = LshShape { heads: H, n: N, d: D, dv: DV };
    let cfg = lsh_config(N);
    let mut ok = true;
    m.measure(&mut || {
        ok &= lsh_attention(&qk, &v, &rot, shape, cfg, (&mut idx, &mut f), &mut out).is_ok()
    });
    let mut check = Check::new(ok);
    let mut want = [0.0f64; DV];
    // order/slot need ROUNDS·N u16: reuse the index scratch's storage size (IL ≥ ROUNDS·N).
    let mut order = [0u16; IL];
    let mut slot = [0u16; IL];
    for h in 0..H {
        let (qh, vh) = (&qk[h * N * D..][..N * D], &v[h * N * DV..][..N * DV]);
        lsh_order_ref(qh, &rot, N, D, cfg, &mut order, &mut slot);
        for i in checked_rows(N) {
            lsh_row_ref(qh, vh, N, D, DV, cfg, &order, &slot, i, &mut want);
            check.row(&out[(h * N + i) * DV..][..DV], &want, 2e-5);
        }
    }
    check.finish(&out)
}

/// LSH MACs per head: key norms n·d, hashing R·n·d·b/2, chunks R·n·2c·(d + dv)
/// multiply-adds and R·n·2c `exp`; parameters: the rotations d·R·b/2;
/// scratch: the u32 and f32 workspaces.
const fn lsh_cost(n: usize) -> Cost {
    let b = n_buckets(n);
    let per_head = n * D + ROUNDS * n * D * (b / 2) + ROUNDS * n * 2 * CHUNK * (D + DV + 1);
    Cost::new(
        D * ROUNDS * (b / 2),
        H * per_head,
        4 * (lsh_index_scratch_len(n, ROUNDS, b) + lsh_f32_scratch_len(n)),
    )
}

const fn lsh_data(n: usize) -> u32 {
    (3 * H * n * D * 4 + D * ROUNDS * (n_buckets(n) / 2) * 4 + lsh_cost(n).scratch_bytes) as u32
}

macro_rules! attention_cases {
    ($($sdpa:ident, $lsh:ident, $n:literal;)*) => {$(
        #[doc = concat!("attention.sdpa (full, k = q), 2 heads, d = dv = 32, n = ", stringify!($n), ".")]
        pub const $sdpa: Case = Case::new("attention.sdpa", concat!("n=", stringify!($n)), sdpa_cost($n), sdpa_data($n), sdpa_case::<$n, { H * $n * D }>);
        #[doc = concat!("attention.lsh, 2 heads, d = dv = 32, R = 2, chunks of 32, n = ", stringify!($n), ".")]
        pub const $lsh: Case = Case::new("attention.lsh", concat!("n=", stringify!($n)), lsh_cost($n), lsh_data($n), lsh_case::<
                $n,
                { H * $n * D },
                { D * ROUNDS * (n_buckets($n) / 2) },
                { lsh_index_scratch_len($n, ROUNDS, n_buckets($n)) },
                { lsh_f32_scratch_len($n) },
            >);
    )*};
}

attention_cases! {
    SDPA_64, LSH_64, 64;
    SDPA_128, LSH_128, 128;
    SDPA_256, LSH_256, 256;
    SDPA_512, LSH_512, 512;
    SDPA_1024, LSH_1024, 1024;
}

// A small pre-LN transformer block: d_model = 32, 2 heads (d_h = 16), n = 128, d_ff = 64, GELU.
const TD: usize = 32;
const TH: usize = 2;
const TDH: usize = TD / TH;
const TN: usize = 128;
const TFF: usize = 64;
const DIMS: TransformerDims =
    TransformerDims { d: TD, heads: TH, d_ff: TFF, act: Activation::Gelu };
const T_CFG: LshConfig = lsh_config(TN);
const T_ROT: usize = TDH * ROUNDS * (n_buckets(TN) / 2);
const P_FULL: usize = TransformerBlock::flat_len(DIMS, false);
const P_LSH: usize = TransformerBlock::flat_len(DIMS, true);
/// f32 scratch: max(attention, d + d_ff); full 4·n·d, LSH 3·n·d + 3·n.
const TF_FULL: usize = 4 * TN * TD;
const TF_LSH: usize = 3 * TN * TD + lsh_f32_scratch_len(TN);
const TI_LSH: usize = lsh_index_scratch_len(TN, ROUNDS, n_buckets(TN));

/// The blocks' weights: `KIND_TRANSFORMER` blobs (plasticore::blob) made by
/// `cargo run -p plasticore-host --example make_transformer_blob` (seeds 601
/// and 602; γ = 1 + 0.1·N(0,1), β and biases 0.1·N(0,1), matrices
/// N(0, 1/fan_in)), kept in flash and parsed at run time.
static BLOB_FULL: &[u8] = include_bytes!("../../tests/data/attention/transformer_block_full.blob");
static BLOB_LSH: &[u8] = include_bytes!("../../tests/data/attention/transformer_block_lsh.blob");

/// Parses `bytes`, checks it describes this block (n, d, heads, d_ff, GELU,
/// shared QK iff LSH) and copies its table into `params`.
fn load_block<'a>(
    bytes: &[u8],
    params: &'a mut [f32],
    mode: AttentionMode<'a>,
) -> Option<TransformerBlock<'a>> {
    let blob = Blob::parse(bytes).ok()?;
    let spec = TransformerSpec::parse(&blob).ok()?;
    if spec.n != TN || spec.dims != DIMS {
        return None;
    }
    TransformerBlock::from_blob(&blob, params, mode).ok()
}

fn layer_norm_ref(x: &[f32], gamma: &[f32], beta: &[f32], out: &mut [f64]) {
    let n = x.len() as f64;
    let mu = x.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = x.iter().map(|&v| (v as f64 - mu) * (v as f64 - mu)).sum::<f64>() / n;
    let inv = 1.0 / libm::sqrt(var + 1e-5);
    for (((o, &v), &g), &b) in out.iter_mut().zip(x).zip(gamma).zip(beta) {
        *o = g as f64 * (v as f64 - mu) * inv + b as f64;
    }
}

/// y = W·x (+ b) in f64, W `[rows, cols]` row-major.
fn affine_ref(w: &[f32], b: Option<&[f32]>, x: &[f64], y: &mut [f64]) {
    let cols = x.len();
    for (o, yo) in y.iter_mut().enumerate() {
        let s: f64 = w[o * cols..(o + 1) * cols].iter().zip(x).map(|(&a, &c)| a as f64 * c).sum();
        *yo = s + b.map_or(0.0, |b| b[o] as f64);
    }
}

/// The block in f64 for row `i`, given head-major q, k (= q with LSH), v `[h, n, d_h]`
/// computed by the reference from LN₁(x).
#[allow(clippy::too_many_arguments)]
fn block_row_ref(
    p: &[f32],
    shared: bool,
    x: &[f32],
    q: &[f64],
    k: &[f64],
    v: &[f64],
    lsh: Option<(&[u16], &[u16])>,
    i: usize,
    out: &mut [f64; TD],
) {
    let (d, f) = (TD, TFF);
    let proj = if shared { 3 } else { 4 };
    let wo = &p[2 * d + (proj - 1) * d * d..][..d * d];
    let rest = &p[2 * d + proj * d * d..];
    let (g2, b2n) = (&rest[..d], &rest[d..2 * d]);
    let w1 = &rest[2 * d..][..f * d];
    let b1 = &rest[2 * d + f * d..][..f];
    let w2 = &rest[2 * d + f * d + f..][..d * f];
    let b2 = &rest[2 * d + 2 * f * d + f..][..d];
    let mut concat = [0.0f64; TD];
    for h in 0..TH {
        let r = h * TN * TDH..(h + 1) * TN * TDH;
        let (qh, kh, vh) = (&q[r.clone()], &k[r.clone()], &v[r]);
        let mut row = [0.0f64; TDH];
        match lsh {
            None => full_row_ref(qh, kh, vh, TN, TDH, TDH, i, &mut row),
            Some((order, slot)) => {
                let (o, s) = (&order[h * ROUNDS * TN..], &slot[h * ROUNDS * TN..]);
                lsh_row_ref(qh, vh, TN, TDH, TDH, T_CFG, o, s, i, &mut row)
            }
        }
        concat[h * TDH..(h + 1) * TDH].copy_from_slice(&row);
    }
    let mut y = [0.0f64; TD];
    affine_ref(wo, None, &concat, &mut y);
    for (yo, &xv) in y.iter_mut().zip(&x[i * d..(i + 1) * d]) {
        *yo += xv as f64;
    }
    // LN₂ over the f64 row.
    let mu = y.iter().sum::<f64>() / d as f64;
    let var = y.iter().map(|&a| (a - mu) * (a - mu)).sum::<f64>() / d as f64;
    let inv = 1.0 / libm::sqrt(var + 1e-5);
    let mut ln = [0.0f64; TD];
    for e in 0..d {
        ln[e] = g2[e] as f64 * (y[e] - mu) * inv + b2n[e] as f64;
    }
    let mut hid = [0.0f64; TFF];
    affine_ref(w1, Some(b1), &ln, &mut hid);
    hid.iter_mut().for_each(|a| *a = 0.5 * *a * (1.0 + libm::erf(*a / core::f64::consts::SQRT_2)));
    let mut ff = [0.0f64; TD];
    affine_ref(w2, Some(b2), &hid, &mut ff);
    for e in 0..d {
        out[e] = y[e] + ff[e];
    }
}

fn block_case<const SHARED: bool, const P: usize, const FL: usize, const IL: usize>(
    m: &mut dyn Meter,
) -> Outcome {
    let mut params = [0.0f32; P];
    let mut rot = [0.0f32; T_ROT];
    normals(603, &mut rot, 1.0);
    let mut x0 = [0.0f32; TN * TD];
    normals(604, &mut x0, 1.0);
    let mode = if SHARED {
        AttentionMode::Lsh { rotations: &rot, config: T_CFG }
    } else {
        AttentionMode::Full { causal: false }
    };
    let mut x = x0;
    let mut idx = [0u32; IL];
    let mut f = [0.0f32; FL];
    let mut ok = true;
    let bytes = if SHARED { BLOB_LSH } else { BLOB_FULL };
    match load_block(bytes, &mut params, mode) {
        Some(block) => m.measure(&mut || {
            // The block works in place: start from the same input on every call.
            x = x0;
            ok &= block.forward(&mut x, (&mut idx, &mut f)).is_ok();
        }),
        None => ok = false,
    }
    // Reference: LN₁ and the projections of every row in f64, head-major.
    let d = TD;
    let (g1, b1n) = (&params[..d], &params[d..2 * d]);
    let wq = &params[2 * d..][..d * d];
    let (wk, wv) = if SHARED {
        (wq, &params[2 * d + d * d..][..d * d])
    } else {
        (&params[2 * d + d * d..][..d * d], &params[2 * d + 2 * d * d..][..d * d])
    };
    let mut q = [0.0f64; TN * TD];
    let mut k = [0.0f64; TN * TD];
    let mut v = [0.0f64; TN * TD];
    let mut a = [0.0f64; TD];
    let mut row = [0.0f64; TD];
    for i in 0..TN {
        layer_norm_ref(&x0[i * d..(i + 1) * d], g1, b1n, &mut a);
        for (w, dst) in [(wq, &mut q), (wk, &mut k), (wv, &mut v)] {
            affine_ref(w, None, &a, &mut row);
            for (o, &val) in row.iter().enumerate() {
                dst[((o / TDH) * TN + i) * TDH + o % TDH] = val;
            }
        }
    }
    let mut order = [0u16; TH * ROUNDS * TN];
    let mut slot = [0u16; TH * ROUNDS * TN];
    if SHARED {
        for h in 0..TH {
            let r = h * ROUNDS * TN..(h + 1) * ROUNDS * TN;
            lsh_order_ref(
                &q[h * TN * TDH..][..TN * TDH],
                &rot,
                TN,
                TDH,
                T_CFG,
                &mut order[r.clone()],
                &mut slot[r],
            );
        }
    }
    let mut check = Check::new(ok);
    let mut want = [0.0f64; TD];
    for i in [0, 1, 31, 64, 100, 127] {
        let lsh = if SHARED { Some((&order[..], &slot[..])) } else { None };
        block_row_ref(&params, SHARED, &x0, &q, &k, &v, lsh, i, &mut want);
        check.row(&x[i * d..(i + 1) * d], &want, 1e-4);
    }
    check.finish(&x)
}

/// Block MACs: 2 layer norms (2·n·d each), projections n·d²·(3 or 4), attention
/// (sdpa or LSH with d_h = d/heads), W_o n·d², feed-forward 2·n·d·d_ff + n·d_ff
/// (GELU's erf as one); parameters: the flat table (+ rotations); scratch: f32 + u32.
const fn block_cost(shared: bool) -> Cost {
    let (n, d, f) = (TN, TD, TFF);
    let proj = if shared { 3 } else { 4 };
    let attn = if shared {
        let b = n_buckets(n);
        TH * (n * TDH + ROUNDS * n * TDH * (b / 2) + ROUNDS * n * 2 * CHUNK * (TDH + TDH + 1))
    } else {
        TH * n * n * (2 * TDH + 1)
    };
    let macs = 4 * n * d + proj * n * d * d + attn + n * d * d + 2 * n * d * f + n * f;
    if shared {
        Cost::new(P_LSH + T_ROT, macs, 4 * (TF_LSH + TI_LSH))
    } else {
        Cost::new(P_FULL, macs, 4 * TF_FULL)
    }
}

/// x, its saved copy, parameters (+ rotations) and scratch.
const fn block_data(shared: bool) -> u32 {
    let p = if shared { P_LSH + T_ROT } else { P_FULL };
    (4 * (2 * TN * TD + p) + block_cost(shared).scratch_bytes) as u32
}

/// attention.transformer_block with full attention: d = 32, 2 heads, n = 128, d_ff = 64.
pub const BLOCK_FULL: Case = Case::new(
    "attention.transformer_block",
    "full d=32 h=2 n=128 ff=64",
    block_cost(false),
    block_data(false),
    block_case::<false, P_FULL, TF_FULL, 1>,
);

/// attention.transformer_block with LSH attention (R = 2, b = 4, chunks of 32).
pub const BLOCK_LSH: Case = Case::new(
    "attention.transformer_block",
    "lsh d=32 h=2 n=128 ff=64",
    block_cost(true),
    block_data(true),
    block_case::<true, P_LSH, TF_LSH, TI_LSH>,
);
