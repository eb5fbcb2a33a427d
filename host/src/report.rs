//! The resource report: flash and static RAM from the firmware ELF, and for
//! each self-test case its MACs, instructions per call (QEMU), instructions
//! per MAC, stack high-water mark, and host time per call.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use object::{Object, ObjectSection};
use plasticore_selftest::{cases, NoMeter};
use serde::Serialize;

use crate::firmware::CaseLine;

/// Flash and static RAM of a firmware image.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ImageSize {
    /// Every allocated section with contents: vector table, boot loader,
    /// code, read-only data and the initial image of .data.
    pub flash_bytes: u64,
    /// Writable allocated sections (.data, .bss, .uninit) and code run from
    /// RAM (ESP32-C3 .rwtext); the stack and heap reservations are not counted.
    pub static_ram_bytes: u64,
}

/// Reads section sizes from an ELF.
pub fn image_size(elf: &Path) -> Result<ImageSize> {
    const SHF_WRITE: u64 = 0x1;
    const SHF_ALLOC: u64 = 0x2;
    let bytes = std::fs::read(elf).with_context(|| format!("reading {}", elf.display()))?;
    let file = object::File::parse(&*bytes).context("parsing the firmware ELF")?;
    let mut s = ImageSize {
        flash_bytes: 0,
        static_ram_bytes: 0,
    };
    for sec in file.sections() {
        let object::SectionFlags::Elf { sh_flags } = sec.flags() else {
            continue;
        };
        let name = sec.name().unwrap_or("");
        if sh_flags & SHF_ALLOC == 0
            || matches!(name, ".stack" | ".heap")
            || name.ends_with("_dummy")
        {
            continue;
        }
        let size = sec.size();
        let nobits = sec.kind() == object::SectionKind::UninitializedData;
        if !nobits {
            s.flash_bytes += size;
        }
        if sh_flags & SHF_WRITE != 0 || name.starts_with(".rwtext") || name == ".trap" {
            s.static_ram_bytes += size;
        }
    }
    Ok(s)
}

/// One benchmark record, as written to JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Kernel name.
    pub kernel: String,
    /// Size, e.g. `n=64`.
    pub shape: String,
    /// Board the instructions were counted on.
    pub board: String,
    /// Parameters (weights) read per call (analytic).
    pub params: u64,
    /// Multiply-accumulates per call (analytic).
    pub macs: u64,
    /// Caller scratch per call, bytes (analytic).
    pub scratch_bytes: u64,
    /// Instructions per call on the emulated Cortex-M4F, measurement overhead subtracted.
    pub instructions: f64,
    /// Instructions per MAC.
    pub instructions_per_mac: f64,
    /// Stack high-water mark of the call, bytes.
    pub stack_bytes: u32,
    /// Inputs, outputs and scratch the case holds, bytes (analytic).
    pub data_bytes: u32,
    /// Peak RAM of the call: static RAM + data + stack, bytes.
    pub peak_ram_bytes: u64,
    /// Host time per call, nanoseconds (this machine, one thread).
    pub host_ns: f64,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// See [`ImageSize`].
    pub flash_bytes: u64,
    /// See [`ImageSize`].
    pub static_ram_bytes: u64,
    /// One per case.
    pub records: Vec<Record>,
    /// Every emulated board measured in the same run (the reference board included).
    pub boards: Vec<BoardReport>,
    /// Every board's image size (emulated and silicon).
    pub images: Vec<BoardImage>,
    /// Boards on which CMSIS-DSP was not measured, and why.
    pub cmsis_not_measured: Vec<(String, String)>,
    /// The application binaries' footprints.
    pub apps: Vec<AppFootprint>,
}

