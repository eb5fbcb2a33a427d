//! The four environments by name, dynamics specs (`--dynamics`, `--change-to`,
//! `--randomize`), and episodes of a plastic or static network under a
//! scenario (dynamics, domain randomisation, mid-episode change).
//!
//! Spec syntax: `key=value,...` (dynamics, change) and `key=lo:hi,...`
//! (randomisation), the keys being Gymnasium's attribute names in lower case
//! plus the keys every environment shares: `actuator_sign`, `actuator_gain`,
//! `sensor_bias`, `sensor_noise`, `action_delay`
//! ([`plasticore::env::Dynamics::KEYS`]).
//!
//! Domain randomisation draws, per episode seed `s`, from
//! `Rng::new(s ^ 0x52414E44)` one value per randomised key in spec order:
//! `U(lo, hi)`, except `actuator_sign`, which is −1 or +1 with equal
//! probability when `lo < 0 < hi` (else `hi`'s sign), and `action_delay`,
//! a whole number of steps drawn uniformly from `lo..=hi` (both whole).

use anyhow::{bail, ensure, Result};
use plasticore::env::{Acrobot, CartPole, Change, Dynamics, Environment, MountainCar, Pendulum};
use plasticore::hebbian::{
    act_len, episode, weight_len, Activation, NetConfig, Outcome, PlasticNet, Scaled, StaticNet,
};
use plasticore::rng::Rng;
use rayon::prelude::*;

/// An environment by name.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum EnvName {
    /// CartPole-v1.
    Cartpole,
    /// Acrobot-v1.
    Acrobot,
    /// Pendulum-v1.
    Pendulum,
    /// MountainCarContinuous-v0.
    Mountaincar,
}

impl EnvName {
    /// Every environment.
    pub const ALL: [EnvName; 4] =
        [EnvName::Cartpole, EnvName::Acrobot, EnvName::Pendulum, EnvName::Mountaincar];
    /// The lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            EnvName::Cartpole => CartPole::NAME,
            EnvName::Acrobot => Acrobot::NAME,
            EnvName::Pendulum => Pendulum::NAME,
            EnvName::Mountaincar => MountainCar::NAME,
        }
    }
    /// The Gymnasium id.
    pub fn gym_id(self) -> &'static str {
        match self {
            EnvName::Cartpole => "CartPole-v1",
            EnvName::Acrobot => "Acrobot-v1",
            EnvName::Pendulum => "Pendulum-v1",
            EnvName::Mountaincar => "MountainCarContinuous-v0",
        }
    }
    /// Observation length (the network's inputs).
    pub fn obs(self) -> usize {
        match self {
            EnvName::Cartpole => CartPole::OBS,
            EnvName::Acrobot => Acrobot::OBS,
            EnvName::Pendulum => Pendulum::OBS,
            EnvName::Mountaincar => MountainCar::OBS,
        }
    }
    /// The dynamics keys.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            EnvName::Cartpole => <CartPole as Environment>::Params::KEYS,
            EnvName::Acrobot => <Acrobot as Environment>::Params::KEYS,
            EnvName::Pendulum => <Pendulum as Environment>::Params::KEYS,
            EnvName::Mountaincar => <MountainCar as Environment>::Params::KEYS,
        }
    }
    /// The return at which `evolve` stops by default: Gymnasium's
    /// `reward_threshold` (CartPole: 495 of 500; Pendulum has none: −150).
    pub fn default_target(self) -> f32 {
        match self {
            EnvName::Cartpole => 495.0,
            EnvName::Acrobot => -100.0,
            EnvName::Pendulum => -150.0,
            EnvName::Mountaincar => 90.0,
        }
    }
}

/// Parses a name as given by [`EnvName::name`].
pub fn parse_env(s: &str) -> Result<EnvName> {
    EnvName::ALL.into_iter().find(|e| e.name() == s).ok_or_else(|| {
        anyhow::anyhow!("environment '{s}': expected cartpole, acrobot, pendulum or mountaincar")
    })
}

