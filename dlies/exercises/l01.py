"""Checkers of lecture 01 (TensorFlow basics): dtypes, nested tapes, the gradient of a loss."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


def _relu(z):
    return np.maximum(z, 0.0)


@exercise("01.1", "a float64 input through a float32 graph")
def cast_and_call(answer, *, x, w, b) -> Verdict:
    """``answer``: ``affine`` of the float64 ``x``, shape (n, 2); float32 precision (1e-5)."""
    x, w, b = (np.asarray(v, dtype=float) for v in (x, w, b))
    return close_to(
        answer,
        _relu(x @ w + b),
        what="the output",
        rtol=1e-5,
        atol=1e-5,
        right="relu(x w + b), once x is cast to float32",
        mistakes=[
            (x @ w + b, "the negative values should be 0: call affine, which ends with a ReLU"),
            (_relu(np.trunc(x) @ w + b), "x was cast to an integer type: cast to tf.float32"),
            (_relu(x @ w), "the bias b is missing"),
        ],
    )


@exercise("01.2", "the second derivative of sin x by two tapes")
def second_derivative(answer, *, x) -> Verdict:
    """``answer``: d²(sin x)/dx² at every x, shape (n,); within 1e-5."""
    x = np.asarray(x, dtype=float)
    return close_to(
        answer,
        -np.sin(x),
        what="the second derivative",
        rtol=1e-5,
        atol=1e-5,
        right="−sin x at every point, from the outer tape differentiating the inner one",
        mistakes=[
            (np.cos(x), "this is the first derivative, cos x: differentiate it once more"),
            (np.sin(x), "this is sin x itself, or its second derivative with the sign flipped"),
            (-np.cos(x), "this is −cos x, the third derivative: one tape too many"),
        ],
    )


@exercise("01.3", "the gradient of a mean squared error through affine")
def loss_gradient(answer, *, x, w, b, target) -> Verdict:
    """``answer``: dL/dw of L = mean((affine(x, w, b) - target)²), shape of ``w``; 1e-4."""
    x, w, b, t = (np.asarray(v, dtype=float) for v in (x, w, b, target))
    z = x @ w + b
    out = _relu(z)
    d_out = 2 * (out - t) / out.size  # dL/d(out) of the mean
    reference = x.T @ (d_out * (z > 0))
    return close_to(
        answer,
        reference,
        what="the gradient",
        rtol=1e-4,
        atol=1e-6,
        right="dL/dw, the same shape as w: what an optimiser needs",
        mistakes=[
            (reference * out.size, "this is the gradient of the sum: the loss is the mean"),
            ((d_out * (z > 0)).sum(axis=0), "this is the gradient with respect to b, not w"),
            (x.T @ d_out, "a ReLU passes no gradient where its input is negative"),
        ],
    )
