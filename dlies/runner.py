"""Execute lecture notebooks headlessly and gather what they produce: ``dlies run``.

Each notebook runs with :mod:`nbclient` in a fresh kernel of *this* Python environment, in its
own working folder ``<out>/work/<lecture>/``, with ``DLIES_BUILD=<out>`` and ``DLIES_QUICK``
set in the kernel's environment, so that :func:`dlies.plots.savefig` writes to
``<out>/figures/<lecture>/`` and :func:`dlies.course.record` to ``<out>/results/<lecture>.json``.
The build folder then holds::

    <out>/notebooks/<lecture>.ipynb   executed copy (partial when a cell failed)
    <out>/html/<lecture>.html         its HTML export
    <out>/figures/<lecture>/          figures the lecture saved
    <out>/results/<lecture>.json      numbers the lecture recorded
    <out>/logs/<lecture>.log          the kernel process's own stdout/stderr
    <out>/runs.json                   status, mode and wall time of each lecture
    <out>/results.json, results.md    every record, beside its reference
    <out>/index.html                  links to all of the above

The source notebooks are only ever read.
"""

from __future__ import annotations

import asyncio
import html
import inspect
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dlies import course, report

RESULT_KEYS = ("lecture", "metric", "value", "reference", "source", "threshold", "passed", "mode")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_FIGURE_SUFFIXES = {".png", ".svg", ".pdf", ".jpg", ".jpeg"}


class RunError(ValueError):
    """A problem with what ``dlies run`` was asked to do (bad name, unsafe output folder)."""


@dataclass
class NotebookRun:
    """What happened to one notebook in ``dlies run``.

    Paths are relative to the build folder so that the record stays valid when it moves.
    """

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
    failed_cell: int | None = None  # 1-based index among all cells
    error: str | None = None  # a few human lines
    device: str | None = None  # from the line dlies.course.setup prints


# --------------------------------------------------------------------------- choosing notebooks


def find_notebooks(names: list[str], notebooks_dir: Path) -> list[Path]:
    """Resolve the ``NOTEBOOK`` arguments of ``dlies run`` into notebook files.

    Parameters
    ----------
    names : list of str
        Each is a path to an ``.ipynb`` file, a folder (all notebooks in it), or a name or
        number prefix of a notebook in ``notebooks_dir`` (``"03"``, ``"03_mantle_stability"``).
        Empty: every notebook in ``notebooks_dir``.
    notebooks_dir : pathlib.Path
        Where lecture names are looked up.

    Returns
    -------
    list of pathlib.Path
        Without duplicates, sorted by file name (the teaching order).

    Raises
    ------
    RunError
        If a name matches no notebook or several, or nothing is found at all.
    """
    notebooks_dir = Path(notebooks_dir)
    available = sorted(notebooks_dir.glob("*.ipynb")) if notebooks_dir.is_dir() else []
    if not names:
        if not available:
            raise RunError(f"no notebooks (*.ipynb) found in {notebooks_dir}")
        return available
    found: dict[Path, None] = {}
    for name in names:
        path = Path(name).expanduser()
        if path.is_dir():
            inside = sorted(path.glob("*.ipynb"))
            if not inside:
                raise RunError(f"no notebooks (*.ipynb) found in folder {path}")
            found.update(dict.fromkeys(p.resolve() for p in inside))
            continue
        if path.is_file():
            if path.suffix != ".ipynb":
                raise RunError(f"notebook {name!r} is not an .ipynb file")
            found[path.resolve()] = None
            continue
        stem = name[: -len(".ipynb")] if name.endswith(".ipynb") else name
        exact = [p for p in available if p.stem == stem]
        matches = exact or [p for p in available if p.stem.startswith(stem)]
        if len(matches) != 1:
            listing = ", ".join(p.stem for p in available) or "none"
            what = "matches no notebook" if not matches else "is ambiguous"
            raise RunError(f"notebook {name!r} {what} in {notebooks_dir} (available: {listing})")
        found[matches[0].resolve()] = None
    return sorted(found, key=lambda p: (p.name, str(p)))


def check_output_folder(out: Path, sources: list[Path]) -> None:
    """Refuse an output folder whose writes could land on or beside a source notebook.

    Raises
    ------
    RunError
        If ``out`` lies inside a folder that holds a source notebook, or an executed copy
        (``<out>/notebooks/<name>``) would overwrite a source, or two sources share a name.
    """
    out = Path(out).resolve()
    stems: dict[str, Path] = {}
    for src in sources:
        src = src.resolve()
        if out == src.parent or src.parent in out.parents:
            raise RunError(
                f"output folder {out} lies inside {src.parent}, which holds the source "
                f"notebook {src.name}; choose another --out"
            )
        if (out / "notebooks" / src.name).resolve() == src:
            raise RunError(f"--out {out} would overwrite the source notebook {src}")
        if src.stem in stems:
            raise RunError(
                f"two notebooks share the lecture name {src.stem!r}: {stems[src.stem]} and {src}"
            )
        stems[src.stem] = src


