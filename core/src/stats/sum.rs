//! Compensated summation (Neumaier 1974, "Rundungsfehleranalyse einiger
//! Verfahren zur Summation endlicher Summen", ZAMM 54).
//!
//! Kahan–Babuška–Neumaier: `s ← s + x`, with the rounding error of each
//! addition, `(s − t) + x` or `(x − t) + s` whichever operand is larger,
//! collected in a second accumulator `c`; the sum is `s + c`. The error is
//! bounded by `2ε|Σx| + O(nε²)Σ|x|` instead of `O(nε)Σ|x|` for the naive loop.
//! Plain f32 adds only (no fused multiply-add), so it is bit-identical on
//! every target.

/// A Kahan–Babuška–Neumaier compensated f32 accumulator.
///
/// ```
/// use plasticore::stats::NeumaierSum;
/// let mut s = NeumaierSum::new();
/// for x in [1.0e8f32, 1.0, -1.0e8] {
///     s.add(x);
/// }
/// assert_eq!(s.value(), 1.0); // the naive f32 loop gives 0
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NeumaierSum {
    s: f32,
    c: f32,
}

impl NeumaierSum {
    /// The empty sum, 0.
    pub const fn new() -> Self {
        NeumaierSum { s: 0.0, c: 0.0 }
    }

    /// Adds `x`.
    #[inline]
    pub fn add(&mut self, x: f32) {
        let t = self.s + x;
        if crate::math::abs(self.s) >= crate::math::abs(x) {
            self.c += (self.s - t) + x;
        } else {
            self.c += (x - t) + self.s;
        }
        self.s = t;
    }

    /// The compensated sum `s + c`.
    #[inline]
    pub fn value(&self) -> f32 {
        self.s + self.c
    }
}
