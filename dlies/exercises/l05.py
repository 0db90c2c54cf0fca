"""Checkers of lecture 05 (CNN on MNIST): counting parameters, a convolution by hand, the
counts of a paired comparison."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


def _cnn_parameters(filters, kernel_size, dense, side, classes, *, biases=True, pool=True):
    total, channels = 0, 1
    for n in filters:
        total += kernel_size * kernel_size * channels * n + (n if biases else 0)
        side = side - kernel_size + 1
        side = side // 2 if pool else side
        channels = n
    flat = side * side * channels
    return total + flat * dense + dense * classes + ((dense + classes) if biases else 0)


@exercise("05.1", "the parameters of a one-block CNN")
def cnn_parameters(answer, *, filters, kernel_size=3, dense=128, side=28, classes=10) -> Verdict:
    """``answer``: the number of parameters of ``cnn_classifier(filters, kernel_size, dense)``
    on side × side images; exact."""
    args = (tuple(filters), kernel_size, dense, side, classes)
    return close_to(
        answer,
        _cnn_parameters(*args),
        what="the count",
        rtol=0,
        atol=0.5,
        right="every weight and bias counted: most of them in the dense layer",
        mistakes=[
            (_cnn_parameters(*args, biases=False), "the biases are missing (one per filter "
             "and one per unit)"),
            (_cnn_parameters(*args, pool=False), "the pooling halves each map before Flatten"),
        ],
    )  # fmt: skip


@exercise("05.2", "a valid convolution by hand")
def convolution(answer, *, image, kernel) -> Verdict:
    """``answer``: the valid cross-correlation of ``image`` with ``kernel`` (as Conv2D
    computes it), shape (h − k + 1, w − k + 1); within 1e-5."""
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    windows = sliding_window_view(image, kernel.shape)
    reference = (windows * kernel).sum(axis=(-2, -1))
    a = np.asarray(answer, dtype=float)
    if a.shape == image.shape:
        k = kernel.shape[0]
        return Verdict(False, f"shape {a.shape}: without padding a {k}×{k} filter trims "
                       f"{k - 1} pixels, as Conv2D does by default")  # fmt: skip
    flipped = (windows * kernel[::-1, ::-1]).sum(axis=(-2, -1))
    return close_to(
        a,
        reference,
        what="the feature map",
        rtol=1e-5,
        atol=1e-5,
        right="Σ A[i+n, j+m] B[n, m] at every valid position: Conv2D's output",
        mistakes=[
            (flipped, "the filter is flipped (the slides' convolution): deep-learning layers "
             "do not flip it"),
            (reference.T, "the map is transposed: its rows follow the image's rows"),
        ],
    )  # fmt: skip


@exercise("05.3", "the counts behind McNemar's test")
def discordant_counts(answer, *, y, pred_a, pred_b) -> Verdict:
    """``answer``: (digits only model a gets right, digits only model b gets right); exact."""
    y, pred_a, pred_b = (np.asarray(v) for v in (y, pred_a, pred_b))
    right_a, right_b = pred_a == y, pred_b == y
    only = (int(np.sum(right_a & ~right_b)), int(np.sum(~right_a & right_b)))
    a = np.asarray(answer, dtype=float)
    if a.shape != (2,):
        return Verdict(False, f"give two counts (only a right, only b right), got shape {a.shape}")
    if tuple(a) == only:
        return Verdict(True, "the discordant digits: the only ones a paired test looks at")
    if tuple(a) == only[::-1]:
        return Verdict(False, "the two counts are swapped: first the digits only a gets right")
    if tuple(a) == (int(np.sum(~right_a)), int(np.sum(~right_b))):
        return Verdict(False, "these are each model's errors; count the digits exactly one of "
                       "the two gets right")  # fmt: skip
    if tuple(a) == (int(np.sum(right_a)), int(np.sum(right_b))):
        return Verdict(False, "these are each model's right answers; count the digits exactly "
                       "one of the two gets right")  # fmt: skip
    return Verdict(False, "not the discordant counts: compare the two models digit by digit")