# --------------------------------------------------------------------------- executing


def kernel_environment(out: Path, *, quick: bool, offline: bool = False) -> dict[str, str]:
    """The environment a lecture's kernel starts with.

    A copy of this process's environment plus ``DLIES_BUILD=<out>`` (absolute),
    ``DLIES_QUICK=1`` or ``0`` (so full mode is full even when the caller's shell has quick
    mode on), ``DLIES_DATA`` (the data cache as resolved here, so kernels running in their own
    folders share it), ``DLIES_OFFLINE=1`` when asked, and matplotlib's inline backend so that
    figures appear in the executed copies.
    """
    env = dict(os.environ)
    env["DLIES_BUILD"] = str(Path(out).resolve())
    env["DLIES_QUICK"] = "1" if quick else "0"
    env["DLIES_DATA"] = str(course.data_dir().resolve())
    if offline:
        env["DLIES_OFFLINE"] = "1"
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # ipykernel's debugger otherwise warns about frozen modules on every kernel start.
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def _current_env_kernel_manager():
    """A kernel manager that launches ``sys.executable -m ipykernel_launcher``.

    Whatever kernels the user has installed elsewhere, the lectures run in the environment
    that ``dlies`` itself runs in (as nbval's ``--nbval-current-env`` does).
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec

    class CurrentEnvKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self) -> KernelSpec:
            return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())

    return CurrentEnvKernelManager()


def _cell_text(cell: Any, max_lines: int = 2) -> str:
    lines = [line for line in str(cell.get("source", "")).splitlines() if line.strip()]
    text = "\n".join(lines[:max_lines])
    return text + ("\n..." if len(lines) > max_lines else "")


def _failing_line(traceback: str) -> str | None:
    """From an IPython traceback, the last ``Cell In[n], line k`` and its ``---->`` line."""
    lines = _ANSI.sub("", traceback).splitlines()
    where = [i for i, line in enumerate(lines) if line.lstrip().startswith("Cell In[")]
    if not where:
        return None
    i = where[-1]
    arrow = next((line.strip() for line in lines[i + 1 :] if line.lstrip().startswith("---->")), "")
    head = lines[i].strip().rstrip(":")
    return f"{head}: {arrow}" if arrow else head


def describe_failure(
    lecture: str, source: str | Path, cell_index: int | None, nb: Any, exc: BaseException
) -> str:
    """A few lines naming the notebook, the cell and the error."""
    cells = nb.cells
    if cell_index is None:
        where = "before the first cell ran (kernel start-up)"
        cell = None
    else:
        cell = cells[cell_index]
        code = [i for i, c in enumerate(cells) if c.cell_type == "code"]
        where = f"cell {cell_index + 1} of {len(cells)}"
        if cell_index in code:
            where += f" (code cell {code.index(cell_index) + 1} of {len(code)})"
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None)
    if evalue is None:
        evalue = _ANSI.sub("", str(exc)).strip().splitlines()[-1:] or [""]
        evalue = evalue[0]
    lines = [f"{lecture} ({source}) failed at {where}:"]
    if cell is not None and cell.get("source"):
        lines += ["    " + line for line in _cell_text(cell).splitlines()]
    line = _failing_line(str(getattr(exc, "traceback", "") or ""))
    if line:
        lines.append(f"  {line}")
    lines.append(f"  {ename}: {evalue}".rstrip())
    return "\n".join(lines)


def _device_line(nb: Any) -> str | None:
    """The device phrase of the ``dlies | lecture | TensorFlow ... | device | mode`` line."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") != "stream":
                continue
            for line in str(output.get("text", "")).splitlines():
                if line.startswith("dlies | "):
                    parts = [p.strip() for p in line.split("|")]
                    if len(parts) <= 3:
                        return None
                    return "CPU (no GPU found)" if parts[3].startswith("no GPU") else parts[3]
    return None


