"""Checks ``dlies run`` makes before it touches anything: options, notebooks, the build folder."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

from dlies import course
from dlies._constraints import shown

#: Longest per-cell ``--timeout`` accepted (one week), in seconds.
MAX_TIMEOUT = 7 * 24 * 3600
#: Folders directly under the build folder that ``dlies run`` writes in.
TOP_FOLDERS = ("notebooks", "html", "figures", "results", "logs", "work", ".dlies")


class RunError(ValueError):
    """What ``dlies run`` was asked to do is unsafe or impossible; nothing was touched."""


def timeout_seconds(text: str) -> int | None:
    """Parse ``--timeout``: whole seconds a cell may run, ``0`` for no limit."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or not value.is_integer() or value > MAX_TIMEOUT:
        raise ValueError(
            f"--timeout must be a whole number of seconds from 0 (no limit) to {MAX_TIMEOUT}, "
            f"got {text!r}"
        )
    return int(value) or None


def find_notebooks(names: list[str], notebooks_dir: Path) -> list[Path]:
    """Resolve ``NOTEBOOK`` arguments: ``.ipynb`` files, folders, or names/number prefixes
    of notebooks in ``notebooks_dir`` (all of them when ``names`` is empty).

    Returns resolved paths sorted by file name (the teaching order); raises
    :class:`RunError` for a name that matches no notebook or several, an unsafe lecture
    name, or two notebooks sharing a lecture name.
    """
    notebooks_dir = Path(notebooks_dir)
    if notebooks_dir.exists() and not notebooks_dir.is_dir():
        raise RunError(f"--notebooks-dir {notebooks_dir} is a file, expected a folder")
    available = sorted(notebooks_dir.glob("*.ipynb")) if notebooks_dir.is_dir() else []
    found: list[Path] = [] if names else available
    if not names and not available:
        raise RunError(f"no notebooks (*.ipynb) found in {notebooks_dir}")
    for name in names:
        path = Path(name).expanduser()
        try:
            path.stat()
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:  # a name too long, a NUL character
            reason = getattr(exc, "strerror", None) or str(exc)
            raise RunError(f"notebook {shown(name)}: {reason}") from None
        if path.is_dir():
            inside = sorted(path.glob("*.ipynb"))
            if not inside:
                raise RunError(f"no notebooks (*.ipynb) found in folder {path}")
            found += inside
        elif path.is_file():
            if path.suffix != ".ipynb":
                raise RunError(f"notebook {name!r} is not an .ipynb file")
            found.append(path)
        else:
            stem = name.removesuffix(".ipynb")
            exact = [p for p in available if p.stem == stem]
            matches = exact or [p for p in available if p.stem.startswith(stem)]
            if len(matches) != 1 or os.sep in name or "/" in name:
                listing = ", ".join(p.stem for p in available) or "none"
                what = "is ambiguous" if len(matches) > 1 else "matches no notebook"
                raise RunError(
                    f"notebook {name!r} {what} in {notebooks_dir} (available: {listing})"
                )
            found += matches
    unique = sorted({p.resolve() for p in found}, key=lambda p: (p.name, str(p)))
    stems: dict[str, Path] = {}
    for src in unique:
        try:
            course.check_name(src.stem, "lecture name")
        except ValueError as exc:
            raise RunError(f"notebook {src}: {exc}; rename the notebook") from None
        if src.stem in stems:
            raise RunError(
                f"two notebooks share the lecture name {src.stem!r}: {stems[src.stem]}, {src}"
            )
        stems[src.stem] = src
    return unique


def check_output_folder(out: Path, sources: list[Path]) -> Path:
    """The resolved build folder, refused when it could touch a source notebook.

    ``out`` must not be a file (nor lie under one), must not contain a source notebook and
    must not lie inside a folder that holds one.
    """
    out = Path(out).expanduser().resolve()
    for folder in (out, *out.parents, *(out / top for top in TOP_FOLDERS)):
        if folder.exists() and not folder.is_dir():
            raise RunError(f"--out {out}: {folder} is a file, expected a folder")
    for src in sources:
        if out == src.parent or src.parent in out.parents:
            raise RunError(
                f"--out {out} lies inside {src.parent}, which holds the source notebook "
                f"{src.name}; choose another --out"
            )
        if out in src.parents:
            raise RunError(f"--out {out} contains the source notebook {src}; choose another --out")
    return out


def check_writable(out: Path) -> None:
    """Create ``out`` and its ``.dlies/``; check that every folder dlies run writes in
    accepts a new file."""
    try:
        (out / ".dlies").mkdir(parents=True, exist_ok=True)
        for folder in (out, *(out / t for t in TOP_FOLDERS)):
            if folder.is_dir():
                with tempfile.TemporaryFile(dir=folder):  # unnamed where the OS allows it
                    pass
    except OSError as exc:
        raise RunError(f"--out {out} is not writable: {exc}") from exc
