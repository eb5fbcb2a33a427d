#!/usr/bin/env python3
"""Golden data for the Hebbian update kernel (plasticore::hebbian::update).

Rerun from the repository root:   python3 tests/data/hebbian/gen_hebbian.py
(needs numpy; writes the .npy files next to this script; the Rust test is
tests/tests/hebbian_golden.rs).

An independent NumPy implementation, written from the rule table of
Najarro & Risi 2020 (component order of their public code), in float64:

  W[j, i] += dw(h, o_i = pre[i], o_j = post[j]),  W stored [out, in]
  coefficients h: per synapse [out, in, k], per post-neuron [out, k], per layer [k]
  then the normalisation: none | maxabs (W / max|W|) | clamp (to [-0.5, 0.5]).

Files (float32):
  w.npy [C, OUT, IN], pre.npy [C, IN], post.npy [C, OUT]
  coeffs_synapse.npy [C, OUT, IN, 6], coeffs_neuron.npy [C, OUT, 6], coeffs_layer.npy [C, 6]
      (a rule with k components uses the first k of the 6)
  expected.npy [9 rules, 3 sharings, 3 norms, C, OUT, IN]
      rule order: A AD AD_lr ABC ABC_lr ABCD ABCD_lr ABCD_lr_D_out ABCD_lr_D_in_and_out
      sharing order: synapse neuron layer; norm order: none maxabs clamp(0.5)
"""
import os

import numpy as np

C, OUT, IN, KMAX = 6, 5, 7, 6
CLAMP = 0.5
RULES = ["A", "AD", "AD_lr", "ABC", "ABC_lr", "ABCD", "ABCD_lr", "ABCD_lr_D_out",
         "ABCD_lr_D_in_and_out"]


def dw(rule, h, oi, oj):
    """h: [..., k] broadcast against oi (pre) and oj (post)."""
    hh = [h[..., n] for n in range(h.shape[-1])]
    hebb = hh[0] * oi * oj
    if rule == "A":
        return hebb
    if rule == "AD":
        return hebb + hh[1]
    if rule == "AD_lr":
        return (hebb + hh[1]) * hh[2]
    abc = hebb + hh[1] * oi + hh[2] * oj
    if rule == "ABC":
        return abc
    if rule == "ABC_lr":
        return hh[3] * abc
    if rule == "ABCD":
        return hh[3] + abc
    if rule == "ABCD_lr":
        return hh[3] * (abc + hh[4])
    if rule == "ABCD_lr_D_out":
        return hh[3] * abc + hh[4]
    if rule == "ABCD_lr_D_in_and_out":
        return hh[3] * (abc + hh[4]) + hh[5]
    raise ValueError(rule)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(20201206)
    f32 = np.float32
    w = rng.uniform(-1, 1, (C, OUT, IN)).astype(f32)
    pre = rng.uniform(-1, 1, (C, IN)).astype(f32)
    post = np.tanh(rng.normal(0, 1, (C, OUT))).astype(f32)
    cs = rng.uniform(-1, 1, (C, OUT, IN, KMAX)).astype(f32)
    cn = rng.uniform(-1, 1, (C, OUT, KMAX)).astype(f32)
    cl = rng.uniform(-1, 1, (C, KMAX)).astype(f32)
    exp = np.zeros((len(RULES), 3, 3, C, OUT, IN), dtype=np.float64)
    for r, rule in enumerate(RULES):
        k = [1, 2, 3, 3, 4, 4, 5, 5, 6][r]
        for s, coeffs in enumerate([cs, cn[:, :, None, :], cl[:, None, None, :]]):
            h = np.broadcast_to(coeffs[..., :k].astype(np.float64), (C, OUT, IN, k))
            oi = pre.astype(np.float64)[:, None, :]
            oj = post.astype(np.float64)[:, :, None]
            w1 = w.astype(np.float64) + dw(rule, h, oi, oj)
            exp[r, s, 0] = w1
            m = np.abs(w1).max(axis=(1, 2), keepdims=True)
            exp[r, s, 1] = np.where(m > 0, w1 / np.where(m > 0, m, 1), w1)
            exp[r, s, 2] = np.clip(w1, -CLAMP, CLAMP)
    out = dict(w=w, pre=pre, post=post, coeffs_synapse=cs, coeffs_neuron=cn,
               coeffs_layer=cl, expected=exp.astype(f32))
    for name, a in out.items():
        np.save(os.path.join(here, f"{name}.npy"), np.ascontiguousarray(a))
        print(f"{name}.npy {a.shape} {a.dtype}")


if __name__ == "__main__":
    main()
