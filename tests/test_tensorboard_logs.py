"""TensorBoard logs as lecture 16 writes and reads them: a tiny CNN trained for two epochs with
``keras.callbacks.TensorBoard(histogram_freq=1)`` leaves event files that hold the epoch
scalars and the weight and bias histograms of layers 1 and 2 (as tensor summaries, Keras 3),
and ``tf.summary.trace_export`` leaves the training step's graph. No server is started."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")
event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

from dlies.datasets.seismic_sections import make_seismic_sections, neighbour_correlations  # noqa: E402


def _tensors(folder):
    acc = event_accumulator.EventAccumulator(str(folder), size_guidance={"tensors": 0})
    acc.Reload()
    return acc, {
        tag: [(e.step, tf.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]
        for tag in acc.Tags()["tensors"]
    }


def _tiny_cnn(input_shape):
    inputs = keras.Input(shape=input_shape)
    h = keras.layers.Conv2D(2, (5, 3), padding="same", activation="relu", name="layer1")(inputs)
    h = keras.layers.MaxPooling2D((2, 1))(h)
    h = keras.layers.Conv2D(2, (5, 3), padding="same", activation="relu", name="layer2")(h)
    h = keras.layers.GlobalAveragePooling2D()(h)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="output")(h)
    model = keras.Model(inputs, outputs, name="cnn")
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    keras.utils.set_random_seed(0)
    x, y, _ = make_seismic_sections(96, n_traces=8, n_times=64, random_state=0)
    panels = neighbour_correlations(x, 4)[..., None]
    model = _tiny_cnn(panels.shape[1:])
    log_dir = tmp_path_factory.mktemp("logs") / "run"
    callback = keras.callbacks.TensorBoard(log_dir=str(log_dir), histogram_freq=1, write_graph=True)
    history = model.fit(
        panels[:64],
        y[:64],
        validation_data=(panels[64:], y[64:]),
        epochs=2,
        batch_size=32,
        verbose=0,
        callbacks=[callback],
    )
    return log_dir, model, panels, y, history.history


def test_event_files_hold_the_epoch_scalars(run):
    log_dir, _, _, _, history = run
    _, train = _tensors(log_dir / "train")
    _, val = _tensors(log_dir / "validation")
    for logs in (train, val):
        for tag in ("epoch_loss", "epoch_accuracy"):
            assert [step for step, _ in logs[tag]] == [0, 1], tag
            assert all(v.shape == () and np.isfinite(v) for _, v in logs[tag])
    np.testing.assert_allclose(
        [float(v) for _, v in train["epoch_loss"]], history["loss"], rtol=1e-5
    )
    np.testing.assert_allclose(
        [float(v) for _, v in val["epoch_loss"]], history["val_loss"], rtol=1e-5
    )


def test_event_files_hold_the_layer_histograms(run):
    log_dir, model, _, _, _ = run
    acc, train = _tensors(log_dir / "train")
    # Keras 3 writes histograms as tensor summaries, not as TensorBoard "histograms"
    assert acc.Tags()["histograms"] == []
    for layer in ("layer1", "layer2"):
        for part, weights in zip(
            ("kernel", "bias"), model.get_layer(layer).get_weights(), strict=True
        ):
            series = train[f"{layer}/{part}/histogram"]
            assert [step for step, _ in series] == [0, 1]
            bins = series[-1][1]
            assert bins.ndim == 2 and bins.shape[1] == 3  # left edge, right edge, count
            assert bins[:, 2].sum() == pytest.approx(weights.size)  # every weight counted once
            assert bins[0, 0] <= weights.min() and weights.max() <= bins[-1, 1]


def test_trace_export_writes_the_training_step_graph(run):
    log_dir, model, panels, y, _ = run
    loss_fn = keras.losses.BinaryCrossentropy()
    optimizer = keras.optimizers.SGD(0.0)  # the graph, not the update, is under test

    @tf.function
    def train_step(x, target):
        with tf.GradientTape() as tape:
            loss = loss_fn(target, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    writer = tf.summary.create_file_writer(str(log_dir / "graph"))
    tf.summary.trace_on(graph=True)
    train_step(panels[:8], y[:8, None].astype("float32"))
    with writer.as_default():
        tf.summary.trace_export(name="train_step", step=0)
    writer.close()
    acc, tensors = _tensors(log_dir / "graph")
    assert acc.SummaryMetadata("train_step").plugin_data.plugin_name == "graph_run_metadata_graph"
    meta = tf.compat.v1.RunMetadata.FromString(tensors["train_step"][0][1].item())
    ops = {node.op for g in meta.function_graphs for node in g.pre_optimization_graph.node}
    assert {"Conv2D", "Conv2DBackpropFilter"} <= ops