/// `key=value,...`: parameters that replace the nominal (or current) ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DynamicsSpec(pub Vec<(String, f32)>);

/// `key=lo:hi,...`: ranges drawn from per episode.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RandomizeSpec(pub Vec<(String, f32, f32)>);

fn check_key(env: EnvName, key: &str) -> Result<()> {
    ensure!(
        env.keys().contains(&key),
        "unknown {} dynamics key '{key}': expected one of {}",
        env.name(),
        env.keys().join(", ")
    );
    Ok(())
}

fn parse_f32(key: &str, v: &str) -> Result<f32> {
    match v.trim().parse::<f32>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => bail!("'{key}={v}': expected a finite number"),
    }
}

fn entries(spec: &str) -> impl Iterator<Item = &str> {
    spec.split(',').map(str::trim).filter(|e| !e.is_empty())
}

/// Splits entry `e` of a `what` spec into `(key, rest)` at its `=` (`form`
/// names the expected shape); the key must be `env`'s and not `given` yet.
fn key_entry<'a>(
    env: EnvName,
    what: &str,
    form: &str,
    e: &'a str,
    given: impl Fn(&str) -> bool,
) -> Result<(&'a str, &'a str)> {
    let Some((k, rest)) = e.split_once('=') else {
        bail!("{what} '{e}': expected {form}");
    };
    let k = k.trim();
    check_key(env, k)?;
    ensure!(!given(k), "{what} key '{k}' given twice");
    Ok((k, rest))
}

impl DynamicsSpec {
    /// Parses `key=value,...` for `env`; checks keys and that the resulting
    /// dynamics (applied to the nominal ones) are valid.
    pub fn parse(env: EnvName, spec: &str) -> Result<Self> {
        let mut out = vec![];
        for e in entries(spec) {
            let (k, v) = key_entry(env, "dynamics", "key=value", e, |k| {
                out.iter().any(|(o, _): &(String, f32)| o == k)
            })?;
            out.push((k.to_string(), parse_f32(k, v)?));
        }
        let s = DynamicsSpec(out);
        with_env!(env, E, s.apply(<E as Environment>::Params::NOMINAL).map(|_| ()))?;
        Ok(s)
    }
    /// `base` with these keys replaced, validated.
    pub fn apply<P: Dynamics>(&self, mut base: P) -> Result<P> {
        for (k, v) in &self.0 {
            base.set(k, *v).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        base.validate().map_err(|e| anyhow::anyhow!("dynamics {}: {e}", self))?;
        Ok(base)
    }
}

impl std::fmt::Display for DynamicsSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        write!(f, "{}", parts.join(","))
    }
}

impl RandomizeSpec {
    /// Parses `key=lo:hi,...` for `env`; checks keys, `lo ≤ hi`, and that both
    /// ends give valid dynamics (`actuator_sign` takes `-1:1`, `1:1` or `-1:-1`).
    pub fn parse(env: EnvName, spec: &str) -> Result<Self> {
        let mut out = vec![];
        for e in entries(spec) {
            let (k, r) = key_entry(env, "randomize", "key=lo:hi", e, |k| {
                out.iter().any(|(o, _, _): &(String, f32, f32)| o == k)
            })?;
            let Some((lo, hi)) = r.split_once(':') else {
                bail!("randomize '{e}': expected key=lo:hi");
            };
            let (lo, hi) = (parse_f32(k, lo)?, parse_f32(k, hi)?);
            ensure!(lo <= hi, "randomize '{e}': expected lo <= hi");
            if k == "actuator_sign" {
                ensure!(
                    [-1.0, 1.0].contains(&lo) && [-1.0, 1.0].contains(&hi),
                    "randomize '{e}': actuator_sign takes -1:1, 1:1 or -1:-1"
                );
            }
            if k == "action_delay" {
                ensure!(
                    lo == lo.trunc() && hi == hi.trunc(),
                    "randomize '{e}': action_delay takes whole steps lo:hi"
                );
            }
            for v in [lo, hi] {
                DynamicsSpec::parse(env, &format!("{k}={v}"))?;
            }
            out.push((k.to_string(), lo, hi));
        }
        Ok(RandomizeSpec(out))
    }

