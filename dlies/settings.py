"""Environment flags and folders: the one place that reads ``DLIES_*`` variables.

``DLIES_QUICK`` (quick mode), ``DLIES_OFFLINE`` (no downloads), ``DLIES_DATA`` (the data cache)
and ``DLIES_BUILD`` (the build folder); docs/data.md describes them and their defaults.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from dlies._validate import Path_, String, Unchecked, validate_params

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}
# Lecture and figure names: they become file names, so no separators, no leading dot.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


@validate_params(name=String(200))
def env_flag(name: str) -> bool:
    """Read a boolean ``DLIES_*`` variable: 1/true/yes/on or 0/false/no/off (or unset).

    Raises ``ValueError`` naming the variable when it holds anything else.
    """
    raw = os.environ.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"environment variable {name}={raw!r}: expected 1/0, true/false, yes/no")


def quick_mode() -> bool:
    """True when ``DLIES_QUICK`` asks for quick mode."""
    return env_flag("DLIES_QUICK")


def offline() -> bool:
    """True when ``DLIES_OFFLINE`` forbids downloads."""
    return env_flag("DLIES_OFFLINE")


@validate_params(name=Unchecked("the value this function checks"), what=String(200))
def check_name(name: object, what: str = "name") -> str:
    """A lecture or figure name that is safe as a file name (no ``/``, ``..``, leading dot)."""
    if not isinstance(name, str) or not _NAME.match(name) or name in {".", ".."}:
        raise ValueError(
            f"{what} must be 1-100 letters, digits, '_', '-' or '.', not starting with '.' "
            f"or '-', got {name!r}"
        )
    return name


def _is_root(p: Path) -> bool:
    return (p / "pyproject.toml").is_file() and (p / "notebooks").is_dir()


def project_root() -> Path:
    """The course checkout: the nearest folder at or above the working directory holding
    ``pyproject.toml`` and ``notebooks/``, else the checkout this package was installed from,
    else the working directory."""
    cwd = Path.cwd().resolve()
    for p in (cwd, *cwd.parents):
        if _is_root(p):
            return p
    here = Path(__file__).resolve().parents[1]
    return here if _is_root(here) else cwd


@validate_params(name=String(200), default=Path_())
def env_path(name: str, default: Path) -> Path:
    """A folder named by an environment variable, or ``default``; refuses an existing file."""
    raw = os.environ.get(name, "").strip()
    path = Path(raw).expanduser() if raw else default
    if path.exists() and not path.is_dir():
        raise ValueError(f"{name}={str(path)!r} is a file, expected a folder")
    return path


def data_dir() -> Path:
    """Folder for cached and generated data (``DLIES_DATA`` or ``<project>/data``)."""
    return env_path("DLIES_DATA", project_root() / "data")


def build_dir() -> Path:
    """Folder for figures and results (``DLIES_BUILD`` or ``<project>/build``)."""
    return env_path("DLIES_BUILD", project_root() / "build")
