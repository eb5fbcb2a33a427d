//! `plasticore`: the host harness. See `plasticore --help`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use plasticore_host::firmware::{self, BoardName};
use plasticore_host::{boards, kernels, npy, report};

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
    /// The resource report: flash, RAM, instructions and stack per kernel on every emulated
    /// core, host timings; writes docs/benchmarks.md.
    Bench(BenchArgs),
    /// The main job: boot the firmware on an emulated board, check it against the host bit
    /// for bit, and print the resource table.
    Demo {
        /// Emulated board to run on.
        #[arg(long, value_enum, default_value = "qemu-mps2-an386")]
        board: BoardName,
    },
    /// Evolve Hebbian plasticity coefficients with OpenAI-ES (see docs/hebbian.md).
    Evolve(cli_hebbian::EvolveArgs),
    /// Run episodes of a plastic network from a coefficient blob, fresh random weights each.
    Simulate(cli_hebbian::SimulateArgs),
    /// Plastic against static networks under changed dynamics in the four environments:
    /// writes docs/adaptation.md, .svg and .json.
    Adaptation(cli_hebbian::AdaptationArgs),
}

#[derive(Subcommand)]
enum FirmwareAction {
    /// Run a built image (the cargo runner of `firmware/`: `cargo run` there ends here):
    /// boot it on its emulated board and print the decoded defmt log, or flash its
    /// silicon board with probe-rs (nRF52840-DK, Pico) or espflash (ESP32-C3).
    Exec {
        /// The ELF (its board is read from the image).
        elf: PathBuf,
    },
    /// Build the firmware (release).
    Build {
        /// Board to build for.
        #[arg(long, value_enum, default_value = "qemu-mps2-an386")]
        board: BoardName,
        /// An application binary instead of the self-test (adaptive-controller).
        #[arg(long, value_name = "NAME")]
        app: Option<String>,
    },
    /// Build and run the firmware (QEMU for the emulated boards, the board's flasher for
    /// silicon); exits with the firmware's status.
    Run {
        /// Board to run on.
        #[arg(long, value_enum, default_value = "qemu-mps2-an386")]
        board: BoardName,
        /// An application binary instead of the self-test (adaptive-controller).
        #[arg(long, value_name = "NAME")]
        app: Option<String>,
    },
}

#[derive(clap::Args)]
struct BenchArgs {
    /// `all` (every emulated board, plus the image size of every board) or one emulated board.
    #[arg(long, default_value = "all", value_name = "all|BOARD")]
    board: String,
    /// Also write the report as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Where to write the Markdown report (default docs/benchmarks.md with `--board all`;
    /// with one board, only when given).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
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
    let result = kernels::execute(&kernel, &call).map_err(Failure::Usage)?;
    npy::write_npy(&output, &result).map_err(Failure::Failed)?;
    Ok(())
}

fn boot(board: BoardName) -> Result<firmware::Boot, Failure> {
    if board.info().qemu.is_none() {
        return Err(Failure::Usage(format!(
            "{} is a silicon board: use `plasticore firmware run --board {}` with the board attached",
            board.info().name,
            board.info().name
        )));
    }
    let elf = firmware::build(board)?;
    Ok(firmware::run_qemu(board, &elf, QEMU_TIMEOUT)?)
}

/// `firmware exec`: the board from the image, then QEMU (decoded log, the
/// firmware's exit status) or the board's flasher.
fn exec_image(elf: &std::path::Path) -> Result<(), Failure> {
    let board = firmware::board_of_elf(elf).map_err(|e| Failure::Usage(format!("{e:#}")))?;
    let info = board.info();
    if info.qemu.is_none() {
        let (tool, args): (&str, Vec<&str>) = match board {
            BoardName::Esp32c3 => (
                "espflash",
                vec!["flash", "--monitor", "--log-format", "defmt"],
            ),
            BoardName::RpPico => ("probe-rs", vec!["run", "--chip", "RP2040"]),
            _ => ("probe-rs", vec!["run", "--chip", "nRF52840_xxAA"]),
        };
        let st = std::process::Command::new(tool)
            .args(args)
            .arg(elf)
            .status()
            .map_err(|e| {
                Failure::Failed(format!(
                    "running {tool} for the {}: {e} (install it: cargo install {} --locked)",
                    info.name,
                    if tool == "espflash" {
                        "espflash"
                    } else {
                        "probe-rs-tools"
                    }
                ))
            })?;
        return if st.success() {
            Ok(())
        } else {
            Err(Failure::Failed(format!("{tool} exited with {st}")))
        };
    }
    let b = firmware::run_qemu(board, elf, QEMU_TIMEOUT)?;
    print_log(&b, &format!("{} on {}", elf.display(), info.name))
}

