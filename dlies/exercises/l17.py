"""Checkers of lecture 17 (GANs): why the generator loss is non-saturating, the strict mode
count by hand, k-NN precision by hand."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise
from dlies.gan_metrics import _distances, knn_precision_recall, mode_coverage

__all__: list[str] = []


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


@exercise("17.1", "the gradients of the two generator losses")
def generator_loss_gradients(answer, *, logits) -> Verdict:
    """``answer``: shape (2, n); row 0 the derivative of the minimax loss log(1 − σ(l)), row 1
    that of the non-saturating loss −log σ(l), with respect to each logit l; within 1e-5."""
    s = _sigmoid(np.asarray(logits, dtype=float))
    minimax, non_saturating = -s, s - 1
    reference = np.stack([minimax, non_saturating])
    return close_to(
        answer,
        reference,
        what="the gradients",
        rtol=1e-4,
        atol=1e-5,
        right="−σ(l) vanishes where D rejects the samples (l ≪ 0); σ(l) − 1 stays near −1",
        mistakes=[
            (reference[::-1], "the rows are swapped: row 0 is the minimax loss log(1 − σ(l))"),
            (np.stack([s, non_saturating]), "row 0 has the wrong sign: the minimax generator "
             "minimises log(1 − σ(l)), whose derivative is −σ(l)"),
            (np.stack([minimax, 1 - s]), "row 1 has the wrong sign: the derivative of "
             "−log σ(l) is σ(l) − 1"),
            (np.stack([s * (1 - s), -(1 - s)]), "row 0 is σ'(l): differentiate the loss, "
             "log(1 − σ(l)), not the probability"),
        ],
    )  # fmt: skip


@exercise("17.2", "the strict mode count by hand")
def strict_mode_counts(answer, *, x, centres, spread, n_sigma=3.0) -> Verdict:
    """``answer``: for each centre, the number of samples of ``x`` within ``n_sigma · spread``
    of it and nearer to it than to any other centre; shape (k,), exact."""
    x, centres = np.asarray(x, dtype=float), np.asarray(centres, dtype=float)
    counts = mode_coverage(x, centres, spread=spread, n_sigma=n_sigma, min_count=1)[2]
    d = np.linalg.norm(x[:, None, :] - centres[None], axis=2)
    nearest = d.argmin(axis=1)
    within = {r: np.bincount(nearest[d.min(axis=1) < r], minlength=len(centres)) for r in
              (spread, 0.25)}  # fmt: skip
    return close_to(
        answer,
        counts,
        what="the counts",
        rtol=0,
        atol=0.5,
        right="only the high-quality samples count, each for its nearest mode",
        mistakes=[
            (np.bincount(nearest, minlength=len(centres)), "every sample is counted: keep "
             "only those within 3 standard deviations of their nearest centre"),
            (within[spread], "the radius is one standard deviation: the criterion is 3 σ"),
            (within[0.25], "a radius of 0.25 is the lenient count a uniform ring passes: use "
             "3 σ"),
        ],
    )  # fmt: skip


def _precision(real, fake, column):
    radius = np.sort(_distances(real, real), axis=1)[:, column]
    return float(np.mean((_distances(fake, real) <= radius[None, :]).any(axis=1)))


@exercise("17.3", "k-NN precision by hand")
def knn_precision(answer, *, real, fake, k=3) -> Verdict:
    """``answer``: the fraction of ``fake`` rows inside the union of balls around the ``real``
    rows, each reaching its k-th nearest real neighbour; one point either way is tolerated
    (rounding of distances at a ball's edge)."""
    real, fake = np.asarray(real, dtype=float), np.asarray(fake, dtype=float)
    precision, recall = knn_precision_recall(real, fake, k=k)
    return close_to(
        answer,
        precision,
        what="the precision",
        rtol=0,
        atol=1.01 / len(fake),
        right="the share of generated digits that fall where real digits are",
        mistakes=[
            (_precision(real, fake, k - 1), "the radius reaches the (k−1)-th neighbour: "
             "each real point is its own nearest neighbour (distance 0), so skip it"),
            (recall, "this is the recall: count the generated points inside the real balls"),
        ],
    )  # fmt: skip
