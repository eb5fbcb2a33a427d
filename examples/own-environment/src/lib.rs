//! An environment of your own, evolved through plasticore.
//!
//! `Reacher` is a plant plasticore does not ship: a mass on a line that must
//! reach a target drawn at random each episode. Implementing
//! [`Environment`] (and its [`Dynamics`], declared with
//! [`plasticore::dynamics_params!`]) is all it takes for the library's
//! episode loop, plastic networks and evolution strategy to work on it —
//! with the keys every environment shares (`actuator_gain`, `sensor_noise`,
//! `action_delay`, …) for free, since the episode loop applies them.
//!
//! [`evolve`] is the whole evolution: OpenAI-ES ask/tell over the Hebbian
//! coefficients, each candidate's fitness the mean return of a plastic
//! network that starts from random weights every episode. It is `no_std`
//! code apart from the `Vec`s here: the same loop runs on a board.

use plasticore::env::{unit_output, Dynamics, Environment};
use plasticore::es::{EsConfig, OpenAiEs};
use plasticore::hebbian::{
    act_len, coeff_len, episode, weight_len, Activation, NetConfig, Norm, PlasticNet, Rule, Sharing,
};
use plasticore::rng::Rng;
use plasticore::Error;

plasticore::dynamics_params! {
    /// The reacher's dynamics.
    pub struct ReacherParams {
        /// Velocity kept from one step to the next (friction: < 1).
        damping = 0.9,
        /// Acceleration at full force.
        power = 0.05,
        /// +1, or −1 to reverse the motor.
        actuator_sign = 1.0,
    }
    validate: check
}

fn check(p: &ReacherParams) -> Result<(), Error> {
    if !(p.damping >= 0.0 && p.damping < 1.0 && p.power > 0.0 && p.power.is_finite()) {
        return Err(Error::InvalidArgument {
            what: "reacher parameters",
            expected: "0 <= damping < 1 and a finite power > 0",
        });
    }
    if p.actuator_sign.abs() != 1.0 {
        return Err(Error::InvalidArgument { what: "actuator_sign", expected: "+1 or -1" });
    }
    Ok(())
}

/// Steps of an episode.
pub const STEPS: u32 = 100;

/// A point mass on a line, `[x, v]`, and a target `t`; observation
/// `[t − x, v]`, one output `u` clamped to [−1, 1]:
/// `v ← damping·v + power·sign·gain·u`, `x ← x + v`, reward `−|t − x|`.
#[derive(Debug, Clone)]
pub struct Reacher {
    params: ReacherParams,
    x: f32,
    v: f32,
    target: f32,
    steps: u32,
}

impl Reacher {
    fn obs(&self) -> [f32; 2] {
        [self.target - self.x, self.v]
    }
}

impl Environment for Reacher {
    const NAME: &'static str = "reacher";
    const OBS: usize = 2;
    type Obs = [f32; 2];
    type Params = ReacherParams;

    fn with_params(params: ReacherParams) -> Result<Self, Error> {
        params.validate()?;
        Ok(Reacher { params, x: 0.0, v: 0.0, target: 0.0, steps: 0 })
    }
    fn params(&self) -> ReacherParams {
        self.params
    }
    fn set_params(&mut self, params: ReacherParams) -> Result<(), Error> {
        params.validate()?;
        self.params = params;
        Ok(())
    }
    fn reset(&mut self, rng: &mut Rng) -> [f32; 2] {
        self.x = rng.uniform(-1.0, 1.0);
        self.target = rng.uniform(-1.0, 1.0);
        self.v = 0.0;
        self.steps = 0;
        self.obs()
    }
    fn act(&mut self, output: &[f32]) -> Result<([f32; 2], f32, bool), Error> {
        let u = unit_output(output)?;
        let p = self.params;
        self.v = p.damping * self.v + p.power * p.actuator_sign * p.actuator_gain * u;
        self.x += self.v;
        self.steps += 1;
        let reward = -(self.target - self.x).abs();
        Ok((self.obs(), reward, self.steps >= STEPS))
    }
}

/// The network: 2 observations, 8 hidden units, 1 output.
pub const SIZES: [usize; 3] = [2, 8, 1];

/// Its plasticity: ABCD_lr per synapse, max-abs normalisation, tanh output.
pub const CONFIG: NetConfig = NetConfig {
    rule: Rule::ABCDLr,
    sharing: Sharing::PerSynapse,
    norm: Norm::MaxAbs,
    output: Activation::Tanh,
};

