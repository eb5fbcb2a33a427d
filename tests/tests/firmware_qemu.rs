//! Boots the self-test firmware on every emulated core — Cortex-M4F (AN386),
//! Cortex-M3 (AN385), Cortex-M7 (AN500), Cortex-M33 (AN505), Cortex-M0
//! (micro:bit) and RV32IMC (riscv32 virt) — and checks on each: every
//! self-test passes, every output equals the host's bit for bit, the work
//! counter counts a loop of known length exactly, every case the board skips
//! really does not fit, every case's declared stack need covers what it used,
//! and no kernel grows past its committed instruction and stack budget
//! (`tests/budgets/BOARD.json`; `PLASTICORE_BLESS=1 cargo test -p
//! plasticore-tests --test firmware_qemu` rewrites them from the measured
//! figures + 5 %).
//!
//! Instruction counts under `-icount shift=0` are deterministic, so budgets
//! are exact facts, not timings. The six boards are built one after another
//! and booted two at a time.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Duration;

use plasticore_host::boards;
use plasticore_host::firmware::{self, BoardName, CaseLine, SkipLine};
use plasticore_host::report;

struct Run {
    status: i32,
    lines: Vec<String>,
    cases: Vec<CaseLine>,
    skips: Vec<SkipLine>,
    calibration: (u64, f64),
    summary: (u32, u32, u32),
    flash: u64,
    ram: u64,
}

fn runs() -> &'static BTreeMap<BoardName, Run> {
    static RUNS: OnceLock<BTreeMap<BoardName, Run>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let ids: Vec<BoardName> = boards::emulated().map(|b| b.id).collect();
        let boots = firmware::boot_many(&ids, Duration::from_secs(1200)).expect("boot");
        boots
            .into_iter()
            .map(|b| {
                let size = report::image_size(&b.elf).expect("ELF sizes");
                let run = Run {
                    status: b.status,
                    cases: firmware::parse_cases(&b.lines).expect("case lines"),
                    skips: firmware::parse_skips(&b.lines).expect("skip lines"),
                    calibration: firmware::parse_calibration(&b.lines).expect("calib line"),
                    summary: firmware::parse_summary(&b.lines).expect("summary line"),
                    lines: b.lines,
                    flash: size.flash_bytes,
                    ram: size.static_ram_bytes,
                };
                (b.board, run)
            })
            .collect()
    })
}

fn run(board: BoardName) -> &'static Run {
    &runs()[&board]
}

fn case(kernel: &str, shape: &str) -> &'static plasticore_selftest::Case {
    plasticore_selftest::cases()
        .iter()
        .find(|c| c.kernel == kernel && c.shape == shape)
        .unwrap_or_else(|| panic!("{kernel} {shape}: not a self-test case"))
}

fn self_tests_pass(board: BoardName) {
    let r = run(board);
    let name = board.info().name;
    let (total, failed, skipped) = r.summary;
    assert_eq!(failed, 0, "{name}: failed cases; log:\n{}", r.lines.join("\n"));
    assert_eq!(
        r.cases.len() + r.skips.len(),
        total as usize,
        "{name}: every listed case either runs or is skipped; log:\n{}",
        r.lines.join("\n")
    );
    assert_eq!(r.skips.len(), skipped as usize, "{name}: skip count");
    for c in &r.cases {
        assert!(c.ok, "{name}: {} {} failed (max rel err {})", c.kernel, c.shape, c.max_rel_err);
    }
    assert_eq!(r.status, 0, "{name}: firmware exit status");
    // Every host case not in this image belongs to a tier the board cannot fit.
    for c in plasticore_selftest::cases() {
        let here = r.cases.iter().any(|l| l.kernel == c.kernel && l.shape == c.shape)
            || r.skips.iter().any(|l| l.kernel == c.kernel && l.shape == c.shape);
        if !here {
            assert!(
                c.ram_bytes as u64 + 512 > board.info().ram_bytes.min(15 * 1024),
                "{name}: {} {} (needs {} B) is not linked, though it would fit",
                c.kernel,
                c.shape,
                c.ram_bytes
            );
        }
    }
    // The boards with MiBs of RAM run every case, the large ones included.
    if board.info().ram_bytes >= 4 << 20 {
        assert_eq!(r.cases.len(), plasticore_selftest::cases().len(), "{name}: every case runs");
    }
}

