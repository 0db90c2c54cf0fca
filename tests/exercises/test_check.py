"""dlies.exercises.check: one line of feedback, never the answer; strict for solutions."""

from __future__ import annotations

import numpy as np
import pytest

from dlies import exercises
from dlies.exercises import Verdict, close_to


@pytest.fixture
def slope(monkeypatch):
    """A registered exercise: the least-squares slope of y on x."""

    def checker(answer, *, x, y):
        return close_to(answer, np.polyfit(x, y, 1)[0], what="the slope", right="the LS slope")

    monkeypatch.setitem(exercises._REGISTRY, "99.1", exercises._Exercise("slope", checker))
    x = np.arange(10.0)
    return {"x": x, "y": 3 * x + 1}


def test_right_answer(slope, capsys):
    assert exercises.check("99.1", 3.0, **slope) is True
    assert capsys.readouterr().out == "✔ Exercise 99.1: the LS slope\n"


def test_not_attempted_is_said_and_never_raises_for_a_student(slope, capsys):
    assert exercises.check("99.1", None, **slope) is False
    assert capsys.readouterr().out.startswith("… Exercise 99.1: not attempted yet")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (-3.0, "the slope has the wrong sign"),
        (6.0, "the slope is twice the expected value"),
        (1.5, "the slope is half the expected value"),
        ([3.0, 1.0], "the slope has shape (2,), expected ()"),
        ("three", "the answer could not be checked: the slope should be numbers, got str"),
        (np.nan, "the slope holds NaN or infinite values"),
    ],
)
def test_wrong_answers_say_what_is_wrong_without_the_answer(slope, capsys, answer, message):
    assert exercises.check("99.1", answer, **slope) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✘ Exercise 99.1: {message}") and "3.0" not in out


def test_strict_raises_on_anything_but_right(slope):
    assert exercises.check("99.1", 3.0, strict=True, **slope)
    for answer in (None, -3.0):
        with pytest.raises(exercises.ExerciseFailed, match="Exercise 99.1"):
            exercises.check("99.1", answer, strict=True, **slope)
    with pytest.raises(TypeError, match="strict"):
        exercises.check("99.1", 3.0, strict="yes", **slope)


def test_unknown_exercise_and_bad_ids():
    with pytest.raises(KeyError, match="no exercise '98.7'"):
        exercises.check("98.7", 1.0)
    with pytest.raises(ValueError, match="exercise_id must be an exercise id 'NN.k'"):
        exercises.exercise("9.1", "bad id")


def test_close_to_recognises_transposition_and_off_by_one():
    ref = np.arange(6.0).reshape(2, 3) + 1
    assert "transposed" in close_to(ref.T, ref).message
    series = np.sin(np.linspace(0, 3, 50))
    assert "shifted by one element" in close_to(np.roll(series, 1), series).message
    assert close_to(series * 1.1, series).message.startswith("the answer is off")
    assert close_to(series, series) == Verdict(True, "correct")


def test_close_to_names_the_lectures_own_mistakes_first():
    ref, test_set = np.arange(1.0, 6.0), np.arange(2.0, 9.0)  # another length: another set
    mistakes = [(test_set, "this uses the test set"), (ref * np.log(10), "natural logarithm")]
    assert close_to(test_set, ref, mistakes=mistakes).message == "this uses the test set"
    assert close_to(ref * np.log(10), ref, mistakes=mistakes).message == "natural logarithm"
    assert close_to(ref, ref, mistakes=[(ref, "a mistake that coincides")]).ok  # right wins
    assert "shape (3,)" in close_to(ref[:3], ref, mistakes=mistakes).message
