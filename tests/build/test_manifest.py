"""dlies.build.manifest: a re-run deletes what dlies run wrote, unchanged, and nothing else."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from _guards import dead_pid

from dlies.build import manifest as mf
from dlies.build.checks import RunError

LECTURE = "03_x"


def _written_by_a_run(out: Path) -> dict:
    """Files as a run of 03_x leaves them, entered in a fresh manifest."""
    manifest = {"shared": {}, "lectures": {}, "running": {}}
    for rel in ("notebooks/03_x.ipynb", "html/03_x.html", "results/03_x.json"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(rel)
    (out / "figures" / LECTURE / "sub").mkdir(parents=True)
    (out / "figures" / LECTURE / "a.png").write_bytes(b"png")
    (out / "figures" / LECTURE / "sub" / "b.svg").write_bytes(b"svg")
    window = (time.time_ns() - 10**9, time.time_ns())
    mf.record_lecture(out, LECTURE, manifest, dirs_before=set(), before={}, window=window)
    return manifest


def test_record_lecture_lists_files_and_created_folders(tmp_path):
    manifest = _written_by_a_run(tmp_path)
    entry = manifest["lectures"][LECTURE]
    assert sorted(entry["files"]) == [
        "figures/03_x/a.png",
        "figures/03_x/sub/b.svg",
        "html/03_x.html",
        "notebooks/03_x.ipynb",
        "results/03_x.json",
    ]
    assert entry["files"]["html/03_x.html"] == mf.sha256(tmp_path / "html/03_x.html")
    assert entry["dirs"] == ["figures/03_x", "figures/03_x/sub"]
    assert mf.read_manifest(tmp_path) == manifest  # written to .dlies/manifest.json
    assert mf.foreign_files(tmp_path, [LECTURE], manifest) == []


def test_foreign_files_are_those_not_written_or_changed_since(tmp_path):
    manifest = _written_by_a_run(tmp_path)
    (tmp_path / "figures" / LECTURE / "mine.png").write_bytes(b"a user's figure")
    (tmp_path / "html" / "03_x.html").write_text("edited by hand")
    (tmp_path / "logs" / LECTURE).mkdir(parents=True)
    (tmp_path / "logs" / LECTURE / "events").write_text("tensorboard")
    (tmp_path / "index.html").write_text("<html>")
    (tmp_path / "work" / "04_y").mkdir(parents=True)
    (tmp_path / "work" / "04_y" / "other.txt").write_text("another lecture's place")
    foreign = mf.foreign_files(tmp_path, [LECTURE], manifest)
    assert sorted(foreign) == [
        "figures/03_x/mine.png",
        "html/03_x.html",
        "index.html",
        "logs/03_x/events",
    ]
    with pytest.raises(RunError, match="did not write .*figures/03_x/mine.png.*another --out"):
        mf.refuse_foreign(tmp_path, [LECTURE], manifest)


def test_remove_owned_deletes_only_unchanged_files_it_wrote(tmp_path):
    manifest = _written_by_a_run(tmp_path)
    (tmp_path / "results" / "03_x.json").write_text("changed since")
    (tmp_path / "figures" / LECTURE / "sub" / "user.txt").write_text("not ours")
    mf.remove_owned(tmp_path, LECTURE, manifest)
    assert LECTURE not in manifest["lectures"]
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == [".dlies/manifest.json", "figures/03_x/sub/user.txt", "results/03_x.json"]
    assert (tmp_path / "figures" / LECTURE / "sub").is_dir()  # not empty: kept
    assert not (tmp_path / "notebooks" / "03_x.ipynb").exists()


def test_remove_owned_removes_empty_folders_it_created(tmp_path):
    manifest = _written_by_a_run(tmp_path)
    mf.remove_owned(tmp_path, LECTURE, manifest)
    assert not (tmp_path / "figures" / LECTURE).exists()
    assert (tmp_path / "figures").is_dir()  # top folders stay


def test_symlinks_are_never_followed_nor_counted_as_own(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.png").write_bytes(b"png")  # same bytes as an own figure
    out = tmp_path / "out"
    out.mkdir()
    manifest = _written_by_a_run(out)
    (out / "figures" / LECTURE / "a.png").unlink()
    (out / "figures" / LECTURE / "a.png").symlink_to(outside / "precious.png")
    (out / "figures" / LECTURE / "linked").symlink_to(outside)
    assert sorted(mf.foreign_files(out, [LECTURE], manifest)) == [
        "figures/03_x/a.png",
        "figures/03_x/linked",
    ]
    mf.remove_owned(out, LECTURE, manifest)
    assert (outside / "precious.png").read_bytes() == b"png"
    assert (out / "figures" / LECTURE / "a.png").is_symlink()


@pytest.mark.parametrize(
    "rel",
    ["../escape.txt", "figures/04_other/a.png", "/etc/passwd", "notebooks/03_x.ipynb/../../x"],
)
def test_read_manifest_refuses_paths_outside_the_lecture_places(tmp_path, rel):
    manifest = {"shared": {}, "lectures": {LECTURE: {"files": {rel: "0" * 64}, "dirs": []}}}
    (tmp_path / ".dlies").mkdir()
    (tmp_path / mf.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(RunError, match="is not a manifest dlies run wrote"):
        mf.read_manifest(tmp_path)


@pytest.mark.parametrize(
    "text", ["{not json", "[]", '{"shared": {}}', '{"shared": {}, "lectures": {"..": {}}}']
)
def test_read_manifest_refuses_a_damaged_file(tmp_path, text):
    (tmp_path / ".dlies").mkdir()
    (tmp_path / mf.MANIFEST).write_text(text)
    with pytest.raises(RunError, match="manifest.json is not a manifest dlies run wrote"):
        mf.read_manifest(tmp_path)
    assert mf.read_manifest(tmp_path / "absent") == {"shared": {}, "lectures": {}, "running": {}}


def _by_hand(out: Path, monkeypatch, names=("line",)) -> list[str]:
    """What a notebook run by hand (JupyterLab) writes: savefig'd figures, a results file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dlies import course

    monkeypatch.setenv("DLIES_BUILD", str(out))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 3])
    for name in names:
        course.savefig(fig, name, formats=("png", "svg", "pdf"), lecture=LECTURE)
    plt.close(fig)
    course.record("acc", 0.9, interval=(0.8, 0.95), interval_method="m", lecture=LECTURE)
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def test_figures_and_results_of_a_hand_run_are_dlies_own(tmp_path, monkeypatch):
    empty = {"shared": {}, "lectures": {}}
    written = _by_hand(tmp_path, monkeypatch)
    assert "figures/03_x/line.pdf" in written and "results/03_x.json" in written
    assert mf.foreign_files(tmp_path, [LECTURE], empty) == []
    (tmp_path / "figures" / LECTURE / "mine.png").write_bytes(b"a user's figure")
    mf.remove_owned(tmp_path, LECTURE, empty)
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["figures/03_x/mine.png", "results/.03_x.json.lock"]  # record's lock file


