//! `plasticore evolve`: OpenAI-ES (core [`plasticore::es`]) over the Hebbian
//! coefficients of a plastic network — or, with `--static`, over the weights
//! of a static network of the same topology — in any of the four
//! environments, on nominal dynamics or with domain randomisation; population
//! evaluated in parallel with rayon, progress bar, checkpoint/resume, SVG
//! fitness plot, parameter blob and generated Rust for the firmware.
//!
//! Episode seeds never overlap: training episodes use seeds with bit 63 set,
//! validation episodes seeds with bits 63..62 = `01`; `simulate` and the tests
//! use small seeds (< 2^62), so they are never seen during evolution.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use plasticore::blob::{self, Blob};
use plasticore::es::{EsConfig, EsState, OpenAiEs};
use plasticore::hebbian::{
    coeff_len, weight_len, Activation, Episode, NetConfig, Norm, Rule, Sharing,
};

use crate::envs::{
    mean_sd, run_episodes, run_episodes_par, EnvName, Model, RandomizeSpec, Scenario,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

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
            serde_json::Value::Number(n) => n
                .as_f64()
                .map(|v| v as f32)
                .ok_or_else(|| D::Error::custom("expected a number")),
            serde_json::Value::String(s) if s == "inf" => Ok(f32::INFINITY),
            serde_json::Value::String(s) if s == "-inf" => Ok(f32::NEG_INFINITY),
            v => Err(D::Error::custom(format!(
                "expected a number or inf, got {v}"
            ))),
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
    fn default() -> Self {
        EvolveOptions {
            env: EnvName::Cartpole,
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
            target: 495.0,
            network: f32_network(),
        }
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
        let mut s = vec![self.env.obs()];
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
        anyhow::ensure!(self.episodes > 0, "--episodes must be at least 1");
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
            }
        } else {
            Model::Plastic {
                config,
                q15: self.network == "q15",
                coeffs: theta.to_vec(),
            }
        })
    }
    fn es_config(&self) -> EsConfig {
        EsConfig {
            population: self.population,
            sigma: self.sigma,
            lr: self.lr,
            l2: self.l2,
            ..EsConfig::default()
        }
    }
}

/// Seed of training episode `e` of generation `g` (bit 63 set).
pub fn train_seed(run: u64, g: u64, e: usize) -> u64 {
    mix(
        run ^ 0x5452_4149_4E00_0000,
        g.wrapping_mul(1_000_003) + e as u64,
    ) | (1 << 63)
}

/// Seed of validation episode `e` (bits 63..62 = 01).
pub fn validation_seed(run: u64, e: usize) -> u64 {
    (mix(run ^ 0x5641_4C49_4400_0000, e as u64) & !(3 << 62)) | (1 << 62)
}

fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Runs one episode per seed (each from fresh random weights); `Err` only for invalid coefficients.
pub fn episodes(
    sizes: &[usize],
    config: &NetConfig,
    coeffs: &[f32],
    seeds: &[u64],
) -> Result<Vec<Episode>> {
    episodes_on(sizes, config, false, coeffs, seeds)
}

/// [`episodes`] on the f32 network or (`q15`) the fixed-point one, whose
/// coefficients are `coeffs` folded and quantised exactly as the board does it.
pub fn episodes_on(
    sizes: &[usize],
    config: &NetConfig,
    q15: bool,
    coeffs: &[f32],
    seeds: &[u64],
) -> Result<Vec<Episode>> {
    let model = Model::Plastic {
        config: *config,
        q15,
        coeffs: coeffs.to_vec(),
    };
    let out = run_episodes(
        EnvName::Cartpole,
        sizes,
        &model,
        &Scenario::default(),
        seeds,
    )?;
    Ok(out
        .into_iter()
        .map(|o| Episode {
            steps: o.steps,
            weights_checksum: o.weights_checksum,
        })
        .collect())
}

/// Mean return over the seeds, episodes run in parallel.
pub fn mean_return_par(
    sizes: &[usize],
    config: &NetConfig,
    coeffs: &[f32],
    seeds: &[u64],
) -> Result<(f64, Vec<Episode>)> {
    mean_return_par_on(sizes, config, false, coeffs, seeds)
}

