"""Run-time set-up shared by every lecture: seeds, determinism, logs, device, quick mode.

Every notebook starts with::

    import dlies
    rt = dlies.runtime.setup(notebook="03_mantle_stability", seed=42)
    EPOCHS = rt.pick(full=40, quick=2)

Quick mode (``DLIES_QUICK=1``, set by ``make test`` and ``dlies run --quick``) shrinks sample
counts and epochs so that a notebook finishes in well under a minute on two CPU cores. The
default is full mode: what students and instructors see.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from dlies import paths

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}

GPU_HINT = "no GPU found, running on CPU (to use one, see README: Using a GPU)"


def env_flag(name: str) -> bool:
    """Read a boolean environment variable such as ``DLIES_QUICK``.

    Raises
    ------
    ValueError
        If the variable holds something other than 1/0/true/false/yes/no/on/off.
    """
    raw = os.environ.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"environment variable {name}={raw!r}: expected 1/0, true/false, yes/no")


def quick_mode() -> bool:
    """True when ``DLIES_QUICK`` asks for quick mode."""
    return env_flag("DLIES_QUICK")


@dataclass(frozen=True)
class Runtime:
    """What :func:`setup` returns: the lecture's name, seed, mode and device."""

    notebook: str
    seed: int
    quick: bool
    device: str
    tensorflow_version: str
    keras_version: str

    @property
    def mode(self) -> str:
        """``"quick"`` or ``"full"``."""
        return "quick" if self.quick else "full"

    def pick(self, *, full: T, quick: T) -> T:
        """Return ``quick`` in quick mode, ``full`` otherwise."""
        return quick if self.quick else full

    @property
    def figures_dir(self) -> Path:
        """``build/figures/<notebook>/``, where :func:`dlies.plots.savefig` writes."""
        return paths.build_dir() / "figures" / self.notebook

    @property
    def data_dir(self) -> Path:
        """The data cache folder (``DLIES_DATA`` or ``data/``)."""
        return paths.data_dir()


_current: Runtime | None = None


@contextlib.contextmanager
def _silence_native_stderr() -> Iterator[None]:
    """Send file descriptor 2 (and whatever ``sys.stderr.fileno()`` names) to /dev/null.

    TensorFlow's C++ core writes start-up notices (oneDNN, CUDA probing, absl's "All log
    messages before absl::InitializeLog()") straight to fd 2 before its log settings apply.
    In a Jupyter kernel, ipykernel points fd 2 at a pipe that it forwards to the notebook,
    while ``sys.stderr.fileno()`` returns its copy of the *original* stderr, so fd 2 itself
    must be redirected. Python exceptions are unaffected: they propagate and are printed
    after the descriptors are restored.
    """
    fds = {2}
    try:
        fds.add(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):  # e.g. stream objects without a descriptor
        pass
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved: dict[int, int] = {}
    try:
        for fd in sorted(fds):
            try:
                saved[fd] = os.dup(fd)
            except OSError:  # a closed descriptor: nothing to silence
                continue
            os.dup2(devnull, fd)
        yield
    finally:
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        os.close(devnull)


def current() -> Runtime | None:
    """The :class:`Runtime` of the last :func:`setup` call in this process, if any."""
    return _current


def describe_devices() -> str:
    """One phrase naming the device TensorFlow will use."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return GPU_HINT
    names = []
    for gpu in gpus:
        try:
            details = tf.config.experimental.get_device_details(gpu)
            names.append(details.get("device_name", gpu.name))
        except (RuntimeError, ValueError):  # pragma: no cover - depends on driver
            names.append(gpu.name)
    return "GPU: " + ", ".join(names)


def setup(notebook: str, seed: int = 0, *, verbose: bool = True) -> Runtime:
    """Prepare a lecture: seed every generator, make TF ops deterministic, report the device.

    Parameters
    ----------
    notebook : str
        The lecture's name, e.g. ``"03_mantle_stability"``; names its figure and results
        folders.
    seed : int, default 0
        Seeds Python's ``random``, NumPy's legacy global generator, and TensorFlow/Keras.
    verbose : bool, default True
        Print one line with the TensorFlow version, the device and the mode.

    Returns
    -------
    Runtime
        With ``.quick``, ``.pick(full=..., quick=...)``, ``.figures_dir``.
    """
    global _current
    if not isinstance(notebook, str) or not notebook.strip():
        raise ValueError(f"setup: notebook must be a non-empty name, got {notebook!r}")
    if "/" in notebook or "\\" in notebook:
        raise ValueError(f"setup: notebook must be a bare name without folders, got {notebook!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"setup: seed must be a non-negative integer, got {seed!r}")
    quick = quick_mode()

    with _silence_native_stderr():
        import absl.logging
        import keras
        import tensorflow as tf

        absl.logging.set_verbosity(absl.logging.ERROR)
        tf.get_logger().setLevel("ERROR")
        device = describe_devices()

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(int(seed))
    tf.config.experimental.enable_op_determinism()
    rt = Runtime(
        notebook=notebook,
        seed=int(seed),
        quick=quick,
        device=device,
        tensorflow_version=tf.__version__,
        keras_version=keras.__version__,
    )
    _current = rt
    if verbose:
        print(
            f"dlies | {notebook} | TensorFlow {tf.__version__} (Keras {keras.__version__}) | "
            f"{device} | {rt.mode} mode | seed {seed}"
        )
    return rt
