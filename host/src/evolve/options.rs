//! The options of an evolution: environment, network, strategy and budget,
//! validated before anything runs.

use anyhow::{bail, Result};
use plasticore::es::{EsConfig, OpenAiEs};
use plasticore::ga::{GaConfig, SimpleGa};
use plasticore::hebbian::{coeff_len, weight_len, Activation, NetConfig, Norm, Rule, Sharing};
use serde::{Deserialize, Serialize};

use crate::envs::{EnvName, Model, RandomizeSpec, Scenario};
use crate::limits::{check_buffer, check_count, check_network, MAX_EPISODES, MAX_POPULATION};

/// Everything `evolve` needs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EvolveOptions {
    /// The environment.
    #[serde(default = "cartpole")]
    pub env: EnvName,
    /// Evolve the weights of a static network instead of plasticity coefficients.
    #[serde(default)]
    pub static_net: bool,
    /// Domain randomisation (`key=lo:hi,...`; empty: nominal dynamics).
    #[serde(default)]
    pub randomize: String,
    /// Hidden layer sizes.
    pub hidden: Vec<usize>,
    /// Network outputs (1: sign gives the action; 2: argmax).
    pub outputs: usize,
    /// Rule name.
    pub rule: String,
    /// Sharing name (synapse, neuron, layer).
    pub sharing: String,
    /// Norm: none, maxabs or clamp:C.
    pub norm: String,
    /// Output activation: tanh or linear.
    pub output: String,
    /// Maximum generations.
    pub generations: u64,
    /// Population (even).
    pub population: usize,
    /// Seed of the whole run.
    pub seed: u64,
    /// Episodes per candidate evaluation.
    pub episodes: usize,
    /// ES σ.
    pub sigma: f32,
    /// ES learning rate.
    pub lr: f32,
    /// ES L2 penalty.
    pub l2: f32,
    /// Validate the mean θ every this many generations.
    pub validate_every: u64,
    /// Validation episodes.
    pub validate_episodes: usize,
    /// Stop once the validation mean return reaches this (`inf`: never).
    #[serde(with = "f32_or_inf")]
    pub target: f32,
    /// The network's arithmetic: `f32`, or `q15` (the fixed-point network,
    /// coefficients folded and quantised at every evaluation, as on the board).
    #[serde(default = "f32_network")]
    pub network: String,
    /// Normalised inputs: the network sees the observation times the
    /// environment's `OBS_SCALE` (recorded in the blob).
    #[serde(default)]
    pub normalize: bool,
    /// A constant 1 as the network's last input (a first-layer bias;
    /// [`plasticore::hebbian::Scaled::with_bias`], recorded in the blob).
    #[serde(default)]
    pub bias: bool,
    /// The step the ES takes on its gradient estimate: `sgd` (the plain
    /// step, Najarro & Risi's) or `adam` ([`plasticore::es::OpenAiEs::tell_adam`]).
    #[serde(default = "sgd")]
    pub optimizer: String,
    /// The search: `es` (OpenAI-ES, [`plasticore::es::OpenAiEs`]) or `ga`
    /// (a genetic algorithm, [`plasticore::ga::SimpleGa`]: half the
    /// population kept, σ as the mutation scale; `lr`, `l2` and `optimizer`
    /// are the ES's).
    #[serde(default = "es")]
    pub strategy: String,
}

fn sgd() -> String {
    "sgd".into()
}

fn es() -> String {
    "es".into()
}

/// An f32 in JSON that may be ±∞ (JSON numbers cannot): written as the
/// string `"inf"` / `"-inf"`, read from a number or those strings.
mod f32_or_inf {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f32, s: S) -> Result<S::Ok, S::Error> {
        match *v {
            f32::INFINITY => s.serialize_str("inf"),
            f32::NEG_INFINITY => s.serialize_str("-inf"),
            v => s.serialize_f32(v),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
        // Through a JSON value: a number parsed by serde_json itself (an
        // untagged enum would miss it when `arbitrary_precision` is on).
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => {
                n.as_f64().map(|v| v as f32).ok_or_else(|| D::Error::custom("expected a number"))
            }
            serde_json::Value::String(s) if s == "inf" => Ok(f32::INFINITY),
            serde_json::Value::String(s) if s == "-inf" => Ok(f32::NEG_INFINITY),
            v => Err(D::Error::custom(format!("expected a number or inf, got {v}"))),
        }
    }
}

fn f32_network() -> String {
    "f32".into()
}

fn cartpole() -> EnvName {
    EnvName::Cartpole
}

impl Default for EvolveOptions {
    /// The CartPole preset.
    fn default() -> Self {
        EvolveOptions::preset(EnvName::Cartpole)
    }
}

