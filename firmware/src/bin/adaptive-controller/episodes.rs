//! The episodes of one network, logged as `episode|…` lines and a `summary|…`.

use plasticore::env::{CartPole, CartPoleParams, Change, Dynamics};
use plasticore::hebbian::{episode, Controller};
use plasticore_firmware::{meter::units_u32, Board, Target};

/// The change: from step 200 on, a longer, heavier pole and a weaker push.
pub const CHANGE: Change<CartPoleParams> = Change {
    at: 200,
    to: CartPoleParams { length: 1.0, masspole: 0.3, force_mag: 5.0, ..CartPoleParams::NOMINAL },
};

/// Ten episodes (seeds 0–9) of one network, logged; false on an error.
pub fn run(board: &mut Target, name: &str, net: &mut dyn Controller) -> bool {
    let (mut before, mut after) = (0.0f32, 0.0f32);
    for seed in 0..10 {
        let t0 = board.ticks();
        let Ok(o) = episode::<CartPole, _>(net, CartPoleParams::NOMINAL, seed, Some(CHANGE)) else {
            defmt::error!("episode|{=str}|{=u64}|error", name, seed);
            return false;
        };
        // u32 arithmetic (no 64-bit division linked): an episode is < 2^32 units.
        let per_step = units_u32::<Target>(board.ticks() - t0) / o.steps.max(1);
        let (rb, r, w) = (o.ret_before.to_bits(), o.ret.to_bits(), o.weights_checksum);
        defmt::info!(
            "episode|{=str}|{=u64}|{=u32}|{=u32:08x}|{=u32:08x}|{=u32:08x}|{=u32}",
            name,
            seed,
            o.steps,
            rb,
            r,
            w,
            per_step
        );
        (before, after) = (before + o.ret_before, after + o.ret - o.ret_before);
        board.heartbeat();
    }
    defmt::info!("summary|{=str}|{=f32}|{=f32}", name, before / 10.0, after / 10.0);
    true
}
