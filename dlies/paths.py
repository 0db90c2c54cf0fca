"""Where the course keeps its data cache and its build outputs.

``DLIES_DATA`` overrides the data cache (default ``<project>/data``) and ``DLIES_BUILD`` the
build folder (default ``<project>/build``). The project root is the nearest folder at or above
the working directory that holds both ``pyproject.toml`` and ``notebooks/`` (so notebooks run
from ``notebooks/`` and scripts run from the root agree), else the checkout this package was
installed from, else the working directory.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path


def _is_root(p: Path) -> bool:
    return (p / "pyproject.toml").is_file() and (p / "notebooks").is_dir()


def project_root() -> Path:
    """The course checkout, found as described in the module docstring."""
    cwd = Path.cwd().resolve()
    for p in (cwd, *cwd.parents):
        if _is_root(p):
            return p
    here = Path(__file__).resolve().parents[1]
    if _is_root(here):
        return here
    return cwd


def data_dir() -> Path:
    """Folder for cached and generated data (``DLIES_DATA`` or ``<project>/data``)."""
    env = os.environ.get("DLIES_DATA")
    return Path(env).expanduser() if env else project_root() / "data"


def build_dir() -> Path:
    """Folder for figures and results (``DLIES_BUILD`` or ``<project>/build``)."""
    env = os.environ.get("DLIES_BUILD")
    return Path(env).expanduser() if env else project_root() / "build"


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to (by any means: bytes, h5py, matplotlib).

    When the ``with`` block ends without an exception the temporary file is renamed to
    ``path``, atomically; otherwise it is removed and ``path`` is left as it was. An
    interrupted write never leaves a half-written file under ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder, then rename."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: Path, text: str) -> Path:
    """Text variant of :func:`atomic_write_bytes` (UTF-8)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def read_json_list(path: Path, what: str = "file") -> list:
    """A JSON file holding a list; an absent file is an empty list.

    Raises ``ValueError`` naming the file when it is not valid JSON or not a list (the file
    is left as it is).
    """
    path = Path(path)
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} {path} is not valid JSON: {exc}") from exc
    if not isinstance(entries, list):
        raise ValueError(f"{what} {path}: expected a list, got {type(entries).__name__}")
    return entries
