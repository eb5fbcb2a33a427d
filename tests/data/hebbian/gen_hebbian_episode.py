#!/usr/bin/env python3
"""Golden data: the first steps of CartPole episodes of the committed evolved
plastic network, computed independently in NumPy float64.

Rerun from the repository root:   python3 tests/data/hebbian/gen_hebbian_episode.py
(needs numpy; reads cartpole_abcd_lr.blob next to this script, writes
episode_obs.npy and episode_weights.npy; the Rust test is tests/tests/hebbian_golden.rs).

Independent re-implementations of: the blob format (struct + zlib.crc32), the
seeded generator (xoshiro128++ seeded by SplitMix64, plasticore::rng::Rng), the
episode protocol (weights U(-0.1, 0.1) layer by layer, then the CartPole state
U(-0.05, 0.05)), the plastic network (tanh hidden, tanh output, ABCD_lr per
synapse, max-abs after each update) and gym's CartPole Euler step.

episode_obs.npy     [SEEDS, STEPS + 1, 4]  float32: observation before each step
episode_weights.npy [SEEDS, 40]            float32: all weights after STEPS steps
"""
import os
import struct
import zlib

import numpy as np

SEEDS, STEPS = 8, 30
M64, M32 = (1 << 64) - 1, (1 << 32) - 1


def read_blob(path):
    b = open(path, "rb").read()
    assert b[:4] == b"PLCB" and struct.unpack_from("<HH", b, 4) == (1, 1)
    assert struct.unpack_from("<I", b, len(b) - 4)[0] == zlib.crc32(b[:-4])
    rule, sharing, norm, out_act = b[8:12]
    assert (rule, sharing, norm, out_act) == (6, 0, 1, 1), "ABCD_lr, synapse, maxabs, tanh"
    nd = struct.unpack_from("<I", b, 20)[0]
    sizes = list(struct.unpack_from(f"<{nd}I", b, 24))
    n = struct.unpack_from("<I", b, 24 + 4 * nd)[0]
    vals = np.frombuffer(b, dtype="<f4", count=n, offset=28 + 4 * nd)
    return sizes, vals


class Rng:
    def __init__(self, seed):
        st = seed

        def sm():
            nonlocal st
            st = (st + 0x9E3779B97F4A7C15) & M64
            z = st
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            return z ^ (z >> 31)

        a, b = sm(), sm()
        self.s = [a & M32, a >> 32, b & M32, b >> 32]
        if self.s == [0, 0, 0, 0]:
            self.s[0] = 1

    def next(self):
        s = self.s
        rotl = lambda x, k: ((x << k) | (x >> (32 - k))) & M32
        result = (rotl((s[0] + s[3]) & M32, 7) + s[0]) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def uniform(self, lo, hi):
        f = np.float32
        unit = f(self.next() >> 8) * f(1.0 / 16777216.0)
        return f(f(lo) + f(f(hi) - f(lo)) * unit)


def cartpole_step(s, action):
    g, mc, mp, l, fm, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total, pml = mc + mp, mp * l
    x, xd, th, thd = s
    f = fm if action == 1 else -fm
    sn, cs = np.sin(th), np.cos(th)
    temp = (f + pml * thd * thd * sn) / total
    thacc = (g * sn - cs * temp) / (l * (4.0 / 3.0 - mp * cs * cs / total))
    xacc = temp - pml * thacc * cs / total
    return np.array([x + tau * xd, xd + tau * xacc, th + tau * thd, thd + tau * thacc])


def hebb(w, h, pre, post):
    """ABCD_lr per synapse, h [out, in, 5] = [A, B, C, eta, D]; then max-abs."""
    oi, oj = pre[None, :], post[:, None]
    w = w + h[..., 3] * (h[..., 0] * oi * oj + h[..., 1] * oi + h[..., 2] * oj + h[..., 4])
    return w / np.abs(w).max()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    sizes, coeffs = read_blob(os.path.join(here, "cartpole_abcd_lr.blob"))
    assert len(sizes) == 3
    n0, n1, n2 = sizes
    h1 = coeffs[: n1 * n0 * 5].astype(np.float64).reshape(n1, n0, 5)
    h2 = coeffs[n1 * n0 * 5:].astype(np.float64).reshape(n2, n1, 5)
    obs_out = np.zeros((SEEDS, STEPS + 1, 4), dtype=np.float32)
    w_out = np.zeros((SEEDS, n1 * n0 + n2 * n1), dtype=np.float32)
    for seed in range(SEEDS):
        rng = Rng(seed)
        w = [rng.uniform(-0.1, 0.1) for _ in range(n1 * n0 + n2 * n1)]
        w1 = np.array(w[: n1 * n0], dtype=np.float64).reshape(n1, n0)
        w2 = np.array(w[n1 * n0:], dtype=np.float64).reshape(n2, n1)
        s = np.array([rng.uniform(-0.05, 0.05) for _ in range(4)], dtype=np.float64)
        for t in range(STEPS):
            obs_out[seed, t] = s
            hid = np.tanh(w1 @ s)
            y = np.tanh(w2 @ hid)
            w1, w2 = hebb(w1, h1, s, hid), hebb(w2, h2, hid, y)
            s = cartpole_step(s, 1 if y[0] > 0 else 0)
        obs_out[seed, STEPS] = s
        w_out[seed] = np.concatenate([w1.ravel(), w2.ravel()])
    np.save(os.path.join(here, "episode_obs.npy"), obs_out)
    np.save(os.path.join(here, "episode_weights.npy"), w_out)
    print("episode_obs.npy", obs_out.shape, "episode_weights.npy", w_out.shape)


if __name__ == "__main__":
    main()
