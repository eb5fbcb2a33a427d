//! The core's environments against Gymnasium's `step` on 1 000 recorded
//! random transitions each (tests/data/env/gen_env.py), with nominal and
//! with perturbed dynamics (set through the same keys as `--dynamics`).
//! Gymnasium computes in f64 and the core in f32, so states agree to f32
//! rounding. Also: a mid-episode change equals switching the dynamics by hand.

use plasticore::env::pendulum::{Pendulum, PendulumParams};
use plasticore::env::{CartPole, CartPoleParams, Change, Dynamics, Environment};
use plasticore_host::npy::read_npy;

fn load(name: &str) -> (Vec<f32>, usize) {
    let a = read_npy(plasticore_tests::data(&format!("env/{name}.npy"))).expect("golden");
    let cols = a.shape.get(1).copied().unwrap_or(1);
    (a.as_f32().expect("float32").to_vec(), cols)
}

fn close(got: f32, want: f32, tol: f32) -> bool {
    (got - want).abs() <= tol * (1.0 + want.abs())
}

#[test]
fn pendulum_matches_gymnasium() {
    let (s, _) = load("pendulum_state");
    let (a, _) = load("pendulum_action");
    let (n, _) = load("pendulum_next");
    let (r, _) = load("pendulum_reward");
    let mut env = Pendulum::new(PendulumParams::NOMINAL).unwrap();
    for i in 0..r.len() {
        env.set_state([s[2 * i], s[2 * i + 1]]);
        let step = env.step(a[i]).unwrap();
        let [th, thdot] = env.state();
        assert!(close(th, n[2 * i], 1e-5), "{i}: θ {th} vs {}", n[2 * i]);
        assert!(
            close(thdot, n[2 * i + 1], 1e-5),
            "{i}: θ̇ {thdot} vs {}",
            n[2 * i + 1]
        );
        assert!(
            close(step.reward, r[i], 1e-5),
            "{i}: reward {} vs {}",
            step.reward,
            r[i]
        );
    }
}

#[test]
fn mountain_car_matches_gymnasium() {
    use plasticore::env::mountain_car::{MountainCar, MountainCarParams};
    let (s, _) = load("mountaincar_state");
    let (a, _) = load("mountaincar_action");
    let (n, _) = load("mountaincar_next");
    let (r, _) = load("mountaincar_reward");
    let mut env = MountainCar::new(MountainCarParams::NOMINAL).unwrap();
    for i in 0..r.len() {
        env.set_state([s[2 * i], s[2 * i + 1]]);
        let step = env.step(a[i]).unwrap();
        let [x, v] = env.state();
        assert!(close(x, n[2 * i], 1e-5), "{i}: x {x} vs {}", n[2 * i]);
        assert!(
            (v - n[2 * i + 1]).abs() <= 1e-6,
            "{i}: v {v} vs {}",
            n[2 * i + 1]
        );
        assert!(
            close(step.reward, r[i], 1e-5),
            "{i}: reward {} vs {}",
            step.reward,
            r[i]
        );
    }
}

#[test]
fn acrobot_matches_gymnasium() {
    use plasticore::env::acrobot::{Acrobot, AcrobotParams};
    let (s, _) = load("acrobot_state");
    let (a, _) = load("acrobot_action");
    let (n, _) = load("acrobot_next");
    let (r, _) = load("acrobot_reward");
    let mut env = Acrobot::new(AcrobotParams::NOMINAL).unwrap();
    let mut worst = 0.0f32;
    for i in 0..r.len() {
        env.set_state(core::array::from_fn(|k| s[4 * i + k]));
        let step = env.step(a[i] as usize).unwrap();
        let got = env.state();
        for k in 0..4 {
            let want = n[4 * i + k];
            // Angles near ±π may wrap to the other side in f32.
            let d = if k < 2 {
                let d = (got[k] - want).abs();
                d.min((d - 2.0 * std::f32::consts::PI).abs())
            } else {
                (got[k] - want).abs()
            };
            worst = worst.max(d / (1.0 + want.abs()));
        }
        assert_eq!(step.reward, r[i], "{i}");
    }
    assert!(worst < 1e-4, "worst relative difference {worst}");
    eprintln!("acrobot: worst relative state difference {worst:e}");
}

fn params<P: Dynamics>(spec: &[(&str, f32)]) -> P {
    let mut p = P::NOMINAL;
    for (k, v) in spec {
        p.set(k, *v).unwrap();
    }
    p.validate().unwrap();
    p
}

