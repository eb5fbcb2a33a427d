//! Evaluating candidates: episodes of a network on seeds, on one thread or
//! in parallel (rayon), and the fitness of a candidate.

use anyhow::Result;
use plasticore::hebbian::{Episode, NetConfig};
use rayon::prelude::*;

use super::EvolveOptions;
use crate::envs::{mean_sd, run_episodes, EnvName, Model, Scenario};

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
        normalized: false,
        bias: false,
    };
    let out = run_episodes(EnvName::Cartpole, sizes, &model, &Scenario::default(), seeds)?;
    Ok(out
        .into_iter()
        .map(|o| Episode { steps: o.steps, weights_checksum: o.weights_checksum })
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

/// The fitness of one candidate: its mean return over `seeds` (one thread).
pub fn fitness(opts: &EvolveOptions, candidate: &[f32], seeds: &[u64]) -> Result<f32> {
    Ok(fitness_steps(opts, candidate, seeds)?.0)
}

/// [`fitness`] and the environment steps its episodes took.
pub fn fitness_steps(opts: &EvolveOptions, candidate: &[f32], seeds: &[u64]) -> Result<(f32, u64)> {
    let eps =
        run_episodes(opts.env, &opts.sizes(), &opts.model(candidate)?, &opts.scenario()?, seeds)?;
    Ok((mean_sd(&eps).0 as f32, eps.iter().map(|e| e.steps as u64).sum()))
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
    candidates.chunks_exact(dim).map(|c| fitness(opts, c, seeds)).collect()
}
