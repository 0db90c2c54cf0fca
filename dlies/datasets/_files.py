"""What every loader does with a file a user hands it, before and while reading it.

Sizes a file declares (an ``.npy`` header's shape, an HDF5 dataset's shape, a LAS header's
point count) are checked against the bytes the file holds *before* anything is allocated, so
a file that lies about its size is refused with a message instead of ending in a
``MemoryError``; and every library error met while reading (h5py, NumPy, zipfile, struct,
laspy/lazrs) is re-raised as a ``ValueError`` naming the file and the key (:func:`reading`).
"""

from __future__ import annotations

import contextlib
import math
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

#: Errors the readers' libraries raise on a damaged or hostile file.
LIBRARY_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    RuntimeError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    OverflowError,
    MemoryError,
    struct.error,
    zipfile.BadZipFile,
    UnicodeDecodeError,
)


class FileFormatError(ValueError):
    """A file a loader cannot read; the message names the file (and the key)."""


@contextlib.contextmanager
def reading(path: Path, key: str | None = None, what: str = "cannot read") -> Iterator[None]:
    """Re-raise the libraries' errors inside the block as :class:`FileFormatError` naming
    ``path`` and ``key``; errors that already name the file pass through."""
    try:
        yield
    except FileFormatError:
        raise
    except FileNotFoundError:
        raise
    except LIBRARY_ERRORS as exc:
        if isinstance(exc, ValueError) and str(path) in str(exc):
            raise
        where = f"{path}: key {key!r}" if key else f"{path}"
        detail = "not enough memory" if isinstance(exc, MemoryError) else str(exc)
        raise FileFormatError(f"{where}: {what} ({type(exc).__name__}: {detail[:300]})") from exc


def _npy_header(fp: Any) -> tuple[tuple[int, ...], np.dtype, int]:
    """Shape, dtype and header length of the ``.npy`` stream ``fp`` (at its start)."""
    fmt = np.lib.format
    major, _ = fmt.read_magic(fp)
    if major == 1:
        shape, _, dtype = fmt.read_array_header_1_0(fp)
    else:
        shape, _, dtype = fmt.read_array_header_2_0(fp)
    return shape, dtype, fp.tell()


def check_npz_member(npz: Any, key: str, path: Path) -> None:
    """Refuse an ``.npz`` member whose header declares more (or fewer) bytes than it holds,
    or objects (pickles); ``npz`` is an open :class:`numpy.lib.npyio.NpzFile`."""
    name = key if key in npz.zip.namelist() else f"{key}.npy"
    info = npz.zip.getinfo(name)
    with reading(path, key, "cannot read the array header"), npz.zip.open(info) as fp:
        shape, dtype, header = _npy_header(fp)
    if dtype.hasobject:
        raise FileFormatError(f"{path}: key {key!r} holds Python objects, which are not read")
    declared = math.prod(shape) * dtype.itemsize
    if declared != info.file_size - header:
        raise FileFormatError(
            f"{path}: key {key!r} declares shape {shape} of {dtype} ({declared} bytes) but holds "
            f"{info.file_size - header} bytes: the file is damaged or not what it claims"
        )


def check_h5_dataset(dataset: Any, path: Path, key: str) -> None:
    """Refuse an HDF5 dataset that is not numeric, or that declares more bytes than the file
    holds when it is stored uncompressed (compressed data may legitimately exceed it)."""
    kind = dataset.dtype.kind
    if kind not in "biuf":
        raise FileFormatError(f"{path}: key {key!r} holds {dataset.dtype} values, not numbers")
    declared = math.prod(dataset.shape) * dataset.dtype.itemsize
    compressed = bool(getattr(dataset, "compression", None)) or any(
        getattr(dataset, f, None) for f in ("shuffle", "fletcher32", "scaleoffset")
    )
    size = path.stat().st_size
    if not compressed and declared > size:
        raise FileFormatError(
            f"{path}: key {key!r} declares shape {dataset.shape} of {dataset.dtype} "
            f"({declared} bytes) but the file holds {size} bytes: it is damaged or truncated"
        )
