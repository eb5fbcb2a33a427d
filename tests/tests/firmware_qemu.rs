//! Boots the firmware on the emulated Cortex-M4F (qemu-system-arm, mps2-an386):
//! every self-test must pass, every output must equal the host's bit for bit,
//! and no kernel may grow past its committed instruction and stack budget
//! (tests/budgets.json; `PLASTICORE_BLESS=1 cargo test -p plasticore-tests
//! --test firmware_qemu` rewrites it from the measured figures + 5 %).
//!
//! Instruction counts under `-icount shift=0` are deterministic, so budgets
//! are exact facts, not timings.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Duration;

use plasticore_host::firmware::{self, BoardName, CaseLine};
use plasticore_host::report;

struct Run {
    status: i32,
    lines: Vec<String>,
    cases: Vec<CaseLine>,
    flash: u64,
    ram: u64,
}

fn boot() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let elf = firmware::build(BoardName::QemuMps2An386).expect("firmware build");
        let b = firmware::run_qemu(&elf, Duration::from_secs(900)).expect("qemu boot");
        let cases = firmware::parse_cases(&b.lines).expect("case lines");
        let size = report::image_size(&elf).expect("ELF sizes");
        Run {
            status: b.status,
            lines: b.lines,
            cases,
            flash: size.flash_bytes,
            ram: size.static_ram_bytes,
        }
    })
}

#[test]
fn self_tests_pass_on_the_emulated_board() {
    let r = boot();
    let expected = plasticore_selftest::cases().len();
    assert_eq!(r.cases.len(), expected, "log:\n{}", r.lines.join("\n"));
    for c in &r.cases {
        assert!(
            c.ok,
            "{} {} failed on the board (max rel err {})",
            c.kernel, c.shape, c.max_rel_err
        );
    }
    assert!(r
        .lines
        .iter()
        .any(|l| l == &format!("summary|{expected}|0")));
    assert_eq!(r.status, 0, "firmware exit status");
}

#[test]
fn board_outputs_equal_host_outputs_bit_for_bit() {
    let r = boot();
    let host = report::host_checksums();
    assert_eq!(host.len(), r.cases.len());
    for (c, (h, ok)) in r.cases.iter().zip(host) {
        assert!(
            ok,
            "{} {} fails its self-test on the host",
            c.kernel, c.shape
        );
        assert_eq!(
            c.checksum, h,
            "{} {}: board {:08x} != host {:08x}",
            c.kernel, c.shape, c.checksum, h
        );
    }
}

#[test]
fn instruction_and_stack_budgets_hold() {
    let r = boot();
    let path = plasticore_tests::data("../budgets.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| "{}".into());
    let budgets: serde_json::Value = serde_json::from_str(&text).expect("budgets.json");
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
    assert!(
        problems.is_empty(),
        "budgets exceeded:\n{}",
        problems.join("\n")
    );
}
