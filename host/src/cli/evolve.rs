//! `plasticore evolve ENV`: Hebbian coefficients (or static weights) by an
//! evolution strategy; writes the blob, its Rust and a plot.

use std::path::PathBuf;

use anyhow::{Context, Result};
use plasticore_host::envs::EnvName;
use plasticore_host::evolve::{self, EvolveOptions};

/// `plasticore evolve`'s arguments.
#[derive(clap::Args)]
///
/// Every setting without a flag comes from the environment's committed
/// preset (`EvolveOptions::preset`), printed at the start of the run.
pub struct EvolveArgs {
    /// Environment.
    #[arg(value_enum)]
    env: EnvName,
    /// The settings the flags below start from: `default` (the
    /// environment's preset) or `on-device` (CartPole: what the
    /// `evolve-on-device` firmware runs, `plasticore::evolution::CARTPOLE_ON_DEVICE`).
    #[arg(long, default_value = "default")]
    preset: String,
    /// Evolve the weights of a static network (same topology, no plasticity)
    /// instead of plasticity coefficients.
    #[arg(long = "static")]
    static_net: bool,
    /// Domain randomisation: every training episode draws these dynamics,
    /// `key=lo:hi,...` (keys: Gymnasium's attribute names, plus actuator_sign).
    #[arg(long, value_name = "SPEC", default_value = "")]
    randomize: String,
    /// Hidden layer sizes, comma separated.
    #[arg(long, value_delimiter = ',')]
    hidden: Option<Vec<usize>>,
    /// Network outputs: 1 (CartPole: push right if > 0; Acrobot: torque by
    /// thresholds ±1/3; Pendulum, MountainCar: the action scaled to its range),
    /// or one per discrete action (argmax: 2 for CartPole, 3 for Acrobot).
    #[arg(long)]
    outputs: Option<usize>,
    /// Rule: A, AD, AD_lr, ABC, ABC_lr, ABCD, ABCD_lr, ABCD_lr_D_out, ABCD_lr_D_in_and_out.
    #[arg(long)]
    rule: Option<String>,
    /// Coefficient sharing: synapse, neuron, layer.
    #[arg(long)]
    sharing: Option<String>,
    /// Normalisation after each update: none, maxabs, clamp:C.
    #[arg(long)]
    norm: Option<String>,
    /// Maximum generations (stops early once the validation return reaches --target).
    #[arg(long)]
    generations: Option<u64>,
    /// Population size (even).
    #[arg(long)]
    population: Option<usize>,
    /// Seed of the run.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Episodes per candidate.
    #[arg(long)]
    episodes: Option<usize>,
    /// ES noise scale σ (decays ×0.999 per generation, floor 0.01).
    #[arg(long)]
    sigma: Option<f32>,
    /// ES learning rate (decays ×0.995 per generation, floor 0.001).
    #[arg(long)]
    lr: Option<f32>,
    /// L2 penalty on the coefficients.
    #[arg(long)]
    l2: Option<f32>,
    /// Output activation: tanh, linear, relu or gelu (the Q15 network: no gelu).
    #[arg(long)]
    output: Option<String>,
    /// Stop when θ's mean return on the validation episodes reaches this
    /// (default: the environment's reward threshold; `inf` runs every generation).
    #[arg(long)]
    target: Option<f32>,
    /// The network's arithmetic: f32, or q15 (the fixed-point network the
    /// board runs without an FPU; evolved against it directly).
    #[arg(long)]
    network: Option<String>,
    /// Normalised inputs (true or false): the network sees each observation
    /// component times the environment's scale (`Environment::OBS_SCALE`),
    /// recorded in the blob.
    #[arg(long)]
    normalize: Option<bool>,
    /// A constant 1 as the network's last input (true or false): a bias on
    /// the first layer, recorded in the blob.
    #[arg(long)]
    bias: Option<bool>,
    /// The ES step: sgd (plain) or adam.
    #[arg(long)]
    optimizer: Option<String>,
    /// The search: es (OpenAI-ES) or ga (a genetic algorithm: half the
    /// population kept, --sigma the mutation scale).
    #[arg(long)]
    strategy: Option<String>,
    /// Output blob; FILE with extension .rs (generated Rust), .svg (fitness plot) and .ckpt.json (checkpoint) is written beside it.
    #[arg(long)]
    out: PathBuf,
    /// Resume from FILE.ckpt.json if it exists.
    #[arg(long)]
    resume: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Print a `gen|index|mean|max|validation` line per generation and an
    /// `evolved|network|generations|validation|blob bytes|blob CRC-32` line
    /// (the checksum the blob ends with)
    /// (f32 bits in hex; `-`: no validation), as the `evolve-on-device`
    /// firmware logs them.
    #[arg(long)]
    log: bool,
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
    let p = match a.preset.as_str() {
        "default" => EvolveOptions::preset(a.env),
        "on-device" => EvolveOptions::on_device(a.env)?,
        other => anyhow::bail!("--preset '{other}': expected default or on-device"),
    };
    let opts = EvolveOptions {
        static_net: a.static_net,
        randomize: a.randomize.clone(),
        hidden: a.hidden.clone().unwrap_or(p.hidden.clone()),
        outputs: a.outputs.unwrap_or(p.outputs),
        rule: a.rule.clone().unwrap_or(p.rule.clone()),
        sharing: a.sharing.clone().unwrap_or(p.sharing.clone()),
        norm: a.norm.clone().unwrap_or(p.norm.clone()),
        generations: a.generations.unwrap_or(p.generations),
        population: a.population.unwrap_or(p.population),
        seed: a.seed,
        episodes: a.episodes.unwrap_or(p.episodes),
        target: a.target.unwrap_or(p.target),
        sigma: a.sigma.unwrap_or(p.sigma),
        lr: a.lr.unwrap_or(p.lr),
        l2: a.l2.unwrap_or(p.l2),
        output: a.output.clone().unwrap_or(p.output.clone()),
        network: a.network.clone().unwrap_or(p.network.clone()),
        normalize: a.normalize.unwrap_or(p.normalize),
        bias: a.bias.unwrap_or(p.bias),
        optimizer: a.optimizer.clone().unwrap_or(p.optimizer.clone()),
        strategy: a.strategy.clone().unwrap_or(p.strategy.clone()),
        ..p
    };
    opts.validate()?;
    Ok(opts)
}