impl EvolveOptions {
    /// The committed preset of `env`: what `plasticore evolve ENV` runs
    /// unless a flag overrides it. CartPole and Acrobot evolve raw inputs;
    /// Pendulum and MountainCar normalised ones (their velocities span
    /// ±8 and ±0.07: [`plasticore::env::Environment::OBS_SCALE`]).
    pub fn preset(env: EnvName) -> Self {
        let base = EvolveOptions {
            env,
            static_net: false,
            randomize: String::new(),
            hidden: vec![8],
            outputs: 1,
            rule: "ABCD_lr".into(),
            sharing: "synapse".into(),
            norm: "maxabs".into(),
            output: "tanh".into(),
            generations: 300,
            population: 64,
            seed: 1,
            episodes: 5,
            sigma: 0.1,
            lr: 0.2,
            l2: 0.005,
            validate_every: 5,
            validate_episodes: 100,
            target: env.default_target(),
            network: f32_network(),
            normalize: false,
            bias: false,
            optimizer: sgd(),
            strategy: es(),
        };
        match env {
            EnvName::Cartpole => base,
            // One output through thresholds ±1/3 leaves a static network at
            // −500; three outputs (argmax) solve it for both kinds.
            EnvName::Acrobot => EvolveOptions { outputs: 3, ..base },
            // A bias input: without one the odd network cannot both pump at
            // the bottom and damp at the top (`hebbian::Scaled::with_bias`);
            // the GA: OpenAI-ES stays in the local optimum of hanging still;
            // plain ABCD without normalisation: with ABCD_lr and max-abs the
            // plastic network does not swing up (docs/hebbian.md).
            EnvName::Pendulum => EvolveOptions {
                hidden: vec![16],
                normalize: true,
                bias: true,
                rule: "ABCD".into(),
                norm: "none".into(),
                strategy: "ga".into(),
                sigma: 0.2,
                generations: 600,
                episodes: 8,
                l2: 0.0,
                ..base
            },
            EnvName::Mountaincar => {
                EvolveOptions { hidden: vec![16], normalize: true, l2: 0.0, ..base }
            }
        }
    }

    /// What the `evolve-on-device` firmware runs
    /// ([`plasticore::evolution::CARTPOLE_ON_DEVICE`] on the CartPole preset's
    /// network): `--preset on-device`. CartPole only.
    pub fn on_device(env: EnvName) -> Result<Self> {
        anyhow::ensure!(
            env == EnvName::Cartpole,
            "--preset on-device: the board evolves CartPole only, not {}",
            env.name()
        );
        let s = plasticore::evolution::CARTPOLE_ON_DEVICE;
        let opts = EvolveOptions {
            population: s.es.population,
            sigma: s.es.sigma,
            lr: s.es.lr,
            l2: s.es.l2,
            episodes: s.episodes as usize,
            validate_every: s.validate_every,
            validate_episodes: s.validate_episodes as usize,
            target: s.target,
            generations: s.generations,
            ..EvolveOptions::preset(env)
        };
        // The decays and floors are the ES's defaults on both sides.
        anyhow::ensure!(opts.es_config() == s.es, "the on-device preset's ES differs");
        Ok(opts)
    }

    /// The settings as one line, for the log.
    pub fn summary(&self) -> String {
        let search = if self.strategy == "ga" {
            format!(
                "GA population {}, {} elites, {} episodes each, mutation sigma {}",
                self.population,
                self.ga_config().elites,
                self.episodes,
                self.sigma
            )
        } else {
            format!(
                "OpenAI-ES ({}) population {}, {} episodes each, sigma {}, lr {}, l2 {}",
                self.optimizer, self.population, self.episodes, self.sigma, self.lr, self.l2
            )
        };
        format!(
            "{} {}network {:?} {}, {} inputs, rule {} per {}, norm {}, output {}; {search}, at most {} generations, target {}",
            self.env.name(),
            if self.static_net { "static " } else { "plastic " },
            self.sizes(),
            self.network,
            match (self.normalize, self.bias) {
                (true, true) => "normalised, bias",
                (true, false) => "normalised",
                (false, true) => "raw, bias",
                (false, false) => "raw",
            },
            self.rule,
            self.sharing,
            self.norm,
            self.output,
            self.generations,
            self.target
        )
    }
}

/// Parses a norm name: `none`, `maxabs`, `clamp:C`.
pub fn parse_norm(s: &str) -> Result<Norm> {
    Ok(match s {
        "none" => Norm::None,
        "maxabs" => Norm::MaxAbs,
        _ => match s.strip_prefix("clamp:").map(str::parse::<f32>) {
            Some(Ok(c)) if c.is_finite() && c > 0.0 => Norm::Clamp(c),
            _ => bail!("norm '{s}': expected none, maxabs or clamp:C with C > 0"),
        },
    })
}

