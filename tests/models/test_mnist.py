"""The MNIST classifiers of dlies.models.mnist: parameter counts, outputs, augmentation."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import dlies
from dlies.models import cnn_classifier, mlp_classifier, softmax_regression


def test_softmax_regression_is_one_dense_layer():
    model = softmax_regression()
    assert model.count_params() == 784 * 10 + 10
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert len(dense) == 1 and dense[0].activation.__name__ == "softmax"


def test_mlp_default_matches_course_repository():
    # 784-128-256-10, the course repository's MLP
    expected = (784 * 128 + 128) + (128 * 256 + 256) + (256 * 10 + 10)
    assert mlp_classifier().count_params() == expected == 136_074


def test_mlp_dropout_and_l2_layers():
    model = mlp_classifier(hidden=(32, 16), dropout=0.3, l2=1e-3)
    drops = [layer for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    assert [d.rate for d in drops] == [0.3, 0.3]
    model(np.zeros((2, 28, 28), np.float32))
    assert len(model.losses) == 3  # one L2 term per Dense kernel
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in mlp_classifier().layers)


def test_softmax_regression_l2_adds_one_penalty():
    model = softmax_regression(l2=1e-2)
    model(np.zeros((1, 28, 28), np.float32))
    assert len(model.losses) == 1


def test_cnn_parameter_count_formula():
    k, f1, f2, dense = 3, 8, 16, 32
    model = cnn_classifier(filters=(f1, f2), kernel_size=k, dense=dense)
    side = ((28 - k + 1) // 2 - k + 1) // 2  # 5
    expected = (k * k * 1 * f1 + f1) + (k * k * f1 * f2 + f2)
    expected += side * side * f2 * dense + dense + dense * 10 + 10
    assert model.count_params() == expected


@pytest.mark.parametrize("builder", [softmax_regression, mlp_classifier, cnn_classifier])
def test_outputs_are_probabilities(builder):
    model = builder()
    x = np.random.default_rng(0).random((3, 28, 28), dtype=np.float32)
    p = np.asarray(model(x))
    assert p.shape == (3, 10)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("builder", [mlp_classifier, cnn_classifier])
def test_channel_axis_is_accepted(builder):
    model = builder((28, 28, 1), augment_shift=0.1)
    assert model(np.zeros((1, 28, 28, 1), np.float32)).shape == (1, 10)


def test_builders_are_fresh_models():
    a, b = mlp_classifier(hidden=(8,)), mlp_classifier(hidden=(8,))
    assert a is not b
    assert not np.array_equal(
        a.get_layer("hidden_1").kernel.numpy(), b.get_layer("hidden_1").kernel.numpy()
    )


@pytest.mark.parametrize("builder", [mlp_classifier, cnn_classifier])
def test_augmentation_only_while_training(builder):
    kw = {"hidden": (16,)} if builder is mlp_classifier else {"filters": (4,), "dense": 8}
    model = builder(augment_shift=0.1, augment_rotation=0.05, **kw)
    names = [layer.name for layer in model.layers]
    assert "random_shift" in names and "random_rotation" in names
    assert model.count_params() == builder(**kw).count_params()  # no weights added
    x = np.random.default_rng(0).random((4, 28, 28), dtype=np.float32)
    plain = builder(**kw)
    plain.set_weights(model.get_weights())
    inference = np.asarray(model(x, training=False))  # what predict() and evaluate() use
    np.testing.assert_allclose(inference, np.asarray(plain(x)), atol=1e-6)
    keras.utils.set_random_seed(1)
    a = np.asarray(model(x, training=True))
    b = np.asarray(model(x, training=True))
    assert not np.allclose(a, b)  # training: random shifts and rotations


@pytest.mark.parametrize("builder", [mlp_classifier, cnn_classifier])
@pytest.mark.parametrize("rate", [1.0, -0.1, True, "0.5"])
def test_dropout_that_would_silence_the_network_is_refused(builder, rate):
    # Keras accepts Dropout(1.0), which zeroes every unit while training
    with pytest.raises(ValueError, match="dropout"):
        builder(dropout=rate)


@pytest.mark.parametrize(
    ("builder", "kwargs"),
    [
        (mlp_classifier, {"hidden": (0,)}),
        (mlp_classifier, {"l2": -1.0}),
        (cnn_classifier, {"filters": (8, -1)}),
        (cnn_classifier, {"dense": 0}),
        (cnn_classifier, {"filters": (4, 4, 4, 4)}),  # shrinks 28 pixels to nothing
    ],
)
def test_keras_rejects_impossible_networks(builder, kwargs):
    with pytest.raises(ValueError):
        builder(**kwargs)


@pytest.mark.parametrize("builder", [softmax_regression, mlp_classifier, cnn_classifier])
def test_shown_source_fits_on_a_slide(builder):
    shown = dlies.show_source(builder)
    text = getattr(shown, "data", shown)
    assert len(text.splitlines()) <= 25
    assert f"def {builder.__name__}(" in text and "Parameters" not in text
