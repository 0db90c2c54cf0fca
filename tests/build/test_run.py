"""dlies.build.run on tiny notebooks written here, in real kernels (a few seconds each).

Two runs share a build folder: a first one over a failing and a passing notebook with
``continue_on_error``, then a re-run of the passing one after its source changed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from dlies import build, cli

PASSING, FAILING = "01_passes", "00_fails"


def _passing(figure: str) -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_markdown_cell("# A notebook that passes"),
            new_code_cell(
                "import os, sys\nimport dlies\nprint('EXE=' + sys.executable)\n"
                "print('QUICK=' + os.environ['DLIES_QUICK'])\n"
                "print('BUILD=' + os.environ['DLIES_BUILD'])"
            ),
            new_code_cell(
                "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\n"
                "ax.plot([0, 1], [1, 3])\nax.set_xlabel('x (m)')\nax.set_ylabel('y (m)')\n"
                f"dlies.course.savefig(fig, '{figure}', formats=('png', 'svg'),"
                f" lecture='{PASSING}')"
            ),
            new_code_cell(
                f"dlies.course.record('slope', 2.0, interval=(1.8, 2.2), interval_method='made up',"
                f" reference=2.1, source='made up', threshold=1.5, lecture='{PASSING}')\n"
                f"dlies.course.record('misfit', 0.5, threshold=0.1, higher_is_better=False, "
                f"lecture='{PASSING}')"
            ),
            new_code_cell(
                "slope = 2.0\n"
                "dlies.course.claim('the slope is within 0.2 of the reference', "
                f"abs(slope - 2.1) < 0.2, evidence={{'slope': slope}}, lecture='{PASSING}')"
            ),
        ]
    )


def _write_sources(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    failing = new_notebook(
        cells=[
            new_markdown_cell("# A notebook that fails"),
            new_code_cell("import os\nprint('QUICK=' + os.environ['DLIES_QUICK'])"),
            new_markdown_cell("The next cell raises."),
            new_code_cell("y = 2\nraise ValueError('boom in the known cell')"),
            new_code_cell("print('never reached')"),
        ]
    )
    nbformat.write(_passing("line"), folder / f"{PASSING}.ipynb")
    nbformat.write(failing, folder / f"{FAILING}.ipynb")


def _outputs_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "".join(
        str(o.get("text", "")) for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    sources, out = root / "lectures", root / "build"
    _write_sources(sources)
    before = _files(sources)
    first = build.run([str(sources)], out=out, quick=True, continue_on_error=True, progress=False)
    after_first = _files(out)
    nbformat.write(_passing("curve"), sources / f"{PASSING}.ipynb")  # the lecture changed
    second = build.run([PASSING], out=out, notebooks_dir=sources, progress=False)
    return {
        "first": first,
        "second": second,
        "out": out.resolve(),
        "sources": sources,
        "before": before,
        "after_first": after_first,
    }


def test_first_run_reports_the_failure_and_continues(runs):
    first = runs["first"]
    assert first.exit_code == 1 and first.not_run == [] and not first.interrupted
    done = {r.lecture: r for r in first.runs}
    assert done[PASSING].status == "ok" and done[PASSING].seconds > 0
    bad = done[FAILING]
    assert bad.status == "failed" and bad.failed_cell == 4
    assert "failed at cell 4 of 5 (code cell 2 of 3)" in bad.error
    assert "raise ValueError" in bad.error and "ValueError: boom in the known cell" in bad.error


def test_kernel_is_this_environment_in_the_asked_mode(runs):
    text = _outputs_text(runs["out"] / "notebooks" / f"{PASSING}.ipynb")
    assert (
        f"EXE={Path(sys.executable)}" in text or f"EXE={os.path.realpath(sys.executable)}" in text
    )
    assert "QUICK=0" in text and f"BUILD={runs['out']}" in text  # second run: full mode
    failing = _outputs_text(runs["out"] / "notebooks" / f"{FAILING}.ipynb")
    assert "QUICK=1" in failing  # first run: quick mode


def test_partial_copy_of_the_failing_notebook(runs):
    nb = nbformat.read(runs["out"] / "notebooks" / f"{FAILING}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [o.output_type for o in code[1].outputs] == ["error"]
    assert code[1].outputs[0].ename == "ValueError"
    assert code[2].outputs == [] and code[2].execution_count is None, "ran past the failure"


def test_re_run_replaces_its_own_outputs_and_keeps_the_others(runs):
    out, first_files = runs["out"], runs["after_first"]
    assert runs["second"].exit_code == 0
    figures = sorted(p.name for p in (out / "figures" / PASSING).iterdir())
    assert figures == ["curve.png", "curve.svg"], "the first run's figures survived"
    for rel in (f"notebooks/{FAILING}.ipynb", f"html/{FAILING}.html", f"logs/{FAILING}.log"):
        assert (out / rel).read_bytes() == first_files[rel]
    manifest = json.loads((out / ".dlies" / "manifest.json").read_text())
    assert f"figures/{PASSING}/curve.png" in manifest["lectures"][PASSING]["files"]
    assert f"figures/{PASSING}/line.png" not in manifest["lectures"][PASSING]["files"]
    assert f"notebooks/{FAILING}.ipynb" in manifest["lectures"][FAILING]["files"]


def test_results_tables_carry_intervals(runs):
    out = runs["out"]
    entries = json.loads((out / "results.json").read_text())
    mine = {e["metric"]: e for e in entries if e["lecture"] == PASSING and "metric" in e}
    assert set(mine) == {"slope", "misfit"}
    assert mine["slope"]["low"] == 1.8 and mine["slope"]["high"] == 2.2
    assert mine["slope"]["interval_method"] == "made up" and mine["slope"]["passed"] is True
    assert mine["misfit"]["passed"] is False and mine["misfit"]["low"] is None
    md = (out / "results.md").read_text()
    assert "| 01_passes | slope | 2 | [1.8, 2.2] | made up | 2.1 | made up | 1.5 | yes |" in md


def test_index_and_runs_record(runs):
    out = runs["out"]
    index = (out / "index.html").read_text()
    for target in (
        f"html/{PASSING}.html",
        f"html/{FAILING}.html",
        f"notebooks/{PASSING}.ipynb",
        f"figures/{PASSING}/curve.png",
        f"logs/{FAILING}.log",
        "results.md",
    ):
        assert f'href="{target}"' in index, target
    assert "line.png" not in index and "boom in the known cell" in index
    records = {r["lecture"]: r for r in json.loads((out / "runs.json").read_text())}
    assert records[PASSING]["status"] == "ok" and records[PASSING]["mode"] == "full"
    assert records[FAILING]["status"] == "failed" and records[FAILING]["mode"] == "quick"
    assert records[PASSING]["device"] and records[PASSING]["device"] in index
    assert f"{records[PASSING]['seconds']:.1f} s" in index


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.ids |= {attrs["id"]} if "id" in attrs else set()
        self.targets += [attrs[k] for k in ("href", "src") if k in attrs]


def test_index_shows_claims_and_every_link_resolves(runs):
    out = runs["out"]
    parser = _Links()
    parser.feed((out / "index.html").read_text())
    assert len(parser.targets) >= 8
    for target in parser.targets:
        if target.startswith("#"):
            assert target[1:] in parser.ids, target
        else:
            assert (out / target).is_file(), target
            assert (out / target).resolve().is_relative_to(out), target
    thumbs = [t for t in parser.targets if t.startswith(f"figures/{PASSING}/")]
    assert f"figures/{PASSING}/curve.png" in thumbs
    index = (out / "index.html").read_text()
    assert "✔ the slope is within 0.2 of the reference: slope = 2" in index
    assert index.count(runs["second"].runs[0].device) == 1, "the device line appears once"
    md = (out / "results.md").read_text()
    assert "## Claims" in md and "### 01_passes: 1 claim(s) hold, 0 fail" in md


def test_summary_counts_claims(runs, capsys):
    cli._print_summary(runs["second"])
    assert "; 1 claim(s) hold, 0 fail" in capsys.readouterr().out


def test_sources_are_only_read(runs):
    now = _files(runs["sources"])
    assert now[f"{FAILING}.ipynb"] == runs["before"][f"{FAILING}.ipynb"]
    assert sorted(now) == sorted(runs["before"])


def _by_hand(out: Path, monkeypatch, figure: str) -> None:
    """savefig and record as a notebook run by hand in JupyterLab does, into ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dlies import course

    monkeypatch.setenv("DLIES_BUILD", str(out))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [3, 1])
    course.savefig(fig, figure, lecture=PASSING)
    plt.close(fig)
    course.record("stale", 1.0, lecture=PASSING)


