//! Simple moving averages: a slice kernel, a streaming fixed-window filter,
//! and the "7-day average per 100 000 people" view of daily counts.
//!
//! The mean of a window of `w` samples ending at `t` is
//! `m_t = (1/w) Σ_{k=t−w+1}^{t} x_k`. Both kernels keep a running sum updated
//! in O(1) per sample (`S ← S + x_t − x_{t−w}`) with Neumaier compensation,
//! **and** a second compensated sum of the samples that entered since the
//! last restart; every `w` samples that second sum covers exactly the current
//! window and replaces the running sum. The error of every output therefore
//! depends only on the `2w` additions since the last restart, never on how
//! many samples came before: no drift, at O(1) work per sample in the worst
//! case (no periodic O(w) re-summation pause). docs/numerics.md has the
//! figures over 10⁷ samples.

use super::sum::NeumaierSum;
use crate::error::{check_len, check_nonempty, Error};

/// Running window sum with restart (see the module docs).
#[derive(Debug, Clone, Copy)]
struct WindowSum {
    sum: NeumaierSum,
    fresh: NeumaierSum,
    since: usize,
}

impl WindowSum {
    const fn new() -> Self {
        WindowSum { sum: NeumaierSum::new(), fresh: NeumaierSum::new(), since: 0 }
    }

    /// Adds `x`, removing `old` (the sample leaving a full window) if any.
    #[inline]
    fn push(&mut self, x: f32, old: Option<f32>, window: usize) {
        if let Some(o) = old {
            self.sum.add(-o);
        }
        self.sum.add(x);
        self.fresh.add(x);
        self.since += 1;
        if self.since == window {
            // `fresh` holds exactly the last `window` samples.
            self.sum = self.fresh;
            self.fresh = NeumaierSum::new();
            self.since = 0;
        }
    }
}

fn check_window(window: usize, n: usize) -> Result<(), Error> {
    if window == 0 {
        return Err(Error::InvalidArgument {
            what: "window",
            expected: "a window of at least 1 sample",
        });
    }
    if window > n {
        return Err(Error::InvalidArgument {
            what: "window",
            expected: "a window no longer than the series",
        });
    }
    Ok(())
}

/// `out[i] = mean(x[i .. i + window])` for `i = 0 .. n − window`: the mean of
/// every full window, i.e. pandas `x.rolling(window).mean()` without its
/// leading `window − 1` NaNs.
///
/// # Errors
/// [`Error::Empty`] for empty `x`, [`Error::InvalidArgument`] for
/// `window == 0` or `window > x.len()`, [`Error::ShapeMismatch`] unless
/// `out.len() == x.len() − window + 1`, [`Error::NonFinite`] for NaN/±∞ in `x`.
/// `out` is unchanged on error.
/// ```
/// let mut out = [0.0; 3];
/// plasticore::stats::moving_average(&[1.0, 2.0, 3.0, 4.0, 5.0], 3, &mut out).unwrap();
/// assert_eq!(out, [2.0, 3.0, 4.0]);
/// ```
pub fn moving_average(x: &[f32], window: usize, out: &mut [f32]) -> Result<(), Error> {
    check_nonempty("x", x.len())?;
    check_window(window, x.len())?;
    check_len("out", x.len() - window + 1, out.len())?;
    crate::error::check_finite("x", x)?;
    let w = window as f32;
    let mut s = WindowSum::new();
    for &v in &x[..window - 1] {
        s.push(v, None, window);
    }
    for ((o, &v), &old) in out.iter_mut().zip(&x[window - 1..]).zip(x) {
        s.push(v, None, window);
        *o = s.sum.value() / w;
        // `old` leaves before the next sample comes in.
        s.sum.add(-old);
    }
    Ok(())
}

/// A streaming moving average over the last `W` samples: a ring buffer of
/// `W` f32 plus two compensated sums, O(1) work per sample and no drift
/// (see the module docs). `W = 0` is rejected at compile time.
///
/// ```
/// use plasticore::stats::MovingAverage;
/// let mut ma = MovingAverage::<3>::new();
/// assert_eq!(ma.push(1.0).unwrap(), None); // window not yet full
/// assert_eq!(ma.push(2.0).unwrap(), None);
/// assert_eq!(ma.push(3.0).unwrap(), Some(2.0));
/// assert_eq!(ma.push(10.0).unwrap(), Some(5.0));
/// assert!(ma.push(f32::NAN).is_err()); // rejected, state unchanged
/// assert_eq!(ma.mean(), Some(5.0));
/// ```
#[derive(Debug, Clone)]
pub struct MovingAverage<const W: usize> {
    buf: heapless::HistoryBuf<f32, W>,
    sum: WindowSum,
}

