//! The run's memory in one static: `.bss` the linker sizes (all zero, so
//! nothing is built on the stack), taken once.

use crate::network::{Episodes, DIM};
use crate::SETTINGS;
use plasticore::evolution::Buffers;
use static_cell::ConstStaticCell;

const N: usize = SETTINGS.es.population;

/// θ, the best θ, the candidate, the ES's noise and the deployed
/// coefficients (`DIM` each), the population's fitnesses and ranks, and the
/// network's buffers.
pub struct Memory {
    vectors: [[f32; DIM]; 5],
    fitness: [f32; N],
    ranks: [f32; N],
    episodes: Episodes,
}

/// The one instance.
pub static MEMORY: ConstStaticCell<Memory> = ConstStaticCell::new(Memory {
    vectors: [[0.0; DIM]; 5],
    fitness: [0.0; N],
    ranks: [0.0; N],
    episodes: Episodes::ZERO,
});

impl Memory {
    /// Deploys the best coefficients of the last run.
    pub fn deploy_best(&mut self) {
        let [_, best, _, _, deployed] = &mut self.vectors;
        *deployed = *best;
    }

    /// The evolution's buffers, the episodes' network and the deployed
    /// coefficients, borrowed apart.
    pub fn split(&mut self) -> (Buffers<'_>, &mut Episodes, &mut [f32; DIM]) {
        let [theta, best, candidate, scratch, deployed] = &mut self.vectors;
        let (fitness, ranks) = (&mut self.fitness, &mut self.ranks);
        let buffers = Buffers { theta, best, candidate, scratch, fitness, ranks };
        (buffers, &mut self.episodes, deployed)
    }
}