/// Flash, static RAM and stack of an application binary on one board at one opt-level.
#[derive(Debug, Clone, Serialize)]
pub struct AppFootprint {
    /// Application name.
    pub app: String,
    /// Board name.
    pub board: String,
    /// `opt-level`.
    pub opt_level: String,
    /// See [`ImageSize`].
    pub size: ImageSize,
    /// Stack high-water mark of the whole run (emulated boards only).
    pub stack_bytes: Option<u32>,
}

/// Builds every application for the emulated Cortex-M4F and the nRF52840-DK at
/// `opt-level` 3 and `"s"`; boots the emulated builds for their stack.
pub fn app_footprints() -> Result<Vec<AppFootprint>> {
    use crate::firmware::{self, BoardName, APPS};
    let mut out = vec![];
    for app in APPS {
        for board in [BoardName::QemuMps2An386, BoardName::Nrf52840Dk] {
            for opt in ["3", "s"] {
                let elf = firmware::build_app_opt(board, app, opt)?;
                let stack_bytes = if board.info().qemu.is_some() {
                    let boot = firmware::run_qemu(board, &elf, Duration::from_secs(300))?;
                    anyhow::ensure!(boot.status == 0, "{app} failed on {}", board.info().name);
                    boot.lines
                        .iter()
                        .find_map(|l| l.strip_prefix("stack|"))
                        .and_then(|v| v.trim().parse().ok())
                } else {
                    None
                };
                out.push(AppFootprint {
                    app: app.to_string(),
                    board: board.info().name.to_string(),
                    opt_level: opt.to_string(),
                    size: image_size(&elf)?,
                    stack_bytes,
                });
            }
        }
    }
    Ok(out)
}

/// A case's key: `(kernel, shape)`.
pub type CaseKey = (String, String);

/// The host's checksum and verdict of every case, by `(kernel, shape)`.
pub fn host_checksums() -> HashMap<CaseKey, (u32, bool)> {
    cases()
        .iter()
        .map(|c| {
            let o = (c.run)(&mut NoMeter);
            (
                (c.kernel.to_string(), c.shape.to_string()),
                (o.checksum, o.ok),
            )
        })
        .collect()
}

/// The records of one board's case lines (host time `NaN` where not given).
pub fn records(
    size: ImageSize,
    board: &str,
    lines: &[CaseLine],
    host_ns: &HashMap<CaseKey, f64>,
) -> Vec<Record> {
    lines
        .iter()
        .map(|l| {
            let cost = cases()
                .iter()
                .find(|c| c.kernel == l.kernel && c.shape == l.shape)
                .map(|c| c.cost)
                .unwrap_or_default();
            let ns = host_ns
                .get(&(l.kernel.clone(), l.shape.clone()))
                .copied()
                .unwrap_or(f64::NAN);
            (l, ns, cost)
        })
        .map(|(l, ns, cost)| Record {
            kernel: l.kernel.clone(),
            shape: l.shape.clone(),
            board: board.to_string(),
            params: cost.params as u64,
            macs: l.macs,
            scratch_bytes: cost.scratch_bytes as u64,
            instructions: l.cost,
            instructions_per_mac: if l.macs > 0 {
                l.cost / l.macs as f64
            } else {
                f64::NAN
            },
            stack_bytes: l.stack,
            data_bytes: l.data_bytes,
            peak_ram_bytes: size.static_ram_bytes + l.data_bytes as u64 + l.stack as u64,
            host_ns: ns,
        })
        .collect()
}

/// Builds the report of the reference board (the emulated Cortex-M4F) from
/// its case lines and host timings; other boards are added with [`BoardReport`].
pub fn build_report(
    size: ImageSize,
    board: &str,
    lines: &[CaseLine],
    host_ns: &HashMap<CaseKey, f64>,
) -> Report {
    Report {
        flash_bytes: size.flash_bytes,
        static_ram_bytes: size.static_ram_bytes,
        records: records(size, board, lines, host_ns),
        boards: Vec::new(),
        images: Vec::new(),
        cmsis_not_measured: Vec::new(),
        apps: Vec::new(),
    }
}

