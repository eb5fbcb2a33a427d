//! Building the firmware, booting it on the emulated board, and decoding its defmt log.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};

pub use crate::boards::BoardName;
use crate::boards::{Board, Qemu};

/// The firmware crate's directory.
pub fn firmware_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../firmware")
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // The firmware's own .cargo/config.toml and build.rs set the target and
    // linker scripts; flags meant for the host build must not leak into it.
    for v in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_RUSTFLAGS",
    ] {
        c.env_remove(v);
    }
    c
}

fn ensure_target(target: &str) -> Result<()> {
    let Ok(out) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(firmware_dir())
        .output()
    else {
        return Ok(()); // no rustup: let cargo report what is missing
    };
    if String::from_utf8_lossy(&out.stdout).lines().any(|l| l.trim() == target) {
        return Ok(());
    }
    eprintln!("plasticore: installing the {target} target with rustup");
    let st = Command::new("rustup")
        .args(["target", "add", target])
        .current_dir(firmware_dir())
        .status()?;
    if !st.success() {
        bail!("`rustup target add {target}` failed");
    }
    Ok(())
}

/// The cargo arguments that build `board` (after `cargo`), as a user would type them.
pub fn build_args(board: &Board) -> Vec<String> {
    build_args_in(board, target_subdir(board, false))
}

fn build_args_in(board: &Board, subdir: Option<String>) -> Vec<String> {
    build_bin_args_in(board, SELF_TEST, subdir)
}

/// The self-test binary; the application binaries are [`APPS`].
pub const SELF_TEST: &str = "plasticore-firmware";

/// The application binaries a user starts from (`firmware/src/bin/NAME/main.rs`).
pub const APPS: [&str; 3] = ["adaptive-controller", "lsh-knn", "evolve-on-device"];

fn build_bin_args_in(board: &Board, bin: &str, subdir: Option<String>) -> Vec<String> {
    let mut a: Vec<String> = vec![
        "build".into(),
        "--bin".into(),
        bin.into(),
        "--profile".into(),
        board.profile.into(),
        "--no-default-features".into(),
        "--features".into(),
        board.name.into(),
        "--target".into(),
        board.target.into(),
    ];
    if let Some(dir) = subdir {
        a.push("--target-dir".into());
        a.push(format!("target/{dir}"));
    }
    a
}

/// A target directory of its own, relative to `firmware/target`, where a build
/// would otherwise thrash another's artifacts: the Cortex-M7 shares the M4F's
/// triple with other codegen flags, and CMSIS-linked builds differ by a cfg.
fn target_subdir(board: &Board, cmsis: bool) -> Option<String> {
    match (board.rustflags.is_some(), cmsis) {
        (false, false) => None,
        (true, false) => Some(board.name.to_string()),
        (false, true) => Some("with-cmsis".into()),
        (true, true) => Some(format!("with-cmsis-{}", board.name)),
    }
}

/// Builds the firmware for `board`; returns the path of its ELF, copied to
/// `firmware/target/boards/NAME.elf` so that boards sharing a target triple
/// (nRF52840-DK and AN386, ESP32-C3 and the RISC-V emulation) keep their own image.
pub fn build(board: BoardName) -> Result<PathBuf> {
    build_with(board, None)
}

/// [`build`], optionally linking CMSIS-DSP's reference kernels (a static
/// library from [`crate::cmsis::library`]) so the same boot measures them.
pub fn build_with(board: BoardName, cmsis: Option<&Path>) -> Result<PathBuf> {
    build_variant(board, cmsis, None)
}

/// [`build`] with one extra cargo feature of the firmware (e.g.
/// `stack-overflow`), in a target directory of its own; the ELF is
/// `firmware/target/boards/NAME+FEATURE.elf`.
pub fn build_feature(board: BoardName, feature: &str) -> Result<PathBuf> {
    build_variant(board, None, Some(feature))
}

/// Builds application binary `app` (one of [`APPS`]) for `board`; returns its
/// ELF, copied to `firmware/target/boards/NAME+APP.elf`.
pub fn build_app(board: BoardName, app: &str) -> Result<PathBuf> {
    ensure!(
        APPS.contains(&app),
        "unknown application '{app}': expected one of {}",
        APPS.join(", ")
    );
    build_bin(board, app, None, None, None)
}

/// [`build_app`] at another `opt-level` (`"s"`, `"z"`, `"1"`…), in a target
/// directory of its own; the ELF is `firmware/target/boards/NAME+APP+oLEVEL.elf`.
pub fn build_app_opt(board: BoardName, app: &str, opt: &str) -> Result<PathBuf> {
    ensure!(
        APPS.contains(&app),
        "unknown application '{app}': expected one of {}",
        APPS.join(", ")
    );
    build_bin(board, app, None, None, Some(opt))
}

