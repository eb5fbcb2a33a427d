"""Recorded random transitions of Gymnasium's classic-control environments,
the goldens that tests/tests/env_golden.rs checks the core's `env` against.

    pip install gymnasium numpy && python3 tests/data/env/gen_env.py

For each environment: 1 000 transitions from random states (reset, then
random actions; a new reset when an episode ends), saved as float32:
`<env>_state.npy` (the internal state before the step), `<env>_action.npy`,
`<env>_next.npy` (the state after) and `<env>_reward.npy`.
"""
import os

import gymnasium as gym
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
N = 1000


def record(name, env_id, state_of):
    env = gym.make(env_id).unwrapped
    rng = np.random.default_rng(0)
    env.reset(seed=0)
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
    print("wrote", N, "transitions per environment")
