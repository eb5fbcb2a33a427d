//! Hebbian plasticity in fixed point: a plastic network whose weights,
//! activations and coefficients are `i16`, updated by the ABCD rules with
//! saturating integer arithmetic — the controller for cores without an FPU.
//!
//! **Formats.** Weights and activations are Q15 (`v·2⁻¹⁵`, in [−1, 1));
//! coefficients are Q(`cf`) with `cf` = [`COEFF_FRAC`] = 12 fraction bits
//! (range ±8); inputs are Q(`in_frac`) (CartPole observations: Q12, ±8);
//! pre-activations are Q12 and [`tanh_q15`] maps them to Q15.
//!
//! **Forward.** `z_j = round_shift(Σ_i W_ji·x_i, 15 + frac(x) − 12)` (exact
//! `i64` sum), `o_j = tanh_q15(z_j)` (hidden layers; the output layer's
//! activation is tanh or linear, linear being `saturate(z_j << 3)` in Q15).
//!
//! **Update** (the rules of [`crate::hebbian::rule`], every product rounded
//! back to its format): with `p = o_i·o_j` in Q15,
//! `Δw = Σ_k c_k·term_k` in Q15 where each `c·t` is `round_shift(c·t, cf)`,
//! and the learning-rate rules multiply the sum by `η` the same way;
//! `w ← saturate(w + Δw)`. Then the norm: max-abs (`w ← w·32767/max|w|` by a
//! Q15 reciprocal), clamp to ±c, or none (Q15 saturation bounds the weights).
//!
//! Everything is integer arithmetic: host and board agree bit for bit by construction.

use super::{round_shift, Fixed};
use crate::error::{check_len, Error};
use crate::hebbian::{Activation, NetConfig, Norm, Rule, Sharing, Topology};
use crate::rng::Rng;
use crate::slices::{split_mut, tail, window};

/// Fraction bits of the coefficients (Q12: range ±8, step 2⁻¹²).
pub const COEFF_FRAC: u32 = 12;
/// Fraction bits of the pre-activations fed to [`tanh_q15`].
pub const PRE_FRAC: u32 = 12;
/// Fraction bits of CartPole observations (Q12, ±8).
pub const OBS_FRAC: u32 = 12;
/// Largest number of outputs of a [`PlasticNetQ15`] (its f32 output buffer).
pub const MAX_OUTPUTS: usize = 8;
/// Largest observation [`crate::hebbian::Controller::step_slice`] quantises (a stack buffer).
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

/// `round_shift(c·t, cf)`: a Q12 coefficient times a Q15 term (|t| ≤ 2¹⁵),
/// in Q15. Exact in `i32`: |c·t| ≤ 2³⁰.
#[inline(always)]
fn cmul(c: i16, t: i32) -> i32 {
    (c as i32 * t + (1 << (COEFF_FRAC - 1))) >> COEFF_FRAC
}

/// `round_shift(η·s, cf)` for a sum `s` of rounded terms (|s| < 2²¹): the
/// product needs 64 bits.
#[inline(always)]
fn lr_mul(eta: i16, s: i32) -> i32 {
    ((eta as i64 * s as i64 + (1 << (COEFF_FRAC - 1))) >> COEFF_FRAC) as i32
}

/// A Q12 constant term in Q15.
#[inline(always)]
fn q15_of(c: i16) -> i32 {
    (c as i32) << (15 - COEFF_FRAC)
}

/// Δw of one synapse in Q15, from the rule table (`h` holds `k` Q12
/// coefficients; missing ones read as 0): every product is rounded half up
/// back to Q15 (`hebb = round_shift(o_i·o_j, 15)`, each `c·t` by
/// `round_shift(c·t, 12)`), sums are exact.
#[inline(always)]
pub fn delta_q15(rule: Rule, h: &[i16], pre: i16, post: i16) -> i32 {
    let g = |n: usize| h.get(n).copied().unwrap_or(0);
    let (oi, oj) = (pre as i32, post as i32);
    let hebb = (oi * oj + (1 << 14)) >> 15;
    let abc = || cmul(g(0), hebb) + cmul(g(1), oi) + cmul(g(2), oj);
    match rule {
        Rule::A => cmul(g(0), hebb),
        Rule::AD => cmul(g(0), hebb) + q15_of(g(1)),
        Rule::ADLr => lr_mul(g(2), cmul(g(0), hebb) + q15_of(g(1))),
        Rule::ABC => abc(),
        Rule::ABCLr => lr_mul(g(3), abc()),
        Rule::ABCD => abc() + q15_of(g(3)),
        Rule::ABCDLr => lr_mul(g(3), abc() + q15_of(g(4))),
        Rule::ABCDLrDOut => lr_mul(g(3), abc()) + q15_of(g(4)),
        Rule::ABCDLrDInAndOut => lr_mul(g(3), abc() + q15_of(g(4))) + q15_of(g(5)),
    }
}

