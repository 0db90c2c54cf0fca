"""Atomic writes: a temporary file beside the target, then a rename.

An interrupted write never leaves a half-written file. A killed writer's temporary holds
truncated bytes and cannot carry a mark of its own, so ownership is proven by a *ledger*
instead: before a temporary is created (with ``O_EXCL``, under a random name), its name and
its writer (process id and start time) are entered in :data:`LEDGER` in the same folder. A
temporary is removed only when that ledger lists it and its writer is gone; a file is never
removed because of its name. The ledger disappears again once it lists nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

#: The ledger of temporaries in a folder; its first line is :data:`LEDGER_HEAD`.
LEDGER = ".dlies-temporaries"
LEDGER_HEAD = '{"ledger": "dlies.atomic temporaries", "version": 1}'
_MAX_LEDGER_BYTES = 1 << 20

try:  # POSIX; elsewhere the ledger is used without a lock
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def _process_start(pid: int) -> str | None:
    """The start time of process ``pid`` (Linux: field 22 of /proc/<pid>/stat), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as exc:  # PermissionError: alive but not ours; any other: keep it too
        return not isinstance(exc, ProcessLookupError)
    return True


def writer_alive(entry: dict) -> bool:
    """Whether the process that entered ``entry`` in a ledger still runs (same pid and start
    time, so a recycled pid does not count)."""
    pid = entry.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0 or not _pid_alive(pid):
        return False
    start = entry.get("start")
    return start is None or _process_start(pid) in (None, start)


def _read_ledger(fd: int) -> list[dict] | None:
    """The entries of an open ledger, or None when the file is not a ledger."""
    os.lseek(fd, 0, os.SEEK_SET)
    raw = os.read(fd, _MAX_LEDGER_BYTES + 1)
    lines = raw.decode("utf-8", "replace").splitlines()
    if len(raw) > _MAX_LEDGER_BYTES or not lines or lines[0] != LEDGER_HEAD:
        return None
    entries = []
    for line in lines[1:]:
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict) and _is_temporary_name(entry.get("tmp")):
                entries.append(entry)
    return entries


def _is_temporary_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and name.startswith(".")
        and name.endswith(".tmp")
        and "/" not in name
        and os.sep not in name
        and name not in {".", ".."}
    )


def _create_ledger(folder: Path) -> None:
    """Put a fresh ledger in place atomically (link of a complete file): a ledger either
    does not exist or starts with its head."""
    spare = folder / f"{LEDGER}.{secrets.token_hex(8)}"
    fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, (LEDGER_HEAD + "\n").encode())
    finally:
        os.close(fd)
    try:
        with contextlib.suppress(FileExistsError):
            os.link(spare, folder / LEDGER)
    finally:
        os.unlink(spare)


def _open_ledger(folder: Path, create: bool) -> tuple[int, list[dict]] | None:
    """Open and lock the folder's ledger; None when there is none (and ``create`` is false)
    or the file of that name is not a ledger dlies wrote."""
    path = folder / LEDGER
    flags = os.O_RDWR | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            if not create:
                return None
            _create_ledger(folder)
            continue
        except OSError:  # a symlink, a folder, a FIFO's peer missing, no permission
            return None
        keep = False
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            now, here = os.fstat(fd), os.stat(path, follow_symlinks=False)
            if (now.st_ino, now.st_dev) != (here.st_ino, here.st_dev):
                continue  # removed or replaced while we waited for the lock: open it again
            entries = _read_ledger(fd) if stat.S_ISREG(now.st_mode) else None
            keep = entries is not None
            return (fd, entries) if keep else None
        except FileNotFoundError:
            continue
        finally:
            if not keep:
                os.close(fd)
    return None  # pragma: no cover - a ledger replaced a hundred times in a row


@contextlib.contextmanager
def _ledger(folder: Path, *, create: bool) -> Iterator[tuple[int, list[dict]] | None]:
    """The folder's ledger, open and locked while the block runs: ``(fd, entries)``, or None
    (see :func:`_open_ledger`)."""
    ledger = _open_ledger(folder, create)
    try:
        yield ledger
    finally:
        if ledger is not None:
            os.close(ledger[0])


def _rewrite(folder: Path, fd: int, entries: list[dict]) -> None:
    """Write ``entries`` back into the locked ledger, or remove it when there are none."""
    if not entries:
        os.unlink(folder / LEDGER)
        return
    lines = [LEDGER_HEAD, *(json.dumps(e, sort_keys=True) for e in entries)]
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, ("\n".join(lines) + "\n").encode())


def clean_temporaries(folder: Path) -> list[Path]:
    """Remove the temporaries that the ledger in ``folder`` lists and whose writers are gone;
    return them. Files the ledger does not list are left alone, whatever their names."""
    folder = Path(folder)
    removed = []
    with _ledger(folder, create=False) as ledger:
        if ledger is None:
            return []
        fd, entries = ledger
        alive = [e for e in entries if writer_alive(e)]
        for entry in entries:
            if entry in alive:
                continue
            tmp = folder / entry["tmp"]
            with contextlib.suppress(OSError):
                if stat.S_ISREG(os.stat(tmp, follow_symlinks=False).st_mode):
                    tmp.unlink()
                    removed.append(tmp)
        if alive != entries:
            _rewrite(folder, fd, alive)
    return removed


def ledger_entries(folder: Path) -> list[dict] | None:
    """The entries of the ledger in ``folder`` (None when there is no ledger dlies wrote)."""
    with _ledger(Path(folder), create=False) as ledger:
        return None if ledger is None else ledger[1]


def is_ledger(path: Path) -> bool:
    """Whether ``path`` is a regular file named :data:`LEDGER` that starts with its head."""
    path = Path(path)
    if path.name != LEDGER or path.is_symlink() or not path.is_file():
        return False
    with contextlib.suppress(OSError), open(path, "rb") as f:
        return f.readline().rstrip(b"\n") == LEDGER_HEAD.encode()
    return False


def _enter(folder: Path, name: str) -> bool:
    entry = {"tmp": name, "pid": os.getpid(), "start": _process_start(os.getpid())}
    with _ledger(folder, create=True) as ledger:
        if ledger is None:
            return False
        fd, entries = ledger
        _rewrite(folder, fd, [*entries, entry])
        return True


def _leave(folder: Path, name: str) -> None:
    with _ledger(folder, create=False) as ledger:
        if ledger is not None:
            fd, entries = ledger
            _rewrite(folder, fd, [e for e in entries if e.get("tmp") != name])


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to (by any means: bytes, h5py, matplotlib).

    When the ``with`` block ends without an exception the temporary file is renamed onto
    ``path``; otherwise it is removed and ``path`` is left as it was. The temporary is
    entered in the folder's ledger first, so that a later write can remove it if this
    process is killed.
    """
    path = Path(path)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    clean_temporaries(folder)
    while True:
        tmp = folder / f".{path.name[:80]}.{secrets.token_hex(8)}.tmp"
        entered = _enter(folder, tmp.name)
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            break
        except FileExistsError:  # a name taken by chance: never touch that file
            if entered:
                _leave(folder, tmp.name)
        except BaseException:
            if entered:
                _leave(folder, tmp.name)
            raise
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        if entered:
            _leave(folder, tmp.name)


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
    if not path.is_file():
        raise ValueError(f"{what} {path} is not a regular file, expected a JSON file")
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{what} {path} is not valid JSON: {exc}") from exc
    if not isinstance(entries, list):
        raise ValueError(f"{what} {path}: expected a list, got {type(entries).__name__}")
    return entries
