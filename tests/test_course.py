import json

import numpy as np
import pytest

import dlies
from dlies import course, stats
from dlies.build.report import results_markdown


@pytest.fixture
def build(tmp_path, monkeypatch):
    monkeypatch.setenv("DLIES_BUILD", str(tmp_path / "build"))
    return tmp_path / "build"


def test_quick_mode_flag(monkeypatch):
    monkeypatch.setenv("DLIES_QUICK", "1")
    assert course.quick_mode()
    monkeypatch.setenv("DLIES_QUICK", "0")
    assert not course.quick_mode()
    monkeypatch.delenv("DLIES_QUICK")
    assert not course.quick_mode()
    monkeypatch.setenv("DLIES_QUICK", "maybe")
    with pytest.raises(ValueError, match="DLIES_QUICK"):
        course.quick_mode()


def test_setup_returns_runtime_and_picks(monkeypatch, capsys):
    monkeypatch.setenv("DLIES_QUICK", "1")
    rt = course.setup(notebook="99_test", seed=5)
    out = capsys.readouterr().out
    assert "TensorFlow" in out and "quick mode" in out
    assert "no GPU found, running on CPU" in out or "GPU:" in out
    assert rt.quick and rt.pick(full=100, quick=2) == 2
    assert course.current() is rt
    monkeypatch.setenv("DLIES_QUICK", "0")
    rt = course.setup(notebook="99_test", seed=5, verbose=False)
    assert not rt.quick and rt.pick(full=100, quick=2) == 100


def test_setup_makes_keras_deterministic():
    import keras

    def draw():
        course.setup(notebook="99_test", seed=11, verbose=False)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
        return model.get_weights()[0], np.random.rand(3)

    (w1, r1), (w2, r2) = draw(), draw()
    np.testing.assert_array_equal(w1, w2)
    np.testing.assert_array_equal(r1, r2)


def test_no_gpu_message(monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [])
    assert course.describe_devices() == course.GPU_HINT
    assert "README" in course.GPU_HINT


@pytest.mark.parametrize("bad", ["", "a/b", None])
def test_setup_rejects_bad_notebook(bad):
    with pytest.raises(ValueError, match="notebook"):
        course.setup(notebook=bad)


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_setup_rejects_bad_seed(bad):
    with pytest.raises(ValueError, match="seed"):
        course.setup(notebook="x", seed=bad)


def test_record_writes_and_replaces(build):
    course.setup(notebook="99_test", seed=0, verbose=False)
    e = course.record("acc", 0.95, reference=0.9589, source="slide", threshold=0.97, verbose=False)
    assert e["passed"] is False and e["lecture"] == "99_test"
    course.record("acc", 0.98, reference=0.9589, source="slide", threshold=0.97, verbose=False)
    course.record("mse", 0.01, threshold=0.02, higher_is_better=False, verbose=False)
    data = json.loads((build / "results" / "99_test.json").read_text())
    assert [d["metric"] for d in data] == ["acc", "mse"]
    assert data[0]["value"] == 0.98 and data[0]["passed"] is True
    assert data[1]["passed"] is True
    assert set(data[0]) >= {
        "lecture",
        "metric",
        "value",
        "reference",
        "source",
        "threshold",
        "passed",
    }
    md = results_markdown(data, [])
    assert "| 99_test | acc | 0.98 |  |  | 0.9589 | slide | 0.97 | yes |" in md


@pytest.mark.parametrize("bad", [np.nan, float("inf"), "0.9", None, True])
def test_record_rejects_bad_values(build, bad):
    course.setup(notebook="99_test", seed=0, verbose=False)
    with pytest.raises(ValueError, match="value"):
        course.record("acc", bad)


def test_record_rejects_corrupt_results_file(build):
    course.setup(notebook="99_test", seed=0, verbose=False)
    (build / "results").mkdir(parents=True)
    (build / "results" / "99_test.json").write_text("{not json")
    with pytest.raises(ValueError, match="99_test.json"):
        course.record("acc", 0.5)
    assert (build / "results" / "99_test.json").read_text() == "{not json"


