//! numerics cases: KL, moving averages, SupCon (with gradient), radioactive
//! marking and p-value, reshape. Each checks against a plain f64 reference
//! written here; MACs come from `plasticore::cost`.

use plasticore::linalg::Layout;
use plasticore::rng::Rng;
use plasticore::stats::MovingAverage;
use plasticore::tensor::{self, Shape};
use plasticore::{cost, loss, radioactive, stats};

use crate::{outcome, Case, Meter, Outcome};

fn fill<const N: usize>(seed: u64, lo: f32, hi: f32) -> [f32; N] {
    let mut r = Rng::new(seed);
    let mut a = [0.0f32; N];
    r.fill_uniform(&mut a, lo, hi);
    a
}

fn kl_case(m: &mut dyn Meter) -> Outcome {
    let (p, q) = crate::inputs::kl_pair();
    let mut out = [0.0f32];
    let mut ok = true;
    m.measure(&mut || match stats::kl(&p, &q) {
        Ok(v) => out[0] = v,
        Err(_) => ok = false,
    });
    let want: f64 = p
        .iter()
        .zip(&q)
        .filter(|(&a, _)| a > 0.0)
        .map(|(&a, &b)| a as f64 * libm::log(a as f64 / b as f64))
        .sum();
    outcome(ok, &out, &[want], 1e-5)
}

/// stats.kl, n = 64.
pub const KL_64: Case = Case::new("stats.kl", "n=64", cost::kl(64), 2 * 64 * 4 + 4, kl_case);

const MA_N: usize = 256;
const MA_W: usize = 7;

fn moving_average_case(m: &mut dyn Meter) -> Outcome {
    let x = crate::inputs::moving_average_source();
    let mut out = [0.0f32; MA_N - MA_W + 1];
    let mut ok = true;
    m.measure(&mut || ok &= stats::moving_average(&x, MA_W, &mut out).is_ok());
    let mut want = [0.0f64; MA_N - MA_W + 1];
    for (i, w) in want.iter_mut().enumerate() {
        *w = x[i..i + MA_W].iter().map(|&v| v as f64).sum::<f64>() / MA_W as f64;
    }
    outcome(ok, &out, &want, 1e-6)
}

/// stats.moving_average, n = 256, window 7.
pub const MOVING_AVERAGE_256: Case = Case::new(
    "stats.moving_average",
    "n=256 w=7",
    cost::moving_average(MA_N, MA_W),
    ((MA_N + MA_N - MA_W + 1) * 4) as u32,
    moving_average_case,
);

const ST_N: usize = 1024;
const ST_W: usize = 64;

fn stream_case(m: &mut dyn Meter) -> Outcome {
    let x = fill::<ST_N>(104, -1000.0, 1000.0);
    let mut out = [0.0f32; ST_N - ST_W + 1];
    let mut ok = true;
    let mut ma = MovingAverage::<ST_W>::new();
    m.measure(&mut || {
        ma.reset();
        let mut k = 0;
        for &v in &x {
            match ma.push(v) {
                Ok(Some(mean)) => {
                    if let Some(o) = out.get_mut(k) {
                        *o = mean;
                    }
                    k += 1;
                }
                Ok(None) => {}
                Err(_) => ok = false,
            }
        }
        ok &= k == out.len();
    });
    let mut want = [0.0f64; ST_N - ST_W + 1];
    for (i, w) in want.iter_mut().enumerate() {
        *w = x[i..i + ST_W].iter().map(|&v| v as f64).sum::<f64>() / ST_W as f64;
    }
    // Means of ±1000 values: compare at the scale of the inputs.
    want.iter_mut().zip(out.iter_mut()).for_each(|(w, o)| {
        *w /= 1000.0;
        *o /= 1000.0;
    });
    outcome(ok, &out, &want, 1e-6)
}

/// stats::MovingAverage<64>::push, 1024 samples.
pub const MOVING_AVERAGE_STREAM_64: Case = Case::new(
    "stats.moving_average_stream",
    "W=64 x1024",
    {
        let c = cost::moving_average_stream(ST_W);
        cost::Cost::new(c.params, c.macs * ST_N, c.scratch_bytes)
    },
    ((ST_N + ST_N - ST_W + 1) * 4) as u32,
    stream_case,
);

