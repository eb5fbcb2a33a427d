//! Measuring for the report: image sizes from the ELFs, the applications'
//! footprints, the host's checksums, and the records of a board's case lines.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use object::{Object, ObjectSection};
use plasticore_selftest::{cases, NoMeter};

use super::model::{AppFootprint, BoardReport, CaseKey, ImageSize, OnDeviceRun, Record, Report};
use crate::firmware::CaseLine;

/// Reads section sizes from an ELF.
pub fn image_size(elf: &Path) -> Result<ImageSize> {
    const SHF_WRITE: u64 = 0x1;
    const SHF_ALLOC: u64 = 0x2;
    let bytes = std::fs::read(elf).with_context(|| format!("reading {}", elf.display()))?;
    let file = object::File::parse(&*bytes).context("parsing the firmware ELF")?;
    let mut s = ImageSize { flash_bytes: 0, static_ram_bytes: 0 };
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

/// Boots the `evolve-on-device` application on every emulated core (opt-level
/// 3) and reads its `evolved|…`, `recovered|…` and `stack|…` lines.
pub fn on_device_runs() -> Result<Vec<OnDeviceRun>> {
    use crate::firmware;
    let mut out = vec![];
    for b in crate::boards::emulated() {
        let elf = firmware::build_app(b.id, "evolve-on-device")?;
        let boot = firmware::run_qemu(b.id, &elf, Duration::from_secs(1800))?;
        anyhow::ensure!(boot.status == 0, "evolve-on-device failed on {}", b.name);
        let fields = |prefix: &str| -> Vec<Vec<String>> {
            let lines = boot.lines.iter().filter_map(|l| l.strip_prefix(prefix));
            lines.map(|l| l.split('|').map(str::to_string).collect()).collect()
        };
        let num = |f: &[String], i: usize| -> Result<u64> {
            f.get(i).and_then(|v| v.parse().ok()).context("a number in the log")
        };
        let bits = |f: &[String], i: usize| -> Result<f32> {
            let v = f.get(i).and_then(|v| u32::from_str_radix(v, 16).ok());
            v.map(f32::from_bits).context("f32 bits in the log")
        };
        let evolved = fields("evolved|").pop().context("no evolved line")?;
        let mut recoveries = vec![];
        for f in fields("recovered|") {
            let name = f.first().cloned().unwrap_or_default();
            recoveries.push((name, num(&f, 1)?, num(&f, 2)? as u32, num(&f, 4)?));
        }
        let stack = fields("stack|").pop().context("no stack line")?;
        out.push(OnDeviceRun {
            board: b.name.into(),
            core: b.core.into(),
            network: evolved.first().cloned().unwrap_or_default(),
            generations: num(&evolved, 1)?,
            validation: bits(&evolved, 2)?,
            instructions: num(&evolved, 5)?,
            recoveries,
            size: image_size(&elf)?,
            stack_bytes: num(&stack, 0)? as u32,
        });
    }
    Ok(out)
}

/// The host's checksum and verdict of every case, by `(kernel, shape)`.
pub fn host_checksums() -> HashMap<CaseKey, (u32, bool)> {
    cases()
        .iter()
        .map(|c| {
            let o = (c.run)(&mut NoMeter);
            ((c.kernel.to_string(), c.shape.to_string()), (o.checksum, o.ok))
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
            let ns = host_ns.get(&(l.kernel.clone(), l.shape.clone())).copied().unwrap_or(f64::NAN);
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
            instructions_per_mac: if l.macs > 0 { l.cost / l.macs as f64 } else { f64::NAN },
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
        on_device: Vec::new(),
    }
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
                !lines.iter().any(|l| l.kernel == c.kernel && l.shape == c.shape)
                    && !skips.iter().any(|l| l.kernel == c.kernel && l.shape == c.shape)
            })
            .map(|c| (c.kernel.to_string(), c.shape.to_string(), c.ram_bytes))
            .collect();
        Ok(BoardReport {
            board: info.name.to_string(),
            core: info.core.to_string(),
            fpu: info.fpu.to_string(),
            counter_check: crate::firmware::parse_calibration(&boot.lines)?,
            records: records(size, info.name, &lines, &HashMap::new()),
            skipped: skips.into_iter().map(|s| (s.kernel, s.shape, s.need, s.free)).collect(),
            not_linked,
        })
    }
}
