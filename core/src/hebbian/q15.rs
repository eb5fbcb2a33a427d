//! Hebbian plasticity in fixed point: a plastic network whose weights,
//! activations and coefficients are `i16`, updated by the ABCD rules with
//! saturating integer arithmetic — the controller for cores without an FPU.
//!
//! **Formats.** Weights and activations are Q15 (`v·2⁻¹⁵`, in [−1, 1));
//! coefficients are folded (below); inputs are Q(`in_frac`) (CartPole observations: Q12, ±8);
//! pre-activations are Q12 and [`tanh_q15`] maps them to Q15.
//!
//! **Forward.** `z_j = round_shift(Σ_i W_ji·x_i, 15 + frac(x) − 12)` (exact
//! `i64` sum), `o_j = tanh_q15(z_j)` (hidden layers; the output layer's
//! activation is tanh or linear, linear being `saturate(z_j << 3)` in Q15).
//!
//! **Update.** Every rule is the ABCD form once its learning rate is
//! multiplied in ([`Rule::folded`]): `Δw = A′·o_i·o_j + B′·o_i + C′·o_j + D′`.
//! [`fold_coeffs`] stores each coefficient set as four `i16`: `A′`, `B′` in
//! Q14 (±2), `C′`, `D′` in Q13 (±4). With `ô_j = round_shift(o_j, 1)` (Q14):
//!
//! - `u = A′·ô_j + B′·2¹⁴` (Q28) and `t = C′·ô_j + D′·2¹⁴` (Q27), each a
//!   pair of 16-bit products (`SMUAD`);
//! - `Δw = sat16((((u·o_i) >> 16) + t + 2¹¹) >> 12)` (Q15: the product is
//!   `SMLAWB`'s, the rounding is half up);
//! - `w ← sat16(w + Δw)`.
//!
//! Every sum is exact in `i32`: `|u|, |t| ≤ 2³⁰`, `|(u·o_i) >> 16| ≤ 2²⁹`.
//! The only roundings are `ô_j` (2⁻¹⁵), the floor of the product (2⁻²⁷) and
//! the last shift (2⁻¹⁶); [`fold_coeffs`] rounds the coefficients to 2⁻¹⁵
//! (A′, B′) and 2⁻¹⁴ (C′, D′). Then the norm: max-abs (`w ← w·32767/max|w|`
//! by a Q15 reciprocal), clamp to ±c, or none (Q15 saturation bounds the
//! weights). On cores with the DSP extension a row of per-synapse
//! coefficients runs in 6.75 instructions per synapse (`fixed::dsp`).
//!
//! Everything is integer arithmetic: host and board agree bit for bit by construction.

use super::{Activation, NetConfig, Norm, Rule, Sharing, Topology};
use crate::error::{check_len, Error};
use crate::fixed::{round_shift, Fixed};
use crate::rng::Rng;
use crate::slices::{split_mut, tail, window};

/// Fraction bits of the folded `A′` and `B′` (Q14: range ±2, step 2⁻¹⁴).
pub const AB_FRAC: u32 = 14;
/// Fraction bits of the folded `C′` and `D′` (Q13: range ±4, step 2⁻¹³).
pub const CD_FRAC: u32 = 13;
/// `i16` values per folded coefficient set: `[A′, B′, C′, D′]`.
pub const FOLDED: usize = 4;
/// Fraction bits of the pre-activations fed to [`tanh_q15`].
pub const PRE_FRAC: u32 = 12;
/// Fraction bits of CartPole observations (Q12, ±8).
pub const OBS_FRAC: u32 = 12;
/// Largest number of outputs of a [`PlasticNetQ15`] (its f32 output buffer).
pub const MAX_OUTPUTS: usize = 8;
/// Largest observation [`super::Controller::step_slice`] quantises (a stack buffer).
pub const MAX_INPUTS: usize = 32;

