//! Running a plastic controller on CartPole, the same way on host and board.
//!
//! Episode with seed `s`: `rng = Rng::new(s)`; the controller's weights are
//! reset from `rng` (U(−0.1, 0.1)), then the environment's state (U(−0.05, 0.05));
//! then up to 500 steps of `obs → controller.step → action → env.step`.

use super::network::Controller;
use crate::env::CartPole;
use crate::error::Error;
use crate::rng::Rng;

/// The result of one episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Episode {
    /// Return (= steps survived, at most 500).
    pub steps: u32,
    /// FNV-1a checksum of the final weights ([`Controller::weights_checksum`]).
    pub weights_checksum: u32,
}

/// Discrete action from a network output: with one output, 1 (push right) if
/// it is > 0, else 0; with more, the index of the first maximum.
pub fn action_from_output(out: &[f32]) -> usize {
    match out {
        [y] => usize::from(*y > 0.0),
        _ => {
            let mut best = 0;
            let mut top = f32::NAN;
            for (i, &v) in out.iter().enumerate() {
                if i == 0 || v > top {
                    best = i;
                    top = v;
                }
            }
            best
        }
    }
}

/// One CartPole episode of `controller` with seed `seed` (see the module docs).
///
/// Errors: those of the controller's step (e.g. an input size other than 4).
pub fn cartpole_episode<C: Controller + ?Sized>(
    controller: &mut C,
    seed: u64,
) -> Result<Episode, Error> {
    let mut rng = Rng::new(seed);
    controller.reset(&mut rng);
    let mut env = CartPole::new();
    let mut obs = env.reset(&mut rng);
    let mut steps = 0;
    loop {
        let action = action_from_output(controller.step_slice(&obs)?);
        let st = env.step(action)?;
        steps += 1;
        obs = st.obs;
        if st.done() {
            break;
        }
    }
    Ok(Episode {
        steps,
        weights_checksum: controller.weights_checksum(),
    })
}
