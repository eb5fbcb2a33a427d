//! The network the board evolves, and one CartPole episode of it: f32 on the
//! cores with an FPU; Q15 on the others, where every f32 operation would be
//! soft float (the coefficients stay f32, folded and quantised per candidate
//! exactly as `plasticore evolve --network q15` does it).

use plasticore::env::{CartPole, CartPoleParams, Dynamics};
use plasticore::hebbian::{act_len, coeff_len, episode, weight_len, NetConfig};
use plasticore::hebbian::{Activation, Norm, Rule, Sharing};
use plasticore::Error;

/// Layer sizes `[in, hidden, out]`: CartPole's 4 observations, 1 output.
pub const SIZES: [usize; 3] = [4, 8, 1];
/// The host's CartPole preset: ABCD_lr per synapse, max-abs norm, tanh out.
pub const CONFIG: NetConfig = NetConfig {
    rule: Rule::ABCDLr,
    sharing: Sharing::PerSynapse,
    norm: Norm::MaxAbs,
    output: Activation::Tanh,
};
/// Coefficients evolved (200).
pub const DIM: usize = coeff_len(&SIZES, CONFIG.rule, CONFIG.sharing);
/// Whether this core runs the fixed-point network.
pub const Q15: bool = !cfg!(target_abi = "eabihf");

/// The changes a deployed controller meets: the actuator reversed, and the
/// push weakened from 10 N to 0.6 N.
pub const CHANGES: [(&str, CartPoleParams); 2] = [
    ("actuator_sign=-1", CartPoleParams { actuator_sign: -1.0, ..CartPoleParams::NOMINAL }),
    ("force_mag=0.6", CartPoleParams { force_mag: 0.6, ..CartPoleParams::NOMINAL }),
];

/// The network's buffers: weights and activations (and the folded
/// coefficients on the Q15 network). All zero: a static of them is `.bss`.
pub struct Episodes {
    #[cfg(target_abi = "eabihf")]
    net: ([f32; weight_len(&SIZES)], [f32; act_len(&SIZES)]),
    #[cfg(not(target_abi = "eabihf"))]
    net: (
        [i16; plasticore::hebbian::q15::folded_len(&SIZES, CONFIG.sharing)],
        [i16; weight_len(&SIZES)],
        [i16; act_len(&SIZES)],
    ),
}

impl Episodes {
    /// Zeroed buffers.
    pub const ZERO: Episodes = Episodes {
        #[cfg(target_abi = "eabihf")]
        net: ([0.0; _], [0.0; _]),
        #[cfg(not(target_abi = "eabihf"))]
        net: ([0; _], [0; _], [0; _]),
    };

    /// The return of one CartPole episode of `coeffs` on `plant` with `seed`.
    pub fn run(&mut self, plant: CartPoleParams, coeffs: &[f32], seed: u64) -> Result<f32, Error> {
        let rng = &mut plasticore::rng::Rng::new(0);
        #[cfg(target_abi = "eabihf")]
        let mut net = {
            let (w, a) = &mut self.net;
            plasticore::hebbian::PlasticNet::new(&SIZES, CONFIG, coeffs, w, a, rng)?
        };
        #[cfg(not(target_abi = "eabihf"))]
        let mut net = {
            use plasticore::hebbian::q15::{fold_coeffs, PlasticNetQ15, OBS_FRAC};
            let (c, w, a) = &mut self.net;
            fold_coeffs(CONFIG.rule, coeffs, c)?;
            PlasticNetQ15::new(&SIZES, CONFIG, OBS_FRAC, c, w, a, rng)?
        };
        Ok(episode::<CartPole, _>(&mut net, plant, seed, None)?.ret)
    }
}