def test_savefig_writes_into_lecture_folder(build):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    course.setup(notebook="99_test", seed=0, verbose=False)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    written = course.savefig(fig, "line", formats=("png", "svg"))
    assert [p.name for p in written] == ["line.png", "line.svg"]
    assert all(p.stat().st_size > 0 for p in written)
    assert written[0].parent == build / "figures" / "99_test"
    assert not list(written[0].parent.glob(".*tmp*"))
    with pytest.raises(ValueError, match="name"):
        course.savefig(fig, "../escape")
    with pytest.raises(ValueError, match="formats"):
        course.savefig(fig, "x", formats=("jpg",))
    plt.close(fig)


def test_savefig_and_record_never_replace_files_they_did_not_write(build):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    course.setup(notebook="99_test", seed=0, verbose=False)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    (png,) = course.savefig(fig, "line")
    assert course.savefig(fig, "line") == [png]  # its own file: replaced
    png.write_bytes(b"a user's own picture")
    with pytest.raises(FileExistsError, match="line.png"):
        course.savefig(fig, "line")
    assert png.read_bytes() == b"a user's own picture"
    plt.close(fig)

    course.record("acc", 0.5)
    course.record("acc", 0.6)  # its own file: the entry replaced
    results = build / "results" / "99_test.json"
    assert [e["value"] for e in json.loads(results.read_text())] == [0.6]
    foreign = json.dumps([{"metric": "acc", "note": "kept by hand"}])
    results.write_text(foreign)
    with pytest.raises(FileExistsError, match="99_test.json"):
        course.record("acc", 0.7)
    assert results.read_text() == foreign


def test_savefig_marks_each_file_as_written_by_dlies(build):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    png, svg, pdf = course.savefig(fig, "line", formats=("png", "svg", "pdf"), lecture="99_test")
    plt.close(fig)
    assert course.FIGURE_MARK == "dlies.course.savefig"
    with Image.open(png) as image:
        assert image.text["Creator"] == course.FIGURE_MARK
    assert f"<dc:title>{course.FIGURE_MARK}</dc:title>" in svg.read_text()
    assert f"/Creator ({course.FIGURE_MARK})".encode() in pdf.read_bytes()


def test_atomic_write_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    course.atomic_write_text(target, "hello")
    assert target.read_text() == "hello"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]


def test_show_source_returns_code():
    from dlies.physics.rayleigh import critical_rayleigh

    code = dlies.show_source(critical_rayleigh)
    text = code.data if hasattr(code, "data") else code
    assert "def critical_rayleigh" in text
    with pytest.raises(TypeError, match="source"):
        dlies.show_source(42)


def test_silencer_redirects_fd2(capfd):
    import os

    with course._silence_native_stderr():
        os.write(2, b"native noise\n")
    os.write(2, b"after\n")
    err = capfd.readouterr().err
    assert "native noise" not in err
    assert "after" in err


def test_setup_cell_in_a_kernel_shows_no_native_log_lines(tmp_path, monkeypatch):
    """In Jupyter, fd 2 is ipykernel's pipe to the notebook: TF's start-up lines must not reach it.

    The kernel starts as a student's would: without TF_CPP_MIN_LOG_LEVEL, so that TensorFlow
    prints its absl/oneDNN notices, and without PYTEST_CURRENT_TEST, in whose presence
    ipykernel leaves fd 2 alone (and nbval runs never see those lines).
    """
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import dlies\nrt = dlies.course.setup(notebook='kernel_check', seed=0)"
        )
    ]
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    outputs = nb.cells[0].outputs
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    stdout = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
    assert stderr == "", stderr
    assert stdout.startswith("dlies | kernel_check | TensorFlow")


