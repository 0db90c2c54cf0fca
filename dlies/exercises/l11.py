"""Checkers of lecture 11 (volcano-seismic signals): a descriptor of the spectrum by hand, the
precision at the Ubinas class frequencies, McNemar's discordant counts."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise
from dlies.features import signal_features

__all__: list[str] = []


@exercise("11.1", "the spectral silence ratio by hand")
def spectral_silence(answer, *, traces, sampling_rate) -> Verdict:
    """``answer``: for each trace (demeaned), the fraction of the bins of ``|rfft|`` below 0.1
    times the largest, shape (n,); within 1e-9 (the package's "spectral: silence ratio")."""
    traces = np.asarray(traces, dtype=float)
    features, names = signal_features(traces, sampling_rate)
    column = {name: i for i, name in enumerate(names)}
    reference = features[:, column["spectral: silence ratio"]]
    raw = np.abs(np.fft.rfft(traces, axis=1))  # the mean left in: a large 0 Hz bin
    return close_to(
        answer,
        reference,
        what="the silence ratios",
        rtol=0,
        atol=1e-9,
        right="the share of the spectrum that is 'silent', as Malfante et al.'s Table 1 defines it",
        mistakes=[
            (1 - reference, "this is the share of the loud bins: count those below 0.1 × max"),
            (features[:, column["temporal: silence ratio"]], "this is the silence ratio of the "
             "envelope (temporal): take the modulus of the Fourier transform"),
            ((raw < 0.1 * raw.max(axis=1, keepdims=True)).mean(axis=1), "remove each trace's "
             "mean first: its 0 Hz bin sets the maximum"),
        ],
    )  # fmt: skip


def _precision_at(prior, y_true, y_pred, k, n_classes):
    counts = np.zeros((n_classes, n_classes))
    np.add.at(counts, (y_true, y_pred), 1)  # row: true class
    rates = counts / counts.sum(axis=1, keepdims=True)
    joint = np.asarray(prior, dtype=float)[:, None] * rates
    return joint[k, k] / joint[:, k].sum()


@exercise("11.2", "a precision at the Ubinas class frequencies")
def reweighted_precision(answer, *, y_true, y_pred, prior, k) -> Verdict:
    """``answer``: P(true = k | predicted = k) when the true classes occur with frequencies
    ``prior`` and each true class keeps its test-set rates of being predicted as each class;
    within 1e-9."""
    y_true, y_pred = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    prior = np.asarray(prior, dtype=float)
    n = len(prior)
    called = y_pred == k
    return close_to(
        answer,
        _precision_at(prior, y_true, y_pred, k, n),
        what="the precision",
        rtol=0,
        atol=1e-9,
        right="π_k r_kk / Σ_j π_j r_jk: the rare class's precision where the common ones dominate",
        mistakes=[
            (np.mean(y_true[called] == k), "this is the precision at the test set's own class "
             "frequencies: weight each true class's rate r_jk by its Ubinas frequency π_j"),
            (np.mean(y_pred[y_true == k] == k), "this is the recall r_kk: the precision divides "
             "by everything predicted as k"),
            (_precision_at(np.full(n, 1 / n), y_true, y_pred, k, n), "these weights are equal: "
             "use the Ubinas frequencies"),
        ],
    )  # fmt: skip


@exercise("11.3", "McNemar's discordant counts")
def discordant_counts(answer, *, y_true, pred_a, pred_b) -> Verdict:
    """``answer``: (events A gets right and B wrong, events B gets right and A wrong); exact."""
    y_true, pred_a, pred_b = (np.asarray(v) for v in (y_true, pred_a, pred_b))
    right_a, right_b = pred_a == y_true, pred_b == y_true
    only_a, only_b = int(np.sum(right_a & ~right_b)), int(np.sum(~right_a & right_b))
    return close_to(
        answer,
        [only_a, only_b],
        what="(A only, B only)",
        rtol=0,
        atol=1e-9,
        right="only the events the two classifiers disagree on carry evidence",
        mistakes=[
            ([only_b, only_a], "the two counts are swapped: A right and B wrong first"),
            ([int(np.sum(right_a)), int(np.sum(right_b))], "these count every right answer: "
             "McNemar counts only the events exactly one classifier gets right"),
            ([int(np.sum(~right_a)), int(np.sum(~right_b))], "these count every error: McNemar "
             "counts only the events exactly one classifier gets right"),
        ],
    )  # fmt: skip
