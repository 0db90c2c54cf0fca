"""What ``dlies run`` writes at the end: ``results.json``, ``results.md``, ``index.html``."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from dlies import course
from dlies.build.manifest import is_own
from dlies.build.marks import CLAIM_KEYS, RESULT_KEYS, is_claim


def machine_description() -> str:
    """One line naming this machine: OS, CPU model and count, NVIDIA GPUs if any."""
    cpu = platform.processor() or platform.machine()
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    text = f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} logical CPUs"
    if smi := shutil.which("nvidia-smi"):
        with suppress(OSError, subprocess.SubprocessError):
            gpus = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=10).stdout
            text += "".join(f"; {g}" for g in gpus.strip().splitlines())
    return text


def result_cells(entry: dict[str, Any]) -> dict[str, str]:
    """One record as display strings: value, ``[low, high]``, method, reference, verdict."""

    def num(x: Any) -> str:
        return "" if x is None else course.format_number(x)

    low, high = entry.get("low"), entry.get("high")
    return {
        "lecture": str(entry.get("lecture") or ""),
        "metric": str(entry.get("metric") or ""),
        "value": num(entry.get("value")),
        "interval": f"[{num(low)}, {num(high)}]" if low is not None else "",
        "method": str(entry.get("interval_method") or ""),
        "reference": num(entry.get("reference")),
        "source": str(entry.get("source") or ""),
        "threshold": num(entry.get("threshold")),
        "passed": {True: "yes", False: "no"}.get(entry.get("passed"), ""),
        "mode": str(entry.get("mode") or ""),
    }


def gather_results(out: Path, manifest: dict[str, Any]) -> tuple[list[dict], list[str]]:
    """The records of every results file dlies run wrote (unchanged since), and notes on
    those it could not read."""
    entries, notes = [], []
    for lecture, entry in sorted(manifest["lectures"].items()):
        rel = f"results/{lecture}.json"
        if not is_own(out, rel, entry["files"].get(rel)):
            continue
        try:
            found = course.read_json_list(out / rel, "results file")
        except ValueError as exc:
            notes.append(str(exc))
            continue
        for e in found:
            if isinstance(e, dict):
                entries.append({k: e.get(k) for k in (CLAIM_KEYS if is_claim(e) else RESULT_KEYS)})
    return entries, notes


def split_results(entries: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """The recorded numbers and the claims, each in the order they were gathered."""
    claims = [e for e in entries if is_claim(e)]
    return [e for e in entries if not is_claim(e)], claims


def claim_counts(claims: list[dict[str, Any]]) -> tuple[int, int, int]:
    """How many claims hold, how many fail (judged in full mode), how many were not judged."""
    judged = [c for c in claims if c["judged"]]
    held = sum(c["holds"] for c in judged)
    return held, len(judged) - held, len(claims) - len(judged)


def claims_summary(claims: list[dict[str, Any]]) -> str:
    """``N claims hold, M fail`` (and how many quick-mode claims were not judged)."""
    held, failed, unjudged = claim_counts(claims)
    text = f"{held} claim(s) hold, {failed} fail"
    return text + (f", {unjudged} not judged (quick mode)" if unjudged else "")


def results_markdown(entries: list[dict[str, Any]], notes: list[str]) -> str:
    """``results.md``: machine, date and modes, then one row per recorded number."""
    entries, claims = split_results(entries)
    modes = sorted({str(e.get("mode")) for e in entries + claims}) or ["none"]
    judged = [e for e in entries if e.get("passed") is not None]
    lines = [
        "# dlies results",
        "",
        f"Written by `dlies run` on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; machine: "
        f"{machine_description()}; mode: {', '.join(modes)}.",
        "",
        f"{len(entries)} number(s) recorded; {sum(bool(e['passed']) for e in judged)} of "
        f"{len(judged)} with a threshold meet it; {claims_summary(claims)}. The interval beside "
        "each value says how it was obtained (method column).",
        "",
    ]
    if "quick" in modes:
        quick = "Quick-mode numbers come from shrunken runs; thresholds are meant for full mode."
        lines += [quick, ""]
    lines += [f"Not included: {note}" for note in notes] + ([""] if notes else [])
    columns = list(result_cells({}))
    lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for entry in entries:
        cells = result_cells(entry)
        cells["passed"] = "**no**" if cells["passed"] == "no" else cells["passed"]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells.values()) + " |")
    if claims:
        lines += [
            "",
            "## Claims",
            "",
            "Each conclusion a lecture draws about its run, with the "
            "numbers that decide it; ✘ in full mode fails the lecture.",
            "",
        ]
    for lecture in dict.fromkeys(c["lecture"] for c in claims):
        mine = [c for c in claims if c["lecture"] == lecture]
        lines += [f"### {lecture}: {claims_summary(mine)}", ""]
        lines += [f"- {course.format_claim(c)}" for c in mine] + [""]
    return "\n".join(lines) + "\n"


def write_index(out: Path, runs: list[dict], entries: list[dict], device: str | None) -> Path:
    """``<out>/index.html`` from the package's Jinja2 template; links only files that exist.

    The machine and device once at the top; per lecture its status, time, claims held, its
    numbers with intervals and thresholds, and thumbnails of its figures linked to full size;
    the full results table below.
    """
    import jinja2

    loader = jinja2.PackageLoader("dlies", "templates")
    template = jinja2.Environment(
        loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True
    ).get_template("index.html")

    def existing(rel: str | None) -> str | None:
        return rel if rel and (out / rel).is_file() else None

    numbers, claims = split_results(entries)
    lectures = []
    for r in runs:
        mine = [c for c in claims if c["lecture"] == r.get("lecture")]
        held, failed, unjudged = claim_counts(mine)
        lectures.append(
            r
            | {k: existing(r.get(k)) for k in ("executed", "html", "log")}
            | {"figures": [f for f in r.get("figures", []) if existing(f)]}
            | {"numbers": [result_cells(e) for e in numbers if e["lecture"] == r.get("lecture")]}
            | {
                "claims": [course.format_claim(c) for c in mine],
                "claims_ok": [c["holds"] for c in mine],
            }
            | {"held": held, "failed": failed, "unjudged": unjudged}
        )
    page = template.render(
        machine=machine_description(),
        written=datetime.now().astimezone().isoformat(timespec="seconds"),
        device=device,
        lectures=lectures,
        total=sum(float(r.get("seconds", 0.0)) for r in runs),
        columns=list(result_cells({})),
        rows=[result_cells(e) for e in numbers],
        claims=claims_summary(claims),
    )
    return course.atomic_write_text(out / "index.html", page)
