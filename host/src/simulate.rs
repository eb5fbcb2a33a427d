//! `plasticore simulate`: CartPole episodes of a plastic network from a
//! coefficient blob, each from fresh random weights (episode `i` uses seed `S + i`).

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use crate::evolve::{mean_return_par_on, parse_blob};

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
    /// Minimum return.
    pub min_return: u32,
    /// Maximum return.
    pub max_return: u32,
    /// Episodes that reached 500 steps.
    pub solved_episodes: usize,
    /// Layer sizes.
    pub sizes: Vec<usize>,
    /// Rule name.
    pub rule: &'static str,
    /// Sharing name.
    pub sharing: &'static str,
    /// Number of coefficients.
    pub coefficients: usize,
    /// The network's arithmetic: `f32` or `q15` (fixed point).
    pub network: &'static str,
    /// Returns, episode by episode.
    pub returns: Vec<u32>,
    /// FNV-1a checksum of each episode's final weights (for board/host comparison).
    pub weight_checksums: Vec<String>,
}

/// Runs `episodes` CartPole episodes with seeds `seed..seed+episodes`.
pub fn simulate_cartpole(coeffs: &Path, episodes: usize, seed: u64) -> Result<Summary> {
    let bytes =
        std::fs::read(coeffs).map_err(|e| anyhow::anyhow!("reading {}: {e}", coeffs.display()))?;
    let (sizes, config, c) =
        parse_blob(&bytes).map_err(|e| anyhow::anyhow!("{}: {e:#}", coeffs.display()))?;
    let q15 = plasticore::blob::Blob::parse(&bytes).is_ok_and(|b| b.hebbian_fixed_point());
    anyhow::ensure!(
        sizes.first() == Some(&4),
        "{}: the network takes {} inputs; CartPole has 4",
        coeffs.display(),
        sizes[0]
    );
    anyhow::ensure!(episodes > 0, "--episodes must be at least 1");
    let seeds: Vec<u64> = (0..episodes as u64).map(|i| seed.wrapping_add(i)).collect();
    let (mean, eps) = mean_return_par_on(&sizes, &config, q15, &c, &seeds)?;
    let returns: Vec<u32> = eps.iter().map(|e| e.steps).collect();
    Ok(Summary {
        env: "cartpole",
        episodes,
        seed,
        mean_return: mean,
        min_return: returns.iter().copied().min().unwrap_or(0),
        max_return: returns.iter().copied().max().unwrap_or(0),
        solved_episodes: returns.iter().filter(|&&r| r >= 500).count(),
        sizes,
        rule: config.rule.name(),
        sharing: config.sharing.name(),
        coefficients: c.len(),
        network: if q15 { "q15" } else { "f32" },
        returns,
        weight_checksums: eps
            .iter()
            .map(|e| format!("{:08x}", e.weights_checksum))
            .collect(),
    })
}