    /// `base` with the randomised keys drawn for episode seed `seed`.
    pub fn draw<P: Dynamics>(&self, mut base: P, seed: u64) -> Result<P> {
        let mut rng = Rng::new(seed ^ 0x5241_4E44);
        for (k, lo, hi) in &self.0 {
            let v = if k == "actuator_sign" {
                if *lo < 0.0 && *hi > 0.0 {
                    if rng.uniform(0.0, 1.0) < 0.5 {
                        -1.0
                    } else {
                        1.0
                    }
                } else {
                    *hi
                }
            } else if k == "action_delay" {
                lo + rng.below((hi - lo) as u32 + 1) as f32
            } else {
                rng.uniform(*lo, *hi)
            };
            base.set(k, v).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        base.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(base)
    }
}

impl std::fmt::Display for RandomizeSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> =
            self.0.iter().map(|(k, lo, hi)| format!("{k}={lo}:{hi}")).collect();
        write!(f, "{}", parts.join(","))
    }
}

/// The conditions of an episode: dynamics (over the nominal ones), optional
/// randomisation over them, optional change at a step (over the episode's dynamics).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scenario {
    /// Replaces nominal parameters.
    pub dynamics: DynamicsSpec,
    /// Drawn per episode, after `dynamics`.
    pub randomize: RandomizeSpec,
    /// At step T, these keys change.
    pub change: Option<(u32, DynamicsSpec)>,
}

impl Scenario {
    fn params<P: Dynamics>(&self, seed: u64) -> Result<(P, Option<Change<P>>)> {
        let p = self.randomize.draw(self.dynamics.apply(P::NOMINAL)?, seed)?;
        let change = match &self.change {
            Some((at, to)) => Some(Change { at: *at, to: to.apply(p)? }),
            None => None,
        };
        Ok((p, change))
    }
}

/// A network to run: plastic (f32 or the Q15 fixed-point network) or static.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    /// Hebbian coefficients; weights random every episode.
    Plastic {
        /// Rule, sharing, norm, output.
        config: NetConfig,
        /// Run the fixed-point network (coefficients folded and quantised).
        q15: bool,
        /// The coefficients.
        coeffs: Vec<f32>,
        /// Inputs times the environment's `OBS_SCALE` (`hebbian::Scaled`).
        normalized: bool,
        /// A constant 1 after the observation (`hebbian::Scaled::with_bias`).
        bias: bool,
    },
    /// Fixed weights.
    Static {
        /// Output activation.
        output: Activation,
        /// Inputs times the environment's `OBS_SCALE` (`hebbian::Scaled`).
        normalized: bool,
        /// A constant 1 after the observation (`hebbian::Scaled::with_bias`).
        bias: bool,
        /// The weights, layer after layer.
        weights: Vec<f32>,
    },
}

/// Runs `body` with `E` bound to the environment type of `env`.
macro_rules! with_env {
    ($env:expr, $E:ident, $body:expr) => {
        match $env {
            EnvName::Cartpole => {
                type $E = CartPole;
                $body
            }
            EnvName::Acrobot => {
                type $E = Acrobot;
                $body
            }
            EnvName::Pendulum => {
                type $E = Pendulum;
                $body
            }
            EnvName::Mountaincar => {
                type $E = MountainCar;
                $body
            }
        }
    };
}
pub(crate) use with_env;

