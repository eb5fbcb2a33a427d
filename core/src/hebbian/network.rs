//! Feed-forward plastic networks without bias (Najarro & Risi 2020): tanh
//! hidden layers, linear or tanh output; after each forward pass every layer
//! gets one Hebbian update on that pass's activations (pre = its input, post =
//! its output), then its normalisation.
//!
//! Two faces with bit-identical results:
//! - [`PlasticNet`]: run-time layer sizes over caller buffers (host, any depth);
//! - [`PlasticMlp`]: one hidden layer with sizes in the type (firmware).
//!
//! Buffers: weights are the layers' `[out, in]` matrices one after the other
//! ([`weight_len`]); coefficients likewise, each layer `sharing.coeff_len(rule,
//! out, in)` long ([`coeff_len`]); activations are all layers' vectors one after
//! the other, input first ([`act_len`]).

use super::layer::{forward_unchecked, Activation, PlasticLayer, INIT_RANGE};
use super::rule::{update_unchecked, Coeffs, Norm, Rule, Sharing};
use crate::checksum::{fnv1a_f32, FNV_OFFSET};
use crate::error::{check_finite, check_len, check_nonempty, Error};
use crate::rng::Rng;
use crate::slices::{copy, split, split_mut, tail, window, window_mut};

/// Largest number of entries in a size list (`[in, hidden…, out]`), i.e. up to 7 layers.
pub const MAX_SIZES: usize = 8;

/// Σ sizes\[l\]·sizes\[l+1\]: weights of a network with these layer sizes
/// (saturating at `usize::MAX`, so an impossible size never panics).
pub const fn weight_len(sizes: &[usize]) -> usize {
    let mut n: usize = 0;
    let mut l = 0;
    while l + 1 < sizes.len() {
        n = n.saturating_add(sizes[l].saturating_mul(sizes[l + 1]));
        l += 1;
    }
    n
}

/// Σ sizes\[l\]: activations (input included).
pub const fn act_len(sizes: &[usize]) -> usize {
    let mut n: usize = 0;
    let mut l = 0;
    while l < sizes.len() {
        n = n.saturating_add(sizes[l]);
        l += 1;
    }
    n
}

/// Coefficients of a network with these sizes under `rule` and `sharing`.
pub const fn coeff_len(sizes: &[usize], rule: Rule, sharing: Sharing) -> usize {
    let mut n: usize = 0;
    let mut l = 0;
    while l + 1 < sizes.len() {
        n = n.saturating_add(sharing.coeff_len(rule, sizes[l + 1], sizes[l]));
        l += 1;
    }
    n
}

/// Everything about a plastic network except its sizes and numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NetConfig {
    /// The plasticity rule of every layer.
    pub rule: Rule,
    /// Coefficient sharing.
    pub sharing: Sharing,
    /// Normalisation after each update.
    pub norm: Norm,
    /// Output activation (hidden layers are tanh).
    pub output: Activation,
}

/// Validated layer sizes `[in, hidden…, out]` (2 to [`MAX_SIZES`] entries, none zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Topology {
    sizes: [usize; MAX_SIZES],
    len: usize,
}

impl Topology {
    /// Checks and copies `sizes`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for fewer than 2 or more than
    /// [`MAX_SIZES`] entries or a total that overflows, [`Error::Empty`] for a zero size.
    pub fn new(sizes: &[usize]) -> Result<Self, Error> {
        if sizes.len() < 2 || sizes.len() > MAX_SIZES {
            return Err(Error::InvalidArgument {
                what: "layer sizes",
                expected: "between 2 and 8 entries: [in, hidden..., out]",
            });
        }
        let mut s = [0; MAX_SIZES];
        for (d, &v) in s.iter_mut().zip(sizes) {
            check_nonempty("layer size", v)?;
            if v > 1 << 16 {
                return Err(Error::InvalidArgument {
                    what: "layer size",
                    expected: "at most 65536",
                });
            }
            *d = v;
        }
        Ok(Topology { sizes: s, len: sizes.len() })
    }
    /// The sizes.
    pub fn sizes(&self) -> &[usize] {
        crate::slices::window(&self.sizes, 0, self.len)
    }
    /// Number of weight layers.
    pub fn layers(&self) -> usize {
        self.len - 1
    }
    /// Input size.
    pub fn inputs(&self) -> usize {
        self.sizes.first().copied().unwrap_or(0)
    }
    /// Output size.
    pub fn outputs(&self) -> usize {
        self.sizes().last().copied().unwrap_or(0)
    }
}

