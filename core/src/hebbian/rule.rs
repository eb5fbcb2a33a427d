//! Hebbian ABCD plasticity rules and the synapse-update kernel.
//!
//! The weight from pre-neuron `i` (activation `o_i`) to post-neuron `j` (`o_j`)
//! is `W[j, i]` (W stored `[out, in]`, row-major). Its coefficients `h` have
//! `k` components in the order of the public code of Najarro & Risi,
//! "Meta-Learning through Hebbian Plasticity in Random Networks" (NeurIPS 2020):
//!
//! | rule | k | Δw |
//! |---|---|---|
//! | `A` | 1 | h0·o_i·o_j |
//! | `AD` | 2 | h0·o_i·o_j + h1 |
//! | `AD_lr` | 3 | (h0·o_i·o_j + h1)·h2 |
//! | `ABC` | 3 | h0·o_i·o_j + h1·o_i + h2·o_j |
//! | `ABC_lr` | 4 | h3·(h0·o_i·o_j + h1·o_i + h2·o_j) |
//! | `ABCD` | 4 | h3 + h0·o_i·o_j + h1·o_i + h2·o_j |
//! | `ABCD_lr` | 5 | h3·(h0·o_i·o_j + h1·o_i + h2·o_j + h4) (the paper's rule, \[A, B, C, η, D\]) |
//! | `ABCD_lr_D_out` | 5 | h3·(h0·o_i·o_j + h1·o_i + h2·o_j) + h4 |
//! | `ABCD_lr_D_in_and_out` | 6 | h3·(h0·o_i·o_j + h1·o_i + h2·o_j + h4) + h5 |
//!
//! Sharing ([`Sharing`]): one coefficient vector per synapse (`[out, in, k]`,
//! the paper), per post-neuron (`[out, k]`, Ferigo et al. 2024) or per layer
//! (`[k]`). After the update a [`Norm`] is applied (never before).
//!
//! **How it is computed.** Every rule is affine in `o_i` for a fixed post-neuron:
//! Δw = a(h, o_j)·o_i + b(h, o_j). With shared coefficients, `a` and `b` are
//! computed once per row and the inner loop is `w ← w + (a·o_i + b)`
//! (one multiply, two adds per synapse). Per synapse, the inner loop evaluates
//! the rule with `o_j` hoisted, e.g. for `ABCD_lr`
//! `w ← w + h3·((h0·o_j + h1)·o_i + (h2·o_j + h4))` (four multiplies, four adds).
//! These are algebraically equal to the table; rounding differs from a literal
//! evaluation by a few ulp (the golden tests bound it).

use crate::error::{check_finite, check_len, check_nonempty, Error};
use crate::math::abs;

/// A Hebbian rule: which of the A, B, C, D and learning-rate terms it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Rule {
    /// Δw = h0·o_i·o_j.
    A,
    /// Δw = h0·o_i·o_j + h1.
    AD,
    /// Δw = (h0·o_i·o_j + h1)·h2.
    ADLr,
    /// Δw = h0·o_i·o_j + h1·o_i + h2·o_j.
    ABC,
    /// Δw = h3·(h0·o_i·o_j + h1·o_i + h2·o_j).
    ABCLr,
    /// Δw = h3 + h0·o_i·o_j + h1·o_i + h2·o_j.
    ABCD,
    /// Δw = h3·(h0·o_i·o_j + h1·o_i + h2·o_j + h4) — Najarro & Risi 2020.
    ABCDLr,
    /// Δw = h3·(h0·o_i·o_j + h1·o_i + h2·o_j) + h4.
    ABCDLrDOut,
    /// Δw = h3·(h0·o_i·o_j + h1·o_i + h2·o_j + h4) + h5.
    ABCDLrDInAndOut,
}

impl Rule {
    /// Every rule, in id order.
    pub const ALL: [Rule; 9] = [
        Rule::A,
        Rule::AD,
        Rule::ADLr,
        Rule::ABC,
        Rule::ABCLr,
        Rule::ABCD,
        Rule::ABCDLr,
        Rule::ABCDLrDOut,
        Rule::ABCDLrDInAndOut,
    ];

    /// Number of coefficients per synapse (per neuron, per layer), `k`.
    pub const fn k(self) -> usize {
        match self {
            Rule::A => 1,
            Rule::AD => 2,
            Rule::ADLr | Rule::ABC => 3,
            Rule::ABCLr | Rule::ABCD => 4,
            Rule::ABCDLr | Rule::ABCDLrDOut => 5,
            Rule::ABCDLrDInAndOut => 6,
        }
    }

