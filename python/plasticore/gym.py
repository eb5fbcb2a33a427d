"""Evolve a plastic network on any ``gymnasium.Env``.

The network is plasticore's (``PlasticNet``: random weights at the start of
every episode, the evolved Hebbian rule adapting them while it runs), the
strategy the core's OpenAI-ES (``OpenAIES``); only the environment is Python.

>>> import gymnasium, plasticore.gym
>>> blob, history = plasticore.gym.evolve(lambda: gymnasium.make("CartPole-v1"),
...                                       generations=30)          # doctest: +SKIP
>>> plasticore.gym.mean_return(blob, gymnasium.make("CartPole-v1"), seeds=range(100))  # doctest: +SKIP

Observations must be a flat ``Box``; actions a ``Discrete(n)`` (one output,
``y > 0``, for n = 2; else n outputs and their argmax) or a flat ``Box``
(one tanh output per dimension, scaled to its bounds). Anything else is a
``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

import numpy as np

from ._native import Blob, OpenAIES, PlasticNet, coeff_len

__all__ = ["Spaces", "spaces", "evolve", "mean_return", "episode", "episode_return"]


@dataclass(frozen=True)
class Spaces:
    """How a network meets an environment: its inputs, outputs, and the map
    from outputs to an action."""

    inputs: int
    outputs: int
    to_action: Callable[[np.ndarray], object]


def spaces(env) -> Spaces:
    """The network sizes and the output-to-action map of ``env``."""
    import gymnasium

    obs, act = env.observation_space, env.action_space
    if not isinstance(obs, gymnasium.spaces.Box) or len(obs.shape) != 1:
        raise ValueError(f"observation space {obs}: expected a flat Box")
    if isinstance(act, gymnasium.spaces.Discrete):
        n = int(act.n)
        if n < 2:
            raise ValueError(f"action space {act}: expected at least 2 actions")
        if n == 2:
            return Spaces(obs.shape[0], 1, lambda y: int(y[0] > 0.0) + int(act.start))
        return Spaces(obs.shape[0], n, lambda y: int(np.argmax(y)) + int(act.start))
    if isinstance(act, gymnasium.spaces.Box) and len(act.shape) == 1:
        lo, hi = act.low.astype(np.float32), act.high.astype(np.float32)
        if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
            raise ValueError(f"action space {act}: expected finite bounds")
        return Spaces(obs.shape[0], act.shape[0], lambda y: lo + (np.clip(y, -1, 1) + 1) * 0.5 * (hi - lo))
    raise ValueError(f"action space {act}: expected Discrete or a flat Box")


def episode(net: PlasticNet, env, seed: int, to_action, max_steps: Optional[int] = None):
    """One episode: weights drawn from ``seed`` (``net.reset``), the
    environment reset with the same seed, stepped until it terminates or is
    truncated (or ``max_steps``). Returns ``(return, steps)``."""
    net.reset(seed)
    obs, _ = env.reset(seed=seed)
    total, steps = 0.0, 0
    while True:
        y = net.step(np.asarray(obs, dtype=np.float32))
        obs, reward, terminated, truncated, _ = env.step(to_action(y))
        total += float(reward)
        steps += 1
        if terminated or truncated or (max_steps is not None and steps >= max_steps):
            return total, steps


def episode_return(net: PlasticNet, env, seed: int, to_action, max_steps: Optional[int] = None) -> float:
    """The return of :func:`episode`."""
    return episode(net, env, seed, to_action, max_steps)[0]


def mean_return(blob: Blob, env, seeds: Iterable[int], max_steps: Optional[int] = None) -> float:
    """Mean return of the plastic network in ``blob`` over episodes of ``seeds``."""
    to_action = spaces(env).to_action
    net = PlasticNet(blob)
    rets = [episode_return(net, env, int(s), to_action, max_steps) for s in seeds]
    if not rets:
        raise ValueError("seeds: expected at least one")
    return float(np.mean(rets))


def evolve(
    make_env: Callable[[], object],
    hidden: Sequence[int] = (8,),
    generations: int = 50,
    population: int = 32,
    episodes: int = 4,
    seed: int = 1,
    rule: str = "ABCD_lr",
    sharing: str = "synapse",
    norm: str = "maxabs",
    sigma: float = 0.1,
    lr: float = 0.2,
    max_steps: Optional[int] = None,
    progress: Optional[Callable[[int, float, float], None]] = None,
):
    """Evolves Hebbian coefficients for the environment ``make_env()`` makes.

    Every generation scores each of ``population`` candidates on
    ``episodes`` training episodes (seeds from 2³² up, the same for every
    candidate of a generation, never the small seeds you evaluate on).
    Returns ``(blob, history)``: the final θ as a ``Blob`` and, per
    generation, ``(mean, best)`` fitness. ``progress(generation, mean,
    best)`` is called after each.
    """
    for name, v in (("generations", generations), ("population", population), ("episodes", episodes)):
        if int(v) < 1:
            raise ValueError(f"{name}: expected at least 1, got {v}")
    env = make_env()
    sp = spaces(env)
    sizes = [sp.inputs, *[int(h) for h in hidden], sp.outputs]
    dim = coeff_len(sizes, rule, sharing)
    es = OpenAIES(population=population, sigma=sigma, lr=lr, seed=seed)
    theta = np.zeros(dim, np.float32)

    def blob_of(coeffs) -> Blob:
        return Blob.plastic(sizes, np.asarray(coeffs, np.float32), rule=rule, sharing=sharing, norm=norm)

    history = []
    for g in range(generations):
        first = (1 << 32) + g * episodes
        fitness = np.empty(population, np.float32)
        for k, cand in enumerate(es.ask(theta)):
            net = PlasticNet(blob_of(cand))
            fitness[k] = np.mean(
                [episode_return(net, env, first + e, sp.to_action, max_steps) for e in range(episodes)]
            )
        history.append((float(fitness.mean()), float(fitness.max())))
        if progress is not None:
            progress(g, *history[-1])
        theta = es.tell(theta, fitness)
    return blob_of(theta), history
