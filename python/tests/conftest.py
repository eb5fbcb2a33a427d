"""Shared fixtures: the `plasticore` CLI binary and the repository root.

`PLASTICORE_BIN` names the CLI to compare against (the Rust test that runs
this suite sets it); without it the release or debug build in `target/` is
used, and the suite fails if there is none.
"""

import os
import pathlib
import subprocess

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _cli_path() -> pathlib.Path:
    env = os.environ.get("PLASTICORE_BIN")
    if env:
        return pathlib.Path(env)
    for p in (ROOT / "target/release/plasticore", ROOT / "target/debug/plasticore"):
        if p.exists():
            return p
    raise RuntimeError("no plasticore CLI: set PLASTICORE_BIN or run `cargo build --release`")


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


class Cli:
    def __init__(self, path: pathlib.Path):
        self.path = path

    def __call__(self, *args: str, check: bool = True, env=None) -> subprocess.CompletedProcess:
        r = subprocess.run(
            [str(self.path), *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
        )
        if check and r.returncode != 0:
            raise AssertionError(f"plasticore {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
        return r

    def run(self, tmp: pathlib.Path, kernel: str, inputs: dict, params: dict):
        """`plasticore run` on .npy files: (exit code, output array or None, stderr)."""
        args = ["run", kernel]
        for name, a in inputs.items():
            f = tmp / f"{name}.npy"
            np.save(f, a)
            args += ["--input", f"{name}={f}"]
        for k, v in params.items():
            args += ["--param", f"{k}={v}"]
        out = tmp / "out.npy"
        if out.exists():
            out.unlink()
        args += ["--output", str(out)]
        r = self(*args, check=False)
        return r.returncode, (np.load(out) if r.returncode == 0 else None), r.stderr.strip()


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli(_cli_path())


def fnv1a_f32(values) -> int:
    """FNV-1a (32 bit) over float32 bit patterns, little-endian: the self-test checksum."""
    h = 0x811C9DC5
    for b in np.asarray(values, dtype="<f4").tobytes():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h