const fn exp_f64(y: f64) -> f64 {
    // e^y = (e^(y/32))^32; the series converges fast for |y/32| ≤ 0.5.
    let r = y / 32.0;
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut k = 1;
    while k < 24 {
        term = term * r / k as f64;
        sum += term;
        k += 1;
    }
    let mut i = 0;
    while i < 5 {
        sum *= sum;
        i += 1;
    }
    sum
}

const fn tanh_table() -> [i16; 257] {
    let mut t = [0i16; 257];
    let mut i = 0;
    while i < 257 {
        let e = exp_f64(2.0 * i as f64 / 32.0);
        let v = (e - 1.0) / (e + 1.0) * 32768.0 + 0.5;
        t[i] = if v >= 32767.0 { 32767 } else { v as i16 };
        i += 1;
    }
    t
}

/// tanh(i/32) in Q15 for i = 0..=256 (x in [0, 8]), computed at compile time.
static TANH: [i16; 257] = tanh_table();

/// tanh of a Q12 value, in Q15: table of 257 points over [0, 8] and linear
/// interpolation, odd symmetry, saturated to ±32767 beyond ±8. Error against
/// tanh: at most 4 units of 2⁻¹⁵ (1.2·10⁻⁴; the unit test measures every Q12 input).
#[inline]
pub fn tanh_q15(x: i32) -> i16 {
    let a = (x as i64).unsigned_abs();
    let y = if a >= 8 << 12 {
        32767
    } else {
        let i = (a >> 7) as usize;
        let f = (a & 127) as i32;
        let (t0, t1) = (
            TANH.get(i).copied().unwrap_or(32767) as i32,
            TANH.get(i + 1).copied().unwrap_or(32767) as i32,
        );
        t0 + (((t1 - t0) * f + 64) >> 7)
    };
    if x < 0 {
        -y as i16
    } else {
        y as i16
    }
}

/// `ô_j = round_shift(o_j, 1)`: the post-synaptic activation in Q14 (fits `i16`).
#[inline(always)]
pub(crate) fn post_q14(oj: i16) -> i32 {
    (oj as i32 + 1) >> 1
}

/// `x·ô_j + y·2¹⁴`: `u` from `(A′, B′)`, `t` from `(C′, D′)`; at most 2³⁰
/// in magnitude.
#[inline(always)]
fn pair_term(x: i16, y: i16, oj14: i32) -> i32 {
    x as i32 * oj14 + ((y as i32) << 14)
}

/// `(u·o_i) >> 16` (the 48-bit product's top 32 bits, as `SMLAWB`), in
/// `i32` arithmetic: `u = uh·2¹⁶ + ul` with `ul` in [0, 2¹⁶), so the floor is
/// `uh·o_i + ((ul·o_i) >> 16)`, both products exact in `i32`.
#[inline(always)]
fn mul_wb(u: i32, oi: i16) -> i32 {
    let oi = oi as i32;
    (u >> 16) * oi + (((u & 0xffff) * oi) >> 16)
}

/// `Δw = sat16((((u·o_i) >> 16) + t + 2¹¹) >> 12)` in Q15.
#[inline(always)]
fn finish(u: i32, oi: i16, t: i32) -> i16 {
    let v = mul_wb(u, oi) + t + (1 << 11);
    (v >> 12).clamp(i16::MIN as i32, i16::MAX as i32) as i16
}

/// Δw of one synapse in Q15 from its folded coefficients `c = [A′, B′, C′,
/// D′]` (missing ones read as 0), by the formula of the module comment.
#[inline]
pub fn delta_q15(c: &[i16], pre: i16, post: i16) -> i16 {
    let g = |n: usize| c.get(n).copied().unwrap_or(0);
    let oj14 = post_q14(post);
    finish(pair_term(g(0), g(1), oj14), pre, pair_term(g(2), g(3), oj14))
}

