"""Checkers of lecture 16 (diffractions vs reflections): the parameters of a convolution, the
peak lags of a correlation panel, the false-alarm rate of the realistic-mode detector."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


@exercise("16.1", "the parameters of a convolutional layer")
def conv_parameters(answer, *, kernel, in_channels, filters) -> Verdict:
    """``answer``: the number of trainable parameters of a ``Conv2D(filters, kernel)`` on
    ``in_channels`` input channels; exact."""
    k = int(np.prod(kernel))
    return close_to(
        answer,
        k * in_channels * filters + filters,
        what="the parameter count",
        rtol=0,
        atol=0.5,
        right="k_h k_w K N weights and N biases",
        mistakes=[
            (k * in_channels * filters, "the N biases (one per filter) are missing"),
            (k * filters + filters, "each filter spans all K input channels: multiply by K"),
            (k * in_channels + 1, "that is one filter: the layer has N of them"),
        ],
    )  # fmt: skip


@exercise("16.2", "the peak lag of every trace pair")
def peak_lags(answer, *, panels, max_lag) -> Verdict:
    """``answer``: the lag (samples, from ``-max_lag`` to ``max_lag``) of the correlation peak
    of every trace pair, shape (n_windows, n_pairs); exact."""
    p = np.asarray(panels, dtype=float)
    p = p[..., 0] if p.ndim == 4 else p
    index = p.argmax(axis=2)
    return close_to(
        answer,
        index - max_lag,
        what="the peak lags",
        rtol=0,
        atol=1e-9,
        right="argmax over the lag axis, minus max_lag",
        mistakes=[
            (index, "these are column indices: subtract max_lag to get lags"),
            (p.argmin(axis=2) - max_lag, "argmin finds the trough: the peak is the maximum"),
            (p.argmax(axis=1), "the maximum was taken over the trace pairs: take it over the "
             "lags (the last axis)"),
        ],
    )  # fmt: skip


@exercise("16.3", "the false-alarm rate of the detector")
def false_alarm_rate(answer, *, y_true, y_pred) -> Verdict:
    """``answer``: the share of windows without a diffraction (label 0) that the detector
    calls "holds a diffraction" (1); within 1e-9."""
    y, p = np.asarray(y_true).astype(bool), np.asarray(y_pred).astype(bool)
    return close_to(
        answer,
        np.mean(p[~y]),
        what="the false-alarm rate",
        rtol=0,
        atol=1e-9,
        right="false alarms over the reflection-only windows",
        mistakes=[
            (np.mean(p & ~y), "divided by all windows: divide by the reflection-only ones"),
            (np.mean(~p[~y]), "this is the share of reflection-only windows called right (the "
             "specificity): the false alarms are the others"),
            (np.mean(~p[y]), "this is the miss rate, over the windows that hold a diffraction"),
            (np.mean(p[y]), "this is the detection rate: count over the reflection-only windows"),
        ],
    )  # fmt: skip
