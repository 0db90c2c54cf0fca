"""Gather the results that :func:`dlies.course.record` wrote into tables for ``dlies run``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dlies import course
from dlies.course import format_entry, format_number  # noqa: F401  (re-exported for the runner)


def results_dir() -> Path:
    """``build/results/``: one JSON file per lecture."""
    return course.results_dir()


def load_lecture(path: Path) -> list[dict[str, Any]]:
    """Read one lecture's results file; an absent file is an empty list."""
    return course.read_json_list(path, "results file")


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
