//! Hebbian ABCD plasticity (Najarro & Risi, "Meta-Learning through Hebbian
//! Plasticity in Random Networks", NeurIPS 2020): rules, plastic layers and
//! networks whose weights start random every episode and are shaped only by
//! evolved, read-only coefficients.
//!
//! - [`rule`]: the nine rules, sharing, normalisation and the update kernel;
//! - [`layer`]: [`PlasticLayer`] with compile-time sizes;
//! - [`network`]: [`PlasticNet`] (run-time sizes) and [`PlasticMlp`] (const sizes);
//! - [`static_net`]: [`StaticNet`], the same topology with fixed weights (the baseline);
//! - [`mod@episode`]: episodes of a controller in any [`crate::env`] environment,
//!   with an optional change of dynamics.
//!
//! The evolution strategy that finds the coefficients is [`crate::es`]; the
//! coefficient file format is [`blob`] (in the container of [`crate::blob`]).
//!
//! Firmware use: coefficients in flash (`plasticore evolve` writes them as a
//! `static` in generated Rust), weights and activations in RAM, sizes in the type:
//!
//! ```
//! use plasticore::hebbian::{
//!     cartpole_episode, Activation, NetConfig, Norm, PlasticMlp, Rule, Sharing,
//! };
//! use plasticore::rng::Rng;
//! const CONFIG: NetConfig = NetConfig {
//!     rule: Rule::ABCDLr,
//!     sharing: Sharing::PerSynapse,
//!     norm: Norm::MaxAbs,
//!     output: Activation::Tanh,
//! };
//! const N: usize = PlasticMlp::<4, 8, 1>::coeff_len(Rule::ABCDLr, Sharing::PerSynapse);
//! static COEFFS: [f32; N] = [0.01; N]; // evolved values in practice
//! let mut net = PlasticMlp::<4, 8, 1>::new(&COEFFS, CONFIG, &mut Rng::new(0)).unwrap();
//! // Seed → random weights U(-0.1, 0.1) → random CartPole state → ≤ 500 steps.
//! let episode = cartpole_episode(&mut net, 0).unwrap();
//! assert!((1..=500).contains(&episode.steps));
//! ```

pub mod blob;
pub mod episode;
pub mod layer;
pub mod network;
pub mod q15;
pub mod rule;
pub mod static_net;

pub use blob::{NetSpec, StaticNetSpec};
pub use episode::{cartpole_episode, episode, Episode, Outcome};
pub use layer::{Activation, PlasticLayer};
pub use network::{
    act_len, coeff_len, weight_len, Controller, NetConfig, PlasticMlp, PlasticNet, Scaled,
    Topology, DIVERGED,
};
pub use q15::PlasticNetQ15;
pub use rule::{update, update_cost, Coeffs, Norm, Rule, Sharing};
pub use static_net::StaticNet;