/// Prints a boot's decoded log; an error unless it exited 0.
fn print_log(b: &firmware::Boot, what: &str) -> Result<(), Failure> {
    for l in &b.lines {
        println!("{l}");
    }
    if b.status == 0 {
        Ok(())
    } else {
        Err(Failure::Failed(format!(
            "{what} exited with status {}",
            b.status
        )))
    }
}

/// Flashes a silicon board through the firmware's cargo runner (probe-rs or espflash).
fn run_on_silicon(board: BoardName, app: Option<&str>) -> Result<(), Failure> {
    let b = board.info();
    let (tool, install) = match board {
        BoardName::Esp32c3 => ("espflash", "cargo install espflash --locked"),
        _ => ("probe-rs", "cargo install probe-rs-tools --locked"),
    };
    if std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_err()
    {
        return Err(Failure::Failed(format!(
            "{tool} is not installed; install it with `{install}`, connect the {}, and run again",
            b.name
        )));
    }
    let mut args = firmware::build_args(b);
    args[0] = "run".into();
    if let Some(app) = app {
        if !firmware::APPS.contains(&app) {
            return Err(Failure::Usage(format!(
                "unknown application '{app}': expected one of {}",
                firmware::APPS.join(", ")
            )));
        }
        args[2] = app.into();
    }
    let st = std::process::Command::new("cargo")
        .args(&args)
        .current_dir(firmware::firmware_dir())
        .status()
        .map_err(|e| Failure::Failed(format!("running cargo: {e}")))?;
    if st.success() {
        Ok(())
    } else {
        Err(Failure::Failed(format!(
            "the firmware on the {} failed",
            b.name
        )))
    }
}

fn firmware_cmd(action: FirmwareAction) -> Result<(), Failure> {
    match action {
        FirmwareAction::Exec { elf } => exec_image(&elf),
        FirmwareAction::Build { board, app } => {
            let elf = match app {
                Some(a) => firmware::build_app(board, &a)?,
                None => firmware::build(board)?,
            };
            println!("{}", elf.display());
            Ok(())
        }
        FirmwareAction::Run { board, app } if board.info().qemu.is_none() => {
            run_on_silicon(board, app.as_deref())
        }
        FirmwareAction::Run { board, app } => {
            let b = match &app {
                Some(app) => {
                    let elf = firmware::build_app(board, app)?;
                    firmware::run_qemu(board, &elf, QEMU_TIMEOUT)?
                }
                None => boot(board)?,
            };
            print_log(&b, app.as_deref().unwrap_or("firmware"))
        }
    }
}