/// One Hebbian step of an `out × in` layer: `W[j, i] ← sat16(W[j, i] + Δw)`
/// with `Δw` = [`delta_q15`] and `h` the layer's folded coefficients
/// ([`fold_coeffs`]: four per synapse, per post-neuron or for the layer, as
/// `sharing` says). Lengths must agree (shorter slices end the loops;
/// nothing panics).
///
/// On cores with the DSP extension, a row length that is a multiple of 4
/// and word-aligned `w`, `pre` and `h` run in `fixed::dsp` (6.75
/// instructions per synapse in its loop with a set per synapse, 4.25 with
/// shared sets); the same bits either way.
pub fn update_q15(w: &mut [i16], pre: &[i16], post: &[i16], h: &[i16], sharing: Sharing) {
    let n_in = pre.len();
    if n_in == 0 {
        return;
    }
    let per_row = n_in.saturating_mul(FOLDED);
    #[cfg(plasticore_arm_dsp)]
    let done = match sharing {
        Sharing::PerSynapse => crate::fixed::dsp::hebbian_layer(w, pre, post, h),
        Sharing::PerPostNeuron => crate::fixed::dsp::hebbian_layer_shared(w, pre, post, h, true),
        Sharing::PerLayer => crate::fixed::dsp::hebbian_layer_shared(w, pre, post, h, false),
    };
    #[cfg(not(plasticore_arm_dsp))]
    let done = 0usize;
    let rows = split_mut(w, done.saturating_mul(n_in)).1.chunks_exact_mut(n_in);
    for (j, (row, &oj)) in rows.zip(tail(post, done)).enumerate() {
        let j = j + done;
        let oj14 = post_q14(oj);
        let set = match sharing {
            Sharing::PerSynapse => None,
            Sharing::PerPostNeuron => Some(j.saturating_mul(FOLDED)),
            Sharing::PerLayer => Some(0),
        };
        if let Some(base) = set {
            // One set for the row: u and t are computed once.
            if let Some(&[a, b, c, d]) = h.get(base..base.saturating_add(FOLDED)) {
                let (u, t) = (pair_term(a, b, oj14), pair_term(c, d, oj14));
                for (wi, &oi) in row.iter_mut().zip(pre) {
                    *wi = wi.saturating_add(finish(u, oi, t));
                }
            }
        } else if let Some(hrow) = h.get(j.saturating_mul(per_row)..(j + 1).saturating_mul(per_row))
        {
            for ((wi, &oi), ck) in row.iter_mut().zip(pre).zip(hrow.chunks_exact(FOLDED)) {
                if let &[a, b, c, d] = ck {
                    let dw = finish(pair_term(a, b, oj14), oi, pair_term(c, d, oj14));
                    *wi = wi.saturating_add(dw);
                }
            }
        }
    }
}

/// The norm on Q15 weights: max-abs scales by `32767/max|w|` (a Q15
/// reciprocal, then a rounded product), clamp saturates at ±`c` (Q15).
pub fn norm_q15(norm: Norm, w: &mut [i16]) {
    match norm {
        Norm::None => {}
        Norm::MaxAbs => {
            let m = w.iter().map(|v| (*v as i32).abs()).max().unwrap_or(0);
            if m > 0 {
                // inv = 32767·2^15 / m, rounded: w·inv >> 15 maps ±m to ±32767.
                let inv = ((32767i64 << 15) + (m as i64 / 2)) / m as i64;
                w.iter_mut().for_each(|v| *v = i16::saturate(round_shift(*v as i64 * inv, 15)));
            }
        }
        Norm::Clamp(c) => {
            let q = i16::saturate(libm::rintf(c * 32768.0) as i64).saturating_abs();
            w.iter_mut().for_each(|v| *v = (*v).max(-q).min(q));
        }
    }
}

