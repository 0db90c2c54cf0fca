"""Lecture 15's checkers: the reference accepted, None and the typical mistakes named."""

from __future__ import annotations

import numpy as np
from scipy import stats

from dlies.exercises import _judge
from dlies.stats import poisson_interval


def said(exercise_id, answer, message, **context):
    verdict = _judge(exercise_id, answer, **context)
    return not verdict.ok and message in verdict.message


def test_15_1_poisson_rate():
    context = dict(count=13, hours=1.3)
    iv = poisson_interval(13, 1.3)
    assert _judge("15.1", (iv.value, iv.low, iv.high), **context).ok
    assert said("15.1", None, "not attempted", **context)
    half = 1.96 * np.sqrt(13) / 1.3
    assert said("15.1", (10.0, 10.0 - half, 10.0 + half), "normal approximation", **context)
    assert said("15.1", (13, iv.low * 1.3, iv.high * 1.3), "divide by the hours", **context)
    narrow = stats.chi2.ppf(0.975, 26) / 2 / 1.3
    assert said("15.1", (iv.value, iv.low, narrow), "2k + 2", **context)


def test_15_2_hits_and_false():
    onsets = np.array([10.0, 70.0, 130.0, 190.0])
    detected = np.array([11.0, 12.0, 73.0, 100.0, 131.5])  # 12 s: a second detection of 10
    context = dict(detected=detected, onsets=onsets, tolerance=2.0)
    assert _judge("15.2", (0.5, 2), **context).ok  # 10 and 130 hit; 73 and 100 are false
    assert said("15.2", None, "not attempted", **context)
    assert said("15.2", (2 / 5, 2), "not by the detections", **context)
    assert said("15.2", (0.5, 3), "detections minus hits", **context)
    assert said("15.2", (0.75, 1), "the tolerance", **context)


def test_15_3_normalised_cross_correlation():
    rng = np.random.default_rng(0)
    template = rng.normal(size=(40, 3))
    x = rng.normal(size=(200, 3))
    x[70:110] += 3 * template
    lags = 200 - 40 + 1
    num = np.array([np.sum(x[k : k + 40] * template) for k in range(lags)])
    norm = np.array([np.linalg.norm(x[k : k + 40]) for k in range(lags)]) * np.linalg.norm(template)
    context = dict(x=x, template=template)
    right = num / norm
    assert _judge("15.3", right, **context).ok and np.argmax(right) == 70
    assert said("15.3", None, "not attempted", **context)
    assert said("15.3", num, "normalised", **context)
    assert said("15.3", num / np.linalg.norm(template), "the window under the template", **context)
    flipped = np.array([np.sum(x[k : k + 40] * template[::-1]) for k in range(lags)])
    assert said("15.3", flipped / norm, "reversed", **context)


def test_15_4_false_alarm_threshold():
    rng = np.random.default_rng(1)
    y_val, y_test = rng.integers(0, 7, 500), rng.integers(0, 7, 500)
    score_val = np.where(y_val == 6, rng.random(500), 1 + rng.random(500))
    score_test = np.where(y_test == 6, rng.random(500) * 1.1, 1 + rng.random(500))
    context = dict(score_val=score_val, y_val=y_val, score_test=score_test, y_test=y_test,
                   noise_class=6, false_alarm=0.02)  # fmt: skip
    noise = score_val[y_val == 6]
    assert _judge("15.4", np.quantile(noise, 0.98), **context).ok
    assert said("15.4", None, "not attempted", **context)
    assert said("15.4", np.quantile(score_test[y_test == 6], 0.98), "test windows", **context)
    assert said("15.4", np.quantile(noise, 0.02), "quantile", **context)
    assert said("15.4", np.quantile(score_val, 0.98), "noise windows only", **context)
