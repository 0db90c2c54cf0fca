"""Lectures 09-10's checkers: the reference accepted, None and the typical mistakes named."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import median_filter
from sklearn.model_selection import GroupKFold, KFold

from dlies.exercises import _judge

RNG = np.random.default_rng(0)
Z = RNG.uniform(0, 3, 30)
TEMP = 10 + 25 * Z + RNG.normal(0, 2, 30)


def said(exercise_id, answer, message, **context):
    verdict = _judge(exercise_id, answer, **context)
    return not verdict.ok and message in verdict.message


def test_09_1_mse_gradient():
    r = 5 * Z + 35 - TEMP
    right = np.array([2 * np.mean(r * Z), 2 * np.mean(r)])
    context = dict(z=Z, temp=TEMP, theta=(5.0, 35.0))
    assert _judge("09.1", right, **context).ok
    assert said("09.1", None, "not attempted", **context)
    assert said("09.1", right / 2, "factor 2 is missing", **context)
    assert said("09.1", right * 30, "gradient of the sum", **context)
    assert said("09.1", right[::-1], "order", **context)


def test_09_2_cross_validation():
    u, t = (Z[:20] - 1.5) / 1.5, TEMP[:20]
    u_test, t_test = (Z[20:] - 1.5) / 1.5, TEMP[20:]

    def rmse(fit, ev):
        c = np.polyfit(u[fit], t[fit], 2)
        return np.sqrt(np.mean((np.polyval(c, u[ev]) - t[ev]) ** 2))

    fold_mse = [rmse(i, j) ** 2 for i, j in KFold(5, shuffle=True, random_state=0).split(u)]
    everything = np.arange(20)
    c_all = np.polyfit(u, t, 2)
    test_rmse = np.sqrt(np.mean((np.polyval(c_all, u_test) - t_test) ** 2))
    context = dict(u_train=u[:, None], t_train=t, u_test=u_test[:, None], t_test=t_test, degree=2)
    assert _judge("09.2", np.sqrt(np.mean(fold_mse)), **context).ok
    assert said("09.2", None, "not attempted", **context)
    assert said("09.2", test_rmse, "test error", **context)
    assert said("09.2", rmse(everything, everything), "training error", **context)
    assert said("09.2", np.mean(np.sqrt(fold_mse)), "average their MSE", **context)


def test_09_3_despiked_calibration():
    rng = np.random.default_rng(1)
    turbidity = np.exp(rng.normal(3, 1, 600))
    turbidity[rng.integers(0, 600, 30)] *= 20  # spikes
    sampled = np.zeros(600, bool)
    sampled[rng.choice(600, 120, replace=False)] = True
    ssc = 1.8 * median_filter(turbidity, size=9)[sampled] ** 1.15 * np.exp(rng.normal(0, 0.2, 120))
    week = np.flatnonzero(sampled) // 60

    def held_out(readings, folds):
        pred = np.empty(120)
        for tr, te in folds:
            b, a = np.polyfit(np.log(readings[tr]), np.log(ssc[tr]), 1)
            pred[te] = np.exp(a + b * np.log(readings[te]))
        return pred

    despiked = median_filter(turbidity, size=9)[sampled]
    weeks = list(GroupKFold(5).split(despiked, ssc, groups=week))
    right = held_out(despiked, weeks)
    context = dict(turbidity=turbidity, sampled=sampled, ssc=ssc, week=week)
    assert _judge("09.3", right, **context).ok
    assert said("09.3", None, "not attempted", **context)
    assert said("09.3", held_out(turbidity[sampled], weeks), "raw readings", **context)
    shuffled = list(KFold(5, shuffle=True, random_state=0).split(despiked))
    assert said("09.3", held_out(despiked, shuffled), "whole weeks", **context)
    assert said("09.3", np.log(right), "log SSC", **context)


def test_10_1_precision_recall():
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 1])
    pred = np.array([1, 1, 0, 1, 0, 0, 0, 0, 0, 0])  # TP 2, FP 1, FN 2, TN 5
    assert _judge("10.1", (2 / 3, 2 / 4), y=y, pred=pred).ok
    assert said("10.1", None, "not attempted", y=y, pred=pred)
    assert said("10.1", (2 / 4, 2 / 3), "swapped", y=y, pred=pred)
    assert said("10.1", (2 / 3, 5 / 6), "specificity", y=y, pred=pred)


def test_10_2_cost_threshold():
    rng = np.random.default_rng(2)
    y_val, y_test = rng.random(400) < 0.15, rng.random(300) < 0.15
    p_val = np.clip(0.15 + 0.4 * y_val + rng.normal(0, 0.15, 400), 0, 1)
    p_test = np.clip(0.15 + 0.4 * y_test + rng.normal(0, 0.25, 300), 0, 1)
    candidates = np.linspace(0.01, 0.99, 99)

    def best(p, y, miss, alarm):
        cost = [np.mean(miss * ((p >= t) < y) + alarm * ((p >= t) > y)) for t in candidates]
        return candidates[np.argmin(cost)]

    context = dict(p_val=p_val, y_val=y_val, p_test=p_test, y_test=y_test,
                   candidates=candidates, cost_miss=50.0, cost_alarm=1.0)  # fmt: skip
    right = best(p_val, y_val, 50, 1)
    assert best(p_test, y_test, 50, 1) != right and best(p_val, y_val, 1, 50) != right
    assert _judge("10.2", right, **context).ok
    assert said("10.2", None, "not attempted", **context)
    assert said("10.2", best(p_test, y_test, 50, 1), "chosen on the test events", **context)
    assert said("10.2", best(p_val, y_val, 1, 50), "costs are swapped", **context)


def test_10_3_two_feature_classifier():
    y = (np.random.default_rng(3).random(200) < 0.5).astype(int)
    almost = y.copy()
    almost[:2] = 1 - almost[:2]  # 99 % right
    assert _judge("10.3", almost, y_test=y).ok
    assert said("10.3", None, "not attempted", y_test=y)
    assert said("10.3", 1 - y, "inverted", y_test=y)
    assert said("10.3", y * 0.7, "0 or 1", y_test=y)
    assert said("10.3", y[:150], "shape", y_test=y)
