//! The keys every environment shares for a deployed controller's changes
//! (`actuator_gain`, `sensor_bias`, `sensor_noise`, `action_delay`),
//! each checked against an independent statement of what it must do: a
//! gain of ½ is a halved force constant, bias and delay against the same
//! episode replayed by hand from the plant's own `step`, noise against its
//! distribution, and nominal values against the unperturbed episode bit for
//! bit.

use plasticore::env::{
    Acrobot, AcrobotParams, CartPole, CartPoleParams, Channel, Deployment, Dynamics, Environment,
    MountainCar, MountainCarParams, Pendulum, PendulumParams, MAX_ACTION_DELAY,
};
use plasticore::hebbian::{episode, Controller};
use plasticore::rng::Rng;
use plasticore::Error;

/// A controller that records what it sees and answers with a fixed
/// function of the step number and the observation.
struct Recorder {
    seen: Vec<Vec<f32>>,
    out: Vec<f32>,
    policy: fn(usize, &[f32]) -> Vec<f32>,
}

impl Recorder {
    fn new(policy: fn(usize, &[f32]) -> Vec<f32>) -> Self {
        Recorder { seen: vec![], out: vec![], policy }
    }
}

impl Controller for Recorder {
    fn reset(&mut self, _: &mut Rng) {
        self.seen.clear();
    }
    fn step_slice(&mut self, obs: &[f32]) -> Result<&[f32], Error> {
        self.out = (self.policy)(self.seen.len(), obs);
        self.seen.push(obs.to_vec());
        Ok(&self.out)
    }
    fn weights_checksum(&self) -> u32 {
        0
    }
}

/// A policy that uses its input: the sign of a fixed mix of it.
fn feedback(_: usize, obs: &[f32]) -> Vec<f32> {
    let s: f32 =
        obs.iter().enumerate().map(|(i, v)| v * [0.3, 0.5, 1.0, 0.7, -0.2, 0.1][i % 6]).sum();
    vec![s.clamp(-1.0, 1.0)]
}

/// A policy that ignores its input: a fixed sequence of outputs.
fn sequence(t: usize, _: &[f32]) -> Vec<f32> {
    vec![[0.9f32, -0.4, 0.2, -1.0, 0.6][t % 5]]
}

fn run<E: Environment>(
    p: E::Params,
    seed: u64,
    policy: fn(usize, &[f32]) -> Vec<f32>,
) -> (plasticore::hebbian::Outcome, Recorder) {
    let mut r = Recorder::new(policy);
    let o = episode::<E, _>(&mut r, p, seed, None).unwrap();
    (o, r)
}

fn with<P: Dynamics>(mut p: P, key: &str, v: f32) -> P {
    p.set(key, v).unwrap();
    p.validate().unwrap();
    p
}

#[test]
fn nominal_deployment_keys_change_nothing() {
    let n = CartPoleParams::NOMINAL;
    assert_eq!(n.deployment(), Deployment::NONE);
    // Each key at its nominal value, set explicitly: the same episode bit for bit.
    for (k, v) in
        [("actuator_gain", 1.0), ("sensor_bias", 0.0), ("sensor_noise", 0.0), ("action_delay", 0.0)]
    {
        let (a, ra) = run::<CartPole>(n, 3, feedback);
        let (b, rb) = run::<CartPole>(with(n, k, v), 3, feedback);
        assert_eq!(a, b, "{k}");
        assert_eq!(ra.seen, rb.seen, "{k}");
    }
}

