//! `plasticore`: the host harness. See `plasticore --help`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use plasticore_host::firmware::{self, BoardName};
use plasticore_host::{kernels, npy, report};

mod cli_hebbian;

/// How long a boot of the emulated board may take.
const QEMU_TIMEOUT: Duration = Duration::from_secs(600);

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
    /// Build the firmware, or build it and run it (emulated board: QEMU; nRF52840-DK: probe-rs).
    Firmware {
        #[command(subcommand)]
        action: FirmwareAction,
    },
    /// The resource report: flash, RAM, instructions and stack per kernel on the emulated
    /// Cortex-M4F, host timings; writes docs/benchmarks.md.
    Bench(BenchArgs),
    /// The main job: boot the firmware on the emulated board, check it against the host bit
    /// for bit, and print the resource table.
    Demo,
    /// Evolve Hebbian plasticity coefficients with OpenAI-ES (see docs/hebbian.md).
    Evolve(cli_hebbian::EvolveArgs),
    /// Run episodes of a plastic network from a coefficient blob, fresh random weights each.
    Simulate(cli_hebbian::SimulateArgs),
}

#[derive(Subcommand)]
enum FirmwareAction {
    /// Build the firmware (release).
    Build {
        /// Board to build for.
        #[arg(long, value_enum, default_value = "qemu-mps2-an386")]
        board: BoardName,
    },
    /// Build and run the firmware; exits with the firmware's status.
    Run {
        /// Board to run on.
        #[arg(long, value_enum, default_value = "qemu-mps2-an386")]
        board: BoardName,
    },
}