const SC_N: usize = 32;
const SC_D: usize = 16;
const SC_T: f64 = 0.1;

/// f64 SupCon loss and gradient, dense, straight from the formula.
fn supcon_ref(f: &[f32], labels: &[i32], out: &mut [f64]) {
    let mut z = [[0.0f64; SC_D]; SC_N];
    let mut norm = [0.0f64; SC_N];
    for (i, row) in f.chunks_exact(SC_D).enumerate() {
        norm[i] = libm::sqrt(row.iter().map(|&v| v as f64 * v as f64).sum());
        for k in 0..SC_D {
            z[i][k] = row[k] as f64 / norm[i];
        }
    }
    let s = |i: usize, a: usize| (0..SC_D).map(|k| z[i][k] * z[a][k]).sum::<f64>() / SC_T;
    let npos = |i: usize| (0..SC_N).filter(|&p| p != i && labels[p] == labels[i]).count();
    let anchors = (0..SC_N).filter(|&i| npos(i) > 0).count() as f64;
    let mut gz = [[0.0f64; SC_D]; SC_N];
    let mut total = 0.0;
    for i in 0..SC_N {
        let np = npos(i);
        if np == 0 {
            continue;
        }
        let den: f64 = (0..SC_N).filter(|&a| a != i).map(|a| libm::exp(s(i, a))).sum();
        for a in (0..SC_N).filter(|&a| a != i) {
            let q = libm::exp(s(i, a)) / den;
            let pos = if labels[a] == labels[i] { 1.0 / np as f64 } else { 0.0 };
            if pos > 0.0 {
                total -= pos * libm::log(q);
            }
            let g = (q - pos) / anchors / SC_T;
            for k in 0..SC_D {
                gz[i][k] += g * z[a][k];
                gz[a][k] += g * z[i][k];
            }
        }
    }
    out[0] = total / anchors;
    for i in 0..SC_N {
        let proj: f64 = (0..SC_D).map(|k| gz[i][k] * z[i][k]).sum();
        for k in 0..SC_D {
            out[1 + i * SC_D + k] = (gz[i][k] - proj * z[i][k]) / norm[i];
        }
    }
}

fn supcon_case(m: &mut dyn Meter) -> Outcome {
    let f = fill::<{ SC_N * SC_D }>(105, -1.0, 1.0);
    let mut labels = [0i32; SC_N];
    labels.iter_mut().enumerate().for_each(|(i, l)| *l = (i % 5) as i32);
    let mut out = [0.0f32; 1 + SC_N * SC_D];
    let mut scratch = [0.0f32; loss::supcon_scratch_len(SC_N)];
    let mut ok = true;
    m.measure(&mut || {
        let (l, g) = out.split_at_mut(1);
        match loss::supcon_loss_grad(&f, SC_D, &labels, SC_T as f32, g, &mut scratch) {
            Ok(v) => l[0] = v,
            Err(_) => ok = false,
        }
    });
    let mut want = [0.0f64; 1 + SC_N * SC_D];
    supcon_ref(&f, &labels, &mut want);
    outcome(ok, &out, &want, 1e-5)
}

/// loss.supcon with its gradient, n = 32, d = 16.
// Stack: the f64 reference gradient.
pub const SUPCON_32X16: Case = Case::new(
    "loss.supcon",
    "32x16 grad",
    cost::supcon_grad(SC_N, SC_D),
    ((2 * SC_N * SC_D + 1 + 2 * SC_N) * 4 + SC_N * 4) as u32,
    supcon_case,
)
.with_ram(4 * (((2 * SC_N * SC_D + 1 + 2 * SC_N) * 4 + SC_N * 4) as u32) + 1024);

const MK_N: usize = 32;
const MK_D: usize = 64;

