"""What ``dlies run`` wrote, so that a re-run deletes that and nothing else.

``<out>/.dlies/manifest.json`` lists every file a lecture's run wrote in its places
(:func:`lecture_places`) with its SHA-256, the folders it created, and the shared files
(:data:`SHARED_FILES`). A file counts as the run's own only while it is a regular file (not a
symlink, no symlinked folder on its way) whose content still has the recorded hash: names
cannot fool it, and an edited file is left alone. A lecture's figures and results file that
carry dlies' mark (:mod:`dlies.build.marks`) are dlies' own too.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import suppress
from pathlib import Path
from typing import Any

from dlies import course
from dlies.build.checks import RunError
from dlies.build.marks import is_marked, is_regular

MANIFEST = ".dlies/manifest.json"
SHARED_FILES = ("runs.json", "results.json", "results.md", "index.html")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def lecture_places(lecture: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The files and the folders (relative to the build folder) a lecture's run writes."""
    files = (f"notebooks/{lecture}.ipynb", f"html/{lecture}.html", f"logs/{lecture}.log")
    files += (f"results/{lecture}.json",)
    return files, (f"figures/{lecture}", f"logs/{lecture}", f"work/{lecture}")


def read_manifest(out: Path) -> dict[str, Any]:
    """``.dlies/manifest.json``: ``{"shared": {rel: sha}, "lectures": {name: {...}}}``."""
    path = out / MANIFEST
    if not path.exists():
        return {"shared": {}, "lectures": {}}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(manifest["shared"], dict) and isinstance(manifest["lectures"], dict)
        for name, entry in manifest["lectures"].items():
            files, folders = lecture_places(course.check_name(name))
            for rel in [*entry["files"], *entry["dirs"]]:
                inside = any(rel.startswith(f"{d}/") or rel == d for d in folders)
                assert ".." not in rel.split("/") and (rel in files or inside), rel
    except (OSError, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise RunError(
            f"{path} is not a manifest dlies run wrote ({type(exc).__name__}: {exc}); "
            "remove the build folder or choose another --out"
        ) from None
    return manifest


def is_own(out: Path, rel: str, sha: str | None) -> bool:
    """Whether ``<out>/<rel>`` is a regular file, reached without symlinks, with hash ``sha``."""
    return sha is not None and is_regular(out / rel) and sha256(out / rel) == sha


def present(out: Path, lecture: str) -> tuple[list[str], list[str]]:
    """Files and folders now in a lecture's places (symlinks count as files, never followed)."""
    files, folders = lecture_places(lecture)
    found = [rel for rel in files if os.path.lexists(out / rel)]
    dirs = []
    for top in folders:
        for root, subdirs, names in os.walk(out / top):
            rel_root = Path(root).relative_to(out).as_posix()
            dirs.append(rel_root)
            links = [d for d in subdirs if (Path(root) / d).is_symlink()]
            found += [f"{rel_root}/{n}" for n in [*names, *links]]
    return found, dirs


def foreign_files(out: Path, lectures: list[str], manifest: dict[str, Any]) -> list[str]:
    """Files in the places this run will write that are not dlies' own: neither listed
    unchanged in the manifest nor carrying dlies' mark."""
    foreign = [r for r in SHARED_FILES if os.path.lexists(out / r)]
    foreign = [r for r in foreign if not is_own(out, r, manifest["shared"].get(r))]
    for lecture in lectures:
        mine = manifest["lectures"].get(lecture, {}).get("files", {})
        for rel in present(out, lecture)[0]:
            if not (is_own(out, rel, mine.get(rel)) or is_marked(out, rel, lecture)):
                foreign.append(rel)
    return foreign


def remove_owned(out: Path, lecture: str, manifest: dict[str, Any]) -> None:
    """Delete a lecture's earlier outputs: the files the manifest lists, still unchanged, and
    the figures and results file that carry dlies' mark."""
    entry = manifest["lectures"].pop(lecture, {"files": {}, "dirs": []})
    for rel, sha in entry["files"].items():
        if is_own(out, rel, sha):
            (out / rel).unlink()
    for rel in present(out, lecture)[0]:
        if is_marked(out, rel, lecture):
            (out / rel).unlink()
    for rel in sorted(entry["dirs"], key=len, reverse=True):
        with suppress(OSError):  # not empty: something else lives there now
            (out / rel).rmdir()


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    course.atomic_write_text(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))


def refuse_foreign(out: Path, lectures: list[str], manifest: dict[str, Any]) -> None:
    """Raise :class:`RunError` listing files this run would replace but did not write."""
    if foreign := foreign_files(out, lectures, manifest):
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        raise RunError(
            f"{out} holds files dlies run did not write (or that changed since): "
            f"{', '.join(foreign[:5])}{more}. "
            "dlies run never deletes or overwrites those: move them away, or choose another "
            "--out"
        )


def record_lecture(
    out: Path, lecture: str, manifest: dict[str, Any], dirs_before: set[str]
) -> list[str]:
    """Enter what is now in a lecture's places as this run's own; return those files.

    Called right after the lecture ran, when its places held nothing else before it started.
    """
    files, dirs = present(out, lecture)
    real = [r for r in files if (out / r).is_file() and not (out / r).is_symlink()]
    manifest["lectures"][lecture] = {
        "files": {r: sha256(out / r) for r in real},
        "dirs": sorted(set(dirs) - dirs_before),
    }
    write_manifest(out, manifest)
    return real
