//! The loop: OpenAI-ES or the GA as ask/tell over generations, checkpoints, progress.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use plasticore::es::{Adam, EsState, OpenAiEs};
use plasticore::ga::{GaState, SimpleGa};
use plasticore::hebbian::NetConfig;
use serde::{Deserialize, Serialize};

use rayon::prelude::*;

use super::{fitness_steps, train_seed, validation_seed, EvolveOptions};
use crate::envs::{mean_sd, run_episodes_par};

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
    /// Adam's moments and step count (with `--optimizer adam`).
    #[serde(default)]
    pub adam: Option<(Vec<f32>, Vec<f32>, u32)>,
    /// The GA's elites, best first (with `--strategy ga`; θ is the first).
    #[serde(default)]
    pub elites: Option<Vec<f32>>,
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
    /// Environment steps of the training episodes (validation not counted),
    /// when the loop counted them ([`evolve`] does; 0 otherwise).
    pub steps: u64,
}

/// One run of the evolution strategy as an ask/tell loop. [`evolve`]
/// evaluates each generation's population in-process with rayon; the Python
/// module evaluates the same population as Ray tasks. Both then give the
/// same θ, generation after generation, because everything but the
/// evaluation is here.
pub struct Evolution {
    opts: EvolveOptions,
    es: OpenAiEs,
    /// The GA, with `--strategy ga` (then `es` only keeps the options' ES).
    ga: Option<SimpleGa>,
    ck: Checkpoint,
    checkpoint: Option<PathBuf>,
    val_seeds: Vec<u64>,
    ranks: Vec<f32>,
    scratch: Vec<f32>,
    evaluations: u64,
    steps: u64,
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
                let same =
                    EvolveOptions { generations: opts.generations, ..ck.options.clone() } == *opts;
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
                    adam: (opts.optimizer == "adam").then(|| (vec![0.0; dim], vec![0.0; dim], 0)),
                    elites: None,
                }
            }
        };
        let es = OpenAiEs::from_state(
            es_cfg,
            EsState { sigma: ck.sigma, lr: ck.lr, generation: ck.generation, seed: opts.seed },
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut ck = ck;
        let ga = if opts.strategy == "ga" {
            let ga = SimpleGa::from_state(
                opts.ga_config(),
                GaState { sigma: ck.sigma, generation: ck.generation, seed: opts.seed },
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            if ck.elites.is_none() {
                let mut elites = vec![0.0; ga.config().elites * dim];
                ga.init(&ck.theta, &mut elites).map_err(|e| anyhow::anyhow!("{e}"))?;
                ck.elites = Some(elites);
            }
            anyhow::ensure!(
                ck.elites.as_ref().is_some_and(|e| e.len() == ga.config().elites * dim),
                "the checkpoint's elites do not fit the options"
            );
            Some(ga)
        } else {
            None
        };
        Ok(Evolution {
            ga,
            val_seeds: (0..opts.validate_episodes)
                .map(|e| validation_seed(opts.seed, e as u64))
                .collect(),
            ranks: vec![0.0; opts.population],
            scratch: vec![0.0; dim],
            evaluations: ck.generation * (opts.population * opts.episodes) as u64,
            steps: 0,
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
            .map(|e| train_seed(self.opts.seed, self.ck.generation, e as u64))
            .collect()
    }
    /// Candidate `k` of the current generation into `out` (`dim` values).
    pub fn candidate(&self, k: usize, out: &mut [f32]) -> Result<()> {
        match (&self.ga, &self.ck.elites) {
            (Some(ga), Some(elites)) => ga.candidate(elites, k, out),
            _ => self.es.candidate(&self.ck.theta, k, out),
        }
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
        match (&mut self.ga, &mut self.ck.adam) {
            (Some(ga), _) => {
                let elites = self.ck.elites.as_mut().context("the GA's elites")?;
                let mut next = vec![0.0; elites.len()];
                ga.tell(elites, fitness, &mut next).map_err(|e| anyhow::anyhow!("fitness: {e}"))?;
                let dim = self.ck.theta.len();
                self.ck.theta.copy_from_slice(&elites[..dim]);
            }
            (None, Some((m, v, t))) => {
                let mut grad = vec![0.0; self.ck.theta.len()];
                let mut adam = Adam { m, v, t: *t };
                self.es
                    .tell_adam(
                        &mut self.ck.theta,
                        fitness,
                        &mut self.ranks,
                        &mut self.scratch,
                        &mut grad,
                        &mut adam,
                    )
                    .map_err(|e| anyhow::anyhow!("fitness: {e}"))?;
                *t = adam.t;
            }
            (None, None) => self
                .es
                .tell(&mut self.ck.theta, fitness, &mut self.ranks, &mut self.scratch)
                .map_err(|e| anyhow::anyhow!("fitness: {e}"))?,
        }
        self.evaluations += (self.opts.population * self.opts.episodes) as u64;
        self.ck.generation += 1;
        match &self.ga {
            Some(ga) => self.ck.sigma = ga.state().sigma,
            None => {
                let st = self.es.state();
                self.ck.sigma = st.sigma;
                self.ck.lr = st.lr;
            }
        }
        let mut validation = None;
        if self.ck.generation.is_multiple_of(self.opts.validate_every) {
            let v = self.validate(&self.ck.theta)?;
            validation = Some(v);
            if self.ck.best.as_ref().is_none_or(|(b, _)| v > *b) {
                self.ck.best = Some((v, self.ck.theta.clone()));
            }
        }
        let stat = GenStat { generation: g, mean, max, validation };
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
    /// Counts `n` more training steps (for [`Evolved::steps`]).
    pub fn add_steps(&mut self, n: u64) {
        self.steps += n;
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
        if self.ck.history.last().is_some_and(|h| h.validation.is_none()) || best.is_none() {
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
            steps: self.steps,
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
        let scored: Vec<(f32, u64)> = (0..opts.population)
            .into_par_iter()
            .map(|k| {
                let mut cand = vec![0.0; dim];
                ev.candidate(k, &mut cand)?;
                fitness_steps(opts, &cand, &seeds)
            })
            .collect::<Result<_>>()?;
        let fitness: Vec<f32> = scored.iter().map(|s| s.0).collect();
        ev.add_steps(scored.iter().map(|s| s.1).sum());
        let st = ev.tell(&fitness)?;
        let best = ev.best_validation().unwrap_or(0.0);
        bar.set_position(ev.generation());
        bar.set_message(format!("mean {:6.1} max {:6.1} best val {best:6.1}", st.mean, st.max));
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