/// Folds and quantises a rule's f32 coefficients (`rule.k()` per set, as
/// the f32 network takes them) into `out`, [`FOLDED`] per set: `A′`, `B′` to
/// Q14, `C′`, `D′` to Q13 ([`Rule::folded`] in f32, then round half to
/// even, saturating). Board and host compute the same bits.
///
/// # Errors
/// [`Error::ShapeMismatch`] if `c.len()` is not a multiple of `rule.k()` or `out.len()` is not
/// four per set, [`Error::NonFinite`] for a value that is not finite; `out` is untouched then.
pub fn fold_coeffs(rule: Rule, c: &[f32], out: &mut [i16]) -> Result<(), Error> {
    let k = rule.k();
    if !c.len().is_multiple_of(k) {
        return Err(Error::InvalidArgument {
            what: "coefficients",
            expected: "a whole number of coefficient sets (rule.k() values each)",
        });
    }
    check_len("out", c.len() / k * FOLDED, out.len())?;
    crate::error::check_finite("coefficients", c)?;
    let (ab, cd) = ((1u32 << AB_FRAC) as f32, (1u32 << CD_FRAC) as f32);
    for (set, o) in c.chunks_exact(k).zip(out.chunks_exact_mut(FOLDED)) {
        let f = rule.folded(set);
        for (i, (q, v)) in o.iter_mut().zip(f).enumerate() {
            let scale = if i < 2 { ab } else { cd };
            *q = i16::saturate(libm::rintf(v * scale) as i64);
        }
    }
    Ok(())
}

/// Length of the folded coefficients of a network (four per set).
pub const fn folded_len(sizes: &[usize], sharing: Sharing) -> usize {
    super::coeff_len(sizes, Rule::ABCD, sharing)
}

/// A feed-forward plastic network in fixed point over caller buffers: the
/// integer twin of [`super::PlasticNet`] (tanh hidden layers,
/// tanh, linear or ReLU output, Hebbian update of every layer after each forward pass).
///
/// Buffers: `coeffs` folded by [`fold_coeffs`] (`folded_len(sizes,
/// sharing)`; word-aligned lets the DSP cores take their fast loop),
/// `weights` Q15
/// (`weight_len(sizes)`), `acts` Q15 (`act_len(sizes)`, input first).
#[derive(Debug)]
pub struct PlasticNetQ15<'a> {
    topo: Topology,
    config: NetConfig,
    in_frac: u32,
    coeffs: &'a [i16],
    weights: &'a mut [i16],
    acts: &'a mut [i16],
    out: [f32; MAX_OUTPUTS],
}

impl<'a> PlasticNetQ15<'a> {
    /// Builds a network with its first random weights drawn from `rng` (as
    /// [`PlasticNetQ15::reset`] draws them: it is never stepped on zero
    /// weights). `in_frac` is the inputs' fraction bits (0..=15).
    ///
    /// # Errors
    /// As [`super::PlasticNet::new`]; [`Error::InvalidArgument`] for more
    /// than [`MAX_OUTPUTS`] outputs, `in_frac > 15` or a GELU output.
    pub fn new(
        sizes: &[usize],
        config: NetConfig,
        in_frac: u32,
        coeffs: &'a [i16],
        weights: &'a mut [i16],
        acts: &'a mut [i16],
        rng: &mut Rng,
    ) -> Result<Self, Error> {
        let topo = Topology::new(sizes)?;
        check_len("coeffs", folded_len(sizes, config.sharing), coeffs.len())?;
        check_len("weights", super::weight_len(sizes), weights.len())?;
        check_len("acts", super::act_len(sizes), acts.len())?;
        config.norm.validate()?;
        if config.output == Activation::Gelu {
            return Err(Error::InvalidArgument {
                what: "output activation",
                expected: "linear, tanh or ReLU in fixed point (no Q15 GELU)",
            });
        }
        if topo.outputs() > MAX_OUTPUTS || in_frac > 15 {
            return Err(Error::InvalidArgument {
                what: "fixed-point network",
                expected: "at most 8 outputs and in_frac <= 15",
            });
        }
        let mut net =
            PlasticNetQ15 { topo, config, in_frac, coeffs, weights, acts, out: [0.0; MAX_OUTPUTS] };
        net.reset(rng);
        Ok(net)
    }

    /// All weights (Q15), layer after layer.
    pub fn weights(&self) -> &[i16] {
        self.weights
    }