/// Weights beyond this magnitude, without a norm, count as diverged: at
/// |w| = 10⁶ an f32 keeps no fraction below 2⁻⁴, so further Hebbian steps
/// are mostly lost to rounding and the network no longer computes anything useful.
pub const DIVERGED: f32 = 1.0e6;

/// Without a norm nothing bounds the weights: a rule with positive feedback
/// grows them without limit. Once any weight is non-finite or beyond
/// [`DIVERGED`] the step reports an error, never a silent NaN output (max-abs
/// and clamp keep every weight bounded, so only `Norm::None` is checked).
#[inline]
fn diverged(norm: Norm, w: &[f32]) -> Result<(), Error> {
    if norm == Norm::None {
        check_finite("weights (diverged without a norm)", w)?;
        if w.iter().any(|v| v.abs() > DIVERGED) {
            return Err(Error::InvalidArgument {
                what: "weights",
                expected: "|w| <= 1e6 (diverged without a norm: use maxabs or clamp)",
            });
        }
    }
    Ok(())
}

/// The forward pass of a feed-forward network with layer sizes `sizes`
/// (checked by [`Topology::new`]): `acts` = input, then each layer's
/// `f(W_l · o_l)`, `f = tanh` on hidden layers and `output` on the last.
/// `weights` and `acts` have [`weight_len`] and [`act_len`] values, `input` the
/// first size (checked by the callers).
pub(crate) fn forward_layers(
    sizes: &[usize],
    output: Activation,
    weights: &[f32],
    input: &[f32],
    acts: &mut [f32],
) {
    let n_layers = sizes.len().saturating_sub(1);
    copy(acts, input);
    let (mut woff, mut aoff) = (0, 0);
    for (l, pair) in sizes.windows(2).enumerate() {
        let &[n_in, n_out] = pair else { break };
        let (head, rest) = split_mut(acts, aoff + n_in);
        let act = if l + 1 == n_layers { output } else { Activation::Tanh };
        forward_unchecked(
            window(weights, woff, n_in * n_out),
            tail(head, aoff),
            window_mut(rest, 0, n_out),
            act,
        );
        woff += n_in * n_out;
        aoff += n_in;
    }
}

/// A feed-forward plastic network over caller-owned buffers.
///
/// `coeffs` are read-only (may be `&'static` flash data); `weights` and `acts`
/// are the only RAM it changes.
#[derive(Debug)]
pub struct PlasticNet<'a> {
    topo: Topology,
    config: NetConfig,
    coeffs: &'a [f32],
    weights: &'a mut [f32],
    acts: &'a mut [f32],
}

impl<'a> PlasticNet<'a> {
    /// Builds a network with its first random weights drawn from `rng` (as
    /// [`PlasticNet::reset`] draws them: a network is never stepped on zero
    /// weights); checks every length, that `coeffs` are finite and the norm
    /// valid.
    ///
    /// # Errors
    /// As [`Topology::new`]; [`Error::ShapeMismatch`] for `coeffs`
    /// ([`coeff_len`]), `weights` ([`weight_len`]) or `acts` ([`act_len`]);
    /// [`Error::NonFinite`] in `coeffs`; [`Error::InvalidArgument`] for the
    /// norm. Nothing is written on error.
    pub fn new(
        sizes: &[usize],
        config: NetConfig,
        coeffs: &'a [f32],
        weights: &'a mut [f32],
        acts: &'a mut [f32],
        rng: &mut Rng,
    ) -> Result<Self, Error> {
        let mut net = Self::reopen(sizes, config, coeffs, weights, acts)?;
        net.reset(rng);
        Ok(net)
    }

    /// The network whose weights and activations `weights` and `acts`
    /// already hold (drawn by a network built with [`PlasticNet::new`] on
    /// them, and stepped since): for a wrapper that owns the buffers and
    /// rebuilds this view for each call. Nothing is written.
    ///
    /// # Errors
    /// As [`PlasticNet::new`].
    pub fn reopen(
        sizes: &[usize],
        config: NetConfig,
        coeffs: &'a [f32],
        weights: &'a mut [f32],
        acts: &'a mut [f32],
    ) -> Result<Self, Error> {
        let topo = Topology::new(sizes)?;
        check_len("coeffs", coeff_len(sizes, config.rule, config.sharing), coeffs.len())?;
        check_len("weights", weight_len(sizes), weights.len())?;
        check_len("acts", act_len(sizes), acts.len())?;
        check_finite("coeffs", coeffs)?;
        config.norm.validate()?;
        Ok(PlasticNet { topo, config, coeffs, weights, acts })
    }

