#!/usr/bin/env python3
"""Golden cases for plasticore's attention and nn kernels (tests/tests/attention_golden.rs).

Independent NumPy/SciPy references, computed in float64 from float32 inputs and
stored as float32 .npy files next to this script:

  layernorm_*   LayerNorm over the last axis, eps = 1e-5, biased variance.
  gelu_*        0.5 x (1 + erf(x / sqrt 2)) (scipy.special.erf).
  sdpa_*        softmax(q k^T / sqrt d) v per head, not causal, n != m.
  sdpac_*       the same, causal (key j <= query i, top-left aligned).
  lsh_*         Reformer LSH attention, the six steps of issue 5, written with
  lshc_*        argsort(kind='stable'), np.roll for the look-back and
                logsumexp over rounds (lshc_: causal).
  tfull_*       pre-LN transformer block (full causal attention, GELU FFN) from
                a flat parameter vector in TransformerBlock::flat_len order.
  tlsh_*        the same block with shared-QK LSH attention.

Configurations are stored as int32 arrays (*_cfg.npy) so the Rust test reads
them instead of repeating them. Rotations are redrawn until every hash decision
has a float64 margin > 1e-3 between the best and second-best bucket, so f32
rounding cannot flip a bucket.

Rerun (from the repository root; needs numpy and scipy):
    python3 tests/data/attention/gen_attention.py
"""
import os

import numpy as np
from scipy.special import erf, logsumexp

HERE = os.path.dirname(os.path.abspath(__file__))
f32 = np.float32


def save(name, a, dtype=np.float32):
    np.save(os.path.join(HERE, name + ".npy"), np.ascontiguousarray(np.asarray(a, dtype=dtype)))


def layernorm(x, g, b):
    x = x.astype(np.float64)
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + 1e-5) * g + b


def gelu(x):
    x = x.astype(np.float64)
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def sdpa(q, k, v, causal):
    q, k, v = (a.astype(np.float64) for a in (q, k, v))
    d = q.shape[-1]
    s = np.einsum("hnd,hmd->hnm", q, k) / np.sqrt(d)
    if causal:
        n, m = s.shape[-2:]
        s = np.where(np.tril(np.ones((n, m), dtype=bool)), s, -np.inf)
    p = np.exp(s - logsumexp(s, axis=-1, keepdims=True))
    return np.einsum("hnm,hmv->hnv", p, v)


def lsh_margins_ok(qk, rot):
    proj = np.einsum("hnd,drk->hrnk", qk.astype(np.float64), rot.astype(np.float64))
    cat = np.sort(np.concatenate([proj, -proj], axis=-1), axis=-1)
    return np.all(cat[..., -1] - cat[..., -2] > 1e-3)


def lsh_attention(qk, v, rot, bucket_size, causal):
    """Reformer LSH attention, issue 5 steps 1-6, qk [h,n,d], v [h,n,dv], rot [d,R,b/2]."""
    h, n, d = qk.shape
    _, rounds, half = rot.shape
    b = 2 * half
    dv = v.shape[-1]
    out = np.zeros((h, n, dv))
    for hh in range(h):
        x = qk[hh].astype(np.float64)
        vv = v[hh].astype(np.float64)
        # 2. buckets per round, first maximum wins, offset r*b
        proj = np.einsum("nd,drk->rnk", x, rot.astype(np.float64))
        buckets = np.argmax(np.concatenate([proj, -proj], axis=-1), axis=-1)
        buckets = buckets + np.arange(rounds)[:, None] * b
        # 3. one stable sort of all rounds by bucket*n + position
        keys = (buckets * n + np.arange(n)[None, :]).reshape(-1)
        order = np.argsort(keys, kind="stable")
        pos = order % n
        chunks = rounds * n // bucket_size
        cpos = pos.reshape(chunks, bucket_size)
        # 4. attend to own chunk and the previous one, wrapping around
        kpos = np.concatenate([cpos, np.roll(cpos, 1, axis=0)], axis=1)
        # 1. + 5. shared QK, unit keys, self logit -5e4, causal exclusion
        k = x / np.linalg.norm(x, axis=-1, keepdims=True)
        logits = np.einsum("cid,cjd->cij", x[cpos], k[kpos]) / np.sqrt(d)
        logits = np.where(cpos[:, :, None] == kpos[:, None, :], -5e4, logits)
        if causal:
            logits = np.where(kpos[:, None, :] > cpos[:, :, None], -np.inf, logits)
        lse = logsumexp(logits, axis=-1)
        o = np.einsum("cij,cjv->civ", np.exp(logits - lse[..., None]), vv[kpos])
        # 6. back to position order, combine rounds with exp(lse_r - logsumexp)
        undo = np.empty_like(order)
        undo[order] = np.arange(rounds * n)
        o_r = o.reshape(rounds * n, dv)[undo].reshape(rounds, n, dv)
        lse_r = lse.reshape(rounds * n)[undo].reshape(rounds, n)
        w = np.exp(lse_r - logsumexp(lse_r, axis=0, keepdims=True))
        out[hh] = (w[..., None] * o_r).sum(0)
    return out


