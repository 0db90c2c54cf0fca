"""What ``dlies run`` wrote, so that a re-run deletes that and nothing else.

``<out>/.dlies/manifest.json`` lists every file a lecture's run wrote in its places
(:func:`lecture_places`) with its SHA-256, the folders it created, and the shared files
(:data:`SHARED_FILES`). A file enters it only when the run itself created it: it was not in
the lecture's places when the lecture started (:func:`snapshot`) and was last modified while
the lecture ran, not after (:func:`record_lecture`). A file counts as the run's own only while
it is a regular file (not a symlink, no symlinked folder on its way) whose content still has
the recorded hash: names cannot fool it, and an edited file is left alone. A lecture's figures
and results file that carry dlies' mark (:mod:`dlies.build.marks`) are dlies' own too.

While a lecture runs, ``running`` names it with a random token, and the first line of its
kernel log carries that token (:func:`log_mark`). After a run that was killed, that log and the
temporaries that :mod:`dlies.atomic`'s ledgers list are recognised as dlies' own and removed,
so the lecture can run again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from contextlib import suppress
from pathlib import Path
from typing import Any

from dlies import atomic, course
from dlies.build.checks import RunError
from dlies.build.marks import is_marked, is_regular

MANIFEST = ".dlies/manifest.json"
SHARED_FILES = ("runs.json", "results.json", "results.md", "index.html")
#: Slack for coarse file-system clocks when comparing a file's mtime with a lecture's start.
CLOCK_SLACK_NS = 2_000_000_000
_HEX = re.compile(r"^[0-9a-f]+$")


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


def _is_hex(value: Any, length: int) -> bool:
    return isinstance(value, str) and len(value) == length and bool(_HEX.match(value))


def _check_manifest(manifest: Any) -> None:
    """Raise ``AssertionError`` (or KeyError, TypeError, ValueError) unless ``manifest`` has
    the layout :func:`write_manifest` writes, every path inside its lecture's places."""
    assert isinstance(manifest, dict), "not a JSON object"
    assert set(manifest) - {"running"} == {"shared", "lectures"}, f"keys {sorted(manifest)}"
    shared, lectures = manifest["shared"], manifest["lectures"]
    running = manifest.setdefault("running", {})
    assert isinstance(shared, dict) and isinstance(lectures, dict) and isinstance(running, dict)
    assert all(r in SHARED_FILES and _is_hex(h, 64) for r, h in shared.items()), "shared"
    for name, entry in running.items():
        course.check_name(name, "lecture name")
        assert isinstance(entry, dict) and _is_hex(entry.get("token"), 16), f"running {name}"
    for name, entry in lectures.items():
        files, folders = lecture_places(course.check_name(name, "lecture name"))
        assert isinstance(entry, dict) and set(entry) == {"files", "dirs"}, f"lecture {name}"
        assert isinstance(entry["files"], dict) and isinstance(entry["dirs"], list), name
        assert all(_is_hex(h, 64) for h in entry["files"].values()), f"hashes of {name}"
        for rel in [*entry["files"], *entry["dirs"]]:
            assert isinstance(rel, str), rel
            inside = any(rel.startswith(f"{d}/") or rel == d for d in folders)
            assert ".." not in rel.split("/") and (rel in files or inside), rel


def read_manifest(out: Path) -> dict[str, Any]:
    """``.dlies/manifest.json``: ``{"shared": {rel: sha}, "lectures": {name: {...}},
    "running": {name: {"token": ...}}}``; :class:`RunError` when it is anything else."""
    path = out / MANIFEST
    if not os.path.lexists(path):
        return {"shared": {}, "lectures": {}, "running": {}}
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            raise ValueError("not a regular file")
        manifest = json.loads(path.read_text(encoding="utf-8"))
        _check_manifest(manifest)
    except (OSError, ValueError, KeyError, TypeError, AssertionError, RecursionError) as exc:
        detail = str(exc)[:200]
        raise RunError(
            f"{path} is not a manifest dlies run wrote ({type(exc).__name__}: {detail}); "
            "remove the build folder or choose another --out"
        ) from None
    return manifest


def log_mark(lecture: str, token: str) -> str:
    """The first line of a lecture's kernel log while (and after) ``dlies run`` runs it."""
    return f"dlies run: kernel output of {lecture} (run {token})"


def _is_running_log(out: Path, rel: str, lecture: str, manifest: dict[str, Any]) -> bool:
    """Whether ``rel`` is the kernel log of ``lecture`` that a run which did not finish (it
    was killed) was writing: its first line is that run's :func:`log_mark`."""
    token = manifest.get("running", {}).get(lecture, {}).get("token")
    if token is None or rel != lecture_places(lecture)[0][2] or not is_regular(out / rel):
        return False
    with suppress(OSError), open(out / rel, "rb") as f:
        return f.readline(4096).rstrip(b"\n") == log_mark(lecture, token).encode()
    return False


def _dead_temporaries(folder: Path) -> set[str]:
    """Names of the temporaries that the ledger in ``folder`` lists with a writer gone."""
    entries = atomic.ledger_entries(folder) if folder.is_dir() else None
    return {e["tmp"] for e in entries or [] if not atomic.writer_alive(e)}


def is_own(out: Path, rel: str, sha: str | None) -> bool:
    """Whether ``<out>/<rel>`` is a regular file, reached without symlinks, with hash ``sha``."""
    return sha is not None and is_regular(out / rel) and sha256(out / rel) == sha