def _reset(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


_exporter: Any = None


def _export_html(nb: Any, target: Path) -> None:
    global _exporter
    if _exporter is None:  # building the exporter loads its templates: do it once
        from nbconvert import HTMLExporter

        _exporter = HTMLExporter(template_name="lab")
    body, _ = _exporter.from_notebook_node(nb)
    course.atomic_write_text(target, body)


def _display_path(path: Path) -> str:
    """``path`` relative to the project root when inside it, else absolute."""
    path = Path(path).resolve()
    try:
        return path.relative_to(course.project_root()).as_posix()
    except ValueError:
        return str(path)


def execute_notebook(
    source: Path,
    out: Path,
    *,
    quick: bool,
    offline: bool = False,
    timeout: float | None = None,
    startup_timeout: float = 120.0,
    progress: bool = True,
) -> NotebookRun:
    """Execute one notebook into the build folder; see the module docstring for the layout.

    Parameters
    ----------
    source : pathlib.Path
        The notebook; only read.
    out : pathlib.Path
        The build folder.
    quick : bool
        Quick mode (``DLIES_QUICK=1``) or full mode (``DLIES_QUICK=0``).
    offline : bool, default False
        Set ``DLIES_OFFLINE=1`` for the kernel.
    timeout : float, optional
        Seconds one cell may run; ``None`` for no limit.
    startup_timeout : float, default 120
        Seconds the kernel may take to start.
    progress : bool, default True
        Show a bar over the notebook's code cells.

    Returns
    -------
    NotebookRun
        Status ``"ok"`` or ``"failed"``; a ``KeyboardInterrupt`` is re-raised after the
        partial copy is written, with the run attached as ``exc.dlies_run``.
    """
    import nbformat
    from nbclient import NotebookClient
    from tqdm.auto import tqdm

    source = Path(source)
    out = Path(out).resolve()
    lecture = source.stem
    try:
        nb = nbformat.reads(source.read_text(encoding="utf-8"), as_version=4)
    except Exception as exc:  # noqa: BLE001 - unreadable JSON, bad encoding, unknown format
        return NotebookRun(
            lecture=lecture,
            source=_display_path(source),
            status="failed",
            seconds=0.0,
            mode="quick" if quick else "full",
            finished=datetime.now().astimezone().isoformat(timespec="seconds"),
            error=f"{lecture} ({_display_path(source)}) is not a readable notebook: "
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
        )

    executed = out / "notebooks" / source.name
    html_path = out / "html" / f"{lecture}.html"
    log_path = out / "logs" / f"{lecture}.log"
    workdir = out / "work" / lecture
    figures = out / "figures" / lecture
    # Nothing from an earlier run of this lecture may leak into this one.
    for stale in (out / "results" / f"{lecture}.json", figures, workdir, executed, html_path):
        _reset(stale)
    workdir.mkdir(parents=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)

    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    state: dict[str, Any] = {"cell": None, "interrupts": 0}
    bar = tqdm(
        total=len(code_cells),
        desc=lecture,
        unit="cell",
        leave=False,
        disable=not progress,
        position=1,
        file=sys.stderr,
    )

    def on_cell_start(cell: Any, cell_index: int) -> None:
        state["cell"] = cell_index
        if cell_index in code_cells:
            k = code_cells.index(cell_index) + 1
            bar.set_description(f"{lecture} cell {k}/{len(code_cells)}")

    def on_cell_complete(cell: Any, cell_index: int) -> None:
        if cell_index in code_cells:
            bar.update(1)

    def on_notebook_start(notebook: Any) -> None:
        # nbclient answers Ctrl-C by killing the kernel, which would read as "the kernel
        # died". Interrupt the kernel instead (a second Ctrl-C shuts it down) and remember
        # that the user asked to stop, so the whole run stops.
        try:
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGINT, on_sigint)
        except (RuntimeError, NotImplementedError):  # not the main thread, or Windows
            pass

    def on_sigint() -> None:
        state["interrupts"] += 1
        km = client.km
        if km is None:
            return
        action = km.interrupt_kernel() if state["interrupts"] == 1 else km.shutdown_kernel(now=True)
        if inspect.isawaitable(action):
            asyncio.ensure_future(action)

    client = NotebookClient(
        nb,
        km=_current_env_kernel_manager(),
        timeout=timeout,
        startup_timeout=int(startup_timeout),
        resources={"metadata": {"path": str(workdir)}},
        record_timing=True,
        on_notebook_start=on_notebook_start,
        on_cell_start=on_cell_start,
        on_cell_complete=on_cell_complete,
    )
    env = kernel_environment(out, quick=quick, offline=offline)
    status, error, failed_cell, interrupt = "ok", None, None, None
    start = time.perf_counter()
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            client.execute(env=env, cwd=str(workdir), stdout=log, stderr=subprocess.STDOUT)
        except KeyboardInterrupt as exc:
            status, interrupt = "interrupted", exc
            failed_cell = state["cell"]
            error = f"{lecture} ({_display_path(source)}) interrupted (Ctrl-C)"
        except Exception as exc:  # noqa: BLE001 - any failure is reported, never hidden
            status = "failed"
            failed_cell = state["cell"]
            error = describe_failure(lecture, _display_path(source), failed_cell, nb, exc)
        finally:
            bar.close()
    if state["interrupts"] and interrupt is None:
        status, interrupt = "interrupted", KeyboardInterrupt()
        error = f"{lecture} ({_display_path(source)}) interrupted (Ctrl-C)"
    seconds = time.perf_counter() - start

    # Keep the (possibly partial) executed copy and its HTML export.
    course.atomic_write_text(executed, nbformat.writes(nb))
    html_rel: str | None = html_path.relative_to(out).as_posix()
    try:
        _export_html(nb, html_path)
    except Exception as exc:  # noqa: BLE001
        html_rel = None
        note = f"HTML export of {lecture} failed: {type(exc).__name__}: {exc}"
        error = f"{error}\n  {note}" if error else note
        status = "failed" if status == "ok" else status

    run = NotebookRun(
        lecture=lecture,
        source=_display_path(source),
        status=status,
        seconds=round(seconds, 2),
        mode="quick" if quick else "full",
        finished=datetime.now().astimezone().isoformat(timespec="seconds"),
        executed=executed.relative_to(out).as_posix(),
        html=html_rel,
        log=log_path.relative_to(out).as_posix(),
        figures=list_figures(out, lecture),
        failed_cell=None if failed_cell is None or status == "ok" else failed_cell + 1,
        error=error,
        device=_device_line(nb),
    )
    if interrupt is not None:
        interrupt.dlies_run = run  # type: ignore[attr-defined]
        raise interrupt
    return run


