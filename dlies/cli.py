"""The ``dlies`` command: ``dlies run`` (execute lectures), ``dlies info``, ``dlies data``.

Examples::

    dlies run                      # every lecture in notebooks/, full mode, into build/
    dlies run --quick 03 05        # two lectures in quick mode
    dlies run --continue-on-error  # do not stop at the first failing lecture
    dlies info                     # versions, devices (and why no GPU), mode, data sets
    dlies data                     # the data cache folder and what is in it

``dlies run`` exits with 0 when every notebook ran, 1 when one failed or was not run, 2 on a
usage error (nothing is touched then) and 130 when interrupted. :mod:`dlies.build` does the
work; docs/instructors.md describes it.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dlies import __version__, course
from dlies._validate import ParameterError

GPU_HOWTO = (
    "to use an NVIDIA GPU: on Linux with the NVIDIA driver installed (`nvidia-smi` works), "
    "run `.venv/bin/pip install -e '.[gpu]'` (the `gpu` extra: tensorflow[and-cuda]); "
    "every lecture also runs on the CPU"
)


# --------------------------------------------------------------------------- dlies run
def _cmd_run(args: argparse.Namespace) -> int:
    from dlies import build

    try:
        outcome = build.run(
            args.notebooks,
            out=args.out,
            notebooks_dir=args.notebooks_dir,
            quick=args.quick,
            offline=args.offline,
            timeout=args.timeout,
            continue_on_error=args.continue_on_error,
            progress=not args.no_progress,
        )
    except (build.RunError, ParameterError) as exc:
        print(f"dlies run: error: {exc}", file=sys.stderr)
        return 2
    _print_summary(outcome)
    return outcome.exit_code


def _print_summary(outcome: Any) -> None:
    from dlies.build.report import claims_summary, split_results

    runs, out = outcome.runs, outcome.out
    width = max([len(r.lecture) for r in runs] + [7])
    print(f"\n{'lecture':<{width}}  {'status':<11}  {'wall time':>9}")
    for r in runs:
        print(f"{r.lecture:<{width}}  {r.status:<11}  {r.seconds:>7.1f} s")
    print(f"{'total':<{width}}  {'':<11}  {sum(r.seconds for r in runs):>7.1f} s")
    for r in runs:
        if r.status != "ok":
            copy = f"\n  partial executed copy: {out / r.executed}" if r.executed else ""
            print(f"\n{r.error}{copy}")
    if outcome.not_run:
        why = "interrupted" if outcome.interrupted else "stopped at the first failure"
        hint = "" if outcome.interrupted else " (--continue-on-error runs them anyway)"
        print(f"\n{why}; not run: {', '.join(p.stem for p in outcome.not_run)}{hint}")
    lectures = {r.lecture for r in runs}
    mine, claims = split_results([e for e in outcome.entries if e.get("lecture") in lectures])
    judged = [e for e in mine if e.get("passed") is not None]
    missed = [e for e in judged if not e["passed"]]
    print(
        f"\nrecorded {len(mine)} number(s) in these lectures; "
        f"{len(judged) - len(missed)} of {len(judged)} with a threshold meet it; "
        f"{claims_summary(claims)}"
    )
    for c in claims:
        if c["judged"] and not c["holds"]:
            print(f"  refuted: {c['lecture']}: {c['statement']}")
    if any(e.get("mode") == "quick" for e in missed):
        print("  (quick-mode numbers come from shrunken runs; thresholds are meant for full mode)")
    for e in missed:
        print(
            f"  misses: {e['lecture']}: {e['metric']} = {e['value']:.4g} ({e.get('mode')} mode, "
            f"threshold {e['threshold']:.4g})"
        )
    print(f"results: {out / 'results.md'}\nindex:   {out / 'index.html'}")


# --------------------------------------------------------------------------- dlies info
def _probe_tensorflow() -> dict[str, Any]:
    """Versions and devices as TensorFlow sees them (imports TensorFlow: a few seconds)."""
    info: dict[str, Any] = {
        "tensorflow": None,
        "keras": None,
        "devices": [],
        "gpus": [],
        "built_with_cuda": None,
        "error": None,
    }
    try:
        with course._silence_native_stderr():
            import keras
            import tensorflow as tf

            info["tensorflow"] = tf.__version__
            info["keras"] = keras.__version__
            info["devices"] = [
                f"{d.device_type}:{d.name}" for d in tf.config.list_physical_devices()
            ]
            info["gpus"] = [d.name for d in tf.config.list_physical_devices("GPU")]
            info["built_with_cuda"] = bool(tf.test.is_built_with_cuda())
    except Exception as exc:  # noqa: BLE001 - reported to the user
        info["error"] = f"{type(exc).__name__}: {exc}"
    return info


def _nvidia_driver() -> str | None:
    """The NVIDIA driver's version line, or ``None`` when no driver is visible."""
    proc = Path("/proc/driver/nvidia/version")
    if proc.is_file():
        try:
            return proc.read_text().splitlines()[0].strip()
        except (OSError, IndexError):
            return "present"
    return "nvidia-smi found" if shutil.which("nvidia-smi") else None


