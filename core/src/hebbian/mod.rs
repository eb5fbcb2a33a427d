//! Hebbian ABCD plasticity (Najarro & Risi, "Meta-Learning through Hebbian
//! Plasticity in Random Networks", NeurIPS 2020): rules, plastic layers and
//! networks whose weights start random every episode and are shaped only by
//! evolved, read-only coefficients.
//!
//! - [`rule`]: the nine rules, sharing, normalisation and the update kernel;
//! - [`layer`]: [`PlasticLayer`] with compile-time sizes;
//! - [`network`]: [`PlasticNet`] (run-time sizes) and [`PlasticMlp`] (const sizes);
//! - [`episode`]: CartPole episodes of a plastic controller.
//!
//! The evolution strategy that finds the coefficients is [`crate::es`]; the
//! coefficient file format is [`crate::blob`].

pub mod episode;
pub mod layer;
pub mod network;
pub mod rule;

pub use episode::{action_from_output, cartpole_episode, Episode};
pub use layer::{Activation, PlasticLayer};
pub use network::{
    act_len, coeff_len, weight_len, Controller, NetConfig, PlasticMlp, PlasticNet, Topology,
};
pub use rule::{update, Coeffs, Norm, Rule, Sharing};
