"""Lecture 17's checkers: the reference accepted, None and the typical mistakes named."""

from __future__ import annotations

import numpy as np

from dlies.exercises import _judge
from dlies.gan_metrics import make_ring_mixture, ring_centres


def said(exercise_id, answer, message, **context):
    verdict = _judge(exercise_id, answer, **context)
    return not verdict.ok and message in verdict.message


def test_17_1_generator_loss_gradients():
    logits = np.linspace(-8, 2, 11)
    s = 1 / (1 + np.exp(-logits))
    right = np.stack([-s, s - 1])
    context = dict(logits=logits)
    assert _judge("17.1", right, **context).ok
    assert said("17.1", None, "not attempted", **context)
    assert said("17.1", right[::-1], "swapped", **context)
    assert said("17.1", np.stack([s, s - 1]), "row 0 has the wrong sign", **context)
    assert said("17.1", np.stack([s * (1 - s), s - 1]), "σ'(l)", **context)


def test_17_2_strict_mode_counts():
    x, _ = make_ring_mixture(600, spread=0.02, random_state=0)
    x = np.concatenate(
        [x, np.array([[2.0, 0.2]] * 30, dtype=np.float32)]
    )  # near mode 0, not within 3 sd
    centres = ring_centres()
    d = np.linalg.norm(x[:, None] - centres[None], axis=2)
    near = d.argmin(axis=1)
    right = np.bincount(near[d.min(axis=1) < 0.06], minlength=8)
    context = dict(x=x, centres=centres, spread=0.02)
    assert _judge("17.2", right, **context).ok
    assert said("17.2", None, "not attempted", **context)
    assert said("17.2", np.bincount(near, minlength=8), "every sample is counted", **context)
    one_sd = np.bincount(near[d.min(axis=1) < 0.02], minlength=8)
    assert said("17.2", one_sd, "one standard deviation", **context)


def test_17_3_knn_precision():
    rng = np.random.default_rng(0)
    real = rng.standard_normal((200, 4))
    fake = 0.5 * rng.standard_normal((150, 4)) + 0.8
    d_rr = np.linalg.norm(real[:, None] - real[None], axis=2)
    d_fr = np.linalg.norm(fake[:, None] - real[None], axis=2)

    def precision(column):
        return np.mean((d_fr <= np.sort(d_rr, axis=1)[:, column][None]).any(axis=1))

    d_ff = np.linalg.norm(fake[:, None] - fake[None], axis=2)
    recall = np.mean((d_fr.T <= np.sort(d_ff, axis=1)[:, 3][None]).any(axis=1))
    context = dict(real=real, fake=fake, k=3)
    assert precision(3) != precision(2) and precision(3) != recall
    assert _judge("17.3", precision(3), **context).ok
    assert said("17.3", None, "not attempted", **context)
    assert said("17.3", precision(2), "its own nearest neighbour", **context)
    assert said("17.3", recall, "this is the recall", **context)
