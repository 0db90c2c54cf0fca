"""Lectures 04-05's checkers: the reference accepted, None and the typical mistakes named."""

from __future__ import annotations

import numpy as np

from dlies.exercises import _judge
from dlies.exercises.l04 import kept_epoch


def said(exercise_id, answer, message, **context):
    verdict = _judge(exercise_id, answer, **context)
    return not verdict.ok and message in verdict.message


def test_04_1_cross_entropy():
    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(10), size=50)
    y = rng.integers(0, 10, 50)
    right = -np.mean(np.log(proba[np.arange(50), y]))
    context = dict(proba=proba, y=y)
    assert _judge("04.1", right, **context).ok
    assert said("04.1", None, "not attempted", **context)
    assert said("04.1", -right, "positive number", **context)
    assert said("04.1", 50 * right, "sum over the digits", **context)
    assert said("04.1", right / np.log(10), "natural logarithm", **context)
    assert said("04.1", -np.mean(np.log(proba.max(axis=1))), "predicted digit", **context)


def test_04_1_accepts_keras_clipping():
    proba = np.full((4, 10), 0.1)
    proba[0] = [1e-9] + [(1 - 1e-9) / 9] * 9  # the true digit 0 gets p = 1e-9
    y = np.array([0, 1, 2, 3])
    clipped = -np.mean(np.log(np.clip(proba[np.arange(4), y], 1e-7, 1)))
    exact = -np.mean(np.log(proba[np.arange(4), y]))
    assert (
        _judge("04.1", clipped, proba=proba, y=y).ok and _judge("04.1", exact, proba=proba, y=y).ok
    )


def test_04_2_safe_learning_rate():
    X = np.random.default_rng(1).normal(size=(200, 2)) * np.array([2.0, 0.5])
    eig = np.linalg.eigvalsh(X.T @ X / 200)
    assert _judge("04.2", 2 / eig[-1], X=X).ok
    assert said("04.2", None, "not attempted", X=X)
    assert said("04.2", 1 / eig[-1], "twice that", X=X)
    assert said("04.2", 2 / eig[0], "λ_min", X=X)
    assert said("04.2", 2 / (200 * eig[-1]), "X^T X / N", X=X)


def test_04_3_early_stopping():
    val = [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.74, 0.76, 0.6, 0.9]  # the 0.6 comes too late
    train = [1.0, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.08, 0.05]
    assert kept_epoch(val, 5) == (3, 8)
    context = dict(val_loss=val, train_loss=train, patience=5)
    assert _judge("04.3", 3, **context).ok and _judge("04.3", np.int64(3), **context).ok
    assert said("04.3", None, "not attempted", **context)
    assert said("04.3", 2, "off by one", **context)
    assert said("04.3", 10, "training loss", **context)
    assert said("04.3", 8, "stops after", **context)
    assert said("04.3", 9, "never sees it", **context)
    assert said("04.3", [3, 8], "one whole epoch", **context)


def test_05_1_cnn_parameters():
    context = dict(filters=(32,), kernel_size=3, dense=128)
    right = 320 + (13 * 13 * 32 * 128 + 128) + (128 * 10 + 10)
    assert _judge("05.1", right, **context).ok
    assert _judge("05.1", 225_034, filters=(32, 64), kernel_size=3, dense=128).ok  # Keras' count
    assert said("05.1", None, "not attempted", **context)
    assert said("05.1", right - 32 - 128 - 10, "biases", **context)
    assert said("05.1", 320 + 26 * 26 * 32 * 128 + 128 + 1290, "pooling", **context)


def test_05_2_convolution():
    image = np.random.default_rng(2).random((8, 8))
    kernel = np.array([[1.0, 1, 1], [0, 0, 0], [-1, -1, -1]])
    right = np.array(
        [[np.sum(image[i : i + 3, j : j + 3] * kernel) for j in range(6)] for i in range(6)]
    )
    assert _judge("05.2", right, image=image, kernel=kernel).ok
    assert said("05.2", None, "not attempted", image=image, kernel=kernel)
    assert said("05.2", -right, "flipped", image=image, kernel=kernel)
    assert said("05.2", np.zeros((8, 8)), "trims 2 pixels", image=image, kernel=kernel)
    assert said("05.2", right.T, "transposed", image=image, kernel=kernel)


def test_05_3_discordant_counts():
    y = np.array([0, 1, 2, 3, 4, 5, 6, 7])
    a = np.array([0, 1, 2, 3, 4, 0, 0, 7])  # wrong on 5, 6
    b = np.array([0, 1, 0, 0, 4, 5, 0, 0])  # wrong on 2, 3, 6, 7
    context = dict(y=y, pred_a=a, pred_b=b)
    assert _judge("05.3", (3, 1), **context).ok
    assert said("05.3", None, "not attempted", **context)
    assert said("05.3", (1, 3), "swapped", **context)
    assert said("05.3", (2, 4), "each model's errors", **context)
    assert said("05.3", (6, 4), "right answers", **context)