fn outputs_equal_host(board: BoardName) {
    let r = run(board);
    let host = report::host_checksums();
    for c in &r.cases {
        let (h, ok) = host[&(c.kernel.clone(), c.shape.clone())];
        assert!(ok, "{} {} fails its self-test on the host", c.kernel, c.shape);
        assert_eq!(
            c.checksum,
            h,
            "{}: {} {}: board {:08x} != host {:08x}",
            board.info().name,
            c.kernel,
            c.shape,
            c.checksum,
            h
        );
    }
}

fn counter_is_exact(board: BoardName) {
    let r = run(board);
    let per_tick = board.info().qemu.expect("emulated").instructions_per_tick;
    let (executed, counted) = r.calibration;
    assert!(executed >= 1_000_000);
    // Two readings, each exact to one tick.
    assert!(
        (counted - executed as f64).abs() <= 2.0 * per_tick,
        "{}: a loop of {executed} instructions counted as {counted} ({per_tick} per tick)",
        board.info().name
    );
}

fn skips_are_justified(board: BoardName) {
    let r = run(board);
    for s in &r.skips {
        assert!(
            s.need > s.free,
            "{}: {} {} skipped though it needs {} B and {} B are free",
            board.info().name,
            s.kernel,
            s.shape,
            s.need,
            s.free
        );
        assert!(case(&s.kernel, &s.shape).ram_bytes + 512 == s.need);
    }
}

fn declared_stack_covers_use(board: BoardName) {
    let r = run(board);
    for c in &r.cases {
        let declared = case(&c.kernel, &c.shape).ram_bytes;
        assert!(
            c.case_stack <= declared,
            "{}: {} {} used {} B of stack, declares {declared} B (ram_bytes in selftest)",
            board.info().name,
            c.kernel,
            c.shape,
            c.case_stack
        );
    }
}

fn budgets_hold(board: BoardName) {
    let r = run(board);
    let name = board.info().name;
    let path = plasticore_tests::data(&format!("../budgets/{name}.json"));
    if std::env::var_os("PLASTICORE_BLESS").is_some() {
        let mut kernels = BTreeMap::new();
        for c in &r.cases {
            kernels.insert(
                format!("{} {}", c.kernel, c.shape),
                serde_json::json!({
                    "instructions": (c.cost * 1.05).ceil() as u64,
                    "stack_bytes": c.stack + c.stack / 20 + 16,
                }),
            );
        }
        let v = serde_json::json!({
            "flash_bytes": r.flash + r.flash / 20,
            "static_ram_bytes": r.ram + r.ram / 20 + 64,
            "kernels": kernels,
        });
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("{}: no budgets; rerun with PLASTICORE_BLESS=1", path.display())
    });
    let budgets: serde_json::Value = serde_json::from_str(&text).expect("budgets JSON");
    let mut problems = Vec::new();
    let flash_budget = budgets["flash_bytes"].as_u64().unwrap_or(0);
    if r.flash > flash_budget {
        problems.push(format!("flash {} B > budget {flash_budget} B", r.flash));
    }
    let ram_budget = budgets["static_ram_bytes"].as_u64().unwrap_or(0);
    if r.ram > ram_budget {
        problems.push(format!("static RAM {} B > budget {ram_budget} B", r.ram));
    }
    for c in &r.cases {
        let key = format!("{} {}", c.kernel, c.shape);
        let b = &budgets["kernels"][&key];
        match (b["instructions"].as_f64(), b["stack_bytes"].as_u64()) {
            (Some(i), Some(s)) => {
                if c.cost > i {
                    problems.push(format!("{key}: {:.0} instructions > budget {i}", c.cost));
                }
                if c.stack as u64 > s {
                    problems.push(format!("{key}: {} B stack > budget {s} B", c.stack));
                }
            }
            _ => problems.push(format!(
                "{key}: no budget (measured {:.0} instructions, {} B stack); rerun with PLASTICORE_BLESS=1",
                c.cost, c.stack
            )),
        }
    }
    assert!(problems.is_empty(), "{name}: budgets exceeded:\n{}", problems.join("\n"));
}