#[test]
fn a_gain_of_one_half_is_half_the_force_constant() {
    // CartPole: the push ±force_mag·gain, so gain ½ is force_mag 5.
    let half = with(CartPoleParams::NOMINAL, "actuator_gain", 0.5);
    let five = with(CartPoleParams::NOMINAL, "force_mag", 5.0);
    assert_eq!(
        run::<CartPole>(half, 7, feedback).1.seen,
        run::<CartPole>(five, 7, feedback).1.seen
    );
    // MountainCar: force·power·gain; ½ halves power exactly (a power of two).
    let half = with(MountainCarParams::NOMINAL, "actuator_gain", 0.5);
    let p = with(MountainCarParams::NOMINAL, "power", 0.0015 * 0.5);
    assert_eq!(
        run::<MountainCar>(half, 7, sequence).1.seen,
        run::<MountainCar>(p, 7, sequence).1.seen
    );
    // A dead motor (gain 0): the pendulum swings as if no torque were applied.
    let dead = with(PendulumParams::NOMINAL, "actuator_gain", 0.0);
    let none = |_: usize, _: &[f32]| vec![0.0f32];
    let (a, ra) = run::<Pendulum>(dead, 5, sequence);
    let (b, rb) = run::<Pendulum>(PendulumParams::NOMINAL, 5, none);
    assert_eq!(ra.seen, rb.seen);
    // The cost is that of the applied torque (0 here), as Gymnasium computes it.
    assert_eq!(a.ret, b.ret);
}

/// Replays an episode of `E` by hand: reset from the episode's generator
/// after the controller's draws (none here), then each step with the
/// outputs given.
fn replay<E: Environment>(p: E::Params, seed: u64, outputs: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let mut env = E::with_params(p).unwrap();
    let mut rng = Rng::new(seed);
    let mut obs = vec![env.reset(&mut rng).as_ref().to_vec()];
    for o in outputs {
        let (next, _, done) = env.act(o).unwrap();
        obs.push(next.as_ref().to_vec());
        if done {
            break;
        }
    }
    obs
}

#[test]
fn sensor_bias_is_added_to_what_the_controller_sees_and_nothing_else() {
    fn check<E: Environment>(seed: u64) {
        let bias = 0.25f32;
        let p = with(E::Params::NOMINAL, "sensor_bias", bias);
        let (_, r) = run::<E>(p, seed, sequence);
        let outputs: Vec<Vec<f32>> = (0..r.seen.len()).map(|t| sequence(t, &[])).collect();
        let truth = replay::<E>(p, seed, &outputs);
        for (t, seen) in r.seen.iter().enumerate() {
            let want: Vec<f32> = truth[t].iter().map(|v| v + bias).collect();
            assert_eq!(seen, &want, "{} step {t}", E::NAME);
        }
    }
    check::<CartPole>(11);
    check::<Acrobot>(11);
    check::<Pendulum>(11);
    check::<MountainCar>(11);
}

#[test]
fn action_delay_applies_the_output_of_d_steps_ago_and_zeros_before() {
    fn check<E: Environment>(seed: u64, d: usize) {
        let p = with(E::Params::NOMINAL, "action_delay", d as f32);
        let (o, r) = run::<E>(p, seed, sequence);
        let n = r.seen.len();
        // What the plant must have received: zeros, then the sequence shifted by d.
        let applied: Vec<Vec<f32>> =
            (0..n).map(|t| if t < d { vec![0.0] } else { sequence(t - d, &[]) }).collect();
        let truth = replay::<E>(p, seed, &applied);
        assert_eq!(&truth[..n], &r.seen[..], "{} delay {d}", E::NAME);
        assert_eq!(o.steps as usize, n);
    }
    for d in [1, 3, MAX_ACTION_DELAY] {
        check::<CartPole>(4, d);
        check::<Acrobot>(4, d);
        check::<Pendulum>(4, d);
        check::<MountainCar>(4, d);
    }
}