    /// Start of an episode: weights U(−0.1, 0.1) drawn as the f32 network draws
    /// them, quantised to Q15; activations zeroed.
    pub fn reset(&mut self, rng: &mut Rng) {
        for w in self.weights.iter_mut() {
            let v = rng.uniform(-super::layer::INIT_RANGE, super::layer::INIT_RANGE);
            *w = i16::saturate(libm::rintf(v * 32768.0) as i64);
        }
        self.acts.iter_mut().for_each(|a| *a = 0);
    }

    /// One step on quantised inputs (Q`in_frac`): forward, then the Hebbian
    /// update of every layer. Returns the output activations (Q15).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if `input.len()` is not the input size; nothing changes then.
    pub fn step_q(&mut self, input: &[i16]) -> Result<&[i16], Error> {
        check_len("input", self.topo.inputs(), input.len())?;
        let sizes = self.topo.sizes();
        let n_layers = self.topo.layers();
        if let Some(a) = self.acts.get_mut(..input.len()) {
            a.copy_from_slice(input);
        }
        let (mut woff, mut aoff) = (0, 0);
        for (l, pair) in sizes.windows(2).enumerate() {
            let &[n_in, n_out] = pair else { break };
            let frac = if l == 0 { self.in_frac } else { 15 };
            let shift = 15 + frac - PRE_FRAC;
            let act = if l + 1 == n_layers { self.config.output } else { Activation::Tanh };
            let (head, rest) = split_mut(self.acts, aoff + n_in);
            let x = tail(head, aoff);
            let w = window(self.weights, woff, n_in * n_out);
            // n_in ≥ 1 (Topology::new); `max` keeps chunks_exact panic-free.
            let outs = rest.iter_mut().take(n_out).zip(w.chunks_exact(n_in.max(1)));
            let z = |row: &[i16]| {
                let z = round_shift(i16::dot_exact(row, x), shift);
                z.clamp(i32::MIN as i64, i32::MAX as i64) as i32
            };
            // One loop per activation (the choice made once per layer).
            match act {
                Activation::Tanh => outs.for_each(|(o, row)| *o = tanh_q15(z(row))),
                Activation::Relu => outs.for_each(|(o, row)| {
                    *o = i16::saturate((z(row).max(0) as i64) << (15 - PRE_FRAC))
                }),
                // GELU is refused by `new`.
                Activation::Linear | Activation::Gelu => {
                    outs.for_each(|(o, row)| *o = i16::saturate((z(row) as i64) << (15 - PRE_FRAC)))
                }
            }
            woff += n_in * n_out;
            aoff += n_in;
        }
        let (mut woff, mut aoff, mut coff) = (0, 0, 0);
        let NetConfig { sharing, norm, .. } = self.config;
        for pair in sizes.windows(2) {
            let &[n_in, n_out] = pair else { break };
            let nc = sharing.coeff_len(Rule::ABCD, n_out, n_in);
            if let (Some(w), Some(pre), Some(post), Some(h)) = (
                self.weights.get_mut(woff..woff + n_in * n_out),
                self.acts.get(aoff..aoff + n_in),
                self.acts.get(aoff + n_in..aoff + n_in + n_out),
                self.coeffs.get(coff..coff + nc),
            ) {
                update_q15(w, pre, post, h, sharing);
                norm_q15(norm, w);
            }
            woff += n_in * n_out;
            aoff += n_in;
            coff += nc;
        }
        Ok(self.acts.get(aoff..).unwrap_or(&[]))
    }
}

