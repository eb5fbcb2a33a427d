"""`plasticore.gym`: a plastic network evolved on a gymnasium environment
defined here (not one plasticore ships), compared with doing nothing on
unseen seeds; the evolved CartPole blob on gymnasium's own CartPole-v1; and
spaces it cannot drive refused."""

import gymnasium
import numpy as np
import pytest

import plasticore
import plasticore.gym as pg


class Reacher(gymnasium.Env):
    """A mass on a line that must reach a target drawn each episode:
    observation [t − x, v], one force in [−1, 1], reward −|t − x|."""

    def __init__(self, steps=60):
        self.observation_space = gymnasium.spaces.Box(-np.inf, np.inf, (2,), np.float32)
        self.action_space = gymnasium.spaces.Box(-1.0, 1.0, (1,), np.float32)
        self.steps = steps

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.x, self.t = self.np_random.uniform(-1, 1, 2)
        self.v, self.n = 0.0, 0
        return self._obs(), {}

    def _obs(self):
        return np.array([self.t - self.x, self.v], np.float32)

    def step(self, action):
        u = float(np.clip(action[0], -1, 1))
        self.v = 0.9 * self.v + 0.05 * u
        self.x += self.v
        self.n += 1
        return self._obs(), -abs(self.t - self.x), False, self.n >= self.steps, {}


def idle_return(env, seeds):
    rets = []
    for s in seeds:
        env.reset(seed=s)
        total, done = 0.0, False
        while not done:
            _, r, term, trunc, _ = env.step(np.zeros(1, np.float32))
            total += r
            done = term or trunc
        rets.append(total)
    return float(np.mean(rets))


def test_evolves_on_an_environment_defined_here():
    seen = []
    blob, history = pg.evolve(
        Reacher, generations=25, population=16, episodes=2, seed=3, progress=lambda g, m, b: seen.append(g)
    )
    assert seen == list(range(25)) and len(history) == 25
    assert blob.sizes == [2, 8, 1] and len(blob.values) == plasticore.coeff_len([2, 8, 1])
    unseen = range(100)
    evolved = pg.mean_return(blob, Reacher(), unseen)
    idle = idle_return(Reacher(), unseen)
    # |t − x₀| of two U(−1, 1) draws has mean 2/3: about −40 over 60 steps.
    assert -50 < idle < -30
    assert evolved > idle / 2, (evolved, idle)
    # The same seed, the same blob, bit for bit.
    again, _ = pg.evolve(Reacher, generations=25, population=16, episodes=2, seed=3)
    assert again.bytes() == blob.bytes()


def test_the_evolved_cartpole_blob_balances_gymnasiums_cartpole(root):
    # Evolved on plasticore's f32 CartPole; gymnasium's steps in f64 from its own resets.
    blob = plasticore.Blob.read(root / "tests/data/hebbian/cartpole_abcd_lr.blob")
    assert pg.mean_return(blob, gymnasium.make("CartPole-v1"), range(10)) >= 475


def test_spaces_it_cannot_drive_are_refused():
    class Pixels(Reacher):
        def __init__(self):
            super().__init__()
            self.observation_space = gymnasium.spaces.Box(0, 255, (4, 4), np.uint8)

    class Unbounded(Reacher):
        def __init__(self):
            super().__init__()
            self.action_space = gymnasium.spaces.Box(-np.inf, np.inf, (1,), np.float32)

    class OneAction(Reacher):
        def __init__(self):
            super().__init__()
            self.action_space = gymnasium.spaces.Discrete(1)

    for env, needle in ((Pixels, "flat Box"), (Unbounded, "finite bounds"), (OneAction, "at least 2")):
        with pytest.raises(ValueError, match=needle):
            pg.evolve(env, generations=1)
    for bad in ({"generations": 0}, {"population": 3}, {"episodes": 0}):
        with pytest.raises(ValueError):
            pg.evolve(Reacher, **bad)
    with pytest.raises(ValueError, match="layer size"):
        pg.evolve(Reacher, hidden=[0])


def test_discrete_actions_map_as_documented():
    sp = pg.spaces(gymnasium.make("CartPole-v1"))
    assert (sp.inputs, sp.outputs) == (4, 1)
    assert sp.to_action(np.array([0.3], np.float32)) == 1 and sp.to_action(np.array([-0.3], np.float32)) == 0
    sp = pg.spaces(gymnasium.make("Acrobot-v1"))
    assert (sp.inputs, sp.outputs) == (6, 3) and sp.to_action(np.array([0.1, 0.9, -1], np.float32)) == 1
    sp = pg.spaces(gymnasium.make("Pendulum-v1"))
    assert sp.outputs == 1 and np.allclose(sp.to_action(np.array([0.5], np.float32)), [1.0])