    /// The name used on the command line and in the paper's code (`"ABCD_lr"`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Rule::A => "A",
            Rule::AD => "AD",
            Rule::ADLr => "AD_lr",
            Rule::ABC => "ABC",
            Rule::ABCLr => "ABC_lr",
            Rule::ABCD => "ABCD",
            Rule::ABCDLr => "ABCD_lr",
            Rule::ABCDLrDOut => "ABCD_lr_D_out",
            Rule::ABCDLrDInAndOut => "ABCD_lr_D_in_and_out",
        }
    }

    /// Parses a name as given by [`Rule::name`].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unknown name.
    pub fn from_name(name: &str) -> Result<Rule, Error> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.name() == name)
            .ok_or(Error::InvalidArgument {
                what: "rule",
                expected: "one of A, AD, AD_lr, ABC, ABC_lr, ABCD, ABCD_lr, ABCD_lr_D_out, ABCD_lr_D_in_and_out",
            })
    }

    /// Stable numeric id (its index in [`Rule::ALL`]), used in blobs.
    pub const fn id(self) -> u8 {
        match self {
            Rule::A => 0,
            Rule::AD => 1,
            Rule::ADLr => 2,
            Rule::ABC => 3,
            Rule::ABCLr => 4,
            Rule::ABCD => 5,
            Rule::ABCDLr => 6,
            Rule::ABCDLrDOut => 7,
            Rule::ABCDLrDInAndOut => 8,
        }
    }

    /// The rule with id `id`, or [`Error::InvalidArgument`].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `id > 8`.
    pub fn from_id(id: u8) -> Result<Rule, Error> {
        Rule::ALL
            .get(id as usize)
            .copied()
            .ok_or(Error::InvalidArgument { what: "rule id", expected: "0..=8" })
    }

    /// Δw for one synapse, evaluated literally from the table (reference; slow path).
    /// `h` must hold at least `k()` values (missing ones read as 0).
    pub fn delta(self, h: &[f32], pre: f32, post: f32) -> f32 {
        let g = |n: usize| h.get(n).copied().unwrap_or(0.0);
        let hebb = g(0) * pre * post;
        match self {
            Rule::A => hebb,
            Rule::AD => hebb + g(1),
            Rule::ADLr => (hebb + g(1)) * g(2),
            Rule::ABC => hebb + g(1) * pre + g(2) * post,
            Rule::ABCLr => g(3) * (hebb + g(1) * pre + g(2) * post),
            Rule::ABCD => g(3) + hebb + g(1) * pre + g(2) * post,
            Rule::ABCDLr => g(3) * (hebb + g(1) * pre + g(2) * post + g(4)),
            Rule::ABCDLrDOut => g(3) * (hebb + g(1) * pre + g(2) * post) + g(4),
            Rule::ABCDLrDInAndOut => g(3) * (hebb + g(1) * pre + g(2) * post + g(4)) + g(5),
        }
    }
}

impl Rule {
    /// The rule as `Δw = A′·o_i·o_j + B′·o_i + C′·o_j + D′`: every rule of
    /// the table is that form once the learning rate is multiplied in
    /// (ABCD_lr: `A′ = η·A`, …, `D′ = η·D`; the `D_out` terms add to `D′`).
    /// Returns `[A′, B′, C′, D′]` (f32 products; missing coefficients read as 0).
    pub fn folded(self, h: &[f32]) -> [f32; 4] {
        let g = |n: usize| h.get(n).copied().unwrap_or(0.0);
        let lr = |eta: f32, d: f32| [eta * g(0), eta * g(1), eta * g(2), d];
        match self {
            Rule::A => [g(0), 0.0, 0.0, 0.0],
            Rule::AD => [g(0), 0.0, 0.0, g(1)],
            Rule::ADLr => [g(2) * g(0), 0.0, 0.0, g(2) * g(1)],
            Rule::ABC => [g(0), g(1), g(2), 0.0],
            Rule::ABCLr => lr(g(3), 0.0),
            Rule::ABCD => [g(0), g(1), g(2), g(3)],
            Rule::ABCDLr => lr(g(3), g(3) * g(4)),
            Rule::ABCDLrDOut => lr(g(3), g(4)),
            Rule::ABCDLrDInAndOut => lr(g(3), g(3) * g(4) + g(5)),
        }
    }
}