def test_record_with_interval(build):
    course.setup(notebook="99_test", seed=0, verbose=False)
    iv = stats.binomial_interval(90, 100)
    e = course.record("acc", iv, reference=0.95, source="paper")
    assert e["value"] == 0.9 and e["low"] == iv.low and e["high"] == iv.high
    assert e["interval_method"].startswith("Wilson")
    e = course.record("auc", 0.8, interval=(0.7, 0.9), interval_method="bootstrap over events")
    assert (e["low"], e["high"]) == (0.7, 0.9)
    with pytest.raises(ValueError, match="interval_method"):
        course.record("auc", 0.8, interval=(0.7, 0.9))
    with pytest.raises(ValueError, match="low <= high"):
        course.record("auc", 0.8, interval=(0.9, 0.7), interval_method="x")
    with pytest.raises(ValueError, match=r"\(low, high\)"):
        course.record("auc", 0.8, interval=0.1, interval_method="x")
    assert "[0.7, 0.9]" in course.format_entry(e)


@pytest.mark.parametrize("bad", ["..", ".", "../x", "a/b", "a\\b", "", ".hidden", "x" * 101])
def test_record_rejects_unsafe_lecture_names(build, bad):
    with pytest.raises(ValueError, match="lecture"):
        course.record("acc", 0.5, lecture=bad)
    assert not (build.parent / "x.json").exists()


def _record_many(args):
    build, worker = args
    import os

    os.environ["DLIES_BUILD"] = build
    for i in range(20):
        course.record(f"w{worker}-{i}", float(i), lecture="99_concurrent")


def test_record_is_safe_under_concurrent_writers(build):
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        pool.map(_record_many, [(str(build), w) for w in range(4)])
    data = json.loads((build / "results" / "99_concurrent.json").read_text())
    assert len(data) == 80


def test_env_flag_is_the_one_parser(monkeypatch):
    monkeypatch.setenv("DLIES_OFFLINE", "0")
    assert not course.offline()
    monkeypatch.setenv("DLIES_OFFLINE", "yes")
    assert course.offline()
    monkeypatch.setenv("DLIES_OFFLINE", "2")
    with pytest.raises(ValueError, match="DLIES_OFFLINE"):
        course.offline()


def test_data_dir_refuses_a_file(tmp_path, monkeypatch):
    f = tmp_path / "file"
    f.write_text("x")
    monkeypatch.setenv("DLIES_DATA", str(f))
    with pytest.raises(ValueError, match="DLIES_DATA"):
        course.data_dir()


def test_progress_callback_runs_a_fit():
    import keras

    course.setup(notebook="99_test", seed=0, verbose=False)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    h = model.fit(np.zeros((8, 2)), np.zeros(8), epochs=2, verbose=0, callbacks=[course.progress()])
    assert len(h.history["loss"]) == 2
    assert list(course.bar(range(3), desc="x")) == [0, 1, 2]


def test_setup_takes_a_numpy_seed_and_refuses_what_numpy_cannot_seed():
    rt = course.setup(notebook="99_seed", seed=np.int64(3), tensorflow=False, verbose=False)
    assert rt.seed == 3 and isinstance(rt.seed, int)
    for bad in (True, -1, 2**40, 1.5, "3"):
        with pytest.raises((TypeError, ValueError), match="setup: seed must be an integer"):
            course.setup(notebook="99_seed", seed=bad, tensorflow=False, verbose=False)


def test_savefig_names_its_bad_arguments(tmp_path, monkeypatch):
    monkeypatch.setenv("DLIES_BUILD", str(tmp_path))
    for kwargs, match in (
        ({"formats": "png"}, "formats must be an iterable"),
        ({"formats": ["gif"]}, "formats must be"),
        ({"dpi": 0}, "dpi must be an integer >= 1"),
        ({"lecture": "../x"}, "lecture must be"),
    ):
        with pytest.raises((TypeError, ValueError), match=f"savefig: {match}"):
            course.savefig(None, "fig", **kwargs)
    assert not any(tmp_path.iterdir())