/// [`mean_return_par`] on the f32 or (`q15`) the fixed-point network.
pub fn mean_return_par_on(
    sizes: &[usize],
    config: &NetConfig,
    q15: bool,
    coeffs: &[f32],
    seeds: &[u64],
) -> Result<(f64, Vec<Episode>)> {
    let eps: Vec<Episode> = seeds
        .par_chunks(seeds.len().div_ceil(8).max(1))
        .map(|c| episodes_on(sizes, config, q15, coeffs, c))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let mean = eps.iter().map(|e| e.steps as f64).sum::<f64>() / eps.len().max(1) as f64;
    Ok((mean, eps))
}

/// Statistics of one generation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenStat {
    /// Generation index.
    pub generation: u64,
    /// Mean fitness of the population.
    pub mean: f32,
    /// Best candidate's fitness.
    pub max: f32,
    /// Validation mean return of θ, when measured.
    pub validation: Option<f32>,
}

/// What a checkpoint holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The options of the run (a resume must use the same).
    pub options: EvolveOptions,
    /// Current θ.
    pub theta: Vec<f32>,
    /// ES state: σ, lr, generation, seed.
    pub sigma: f32,
    /// ES learning rate.
    pub lr: f32,
    /// Generations done.
    pub generation: u64,
    /// Best θ by validation so far and its validation mean.
    pub best: Option<(f32, Vec<f32>)>,
    /// History.
    pub history: Vec<GenStat>,
    /// Wall seconds spent before this checkpoint.
    pub seconds: f64,
}

/// The outcome of a run.
#[derive(Debug, Clone)]
pub struct Evolved {
    /// Layer sizes.
    pub sizes: Vec<usize>,
    /// Network configuration.
    pub config: NetConfig,
    /// The exported coefficients (best by validation).
    pub coeffs: Vec<f32>,
    /// Their validation mean return.
    pub validation: f32,
    /// Per-generation statistics.
    pub history: Vec<GenStat>,
    /// Wall time (s), resumed runs included.
    pub seconds: f64,
    /// Training episodes run (population × episodes × generations).
    pub evaluations: u64,
}

/// The fitness of one candidate: its mean return over `seeds` (one thread).
pub fn fitness(opts: &EvolveOptions, candidate: &[f32], seeds: &[u64]) -> Result<f32> {
    let eps = run_episodes(
        opts.env,
        &opts.sizes(),
        &opts.model(candidate)?,
        &opts.scenario()?,
        seeds,
    )?;
    Ok(mean_sd(&eps).0 as f32)
}

/// The fitness of each row of `candidates` (`rows × dim`, row-major), on
/// one thread: the unit of work a distributed evaluator hands out.
pub fn evaluate_candidates(
    opts: &EvolveOptions,
    candidates: &[f32],
    seeds: &[u64],
) -> Result<Vec<f32>> {
    let dim = opts.dim()?;
    anyhow::ensure!(
        dim > 0 && candidates.len().is_multiple_of(dim),
        "candidates: {} values are not whole rows of {dim} parameters",
        candidates.len()
    );
    candidates
        .chunks_exact(dim)
        .map(|c| fitness(opts, c, seeds))
        .collect()
}

/// One run of the evolution strategy as an ask/tell loop. [`evolve`]
/// evaluates each generation's population in-process with rayon; the Python
/// module evaluates the same population as Ray tasks. Both then give the
/// same θ, generation after generation, because everything but the
/// evaluation is here.
pub struct Evolution {
    opts: EvolveOptions,
    es: OpenAiEs,
    ck: Checkpoint,
    checkpoint: Option<PathBuf>,
    val_seeds: Vec<u64>,
    ranks: Vec<f32>,
    scratch: Vec<f32>,
    evaluations: u64,
    start: Instant,
    base: f64,
    reached: bool,
}

