//! The headline: the committed evolved coefficients balance CartPole from random
//! weights, on seeds never used in evolution; the generated Rust (firmware
//! path, `PlasticMlp` on a `static`) gives the same episodes bit for bit.

use plasticore::blob::Blob;
use plasticore::hebbian::{
    act_len, cartpole_episode, coeff_len, weight_len, PlasticMlp, PlasticNet,
};
use plasticore::rng::Rng;

mod evolved {
    include!("../data/hebbian/cartpole_abcd_lr.rs");
}

const BLOB: &[u8] = include_bytes!("../data/hebbian/cartpole_abcd_lr.blob");

fn blob_coeffs() -> (Vec<usize>, plasticore::hebbian::NetConfig, Vec<f32>) {
    let b = Blob::parse(BLOB).unwrap();
    let spec = plasticore::hebbian::NetSpec::parse(&b).unwrap();
    let (topo, cfg) = (spec.topology, spec.config);
    let mut c = vec![0.0; b.len()];
    b.read_into(&mut c).unwrap();
    (topo.sizes().to_vec(), cfg, c)
}

#[test]
fn evolved_rule_solves_cartpole_on_unseen_seeds() {
    let (sizes, cfg, c) = blob_coeffs();
    let mut w = vec![0.0; weight_len(&sizes)];
    let mut a = vec![0.0; act_len(&sizes)];
    let mut net = PlasticNet::new(&sizes, cfg, &c, &mut w, &mut a, &mut Rng::new(0)).unwrap();
    // Evolution only uses seeds >= 2^62 (host/src/evolve/seeds.rs); these are unseen.
    let returns: Vec<u32> =
        (0..100u64).map(|s| cartpole_episode(&mut net, s).unwrap().steps).collect();
    let mean = returns.iter().sum::<u32>() as f64 / returns.len() as f64;
    assert!(mean >= 475.0, "mean return {mean}: {returns:?}");
}

#[test]
fn plasticity_matters_weights_move_far_from_their_random_start() {
    // Zero coefficients (no plasticity) with the same random start must fail:
    // the result above comes from the learning rule, not from lucky weights.
    let (sizes, cfg, c) = blob_coeffs();
    let zero = vec![0.0; c.len()];
    let mut w = vec![0.0; weight_len(&sizes)];
    let mut a = vec![0.0; act_len(&sizes)];
    let mut net = PlasticNet::new(&sizes, cfg, &zero, &mut w, &mut a, &mut Rng::new(0)).unwrap();
    let mean =
        (0..100u64).map(|s| cartpole_episode(&mut net, s).unwrap().steps as f64).sum::<f64>()
            / 100.0;
    assert!(mean < 200.0, "random fixed weights reached {mean}");
}

#[test]
fn generated_rust_equals_blob_and_const_network_is_bit_identical() {
    let (sizes, cfg, c) = blob_coeffs();
    assert_eq!(sizes, evolved::SIZES);
    assert_eq!(cfg, evolved::CONFIG);
    assert_eq!(c.len(), evolved::COEFFS.len());
    for (x, y) in c.iter().zip(evolved::COEFFS.iter()) {
        assert_eq!(x.to_bits(), y.to_bits());
    }
    assert_eq!(
        coeff_len(&evolved::SIZES, cfg.rule, cfg.sharing),
        PlasticMlp::<4, 8, 1>::coeff_len(cfg.rule, cfg.sharing)
    );
    let mut mlp =
        PlasticMlp::<4, 8, 1>::new(&evolved::COEFFS, evolved::CONFIG, &mut Rng::new(0)).unwrap();
    let mut w = vec![0.0; weight_len(&sizes)];
    let mut a = vec![0.0; act_len(&sizes)];
    let mut net = PlasticNet::new(&sizes, cfg, &c, &mut w, &mut a, &mut Rng::new(0)).unwrap();
    for seed in 0..20u64 {
        let e1 = cartpole_episode(&mut mlp, seed).unwrap();
        let e2 = cartpole_episode(&mut net, seed).unwrap();
        assert_eq!(e1, e2, "seed {seed}");
    }
}
