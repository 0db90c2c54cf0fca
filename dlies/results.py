"""A lecture's results: the numbers it records and the claims its run must be able to refute.

:func:`record` stores a headline number beside its reference, its interval and its threshold;
:func:`claim` states a conclusion about the run together with the numbers that decide it. Both
write rows into ``build/results/<lecture>.json``, which ``dlies run`` gathers into
``results.md``, ``results.json`` and ``index.html``. A notebook reaches both through
:mod:`dlies.course`::

    gap = paired_difference(...)          # an Interval from dlies.stats
    dlies.course.claim("the CNN makes fewer errors than the MLP", gap.low > 0, evidence=gap)

In full mode a claim the run does not support raises :class:`ClaimRefuted`, so the lecture
fails under ``dlies run``; in quick mode (small runs) it is printed and recorded, not judged.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from numbers import Real
from pathlib import Path
from typing import Any

import numpy as np

from dlies._validate import Boolean, Checked, Instance, String, validate_params
from dlies._validate import Real as RealNumber
from dlies.atomic import atomic_write_text, read_json_list
from dlies.settings import build_dir, check_name, quick_mode

#: Longest claim statement or metric name (a sentence, not a paragraph).
MAX_TEXT = 500
#: Most named values in one claim's evidence.
MAX_EVIDENCE = 20


class ClaimRefuted(AssertionError):
    """A lecture's claim that its own full-mode run does not support."""


def results_dir() -> Path:
    """``build/results/``: one JSON file per lecture, gathered by ``dlies run``."""
    return build_dir() / "results"


def _runtime():
    from dlies import course

    return course.current()


def _mode() -> str:
    rt = _runtime()
    if rt is not None:
        return rt.mode
    return "quick" if quick_mode() else "full"


def _lecture(lecture: str | None, caller: str) -> str:
    if lecture is None:
        rt = _runtime()
        if rt is None:
            raise ValueError(f"{caller}: no lecture given and dlies.course.setup() was not called")
        return rt.notebook
    return check_name(lecture, f"{caller}: lecture")


