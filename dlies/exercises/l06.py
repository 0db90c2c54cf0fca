"""Checkers of lecture 06 (autoencoders): PSNR, the blank-page baseline, PCA at another code
size."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


def _mse(a, b):
    return np.mean((np.asarray(a, dtype=float) - np.asarray(b, dtype=float)) ** 2)


@exercise("06.1", "the PSNR of the noisy digits")
def noisy_psnr(answer, *, noisy, clean) -> Verdict:
    """``answer``: 10 log10(1 / MSE) in dB, the MSE over every pixel of every image; 0.01 dB."""
    noisy, clean = np.asarray(noisy, dtype=float), np.asarray(clean, dtype=float)
    mse = _mse(noisy, clean)
    per_image = np.mean((noisy - clean) ** 2, axis=tuple(range(1, noisy.ndim)))
    reference = 10 * np.log10(1 / mse)
    return close_to(
        answer,
        reference,
        what="the PSNR",
        rtol=0,
        atol=0.01,
        right="10 log10(1 / MSE) with peak 1: the noisy input's PSNR",
        mistakes=[
            (mse, "this is the MSE: convert it to decibels, 10 log10(1 / MSE)"),
            (2 * reference, "20 log10 is for amplitudes; for the MSE (a power) use 10 log10"),
            (-reference, "the sign: PSNR = 10 log10(1 / MSE), positive for MSE < 1"),
            (10 * np.log(1 / mse), "natural logarithm: decibels use log10"),
            (np.mean(10 * np.log10(1 / per_image)), "this averages each image's PSNR: "
             "average the MSE first, then convert, as the lecture does"),
        ],
    )  # fmt: skip


@exercise("06.2", "the blank-page baseline on the validation digits")
def blank_page(answer, *, x_val, x_test) -> Verdict:
    """``answer``: the MSE per pixel of an all-zero reconstruction of the validation digits;
    within 0.1 %."""
    reference = _mse(0.0, x_val)
    return close_to(
        answer,
        reference,
        what="the baseline",
        rtol=1e-3,
        right="the MSE of predicting 0 everywhere: a model must beat it",
        mistakes=[
            (_mse(0.0, x_test), "these are the test digits: the baseline for the validation "
             "curves is computed on the validation digits"),
            (np.sqrt(reference), "this is the RMSE: the curves show the MSE"),
            (reference * np.prod(np.shape(x_val)[1:]), "this sums over the pixels: the "
             "curves show the MSE per pixel"),
            (np.mean(x_val), "this is the mean grey level: square the errors"),
        ],
    )  # fmt: skip


@exercise("06.3", "PCA reconstructions with a shorter code")
def pca_reconstruction(answer, *, x_fit, x_test, n_components) -> Verdict:
    """``answer``: the test MSE per pixel of PCA with ``n_components``, fitted on the training
    digits; within 0.2 %."""
    x_fit, x_test = (np.asarray(v, dtype=float).reshape(len(v), -1) for v in (x_fit, x_test))

    from sklearn.decomposition import PCA  # scikit-learn loads only when checked

    def test_mse(fit_on, k):
        pca = PCA(n_components=k, svd_solver="full").fit(fit_on)
        return _mse(pca.inverse_transform(pca.transform(x_test)), x_test)

    reference = test_mse(x_fit, n_components)
    mistakes = [
        (test_mse(x_test, n_components), "this PCA was fitted on the test digits: fit it on "
         "the training digits, as the autoencoders were trained"),
    ]  # fmt: skip
    if n_components != 32:
        mistakes.append((test_mse(x_fit, 32), "this is the MSE with 32 components"))
    return close_to(
        answer,
        reference,
        what="the test MSE",
        rtol=2e-3,
        right=f"PCA with {n_components} components, fitted on the training digits",
        mistakes=mistakes,
    )
