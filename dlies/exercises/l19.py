"""Checkers of lecture 19 (scaling out): the global batch, the square-root learning rate with a
linear warm-up, a worker's TF_CONFIG, TFRecord shards split across workers."""

from __future__ import annotations

import json
import math
from pathlib import PurePath

import numpy as np

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


@exercise("19.1", "the global batch and the steps per epoch")
def global_batch(answer, *, per_replica_batch, replicas, n_rows) -> Verdict:
    """``answer``: (global batch, steps per epoch) for ``replicas`` replicas of
    ``per_replica_batch`` samples over ``n_rows`` rows batched with ``drop_remainder=True``;
    exact."""
    b = per_replica_batch * replicas
    return close_to(
        answer,
        [b, n_rows // b],
        what="(global batch, steps)",
        rtol=0,
        atol=1e-9,
        right="B = R × per-replica batch; an epoch is ⌊N / B⌋ steps with drop_remainder",
        mistakes=[
            ([per_replica_batch, n_rows // per_replica_batch], "the global batch is the "
             "per-replica batch times the number of replicas"),
            ([per_replica_batch / replicas, n_rows // (per_replica_batch / replicas)], "this "
             "divides by the replicas: each replica gets the per-replica batch, the step the "
             "R-fold global batch"),
            ([b, n_rows // per_replica_batch], "the steps are counted in per-replica batches: "
             "one step consumes a whole global batch"),
            ([b, -(-n_rows // b)], "drop_remainder=True drops the last partial batch: round "
             "the steps down"),
        ],
    )  # fmt: skip


def _schedule(peak: float, warmup_steps: int, n_steps: int, shift: int = 0) -> np.ndarray:
    step = np.arange(n_steps) + shift
    return peak * np.minimum(step / warmup_steps, 1.0) if warmup_steps else np.full(n_steps, peak)


@exercise("19.2", "the square-root learning rate with a linear warm-up")
def warmup_schedule(
    answer, *, base_lr, base_batch, global_batch, warmup_steps, n_steps, replicas
) -> Verdict:
    """``answer``: the learning rate at steps 0 … ``n_steps`` − 1: a linear warm-up from 0 at
    step 0 to base_lr √(global_batch / base_batch) at step ``warmup_steps``, then constant;
    within 1e-6 (relative)."""
    peak = base_lr * math.sqrt(global_batch / base_batch)
    linear = base_lr * global_batch / base_batch
    per_replica = base_lr * math.sqrt(global_batch / replicas / base_batch)
    return close_to(
        answer,
        _schedule(peak, warmup_steps, n_steps),
        what="the schedule",
        rtol=1e-6,
        atol=1e-12,
        right="0 at step 0, rising linearly to the √-scaled peak at the end of the warm-up",
        mistakes=[
            (_schedule(linear, warmup_steps, n_steps), "this peak follows the linear rule "
             "(SGD's): for Adam scale the base rate by √(global batch / base batch)"),
            (_schedule(per_replica, warmup_steps, n_steps), "this peak is scaled with the "
             "per-replica batch: the rule takes the global batch"),
            (np.full(n_steps, peak), "there is no warm-up: start at 0 and rise linearly"),
            (_schedule(peak, warmup_steps, n_steps, shift=1), "the warm-up is one step ahead: "
             "step 0 trains at 0 and the peak comes at step warmup_steps"),
            (_schedule(peak, warmup_steps - 1, n_steps), "the peak comes one step early: "
             "step s of the warm-up trains at peak × s / warmup_steps"),
            (_schedule(linear, 0, n_steps), "this is the linear rule without warm-up: scale "
             "by the square root and warm up"),
        ],
    )  # fmt: skip


@exercise("19.3", "a worker's TF_CONFIG")
def tf_config(answer, *, hosts, port, host) -> Verdict:
    """``answer``: the TF_CONFIG (a dict or its JSON text) of the worker on ``host``, one of
    the cluster's ``hosts`` (every worker listening on ``port``); exact."""
    workers, index = [f"{h}:{port}" for h in hosts], list(hosts).index(host)
    shape = '{"cluster": {"worker": [...]}, "task": {"type": "worker", "index": i}}'
    if isinstance(answer, str):
        try:
            answer = json.loads(answer)
        except json.JSONDecodeError as exc:
            return Verdict(False, f"this text is not JSON ({exc.msg})")
    if not isinstance(answer, dict) or not isinstance(answer.get("cluster"), dict):
        return Verdict(False, f"TF_CONFIG is a dict shaped {shape}")
    listed, task = answer["cluster"].get("worker"), answer.get("task")
    if not isinstance(listed, list | tuple) or not isinstance(task, dict):
        return Verdict(False, f"TF_CONFIG needs cluster['worker'] (a list) and a task: {shape}")
    listed = [str(w) for w in listed]
    if listed == [str(h) for h in hosts]:
        return Verdict(False, f"each address is host:port, e.g. {workers[0]!r}")
    if sorted(listed) == sorted(workers) and listed != workers:
        return Verdict(False, "the workers are listed in another order: every worker sees the "
                       "same list, in the same order, since the index points into it")  # fmt: skip
    if listed != workers:
        return Verdict(False, f"the cluster lists every worker ({len(workers)}), the same list "
                       "in every worker's TF_CONFIG")  # fmt: skip
    if task.get("type") != "worker":
        return Verdict(False, f"the task type is 'worker' (got {task.get('type')!r}): this "
                       "cluster has no separate 'chief'; worker 0 acts as chief")  # fmt: skip
    got = task.get("index")
    if not isinstance(got, int) or isinstance(got, bool):
        return Verdict(False, f"the index is an integer, got {type(got).__name__}")
    if got == index + 1:
        return Verdict(False, "the index counts from 0: it is this host's position in the "
                       "worker list")  # fmt: skip
    if got != index:
        return Verdict(False, "the index is this host's position in the worker list")
    return Verdict(True, "the same worker list as every other worker, and this host's index")


def _names(files) -> list[str]:
    return [PurePath(f.decode() if isinstance(f, bytes) else str(f)).name for f in files]


@exercise("19.4", "TFRecord shards split across workers")
def file_sharding(answer, *, files, n_workers) -> Verdict:
    """``answer``: one list of files per worker, worker k's at position k, as
    ``tf.data.Dataset.shard(n_workers, k)`` splits the list ``files``; compared by file name."""
    files = _names(files)
    reference = [files[k::n_workers] for k in range(n_workers)]
    if not isinstance(answer, list | tuple) or isinstance(answer, str):
        return Verdict(False, "give one list of files per worker")
    if len(answer) != n_workers:
        return Verdict(False, f"{len(answer)} lists for {n_workers} workers: one per worker")
    got = [_names(a) for a in answer]
    if got == reference:
        return Verdict(True, "every file read by exactly one worker, every n-th from k")
    every = [f for g in got for f in g]
    if got == [files[k + 1 :: n_workers] for k in range(n_workers)]:
        return Verdict(False, "worker indices count from 0: worker k starts at file k")
    if all(g == files for g in got):
        return Verdict(False, "every worker reads every file: each sample would be seen "
                       f"{n_workers} times per epoch; give each worker its own files")  # fmt: skip
    twice = sorted({f for f in every if every.count(f) > 1})
    if twice:
        return Verdict(False, f"{len(twice)} files are read by more than one worker")
    missing = sorted(set(files) - set(every))
    if missing:
        return Verdict(False, f"{len(missing)} files are read by no worker")
    if got == [list(a) for a in np.array_split(np.array(files), n_workers)]:
        return Verdict(False, "contiguous blocks split the files too, but shard(n, k) takes "
                       "every n-th file from file k")  # fmt: skip
    return Verdict(False, "each worker reads all its files, but not those shard(n, k) gives it")
