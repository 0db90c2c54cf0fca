"""``dlies exercises OUT``: student copies of the lectures, without the worked solutions.

Every cell tagged ``solution`` (the worked solutions and the discussion of their results) is
left out, outputs and execution counts are cleared, and each copy is marked in its metadata.
The copies go only into an empty (or new) folder, or into one this command wrote before: a
ledger ``.dlies-exercises.json`` there lists every file it wrote with its SHA-256, and a file
that is not listed, or changed since, stops the command before anything is written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat

from dlies.atomic import atomic_write_text
from dlies.settings import check_name, project_root

__all__ = ["LEDGER", "student_copy", "write_student_copies"]

LEDGER = ".dlies-exercises.json"
SOLUTION_TAG = "solution"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def student_copy(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without its ``solution`` cells, outputs cleared, marked as a copy."""
    copy = nbformat.from_dict(json.loads(nbformat.writes(notebook)))
    copy.cells = [
        c for c in copy.cells if SOLUTION_TAG not in c.get("metadata", {}).get("tags", [])
    ]
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    copy.metadata["dlies"] = {"student_copy": True}
    return copy


def _owned(out: Path) -> dict[str, str]:
    """The files this command wrote into ``out`` before (unchanged since); raise when ``out``
    holds anything else."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"dlies exercises: {out} is a file, expected a folder")
    present = (
        sorted(p for p in out.rglob("*") if p.is_file() or p.is_symlink()) if out.is_dir() else []
    )
    ledger: dict[str, str] = {}
    if (out / LEDGER).is_file():
        try:
            ledger = json.loads((out / LEDGER).read_text(encoding="utf-8"))["files"]
            assert isinstance(ledger, dict)
        except (ValueError, KeyError, TypeError, AssertionError):
            raise FileExistsError(
                f"dlies exercises: {out / LEDGER} is not a ledger this command wrote"
            ) from None
    foreign = [
        p.relative_to(out).as_posix()
        for p in present
        if p.name != LEDGER
        and (p.is_symlink() or ledger.get(p.relative_to(out).as_posix()) != _sha256(p))
    ]
    if foreign:
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        raise FileExistsError(
            f"dlies exercises: {out} holds files this command did not write (or that changed "
            f"since): {', '.join(foreign[:5])}{more}; choose an empty or new folder"
        )
    return ledger


def write_student_copies(out: str | Path, notebooks_dir: str | Path | None = None) -> list[Path]:
    """Write a student copy of every lecture in ``notebooks_dir`` (default: the project's
    ``notebooks/``) into ``out``; return the files written."""
    out = Path(out)
    source = Path(notebooks_dir) if notebooks_dir is not None else project_root() / "notebooks"
    lectures = sorted(source.glob("*.ipynb"))
    if not lectures:
        raise FileNotFoundError(f"dlies exercises: no notebooks in {source}")
    ledger = _owned(out)
    written = []
    for path in lectures:
        check_name(path.stem, "dlies exercises: notebook")
        try:
            notebook = nbformat.read(path, as_version=4)
        except (OSError, ValueError) as exc:
            raise ValueError(f"dlies exercises: {path} is not a readable notebook: {exc}") from exc
        target = out / path.name
        atomic_write_text(target, nbformat.writes(student_copy(notebook)))
        ledger[path.name] = _sha256(target)
        atomic_write_text(out / LEDGER, json.dumps({"files": ledger}, indent=1, sort_keys=True))
        written.append(target)
    return written
