"""environment.yml installs this package through pip, so pyproject.toml alone lists the
dependencies."""

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
        m = re.match(r"^\s{6,}-\s+[\"']?(.*?)[\"']?\s*$", line)
        if not m:
            break
        out.append(m.group(1))
    return out


def test_environment_yml_installs_the_package_with_its_test_extra_only():
    text = (ROOT / "environment.yml").read_text()
    assert _pip_section(text) == ["-e .[test]"]
    conda = re.findall(r"^  - (\S+)$", text, re.M)
    assert conda == ["conda-forge", "python=3.11", "pip", "pip:"], "conda: only Python and pip"
    assert (
        "test"
        in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    )


def test_environment_yml_pins_a_python_that_pyproject_accepts():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s+- python=3\.11$", text, re.M)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert ">=3.11" in requires