/// Mean return of the plastic network with coefficients `theta` over the
/// episode seeds `seeds`, under `params`.
///
/// # Errors
/// A coefficient count that does not fit [`SIZES`] and [`CONFIG`], or an
/// invalid `params`.
pub fn mean_return(
    theta: &[f32],
    params: ReacherParams,
    seeds: impl Iterator<Item = u64>,
) -> Result<f32, Error> {
    let (mut w, mut a) = (vec![0.0; weight_len(&SIZES)], vec![0.0; act_len(&SIZES)]);
    let mut net = PlasticNet::new(&SIZES, CONFIG, theta, &mut w, &mut a, &mut Rng::new(0))?;
    let (mut sum, mut n) = (0.0f32, 0u32);
    for s in seeds {
        sum += episode::<Reacher, _>(&mut net, params, s, None)?.ret;
        n += 1;
    }
    Ok(sum / n.max(1) as f32)
}

/// One generation's summary.
#[derive(Debug, Clone, Copy)]
pub struct Generation {
    /// Mean fitness of the population.
    pub mean: f32,
    /// Best fitness.
    pub best: f32,
}

/// Evolves the coefficients for `generations` generations of `population`
/// candidates, each scored on `episodes` training episodes (seeds from 2³²
/// up, never the evaluation seeds below 2³²). Returns θ and the history.
///
/// # Errors
/// An invalid ES configuration (e.g. an odd population).
pub fn evolve(
    generations: u32,
    population: usize,
    episodes: u64,
    seed: u64,
) -> Result<(Vec<f32>, Vec<Generation>), Error> {
    let cfg = EsConfig { population, sigma: 0.1, lr: 0.2, ..EsConfig::default() };
    let mut es = OpenAiEs::new(cfg, seed)?;
    let dim = coeff_len(&SIZES, CONFIG.rule, CONFIG.sharing);
    let mut theta = vec![0.0f32; dim];
    let (mut cand, mut scratch) = (vec![0.0; dim], vec![0.0; dim]);
    let (mut fitness, mut ranks) = (vec![0.0; population], vec![0.0; population]);
    let mut history = vec![];
    for g in 0..generations as u64 {
        // Every candidate of a generation meets the same episodes.
        let first = (1 << 32) + g * episodes;
        for (k, f) in fitness.iter_mut().enumerate() {
            es.candidate(&theta, k, &mut cand)?;
            *f = mean_return(&cand, ReacherParams::NOMINAL, first..first + episodes)?;
        }
        let mean = fitness.iter().sum::<f32>() / population as f32;
        let best = fitness.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        history.push(Generation { mean, best });
        es.tell(&mut theta, &fitness, &mut ranks, &mut scratch)?;
    }
    Ok((theta, history))
}

/// Outputs 0 whatever it sees.
struct Idle;

impl plasticore::hebbian::Controller for Idle {
    fn reset(&mut self, _: &mut Rng) {}
    fn step_slice(&mut self, _: &[f32]) -> Result<&[f32], Error> {
        Ok(&[0.0])
    }
    fn weights_checksum(&self) -> u32 {
        0
    }
}

/// Mean return of doing nothing over the episode seeds `seeds`, under `params`.
///
/// # Errors
/// An invalid `params`.
pub fn idle_return(params: ReacherParams, seeds: impl Iterator<Item = u64>) -> Result<f32, Error> {
    let (mut sum, mut n) = (0.0f32, 0u32);
    for s in seeds {
        sum += episode::<Reacher, _>(&mut Idle, params, s, None)?.ret;
        n += 1;
    }
    Ok(sum / n.max(1) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evolution_learns_to_reach_and_the_shared_keys_apply() {
        let (theta, history) = evolve(60, 32, 8, 1).unwrap();
        let evolved = mean_return(&theta, ReacherParams::NOMINAL, 0..100).unwrap();
        let baseline = idle_return(ReacherParams::NOMINAL, 0..100).unwrap();
        // |t − x₀| of two U(−1, 1) draws has mean 2/3 (sd 0.47): −66.7 per
        // episode, ±4.7 over 100 episodes.
        assert!((baseline + 66.7).abs() < 14.0, "idle {baseline}");
        // The evolved plastic network, from random weights every episode,
        // reaches the target on unseen seeds: at least 3× less distance.
        assert!(evolved > baseline / 3.0, "evolved {evolved} vs idle {baseline}");
        assert!(history.last().unwrap().mean > history[0].mean);
        // The keys the library adds to every environment work here too: with
        // a dead motor the network is as good as idle (other draws of x₀ and t,
        // so within the two means' spread).
        let mut dead = ReacherParams::NOMINAL;
        dead.set("actuator_gain", 0.0).unwrap();
        let with_dead = mean_return(&theta, dead, 0..100).unwrap();
        assert!((with_dead - baseline).abs() < 20.0, "{with_dead} vs {baseline}");
        let mut noisy = ReacherParams::NOMINAL;
        noisy.set("sensor_noise", 0.01).unwrap();
        assert!(mean_return(&theta, noisy, 0..100).unwrap().is_finite());
        assert!(noisy.set("action_delay", 0.5).and_then(|_| noisy.validate()).is_err());
    }
}
