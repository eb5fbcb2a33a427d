//! CartPole against the closed-form Euler step in f64, and the plastic
//! network against a direct f64 forward + Hebbian update.

use plasticore::env::cartpole::{self, CartPole};
use plasticore::hebbian::{
    act_len, coeff_len, weight_len, Activation, NetConfig, Norm, PlasticMlp, PlasticNet, Rule,
    Sharing,
};
use plasticore::rng::Rng;
use plasticore::Error;

/// Gym's CartPoleEnv.step (Euler), in f64.
fn gym_step(s: [f64; 4], action: usize) -> [f64; 4] {
    let (g, mc, mp, l, fm, tau) = (9.8, 1.0, 0.1, 0.5, 10.0, 0.02);
    let total = mc + mp;
    let pml = mp * l;
    let [x, xd, th, thd] = s;
    let f = if action == 1 { fm } else { -fm };
    let (sn, cs) = (th.sin(), th.cos());
    let temp = (f + pml * thd * thd * sn) / total;
    let thacc = (g * sn - cs * temp) / (l * (4.0 / 3.0 - mp * cs * cs / total));
    let xacc = temp - pml * thacc * cs / total;
    [x + tau * xd, xd + tau * xacc, th + tau * thd, thd + tau * thacc]
}

#[test]
fn single_steps_match_gym_formula_in_f64() {
    let mut rng = Rng::new(5);
    let mut env = CartPole::new();
    for _ in 0..500 {
        let s: [f32; 4] = [
            rng.uniform(-2.0, 2.0),
            rng.uniform(-3.0, 3.0),
            rng.uniform(-0.2, 0.2),
            rng.uniform(-3.0, 3.0),
        ];
        let action = (rng.next() & 1) as usize;
        env.set_state(s);
        let got = env.step(action).unwrap();
        let want = gym_step(s.map(f64::from), action);
        for (g, w) in got.obs.iter().zip(want) {
            assert!((*g as f64 - w).abs() < 1e-5 * (1.0 + w.abs()), "{got:?} vs {want:?}");
        }
        let term = want[0].abs() > 2.4 || want[2].abs() > 12.0 * 2.0 * std::f64::consts::PI / 360.0;
        assert_eq!(got.terminated, term);
        assert_eq!(got.reward, 1.0);
    }
}

#[test]
fn episodes_are_truncated_at_500_and_reset_is_uniform() {
    let mut env = CartPole::new();
    let mut rng = Rng::new(9);
    let mut lo = [0.0f32; 4];
    let mut hi = [0.0f32; 4];
    for _ in 0..2000 {
        let s = env.reset(&mut rng);
        for k in 0..4 {
            assert!((-0.05..0.05).contains(&s[k]));
            lo[k] = lo[k].min(s[k]);
            hi[k] = hi[k].max(s[k]);
        }
    }
    // 2000 draws of U(-0.05, 0.05): the extremes are within 0.001 of the ends
    // with probability 1 - 2·0.99^2000 ≈ 1 - 4e-9.
    assert!(lo.iter().all(|v| *v < -0.049) && hi.iter().all(|v| *v > 0.049));
    // A hand-made stabilising controller survives to the truncation.
    env.reset(&mut rng);
    let mut steps = 0;
    loop {
        let [_, xd, th, thd] = env.state();
        let a = usize::from(th + 0.5 * thd + 0.01 * xd > 0.0);
        let st = env.step(a).unwrap();
        steps += 1;
        if st.done() {
            assert!(st.truncated && !st.terminated);
            break;
        }
    }
    assert_eq!(steps, cartpole::MAX_STEPS);
    assert!(matches!(env.step(0), Err(Error::InvalidArgument { .. })));
}

#[test]
fn network_step_matches_f64_forward_and_update() {
    let sizes = [3usize, 4, 2];
    let cfg = NetConfig {
        rule: Rule::ABCDLr,
        sharing: Sharing::PerSynapse,
        norm: Norm::None,
        output: Activation::Linear,
    };
    let mut rng = Rng::new(77);
    let mut c = vec![0.0f32; coeff_len(&sizes, cfg.rule, cfg.sharing)];
    rng.fill_uniform(&mut c, -0.5, 0.5);
    let mut w = vec![0.0; weight_len(&sizes)];
    let mut a = vec![0.0; act_len(&sizes)];
    let mut net = PlasticNet::new(&sizes, cfg, &c, &mut w, &mut a, &mut Rng::new(0)).unwrap();
    net.reset(&mut Rng::new(1));
    let mut w64: Vec<f64> = net.weights().iter().map(|&v| v as f64).collect();
    for v in &w64 {
        assert!(v.abs() < 0.1);
    }
    for _ in 0..5 {
        let x: Vec<f32> = (0..3).map(|_| rng.uniform(-1.0, 1.0)).collect();
        let y = net.step(&x).unwrap().to_vec();
        // f64 reference: h = tanh(W1 x), y = W2 h, then ΔW[j,i] = h3(h0 oi oj + h1 oi + h2 oj + h4).
        let x64: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        let h64: Vec<f64> =
            (0..4).map(|j| (0..3).map(|i| w64[j * 3 + i] * x64[i]).sum::<f64>().tanh()).collect();
        let y64: Vec<f64> =
            (0..2).map(|j| (0..4).map(|i| w64[12 + j * 4 + i] * h64[i]).sum::<f64>()).collect();
        for (g, e) in y.iter().zip(&y64) {
            assert!((*g as f64 - e).abs() < 1e-5);
        }
        let mut cofs = 0;
        for (woff, pre, post) in [(0usize, &x64, &h64), (12, &h64, &y64)] {
            for j in 0..post.len() {
                for i in 0..pre.len() {
                    let h: Vec<f64> = c[cofs..cofs + 5].iter().map(|&v| v as f64).collect();
                    cofs += 5;
                    let (oi, oj) = (pre[i], post[j]);
                    w64[woff + j * pre.len() + i] +=
                        h[3] * (h[0] * oi * oj + h[1] * oi + h[2] * oj + h[4]);
                }
            }
        }
        for (g, e) in net.weights().iter().zip(&w64) {
            assert!((*g as f64 - e).abs() < 1e-5, "{g} vs {e}");
        }
    }
}

