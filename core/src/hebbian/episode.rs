//! Running a controller in an environment, the same way on host and board.
//!
//! Episode with seed `s`: `rng = Rng::new(s)`; the controller is reset from
//! `rng` (a plastic network draws its weights from U(−0.1, 0.1); a static one
//! draws nothing), then the environment's state; then steps of
//! `obs → controller.step → env.act` until the environment ends the episode.
//! An optional [`Change`] switches the dynamics before a given step.

use super::network::Controller;
use crate::env::{CartPole, Change, Channel, Deployment, Dynamics, Environment};
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
/// The keys every environment shares ([`crate::env::Deployment`]) act
/// through a [`Channel`] seeded from `seed`; with their nominal values (and
/// a change to nominal ones) the episode takes the direct path, the same
/// bits and cost as an episode without them.
///
/// # Errors
/// Invalid `params` or `change.to` (before anything runs), those of the
/// controller's step (e.g. an input size other than `E::OBS`), of
/// [`Environment::act`] (an output count the environment does not take) and
/// of the [`Channel`] (sensor bias or noise on more than 16 observations, a
/// delay on more than 4 outputs).
pub fn episode<E: Environment, C: Controller + ?Sized>(
    controller: &mut C,
    params: E::Params,
    seed: u64,
    change: Option<Change<E::Params>>,
) -> Result<Outcome, Error> {
    if let Some(c) = &change {
        c.to.validate()?;
    }
    let plain = |p: &E::Params| p.deployment() == Deployment::NONE;
    if plain(&params) && change.is_none_or(|c| plain(&c.to)) {
        run::<E, C, Direct>(controller, params, seed, change, Direct)
    } else {
        with_channel::<E, C>(controller, params, seed, change)
    }
}

/// [`episode`] through a [`Channel`]: its buffers only on this path's stack.
#[inline(never)]
fn with_channel<E: Environment, C: Controller + ?Sized>(
    controller: &mut C,
    params: E::Params,
    seed: u64,
    change: Option<Change<E::Params>>,
) -> Result<Outcome, Error> {
    run::<E, C, Channel>(controller, params, seed, change, Channel::new(seed))
}

/// Between the plant and the controller: a [`Channel`], or nothing.
trait SensorPath {
    fn sense<'a>(&'a mut self, obs: &'a [f32], d: &Deployment) -> Result<&'a [f32], Error>;
    fn delay<'a>(&'a mut self, out: &'a [f32], d: &Deployment) -> Result<&'a [f32], Error>;
}

/// No bias, noise or delay: the nominal path, free.
struct Direct;

impl SensorPath for Direct {
    #[inline(always)]
    fn sense<'a>(&'a mut self, obs: &'a [f32], _: &Deployment) -> Result<&'a [f32], Error> {
        Ok(obs)
    }
    #[inline(always)]
    fn delay<'a>(&'a mut self, out: &'a [f32], _: &Deployment) -> Result<&'a [f32], Error> {
        Ok(out)
    }
}

impl SensorPath for Channel {
    fn sense<'a>(&'a mut self, obs: &'a [f32], d: &Deployment) -> Result<&'a [f32], Error> {
        Channel::sense(self, obs, d)
    }
    fn delay<'a>(&'a mut self, out: &'a [f32], d: &Deployment) -> Result<&'a [f32], Error> {
        Channel::delay(self, out, d)
    }
}

/// The episode loop over a sensor path.
#[inline(always)]
fn run<E: Environment, C: Controller + ?Sized, S: SensorPath>(
    controller: &mut C,
    params: E::Params,
    seed: u64,
    change: Option<Change<E::Params>>,
    mut path: S,
) -> Result<Outcome, Error> {
    let mut env = E::with_params(params)?;
    let mut rng = Rng::new(seed);
    controller.reset(&mut rng);
    let mut obs = env.reset(&mut rng);
    let mut deployment = params.deployment();
    let (mut steps, mut ret, mut ret_before) = (0u32, 0.0f32, 0.0f32);
    loop {
        if let Some(c) = change.filter(|c| c.at == steps) {
            env.set_params(c.to)?;
            deployment = c.to.deployment();
            ret_before = ret;
        }
        let seen = path.sense(obs.as_ref(), &deployment)?;
        let out = controller.step_slice(seen)?;
        let (o, reward, done) = env.act(path.delay(out, &deployment)?)?;
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
