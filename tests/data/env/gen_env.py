"""Recorded random transitions of Gymnasium's classic-control environments,
the goldens that tests/tests/env_golden.rs checks the core's `env` against.

    pip install gymnasium numpy && python3 tests/data/env/gen_env.py

For each environment: 1 000 transitions from random states (reset, then
random actions; a new reset when an episode ends), saved as float32:
`<env>_state.npy` (the internal state before the step), `<env>_action.npy`,
`<env>_next.npy` (the state after) and `<env>_reward.npy`.

`<env>_perturbed_*.npy`: the same with non-nominal dynamics set on the
unwrapped environment (see PERTURBED; the Rust test sets the same keys).
CartPole's actuator reversal is a negative `force_mag` here; Acrobot's
centres of mass are put at half the link lengths, as the core defines them
(Gymnasium keeps them at 0.5 m whatever the lengths).
"""
import os

import gymnasium as gym
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
N = 1000


def perturb_cartpole(e):
    e.length, e.masspole, e.masscart, e.gravity = 0.8, 0.25, 1.3, 11.0
    e.force_mag = -6.0  # actuator_sign = -1, force_mag = 6
    e.total_mass = e.masspole + e.masscart
    e.polemass_length = e.masspole * e.length


def perturb_pendulum(e):
    e.m, e.l, e.g, e.max_torque = 1.4, 0.7, 9.0, 1.5


def perturb_acrobot(e):
    e.LINK_LENGTH_1, e.LINK_LENGTH_2 = 1.3, 0.8
    e.LINK_MASS_1, e.LINK_MASS_2 = 0.9, 1.6
    e.LINK_COM_POS_1, e.LINK_COM_POS_2 = 0.65, 0.4


def perturb_mountaincar(e):
    e.power = 0.0011


def record(name, env_id, state_of, setup=None):
    env = gym.make(env_id).unwrapped
    if setup is not None:
        setup(env)
    rng = np.random.default_rng(0)
    env.reset(seed=0)
    env.action_space.seed(0)
    s, a, nxt, r = [], [], [], []
    for _ in range(N):
        before = np.array(state_of(env), dtype=np.float64)
        act = env.action_space.sample()
        _, rew, term, trunc, _ = env.step(act)
        s.append(before)
        a.append(np.atleast_1d(act).astype(np.float64))
        nxt.append(np.array(state_of(env), dtype=np.float64))
        r.append(rew)
        if term or trunc or rng.random() < 0.02:
            env.reset(seed=int(rng.integers(1 << 31)))
    for suffix, arr in [("state", s), ("action", a), ("next", nxt), ("reward", r)]:
        np.save(os.path.join(HERE, f"{name}_{suffix}.npy"), np.array(arr, dtype=np.float32))


if __name__ == "__main__":
    gym.utils.seeding  # noqa: B018 (seeded through reset)
    record("pendulum", "Pendulum-v1", lambda e: e.state)
    record("mountaincar", "MountainCarContinuous-v0", lambda e: e.state)
    record("acrobot", "Acrobot-v1", lambda e: e.state)
    record("cartpole_perturbed", "CartPole-v1", lambda e: e.state, perturb_cartpole)
    record("pendulum_perturbed", "Pendulum-v1", lambda e: e.state, perturb_pendulum)
    record("mountaincar_perturbed", "MountainCarContinuous-v0", lambda e: e.state, perturb_mountaincar)
    record("acrobot_perturbed", "Acrobot-v1", lambda e: e.state, perturb_acrobot)
    print("wrote", N, "transitions per environment")
