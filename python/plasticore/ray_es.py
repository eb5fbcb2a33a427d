"""Evolution of plasticity rules with each generation evaluated on Ray.

    python -m plasticore.ray_es cartpole --out rule.blob [--address auto] [--workers N]

The evolution strategy stays plasticore's own ask/tell (``plasticore.Evolution``,
the code behind ``plasticore evolve``): every generation, the population is
cut into ``--workers`` slices, each slice is one Ray task that calls the Rust
evaluator (``plasticore.evaluate_candidates``, one thread, no GIL) on it, and
the fitnesses go back to ``tell``. With the same options and seed the result
is bit for bit the blob ``plasticore evolve`` writes, wherever the tasks ran:
every episode's seed is fixed by the run's seed, the generation and the
episode index, never by the worker.

Options not given are the environment's preset (network, inputs, optimizer,
budget), as for ``plasticore evolve``; every strategy and preset of the CLI
runs here. On a cluster: start Ray on the nodes (``ray start --head`` on one,
``ray start --address HEAD:6379`` on the others), install plasticore on each
(``pip install ./python``), and run this module with ``--address auto`` on
the head node; ``--workers`` is then best set to the cluster's CPU count.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, Optional

import numpy as np

import plasticore


def _evaluate_slice(options_json: str, candidates: np.ndarray, seeds: np.ndarray) -> tuple[np.ndarray, str]:
    import ray

    fitness = plasticore.evaluate_candidates(options_json, candidates, seeds)
    return fitness, ray.get_runtime_context().get_node_id()


def evolve(
    env: str,
    *,
    workers: Optional[int] = None,
    address: Optional[str] = None,
    num_cpus: Optional[int] = None,
    progress: bool = False,
    **options: Any,
) -> tuple[plasticore.Blob, float, dict[str, Any]]:
    """Runs one evolution with Ray tasks as the evaluator.

    ``options`` are ``plasticore evolve``'s flags as keywords (``hidden``,
    ``generations``, ``population``, ``seed``, ``episodes``, ``sigma``, ``lr``,
    ``l2``, ``rule``, ``sharing``, ``norm``, ``output``, ``network``,
    ``target``, ``static``, ``randomize``, ``normalize``, ``bias``, ``optimizer``,
    ``strategy``);
    those not given are the environment's preset, as in ``plasticore
    evolve``. Connects to Ray at ``address``
    (``None``: the running one, or a local one started here with
    ``num_cpus`` CPUs). Returns the
    best blob, its validation mean return, and run statistics (generations,
    evaluations, seconds, evaluations per second, workers, the Ray node ids
    the tasks ran on, history).
    """
    import ray

    run = plasticore.Evolution(env=env, **options)  # bad options fail before Ray starts
    if not ray.is_initialized():
        ray.init(
            address=address,
            num_cpus=None if address else num_cpus,
            include_dashboard=False,
            log_to_driver=False,
        )
    if workers is None:
        workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
    if progress:
        print(f"settings: {run.options_json()}", file=sys.stderr)
    task = ray.remote(num_cpus=1)(_evaluate_slice)
    # The slices are dealt to the nodes' CPUs in turn (soft: a node that has
    # gone leaves its slices to the others); left to itself, Ray runs short
    # tasks on the driver's node first.
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    cpus = [
        n["NodeID"]
        for n in ray.nodes()
        if n["Alive"]
        for _ in range(int(n["Resources"].get("CPU", 0)))
    ]
    placed = [
        task.options(scheduling_strategy=NodeAffinitySchedulingStrategy(cpus[i % len(cpus)], soft=True))
        for i in range(workers)
    ] if cpus else [task] * workers
    opts_ref = ray.put(run.options_json())
    history = []
    evaluations = 0
    nodes: set[str] = set()
    start = time.perf_counter()
    while not run.is_done():
        cands = run.candidates()
        seeds = run.seeds()
        slices = np.array_split(cands, min(workers, len(cands)))
        futures = [t.remote(opts_ref, s, seeds) for t, s in zip(placed, slices) if len(s)]
        results = ray.get(futures)
        nodes.update(node for _, node in results)
        fitness = np.concatenate([f for f, _ in results]).astype(np.float32)
        stat = run.tell(fitness)
        evaluations += len(cands) * len(seeds)
        history.append(stat)
        if progress:
            print(
                f"gen {stat['generation']:4d} mean {stat['mean']:7.1f} max {stat['max']:7.1f}"
                + (f" val {stat['validation']:7.1f}" if stat["validation"] is not None else ""),
                file=sys.stderr,
            )
    seconds = time.perf_counter() - start
    blob, validation = run.finish()
    stats = {
        "generations": len(history),
        "evaluations": evaluations,
        "seconds": seconds,
        "evaluations_per_second": evaluations / seconds if seconds > 0 else float("nan"),
        "workers": workers,
        "nodes": sorted(nodes),
        "history": history,
    }
    return blob, validation, stats


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m plasticore.ray_es",
        description="plasticore evolve with each generation evaluated as Ray tasks",
    )
    p.add_argument("env", help="cartpole, acrobot, pendulum or mountaincar")
    p.add_argument("--out", required=True, help="output blob")
    p.add_argument("--address", default=None, help="Ray address (auto: the running cluster)")
    p.add_argument("--workers", type=int, default=None, help="Ray tasks per generation (default: the cluster's CPUs)")
    p.add_argument("--num-cpus", type=int, default=None, help="CPUs of a local Ray started here")
    # Unset flags take the environment's preset, as `plasticore evolve` does.
    p.add_argument("--hidden", default=None, help="hidden layer sizes, comma separated")
    p.add_argument("--outputs", type=int, default=None)
    p.add_argument("--rule", default=None)
    p.add_argument("--sharing", default=None)
    p.add_argument("--norm", default=None)
    p.add_argument("--output", default=None)
    p.add_argument("--generations", type=int, default=None)
    p.add_argument("--population", type=int, default=None)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--episodes", type=int, default=None)
    p.add_argument("--sigma", type=float, default=None)
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--l2", type=float, default=None)
    p.add_argument("--target", type=float, default=None)
    p.add_argument("--network", default=None)
    p.add_argument("--optimizer", default=None, help="sgd or adam")
    p.add_argument("--normalize", default=None, choices=["true", "false"], help="scale inputs by the environment's ranges")
    p.add_argument("--bias", default=None, choices=["true", "false"], help="a constant 1 as the network's last input")
    p.add_argument("--strategy", default=None, help="es (OpenAI-ES) or ga (a genetic algorithm)")
    p.add_argument("--static", action="store_true")
    p.add_argument("--randomize", default=None)
    p.add_argument("--stats", default=None, help="write run statistics (JSON) here")
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args(argv)
    options: dict[str, Any] = {
        k: getattr(a, k)
        for k in (
            "outputs", "rule", "sharing", "norm", "output", "generations", "population", "seed",
            "episodes", "sigma", "lr", "l2", "target", "network", "optimizer", "randomize", "strategy",
        )
        if getattr(a, k) is not None
    }
    if a.hidden is not None:
        try:
            options["hidden"] = [int(h) for h in a.hidden.split(",") if h]
        except ValueError:
            print(f"error: --hidden '{a.hidden}': expected sizes separated by commas", file=sys.stderr)
            return 2
    if a.normalize is not None:
        options["normalize"] = a.normalize == "true"
    if a.bias is not None:
        options["bias"] = a.bias == "true"
    if a.static:
        options["static"] = True
    try:
        blob, validation, stats = evolve(
            a.env,
            workers=a.workers,
            address=a.address,
            num_cpus=a.num_cpus,
            progress=not a.quiet,
            **options,
        )
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    blob.write(a.out)
    if a.stats:
        with open(a.stats, "w") as f:
            json.dump({**stats, "validation": validation}, f, indent=1)
    print(
        f"evolved {len(blob.values)} parameters in {stats['generations']} generations "
        f"({stats['evaluations']} episodes, {stats['evaluations_per_second']:.0f}/s on "
        f"{stats['workers']} Ray workers): validation mean return {validation:.1f}; wrote {a.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
