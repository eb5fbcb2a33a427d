//! plasticore::hebbian::update against an independent NumPy float64
//! implementation (tests/data/hebbian/gen_hebbian.py): every rule × sharing × norm.

use plasticore::hebbian::{update, Coeffs, Norm, Rule, Sharing};
use plasticore_host::npy::read_npy;

fn load(name: &str) -> (Vec<usize>, Vec<f32>) {
    let p = format!("{}/data/hebbian/{name}.npy", env!("CARGO_MANIFEST_DIR"));
    let a = read_npy(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
    (a.shape.clone(), a.as_f32().expect("float32").to_vec())
}

#[test]
fn update_matches_numpy_for_every_rule_sharing_and_norm() {
    let (ws, w) = load("w");
    let (_, pre) = load("pre");
    let (_, post) = load("post");
    let (_, cs) = load("coeffs_synapse");
    let (_, cn) = load("coeffs_neuron");
    let (_, cl) = load("coeffs_layer");
    let (es, expected) = load("expected");
    let (cases, n_out, n_in, kmax) = (ws[0], ws[1], ws[2], 6);
    assert_eq!(es, vec![9, 3, 3, cases, n_out, n_in]);
    let nw = n_out * n_in;
    let norms = [Norm::None, Norm::MaxAbs, Norm::Clamp(0.5)];
    let mut worst = 0.0f32;
    for (r, rule) in Rule::ALL.into_iter().enumerate() {
        let k = rule.k();
        for (s, sharing) in Sharing::ALL.into_iter().enumerate() {
            for (n, norm) in norms.into_iter().enumerate() {
                for c in 0..cases {
                    // The first k of the 6 stored components of each coefficient vector.
                    let (src, vectors) = match sharing {
                        Sharing::PerSynapse => (&cs[c * nw * kmax..], nw),
                        Sharing::PerPostNeuron => (&cn[c * n_out * kmax..], n_out),
                        Sharing::PerLayer => (&cl[c * kmax..], 1),
                    };
                    let h: Vec<f32> = (0..vectors)
                        .flat_map(|v| src[v * kmax..v * kmax + k].iter().copied())
                        .collect();
                    let coeffs = Coeffs::new(&h, rule, sharing, n_out, n_in).unwrap();
                    let mut wc = w[c * nw..(c + 1) * nw].to_vec();
                    update(
                        &mut wc,
                        &pre[c * n_in..(c + 1) * n_in],
                        &post[c * n_out..(c + 1) * n_out],
                        &coeffs,
                        norm,
                    )
                    .unwrap();
                    let base = (((r * 3 + s) * 3 + n) * cases + c) * nw;
                    for (idx, (&got, &want)) in
                        wc.iter().zip(&expected[base..base + nw]).enumerate()
                    {
                        let err = (got - want).abs();
                        worst = worst.max(err);
                        // |w'| ≲ 5: a few f32 ulps of the largest term.
                        assert!(
                            err <= 4e-6,
                            "{} {} {norm:?} case {c} [{idx}]: {got} vs numpy {want}",
                            rule.name(),
                            sharing.name()
                        );
                    }
                }
            }
        }
    }
    eprintln!("worst |rust - numpy| = {worst:e}");
}

/// The committed evolved network's first 30 CartPole steps against an independent
/// NumPy float64 implementation (tests/data/hebbian/gen_hebbian_episode.py), which
/// re-implements the generator, the blob format, the network, the rule and gym's step.
#[test]
fn episode_matches_numpy_reimplementation() {
    use plasticore::blob::Blob;
    use plasticore::env::{action_from_output, CartPole};
    use plasticore::hebbian::{act_len, weight_len, NetSpec, PlasticNet};
    use plasticore::rng::Rng;

    let bytes =
        std::fs::read(format!("{}/data/hebbian/cartpole_abcd_lr.blob", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    let b = Blob::parse(&bytes).unwrap();
    let NetSpec { topology: topo, config: cfg, .. } = NetSpec::parse(&b).unwrap();
    let mut c = vec![0.0; b.len()];
    b.read_into(&mut c).unwrap();
    let sizes = topo.sizes();
    let (os, obs) = load("episode_obs");
    let (wsh, wts) = load("episode_weights");
    let (seeds, steps) = (os[0], os[1] - 1);
    let nw = wsh[1];
    assert_eq!(nw, weight_len(sizes));
    let mut w = vec![0.0; nw];
    let mut a = vec![0.0; act_len(sizes)];
    let mut net = PlasticNet::new(sizes, cfg, &c, &mut w, &mut a, &mut Rng::new(0)).unwrap();
    let mut worst = 0.0f32;
    for seed in 0..seeds {
        let mut rng = Rng::new(seed as u64);
        net.reset(&mut rng);
        let mut env = CartPole::new();
        let mut s = env.reset(&mut rng);
        // Same generator stream: the initial state is bit-identical.
        assert_eq!(&s[..], &obs[seed * (steps + 1) * 4..][..4], "seed {seed}");
        for t in 1..=steps {
            let y = net.step(&s).unwrap();
            s = env.step(action_from_output(y)).unwrap().obs;
            let want = &obs[(seed * (steps + 1) + t) * 4..][..4];
            for (g, e) in s.iter().zip(want) {
                let err = (g - e).abs();
                worst = worst.max(err);
                assert!(err < 1e-4, "seed {seed} step {t}: {s:?} vs numpy {want:?}");
            }
        }
        for (g, e) in net.weights().iter().zip(&wts[seed * nw..(seed + 1) * nw]) {
            assert!((g - e).abs() < 1e-4, "seed {seed} final weights: {g} vs numpy {e}");
        }
    }
    eprintln!("worst |rust - numpy| state error over {steps} steps: {worst:e}");
}