def list_figures(out: Path, lecture: str) -> list[str]:
    """Figure files under ``<out>/figures/<lecture>/``, relative to ``out``, sorted."""
    folder = Path(out) / "figures" / lecture
    if not folder.is_dir():
        return []
    return [
        p.relative_to(out).as_posix()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix.lower() in _FIGURE_SUFFIXES and not p.name.startswith(".")
    ]


# --------------------------------------------------------------------------- gathering


def load_runs(out: Path) -> list[dict[str, Any]]:
    """The records of ``<out>/runs.json`` (empty when absent)."""
    return course.read_json_list(Path(out) / "runs.json", "runs file")


def save_runs(out: Path, runs: list[NotebookRun]) -> list[dict[str, Any]]:
    """Merge this run's notebooks into ``<out>/runs.json`` (by lecture) and return all."""
    merged = {r["lecture"]: r for r in load_runs(out) if isinstance(r, dict) and "lecture" in r}
    for run in runs:
        merged[run.lecture] = asdict(run)
    for lecture, record in merged.items():  # figures may have changed since
        record["figures"] = list_figures(out, lecture)
    ordered = [merged[k] for k in sorted(merged)]
    course.atomic_write_text(Path(out) / "runs.json", json.dumps(ordered, indent=2) + "\n")
    return ordered


def gather_results(out: Path) -> list[dict[str, Any]]:
    """Collect ``<out>/results/*.json`` into ``<out>/results.json`` and ``<out>/results.md``.

    Returns
    -------
    list of dict
        Each with the keys ``lecture``, ``metric``, ``value``, ``reference``, ``source``,
        ``threshold``, ``passed`` and ``mode``.
    """
    out = Path(out)
    entries = [{k: e.get(k) for k in RESULT_KEYS} for e in report.collect(out / "results")]
    course.atomic_write_text(out / "results.json", json.dumps(entries, indent=2) + "\n")
    course.atomic_write_text(out / "results.md", results_markdown(entries))
    return entries


