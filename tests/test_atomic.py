"""dlies.atomic: temporaries are removed only when the ledger proves dlies made them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from _guards import dead_pid

from dlies import atomic

# dlies.atomic loaded by its path: the writer starts without importing the whole package
_KILLED_WRITER = """
import importlib.util, sys, time
from pathlib import Path
spec = importlib.util.spec_from_file_location("atomic", sys.argv[2])
atomic = importlib.util.module_from_spec(spec)
spec.loader.exec_module(atomic)
with atomic.atomic_path(Path(sys.argv[1])) as tmp:
    tmp.write_bytes(b"half")
    print(tmp, flush=True)
    time.sleep(60)
"""


def _writer(target):
    """A process inside atomic_path(target), and the temporary it is writing."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(target), atomic.__file__],
        stdout=subprocess.PIPE,
        text=True,
    )
    return proc, target.parent / os.path.basename(proc.stdout.readline().strip())


def test_a_dead_pid_in_a_name_proves_nothing(tmp_path):
    target = tmp_path / "f.txt"
    user = tmp_path / f".f.txt.{dead_pid()}.tmp"  # a user's file that looks like a temporary
    user.write_text("mine")
    other = tmp_path / ".f.txt.0123456789abcdef.tmp"
    other.write_text("also mine")
    atomic.atomic_write_text(target, "done")
    assert target.read_text() == "done"
    assert user.read_text() == "mine" and other.read_text() == "also mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, user.name, other.name]
    )


def test_a_killed_writers_temporary_is_removed_and_a_live_ones_kept(tmp_path):
    killed, killed_tmp = _writer(tmp_path / "a.txt")
    live, live_tmp = _writer(tmp_path / "b.txt")
    try:
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        assert killed_tmp.read_bytes() == b"half"
        assert [e["tmp"] for e in atomic.ledger_entries(tmp_path)] == [
            killed_tmp.name,
            live_tmp.name,
        ]
        atomic.atomic_write_text(tmp_path / "c.txt", "done")
        assert not killed_tmp.exists() and live_tmp.exists()
        assert [e["tmp"] for e in atomic.ledger_entries(tmp_path)] == [live_tmp.name]
    finally:
        live.kill()
        live.wait()
    assert atomic.clean_temporaries(tmp_path) == [live_tmp]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt"], "the ledger stayed"


def test_a_recycled_pid_is_a_dead_writer():
    me = {"tmp": ".x.tmp", "pid": os.getpid(), "start": atomic._process_start(os.getpid())}
    assert atomic.writer_alive(me)
    if me["start"] is not None:
        assert not atomic.writer_alive(me | {"start": "0"})
    assert not atomic.writer_alive(me | {"pid": dead_pid()})
    assert not atomic.writer_alive({"tmp": ".x.tmp", "pid": True})


def test_a_foreign_file_named_like_the_ledger_is_left_alone(tmp_path):
    ledger = tmp_path / atomic.LEDGER
    ledger.write_text('{"tmp": ".f.txt.1.tmp", "pid": 1}\n')  # not our head: not ours
    victim = tmp_path / ".f.txt.1.tmp"
    victim.write_text("keep")
    atomic.atomic_write_text(tmp_path / "f.txt", "done")
    assert ledger.read_text() == '{"tmp": ".f.txt.1.tmp", "pid": 1}\n'
    assert victim.read_text() == "keep" and not atomic.is_ledger(ledger)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".dlies-temporaries",
        ".f.txt.1.tmp",
        "f.txt",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_like_the_ledger_does_not_block(tmp_path):
    os.mkfifo(tmp_path / atomic.LEDGER)
    start = time.monotonic()
    atomic.atomic_write_text(tmp_path / "f.txt", "done")
    assert (tmp_path / "f.txt").read_text() == "done" and time.monotonic() - start < 30


def test_read_json_list_refuses_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "runs.json")
    with pytest.raises(ValueError, match="runs.json is not a regular file"):
        atomic.read_json_list(tmp_path / "runs.json", "runs file")