    /// The layer sizes.
    pub fn topology(&self) -> &Topology {
        &self.topo
    }
    /// The configuration.
    pub fn config(&self) -> NetConfig {
        self.config
    }
    /// All weights, layer after layer.
    pub fn weights(&self) -> &[f32] {
        self.weights
    }
    /// All activations of the last forward pass, input first.
    pub fn activations(&self) -> &[f32] {
        self.acts
    }

    /// Start of an episode: every weight from U(−0.1, 0.1) (layer by layer, row
    /// by row), activations zeroed.
    pub fn reset(&mut self, rng: &mut Rng) {
        rng.fill_uniform(self.weights, -INIT_RANGE, INIT_RANGE);
        self.acts.iter_mut().for_each(|a| *a = 0.0);
    }

    /// One step: forward pass, then one Hebbian update of every layer on this
    /// pass's activations. Returns the output activations.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] / [`Error::NonFinite`] for `input`
    /// (nothing changes then); an error naming the weights when, without a
    /// norm, they have diverged (non-finite, or beyond [`DIVERGED`]; reset
    /// before stepping on).
    pub fn step(&mut self, input: &[f32]) -> Result<&[f32], Error> {
        check_len("input", self.topo.inputs(), input.len())?;
        check_finite("input", input)?;
        let sizes = self.topo.sizes();
        forward_layers(sizes, self.config.output, self.weights, input, self.acts);
        let (mut woff, mut aoff, mut coff) = (0, 0, 0);
        let NetConfig { rule, sharing, norm, .. } = self.config;
        for pair in sizes.windows(2) {
            let &[n_in, n_out] = pair else { break };
            let nc = sharing.coeff_len(rule, n_out, n_in);
            let w = window_mut(self.weights, woff, n_in * n_out);
            update_unchecked(
                w,
                window(self.acts, aoff, n_in),
                window(self.acts, aoff + n_in, n_out),
                window(self.coeffs, coff, nc),
                rule,
                sharing,
            );
            norm.apply(w);
            diverged(norm, w)?;
            woff += n_in * n_out;
            aoff += n_in;
            coff += nc;
        }
        Ok(tail(self.acts, aoff))
    }
}

/// A plastic network `IN → H (tanh) → OUT` with its sizes in the type, for firmware.
///
/// Bit-identical to a [`PlasticNet`] with sizes `[IN, H, OUT]` and the same
/// coefficients, seed and inputs. RAM: `4·(IN·H + H·OUT + IN + H + OUT)` bytes;
/// the coefficients stay where they are (flash).
#[derive(Debug, Clone)]
pub struct PlasticMlp<'a, const IN: usize, const H: usize, const OUT: usize> {
    /// Input → hidden layer.
    pub hidden: PlasticLayer<IN, H>,
    /// Hidden → output layer.
    pub out: PlasticLayer<H, OUT>,
    c1: Coeffs<'a>,
    c2: Coeffs<'a>,
    norm: Norm,
    output: Activation,
    x: [f32; IN],
    h: [f32; H],
    y: [f32; OUT],
}

impl<'a, const IN: usize, const H: usize, const OUT: usize> PlasticMlp<'a, IN, H, OUT> {
    /// Number of coefficients this network needs under `rule` and `sharing`.
    pub const fn coeff_len(rule: Rule, sharing: Sharing) -> usize {
        coeff_len(&[IN, H, OUT], rule, sharing)
    }

    /// Builds the network on `coeffs` (hidden layer's, then output layer's),
    /// its first random weights drawn from `rng` (as [`PlasticMlp::reset`]
    /// draws them).
    ///
    /// # Errors
    /// As [`PlasticNet::new`].
    pub fn new(coeffs: &'a [f32], config: NetConfig, rng: &mut Rng) -> Result<Self, Error> {
        let NetConfig { rule, sharing, norm, output } = config;
        check_len("coeffs", Self::coeff_len(rule, sharing), coeffs.len())?;
        norm.validate()?;
        let (a, b) = split(coeffs, sharing.coeff_len(rule, H, IN));
        let mut net = PlasticMlp {
            hidden: PlasticLayer::zeros(),
            out: PlasticLayer::zeros(),
            c1: Coeffs::new(a, rule, sharing, H, IN)?,
            c2: Coeffs::new(b, rule, sharing, OUT, H)?,
            norm,
            output,
            x: [0.0; IN],
            h: [0.0; H],
            y: [0.0; OUT],
        };
        net.reset(rng);
        Ok(net)
    }

