//! Radioactive data end to end (Sablayrolles et al. 2020): mark the features
//! of one class with a secret carrier, fit a linear classifier (logistic
//! regression by full-batch gradient descent, here in the test), and test the
//! classifier's weight against the carrier.
//!
//! - Marked training data: p < 1e-6 for every seed.
//! - Clean training data (same pipeline, carrier never used): the p-values
//!   over 40 seeds look uniform: Kolmogorov–Smirnov distance to U(0, 1)
//!   below 0.215 (the 5 % critical value for n = 40), mean within
//!   0.5 ± 3σ (σ = 1/√(12·40) ≈ 0.046), none below 1e-3.

use plasticore::radioactive;
use plasticore::rng::Rng;

const D: usize = 128;
const N: usize = 1000;

fn unit(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter_mut().for_each(|x| *x /= n);
}

/// Two Gaussian classes separated along a random direction; unit-norm features.
fn dataset(rng: &mut Rng) -> (Vec<f32>, Vec<f32>) {
    let mut v = [0.0f32; D];
    rng.fill_normal(&mut v);
    unit(&mut v);
    let mut x = vec![0.0f32; N * D];
    let mut y = vec![0.0f32; N];
    for (i, row) in x.chunks_exact_mut(D).enumerate() {
        let label = (i % 2) as f32;
        y[i] = label;
        rng.fill_normal(row);
        let s = if label > 0.5 { 1.5 } else { -1.5 };
        row.iter_mut().zip(&v).for_each(|(r, vk)| *r += s * vk);
        unit(row);
    }
    (x, y)
}

/// Logistic regression w, b by `steps` of full-batch gradient descent.
fn fit(x: &[f32], y: &[f32], steps: usize, lr: f32) -> Vec<f32> {
    let mut w = vec![0.0f32; D];
    let mut b = 0.0f32;
    let mut g = vec![0.0f32; D];
    for _ in 0..steps {
        g.iter_mut().for_each(|v| *v = 0.0);
        let mut gb = 0.0f32;
        for (row, &t) in x.chunks_exact(D).zip(y) {
            let z: f32 = row.iter().zip(&w).map(|(a, b)| a * b).sum::<f32>() + b;
            let e = 1.0 / (1.0 + (-z).exp()) - t;
            g.iter_mut().zip(row).for_each(|(gk, xk)| *gk += e * xk);
            gb += e;
        }
        let s = lr / y.len() as f32;
        w.iter_mut().zip(&g).for_each(|(wk, gk)| *wk -= s * gk);
        b -= s * gb;
    }
    w
}

fn experiment(seed: u64, strength: Option<f32>) -> f64 {
    let mut rng = Rng::new(seed);
    let (mut x, y) = dataset(&mut rng);
    let mut u = [0.0f32; D];
    rng.fill_normal(&mut u);
    if let Some(a) = strength {
        // Mark the features of class 1 only (the data whose use we trace).
        for (row, &t) in x.chunks_exact_mut(D).zip(&y) {
            if t > 0.5 {
                radioactive::mark_in_place(row, &u, a).unwrap();
            }
        }
    }
    let w = fit(&x, &y, 30, 4.0);
    radioactive::pvalue(&w, &u).unwrap()
}

#[test]
fn marked_training_data_is_detected() {
    let mut worst = 0.0f64;
    for seed in 0..5 {
        let p = experiment(seed, Some(0.2));
        worst = worst.max(p);
        assert!(p < 1e-6, "seed {seed}: p = {p:e}");
    }
    eprintln!("marked (strength 0.2, d = {D}): largest p over 5 seeds {worst:.2e}");
}

#[test]
fn clean_training_data_gives_uniform_pvalues() {
    let mut ps: Vec<f64> = (100..140).map(|s| experiment(s, None)).collect();
    ps.sort_by(|a, b| a.total_cmp(b));
    let n = ps.len() as f64;
    let ks = ps
        .iter()
        .enumerate()
        .map(|(i, &p)| (p - i as f64 / n).abs().max(((i + 1) as f64 / n - p).abs()))
        .fold(0.0f64, f64::max);
    let mean = ps.iter().sum::<f64>() / n;
    eprintln!("clean: 40 seeds, min p {:.3}, mean {mean:.3}, KS distance {ks:.3}", ps[0]);
    assert!(ps[0] > 1e-3, "min p {}", ps[0]);
    assert!((mean - 0.5).abs() < 3.0 / (12.0 * n).sqrt(), "mean {mean}");
    assert!(ks < 1.36 / n.sqrt(), "KS {ks}");
}

/// Detection against marking strength (5 seeds each, d = 128, n = 1000, 30
/// GD steps): the median p-value falls monotonically as the strength grows.
/// Printed with `--nocapture` for docs/numerics.md.
#[test]
fn pvalue_falls_with_strength() {
    let mut prev = f64::INFINITY;
    eprintln!("| strength | median p | max p |");
    for a in [0.0f32, 0.025, 0.05, 0.1, 0.2, 0.4] {
        let mut ps: Vec<f64> = (200..205).map(|s| experiment(s, Some(a))).collect();
        ps.sort_by(|x, y| x.total_cmp(y));
        eprintln!("| {a} | {:.1e} | {:.1e} |", ps[2], ps[4]);
        if a > 0.0 {
            assert!(ps[2] < prev, "strength {a}: median {} not below {prev}", ps[2]);
        }
        prev = ps[2];
    }
}
