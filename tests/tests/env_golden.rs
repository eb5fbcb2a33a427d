//! The core's environments against Gymnasium's `step` on 1 000 recorded
//! random transitions each (tests/data/env/gen_env.py). Gymnasium computes
//! in f64 and the core in f32, so states agree to f32 rounding.

use plasticore::env::pendulum::{Pendulum, PendulumParams};
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
