//! Evolve on device: the board evolves a plastic network for CartPole from
//! random coefficients, with no host — OpenAI-ES over the Hebbian
//! coefficients ([`plasticore::evolution`], `CARTPOLE_ON_DEVICE`), every
//! episode simulated here — until θ's mean return over 100 unseen episodes
//! reaches 475; it saves the result to flash (`persist.rs`) and controls
//! with what the next boot loads; then the plant changes (the actuator
//! reversed; the push weakened), and the board notices, evolves again
//! (`adapt.rs`) and saves (the first save loses power half-way: the next
//! boot has the previous blob). Logs a `gen|…` line per generation,
//! `evolved|…` (the blob's CRC-32), `persist|…`, `control|seed|return`,
//! `changed|…` and `recovered|…` per change, and `stack|bytes`. `plasticore
//! evolve cartpole --preset on-device` (`--network q15` where the board runs
//! Q15) gives the same figures and writes the same blob.
#![no_std]
#![no_main]

mod adapt;
mod log;
mod memory;
mod network;
mod persist;

use plasticore::env::{CartPoleParams, Dynamics};
use plasticore::evolution::{Evolution, CARTPOLE_ON_DEVICE as SETTINGS};
use plasticore_firmware::{self as fw, meter::units, stack::HighWater, Board, Target};

/// The run's seed: θ₀ and every episode seed follow from it.
const SEED: u64 = 1;

#[fw::entry]
fn main() -> ! {
    let mut b = fw::take();
    log::start();
    let (high, t0) = (HighWater::start(), b.ticks());
    let Some(memory) = memory::MEMORY.try_take() else { fw::exit(false) };
    let (buffers, eps, _) = memory.split();
    let mut episode = |c: &[f32], seed: u64| eps.run(CartPoleParams::NOMINAL, c, seed);
    let Ok(mut run) = Evolution::new(SETTINGS, SEED, buffers) else { fw::exit(false) };
    while !run.is_done() {
        let Ok(g) = run.generation(&mut episode) else { fw::exit(false) };
        log::generation(&g, units::<Target>(b.ticks() - t0));
        b.heartbeat();
    }
    let mut ok = log::evolved(&run, units::<Target>(b.ticks() - t0)) && run.reached();
    let state = run.state();
    memory.deploy_best();
    let Some(mut flash) = b.flash() else { fw::exit(false) };
    let (_, eps, deployed) = memory.split();
    ok &= persist::save_and_reboot(&mut flash, deployed, None);
    ok &= log::control(eps.run(CartPoleParams::NOMINAL, deployed, 0));
    for (i, change) in network::CHANGES.into_iter().enumerate() {
        ok &= adapt::recover(&mut b, memory, state, change);
        memory.deploy_best();
        let cut = (i == 0).then_some(persist::CUT);
        ok &= persist::save_and_reboot(&mut flash, memory.split().2, cut);
    }
    defmt::info!("stack|{=u32}", high.bytes());
    fw::exit(ok)
}