impl Evolution {
    /// Starts a run, or resumes it from `checkpoint` if `resume` and it exists.
    pub fn new(opts: &EvolveOptions, checkpoint: Option<&Path>, resume: bool) -> Result<Self> {
        opts.validate()?;
        let dim = opts.dim()?;
        let es_cfg = opts.es_config();
        let ck = match checkpoint.filter(|p| resume && p.exists()) {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("reading {}", p.display()))?;
                let ck: Checkpoint =
                    serde_json::from_str(&text).context("parsing the checkpoint")?;
                // Only --generations may change on resume (to extend a run).
                let same = EvolveOptions {
                    generations: opts.generations,
                    ..ck.options.clone()
                } == *opts;
                if !same || ck.theta.len() != dim {
                    bail!(
                        "checkpoint {} was made with other options; remove it or drop --resume",
                        p.display()
                    );
                }
                ck
            }
            None => {
                let mut rng = plasticore::rng::Rng::new(opts.seed ^ 0x1E17);
                let mut theta = vec![0.0; dim];
                rng.fill_uniform(&mut theta, -0.1, 0.1);
                Checkpoint {
                    options: opts.clone(),
                    theta,
                    sigma: es_cfg.sigma,
                    lr: es_cfg.lr,
                    generation: 0,
                    best: None,
                    history: vec![],
                    seconds: 0.0,
                }
            }
        };
        let es = OpenAiEs::from_state(
            es_cfg,
            EsState {
                sigma: ck.sigma,
                lr: ck.lr,
                generation: ck.generation,
                seed: opts.seed,
            },
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Evolution {
            val_seeds: (0..opts.validate_episodes)
                .map(|e| validation_seed(opts.seed, e))
                .collect(),
            ranks: vec![0.0; opts.population],
            scratch: vec![0.0; dim],
            evaluations: ck.generation * (opts.population * opts.episodes) as u64,
            start: Instant::now(),
            base: ck.seconds,
            reached: false,
            checkpoint: checkpoint.map(Path::to_path_buf),
            opts: opts.clone(),
            es,
            ck,
        })
    }
    /// The options of the run.
    pub fn options(&self) -> &EvolveOptions {
        &self.opts
    }
    /// Generations told so far.
    pub fn generation(&self) -> u64 {
        self.ck.generation
    }
    /// Current θ (the mean of the search distribution).
    pub fn theta(&self) -> &[f32] {
        &self.ck.theta
    }
    /// Whether the run is over: all generations done, or the validation
    /// target reached.
    pub fn is_done(&self) -> bool {
        self.reached || self.ck.generation >= self.opts.generations
    }
    /// Episode seeds of the current generation (every candidate runs these).
    pub fn seeds(&self) -> Vec<u64> {
        (0..self.opts.episodes)
            .map(|e| train_seed(self.opts.seed, self.ck.generation, e))
            .collect()
    }
    /// Candidate `k` of the current generation into `out` (`dim` values).
    pub fn candidate(&self, k: usize, out: &mut [f32]) -> Result<()> {
        self.es
            .candidate(&self.ck.theta, k, out)
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
    /// The whole population of the current generation, `population × dim`, row-major.
    pub fn candidates(&self) -> Result<Vec<f32>> {
        let dim = self.ck.theta.len();
        let mut out = vec![0.0; self.opts.population * dim];
        for (k, row) in out.chunks_exact_mut(dim.max(1)).enumerate() {
            self.candidate(k, row)?;
        }
        Ok(out)
    }
    /// Tells the fitness of every candidate (in candidate order): updates θ,
    /// validates every `validate_every` generations, checkpoints every 10.
    pub fn tell(&mut self, fitness: &[f32]) -> Result<GenStat> {
        anyhow::ensure!(!self.is_done(), "the run is over");
        let g = self.ck.generation;
        let mean = fitness.iter().sum::<f32>() / fitness.len().max(1) as f32;
        let max = fitness.iter().cloned().fold(f32::MIN, f32::max);
        self.es
            .tell(
                &mut self.ck.theta,
                fitness,
                &mut self.ranks,
                &mut self.scratch,
            )
            .map_err(|e| anyhow::anyhow!("fitness: {e}"))?;
        self.evaluations += (self.opts.population * self.opts.episodes) as u64;
        self.ck.generation += 1;
        let st = self.es.state();
        self.ck.sigma = st.sigma;
        self.ck.lr = st.lr;
        let mut validation = None;
        if self.ck.generation.is_multiple_of(self.opts.validate_every) {
            let v = self.validate(&self.ck.theta)?;
            validation = Some(v);
            if self.ck.best.as_ref().is_none_or(|(b, _)| v > *b) {
                self.ck.best = Some((v, self.ck.theta.clone()));
            }
        }
        let stat = GenStat {
            generation: g,
            mean,
            max,
            validation,
        };
        self.ck.history.push(stat.clone());
        self.ck.seconds = self.base + self.start.elapsed().as_secs_f64();
        if let Some(p) = &self.checkpoint {
            if self.ck.generation.is_multiple_of(10) {
                save_checkpoint(p, &self.ck)?;
            }
        }
        self.reached = validation.is_some_and(|v| v >= self.opts.target);
        Ok(stat)
    }
    /// Best validation mean return so far.
    pub fn best_validation(&self) -> Option<f32> {
        self.ck.best.as_ref().map(|b| b.0)
    }
    /// Mean return of θ over the validation episodes (in parallel).
    fn validate(&self, theta: &[f32]) -> Result<f32> {
        let opts = &self.opts;
        let eps = run_episodes_par(
            opts.env,
            &opts.sizes(),
            &opts.model(theta)?,
            &opts.scenario()?,
            &self.val_seeds,
        )?;
        Ok(mean_sd(&eps).0 as f32)
    }
    /// Ends the run: the best θ by validation (the final θ competes too).
    pub fn finish(self) -> Result<Evolved> {
        if let Some(p) = &self.checkpoint {
            save_checkpoint(p, &self.ck)?;
        }
        // The final θ competes too if it was not validated (not saved in the
        // checkpoint, so that a resumed run equals an uninterrupted one).
        let mut best = self.ck.best.clone();
        if self
            .ck
            .history
            .last()
            .is_some_and(|h| h.validation.is_none())
            || best.is_none()
        {
            let v = self.validate(&self.ck.theta)?;
            if best.as_ref().is_none_or(|(b, _)| v > *b) {
                best = Some((v, self.ck.theta.clone()));
            }
        }
        let (validation, coeffs) = best.unwrap_or((0.0, self.ck.theta.clone()));
        Ok(Evolved {
            sizes: self.opts.sizes(),
            config: self.opts.config()?,
            coeffs,
            validation,
            history: self.ck.history,
            seconds: self.ck.seconds,
            evaluations: self.evaluations,
        })
    }
}

