"""Checkers of lecture 08 (aftershocks): the AUC by counting pairs, ΔCFS on a plane, the prior
correction."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


@exercise("08.1", "the AUC by counting pairs")
def auc_by_pairs(answer, *, score, y) -> Verdict:
    """``answer``: the fraction of (aftershock, quiet) cell pairs the score orders correctly,
    ties counting ½; within 1e-6."""
    from sklearn.metrics import roc_auc_score  # scikit-learn loads only when checked

    score, y = np.asarray(score, dtype=float), np.asarray(y).astype(bool)
    reference = roc_auc_score(y, score)
    quiet = np.sort(score[~y])
    below = np.searchsorted(quiet, score[y], "left").sum()
    not_above = np.searchsorted(quiet, score[y], "right").sum()
    pairs = y.sum() * (~y).sum()
    mistakes = [(1 - reference, "this counts the pairs ordered the wrong way: an aftershock "
                 "cell should score higher than a quiet one")]  # fmt: skip
    if not_above != below:  # ties present: half of them is the rule
        mistakes += [
            (below / pairs, "ties count ½ each, not 0"),
            (not_above / pairs, "ties count ½ each, not 1"),
        ]
    return close_to(
        answer,
        reference,
        what="the AUC",
        rtol=0,
        atol=1e-6,
        right="the share of (aftershock, quiet) pairs in the right order: the AUC",
        mistakes=mistakes,
    )


@exercise("08.2", "the Coulomb stress change on a given plane")
def coulomb_on_plane(answer, *, sigma, normal, slip, mu) -> Verdict:
    """``answer``: Δτ + μ Δσ_n (tension positive) on the plane of ``normal`` for slip along
    ``slip``, one value per tensor, in the tensors' unit; within 1e-6 (relative 1e-5)."""
    sigma = np.asarray(sigma, dtype=float)
    normal, slip = np.asarray(normal, dtype=float), np.asarray(slip, dtype=float)
    traction = sigma @ normal
    shear, normal_stress = traction @ slip, traction @ normal
    return close_to(
        answer,
        shear + mu * normal_stress,
        what="ΔCFS",
        rtol=1e-5,
        atol=1e-6,
        right="Δτ + μ Δσ_n, tension positive: unclamping raises ΔCFS",
        mistakes=[
            (shear - mu * normal_stress, "Δτ − μ Δσ_n is for compression positive; here "
             "tension is positive: Δτ + μ Δσ_n"),
            (shear, "this is the shear alone: add μ times the normal stress"),
            (mu * shear + normal_stress, "μ multiplies the normal stress, not the shear"),
            (-shear + mu * normal_stress, "the shear is resolved against the slip: s · t"),
        ],
    )  # fmt: skip


def _prior_corrected(p, prior):
    return prior * p / (prior * p + (1 - prior) * (1 - p))


@exercise("08.3", "the forecast corrected for the real prior")
def prior_correction(answer, *, p, prior, y_test) -> Verdict:
    """``answer``: the mean over the test cells of the forecast p corrected from the 50 %
    prior of the training batches to ``prior`` (the training events'); within 0.1 %."""
    p = np.asarray(p, dtype=float)
    return close_to(
        answer,
        np.mean(_prior_corrected(p, prior)),
        what="the mean forecast",
        rtol=1e-3,
        right="the mean corrected forecast, with the prior of the training events",
        mistakes=[
            (np.mean(_prior_corrected(p, np.mean(y_test))), "this uses the test cells' "
             "share of aftershocks: the prior must come from the training events"),
            (np.mean(p), "this is the forecast as trained, before the correction"),
            (np.mean(_prior_corrected(p, 1 - prior)), "the correction runs the wrong way: "
             "the odds are multiplied by π / (1 − π)"),
        ],
    )  # fmt: skip
