"""Lectures 11 and 13's checkers: the reference accepted, None and the typical mistakes named."""

from __future__ import annotations

import warnings

import numpy as np
from scipy.signal import butter, sosfiltfilt
from sklearn.decomposition import FastICA
from sklearn.exceptions import ConvergenceWarning
from sklearn.neighbors import NearestNeighbors

from dlies.exercises import _judge
from dlies.stats import bootstrap_interval

RNG = np.random.default_rng(0)


def said(exercise_id, answer, message, **context):
    verdict = _judge(exercise_id, answer, **context)
    return not verdict.ok and message in verdict.message


def test_11_1_spectral_silence():
    t = np.arange(3000) / 100.0
    traces = np.sin(2 * np.pi * 3.0 * t) * np.exp(-t / 5) + 0.05 * RNG.standard_normal((8, 3000))
    traces += 2.0  # an offset: the mean must go
    context = dict(traces=traces, sampling_rate=100.0)
    spec = np.abs(np.fft.rfft(traces - traces.mean(axis=1, keepdims=True), axis=1))
    right = (spec < 0.1 * spec.max(axis=1, keepdims=True)).mean(axis=1)
    assert _judge("11.1", right, **context).ok
    assert said("11.1", None, "not attempted", **context)
    assert said("11.1", 1 - right, "loud bins", **context)
    raw = np.abs(np.fft.rfft(traces, axis=1))
    assert said("11.1", (raw < 0.1 * raw.max(axis=1, keepdims=True)).mean(1), "mean", **context)


def test_11_2_reweighted_precision():
    y_true = RNG.integers(0, 6, 600)
    y_pred = np.where(RNG.random(600) < 0.8, y_true, RNG.integers(0, 6, 600))
    prior = np.array([0.9, 0.07, 0.01, 0.01, 0.005, 0.005])
    context = dict(y_true=y_true, y_pred=y_pred, prior=prior, k=5)
    rates = np.array([[np.mean(y_pred[y_true == j] == i) for i in range(6)] for j in range(6)])
    right = prior[5] * rates[5, 5] / (prior @ rates[:, 5])
    assert _judge("11.2", right, **context).ok
    assert said("11.2", None, "not attempted", **context)
    assert said("11.2", np.mean(y_true[y_pred == 5] == 5), "own class frequencies", **context)
    assert said("11.2", rates[5, 5], "recall", **context)


def test_11_3_discordant_counts():
    y = RNG.integers(0, 6, 300)
    a = np.where(RNG.random(300) < 0.9, y, (y + 1) % 6)
    b = np.where(RNG.random(300) < 0.8, y, (y + 2) % 6)
    only_a, only_b = np.sum((a == y) & (b != y)), np.sum((a != y) & (b == y))
    context = dict(y_true=y, pred_a=a, pred_b=b)
    assert _judge("11.3", (only_a, only_b), **context).ok
    assert said("11.3", None, "not attempted", **context)
    assert said("11.3", (only_b, only_a), "swapped", **context)
    assert said("11.3", (np.sum(a != y), np.sum(b != y)), "every error", **context)


def test_13_1_k_distance():
    points = RNG.normal(0, 1, (120, 2))
    d, _ = NearestNeighbors(n_neighbors=5).fit(points).kneighbors(points)
    context = dict(points=points, min_samples=5)
    assert _judge("13.1", np.sort(d[:, 4]), **context).ok
    assert said("13.1", None, "not attempted", **context)
    assert said("13.1", d[:, 4], "not sorted", **context)
    assert said("13.1", np.sort(d[:, 3]), "one neighbour short", **context)
    assert said("13.1", np.sort(d[:, 4])[::-1], "descending", **context)


def test_13_2_fourth_sensor():
    t = np.arange(6000) / 100.0
    spiky = RNG.standard_t(2, t.size)
    hum = np.sin(2 * np.pi * 12.5 * t)
    sos = butter(4, [0.15, 0.5], btype="bandpass", fs=100.0, output="sos")
    g1, g2 = (sosfiltfilt(sos, RNG.standard_normal(t.size)) for _ in range(2))
    S = np.vstack([spiky, g1, hum, g2])
    S = (S - S.mean(axis=1, keepdims=True)) / S.std(axis=1, keepdims=True)
    A = RNG.uniform(0.2, 1.0, (4, 4))
    context = dict(sources=S, gaussian=[False, True, False, True])
    right = FastICA(4, whiten="unit-variance", random_state=0).fit_transform((A @ S).T).T
    assert _judge("13.2", right, **context).ok
    assert _judge("13.2", right.T, **context).ok  # scikit-learn's layout is accepted
    assert said("13.2", None, "not attempted", **context)
    with warnings.catch_warnings():  # the wrong answer: 4 sources, 3 sensors, so no exact
        warnings.simplefilter("ignore", ConvergenceWarning)  # unmixing for FastICA to reach
        three = FastICA(3, whiten="unit-variance", random_state=0).fit_transform((A @ S)[:3].T).T
    assert said("13.2", three, "a fourth sensor", **context)
    assert said("13.2", A @ S, "non-Gaussian source", **context)


def test_13_3_block_interval():
    errors = RNG.gamma(2.0, 0.4, 180)
    starts = np.arange(180) * 1500
    context = dict(errors=errors, starts=starts, sampling_rate=100.0)
    right = bootstrap_interval(
        np.mean, errors, groups=starts // 60000, n_resamples=1000, random_state=0
    )
    naive = bootstrap_interval(np.mean, errors, n_resamples=1000, random_state=0)
    five = bootstrap_interval(
        np.mean, errors, groups=starts // 30000, n_resamples=1000, random_state=0
    )
    assert _judge("13.3", (right.low, right.high), **context).ok
    assert said("13.3", None, "not attempted", **context)
    assert said("13.3", (naive.low, naive.high), "single windows", **context)
    assert said("13.3", (five.low, five.high), "5-minute blocks", **context)