/// Evolves coefficients; checkpoints to `checkpoint` every 10 generations and
/// resumes from it if `resume` and it exists. The population is evaluated in
/// parallel with rayon.
pub fn evolve(
    opts: &EvolveOptions,
    checkpoint: Option<&Path>,
    resume: bool,
    progress: bool,
) -> Result<Evolved> {
    let mut ev = Evolution::new(opts, checkpoint, resume)?;
    let bar = if progress {
        let b = indicatif::ProgressBar::new(opts.generations);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed:>4} [{bar:30}] gen {pos}/{len} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b.set_position(ev.generation());
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let dim = opts.dim()?;
    while !ev.is_done() {
        let seeds = ev.seeds();
        let fitness: Vec<f32> = (0..opts.population)
            .into_par_iter()
            .map(|k| {
                let mut cand = vec![0.0; dim];
                ev.candidate(k, &mut cand)?;
                fitness(opts, &cand, &seeds)
            })
            .collect::<Result<_>>()?;
        let st = ev.tell(&fitness)?;
        let best = ev.best_validation().unwrap_or(0.0);
        bar.set_position(ev.generation());
        bar.set_message(format!(
            "mean {:6.1} max {:6.1} best val {best:6.1}",
            st.mean, st.max
        ));
    }
    bar.finish_and_clear();
    ev.finish()
}

fn save_checkpoint(p: &Path, ck: &Checkpoint) -> Result<()> {
    let tmp = p.with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_string(ck)?)
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, p).with_context(|| format!("writing {}", p.display()))?;
    Ok(())
}

