"""plasticore evolve against the anchors' stack on the same machine, in the same run:
gymnax's Pendulum-v1 and MountainCarContinuous-v0 evolved by evosax (OpenAI-ES, the
gymnax-blines settings, and a simple GA) on JAX's CPU backend, with plasticore's
network size and budget.

    pip install "jax[cpu]" gymnax evosax      # not part of the test suite
    python python/benches/bench_gymnax.py [--plasticore target/release/plasticore] [--json F]

For each environment and strategy it prints environment steps per second (JAX:
with and without its compilation) and the mean return of the result over 100
episodes the evolution never saw; plasticore's rows come from `plasticore evolve`
and `plasticore simulate` with the same population, episodes per candidate and
generations (no early stop), each with its preset otherwise (Pendulum: a bias input
and the GA). Both sides use an [obs, 16, 1] tanh network, with biases where
plasticore's preset has its bias input (evosax's then has one on the output too).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

import jax
import jax.numpy as jnp
import optax
from evosax.algorithms import Open_ES, SimpleGA
from evosax.problems import GymnaxProblem
from evosax.problems.networks import MLP

# plasticore's presets: network, population, episodes per candidate; the budget in generations.
CASES = [
    # env, gymnax id, population, episodes, generations, action scale, biases
    ("pendulum", "Pendulum-v1", 64, 8, 600, 2.0, True),
    ("mountaincar", "MountainCarContinuous-v0", 64, 5, 50, 1.0, False),
]


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def evosax_run(
    gym_id: str, population: int, episodes: int, generations: int, scale: float, bias: bool, strategy: str, seed: int
):
    policy = MLP(
        layer_sizes=(16, 1),
        use_bias=bias,
        output_fn=lambda x, key=None: jnp.tanh(x) * scale,
    )
    problem = GymnaxProblem(gym_id, policy, num_rollouts=episodes)
    key = jax.random.key(seed)
    key, k = jax.random.split(key)
    solution = problem.sample(k)
    if strategy == "OpenES":
        # gymnax-blines' Pendulum settings: Adam 0.125, σ 0.05 decaying to 0.01, centred ranks.
        es = Open_ES(
            population_size=population,
            solution=solution,
            optimizer=optax.adam(0.125),
            std_schedule=optax.exponential_decay(0.05, transition_steps=1, decay_rate=0.999, end_value=0.01),
        )
        key, k = jax.random.split(key)
        state = es.init(k, solution, es.default_params)
    else:
        es = SimpleGA(population_size=population, solution=solution, std_schedule=optax.constant_schedule(0.1))
        key, k1, k2 = jax.random.split(key, 3)
        pop0 = jax.vmap(problem.sample)(jax.random.split(k1, population))
        fit0, _, _ = problem.eval(k2, pop0, problem.init(k2))
        state = es.init(k2, pop0, -fit0, es.default_params)
    params = es.default_params
    pstate = problem.init(key)

    @jax.jit
    def generation(key, state, pstate):
        k_ask, k_eval, k_tell = jax.random.split(key, 3)
        pop, state = es.ask(k_ask, state, params)
        fitness, pstate, _ = problem.eval(k_eval, pop, pstate)
        state, _ = es.tell(k_tell, pop, -fitness, state, params)  # evosax minimises
        return state, pstate, fitness.mean()

    start = time.perf_counter()
    key, k = jax.random.split(key)
    state, pstate, f = generation(k, state, pstate)
    f.block_until_ready()
    first = time.perf_counter() - start
    t = time.perf_counter()
    for _ in range(generations - 1):
        key, k = jax.random.split(key)
        state, pstate, f = generation(k, state, pstate)
    f.block_until_ready()
    rest = time.perf_counter() - t
    steps = population * episodes * problem.episode_length  # gymnax scans whole episodes
    best = es.get_mean(state) if strategy == "OpenES" else state.best_solution
    if strategy != "OpenES":
        best = es._unravel_solution(best)
    test = GymnaxProblem(gym_id, policy, num_rollouts=100)
    # The training run's observation statistics, 100 fresh episodes.
    tstate = pstate
    key, k = jax.random.split(key)
    batch = jax.tree.map(lambda x: x[None], best)
    ret, _, _ = test.eval(k, batch, tstate)
    return {
        "steps": steps * generations,
        "steps_per_s": steps * (generations - 1) / rest,
        "steps_per_s_with_compile": steps * generations / (first + rest),
        "seconds": first + rest,
        "mean_return": float(ret[0]),
    }


def plasticore_run(binary: str, env: str, population: int, episodes: int, generations: int, static: bool, seed: int):
    with tempfile.TemporaryDirectory() as d:
        blob = os.path.join(d, "x.blob")
        cmd = [binary, "evolve", env, "--population", str(population), "--episodes", str(episodes),
               "--generations", str(generations), "--target", "inf", "--seed", str(seed), "--out", blob]
        if static:
            cmd.append("--static")
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - t
        m = re.search(r"\(\d+ episodes, (\d+) environment steps\)", out.stdout + out.stderr)
        steps = int(m.group(1)) if m else 0
        sim = subprocess.run([binary, "simulate", env, "--coeffs", blob, "--episodes", "100", "--seed", "0", "--json"],
                             capture_output=True, text=True, check=True)
        ret = json.loads(sim.stdout)["mean_return"]
    return {"steps": steps, "steps_per_s": steps / seconds, "seconds": seconds, "mean_return": ret}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--plasticore", default="target/release/plasticore")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", default=None)
    a = p.parse_args()
    rows = []
    print(f"CPU: {cpu_name()}, {os.cpu_count()} logical CPUs; JAX {jax.__version__} on {jax.devices()[0].platform}")
    for env, gym_id, pop, eps, gens, scale, bias in CASES:
        for who, strategy, run in [
            ("plasticore", "preset, plastic", lambda: plasticore_run(a.plasticore, env, pop, eps, gens, False, a.seed)),
            ("plasticore", "preset, static", lambda: plasticore_run(a.plasticore, env, pop, eps, gens, True, a.seed)),
            ("evosax", "OpenES", lambda: evosax_run(gym_id, pop, eps, gens, scale, bias, "OpenES", a.seed)),
            ("evosax", "SimpleGA", lambda: evosax_run(gym_id, pop, eps, gens, scale, bias, "SimpleGA", a.seed)),
        ]:
            r = {"env": gym_id, "who": who, "strategy": strategy, "population": pop, "episodes": eps,
                 "generations": gens, **run()}
            rows.append(r)
            extra = f" ({r['steps_per_s_with_compile']:,.0f} with compilation)" if "steps_per_s_with_compile" in r else ""
            print(f"{gym_id:26} {who:10} {strategy:20} {r['steps']:>11,} steps {r['seconds']:7.1f} s "
                  f"{r['steps_per_s']:>12,.0f} steps/s{extra}  return {r['mean_return']:8.1f}", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"cpu": cpu_name(), "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
