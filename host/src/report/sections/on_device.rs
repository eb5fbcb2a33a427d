//! The board evolving its own controller: the `evolve-on-device`
//! application on every emulated core, against the goals.

use std::fmt::Write as _;

use crate::report::model::Report;

/// Instructions from random coefficients to CartPole solved on the M4F: 60 s at 64 MHz.
const INSTRUCTIONS_GOAL: u64 = 4_000_000_000;
/// Everything in RAM (static RAM + stack).
const RAM_GOAL: u64 = 12 * 1024;
/// The application's flash.
const FLASH_GOAL: u64 = 32 * 1024;

/// The silicon a core stands for, and its clock (Hz).
fn silicon(core: &str) -> Option<(&'static str, f64)> {
    match core {
        "Cortex-M4F" => Some(("nRF52840", 64e6)),
        "Cortex-M0" => Some(("RP2040 (M0+)", 125e6)),
        "RV32IMC" => Some(("ESP32-C3", 160e6)),
        _ => None,
    }
}

/// The section's Markdown (empty without runs).
pub fn section(r: &Report) -> String {
    if r.on_device.is_empty() {
        return String::new();
    }
    let mut s = String::from(
        "## On-device evolution\n\n`firmware/src/bin/evolve-on-device`: the board evolves a plastic network for CartPole from random coefficients with OpenAI-ES (`plasticore::evolution::CARTPOLE_ON_DEVICE`: 32 candidates × 3 episodes, θ validated on 100 unseen episodes every 5 generations, target 475), every episode simulated on the board; then the plant changes twice (the actuator reversed; the push weakened from 10 N to 0.6 N), a `Monitor` of 5 episodes notices the return falling below 475, and the ES resumes from the deployed coefficients until the target is met again. The f32 network where the core has an FPU, Q15 elsewhere. Every figure below was logged by the board in this run; the test suite checks each core's log against the host's `plasticore evolve cartpole --preset on-device` bit for bit. Seconds = instructions ÷ the silicon's clock: a lower bound (one instruction per cycle at best on these cores).\n\n| core | network | generations | validation | instructions to solve | seconds on silicon | actuator reversed: generations, episodes, instructions | push 0.6 N: generations, episodes, instructions | flash (B) | RAM used (B) |\n|---|---|---:|---:|---:|---|---|---|---:|---:|\n",
    );
    for o in &r.on_device {
        let secs = silicon(&o.core).map_or("—".to_string(), |(chip, hz)| {
            format!("{:.1} s ({chip}, {:.0} MHz)", o.instructions as f64 / hz, hz / 1e6)
        });
        let rec = |i: usize| {
            o.recoveries
                .get(i)
                .map_or("—".to_string(), |(_, g, e, n)| format!("{g}, {e}, {:.2e}", *n as f64))
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.1} | {:.3e} | {} | {} | {} | {} | {} |",
            o.core,
            o.network,
            o.generations,
            o.validation,
            o.instructions as f64,
            secs,
            rec(0),
            rec(1),
            o.size.flash_bytes,
            o.size.static_ram_bytes + o.stack_bytes as u64
        );
    }
    let verdict = |ok: bool| if ok { "met" } else { "not met" };
    if let Some(m4) = r.on_device.iter().find(|o| o.core == "Cortex-M4F") {
        let _ = write!(
            s,
            "\nGoals: instructions to solve on the Cortex-M4F ≤ {INSTRUCTIONS_GOAL:.0e}: {} ({}, {:.1} s at 64 MHz).",
            m4.instructions,
            verdict(m4.instructions <= INSTRUCTIONS_GOAL),
            m4.instructions as f64 / 64e6
        );
    }
    let ram = r.on_device.iter().map(|o| o.size.static_ram_bytes + o.stack_bytes as u64).max();
    if let Some(ram) = ram {
        let _ = write!(
            s,
            " RAM ≤ {RAM_GOAL} B on every core (θ, the best θ, the candidate, the noise, the deployed coefficients, fitnesses, ranks, the network, the 2 KiB RAM-backed flash, logger and stack): at most {ram} B ({}).",
            verdict(ram <= RAM_GOAL)
        );
    }
    let small =
        r.apps.iter().filter(|a| a.app == "evolve-on-device").min_by_key(|a| a.size.flash_bytes);
    if let Some(a) = small {
        let _ = write!(
            s,
            " Flash ≤ {FLASH_GOAL} B: the smallest build, opt-level \"{}\" on {}, is {} B ({}).",
            a.opt_level,
            a.board,
            a.size.flash_bytes,
            verdict(a.size.flash_bytes <= FLASH_GOAL)
        );
    }
    s.push('\n');
    s
}
