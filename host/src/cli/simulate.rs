//! `plasticore simulate ENV`: episodes of an evolved network from its blob.

use std::path::PathBuf;

use anyhow::Result;
use plasticore_host::envs::{DynamicsSpec, EnvName, RandomizeSpec, Scenario};
use plasticore_host::simulate;

/// `plasticore simulate`'s arguments.
#[derive(clap::Args)]
pub struct SimulateArgs {
    /// Environment.
    #[arg(value_enum)]
    env: EnvName,
    /// Coefficient (or, with `evolve --static`, weight) blob written by `plasticore evolve`.
    #[arg(long)]
    coeffs: PathBuf,
    /// Dynamics over the nominal ones, `key=value,...`.
    #[arg(long, value_name = "SPEC", default_value = "")]
    dynamics: String,
    /// Step (0-based) at which the dynamics change to `--change-to`.
    #[arg(long, value_name = "T", requires = "change_to")]
    change_at: Option<u32>,
    /// The dynamics from step `--change-at` on, `key=value,...` (over the episode's).
    #[arg(long, value_name = "SPEC", requires = "change_at")]
    change_to: Option<String>,
    /// Domain randomisation per episode, `key=lo:hi,...`.
    #[arg(long, value_name = "SPEC", default_value = "")]
    randomize: String,
    /// Episodes.
    #[arg(long, default_value_t = 100)]
    episodes: usize,
    /// Seed of the first episode (episode i uses seed + i).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Runs the episodes and prints their returns.
pub fn simulate(a: SimulateArgs) -> Result<()> {
    let scenario = Scenario {
        dynamics: DynamicsSpec::parse(a.env, &a.dynamics)?,
        randomize: RandomizeSpec::parse(a.env, &a.randomize)?,
        change: match (a.change_at, &a.change_to) {
            (Some(t), Some(spec)) => Some((t, DynamicsSpec::parse(a.env, spec)?)),
            _ => None,
        },
    };
    let s = simulate::simulate(a.env, &a.coeffs, a.episodes, a.seed, &scenario)?;
    if a.json {
        println!("{}", serde_json::to_string(&s)?);
    } else {
        println!(
            "{}: {} episodes from seed {} ({} network, {} parameters, {:?}): mean return {:.2} ± {:.2}, min {}, max {}, {} reached the threshold",
            s.env, s.episodes, s.seed, s.model, s.coefficients, s.sizes, s.mean_return, s.sd_return,
            s.min_return, s.max_return, s.solved_episodes
        );
        if let (Some(t), Some(to)) = (s.change_at, &s.change_to) {
            println!(
                "  dynamics changed to {to} at step {t}: mean return before {:.2}, after {:.2}",
                s.mean_return_before_change, s.mean_return_after_change
            );
        }
    }
    Ok(())
}
