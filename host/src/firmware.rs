//! Building the firmware, booting it on the emulated board, and decoding its defmt log.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};

/// The firmware's target triple.
pub const TARGET: &str = "thumbv7em-none-eabihf";

/// A board the firmware is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BoardName {
    /// MPS2 AN386 (Cortex-M4F) emulated by qemu-system-arm.
    #[value(name = "qemu-mps2-an386")]
    QemuMps2An386,
    /// Nordic nRF52840-DK (Cortex-M4F silicon), flashed with probe-rs.
    #[value(name = "nrf52840-dk")]
    Nrf52840Dk,
}

impl BoardName {
    /// The cargo feature (and `--board` spelling).
    pub fn feature(self) -> &'static str {
        match self {
            BoardName::QemuMps2An386 => "qemu-mps2-an386",
            BoardName::Nrf52840Dk => "nrf52840-dk",
        }
    }
}

/// The firmware crate's directory.
pub fn firmware_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../firmware")
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // The firmware's own .cargo/config.toml sets the target and linker scripts;
    // flags meant for the host build must not leak into it.
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

fn ensure_target() -> Result<()> {
    let Ok(out) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(firmware_dir())
        .output()
    else {
        return Ok(()); // no rustup: let cargo report what is missing
    };
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == TARGET)
    {
        return Ok(());
    }
    eprintln!("plasticore: installing the {TARGET} target with rustup");
    let st = Command::new("rustup")
        .args(["target", "add", TARGET])
        .current_dir(firmware_dir())
        .status()?;
    if !st.success() {
        bail!("`rustup target add {TARGET}` failed");
    }
    Ok(())
}

/// Builds the firmware (release) for `board`; returns the ELF path.
pub fn build(board: BoardName) -> Result<PathBuf> {
    ensure_target()?;
    let dir = firmware_dir();
    eprintln!("plasticore: building firmware for {}", board.feature());
    let st = cargo()
        .args(["build", "--release", "--no-default-features", "--features"])
        .arg(board.feature())
        .current_dir(&dir)
        .status()
        .context("running cargo for the firmware")?;
    if !st.success() {
        bail!("firmware build for {} failed", board.feature());
    }
    Ok(dir.join(format!("target/{TARGET}/release/plasticore-firmware")))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Makes sure `qemu-system-arm` is on PATH, installing it with apt-get when running as root on Debian/Ubuntu.
pub fn ensure_qemu() -> Result<()> {
    let have = || {
        Command::new("qemu-system-arm")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if have() {
        return Ok(());
    }
    let apt = Path::new("/usr/bin/apt-get").exists();
    if apt && is_root() {
        eprintln!("plasticore: qemu-system-arm is missing; installing it with `apt-get install -y qemu-system-arm`");
        let ok = Command::new("apt-get")
            .args(["update", "-q"])
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
            && Command::new("apt-get")
                .args(["install", "-y", "-q", "qemu-system-arm"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .stdout(Stdio::null())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
        if ok && have() {
            return Ok(());
        }
        bail!("installing qemu-system-arm with apt-get failed");
    }
    bail!("qemu-system-arm is not installed; install it with: sudo apt-get install qemu-system-arm")
}

/// What one boot of the firmware printed and how it ended.
#[derive(Debug, Clone)]
pub struct Boot {
    /// The decoded defmt log, one message a line.
    pub lines: Vec<String>,
    /// The firmware's exit status (0 = all self-tests passed).
    pub status: i32,
    /// The ELF that ran.
    pub elf: PathBuf,
}

/// Boots `elf` on the emulated MPS2 AN386 and decodes its defmt log.
pub fn run_qemu(elf: &Path, timeout: Duration) -> Result<Boot> {
    ensure_qemu()?;
    let bytes = std::fs::read(elf).with_context(|| format!("reading {}", elf.display()))?;
    let table = defmt_decoder::Table::parse(&bytes)
        .map_err(|e| anyhow!("reading the defmt table of {}: {e}", elf.display()))?
        .ok_or_else(|| anyhow!("{} has no defmt table", elf.display()))?;
    let mut child = Command::new("qemu-system-arm")
        .args([
            "-cpu",
            "cortex-m4",
            "-machine",
            "mps2-an386",
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
        .context("starting qemu-system-arm")?;
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
            bail!("the firmware did not finish within {} s", timeout.as_secs());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let raw = reader
        .join()
        .map_err(|_| anyhow!("reading qemu output failed"))??;
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
    Ok(Boot {
        lines,
        status,
        elf: elf.to_path_buf(),
    })
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
}

/// Parses the `case|…` lines of a log.
pub fn parse_cases(lines: &[String]) -> Result<Vec<CaseLine>> {
    let mut out = Vec::new();
    for l in lines {
        let Some(rest) = l.strip_prefix("case|") else {
            continue;
        };
        let f: Vec<&str> = rest.split('|').collect();
        if f.len() != 14 {
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
        });
    }
    Ok(out)
}
