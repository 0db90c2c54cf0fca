"""environment.yml must install what pyproject.toml declares."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

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