#[cfg(test)]
impl Rule {
    /// The rule's table in f64 (test reference for the folded and fixed-point forms).
    pub(crate) fn delta_f64(self, h: &[f64; 6], x: f64, y: f64) -> f64 {
        let abc = h[0] * x * y + h[1] * x + h[2] * y;
        match self {
            Rule::A => h[0] * x * y,
            Rule::AD => h[0] * x * y + h[1],
            Rule::ADLr => h[2] * (h[0] * x * y + h[1]),
            Rule::ABC => abc,
            Rule::ABCLr => h[3] * abc,
            Rule::ABCD => abc + h[3],
            Rule::ABCDLr => h[3] * (abc + h[4]),
            Rule::ABCDLrDOut => h[3] * abc + h[4],
            Rule::ABCDLrDInAndOut => h[3] * (abc + h[4]) + h[5],
        }
    }
}

/// How many synapses share one coefficient vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Sharing {
    /// One vector per synapse: coefficients `[out, in, k]` (Najarro & Risi 2020).
    PerSynapse,
    /// One vector per post-neuron: `[out, k]` (Ferigo et al. 2024).
    PerPostNeuron,
    /// One vector for the whole layer: `[k]`.
    PerLayer,
}

impl Sharing {
    /// Every sharing mode, in id order.
    pub const ALL: [Sharing; 3] = [Sharing::PerSynapse, Sharing::PerPostNeuron, Sharing::PerLayer];

    /// Number of coefficient vectors for an `out × in` layer (saturating).
    pub const fn vectors(self, outputs: usize, inputs: usize) -> usize {
        match self {
            Sharing::PerSynapse => outputs.saturating_mul(inputs),
            Sharing::PerPostNeuron => outputs,
            Sharing::PerLayer => 1,
        }
    }

    /// Number of f32 coefficients for an `out × in` layer under `rule` (saturating).
    pub const fn coeff_len(self, rule: Rule, outputs: usize, inputs: usize) -> usize {
        self.vectors(outputs, inputs).saturating_mul(rule.k())
    }

    /// Command-line name: `synapse`, `neuron`, `layer`.
    pub const fn name(self) -> &'static str {
        match self {
            Sharing::PerSynapse => "synapse",
            Sharing::PerPostNeuron => "neuron",
            Sharing::PerLayer => "layer",
        }
    }

    /// Parses [`Sharing::name`].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unknown name.
    pub fn from_name(name: &str) -> Result<Sharing, Error> {
        Sharing::ALL.iter().copied().find(|s| s.name() == name).ok_or(Error::InvalidArgument {
            what: "sharing",
            expected: "one of synapse, neuron, layer",
        })
    }

    /// Stable numeric id (index in [`Sharing::ALL`]).
    pub const fn id(self) -> u8 {
        match self {
            Sharing::PerSynapse => 0,
            Sharing::PerPostNeuron => 1,
            Sharing::PerLayer => 2,
        }
    }

    /// The mode with id `id`, or [`Error::InvalidArgument`].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `id > 2`.
    pub fn from_id(id: u8) -> Result<Sharing, Error> {
        Sharing::ALL
            .get(id as usize)
            .copied()
            .ok_or(Error::InvalidArgument { what: "sharing id", expected: "0..=2" })
    }
}

/// What is done to a layer's weights after each update.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Norm {
    /// Nothing.
    None,
    /// W ← W / max|W| over the layer (Najarro & Risi's normalisation); skipped if max|W| is 0.
    MaxAbs,
    /// w ← clamp(w, −c, c) for every weight (c > 0).
    Clamp(f32),
}

impl Norm {
    /// Stable numeric id: 0 none, 1 max-abs, 2 clamp.
    pub const fn id(self) -> u8 {
        match self {
            Norm::None => 0,
            Norm::MaxAbs => 1,
            Norm::Clamp(_) => 2,
        }
    }

    /// The parameter (clamp bound; 0 otherwise).
    pub const fn param(self) -> f32 {
        match self {
            Norm::Clamp(c) => c,
            _ => 0.0,
        }
    }

    /// Rebuilds from [`Norm::id`] and [`Norm::param`]; a clamp bound must be finite and > 0.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unknown id or a clamp bound that is not finite and >
    /// 0.
    pub fn from_id(id: u8, param: f32) -> Result<Norm, Error> {
        match id {
            0 => Ok(Norm::None),
            1 => Ok(Norm::MaxAbs),
            2 if param.is_finite() && param > 0.0 => Ok(Norm::Clamp(param)),
            2 => {
                Err(Error::InvalidArgument { what: "clamp bound", expected: "a finite value > 0" })
            }
            _ => Err(Error::InvalidArgument {
                what: "norm id",
                expected: "0 (none), 1 (maxabs) or 2 (clamp)",
            }),
        }
    }

    /// Checks the parameter.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a clamp bound that is not finite and > 0.
    pub fn validate(self) -> Result<(), Error> {
        Norm::from_id(self.id(), self.param()).map(|_| ())
    }

