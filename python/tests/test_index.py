"""`plasticore.LshIndex`: the same neighbours as the `lsh.index` kernel, exact
top-k against NumPy when every bucket is probed, recall on clustered data,
and bad input refused with nothing changed."""

import numpy as np
import pytest

import plasticore


def data(n=400, d=16, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)).astype(np.float32)


def test_equals_the_index_kernel():
    x = data()
    q = x[::7] + np.float32(0.05)
    idx = plasticore.LshIndex(16, len(x), tables=6, bits=8, seed=11)
    ids = idx.insert_all(x)
    assert list(ids) == list(range(len(x))) and len(idx) == len(x)
    idx.recenter()
    got, cos = idx.query_batch(q, k=5, probes=24)
    want = plasticore.run("lsh.index", data=x, queries=q, tables=6, bits=8, probes=24, k=5, seed=11, center=True)
    assert np.array_equal(got, want.astype(np.int64))
    one, c1 = idx.query(q[3], k=5, probes=24)
    assert np.array_equal(one, got[3][got[3] >= 0]) and np.array_equal(c1, cos[3][: len(one)])
    idx.check()


def test_every_bucket_probed_gives_the_exact_top_k():
    x = data(200, 8, seed=1)
    q = data(20, 8, seed=2)
    # 2 tables × 2^3 buckets: 16 probes visit every bucket.
    idx = plasticore.LshIndex(8, 200, tables=2, bits=3, seed=5)
    idx.insert_all(x)
    ids, cos = idx.query_batch(q, k=4, probes=16)
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    qn = q / np.linalg.norm(q, axis=1, keepdims=True)
    sims = qn.astype(np.float64) @ xn.T.astype(np.float64)
    want = np.argsort(-sims, axis=1, kind="stable")[:, :4]
    assert np.array_equal(ids, want)
    np.testing.assert_allclose(cos, np.take_along_axis(sims, want, 1), atol=1e-5)


def test_recall_on_clusters():
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((40, 32)).astype(np.float32)
    x = (np.repeat(centres, 25, 0) + 0.15 * rng.standard_normal((1000, 32))).astype(np.float32)
    idx = plasticore.LshIndex(32, 1000, seed=2)
    idx.insert_all(x)
    ids, _ = idx.query_batch(x[::10], k=10)
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    exact = np.argsort(-(xn[::10] @ xn.T), axis=1)[:, :10]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, exact)])
    assert recall >= 0.9, recall


def test_remove_insert_and_bad_input():
    x = data(10, 4, seed=4)
    idx = plasticore.LshIndex(4, 10, tables=3, bits=4)
    idx.insert_all(x[:9])
    idx.remove(2)
    assert 2 not in idx and 3 in idx and len(idx) == 8
    with pytest.raises(ValueError, match="id"):
        idx.remove(2)
    assert idx.insert(x[2]) == 2
    assert idx.insert(x[9]) == 9
    with pytest.raises(ValueError, match="capacity|full"):
        idx.insert(x[0])
    idx.remove(9)
    with pytest.raises(ValueError, match="non-finite|NaN"):
        idx.insert(np.array([0, np.nan, 0, 0], np.float32))
    with pytest.raises(ValueError):
        idx.insert(np.zeros(5, np.float32))
    with pytest.raises(ValueError):
        idx.insert_all(np.zeros((3, 4), np.float32))  # 3 rows, 1 free slot
    with pytest.raises(ValueError):
        idx.query(np.zeros(3, np.float32))
    with pytest.raises(ValueError, match="non-finite|NaN"):
        idx.query(np.array([np.inf, 0, 0, 0], np.float32))
    assert len(idx) == 9
    idx.check()
    with pytest.raises(ValueError):
        plasticore.LshIndex(4, 10, tables=3, bits=33)
    with pytest.raises(ValueError):
        plasticore.LshIndex(0, 10)
    idx.clear()
    assert len(idx) == 0 and idx.query(x[0])[0].size == 0