impl super::Controller for PlasticNetQ15<'_> {
    fn reset(&mut self, rng: &mut Rng) {
        PlasticNetQ15::reset(self, rng)
    }

    /// Quantises the f32 observation to Q`in_frac` (round half to even,
    /// saturating), steps, and returns the outputs dequantised to f32.
    fn step_slice(&mut self, obs: &[f32]) -> Result<&[f32], Error> {
        let mut q = [0i16; MAX_INPUTS];
        let n = obs.len();
        let q = q.get_mut(..n).ok_or(Error::ShapeMismatch {
            what: "input",
            expected: self.topo.inputs(),
            found: n,
        })?;
        crate::fixed::quantize(obs, 1.0 / (1u32 << self.in_frac) as f32, q)?;
        let mut out = [0.0f32; MAX_OUTPUTS];
        let y = self.step_q(q)?;
        let n_out = y.len().min(MAX_OUTPUTS);
        for (o, &v) in out.iter_mut().zip(y) {
            *o = v as f32 / 32768.0;
        }
        self.out = out;
        Ok(&self.out[..n_out])
    }

    /// FNV-1a (32-bit) of the Q15 weights, little-endian, layer after layer.
    fn weights_checksum(&self) -> u32 {
        let mut h = crate::checksum::FNV_OFFSET;
        for w in self.weights.iter() {
            for b in w.to_le_bytes() {
                h = (h ^ b as u32).wrapping_mul(0x0100_0193);
            }
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q15_net_refuses_gelu_and_takes_relu() {
        let sizes = [2, 1];
        let mut config = NetConfig {
            rule: Rule::A,
            sharing: Sharing::PerLayer,
            norm: Norm::None,
            output: Activation::Gelu,
        };
        let coeffs = [0i16; 4];
        let (mut w, mut a) = ([0i16; 2], [0i16; 3]);
        let mut r = Rng::new(2);
        let e = PlasticNetQ15::new(&sizes, config, 15, &coeffs, &mut w, &mut a, &mut r);
        assert!(e.is_err());
        assert_eq!(w, [0, 0], "nothing written on error");
        config.output = Activation::Relu;
        let mut net =
            PlasticNetQ15::new(&sizes, config, 15, &coeffs, &mut w, &mut a, &mut r).unwrap();
        // Built with random weights: never stepped on zeros.
        assert!(net.weights().iter().any(|&v| v != 0));
        // ReLU of a linear layer never goes below 0, whatever the weights.
        net.reset(&mut r);
        for k in 0..50 {
            let x = [(k * 1000 - 25_000) as i16, (20_000 - k * 700) as i16];
            assert!(net.step_q(&x).unwrap().iter().all(|&y| y >= 0));
        }
    }

    #[test]
    fn tanh_table_error_is_small_everywhere() {
        let mut worst = 0.0f64;
        for x in -(9 << 12)..=(9 << 12) {
            let got = tanh_q15(x) as f64 / 32768.0;
            let want = libm::tanh(x as f64 / 4096.0);
            worst = worst.max((got - want).abs());
        }
        assert!(worst <= 4.0 / 32768.0, "max error {worst}");
        assert_eq!(tanh_q15(0), 0);
        assert_eq!(tanh_q15(i32::MIN), -32767);
        assert_eq!(tanh_q15(i32::MAX), 32767);
    }

    #[test]
    fn product_is_smlawb_top_32_bits() {
        let mut r = Rng::new(4);
        for _ in 0..100_000 {
            let u = (r.next() as i32) >> (r.next() % 3);
            let oi = r.next() as i16;
            let want = ((u as i64 * oi as i64) >> 16) as i32;
            assert_eq!(mul_wb(u, oi), want, "{u} {oi}");
        }
        for (u, oi) in [(i32::MIN, i16::MIN), (i32::MAX, i16::MIN), (-1, 1), (1 << 30, 32767)] {
            assert_eq!(mul_wb(u, oi), ((u as i64 * oi as i64) >> 16) as i32);
        }
    }

    /// Folded, quantised and evaluated in integers, every rule stays within
    /// its rounding bound of the f64 rule on the original coefficients.
    #[test]
    fn delta_matches_the_f64_rule_within_its_rounding_bound() {
        let mut r = Rng::new(9);
        for rule in Rule::ALL {
            for _ in 0..2000 {
                let h: [f32; 6] = core::array::from_fn(|_| r.uniform(-1.4, 1.4));
                let k = rule.k();
                let mut q = [0i16; 4];
                fold_coeffs(rule, &h[..k], &mut q).unwrap();
                let (pq, oq) = (r.next() as i16, r.next() as i16);
                let (x, y) = (pq as f64 / 32768.0, oq as f64 / 32768.0);
                let want =
                    rule.delta_f64(&h.map(|v| v as f64), x, y).clamp(-1.0, 32767.0 / 32768.0);
                let got = delta_q15(&q, pq, oq) as f64 / 32768.0;
                // Coefficients rounded to half a step (2^-15 for A', B',
                // 2^-14 for C', D'; f32 products add < 1e-6), o_j rounded to
                // Q14 (2^-15, times |A'·o_i| + |C'|), the product's floor
                // (2^-27) and the last rounding (2^-16).
                let (a1, c1) = (q[0] as f64 / 16384.0, q[2] as f64 / 8192.0);
                let e = 2f64.powi(-15);
                let bound = e * (x * y).abs()
                    + e * x.abs()
                    + 2.0 * e * y.abs()
                    + 2.0 * e
                    + e * ((a1 * x).abs() + c1.abs())
                    + 2f64.powi(-27)
                    + 2f64.powi(-16)
                    + 1e-6;
                assert!((got - want).abs() <= bound, "{rule:?}: {got} vs {want} (bound {bound})");
            }
        }
    }

    #[test]
    fn fold_refuses_bad_lengths_and_non_finite_values() {
        let mut out = [7i16; 8];
        assert!(fold_coeffs(Rule::ABCDLr, &[0.5; 9], &mut out).is_err());
        assert!(fold_coeffs(Rule::ABCDLr, &[0.5; 10], &mut out[..7]).is_err());
        assert!(fold_coeffs(Rule::ABCDLr, &[0.5, f32::NAN, 0.0, 1.0, 1.0], &mut out[..4]).is_err());
        assert_eq!(out, [7; 8], "untouched on error");
        // Saturation at the format's range: A' = 3 > 2 and D' = -5 < -4.
        fold_coeffs(Rule::ABCD, &[3.0, 0.25, -1.0, -5.0], &mut out[..4]).unwrap();
        assert_eq!(out[..4], [32767, 4096, -8192, -32768]);
    }

    #[test]
    fn update_equals_delta_per_synapse_for_every_sharing() {
        let mut r = Rng::new(5);
        // 13 inputs: the DSP loop takes 12 synapses a row, the portable tail one.
        let (n_in, n_out) = (13, 3);
        let pre: [i16; 13] = core::array::from_fn(|_| r.next() as i16);
        let post: [i16; 3] = core::array::from_fn(|_| r.next() as i16);
        let h: [i16; 13 * 3 * 4] = core::array::from_fn(|_| r.next() as i16);
        let w0: [i16; 39] = core::array::from_fn(|_| r.next() as i16);
        for sharing in Sharing::ALL {
            let mut w = w0;
            update_q15(&mut w, &pre, &post, &h, sharing);
            for j in 0..n_out {
                for i in 0..n_in {
                    let off = match sharing {
                        Sharing::PerSynapse => (j * n_in + i) * 4,
                        Sharing::PerPostNeuron => j * 4,
                        Sharing::PerLayer => 0,
                    };
                    let d = delta_q15(&h[off..off + 4], pre[i], post[j]);
                    let want = w0[j * n_in + i].saturating_add(d);
                    assert_eq!(w[j * n_in + i], want, "{sharing:?} ({j}, {i})");
                }
            }
        }
    }

    #[test]
    fn norms_bound_the_weights() {
        let mut w = [100i16, -2000, 30000, -5];
        norm_q15(Norm::MaxAbs, &mut w);
        assert_eq!(w[2], 32767);
        assert!((w[1] as i32 + 2185).abs() <= 1);
        let mut c = [30000i16, -30000, 10];
        norm_q15(Norm::Clamp(0.5), &mut c);
        assert_eq!(c, [16384, -16384, 10]);
    }
}
