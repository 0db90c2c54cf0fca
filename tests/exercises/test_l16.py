"""Lecture 16's checkers: the reference accepted, None and the typical mistakes named."""

from __future__ import annotations

import numpy as np

from dlies.exercises import _judge

RNG = np.random.default_rng(16)


def said(exercise_id, answer, message, **context):
    verdict = _judge(exercise_id, answer, **context)
    return not verdict.ok and message in verdict.message


def test_16_1_conv_parameters():
    context = dict(kernel=(5, 3), in_channels=4, filters=16)
    assert _judge("16.1", 5 * 3 * 4 * 16 + 16, **context).ok
    assert said("16.1", None, "not attempted", **context)
    assert said("16.1", 5 * 3 * 4 * 16, "biases", **context)
    assert said("16.1", 5 * 3 * 16 + 16, "input channels", **context)
    assert said("16.1", 5 * 3 * 4 + 1, "one filter", **context)


def test_16_2_peak_lags():
    panels = RNG.normal(size=(6, 9, 25, 1))
    context = dict(panels=panels, max_lag=12)
    right = panels[..., 0].argmax(axis=2) - 12
    assert _judge("16.2", right, **context).ok
    assert said("16.2", None, "not attempted", **context)
    assert said("16.2", right + 12, "column indices", **context)
    assert said("16.2", panels[..., 0].argmin(axis=2) - 12, "trough", **context)


def test_16_3_false_alarm_rate():
    y = RNG.integers(0, 2, 200)
    p = np.where(RNG.uniform(size=200) < 0.8, y, 1 - y)
    context = dict(y_true=y, y_pred=p)
    right = np.mean(p[y == 0] == 1)
    assert _judge("16.3", right, **context).ok
    assert said("16.3", None, "not attempted", **context)
    assert said("16.3", np.mean((p == 1) & (y == 0)), "all windows", **context)
    assert said("16.3", 1 - right, "specificity", **context)
    assert said("16.3", np.mean(p[y == 1] == 1), "detection rate", **context)
