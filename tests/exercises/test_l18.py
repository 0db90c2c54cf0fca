"""Lecture 18's checkers: the reference accepted, None and the typical mistakes named."""

from __future__ import annotations

import numpy as np

from dlies.exercises import _judge
from dlies.physics import lorenz63 as l63

STATES = l63.make_lorenz63(1, n_trajectories=4, random_state=0).states[:, 0]
DT = l63.DT


def said(exercise_id, answer, message, **context):
    verdict = _judge(exercise_id, answer, **context)
    return not verdict.ok and message in verdict.message


def test_18_1_rk4_step():
    f = l63.vector_field
    k1 = f(STATES)
    k2 = f(STATES + 0.5 * DT * k1)
    k3 = f(STATES + 0.5 * DT * k2)
    k4 = f(STATES + DT * k3)
    context = dict(states=STATES, dt=DT)
    assert _judge("18.1", STATES + DT / 6 * (k1 + 2 * k2 + 2 * k3 + k4), **context).ok
    assert said("18.1", None, "not attempted", **context)
    assert said("18.1", STATES + DT * k1, "Euler step", **context)
    assert said("18.1", STATES + DT / 4 * (k1 + k2 + k3 + k4), "weighted 1, 2, 2, 1", **context)


def test_18_2_optimal_log_variance():
    r = np.random.default_rng(1).normal(0.01, [0.05, 0.07, 0.1], (500, 3))
    context = dict(residuals=r)
    assert _judge("18.2", np.log(np.mean(r**2, axis=0)), **context).ok
    assert said("18.2", None, "not attempted", **context)
    assert said("18.2", 0.5 * np.log(np.mean(r**2, axis=0)), "log of the RMS", **context)
    assert said("18.2", np.log(np.var(r, axis=0)), "removes the residuals' mean", **context)
    assert said("18.2", np.mean(r**2, axis=0), "its logarithm", **context)


def test_18_3_regression_parameters():
    obs = l63.make_lorenz63(2001, noise_std=0.05, random_state=3).observations

    def fit(states, tendency):
        x, y, z = states.T
        m = np.stack([np.ones_like(x), x, y, z, x * x, x * y, x * z, y * y, y * z, z * z], 1)
        c, *_ = np.linalg.lstsq(m, tendency, rcond=None)
        return [c[2, 0], c[1, 1], -c[3, 2]]

    forward = fit(obs[:-1], (obs[1:] - obs[:-1]) / DT)
    central = fit(obs[1:-1], (obs[2:] - obs[:-2]) / (2 * DT))
    assert abs(central[0] / l63.SIGMA - 1) < 0.1  # the regression finds Lorenz's sigma
    context = dict(observations=obs, dt=DT)
    assert _judge("18.3", [forward, central], **context).ok
    assert said("18.3", None, "not attempted", **context)
    assert said("18.3", [central, forward], "swapped", **context)
    assert said("18.3", [[forward[0], forward[1], -forward[2]], [central[0], central[1],
                -central[2]]], "minus the coefficient", **context)  # fmt: skip
