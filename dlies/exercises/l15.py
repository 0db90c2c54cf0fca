"""Checkers of lecture 15 (detection and location): a false-detection rate with its exact
Poisson interval, hits and false detections against injected onsets, a normalised
cross-correlation, and a threshold set at a false-alarm rate on validation windows."""

from __future__ import annotations

import numpy as np
from scipy import stats

from dlies.exercises import Verdict, close_to, exercise
from dlies.stats import poisson_interval

__all__: list[str] = []


@exercise("15.1", "false detections per hour with an exact Poisson interval")
def poisson_rate(answer, *, count, hours) -> Verdict:
    """``answer``: (rate, low, high) per hour, the exact (Garwood) 95 % interval of ``count``
    false detections in ``hours``; within 1e-6 relative."""
    count, hours = int(count), float(hours)
    iv = poisson_interval(count, hours)  # the course's exact (Garwood) interval
    rate, low, high = iv.value, iv.low, iv.high
    half = 1.96 * np.sqrt(count) / hours
    narrow_high = stats.chi2.ppf(0.975, 2 * count) / 2 / hours if count else 0.0
    return close_to(
        answer,
        [rate, low, high],
        what="(rate, low, high)",
        rtol=1e-6,
        atol=1e-9,
        right="the chi-square quantiles with 2k and 2k + 2 degrees of freedom, halved, per hour",
        mistakes=[
            ([rate, rate - half, rate + half], "this is the normal approximation k ± 1.96 √k: "
             "use the chi-square quantiles, exact for a Poisson count"),
            ([count, low * hours, high * hours], "these are counts: divide by the hours of "
             "record to get a rate per hour"),
            ([rate, low, narrow_high], "the upper bound uses 2k + 2 degrees of freedom, not 2k"),
        ],
    )  # fmt: skip


def _hits_and_false(detected, onsets, tolerance):
    detected, onsets = np.asarray(detected, float), np.asarray(onsets, float)
    if len(detected) == 0:
        return 0.0, 0, 0
    near = np.abs(detected[:, None] - onsets[None, :]) <= tolerance
    hits = int(near.any(axis=0).sum())
    return hits / len(onsets), int((~near.any(axis=1)).sum()), hits


@exercise("15.2", "hits and false detections against injected onsets")
def hits_and_false(answer, *, detected, onsets, tolerance=2.0) -> Verdict:
    """``answer``: (recall, false detections) of the detection times ``detected`` (s) against
    the injected ``onsets`` (s): an onset is hit when a detection lies within ``tolerance``
    of it; a detection near no onset is false. Recall within 1e-9, the count exact."""
    recall, false, hits = _hits_and_false(detected, onsets, tolerance)
    n_det = len(np.asarray(detected))
    wide_recall, wide_false, _ = _hits_and_false(detected, onsets, 2 * tolerance)
    return close_to(
        answer,
        [recall, false],
        what="(recall, false detections)",
        rtol=1e-9,
        atol=1e-9,
        right=f"{hits} of {len(onsets)} onsets hit, {false} detections near none",
        mistakes=[
            ([hits / max(n_det, 1), false], "the recall divides by the injected onsets, not by "
             "the detections (that would be a precision)"),
            ([recall, n_det - hits], "a false detection is one near no onset: counting "
             "detections minus hits miscounts when two detections share an onset"),
            ([wide_recall, wide_false], f"the tolerance is ±{tolerance:g} s, not "
             f"±{2 * tolerance:g} s"),
        ],
    )  # fmt: skip


def _ncc(x, template):
    x, template = np.asarray(x, float), np.asarray(template, float)
    length = len(template)
    lags = x.shape[0] - length + 1
    view = np.lib.stride_tricks.sliding_window_view(x, length, axis=0)[:lags]  # (lags, c, L)
    num = np.einsum("kcl,lc->k", view, template)
    return num, np.sqrt((view**2).sum(axis=(1, 2))) * np.linalg.norm(template)


@exercise("15.3", "the normalised cross-correlation of a window with a template")
def normalised_cross_correlation(answer, *, x, template) -> Verdict:
    """``answer``: c(τ) for every lag τ = 0 ... samples − L of the window ``x`` (samples, c)
    with the template (L, c), summed over components; within 1e-4 absolute."""
    num, norm = _ncc(x, template)
    reference = num / norm
    flipped_num, _ = _ncc(x, np.asarray(template, float)[::-1])
    return close_to(
        answer,
        reference,
        what="c(τ)",
        rtol=0,
        atol=1e-4,
        right=f"{len(reference)} lags, largest c = {reference.max():.3f}",
        mistakes=[
            (num / np.linalg.norm(np.asarray(template, float)), "divide by the norm of the "
             "window under the template at each lag too: without it loud noise scores high"),
            (num, "c(τ) is normalised: divide by the norms of the window segment and the "
             "template, so that an exact copy gives 1"),
            (flipped_num / norm, "the template is reversed in time: that is a convolution; "
             "cross-correlation slides the template as it is"),
        ],
    )  # fmt: skip


@exercise("15.4", "a threshold at a false-alarm rate, set on validation windows")
def false_alarm_threshold(
    answer, *, score_val, y_val, score_test, y_test, noise_class, false_alarm
) -> Verdict:
    """``answer``: the threshold that declares a share ``false_alarm`` of the validation noise
    windows events (the (1 − false_alarm) quantile of their scores); within 1e-9 relative."""
    noise_val = np.asarray(score_val, float)[np.asarray(y_val) == noise_class]
    noise_test = np.asarray(score_test, float)[np.asarray(y_test) == noise_class]
    reference = np.quantile(noise_val, 1 - false_alarm)
    return close_to(
        answer,
        reference,
        what="the threshold",
        rtol=1e-9,
        atol=1e-12,
        right=f"{np.mean(noise_val > reference):.1%} of the validation noise windows above it",
        mistakes=[
            (np.quantile(noise_test, 1 - false_alarm), "this threshold was set on the test "
             "windows: set it on the validation windows and keep the test for the score"),
            (np.quantile(noise_val, false_alarm), f"this is the {false_alarm:g} quantile: "
             f"{1 - false_alarm:.0%} of the noise windows would be declared events"),
            (np.quantile(np.asarray(score_val, float), 1 - false_alarm), "use the noise "
             "windows only: a false alarm is a noise window declared an event"),
        ],
    )  # fmt: skip