fn bench(args: BenchArgs) -> Result<(), Failure> {
    let all = args.board == "all";
    let boards: Vec<BoardName> = if all {
        boards::emulated().map(|b| b.id).collect()
    } else {
        let b = <BoardName as clap::ValueEnum>::from_str(&args.board, false).map_err(|_| {
            Failure::Usage(format!(
                "--board '{}': expected all or a board name",
                args.board
            ))
        })?;
        if b.info().qemu.is_none() {
            return Err(Failure::Usage(format!(
                "--board {}: bench measures emulated boards; silicon images are sized by --board all",
                args.board
            )));
        }
        vec![b]
    };
    // Each Arm core's firmware links CMSIS-DSP's compared kernels when they can
    // be built here, so one boot measures both on the same counter.
    let mut elfs = Vec::new();
    let mut cmsis_not_measured = Vec::new();
    for &b in &boards {
        let elf = match plasticore_host::cmsis::library(b) {
            Ok(lib) => firmware::build_with(b, Some(&lib))?,
            Err(why) => {
                eprintln!(
                    "plasticore: CMSIS-DSP not measured on {}: {why}",
                    b.info().name
                );
                cmsis_not_measured.push((b.info().name.to_string(), why));
                firmware::build(b)?
            }
        };
        elfs.push((b, elf));
    }
    let boots = firmware::boot_elfs(elfs, QEMU_TIMEOUT)?;
    for b in &boots {
        if b.status != 0 {
            return Err(Failure::Failed(format!(
                "firmware self-test failed on {} (status {})",
                b.board.info().name,
                b.status
            )));
        }
    }
    let reference = &boots[0];
    let lines = firmware::parse_cases(&reference.lines)?;
    let size = report::image_size(&reference.elf)?;
    eprintln!("plasticore: timing {} cases on the host", lines.len());
    let host = plasticore_host::host_bench::host_timings(
        &firmware::firmware_dir().join("../target/criterion-host"),
    );
    let mut r = report::build_report(size, reference.board.info().name, &lines, &host);
    r.cmsis_not_measured = cmsis_not_measured;
    for b in &boots {
        r.boards.push(report::BoardReport::from_boot(b)?);
    }
    if all {
        for info in boards::BOARDS {
            let elf = if info.qemu.is_some() {
                boots
                    .iter()
                    .find(|b| b.board == info.id)
                    .map(|b| b.elf.clone())
                    .ok_or_else(|| Failure::Failed(format!("{} did not run", info.name)))?
            } else {
                firmware::build(info.id)?
            };
            r.images.push(report::BoardImage {
                board: info.name.into(),
                core: info.core.into(),
                target: info.target.into(),
                profile: info.profile.into(),
                emulated: info.qemu.is_some(),
                size: report::image_size(&elf)?,
            });
        }
    }
    if all {
        r.apps = report::app_footprints()?;
    }
    print!("{}", report::table(&r));
    let markdown = args
        .markdown
        .or_else(|| all.then(|| PathBuf::from("docs/benchmarks.md")));
    if let Some(md) = markdown {
        if let Some(parent) = md.parent() {
            std::fs::create_dir_all(parent).ok();
        }
        std::fs::write(&md, report::markdown(&r))
            .map_err(|e| Failure::Failed(format!("writing {}: {e}", md.display())))?;
        eprintln!("plasticore: wrote {}", md.display());
        let dir = md
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        for plot in plasticore_host::report_sections::write_plots(&r, dir)? {
            eprintln!("plasticore: wrote {}", plot.display());
        }
    }
    if let Some(j) = args.json {
        let text = serde_json::to_string_pretty(&r).map_err(|e| Failure::Failed(e.to_string()))?;
        std::fs::write(&j, text)
            .map_err(|e| Failure::Failed(format!("writing {}: {e}", j.display())))?;
        eprintln!("plasticore: wrote {}", j.display());
    }
    Ok(())
}