    /// Start of an episode: weights U(−0.1, 0.1) (hidden layer first), activations zeroed.
    pub fn reset(&mut self, rng: &mut Rng) {
        self.hidden.randomize(rng);
        self.out.randomize(rng);
        self.x = [0.0; IN];
        self.h = [0.0; H];
        self.y = [0.0; OUT];
    }

    /// One step: forward, then a Hebbian update of both layers. Returns the output.
    ///
    /// # Errors
    /// [`Error::NonFinite`] in `input` (nothing changes then), or
    /// naming the weights when, without a norm, they have diverged.
    pub fn step(&mut self, input: &[f32; IN]) -> Result<&[f32; OUT], Error> {
        check_finite("input", input)?;
        self.x = *input;
        self.hidden.forward(&self.x, &mut self.h, Activation::Tanh);
        self.out.forward(&self.h, &mut self.y, self.output);
        let w1 = self.hidden.w.as_flattened_mut();
        update_unchecked(w1, &self.x, &self.h, self.c1.data(), self.c1.rule(), self.c1.sharing());
        self.norm.apply(w1);
        diverged(self.norm, w1)?;
        let w2 = self.out.w.as_flattened_mut();
        update_unchecked(w2, &self.h, &self.y, self.c2.data(), self.c2.rule(), self.c2.sharing());
        self.norm.apply(w2);
        diverged(self.norm, w2)?;
        Ok(&self.y)
    }
}

/// Something that acts in an environment from observations, and starts each
/// episode afresh from a random generator.
pub trait Controller {
    /// Start of an episode.
    fn reset(&mut self, rng: &mut Rng);
    /// One step on an observation; returns the output activations.
    ///
    /// # Errors
    /// As the network's own `step`: [`Error::ShapeMismatch`] for the observation's length,
    /// [`Error::NonFinite`] in it.
    fn step_slice(&mut self, obs: &[f32]) -> Result<&[f32], Error>;
    /// FNV-1a (32-bit) of the weights' f32 bits, little-endian, layer after layer.
    fn weights_checksum(&self) -> u32;
}

impl Controller for PlasticNet<'_> {
    fn reset(&mut self, rng: &mut Rng) {
        PlasticNet::reset(self, rng)
    }
    fn step_slice(&mut self, obs: &[f32]) -> Result<&[f32], Error> {
        self.step(obs)
    }
    fn weights_checksum(&self) -> u32 {
        fnv1a_f32(FNV_OFFSET, self.weights)
    }
}

impl<C: Controller + ?Sized> Controller for &mut C {
    fn reset(&mut self, rng: &mut Rng) {
        (**self).reset(rng)
    }
    fn step_slice(&mut self, obs: &[f32]) -> Result<&[f32], Error> {
        (**self).step_slice(obs)
    }
    fn weights_checksum(&self) -> u32 {
        (**self).weights_checksum()
    }
}

/// A controller whose inputs are normalised: observation component `i` is
/// multiplied by `scale[i]` (1 past the end of `scale`) before `inner` sees
/// it — usually [`crate::env::Environment::OBS_SCALE`], so that a velocity
/// of ±0.07 and an angle of ±π reach the network at the same order. The
/// scale is the network's, not the plant's: blobs record it
/// ([`super::NetSpec::normalized`]).
///
/// [`Scaled::with_bias`] also appends a constant 1 to the inputs, so the
/// first layer has a bias (its weight evolves, or is plastic, as any other):
/// without one a network of odd activations is odd, `u(−x) = −u(x)`, and
/// Pendulum's `x = (cos θ, sin θ, θ̇)` turns into `−x` with the pendulum
/// turned half a circle and spinning the other way, so the torque that
/// pumps energy at the bottom would damp it at the top (blobs record it:
/// [`super::NetSpec::bias`]).
#[derive(Debug)]
pub struct Scaled<'s, C> {
    /// The controller that sees the scaled observation.
    pub inner: C,
    scale: &'s [f32],
    bias: bool,
    buf: [f32; crate::env::MAX_OBS],
}

impl<'s, C: Controller> Scaled<'s, C> {
    /// `inner` behind the input scale `scale`.
    pub fn new(inner: C, scale: &'s [f32]) -> Self {
        Scaled { inner, scale, bias: false, buf: [0.0; crate::env::MAX_OBS] }
    }

