//! The core's environments against Gymnasium's `step` on 1 000 recorded
//! random transitions each (tests/data/env/gen_env.py), with nominal and
//! with perturbed dynamics (set through the same keys as `--dynamics`).
//! Gymnasium computes in f64 and the core in f32, so states agree to f32
//! rounding. Also: a mid-episode change equals switching the dynamics by hand.

use plasticore::env::pendulum::{Pendulum, PendulumParams};
use plasticore::env::{CartPole, CartPoleParams, Change, Dynamics, Environment};
use plasticore_host::npy::read_npy;

fn load(name: &str) -> Vec<f32> {
    let a = read_npy(plasticore_tests::data(&format!("env/{name}.npy"))).expect("golden");
    a.as_f32().expect("float32").to_vec()
}

/// The worst difference of each state component over the recorded
/// transitions of `name` (relative, `|got − want| / (1 + |want|)`; the
/// first `angles` components are angles, compared modulo 2π, since near ±π
/// f32 may wrap to the other side), after checking every reward to 1e-5
/// relative. `step(state, action)` sets the state, steps, and returns the
/// next state and the reward.
fn replay<const N: usize>(
    name: &str,
    angles: usize,
    mut step: impl FnMut([f32; N], f32) -> ([f32; N], f32),
) -> [f32; N] {
    let (s, a) = (load(&format!("{name}_state")), load(&format!("{name}_action")));
    let (n, r) = (load(&format!("{name}_next")), load(&format!("{name}_reward")));
    assert!(!r.is_empty() && s.len() == N * r.len() && n.len() == s.len() && a.len() == r.len());
    let mut worst = [0.0f32; N];
    for (i, (&act, &reward)) in a.iter().zip(&r).enumerate() {
        let (got, rew) = step(core::array::from_fn(|k| s[N * i + k]), act);
        let rel = (rew - reward).abs() / (1.0 + reward.abs());
        assert!(rel <= 1e-5, "{name} {i}: reward {rew} vs {reward}");
        for (k, w) in worst.iter_mut().enumerate() {
            let want = n[N * i + k];
            let d = (got[k] - want).abs();
            let d = if k < angles { d.min((d - std::f32::consts::TAU).abs()) } else { d };
            *w = w.max(d / (1.0 + want.abs()));
        }
    }
    worst
}

fn params<P: Dynamics>(spec: &[(&str, f32)]) -> P {
    let mut p = P::NOMINAL;
    for (k, v) in spec {
        p.set(k, *v).unwrap();
    }
    p.validate().unwrap();
    p
}

/// Pendulum, nominal and perturbed (the reversed actuator fed the negated
/// torque gives Gymnasium's torque).
#[test]
fn pendulum_matches_gymnasium() {
    for (name, p, sign) in [
        ("pendulum", PendulumParams::NOMINAL, 1.0),
        (
            "pendulum_perturbed",
            params(&[
                ("m", 1.4),
                ("l", 0.7),
                ("g", 9.0),
                ("max_torque", 1.5),
                ("actuator_sign", -1.0),
            ]),
            -1.0,
        ),
    ] {
        let mut env = Pendulum::new(p).unwrap();
        let worst = replay(name, 0, |s, a| {
            env.set_state(s);
            let r = env.step(sign * a).unwrap().reward;
            (env.state(), r)
        });
        assert!(worst.iter().all(|&w| w <= 1e-5), "{name}: {worst:?}");
    }
}

/// Mountain car, nominal and with a weaker engine: position to 1e-5
/// relative, velocity (of order 0.01) to 1e-6.
#[test]
fn mountain_car_matches_gymnasium() {
    use plasticore::env::mountain_car::{MountainCar, MountainCarParams};
    let weak: MountainCarParams = params(&[("power", 0.0011)]);
    for (name, p) in [("mountaincar", MountainCarParams::NOMINAL), ("mountaincar_perturbed", weak)]
    {
        let mut env = MountainCar::new(p).unwrap();
        let [x, v] = replay(name, 0, |s, a| {
            env.set_state(s);
            let r = env.step(a).unwrap().reward;
            (env.state(), r)
        });
        assert!(x <= 1e-5 && v <= 1e-6, "{name}: x {x}, v {v}");
    }
}

/// Acrobot, nominal and with other links (RK4 in f32 against f64).
#[test]
fn acrobot_matches_gymnasium() {
    use plasticore::env::acrobot::{Acrobot, AcrobotParams};
    let other: AcrobotParams = params(&[
        ("link_length_1", 1.3),
        ("link_length_2", 0.8),
        ("link_mass_1", 0.9),
        ("link_mass_2", 1.6),
    ]);
    for (name, p) in [("acrobot", AcrobotParams::NOMINAL), ("acrobot_perturbed", other)] {
        let mut env = Acrobot::new(p).unwrap();
        let worst = replay(name, 2, |s, a| {
            env.set_state(s);
            let r = env.step(a as usize).unwrap().reward;
            (env.state(), r)
        });
        assert!(worst.iter().all(|&w| w < 1e-4), "{name}: {worst:?}");
        eprintln!("{name}: worst relative state difference {worst:?}");
    }
}

#[test]
fn perturbed_cartpole_matches_gymnasium() {
    let p: CartPoleParams = params(&[
        ("length", 0.8),
        ("masspole", 0.25),
        ("masscart", 1.3),
        ("gravity", 11.0),
        ("force_mag", 6.0),
        ("actuator_sign", -1.0),
    ]);
    let mut env = CartPole::with_params(p).unwrap();
    let worst = replay("cartpole_perturbed", 0, |s, a| {
        env.set_state(s);
        let r = env.step(a as usize).unwrap().reward;
        (env.state(), r)
    });
    assert!(worst.iter().all(|&w| w <= 1e-5), "{worst:?}");
}

/// A controller that always pushes right (output +1), drawing nothing.
struct PushRight;
impl plasticore::hebbian::Controller for PushRight {
    fn reset(&mut self, _: &mut plasticore::rng::Rng) {}
    fn step_slice(&mut self, _: &[f32]) -> Result<&[f32], plasticore::Error> {
        Ok(&[1.0])
    }
    fn weights_checksum(&self) -> u32 {
        0
    }
}

#[test]
fn mid_episode_change_equals_switching_by_hand() {
    let to: CartPoleParams = params(&[("force_mag", 3.0), ("actuator_sign", -1.0)]);
    for at in [0u32, 1, 5, 1000] {
        let o = plasticore::hebbian::episode::<CartPole, _>(
            &mut PushRight,
            CartPoleParams::NOMINAL,
            7,
            Some(Change { at, to }),
        )
        .unwrap();
        // By hand: the same seed's start state, the switch before step `at`.
        let mut rng = plasticore::rng::Rng::new(7);
        let mut env = CartPole::new();
        env.reset(&mut rng);
        let (mut steps, mut before) = (0u32, None);
        loop {
            if steps == at {
                env.set_params(to).unwrap();
                before = Some(steps as f32);
            }
            let st = env.step(1).unwrap();
            steps += 1;
            if st.done() {
                break;
            }
        }
        assert_eq!(o.steps, steps, "change at {at}");
        assert_eq!(o.ret, steps as f32);
        assert_eq!(o.ret_before, before.unwrap_or(steps as f32), "change at {at}");
    }
    // An invalid change is refused before anything runs.
    let bad = CartPoleParams { length: -1.0, ..CartPoleParams::NOMINAL };
    assert!(plasticore::hebbian::episode::<CartPole, _>(
        &mut PushRight,
        CartPoleParams::NOMINAL,
        7,
        Some(Change { at: 3, to: bad })
    )
    .is_err());
}