/// One emulated board's run, for the per-core table.
#[derive(Debug, Clone, Serialize)]
pub struct BoardReport {
    /// Board name (`--board`).
    pub board: String,
    /// The core.
    pub core: String,
    /// `none` (soft float), `single` or `double`.
    pub fpu: String,
    /// The counter check: instructions of a loop of known length, and what the board counted.
    pub counter_check: (u64, f64),
    /// One per case that ran.
    pub records: Vec<Record>,
    /// Cases the board did not run for lack of RAM: (kernel, shape, bytes needed, bytes free).
    pub skipped: Vec<(String, String, u32, u32)>,
    /// Cases not linked into this board's image (their tier needs more RAM
    /// than the board has): (kernel, shape, declared stack need in bytes).
    pub not_linked: Vec<(String, String, u32)>,
}

impl BoardReport {
    /// The report of one boot.
    pub fn from_boot(boot: &crate::firmware::Boot) -> Result<Self> {
        let info = boot.board.info();
        let lines = crate::firmware::parse_cases(&boot.lines)?;
        let size = image_size(&boot.elf)?;
        let skips = crate::firmware::parse_skips(&boot.lines)?;
        let not_linked = cases()
            .iter()
            .filter(|c| {
                !lines
                    .iter()
                    .any(|l| l.kernel == c.kernel && l.shape == c.shape)
                    && !skips
                        .iter()
                        .any(|l| l.kernel == c.kernel && l.shape == c.shape)
            })
            .map(|c| (c.kernel.to_string(), c.shape.to_string(), c.ram_bytes))
            .collect();
        Ok(BoardReport {
            board: info.name.to_string(),
            core: info.core.to_string(),
            fpu: info.fpu.to_string(),
            counter_check: crate::firmware::parse_calibration(&boot.lines)?,
            records: records(size, info.name, &lines, &HashMap::new()),
            skipped: skips
                .into_iter()
                .map(|s| (s.kernel, s.shape, s.need, s.free))
                .collect(),
            not_linked,
        })
    }
}

/// A firmware image's size on one board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardImage {
    /// Board name (`--board`).
    pub board: String,
    /// The core.
    pub core: String,
    /// Rust target.
    pub target: String,
    /// Cargo profile.
    pub profile: String,
    /// Whether the board is emulated (else: silicon, built only).
    pub emulated: bool,
    /// Flash and static RAM.
    pub size: ImageSize,
}

/// The plasticore cases compared with CMSIS-DSP: (plasticore kernel, shape,
/// CMSIS-DSP case kernel, goal for the ratio of instructions per MAC on cores
/// with an FPU or DSP extension, goal on the Cortex-M0).
pub const CMSIS_PAIRS: &[(&str, &str, &str, f64, f64)] = &[
    (
        "linalg.dot",
        "n=64",
        "cmsis.arm_dot_prod_f32",
        0.75,
        f64::NAN,
    ),
    (
        "linalg.dot",
        "n=4096",
        "cmsis.arm_dot_prod_f32",
        0.75,
        f64::NAN,
    ),
    (
        "linalg.matvec",
        "64x64",
        "cmsis.arm_mat_vec_mult_f32",
        0.75,
        f64::NAN,
    ),
    ("fixed.dot", "q15 n=64", "cmsis.arm_dot_prod_q15", 0.75, 0.5),
    (
        "fixed.dot",
        "q15 n=4096",
        "cmsis.arm_dot_prod_q15",
        0.75,
        0.5,
    ),
    ("fixed.dot", "q7 n=64", "cmsis.arm_dot_prod_q7", 0.75, 0.5),
    ("fixed.dot", "q7 n=4096", "cmsis.arm_dot_prod_q7", 0.75, 0.5),
    (
        "fixed.matvec",
        "q15 64x64",
        "cmsis.arm_mat_vec_mult_q15",
        0.75,
        0.5,
    ),
    (
        "fixed.matvec",
        "q7 64x64",
        "cmsis.arm_mat_vec_mult_q7",
        0.75,
        0.5,
    ),
];