#[test]
fn perturbed_cartpole_matches_gymnasium() {
    let (s, _) = load("cartpole_perturbed_state");
    let (a, _) = load("cartpole_perturbed_action");
    let (n, _) = load("cartpole_perturbed_next");
    let p: CartPoleParams = params(&[
        ("length", 0.8),
        ("masspole", 0.25),
        ("masscart", 1.3),
        ("gravity", 11.0),
        ("force_mag", 6.0),
        ("actuator_sign", -1.0),
    ]);
    let mut env = CartPole::with_params(p).unwrap();
    for i in 0..a.len() {
        env.set_state(core::array::from_fn(|k| s[4 * i + k]));
        env.step(a[i] as usize).unwrap();
        let got = env.state();
        for k in 0..4 {
            assert!(
                close(got[k], n[4 * i + k], 1e-5),
                "{i}/{k}: {} vs {}",
                got[k],
                n[4 * i + k]
            );
        }
    }
}

#[test]
fn perturbed_pendulum_matches_gymnasium() {
    let (s, _) = load("pendulum_perturbed_state");
    let (a, _) = load("pendulum_perturbed_action");
    let (n, _) = load("pendulum_perturbed_next");
    let (r, _) = load("pendulum_perturbed_reward");
    // The reversed actuator fed the negated torque gives Gymnasium's torque.
    let p: PendulumParams = params(&[
        ("m", 1.4),
        ("l", 0.7),
        ("g", 9.0),
        ("max_torque", 1.5),
        ("actuator_sign", -1.0),
    ]);
    let mut env = Pendulum::new(p).unwrap();
    for i in 0..r.len() {
        env.set_state([s[2 * i], s[2 * i + 1]]);
        let step = env.step(-a[i]).unwrap();
        let [th, thdot] = env.state();
        assert!(close(th, n[2 * i], 1e-5), "{i}: θ {th} vs {}", n[2 * i]);
        assert!(close(thdot, n[2 * i + 1], 1e-5), "{i}: θ̇ {thdot}");
        assert!(
            close(step.reward, r[i], 1e-5),
            "{i}: reward {} vs {}",
            step.reward,
            r[i]
        );
    }
}

#[test]
fn perturbed_mountain_car_matches_gymnasium() {
    use plasticore::env::mountain_car::{MountainCar, MountainCarParams};
    let (s, _) = load("mountaincar_perturbed_state");
    let (a, _) = load("mountaincar_perturbed_action");
    let (n, _) = load("mountaincar_perturbed_next");
    let p: MountainCarParams = params(&[("power", 0.0011)]);
    let mut env = MountainCar::new(p).unwrap();
    for i in 0..a.len() {
        env.set_state([s[2 * i], s[2 * i + 1]]);
        env.step(a[i]).unwrap();
        let [x, v] = env.state();
        assert!(close(x, n[2 * i], 1e-5), "{i}: x {x} vs {}", n[2 * i]);
        assert!(
            (v - n[2 * i + 1]).abs() <= 1e-6,
            "{i}: v {v} vs {}",
            n[2 * i + 1]
        );
    }
}

#[test]
fn perturbed_acrobot_matches_gymnasium() {
    use plasticore::env::acrobot::{Acrobot, AcrobotParams};
    let (s, _) = load("acrobot_perturbed_state");
    let (a, _) = load("acrobot_perturbed_action");
    let (n, _) = load("acrobot_perturbed_next");
    let p: AcrobotParams = params(&[
        ("link_length_1", 1.3),
        ("link_length_2", 0.8),
        ("link_mass_1", 0.9),
        ("link_mass_2", 1.6),
    ]);
    let mut env = Acrobot::new(p).unwrap();
    let mut worst = 0.0f32;
    for i in 0..a.len() {
        env.set_state(core::array::from_fn(|k| s[4 * i + k]));
        env.step(a[i] as usize).unwrap();
        let got = env.state();
        for k in 0..4 {
            let want = n[4 * i + k];
            let d = (got[k] - want).abs();
            let d = if k < 2 {
                d.min((d - 2.0 * std::f32::consts::PI).abs())
            } else {
                d
            };
            worst = worst.max(d / (1.0 + want.abs()));
        }
    }
    assert!(worst < 1e-4, "worst relative difference {worst}");
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
        assert_eq!(
            o.ret_before,
            before.unwrap_or(steps as f32),
            "change at {at}"
        );
    }
    // An invalid change is refused before anything runs.
    let bad = CartPoleParams {
        length: -1.0,
        ..CartPoleParams::NOMINAL
    };
    assert!(plasticore::hebbian::episode::<CartPole, _>(
        &mut PushRight,
        CartPoleParams::NOMINAL,
        7,
        Some(Change { at: 3, to: bad })
    )
    .is_err());
}
