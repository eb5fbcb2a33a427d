//! A static network: the same feed-forward topology as [`super::PlasticNet`]
//! with fixed weights (evolved directly) and no plasticity — the baseline
//! that plastic networks are measured against.
//!
//! Forward pass: `o_{l+1} = f(W_l · o_l)`, `f = tanh` on hidden layers and
//! the configured activation on the output, computed by the same kernel as
//! the plastic network's forward pass.

use super::layer::Activation;
use super::network::{act_len, forward_layers, weight_len, Controller, Topology};
use crate::checksum::{fnv1a_f32, FNV_OFFSET};
use crate::error::{check_finite, check_len, Error};
use crate::rng::Rng;
use crate::slices::tail;

/// A feed-forward network with fixed weights over caller-owned buffers.
///
/// `weights` are read-only (may be `&'static` flash data), `[out, in]`
/// row-major per layer, layer after layer ([`weight_len`] values); `acts`
/// ([`act_len`] values) is the only RAM it changes.
#[derive(Debug)]
pub struct StaticNet<'a> {
    topo: Topology,
    output: Activation,
    weights: &'a [f32],
    acts: &'a mut [f32],
}

impl<'a> StaticNet<'a> {
    /// Builds a network; checks every length and that `weights` are finite.
    ///
    /// # Errors
    /// As [`Topology::new`]; [`Error::ShapeMismatch`] for `weights`
    /// or `acts`; [`Error::NonFinite`] in `weights`.
    pub fn new(
        sizes: &[usize],
        output: Activation,
        weights: &'a [f32],
        acts: &'a mut [f32],
    ) -> Result<Self, Error> {
        let topo = Topology::new(sizes)?;
        check_len("weights", weight_len(sizes), weights.len())?;
        check_len("acts", act_len(sizes), acts.len())?;
        check_finite("weights", weights)?;
        Ok(StaticNet { topo, output, weights, acts })
    }

    /// The layer sizes.
    pub fn topology(&self) -> &Topology {
        &self.topo
    }

    /// The weights, layer after layer.
    pub fn weights(&self) -> &[f32] {
        self.weights
    }

    /// One forward pass; returns the output activations.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] / [`Error::NonFinite`] for `input`.
    pub fn step(&mut self, input: &[f32]) -> Result<&[f32], Error> {
        check_len("input", self.topo.inputs(), input.len())?;
        check_finite("input", input)?;
        let sizes = self.topo.sizes();
        forward_layers(sizes, self.output, self.weights, input, self.acts);
        let outputs = self.topo.outputs();
        Ok(tail(self.acts, self.acts.len().saturating_sub(outputs)))
    }
}

impl Controller for StaticNet<'_> {
    /// Zeroes the activations; draws nothing (the weights are fixed).
    fn reset(&mut self, _rng: &mut Rng) {
        self.acts.iter_mut().for_each(|a| *a = 0.0);
    }
    fn step_slice(&mut self, obs: &[f32]) -> Result<&[f32], Error> {
        self.step(obs)
    }
    fn weights_checksum(&self) -> u32 {
        fnv1a_f32(FNV_OFFSET, self.weights)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_is_tanh_of_the_matrix_product() {
        // sizes [2, 2, 1]: h = tanh(W1 x), y = tanh(W2 h), by hand.
        let w = [0.5, -1.0, 2.0, 0.25, 1.5, -0.5];
        let mut acts = [0.0; 5];
        let mut net = StaticNet::new(&[2, 2, 1], Activation::Tanh, &w, &mut acts).unwrap();
        let x = [0.3f64, -0.7];
        let h = [(0.5 * x[0] - 1.0 * x[1]).tanh(), (2.0 * x[0] + 0.25 * x[1]).tanh()];
        let want = (1.5 * h[0] - 0.5 * h[1]).tanh();
        let y = net.step(&[0.3, -0.7]).unwrap()[0];
        assert!((y as f64 - want).abs() < 1e-6, "{y} vs {want}");
        assert!(net.step(&[0.3]).is_err());
        assert!(net.step(&[f32::NAN, 0.0]).is_err());
        let mut small = [0.0; 4];
        assert!(StaticNet::new(&[2, 2, 1], Activation::Tanh, &w, &mut small).is_err());
        assert!(StaticNet::new(&[2, 2, 1], Activation::Tanh, &w[..5], &mut acts).is_err());
    }

    #[test]
    fn every_shared_activation_works_as_the_output() {
        // The one `Activation` (nn's and hebbian's are the same type): y = act(W2 h).
        let w = [0.5, -1.0, 2.0, 0.25, 1.5, -0.5];
        let x = [0.3f64, -0.7];
        let h = [(0.5 * x[0] - 1.0 * x[1]).tanh(), (2.0 * x[0] + 0.25 * x[1]).tanh()];
        let z = 1.5 * h[0] - 0.5 * h[1];
        let erf = |v: f64| libm::erf(v);
        for (act, want) in [
            (crate::nn::Activation::Linear, z),
            (crate::nn::Activation::Relu, z.max(0.0)),
            (crate::nn::Activation::Gelu, 0.5 * z * (1.0 + erf(z / 2f64.sqrt()))),
        ] {
            let mut acts = [0.0; 5];
            let mut net = StaticNet::new(&[2, 2, 1], act, &w, &mut acts).unwrap();
            let y = net.step(&[0.3, -0.7]).unwrap()[0];
            assert!((y as f64 - want).abs() < 1e-6, "{act:?}: {y} vs {want}");
        }
    }
}
