"""What every lecture shares: set-up, quick mode, folders, atomic writes, figures, results.

Every notebook starts with::

    import dlies
    rt = dlies.course.setup(notebook="03_mantle_stability", seed=42)
    EPOCHS = rt.pick(full=40, quick=2)

and later calls :func:`savefig`, :func:`record` (each headline number beside its reference and
its interval), :func:`claim` (each conclusion about the run, with the numbers that decide it),
:func:`progress` (one compact bar per ``fit``) and :func:`show_source`.

The environment flags and folders (:mod:`dlies.settings`), atomic writes (:mod:`dlies.atomic`)
and results (:mod:`dlies.results`) are re-exported here, so a notebook needs only
``dlies.course``.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import os
import random
import sys
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from dlies import _trace_once
from dlies import atomic as _atomic
from dlies._validate import (
    Boolean,
    Checked,
    Function,
    Integer,
    Options,
    Path_,
    Sequence,
    String,
    Unchecked,
    validate_params,
)
from dlies.results import ClaimRefuted as ClaimRefuted
from dlies.results import claim as claim
from dlies.results import format_claim as format_claim
from dlies.results import format_entry as format_entry
from dlies.results import format_number as format_number
from dlies.results import record as record
from dlies.results import results_dir as results_dir
from dlies.settings import build_dir as build_dir
from dlies.settings import check_name as check_name
from dlies.settings import data_dir as data_dir
from dlies.settings import env_flag as env_flag
from dlies.settings import env_path as env_path
from dlies.settings import offline as offline
from dlies.settings import project_root as project_root
from dlies.settings import quick_mode as quick_mode

__all__ = [
    "FIGURE_MARK",
    "ClaimRefuted",
    "Runtime",
    "atomic_path",
    "atomic_write_text",
    "bar",
    "build_dir",
    "check_name",
    "claim",
    "current",
    "data_dir",
    "describe_devices",
    "env_flag",
    "env_path",
    "format_claim",
    "format_entry",
    "format_number",
    "offline",
    "progress",
    "project_root",
    "quick_mode",
    "read_json_list",
    "record",
    "results_dir",
    "savefig",
    "setup",
    "show_source",
]

T = TypeVar("T")

#: The atomic writes of :mod:`dlies.atomic`, their arguments checked.
atomic_path = validate_params(path=Path_())(_atomic.atomic_path)
atomic_write_text = validate_params(path=Path_(), text=String(1 << 30, allow_empty=True))(
    _atomic.atomic_write_text
)
read_json_list = validate_params(path=Path_(), what=String(200))(_atomic.read_json_list)
_NAME = Checked(check_name, "1-100 letters, digits, '_', '-' or '.', not starting with '.' or '-'")

_FIGURE_FORMATS = {"png", "svg", "pdf"}
#: Written into every figure savefig saves (PNG/SVG/PDF "Creator"): dlies run may replace it.
FIGURE_MARK = "dlies.course.savefig"

GPU_HINT = "no GPU found, running on CPU (to use one, see README: Using a GPU)"


# --------------------------------------------------------------------------- set-up
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
        """``build/figures/<notebook>/``, where :func:`savefig` writes."""
        return build_dir() / "figures" / self.notebook

    @property
    def logs_dir(self) -> Path:
        """``build/logs/<notebook>/``, for TensorBoard logs and other run artefacts."""
        return build_dir() / "logs" / self.notebook

    @property
    def work_dir(self) -> Path:
        """``build/work/<notebook>/``, for large intermediate files (data written for the run)."""
        return build_dir() / "work" / self.notebook

    @property
    def data_dir(self) -> Path:
        """The data cache folder (``DLIES_DATA`` or ``data/``)."""
        return data_dir()


_current: Runtime | None = None


@contextlib.contextmanager
def _silence_native_stderr() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null while TensorFlow's C++ core starts.

    TensorFlow writes start-up notices (oneDNN, CUDA probing, absl) straight to fd 2. In a
    Jupyter kernel ipykernel forwards fd 2 to the notebook, while ``sys.stderr.fileno()``
    names its copy of the original stderr, so both are redirected. Python exceptions are
    unaffected: they are printed after the descriptors are restored.
    """
    fds = {2}
    with contextlib.suppress(AttributeError, OSError, ValueError):
        fds.add(sys.stderr.fileno())
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved: dict[int, int] = {}
    try:
        for fd in sorted(fds):
            with contextlib.suppress(OSError):  # a closed descriptor stays as it is
                saved[fd] = os.dup(fd)
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
        name = gpu.name
        with contextlib.suppress(RuntimeError, ValueError):  # depends on the driver
            name = tf.config.experimental.get_device_details(gpu).get("device_name", name)
        names.append(name)
    return "GPU: " + ", ".join(names)