/// Encodes a Hebbian coefficient blob.
pub fn blob_bytes(sizes: &[usize], config: &NetConfig, coeffs: &[f32]) -> Result<Vec<u8>> {
    blob_bytes_on(sizes, config, false, coeffs)
}

/// Encodes a Hebbian coefficient blob for the f32 or (`q15`) the fixed-point network.
pub fn blob_bytes_on(
    sizes: &[usize],
    config: &NetConfig,
    q15: bool,
    coeffs: &[f32],
) -> Result<Vec<u8>> {
    let mut h = blob::hebbian_header(sizes, config).map_err(|e| anyhow::anyhow!("{e}"))?;
    let want = coeff_len(sizes, config.rule, config.sharing);
    anyhow::ensure!(
        coeffs.len() == want,
        "coeffs: {} values, but layer sizes {sizes:?} with rule {} and sharing {} take {want}",
        coeffs.len(),
        config.rule.name(),
        config.sharing.name()
    );
    h.meta[4] = q15 as u8;
    let mut out = vec![0u8; blob::encoded_len(sizes.len(), coeffs.len())];
    blob::encode(&h, coeffs, &mut out).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(out)
}

/// Encodes a static network weight blob.
pub fn static_blob_bytes(sizes: &[usize], output: Activation, weights: &[f32]) -> Result<Vec<u8>> {
    let h = blob::static_net_header(sizes, output).map_err(|e| anyhow::anyhow!("{e}"))?;
    let want = weight_len(sizes);
    anyhow::ensure!(
        weights.len() == want,
        "weights: {} values, but layer sizes {sizes:?} take {want}",
        weights.len()
    );
    let mut out = vec![0u8; blob::encoded_len(sizes.len(), weights.len())];
    blob::encode(&h, weights, &mut out).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(out)
}

/// The blob of an evolved vector: Hebbian coefficients, or static weights.
pub fn model_blob_bytes(sizes: &[usize], model: &Model) -> Result<Vec<u8>> {
    match model {
        Model::Plastic {
            config,
            q15,
            coeffs,
        } => blob_bytes_on(sizes, config, *q15, coeffs),
        Model::Static { output, weights } => static_blob_bytes(sizes, *output, weights),
    }
}

/// Decodes a Hebbian coefficient blob or a static network blob: sizes and model.
pub fn parse_model(bytes: &[u8]) -> Result<(Vec<usize>, Model)> {
    let b = Blob::parse(bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut values = vec![0.0; b.len()];
    b.read_into(&mut values)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if b.header.kind == blob::KIND_STATIC_NET {
        let (topo, output) = b.static_net().map_err(|e| anyhow::anyhow!("{e}"))?;
        return Ok((
            topo.sizes().to_vec(),
            Model::Static {
                output,
                weights: values,
            },
        ));
    }
    let (topo, config) = b.hebbian().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((
        topo.sizes().to_vec(),
        Model::Plastic {
            config,
            q15: b.hebbian_fixed_point(),
            coeffs: values,
        },
    ))
}

/// Reads a Hebbian coefficient blob: sizes, config, coefficients.
pub fn read_blob(path: &Path) -> Result<(Vec<usize>, NetConfig, Vec<f32>)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    parse_blob(&bytes).with_context(|| format!("{}", path.display()))
}