fn build_variant(board: BoardName, cmsis: Option<&Path>, feature: Option<&str>) -> Result<PathBuf> {
    build_bin(board, SELF_TEST, cmsis, feature, None)
}

fn build_bin(
    board: BoardName,
    bin: &str,
    cmsis: Option<&Path>,
    feature: Option<&str>,
    opt: Option<&str>,
) -> Result<PathBuf> {
    let b = board.info();
    ensure_target(b.target)?;
    if b.target.starts_with("thumb") {
        ensure_flip_link()?;
    }
    let dir = firmware_dir();
    eprintln!(
        "plasticore: building firmware for {}{}",
        b.name,
        if cmsis.is_some() { " with CMSIS-DSP" } else { "" }
    );
    let sub = match (feature, opt) {
        (Some(f), _) => Some(format!("{}+{f}", b.name)),
        (None, Some(o)) => Some(format!("{}+o{o}", b.name)),
        (None, None) => target_subdir(b, cmsis.is_some()),
    };
    let mut args = build_bin_args_in(b, bin, sub.clone());
    if let Some(f) = feature {
        args.push("--features".into());
        args.push(f.into());
    }
    let mut cmd = cargo();
    cmd.args(args).current_dir(&dir);
    if let Some(o) = opt {
        let var = format!("CARGO_PROFILE_{}_OPT_LEVEL", b.profile.to_uppercase().replace('-', "_"));
        cmd.env(var, o);
    }
    if let Some(flags) = b.rustflags {
        let var =
            format!("CARGO_TARGET_{}_RUSTFLAGS", b.target.to_uppercase().replace(['-', '.'], "_"));
        cmd.env(var, flags);
    }
    match cmsis {
        Some(lib) => cmd.env("PLASTICORE_CMSIS_LIB", lib),
        None => cmd.env_remove("PLASTICORE_CMSIS_LIB"),
    };
    let st = cmd.status().context("running cargo for the firmware")?;
    if !st.success() {
        bail!("firmware build for {} failed", b.name);
    }
    let target_dir = match &sub {
        Some(s) => dir.join("target").join(s),
        None => dir.join("target"),
    };
    let built = target_dir.join(b.target).join(b.profile).join(bin);
    let out = dir.join("target/boards");
    std::fs::create_dir_all(&out)?;
    let mut suffix = match (cmsis, feature) {
        (_, Some(f)) => format!("+{f}"),
        (Some(_), None) => "+cmsis".into(),
        (None, None) => String::new(),
    };
    if bin != SELF_TEST {
        suffix = format!("{suffix}+{bin}");
    }
    if let Some(o) = opt {
        suffix = format!("{suffix}+o{o}");
    }
    let elf = out.join(format!("{}{suffix}.elf", b.name));
    std::fs::copy(&built, &elf)
        .with_context(|| format!("copying {} to {}", built.display(), elf.display()))?;
    Ok(elf)
}

/// The board an ELF was built for, from its `PLASTICORE_BOARD` symbol (24
/// bytes, the name as `--board` spells it, zero-padded).
pub fn board_of_elf(elf: &Path) -> Result<BoardName> {
    use object::{Object, ObjectSection, ObjectSymbol};
    let bytes = std::fs::read(elf).with_context(|| format!("reading {}", elf.display()))?;
    let file =
        object::File::parse(&*bytes).map_err(|e| anyhow!("{}: not an ELF: {e}", elf.display()))?;
    let sym = file.symbols().find(|s| s.name() == Ok("PLASTICORE_BOARD")).ok_or_else(|| {
        anyhow!("{}: no PLASTICORE_BOARD symbol (not a plasticore firmware image)", elf.display())
    })?;
    let name = file
        .sections()
        .find(|s| s.address() <= sym.address() && sym.address() + 24 <= s.address() + s.size())
        .and_then(|s| {
            let data = s.data().ok()?;
            let off = (sym.address() - s.address()) as usize;
            data.get(off..off + 24).map(|b| b.to_vec())
        })
        .ok_or_else(|| anyhow!("{}: PLASTICORE_BOARD is not in a loaded section", elf.display()))?;
    let name = String::from_utf8_lossy(&name).trim_end_matches('\0').to_string();
    <BoardName as clap::ValueEnum>::from_str(&name, false)
        .map_err(|_| anyhow!("{}: unknown board '{name}'", elf.display()))
}

