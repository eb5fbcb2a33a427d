//! The per-core section of docs/benchmarks.md: every kernel's instructions on
//! every emulated core side by side, how each core's counter was checked,
//! which cases did not fit a board, and every image's flash and RAM.

use crate::report::model::{BoardReport, Report};

fn board_info(b: &BoardReport) -> Option<&'static crate::boards::Board> {
    crate::boards::BOARDS.iter().find(|x| x.name == b.board)
}

fn counter(b: &BoardReport) -> String {
    match board_info(b).and_then(|i| i.qemu) {
        Some(q) if q.instructions_per_tick == 1.0 => "`minstret` (1 per instruction)".into(),
        Some(q) => format!("SysTick, {} instructions per tick", q.instructions_per_tick),
        None => "—".into(),
    }
}

/// The section (empty when no board ran).
pub fn section(r: &Report) -> String {
    if r.boards.is_empty() {
        return String::new();
    }
    let mut s = String::from(
        "## Every core\n\nThe same self-test firmware on each emulated core, measured in this run. Every \
core's outputs equal the host's bit for bit (the QEMU test checks each case's checksum on every board). \
Instructions are counted under `-icount shift=0`: SysTick on the core clock on the Arm boards (the \
instructions-per-tick factor is 10⁹ / core clock), `minstret` on RISC-V. Each board first counts a \
loop of known length, and the QEMU test requires the count to be exact to two ticks (one per reading). The Cortex-M3, \
Cortex-M0 and RV32IMC have no FPU: f32 there is compiler-builtins' software floating point. Every \
image is built at opt-level 3 with fat LTO.\n\n\
| board | core | FPU | counter | loop of known length: executed | counted |\n|---|---|---|---|---:|---:|\n",
    );
    for b in &r.boards {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.0} |\n",
            b.board,
            b.core,
            b.fpu,
            counter(b),
            b.counter_check.0,
            b.counter_check.1
        ));
    }
    // Rows: the reference board's case order, then any case only another board ran.
    let mut keys: Vec<(String, String, u64)> = Vec::new();
    for b in &r.boards {
        for x in b.records.iter().filter(|x| !x.kernel.starts_with("cmsis.")) {
            if !keys.iter().any(|(k, sh, _)| k == &x.kernel && sh == &x.shape) {
                keys.push((x.kernel.clone(), x.shape.clone(), x.macs));
            }
        }
    }
    let header = || {
        let mut h = String::from("| kernel | shape | MACs |");
        let mut line = String::from("|---|---|---:|");
        for b in &r.boards {
            h.push_str(&format!(" {} ({}) |", b.core, b.board));
            line.push_str("---:|");
        }
        format!("{h}\n{line}\n")
    };
    s.push_str(
        "\n### Instructions per call\n\n— : the case did not fit the board's RAM (below).\n\n",
    );
    s.push_str(&header());
    for (k, sh, macs) in &keys {
        s.push_str(&format!("| {k} | {sh} | {macs} |"));
        for b in &r.boards {
            match b.records.iter().find(|x| &x.kernel == k && &x.shape == sh) {
                Some(x) => s.push_str(&format!(" {:.0} |", x.instructions)),
                None => s.push_str(" — |"),
            }
        }
        s.push('\n');
    }
    s.push_str("\n### Instructions per multiply-accumulate\n\nThe soft-float cost is the ratio of a no-FPU column to the Cortex-M4F's.\n\n");
    s.push_str(&header());
    for (k, sh, macs) in keys.iter().filter(|(_, _, m)| *m > 0) {
        s.push_str(&format!("| {k} | {sh} | {macs} |"));
        for b in &r.boards {
            match b.records.iter().find(|x| &x.kernel == k && &x.shape == sh) {
                Some(x) => s.push_str(&format!(" {:.2} |", x.instructions_per_mac)),
                None => s.push_str(" — |"),
            }
        }
        s.push('\n');
    }
    let absent: Vec<String> = r
        .boards
        .iter()
        .flat_map(|b| {
            let ram = board_info(b).map_or(0, |i| i.ram_bytes);
            let skipped = b.skipped.iter().map(move |(k, sh, need, free)| {
                format!(
                    "| {} | {k} | {sh} | {need} | skipped at run time: {free} B of stack free |\n",
                    b.board
                )
            });
            let unlinked = b.not_linked.iter().map(move |(k, sh, need)| {
                format!(
                    "| {} | {k} | {sh} | {} | not linked: the board has {ram} B of RAM |\n",
                    b.board,
                    need + 512
                )
            });
            skipped.chain(unlinked)
        })
        .collect();
    if !absent.is_empty() {
        s.push_str("\n### Cases that do not fit a board\n\nA case needs its declared stack (inputs, outputs, the f64 reference, frames — \
checked against the measured high-water mark on every board) plus a 512-byte reserve. Cases whose tier cannot fit a board's RAM are not \
linked into its image (the micro:bit's 256 KiB of flash then holds what its 16 KiB of RAM can run); a linked case that does not fit the \
free stack is skipped at run time.\n\n| board | kernel | shape | needs (B) | why |\n|---|---|---|---:|---|\n");
        for row in absent {
            s.push_str(&row);
        }
    }
    if !r.images.is_empty() {
        s.push_str("\n### Firmware images\n\nThe self-test image of every board (all kernels and their cases linked in); \
the silicon boards' images are built in the same run, not run.\n\n\
| board | core | target | profile | flash (B) | static RAM (B) | runs |\n|---|---|---|---|---:|---:|---|\n");
        for i in &r.images {
            s.push_str(&format!(
                "| {} | {} | `{}` | {} | {} | {} | {} |\n",
                i.board,
                i.core,
                i.target,
                i.profile,
                i.size.flash_bytes,
                i.size.static_ram_bytes,
                if i.emulated { "QEMU, every test run" } else { "silicon (built in CI)" }
            ));
        }
    }
    s
}
