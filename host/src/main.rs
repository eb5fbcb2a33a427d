//! `plasticore`: the host harness. See `plasticore --help`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plasticore_host::{kernels, npy};

/// An error and the exit status it gives: 2 for bad input or usage, 1 for a failure.
#[derive(Debug)]
enum Failure {
    Usage(String),
    Failed(String),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Failed(format!("{e:#}"))
    }
}

#[derive(Parser)]
#[command(
    name = "plasticore",
    version,
    about = "plasticore host harness: kernels on .npy files, firmware on the emulated board, resource benchmarks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one core kernel on .npy inputs (C or Fortran order).
    Run(RunArgs),
}

#[derive(clap::Args)]
struct RunArgs {
    /// Kernel name, e.g. linalg.matvec (see --list).
    kernel: Option<String>,
    /// List every kernel with its inputs, dtypes, shapes and parameters.
    #[arg(long)]
    list: bool,
    /// An input: NAME=FILE.npy (repeatable).
    #[arg(long = "input", short = 'i', value_name = "NAME=FILE.npy")]
    inputs: Vec<String>,
    /// A parameter: KEY=VALUE (repeatable).
    #[arg(long = "param", short = 'p', value_name = "KEY=VALUE")]
    params: Vec<String>,
    /// Where to write the result (.npy).
    #[arg(long, short = 'o', value_name = "FILE.npy")]
    output: Option<PathBuf>,
}

fn split_kv<'a>(what: &str, s: &'a str) -> Result<(&'a str, &'a str), Failure> {
    s.split_once('=')
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| Failure::Usage(format!("--{what} '{s}': expected NAME=VALUE")))
}

fn run(args: RunArgs) -> Result<(), Failure> {
    if args.list {
        print!("{}", kernels::list());
        return Ok(());
    }
    let name = args
        .kernel
        .ok_or_else(|| Failure::Usage("run: name a kernel, or use --list".into()))?;
    let kernel = kernels::find(&name).ok_or_else(|| {
        Failure::Usage(format!(
            "unknown kernel '{name}' (see `plasticore run --list`)"
        ))
    })?;
    let mut inputs = BTreeMap::new();
    for s in &args.inputs {
        let (k, path) = split_kv("input", s)?;
        let a = npy::read_npy(path).map_err(|e| Failure::Usage(format!("input '{k}': {e}")))?;
        if inputs.insert(k.to_string(), a).is_some() {
            return Err(Failure::Usage(format!("input '{k}' given twice")));
        }
    }
    let mut params = BTreeMap::new();
    for s in &args.params {
        let (k, v) = split_kv("param", s)?;
        params.insert(k.to_string(), v.to_string());
    }
    let output = args
        .output
        .ok_or_else(|| Failure::Usage("run: --output FILE.npy is required".into()))?;
    let call = kernels::Call::new(&kernel, inputs, params).map_err(Failure::Usage)?;
    let result = (kernel.run)(&call).map_err(Failure::Usage)?;
    npy::write_npy(&output, &result).map_err(Failure::Failed)?;
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
    }
}
