"""Every notebook is numbered, stripped, starts with dlies.course.setup, has no absolute paths."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
ABSOLUTE = re.compile(r"""["'](/(home|Users|work|tmp|root|mnt|data)/|[A-Za-z]:\\\\)""")


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


def test_numbers_are_unique_and_start_at_00():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert len(set(numbers)) == len(numbers), [p.name for p in NOTEBOOKS]
    assert numbers[0] == 0, "the course starts with 00_getting_started"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_hygiene(path: Path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), "name must be NN_topic.ipynb"
    nb = json.loads(path.read_text())
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code, "a lecture has code"
    for c in code:
        assert not c.get("outputs"), "outputs must be stripped"
        assert c.get("execution_count") is None, "execution counts must be stripped"
    first = "".join(code[0]["source"])
    stem = path.stem
    assert "import dlies" in first
    assert re.search(rf"dlies\.course\.setup\(\s*notebook=\"{stem}\"", first), (
        f'first code cell must call dlies.course.setup(notebook="{stem}", ...)'
    )
    for c in cells:
        src = "".join(c["source"])
        assert not ABSOLUTE.search(src), f"absolute path in a cell: {src[:80]!r}"


def _shows_its_return_value(source: str) -> bool:
    """Whether a cell ends in a bare ``record(...)``/``savefig(...)`` call, whose return value
    (a dict, a list of paths) Jupyter would print under the cell."""
    try:
        body = ast.parse(source).body
    except SyntaxError:  # cell magics
        return False
    if not body or not isinstance(body[-1], ast.Expr) or not isinstance(body[-1].value, ast.Call):
        return False
    func = body[-1].value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in {"record", "rec", "savefig"} and not source.rstrip().endswith(";")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_record_and_savefig_print_nothing(path: Path):
    cells = json.loads(path.read_text())["cells"]
    loud = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and _shows_its_return_value("".join(c["source"]))
    ]
    assert not loud, f"cells {loud} end in a record/savefig call: end them with ';'"
