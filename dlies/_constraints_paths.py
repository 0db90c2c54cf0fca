"""Constraints on paths: any path, an existing regular file, a folder, a file to write
(see :mod:`dlies._constraints`)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from dlies._constraints import MAX_NAME_BYTES, MAX_PATH_BYTES, Constraint, ParameterError


class Path_(Constraint):
    """A path (str or os.PathLike) of at most 4096 bytes, each name at most 255, no NUL
    character; returned as a :class:`~pathlib.Path` with ``~`` expanded."""

    what = "a path (str or os.PathLike)"

    def describe(self) -> str:
        return self.what

    def convert(self, value: Any) -> Path:
        if not isinstance(value, str | os.PathLike):
            raise TypeError("")
        text = os.fspath(value)
        if isinstance(text, bytes):
            raise TypeError("")
        encoded = text.encode("utf-8", "surrogateescape")
        if not text or "\0" in text or len(encoded) > MAX_PATH_BYTES:
            raise ValueError("empty, too long or holding a NUL character")
        if any(
            len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES
            for part in Path(text).parts
        ):
            raise ValueError(f"a name in it is longer than {MAX_NAME_BYTES} bytes")
        return Path(text).expanduser()


class RegularFile(Path_):
    """The path of an existing regular file: a missing one is a ``FileNotFoundError``; a
    folder, a FIFO or a device is refused before anything opens it (so nothing blocks)."""

    what = "the path of an existing regular file"

    def __init__(self, hint: str = "") -> None:
        self.hint = hint

    def check(self, name: str, value: Any) -> Path:
        path = super().check(name, value)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise FileNotFoundError(f"{name}: no such file: {path}") from None
        except OSError as exc:
            raise ParameterError(
                f"{name}: {path} cannot be read: {exc}", type_matched=True
            ) from None
        if stat.S_ISDIR(mode):
            raise ParameterError(
                f"{name}: {path} is a folder, not a file{self.hint}", type_matched=True
            )
        if not stat.S_ISREG(mode):
            raise ParameterError(
                f"{name}: {path} is not a regular file (a FIFO, socket or device){self.hint}",
                type_matched=True,
            )
        return path


class Folder(Path_):
    """A folder's path: when it exists it must be a folder (``must_exist``: it must exist)."""

    what = "the path of a folder"

    def __init__(self, must_exist: bool = False) -> None:
        self.must_exist = must_exist

    def check(self, name: str, value: Any) -> Path:
        path = super().check(name, value)
        if self.must_exist and not path.exists():
            raise FileNotFoundError(f"{name}: no such folder: {path}")
        if path.exists() and not path.is_dir():
            raise ParameterError(f"{name}: {path} is not a folder", type_matched=True)
        return path


class NewFile(Path_):
    """A path to write a file to: it must not be a folder or anything but a regular file."""

    what = "the path of a file to write"

    def check(self, name: str, value: Any) -> Path:
        path = super().check(name, value)
        if path.is_dir():
            raise ParameterError(f"{name}: {path} is a folder; give a file path", type_matched=True)
        if path.exists() and not path.is_file():
            raise ParameterError(f"{name}: {path} is not a regular file", type_matched=True)
        return path