fn run_env<E: Environment>(
    sizes: &[usize],
    model: &Model,
    scenario: &Scenario,
    seeds: &[u64],
) -> Result<Vec<Outcome>> {
    let err = |e: plasticore::Error| anyhow::anyhow!("{e}");
    let (normalized, bias) = (model.normalized(), model.bias());
    let run = |ctl: &mut dyn plasticore::hebbian::Controller| -> Result<Vec<Outcome>> {
        let scale = if normalized { E::OBS_SCALE } else { &[] };
        let mut scaled = if bias { Scaled::with_bias(ctl, scale) } else { Scaled::new(ctl, scale) };
        seeds
            .iter()
            .map(|&s| {
                let (p, change) = scenario.params::<E::Params>(s)?;
                if normalized || bias {
                    episode::<E, _>(&mut scaled, p, s, change).map_err(err)
                } else {
                    episode::<E, _>(&mut scaled.inner, p, s, change).map_err(err)
                }
            })
            .collect()
    };
    crate::limits::check_network(sizes).map_err(|e| anyhow::anyhow!(e))?;
    let mut a = vec![0.0; act_len(sizes)];
    match model {
        Model::Plastic { config, q15: true, coeffs, .. } => {
            use plasticore::hebbian::q15::{fold_coeffs, folded_len, PlasticNetQ15, OBS_FRAC};
            let mut c = vec![0i16; folded_len(sizes, config.sharing)];
            fold_coeffs(config.rule, coeffs, &mut c).map_err(err)?;
            let mut w = vec![0i16; weight_len(sizes)];
            let mut a = vec![0i16; act_len(sizes)];
            let mut net =
                PlasticNetQ15::new(sizes, *config, OBS_FRAC, &c, &mut w, &mut a, &mut Rng::new(0))
                    .map_err(err)?;
            run(&mut net)
        }
        Model::Plastic { config, coeffs, .. } => {
            let mut w = vec![0.0; weight_len(sizes)];
            let mut net = PlasticNet::new(sizes, *config, coeffs, &mut w, &mut a, &mut Rng::new(0))
                .map_err(err)?;
            run(&mut net)
        }
        Model::Static { output, weights, .. } => {
            let mut net = StaticNet::new(sizes, *output, weights, &mut a).map_err(err)?;
            run(&mut net)
        }
    }
}

impl Model {
    /// Whether the network's inputs are normalised.
    pub fn normalized(&self) -> bool {
        match self {
            Model::Plastic { normalized, .. } | Model::Static { normalized, .. } => *normalized,
        }
    }
    /// Whether the network's last input is a constant 1.
    pub fn bias(&self) -> bool {
        match self {
            Model::Plastic { bias, .. } | Model::Static { bias, .. } => *bias,
        }
    }
}

/// One episode per seed (in order), on one thread.
pub fn run_episodes(
    env: EnvName,
    sizes: &[usize],
    model: &Model,
    scenario: &Scenario,
    seeds: &[u64],
) -> Result<Vec<Outcome>> {
    let inputs = env.obs() + usize::from(model.bias());
    ensure!(
        sizes.first() == Some(&inputs),
        "the network takes {} inputs; {} has {} observations{}",
        sizes.first().copied().unwrap_or(0),
        env.name(),
        env.obs(),
        if model.bias() { " and the network a bias input" } else { "" }
    );
    with_env!(env, E, run_env::<E>(sizes, model, scenario, seeds))
}

/// [`run_episodes`] spread over threads; outcomes in seed order.
pub fn run_episodes_par(
    env: EnvName,
    sizes: &[usize],
    model: &Model,
    scenario: &Scenario,
    seeds: &[u64],
) -> Result<Vec<Outcome>> {
    Ok(seeds
        .par_chunks(seeds.len().div_ceil(8).max(1))
        .map(|c| run_episodes(env, sizes, model, scenario, c))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect())
}

/// Mean and sample standard deviation of the returns (f64).
pub fn mean_sd(outcomes: &[Outcome]) -> (f64, f64) {
    let n = outcomes.len().max(1) as f64;
    let mean = outcomes.iter().map(|o| o.ret as f64).sum::<f64>() / n;
    let var = outcomes.iter().map(|o| (o.ret as f64 - mean).powi(2)).sum::<f64>()
        / (outcomes.len().max(2) - 1) as f64;
    (mean, var.sqrt())
}
