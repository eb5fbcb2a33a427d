//! Compute accounting: parameters, multiply–accumulates and scratch memory of
//! each kernel, analytically, as a function of its sizes — the columns of the
//! compute table in Brown et al. 2020 ("Language Models are Few-Shot
//! Learners", table D.1: parameters and training FLOPs per model), for our
//! sizes.
//!
//! Conventions:
//! - `params`: elements of read-only / learned parameters the kernel reads
//!   (a weight matrix in flash), not activations.
//! - `macs`: multiply–accumulates (1 MAC = 2 FLOPs). Elementwise multiplies,
//!   divides and transcendental calls (exp, ln) are each counted as one MAC so
//!   that cheap non-MAC kernels are not reported as free; the doc of each
//!   function says what it counts.
//! - `scratch_bytes`: caller-provided workspace (or inline state for the
//!   const-generic filters), not inputs or outputs.
//!
//! `plasticore bench` prints these beside the measured instruction counts.
//! Counts saturate at `usize::MAX` rather than overflow.

use core::ops::{Add, AddAssign, Mul};

/// Bytes of one f32.
const F32: usize = core::mem::size_of::<f32>();

/// Analytic cost of one kernel call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Cost {
    /// Parameter elements (weights) read.
    pub params: usize,
    /// Multiply–accumulates (see the module conventions).
    pub macs: usize,
    /// Caller-provided scratch memory, in bytes.
    pub scratch_bytes: usize,
}

impl Cost {
    /// A cost from its three parts.
    pub const fn new(params: usize, macs: usize, scratch_bytes: usize) -> Self {
        Cost { params, macs, scratch_bytes }
    }

    /// FLOPs = 2 · MACs.
    pub const fn flops(&self) -> usize {
        self.macs.saturating_mul(2)
    }
}

/// Sequential composition: parameters and MACs add; scratch is the larger of
/// the two (the workspace is reused by the next kernel).
impl Add for Cost {
    type Output = Cost;
    fn add(self, o: Cost) -> Cost {
        Cost {
            params: self.params.saturating_add(o.params),
            macs: self.macs.saturating_add(o.macs),
            scratch_bytes: self.scratch_bytes.max(o.scratch_bytes),
        }
    }
}

impl AddAssign for Cost {
    fn add_assign(&mut self, o: Cost) {
        *self = *self + o;
    }
}

/// `k` repetitions of the same call (e.g. per layer): params and MACs scale, scratch does not.
impl Mul<usize> for Cost {
    type Output = Cost;
    fn mul(self, k: usize) -> Cost {
        Cost {
            params: self.params.saturating_mul(k),
            macs: self.macs.saturating_mul(k),
            scratch_bytes: self.scratch_bytes,
        }
    }
}

const fn m(a: usize, b: usize) -> usize {
    a.saturating_mul(b)
}

/// `linalg::dot` of length n: n MACs, no parameters.
pub const fn dot(n: usize) -> Cost {
    Cost::new(0, n, 0)
}

/// `linalg::axpy` of length n: n MACs.
pub const fn axpy(n: usize) -> Cost {
    Cost::new(0, n, 0)
}

/// `linalg::matvec` with a `rows × cols` weight matrix: rows·cols parameters and MACs.
pub const fn matvec(rows: usize, cols: usize) -> Cost {
    Cost::new(m(rows, cols), m(rows, cols), 0)
}

/// `linalg::matmul` of `m × k` by `k × n`, both operands activations: m·k·n MACs.
pub const fn matmul(rows: usize, inner: usize, cols: usize) -> Cost {
    Cost::new(0, m(m(rows, inner), cols), 0)
}

/// `linalg::matmul` of activations `m × k` by a `k × n` weight matrix: k·n parameters, m·k·n MACs.
pub const fn matmul_weights(rows: usize, inner: usize, cols: usize) -> Cost {
    Cost::new(m(inner, cols), m(m(rows, inner), cols), 0)
}

/// `nn::softmax` of length n: n exp + n divides-as-multiplies = 2n.
pub const fn softmax(n: usize) -> Cost {
    Cost::new(0, m(2, n), 0)
}

/// `nn::logsumexp` of length n: n exponentials (one per "MAC").
pub const fn logsumexp(n: usize) -> Cost {
    Cost::new(0, n, 0)
}

/// `nn::softmax_rows` over `rows` rows of length n.
pub const fn softmax_rows(rows: usize, n: usize) -> Cost {
    Cost::new(0, m(m(2, n), rows), 0)
}

/// `stats::kl` of length n: one ln and one multiply per term, 2n.
pub const fn kl(n: usize) -> Cost {
    Cost::new(0, m(2, n), 0)
}

