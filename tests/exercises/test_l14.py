"""Lecture 14's checkers: the reference accepted, None and the typical mistakes named."""

from __future__ import annotations

import numpy as np

from dlies.exercises import _judge
from dlies.exercises.l14 import _targets

P, S = np.array([500, 820, 1300, 700]), np.array([900, -1, 1500, -1])
FS = 100.0


def said(exercise_id, answer, message, **context):
    verdict = _judge(exercise_id, answer, **context)
    return not verdict.ok and message in verdict.message


def test_14_1_gaussian_targets():
    context = dict(p_index=P, s_index=S, samples=2000, sigma_s=0.1, sampling_rate=FS)
    right = _targets(P, S, 2000, 10.0)
    assert np.allclose(right.sum(-1), 1.0) and right[0, 500, 0] == 1.0 and right[1, :, 1].max() == 0
    assert _judge("14.1", right, **context).ok
    assert said("14.1", None, "not attempted", **context)
    assert said("14.1", _targets(P, S, 2000, 0.1), "in seconds", **context)
    no_noise = right.copy()
    no_noise[..., 2] = 0
    assert said("14.1", no_noise, "noise channel is empty", **context)
    assert said("14.1", _targets(P, np.abs(S), 2000, 10.0), "no bump", **context)


def test_14_2_pick_scores():
    picks = [np.array([505, 1400]), np.array([]), np.array([1320]), np.array([100])]
    truth = np.array([500, 820, 1300, -1])
    context = dict(picks=picks, truth=truth, tol_s=0.1, sampling_rate=FS)
    tp, fp, fn = 1, 3, 2  # 505 hits; 1400 extra; 1320 is 0.2 s late; 100 in a window with none
    right = (tp / (tp + fp), tp / (tp + fn), 2 * tp / (2 * tp + fp + fn))
    assert _judge("14.2", right, **context).ok
    assert said("14.2", None, "not attempted", **context)
    assert said("14.2", (1 / 3, 1 / 3, 1 / 3), "second pick", **context)
    assert said("14.2", (right[1], right[0], right[2]), "swapped", **context)
    assert said("14.2", (0.0, 0.0, 0.0), "in seconds", **context)


def test_14_3_station_folds():
    station = np.array(["A", "A", "B", "C", "C", "D"])
    context = dict(station=station, n_folds=3)
    assert _judge("14.3", [0, 0, 1, 2, 2, 1], **context).ok
    assert said("14.3", None, "not attempted", **context)
    assert said("14.3", [0, 1, 2, 0, 1, 2], "station A has records in folds [0, 1]", **context)
    assert said("14.3", [0, 0, 1, 1, 1, 0], "hold no record", **context)
    assert said("14.3", [0, 0, 1], "one fold per record", **context)


def test_14_4_shifted_loss():
    context = dict(
        p_index=P, s_index=S, samples=2000, sigmas_s=(0.1, 0.3), shift_s=0.1, sampling_rate=FS
    )

    def extra(sigma, move, reduce=np.mean, floor=True):
        y = _targets(P, S, 2000, sigma * FS)
        q = _targets(np.where(P >= 0, P + move, -1), np.where(S >= 0, S + move, -1), 2000,
                     sigma * FS)  # fmt: skip

        def ce(a, b):
            return reduce(-np.sum(a * np.log(np.clip(b, 1e-7, 1)), axis=-1))

        return ce(y, q) - (ce(y, y) if floor else 0)

    right = [extra(0.1, 10), extra(0.3, 10)]
    assert right[1] < right[0]  # the lesson: a wide target forgives a late pick
    assert _judge("14.4", right, **context).ok
    assert said("14.4", None, "not attempted", **context)
    assert said("14.4", [extra(0.1, 10, floor=False), extra(0.3, 10, floor=False)], "whole",
                **context)  # fmt: skip
    assert said("14.4", [extra(0.1, 10, np.sum), extra(0.3, 10, np.sum)], "sum", **context)
