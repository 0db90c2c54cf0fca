"""Record each lecture's headline numbers beside the reference they reproduce.

``record`` appends to ``build/results/<lecture>.json`` (atomically); ``dlies run`` gathers
those files into ``build/results.json`` and ``build/results.md``. Each record is a dict with
the keys ``lecture``, ``metric``, ``value``, ``reference``, ``source``, ``threshold``,
``passed`` and ``mode``.
"""

from __future__ import annotations

import json
import math
from numbers import Real
from pathlib import Path
from typing import Any

from dlies import paths, runtime

_DIRECTIONS = {"higher", "lower"}


def results_dir() -> Path:
    """``build/results/``: one JSON file per lecture."""
    return paths.build_dir() / "results"


def _check_number(name: str, value: Any, *, allow_none: bool) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise ValueError(f"record: {name} must be a finite number, got {value!r}")
    return float(value)


def record(
    metric: str,
    value: float,
    *,
    reference: float | None = None,
    source: str | None = None,
    threshold: float | None = None,
    higher_is_better: bool = True,
    lecture: str | None = None,
    verbose: bool = True,
) -> dict[str, Any]:
    """Record one headline number of a lecture.

    Parameters
    ----------
    metric : str
        What was measured, e.g. ``"test accuracy, raw inputs"``.
    value : float
        Our number.
    reference : float, optional
        The number it is compared with (from the seed lecture or paper).
    source : str, optional
        Where the reference comes from, e.g. ``"Lecture 1 slide"``.
    threshold : float, optional
        The bar this lecture must meet in full mode; ``passed`` says whether it did.
    higher_is_better : bool, default True
        Direction of the threshold: ``value >= threshold`` or ``value <= threshold``.
    lecture : str, optional
        Defaults to the notebook named in :func:`dlies.runtime.setup`.

    Returns
    -------
    dict
        The record, as stored.
    """
    if not isinstance(metric, str) or not metric.strip():
        raise ValueError(f"record: metric must be a non-empty string, got {metric!r}")
    value_f = _check_number("value", value, allow_none=False)
    reference_f = _check_number("reference", reference, allow_none=True)
    threshold_f = _check_number("threshold", threshold, allow_none=True)
    rt = runtime.current()
    if lecture is None:
        if rt is None:
            raise ValueError("record: no lecture given and dlies.runtime.setup() was not called")
        lecture = rt.notebook
    passed = None
    if threshold_f is not None:
        passed = value_f >= threshold_f if higher_is_better else value_f <= threshold_f
    entry = {
        "lecture": lecture,
        "metric": metric,
        "value": value_f,
        "reference": reference_f,
        "source": source,
        "threshold": threshold_f,
        "passed": passed,
        "mode": ("quick" if rt.quick else "full") if rt is not None else "unknown",
    }
    path = results_dir() / f"{lecture}.json"
    entries = load_lecture(path)
    entries = [e for e in entries if e.get("metric") != metric] + [entry]
    paths.atomic_write_text(path, json.dumps(entries, indent=2) + "\n")
    if verbose:
        print(format_entry(entry))
    return entry


def load_lecture(path: Path) -> list[dict[str, Any]]:
    """Read one lecture's results file; an absent file is an empty list."""
    return paths.read_json_list(path, "results file")


def format_number(x: float) -> str:
    """A recorded number for tables: six significant digits (5.0002 stays 5.0002), and large
    whole numbers (sample counts) written out in full."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) >= 1e4 else f"{x:.6g}"


def format_entry(entry: dict[str, Any]) -> str:
    """One human line: ``metric = value (reference r, source) [meets >= t]``."""
    text = f"{entry['metric']} = {entry['value']:.4g}"
    if entry.get("reference") is not None:
        text += f"  (reference {entry['reference']:.4g}"
        text += f", {entry['source']})" if entry.get("source") else ")"
    if entry.get("threshold") is not None:
        verdict = "meets" if entry["passed"] else "misses"
        text += f"  [{verdict} threshold {entry['threshold']:.4g}, {entry.get('mode')} mode]"
    return text


def collect(results: Path | None = None) -> list[dict[str, Any]]:
    """All records under ``build/results/``, sorted by lecture then metric order."""
    folder = Path(results) if results is not None else results_dir()
    out: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.json")):
        out.extend(load_lecture(path))
    return out


def to_markdown(entries: list[dict[str, Any]]) -> str:
    """Render records as a Markdown table."""
    lines = [
        "| lecture | metric | value | reference | source | threshold | passed | mode |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def fmt(x: Any) -> str:
        if x is None:
            return ""
        if isinstance(x, bool):
            return "yes" if x else "**no**"
        if isinstance(x, float):
            return format_number(x)
        return str(x)

    for e in entries:
        cells = [e.get(k) for k in ("lecture", "metric", "value", "reference", "source")]
        cells += [e.get("threshold"), e.get("passed"), e.get("mode")]
        lines.append("| " + " | ".join(fmt(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