/// Makes sure `flip-link` (the linker wrapper every Cortex-M image links
/// through, see `firmware/.cargo/config.toml`) is installed, with
/// `cargo install flip-link` when it is not.
pub fn ensure_flip_link() -> Result<()> {
    let found = Command::new("flip-link")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if found {
        return Ok(());
    }
    eprintln!("plasticore: installing flip-link with cargo install");
    let st = cargo()
        .args(["install", "flip-link", "--locked"])
        .status()
        .context("running cargo install flip-link")?;
    if !st.success() {
        bail!("`cargo install flip-link` failed");
    }
    Ok(())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn apt_get(args: &[&str]) -> bool {
    Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Makes sure the emulator is on PATH, installing its Debian package with
/// apt-get when running as root on Debian/Ubuntu.
pub fn ensure_qemu(q: &Qemu) -> Result<()> {
    let have = || crate::cmsis::have(q.binary);
    if have() {
        return Ok(());
    }
    let apt = Path::new("/usr/bin/apt-get").exists();
    if apt && is_root() {
        eprintln!(
            "plasticore: {} is missing; installing it with `apt-get install -y {}`",
            q.binary, q.package
        );
        let ok = apt_get(&["update", "-q"])
            && (apt_get(&["install", "-y", "-q", q.package])
                // A newer qemu-utils from backports blocks Debian's QEMU 7.2; it is not needed here.
                || apt_get(&["install", "-y", "-q", q.package, "qemu-utils-"]));
        if ok && have() {
            return Ok(());
        }
        bail!("installing {} with apt-get failed", q.package);
    }
    bail!("{} is not installed; install it with: sudo apt-get install {}", q.binary, q.package)
}

/// What one boot of the firmware printed and how it ended.
#[derive(Debug, Clone)]
pub struct Boot {
    /// The board it ran on.
    pub board: BoardName,
    /// The decoded defmt log, one message a line.
    pub lines: Vec<String>,
    /// The firmware's exit status (0 = all self-tests passed).
    pub status: i32,
    /// The ELF that ran.
    pub elf: PathBuf,
}

/// Boots `elf` on the emulated `board` and decodes its defmt log.
pub fn run_qemu(board: BoardName, elf: &Path, timeout: Duration) -> Result<Boot> {
    let b = board.info();
    let q = b.qemu.as_ref().ok_or_else(|| anyhow!("{} is not an emulated board", b.name))?;
    ensure_qemu(q)?;
    let bytes = std::fs::read(elf).with_context(|| format!("reading {}", elf.display()))?;
    let table = defmt_decoder::Table::parse(&bytes)
        .map_err(|e| anyhow!("reading the defmt table of {}: {e}", elf.display()))?
        .ok_or_else(|| anyhow!("{} has no defmt table", elf.display()))?;
    let mut child = Command::new(q.binary)
        .args(q.args)
        .args([
            "-display",
            "none",
            "-monitor",
            "none",
            "-serial",
            "null",
            "-semihosting-config",
            "enable=on,target=native",
            "-icount",
            "shift=0",
            "-kernel",
        ])
        .arg(elf)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", q.binary))?;
    let mut stdout = child.stdout.take().context("qemu stdout")?;
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).map(|_| buf)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break st;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            bail!("the firmware on {} did not finish within {} s", b.name, timeout.as_secs());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let raw = reader.join().map_err(|_| anyhow!("reading qemu output failed"))??;
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
    }
    let mut dec = table.new_stream_decoder();
    dec.received(&raw);
    let mut lines = Vec::new();
    loop {
        match dec.decode() {
            Ok(frame) => lines.push(frame.display_message().to_string()),
            Err(defmt_decoder::DecodeError::UnexpectedEof) => break,
            Err(defmt_decoder::DecodeError::Malformed) => {
                bail!("malformed defmt frame from the firmware (qemu stderr: {stderr})")
            }
        }
    }
    let status = status.code().unwrap_or(-1);
    if lines.is_empty() && status != 0 {
        bail!("qemu exited with {status} and no log: {}", stderr.trim());
    }
    Ok(Boot { board, lines, status, elf: elf.to_path_buf() })
}

/// One `case|…` line of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseLine {
    /// Kernel name.
    pub kernel: String,
    /// Size.
    pub shape: String,
    /// Multiply-accumulates per call.
    pub macs: u64,
    /// Bytes of inputs, outputs and scratch the case holds (analytic).
    pub data_bytes: u32,
    /// Instructions (QEMU) or cycles (silicon) per call.
    pub cost: f64,
    /// Stack high-water mark, bytes.
    pub stack: u32,
    /// FNV-1a of the output bits.
    pub checksum: u32,
    /// Output elements.
    pub outputs: u32,
    /// Largest relative error vs the f64 reference.
    pub max_rel_err: f32,
    /// Self-test verdict.
    pub ok: bool,
    /// The first (up to) four outputs.
    pub preview: [f32; 4],
    /// Stack high-water mark of the whole case (inputs, reference, kernel), bytes.
    pub case_stack: u32,
}

