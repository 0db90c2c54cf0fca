"""dlies.build.checks: options, notebook names and the output folder, checked before any write."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from dlies.build import checks
from dlies.build.checks import RunError


def _notebooks(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), folder / name)
    return [folder / n for n in names]


@pytest.mark.parametrize(("text", "seconds"), [("0", None), ("3600", 3600), ("12.0", 12)])
def test_timeout_accepts_whole_seconds(text, seconds):
    assert checks.timeout_seconds(text) == seconds


@pytest.mark.parametrize("text", ["-1", "1.5", "nan", "inf", "-inf", "abc", "", "1e12"])
def test_timeout_refuses_what_nbclient_cannot_use(text):
    with pytest.raises(ValueError, match="--timeout must be a whole number of seconds"):
        checks.timeout_seconds(text)


def test_find_notebooks_by_name_prefix_path_and_folder(tmp_path):
    _notebooks(tmp_path, "00_fails.ipynb", "01_passes.ipynb")
    names = lambda ps: [p.name for p in ps]  # noqa: E731
    assert names(checks.find_notebooks([], tmp_path)) == ["00_fails.ipynb", "01_passes.ipynb"]
    assert names(checks.find_notebooks(["01"], tmp_path)) == ["01_passes.ipynb"]
    both = checks.find_notebooks(["01_passes.ipynb", "00_fails", str(tmp_path)], tmp_path)
    assert names(both) == ["00_fails.ipynb", "01_passes.ipynb"]
    assert all(p.is_absolute() for p in both)
    with pytest.raises(RunError, match="'0' is ambiguous"):
        checks.find_notebooks(["0"], tmp_path)
    with pytest.raises(RunError, match="'07' matches no notebook.*01_passes"):
        checks.find_notebooks(["07"], tmp_path)
    with pytest.raises(RunError, match="'sub/01' matches no notebook"):
        checks.find_notebooks(["sub/01"], tmp_path)
    with pytest.raises(RunError, match="no notebooks"):
        checks.find_notebooks([], tmp_path / "empty")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(RunError, match="not an .ipynb file"):
        checks.find_notebooks([str(tmp_path / "notes.txt")], tmp_path)
    with pytest.raises(RunError, match="is a file, expected a folder"):
        checks.find_notebooks([], tmp_path / "notes.txt")


@pytest.mark.parametrize("name", ["..ipynb", "...ipynb", "a b.ipynb", "-x.ipynb", ".hidden.ipynb"])
def test_find_notebooks_refuses_unsafe_lecture_names(tmp_path, name):
    (path,) = _notebooks(tmp_path / "lectures", name)
    for args in ([str(path)], [str(path.parent)]):
        with pytest.raises(RunError, match="lecture name .* rename the notebook"):
            checks.find_notebooks(args, tmp_path)


def test_find_notebooks_refuses_two_notebooks_with_one_lecture_name(tmp_path):
    a = _notebooks(tmp_path / "a", "03_x.ipynb")[0]
    b = _notebooks(tmp_path / "b", "03_x.ipynb")[0]
    with pytest.raises(RunError, match="two notebooks share the lecture name '03_x'"):
        checks.find_notebooks([str(a), str(b)], tmp_path)


def test_check_output_folder(tmp_path):
    sources = _notebooks(tmp_path / "notebooks", "03_x.ipynb")
    sources = [p.resolve() for p in sources]
    assert checks.check_output_folder(tmp_path / "build", sources) == (tmp_path / "build").resolve()
    (tmp_path / "file").write_text("x")
    for out in (tmp_path / "file", tmp_path / "file" / "sub"):
        with pytest.raises(RunError, match="is a file, expected a folder"):
            checks.check_output_folder(out, sources)
    for out in (tmp_path / "notebooks", tmp_path / "notebooks" / "build"):
        with pytest.raises(RunError, match="lies inside .* which holds the source notebook"):
            checks.check_output_folder(out, sources)
    with pytest.raises(RunError, match="contains the source notebook"):
        checks.check_output_folder(tmp_path, sources)
    (tmp_path / "build" / "html").parent.mkdir()
    (tmp_path / "build" / "html").write_text("x")
    with pytest.raises(RunError, match="html is a file, expected a folder"):
        checks.check_output_folder(tmp_path / "build", sources)


def test_check_writable_creates_the_folder_and_reports_failure(tmp_path, monkeypatch):
    checks.check_writable(tmp_path / "new")
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == [".dlies"]

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", kwargs.get("dir"))

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    with pytest.raises(RunError, match="is not writable: .*Permission denied"):
        checks.check_writable(tmp_path / "new")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_check_writable_refuses_a_read_only_folder(tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(RunError, match="is not writable"):
            checks.check_writable(out)
    finally:
        out.chmod(0o755)
