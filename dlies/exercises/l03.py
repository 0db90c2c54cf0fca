"""Checkers of lecture 03 (mantle stability): physical features, the layer's label, a classifier
for it."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise
from dlies.physics.rayleigh import RA_CR_MIN, critical_rayleigh

__all__: list[str] = []


def _ra_and_ratio(X, *, height="thickness"):
    g, alpha, nu, kappa, depth, b, lam, dt = np.asarray(X, dtype=float).T
    size = b if height == "thickness" else depth
    return alpha * g * dt * size**3 / (nu * kappa), lam / b


def _labels(answer, n, what):
    """0/1 labels of length n; a Verdict when they are not."""
    a = np.asarray(answer)
    if a.shape != (n,):
        return None, Verdict(False, f"{what} have shape {a.shape}, expected ({n},)")
    a = a.astype(float)
    if not np.all(np.isin(a, (0.0, 1.0))):
        return None, Verdict(False, f"{what} should be 0 or 1: threshold the probabilities")
    return a, None


@exercise("03.1", "log Ra and log λ* as features")
def log_features(answer, *, X) -> Verdict:
    """``answer``: [log10 Ra, log10 λ*] of every layer, shape (n, 2); within 1e-5."""
    ra, ratio = _ra_and_ratio(X)
    reference = np.column_stack([np.log10(ra), np.log10(ratio)])
    ra_depth, _ = _ra_and_ratio(X, height="depth")
    return close_to(
        answer,
        reference,
        what="the features",
        rtol=1e-5,
        atol=1e-6,
        right="log10 Ra and log10 λ*: the two numbers that decide whether a mode grows",
        mistakes=[
            (np.log(np.column_stack([ra, ratio])), "natural logarithms: use log10"),
            (reference[:, ::-1], "the columns are swapped: log10 Ra first, then log10 λ*"),
            (np.column_stack([ra, ratio]), "these are Ra and λ*: take their log10"),
            (
                np.column_stack([np.log10(ra_depth), reference[:, 1]]),
                "Ra is computed with the depth: the layer's thickness b enters Ra",
            ),
        ],
    )


@exercise("03.2", "the layer's question: does any mode grow?")
def layer_label(answer, *, X) -> Verdict:
    """``answer``: 1 where the layer is unstable (Ra > 657.5), else 0, shape (n,); exact."""
    ra, ratio = _ra_and_ratio(X)
    reference = (ra > RA_CR_MIN).astype(float)
    a, problem = _labels(answer, len(reference), "the labels")
    if problem:
        return problem
    if np.array_equal(a, reference):
        return Verdict(True, "1 where Ra exceeds the minimum 657.5: some mode grows")
    if np.array_equal(a, (ra > critical_rayleigh(ratio)).astype(float)):
        return Verdict(False, "this is the drawn mode's label: the layer asks Ra > 657.5")
    if np.array_equal(a, 1 - reference):
        return Verdict(False, "the labels are inverted: 1 means unstable, Ra above 657.5")
    return Verdict(False, f"{np.mean(a != reference):.1%} of the labels are wrong")


@exercise("03.3", "a classifier for the layer's question")
def layer_classifier(answer, *, X_test, min_accuracy=0.98) -> Verdict:
    """``answer``: 0/1 predictions of the layer's label for the test layers, shape (n,);
    right when at least ``min_accuracy`` of them are."""
    ra, ratio = _ra_and_ratio(X_test)
    layer = (ra > RA_CR_MIN).astype(float)
    mode = (ra > critical_rayleigh(ratio)).astype(float)
    a, problem = _labels(answer, len(layer), "the predictions")
    if problem:
        return problem
    accuracy = float(np.mean(a == layer))
    if accuracy >= min_accuracy:
        return Verdict(True, f"{accuracy:.1%} of the test layers right, {min_accuracy:.0%} asked")
    if accuracy < 0.5:
        return Verdict(False, "the predictions are mostly inverted: 1 means unstable")
    if np.mean(a == mode) > accuracy:
        return Verdict(False, "these predict the drawn mode's label: train on the layer's label")
    return Verdict(False, f"{accuracy:.1%} right, below {min_accuracy:.0%}: try log10 Ra")
