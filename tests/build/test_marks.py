"""dlies.build.marks: what savefig and record wrote is recognised by content, not by name."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pytest

from dlies import course
from dlies.build import marks

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LECTURE = "03_x"
FORMATS = ("png", "svg", "pdf")


@pytest.fixture
def out(tmp_path, monkeypatch) -> Path:
    """A build folder that savefig and record write into, as in a notebook run by hand."""
    monkeypatch.setenv("DLIES_BUILD", str(tmp_path / "build"))
    return (tmp_path / "build").resolve()


def _figure():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 3])
    return fig


def _plain_figures(folder: Path, name: str = "line", metadata: dict | None = None) -> list[Path]:
    """The same figure saved by matplotlib itself, not through dlies.course.savefig."""
    folder.mkdir(parents=True, exist_ok=True)
    fig = _figure()
    paths = [folder / f"{name}.{fmt}" for fmt in FORMATS]
    for path in paths:
        fig.savefig(path, metadata=metadata)
    plt.close(fig)
    return paths


def test_savefig_figures_are_marked_plain_matplotlib_ones_are_not(out, tmp_path):
    fig = _figure()
    written = course.savefig(fig, "line", formats=FORMATS, lecture=LECTURE)
    plt.close(fig)
    for path in written:
        assert marks.is_marked_figure(path), path
        assert marks.is_marked(out, f"figures/{LECTURE}/{path.name}", LECTURE)
    for path in _plain_figures(tmp_path / "plain"):
        assert not marks.is_marked_figure(path), path
    for path in _plain_figures(tmp_path / "other", metadata={"Creator": "someone else"}):
        assert not marks.is_marked_figure(path), path


def test_a_marked_figure_counts_only_where_savefig_writes_it(out):
    fig = _figure()
    png, svg = course.savefig(fig, "line", formats=("png", "svg"), lecture=LECTURE)
    plt.close(fig)
    assert not marks.is_marked(out, f"figures/{LECTURE}/line.png", "04_y")  # another lecture's
    moved = out / "figures" / LECTURE / "sub" / "line.png"
    moved.parent.mkdir()
    moved.write_bytes(png.read_bytes())
    assert not marks.is_marked(out, f"figures/{LECTURE}/sub/line.png", LECTURE)
    renamed = png.with_suffix(".svg")
    svg.unlink()
    png.rename(renamed)  # a PNG named .svg
    assert not marks.is_marked(out, f"figures/{LECTURE}/line.svg", LECTURE)


def test_marks_are_never_read_through_symlinks(out, tmp_path):
    fig = _figure()
    (png,) = course.savefig(fig, "line", lecture="99_elsewhere")
    plt.close(fig)
    link = out / "figures" / LECTURE / "line.png"
    link.parent.mkdir(parents=True)
    link.symlink_to(png)
    assert marks.is_marked_figure(png) and not marks.is_marked_figure(link)
    (out / "figures" / "linked").symlink_to(out / "figures" / LECTURE)
    assert not marks.is_marked(out, "figures/linked/line.png", "linked")
    course.record("acc", 0.9, lecture=LECTURE)
    results = out / "results" / f"{LECTURE}.json"
    (tmp_path / "r.json").symlink_to(results)
    assert marks.is_results_file(results, LECTURE)
    assert not marks.is_results_file(tmp_path / "r.json", LECTURE)


def test_a_damaged_or_forged_png_is_not_marked(tmp_path):
    (png,) = _plain_figures(tmp_path, metadata={"Creator": course.FIGURE_MARK})[:1]
    assert marks.is_marked_figure(png)  # the mark is the content, whoever wrote it
    data = bytearray(png.read_bytes())
    mark = course.FIGURE_MARK.encode()
    data[data.index(mark) + len(mark)] ^= 1  # the tEXt chunk's CRC, right after its text
    png.write_bytes(bytes(data))
    assert not marks.is_marked_figure(png)
    for text in (b"", b"\x89PNG\r\n\x1a\n", b"not a png " + course.FIGURE_MARK.encode()):
        png.write_bytes(text)
        assert not marks.is_marked_figure(png)
    pdf, svg = tmp_path / "x.pdf", tmp_path / "x.svg"
    pdf.write_bytes(b"%PDF-1.4\nstartxref\n999999\n%%EOF\n")
    svg.write_text(f"<svg><title>{course.FIGURE_MARK}</title></svg>")
    assert not marks.is_marked_figure(pdf) and not marks.is_marked_figure(svg)


def test_record_entries_have_the_fields_marks_expects(out):
    entry = course.record("acc", 0.9, interval=(0.8, 0.95), interval_method="m", lecture=LECTURE)
    assert sorted(entry) == sorted(marks.RESULT_KEYS)
    course.record("loss", 0.1, lecture=LECTURE)
    assert marks.is_results_file(out / "results" / f"{LECTURE}.json", LECTURE)
    assert marks.is_marked(out, f"results/{LECTURE}.json", LECTURE)
    assert not marks.is_marked(out, f"results/{LECTURE}.json", "04_y")


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        "{}",
        "{not json",
        "[1, 2]",
        '[{"lecture": "03_x", "metric": "acc", "value": 0.9}]',
        "extra field",
        "other lecture",
        "value not a number",
    ],
)
def test_other_json_is_not_a_results_file(out, content):
    course.record("acc", 0.9, lecture=LECTURE)
    path = out / "results" / f"{LECTURE}.json"
    entry = json.loads(path.read_text())[0]
    variants = {
        "extra field": [entry | {"note": "mine"}],
        "other lecture": [entry, entry | {"lecture": "04_y"}],
        "value not a number": [entry | {"value": "0.9"}],
    }
    path.write_text(json.dumps(variants[content]) if content in variants else content)
    assert not marks.is_results_file(path, LECTURE)
    path.write_bytes(b"\xff\xfe not utf-8")
    assert not marks.is_results_file(path, LECTURE)