#[test]
fn sensor_noise_has_its_sigma_and_leaves_the_episode_stream_alone() {
    let sigma = 0.05f32;
    let p = with(PendulumParams::NOMINAL, "sensor_noise", sigma);
    let (_, noisy) = run::<Pendulum>(p, 21, sequence);
    let outputs: Vec<Vec<f32>> = (0..noisy.seen.len()).map(|t| sequence(t, &[])).collect();
    // The plant follows the same path as without noise (the controller ignores
    // its input): the noise comes from its own generator.
    let truth = replay::<Pendulum>(PendulumParams::NOMINAL, 21, &outputs);
    let diffs: Vec<f64> = noisy
        .seen
        .iter()
        .zip(&truth)
        .flat_map(|(s, t)| s.iter().zip(t).map(|(a, b)| (*a as f64) - (*b as f64)))
        .collect();
    let n = diffs.len() as f64; // 200 steps × 3 = 600 draws
    let mean = diffs.iter().sum::<f64>() / n;
    let var = diffs.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / (n - 1.0);
    let s2 = (sigma as f64).powi(2);
    // Mean within 4 standard errors of 0; variance within 4 standard errors
    // of σ² (var of the sample variance ≈ 2σ⁴/(n − 1) for a normal).
    assert!(mean.abs() < 4.0 * sigma as f64 / n.sqrt(), "mean {mean}");
    assert!((var - s2).abs() < 4.0 * s2 * (2.0 / (n - 1.0)).sqrt(), "var {var} vs {s2}");
    // The same seed gives the same noise; another seed another.
    assert_eq!(run::<Pendulum>(p, 21, sequence).1.seen, noisy.seen);
    assert_ne!(run::<Pendulum>(p, 22, sequence).1.seen[1..], noisy.seen[1..]);
}

#[test]
fn out_of_range_values_are_refused_by_every_environment() {
    fn check<P: Dynamics>() {
        for (k, v) in [
            ("actuator_gain", -0.1),
            ("actuator_gain", f32::INFINITY),
            ("sensor_bias", f32::NAN),
            ("sensor_noise", -1.0),
            ("action_delay", 0.5),
            ("action_delay", -1.0),
            ("action_delay", (MAX_ACTION_DELAY + 1) as f32),
        ] {
            let mut p = P::NOMINAL;
            p.set(k, v).unwrap();
            assert!(
                matches!(p.validate(), Err(Error::InvalidArgument { what, .. }) if what == k),
                "{k}={v}"
            );
        }
        assert!(P::KEYS.ends_with(&[
            "actuator_gain",
            "sensor_bias",
            "sensor_noise",
            "action_delay"
        ]));
    }
    check::<CartPoleParams>();
    check::<AcrobotParams>();
    check::<PendulumParams>();
    check::<MountainCarParams>();
}

#[test]
fn the_channel_refuses_what_it_cannot_hold() {
    let mut c = Channel::new(1);
    let d = Deployment { sensor_bias: 1.0, action_delay: 2.0, ..Deployment::NONE };
    assert!(c.sense(&[0.0; 17], &d).is_err());
    assert!(c.delay(&[0.0; 5], &d).is_err());
    // Without a perturbation, any length passes through.
    assert_eq!(c.sense(&[1.0; 40], &Deployment::NONE).unwrap().len(), 40);
}

#[test]
fn a_change_mid_episode_switches_the_perturbation_at_its_step() {
    use plasticore::env::Change;
    let to = with(CartPoleParams::NOMINAL, "sensor_bias", 1.0);
    let mut r = Recorder::new(sequence);
    episode::<CartPole, _>(&mut r, CartPoleParams::NOMINAL, 5, Some(Change { at: 3, to })).unwrap();
    let outputs: Vec<Vec<f32>> = (0..r.seen.len()).map(|t| sequence(t, &[])).collect();
    let truth = replay::<CartPole>(CartPoleParams::NOMINAL, 5, &outputs);
    for (t, seen) in r.seen.iter().enumerate() {
        let b = if t >= 3 { 1.0 } else { 0.0 };
        let want: Vec<f32> = truth[t].iter().map(|v| v + b).collect();
        assert_eq!(seen, &want, "step {t}");
    }
}
