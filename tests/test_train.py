"""dlies.train: the distributed training entry point, its checkpoints and its workers."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlies import train
from dlies.datasets.devries import write_schema_rows


def _devries_file(path: Path, n: int = 24_000) -> Path:
    return write_schema_rows(path, n, random_state=0)


def _args(data, ck, epochs, extra=()):
    return [
        "aftershocks",
        "--data",
        str(data),
        "--epochs",
        str(epochs),
        "--batch-size",
        "256",
        "--checkpoint-dir",
        str(ck),
        "--steps-per-epoch",
        "40",
        *extra,
    ]


def test_single_process_resumes_at_the_saved_epoch(tmp_path, capsys):
    data = _devries_file(tmp_path / "t.h5")
    ck = tmp_path / "ck"
    assert train.main(_args(data, ck, 2, ["--summary", str(tmp_path / "s.json")])) == 0
    first = json.loads((tmp_path / "s.json").read_text())
    assert [h["epoch"] for h in first["history"]] == [1, 2]
    assert first["history"][1]["loss"] < first["history"][0]["loss"]
    assert train.main(_args(data, ck, 3, ["--summary", str(tmp_path / "s.json")])) == 0
    again = json.loads((tmp_path / "s.json").read_text())
    assert [h["epoch"] for h in again["history"]] == [3]
    assert "resumed from ckpt-2 at epoch 2" in capsys.readouterr().out


@pytest.mark.parametrize(
    "bad,message",
    [
        (["--epochs", "0"], "--epochs"),
        (["--batch-size", "7"], "even"),
        (["--strategy", "horovod"], "strategy"),
        (["--steps-per-epoch", "-1"], "steps"),
        (["--cpu-replicas", "4096"], "--cpu-replicas"),
        (["--learning-rate", "nan"], "--learning-rate"),
        (["--learning-rate", "0"], "--learning-rate"),
        (["--seed", "-1"], "--seed"),
        (["--comm-timeout", "inf"], "--comm-timeout"),
        (["--epochs", "1000000000"], "--epochs"),
    ],
)
def test_bad_options_are_refused(tmp_path, bad, message, capsys):
    data = _devries_file(tmp_path / "t.h5", n=100)
    with pytest.raises(SystemExit):
        train.parse_args(["aftershocks", "--data", str(data), *bad])
    assert message in capsys.readouterr().err
    with pytest.raises(SystemExit):
        train.parse_args(["aftershocks", "--data", str(tmp_path / "missing.h5")])


def test_wait_workers_kills_what_outlives_its_time_limit():
    """A hung worker is killed at the deadline: no process outlives the call."""
    quick = subprocess.Popen([sys.executable, "-c", "pass"])
    hung = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    start = time.monotonic()
    codes = train.wait_workers([quick, hung], timeout=3)
    assert time.monotonic() - start < 30
    assert codes == [0, -signal.SIGKILL]
    assert quick.poll() == 0 and hung.poll() == -signal.SIGKILL


def test_killed_worker_job_resumes_from_last_checkpoint(tmp_path):
    """Two workers on loopback; one is killed mid-training; the restarted job resumes."""
    data = _devries_file(tmp_path / "t.h5")
    ck = tmp_path / "ck"
    argv = _args(
        data,
        ck,
        6,
        [
            "--strategy",
            "multiworker",
            "--comm-timeout",
            "20",
            "--summary",
            str(tmp_path / "s{task}.json"),
        ],
    )
    procs = train.start_local_workers(2, argv, log_dir=tmp_path / "run1")
    try:
        deadline = time.monotonic() + 240
        while not (ck / "ckpt-2.index").exists():
            assert time.monotonic() < deadline, (tmp_path / "run1" / "worker0.log").read_text()
            assert all(p.poll() is None for p in procs), "a worker ended before the kill"
            time.sleep(0.2)
        procs[1].send_signal(signal.SIGKILL)
        codes = train.wait_workers(procs, timeout=120)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert codes[1] == -signal.SIGKILL
    saved = int(Path(ck / "checkpoint").read_text().split('"')[1].split("-")[1])
    assert 2 <= saved < 6, "the kill came after the job had finished"
    procs = train.start_local_workers(2, argv, log_dir=tmp_path / "run2")
    assert train.wait_workers(procs, timeout=240) == [0, 0]
    log = (tmp_path / "run2" / "worker0.log").read_text()
    assert f"resumed from ckpt-{saved} at epoch {saved}" in log
    s0, s1 = (json.loads((tmp_path / f"s{i}.json").read_text()) for i in (0, 1))
    assert [h["epoch"] for h in s0["history"]] == list(range(saved + 1, 7))
    assert s0["weights_sha256"] == s1["weights_sha256"], "replicas must hold the same weights"
    assert s0["chief"] and not s1["chief"]
    assert not list(ck.glob(".worker*")), "non-chief temporary checkpoints are removed"


# --------------------------------------------------------------------------- faults
def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("python -m dlies.train: error: "), err
    return err


def test_checkpoint_folder_is_checked_writable_before_training(tmp_path, capsys):
    data = _devries_file(tmp_path / "t.h5", n=4000)
    (tmp_path / "a_file").write_text("")
    assert train.main(_args(data, tmp_path / "a_file" / "ck", 1)) == 1
    err = _one_line_error(capsys)
    assert "--checkpoint-dir" in err and "a_file" in err
    assert '"epoch"' not in capsys.readouterr().out


def test_a_corrupt_checkpoint_is_named(tmp_path, capsys):
    data = _devries_file(tmp_path / "t.h5", n=4000)
    ck = tmp_path / "ck"
    ck.mkdir()
    (ck / "checkpoint").write_text('model_checkpoint_path: "ckpt-1"\n')
    (ck / "ckpt-1.index").write_bytes(b"not a checkpoint index")
    (ck / "ckpt-1.data-00000-of-00001").write_bytes(b"garbage")
    assert train.main(_args(data, ck, 1)) == 1
    assert "ckpt-1" in _one_line_error(capsys)


@pytest.mark.parametrize(
    "config,message",
    [
        ("not json", "TF_CONFIG is not JSON"),
        ('{"cluster": {}}', "TF_CONFIG must look like"),
        ('{"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 3}}', "index 3"),
        ('{"cluster": {"worker": ["a"]}, "task": {"type": "worker", "index": 0}}', "host:port"),
    ],
)
def test_tf_config_errors_name_tf_config(tmp_path, capsys, monkeypatch, config, message):
    data = _devries_file(tmp_path / "t.h5", n=4000)
    monkeypatch.setenv("TF_CONFIG", config)
    assert train.main(_args(data, tmp_path / "ck", 1, ["--strategy", "multiworker"])) == 1
    err = _one_line_error(capsys)
    assert "TF_CONFIG" in err and message in err


@pytest.mark.parametrize("kind", ["truncated", "csv"])
def test_unreadable_data_is_named_in_one_line(tmp_path, capsys, kind):
    if kind == "truncated":
        data = _devries_file(tmp_path / "t.h5", n=4000)
        blob = data.read_bytes()
        data.write_bytes(blob[: len(blob) // 2])
    else:
        data = tmp_path / "t.csv"
        data.write_text("aftershocksyn,stresses_full_xx\n0,1.0\n")
    assert train.main(_args(data, tmp_path / "ck", 1)) == 1
    assert str(data) in _one_line_error(capsys)


def test_a_non_finite_loss_stops_the_job(tmp_path, capsys, monkeypatch):
    import numpy as np
    import tensorflow as tf

    def nan_batches(path, *, batch_size, **kwargs):
        x = np.full((batch_size, 12), np.nan, np.float32)
        y = np.tile(np.float32([1, 0]), batch_size // 2)
        return tf.data.Dataset.from_tensors((x, y)).repeat(4)

    monkeypatch.setattr("dlies.datasets.aftershock_dataset", nan_batches)
    data = _devries_file(tmp_path / "t.h5", n=4000)
    assert train.main(_args(data, tmp_path / "ck", 2)) == 1
    assert "loss is nan in epoch 1" in _one_line_error(capsys)
    assert not (tmp_path / "ck" / "checkpoint").exists()


def test_a_peer_that_never_starts_stops_the_started_worker(tmp_path):
    """Worker 0 of two starts alone: it exits non-zero within --comm-timeout + 30 s, naming
    the address of the missing worker."""
    import os

    data = _devries_file(tmp_path / "t.h5", n=4000)
    workers = [f"127.0.0.1:{port}" for port in train.free_ports(2)]
    config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": 0}}
    env = dict(os.environ, TF_CONFIG=json.dumps(config), TF_CPP_MIN_LOG_LEVEL="3")
    argv = _args(data, tmp_path / "ck", 1, ["--strategy", "multiworker", "--comm-timeout", "5"])
    log = tmp_path / "worker0.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dlies.train", *argv], env=env, stdout=out, stderr=out
        )
    codes = train.wait_workers([proc], timeout=5 + 30)  # kills it at the deadline
    text = log.read_text()
    assert codes == [1], text
    assert workers[1] in text and "did not answer" in text


# ------------------------------------------------------------ a template for real jobs
@pytest.fixture
def float32_after():
    yield
    import keras

    keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_both_mixed_policies_train_on_cpu(tmp_path, policy, float32_after):
    """A smoke test: both policies train, the loss stays finite, the output layer is float32."""
    data = _devries_file(tmp_path / "t.h5", n=4000)
    argv = _args(
        data, tmp_path / "ck", 1, ["--precision", policy, "--summary", str(tmp_path / "s")]
    )
    argv[argv.index("--steps-per-epoch") + 1] = "5"
    assert train.main(argv) == 0
    summary = json.loads((tmp_path / "s").read_text())
    assert summary["output_dtype"] == "float32"
    assert summary["history"][0]["loss"] == pytest.approx(summary["history"][0]["loss"])  # finite


def test_learning_rate_rule_and_warm_up():
    assert train.adam_learning_rate(1e-3, 4 * 3500, base_batch=3500) == pytest.approx(2e-3)
    schedule = train.learning_rate_schedule(2e-3, 10)
    assert [float(schedule(s)) for s in (0, 5, 10, 100)] == pytest.approx([0, 1e-3, 2e-3, 2e-3])
    assert train.learning_rate_schedule(2e-3, 0) == 2e-3


def test_two_workers_train_the_wide_model_from_tfrecord_shards(tmp_path):
    """Two loopback workers read TFRecord shards split by file, validate each epoch on
    held-out rows, and only the chief writes TensorBoard scalars."""
    from dlies.train_inputs import write_tfrecord_shards

    shards = tmp_path / "shards"
    write_tfrecord_shards(
        _devries_file(tmp_path / "t.h5", n=8192), shards, n_shards=4, block_rows=512
    )
    val = write_schema_rows(tmp_path / "v.h5", 4096, random_state=1)
    argv = [
        "aftershocks", "--data", str(shards), "--val-data", str(val), "--model", "wide",
        "--strategy", "multiworker", "--epochs", "2", "--steps-per-epoch", "4",
        "--batch-size", "256", "--warmup-steps", "4", "--comm-timeout", "30",
        "--checkpoint-dir", str(tmp_path / "ck"), "--logdir", str(tmp_path / "tb"),
        "--summary", str(tmp_path / "s{task}.json"),
    ]  # fmt: skip
    procs = train.start_local_workers(2, argv, log_dir=tmp_path / "logs")
    codes = train.wait_workers(procs, timeout=240)
    assert codes == [0, 0], (tmp_path / "logs" / "worker0.log").read_text()
    s0, s1 = (json.loads((tmp_path / f"s{i}.json").read_text()) for i in (0, 1))
    assert s0["model"] == "wide" and s0["weights_sha256"] == s1["weights_sha256"]
    assert all(0 <= h["val_auc"] <= 1 and h["val_loss"] > 0 for h in s0["history"])
    events = list((tmp_path / "tb").glob("events.out.tfevents.*"))
    assert len(events) == 1, "the chief alone writes TensorBoard scalars"


def test_write_tfrecord_shards_names_a_file_without_its_keys(tmp_path):
    import h5py

    bad = tmp_path / "no_labels.h5"
    with h5py.File(bad, "w") as f:
        f["x"] = [0.0, 0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="no_labels.h5: key .* is missing"):
        train.write_tfrecord_shards(bad, tmp_path / "shards")
    assert not (tmp_path / "shards").exists()


def test_write_tfrecord_shards_converts_a_range_of_rows(tmp_path):
    """``rows=(start, stop)`` writes exactly those rows, in blocks, and refuses a range past
    the file's end before writing anything."""
    import h5py
    import numpy as np
    import tensorflow as tf

    from dlies.datasets.devries import LABEL_KEY, STRESS_KEYS

    path = write_schema_rows(tmp_path / "t.h5", 1000, random_state=3)
    with h5py.File(path, "r") as f:
        sigma = np.stack([f[k][:] for k in STRESS_KEYS], axis=1)
        labels = f[LABEL_KEY][:]
    shards = train.write_tfrecord_shards(
        path, tmp_path / "part", n_shards=2, block_rows=128, rows=(300, 700)
    )
    blocks = [
        train.parse_block(r) for s in shards for r in tf.data.TFRecordDataset(str(s))
    ]  # shard 0 holds blocks 0, 2; shard 1 blocks 1, 3 (the last one 16 rows)
    order = [0, 2, 1, 3]
    x = np.concatenate([blocks[order.index(i)][0].numpy() for i in range(4)])
    y = np.concatenate([blocks[order.index(i)][1].numpy() for i in range(4)])
    assert x.shape == (400, 12) and np.array_equal(y, labels[300:700])
    np.testing.assert_allclose(x[:, :6], np.abs(sigma[300:700]) / 1e6, rtol=1e-6)
    with pytest.raises(ValueError, match=r"rows \(900, 1001\) run past the 1000 rows of .*t.h5"):
        train.write_tfrecord_shards(path, tmp_path / "past", rows=(900, 1001))
    assert not (tmp_path / "past").exists()
    with pytest.raises(ValueError, match="rows"):
        train.write_tfrecord_shards(path, tmp_path / "empty", rows=(5, 5))


def test_evaluate_gives_the_exact_auc_and_keras_cross_entropy():
    """Held-out AUC is scikit-learn's on every prediction (batches concatenated), the loss
    Keras's binary cross-entropy; one class only gives a NaN AUC, not an error."""
    import keras
    import numpy as np
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 12)).astype("float32")
    y = (rng.random(300) < 0.3).astype("float32")
    model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(1, activation="sigmoid")])
    batches = [(x[i : i + 64], y[i : i + 64]) for i in range(0, 300, 64)]
    out = train.evaluate(model, batches)
    p = model(x).numpy()[:, 0]
    assert out["val_auc"] == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    bce = keras.losses.BinaryCrossentropy()(y[:, None], p[:, None])
    assert out["val_loss"] == pytest.approx(float(bce), rel=1e-5)
    one_class = train.evaluate(model, [(x[:64], np.zeros(64, "float32"))])
    assert np.isnan(one_class["val_auc"]) and one_class["val_loss"] > 0