def test_a_hand_run_after_dlies_run_does_not_block(tmp_path, monkeypatch):
    manifest = _written_by_a_run(tmp_path)
    (tmp_path / "results" / "03_x.json").unlink()  # as record would find it: absent
    (tmp_path / "figures" / LECTURE / "a.png").unlink()
    _by_hand(tmp_path, monkeypatch, names=("a", "b"))  # replaces a.png, adds b.*
    assert mf.foreign_files(tmp_path, [LECTURE], manifest) == []
    mf.remove_owned(tmp_path, LECTURE, manifest)
    assert not (tmp_path / "figures" / LECTURE).exists()


def test_a_foreign_file_of_the_same_name_still_blocks(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    (tmp_path / "figures" / LECTURE).mkdir(parents=True)
    fig.savefig(tmp_path / "figures" / LECTURE / "line.png")  # matplotlib's own, unmarked
    plt.close(fig)
    (tmp_path / "results").mkdir()
    entry = {"lecture": LECTURE, "metric": "acc", "value": 0.9}  # not record's fields
    (tmp_path / "results" / "03_x.json").write_text(json.dumps([entry]))
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    empty = {"shared": {}, "lectures": {}}
    assert sorted(mf.foreign_files(tmp_path, [LECTURE], empty)) == [
        "figures/03_x/line.png",
        "results/03_x.json",
    ]
    mf.remove_owned(tmp_path, LECTURE, empty)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


# --------------------------------------------------------------------------- what a run owns
def test_only_files_the_run_created_while_it_ran_become_its_own(tmp_path):
    figures = tmp_path / "figures" / LECTURE
    figures.mkdir(parents=True)
    (figures / "there_before.png").write_bytes(b"written by a hand run before")
    before = mf.snapshot(tmp_path, LECTURE)
    start = time.time_ns()
    (figures / "made.png").write_bytes(b"the kernel's")
    (tmp_path / "logs" / LECTURE).mkdir(parents=True)
    late = tmp_path / "logs" / LECTURE / "events.late"
    late.write_bytes(b"a hand run still writing after the lecture ended")
    old = figures / "copied.png"
    old.write_bytes(b"copied in with its old time kept (cp -p)")
    end = time.time_ns()
    os.utime(late, ns=(end + 10**9, end + 10**9))
    os.utime(old, ns=(start - 10 * mf.CLOCK_SLACK_NS,) * 2)
    manifest = {"shared": {}, "lectures": {}, "running": {}}
    own = mf.record_lecture(tmp_path, LECTURE, manifest, set(), before, (start, end))
    assert own == ["figures/03_x/made.png"]
    assert sorted(mf.foreign_files(tmp_path, [LECTURE], manifest)) == [
        "figures/03_x/copied.png",
        "figures/03_x/there_before.png",
        "logs/03_x/events.late",
    ]
    mf.remove_owned(tmp_path, LECTURE, manifest)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "copied.png",
        "events.late",
        "manifest.json",
        "there_before.png",
    ]


