"""Checkers of lecture 18 (Lorenz-63): an RK4 step by hand, the noise level the Gaussian NLL
learns, and least squares on the monomials with two derivative estimates."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise
from dlies.physics import lorenz63 as l63

__all__: list[str] = []


@exercise("18.1", "one fourth-order Runge-Kutta step of the Lorenz-63 field")
def rk4_step(answer, *, states, dt) -> Verdict:
    """``answer``: the states after one RK4 step of length ``dt`` with Lorenz's parameters,
    shape (n, 3); within 1e-9 relative."""
    s = np.asarray(states, dtype=float)

    def f(x):
        return l63.vector_field(x)

    k1 = f(s)
    k2 = f(s + 0.5 * dt * k1)
    k3 = f(s + 0.5 * dt * k2)
    k4 = f(s + dt * k3)
    return close_to(
        answer,
        l63.rk4_step(s, dt),
        what="the next states",
        rtol=1e-9,
        atol=1e-12,
        right="X + dt/6 (k1 + 2 k2 + 2 k3 + k4)",
        mistakes=[
            (s + dt * k1, "this is an Euler step, X + dt F(X): RK4 averages four slopes"),
            (s + dt / 4 * (k1 + k2 + k3 + k4), "the four slopes are weighted 1, 2, 2, 1 "
             "(divided by 6), not equally"),
            (s + dt / 6 * (k1 + 2 * f(s + dt * k1) + 2 * f(s + dt * f(s + dt * k1)) + k4),
             "k2 and k3 are slopes at half steps: X + dt/2 k1 and X + dt/2 k2"),
        ],
    )  # fmt: skip


@exercise("18.2", "the log-variance that minimises the Gaussian NLL")
def optimal_log_variance(answer, *, residuals) -> Verdict:
    """``answer``: per component c, the log-variance v_c minimising the mean over pairs of
    r_c² exp(−v_c) + v_c; within 1e-6 relative."""
    r = np.asarray(residuals, dtype=float)
    ms = np.mean(r**2, axis=0)
    return close_to(
        answer,
        np.log(ms),
        what="the log-variances",
        rtol=1e-6,
        atol=1e-9,
        right="v_c = log mean(r_c²): the NLL learns the residuals' mean square",
        mistakes=[
            (0.5 * np.log(ms), "this is the log of the RMS, log σ: v is the log of the "
             "variance, σ²"),
            (np.log(np.var(r, axis=0)), "np.var removes the residuals' mean: the NLL's optimum "
             "is the mean of r² about zero"),
            (ms, "this is the variance itself: the answer is its logarithm"),
        ],
    )  # fmt: skip


def _sigma_rho_beta(states, tendency):
    x, y, z = states[:, 0], states[:, 1], states[:, 2]
    m = np.stack([np.ones_like(x), x, y, z, x * x, x * y, x * z, y * y, y * z, z * z], axis=1)
    coef, *_ = np.linalg.lstsq(m, tendency, rcond=None)  # (10 monomials, 3 components)
    return [coef[2, 0], coef[1, 1], -coef[3, 2]]


@exercise("18.3", "least squares on the monomials: forward against central differences")
def regression_parameters(answer, *, observations, dt) -> Verdict:
    """``answer``: (σ, ρ, β) by least squares of the tendency on the ten monomials, first with
    forward differences (x_{n+1} − x_n)/dt at x_n, then with central differences
    (x_{n+1} − x_{n−1})/2dt at x_n: six numbers, shape (2, 3); within 1e-6 relative."""
    obs = np.asarray(observations, dtype=float)
    forward = _sigma_rho_beta(obs[:-1], (obs[1:] - obs[:-1]) / dt)
    central = _sigma_rho_beta(obs[1:-1], (obs[2:] - obs[:-2]) / (2 * dt))
    return close_to(
        answer,
        [forward, central],
        what="(σ, ρ, β) for the two derivatives",
        rtol=1e-6,
        atol=1e-9,
        right="forward differences bias the parameters more than central ones",
        mistakes=[
            ([central, forward], "the two rows are swapped: forward differences first"),
            ([_sigma_rho_beta(obs[1:], (obs[1:] - obs[:-1]) / dt), central], "the forward "
             "difference (x_{n+1} − x_n)/dt belongs to x_n, not to x_{n+1}"),
            ([[f[0], f[1], -f[2]] for f in (forward, central)], "β is minus the coefficient "
             "of z in dz/dt"),
        ],
    )  # fmt: skip
