"""Every lecture's Exercises section: stubs tagged ``exercise``, each followed by a worked
solution tagged ``solution`` (input hidden) that checks the same exercise with strict=True.

Lectures not converted yet are listed in PENDING; each of them must still end with its old
*Try it yourself* section, so the list can only shrink by converting a lecture.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import dlies
from dlies import exercises

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
#: Lectures whose Exercises section is still to be written (their prompts: "Try it yourself").
PENDING: set[str] = set()  # lectures whose Exercises section is still to be written
CONVERTED = [p for p in NOTEBOOKS if str(int(p.name[:2])) not in PENDING]


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _checks(source):
    """(exercise id, strict) of every dlies.exercises.check call in a cell."""
    calls = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "check"
            and ast.unparse(node.func.value) == "dlies.exercises"
        ):
            strict = any(
                k.arg == "strict" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords
            )
            calls.append((node.args[0].value, strict))
    return calls


def test_pending_lectures_still_have_their_prompts():
    assert {p.name[:2] for p in NOTEBOOKS} >= {f"{int(n):02d}" for n in PENDING}
    for path in NOTEBOOKS:
        text = "\n".join("".join(c["source"]) for c in _cells(path))
        if str(int(path.name[:2])) in PENDING:
            assert "Try it yourself" in text, f"{path.name} is converted: remove it from PENDING"
            assert not [c for c in _cells(path) if "exercise" in _tags(c)], path.name


@pytest.mark.parametrize("path", CONVERTED, ids=lambda p: p.name)
def test_exercises_are_stub_then_hidden_strict_solution(path):
    cells, lecture = _cells(path), path.name[:2]
    text = "\n".join("".join(c["source"]) for c in cells)
    assert "Try it yourself" not in text, "the prompts became exercises"
    assert re.search(r"^## Exercises$", text, re.M), "an Exercises section"
    stubs = [i for i, c in enumerate(cells) if "exercise" in _tags(c)]
    assert len(stubs) >= (1 if lecture == "00" else 3), f"{len(stubs)} exercises"
    ids = []
    for i in stubs:
        stub, solution = cells[i], cells[i + 1]
        assert stub["cell_type"] == "code" and "None" in "".join(stub["source"])
        [(exercise_id, strict)] = _checks("".join(stub["source"]))
        assert exercise_id.startswith(f"{lecture}.") and not strict, exercise_id
        assert cells[i - 1]["cell_type"] == "markdown", f"{exercise_id}: a task before the stub"
        task = "".join(cells[i - 1]["source"])
        assert f"Exercise {exercise_id}" in task and "*Produce*" in task and "*Hint*" in task
        assert solution["cell_type"] == "code" and "solution" in _tags(solution), exercise_id
        assert solution["metadata"].get("jupyter", {}).get("source_hidden") is True, exercise_id
        assert (exercise_id, True) in _checks("".join(solution["source"])), exercise_id
        ids.append(exercise_id)
    assert len(set(ids)) == len(ids) and set(ids) <= set(exercises.registered()), ids
    for i, cell in enumerate(cells):  # discussions of a solution travel with it
        if cell["cell_type"] == "markdown" and "solution" in _tags(cell):
            assert "solution" in _tags(cells[i - 1]), f"cell {i}: a discussion after a solution"


def test_every_checker_is_used_by_its_lecture():
    used = set()
    for path in CONVERTED:
        for cell in _cells(path):
            if "exercise" in _tags(cell):
                used |= {i for i, _ in _checks("".join(cell["source"]))}
    assert set(exercises.registered()) == used


def test_a_wrong_worked_solution_fails():
    """The worked solution of 00.2, with its unit conversion removed, raises under strict."""
    [path] = [p for p in NOTEBOOKS if p.name.startswith("00_")]
    [source] = [
        "".join(c["source"])
        for c in _cells(path)
        if c["cell_type"] == "code" and ("00.2", True) in _checks("".join(c["source"]))
    ]
    from dlies.physics.rayleigh import RA_CR_MIN, rayleigh_number

    namespace = {"dlies": dlies, "RA_CR_MIN": RA_CR_MIN, "rayleigh_number": rayleigh_number}
    exec(compile(source, "00.2 solution", "exec"), dict(namespace))  # right: no error
    assert "/ 1e3" in source
    wrong = source.replace("/ 1e3", "")  # the thickness left in metres
    with pytest.raises(exercises.ExerciseFailed, match="Exercise 00.2: .*metres"):
        exec(compile(wrong, "00.2 solution, in metres", "exec"), dict(namespace))