    /// Applies the normalisation to a layer's weights in place.
    pub fn apply(self, w: &mut [f32]) {
        match self {
            Norm::None => {}
            Norm::MaxAbs => {
                let m = w.iter().fold(0.0f32, |m, &v| {
                    let a = abs(v);
                    if a > m {
                        a
                    } else {
                        m
                    }
                });
                if m > 0.0 && m.is_finite() {
                    let inv = 1.0 / m;
                    w.iter_mut().for_each(|v| *v *= inv);
                }
            }
            Norm::Clamp(c) => w.iter_mut().for_each(|v| {
                *v = if *v > c {
                    c
                } else if *v < -c {
                    -c
                } else {
                    *v
                }
            }),
        }
    }
}

/// Validated, read-only coefficients of one `out × in` layer (may borrow `&'static` flash data).
///
/// Construction checks the length (`sharing.coeff_len(rule, out, in)`) and that
/// every value is finite, once, so that [`update`] does not re-check them at
/// every step.
#[derive(Debug, Clone, Copy)]
pub struct Coeffs<'a> {
    data: &'a [f32],
    rule: Rule,
    sharing: Sharing,
    outputs: usize,
    inputs: usize,
}

impl<'a> Coeffs<'a> {
    /// Wraps `data` as the coefficients of an `outputs × inputs` layer.
    ///
    /// # Errors
    /// [`Error::Empty`] for a zero dimension, [`Error::ShapeMismatch`] if
    /// `data.len() != sharing.coeff_len(rule, outputs, inputs)`, [`Error::NonFinite`].
    pub fn new(
        data: &'a [f32],
        rule: Rule,
        sharing: Sharing,
        outputs: usize,
        inputs: usize,
    ) -> Result<Self, Error> {
        check_nonempty("outputs", outputs)?;
        check_nonempty("inputs", inputs)?;
        if outputs.checked_mul(inputs).is_none() {
            return Err(Error::InvalidArgument {
                what: "outputs * inputs",
                expected: "a size that fits in usize",
            });
        }
        check_len("coeffs", sharing.coeff_len(rule, outputs, inputs), data.len())?;
        check_finite("coeffs", data)?;
        Ok(Coeffs { data, rule, sharing, outputs, inputs })
    }
    /// The rule.
    pub fn rule(&self) -> Rule {
        self.rule
    }
    /// The sharing mode.
    pub fn sharing(&self) -> Sharing {
        self.sharing
    }
    /// Number of post-neurons (rows of W).
    pub fn outputs(&self) -> usize {
        self.outputs
    }
    /// Number of pre-neurons (columns of W).
    pub fn inputs(&self) -> usize {
        self.inputs
    }
    /// The raw coefficients.
    pub fn data(&self) -> &'a [f32] {
        self.data
    }
}

/// Analytic cost of one [`update`] of an `outputs × inputs` layer
/// ([`crate::cost`] conventions): parameters = the coefficients read, MACs = one
/// per synapse update (each is a handful of multiply–adds, see the module docs),
/// no scratch.
pub const fn update_cost(
    rule: Rule,
    sharing: Sharing,
    outputs: usize,
    inputs: usize,
) -> crate::cost::Cost {
    crate::cost::Cost::new(
        sharing.coeff_len(rule, outputs, inputs),
        outputs.saturating_mul(inputs),
        0,
    )
}

/// Applies one Hebbian step to a layer: `W[j, i] += Δw(h, pre[i], post[j])`, then `norm`.
///
/// `w` is `[out, in]` row-major, `pre` has `in` activations, `post` has `out`.
///
///
/// # Errors
/// [`Error::ShapeMismatch`] if `pre`, `post` or `w` do not match `coeffs`; [`Error::NonFinite`]
/// in `pre` or `post`; [`Error::InvalidArgument`] for an invalid `norm`. Each leaves `w`
/// unchanged.
/// ```
/// use plasticore::hebbian::{update, Coeffs, Norm, Rule, Sharing};
/// let h = [1.0, 0.0, 0.0, 0.5, 0.0]; // ABCD_lr per layer: Δw = 0.5·o_i·o_j
/// let c = Coeffs::new(&h, Rule::ABCDLr, Sharing::PerLayer, 1, 2).unwrap();
/// let mut w = [0.0, 0.0];
/// update(&mut w, &[1.0, 2.0], &[2.0], &c, Norm::None).unwrap();
/// assert_eq!(w, [1.0, 2.0]);
/// ```
pub fn update(
    w: &mut [f32],
    pre: &[f32],
    post: &[f32],
    coeffs: &Coeffs<'_>,
    norm: Norm,
) -> Result<(), Error> {
    check_len("pre", coeffs.inputs, pre.len())?;
    check_len("post", coeffs.outputs, post.len())?;
    check_len("w", coeffs.outputs * coeffs.inputs, w.len())?;
    check_finite("pre", pre)?;
    check_finite("post", post)?;
    norm.validate()?;
    update_unchecked(w, pre, post, coeffs.data, coeffs.rule, coeffs.sharing);
    norm.apply(w);
    Ok(())
}