    /// `inner` behind the input scale `scale`, seeing `[x · scale, 1]`:
    /// one input more than the observation.
    pub fn with_bias(inner: C, scale: &'s [f32]) -> Self {
        Scaled { inner, scale, bias: true, buf: [0.0; crate::env::MAX_OBS] }
    }
}

impl<C: Controller> Controller for Scaled<'_, C> {
    fn reset(&mut self, rng: &mut Rng) {
        self.inner.reset(rng)
    }
    fn step_slice(&mut self, obs: &[f32]) -> Result<&[f32], Error> {
        let n = obs.len() + usize::from(self.bias);
        let Some(x) = self.buf.get_mut(..n) else {
            return Err(Error::InvalidArgument {
                what: "observation",
                expected: "at most 16 inputs (the bias included) for a normalised network",
            });
        };
        for (i, (x, &o)) in x.iter_mut().zip(obs).enumerate() {
            *x = o * self.scale.get(i).copied().unwrap_or(1.0);
        }
        if let (true, Some(b)) = (self.bias, x.last_mut()) {
            *b = 1.0;
        }
        self.inner.step_slice(x)
    }
    fn weights_checksum(&self) -> u32 {
        self.inner.weights_checksum()
    }
}

impl<const IN: usize, const H: usize, const OUT: usize> Controller for PlasticMlp<'_, IN, H, OUT> {
    fn reset(&mut self, rng: &mut Rng) {
        PlasticMlp::reset(self, rng)
    }
    fn step_slice(&mut self, obs: &[f32]) -> Result<&[f32], Error> {
        let x: &[f32; IN] = obs.try_into().map_err(|_| Error::ShapeMismatch {
            what: "input",
            expected: IN,
            found: obs.len(),
        })?;
        self.step(x).map(|y| y.as_slice())
    }
    fn weights_checksum(&self) -> u32 {
        let h = fnv1a_f32(FNV_OFFSET, self.hidden.weights());
        fnv1a_f32(h, self.out.weights())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hebbian::{Norm, Rule, Sharing};

    /// A `[3, 4, 2]` plastic network seen directly and behind `Scaled`
    /// (`bias`: with the constant input), with equal starting weights. The
    /// first two inputs are scaled by 0.5 and 2; the third keeps its value
    /// or, with the bias, is the constant 1.
    #[test]
    fn scaled_inputs_are_the_observation_times_the_scale_then_the_bias() {
        let sizes = [3, 4, 2];
        let coeffs = [0.05f32; 5 * (12 + 8)];
        let config = NetConfig {
            rule: Rule::ABCDLr,
            sharing: Sharing::PerSynapse,
            norm: Norm::MaxAbs,
            output: Activation::Tanh,
        };
        let scale = [0.5f32, 2.0];
        for bias in [false, true] {
            let (mut w1, mut a1) = ([0.0; 20], [0.0; 9]);
            let (mut w2, mut a2) = ([0.0; 20], [0.0; 9]);
            let mut rng = Rng::new(3);
            let mut plain =
                PlasticNet::new(&sizes, config, &coeffs, &mut w1, &mut a1, &mut rng).unwrap();
            let net = PlasticNet::new(&sizes, config, &coeffs, &mut w2, &mut a2, &mut Rng::new(3))
                .unwrap();
            let mut scaled =
                if bias { Scaled::with_bias(net, &scale) } else { Scaled::new(net, &scale) };
            for t in 0..20 {
                let obs = [t as f32 * 0.1 - 1.0, 0.3, -0.7 + t as f32 * 0.05];
                let obs = if bias { &obs[..2] } else { &obs[..] };
                let third = if bias { 1.0 } else { obs[2] };
                let want = plain.step(&[obs[0] * 0.5, obs[1] * 2.0, third]).unwrap().to_vec();
                assert_eq!(scaled.step_slice(obs).unwrap(), &want[..], "bias {bias} step {t}");
            }
            assert_eq!(scaled.weights_checksum(), Controller::weights_checksum(&plain));
            // With the bias the network's 3 inputs take 2 observations, not 3.
            assert_eq!(scaled.step_slice(&[0.0; 3]).is_err(), bias);
            // 16 inputs at most: 17 observations never fit, 16 not with the bias.
            assert!(scaled.step_slice(&[0.0; 17]).is_err());
            assert!(
                matches!(
                    scaled.step_slice(&[0.0; 16]),
                    Err(Error::InvalidArgument { what: "observation", .. })
                ) || !bias
            );
        }
    }
}
