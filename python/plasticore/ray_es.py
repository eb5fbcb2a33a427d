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

On a cluster: start Ray on the nodes (``ray start --head`` on one,
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


def _evaluate_slice(options_json: str, candidates: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    return plasticore.evaluate_candidates(options_json, candidates, seeds)


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
    ``target``, ``static``, ``randomize``). Connects to Ray at ``address``
    (``None``: the running one, or a local one started here with
    ``num_cpus`` CPUs). Returns the
    best blob, its validation mean return, and run statistics (generations,
    evaluations, seconds, evaluations per second, history).
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
    task = ray.remote(num_cpus=1)(_evaluate_slice)
    opts_ref = ray.put(run.options_json())
    history = []
    evaluations = 0
    start = time.perf_counter()
    while not run.is_done():
        cands = run.candidates()
        seeds = run.seeds()
        slices = np.array_split(cands, min(workers, len(cands)))
        futures = [task.remote(opts_ref, s, seeds) for s in slices if len(s)]
        fitness = np.concatenate(ray.get(futures)).astype(np.float32)
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
    p.add_argument("--hidden", default="8", help="hidden layer sizes, comma separated")
    p.add_argument("--outputs", type=int, default=1)
    p.add_argument("--rule", default="ABCD_lr")
    p.add_argument("--sharing", default="synapse")
    p.add_argument("--norm", default="maxabs")
    p.add_argument("--output", default="tanh")
    p.add_argument("--generations", type=int, default=300)
    p.add_argument("--population", type=int, default=64)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--episodes", type=int, default=5)
    p.add_argument("--sigma", type=float, default=0.1)
    p.add_argument("--lr", type=float, default=0.2)
    p.add_argument("--l2", type=float, default=0.005)
    p.add_argument("--target", type=float, default=None)
    p.add_argument("--network", default="f32")
    p.add_argument("--static", action="store_true")
    p.add_argument("--randomize", default="")
    p.add_argument("--stats", default=None, help="write run statistics (JSON) here")
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args(argv)
    options: dict[str, Any] = dict(
        hidden=[int(h) for h in a.hidden.split(",") if h],
        outputs=a.outputs,
        rule=a.rule,
        sharing=a.sharing,
        norm=a.norm,
        output=a.output,
        generations=a.generations,
        population=a.population,
        seed=a.seed,
        episodes=a.episodes,
        sigma=a.sigma,
        lr=a.lr,
        l2=a.l2,
        network=a.network,
        static=a.static,
        randomize=a.randomize,
    )
    if a.target is not None:
        options["target"] = a.target
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