def _killed_run(out: Path) -> dict:
    """What a run of 03_x killed mid-lecture leaves: the manifest naming it as running, its
    partial log, and a savefig temporary that a (dead) writer entered in the ledger."""
    from dlies import atomic

    manifest = {"shared": {}, "lectures": {}, "running": {}}
    (out / "logs").mkdir(parents=True)
    mf.start_lecture(out, LECTURE, manifest, "0123456789abcdef")
    (out / "logs" / "03_x.log").write_text(mf.log_mark(LECTURE, "0123456789abcdef") + "\nboom\n")
    figures = out / "figures" / LECTURE
    figures.mkdir(parents=True)
    (figures / ".line.png.feedfacefeedface.tmp").write_bytes(b"\x89PNG half")
    ledger = [
        atomic.LEDGER_HEAD,
        json.dumps({"tmp": ".line.png.feedfacefeedface.tmp", "pid": dead_pid(), "start": None}),
    ]
    (figures / atomic.LEDGER).write_text("\n".join(ledger) + "\n")
    return mf.read_manifest(out)


def test_after_a_killed_run_its_log_and_temporaries_are_recognised_and_removed(tmp_path):
    manifest = _killed_run(tmp_path)
    assert manifest["running"] == {LECTURE: {"token": "0123456789abcdef"}}
    assert mf.foreign_files(tmp_path, [LECTURE], manifest) == []
    mf.refuse_foreign(tmp_path, [LECTURE], manifest)
    mf.remove_owned(tmp_path, LECTURE, manifest)
    assert sorted(
        p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()
    ) == [".dlies/manifest.json"]
    assert manifest["running"] == {}


def test_a_log_without_the_runs_mark_stays_foreign(tmp_path):
    manifest = _killed_run(tmp_path)
    (tmp_path / "logs" / "03_x.log").write_text("my own notes\n")
    (tmp_path / "figures" / LECTURE / ".other.png.0000000000000000.tmp").write_text("mine")
    with pytest.raises(RunError, match=r"03_x\.log.*a run of 03_x did not finish"):
        mf.refuse_foreign(tmp_path, [LECTURE], manifest)
    mf.remove_owned(tmp_path, LECTURE, manifest)
    assert (tmp_path / "logs" / "03_x.log").read_text() == "my own notes\n"
    assert (tmp_path / "figures" / LECTURE / ".other.png.0000000000000000.tmp").exists()


@pytest.mark.parametrize(
    "manifest",
    [
        {"shared": {}, "lectures": {LECTURE: {"files": ["notebooks/03_x.ipynb"], "dirs": []}}},
        {"shared": {}, "lectures": {LECTURE: {"files": {"html/03_x.html": 1}, "dirs": []}}},
        {"shared": {}, "lectures": {LECTURE: {"files": {}, "dirs": "figures/03_x"}}},
        {"shared": {"index.html": None}, "lectures": {}},
        {"shared": {}, "lectures": {}, "running": {LECTURE: "abc"}},
        {"shared": {}, "lectures": {}, "extra": 1},
        {"shared": {}, "lectures": {LECTURE: None}},
    ],
)
def test_read_manifest_refuses_wrong_types_inside(tmp_path, manifest):
    (tmp_path / ".dlies").mkdir()
    (tmp_path / mf.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(RunError, match="is not a manifest dlies run wrote"):
        mf.read_manifest(tmp_path)


@pytest.mark.parametrize("kind", ["folder", "fifo", "deep"])
def test_read_manifest_refuses_folders_fifos_and_deep_nesting(tmp_path, kind):
    from _guards import finishes

    (tmp_path / ".dlies").mkdir()
    path = tmp_path / mf.MANIFEST
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.write_text("[" * 100_000 + "]" * 100_000)
    outcome, names, message = finishes(mf.read_manifest, tmp_path, seconds=20)
    assert outcome == "raised" and "RunError" in names, message
    assert "is not a manifest dlies run wrote" in message
