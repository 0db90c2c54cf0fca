"""Run one notebook with nbclient in a fresh kernel of this environment; HTML with nbconvert."""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from dlies import course
from dlies.build.manifest import lecture_places


@dataclass
class NotebookRun:
    """What happened to one notebook; paths relative to the build folder."""

    lecture: str
    source: str
    status: str  # "ok", "failed" or "interrupted"
    seconds: float
    mode: str  # "quick" or "full"
    finished: str  # local time, ISO 8601
    executed: str | None = None
    html: str | None = None
    log: str | None = None
    figures: list[str] = field(default_factory=list)
    failed_cell: int | None = None  # 1-based among all cells
    error: str | None = None
    device: str | None = None


def kernel_environment(out: Path, *, quick: bool, offline: bool = False) -> dict[str, str]:
    """This process's environment plus what a lecture's kernel needs.

    ``DLIES_BUILD=<out>``, ``DLIES_QUICK`` (``1`` or ``0``: full mode stays full even when
    the shell has quick mode on), ``DLIES_DATA`` as resolved here (kernels run in their own
    folders), ``DLIES_OFFLINE=1`` when asked, and matplotlib's inline backend so figures
    appear in the executed copies.
    """
    env = dict(os.environ)
    env |= {"DLIES_BUILD": str(Path(out).resolve()), "DLIES_QUICK": "1" if quick else "0"}
    env["DLIES_DATA"] = str(course.data_dir().resolve())
    if offline:
        env["DLIES_OFFLINE"] = "1"
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets ipykernel's debugger
    return env


def describe_failure(lecture: str, source: str, nb: Any, index: int | None, exc: Exception) -> str:
    """A few lines naming the notebook, the cell (its first lines) and the error."""
    if index is None:
        where, cell = "before the first cell ran (kernel start-up)", None
    else:
        cell = nb.cells[index]
        code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        where = f"cell {index + 1} of {len(nb.cells)}"
        if index in code:
            where += f" (code cell {code.index(index) + 1} of {len(code)})"
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None)
    if evalue is None:
        evalue = (str(exc).strip().splitlines() or [""])[0]
    lines = [f"{lecture} ({source}) failed at {where}:"]
    if cell is not None:
        text = [line for line in cell.source.splitlines() if line.strip()]
        lines += [f"    {line}" for line in text[:2]] + (["    ..."] if len(text) > 2 else [])
    return "\n".join([*lines, f"  {ename}: {evalue}".rstrip()])


def _display(path: Path) -> str:
    with suppress(ValueError):
        return path.resolve().relative_to(course.project_root()).as_posix()
    return str(path)


