"""Checkers of lecture 10 (classification): precision and recall, a threshold chosen by cost on
validation data, a two-feature classifier."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


@exercise("10.1", "precision and recall from the predictions")
def precision_recall(answer, *, y, pred) -> Verdict:
    """``answer``: (precision, recall) of the 0/1 predictions ``pred`` for the positive class;
    within 1e-9."""
    y, pred = np.asarray(y).astype(bool), np.asarray(pred).astype(bool)
    tp, fp, fn, tn = (np.sum(a & b) for a, b in ((y, pred), (~y, pred), (y, ~pred), (~y, ~pred)))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return close_to(
        answer,
        [precision, recall],
        what="(precision, recall)",
        rtol=0,
        atol=1e-9,
        right="TP / (TP + FP) and TP / (TP + FN)",
        mistakes=[
            ([recall, precision], "the two are swapped: precision first, then recall"),
            ([precision, tn / (tn + fp)], "the second number is the specificity, TN / (TN + "
             "FP): recall counts the explosions caught, TP / (TP + FN)"),
            ([tp / (tp + fn + fp), recall], "precision divides by the events flagged, "
             "TP + FP"),
        ],
    )  # fmt: skip


def _best_threshold(p, y, candidates, cost_miss, cost_alarm):
    y = np.asarray(y).astype(int)
    costs = [np.mean(cost_miss * ((p >= t) < y) + cost_alarm * ((p >= t) > y)) for t in candidates]
    return float(candidates[int(np.argmin(costs))])


@exercise("10.2", "a threshold chosen by cost on validation data")
def cost_threshold(
    answer, *, p_val, y_val, p_test, y_test, candidates, cost_miss, cost_alarm
) -> Verdict:
    """``answer``: the candidate threshold with the lowest mean cost on the validation
    (out-of-fold) probabilities; exact."""
    p_val, p_test = np.asarray(p_val, dtype=float), np.asarray(p_test, dtype=float)
    candidates = np.asarray(candidates, dtype=float)
    args = (candidates, cost_miss, cost_alarm)
    return close_to(
        answer,
        _best_threshold(p_val, y_val, *args),
        what="the threshold",
        rtol=0,
        atol=1e-9,
        right="the cheapest threshold on the validation data; the test events stay untouched",
        mistakes=[
            (_best_threshold(p_test, y_test, *args), "this threshold was chosen on the test "
             "events: choose it on the validation (out-of-fold) probabilities"),
            (_best_threshold(p_val, y_val, candidates, cost_alarm, cost_miss), "the costs are "
             "swapped: a miss costs cost_miss, a false alarm cost_alarm"),
            (cost_alarm / (cost_alarm + cost_miss), "this is the threshold for calibrated "
             "probabilities: choose it on the validation data instead"),
        ],
    )  # fmt: skip


@exercise("10.3", "a classifier on two physical features")
def two_feature_classifier(answer, *, y_test, min_accuracy=0.98) -> Verdict:
    """``answer``: 0/1 predictions for the test layers, shape (n,); right when at least
    ``min_accuracy`` of them are."""
    y_test = np.asarray(y_test).astype(float)
    a = np.asarray(answer)
    if a.shape != y_test.shape:
        return Verdict(False, f"the predictions have shape {a.shape}, expected {y_test.shape}: "
                       "predict the test layers")  # fmt: skip
    a = a.astype(float)
    if not np.all(np.isin(a, (0.0, 1.0))):
        return Verdict(False, "the predictions should be 0 or 1: use predict, not probabilities")
    accuracy = float(np.mean(a == y_test))
    if accuracy >= min_accuracy:
        return Verdict(True, f"{accuracy:.1%} of the test layers right, {min_accuracy:.0%} asked")
    if accuracy < 0.5:
        return Verdict(False, "the predictions are mostly inverted: 1 means the mode grows")
    return Verdict(False, f"{accuracy:.1%} right, below {min_accuracy:.0%}: standardise the "
                   "two features, or give the SVM a larger C")  # fmt: skip
