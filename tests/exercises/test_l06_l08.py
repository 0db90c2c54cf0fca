"""Lectures 06-08's checkers: the reference accepted, None and the typical mistakes named."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score

from dlies.exercises import _judge


def said(exercise_id, answer, message, **context):
    verdict = _judge(exercise_id, answer, **context)
    return not verdict.ok and message in verdict.message


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(0)
    basis = rng.random((6, 64))
    make = lambda n: (rng.random((n, 6)) @ basis / 3 + 0.05 * rng.random((n, 64))).reshape(n, 8, 8)  # noqa: E731
    return make(120), make(30), make(40)  # fit, validation, test


def test_06_1_noisy_psnr(digits):
    _, clean, _ = digits
    noisy = np.clip(clean + 0.3 * np.random.default_rng(1).normal(size=clean.shape), 0, 1)
    mse = np.mean((noisy - clean) ** 2)
    context = dict(noisy=noisy, clean=clean)
    assert _judge("06.1", 10 * np.log10(1 / mse), **context).ok
    assert said("06.1", None, "not attempted", **context)
    assert said("06.1", mse, "this is the MSE", **context)
    assert said("06.1", 20 * np.log10(1 / mse), "20 log10", **context)
    per_image = np.mean((noisy - clean) ** 2, axis=(1, 2))
    assert said("06.1", np.mean(10 * np.log10(1 / per_image)), "average the MSE first", **context)


def test_06_2_blank_page(digits):
    _, x_val, x_test = digits
    context = dict(x_val=x_val, x_test=x_test)
    assert _judge("06.2", np.mean(x_val**2), **context).ok
    assert said("06.2", None, "not attempted", **context)
    assert said("06.2", np.mean(x_test**2), "test digits", **context)
    assert said("06.2", np.sqrt(np.mean(x_val**2)), "RMSE", **context)
    assert said("06.2", np.mean(np.sum(x_val**2, axis=(1, 2))), "sums over the pixels", **context)


def test_06_3_pca_reconstruction(digits):
    x_fit, _, x_test = digits
    flat = lambda x: x.reshape(len(x), -1)  # noqa: E731

    def mse(fit_on, k):
        pca = PCA(k, random_state=0).fit(flat(fit_on))
        return np.mean((pca.inverse_transform(pca.transform(flat(x_test))) - flat(x_test)) ** 2)

    context = dict(x_fit=x_fit, x_test=x_test, n_components=4)
    assert _judge("06.3", mse(x_fit, 4), **context).ok
    assert said("06.3", None, "not attempted", **context)
    assert said("06.3", mse(x_test, 4), "fitted on the test digits", **context)
    assert said("06.3", mse(x_fit, 32), "32 components", **context)


def test_07_1_kl_term():
    rng = np.random.default_rng(2)
    mu, log_var = rng.normal(size=(20, 2)), rng.normal(0, 0.5, size=(20, 2))
    kl = -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=1)
    context = dict(z_mean=mu, z_log_var=log_var)
    assert _judge("07.1", kl, **context).ok
    assert said("07.1", None, "not attempted", **context)
    assert said("07.1", -kl, "sign", **context)
    assert said("07.1", kl / 2, "mean over the latent", **context)
    assert said("07.1", kl + 1, "the 1 inside the sum is missing", **context)
    over_digits = -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=0)
    assert said("07.1", over_digits, "sums over the digits", **context)


def test_07_2_reparameterise():
    rng = np.random.default_rng(3)
    mu, log_var, eps = rng.normal(size=(3, 10, 2))
    context = dict(z_mean=mu, z_log_var=log_var, eps=eps)
    assert _judge("07.2", mu + np.exp(0.5 * log_var) * eps, **context).ok
    assert said("07.2", None, "not attempted", **context)
    assert said("07.2", mu + np.exp(log_var) * eps, "variance", **context)
    assert said("07.2", mu, "no noise", **context)


def test_07_3_code_walk():
    weights = np.random.default_rng(4).normal(size=(2, 784))
    decoder = lambda z: 1 / (1 + np.exp(-(np.asarray(z) @ weights))).reshape(-1, 28, 28)  # noqa: E731
    z_a, z_b = np.array([-1.0, 0.5]), np.array([1.0, 2.0])
    t = np.linspace(0, 1, 5)[:, None]
    walk = decoder(z_a + t * (z_b - z_a))
    context = dict(decoder=decoder, z_a=z_a, z_b=z_b, steps=5)
    assert _judge("07.3", walk, **context).ok
    assert said("07.3", None, "not attempted", **context)
    assert said("07.3", walk[::-1], "backwards", **context)
    ends = decoder(np.stack([z_a, z_b]))
    blend = (1 - t[:, :, None]) * ends[0] + t[:, :, None] * ends[1]
    assert said("07.3", blend, "blends the two end images", **context)
    assert said("07.3", walk[:4], "shape", **context)


def test_08_1_auc_by_pairs():
    rng = np.random.default_rng(5)
    y = rng.random(300) < 0.2
    score = np.round(rng.normal(size=300) + y, 1)  # rounded: ties
    right = roc_auc_score(y, score)
    quiet = np.sort(score[~y])
    strict = np.searchsorted(quiet, score[y], "left").sum() / (y.sum() * (~y).sum())
    assert _judge("08.1", right, score=score, y=y).ok
    assert said("08.1", None, "not attempted", score=score, y=y)
    assert said("08.1", 1 - right, "wrong way", score=score, y=y)
    assert said("08.1", strict, "ties count ½ each, not 0", score=score, y=y)


def test_08_2_coulomb_on_plane():
    sigma = np.random.default_rng(6).normal(size=(7, 3, 3))
    sigma = sigma + np.swapaxes(sigma, 1, 2)
    n, s = np.array([1.0, 0, 0]), np.array([0, -1.0, 0])
    t = sigma @ n
    context = dict(sigma=sigma, normal=n, slip=s, mu=0.4)
    assert _judge("08.2", t @ s + 0.4 * (t @ n), **context).ok
    assert said("08.2", None, "not attempted", **context)
    assert said("08.2", t @ s - 0.4 * (t @ n), "compression positive", **context)
    assert said("08.2", t @ s, "shear alone", **context)
    assert said("08.2", -(t @ s) + 0.4 * (t @ n), "against the slip", **context)


def test_08_3_prior_correction():
    rng = np.random.default_rng(7)
    p, y_test = rng.random(500), rng.random(500) < 0.03
    fix = lambda p, q: q * p / (q * p + (1 - q) * (1 - p))  # noqa: E731
    context = dict(p=p, prior=0.05, y_test=y_test)
    assert _judge("08.3", np.mean(fix(p, 0.05)), **context).ok
    assert said("08.3", None, "not attempted", **context)
    assert said("08.3", np.mean(fix(p, y_test.mean())), "test cells", **context)
    assert said("08.3", np.mean(p), "before the correction", **context)
    assert said("08.3", np.mean(fix(p, 0.95)), "wrong way", **context)
