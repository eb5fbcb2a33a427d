//! Long runs stay bounded: a plastic network for 10⁶ steps under each
//! normalisation (weights stay within their bound; without a norm, a rule with
//! positive feedback diverges and the step reports it as an error instead of
//! returning NaN), the fixed-point network for 10⁶ steps, and an LSH index
//! through 10⁶ random insert/remove cycles with its invariants checked after
//! each. (The moving average's 10⁸-sample drift check is numerics_stream.rs.)

use plasticore::hebbian::q15::PlasticNetQ15;
use plasticore::hebbian::{
    act_len, coeff_len, weight_len, Activation, NetConfig, Norm, PlasticNet, Rule, Sharing,
    DIVERGED,
};
use plasticore::lsh::LshIndex;
use plasticore::rng::Rng;
use plasticore::Error;

const STEPS: usize = 1_000_000;
const SIZES: [usize; 3] = [4, 8, 1];

fn config(norm: Norm) -> NetConfig {
    NetConfig { rule: Rule::ABCDLr, sharing: Sharing::PerSynapse, norm, output: Activation::Tanh }
}

/// Coefficients with strong positive feedback: A = B = C = D = 1, η = 4,
/// so |Δw| can reach 16 per step.
fn runaway() -> Vec<f32> {
    let n = coeff_len(&SIZES, Rule::ABCDLr, Sharing::PerSynapse);
    (0..n).map(|i| if i % 5 == 3 { 4.0 } else { 1.0 }).collect()
}

#[test]
fn plastic_network_stays_bounded_for_a_million_steps_under_each_norm() {
    let c = runaway();
    for (norm, bound) in [(Norm::MaxAbs, 1.0f32), (Norm::Clamp(2.0), 2.0)] {
        let mut w = vec![0.0; weight_len(&SIZES)];
        let mut a = vec![0.0; act_len(&SIZES)];
        let mut net =
            PlasticNet::new(&SIZES, config(norm), &c, &mut w, &mut a, &mut Rng::new(0)).unwrap();
        let mut rng = Rng::new(1);
        net.reset(&mut rng);
        let mut x = [0.0f32; 4];
        for step in 0..STEPS {
            rng.fill_uniform(&mut x, -1.0, 1.0);
            let y = net.step(&x).unwrap_or_else(|e| panic!("{norm:?} step {step}: {e}"));
            assert!(y[0].is_finite());
            if step % 1000 == 0 || step + 1 == STEPS {
                let m = net.weights().iter().fold(0.0f32, |m, v| m.max(v.abs()));
                assert!(m <= bound, "{norm:?} step {step}: max |w| = {m} > {bound}");
            }
        }
    }
}

#[test]
fn without_a_norm_divergence_is_an_error_not_a_nan() {
    let c = runaway();
    let mut w = vec![0.0; weight_len(&SIZES)];
    let mut a = vec![0.0; act_len(&SIZES)];
    let mut net =
        PlasticNet::new(&SIZES, config(Norm::None), &c, &mut w, &mut a, &mut Rng::new(0)).unwrap();
    let mut rng = Rng::new(2);
    net.reset(&mut rng);
    let x = [1.0f32, 1.0, 1.0, 1.0];
    let mut failed_at = None;
    for step in 0..STEPS {
        match net.step(&x) {
            Ok(y) => assert!(!y[0].is_nan(), "step {step}: a NaN output was returned"),
            Err(Error::NonFinite { what, .. } | Error::InvalidArgument { what, .. }) => {
                assert!(what.contains("weights"), "{what}");
                assert!(
                    net.weights().iter().any(|w| !w.is_finite() || w.abs() > DIVERGED),
                    "reported only once the weights are beyond the limit"
                );
                failed_at = Some(step);
                break;
            }
            Err(e) => panic!("step {step}: unexpected {e}"),
        }
    }
    let at = failed_at.expect("the runaway rule diverges without a norm");
    eprintln!("no norm: divergence reported at step {at}");
}

#[test]
fn fixed_point_network_stays_bounded_for_a_million_steps() {
    let cf = runaway();
    let mut c = vec![0i16; cf.len() / config(Norm::None).rule.k() * 4];
    plasticore::hebbian::q15::fold_coeffs(config(Norm::None).rule, &cf, &mut c).unwrap();
    for norm in [Norm::None, Norm::MaxAbs, Norm::Clamp(0.5)] {
        let mut w = vec![0i16; weight_len(&SIZES)];
        let mut a = vec![0i16; act_len(&SIZES)];
        let mut net =
            PlasticNetQ15::new(&SIZES, config(norm), 12, &c, &mut w, &mut a, &mut Rng::new(0))
                .unwrap();
        let mut rng = Rng::new(3);
        net.reset(&mut rng);
        let mut x = [0i16; 4];
        for _ in 0..STEPS {
            for v in x.iter_mut() {
                *v = (rng.next() >> 20) as i16 - 2048; // ±0.5 in Q12
            }
            net.step_q(&x).unwrap();
        }
        let bound = match norm {
            Norm::Clamp(c) => (c * 32768.0) as i32,
            _ => 32767,
        };
        assert!(net.weights().iter().all(|&v| (v as i32).abs() <= bound), "{norm:?}");
    }
}

#[test]
fn lsh_index_keeps_its_invariants_through_a_million_insert_remove_cycles() {
    let mut idx = LshIndex::<8, 16, 3, 6>::new(7);
    let mut rng = Rng::new(8);
    let mut live = [false; 16];
    let mut x = [0.0f32; 8];
    for cycle in 0..STEPS {
        let slot = rng.below(16) as usize;
        if live[slot] {
            idx.remove(slot as u32).unwrap();
            live[slot] = false;
        } else {
            rng.fill_normal(&mut x);
            match idx.insert(&x) {
                Ok(id) => live[id as usize] = true,
                Err(Error::Capacity { .. }) => assert_eq!(idx.len(), 16),
                Err(e) => panic!("cycle {cycle}: {e}"),
            }
        }
        if cycle % 100_000 == 0 {
            idx.recenter().unwrap();
        }
        if let Err(why) = idx.check_invariants() {
            panic!("cycle {cycle}: {why}");
        }
        assert_eq!(idx.len(), live.iter().filter(|&&l| l).count());
    }
}
