//! The streaming moving average does not drift: over 10⁸ samples its output
//! stays within 1 ulp of the exact window mean, from the first sample to the
//! last, while a naive f32 running sum (S ← S + x_t − x_{t−w}) wanders off by
//! thousands of ulp on the same data (shown here, so the test can fail).
//!
//! Samples are x = 1000 + m·2⁻ᵇ with integer m ∈ [0, 2¹⁴) (b = 10 for W = 64,
//! b = 13 for W = 7, so that the running sums must round): exact in f32, and
//! the exact window sums are integers (in units of 2⁻ᵇ) kept in i64.

use plasticore::rng::Rng;
use plasticore::stats::MovingAverage;

const N: usize = 100_000_000;

fn ulp(v: f64) -> f64 {
    let b = (v.abs() as f32).to_bits();
    (f32::from_bits(b + 1) - f32::from_bits(b)) as f64
}

/// Returns (max error in ulp over the first 10⁴ outputs, over the last 10⁴,
/// overall) of the filter, and the naive sum's final error in ulp.
fn run<const W: usize>(seed: u64, bits: u32) -> (f64, f64, f64, f64) {
    let mut rng = Rng::new(seed);
    let mut ma = MovingAverage::<W>::new();
    let mut ring = [0i64; W];
    let mut exact: i64 = 0;
    let mut naive = 0.0f32;
    let mut naive_ring = [0.0f32; W];
    let (mut first, mut last, mut all, mut naive_err) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for t in 0..N {
        let m = (rng.next() >> 18) as i64; // 14 bits
        let unit = (1i64 << bits) as f32;
        let x = 1000.0f32 + m as f32 / unit;
        let k = t % W;
        exact += ((1000 << bits) + m) - if t >= W { ring[k] } else { 0 };
        ring[k] = (1000 << bits) + m;
        naive += x - if t >= W { naive_ring[k] } else { 0.0 };
        naive_ring[k] = x;
        let got = ma.push(x).unwrap();
        if t + 1 < W {
            assert!(got.is_none());
            continue;
        }
        let want = exact as f64 / (1i64 << bits) as f64 / W as f64;
        let e = (got.unwrap() as f64 - want).abs() / ulp(want);
        all = all.max(e);
        if t < 10_000 + W {
            first = first.max(e);
        }
        if t >= N - 10_000 {
            last = last.max(e);
            naive_err = naive_err.max((naive as f64 / W as f64 - want).abs() / ulp(want));
        }
    }
    (first, last, all, naive_err)
}

#[test]
fn no_drift_over_ten_million_samples() {
    let (first, last, all, naive) = run::<64>(1, 10);
    eprintln!("W=64: first {first:.2} ulp, last {last:.2} ulp, max {all:.2} ulp; naive f32 running sum at the end: {naive:.0} ulp");
    assert!(all <= 1.5, "max error {all} ulp");
    assert!(naive > 100.0, "the naive sum should drift (got {naive} ulp)");
    let (first, last, all, naive) = run::<7>(2, 13);
    eprintln!("W=7:  first {first:.2} ulp, last {last:.2} ulp, max {all:.2} ulp; naive f32 running sum at the end: {naive:.0} ulp");
    assert!(all <= 1.5, "max error {all} ulp");
    assert!(naive > 100.0, "the naive sum should drift (got {naive} ulp)");
}
