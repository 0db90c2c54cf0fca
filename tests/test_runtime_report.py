import json

import numpy as np
import pytest

import dlies
from dlies import paths, report, runtime


@pytest.fixture
def build(tmp_path, monkeypatch):
    monkeypatch.setenv("DLIES_BUILD", str(tmp_path / "build"))
    return tmp_path / "build"


def test_quick_mode_flag(monkeypatch):
    monkeypatch.setenv("DLIES_QUICK", "1")
    assert runtime.quick_mode()
    monkeypatch.setenv("DLIES_QUICK", "0")
    assert not runtime.quick_mode()
    monkeypatch.delenv("DLIES_QUICK")
    assert not runtime.quick_mode()
    monkeypatch.setenv("DLIES_QUICK", "maybe")
    with pytest.raises(ValueError, match="DLIES_QUICK"):
        runtime.quick_mode()


def test_setup_returns_runtime_and_picks(monkeypatch, capsys):
    monkeypatch.setenv("DLIES_QUICK", "1")
    rt = runtime.setup(notebook="99_test", seed=5)
    out = capsys.readouterr().out
    assert "TensorFlow" in out and "quick mode" in out
    assert "no GPU found, running on CPU" in out or "GPU:" in out
    assert rt.quick and rt.pick(full=100, quick=2) == 2
    assert runtime.current() is rt
    monkeypatch.setenv("DLIES_QUICK", "0")
    rt = runtime.setup(notebook="99_test", seed=5, verbose=False)
    assert not rt.quick and rt.pick(full=100, quick=2) == 100


def test_setup_makes_keras_deterministic():
    import keras

    def draw():
        runtime.setup(notebook="99_test", seed=11, verbose=False)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
        return model.get_weights()[0], np.random.rand(3)

    (w1, r1), (w2, r2) = draw(), draw()
    np.testing.assert_array_equal(w1, w2)
    np.testing.assert_array_equal(r1, r2)


def test_no_gpu_message(monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [])
    assert runtime.describe_devices() == runtime.GPU_HINT
    assert "README" in runtime.GPU_HINT


@pytest.mark.parametrize("bad", ["", "a/b", None])
def test_setup_rejects_bad_notebook(bad):
    with pytest.raises(ValueError, match="notebook"):
        runtime.setup(notebook=bad)


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_setup_rejects_bad_seed(bad):
    with pytest.raises(ValueError, match="seed"):
        runtime.setup(notebook="x", seed=bad)


def test_record_writes_and_replaces(build):
    runtime.setup(notebook="99_test", seed=0, verbose=False)
    e = report.record("acc", 0.95, reference=0.9589, source="slide", threshold=0.97, verbose=False)
    assert e["passed"] is False and e["lecture"] == "99_test"
    report.record("acc", 0.98, reference=0.9589, source="slide", threshold=0.97, verbose=False)
    report.record("mse", 0.01, threshold=0.02, higher_is_better=False, verbose=False)
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
    md = report.to_markdown(report.collect(build / "results"))
    assert "| 99_test | acc | 0.98 | 0.9589 | slide | 0.97 | yes |" in md


@pytest.mark.parametrize("bad", [np.nan, float("inf"), "0.9", None, True])
def test_record_rejects_bad_values(build, bad):
    runtime.setup(notebook="99_test", seed=0, verbose=False)
    with pytest.raises(ValueError, match="value"):
        report.record("acc", bad)


def test_record_rejects_corrupt_results_file(build):
    runtime.setup(notebook="99_test", seed=0, verbose=False)
    (build / "results").mkdir(parents=True)
    (build / "results" / "99_test.json").write_text("{not json")
    with pytest.raises(ValueError, match="99_test.json"):
        report.record("acc", 0.5)
    assert (build / "results" / "99_test.json").read_text() == "{not json"


def test_savefig_writes_into_lecture_folder(build):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dlies import plots

    runtime.setup(notebook="99_test", seed=0, verbose=False)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    written = plots.savefig(fig, "line", formats=("png", "svg"))
    assert [p.name for p in written] == ["line.png", "line.svg"]
    assert all(p.stat().st_size > 0 for p in written)
    assert written[0].parent == build / "figures" / "99_test"
    assert not list(written[0].parent.glob(".*tmp*"))
    with pytest.raises(ValueError, match="name"):
        plots.savefig(fig, "../escape")
    with pytest.raises(ValueError, match="formats"):
        plots.savefig(fig, "x", formats=("jpg",))
    plt.close(fig)


def test_atomic_write_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    paths.atomic_write_text(target, "hello")
    assert target.read_text() == "hello"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]


def test_show_source_returns_code():
    from dlies.physics.rayleigh import critical_rayleigh

    code = dlies.show_source(critical_rayleigh)
    text = code.data if hasattr(code, "data") else code
    assert "def critical_rayleigh" in text
    with pytest.raises(TypeError, match="source"):
        dlies.show_source(42)


def test_mantle_classifier_builder():
    import keras

    from dlies.models import mantle_classifier

    X = np.random.default_rng(0).normal(size=(64, 8)) * 1e3 + 5
    m = mantle_classifier((8,), hidden=(16, 8, 4), adapt_data=X)
    assert isinstance(m, keras.Model) and m.output_shape == (None, 1)
    # 8->16->8->4->1 dense weights plus the normalisation statistics (non-trainable)
    assert m.count_params() - 17 == 8 * 16 + 16 + 16 * 8 + 8 + 8 * 4 + 4 + 4 + 1
    p = m.predict(X[:5], verbose=0)
    assert np.all((p >= 0) & (p <= 1))
    with pytest.raises(ValueError, match="adapt_data"):
        mantle_classifier((8,), adapt_data=X[:, :3])
    with pytest.raises(ValueError, match="hidden"):
        mantle_classifier((8,), hidden=(16, 0))
    with pytest.raises(ValueError, match="input_shape"):
        mantle_classifier((0,))


def test_silencer_redirects_fd2(capfd):
    import os

    with runtime._silence_native_stderr():
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
            "import dlies\nrt = dlies.runtime.setup(notebook='kernel_check', seed=0)"
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