/// Decodes a Hebbian coefficient blob from bytes.
pub fn parse_blob(bytes: &[u8]) -> Result<(Vec<usize>, NetConfig, Vec<f32>)> {
    let b = Blob::parse(bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (topo, config) = b.hebbian().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut c = vec![0.0; b.len()];
    b.read_into(&mut c).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((topo.sizes().to_vec(), config, c))
}

/// Rust source with the coefficients as a `static` (flash) and the network's
/// sizes and configuration as `const`s, bit-exact (`f32::from_bits`).
pub fn rust_source(sizes: &[usize], config: &NetConfig, coeffs: &[f32], note: &str) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Generated by `plasticore evolve`; do not edit. {note}"
    );
    let _ = writeln!(
        s,
        "use plasticore::hebbian::{{Activation, NetConfig, Norm, Rule, Sharing}};\n"
    );
    let _ = writeln!(s, "/// Layer sizes `[in, hidden..., out]`.");
    let _ = writeln!(
        s,
        "pub const SIZES: [usize; {}] = {:?};",
        sizes.len(),
        sizes
    );
    let norm = match config.norm {
        Norm::None => "Norm::None".to_string(),
        Norm::MaxAbs => "Norm::MaxAbs".to_string(),
        Norm::Clamp(c) => format!("Norm::Clamp(f32::from_bits(0x{:08x}))", c.to_bits()),
    };
    let _ = writeln!(s, "/// Rule, sharing, normalisation and output activation.");
    let _ = writeln!(
        s,
        "pub const CONFIG: NetConfig = NetConfig {{ rule: Rule::{:?}, sharing: Sharing::{:?}, norm: {norm}, output: Activation::{:?} }};",
        config.rule, config.sharing, config.output
    );
    let _ = writeln!(
        s,
        "/// The evolved coefficients, layer after layer (read-only: flash)."
    );
    push_f32_static(&mut s, "COEFFS", coeffs);
    s
}

/// Appends `pub static NAME: [f32; N] = [...]`, every value as its exact bits.
fn push_f32_static(s: &mut String, name: &str, values: &[f32]) {
    use std::fmt::Write;
    let _ = writeln!(s, "pub static {name}: [f32; {}] = [", values.len());
    for chunk in values.chunks(6) {
        let line: Vec<String> = chunk
            .iter()
            .map(|v| format!("f32::from_bits(0x{:08x})", v.to_bits()))
            .collect();
        let _ = writeln!(s, "    {},", line.join(", "));
    }
    let _ = writeln!(s, "];");
}

/// Rust source with a static network's weights as a `static` (flash) and its
/// sizes and output activation as `const`s, bit-exact.
pub fn static_rust_source(
    sizes: &[usize],
    output: Activation,
    weights: &[f32],
    note: &str,
) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Generated by `plasticore evolve --static`; do not edit. {note}"
    );
    let _ = writeln!(s, "use plasticore::hebbian::Activation;\n");
    let _ = writeln!(s, "/// Layer sizes `[in, hidden..., out]`.");
    let _ = writeln!(
        s,
        "pub const SIZES: [usize; {}] = {:?};",
        sizes.len(),
        sizes
    );
    let _ = writeln!(s, "/// Output activation.");
    let _ = writeln!(s, "pub const OUTPUT: Activation = Activation::{output:?};");
    let _ = writeln!(
        s,
        "/// The evolved weights, layer after layer, `[out, in]` each (flash)."
    );
    push_f32_static(&mut s, "WEIGHTS", weights);
    s
}

/// Writes an SVG plot of the population's mean and max fitness and the validation return.
pub fn plot_svg(path: &PathBuf, history: &[GenStat], title: &str) -> Result<()> {
    use plotters::prelude::*;
    let root = SVGBackend::new(path, (800, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let n = history.len().max(1) as f32;
    let values = history
        .iter()
        .flat_map(|h| [Some(h.mean), Some(h.max), h.validation])
        .flatten();
    let (lo, hi) = values.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.05).max(1.0);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(45)
        .build_cartesian_2d(0f32..n, (lo - pad)..(hi + pad))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("generation")
        .y_desc("return")
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let series = |f: &dyn Fn(&GenStat) -> Option<f32>| -> Vec<(f32, f32)> {
        history
            .iter()
            .filter_map(|h| f(h).map(|v| (h.generation as f32, v)))
            .collect()
    };
    chart
        .draw_series(LineSeries::new(series(&|h| Some(h.mean)), &BLUE))
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .label("population mean")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE));
    chart
        .draw_series(LineSeries::new(series(&|h| Some(h.max)), &GREEN))
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .label("population max")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], GREEN));
    chart
        .draw_series(LineSeries::new(series(&|h| h.validation), &RED))
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .label("θ validation (unseen seeds)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_with_an_infinite_target_round_trip_through_json() {
        for target in [f32::INFINITY, f32::NEG_INFINITY, 475.5] {
            let o = EvolveOptions {
                target,
                ..EvolveOptions::default()
            };
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
