"""dlies.build.report: results.json/results.md and the index page from the Jinja2 template."""

from __future__ import annotations

import importlib.resources
import json
import time

from dlies.build import manifest as mf
from dlies.build import report

#: A window around "now": files the tests write count as written by the run.
_WINDOW = (time.time_ns() - 3600 * 10**9, time.time_ns() + 3600 * 10**9)

ENTRY = {
    "lecture": "03_x",
    "metric": "test accuracy",
    "value": 0.9512,
    "low": 0.94,
    "high": 0.96,
    "interval_method": "Wilson 95 %",
    "reference": 0.97,
    "source": "seed deck",
    "threshold": 0.9,
    "passed": True,
    "mode": "full",
}


def test_template_ships_as_package_data():
    template = importlib.resources.files("dlies") / "templates" / "index.html"
    assert template.is_file() and "{% for r in lectures %}" in template.read_text()


def test_result_cells_show_the_interval_and_its_method():
    cells = report.result_cells(ENTRY)
    assert cells["value"] == "0.9512" and cells["interval"] == "[0.94, 0.96]"
    assert cells["method"] == "Wilson 95 %" and cells["passed"] == "yes"
    bare = report.result_cells({"lecture": "03_x", "metric": "n", "value": 60000.0})
    assert bare["value"] == "60000" and bare["interval"] == bare["passed"] == ""


def test_results_markdown_one_row_per_number():
    missed = ENTRY | {"metric": "misfit", "passed": False, "mode": "quick", "source": "a|b"}
    md = report.results_markdown([ENTRY, missed], ["results file x is not valid JSON"])
    assert "| lecture | metric | value | interval | method | reference |" in md
    row = "| 03_x | test accuracy | 0.9512 | [0.94, 0.96] | Wilson 95 % | 0.97 | seed deck |"
    assert row + " 0.9 | yes | full |" in md
    assert "| **no** | quick |" in md and "a\\|b" in md
    assert "1 of 2 with a threshold meet it" in md
    assert "thresholds are meant for full mode" in md
    assert "Not included: results file x is not valid JSON" in md


def test_gather_results_reads_only_files_the_manifest_vouches_for(tmp_path):
    (tmp_path / "results").mkdir()
    for lecture in ("03_x", "04_y", "05_z"):
        entry = ENTRY | {"lecture": lecture}
        (tmp_path / "results" / f"{lecture}.json").write_text(json.dumps([entry]))
    manifest = {"shared": {}, "lectures": {}}
    for lecture in ("03_x", "04_y"):
        mf.record_lecture(tmp_path, lecture, manifest, set(), {}, _WINDOW)
    (tmp_path / "results" / "04_y.json").write_text("[]")  # changed since: not ours any more
    (tmp_path / "results" / "06_bad.json").write_text("{not json")
    mf.record_lecture(tmp_path, "06_bad", manifest, set(), {}, _WINDOW)
    entries, notes = report.gather_results(tmp_path, manifest)
    assert [e["lecture"] for e in entries] == ["03_x"]
    assert list(entries[0]) == list(report.RESULT_KEYS)
    assert len(notes) == 1 and "06_bad.json is not valid JSON" in notes[0]


def test_index_links_only_files_that_exist_and_escapes_text(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "03_x.html").write_text("<html>")
    (tmp_path / "figures" / "03_x").mkdir(parents=True)
    (tmp_path / "figures" / "03_x" / "loss.png").write_bytes(b"png")
    run = {
        "lecture": "03_x",
        "status": "failed",
        "seconds": 12.34,
        "mode": "full",
        "finished": "2026-01-01T00:00:00+00:00",
        "executed": "notebooks/03_x.ipynb",  # missing on disk
        "html": "html/03_x.html",
        "log": None,
        "figures": ["figures/03_x/loss.png", "figures/03_x/gone.png"],
        "failed_cell": 4,
        "error": "03_x failed: ValueError: <script>alert(1)</script>",
        "device": "GPU: H200",
    }
    page = report.write_index(tmp_path, [run], [ENTRY], "GPU: H200").read_text()
    assert 'href="html/03_x.html"' in page and 'src="figures/03_x/loss.png"' in page
    assert "notebooks/03_x.ipynb" not in page and "gone.png" not in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "failed at cell 4" in page and "12.3 s" in page and "GPU: H200" in page
    assert "[0.94, 0.96]" in page and "Wilson 95 %" in page
    assert 'href="results.md"' in page


CLAIM = {
    "lecture": "03_x",
    "kind": "claim",
    "statement": "logs help",
    "holds": False,
    "evidence": {"gain": 0.01},
    "judged": True,
    "mode": "full",
}


def test_claims_are_gathered_and_listed_per_lecture(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "03_x.json").write_text(json.dumps([ENTRY, CLAIM]))
    manifest = {"shared": {}, "lectures": {}}
    mf.record_lecture(tmp_path, "03_x", manifest, set(), {}, _WINDOW)
    entries, _ = report.gather_results(tmp_path, manifest)
    assert entries[1] == CLAIM and list(entries[0]) == list(report.RESULT_KEYS)
    quick = CLAIM | {"statement": "small", "holds": True, "judged": False, "mode": "quick"}
    md = report.results_markdown(entries + [quick], [])
    assert "0 claim(s) hold, 1 fail, 1 not judged (quick mode)" in md
    assert "- ✘ logs help: gain = 0.01" in md
    assert "- ✔ small: gain = 0.01 (quick mode: not judged)" in md
    assert "| 03_x | logs help" not in md, "claims are not rows of the numbers table"
    run = {"lecture": "03_x", "status": "ok", "seconds": 1.0, "mode": "full", "finished": "t"}
    page = report.write_index(tmp_path, [run], entries, "CPU").read_text()
    assert "✘ 1" in page and "✘ logs help: gain = 0.01" in page