/// Per-synapse inner loop: `w[i] += f(h_i, pre[i])`, h_i the i-th `K`-chunk.
#[inline(always)]
fn row_synapse<const K: usize>(
    w: &mut [f32],
    pre: &[f32],
    h: &[f32],
    f: impl Fn(&[f32; K], f32) -> f32,
) {
    for ((wi, &oi), hi) in w.iter_mut().zip(pre).zip(h.chunks_exact(K)) {
        // Always Ok (chunks_exact yields K elements); the check compiles away.
        if let Ok(hk) = <&[f32; K]>::try_from(hi) {
            *wi += f(hk, oi);
        }
    }
}

/// Shared inner loop: `w[i] += a·pre[i] + b`.
#[inline(always)]
fn row_affine(w: &mut [f32], pre: &[f32], a: f32, b: f32) {
    // Eight synapses per iteration: the loop control is amortised over 8.
    let mut wc = w.chunks_exact_mut(8);
    let mut pc = pre.chunks_exact(8);
    for (wv, pv) in (&mut wc).zip(&mut pc) {
        if let (Ok(wv), Ok(pv)) = (<&mut [f32; 8]>::try_from(wv), <&[f32; 8]>::try_from(pv)) {
            for (wi, &oi) in wv.iter_mut().zip(pv) {
                *wi += a * oi + b;
            }
        }
    }
    for (wi, &oi) in wc.into_remainder().iter_mut().zip(pc.remainder()) {
        *wi += a * oi + b;
    }
}

/// (a, b) with Δw = a·o_i + b for a fixed post-activation `oj` (shared coefficients).
#[inline(always)]
fn affine_terms(rule: Rule, h: &[f32], oj: f32) -> (f32, f32) {
    let g = |n: usize| h.get(n).copied().unwrap_or(0.0);
    match rule {
        Rule::A => (g(0) * oj, 0.0),
        Rule::AD => (g(0) * oj, g(1)),
        Rule::ADLr => (g(0) * oj * g(2), g(1) * g(2)),
        Rule::ABC => (g(0) * oj + g(1), g(2) * oj),
        Rule::ABCLr => (g(3) * (g(0) * oj + g(1)), g(3) * (g(2) * oj)),
        Rule::ABCD => (g(0) * oj + g(1), g(3) + g(2) * oj),
        Rule::ABCDLr => (g(3) * (g(0) * oj + g(1)), g(3) * (g(2) * oj + g(4))),
        Rule::ABCDLrDOut => (g(3) * (g(0) * oj + g(1)), g(3) * (g(2) * oj) + g(4)),
        Rule::ABCDLrDInAndOut => (g(3) * (g(0) * oj + g(1)), g(3) * (g(2) * oj + g(4)) + g(5)),
    }
}

