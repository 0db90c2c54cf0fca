"""Checkers of lecture 07 (the VAE): the KL term, the reparameterisation trick, a walk between
two codes."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


@exercise("07.1", "the KL term of each digit")
def kl_term(answer, *, z_mean, z_log_var) -> Verdict:
    """``answer``: KL(q(z|x) || N(0, I)) of each digit in nats, shape (n,); within 1e-4."""
    mu, log_var = np.asarray(z_mean, dtype=float), np.asarray(z_log_var, dtype=float)
    terms = 1 + log_var - mu**2 - np.exp(log_var)
    reference = -0.5 * terms.sum(axis=1)
    dims = mu.shape[1]
    return close_to(
        answer,
        reference,
        what="the KL terms",
        rtol=1e-4,
        atol=1e-5,
        right="−½ Σ_j (1 + log σ² − μ² − σ²) for every digit",
        mistakes=[
            (-0.5 * terms.sum(axis=0), "this sums over the digits: sum over the latent "
             "dimensions instead, one KL per digit"),
            (reference / dims, "this is a mean over the latent dimensions: the KL sums them"),
            (reference + dims / 2, "the 1 inside the sum is missing"),
            (-reference, "the sign: the KL is −½ Σ (…), never negative"),
        ],
    )  # fmt: skip


@exercise("07.2", "the reparameterisation trick")
def reparameterise(answer, *, z_mean, z_log_var, eps) -> Verdict:
    """``answer``: z = μ + σ ε with σ = exp(½ log σ²), shape of ``z_mean``; within 1e-5."""
    mu, log_var, eps = (np.asarray(v, dtype=float) for v in (z_mean, z_log_var, eps))
    return close_to(
        answer,
        mu + np.exp(0.5 * log_var) * eps,
        what="the codes",
        rtol=1e-5,
        atol=1e-5,
        right="μ + σ ε: a draw from q(z|x) that back-propagation can follow to μ and σ",
        mistakes=[
            (mu + np.exp(log_var) * eps, "exp(log σ²) is the variance: the draw needs "
             "σ = exp(½ log σ²)"),
            (mu, "no noise: a code drawn from q(z|x) adds σ ε to μ"),
            (mu + log_var * eps, "log σ² is not σ: take exp(½ log σ²)"),
            (mu + np.exp(0.5 * log_var), "ε is missing: the noise multiplies σ"),
        ],
    )  # fmt: skip


@exercise("07.3", "decoded digits along a line in code space")
def code_walk(answer, *, decoder, z_a, z_b, steps) -> Verdict:
    """``answer``: decoder(z_a + t (z_b − z_a)) for t = 0 … 1 in ``steps`` equal steps, shape
    (steps, 28, 28); within 1e-4."""
    z_a, z_b = np.asarray(z_a, dtype="float32"), np.asarray(z_b, dtype="float32")
    t = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None]
    reference = np.asarray(decoder(z_a + t * (z_b - z_a)))
    ends = np.asarray(decoder(np.stack([z_a, z_b])))
    blend = (1 - t[:, :, None]) * ends[0] + t[:, :, None] * ends[1]
    return close_to(
        answer,
        reference,
        what="the images",
        rtol=1e-3,
        atol=1e-4,
        right="the decoder's images along the straight line from z_a to z_b",
        mistakes=[
            (blend, "this blends the two end images pixel by pixel: interpolate the codes, "
             "then decode every code"),
            (reference[::-1], "the walk runs backwards: start at z_a, end at z_b"),
        ],
    )  # fmt: skip