/// `w ← saturate(w + Δw)` along one row, `Δw` from `f(k-chunk of h, o_i)`.
#[inline(always)]
fn row_update<const K: usize>(
    row: &mut [i16],
    pre: &[i16],
    h: &[i16],
    f: impl Fn(&[i16; K], i32) -> i32,
) {
    for ((wi, &oi), hk) in row.iter_mut().zip(pre).zip(h.chunks_exact(K)) {
        if let Ok(hk) = <&[i16; K]>::try_from(hk) {
            *wi = (*wi as i32 + f(hk, oi as i32)).clamp(-32768, 32767) as i16;
        }
    }
}

/// One Hebbian step of an `out × in` layer: `W[j, i] ← sat(W[j, i] + Δw)`
/// with `Δw` = [`delta_q15`]. Lengths must agree (shorter slices end the
/// loops; nothing panics).
pub fn update_q15(
    w: &mut [i16],
    pre: &[i16],
    post: &[i16],
    h: &[i16],
    rule: Rule,
    sharing: Sharing,
) {
    let n_in = pre.len();
    if n_in == 0 {
        return;
    }
    let k = rule.k();
    for (j, (row, &oj)) in w.chunks_exact_mut(n_in).zip(post).enumerate() {
        let hrow = match sharing {
            Sharing::PerSynapse => h.get(j * n_in * k..(j + 1) * n_in * k),
            Sharing::PerPostNeuron => h.get(j * k..(j + 1) * k),
            Sharing::PerLayer => h.get(..k),
        }
        .unwrap_or(&[]);
        let oj32 = oj as i32;
        if sharing == Sharing::PerSynapse && rule == Rule::ABCDLr {
            // The paper's rule, per synapse, with o_j hoisted out of the row.
            row_update::<5>(row, pre, hrow, |c, oi| {
                let hebb = (oi * oj32 + (1 << 14)) >> 15;
                let s = cmul(c[0], hebb) + cmul(c[1], oi) + cmul(c[2], oj32) + q15_of(c[4]);
                lr_mul(c[3], s)
            });
        } else if rule == Rule::ABCDLr {
            // Shared coefficients: the o_j terms are the same for the whole row.
            if let Ok(c) = <&[i16; 5]>::try_from(hrow) {
                let row_terms = cmul(c[2], oj32) + q15_of(c[4]);
                for (wi, &oi) in row.iter_mut().zip(pre) {
                    let oi = oi as i32;
                    let hebb = (oi * oj32 + (1 << 14)) >> 15;
                    let d = lr_mul(c[3], cmul(c[0], hebb) + cmul(c[1], oi) + row_terms);
                    *wi = (*wi as i32 + d).clamp(-32768, 32767) as i16;
                }
            }
        } else {
            for (i, (wi, &oi)) in row.iter_mut().zip(pre).enumerate() {
                let hk = match sharing {
                    Sharing::PerSynapse => hrow.get(i * k..(i + 1) * k).unwrap_or(&[]),
                    _ => hrow,
                };
                *wi = (*wi as i32 + delta_q15(rule, hk, oi, oj)).clamp(-32768, 32767) as i16;
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
                w.iter_mut()
                    .for_each(|v| *v = i16::saturate(round_shift(*v as i64 * inv, 15)));
            }
        }
        Norm::Clamp(c) => {
            let q = i16::saturate(libm::rintf(c * 32768.0) as i64).saturating_abs();
            w.iter_mut().for_each(|v| *v = (*v).max(-q).min(q));
        }
    }
}

/// Quantises f32 coefficients to Q12 (saturating at ±8), as the board and the host both do.
pub fn quantize_coeffs(c: &[f32], out: &mut [i16]) -> Result<(), Error> {
    super::quantize(c, 1.0 / (1 << COEFF_FRAC) as f32, out)
}

