"""Checkers of lecture 09 (regression): the gradient of the MSE, cross-validation by hand, a
calibration on despiked readings."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


@exercise("09.1", "the gradient of the mean squared error")
def mse_gradient(answer, *, z, temp, theta) -> Verdict:
    """``answer``: [∂L/∂a, ∂L/∂b] of L = mean((a z + b − T)²) at ``theta`` = (a, b);
    within 1e-6 (relative)."""
    z, temp = np.asarray(z, dtype=float), np.asarray(temp, dtype=float)
    a, b = np.asarray(theta, dtype=float)
    residual = a * z + b - temp
    reference = np.array([2 * np.mean(residual * z), 2 * np.mean(residual)])
    return close_to(
        answer,
        reference,
        what="the gradient",
        rtol=1e-6,
        right="(2/N) Σ r z and (2/N) Σ r: the slope of the loss surface at θ",
        mistakes=[
            (reference / 2, "the derivative of r² is 2 r: the factor 2 is missing"),
            (reference * len(z), "this is the gradient of the sum: the loss is a mean"),
            (reference[::-1], "the order is (∂L/∂b, ∂L/∂a): the exercise asks for a first"),
            (-reference, "the sign: the gradient points uphill; descent subtracts it"),
        ],
    )


def _polynomial_rmse(u_fit, t_fit, u_eval, t_eval, degree):
    coef = np.polyfit(np.ravel(u_fit), t_fit, degree)
    return float(np.sqrt(np.mean((np.polyval(coef, np.ravel(u_eval)) - t_eval) ** 2)))


@exercise("09.2", "cross-validation by hand")
def cross_validation(answer, *, u_train, t_train, u_test, t_test, degree, n_splits=5, seed=0):
    """``answer``: √(mean over the folds of the held-out MSE) of a polynomial of ``degree``,
    KFold(n_splits, shuffle=True, random_state=seed) on the training points; 1e-6."""
    from sklearn.model_selection import KFold  # scikit-learn loads only when checked

    u, t = np.ravel(u_train), np.asarray(t_train, dtype=float)
    folds = list(KFold(n_splits, shuffle=True, random_state=seed).split(u))
    fold_mse = [_polynomial_rmse(u[i], t[i], u[j], t[j], degree) ** 2 for i, j in folds]
    return close_to(
        answer,
        np.sqrt(np.mean(fold_mse)),
        what="the CV RMSE",
        rtol=1e-6,
        right="each fold predicted by a fit that never saw it: an estimate of the test error "
        "from the training points alone",
        mistakes=[
            (_polynomial_rmse(u, t, u_test, t_test, degree), "this is the test error: "
             "cross-validation must not touch the test set, which stays for the end"),
            (_polynomial_rmse(u, t, u, t, degree), "this is the training error: score each "
             "fold with a fit on the other folds"),
            (np.mean(np.sqrt(fold_mse)), "this averages the folds' RMSE: average their MSE, "
             "then take the root, as the lecture does"),
        ],
    )  # fmt: skip


def _held_out_line(readings, ssc, folds):
    pred = np.empty_like(ssc)
    for train, test in folds:
        slope, intercept = np.polyfit(np.log(readings[train]), np.log(ssc[train]), 1)
        pred[test] = np.exp(intercept + slope * np.log(readings[test]))
    return pred


@exercise("09.3", "a calibration on despiked readings")
def despiked_calibration(answer, *, turbidity, sampled, ssc, week, size=9) -> Verdict:
    """``answer``: SSC (mg/L) of every sample, predicted by the least-squares line in logs
    fitted on the other weeks (GroupKFold(5) by week) from the median-filtered readings
    (window ``size``); within 1e-6 (relative)."""
    from scipy.ndimage import median_filter  # loaded only when checked
    from sklearn.model_selection import GroupKFold, KFold

    turbidity, sampled = np.asarray(turbidity, dtype=float), np.asarray(sampled, dtype=bool)
    ssc, week = np.asarray(ssc, dtype=float), np.asarray(week)
    despiked = median_filter(turbidity, size=size)[sampled]
    weeks = list(GroupKFold(n_splits=5).split(despiked, ssc, groups=week))
    reference = _held_out_line(despiked, ssc, weeks)
    shuffled = list(KFold(n_splits=5, shuffle=True, random_state=0).split(despiked))
    return close_to(
        answer,
        reference,
        what="the predictions",
        rtol=1e-6,
        right="every sample predicted from other weeks, on despiked readings",
        mistakes=[
            (_held_out_line(turbidity[sampled], ssc, weeks), "these use the raw readings: "
             "median-filter the whole record first, then take the sampled readings"),
            (_held_out_line(despiked, ssc, shuffled), "these folds are shuffled samples: "
             "hold out whole weeks (GroupKFold by week)"),
            (np.log(reference), "these are log SSC: back-transform with exp"),
        ],
    )  # fmt: skip
