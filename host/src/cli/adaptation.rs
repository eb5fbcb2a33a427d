//! `plasticore adaptation`: plastic against static networks under changed
//! dynamics; writes docs/adaptation.md, .svg and .json.

use std::path::PathBuf;

use anyhow::{Context, Result};
use plasticore_host::envs::EnvName;

/// `plasticore adaptation`'s arguments.
#[derive(clap::Args)]
pub struct AdaptationArgs {
    /// ES generations per network (the budget; no early stop).
    #[arg(long, default_value_t = 200)]
    generations: u64,
    /// ES population.
    #[arg(long, default_value_t = 64)]
    population: usize,
    /// Episodes per candidate.
    #[arg(long, default_value_t = 5)]
    episodes: usize,
    /// Unseen evaluation seeds per cell (and validation episodes).
    #[arg(long, default_value_t = 100)]
    eval_episodes: usize,
    /// Evolution seeds, comma separated: every network is evolved once per seed.
    #[arg(long, value_delimiter = ',', default_value = "1,2,3")]
    seeds: Vec<u64>,
    /// Environments (comma separated; default all four).
    #[arg(long, value_enum, value_delimiter = ',')]
    env: Vec<EnvName>,
    /// Directory for adaptation.md, adaptation.svg and adaptation.json.
    #[arg(long, default_value = "docs")]
    out_dir: PathBuf,
    /// Also write every evolved network's blob into this directory.
    #[arg(long)]
    blobs: Option<PathBuf>,
}

/// Checks the arguments before anything runs (a usage error).
///
/// # Errors
/// One line naming the argument.
pub fn check(a: &AdaptationArgs) -> Result<()> {
    anyhow::ensure!(
        a.generations > 0 && a.eval_episodes > 1 && a.episodes > 0 && !a.seeds.is_empty(),
        "--generations, --episodes, --seeds must be >= 1 and --eval-episodes >= 2"
    );
    use plasticore_host::limits::{check_count, MAX_EPISODES, MAX_POPULATION};
    check_count("--population", a.population, MAX_POPULATION).map_err(anyhow::Error::msg)?;
    check_count("--episodes", a.episodes, MAX_EPISODES).map_err(anyhow::Error::msg)?;
    check_count("--eval-episodes", a.eval_episodes, MAX_EPISODES).map_err(anyhow::Error::msg)?;
    Ok(())
}

/// Runs the comparison and writes its report.
pub fn adaptation(a: AdaptationArgs) -> Result<()> {
    use plasticore_host::adaptation;
    if let Some(d) = &a.blobs {
        std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
    }
    let o = adaptation::Options {
        generations: a.generations,
        population: a.population,
        episodes: a.episodes,
        eval_episodes: a.eval_episodes,
        seeds: a.seeds.clone(),
        envs: if a.env.is_empty() { EnvName::ALL.to_vec() } else { a.env },
        out_dir: a.out_dir.clone(),
        blob_dir: a.blobs,
    };
    adaptation::run(&o, &mut |m| eprintln!("{m}"))?;
    println!("wrote {}/adaptation.md, adaptation.svg, adaptation.json", a.out_dir.display());
    Ok(())
}