def _cuda_libraries_installed() -> bool:
    """Whether the pip CUDA libraries of ``tensorflow[and-cuda]`` are installed."""
    try:
        return importlib.util.find_spec("nvidia.cudnn") is not None
    except (ImportError, ValueError):
        return False


def gpu_advice(
    *,
    system: str,
    driver: str | None,
    built_with_cuda: bool | None,
    cuda_libraries: bool,
    visible_devices: str | None,
) -> list[str]:
    """Why TensorFlow sees no GPU, most likely reason first, then how to get one.

    ``system`` is ``platform.system()``, ``driver`` the NVIDIA driver found (or None),
    ``built_with_cuda`` ``tf.test.is_built_with_cuda()`` (None when TensorFlow did not import),
    ``cuda_libraries`` whether the ``nvidia-*`` CUDA wheels are installed, ``visible_devices``
    the value of ``CUDA_VISIBLE_DEVICES``. Returns sentences; the last says how to get a GPU.
    """
    reasons = []
    if system == "Darwin":
        reasons.append(
            "macOS: TensorFlow has no CUDA build for macOS (Apple GPUs need the "
            "tensorflow-metal plug-in, which this course does not set up)"
        )
    elif system == "Windows":
        reasons.append(
            "native Windows: TensorFlow >= 2.11 has no GPU support there; use WSL2 "
            "(Linux) with the NVIDIA driver for Windows"
        )
    elif system != "Linux":
        reasons.append(f"{system}: TensorFlow's GPU build is for Linux only")
    else:
        if visible_devices is not None and visible_devices.strip() in {"", "-1"}:
            reasons.append(f"CUDA_VISIBLE_DEVICES={visible_devices!r} hides every GPU")
        if driver is None:
            reasons.append(
                "no NVIDIA driver found (no /proc/driver/nvidia/version, no "
                "nvidia-smi): this machine has no NVIDIA GPU or its driver is missing"
            )
        if built_with_cuda is False:
            reasons.append("this TensorFlow build has no CUDA support")
        elif not cuda_libraries:
            reasons.append("TensorFlow's CUDA libraries (the nvidia-* wheels) are not installed")
        if not reasons:
            reasons.append(
                "a driver and the CUDA libraries are present but TensorFlow still sees "
                "no GPU: check `nvidia-smi` and that the driver is recent enough for "
                "the CUDA version TensorFlow was built with"
            )
    return reasons + [GPU_HOWTO]


def _flag_text(name: str, read: Callable[[], bool], yes: str, no: str) -> str:
    """How a ``DLIES_*`` flag reads, parsed as the loaders parse it."""
    raw = os.environ.get(name)
    where = f"{name}={raw}" if raw is not None else f"{name} unset"
    try:
        return f"{yes if read() else no} ({where})"
    except ValueError as exc:
        return f"invalid: {exc}"


def _folder_text(name: str, folder: Callable[[], Path]) -> str:
    try:
        return f"{folder()}" + ("" if os.environ.get(name) else f" ({name} unset)")
    except ValueError as exc:
        return f"invalid: {exc}"


def dataset_status() -> list[tuple[str, str]]:
    """Where each data set would come from, asked of the loaders' own look-ups.

    Nothing is loaded or downloaded. Returns ``(data set, one line)`` pairs.
    """
    from dlies.datasets import locate_devries
    from dlies.datasets.mnist import mnist_source

    try:
        out = [("MNIST", str(mnist_source()))]
    except ValueError as exc:  # DLIES_DATA names a file, or a DLIES_* flag is invalid
        out = [("MNIST", f"unknown: {exc}")]
    line = (
        "no real data (DLIES_AFTERSHOCKS unset, none in the data cache): the synthetic set "
        "(cutde dislocations) is generated and cached on first use"
    )
    try:
        if real := locate_devries():
            line = f"real data (DeVries et al. 2018): {real[0].parent}"
    except (OSError, ValueError) as exc:  # DLIES_AFTERSHOCKS set but unusable
        line = f"{exc}: the lecture stops with an error (no silent fallback)"
    out.append(("aftershocks", line))
    return out