#[derive(clap::Args)]
struct BenchArgs {
    /// Also write the report as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Where to write the Markdown report.
    #[arg(long, value_name = "FILE", default_value = "docs/benchmarks.md")]
    markdown: PathBuf,
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

fn boot() -> Result<firmware::Boot, Failure> {
    let elf = firmware::build(BoardName::QemuMps2An386)?;
    Ok(firmware::run_qemu(&elf, QEMU_TIMEOUT)?)
}

fn firmware_cmd(action: FirmwareAction) -> Result<(), Failure> {
    match action {
        FirmwareAction::Build { board } => {
            let elf = firmware::build(board)?;
            println!("{}", elf.display());
            Ok(())
        }
        FirmwareAction::Run {
            board: BoardName::Nrf52840Dk,
        } => {
            let st = std::process::Command::new("probe-rs")
                .arg("--version")
                .output();
            if st.is_err() {
                return Err(Failure::Failed(
                    "probe-rs is not installed; install it with `cargo install probe-rs-tools --locked`, connect the nRF52840-DK, and run again".into(),
                ));
            }
            let st = std::process::Command::new("cargo")
                .args([
                    "run",
                    "--release",
                    "--no-default-features",
                    "--features",
                    "nrf52840-dk",
                ])
                .current_dir(firmware::firmware_dir())
                .status()
                .map_err(|e| Failure::Failed(format!("running cargo: {e}")))?;
            if st.success() {
                Ok(())
            } else {
                Err(Failure::Failed(
                    "the firmware on the nRF52840-DK failed".into(),
                ))
            }
        }
        FirmwareAction::Run { board: _ } => {
            let b = boot()?;
            for l in &b.lines {
                println!("{l}");
            }
            if b.status == 0 {
                Ok(())
            } else {
                Err(Failure::Failed(format!(
                    "firmware exited with status {}",
                    b.status
                )))
            }
        }
    }
}

fn bench(args: BenchArgs) -> Result<(), Failure> {
    let b = boot()?;
    if b.status != 0 {
        return Err(Failure::Failed(format!(
            "firmware self-test failed (status {})",
            b.status
        )));
    }
    let lines = firmware::parse_cases(&b.lines)?;
    let size = report::image_size(&b.elf)?;
    eprintln!("plasticore: timing {} cases on the host", lines.len());
    let host = report::host_timings();
    let r = report::build_report(size, "qemu-mps2-an386", &lines, &host);
    print!("{}", report::table(&r));
    if let Some(parent) = args.markdown.parent() {
        std::fs::create_dir_all(parent).ok();
    }
    std::fs::write(&args.markdown, report::markdown(&r))
        .map_err(|e| Failure::Failed(format!("writing {}: {e}", args.markdown.display())))?;
    eprintln!("plasticore: wrote {}", args.markdown.display());
    let dir = args
        .markdown
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    for plot in plasticore_host::report_sections::write_plots(&r, dir)? {
        eprintln!("plasticore: wrote {}", plot.display());
    }
    if let Some(j) = args.json {
        let text = serde_json::to_string_pretty(&r).map_err(|e| Failure::Failed(e.to_string()))?;
        std::fs::write(&j, text)
            .map_err(|e| Failure::Failed(format!("writing {}: {e}", j.display())))?;
        eprintln!("plasticore: wrote {}", j.display());
    }
    Ok(())
}

fn demo() -> Result<(), Failure> {
    println!(
        "plasticore demo: booting the firmware on the emulated Cortex-M4F (QEMU mps2-an386)\n"
    );
    let b = boot()?;
    let lines = firmware::parse_cases(&b.lines)?;
    let host = report::host_checksums();
    println!(
        "{:<22} {:<18} {:<40} {:>9} {:>10} {:>9} {:>6}",
        "kernel", "shape", "first outputs (board)", "board", "host", "rel err", "test"
    );
    let mut all_equal = lines.len() == host.len();
    for (l, (h, _)) in lines.iter().zip(&host) {
        let same = l.checksum == *h;
        all_equal &= same;
        let shown = l.preview.iter().take(l.outputs.min(4) as usize);
        let preview: Vec<String> = shown.map(|v| format!("{v:.4}")).collect();
        println!(
            "{:<22} {:<18} {:<40} {:>9} {:>10} {:>9.1e} {:>6}",
            l.kernel,
            l.shape,
            format!(
                "[{}{}]",
                preview.join(", "),
                if l.outputs > 4 { ", …" } else { "" }
            ),
            format!("{:08x}", l.checksum),
            if same {
                "same bits".to_string()
            } else {
                format!("{h:08x}")
            },
            l.max_rel_err,
            if l.ok { "pass" } else { "FAIL" }
        );
    }
    let size = report::image_size(&b.elf)?;
    let r = report::build_report(size, "qemu-mps2-an386", &lines, &[]);
    println!("\nresources on the emulated Cortex-M4F (instructions under QEMU -icount, stack high-water mark):");
    for x in &r.records {
        println!(
            "  {:<22} {:<22} {:>10.1} instructions  {:>6.3} per MAC  {:>6} B stack",
            x.kernel, x.shape, x.instructions, x.instructions_per_mac, x.stack_bytes
        );
    }
    println!(
        "  firmware image: {} B flash, {} B static RAM",
        r.flash_bytes, r.static_ram_bytes
    );
    for (k, shape, f, cmsis) in report::CMSIS {
        if let Some(x) = r
            .records
            .iter()
            .find(|x| &x.kernel == k && &x.shape == shape)
        {
            println!(
                "  {k} {shape}: {:.2} instr/MAC vs {f} {cmsis:.2} -> ratio {:.2}",
                x.instructions_per_mac,
                x.instructions_per_mac / cmsis
            );
        }
    }
    print_highlights(&lines);
    let passed = b.status == 0 && lines.iter().all(|l| l.ok);
    println!(
        "\nself-tests on the board: {}; board vs host: {}",
        if passed { "all passed" } else { "FAILED" },
        if all_equal {
            "bit-identical on every kernel"
        } else {
            "DIFFERENT"
        }
    );
    if passed && all_equal {
        Ok(())
    } else {
        Err(Failure::Failed("demo failed".into()))
    }
}

/// A few results worth reading first, from the board's own log.
fn print_highlights(lines: &[firmware::CaseLine]) {
    let find = |k: &str, shape: &str| lines.iter().find(|l| l.kernel == k && l.shape == shape);
    println!("\nhighlights (all computed on the emulated Cortex-M4F):");
    if let Some(c) = lines.iter().find(|l| l.kernel == "hebbian.cartpole") {
        println!(
            "  CartPole, plastic network from random weights each episode: returns {:.0}, {:.0} (seeds 0, 1; {} episodes in all, {})",
            c.preview[0],
            c.preview[3],
            c.outputs / 3,
            if c.ok { "all balanced for 500 steps" } else { "NOT all balanced" }
        );
    }
    if let (Some(f), Some(l)) = (
        find("attention.sdpa", "n=1024"),
        find("attention.lsh", "n=1024"),
    ) {
        println!(
            "  attention at n = 1024 (2 heads, d 32): full {:.1} M vs LSH {:.1} M instructions ({:.1}x fewer)",
            f.cost / 1e6,
            l.cost / 1e6,
            f.cost / l.cost
        );
    }
    if let Some(h) = lines.iter().find(|l| {
        l.kernel == "lsh.hyperplane" && l.shape.contains("b=64") && l.shape.contains("stored")
    }) {
        println!(
            "  SimHash d = 64, 64 bits: {:.0} instructions per vector; code (16-bit words) {}",
            h.cost,
            h.preview
                .iter()
                .map(|v| format!("{:04x}", *v as u32))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    if let Some(q) = lines
        .iter()
        .find(|l| l.kernel == "lsh.index" && l.shape.starts_with("query"))
    {
        println!(
            "  LSH index query ({}): {:.0} instructions, nearest ids {:?}",
            q.shape,
            q.cost,
            q.preview.map(|v| v as i32)
        );
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => run(a),
        Command::Firmware { action } => firmware_cmd(action),
        Command::Bench(a) => bench(a),
        Command::Demo => demo(),
        Command::Evolve(a) => match cli_hebbian::evolve_options(&a) {
            Ok(opts) => cli_hebbian::evolve(a, opts).map_err(Failure::from),
            Err(e) => Err(Failure::Usage(format!("{e:#}"))),
        },
        Command::Simulate(a) => {
            cli_hebbian::simulate(a).map_err(|e| Failure::Usage(format!("{e:#}")))
        }
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