def machine_description() -> str:
    """One line naming this machine: OS, CPU model and count, NVIDIA GPUs if any."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    text = f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} logical CPUs"
    smi = shutil.which("nvidia-smi")
    if smi:
        try:
            gpus = subprocess.run(
                [smi, "-L"], capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            gpus = ""
        if gpus:
            text += "; " + "; ".join(gpus.splitlines())
    return text


def results_markdown(entries: list[dict[str, Any]]) -> str:
    """``results.md``: a heading naming the machine and date, then the table."""
    modes = sorted({str(e.get("mode")) for e in entries}) or ["none"]
    judged = [e for e in entries if e.get("passed") is not None]
    met = sum(1 for e in judged if e["passed"])
    head = [
        "# dlies results",
        "",
        f"Generated by `dlies run` on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; "
        f"machine: {machine_description()}; mode: {', '.join(modes)}.",
        "",
        f"{len(entries)} number(s) recorded; {met} of {len(judged)} with a threshold meet it.",
        "",
    ]
    if "quick" in modes:
        head += [
            "Quick-mode numbers come from shrunken runs (fewer samples and epochs); the "
            "thresholds are meant for full mode (`dlies run` without `--quick`).",
            "",
        ]
    head.append("")
    return "\n".join(head) + report.to_markdown(entries)


def write_index(out: Path, runs: list[dict[str, Any]], entries: list[dict[str, Any]]) -> Path:
    """Write ``<out>/index.html`` linking each executed lecture, its figures and timings."""
    out = Path(out)
    e = html.escape

    def link(target: str | None, text: str) -> str:
        return f'<a href="{e(target)}">{e(text)}</a>' if target else e(text)

    rows = []
    for r in runs:
        status = r.get("status", "?")
        cls = "ok" if status == "ok" else "bad"
        cell = f" at cell {r['failed_cell']}" if r.get("failed_cell") else ""
        rows.append(
            "<tr>"
            f"<td>{link(r.get('html'), r['lecture'])}</td>"
            f'<td class="{cls}">{e(status + cell)}</td>'
            f"<td>{e(str(r.get('mode', '')))}</td>"
            f'<td class="num">{float(r.get("seconds", 0.0)):.1f} s</td>'
            f"<td>{len(r.get('figures', []))}</td>"
            f"<td>{link(r.get('executed'), 'ipynb')} · {link(r.get('log'), 'log')}</td>"
            f"<td>{e(str(r.get('device') or ''))}</td>"
            f"<td>{e(str(r.get('finished', '')))}</td>"
            "</tr>"
        )
    total = sum(float(r.get("seconds", 0.0)) for r in runs)

    sections = []
    for r in runs:
        parts = [f'<h2 id="{e(r["lecture"])}">{link(r.get("html"), r["lecture"])}</h2>']
        if r.get("error"):
            parts.append(f'<pre class="bad">{e(r["error"])}</pre>')
        figs = r.get("figures", [])
        if not figs:
            parts.append("<p>No figures saved.</p>")
        for fig in figs:
            name = Path(fig).name
            if Path(fig).suffix.lower() in {".png", ".jpg", ".jpeg", ".svg"}:
                parts.append(
                    f'<figure><a href="{e(fig)}"><img src="{e(fig)}" alt="{e(name)}"></a>'
                    f"<figcaption>{e(name)}</figcaption></figure>"
                )
            else:
                parts.append(f"<p>{link(fig, name)}</p>")
        sections.append("\n".join(parts))

    def fmt(x: Any) -> str:
        if x is None:
            return ""
        if isinstance(x, bool):
            return "yes" if x else "NO"
        if isinstance(x, float):
            return report.format_number(x)
        return str(x)

    result_rows = "\n".join(
        "<tr>" + "".join(f"<td>{e(fmt(en.get(k)))}</td>" for k in RESULT_KEYS) + "</tr>"
        for en in entries
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>dlies build</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 80em; }}
table {{ border-collapse: collapse; margin-bottom: 1.5em; }}
td, th {{ border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; }}
td.num {{ text-align: right; }}
.ok {{ color: #176317; }} .bad {{ color: #a00; }}
figure {{ display: inline-block; margin: 0.5em; vertical-align: top; }}
img {{ max-width: 22em; max-height: 16em; border: 1px solid #ddd; }}
pre {{ white-space: pre-wrap; }}
</style></head><body>
<h1>dlies build</h1>
<p>Machine: {e(machine_description())}. Page written {e(datetime.now().astimezone().isoformat(timespec="seconds"))}.</p>
<h2>Lectures</h2>
<table>
<tr><th>lecture</th><th>status</th><th>mode</th><th>wall time</th><th>figures</th><th>files</th><th>device</th><th>finished</th></tr>
{chr(10).join(rows)}
<tr><th>total</th><td></td><td></td><td class="num">{total:.1f} s</td><td></td><td></td><td></td><td></td></tr>
</table>
<h2>Results</h2>
<p>{link("results.md", "results.md")} · {link("results.json", "results.json")}</p>
<table>
<tr>{"".join(f"<th>{k}</th>" for k in RESULT_KEYS)}</tr>
{result_rows}
</table>
{chr(10).join(sections)}
</body></html>
"""
    target = out / "index.html"
    course.atomic_write_text(target, page)
    return target