impl<const W: usize> MovingAverage<W> {
    /// An empty filter.
    pub const fn new() -> Self {
        const { assert!(W > 0, "MovingAverage needs a window of at least 1") };
        MovingAverage { buf: heapless::HistoryBuf::new(), sum: WindowSum::new() }
    }

    /// Adds a sample; returns the mean of the last `W` samples once `W` have
    /// been seen (`None` before).
    ///
    /// # Errors
    /// [`Error::NonFinite`] for NaN/±∞ (the filter is unchanged).
    pub fn push(&mut self, x: f32) -> Result<Option<f32>, Error> {
        if !x.is_finite() {
            return Err(Error::NonFinite { what: "x", index: 0 });
        }
        let old = if self.buf.is_full() { self.buf.oldest().copied() } else { None };
        self.buf.write(x);
        self.sum.push(x, old, W);
        Ok(self.mean())
    }

    /// Mean of the last `W` samples, or `None` until `W` samples have been pushed.
    pub fn mean(&self) -> Option<f32> {
        if self.buf.is_full() {
            Some(self.sum.sum.value() / W as f32)
        } else {
            None
        }
    }

    /// Mean of the samples seen so far (fewer than `W` at start-up; pandas
    /// `rolling(W, min_periods=1)`), `None` if empty.
    pub fn partial_mean(&self) -> Option<f32> {
        if self.buf.is_empty() {
            None
        } else {
            Some(self.sum.sum.value() / self.buf.len() as f32)
        }
    }

    /// Number of samples in the window (≤ `W`).
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// True before the first sample.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Forgets every sample.
    pub fn reset(&mut self) {
        *self = Self::new();
    }
}

impl<const W: usize> Default for MovingAverage<W> {
    fn default() -> Self {
        Self::new()
    }
}

/// Days in the smoothing window of [`per_capita_7day`].
pub const PER_CAPITA_WINDOW: usize = 7;

