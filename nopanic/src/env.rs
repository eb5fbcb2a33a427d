//! The environments through every trait method, and the evolution strategy.

use crate::hebbian::hebb_config;
use crate::{cut, cut_mut, opaque, sink};
use plasticore::env::{
    Acrobot, AcrobotParams, CartPole, CartPoleParams, Change, Channel, Deployment, Dynamics,
    Environment, MountainCar, MountainCarParams, Pendulum, PendulumParams,
};
use plasticore::es::{centered_ranks, EsConfig, OpenAiEs};
use plasticore::ga::{GaConfig, SimpleGa};
use plasticore::hebbian::{self, Activation as HebbAct, PlasticNet, StaticNet};
use plasticore::rng::Rng;

/// One environment through every trait method and a plastic and a static
/// network's episode with a change of dynamics.
pub fn check_env<E: Environment>(keys: &[&str]) {
    let mut p = E::Params::NOMINAL;
    let key = keys.get(opaque(0)).copied().unwrap_or("actuator_sign");
    sink(p.set(key, opaque(1.5)));
    sink(p.set(opaque("nope"), opaque(1.5)));
    sink((p.get(key), p.validate()));
    if let Ok(mut env) = E::with_params(p) {
        sink(env.params() == p);
        sink(env.set_params(p));
        let obs = env.reset(&mut Rng::new(opaque(1)));
        sink(obs.as_ref().len());
        let out = opaque([0.3f32, -0.2, 0.9]);
        sink(env.act(cut(&out)).map(|(_, r, d)| (r, d)));
    }
    // The sensor and actuator path, with any deployment (checked or not).
    let d = Deployment {
        actuator_gain: opaque(0.5),
        sensor_bias: opaque(0.1),
        sensor_noise: opaque(0.2),
        action_delay: opaque(3.0),
    };
    sink((d.check(), d.delay_steps(), p.deployment()));
    let mut channel = Channel::new(opaque(5));
    let obs = opaque([0.5f32; 20]);
    sink(channel.sense(cut(&obs), &d).map(|s| s.len()));
    let out = opaque([0.3f32; 6]);
    sink(channel.delay(cut(&out), &d).map(|s| s.len()));
    sink(plasticore::env::unit_output(cut(&out)));
    let change = Some(Change { at: opaque(3), to: p });
    let sizes = opaque([E::OBS, 4, 1]);
    let coeffs = opaque([0.01f32; 40 * 5]);
    let mut weights = opaque([0.0f32; 40]);
    let mut acts = opaque([0.0f32; 16]);
    if let Ok(mut net) = PlasticNet::new(
        cut(&sizes),
        hebb_config(),
        cut(&coeffs),
        cut_mut(&mut weights),
        cut_mut(&mut acts),
        &mut Rng::new(opaque(1)),
    ) {
        sink(hebbian::episode::<E, _>(&mut net, p, opaque(5), change).map(|o| o.ret));
    }
    let w = opaque([0.1f32; 40]);
    if let Ok(mut net) = StaticNet::new(cut(&sizes), HebbAct::Tanh, cut(&w), cut_mut(&mut acts)) {
        sink(net.step(cut(&opaque([0.1f32; 6]))).map(|o| o.len()));
        sink((net.topology().layers(), net.weights().len()));
        sink(hebbian::episode::<E, _>(&mut net, p, opaque(5), change).map(|o| o.ret_before));
    }
}

#[inline(never)]
pub fn check_envs() {
    check_env::<CartPole>(CartPoleParams::KEYS);
    check_env::<Acrobot>(AcrobotParams::KEYS);
    check_env::<Pendulum>(PendulumParams::KEYS);
    check_env::<MountainCar>(MountainCarParams::KEYS);
    let mut a = Acrobot::new(AcrobotParams::NOMINAL).ok();
    if let Some(a) = a.as_mut() {
        a.set_state(opaque([0.1; 4]));
        sink((a.state(), a.obs(), a.step(opaque(1)).map(|s| s.reward)));
    }
    if let Ok(mut pe) = Pendulum::new(PendulumParams::NOMINAL) {
        pe.set_state(opaque([0.1; 2]));
        sink((pe.state(), pe.obs(), pe.step(opaque(0.5)).map(|s| s.reward)));
    }
    if let Ok(mut m) = MountainCar::new(MountainCarParams::NOMINAL) {
        m.set_state(opaque([0.1; 2]));
        sink((m.state(), m.step(opaque(0.5)).map(|s| s.reward)));
    }
}

#[inline(never)]
pub fn check_env_es() {
    let mut env = CartPole::new();
    let obs = env.reset(&mut Rng::new(opaque(1)));
    env.set_state(opaque(obs));
    sink((env.state(), env.steps()));
    sink(env.step(opaque(7)).map(|s| s.done()));
    let fit = opaque([1.0f32, 3.0, 2.0, 5.0]);
    let mut ranks = opaque([0.0f32; 4]);
    sink(centered_ranks(cut(&fit), cut_mut(&mut ranks)));
    let cfg = EsConfig {
        population: opaque(4),
        sigma: opaque(0.1),
        sigma_decay: opaque(0.99),
        sigma_min: opaque(0.01),
        lr: opaque(0.05),
        lr_decay: opaque(0.99),
        lr_min: opaque(0.001),
        l2: opaque(0.0),
    };
    if let Ok(mut es) = OpenAiEs::new(cfg, opaque(1)) {
        let mut theta = opaque([0.0f32; 8]);
        let mut out = opaque([0.0f32; 8]);
        let mut scratch = opaque([0.0f32; 8]);
        es.noise(opaque(9), cut_mut(&mut out));
        sink(es.candidate(cut(&theta), opaque(9), cut_mut(&mut out)));
        sink(es.tell(cut_mut(&mut theta), cut(&fit), cut_mut(&mut ranks), cut_mut(&mut scratch)));
        let (mut m, mut v, mut grad) =
            (opaque([0.0f32; 8]), opaque([0.0f32; 8]), opaque([0.0f32; 8]));
        let mut adam =
            plasticore::es::Adam { m: cut_mut(&mut m), v: cut_mut(&mut v), t: opaque(3) };
        sink(es.tell_adam(
            cut_mut(&mut theta),
            cut(&fit),
            cut_mut(&mut ranks),
            cut_mut(&mut scratch),
            cut_mut(&mut grad),
            &mut adam,
        ));
        sink(OpenAiEs::from_state(es.config(), es.state()).is_ok());
    }
    let ga_cfg = GaConfig {
        population: opaque(4),
        elites: opaque(2),
        sigma: opaque(0.1),
        sigma_decay: opaque(0.99),
        sigma_min: opaque(0.01),
    };
    if let Ok(mut ga) = SimpleGa::new(ga_cfg, opaque(1)) {
        let theta = opaque([0.0f32; 8]);
        let mut elites = opaque([0.0f32; 16]);
        let mut next = opaque([0.0f32; 16]);
        let mut out = opaque([0.0f32; 8]);
        sink(ga.init(cut(&theta), cut_mut(&mut elites)));
        sink(ga.candidate(cut(&elites), opaque(3), cut_mut(&mut out)));
        sink(ga.tell(cut_mut(&mut elites), cut(&fit), cut_mut(&mut next)));
        sink(SimpleGa::from_state(ga.config(), ga.state()).is_ok());
    }
}