def present(out: Path, lecture: str) -> tuple[list[str], list[str]]:
    """Files and folders now in a lecture's places (symlinks count as files, never followed);
    the ledgers of :mod:`dlies.atomic` are not listed."""
    files, folders = lecture_places(lecture)
    found = [rel for rel in files if os.path.lexists(out / rel)]
    dirs = []
    for top in folders:
        for root, subdirs, names in os.walk(out / top):
            rel_root = Path(root).relative_to(out).as_posix()
            dirs.append(rel_root)
            links = [d for d in subdirs if (Path(root) / d).is_symlink()]
            names = [n for n in names if not atomic.is_ledger(Path(root) / n)]
            found += [f"{rel_root}/{n}" for n in [*names, *links]]
    return found, dirs


def snapshot(out: Path, lecture: str) -> dict[str, tuple[int, int, int]]:
    """Every file now in a lecture's places: ``(inode, size, mtime_ns)``, symlinks included."""
    shot = {}
    for rel in present(out, lecture)[0]:
        with suppress(OSError):
            st = os.lstat(out / rel)
            shot[rel] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return shot


def _leftovers(out: Path, lecture: str, manifest: dict[str, Any]) -> set[str]:
    """Files in a lecture's places that dlies left behind when it was killed: the kernel log
    of a run that did not finish, and temporaries whose writers are gone."""
    found = present(out, lecture)[0]
    mine = {r for r in found if _is_running_log(out, r, lecture, manifest)}
    for folder in {r.rpartition("/")[0] for r in found}:
        dead = _dead_temporaries(out / folder)
        mine |= {r for r in found if r.rpartition("/")[0] == folder and r.split("/")[-1] in dead}
    return mine


def foreign_files(out: Path, lectures: list[str], manifest: dict[str, Any]) -> list[str]:
    """Files in the places this run will write that are not dlies' own: neither listed
    unchanged in the manifest nor carrying dlies' mark."""
    foreign = [r for r in SHARED_FILES if os.path.lexists(out / r)]
    foreign = [r for r in foreign if not is_own(out, r, manifest["shared"].get(r))]
    for lecture in lectures:
        mine = manifest["lectures"].get(lecture, {}).get("files", {})
        left = _leftovers(out, lecture, manifest)
        for rel in present(out, lecture)[0]:
            if rel in left:
                continue
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
    left = _leftovers(out, lecture, manifest)
    for rel in present(out, lecture)[0]:
        if rel in left and _is_running_log(out, rel, lecture, manifest):
            (out / rel).unlink()
        elif is_marked(out, rel, lecture):
            (out / rel).unlink()
    for folder in {rel.rpartition("/")[0] for rel in left}:
        atomic.clean_temporaries(out / folder)
    manifest.setdefault("running", {}).pop(lecture, None)
    for rel in sorted(entry["dirs"], key=len, reverse=True):
        with suppress(OSError):  # not empty: something else lives there now
            (out / rel).rmdir()


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    course.atomic_write_text(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))


def refuse_foreign(out: Path, lectures: list[str], manifest: dict[str, Any]) -> None:
    """Raise :class:`RunError` listing files this run would replace but did not write."""
    if foreign := foreign_files(out, lectures, manifest):
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        killed = sorted(set(lectures) & set(manifest.get("running", {})))
        note = (
            f" (a run of {', '.join(killed)} did not finish: files its kernel wrote cannot be "
            "told from yours)"
            if killed
            else ""
        )
        raise RunError(
            f"{out} holds files dlies run did not write (or that changed since): "
            f"{', '.join(foreign[:5])}{more}{note}. "
            "dlies run never deletes or overwrites those: move them away, or choose another "
            "--out"
        )


def start_lecture(out: Path, lecture: str, manifest: dict[str, Any], token: str) -> None:
    """Note in the manifest, before the kernel starts, that ``lecture`` runs with ``token``."""
    manifest.setdefault("running", {})[lecture] = {"token": token}
    write_manifest(out, manifest)


def record_lecture(
    out: Path,
    lecture: str,
    manifest: dict[str, Any],
    dirs_before: set[str],
    before: dict[str, tuple[int, int, int]],
    window: tuple[int, int],
    written: tuple[str, ...] = (),
) -> list[str]:
    """Enter the files this run created in a lecture's places as its own; return them.

    A file is the run's own when dlies run wrote it (``written``: the executed copy, the
    HTML, the log) or when it was not there before the lecture started (``before``, from
    :func:`snapshot`) and was last modified within ``window`` (start and end of the kernel,
    ns since the epoch). Files that were there before, or changed after the lecture ended,
    are someone else's; so are temporaries that a ledger lists.
    """
    files, dirs = present(out, lecture)
    start, end = window
    in_flight = set()
    for folder in {r.rpartition("/")[0] for r in files}:
        entries = atomic.ledger_entries(out / folder) or []
        in_flight |= {f"{folder}/{e['tmp']}" for e in entries}
    real = []
    for rel in files:
        path = out / rel
        if rel in in_flight or not path.is_file() or path.is_symlink():
            continue
        if rel not in written:
            mtime = path.stat().st_mtime_ns
            if rel in before or not start - CLOCK_SLACK_NS <= mtime <= end:
                continue
        real.append(rel)
    manifest["lectures"][lecture] = {
        "files": {r: sha256(out / r) for r in real},
        "dirs": sorted(set(dirs) - dirs_before),
    }
    manifest.get("running", {}).pop(lecture, None)
    write_manifest(out, manifest)
    return real
