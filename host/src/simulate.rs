//! `plasticore simulate`: episodes of a plastic network (coefficient blob,
//! fresh random weights every episode) or a static network (weight blob) in
//! one of the four environments, under given dynamics and an optional
//! mid-episode change. Episode `i` uses seed `S + i`.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use crate::envs::{mean_sd, run_episodes_par, EnvName, Model, Scenario};
use crate::evolve::parse_model;

/// The summary printed by `simulate --json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Environment name.
    pub env: &'static str,
    /// Episodes run.
    pub episodes: usize,
    /// First seed.
    pub seed: u64,
    /// Mean return.
    pub mean_return: f64,
    /// Sample standard deviation of the returns.
    pub sd_return: f64,
    /// Minimum return.
    pub min_return: f64,
    /// Maximum return.
    pub max_return: f64,
    /// Episodes whose return reached the environment's threshold
    /// (CartPole 495, Acrobot −100, Pendulum −150, MountainCar 90).
    pub solved_episodes: usize,
    /// The dynamics (`key=value,...` over the nominal ones; empty: nominal).
    pub dynamics: String,
    /// Step at which the dynamics change, if they do.
    pub change_at: Option<u32>,
    /// The keys that change.
    pub change_to: Option<String>,
    /// Mean return of the steps before the change (the whole episode without one).
    pub mean_return_before_change: f64,
    /// Mean return of the steps from the change on (0 without one).
    pub mean_return_after_change: f64,
    /// Layer sizes.
    pub sizes: Vec<usize>,
    /// `plastic` or `static`.
    pub model: &'static str,
    /// Rule name (plastic networks).
    pub rule: Option<&'static str>,
    /// Sharing name (plastic networks).
    pub sharing: Option<&'static str>,
    /// Number of evolved parameters (coefficients or weights).
    pub coefficients: usize,
    /// The network's arithmetic: `f32` or `q15` (fixed point).
    pub network: &'static str,
    /// Returns, episode by episode.
    pub returns: Vec<f32>,
    /// Steps, episode by episode.
    pub steps: Vec<u32>,
    /// FNV-1a checksum of each episode's final weights (for board/host comparison).
    pub weight_checksums: Vec<String>,
}

/// Runs `episodes` episodes with seeds `seed..seed+episodes` of the network in
/// the blob at `coeffs`, in `env` under `scenario`.
pub fn simulate(
    env: EnvName,
    coeffs: &Path,
    episodes: usize,
    seed: u64,
    scenario: &Scenario,
) -> Result<Summary> {
    let bytes =
        std::fs::read(coeffs).map_err(|e| anyhow::anyhow!("reading {}: {e}", coeffs.display()))?;
    let (sizes, model) =
        parse_model(&bytes).map_err(|e| anyhow::anyhow!("{}: {e:#}", coeffs.display()))?;
    let inputs = env.obs() + usize::from(model.bias());
    anyhow::ensure!(
        sizes.first() == Some(&inputs),
        "{}: the network takes {} inputs; {} has {} observations{}",
        coeffs.display(),
        sizes[0],
        env.name(),
        env.obs(),
        if model.bias() { " and the network a bias input" } else { "" }
    );
    crate::limits::check_count("--episodes", episodes, crate::limits::MAX_EPISODES)
        .map_err(|e| anyhow::anyhow!(e))?;
    let seeds: Vec<u64> = (0..episodes as u64).map(|i| seed.wrapping_add(i)).collect();
    let eps = run_episodes_par(env, &sizes, &model, scenario, &seeds)?;
    let (mean, sd) = mean_sd(&eps);
    let returns: Vec<f32> = eps.iter().map(|e| e.ret).collect();
    let n = eps.len() as f64;
    let before = eps.iter().map(|e| e.ret_before as f64).sum::<f64>() / n;
    let after = eps.iter().map(|e| (e.ret - e.ret_before) as f64).sum::<f64>() / n;
    let (kind, rule, sharing, count, network) = match &model {
        Model::Plastic { config, q15, coeffs, .. } => (
            "plastic",
            Some(config.rule.name()),
            Some(config.sharing.name()),
            coeffs.len(),
            if *q15 { "q15" } else { "f32" },
        ),
        Model::Static { weights, .. } => ("static", None, None, weights.len(), "f32"),
    };
    Ok(Summary {
        env: env.name(),
        episodes,
        seed,
        mean_return: mean,
        sd_return: sd,
        min_return: returns.iter().map(|&r| r as f64).fold(f64::MAX, f64::min),
        max_return: returns.iter().map(|&r| r as f64).fold(f64::MIN, f64::max),
        solved_episodes: returns.iter().filter(|&&r| r >= env.default_target()).count(),
        dynamics: scenario.dynamics.to_string(),
        change_at: scenario.change.as_ref().map(|c| c.0),
        change_to: scenario.change.as_ref().map(|c| c.1.to_string()),
        mean_return_before_change: before,
        mean_return_after_change: after,
        sizes,
        model: kind,
        rule,
        sharing,
        coefficients: count,
        network,
        returns,
        steps: eps.iter().map(|e| e.steps).collect(),
        weight_checksums: eps.iter().map(|e| format!("{:08x}", e.weights_checksum)).collect(),
    })
}