/// Daily counts per capita, smoothed over 7 days: for counts `[t, s]`
/// (row-major, `t` days × `s` regions) and population `[s]`,
/// `out[d, r] = per · mean(counts[d−6 ..= d, r]) / population[r]` — the
/// "7-day average of daily cases per 100 000 people" view with `per = 100000`.
///
/// `out` has shape `[t, s]`; its first 6 rows (days without a full week
/// behind them) are NaN, exactly as pandas
/// `(counts.rolling(7).mean() / population * per)`.
/// Counts may be negative (reporting corrections).
///
/// # Errors
/// [`Error::Empty`] if `s == 0` or counts are empty,
/// [`Error::ShapeMismatch`] if `counts.len()` is not a multiple of `s` or
/// `out` differs from `counts`, [`Error::InvalidArgument`] if `t < 7`, a
/// population is not > 0 or `per` is not finite and > 0,
/// [`Error::NonFinite`] for NaN/±∞ counts. `out` is unchanged on error.
pub fn per_capita_7day(
    counts: &[f32],
    population: &[f32],
    per: f32,
    out: &mut [f32],
) -> Result<(), Error> {
    let s = population.len();
    check_nonempty("population", s)?;
    check_nonempty("counts", counts.len())?;
    let t = counts.len() / s;
    check_len("counts", t * s, counts.len())?;
    check_len("out", counts.len(), out.len())?;
    check_window(PER_CAPITA_WINDOW, t)?;
    crate::error::check_finite("counts", counts)?;
    if population.iter().any(|&p| !(p.is_finite() && p > 0.0)) {
        return Err(Error::InvalidArgument {
            what: "population",
            expected: "finite, positive populations",
        });
    }
    if !(per.is_finite() && per > 0.0) {
        return Err(Error::InvalidArgument {
            what: "per",
            expected: "a finite, positive scale (e.g. 100000)",
        });
    }
    let w = PER_CAPITA_WINDOW;
    for (r, &pop) in population.iter().enumerate() {
        let scale = per / (w as f32 * pop);
        let mut sum = WindowSum::new();
        let column = counts.iter().skip(r).step_by(s);
        let leaving = counts.iter().skip(r).step_by(s);
        let outs = out.iter_mut().skip(r).step_by(s);
        let mut leaving = leaving.copied();
        for (day, (&v, o)) in column.zip(outs).enumerate() {
            let old = if day >= w { leaving.next() } else { None };
            sum.push(v, old, w);
            *o = if day + 1 >= w { sum.sum.value() * scale } else { f32::NAN };
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    fn naive(x: &[f32], w: usize) -> Vec<f64> {
        x.windows(w).map(|win| win.iter().map(|&v| v as f64).sum::<f64>() / w as f64).collect()
    }

    #[test]
    fn slice_matches_naive_f64() {
        let mut r = crate::rng::Rng::new(3);
        let x: Vec<f32> = (0..500).map(|_| r.uniform(-100.0, 100.0)).collect();
        for w in [1, 2, 3, 7, 8, 64, 499, 500] {
            let mut out = std::vec![0.0; x.len() - w + 1];
            moving_average(&x, w, &mut out).unwrap();
            for (a, b) in out.iter().zip(naive(&x, w)) {
                assert!((*a as f64 - b).abs() <= 1e-5 * 100.0, "w={w}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn streaming_equals_slice_kernel() {
        let mut r = crate::rng::Rng::new(4);
        let x: Vec<f32> = (0..1000).map(|_| r.normal()).collect();
        let mut out = std::vec![0.0; x.len() - 5 + 1];
        moving_average(&x, 5, &mut out).unwrap();
        let mut ma = MovingAverage::<5>::new();
        let got: Vec<f32> = x.iter().filter_map(|&v| ma.push(v).unwrap()).collect();
        assert_eq!(got, out); // same operations in the same order: bit-identical
    }

    proptest::proptest! {
        /// The slice kernel is within a few ulp of an f64 reference, and the
        /// streaming filter reproduces it bit for bit.
        #[test]
        fn matches_reference_and_stream(x in proptest::collection::vec(-1e4f32..1e4, 1..200), w in 1usize..16) {
            proptest::prop_assume!(w <= x.len());
            let mut out = std::vec![0.0; x.len() - w + 1];
            moving_average(&x, w, &mut out).unwrap();
            let scale = x.iter().fold(0.0f32, |m, v| m.max(v.abs())) as f64;
            for (a, b) in out.iter().zip(naive(&x, w)) {
                proptest::prop_assert!((*a as f64 - b).abs() <= 4.0 * f32::EPSILON as f64 * scale, "{} vs {}", a, b);
            }
            let mut ma = MovingAverage::<5>::new();
            if w == 5 {
                let got: Vec<f32> = x.iter().filter_map(|&v| ma.push(v).unwrap()).collect();
                proptest::prop_assert_eq!(got, out);
            }
        }
    }

    #[test]
    fn bad_input() {
        let mut out = [9.0; 3];
        let inv =
            |e: Result<(), Error>| matches!(e, Err(Error::InvalidArgument { what: "window", .. }));
        assert!(inv(moving_average(&[1.0, 2.0], 3, &mut out)));
        assert!(inv(moving_average(&[1.0, 2.0], 0, &mut out)));
        assert_eq!(moving_average(&[], 1, &mut out), Err(Error::Empty { what: "x" }));
        assert_eq!(
            moving_average(&[1.0, 2.0, 3.0], 2, &mut out),
            Err(Error::ShapeMismatch { what: "out", expected: 2, found: 3 })
        );
        assert_eq!(
            moving_average(&[1.0, f32::NAN, 3.0, 4.0], 2, &mut out),
            Err(Error::NonFinite { what: "x", index: 1 })
        );
        assert_eq!(out, [9.0; 3]);
        let mut ma = MovingAverage::<2>::new();
        ma.push(1.0).unwrap();
        assert!(ma.push(f32::INFINITY).is_err());
        assert_eq!(ma.len(), 1);
        assert_eq!(ma.partial_mean(), Some(1.0));
        ma.reset();
        assert!(ma.is_empty());
    }

    #[test]
    fn per_capita() {
        // 8 days × 2 regions; region 0 constant 70/day, region 1 ramps 0..8.
        let mut counts = [0.0f32; 16];
        for d in 0..8 {
            counts[2 * d] = 70.0;
            counts[2 * d + 1] = d as f32;
        }
        let pop = [1_000_000.0, 50_000.0];
        let mut out = [0.0; 16];
        per_capita_7day(&counts, &pop, 100_000.0, &mut out).unwrap();
        assert!(out[..12].iter().all(|v| v.is_nan()));
        assert!((out[12] - 7.0).abs() < 1e-5); // 70/1e6·1e5
        assert!((out[13] - 6.0).abs() < 1e-5); // mean(0..=6)=3, 3/5e4·1e5
        assert!((out[14] - 7.0).abs() < 1e-5);
        assert!((out[15] - 8.0).abs() < 1e-5); // mean(1..=7)=4
        let mut o = [1.0; 16];
        assert!(per_capita_7day(&counts[..12], &pop, 1e5, &mut o[..12]).is_err()); // t = 6 < 7
        assert!(per_capita_7day(&counts, &[1.0, 0.0], 1e5, &mut o).is_err());
        assert!(per_capita_7day(&counts, &pop, -1.0, &mut o).is_err());
        assert!(per_capita_7day(&counts[..15], &pop, 1e5, &mut o[..15]).is_err());
        assert!(per_capita_7day(&counts, &[], 1e5, &mut o).is_err());
        assert_eq!(o, [1.0; 16]);
    }
}