/// `stats::moving_average` of n samples, window w: one divide per output,
/// n − w + 1 (the compensated adds are not MACs); no scratch.
pub const fn moving_average(n: usize, window: usize) -> Cost {
    Cost::new(0, n.saturating_sub(window).saturating_add(1), 0)
}

/// `stats::MovingAverage<W>::push`: one divide per sample; state of W f32
/// plus two compensated sums (`size_of::<MovingAverage<W>>()` is what it
/// occupies; reported here as scratch).
pub const fn moving_average_stream(window: usize) -> Cost {
    Cost::new(0, 1, m(window, F32))
}

/// `loss::supcon_loss` (no gradient) on n features of dimension d: n² dots of
/// length d (n²d), n norms (nd), n² exp: n²d + nd + n²; scratch 2n f32.
pub const fn supcon(n: usize, d: usize) -> Cost {
    let nn = m(n, n);
    Cost::new(0, m(nn, d).saturating_add(m(n, d)).saturating_add(nn), m(2 * n, F32))
}

/// `loss::supcon_loss_grad`: the loss, plus n² exp and 2n²d accumulations,
/// plus 2nd for the normalisation Jacobian: 3n²d + 3nd + 2n².
pub const fn supcon_grad(n: usize, d: usize) -> Cost {
    let nn = m(n, n);
    let macs = m(3, m(nn, d)).saturating_add(m(3, m(n, d))).saturating_add(m(2, nn));
    Cost::new(0, macs, m(2 * n, F32))
}

/// `radioactive::mark` of n features of dimension d: norm, move, norm,
/// rescale = 4 passes, 4nd; no scratch.
pub const fn radioactive_mark(n: usize, d: usize) -> Cost {
    Cost::new(0, m(4, m(n, d)), 0)
}

/// `radioactive::pvalue` in dimension d: three f64 dot products (3d) plus
/// one betainc evaluation, counted as 500: the continued fraction takes 1–21
/// terms of ~20 operations for d ≤ 1024 (measured over c ∈ [1e-4, 0.999];
/// ≤ 25 budgeted), plus 6 calls (3 lgamma, 2 log, 1 exp). Data dependent;
/// f64 is software floating point on a Cortex-M4F.
pub const fn radioactive_pvalue(d: usize) -> Cost {
    Cost::new(0, m(3, d).saturating_add(500), 0)
}

/// `tensor::reshape` / `tensor::vec`: data movement only, no MACs.
pub const fn reshape(_len: usize) -> Cost {
    Cost::new(0, 0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas() {
        assert_eq!(dot(64), Cost::new(0, 64, 0));
        assert_eq!(matvec(16, 32), Cost::new(512, 512, 0));
        assert_eq!(matmul(4, 8, 16).macs, 512);
        assert_eq!(matmul_weights(4, 8, 16), Cost::new(128, 512, 0));
        assert_eq!(matmul_weights(1, 8, 16).macs, matvec(16, 8).macs);
        assert_eq!(softmax(10).macs, 20);
        assert_eq!(softmax_rows(3, 10).macs, 60);
        assert_eq!(kl(5).macs, 10);
        assert_eq!(moving_average(100, 7).macs, 94);
        assert_eq!(moving_average(3, 7).macs, 1); // saturates, callers reject w > n
        assert_eq!(moving_average_stream(7).scratch_bytes, 28);
        assert_eq!(supcon(4, 8), Cost::new(0, 128 + 32 + 16, 32));
        assert_eq!(supcon_grad(4, 8).macs, 3 * 128 + 3 * 32 + 2 * 16);
        assert_eq!(radioactive_mark(2, 3).macs, 24);
        assert_eq!(reshape(10), Cost::default());
        // A two-layer MLP 8→16→4 with softmax: sequential composition.
        let mlp = matvec(16, 8) + matvec(4, 16) + softmax(4);
        assert_eq!(mlp, Cost::new(192, 200, 0));
        assert_eq!(mlp.flops(), 400);
        let mut c = supcon(4, 8);
        c += dot(8);
        assert_eq!(c.scratch_bytes, 32);
        assert_eq!((matvec(2, 2) * 3).params, 12);
        assert_eq!(matmul(usize::MAX, 2, 2).macs, usize::MAX);
    }

    #[test]
    fn stream_scratch_matches_the_type() {
        // The ring buffer dominates the filter's state.
        let s = core::mem::size_of::<crate::stats::MovingAverage<64>>();
        assert!(s >= moving_average_stream(64).scratch_bytes && s <= 64 * 4 + 64);
    }
}