impl EvolveOptions {
    /// Layer sizes `[observations, hidden…, outputs]`.
    pub fn sizes(&self) -> Vec<usize> {
        let mut s = vec![self.env.obs() + usize::from(self.bias)];
        s.extend(&self.hidden);
        s.push(self.outputs);
        s
    }
    /// The network configuration.
    pub fn config(&self) -> Result<NetConfig> {
        Ok(NetConfig {
            rule: Rule::from_name(&self.rule).map_err(|e| anyhow::anyhow!("{e}"))?,
            sharing: Sharing::from_name(&self.sharing).map_err(|e| anyhow::anyhow!("{e}"))?,
            norm: parse_norm(&self.norm)?,
            output: match self.output.as_str() {
                "tanh" => Activation::Tanh,
                "linear" => Activation::Linear,
                "relu" => Activation::Relu,
                "gelu" => Activation::Gelu,
                o => bail!("output '{o}': expected tanh, linear, relu or gelu"),
            },
        })
    }
    /// Checks every option: rule, sharing, norm, output, layer sizes, ES settings.
    pub fn validate(&self) -> Result<()> {
        self.config()?;
        plasticore::hebbian::Topology::new(&self.sizes())
            .map_err(|e| anyhow::anyhow!("--hidden: {e}"))?;
        OpenAiEs::new(self.es_config(), self.seed).map_err(|e| anyhow::anyhow!("{e}"))?;
        let err = |e: String| anyhow::anyhow!(e);
        check_count("--population", self.population, MAX_POPULATION).map_err(err)?;
        check_count("--episodes", self.episodes, MAX_EPISODES).map_err(err)?;
        check_count("--validate-episodes", self.validate_episodes, MAX_EPISODES).map_err(err)?;
        check_network(&self.sizes()).map_err(err)?;
        check_buffer("population × parameters", self.population, self.dim()?).map_err(err)?;
        anyhow::ensure!(
            matches!(self.optimizer.as_str(), "sgd" | "adam"),
            "--optimizer '{}': expected sgd or adam",
            self.optimizer
        );
        anyhow::ensure!(
            matches!(self.strategy.as_str(), "es" | "ga"),
            "--strategy '{}': expected es or ga",
            self.strategy
        );
        anyhow::ensure!(
            !(self.strategy == "ga" && self.optimizer == "adam"),
            "--optimizer adam is a step of the ES; --strategy ga takes none"
        );
        if self.strategy == "ga" {
            SimpleGa::new(self.ga_config(), self.seed).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        anyhow::ensure!(
            matches!(self.network.as_str(), "f32" | "q15"),
            "--network '{}': expected f32 or q15",
            self.network
        );
        anyhow::ensure!(
            self.validate_every > 0 && self.validate_episodes > 0,
            "validation needs at least 1 episode every >= 1 generations"
        );
        anyhow::ensure!(
            !(self.static_net && self.network == "q15"),
            "--static evolves f32 weights; --network q15 is for plastic networks"
        );
        self.scenario()?;
        Ok(())
    }
    /// The training scenario: nominal dynamics, randomised if `--randomize`.
    pub fn scenario(&self) -> Result<Scenario> {
        Ok(Scenario {
            randomize: RandomizeSpec::parse(self.env, &self.randomize)?,
            ..Scenario::default()
        })
    }
    /// Number of evolved parameters: coefficients, or weights with `--static`.
    pub fn dim(&self) -> Result<usize> {
        let sizes = self.sizes();
        let config = self.config()?;
        Ok(if self.static_net {
            weight_len(&sizes)
        } else {
            coeff_len(&sizes, config.rule, config.sharing)
        })
    }
    /// The network the evolved vector `theta` parameterises.
    pub fn model(&self, theta: &[f32]) -> Result<Model> {
        let config = self.config()?;
        Ok(if self.static_net {
            Model::Static {
                output: config.output,
                weights: theta.to_vec(),
                normalized: self.normalize,
                bias: self.bias,
            }
        } else {
            Model::Plastic {
                config,
                q15: self.network == "q15",
                coeffs: theta.to_vec(),
                normalized: self.normalize,
                bias: self.bias,
            }
        })
    }
    pub(crate) fn ga_config(&self) -> GaConfig {
        let es = EsConfig::default();
        GaConfig {
            population: self.population,
            elites: (self.population / 2).max(1),
            sigma: self.sigma,
            sigma_decay: es.sigma_decay,
            sigma_min: es.sigma_min,
        }
    }
    pub(crate) fn es_config(&self) -> EsConfig {
        EsConfig {
            population: self.population,
            sigma: self.sigma,
            lr: self.lr,
            l2: self.l2,
            ..EsConfig::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_with_an_infinite_target_round_trip_through_json() {
        for target in [f32::INFINITY, f32::NEG_INFINITY, 475.5] {
            let o = EvolveOptions { target, ..EvolveOptions::default() };
            let text = serde_json::to_string(&o).unwrap();
            let back = serde_json::from_str::<EvolveOptions>(&text);
            assert_eq!(back.as_ref().ok(), Some(&o), "{text}: {back:?}");
        }
        let bad = serde_json::to_string(&EvolveOptions::default())
            .unwrap()
            .replace("\"target\":495.0", "\"target\":\"lots\"");
        assert!(serde_json::from_str::<EvolveOptions>(&bad).is_err());
    }
}