def test_figures_and_results_of_a_hand_run_are_replaced(tmp_path, monkeypatch):
    _write_sources(tmp_path / "lectures")
    out = tmp_path / "out"
    _by_hand(out, monkeypatch, "line")
    _by_hand(out, monkeypatch, "old")
    outcome = build.run(
        [PASSING], out=out, notebooks_dir=tmp_path / "lectures", quick=True, progress=False
    )
    assert outcome.exit_code == 0
    assert sorted(p.name for p in (out / "figures" / PASSING).iterdir()) == ["line.png", "line.svg"]
    recorded = json.loads((out / "results" / f"{PASSING}.json").read_text())
    assert [e.get("metric") for e in recorded] == ["slope", "misfit", None], (
        "the hand run's number stayed"
    )
    manifest = json.loads((out / ".dlies" / "manifest.json").read_text())
    assert f"figures/{PASSING}/line.png" in manifest["lectures"][PASSING]["files"]


def test_a_foreign_figure_of_the_same_name_still_stops_the_run(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _write_sources(tmp_path / "lectures")
    out = tmp_path / "out"
    (out / "figures" / PASSING).mkdir(parents=True)
    fig, ax = plt.subplots()
    fig.savefig(out / "figures" / PASSING / "line.png")  # a user's own, not savefig'd
    plt.close(fig)
    before = _files(out)
    with pytest.raises(build.RunError, match=f"did not write .*figures/{PASSING}/line.png"):
        build.run([PASSING], out=out, notebooks_dir=tmp_path / "lectures", progress=False)
    assert _files(out) == before


def test_stops_at_the_first_failure(tmp_path):
    _write_sources(tmp_path / "lectures")
    outcome = build.run(
        [], out=tmp_path / "out", notebooks_dir=tmp_path / "lectures", quick=True, progress=False
    )
    assert outcome.exit_code == 1
    assert [p.stem for p in outcome.not_run] == [PASSING]
    assert not (tmp_path / "out" / "notebooks" / f"{PASSING}.ipynb").exists()
    assert json.loads((tmp_path / "out" / "results.json").read_text()) == []


def test_unreadable_notebook_and_cell_timeout_are_failed_runs(tmp_path):
    (tmp_path / "nbs").mkdir()
    bad = tmp_path / "nbs" / "04_broken.ipynb"
    bad.write_text("{not json")
    slow = new_notebook(cells=[new_code_cell("import time\ntime.sleep(60)")])
    nbformat.write(slow, tmp_path / "nbs" / "05_slow.ipynb")
    outcome = build.run(
        [str(tmp_path / "nbs")],
        out=tmp_path / "out",
        timeout=2,
        continue_on_error=True,
        progress=False,
    )
    broken, timed_out = outcome.runs
    assert outcome.exit_code == 1 and "is not a readable notebook" in broken.error
    assert bad.read_text() == "{not json"
    assert timed_out.status == "failed" and timed_out.failed_cell == 1
    assert "CellTimeoutError" in timed_out.error and "timed out" in timed_out.error
    index = (tmp_path / "out" / "index.html").read_text()
    assert "04_broken" in index and "05_slow" in index


def test_ctrl_c_interrupts_the_kernel_and_keeps_the_partial_copy(tmp_path):
    (tmp_path / "nbs").mkdir()
    nb = new_notebook(
        cells=[
            new_code_cell("open('started', 'w').close()\nimport time\ntime.sleep(300)"),
            new_code_cell("print('never reached')"),
        ]
    )
    nbformat.write(nb, tmp_path / "nbs" / "09_slow.ipynb")
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "dlies.cli",
        "run",
        str(tmp_path / "nbs"),
        "--out",
        str(out),
        "--no-progress",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 180
        while not (out / "work" / "09_slow" / "started").exists():
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()[0]
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        text = proc.communicate(timeout=120)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, text
    record = json.loads((out / "runs.json").read_text())[0]
    assert record["status"] == "interrupted" and "interrupted (Ctrl-C)" in text
    nb = nbformat.read(out / "notebooks" / "09_slow.ipynb", as_version=4)
    assert nb.cells[1].execution_count is None
    manifest = json.loads((out / ".dlies" / "manifest.json").read_text())
    assert "notebooks/09_slow.ipynb" in manifest["lectures"]["09_slow"]["files"]


# --------------------------------------------------------------------------- ownership, recovery
def test_a_file_another_process_writes_during_the_run_is_never_the_runs_own(tmp_path):
    """While the first lecture runs, something else (here its own kernel, standing in for a
    JupyterLab kernel run by hand) writes TensorBoard-like logs into the second lecture's
    places; the second lecture's run must not claim them, so a re-run never deletes them."""
    (tmp_path / "nbs").mkdir()
    out = tmp_path / "out"
    other = out / "logs" / "02_second" / "events.by_hand"
    writer = new_notebook(
        cells=[
            new_code_cell(
                f"import pathlib\np = pathlib.Path({str(other)!r})\n"
                "p.parent.mkdir(parents=True)\np.write_text('my logs')"
            )
        ]
    )
    nbformat.write(writer, tmp_path / "nbs" / "01_first.ipynb")
    nbformat.write(
        new_notebook(cells=[new_code_cell("x = 1")]), tmp_path / "nbs" / "02_second.ipynb"
    )
    outcome = build.run([str(tmp_path / "nbs")], out=out, progress=False)
    assert outcome.exit_code == 0 and other.read_text() == "my logs"
    manifest = json.loads((out / ".dlies" / "manifest.json").read_text())
    assert "logs/02_second/events.by_hand" not in manifest["lectures"]["02_second"]["files"]
    with pytest.raises(build.RunError, match="did not write .*logs/02_second/events.by_hand"):
        build.run(["02_second"], out=out, notebooks_dir=tmp_path / "nbs", progress=False)
    assert other.read_text() == "my logs"


def test_after_dlies_run_is_killed_the_lecture_runs_again(tmp_path):
    (tmp_path / "nbs").mkdir()
    out = tmp_path / "out"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), tmp_path / "nbs" / "09_a.ipynb")
    # dlies run in a child process, its device probe answered beforehand (no TensorFlow),
    # killed (SIGKILL: none of its own clean-up runs) once the lecture's kernel log is open
    code = (
        "import os, sys\nfrom dlies import build\nfrom dlies.build.execute import DeviceProbe\n"
        "DeviceProbe.known[os.environ.get('CUDA_VISIBLE_DEVICES')] = 'CPU'\n"
        "build.run([sys.argv[1]], out=sys.argv[2], progress=False)"
    )
    cmd = [sys.executable, "-c", code, str(tmp_path / "nbs"), str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = out / "logs" / "09_a.log"
    try:
        deadline = time.monotonic() + 120
        while not (log.exists() and log.read_text().startswith("dlies run: kernel output")):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait()
    assert json.loads((out / ".dlies" / "manifest.json").read_text())["running"]
    again = build.run(["09_a"], out=out, notebooks_dir=tmp_path / "nbs", progress=False)
    assert again.exit_code == 0
    manifest = json.loads((out / ".dlies" / "manifest.json").read_text())
    assert manifest["running"] == {} and "logs/09_a.log" in manifest["lectures"]["09_a"]["files"]


def test_unusable_state_is_a_clear_error_not_a_traceback(tmp_path, capsys):
    (tmp_path / "nbs").mkdir()
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), tmp_path / "nbs" / "01_a.ipynb")
    nbs = ["--notebooks-dir", str(tmp_path / "nbs"), "--no-progress"]
    out = tmp_path / "out"
    (out / ".dlies" / "lock").mkdir(parents=True)
    assert cli.main(["run", "01_a", "--out", str(out), *nbs]) == 2
    assert "lock" in capsys.readouterr().err
    (out / ".dlies" / "lock").rmdir()
    (out / ".dlies" / "manifest.json").write_text('{"shared": {}, "lectures": {"01_a": []}}')
    assert cli.main(["run", "01_a", "--out", str(out), *nbs]) == 2
    assert "manifest.json is not a manifest dlies run wrote" in capsys.readouterr().err
    assert cli.main(["run", "a" * 5000, "--out", str(tmp_path / "o2"), *nbs]) == 2
    err = capsys.readouterr().err
    assert "notebook 'aaaa" in err and len(err) < 1000
    assert cli.main(["run", "01_a", "--out", "", *nbs]) == 2
    assert "--out is empty" in capsys.readouterr().err
