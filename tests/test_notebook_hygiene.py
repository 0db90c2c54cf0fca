"""Every notebook is numbered, stripped, starts with dlies.course.setup, has no absolute paths,
and states its conclusions as claims its own run decides.

The rule for prose: every sentence in a lecture's markdown that states a number, a comparison,
a ranking or a trend about *this run's* results either quotes a value printed by the cell right
above it, or is a ``dlies.course.claim(statement, holds, evidence=...)`` in a code cell before
it, with ``holds`` computed from the run (never a literal). Summaries and conclusions are claims.
Comparisons between models use paired evidence (McNemar or a paired bootstrap on the same test
items) and at least three training seeds where training noise could decide the order; the
statement goes no further than its intervals allow. The checks below enforce what a parser
can: claims computed from the run, with evidence, and enough of them per lecture.
"""

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


def _claim_calls(source: str) -> list[ast.Call]:
    try:
        tree = ast.parse(source)
    except SyntaxError:  # cell magics
        return []
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    return [
        c
        for c in calls
        if (c.func.attr if isinstance(c.func, ast.Attribute) else getattr(c.func, "id", ""))
        == "claim"
    ]


def _claim_problem(call: ast.Call) -> str | None:
    """Why a claim call breaks the rule: ``holds`` not computed from the run, or no evidence."""
    holds = call.args[1] if len(call.args) > 1 else None
    holds = holds or next((k.value for k in call.keywords if k.arg == "holds"), None)
    if holds is None:
        return "no holds argument"
    computed = (ast.Name, ast.Attribute, ast.Call, ast.Subscript)
    if not any(isinstance(n, computed) for n in ast.walk(holds)):
        return f"holds is a constant ({ast.unparse(holds)}), not computed from the run"
    if not any(k.arg in ("evidence", None) for k in call.keywords):
        return "no evidence"
    return None


def test_the_claim_rule_catches_literals():
    assert _claim_problem(_claim_calls("claim('x', True, evidence=e)")[0])
    assert _claim_problem(_claim_calls("claim('x', 1 > 0, evidence=e)")[0])
    assert _claim_problem(_claim_calls("dlies.course.claim('x', holds=False, evidence=e)")[0])
    assert _claim_problem(_claim_calls("claim('x', gap.low > 0)")[0]) == "no evidence"
    assert _claim_problem(_claim_calls("claim('x', gap.low > 0, evidence=gap)")[0]) is None
    assert _claim_problem(_claim_calls("claim('x', bool(d < 0), evidence={'d': d})")[0]) is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_claims_are_computed_from_the_run(path: Path):
    cells = json.loads(path.read_text())["cells"]
    problems = [
        (i, ast.unparse(call)[:80], why)
        for i, c in enumerate(cells)
        if c["cell_type"] == "code"
        for call in _claim_calls("".join(c["source"]))
        if (why := _claim_problem(call))
    ]
    assert not problems, problems


#: Lectures whose conclusions about their run are all claims, at least three of them: every
#: lecture from 02 on (00 and 01 introduce the tools and draw no conclusion from a run).
CLAIMED_LECTURES = {f"{n:02d}" for n in range(2, 20)}
CLAIMED = [p for p in NOTEBOOKS if p.name[:2] in CLAIMED_LECTURES]


@pytest.mark.parametrize("path", CLAIMED, ids=lambda p: p.name)
def test_lectures_state_their_conclusions_as_claims(path: Path):
    cells = json.loads(path.read_text())["cells"]
    calls = [
        c
        for cell in cells
        if cell["cell_type"] == "code"
        for c in _claim_calls("".join(cell["source"]))
    ]
    assert len(calls) >= 3, f"{path.name}: {len(calls)} claim(s); at least 3 back its conclusions"
