"""Checkers of lecture 02 (a quadratic by gradient descent): the loss, a step, least squares."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


def _features(x):
    x = np.asarray(x, dtype=float).ravel()
    return np.column_stack([x**2, x, np.ones_like(x)])


@exercise("02.1", "the seed's loss: half the sum of squared errors")
def l2_loss(answer, *, x, y, w) -> Verdict:
    """``answer``: ½ Σ (f(x)·w − y)² over the batch; within 1 % (float32 arithmetic)."""
    residual = _features(x) @ np.asarray(w, dtype=float).ravel() - np.asarray(y, float).ravel()
    reference = 0.5 * np.sum(residual**2)
    n = len(residual)
    return close_to(
        answer,
        reference,
        what="the loss",
        rtol=1e-2,
        right="half the sum of squared errors, as tf.nn.l2_loss computes it",
        mistakes=[
            (2 * reference, "this is the sum of squares: tf.nn.l2_loss takes half of it"),
            (2 * reference / n, "this is the mean squared error: the seed's loss is ½ Σ r²"),
            (reference / n, "this is half the mean: the seed's loss sums over the batch"),
            (np.sqrt(2 * reference / n), "this is the RMS error: the loss is ½ Σ r²"),
        ],
    )


@exercise("02.2", "one step of plain gradient descent")
def gradient_step(answer, *, x, y, w, learning_rate) -> Verdict:
    """``answer``: the weights after one step w − η ∇L of the l2 loss, shape of ``w``; the
    step (answer − w) within 0.1 %."""
    w = np.asarray(w, dtype=float)
    F = _features(x)
    residual = F @ w.ravel() - np.asarray(y, dtype=float).ravel()
    gradient = (F.T @ residual).reshape(w.shape)
    step = -learning_rate * gradient
    a = np.asarray(answer, dtype=float)
    if a.shape != w.shape:
        return close_to(a, w + step, what="the new weights")  # the shape, or a transposition
    if np.allclose(a, w, rtol=0, atol=1e-12 + 1e-9 * np.abs(w).max()):
        return Verdict(False, "the weights did not move: subtract learning_rate × the gradient")
    return close_to(
        a - w,
        step,
        what="the step (new weights − old)",
        rtol=1e-3,
        right="w − η ∇L: a step downhill",
        mistakes=[
            (-step, "the step goes uphill: subtract the gradient, do not add it"),
            (step / len(residual), "this gradient is of the mean loss: the l2 loss is a sum"),
            (2 * step, "the gradient of ½ Σ r² is Σ r f(x): there is no factor 2"),
        ],
    )


@exercise("02.3", "least squares on noisy data")
def noisy_least_squares(answer, *, x, y) -> Verdict:
    """``answer``: the least-squares coefficients [a, b, c] of y on (x², x, 1); within 1e-4."""
    reference = np.linalg.lstsq(_features(x), np.asarray(y, dtype=float).ravel(), rcond=None)[0]
    return close_to(
        answer,
        reference,
        what="the coefficients",
        rtol=1e-4,
        atol=1e-6,
        right="the least-squares a, b, c: the best any optimiser can do on these points",
        mistakes=[
            (reference[::-1], "the order is c, b, a: the exercise asks for [a, b, c]"),
            ([5.0, 14.3, 8.9], "these are the true coefficients: fit them to the noisy points"),
        ],
    )
