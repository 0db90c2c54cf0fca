"""``dlies run``: execute lecture notebooks headlessly and gather what they produce.

Each notebook runs with :mod:`nbclient` in a fresh kernel of *this* Python environment (the
``python3`` kernel, which Jupyter starts with the running interpreter), in its own working
folder, with ``DLIES_BUILD=<out>`` and ``DLIES_QUICK`` set, so that
:func:`dlies.course.savefig` and :func:`dlies.course.record` write into the build folder.
docs/instructors.md describes the build folder's layout and what a run may delete: only files
dlies wrote (:mod:`dlies.build.manifest`); any other file in a lecture's places stops the run
before anything is touched. Source notebooks are only read.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from dlies import course
from dlies._validate import Boolean, Instance, Integer, Sequence, String, any_of, validate_params
from dlies.build.checks import (
    MAX_TIMEOUT,
    RunError,
    check_output_folder,
    check_writable,
    find_notebooks,
)
from dlies.build.execute import DeviceProbe, NotebookRun, execute_notebook, kernel_environment
from dlies.build.manifest import (
    SHARED_FILES,
    lecture_places,
    log_mark,
    present,
    read_manifest,
    record_lecture,
    refuse_foreign,
    remove_owned,
    sha256,
    snapshot,
    start_lecture,
    write_manifest,
)
from dlies.build.report import gather_results, results_markdown, write_index

__all__ = ["NotebookRun", "Outcome", "RunError", "prepare", "run"]

FIGURE_SUFFIXES = (".png", ".svg", ".pdf", ".jpg", ".jpeg")


@dataclass
class Outcome:
    """What ``dlies run`` did: the runs, the results, the lectures not run."""

    out: Path
    runs: list[NotebookRun]
    entries: list[dict[str, Any]]
    not_run: list[Path]
    interrupted: bool

    @property
    def exit_code(self) -> int:
        """0 every notebook ran, 1 one failed or was not run, 130 interrupted."""
        if self.interrupted:
            return 130
        all_ok = self.runs and all(r.status == "ok" for r in self.runs) and not self.not_run
        return 0 if all_ok else 1


#: What ``dlies run``'s arguments accept (the command line's, as the API's).
_PATH = any_of(String(1 << 16, allow_empty=True), Instance(os.PathLike, what="a path"))
_NAMES = Sequence(_PATH, iterable=True)


@validate_params(names=_NAMES, out=(None, _PATH), notebooks_dir=(None, _PATH))
def prepare(
    names: list[str], out: Path | None, notebooks_dir: Path | None
) -> tuple[list[Path], Path]:
    """Every check that needs no write: flags, notebooks, names, the output folder, and
    files in the output folder that dlies run did not write. Raises :class:`RunError`."""
    if out is not None and not str(out).strip():
        raise RunError("--out is empty; give a folder, or leave it out for the default")
    try:
        course.env_flag("DLIES_OFFLINE")
        course.data_dir()
        out = Path(out) if out is not None else course.build_dir()
    except ValueError as exc:
        raise RunError(str(exc)) from None
    notebooks_dir = Path(notebooks_dir) if notebooks_dir else course.project_root() / "notebooks"
    sources = find_notebooks(names, notebooks_dir)
    out = check_output_folder(out, sources)
    if out.is_dir():
        refuse_foreign(out, [s.stem for s in sources], read_manifest(out))
    return sources, out


@validate_params(
    names=_NAMES,
    out=(None, _PATH),
    notebooks_dir=(None, _PATH),
    quick=Boolean(),
    offline=Boolean(),
    timeout=(None, Integer(min=1, max=MAX_TIMEOUT)),
    continue_on_error=Boolean(),
    progress=Boolean(),
)
def run(
    names: list[str],
    *,
    out: Path | None = None,
    notebooks_dir: Path | None = None,
    quick: bool = False,
    offline: bool = False,
    timeout: int | None = 3600,
    continue_on_error: bool = False,
    progress: bool = True,
) -> Outcome:
    """Execute lectures into the build folder, then write the tables and the index page.

    Every check happens before anything is deleted or written; a failed check raises
    :class:`RunError`. Parameters mirror the options of ``dlies run``.
    """
    from filelock import FileLock, Timeout

    sources, out = prepare(names, out, notebooks_dir)
    check_writable(out)
    path = out / ".dlies" / "lock"
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise RunError(f"{path} is not a lock file dlies run made (a folder or a link?); remove it")
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RunError(f"another dlies run is writing to {out}; wait for it to finish") from None
    except OSError as exc:
        raise RunError(f"{path}: cannot take the lock ({exc}); remove it") from None
    try:
        manifest = read_manifest(out)
        refuse_foreign(out, [s.stem for s in sources], manifest)  # again, now under the lock
        return _run_locked(
            sources, out, manifest, quick, offline, timeout, continue_on_error, progress
        )
    finally:
        lock.release()


def _run_locked(sources, out, manifest, quick, offline, timeout, continue_on_error, progress):
    from tqdm.auto import tqdm

    env = kernel_environment(out, quick=quick, offline=offline)
    probe = DeviceProbe(env)
    runs: list[NotebookRun] = []  # the notebooks after the last of them were not run
    interrupted = False
    bar = tqdm(total=len(sources), desc="notebooks", unit="nb", disable=not progress)
    try:
        for source in sources:
            bar.set_postfix_str(source.stem)
            lecture, token = source.stem, secrets.token_hex(8)
            remove_owned(out, lecture, manifest)
            dirs_before, before = set(present(out, lecture)[1]), snapshot(out, lecture)
            start_lecture(out, lecture, manifest, token)
            clock = {"start": time.time_ns()}
            try:
                done = execute_notebook(
                    source,
                    out,
                    env,
                    timeout=timeout,
                    progress=progress,
                    log_mark=log_mark(lecture, token),
                    clock=clock,
                )
            finally:  # even when interrupted: what the kernel created is this run's own
                window = (clock["start"], clock.get("end", time.time_ns()))
                ours = lecture_places(lecture)[0][:3]  # the executed copy, HTML and log
                written = record_lecture(
                    out, lecture, manifest, dirs_before, before, window, written=ours
                )
            done.figures = [f for f in written if f.startswith("figures/") and is_figure(f)]
            runs.append(done)
            bar.update(1)
            verdict = "ok" if done.status == "ok" else done.status.upper()
            line = done.error or f"{done.lecture}  ({done.seconds:.1f} s)"
            tqdm.write(f"{verdict:<7} {line}", file=sys.stderr)
            interrupted = done.status == "interrupted"
            if interrupted or (done.status != "ok" and not continue_on_error):
                break
    except KeyboardInterrupt:  # between cells' reach: while writing a copy, or between runs
        interrupted = True
    finally:
        bar.close()
    if interrupted:
        probe.stop()
    device = probe.result()
    for done in runs:
        done.device = device
    all_runs = _merge_runs(out, runs, manifest)
    entries, notes = gather_results(out, manifest)
    course.atomic_write_text(out / "runs.json", json.dumps(all_runs, indent=2) + "\n")
    course.atomic_write_text(out / "results.json", json.dumps(entries, indent=2) + "\n")
    course.atomic_write_text(out / "results.md", results_markdown(entries, notes))
    write_index(out, all_runs, entries, device)
    manifest["shared"] = {r: sha256(out / r) for r in SHARED_FILES}
    write_manifest(out, manifest)
    return Outcome(out, runs, entries, sources[len(runs) :], interrupted)


def is_figure(rel: str) -> bool:
    """A figure file (by suffix), not a hidden one such as a half-written temporary."""
    return rel.lower().endswith(FIGURE_SUFFIXES) and not Path(rel).name.startswith(".")


def _merge_runs(out: Path, runs: list[NotebookRun], manifest: dict[str, Any]) -> list[dict]:
    """This run's records plus earlier ones of lectures whose outputs are still there."""
    old = course.read_json_list(out / "runs.json", "runs file")
    merged = {r["lecture"]: r for r in old if isinstance(r, dict) and "lecture" in r}
    merged = {k: v for k, v in merged.items() if k in manifest["lectures"]}
    merged |= {r.lecture: asdict(r) for r in runs}
    return [merged[k] for k in sorted(merged)]
