"""Checkers of lecture 04 (MLP on MNIST): the cross-entropy, the largest safe learning rate,
early stopping."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


@exercise("04.1", "the cross-entropy of the MLP on the test digits")
def cross_entropy(answer, *, proba, y) -> Verdict:
    """``answer``: −mean log p(true digit), in nats; within 0.1 % (with or without Keras's
    clipping of p at 1e-7)."""
    proba, y = np.asarray(proba, dtype=float), np.asarray(y).astype(int)
    p_true = proba[np.arange(len(y)), y]
    clipped = -np.mean(np.log(np.clip(p_true, 1e-7, 1.0)))
    with np.errstate(divide="ignore"):
        exact = -np.mean(np.log(p_true))
    for reference in (exact, clipped):
        verdict = close_to(answer, reference, what="the cross-entropy", rtol=1e-3)
        if verdict.ok:
            return Verdict(True, "−mean log p(true digit): the loss Keras minimised")
    p_said = proba.max(axis=1)
    return close_to(
        answer,
        clipped,
        what="the cross-entropy",
        rtol=1e-3,
        mistakes=[
            (-clipped, "the cross-entropy is −log p: a positive number of nats"),
            (clipped * len(y), "this is the sum over the digits: take the mean"),
            (clipped / np.log(10), "log10 gives bans, not nats: use the natural logarithm"),
            (-np.mean(np.log(p_said)), "p of the predicted digit: use the true digit's p"),
            (np.mean(1 - p_true), "this is 1 − p, not −log p"),
        ],
    )


@exercise("04.2", "the largest safe learning rate")
def safe_learning_rate(answer, *, X) -> Verdict:
    """``answer``: 2/λ_max of the Hessian X^T X / N of the half mean squared error; 1 %."""
    X = np.asarray(X, dtype=float)
    eig = np.linalg.eigvalsh(X.T @ X / len(X))
    return close_to(
        answer,
        2 / eig[-1],
        what="the learning rate",
        rtol=1e-2,
        right="2/λ_max: beyond it the steepest direction overshoots more at every step",
        mistakes=[
            (1 / eig[-1], "1/λ_max is the step that reaches the minimum along the steepest "
             "direction in one go; divergence starts at twice that"),
            (2 / eig[0], "λ_min sets the slowest direction; the limit comes from λ_max"),
            (2 / (eig[-1] * len(X)), "the Hessian of the mean loss is X^T X / N, not X^T X"),
            (eig[-1], "this is λ_max itself: the limit is 2/λ_max"),
        ],
    )  # fmt: skip


def kept_epoch(val_loss, patience) -> tuple[int, int]:
    """What EarlyStopping(patience, restore_best_weights=True) does on these validation
    losses: (the epoch it keeps, the epoch it stops after), epochs counted from 1."""
    best, kept, wait = np.inf, 0, 0
    for epoch, value in enumerate(val_loss, start=1):
        if value < best:
            best, kept, wait = value, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return kept, epoch
    return kept, len(val_loss)


@exercise("04.3", "the epoch early stopping keeps")
def early_stopping(answer, *, val_loss, train_loss, patience=5) -> Verdict:
    """``answer``: the epoch (from 1) whose weights EarlyStopping(monitor="val_loss",
    patience, restore_best_weights=True) restores; exact."""
    a = np.asarray(answer, dtype=float)
    if a.shape != () or a != np.round(a):
        return Verdict(False, f"give one whole epoch number, got shape {a.shape} {answer!r}")
    kept, stopped = kept_epoch(val_loss, patience)
    a = int(a)
    if a == kept:
        return Verdict(True, "the epoch of the lowest validation loss it saw before stopping")
    if a == kept - 1:
        return Verdict(False, "off by one: epochs are counted from 1 here, not from 0")
    if a == kept_epoch(train_loss, patience)[0]:
        return Verdict(False, "this follows the training loss: early stopping watches val_loss")
    if a == stopped and stopped != kept:
        return Verdict(False, "this is the epoch it stops after; it restores an earlier one")
    if a == int(np.argmin(val_loss)) + 1:
        return Verdict(False, "it stops before this epoch, so it never sees it: walk the epochs")
    return Verdict(False, "not the epoch it keeps: replay the rule epoch by epoch")
