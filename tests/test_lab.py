"""`make lab` starts JupyterLab on notebooks/ (also as root, as in containers)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest


def _stop(proc: subprocess.Popen) -> str:
    """End a process group started with start_new_session=True; return what it printed."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            return proc.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.communicate()[0]


def test_make_lab_starts_jupyterlab_on_notebooks(tmp_path):
    """`make lab` really serves JupyterLab from notebooks/ (also as root, as in containers)."""
    root = Path(__file__).resolve().parents[1]
    if shutil.which("make") is None or not (root / ".venv" / "bin" / "jupyter").exists():
        pytest.skip("needs make and the project's .venv (make test creates it)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0"
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    body = None
    try:
        deadline = time.monotonic() + 120
        while body is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.5)
    finally:
        out = _stop(proc)
    assert body is not None, f"make lab did not serve on port {port}:\n{out[-3000:]}"
    assert '"version"' in body  # /api answers without a token: the server is up
    served = re.search(r"Serving notebooks from local directory: (\S+)", out)
    assert served, out[-3000:]
    assert Path(served.group(1)).resolve() == (root / "notebooks").resolve()
