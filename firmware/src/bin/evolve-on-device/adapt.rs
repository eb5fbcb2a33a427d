//! After deployment the plant changes: the board notices its returns
//! falling and evolves again, from the deployed coefficients.

use crate::memory::Memory;
use crate::{log, SETTINGS};
use plasticore::env::CartPoleParams;
use plasticore::es::EsState;
use plasticore::evolution::{Evolution, Monitor};
use plasticore_firmware::{meter::units, Board, Target};

/// Episodes whose mean return is watched.
const WINDOW: usize = 5;
/// Seed of the first deployment episode (small seeds: never a training or
/// validation one).
pub const DEPLOY_SEED: u64 = 1000;
/// Deployment episodes after which an unnoticed change is reported as such.
const PATIENCE: u64 = 100;

/// Deploys the coefficients on `plant` until a [`Monitor`] of [`WINDOW`]
/// episodes falls below the target, then resumes the ES from them (σ and the
/// learning rate back at their start, the generations counted on from
/// `state`) until the target is met on the new plant. Logs
/// `changed|name|deployment episodes|window mean` and
/// `recovered|name|generations|episodes|validation|units`; false on an error.
pub fn recover(
    b: &mut Target,
    memory: &mut Memory,
    state: EsState,
    change: (&str, CartPoleParams),
) -> bool {
    let (name, plant) = change;
    let (buffers, eps, deployed) = memory.split();
    let mut monitor = Monitor::<WINDOW>::new(SETTINGS.target);
    let noticed = (0..PATIENCE)
        .any(|k| eps.run(plant, deployed, DEPLOY_SEED + k).is_ok_and(|r| monitor.push(r)));
    defmt::info!(
        "changed|{=str}|{=u32}|{=f32}",
        name,
        monitor.episodes(),
        monitor.mean().unwrap_or(0.0)
    );
    if !noticed {
        return true;
    }
    // Zipped, not `copy_from_slice`: no length check to panic on.
    buffers.theta.iter_mut().zip(deployed.iter()).for_each(|(t, d)| *t = *d);
    let state = EsState { sigma: SETTINGS.es.sigma, lr: SETTINGS.es.lr, ..state };
    let Ok(mut run) = Evolution::resume(SETTINGS, state, buffers) else { return false };
    let (t0, mut episodes) = (b.ticks(), 0u32);
    let mut episode = |c: &[f32], seed: u64| {
        episodes += 1;
        eps.run(plant, c, seed)
    };
    while !run.is_done() {
        let Ok(g) = run.generation(&mut episode) else { return false };
        log::generation(&g, units::<Target>(b.ticks() - t0));
    }
    let (gens, v) = (run.generations_run() - state.generation, run.best().1.unwrap_or(0.0));
    let u = units::<Target>(b.ticks() - t0);
    defmt::info!(
        "recovered|{=str}|{=u64}|{=u32}|{=u32:08x}|{=u64}",
        name,
        gens,
        episodes,
        v.to_bits(),
        u
    );
    run.reached()
}
