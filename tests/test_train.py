"""dlies.train: the distributed training entry point, its checkpoints and its workers."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlies import train
from dlies.datasets.devries import write_schema_rows


def _devries_file(path: Path, n: int = 24_000) -> Path:
    return write_schema_rows(path, n, random_state=0)


def _args(data, ck, epochs, extra=()):
    return [
        "aftershocks",
        "--data",
        str(data),
        "--epochs",
        str(epochs),
        "--batch-size",
        "256",
        "--checkpoint-dir",
        str(ck),
        "--steps-per-epoch",
        "40",
        *extra,
    ]


def test_single_process_resumes_at_the_saved_epoch(tmp_path, capsys):
    data = _devries_file(tmp_path / "t.h5")
    ck = tmp_path / "ck"
    assert train.main(_args(data, ck, 2, ["--summary", str(tmp_path / "s.json")])) == 0
    first = json.loads((tmp_path / "s.json").read_text())
    assert [h["epoch"] for h in first["history"]] == [1, 2]
    assert first["history"][1]["loss"] < first["history"][0]["loss"]
    assert train.main(_args(data, ck, 3, ["--summary", str(tmp_path / "s.json")])) == 0
    again = json.loads((tmp_path / "s.json").read_text())
    assert [h["epoch"] for h in again["history"]] == [3]
    assert "resumed from ckpt-2 at epoch 2" in capsys.readouterr().out


@pytest.mark.parametrize(
    "bad,message",
    [
        (["--epochs", "0"], "--epochs"),
        (["--batch-size", "7"], "even"),
        (["--strategy", "horovod"], "strategy"),
        (["--steps-per-epoch", "-1"], "steps"),
    ],
)
def test_bad_options_are_refused(tmp_path, bad, message, capsys):
    data = _devries_file(tmp_path / "t.h5", n=100)
    with pytest.raises(SystemExit):
        train.parse_args(["aftershocks", "--data", str(data), *bad])
    assert message in capsys.readouterr().err
    with pytest.raises(SystemExit):
        train.parse_args(["aftershocks", "--data", str(tmp_path / "missing.h5")])


def test_wait_workers_kills_what_outlives_its_time_limit():
    """A hung worker is killed at the deadline: no process outlives the call."""
    quick = subprocess.Popen([sys.executable, "-c", "pass"])
    hung = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    start = time.monotonic()
    codes = train.wait_workers([quick, hung], timeout=3)
    assert time.monotonic() - start < 30
    assert codes == [0, -signal.SIGKILL]
    assert quick.poll() == 0 and hung.poll() == -signal.SIGKILL


def test_killed_worker_job_resumes_from_last_checkpoint(tmp_path):
    """Two workers on loopback; one is killed mid-training; the restarted job resumes."""
    data = _devries_file(tmp_path / "t.h5")
    ck = tmp_path / "ck"
    argv = _args(
        data,
        ck,
        6,
        [
            "--strategy",
            "multiworker",
            "--comm-timeout",
            "20",
            "--summary",
            str(tmp_path / "s{task}.json"),
        ],
    )
    procs = train.start_local_workers(2, argv, log_dir=tmp_path / "run1")
    try:
        deadline = time.monotonic() + 240
        while not (ck / "ckpt-2.index").exists():
            assert time.monotonic() < deadline, (tmp_path / "run1" / "worker0.log").read_text()
            assert all(p.poll() is None for p in procs), "a worker ended before the kill"
            time.sleep(0.2)
        procs[1].send_signal(signal.SIGKILL)
        codes = train.wait_workers(procs, timeout=120)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert codes[1] == -signal.SIGKILL
    saved = int(Path(ck / "checkpoint").read_text().split('"')[1].split("-")[1])
    assert 2 <= saved < 6, "the kill came after the job had finished"
    procs = train.start_local_workers(2, argv, log_dir=tmp_path / "run2")
    assert train.wait_workers(procs, timeout=240) == [0, 0]
    log = (tmp_path / "run2" / "worker0.log").read_text()
    assert f"resumed from ckpt-{saved} at epoch {saved}" in log
    s0, s1 = (json.loads((tmp_path / f"s{i}.json").read_text()) for i in (0, 1))
    assert [h["epoch"] for h in s0["history"]] == list(range(saved + 1, 7))
    assert s0["weights_sha256"] == s1["weights_sha256"], "replicas must hold the same weights"
    assert s0["chief"] and not s1["chief"]
    assert not list(ck.glob(".worker*")), "non-chief temporary checkpoints are removed"