fn demo(board: BoardName) -> Result<(), Failure> {
    let info = board.info();
    println!(
        "plasticore demo: booting the firmware on the emulated {} (QEMU, board {})\n",
        info.core, info.name
    );
    let b = boot(board)?;
    let lines = firmware::parse_cases(&b.lines)?;
    let skipped = firmware::parse_skips(&b.lines)?;
    let host = report::host_checksums();
    println!(
        "{:<22} {:<18} {:<40} {:>9} {:>10} {:>9} {:>6}",
        "kernel", "shape", "first outputs (board)", "board", "host", "rel err", "test"
    );
    let mut all_equal = !lines.is_empty();
    for l in &lines {
        let h = host
            .get(&(l.kernel.clone(), l.shape.clone()))
            .map_or(0, |(c, _)| *c);
        let same = l.checksum == h;
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
    for sk in &skipped {
        println!(
            "{:<22} {:<18} not run: needs {} B of stack, {} B free",
            sk.kernel, sk.shape, sk.need, sk.free
        );
    }
    let size = report::image_size(&b.elf)?;
    let r = report::build_report(size, info.name, &lines, &Default::default());
    println!(
        "\nresources on the emulated {} (instructions under QEMU -icount, stack high-water mark):",
        info.core
    );
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
    println!(
        "  plasticore against CMSIS-DSP, both measured on every Arm core in one run: `plasticore bench` (docs/benchmarks.md)"
    );
    print_highlights(info.core, &lines);
    let app_ok = demo_controller(board)? & demo_knn(board)?;
    let passed = b.status == 0 && lines.iter().all(|l| l.ok) && app_ok;
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

/// Boots the adaptive-controller application and prints its plastic and
/// static returns after the change, checked against the host; true if equal.
fn demo_controller(board: BoardName) -> Result<bool, Failure> {
    use plasticore_host::envs::{DynamicsSpec, EnvName, Scenario};
    if board != BoardName::QemuMps2An386 {
        return Ok(true);
    }
    let elf = firmware::build_app(board, "adaptive-controller")?;
    let boot = firmware::run_qemu(board, &elf, QEMU_TIMEOUT)?;
    let scenario = Scenario {
        change: Some((
            200,
            DynamicsSpec::parse(EnvName::Cartpole, "length=1,masspole=0.3,force_mag=5")?,
        )),
        ..Scenario::default()
    };
    let dir = firmware::firmware_dir().join("src/bin/adaptive-controller");
    let mut equal = boot.status == 0;
    let mut after = vec![];
    for net in ["plastic", "static"] {
        let host = plasticore_host::simulate::simulate(
            EnvName::Cartpole,
            &dir.join(format!("{net}.blob")),
            10,
            0,
            &scenario,
        )?;
        let board_rets: Vec<u32> = boot
            .lines
            .iter()
            .filter_map(|l| l.strip_prefix(&format!("episode|{net}|")))
            .filter_map(|r| r.split('|').nth(3))
            .filter_map(|h| u32::from_str_radix(h, 16).ok())
            .collect();
        let host_rets: Vec<u32> = host.returns.iter().map(|r| r.to_bits()).collect();
        equal &= board_rets == host_rets;
        after.push(host.mean_return_after_change);
    }
    println!(
        "  adaptive-controller (application binary): CartPole, at step 200 the pole grows to 1 m and 0.3 kg and the push drops to 5 N: return after the change {:.1} plastic, {:.1} static (mean of 10 episodes; board {} host)",
        after[0],
        after[1],
        if equal { "equals" } else { "DIFFERS from" }
    );
    Ok(equal)
}

/// Boots the lsh-knn application and prints its accuracy and cost per
/// query, checked against the host; true if equal.
fn demo_knn(board: BoardName) -> Result<bool, Failure> {
    if board != BoardName::QemuMps2An386 {
        return Ok(true);
    }
    let elf = firmware::build_app(board, "lsh-knn")?;
    let boot = firmware::run_qemu(board, &elf, QEMU_TIMEOUT)?;
    let dir = firmware::firmware_dir().join("src/bin/lsh-knn");
    let bytes = std::fs::read(dir.join("digits.blob"))
        .map_err(|e| Failure::Failed(format!("reading digits.blob: {e}")))?;
    let host = plasticore_host::apps::lsh_knn(&bytes)?;
    let fields: Vec<&str> = boot
        .lines
        .iter()
        .find_map(|l| l.strip_prefix("knn|"))
        .map(|l| l.split('|').collect())
        .unwrap_or_default();
    let board_fnv = fields.get(3).and_then(|h| u32::from_str_radix(h, 16).ok());
    let equal = boot.status == 0 && board_fnv == Some(host.predictions_fnv);
    println!(
        "  lsh-knn (application binary): digits in an LshIndexQ8 in a static, {} inserted, {} classified by 5 nearest neighbours: accuracy {:.1} %, {} instructions per query (board {} host)",
        host.train,
        host.test,
        100.0 * host.correct as f64 / host.test as f64,
        fields.get(5).copied().unwrap_or("?"),
        if equal { "equals" } else { "DIFFERS from" }
    );
    Ok(equal)
}

/// A few results worth reading first, from the board's own log.
fn print_highlights(core: &str, lines: &[firmware::CaseLine]) {
    let find = |k: &str, shape: &str| lines.iter().find(|l| l.kernel == k && l.shape == shape);
    println!("\nhighlights (all computed on the emulated {core}):");
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
        Command::Demo { board } => demo(board),
        Command::Evolve(a) => match cli_hebbian::evolve_options(&a) {
            Ok(opts) => cli_hebbian::evolve(a, opts).map_err(Failure::from),
            Err(e) => Err(Failure::Usage(format!("{e:#}"))),
        },
        Command::Simulate(a) => {
            cli_hebbian::simulate(a).map_err(|e| Failure::Usage(format!("{e:#}")))
        }
        Command::Adaptation(a) => cli_hebbian::adaptation(a).map_err(Failure::from),
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