fn mark_case(m: &mut dyn Meter) -> Outcome {
    let f = fill::<{ MK_N * MK_D }>(106, -1.0, 1.0);
    let u = fill::<MK_D>(107, -1.0, 1.0);
    let mut out = [0.0f32; MK_N * MK_D];
    let mut ok = true;
    m.measure(&mut || ok &= radioactive::mark(&f, &u, 0.5, &mut out).is_ok());
    let un = libm::sqrt(u.iter().map(|&v| v as f64 * v as f64).sum());
    let mut want = [0.0f64; MK_N * MK_D];
    for (row, w) in f.chunks_exact(MK_D).zip(want.chunks_exact_mut(MK_D)) {
        let n0 = libm::sqrt(row.iter().map(|&v| v as f64 * v as f64).sum());
        for ((wk, &x), &uk) in w.iter_mut().zip(row).zip(&u) {
            *wk = x as f64 + 0.5 * uk as f64 / un;
        }
        let n1 = libm::sqrt(w.iter().map(|v| v * v).sum());
        w.iter_mut().for_each(|v| *v *= n0 / n1);
    }
    outcome(ok, &out, &want, 1e-5)
}

/// radioactive.mark, n = 32, d = 64, strength 0.5.
pub const MARK_32X64: Case = Case::new(
    "radioactive.mark",
    "32x64",
    cost::radioactive_mark(MK_N, MK_D),
    ((2 * MK_N * MK_D + MK_D) * 4) as u32,
    mark_case,
);

const PV_D: usize = 65;

fn pvalue_case(m: &mut dyn Meter) -> Outcome {
    let w = fill::<PV_D>(108, -1.0, 1.0);
    let mut u = fill::<PV_D>(109, -1.0, 1.0);
    // Lean u towards w so the p-value is small but representable: c ≈ 0.5.
    u.iter_mut().zip(&w).for_each(|(a, &b)| *a += 0.6 * b);
    let mut out = [0.0f32];
    let mut ok = true;
    m.measure(&mut || match radioactive::pvalue(&w, &u) {
        Ok(p) => out[0] = p as f32,
        Err(_) => ok = false,
    });
    // d odd: p = ∫_c^1 (1−t²)^k dt / ∫_{−1}^1 (1−t²)^k dt, k = (d−3)/2, by the
    // recursion (2k+1) I_k = 2k I_{k−1} − c (1−c²)^k, I_0 = 1 − c.
    let dot =
        |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum::<f64>();
    let c = dot(&w, &u) / libm::sqrt(dot(&w, &w) * dot(&u, &u));
    let (mut num, mut den) = (1.0 - c, 2.0);
    for k in 1..=(PV_D - 3) / 2 {
        let k = k as f64;
        num = (2.0 * k * num - c * libm::pow(1.0 - c * c, k)) / (2.0 * k + 1.0);
        den = 2.0 * k * den / (2.0 * k + 1.0);
    }
    // Relative comparison: scale the tiny p-value to O(1).
    let want = num / den;
    let got = [out[0] / want as f32];
    outcome(ok, &got, &[1.0], 1e-5)
}

/// radioactive.pvalue, d = 65 (f64 inside: software floating point on the M4F).
pub const PVALUE_65: Case = Case::new(
    "radioactive.pvalue",
    "d=65",
    cost::radioactive_pvalue(PV_D),
    (2 * PV_D * 4 + 4) as u32,
    pvalue_case,
);

fn reshape_case(m: &mut dyn Meter) -> Outcome {
    let x = fill::<256>(110, -1.0, 1.0);
    let mut out = [0.0f32; 256];
    let mut ok = true;
    m.measure(&mut || {
        let r = (|| {
            let from = Shape::new(&[8, 8, 4])?;
            let to = Shape::new(&[16, 16])?;
            tensor::reshape(
                &x,
                &from,
                Layout::RowMajor,
                &to,
                Layout::ColMajor,
                &mut out,
                Layout::RowMajor,
            )
        })();
        ok &= r.is_ok();
    });
    // F order: flat index k = i + 8j + 64l of (8, 8, 4) = a + 16b of (16, 16).
    let mut want = [0.0f64; 256];
    for k in 0..256 {
        let (i, j, l) = (k % 8, (k / 8) % 8, k / 64);
        let (a, b) = (k % 16, k / 16);
        want[a * 16 + b] = x[i * 32 + j * 4 + l] as f64;
    }
    outcome(ok, &out, &want, 0.0)
}

/// tensor.reshape [8, 8, 4] → [16, 16], order F, C storage.
pub const RESHAPE_F_256: Case =
    Case::new("tensor.reshape", "8x8x4->16x16 F", cost::reshape(256), 2 * 256 * 4, reshape_case);
