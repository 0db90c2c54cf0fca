"""The cluster side of :mod:`dlies.train`: ``TF_CONFIG``, peers, local worker processes, faults.

:func:`start_local_workers` starts a cluster of ``python -m dlies.train`` processes on loopback
(lecture 19, the tests); :func:`wait_workers` never leaves one behind. :func:`read_tf_config`
and :func:`wait_for_peers` turn a mistyped cluster or a worker that never starts into one
clear error (:class:`TrainError`) instead of a traceback or a job that waits for ever.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from dlies._validate import Folder, Integer, Real, Sequence, String, Unchecked, validate_params


class TrainError(RuntimeError):
    """A fault the command reports as one line (exit status 1), not as a traceback."""


class NonFiniteLoss(TrainError):
    """The training loss became NaN or infinite: the job stops rather than train on."""


@validate_params(text=(None, String(1_000_000, allow_empty=True)))
def read_tf_config(text: str | None) -> dict:
    """``TF_CONFIG`` parsed and checked: a worker list of ``host:port`` and this task's index.

    Every error names ``TF_CONFIG`` and says what was expected.
    """
    if text is None or not text.strip():
        raise TrainError("TF_CONFIG is not set; --strategy multiworker needs it (docs/scaling.md)")
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TrainError(f"TF_CONFIG is not JSON ({exc.msg} at character {exc.pos})") from None
    expected = '{"cluster": {"worker": ["host:port", ...]}, "task": {"type": "worker", "index": i}}'
    cluster = config.get("cluster") if isinstance(config, dict) else None
    task = config.get("task") if isinstance(config, dict) else None
    workers = cluster.get("worker") if isinstance(cluster, dict) else None
    if not isinstance(workers, list) or not workers or not isinstance(task, dict):
        raise TrainError(f"TF_CONFIG must look like {expected}; got {text[:200]!r}")
    for address in workers:
        host, _, port = str(address).rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise TrainError(f"TF_CONFIG: worker address {address!r} is not host:port")
    index = task.get("index")
    if task.get("type") not in ("worker", "chief") or not isinstance(index, int):
        raise TrainError(f"TF_CONFIG: task must be {{'type': 'worker', 'index': i}}, got {task}")
    if task["type"] == "worker" and not 0 <= index < len(workers):
        raise TrainError(
            f"TF_CONFIG: task index {index} is outside the {len(workers)} worker(s) listed"
        )
    return config


@validate_params(
    workers=Sequence(String(300), min_length=1),
    index=Integer(min=0),
    timeout=Real(above=0),
    poll=Real(above=0),
)
def wait_for_peers(workers: list[str], index: int, *, timeout: float, poll: float = 0.2) -> None:
    """Check that every other worker of the cluster answers on its port within ``timeout`` s.

    ``MultiWorkerMirroredStrategy``'s constructor waits for every peer without a time limit
    (``--comm-timeout`` bounds collective operations only, once they run). So before building
    it, each worker listens on its own address for a moment and connects to every peer's: a
    peer that never starts is named, and the job stops, instead of hanging.
    """
    import socket

    own_port = int(workers[index].rpartition(":")[2])
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("", own_port))
    except OSError as exc:
        listener.close()
        raise TrainError(
            f"worker {index} cannot listen on {workers[index]}: {exc.strerror}"
        ) from None
    listener.listen(len(workers))
    deadline = time.monotonic() + timeout
    missing = [a for i, a in enumerate(workers) if i != index]
    try:
        while missing:
            host, _, port = missing[0].rpartition(":")
            try:
                with socket.create_connection((host.strip("[]"), int(port)), timeout=poll):
                    missing.pop(0)
                    continue
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TrainError(
                    f"peer worker at {missing[0]} did not answer within {timeout:g} s "
                    "(--comm-timeout); start every worker of TF_CONFIG's list"
                )
            time.sleep(poll)
    finally:
        listener.close()


@validate_params(n=Integer(min=1, max=1024))
def free_ports(n: int) -> list[int]:
    """``n`` TCP ports on 127.0.0.1 that are free right now (the OS picks them)."""
    import socket

    socks = [socket.socket() for _ in range(n)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


@validate_params(
    n_workers=Integer(min=1, max=64),
    argv=Sequence(String(10_000)),
    log_dir=Folder(),
)
def start_local_workers(n_workers: int, argv: list[str], *, log_dir: Path) -> list:
    """Start ``n_workers`` processes of ``python -m dlies.train`` as one cluster on loopback.

    Each gets its ``TF_CONFIG`` (same worker list, its own index) and writes its output to
    ``log_dir/worker<i>.log``. Returns the ``subprocess.Popen`` objects: the caller waits for
    them (:func:`wait_workers`) or kills them.
    """
    import subprocess

    workers = [f"127.0.0.1:{port}" for port in free_ports(n_workers)]
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    procs = []
    for i in range(n_workers):
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        env["TF_CONFIG"] = json.dumps(
            {"cluster": {"worker": workers}, "task": {"type": "worker", "index": i}}
        )
        with open(log_dir / f"worker{i}.log", "wb") as out:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "dlies.train", *argv],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    return procs


@validate_params(
    procs=Sequence(Unchecked("subprocess.Popen objects from start_local_workers")),
    timeout=Real(above=0),
)
def wait_workers(procs: list, *, timeout: float) -> list[int]:
    """Wait for every worker at most ``timeout`` seconds in all; kill what is left."""
    deadline = time.monotonic() + timeout
    codes = []
    for proc in procs:
        try:
            codes.append(proc.wait(timeout=max(0.1, deadline - time.monotonic())))
        except Exception:  # subprocess.TimeoutExpired: stop it, never leave it behind
            proc.kill()
            codes.append(proc.wait())
    return codes