def flat_params(rng, d, d_ff, shared):
    parts = [1.0 + 0.3 * rng.standard_normal(d), 0.3 * rng.standard_normal(d)]
    for _ in range(3 if shared else 4):
        parts.append(rng.standard_normal((d, d)) / np.sqrt(d))
    parts += [1.0 + 0.3 * rng.standard_normal(d), 0.3 * rng.standard_normal(d)]
    parts += [rng.standard_normal((d_ff, d)) / np.sqrt(d), 0.1 * rng.standard_normal(d_ff)]
    parts += [rng.standard_normal((d, d_ff)) / np.sqrt(d_ff), 0.1 * rng.standard_normal(d)]
    return np.concatenate([p.reshape(-1) for p in parts]).astype(f32)


def transformer(x, p, d, heads, d_ff, attn):
    """Pre-LN block: x + Wo Attn(LN1 x), then + FFN(LN2 .); attn='full' (causal) or ('lsh', rot, c)."""
    shared = attn != "full"
    off = 0

    def take(*shape):
        nonlocal off
        k = int(np.prod(shape))
        a = p[off:off + k].astype(np.float64).reshape(shape)
        off += k
        return a

    g1, b1 = take(d), take(d)
    wq = take(d, d)
    wk = None if shared else take(d, d)
    wv, wo = take(d, d), take(d, d)
    g2, b2 = take(d), take(d)
    w1, bf1, w2, bf2 = take(d_ff, d), take(d_ff), take(d, d_ff), take(d)
    assert off == p.size
    n = x.shape[0]
    dh = d // heads
    x = x.astype(np.float64)
    a = layernorm(x, g1, b1)
    split = lambda t: t.reshape(n, heads, dh).transpose(1, 0, 2)
    if shared:
        _, rot, c = attn
        o = lsh_attention(split(a @ wq.T), split(a @ wv.T), rot, c, False)
    else:
        o = sdpa(split(a @ wq.T), split(a @ wk.T), split(a @ wv.T), True)
    x = x + o.transpose(1, 0, 2).reshape(n, d) @ wo.T
    hdn = gelu(layernorm(x, g2, b2) @ w1.T + bf1)
    return x + hdn @ w2.T + bf2


def main():
    rng = np.random.default_rng(20260126)

    x = (3.0 * rng.standard_normal((6, 20)) + 1.5).astype(f32)
    g = (1.0 + 0.5 * rng.standard_normal(20)).astype(f32)
    b = rng.standard_normal(20).astype(f32)
    save("layernorm_x", x)
    save("layernorm_gamma", g)
    save("layernorm_beta", b)
    save("layernorm_out", layernorm(x, g, b))

    x = np.linspace(-6, 6, 97).astype(f32)
    save("gelu_x", x)
    save("gelu_out", gelu(x))

    for name, (h, n, m, d, dv), causal in [("sdpa", (2, 7, 11, 8, 6), False),
                                          ("sdpac", (3, 16, 16, 12, 5), True)]:
        q = (1.5 * rng.standard_normal((h, n, d))).astype(f32)
        k = (1.5 * rng.standard_normal((h, m, d))).astype(f32)
        v = rng.standard_normal((h, m, dv)).astype(f32)
        save(name + "_q", q)
        save(name + "_k", k)
        save(name + "_v", v)
        save(name + "_out", sdpa(q, k, v, causal))

    for name, (h, n, d, dv, rounds, nb, c), causal in [("lsh", (2, 32, 8, 4, 3, 8, 4), False),
                                                     ("lshc", (2, 48, 8, 6, 4, 6, 8), True)]:
        # Structured input: a few repeated "tokens" plus noise, so buckets matter.
        protos = rng.standard_normal((5, d))
        qk = (protos[rng.integers(0, 5, (h, n))] + 0.3 * rng.standard_normal((h, n, d))).astype(f32)
        v = rng.standard_normal((h, n, dv)).astype(f32)
        while True:
            rot = rng.standard_normal((d, rounds, nb // 2)).astype(f32)
            if lsh_margins_ok(qk, rot):
                break
        save(name + "_qk", qk)
        save(name + "_v", v)
        save(name + "_rot", rot)
        save(name + "_cfg", [rounds, nb, c, int(causal)], np.int32)
        save(name + "_out", lsh_attention(qk, v, rot, c, causal))

    n, d, heads, d_ff = 32, 16, 2, 32
    x = rng.standard_normal((n, d)).astype(f32)
    p = flat_params(rng, d, d_ff, False)
    save("tfull_x", x)
    save("tfull_params", p)
    save("tfull_cfg", [n, d, heads, d_ff], np.int32)
    save("tfull_out", transformer(x, p, d, heads, d_ff, "full"))

    p = flat_params(rng, d, d_ff, True)
    # LSH block: rotations [d/heads, R=2, b/2=2], chunks of 8; hash margins are
    # checked on the layer-normed, projected qk the block will hash.
    while True:
        rot = rng.standard_normal((d // heads, 2, 2)).astype(f32)
        off = 2 * d
        wq = p[off:off + d * d].astype(np.float64).reshape(d, d)
        a = layernorm(x, p[:d].astype(np.float64), p[d:2 * d].astype(np.float64))
        qk = (a @ wq.T).reshape(n, heads, d // heads).transpose(1, 0, 2)
        if lsh_margins_ok(qk, rot):
            break
    save("tlsh_x", x)
    save("tlsh_params", p)
    save("tlsh_rot", rot)
    save("tlsh_cfg", [n, d, heads, d_ff, 2, 4, 8], np.int32)
    save("tlsh_out", transformer(x, p, d, heads, d_ff, ("lsh", rot, 8)))


if __name__ == "__main__":
    main()
