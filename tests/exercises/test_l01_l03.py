"""Lectures 01-03's checkers: the reference accepted, None and the typical mistakes named."""

from __future__ import annotations

import numpy as np
import pytest

from dlies.datasets import make_mantle_stability
from dlies.exercises import _judge
from dlies.physics.rayleigh import RA_CR_MIN, critical_rayleigh

X = np.linspace(-1.0, 1.0, 12).reshape(4, 3)
W = np.arange(6.0).reshape(3, 2) - 2.5
B = np.array([0.5, -0.5])
T = np.ones((4, 2))


def said(exercise_id, answer, message, **context):
    verdict = _judge(exercise_id, answer, **context)
    return not verdict.ok and message in verdict.message


def test_01_1_cast_and_call():
    right = np.maximum(X @ W + B, 0)
    assert _judge("01.1", right, x=X, w=W, b=B).ok
    assert said("01.1", None, "not attempted", x=X, w=W, b=B)
    assert said("01.1", X @ W + B, "ReLU", x=X, w=W, b=B)
    assert said("01.1", np.maximum(np.trunc(X) @ W + B, 0), "integer", x=X, w=W, b=B)
    assert said("01.1", right.T, "transposed", x=X, w=W, b=B)


def test_01_2_second_derivative():
    x = np.linspace(-6, 6, 200)
    assert _judge("01.2", -np.sin(x), x=x).ok
    assert said("01.2", None, "not attempted", x=x)
    assert said("01.2", np.cos(x), "first derivative", x=x)
    assert said("01.2", np.sin(x), "sign flipped", x=x)


def test_01_3_loss_gradient():
    z = X @ W + B
    d = 2 * (np.maximum(z, 0) - T) / T.size * (z > 0)
    context = dict(x=X, w=W, b=B, target=T)
    assert (z < 0).any()  # the ReLU's mask matters for this batch
    assert _judge("01.3", X.T @ d, **context).ok
    assert said("01.3", None, "not attempted", **context)
    assert said("01.3", 8 * X.T @ d, "of the sum", **context)
    assert said("01.3", d.sum(axis=0), "respect to b", **context)
    assert said("01.3", -X.T @ d, "wrong sign", **context)


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    x = rng.uniform(-10, 10, 100)
    return x, 5 * x**2 + 14.3 * x + 8.9 + rng.normal(0, 1, 100), np.array([[4.0], [1.0], [0.5]])


def test_02_1_l2_loss(batch):
    x, y, w = batch
    r = np.column_stack([x**2, x, np.ones(100)]) @ w.ravel() - y
    assert _judge("02.1", 0.5 * np.sum(r**2), x=x, y=y, w=w).ok
    assert said("02.1", None, "not attempted", x=x, y=y, w=w)
    assert said("02.1", np.sum(r**2), "half of it", x=x, y=y, w=w)
    assert said("02.1", np.mean(r**2), "mean squared error", x=x, y=y, w=w)


def test_02_2_gradient_step(batch):
    x, y, w = batch
    F = np.column_stack([x**2, x, np.ones(100)])
    step = -1e-6 * F.T @ (F @ w - y[:, None])
    context = dict(x=x, y=y, w=w, learning_rate=1e-6)
    assert _judge("02.2", w + step, **context).ok
    assert said("02.2", None, "not attempted", **context)
    assert said("02.2", w - step, "uphill", **context)
    assert said("02.2", w + step / 100, "mean loss", **context)
    assert said("02.2", w, "did not move", **context)
    assert said("02.2", (w + step).T, "transposed", **context)


def test_02_3_noisy_least_squares(batch):
    x, y, _ = batch
    coef = np.polyfit(x, y, 2)  # [a, b, c]
    assert _judge("02.3", coef, x=x, y=y).ok
    assert said("02.3", None, "not attempted", x=x, y=y)
    assert said("02.3", coef[::-1], "order is c, b, a", x=x, y=y)
    assert said("02.3", [5.0, 14.3, 8.9], "true coefficients", x=x, y=y)


@pytest.fixture(scope="module")
def layers():
    X, y, _ = make_mantle_stability(500, random_state=1)
    g, alpha, nu, kappa, depth, b, lam, dt = X.T
    ra, ra_depth = (alpha * g * dt * h**3 / (nu * kappa) for h in (b, depth))
    return X, ra, lam / b, ra_depth


def test_03_1_log_features(layers):
    X, ra, ratio, ra_depth = layers
    right = np.log10(np.column_stack([ra, ratio]))
    assert _judge("03.1", right, X=X).ok
    assert said("03.1", None, "not attempted", X=X)
    assert said("03.1", np.log(np.column_stack([ra, ratio])), "natural", X=X)
    assert said("03.1", right[:, ::-1], "swapped", X=X)
    assert said("03.1", np.column_stack([np.log10(ra_depth), right[:, 1]]), "depth", X=X)
    assert said("03.1", right.T, "transposed", X=X)


def test_03_2_layer_label(layers):
    X, ra, ratio, _ = layers
    right = (ra > RA_CR_MIN).astype(int)
    assert _judge("03.2", right, X=X).ok
    assert _judge("03.2", right.astype(bool), X=X).ok
    assert said("03.2", None, "not attempted", X=X)
    assert said("03.2", (ra > critical_rayleigh(ratio)).astype(int), "drawn mode", X=X)
    assert said("03.2", 1 - right, "inverted", X=X)
    assert said("03.2", right[:-1], "shape", X=X)


def test_03_3_layer_classifier(layers):
    X, ra, ratio, _ = layers
    right = (ra > RA_CR_MIN).astype(int)
    almost = right.copy()
    almost[:3] = 1 - almost[:3]  # 99.4 % right
    assert _judge("03.3", almost, X_test=X).ok
    assert said("03.3", None, "not attempted", X_test=X)
    assert said("03.3", (ra > critical_rayleigh(ratio)).astype(int), "drawn mode", X_test=X)
    assert said("03.3", 1 - right, "inverted", X_test=X)
    assert said("03.3", right * 0.9, "threshold the probabilities", X_test=X)
