"""plasticore from Python: the CLI's kernels on NumPy arrays and the stateful
types (LSH index, plastic network, parameter blobs, evolution strategy),
bit-identical to the microcontroller firmware.

>>> import numpy as np, plasticore
>>> plasticore.run("linalg.dot", a=np.ones(4, np.float32), b=np.ones(4, np.float32))
array(4., dtype=float32)

``plasticore.kernels()`` lists every kernel with its inputs, parameters and
output; ``plasticore.run(name, **inputs, **params)`` runs one. Errors raise
``ValueError`` with the message ``plasticore run`` prints.
"""

from ._native import (
    Blob,
    Evolution,
    LshIndex,
    OpenAIES,
    PlasticNet,
    Rng,
    coeff_len,
    episodes,
    evaluate,
    evaluate_candidates,
    kernels,
    run,
    selftest_checksums,
)

__all__ = [
    "Blob",
    "Evolution",
    "LshIndex",
    "OpenAIES",
    "PlasticNet",
    "Rng",
    "coeff_len",
    "episodes",
    "evaluate",
    "evaluate_candidates",
    "kernels",
    "run",
    "selftest_checksums",
]