/// A feed-forward plastic network in fixed point over caller buffers: the
/// integer twin of [`crate::hebbian::PlasticNet`] (tanh hidden layers,
/// tanh, linear or ReLU output, Hebbian update of every layer after each forward pass).
///
/// Buffers: `coeffs` Q12 (`coeff_len(sizes, rule, sharing)`), `weights` Q15
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
    /// Builds a network. `in_frac` is the inputs' fraction bits (0..=15).
    ///
    /// Errors: as [`crate::hebbian::PlasticNet::new`]; more than
    /// [`MAX_OUTPUTS`] outputs; `in_frac > 15`.
    pub fn new(
        sizes: &[usize],
        config: NetConfig,
        in_frac: u32,
        coeffs: &'a [i16],
        weights: &'a mut [i16],
        acts: &'a mut [i16],
    ) -> Result<Self, Error> {
        let topo = Topology::new(sizes)?;
        check_len(
            "coeffs",
            crate::hebbian::coeff_len(sizes, config.rule, config.sharing),
            coeffs.len(),
        )?;
        check_len("weights", crate::hebbian::weight_len(sizes), weights.len())?;
        check_len("acts", crate::hebbian::act_len(sizes), acts.len())?;
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
        Ok(PlasticNetQ15 {
            topo,
            config,
            in_frac,
            coeffs,
            weights,
            acts,
            out: [0.0; MAX_OUTPUTS],
        })
    }

    /// All weights (Q15), layer after layer.
    pub fn weights(&self) -> &[i16] {
        self.weights
    }

    /// Start of an episode: weights U(−0.1, 0.1) drawn as the f32 network draws
    /// them, quantised to Q15; activations zeroed.
    pub fn reset(&mut self, rng: &mut Rng) {
        for w in self.weights.iter_mut() {
            let v = rng.uniform(
                -crate::hebbian::layer::INIT_RANGE,
                crate::hebbian::layer::INIT_RANGE,
            );
            *w = i16::saturate(libm::rintf(v * 32768.0) as i64);
        }
        self.acts.iter_mut().for_each(|a| *a = 0);
    }

    /// One step on quantised inputs (Q`in_frac`): forward, then the Hebbian
    /// update of every layer. Returns the output activations (Q15).
    ///
    /// Errors: `input.len()` is not the input size; nothing changes then.
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
            let act = if l + 1 == n_layers {
                self.config.output
            } else {
                Activation::Tanh
            };
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
        let NetConfig {
            rule,
            sharing,
            norm,
            ..
        } = self.config;
        for pair in sizes.windows(2) {
            let &[n_in, n_out] = pair else { break };
            let nc = sharing.coeff_len(rule, n_out, n_in);
            if let (Some(w), Some(pre), Some(post), Some(h)) = (
                self.weights.get_mut(woff..woff + n_in * n_out),
                self.acts.get(aoff..aoff + n_in),
                self.acts.get(aoff + n_in..aoff + n_in + n_out),
                self.coeffs.get(coff..coff + nc),
            ) {
                update_q15(w, pre, post, h, rule, sharing);
                norm_q15(norm, w);
            }
            woff += n_in * n_out;
            aoff += n_in;
            coff += nc;
        }
        Ok(self.acts.get(aoff..).unwrap_or(&[]))
    }
}

impl crate::hebbian::Controller for PlasticNetQ15<'_> {
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
        super::quantize(obs, 1.0 / (1u32 << self.in_frac) as f32, q)?;
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
        let mut h = crate::blob::FNV_OFFSET;
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
        let coeffs = [0i16; 1];
        let (mut w, mut a) = ([0i16; 2], [0i16; 3]);
        assert!(PlasticNetQ15::new(&sizes, config, 15, &coeffs, &mut w, &mut a).is_err());
        config.output = Activation::Relu;
        let mut net = PlasticNetQ15::new(&sizes, config, 15, &coeffs, &mut w, &mut a).unwrap();
        // ReLU of a linear layer never goes below 0, whatever the weights.
        let mut r = Rng::new(2);
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
    fn delta_matches_the_f32_rule_within_rounding() {
        let mut r = Rng::new(9);
        for rule in Rule::ALL {
            for _ in 0..200 {
                let h: [f32; 6] = core::array::from_fn(|_| r.uniform(-2.0, 2.0));
                let mut hq = [0i16; 6];
                quantize_coeffs(&h, &mut hq).unwrap();
                let hd: [f32; 6] = core::array::from_fn(|i| hq[i] as f32 / 4096.0);
                let (pre, post) = (r.uniform(-1.0, 1.0), r.uniform(-1.0, 1.0));
                let (pq, oq) = ((pre * 32768.0) as i16, (post * 32768.0) as i16);
                let want = rule.delta(&hd, pq as f32 / 32768.0, oq as f32 / 32768.0);
                let got = delta_q15(rule, &hq, pq, oq) as f32 / 32768.0;
                // A few roundings of 2^-15 each, amplified by |η| ≤ 2.
                assert!((got - want).abs() < 2e-4, "{rule:?}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn update_equals_delta_per_synapse_for_every_rule_and_sharing() {
        let mut r = Rng::new(5);
        let (n_in, n_out) = (7, 3);
        let pre: [i16; 7] = core::array::from_fn(|_| r.next() as i16);
        let post: [i16; 3] = core::array::from_fn(|_| r.next() as i16);
        let h: [i16; 7 * 3 * 6] = core::array::from_fn(|_| (r.next() >> 17) as i16);
        let w0: [i16; 21] = core::array::from_fn(|_| r.next() as i16);
        for rule in Rule::ALL {
            let k = rule.k();
            for sharing in Sharing::ALL {
                let mut w = w0;
                update_q15(&mut w, &pre, &post, &h, rule, sharing);
                for j in 0..n_out {
                    for i in 0..n_in {
                        let off = match sharing {
                            Sharing::PerSynapse => (j * n_in + i) * k,
                            Sharing::PerPostNeuron => j * k,
                            Sharing::PerLayer => 0,
                        };
                        let d = delta_q15(rule, &h[off..off + k], pre[i], post[j]);
                        let want = (w0[j * n_in + i] as i32 + d).clamp(-32768, 32767) as i16;
                        assert_eq!(w[j * n_in + i], want, "{rule:?} {sharing:?} ({j}, {i})");
                    }
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
