//! linalg and nn cases.

use plasticore::cost;
use plasticore::linalg::{self, Layout, MatMut, MatRef};
use plasticore::nn;

use crate::{outcome, Case, Meter, Outcome};

use crate::inputs::{self, uniform as fill};

fn dot_ref(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum()
}

fn dot_case<const N: usize>(m: &mut dyn Meter) -> Outcome {
    let a = fill::<N>(inputs::DOT.0);
    let b = fill::<N>(inputs::DOT.1);
    let mut out = [0.0f32];
    let mut ok = true;
    m.measure(&mut || match linalg::dot(&a, &b) {
        Ok(v) => out[0] = v,
        Err(_) => ok = false,
    });
    outcome(ok, &out, &[dot_ref(&a, &b)], 1e-5)
}

/// linalg.dot, n = 64.
pub const DOT_64: Case =
    Case::new("linalg.dot", "n=64", cost::dot(64), 2 * 64 * 4 + 4, dot_case::<64>);

/// linalg.dot, n = 4096.
pub const DOT_4096: Case =
    Case::new("linalg.dot", "n=4096", cost::dot(4096), 2 * 4096 * 4 + 4, dot_case::<4096>);

fn axpy_case(m: &mut dyn Meter) -> Outcome {
    let x = fill::<64>(3);
    let y0 = fill::<64>(4);
    let mut y = y0;
    let mut ok = true;
    m.measure(&mut || {
        y = y0;
        ok &= linalg::axpy(0.5, &x, &mut y).is_ok();
    });
    let mut want = [0.0f64; 64];
    for (w, (&xi, &yi)) in want.iter_mut().zip(x.iter().zip(&y0)) {
        *w = 0.5 * xi as f64 + yi as f64;
    }
    outcome(ok, &y, &want, 1e-6)
}

/// linalg.axpy, n = 64.
pub const AXPY_64: Case = Case::new("linalg.axpy", "n=64", cost::axpy(64), 3 * 64 * 4, axpy_case);

fn matvec_case<const R: usize, const C: usize, const RC: usize>(
    m: &mut dyn Meter,
    layout: Layout,
) -> Outcome {
    let a = fill::<RC>(inputs::MATVEC.0);
    let x = fill::<C>(inputs::MATVEC.1);
    let mut out = [0.0f32; R];
    let mut ok = true;
    m.measure(&mut || match MatRef::new(&a, R, C, layout) {
        Ok(mat) => ok &= linalg::matvec(&mat, &x, &mut out).is_ok(),
        Err(_) => ok = false,
    });
    let mut want = [0.0f64; R];
    for (i, w) in want.iter_mut().enumerate() {
        for (j, &xj) in x.iter().enumerate() {
            *w += a[layout.index(i, j, R, C)] as f64 * xj as f64;
        }
    }
    outcome(ok, &out, &want, 1e-5)
}

/// linalg.matvec, 16 × 16, row-major.
pub const MATVEC_16: Case =
    Case::new("linalg.matvec", "16x16", cost::matvec(16, 16), (256 + 16 + 16) * 4, |m| {
        matvec_case::<16, 16, 256>(m, Layout::RowMajor)
    });

/// linalg.matvec, 64 × 64, row-major.
pub const MATVEC_64: Case =
    Case::new("linalg.matvec", "64x64", cost::matvec(64, 64), (4096 + 64 + 64) * 4, |m| {
        matvec_case::<64, 64, 4096>(m, Layout::RowMajor)
    });

/// linalg.matvec, 64 × 64, column-major (same result bits as row-major of the same matrix).
pub const MATVEC_64_COLMAJOR: Case =
    Case::new("linalg.matvec", "64x64 colmajor", cost::matvec(64, 64), (4096 + 64 + 64) * 4, |m| {
        matvec_case::<64, 64, 4096>(m, Layout::ColMajor)
    });

fn matmul_case(m: &mut dyn Meter) -> Outcome {
    const N: usize = 16;
    let a = fill::<256>(7);
    let b = fill::<256>(8);
    let mut out = [0.0f32; 256];
    let mut ok = true;
    m.measure(&mut || {
        let r = (|| {
            let am = MatRef::new(&a, N, N, Layout::RowMajor)?;
            let bm = MatRef::new(&b, N, N, Layout::RowMajor)?;
            let mut om = MatMut::new(&mut out, N, N, Layout::RowMajor)?;
            linalg::matmul(&am, &bm, &mut om)
        })();
        ok &= r.is_ok();
    });
    let mut want = [0.0f64; 256];
    for i in 0..N {
        for j in 0..N {
            want[i * N + j] = (0..N).map(|k| a[i * N + k] as f64 * b[k * N + j] as f64).sum();
        }
    }
    outcome(ok, &out, &want, 1e-5)
}

/// linalg.matmul, 16 × 16 × 16.
pub const MATMUL_16: Case =
    Case::new("linalg.matmul", "16x16x16", cost::matmul(16, 16, 16), 3 * 256 * 4, matmul_case);

fn softmax_case(m: &mut dyn Meter) -> Outcome {
    let x = inputs::logits();
    let mut out = [0.0f32; 64];
    let mut ok = true;
    m.measure(&mut || ok &= nn::softmax(&x, &mut out).is_ok());
    let mx = x.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    let mut want = [0.0f64; 64];
    let mut z = 0.0;
    for (w, &v) in want.iter_mut().zip(&x) {
        *w = libm::exp(v as f64 - mx);
        z += *w;
    }
    want.iter_mut().for_each(|w| *w /= z);
    outcome(ok, &out, &want, 1e-5)
}

/// nn.softmax, n = 64.
pub const SOFTMAX_64: Case =
    Case::new("nn.softmax", "n=64", cost::softmax(64), 2 * 64 * 4, softmax_case);

fn logsumexp_case(m: &mut dyn Meter) -> Outcome {
    let x = inputs::logits();
    let mut out = [0.0f32];
    let mut ok = true;
    m.measure(&mut || match nn::logsumexp(&x) {
        Ok(v) => out[0] = v,
        Err(_) => ok = false,
    });
    let mx = x.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    let z: f64 = x.iter().map(|&v| libm::exp(v as f64 - mx)).sum();
    outcome(ok, &out, &[mx + libm::log(z)], 1e-6)
}

/// nn.logsumexp, n = 64 (the logits of [`SOFTMAX_64`]).
pub const LOGSUMEXP_64: Case =
    Case::new("nn.logsumexp", "n=64", cost::logsumexp(64), 64 * 4 + 4, logsumexp_case);