macro_rules! board_tests {
    ($($module:ident => $board:expr),* $(,)?) => {$(
        mod $module {
            use super::*;
            #[test]
            fn self_tests_pass() {
                super::self_tests_pass($board)
            }
            #[test]
            fn outputs_equal_host_bit_for_bit() {
                super::outputs_equal_host($board)
            }
            #[test]
            fn counter_counts_a_known_loop_exactly() {
                super::counter_is_exact($board)
            }
            #[test]
            fn skipped_cases_do_not_fit() {
                super::skips_are_justified($board)
            }
            #[test]
            fn declared_stack_covers_measured_use() {
                super::declared_stack_covers_use($board)
            }
            #[test]
            fn instruction_and_stack_budgets_hold() {
                super::budgets_hold($board)
            }
        }
    )*};
}

board_tests! {
    cortex_m4f_mps2_an386 => BoardName::QemuMps2An386,
    cortex_m3_mps2_an385 => BoardName::QemuMps2An385,
    cortex_m7_mps2_an500 => BoardName::QemuMps2An500,
    cortex_m33_mps2_an505 => BoardName::QemuMps2An505,
    cortex_m0_microbit => BoardName::QemuMicrobit,
    rv32imc_riscv32_virt => BoardName::QemuRiscv32,
}

#[test]
fn every_emulated_board_is_tested() {
    assert_eq!(runs().len(), boards::emulated().count());
}

/// flip-link puts the stack below every static, so an overflow runs off the
/// start of RAM and faults instead of overwriting data. The `stack-overflow`
/// image recurses at boot until that happens; the run must end in the
/// firmware's HardFault report with its canary static intact — no self-test
/// results, no return from the recursion. Shown on the Cortex-M0 (micro:bit)
/// and the Cortex-M33 (AN505), whose emulated memory maps leave the addresses
/// below RAM unmapped, as silicon does; QEMU backs the addresses below RAM of
/// the AN385/AN386/AN500 images with memory, so an overflow there cannot fault.
fn stack_overflow_faults(board: BoardName) {
    let elf = firmware::build_feature(board, "stack-overflow").expect("build");
    let boot = firmware::run_qemu(board, &elf, Duration::from_secs(120)).expect("boot");
    let lines = boot.lines.join("\n");
    assert_eq!(boot.status, 1, "the run must end in the fault handler:\n{lines}");
    let depths: Vec<u32> = boot
        .lines
        .iter()
        .filter_map(|l| l.strip_prefix("overflow|depth|"))
        .filter_map(|l| l.split('|').next()?.parse().ok())
        .collect();
    assert!(depths.len() > 3, "the recursion ran:\n{lines}");
    let fault = boot
        .lines
        .iter()
        .find(|l| l.starts_with("fault|hardfault|"))
        .unwrap_or_else(|| panic!("no HardFault report:\n{lines}"));
    assert!(fault.ends_with("|statics_intact=true"), "{fault}");
    assert!(!lines.contains("overflow|returned"), "{lines}");
    assert!(!lines.contains("case|"), "{lines}");
    eprintln!(
        "{}: faulted at depth {} (1 KiB frames): {fault}",
        board.info().name,
        depths.last().unwrap_or(&0)
    );
}

#[test]
fn stack_overflow_ends_in_a_reported_hardfault_cortex_m0() {
    stack_overflow_faults(BoardName::QemuMicrobit);
}

#[test]
fn stack_overflow_ends_in_a_reported_hardfault_cortex_m33() {
    stack_overflow_faults(BoardName::QemuMps2An505);
}
