"""dlies._trace_once: fit traces a built, compiled model's step once, with the same results."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras.src.backend.tensorflow.trainer import TensorFlowTrainer

from dlies import _trace_once


@pytest.fixture
def keras_default(monkeypatch):
    """Keras's own behaviour for the length of a test (installed or not before it)."""
    installed = _trace_once.install()
    assert installed
    build = TensorFlowTrainer._maybe_symbolic_build
    monkeypatch.setattr(TensorFlowTrainer, "_maybe_symbolic_build", build.__wrapped__)
    return build


def _data(n=96):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 6, 5, 1)).astype("float32")
    return x, (x.mean(axis=(1, 2, 3)) > 0).astype("float32")


def _model(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((6, 5, 1)),
            keras.layers.Conv2D(3, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="bce", metrics=["accuracy"])
    return model


def _fit(model, x, y):
    traces = {"train": 0, "test": 0}
    train_step, test_step = model.train_step, model.test_step

    def counted_train(data):
        traces["train"] += 1
        return train_step(data)

    def counted_test(data):
        traces["test"] += 1
        return test_step(data)

    model.train_step, model.test_step = counted_train, counted_test
    history = model.fit(
        x, y, batch_size=32, epochs=3, validation_data=(x[:64], y[:64]), verbose=0
    ).history
    return traces, history, [w.copy() for w in model.get_weights()]


def test_fit_traces_the_step_once_with_the_same_weights_and_history(keras_default, monkeypatch):
    x, y = _data()
    default_traces, default_history, default_weights = _fit(_model(3), x, y)
    monkeypatch.setattr(TensorFlowTrainer, "_maybe_symbolic_build", keras_default)
    traces, history, weights = _fit(_model(3), x, y)
    assert default_traces == {"train": 2, "test": 1}  # Keras alone: the step traced twice
    assert traces == {"train": 1, "test": 1}
    assert history == default_history
    for w, w0 in zip(weights, default_weights, strict=True):
        np.testing.assert_array_equal(w, w0)


def test_an_unbuilt_model_is_left_to_keras(keras_default, monkeypatch):
    monkeypatch.setattr(TensorFlowTrainer, "_maybe_symbolic_build", keras_default)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(1)])  # no Input: built in the first trace
    model.compile(optimizer="sgd", loss="mse")
    x, _ = _data(32)
    history = model.fit(x.reshape(32, -1), x[:, 0, 0, 0], epochs=1, verbose=0).history
    assert model.built and np.isfinite(history["loss"][0])


def test_install_is_idempotent():
    assert _trace_once.install() and _trace_once.install()
    build = TensorFlowTrainer._maybe_symbolic_build
    assert not hasattr(build.__wrapped__, "__wrapped__")  # wrapped once, not twice