/// The update without checks or normalisation. Lengths must agree (shorter slices
/// simply end the loops early; nothing panics).
pub(crate) fn update_unchecked(
    w: &mut [f32],
    pre: &[f32],
    post: &[f32],
    h: &[f32],
    rule: Rule,
    sharing: Sharing,
) {
    let n_in = pre.len();
    if n_in == 0 {
        return;
    }
    let k = rule.k();
    match sharing {
        Sharing::PerLayer => {
            for (row, &oj) in w.chunks_exact_mut(n_in).zip(post) {
                let (a, b) = affine_terms(rule, h, oj);
                row_affine(row, pre, a, b);
            }
        }
        Sharing::PerPostNeuron => {
            for ((row, &oj), hj) in w.chunks_exact_mut(n_in).zip(post).zip(h.chunks_exact(k)) {
                let (a, b) = affine_terms(rule, hj, oj);
                row_affine(row, pre, a, b);
            }
        }
        Sharing::PerSynapse => {
            let rows = w.chunks_exact_mut(n_in).zip(post).zip(h.chunks_exact(n_in * k));
            for ((row, &oj), hr) in rows {
                match rule {
                    Rule::A => row_synapse::<1>(row, pre, hr, |h, oi| h[0] * oj * oi),
                    Rule::AD => row_synapse::<2>(row, pre, hr, |h, oi| h[0] * oj * oi + h[1]),
                    Rule::ADLr => {
                        row_synapse::<3>(row, pre, hr, |h, oi| (h[0] * oj * oi + h[1]) * h[2])
                    }
                    Rule::ABC => {
                        row_synapse::<3>(row, pre, hr, |h, oi| (h[0] * oj + h[1]) * oi + h[2] * oj)
                    }
                    Rule::ABCLr => row_synapse::<4>(row, pre, hr, |h, oi| {
                        h[3] * ((h[0] * oj + h[1]) * oi + h[2] * oj)
                    }),
                    Rule::ABCD => row_synapse::<4>(row, pre, hr, |h, oi| {
                        (h[0] * oj + h[1]) * oi + (h[2] * oj + h[3])
                    }),
                    Rule::ABCDLr => row_synapse::<5>(row, pre, hr, |h, oi| {
                        h[3] * ((h[0] * oj + h[1]) * oi + (h[2] * oj + h[4]))
                    }),
                    Rule::ABCDLrDOut => row_synapse::<5>(row, pre, hr, |h, oi| {
                        h[3] * ((h[0] * oj + h[1]) * oi + h[2] * oj) + h[4]
                    }),
                    Rule::ABCDLrDInAndOut => row_synapse::<6>(row, pre, hr, |h, oi| {
                        h[3] * ((h[0] * oj + h[1]) * oi + (h[2] * oj + h[4])) + h[5]
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use proptest::prelude::*;

    #[test]
    fn every_rule_folds_to_the_abcd_form() {
        let mut g = Rng::new(17);
        for rule in Rule::ALL {
            for _ in 0..500 {
                let mut h = [0.0f32; 6];
                g.fill_uniform(&mut h, -2.0, 2.0);
                let (pre, post) = (g.uniform(-1.0, 1.0), g.uniform(-1.0, 1.0));
                let [a, b, c, d] = rule.folded(&h);
                // f64 on both sides: the fold is exact algebra, only f32
                // rounding of the products separates the two.
                let f = |v: f32| v as f64;
                let folded = f(a) * f(pre) * f(post) + f(b) * f(pre) + f(c) * f(post) + f(d);
                let want = rule.delta_f64(&h.map(f), f(pre), f(post));
                assert!((folded - want).abs() < 4e-6, "{rule:?}: {folded} vs {want}");
            }
        }
    }

    proptest! {
        /// Any sizes, any rule and sharing: the update equals the f64 formula,
        /// and wrong lengths are errors, never panics.
        #[test]
        fn update_matches_reference_for_any_shape(
            n_out in 1usize..8, n_in in 1usize..8, r in 0usize..9, s in 0usize..3,
            seed in 0u64..1000, cut in 0usize..3,
        ) {
            let (rule, sharing) = (Rule::ALL[r], Sharing::ALL[s]);
            let mut g = Rng::new(seed);
            let mut w = [0.0f32; 64];
            let mut pre = [0.0f32; 8];
            let mut post = [0.0f32; 8];
            let mut h = [0.0f32; 64 * 6];
            g.fill_uniform(&mut w, -1.0, 1.0);
            g.fill_uniform(&mut pre, -1.0, 1.0);
            g.fill_uniform(&mut post, -1.0, 1.0);
            g.fill_uniform(&mut h, -1.0, 1.0);
            let hl = sharing.coeff_len(rule, n_out, n_in);
            let c = Coeffs::new(&h[..hl], rule, sharing, n_out, n_in).unwrap();
            let nw = n_out * n_in;
            if cut > 0 {
                // A wrong length somewhere: an error, w untouched.
                let before = w;
                let res = match cut {
                    1 => update(&mut w[..nw + 1], &pre[..n_in], &post[..n_out], &c, Norm::None),
                    _ => update(&mut w[..nw], &pre[..n_in + 1], &post[..n_out], &c, Norm::None),
                };
                prop_assert!(res.is_err());
                prop_assert_eq!(w, before);
            } else {
                let want = reference(rule, sharing, &w[..nw], &pre[..n_in], &post[..n_out], &h[..hl]);
                update(&mut w[..nw], &pre[..n_in], &post[..n_out], &c, Norm::None).unwrap();
                for (got, exp) in w[..nw].iter().zip(&want) {
                    prop_assert!((*got as f64 - exp).abs() < 1e-5);
                }
            }
        }
    }

    /// The literal table in f64.
    fn delta64(rule: Rule, h: &[f64], oi: f64, oj: f64) -> f64 {
        let hebb = h[0] * oi * oj;
        match rule {
            Rule::A => hebb,
            Rule::AD => hebb + h[1],
            Rule::ADLr => (hebb + h[1]) * h[2],
            Rule::ABC => hebb + h[1] * oi + h[2] * oj,
            Rule::ABCLr => h[3] * (hebb + h[1] * oi + h[2] * oj),
            Rule::ABCD => h[3] + hebb + h[1] * oi + h[2] * oj,
            Rule::ABCDLr => h[3] * (hebb + h[1] * oi + h[2] * oj + h[4]),
            Rule::ABCDLrDOut => h[3] * (hebb + h[1] * oi + h[2] * oj) + h[4],
            Rule::ABCDLrDInAndOut => h[3] * (hebb + h[1] * oi + h[2] * oj + h[4]) + h[5],
        }
    }

    fn reference(
        rule: Rule,
        sharing: Sharing,
        w: &[f32],
        pre: &[f32],
        post: &[f32],
        h: &[f32],
    ) -> [f64; 64] {
        let (n_out, n_in, k) = (post.len(), pre.len(), rule.k());
        let mut out = [0.0f64; 64];
        for j in 0..n_out {
            for i in 0..n_in {
                let base = match sharing {
                    Sharing::PerSynapse => (j * n_in + i) * k,
                    Sharing::PerPostNeuron => j * k,
                    Sharing::PerLayer => 0,
                };
                let hv: [f64; 6] =
                    core::array::from_fn(|c| if c < k { h[base + c] as f64 } else { 0.0 });
                out[j * n_in + i] =
                    w[j * n_in + i] as f64 + delta64(rule, &hv, pre[i] as f64, post[j] as f64);
            }
        }
        out
    }

    #[test]
    fn every_rule_and_sharing_matches_f64_formula() {
        let mut rng = Rng::new(11);
        let (n_out, n_in) = (5, 7);
        for rule in Rule::ALL {
            for sharing in Sharing::ALL {
                for _ in 0..20 {
                    let mut w = [0.0f32; 35];
                    let mut pre = [0.0f32; 7];
                    let mut post = [0.0f32; 5];
                    let mut h = [0.0f32; 35 * 6];
                    rng.fill_uniform(&mut w, -1.0, 1.0);
                    rng.fill_uniform(&mut pre, -1.0, 1.0);
                    rng.fill_uniform(&mut post, -1.0, 1.0);
                    let hl = sharing.coeff_len(rule, n_out, n_in);
                    rng.fill_uniform(&mut h[..hl], -1.0, 1.0);
                    let want = reference(rule, sharing, &w, &pre, &post, &h[..hl]);
                    let c = Coeffs::new(&h[..hl], rule, sharing, n_out, n_in).unwrap();
                    update(&mut w, &pre, &post, &c, Norm::None).unwrap();
                    for (n, (&got, &exp)) in w.iter().zip(&want).enumerate() {
                        assert!(
                            (got as f64 - exp).abs() < 1e-5,
                            "{rule:?} {sharing:?} [{n}]: {got} vs {exp}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn delta_matches_table() {
        let h = [0.5f32, -0.25, 2.0, 0.75, -1.5, 0.125];
        let h64: [f64; 6] = core::array::from_fn(|c| h[c] as f64);
        for rule in Rule::ALL {
            let d = rule.delta(&h[..rule.k()], 0.3, -0.7) as f64;
            assert!((d - delta64(rule, &h64, 0.3f32 as f64, -0.7f32 as f64)).abs() < 1e-6);
        }
    }

    #[test]
    fn shared_per_synapse_equals_per_layer_when_coefficients_repeat() {
        let mut rng = Rng::new(3);
        let (n_out, n_in) = (4, 9);
        for rule in Rule::ALL {
            let k = rule.k();
            let mut hl = [0.0f32; 6];
            rng.fill_uniform(&mut hl[..k], -1.0, 1.0);
            let mut hn = [0.0f32; 4 * 6];
            let mut hs = [0.0f32; 36 * 6];
            for v in hn[..n_out * k].chunks_exact_mut(k) {
                v.copy_from_slice(&hl[..k]);
            }
            for v in hs[..n_out * n_in * k].chunks_exact_mut(k) {
                v.copy_from_slice(&hl[..k]);
            }
            let mut pre = [0.0f32; 9];
            let mut post = [0.0f32; 4];
            rng.fill_uniform(&mut pre, -1.0, 1.0);
            rng.fill_uniform(&mut post, -1.0, 1.0);
            let mut w1 = [0.0f32; 36];
            rng.fill_uniform(&mut w1, -1.0, 1.0);
            let mut w2 = w1;
            let mut w3 = w1;
            let c1 = Coeffs::new(&hl[..k], rule, Sharing::PerLayer, n_out, n_in).unwrap();
            let c2 =
                Coeffs::new(&hn[..n_out * k], rule, Sharing::PerPostNeuron, n_out, n_in).unwrap();
            let c3 = Coeffs::new(&hs[..n_out * n_in * k], rule, Sharing::PerSynapse, n_out, n_in)
                .unwrap();
            update(&mut w1, &pre, &post, &c1, Norm::None).unwrap();
            update(&mut w2, &pre, &post, &c2, Norm::None).unwrap();
            update(&mut w3, &pre, &post, &c3, Norm::None).unwrap();
            assert_eq!(w1, w2, "{rule:?}");
            for (a, b) in w1.iter().zip(&w3) {
                assert!((a - b).abs() < 1e-6, "{rule:?}");
            }
        }
    }

    #[test]
    fn norms_are_applied_after_the_update() {
        // Δw = h3·h4 = 1 for every synapse (ABCD_lr, per layer, A=B=C=0).
        let h = [0.0, 0.0, 0.0, 1.0, 1.0];
        let c = Coeffs::new(&h, Rule::ABCDLr, Sharing::PerLayer, 1, 3).unwrap();
        let mut w = [0.5, -4.0, 1.0];
        update(&mut w, &[1.0; 3], &[1.0], &c, Norm::MaxAbs).unwrap();
        // after the update: [1.5, -3, 2] → / 3
        assert_eq!(w, [0.5, -1.0, 2.0 / 3.0]);
        let mut w = [0.5, -4.0, 1.0];
        update(&mut w, &[1.0; 3], &[1.0], &c, Norm::Clamp(1.75)).unwrap();
        assert_eq!(w, [1.5, -1.75, 1.75]);
        let mut w = [0.0; 3];
        let z = [0.0; 5];
        let cz = Coeffs::new(&z, Rule::ABCDLr, Sharing::PerLayer, 1, 3).unwrap();
        update(&mut w, &[1.0; 3], &[1.0], &cz, Norm::MaxAbs).unwrap();
        assert_eq!(w, [0.0; 3]);
    }

    #[test]
    fn bad_inputs_are_rejected_and_leave_w_unchanged() {
        let h = [0.1f32; 5 * 6];
        assert!(matches!(
            Coeffs::new(&h[..29], Rule::ABCDLr, Sharing::PerSynapse, 2, 3),
            Err(Error::ShapeMismatch { what: "coeffs", expected: 30, found: 29 })
        ));
        assert!(matches!(
            Coeffs::new(&h, Rule::ABCDLr, Sharing::PerSynapse, 0, 3),
            Err(Error::Empty { .. })
        ));
        let mut bad = h;
        bad[7] = f32::NAN;
        assert!(matches!(
            Coeffs::new(&bad, Rule::ABCDLr, Sharing::PerSynapse, 2, 3),
            Err(Error::NonFinite { what: "coeffs", index: 7 })
        ));
        let c = Coeffs::new(&h, Rule::ABCDLr, Sharing::PerSynapse, 2, 3).unwrap();
        let mut w = [0.25f32; 6];
        assert!(matches!(
            update(&mut w, &[1.0; 2], &[1.0; 2], &c, Norm::None),
            Err(Error::ShapeMismatch { what: "pre", .. })
        ));
        assert!(matches!(
            update(&mut w, &[1.0; 3], &[1.0; 3], &c, Norm::None),
            Err(Error::ShapeMismatch { what: "post", .. })
        ));
        assert!(matches!(
            update(&mut w[..5], &[1.0; 3], &[1.0; 2], &c, Norm::None),
            Err(Error::ShapeMismatch { what: "w", .. })
        ));
        assert!(matches!(
            update(&mut w, &[1.0, f32::INFINITY, 0.0], &[1.0; 2], &c, Norm::None),
            Err(Error::NonFinite { what: "pre", index: 1 })
        ));
        assert!(matches!(
            update(&mut w, &[1.0; 3], &[1.0; 2], &c, Norm::Clamp(-1.0)),
            Err(Error::InvalidArgument { .. })
        ));
        assert_eq!(w, [0.25; 6]);
        assert!(Rule::from_name("ABCD_lr_D_out").is_ok());
        assert!(Rule::from_name("abcd").is_err());
        for r in Rule::ALL {
            assert_eq!(Rule::from_id(r.id()).unwrap(), r);
            assert_eq!(Rule::from_name(r.name()).unwrap(), r);
        }
        assert!(Rule::from_id(9).is_err());
    }
}
