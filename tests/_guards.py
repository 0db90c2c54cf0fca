"""Helpers for tests that must not hang and must not touch files they did not create.

``finishes`` runs a call in a forked child and fails the test when the child is still running
after a deadline (then kills it), so a loader that blocks on a FIFO or reads ``/dev/zero``
forever fails instead of hanging the suite. ``deadline`` does the same in-process with a
timer signal, cheaply enough for property-based tests. ``snapshot`` records every file under
a folder (bytes and mode) to compare before and after a call.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from pathlib import Path

import pytest


def finishes(func, *args, seconds: float = 30, **kwargs) -> tuple[str, str, str]:
    """Run ``func(*args, **kwargs)`` in a forked child: ``("returned", type, "")`` or
    ``("raised", exception type, message)``; the test fails if it runs past ``seconds``."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        try:
            result = func(*args, **kwargs)
            send.send(("returned", type(result).__name__, ""))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            names = [c.__name__ for c in type(exc).__mro__]
            send.send(("raised", ",".join(names), str(exc)))

    proc = ctx.Process(target=child, daemon=True)
    proc.start()
    try:
        if not receive.poll(seconds):
            pytest.fail(f"{getattr(func, '__name__', func)} still running after {seconds} s")
        return receive.recv()
    finally:
        proc.kill()
        proc.join()


class Hang(Exception):
    """Raised by :func:`deadline` when the block runs too long."""


@contextlib.contextmanager
def deadline(seconds: float):
    """Raise :class:`Hang` inside the block after ``seconds`` (main thread, POSIX)."""

    def alarm(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def snapshot(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every entry under ``folder``: its bytes (None for what is not a regular file) and mode."""
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        st = p.lstat()
        data = p.read_bytes() if p.is_file() and not p.is_symlink() else None
        out[p.relative_to(folder).as_posix()] = (data, st.st_mode)
    return out


def dead_pid() -> int:
    """The pid of a process that has ended (a child run to completion)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)
