"""dlies exercises OUT: student copies with no solution left, only where it may write."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from dlies import cli
from dlies.exercises.handout import LEDGER, write_student_copies

SOLUTION = "answer = np.polyfit(x, y, 1)[0]  # the worked solution"


def _lecture(folder):
    folder.mkdir()
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 99 · A lecture"),
            new_markdown_cell("### Exercise 99.1\nFit the slope."),
            new_code_cell("answer = None  # your code\ndlies.exercises.check('99.1', answer)",
                          metadata={"tags": ["exercise"]}),
            new_code_cell(SOLUTION + "\ndlies.exercises.check('99.1', answer, strict=True)",
                          metadata={"tags": ["solution"], "jupyter": {"source_hidden": True}}),
            new_markdown_cell("The slope is 3: discussion.", metadata={"tags": ["solution"]}),
        ]
    )  # fmt: skip
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="… not attempted")]
    nbformat.write(nb, folder / "99_lecture.ipynb")
    return folder


def test_student_copies_hold_no_solution(tmp_path, capsys):
    source = _lecture(tmp_path / "lectures")
    out = tmp_path / "handout"
    assert cli.main(["exercises", str(out), "--notebooks-dir", str(source)]) == 0
    assert "1 student copies" in capsys.readouterr().out
    text = (out / "99_lecture.ipynb").read_text()
    assert "polyfit" not in text and "The slope is 3" not in text and "strict=True" not in text
    copy = nbformat.read(out / "99_lecture.ipynb", as_version=4)
    assert [c.metadata.get("tags") for c in copy.cells][2] == ["exercise"]
    assert copy.cells[2].outputs == [] and copy.metadata["dlies"] == {"student_copy": True}
    assert sorted(p.name for p in out.iterdir()) == [LEDGER, "99_lecture.ipynb"]
    again = write_student_copies(out, source)  # its own folder: written again
    assert [p.name for p in again] == ["99_lecture.ipynb"]


def test_refuses_a_folder_with_files_it_did_not_write(tmp_path, capsys):
    source = _lecture(tmp_path / "lectures")
    out = tmp_path / "handout"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert cli.main(["exercises", str(out), "--notebooks-dir", str(source)]) == 2
    assert "notes.txt" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    write_student_copies(tmp_path / "second", source)
    (tmp_path / "second" / "99_lecture.ipynb").write_text("edited by hand")
    with pytest.raises(FileExistsError, match="99_lecture.ipynb"):
        write_student_copies(tmp_path / "second", source)
    (tmp_path / "third").mkdir()
    (tmp_path / "third" / LEDGER).write_text(json.dumps({"files": []}))
    with pytest.raises(FileExistsError, match="not a ledger"):
        write_student_copies(tmp_path / "third", source)


def test_the_course_lectures_make_student_copies(tmp_path):
    written = write_student_copies(tmp_path / "out")
    assert len(written) == 20
    for path in written:
        cells = nbformat.read(path, as_version=4).cells
        assert not [c for c in cells if "solution" in c.metadata.get("tags", [])], path.name
