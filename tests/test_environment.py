"""environment.yml must install what pyproject.toml declares."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pip_section(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "- pip:")
    out = []
    for line in lines[start + 1 :]:
        m = re.match(r"^\s{6,}-\s+\"?(.*?)\"?\s*$", line)
        if not m:
            break
        out.append(m.group(1))
    return out


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["test"])
    pip = _pip_section((ROOT / "environment.yml").read_text())
    assert "-e ." in pip, "environment.yml must install this package (-e .)"
    assert set(pip) - {"-e ."} == wanted


def test_environment_yml_pins_the_python_of_pyproject():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s+- python=3\.11$", text, re.M)
    assert (
        ">=3.11"
        in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    )


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
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
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
