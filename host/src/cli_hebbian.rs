//! The `evolve` and `simulate` subcommands.

use std::path::PathBuf;

use anyhow::{Context, Result};
use plasticore_host::evolve::{self, EvolveOptions};
use plasticore_host::simulate;

/// Environments.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Env {
    /// CartPole-v1.
    Cartpole,
}

#[derive(clap::Args)]
pub struct EvolveArgs {
    /// Environment.
    #[arg(value_enum)]
    env: Env,
    /// Hidden layer sizes, comma separated.
    #[arg(long, value_delimiter = ',', default_value = "8")]
    hidden: Vec<usize>,
    /// Rule: A, AD, AD_lr, ABC, ABC_lr, ABCD, ABCD_lr, ABCD_lr_D_out, ABCD_lr_D_in_and_out.
    #[arg(long, default_value = "ABCD_lr")]
    rule: String,
    /// Coefficient sharing: synapse, neuron, layer.
    #[arg(long, default_value = "synapse")]
    sharing: String,
    /// Normalisation after each update: none, maxabs, clamp:C.
    #[arg(long, default_value = "maxabs")]
    norm: String,
    /// Maximum generations (stops early once the validation return reaches --target).
    #[arg(long, default_value_t = 300)]
    generations: u64,
    /// Population size (even).
    #[arg(long, default_value_t = 64)]
    population: usize,
    /// Seed of the run.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Episodes per candidate.
    #[arg(long, default_value_t = 5)]
    episodes: usize,
    /// ES noise scale σ (decays ×0.999 per generation, floor 0.01).
    #[arg(long, default_value_t = 0.1)]
    sigma: f32,
    /// ES learning rate (decays ×0.995 per generation, floor 0.001).
    #[arg(long, default_value_t = 0.2)]
    lr: f32,
    /// L2 penalty on the coefficients.
    #[arg(long, default_value_t = 0.005)]
    l2: f32,
    /// Output activation: tanh or linear.
    #[arg(long, default_value = "tanh")]
    output: String,
    /// Stop when θ's mean return on the validation episodes reaches this.
    #[arg(long, default_value_t = 495.0)]
    target: f32,
    /// The network's arithmetic: f32, or q15 (the fixed-point network the
    /// board runs without an FPU; evolved against it directly).
    #[arg(long, default_value = "f32")]
    network: String,
    /// Output blob; FILE with extension .rs (generated Rust), .svg (fitness plot) and .ckpt.json (checkpoint) is written beside it.
    #[arg(long)]
    out: PathBuf,
    /// Resume from FILE.ckpt.json if it exists.
    #[arg(long)]
    resume: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(clap::Args)]
pub struct SimulateArgs {
    /// Environment.
    #[arg(value_enum)]
    env: Env,
    /// Coefficient blob written by `plasticore evolve`.
    #[arg(long)]
    coeffs: PathBuf,
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

/// `p` with its extension replaced by `ext` (appended instead if `p` already has it).
fn with_ext(p: &std::path::Path, ext: &str) -> PathBuf {
    if p.extension().is_some_and(|e| e == ext) {
        let mut s = p.as_os_str().to_owned();
        s.push(".");
        s.push(ext);
        PathBuf::from(s)
    } else {
        p.with_extension(ext)
    }
}

/// The options of an `evolve` invocation, validated (a bad value is a usage error).
pub fn evolve_options(a: &EvolveArgs) -> Result<EvolveOptions> {
    let Env::Cartpole = a.env;
    let opts = EvolveOptions {
        hidden: a.hidden.clone(),
        rule: a.rule.clone(),
        sharing: a.sharing.clone(),
        norm: a.norm.clone(),
        generations: a.generations,
        population: a.population,
        seed: a.seed,
        episodes: a.episodes,
        target: a.target,
        sigma: a.sigma,
        lr: a.lr,
        l2: a.l2,
        output: a.output.clone(),
        network: a.network.clone(),
        ..EvolveOptions::default()
    };
    opts.validate()?;
    Ok(opts)
}

pub fn evolve(a: EvolveArgs, opts: EvolveOptions) -> Result<()> {
    let ckpt = with_ext(&a.out, "ckpt.json");
    let r = evolve::evolve(&opts, Some(&ckpt), a.resume, !a.quiet)?;
    let bytes = evolve::blob_bytes_on(&r.sizes, &r.config, opts.network == "q15", &r.coeffs)?;
    std::fs::write(&a.out, &bytes).with_context(|| format!("writing {}", a.out.display()))?;
    let note = format!(
        "{} network, sizes {:?}, rule {}, sharing {}, seed {}, validation mean return {:.1}",
        opts.network,
        r.sizes,
        r.config.rule.name(),
        r.config.sharing.name(),
        opts.seed,
        r.validation
    );
    let rs = with_ext(&a.out, "rs");
    std::fs::write(
        &rs,
        evolve::rust_source(&r.sizes, &r.config, &r.coeffs, &note),
    )
    .with_context(|| format!("writing {}", rs.display()))?;
    let svg = with_ext(&a.out, "svg");
    let plotted = evolve::plot_svg(&svg, &r.history, &format!("CartPole, {}", note));
    println!(
        "evolved {} coefficients ({:?}, {}, {} sharing) in {} generations, {:.1} s: validation mean return {:.1}",
        r.coeffs.len(),
        r.sizes,
        r.config.rule.name(),
        r.config.sharing.name(),
        r.history.len(),
        r.seconds,
        r.validation
    );
    println!(
        "wrote {} ({} bytes), {}",
        a.out.display(),
        bytes.len(),
        rs.display()
    );
    match plotted {
        Ok(()) => println!("wrote {}", svg.display()),
        Err(e) => eprintln!("warning: no plot: {e:#}"),
    }
    Ok(())
}

pub fn simulate(a: SimulateArgs) -> Result<()> {
    let Env::Cartpole = a.env;
    let s = simulate::simulate_cartpole(&a.coeffs, a.episodes, a.seed)?;
    if a.json {
        println!("{}", serde_json::to_string(&s)?);
    } else {
        println!(
            "cartpole: {} episodes from seed {}: mean return {:.2}, min {}, max {}, {} reached 500 ({} coefficients, {:?}, {}, {} sharing)",
            s.episodes, s.seed, s.mean_return, s.min_return, s.max_return, s.solved_episodes,
            s.coefficients, s.sizes, s.rule, s.sharing
        );
    }
    Ok(())
}