def _text(caller: str, name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise ValueError(
            f"{caller}: {name} must be a non-empty string of at most {MAX_TEXT} characters, "
            f"got {value!r:.80}"
        )
    return value.strip()


def _number(name: str, value: Any, *, allow_none: bool = True, caller: str = "record"):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise ValueError(f"{caller}: {name} must be a finite number, got {value!r:.80}")
    return float(value)


def _is_interval(value: Any) -> bool:
    return all(hasattr(value, k) for k in ("value", "low", "high", "method"))


def _store(lecture: str, key: tuple[str, str], entry: dict[str, Any]) -> None:
    """Replace the row with the same ``key`` (kind, name) in the lecture's results file."""
    from filelock import FileLock

    from dlies.build.marks import entry_key, is_results_list

    path = results_dir() / f"{lecture}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Read-modify-write under a lock: two kernels recording to one lecture lose nothing.
    with FileLock(str(path.with_name(f".{path.name}.lock")), timeout=60):
        entries = read_json_list(path, "results file")
        if entries and not is_results_list(entries, lecture):  # never replace another's list
            raise FileExistsError(f"{path} is not {lecture}'s results file; move it away")
        entries = [e for e in entries if entry_key(e) != key] + [entry]
        atomic_write_text(path, json.dumps(entries, indent=2) + "\n")


# --------------------------------------------------------------------------- numbers
def _value(value: Any) -> Any:
    if not _is_interval(value):
        _number("value", value, allow_none=False)
    return value


def _interval(value: Any) -> Any:
    if not _is_interval(value) and (isinstance(value, str) or len(value) != 2):
        raise ValueError("")
    return value


def _holds(value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError("")
    return bool(value)


_TEXT = String(MAX_TEXT)
_LECTURE = (None, Checked(check_name, "a lecture name (letters, digits, '_', '-', '.')"))


@validate_params(
    metric=_TEXT,
    value=Checked(_value, "a finite number or a dlies.stats.Interval"),
    interval=(None, Checked(_interval, "a pair (low, high) or a dlies.stats.Interval")),
    interval_method=(None, _TEXT),
    reference=(None, RealNumber()),
    source=(None, _TEXT),
    threshold=(None, RealNumber()),
    higher_is_better=Boolean(),
    lecture=_LECTURE,
    verbose=Boolean(),
)
def record(
    metric: str,
    value: Any,
    *,
    interval: Any = None,
    interval_method: str | None = None,
    reference: float | None = None,
    source: str | None = None,
    threshold: float | None = None,
    higher_is_better: bool = True,
    lecture: str | None = None,
    verbose: bool = False,
) -> dict[str, Any]:
    """Record one headline number of a lecture in ``build/results/<lecture>.json``.

    Parameters
    ----------
    metric : str
        What was measured, e.g. ``"test accuracy, raw inputs"``.
    value : float or dlies.stats.Interval
        Our number. An :class:`~dlies.stats.Interval` brings its own interval and method.
    interval : (low, high) or dlies.stats.Interval, optional
        The uncertainty of ``value``; a pair needs ``interval_method`` (how it was obtained,
        e.g. ``"Wilson 95 %"``).
    reference, source : optional
        The number it is compared with and where that number comes from.
    threshold : float, optional
        The bar this lecture must meet in full mode; ``passed`` says whether it did.
    higher_is_better : bool, default True
        Direction of the threshold.
    lecture : str, optional
        Defaults to the notebook named in :func:`dlies.course.setup`.
    verbose : bool, default False
        Print one tidy line.
    """
    metric = _text("record", "metric", metric)
    if _is_interval(value):
        interval = value if interval is None else interval
        value = value.value
    value_f = _number("value", value, allow_none=False)
    low = high = None
    if interval is not None:
        if _is_interval(interval):
            low, high = interval.low, interval.high
            interval_method = interval_method or interval.method
        else:
            try:
                low, high = interval
            except (TypeError, ValueError):
                raise ValueError(
                    f"record: interval must be (low, high), got {interval!r}"
                ) from None
        low, high = _number("interval low", low), _number("interval high", high)
        if not low <= high:
            raise ValueError(f"record: interval must have low <= high, got {(low, high)}")
        if not low <= value_f <= high:
            raise ValueError(
                f"record: value {value_f!r} lies outside its own interval {(low, high)}"
            )
        if not interval_method:
            raise ValueError("record: an interval needs interval_method (how it was obtained)")
    lecture = _lecture(lecture, "record")
    threshold_f = _number("threshold", threshold)
    passed = None
    if threshold_f is not None:
        passed = value_f >= threshold_f if higher_is_better else value_f <= threshold_f
    entry = {
        "lecture": lecture,
        "metric": metric,
        "value": value_f,
        "low": low,
        "high": high,
        "interval_method": interval_method if low is not None else None,
        "reference": _number("reference", reference),
        "source": source,
        "threshold": threshold_f,
        "passed": passed,
        "mode": _mode(),
    }
    try:
        _store(lecture, ("number", metric), entry)
    except FileExistsError as exc:
        raise FileExistsError(f"record: {exc}") from None
    if verbose:
        print(format_entry(entry))
    return entry


# --------------------------------------------------------------------------- claims
def _evidence_value(name: str, value: Any) -> Any:
    """One piece of evidence as JSON: a number, a string, a list of numbers or an interval."""
    if _is_interval(value):
        parts = {
            k: _number(f"evidence {name!r}.{k}", getattr(value, k), caller="claim")
            for k in ("value", "low", "high")
        }
        return parts | {"method": _text("claim", f"evidence {name!r} method", value.method)}
    if isinstance(value, str):
        return _text("claim", f"evidence {name!r}", value)
    if isinstance(value, (np.ndarray, Sequence)) and not isinstance(value, (bytes, str)):
        items = np.asarray(value, dtype=object).ravel().tolist()
        if not 0 < len(items) <= 50:
            raise ValueError(f"claim: evidence {name!r} must hold 1 to 50 numbers")
        return [_number(f"evidence {name!r}", v, allow_none=False, caller="claim") for v in items]
    if isinstance(value, np.generic):
        value = value.item()
    return _number(f"evidence {name!r}", value, allow_none=False, caller="claim")


def _evidence(evidence: Any) -> dict[str, Any]:
    if _is_interval(evidence):
        evidence = {"interval": evidence}
    if not isinstance(evidence, Mapping) or not 0 < len(evidence) <= MAX_EVIDENCE:
        raise ValueError(
            "claim: evidence must be a dlies.stats.Interval or a mapping of 1 to "
            f"{MAX_EVIDENCE} named values (numbers, intervals, lists of numbers), "
            f"got {evidence!r:.80}"
        )
    out = {}
    for name, value in evidence.items():
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise ValueError(f"claim: an evidence name must be a short string, got {name!r:.80}")
        out[name] = _evidence_value(name, value)
    return out


def format_evidence(evidence: Mapping[str, Any]) -> str:
    """``name = value [low, high] (method); name = value; ...``."""
    parts = []
    for name, v in evidence.items():
        if isinstance(v, dict):
            text = f"{format_number(v['value'])} [{format_number(v['low'])}, "
            text += f"{format_number(v['high'])}] ({v['method']})"
        elif isinstance(v, list):
            text = "[" + ", ".join(format_number(x) for x in v) + "]"
        elif isinstance(v, str):
            text = v
        else:
            text = format_number(v)
        parts.append(f"{name} = {text}")
    return "; ".join(parts)


@validate_params(entry=Instance(Mapping))
def format_claim(entry: Mapping[str, Any]) -> str:
    """One line: ``✔ statement: evidence``, and ``(quick mode: not judged)`` when not judged."""
    mark = "✔" if entry["holds"] else "✘"
    text = f"{mark} {entry['statement']}: {format_evidence(entry['evidence'])}"
    return text if entry["judged"] else text + f" ({entry['mode']} mode: not judged)"


@validate_params(
    statement=_TEXT,
    holds=Checked(_holds, "a bool computed from the run (for an array, say which: .all(), .any())"),
    evidence=Checked(_evidence, "a dlies.stats.Interval or a mapping of named values"),
    lecture=_LECTURE,
)
def claim(statement: str, holds: Any, *, evidence: Any, lecture: str | None = None) -> None:
    """State a conclusion about this run, decided by the run's own numbers.

    Prints one line (✔ or ✘, the statement, the evidence) and adds a row of kind ``claim`` to
    the lecture's results. In full mode a claim that does not hold raises
    :class:`ClaimRefuted`, so the lecture fails under ``dlies run``; in quick mode (shrunken
    runs, which may not support a full-size claim) it is printed and recorded, never raised.

    Parameters
    ----------
    statement : str
        The sentence as the lecture states it, e.g. ``"the CNN makes fewer test errors than
        the MLP"``.
    holds : bool
        Computed from the run (``gap.low > 0``), never written as a literal.
    evidence : dlies.stats.Interval or mapping
        The numbers that decide it: an interval, or named values (numbers, intervals, short
        texts, lists of numbers such as one value per seed).
    lecture : str, optional
        Defaults to the notebook named in :func:`dlies.course.setup`.

    Returns nothing, so that a cell ending in a claim shows only its printed line.
    """
    statement = _text("claim", "statement", statement)
    lecture = _lecture(lecture, "claim")  # holds and evidence: parsed by their declarations
    mode = _mode()
    entry = {
        "lecture": lecture,
        "kind": "claim",
        "statement": statement,
        "holds": holds,
        "evidence": evidence,
        "judged": mode == "full",
        "mode": mode,
    }
    try:
        _store(lecture, ("claim", statement), entry)
    except FileExistsError as exc:
        raise FileExistsError(f"claim: {exc}") from None
    print(format_claim(entry))
    if entry["judged"] and not entry["holds"]:
        raise ClaimRefuted(
            f"{lecture}: the run refutes the claim {statement!r} "
            f"({format_evidence(entry['evidence'])})"
        )


# --------------------------------------------------------------------------- formatting
@validate_params(x=RealNumber(finite=False))
def format_number(x: float) -> str:
    """Six significant digits; large whole numbers (sample counts) written out in full."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) >= 1e4 else f"{x:.6g}"


@validate_params(entry=Instance(dict))
def format_entry(entry: dict[str, Any]) -> str:
    """One line: ``metric = value [low, high] (reference r, source) [meets >= t]``."""
    text = f"{entry['metric']} = {entry['value']:.4g}"
    if entry.get("low") is not None:
        text += f" [{entry['low']:.4g}, {entry['high']:.4g}] ({entry.get('interval_method')})"
    if entry.get("reference") is not None:
        text += f"  reference {entry['reference']:.4g}"
        text += f" ({entry['source']})" if entry.get("source") else ""
    if entry.get("threshold") is not None:
        verdict = "meets" if entry["passed"] else "misses"
        text += f"  [{verdict} threshold {entry['threshold']:.4g}, {entry.get('mode')} mode]"
    return text