#[test]
fn bad_network_inputs_give_errors_and_change_nothing() {
    let sizes = [4usize, 3, 1];
    let cfg = NetConfig {
        rule: Rule::ABCDLr,
        sharing: Sharing::PerPostNeuron,
        norm: Norm::MaxAbs,
        output: Activation::Tanh,
    };
    let n = coeff_len(&sizes, cfg.rule, cfg.sharing);
    assert_eq!(n, (3 + 1) * 5);
    let c = vec![0.1f32; n];
    let mut w = vec![0.0; weight_len(&sizes)];
    let mut a = vec![0.0; act_len(&sizes)];
    assert!(matches!(
        PlasticNet::new(&sizes, cfg, &c[1..], &mut w, &mut a, &mut Rng::new(0)),
        Err(Error::ShapeMismatch { what: "coeffs", .. })
    ));
    assert!(matches!(
        PlasticNet::new(&sizes, cfg, &c, &mut w[1..], &mut a, &mut Rng::new(0)),
        Err(Error::ShapeMismatch { what: "weights", .. })
    ));
    assert!(matches!(
        PlasticNet::new(&[4], cfg, &c, &mut w, &mut a, &mut Rng::new(0)),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        PlasticNet::new(&[4, 0, 1], cfg, &c, &mut w, &mut a, &mut Rng::new(0)),
        Err(Error::Empty { .. })
    ));
    let mut bad = c.clone();
    bad[4] = f32::NAN;
    assert!(matches!(
        PlasticNet::new(&sizes, cfg, &bad, &mut w, &mut a, &mut Rng::new(0)),
        Err(Error::NonFinite { what: "coeffs", index: 4 })
    ));
    let bad_norm = NetConfig { norm: Norm::Clamp(0.0), ..cfg };
    assert!(PlasticNet::new(&sizes, bad_norm, &c, &mut w, &mut a, &mut Rng::new(0)).is_err());
    let mut net = PlasticNet::new(&sizes, cfg, &c, &mut w, &mut a, &mut Rng::new(0)).unwrap();
    net.reset(&mut Rng::new(3));
    let before = net.weights().to_vec();
    assert!(matches!(net.step(&[0.0; 3]), Err(Error::ShapeMismatch { what: "input", .. })));
    assert!(matches!(
        net.step(&[0.0, f32::INFINITY, 0.0, 0.0]),
        Err(Error::NonFinite { what: "input", index: 1 })
    ));
    assert_eq!(net.weights(), &before[..]);
    assert!(PlasticMlp::<4, 3, 1>::new(&c[1..], cfg, &mut Rng::new(0)).is_err());
    assert!(PlasticMlp::<4, 3, 1>::new(&bad, cfg, &mut Rng::new(0)).is_err());
    let mut mlp = PlasticMlp::<4, 3, 1>::new(&c, cfg, &mut Rng::new(0)).unwrap();
    assert!(mlp.step(&[f32::NAN, 0.0, 0.0, 0.0]).is_err());
    // Max-abs keeps every layer in [-1, 1] whatever the coefficients do.
    mlp.reset(&mut Rng::new(3));
    for _ in 0..50 {
        mlp.step(&[1.0, -2.0, 0.5, 3.0]).unwrap();
    }
    let m = mlp.hidden.weights().iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!((m - 1.0).abs() < 1e-6, "{m}");
}

#[test]
fn huge_sizes_are_errors_not_overflows() {
    let cfg = NetConfig {
        rule: Rule::ABCDLr,
        sharing: Sharing::PerSynapse,
        norm: Norm::None,
        output: Activation::Linear,
    };
    let sizes = [65536usize, 65536, 65536, 65536, 65536];
    assert!(weight_len(&sizes) >= 4 * 65536 * 65536 || weight_len(&sizes) == usize::MAX);
    let mut w = [0.0f32; 4];
    let mut a = [0.0f32; 4];
    assert!(matches!(
        PlasticNet::new(&sizes, cfg, &[], &mut w, &mut a, &mut Rng::new(0)),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(PlasticNet::new(&[4, 65537, 1], cfg, &[], &mut w, &mut a, &mut Rng::new(0)).is_err());
}