/// Renders the report as a plain table.
pub fn table(r: &Report) -> String {
    let mut s = format!(
        "flash {} bytes, static RAM {} bytes\n{:<22} {:<22} {:>8} {:>12} {:>9} {:>8} {:>12}\n",
        r.flash_bytes,
        r.static_ram_bytes,
        "kernel",
        "shape",
        "MACs",
        "instructions",
        "instr/MAC",
        "stack B",
        "host ns"
    );
    for x in &r.records {
        s.push_str(&format!(
            "{:<22} {:<22} {:>8} {:>12.1} {:>9.3} {:>8} {:>12.1}\n",
            x.kernel,
            x.shape,
            x.macs,
            x.instructions,
            x.instructions_per_mac,
            x.stack_bytes,
            x.host_ns
        ));
    }
    s
}

/// Renders docs/benchmarks.md.
pub fn markdown(r: &Report) -> String {
    let mut s = String::new();
    s.push_str("# plasticore benchmarks\n\n");
    s.push_str("Generated by `cargo run --release -- bench`; do not edit by hand.\n\n");
    s.push_str("**Method.** The firmware runs on the emulated Cortex-M4F (`qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -icount shift=0`), \
built with `--release` (opt-level 3, fat LTO). Under `-icount shift=0` one instruction is one virtual nanosecond and SysTick on the 25 MHz core clock \
ticks once per 40 instructions, identically on every run. Each kernel is repeated until it has executed at least 100 000 instructions, so the \
40-instruction tick costs under 0.05 %; the cost of reading the counter and of calling an empty kernel is measured at boot and subtracted. \
These are **instructions**, not cycles: on silicon (nRF52840-DK) the same firmware reports DWT cycles instead. Stack is the high-water mark of one \
call, found by painting 48 KiB below the stack pointer. Host time is one thread of this machine, per call: criterion's mean (warm-up 0.2 s, 20 samples over 0.5 s; `cargo bench -p plasticore-host` runs the same benchmarks with full statistics).\n\n");
    s.push_str(&format!(
        "## Firmware image\n\n| | bytes |\n|---|---:|\n| flash (.vector_table + .text + .rodata + .data image) | {} |\n| static RAM (.data + .bss + .uninit) | {} |\n\n",
        r.flash_bytes, r.static_ram_bytes
    ));
    s.push_str(&crate::report_sections::cmsis_table(
        r,
        &r.records,
        r.boards
            .first()
            .map(|b| b.board.as_str())
            .unwrap_or("qemu-mps2-an386"),
    ));
    s.push_str("\n## Every kernel: compute and resources\n\nParameters, MACs and scratch are analytic (`plasticore::cost`), beside the measured instructions. \
Data = inputs + outputs + scratch the case holds (analytic); peak RAM = static RAM + data + stack high-water mark.\n\n\
| kernel | shape | params | MACs | scratch (B) | instructions | instr/MAC | stack (B) | data (B) | peak RAM (B) | host ns/call |\n\
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for x in r.records.iter().filter(|x| !x.kernel.starts_with("cmsis.")) {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.1} | {:.3} | {} | {} | {} | {:.1} |\n",
            x.kernel,
            x.shape,
            x.params,
            x.macs,
            x.scratch_bytes,
            x.instructions,
            x.instructions_per_mac,
            x.stack_bytes,
            x.data_bytes,
            x.peak_ram_bytes,
            x.host_ns
        ));
    }
    for section in crate::report_sections::all(r) {
        s.push('\n');
        s.push_str(&section);
    }
    s.push_str("\nOther measured reports: [LSH](lsh.md), [Hebbian plasticity](hebbian.md), [attention](attention.md), [smaller numerics](numerics.md), [fixed point](fixed.md).\n");
    s
}
