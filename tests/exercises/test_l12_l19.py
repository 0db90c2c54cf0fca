"""Lectures 12 and 19's checkers: the reference accepted, None and the typical mistakes named."""

from __future__ import annotations

import json
import math

import numpy as np

from dlies.exercises import _judge

RNG = np.random.default_rng(0)


def said(exercise_id, answer, message, **context):
    verdict = _judge(exercise_id, answer, **context)
    return not verdict.ok and message in verdict.message


def _scene():
    """A tilted plane of 16 000 points on 10 m x 10 m, 2 cm of noise, and a pole at (5, 5)."""
    xy = RNG.uniform(0, 10, (16_000, 2))
    ground = np.column_stack([xy, 0.05 * xy[:, 0] + RNG.normal(0, 0.02, 16_000)])
    pole = np.column_stack([5 + RNG.normal(0, 0.03, (300, 2)), RNG.uniform(0, 3, 300)])
    return np.vstack([ground, pole])


def test_12_1_eigen_features():
    points = _scene()
    cores = np.array([[3.0, 3.0, 0.15], [5.0, 5.0, 1.5]])
    lam, lam_wide = [], []
    for c in cores:
        for out, r in ((lam, 0.5), (lam_wide, 1.0)):
            nb = points[np.linalg.norm(points - c, axis=1) <= r]
            out.append(np.sort(np.linalg.eigvalsh(np.cov(nb.T, bias=True)))[::-1])
    lam, lam_wide = np.array(lam), np.array(lam_wide)

    def lps(v):
        return np.column_stack([v[:, 0] - v[:, 1], v[:, 1] - v[:, 2], v[:, 2]]) / v[:, :1]

    right = lps(lam)
    assert right[0].argmax() == 1 and right[1].argmax() == 0  # the plane planar, the pole linear
    context = dict(points=points, cores=cores, diameter=1.0)
    assert _judge("12.1", right, **context).ok
    assert said("12.1", None, "not attempted", **context)
    assert said("12.1", lps(lam[:, ::-1]), "increasing order", **context)
    assert said("12.1", right * lam[:, :1] / lam.sum(1, keepdims=True), "divide by λ1", **context)
    assert said("12.1", lps(lam_wide), "D / 2", **context)
    assert said("12.1", right[:, :2], "shape", **context)


def test_12_2_height_above_minimum():
    from scipy.spatial import cKDTree

    xyz = _scene()
    cores = xyz[RNG.choice(len(xyz), 200, replace=False)]

    def height(cloud, dims, r):
        around = cKDTree(cloud[:, :dims]).query_ball_point(cores[:, :dims], r)
        return cores[:, 2] - np.array([cloud[nb, 2].min() for nb in around])

    right = height(xyz, 2, 1.0)
    context = dict(xyz=xyz, cores=cores, radius=1.0)
    assert _judge("12.2", right, **context).ok
    assert said("12.2", None, "not attempted", **context)
    assert said("12.2", height(xyz, 3, 1.0), "in plan", **context)
    assert said("12.2", height(cores, 2, 1.0), "core points only", **context)
    assert said("12.2", height(xyz, 2, 0.5), "R / 2", **context)
    assert said("12.2", -right, "sign", **context)


def test_12_3_blocked_split():
    tiles = RNG.integers(0, 30, 600)
    test_tiles = np.arange(10)
    is_test = np.isin(tiles, test_tiles)
    right = (np.flatnonzero(~is_test), np.flatnonzero(is_test))
    assert _judge("12.3", right, tiles=tiles).ok
    assert _judge("12.3", (~is_test, is_test), tiles=tiles).ok  # masks will do
    assert said("12.3", None, "not attempted", tiles=tiles)
    rows = RNG.permutation(600)
    assert said("12.3", (rows[200:], rows[:200]), "tiles have points in both", tiles=tiles)
    assert said("12.3", (right[0], np.arange(600)), "in both sets", tiles=tiles)
    assert said("12.3", (right[0][5:], right[1]), "in neither set", tiles=tiles)
    assert said("12.3", right[::-1], "holds 67% of the tiles", tiles=tiles)


def test_19_1_global_batch():
    context = dict(per_replica_batch=2048, replicas=2, n_rows=300_000)
    assert _judge("19.1", (4096, 73), **context).ok
    assert said("19.1", None, "not attempted", **context)
    assert said("19.1", (2048, 146), "times the number of replicas", **context)
    assert said("19.1", (4096, 146), "per-replica batches", **context)
    assert said("19.1", (4096, 74), "round the steps down", **context)


def test_19_2_warmup_schedule():
    peak = 0.01 * math.sqrt(8)
    right = [peak * min(s / 5, 1) for s in range(12)]
    context = dict(base_lr=0.01, base_batch=4096, global_batch=8 * 4096, warmup_steps=5,
                   n_steps=12, replicas=8)  # fmt: skip
    assert _judge("19.2", right, **context).ok
    assert said("19.2", None, "not attempted", **context)
    assert said("19.2", [0.08 * min(s / 5, 1) for s in range(12)], "linear rule", **context)
    assert said(
        "19.2", [peak * min((s + 1) / 5, 1) for s in range(12)], "one step ahead", **context
    )
    assert said("19.2", [peak] * 12, "no warm-up", **context)
    assert said("19.2", [0.01 * min(s / 5, 1) for s in range(12)], "per-replica", **context)


def test_19_3_tf_config():
    hosts = ["node01", "node02", "node03"]
    context = dict(hosts=hosts, port=2222, host="node02")
    workers = [f"{h}:2222" for h in hosts]
    right = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": 1}}
    assert _judge("19.3", right, **context).ok
    assert _judge("19.3", json.dumps(right), **context).ok
    assert said("19.3", None, "not attempted", **context)
    wrong = json.loads(json.dumps(right))
    wrong["task"]["index"] = 2
    assert said("19.3", wrong, "counts from 0", **context)
    wrong["task"] = {"type": "worker", "index": 1}
    wrong["cluster"]["worker"] = [workers[1]]
    assert said("19.3", wrong, "lists every worker", **context)
    wrong["cluster"]["worker"] = [workers[1], workers[0], workers[2]]
    assert said("19.3", wrong, "same order", **context)
    wrong["cluster"]["worker"] = hosts
    assert said("19.3", wrong, "host:port", **context)
    assert said("19.3", "{'cluster': 1}", "not JSON", **context)


def test_19_4_file_sharding():
    files = [f"/data/part-{s:02d}.tfrecord" for s in range(8)]
    context = dict(files=files, n_workers=3)
    assert _judge("19.4", [files[k::3] for k in range(3)], **context).ok
    assert said("19.4", None, "not attempted", **context)
    assert said("19.4", [files] * 3, "every worker reads every file", **context)
    assert said("19.4", [files[:3], files[3:6], files[6:]], "contiguous", **context)
    assert said("19.4", [files[k + 1 :: 3] for k in range(3)], "count from 0", **context)
    assert said("19.4", [files[0::3], files[1::3]], "one per worker", **context)
    assert said("19.4", [files[0::3], files[1::3], files[1::3]], "more than one", **context)