def _cmd_info(args: argparse.Namespace) -> int:
    tf_info = _probe_tensorflow()
    print(f"dlies        {__version__}")
    print(f"Python       {platform.python_version()} ({sys.executable})")
    print(f"platform     {platform.platform()}")
    if tf_info["error"]:
        print(f"TensorFlow   could not import: {tf_info['error']}")
    else:
        cuda = "with" if tf_info["built_with_cuda"] else "without"
        print(f"TensorFlow   {tf_info['tensorflow']} (built {cuda} CUDA)")
        print(f"Keras        {tf_info['keras']}")
        print(f"devices      {', '.join(tf_info['devices']) or 'none'}")
    if tf_info["gpus"]:
        print(f"GPU          yes: {', '.join(tf_info['gpus'])}")
    else:
        print("GPU          none, running on CPU. Why:")
        advice = gpu_advice(
            system=platform.system(),
            driver=_nvidia_driver(),
            built_with_cuda=tf_info["built_with_cuda"],
            cuda_libraries=_cuda_libraries_installed(),
            visible_devices=os.environ.get("CUDA_VISIBLE_DEVICES"),
        )
        for line in advice[:-1]:
            print(f"             - {line}")
        print(f"             How: {advice[-1]}")
    print(f"mode         {_flag_text('DLIES_QUICK', course.quick_mode, 'quick', 'full')}")
    print(f"data cache   {_folder_text('DLIES_DATA', course.data_dir)}")
    print(f"build        {_folder_text('DLIES_BUILD', course.build_dir)}")
    offline = ("yes: loaders never download", "no: loaders may download when the network is up")
    print(f"offline      {_flag_text('DLIES_OFFLINE', course.offline, *offline)}")
    print("data sets")
    for name, line in dataset_status():
        print(f"  {name:<12} {line}")
    return 1 if tf_info["error"] else 0


# --------------------------------------------------------------------------- dlies data
def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


def _cmd_data(args: argparse.Namespace) -> int:
    try:
        folder = course.data_dir()
    except ValueError as exc:
        print(f"dlies data: error: {exc} (the data cache)", file=sys.stderr)
        return 2
    how = "DLIES_DATA" if os.environ.get("DLIES_DATA") else "default; set DLIES_DATA to move it"
    print(f"data cache: {folder} ({how})")
    if not folder.is_dir():
        print("  (does not exist yet: it is created when a loader first caches something)")
    else:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        total = sum(p.stat().st_size for p in files)
        for p in files:
            print(f"  {_size(p.stat().st_size):>10}  {p.relative_to(folder).as_posix()}")
        print(f"  {_size(total):>10}  total, {len(files)} file(s)" if files else "  (empty)")
    print("data sets")
    for name, line in dataset_status():
        print(f"  {name:<12} {line}")
    return 0


# --------------------------------------------------------------------------- dlies exercises
def _cmd_exercises(args: argparse.Namespace) -> int:
    from dlies.exercises.handout import write_student_copies

    try:
        written = write_student_copies(args.out, args.notebooks_dir)
    except (FileExistsError, FileNotFoundError, ValueError) as exc:
        print(f"{exc}", file=sys.stderr)
        return 2
    print(f"{len(written)} student copies (without the worked solutions) in {args.out}")
    return 0


# --------------------------------------------------------------------------- entry point
def _timeout(text: str) -> int | None:
    from dlies.build.checks import timeout_seconds

    try:
        return timeout_seconds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--timeout ")) from None


def build_parser() -> argparse.ArgumentParser:
    """The ``dlies`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="dlies", description="Deep Learning in Earth Science: course companion command."
    )
    parser.add_argument("--version", action="version", version=f"dlies {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{run,info,data,exercises}")
    run = sub.add_parser(
        "run",
        help="execute lecture notebooks headlessly into a build folder",
        description="Execute lecture notebooks, each in a fresh kernel, and write executed "
        "copies, HTML, figures, results.json/results.md and index.html to the build folder. "
        "Source notebooks are never modified; only files an earlier dlies run wrote are "
        "ever deleted (docs/instructors.md).",
    )
    run.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebook files, folders, or names/number prefixes in the notebooks folder "
        "(default: every notebook there, in order)",
    )
    run.add_argument("--quick", action="store_true", help="quick mode (DLIES_QUICK=1)")
    run.add_argument("--out", help="build folder (default: DLIES_BUILD or build/)")
    run.add_argument(
        "--notebooks-dir",
        help="where NOTEBOOK names are looked up (default: notebooks/ of the project)",
    )
    run.add_argument(
        "--continue-on-error",
        action="store_true",
        help="run the remaining notebooks after one fails (the exit status is still 1)",
    )
    run.add_argument(
        "--timeout",
        type=_timeout,
        default=3600,
        help="whole seconds a single cell may run, 0 for no limit (default 3600)",
    )
    run.add_argument("--offline", action="store_true", help="set DLIES_OFFLINE=1: never download")
    run.add_argument("--no-progress", action="store_true", help="no progress bars")
    run.set_defaults(func=_cmd_run)
    info = sub.add_parser("info", help="versions, devices, mode, data cache and data sets")
    info.set_defaults(func=_cmd_info)
    data = sub.add_parser("data", help="the data cache folder and what is in it")
    data.set_defaults(func=_cmd_data)
    exercises = sub.add_parser(
        "exercises",
        help="write student copies of the lectures, without the worked solutions",
        description="Write a copy of every lecture without its solution cells (outputs "
        "cleared) into OUT: an empty or new folder, or one this command wrote before.",
    )
    exercises.add_argument("out", metavar="OUT", help="the folder for the student copies")
    exercises.add_argument(
        "--notebooks-dir", help="the lectures to copy (default: notebooks/ of the project)"
    )
    exercises.set_defaults(func=_cmd_exercises)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dlies`` command on ``argv`` (default ``sys.argv[1:]``); return the exit status.

    argparse exits with 2 itself on a malformed command line.
    """
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
