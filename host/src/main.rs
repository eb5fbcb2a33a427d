//! `plasticore`: the host harness. See `plasticore --help`; each subcommand
//! is a file of `cli/`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cli::Failure;
use plasticore_host::firmware::BoardName;

mod cli;

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
    Run(cli::run::RunArgs),
    /// Build the firmware, or build it and run it (emulated board: QEMU; nRF52840-DK: probe-rs).
    Firmware {
        #[command(subcommand)]
        action: cli::firmware::FirmwareAction,
    },
    /// The resource report: flash, RAM, instructions and stack per kernel on every emulated
    /// core, host timings; writes docs/benchmarks.md.
    Bench(cli::bench::BenchArgs),
    /// The main job: boot the firmware on an emulated board, check it against the host bit
    /// for bit, and print the resource table.
    Demo {
        /// Emulated board to run on.
        #[arg(long, value_enum, default_value = "qemu-mps2-an386")]
        board: BoardName,
    },
    /// Evolve Hebbian plasticity coefficients, or a static network's weights, with OpenAI-ES
    /// or a genetic algorithm (see docs/hebbian.md).
    Evolve(Box<cli::evolve::EvolveArgs>),
    /// Run episodes of a plastic network from a coefficient blob, fresh random weights each.
    Simulate(cli::simulate::SimulateArgs),
    /// Plastic against static networks under changed dynamics in the four environments:
    /// writes docs/adaptation.md, .svg and .json.
    Adaptation(cli::adaptation::AdaptationArgs),
    /// An LSH index's planes as Rust (`--rust`): a `static` for flash, made at build time.
    Planes(cli::planes::PlanesArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => cli::run::run(a),
        Command::Firmware { action } => cli::firmware::firmware_cmd(action),
        Command::Bench(a) => cli::bench::bench(a),
        Command::Demo { board } => cli::demo::demo(board),
        Command::Evolve(a) => match cli::evolve::evolve_options(&a) {
            Ok(opts) => cli::evolve::evolve(*a, opts).map_err(Failure::from),
            Err(e) => Err(Failure::Usage(format!("{e:#}"))),
        },
        Command::Simulate(a) => {
            cli::simulate::simulate(a).map_err(|e| Failure::Usage(format!("{e:#}")))
        }
        Command::Adaptation(a) => match cli::adaptation::check(&a) {
            Ok(()) => cli::adaptation::adaptation(a).map_err(Failure::from),
            Err(e) => Err(Failure::Usage(format!("{e:#}"))),
        },
        Command::Planes(a) => cli::planes::planes(a),
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