@validate_params(
    notebook=_NAME, seed=Integer(min=0, max=2**32 - 1), tensorflow=Boolean(), verbose=Boolean()
)
def setup(
    notebook: str, seed: int = 0, *, tensorflow: bool = True, verbose: bool = True
) -> Runtime:
    """Prepare a lecture: seed every generator, make TF ops deterministic, report the device.

    With TensorFlow, it also has Keras build a compiled model's optimizer and metric state
    before tracing its training step, as Keras does under a distribution strategy, so that
    ``fit`` traces that step once instead of twice (same results; see ``dlies/_trace_once.py``).

    Parameters
    ----------
    notebook : str
        The lecture's name, e.g. ``"03_mantle_stability"``; names its build folders.
    seed : int, default 0
        Seeds Python's ``random``, NumPy's legacy global generator, and TensorFlow/Keras.
    tensorflow : bool, default True
        False for a lecture that never uses TensorFlow (scikit-learn only): it is then not
        imported, which saves seconds at start-up.
    verbose : bool, default True
        Print one line with the TensorFlow version, the device and the mode.
    """
    global _current
    random.seed(seed)
    np.random.seed(seed)
    tf_version = keras_version = "not used"
    device = "CPU (this lecture does not use TensorFlow)"
    if tensorflow:
        with _silence_native_stderr():
            import absl.logging
            import keras
            import tensorflow as tf

            absl.logging.set_verbosity(absl.logging.ERROR)
            tf.get_logger().setLevel("ERROR")
            device = describe_devices()
        keras.utils.set_random_seed(int(seed))
        tf.config.experimental.enable_op_determinism()
        _trace_once.install()  # fit traces each new model's step once, not twice
        tf_version, keras_version = tf.__version__, keras.__version__
    rt = Runtime(notebook, int(seed), quick_mode(), device, tf_version, keras_version)
    _current = rt
    if verbose:
        versions = f"TensorFlow {tf_version} (Keras {keras_version})" if tensorflow else "NumPy"
        print(f"dlies | {notebook} | {versions} | {device} | {rt.mode} mode | seed {seed}")
    return rt


def _lecture(lecture: str | None, caller: str) -> str:
    if lecture is None:
        if _current is None:
            raise ValueError(f"{caller}: no lecture given and dlies.course.setup() was not called")
        return _current.notebook
    return check_name(lecture, f"{caller}: lecture")


# --------------------------------------------------------------------------- figures
@validate_params(
    fig=Unchecked("a matplotlib Figure: its own savefig checks it"),
    name=_NAME,
    formats=Sequence(Options("png", "svg", "pdf"), min_length=1, iterable=True),
    lecture=(None, _NAME),
    dpi=Integer(min=1, max=2400),
)
def savefig(
    fig, name: str, *, formats: Iterable[str] = ("png",), lecture: str | None = None, dpi: int = 120
) -> list[Path]:
    """Save a matplotlib figure to ``build/figures/<lecture>/<name>.<format>``, atomically.

    The figure stays open so the notebook still shows it. ``formats`` among png, svg, pdf.
    Each file carries :data:`FIGURE_MARK` as its "Creator" metadata; a file of that name
    without the mark (not written by savefig) is never replaced: FileExistsError.
    """
    from dlies.build.marks import is_marked_figure

    folder = build_dir() / "figures" / _lecture(lecture, "savefig")
    written = []
    for fmt in formats:
        target = folder / f"{name}.{fmt}"
        if target.exists() and not is_marked_figure(target.resolve()):
            raise FileExistsError(
                f"savefig: {target} exists and savefig did not write it; move it away or "
                "choose another name"
            )
        with atomic_path(target) as tmp:
            mark = {"Creator": FIGURE_MARK}
            fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format=fmt, metadata=mark)
        written.append(target)
    return written


# --------------------------------------------------------------------------- notebook chores
@validate_params(kwargs=Unchecked("options of tqdm's TqdmCallback, which checks them"))
def progress(**kwargs: Any):
    """One compact progress bar for a Keras ``fit``: epochs, with the latest metrics.

    Use as ``model.fit(..., verbose=0, callbacks=[dlies.course.progress()])``. In JupyterLab it
    is a widget; in executed copies and terminals it is one text line.
    """
    from tqdm.keras import TqdmCallback

    return TqdmCallback(**{"verbose": 0, "leave": True, "mininterval": 0.5} | kwargs)


@validate_params(
    iterable=Unchecked("any iterable: tqdm iterates it"),
    desc=(None, String(200)),
    total=(None, Integer(min=0)),
)
def bar(iterable: Iterable[T], *, desc: str | None = None, total: int | None = None) -> Iterable[T]:
    """A compact progress bar over a loop (training steps, data generation)."""
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc, total=total, leave=True, mininterval=0.5)


@validate_params(obj=Function(), docstring=Boolean())
def show_source(obj: Any, *, docstring: bool = False) -> Any:
    """Display the source code of a function or class, highlighted in Jupyter.

    The lectures call this the first time they use a builder from :mod:`dlies.models`, so
    that the architecture stays visible in the notebook. The docstring is left out unless
    ``docstring=True`` (``help(obj)`` shows it).
    """
    try:
        source = textwrap.dedent(inspect.getsource(obj))
    except (TypeError, OSError) as exc:
        raise TypeError(f"show_source: cannot get the source of {obj!r}: {exc}") from exc
    body = getattr(ast.parse(source).body[0], "body", [None])
    if not docstring and body and isinstance(body[0], ast.Expr):
        if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            lines = source.splitlines(keepends=True)
            source = "".join(lines[: body[0].lineno - 1] + lines[body[0].end_lineno :])
    try:
        from IPython.display import Code
    except ImportError:  # pragma: no cover - IPython ships with jupyterlab
        print(source)
        return source
    return Code(source, language="python")
