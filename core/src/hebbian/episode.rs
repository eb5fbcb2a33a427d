//! Running a controller in an environment, the same way on host and board.
//!
//! Episode with seed `s`: `rng = Rng::new(s)`; the controller is reset from
//! `rng` (a plastic network draws its weights from U(−0.1, 0.1); a static one
//! draws nothing), then the environment's state; then steps of
//! `obs → controller.step → env.act` until the environment ends the episode.
//! An optional [`Change`] switches the dynamics before a given step.

use super::network::Controller;
use crate::env::{CartPole, Change, Dynamics, Environment};
use crate::error::Error;
use crate::rng::Rng;

/// The result of one episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Episode {
    /// Return (= steps survived, at most 500).
    pub steps: u32,
    /// FNV-1a checksum of the final weights ([`Controller::weights_checksum`]).
    pub weights_checksum: u32,
}

/// The result of one episode in any environment.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Outcome {
    /// Sum of the rewards (f32, in step order).
    pub ret: f32,
    /// Sum of the rewards of the steps before the change (all of them without one).
    pub ret_before: f32,
    /// Steps taken.
    pub steps: u32,
    /// FNV-1a checksum of the final weights ([`Controller::weights_checksum`]).
    pub weights_checksum: u32,
}

/// One episode of `controller` in environment `E` with dynamics `params`,
/// seed `seed`, and optionally a change of dynamics (see the module docs).
///
/// # Errors
/// Invalid `params` or `change.to` (before anything runs), those of the
/// controller's step (e.g. an input size other than `E::OBS`) and of
/// [`Environment::act`] (an output count the environment does not take).
pub fn episode<E: Environment, C: Controller + ?Sized>(
    controller: &mut C,
    params: E::Params,
    seed: u64,
    change: Option<Change<E::Params>>,
) -> Result<Outcome, Error> {
    if let Some(c) = &change {
        c.to.validate()?;
    }
    let mut env = E::with_params(params)?;
    let mut rng = Rng::new(seed);
    controller.reset(&mut rng);
    let mut obs = env.reset(&mut rng);
    let (mut steps, mut ret, mut ret_before) = (0u32, 0.0f32, 0.0f32);
    loop {
        if let Some(c) = change.filter(|c| c.at == steps) {
            env.set_params(c.to)?;
            ret_before = ret;
        }
        let (o, reward, done) = env.act(controller.step_slice(obs.as_ref())?)?;
        obs = o;
        ret += reward;
        steps += 1;
        if done {
            break;
        }
    }
    if change.is_none_or(|c| c.at >= steps) {
        ret_before = ret;
    }
    Ok(Outcome { ret, ret_before, steps, weights_checksum: controller.weights_checksum() })
}

/// One CartPole episode of `controller` with seed `seed` (see the module docs).
///
/// # Errors
/// Those of the controller's step (e.g. an input size other than 4).
pub fn cartpole_episode<C: Controller + ?Sized>(
    controller: &mut C,
    seed: u64,
) -> Result<Episode, Error> {
    let o = episode::<CartPole, C>(controller, crate::env::CartPoleParams::NOMINAL, seed, None)?;
    Ok(Episode { steps: o.steps, weights_checksum: o.weights_checksum })
}
