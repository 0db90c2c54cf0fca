"""Checkers of lecture 14 (phase picking): PhaseNet's Gaussian targets, F1 within a tolerance,
folds split by station."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


def _targets(p_index, s_index, samples, sigma_samples):
    t = np.arange(samples)[None, :]
    y = np.zeros((len(p_index), samples, 3))
    for k, pick in enumerate((np.asarray(p_index), np.asarray(s_index))):
        bump = np.exp(-0.5 * ((t - pick[:, None]) / sigma_samples) ** 2)
        y[:, :, k] = np.where(pick[:, None] >= 0, bump, 0.0)
    y[:, :, 2] = 1.0 - y[:, :, 0] - y[:, :, 1]
    return y


@exercise("14.1", "PhaseNet's targets: Gaussian bumps at the picks, noise takes the rest")
def gaussian_targets(answer, *, p_index, s_index, samples, sigma_s, sampling_rate) -> Verdict:
    """``answer``: targets of shape (windows, samples, 3) for P, S and noise; a pick < 0 has no
    bump; within 1e-6."""
    p_index, s_index = np.asarray(p_index), np.asarray(s_index)
    sigma = sigma_s * sampling_rate
    reference = _targets(p_index, s_index, samples, sigma)
    no_noise = reference.copy()
    no_noise[:, :, 2] = 0.0
    everywhere = _targets(np.abs(p_index), np.abs(s_index), samples, sigma)
    return close_to(
        answer,
        reference,
        what="the targets",
        rtol=0,
        atol=1e-6,
        right="a Gaussian of width σ around each pick, and 1 − P − S for noise",
        mistakes=[
            (_targets(p_index, s_index, samples, sigma_s), "the width is in seconds: the "
             "bump's σ must be in samples, σ · sampling rate"),
            (_targets(p_index, s_index, samples, sigma / np.sqrt(2)), "the exponent lacks "
             "its factor 1/2: exp(−(t − t_P)² / 2σ²)"),
            (no_noise, "the noise channel is empty: it takes 1 − P − S, so that every sample's "
             "three probabilities sum to one"),
            (everywhere, "a window without the phase (pick index −1) gets no bump"),
        ],
    )  # fmt: skip


def _f1(picks, truth, tol_samples, *, extra_are_false=True):
    # TP, FP, FN over windows; extra_are_false=False forgets the second picks of a hit window.
    tp = fp = fn = 0
    for p, true in zip(picks, truth, strict=True):
        p = np.asarray(p, dtype=float).ravel()
        if true >= 0 and len(p) and np.abs(p - true).min() <= tol_samples:
            tp, fp = tp + 1, fp + (len(p) - 1) * extra_are_false
        else:
            fp, fn = fp + len(p), fn + int(true >= 0)
    return tp, fp, fn


def _score(tp, fp, fn):
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return [precision, recall, f1]


@exercise("14.2", "precision, recall and F1 of picks within a tolerance")
def pick_scores(answer, *, picks, truth, tol_s, sampling_rate) -> Verdict:
    """``answer``: (precision, recall, F1) of the pick lists ``picks`` (sample indices, one list
    per window) against the onsets ``truth`` (−1: none) within ``tol_s``; within 1e-9."""
    truth = np.asarray(truth)
    picks = [np.asarray(p, dtype=float).ravel() for p in picks]
    tol = tol_s * sampling_rate
    reference = _score(*_f1(picks, truth, tol))
    any_pick = _score(*_f1(picks, truth, np.inf))  # every nearest pick counted as a hit
    extra_ignored = _score(*_f1(picks, truth, tol, extra_are_false=False))
    return close_to(
        answer,
        reference,
        what="(precision, recall, F1)",
        rtol=0,
        atol=1e-9,
        right="a pick within the tolerance of its onset is a TP, every other pick an FP",
        mistakes=[
            (_score(*_f1(picks, truth, tol_s)), "the tolerance is in seconds: compare sample "
             "indices with tol_s · sampling rate"),
            (any_pick, "every window's nearest pick counts as a hit here: a pick is a true "
             "positive only within the tolerance of the onset"),
            (extra_ignored, "a second pick in a window whose onset was found is a false "
             "positive too"),
            (reference[::-1][1:] + [reference[2]], "precision and recall are swapped"),
        ],
    )  # fmt: skip


@exercise("14.3", "folds split by station: no station in two folds")
def station_folds(answer, *, station, n_folds) -> Verdict:
    """``answer``: one fold number 0 … n_folds − 1 per record, every record of a station in the
    same fold, and every fold holding at least one station."""
    station = np.asarray(station)
    fold = np.asarray(answer)
    if fold.shape != station.shape:
        return Verdict(False, f"one fold per record: expected shape {station.shape}, got "
                              f"{fold.shape}")  # fmt: skip
    if not np.issubdtype(fold.dtype, np.integer) and not np.all(np.mod(fold, 1) == 0):
        return Verdict(False, "fold numbers should be whole numbers 0 … n_folds − 1")
    fold = fold.astype(int)
    if fold.min() < 0 or fold.max() >= n_folds:
        return Verdict(False, f"fold numbers should lie in 0 … {n_folds - 1}")
    for code in np.unique(station):
        seen = np.unique(fold[station == code])
        if len(seen) > 1:
            return Verdict(False, f"station {code} has records in folds {seen.tolist()}: "
                                  "deal stations, not records, into the folds")  # fmt: skip
    empty = sorted(set(range(n_folds)) - set(fold.tolist()))
    if empty:
        return Verdict(False, f"fold(s) {empty} hold no record: every fold must test someone")
    sizes = np.bincount(fold, minlength=n_folds)
    return Verdict(True, f"{n_folds} folds of {sizes.tolist()} records, no station in two")


def _cross_entropy(y, q, *, reduce=np.mean):
    q = np.clip(q, 1e-7, 1.0)
    return float(reduce(-np.sum(y * np.log(q), axis=-1)))


@exercise("14.4", "wider targets: what a timing error costs in the loss")
def shifted_loss(answer, *, p_index, s_index, samples, sigmas_s, shift_s, sampling_rate) -> Verdict:
    """``answer``: for each σ in ``sigmas_s``, the cross-entropy per sample (mean over windows
    and samples, predictions clipped to [1e-7, 1]) between the targets and the same targets
    with both picks moved ``shift_s`` later, minus the cross-entropy of the targets with
    themselves (what a perfect prediction scores); within 1e-6 relative."""
    p_index, s_index = np.asarray(p_index), np.asarray(s_index)

    def losses(reduce=np.mean, move=shift_s * sampling_rate, excess=True):
        out = []
        for sigma in sigmas_s:
            y = _targets(p_index, s_index, samples, sigma * sampling_rate)
            late = _targets(
                np.where(p_index >= 0, p_index + round(move), -1),
                np.where(s_index >= 0, s_index + round(move), -1),
                samples,
                sigma * sampling_rate,
            )
            floor = _cross_entropy(y, y, reduce=reduce) if excess else 0.0
            out.append(_cross_entropy(y, late, reduce=reduce) - floor)
        return out

    return close_to(
        answer,
        losses(),
        what="the extra losses",
        rtol=1e-6,
        atol=1e-12,
        right="the loss a late prediction adds to the perfect prediction's",
        mistakes=[
            (losses(excess=False), "this is the whole cross-entropy: subtract what the targets "
             "score against themselves, the loss of a perfect prediction"),
            (losses(reduce=np.sum), "this is the sum over samples and windows: the loss is "
             "their mean"),
            (losses(move=shift_s), "the shift is in seconds: move the picks by shift_s · "
             "sampling rate samples"),
        ],
    )  # fmt: skip