/// Runs the evolution and writes its artifacts.
pub fn evolve(a: EvolveArgs, opts: EvolveOptions) -> Result<()> {
    if !a.quiet {
        eprintln!("plasticore: {}", opts.summary());
    }
    let ckpt = with_ext(&a.out, "ckpt.json");
    let r = evolve::evolve(&opts, Some(&ckpt), a.resume, !a.quiet)?;
    let model = opts.model(&r.coeffs)?;
    let bytes = evolve::model_blob_bytes(&r.sizes, &model)?;
    std::fs::write(&a.out, &bytes).with_context(|| format!("writing {}", a.out.display()))?;
    let what = if opts.static_net {
        "static network".to_string()
    } else {
        format!(
            "{} plastic network, rule {}, sharing {}",
            opts.network,
            r.config.rule.name(),
            r.config.sharing.name()
        )
    };
    let randomized = if opts.randomize.is_empty() {
        "nominal dynamics".to_string()
    } else {
        format!("randomised {}", opts.randomize)
    };
    let note = format!(
        "{}, {what}, sizes {:?}, {randomized}, seed {}, validation mean return {:.1}",
        opts.env.gym_id(),
        r.sizes,
        opts.seed,
        r.validation
    );
    if a.log {
        for h in &r.history {
            let v = h.validation.map_or("-".into(), |v| format!("{:08x}", v.to_bits()));
            println!("gen|{}|{:08x}|{:08x}|{v}", h.generation, h.mean.to_bits(), h.max.to_bits());
        }
        let crc = evolve::blob_checksum(&bytes);
        let v = r.validation.to_bits();
        let g = r.history.len();
        println!("evolved|{}|{g}|{v:08x}|{}|{crc:08x}", opts.network, bytes.len());
    }
    let rs = with_ext(&a.out, "rs");
    let source = if opts.static_net {
        evolve::static_rust_source(&r.sizes, r.config.output, &r.coeffs, &note)
    } else {
        evolve::rust_source(&r.sizes, &r.config, &r.coeffs, &note)
    };
    let source = evolve::mark_normalized(source, opts.normalize, opts.bias);
    std::fs::write(&rs, source).with_context(|| format!("writing {}", rs.display()))?;
    let svg = with_ext(&a.out, "svg");
    let plotted = evolve::plot_svg(&svg, &r.history, &note);
    println!(
        "evolved {} parameters ({}) in {} generations ({} episodes, {} environment steps), {:.1} s: validation mean return {:.1}",
        r.coeffs.len(),
        what,
        r.history.len(),
        r.evaluations,
        r.steps,
        r.seconds,
        r.validation
    );
    println!("wrote {} ({} bytes), {}", a.out.display(), bytes.len(), rs.display());
    match plotted {
        Ok(()) => println!("wrote {}", svg.display()),
        Err(e) => eprintln!("warning: no plot: {e:#}"),
    }
    Ok(())
}
