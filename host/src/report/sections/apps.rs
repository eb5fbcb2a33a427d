//! The application binaries' footprint: flash, static RAM and stack of
//! `firmware/src/bin/*` at `opt-level` 3 and `"s"`.

use std::fmt::Write as _;

use crate::report::model::Report;

/// The goal of the issue that asked for the adaptive controller.
const CONTROLLER_GOAL: (u64, u64) = (16 * 1024, 8 * 1024);

/// The section's Markdown (empty without measurements).
pub fn section(r: &Report) -> String {
    if r.apps.is_empty() {
        return String::new();
    }
    let mut s = String::from(
        "## Application footprint\n\nThe application binaries a user starts from (`firmware/src/bin/*/main.rs`), built in this run. Flash counts every loaded section (vector table, code, read-only data, initialised data); static RAM is `.data` + `.bss`; stack is the high-water mark of the whole run on the emulated board (painted; silicon builds are sized, not run). RAM used = static RAM + stack.\n\n| application | board | opt-level | flash (B) | static RAM (B) | stack (B) | RAM used (B) |\n|---|---|---|---:|---:|---:|---:|\n",
    );
    for a in &r.apps {
        let stack = a.stack_bytes.map_or("not measured".to_string(), |v| v.to_string());
        let used = a.stack_bytes.map_or("not measured".to_string(), |v| {
            (a.size.static_ram_bytes + v as u64).to_string()
        });
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            a.app, a.board, a.opt_level, a.size.flash_bytes, a.size.static_ram_bytes, stack, used
        );
    }
    if let Some(a) = r
        .apps
        .iter()
        .filter(|a| a.app == "adaptive-controller" && a.opt_level == "s" && a.stack_bytes.is_some())
        .min_by_key(|a| a.size.flash_bytes)
    {
        let ram = a.size.static_ram_bytes + a.stack_bytes.unwrap_or(0) as u64;
        let _ = writeln!(
            s,
            "\nGoal for `adaptive-controller`: ≤ {} B flash and ≤ {} B RAM. Smallest build whose stack was measured (opt-level \"s\", {}): {} B flash ({}), {} B RAM used ({}).",
            CONTROLLER_GOAL.0,
            CONTROLLER_GOAL.1,
            a.board,
            a.size.flash_bytes,
            if a.size.flash_bytes <= CONTROLLER_GOAL.0 { "met" } else { "not met" },
            ram,
            if ram <= CONTROLLER_GOAL.1 { "met" } else { "not met" },
        );
    }
    s
}