def execute_notebook(
    source: Path,
    out: Path,
    env: dict[str, str],
    *,
    timeout: int | None,
    progress: bool = True,
    log_mark: str = "",
    clock: dict[str, int] | None = None,
) -> NotebookRun:
    """Run one notebook into the build folder (docs/instructors.md describes its layout).

    A ``KeyboardInterrupt`` interrupts the kernel (a second one stops it) and the run comes
    back with status ``"interrupted"``; the partial executed copy is kept either way. The
    kernel log is created (never replaced) with ``log_mark`` as its first line; ``clock``
    gets ``"end"``, the time (ns since the epoch) the kernel stopped.
    """
    clock = {} if clock is None else clock
    import nbformat
    from nbclient import NotebookClient
    from tqdm.auto import tqdm

    lecture, shown = source.stem, _display(source)
    files, _ = lecture_places(lecture)
    executed, html, log = (out / rel for rel in files[:3])
    work = out / "work" / lecture  # the kernel's working folder
    mode = "quick" if env["DLIES_QUICK"] == "1" else "full"
    record = NotebookRun(lecture, shown, "failed", 0.0, mode, "")
    try:
        nb = nbformat.read(source, as_version=4)
    except Exception as exc:  # noqa: BLE001 - bad JSON, encoding or format: reported
        record.finished = datetime.now().astimezone().isoformat(timespec="seconds")
        record.error = (
            f"{lecture} ({shown}) is not a readable notebook: {type(exc).__name__}: {exc}"
        )
        return record
    for folder in (work, executed.parent, html.parent, log.parent):
        folder.mkdir(parents=True, exist_ok=True)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    state: dict[str, Any] = {"cell": None, "interrupts": 0}
    bar = tqdm(
        total=len(code), desc=lecture, unit="cell", leave=False, position=1, disable=not progress
    )

    def on_sigint() -> None:  # interrupt the kernel instead of letting nbclient kill it
        state["interrupts"] += 1
        km = client.km
        if km is not None:
            first = state["interrupts"] == 1
            asyncio.ensure_future(km.interrupt_kernel() if first else km.shutdown_kernel(now=True))

    def on_notebook_start(notebook: Any) -> None:
        with suppress(RuntimeError, NotImplementedError):  # not the main thread, or Windows
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, on_sigint)

    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        startup_timeout=120,
        record_timing=True,
        resources={"metadata": {"path": str(work)}},
        on_notebook_start=on_notebook_start,
        on_cell_start=lambda cell, cell_index: state.update(cell=cell_index),
        on_cell_executed=lambda cell, cell_index, execute_reply: bar.update(1),
    )
    start = time.perf_counter()
    try:
        log_file = open(log, "x", encoding="utf-8")  # noqa: SIM115 - closed by the with below
    except FileExistsError:
        bar.close()
        clock["end"] = time.time_ns()
        record.finished = datetime.now().astimezone().isoformat(timespec="seconds")
        record.error = f"{lecture}: {log} appeared while the run started; not replacing it"
        return record
    with log_file:
        if log_mark:
            log_file.write(log_mark + "\n")
            log_file.flush()
        try:
            client.execute(env=env, cwd=str(work), stdout=log_file, stderr=subprocess.STDOUT)
            record.status = "ok"
        except KeyboardInterrupt:
            state["interrupts"] += 1
        except Exception as exc:  # noqa: BLE001 - CellExecutionError, timeouts, dead kernels
            record.failed_cell = None if state["cell"] is None else state["cell"] + 1
            record.error = describe_failure(lecture, shown, nb, state["cell"], exc)
        finally:
            clock["end"] = time.time_ns()
            bar.close()
    if state["interrupts"]:
        record.status, record.error = "interrupted", f"{lecture} ({shown}) interrupted (Ctrl-C)"
    record.seconds = round(time.perf_counter() - start, 2)
    course.atomic_write_text(executed, nbformat.writes(nb))
    record.executed, record.log = files[0], files[2]
    try:
        course.atomic_write_text(html, _html_exporter().from_notebook_node(nb)[0])
        record.html = files[1]
    except Exception as exc:  # noqa: BLE001 - the run is still reported
        note = f"HTML export of {lecture} failed: {type(exc).__name__}: {exc}"
        record.error = f"{record.error}\n  {note}" if record.error else note
        record.status = "failed" if record.status == "ok" else record.status
    record.finished = datetime.now().astimezone().isoformat(timespec="seconds")
    return record


@functools.cache
def _html_exporter() -> Any:
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab")  # loads its templates once per process


class DeviceProbe:
    """Asks TensorFlow, in a child process running beside the lectures, which device they use.

    The answer is kept for the rest of the process (per ``CUDA_VISIBLE_DEVICES``), so that
    several runs in one process import TensorFlow once for it.
    """

    known: ClassVar[dict[str | None, str]] = {}

    def __init__(self, env: dict[str, str]) -> None:
        self.key = env.get("CUDA_VISIBLE_DEVICES")
        self.proc = None
        if self.key not in self.known:
            code = "from dlies.course import describe_devices; print(describe_devices())"
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code],
                env=env | {"TF_CPP_MIN_LOG_LEVEL": "3"},
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )

    def stop(self) -> None:
        """Give up on the answer (the run was interrupted)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.communicate()

    def result(self, timeout: float = 300) -> str | None:
        """The device phrase, or ``None`` when the probe failed, was stopped or took too long."""
        if self.proc is None or self.proc.returncode is not None:  # known, or stopped
            return None if self.proc else self.known.get(self.key)
        try:
            text, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            return None
        lines = text.strip().splitlines()
        if self.proc.returncode != 0 or not lines:
            return None
        self.known[self.key] = lines[-1]
        return lines[-1]
