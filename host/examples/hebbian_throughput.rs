//! Host synapse updates per second of `plasticore::hebbian::update` for every
//! rule at 64×64 (per-synapse and per-neuron sharing, no normalisation).
//! Prints one JSON object per line; run by `tests/data/hebbian/bench_numpy.py`,
//! which times a NumPy implementation of the same rules in the same run.
//!
//! `cargo run --release -p plasticore-host --example hebbian_throughput`

use std::time::Instant;

use plasticore::hebbian::{update, Coeffs, Norm, Rule, Sharing};
use plasticore::rng::Rng;

fn main() {
    let (n_out, n_in) = (64usize, 64usize);
    let mut rng = Rng::new(1);
    let mut pre = vec![0.0f32; n_in];
    let mut post = vec![0.0f32; n_out];
    rng.fill_uniform(&mut pre, -1.0, 1.0);
    rng.fill_uniform(&mut post, -1.0, 1.0);
    for sharing in [Sharing::PerSynapse, Sharing::PerPostNeuron] {
        for rule in Rule::ALL {
            let mut h = vec![0.0f32; sharing.coeff_len(rule, n_out, n_in)];
            // Small coefficients keep the weights bounded over many steps.
            rng.fill_uniform(&mut h, -1e-4, 1e-4);
            let c = Coeffs::new(&h, rule, sharing, n_out, n_in).unwrap();
            let mut w = vec![0.0f32; n_out * n_in];
            rng.fill_uniform(&mut w, -0.1, 0.1);
            let mut iters = 1000u64;
            let per_s = loop {
                let t = Instant::now();
                for _ in 0..iters {
                    update(&mut w, &pre, &post, &c, Norm::None).unwrap();
                }
                let s = t.elapsed().as_secs_f64();
                if s > 0.2 {
                    break (iters as f64 * (n_out * n_in) as f64) / s;
                }
                iters *= 4;
            };
            std::hint::black_box(&w);
            println!(
                "{{\"rule\":\"{}\",\"sharing\":\"{}\",\"shape\":[{n_out},{n_in}],\"synapse_updates_per_s\":{per_s:.0}}}",
                rule.name(),
                sharing.name()
            );
        }
    }
}
