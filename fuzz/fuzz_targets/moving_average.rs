//! The streaming `MovingAverage<W>` and the slice `moving_average` against a
//! direct window mean in f64, on arbitrary finite samples: the error of every
//! output is bounded by the compensated sums' bound, a few ulp of the window's
//! absolute sum, however many samples came before (module docs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use plasticore::stats::{moving_average, MovingAverage};

const W: usize = 5;

fuzz_target!(|data: (u8, Vec<i32>)| {
    let (scale, raw) = data;
    // Finite samples across many magnitudes: x = raw · 2^(scale mod 40 − 20).
    let s = (2.0f64).powi((scale % 40) as i32 - 20);
    let x: Vec<f32> = raw.iter().take(4096).map(|&r| (r as f64 * s) as f32).collect();
    let mut ma = MovingAverage::<W>::new();
    for (t, &v) in x.iter().enumerate() {
        let got = ma.push(v).expect("finite sample");
        let lo = (t + 1).saturating_sub(W);
        let window = &x[lo..=t];
        let exact: f64 = window.iter().map(|&v| v as f64).sum::<f64>() / window.len() as f64;
        let abs: f64 = window.iter().map(|&v| (v as f64).abs()).sum::<f64>() / window.len() as f64;
        let tol = 8.0 * f32::EPSILON as f64 * abs + f32::MIN_POSITIVE as f64;
        let partial = ma.partial_mean().expect("non-empty");
        assert!((partial as f64 - exact).abs() <= tol, "t {t}: {partial} vs {exact}");
        match got {
            Some(m) => {
                assert_eq!(t + 1 >= W, true);
                assert!((m as f64 - exact).abs() <= tol, "t {t}: {m} vs {exact}");
            }
            None => assert!(t + 1 < W),
        }
    }
    if x.len() >= W {
        let mut out = vec![0.0f32; x.len() - W + 1];
        moving_average(&x, W, &mut out).expect("valid sizes");
        for (i, &m) in out.iter().enumerate() {
            let w = &x[i..i + W];
            let exact: f64 = w.iter().map(|&v| v as f64).sum::<f64>() / W as f64;
            let abs: f64 = w.iter().map(|&v| (v as f64).abs()).sum::<f64>() / W as f64;
            let tol = 8.0 * f32::EPSILON as f64 * abs + f32::MIN_POSITIVE as f64;
            assert!((m as f64 - exact).abs() <= tol, "i {i}: {m} vs {exact}");
        }
    }
});
