"""Atomic writes: a temporary file beside the target, then a rename.

An interrupted write never leaves a half-written file; temporaries that killed writers left
behind are removed the next time the same target is written (a live writer's are kept).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
from collections.abc import Iterator
from pathlib import Path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as exc:  # PermissionError: alive but not ours; any other: keep it too
        return not isinstance(exc, ProcessLookupError)
    return True


def _remove_stale_temporaries(path: Path) -> None:
    """Remove ``.<name>.<pid>.tmp`` files left beside ``path`` by writers that were killed."""
    prefix = f".{path.name}."
    for tmp in path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        pid = tmp.name.removeprefix(prefix).removesuffix(".tmp")
        if pid.isdecimal() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            with contextlib.suppress(OSError):
                tmp.unlink()


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to (by any means: bytes, h5py, matplotlib).

    When the ``with`` block ends without an exception the temporary file is renamed onto
    ``path``; otherwise it is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` via a temporary file in the same folder, then rename."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(text.encode("utf-8"))
    return Path(path)


def read_json_list(path: Path, what: str = "file") -> list:
    """A JSON file holding a list; an absent file is an empty list.

    Raises ``ValueError`` naming the file when it is not valid JSON or not a list.
    """
    path = Path(path)
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{what} {path} is not valid JSON: {exc}") from exc
    except IsADirectoryError as exc:
        raise ValueError(f"{what} {path} is a folder, expected a JSON file") from exc
    if not isinstance(entries, list):
        raise ValueError(f"{what} {path}: expected a list, got {type(entries).__name__}")
    return entries
