"""dlies.results: claims that the run decides, recorded beside the numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlies import course
from dlies.build import marks
from dlies.stats import Interval

GAP = Interval(0.013, 0.008, 0.022, "paired bootstrap 95 % over 5 events")


@pytest.fixture
def build(tmp_path, monkeypatch):
    monkeypatch.setenv("DLIES_BUILD", str(tmp_path / "build"))
    return tmp_path / "build"


def _lecture(monkeypatch, quick: bool, name: str = "08_x") -> None:
    monkeypatch.setenv("DLIES_QUICK", "1" if quick else "0")
    course.setup(notebook=name, seed=0, tensorflow=False, verbose=False)


def _rows(build, lecture="08_x"):
    return json.loads((build / "results" / f"{lecture}.json").read_text())


def test_a_claim_that_holds_prints_a_tick_and_is_recorded(build, monkeypatch, capsys):
    _lecture(monkeypatch, quick=False)
    assert course.claim("the network ranks above von Mises", GAP.low > 0, evidence=GAP) is None
    line = capsys.readouterr().out.strip()
    assert line == (
        "✔ the network ranks above von Mises: interval = 0.013 [0.008, 0.022] "
        "(paired bootstrap 95 % over 5 events)"
    )
    (row,) = _rows(build)
    assert row == {
        "lecture": "08_x",
        "kind": "claim",
        "statement": "the network ranks above von Mises",
        "holds": True,
        "evidence": {
            "interval": {"value": 0.013, "low": 0.008, "high": 0.022, "method": GAP.method}
        },
        "judged": True,
        "mode": "full",
    }
    assert marks.is_results_file(build / "results" / "08_x.json", "08_x")


def test_a_refuted_claim_fails_the_lecture_in_full_mode(build, monkeypatch, capsys):
    _lecture(monkeypatch, quick=False)
    with pytest.raises(course.ClaimRefuted, match="the run refutes the claim 'wider is worse'"):
        course.claim("wider is worse", 0.31 > 0.53, evidence={"narrow": 0.53, "wide": 0.31})
    assert issubclass(course.ClaimRefuted, AssertionError)
    assert capsys.readouterr().out.startswith("✘ wider is worse: narrow = 0.53; wide = 0.31")
    (row,) = _rows(build)  # recorded before raising, so the results show the failure
    assert row["holds"] is False and row["judged"] is True


def test_quick_mode_never_raises_and_says_not_judged(build, monkeypatch, capsys):
    _lecture(monkeypatch, quick=True)
    course.claim("wider is worse", np.bool_(False), evidence={"per seed": [0.5, 0.4, 0.45]})
    out = capsys.readouterr().out.strip()
    assert out == "✘ wider is worse: per seed = [0.5, 0.4, 0.45] (quick mode: not judged)"
    (row,) = _rows(build)
    assert row["judged"] is False and row["mode"] == "quick" and row["holds"] is False


def test_claims_and_numbers_share_the_file_and_replace_their_own_rows(build, monkeypatch):
    _lecture(monkeypatch, quick=False)
    course.record("AUC", 0.85)
    course.claim("AUC above 0.8", True is not False, evidence={"AUC": 0.85})
    course.claim("AUC above 0.8", 0.86 > 0.8, evidence={"AUC": 0.86})  # the cell run again
    course.record("AUC above 0.8", 0.9)  # a number may share a claim's text
    rows = _rows(build)
    assert [marks.entry_key(r) for r in rows] == [
        ("number", "AUC"),
        ("claim", "AUC above 0.8"),
        ("number", "AUC above 0.8"),
    ]
    assert rows[1]["evidence"] == {"AUC": 0.86}


@pytest.mark.parametrize("holds", [1, 0, "yes", None, np.array([True, False]), [True]])
def test_holds_must_be_a_bool(build, monkeypatch, holds):
    _lecture(monkeypatch, quick=False)
    with pytest.raises(TypeError, match="claim: holds must be a bool"):
        course.claim("x", holds, evidence={"a": 1.0})
    assert not (build / "results").exists()


@pytest.mark.parametrize(
    ("evidence", "match"),
    [
        ({}, "evidence must be"),
        (0.5, "evidence must be"),
        ({"a": float("nan")}, "evidence 'a' must be a finite number"),
        ({"a": []}, "evidence 'a' must hold 1 to 50 numbers"),
        ({"a": [1.0, "b"]}, "evidence 'a' must be a finite number"),
        ({"": 1.0}, "an evidence name"),
        ({3: 1.0}, "an evidence name"),
        ({"a": True}, "evidence 'a' must be a finite number"),
        ({"a": Interval(1.0, 0.0, float("inf"), "m")}, r"evidence 'a'.high"),
    ],
)
def test_bad_evidence_is_refused_naming_it(build, monkeypatch, evidence, match):
    _lecture(monkeypatch, quick=False)
    with pytest.raises(ValueError, match=match):
        course.claim("x", True is not False, evidence=evidence)


def test_evidence_is_required_and_statement_must_be_text(build, monkeypatch):
    _lecture(monkeypatch, quick=False)
    with pytest.raises(TypeError, match="evidence"):
        course.claim("x", True is not False)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="claim: statement must be a non-empty string"):
        course.claim("  ", True is not False, evidence={"a": 1.0})
    with pytest.raises(ValueError, match="claim: statement"):
        course.claim("x" * 501, True is not False, evidence={"a": 1.0})


def test_evidence_accepts_numpy_scalars_and_arrays(build, monkeypatch, capsys):
    _lecture(monkeypatch, quick=False)
    course.claim(
        "errors fall with size",
        bool(np.all(np.diff([34, 29, 18, 15]) < 0)),
        evidence={"errors": np.array([34, 29, 18, 15]), "rho": np.float32(-1.0), "test": "exact"},
    )
    assert "errors = [34, 29, 18, 15]; rho = -1; test = exact" in capsys.readouterr().out


def test_files_written_before_claims_existed_are_still_results_files(tmp_path):
    old = {k: None for k in marks.RESULT_KEYS} | {"lecture": "03_x", "metric": "acc", "value": 1}
    path = tmp_path / "03_x.json"
    path.write_text(json.dumps([old]))
    assert marks.is_results_file(path, "03_x")
    claim = {"lecture": "03_x", "kind": "claim", "statement": "s", "holds": True,
             "evidence": {"a": 1.0}, "judged": True, "mode": "full"}  # fmt: skip
    path.write_text(json.dumps([old, claim]))
    assert marks.is_results_file(path, "03_x")
    for broken in ({**claim, "kind": "number"}, {**claim, "holds": "yes"}, {**claim, "x": 1}):
        path.write_text(json.dumps([old, broken]))
        assert not marks.is_results_file(path, "03_x"), broken


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"value": 0.5, "interval": (0.6, 0.9), "interval_method": "m"}, "outside its own"),
        ({"value": Interval(0.95, 0.6, 0.9, "m")}, "outside its own"),
        ({"value": 0.5, "verbose": "yes"}, "record: verbose must be True or False"),
        ({"value": 0.5, "higher_is_better": 1}, "higher_is_better must be True or False"),
        ({"value": 0.5, "source": "x" * 10_000_000}, "source must be a non-empty string"),
        ({"value": 0.5, "interval": "ab", "interval_method": "m"}, "interval must be"),
    ],
)
def test_record_refuses_what_it_used_to_store(build, kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        course.record("acc", lecture="99_test", **kwargs)
    assert not (build / "results" / "99_test.json").exists()