/// Parses the `case|…` lines of a log.
pub fn parse_cases(lines: &[String]) -> Result<Vec<CaseLine>> {
    let mut out = Vec::new();
    for l in lines {
        let Some(rest) = l.strip_prefix("case|") else {
            continue;
        };
        let f: Vec<&str> = rest.split('|').collect();
        if f.len() != 15 {
            bail!("unexpected case line: {l}");
        }
        let bad = || anyhow!("unexpected case line: {l}");
        out.push(CaseLine {
            kernel: f[0].to_string(),
            shape: f[1].to_string(),
            macs: f[2].parse().map_err(|_| bad())?,
            data_bytes: f[3].parse().map_err(|_| bad())?,
            cost: f[4].parse::<u64>().map_err(|_| bad())? as f64 / 1000.0,
            stack: f[5].parse().map_err(|_| bad())?,
            checksum: f[6].parse().map_err(|_| bad())?,
            outputs: f[7].parse().map_err(|_| bad())?,
            max_rel_err: f[8].parse().map_err(|_| bad())?,
            ok: f[9] == "true",
            preview: [
                f[10].parse().map_err(|_| bad())?,
                f[11].parse().map_err(|_| bad())?,
                f[12].parse().map_err(|_| bad())?,
                f[13].parse().map_err(|_| bad())?,
            ],
            case_stack: f[14].parse().map_err(|_| bad())?,
        });
    }
    Ok(out)
}

/// One `skip|…` line: a case the board did not run for lack of RAM.
#[derive(Debug, Clone, PartialEq)]
pub struct SkipLine {
    /// Kernel name.
    pub kernel: String,
    /// Size.
    pub shape: String,
    /// Stack the case needs (its declared need and the firmware's reserve), bytes.
    pub need: u32,
    /// Stack free on the board when it was skipped, bytes.
    pub free: u32,
}

/// Parses the `skip|…` lines of a log.
pub fn parse_skips(lines: &[String]) -> Result<Vec<SkipLine>> {
    let mut out = Vec::new();
    for l in lines {
        let Some(rest) = l.strip_prefix("skip|") else {
            continue;
        };
        let f: Vec<&str> = rest.split('|').collect();
        let bad = || anyhow!("unexpected skip line: {l}");
        if f.len() != 4 {
            return Err(bad());
        }
        out.push(SkipLine {
            kernel: f[0].to_string(),
            shape: f[1].to_string(),
            need: f[2].parse().map_err(|_| bad())?,
            free: f[3].parse().map_err(|_| bad())?,
        });
    }
    Ok(out)
}

/// The counter check of a log (`calib|instructions executed|milli-units counted`):
/// a loop of known length, as (instructions, units counted).
pub fn parse_calibration(lines: &[String]) -> Result<(u64, f64)> {
    let l = lines
        .iter()
        .find_map(|l| l.strip_prefix("calib|"))
        .ok_or_else(|| anyhow!("no calib line in the log"))?;
    let (a, b) = l.split_once('|').ok_or_else(|| anyhow!("unexpected calib line: {l}"))?;
    let bad = || anyhow!("unexpected calib line: {l}");
    Ok((a.parse().map_err(|_| bad())?, b.parse::<u64>().map_err(|_| bad())? as f64 / 1000.0))
}

/// The `summary|cases|failed|skipped` line of a log.
pub fn parse_summary(lines: &[String]) -> Result<(u32, u32, u32)> {
    let l = lines
        .iter()
        .find_map(|l| l.strip_prefix("summary|"))
        .ok_or_else(|| anyhow!("no summary line in the log"))?;
    let f: Vec<u32> = l
        .split('|')
        .map(|v| v.parse())
        .collect::<Result<_, _>>()
        .map_err(|_| anyhow!("unexpected summary line: {l}"))?;
    match f.as_slice() {
        [n, failed, skipped] => Ok((*n, *failed, *skipped)),
        _ => bail!("unexpected summary line: {l}"),
    }
}

/// Builds the firmware for each board (one after another: cargo holds a lock
/// on the firmware's target directory), then boots them on QEMU, as many at
/// once as this machine has cores. Results are in the order of `boards`.
pub fn boot_many(boards: &[BoardName], timeout: Duration) -> Result<Vec<Boot>> {
    let elfs = boards.iter().map(|&b| build(b).map(|e| (b, e))).collect::<Result<Vec<_>>>()?;
    boot_elfs(elfs, timeout)
}

/// Boots already-built images, as many at once as this machine has cores.
pub fn boot_elfs(elfs: Vec<(BoardName, PathBuf)>, timeout: Duration) -> Result<Vec<Boot>> {
    let workers =
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(elfs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<Boot>>>> =
        elfs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((b, elf)) = elfs.get(i) else { break };
                let r = run_qemu(*b, elf, timeout);
                if let Ok(mut slot) = results[i].lock() {
                    *slot = Some(r);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err(anyhow!("a QEMU worker thread panicked")))
        })
        .collect()
}
