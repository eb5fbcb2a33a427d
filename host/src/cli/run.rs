//! `plasticore run KERNEL`: one core kernel on `.npy` inputs.

use std::collections::BTreeMap;
use std::path::PathBuf;

use plasticore_host::{kernels, npy};

use super::Failure;

/// `plasticore run`'s arguments.
#[derive(clap::Args)]
pub struct RunArgs {
    /// Kernel name, e.g. linalg.matvec (see --list).
    pub kernel: Option<String>,
    /// List every kernel with its inputs, dtypes, shapes and parameters.
    #[arg(long)]
    pub list: bool,
    /// An input: NAME=FILE.npy (repeatable).
    #[arg(long = "input", short = 'i', value_name = "NAME=FILE.npy")]
    pub inputs: Vec<String>,
    /// A parameter: KEY=VALUE (repeatable).
    #[arg(long = "param", short = 'p', value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Where to write the result (.npy).
    #[arg(long, short = 'o', value_name = "FILE.npy")]
    pub output: Option<PathBuf>,
}

fn split_kv<'a>(what: &str, s: &'a str) -> Result<(&'a str, &'a str), Failure> {
    s.split_once('=')
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| Failure::Usage(format!("--{what} '{s}': expected NAME=VALUE")))
}

pub fn run(args: RunArgs) -> Result<(), Failure> {
    if args.list {
        print!("{}", kernels::list());
        return Ok(());
    }
    let name =
        args.kernel.ok_or_else(|| Failure::Usage("run: name a kernel, or use --list".into()))?;
    let kernel = kernels::find(&name).ok_or_else(|| {
        Failure::Usage(format!("unknown kernel '{name}' (see `plasticore run --list`)"))
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
    let output =
        args.output.ok_or_else(|| Failure::Usage("run: --output FILE.npy is required".into()))?;
    let call = kernels::Call::new(&kernel, inputs, params).map_err(Failure::Usage)?;
    let result = kernels::execute(&kernel, &call).map_err(Failure::Usage)?;
    npy::write_npy(&output, &result).map_err(Failure::Failed)?;
    Ok(())
}
