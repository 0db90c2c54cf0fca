r"""Hand-made features of neighbour-correlation panels (lecture 16's feature baseline).

A panel holds, for each pair of neighbouring traces :math:`j`, the normalised
cross-correlation :math:`c_j(\ell)` over the lags :math:`\ell` (see
:func:`dlies.datasets.seismic_sections.neighbour_correlations`). Its peak lag
:math:`\ell_j = \arg\max_\ell c_j(\ell)` is the time shift between the two traces. A
reflection keeps one time dip, so :math:`\ell_j` is constant along the panel; a diffraction's
drifts, linearly near the apex and with curvature along the flank. The features summarise
that drift and the strength of the peaks:

* a least-squares quadratic :math:`\ell_j \approx a + b\,s_j + c\,s_j^2` over the centred
  pair index :math:`s_j`: the slope :math:`|b|`, the curvature :math:`|c|` and the rms
  residual of the straight line :math:`a + b\,s_j`;
* the spread of the peak lags (standard deviation, range) and the mean absolute change of
  the lag from one pair to the next;
* peak statistics: mean, standard deviation and minimum of the peak values
  :math:`\max_\ell c_j(\ell)` (coherence between neighbours), and the mean of the peak
  widths (lags within half the peak value).
"""

from __future__ import annotations

import numpy as np

from dlies._validate import Array, validate_params

__all__ = ["PEAK_FEATURES", "correlation_peak_features"]

#: Column names of :func:`correlation_peak_features`, in order.
PEAK_FEATURES = (
    "lag slope",  # |b|, samples of lag per trace pair
    "lag curvature",  # |c|, samples of lag per trace pair squared
    "line residual",  # rms misfit of the straight line, samples
    "lag std",  # samples
    "lag range",  # samples
    "lag step",  # mean |l_{j+1} - l_j|, samples
    "peak mean",  # mean of max_l c_j(l), dimensionless in [-1, 1]
    "peak std",
    "peak min",
    "peak width",  # mean number of lags with c >= half the peak
)


@validate_params(panels=Array(ndim=(3, 4)))
def correlation_peak_features(panels: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Features of the correlation peaks along each panel.

    Parameters
    ----------
    panels : array (n, n_pairs, n_lags) or (n, n_pairs, n_lags, 1)
        Neighbour-correlation panels, lags ``-max_lag..max_lag`` in samples; at least three
        trace pairs.

    Returns
    -------
    F : ndarray (n, 10), float64
        One row per panel, columns as in :data:`PEAK_FEATURES`; always finite.
    names : tuple of str
        :data:`PEAK_FEATURES`.
    """
    p = np.asarray(panels, dtype=np.float64)
    if p.ndim == 4:
        if p.shape[3] != 1:
            raise ValueError(f"panels must have one channel, got shape {p.shape}")
        p = p[..., 0]
    if p.shape[1] < 3:
        raise ValueError(f"panels need at least 3 trace pairs, got shape {p.shape}")
    lag = p.argmax(axis=2).astype(np.float64) - (p.shape[2] - 1) / 2  # (n, pairs), samples
    s = np.arange(p.shape[1]) - (p.shape[1] - 1) / 2
    design = np.stack([np.ones_like(s), s, s**2], axis=1)  # (pairs, 3)
    quad = np.linalg.lstsq(design, lag.T, rcond=None)[0]  # (3, n)
    line = np.linalg.lstsq(design[:, :2], lag.T, rcond=None)[0]  # (2, n)
    residual = np.sqrt(((lag.T - design[:, :2] @ line) ** 2).mean(axis=0))
    peak = p.max(axis=2)
    width = (p >= peak[..., None] / 2).sum(axis=2) * (peak > 0)
    F = np.stack(
        [
            np.abs(quad[1]),
            np.abs(quad[2]),
            residual,
            lag.std(axis=1),
            np.ptp(lag, axis=1),
            np.abs(np.diff(lag, axis=1)).mean(axis=1),
            peak.mean(axis=1),
            peak.std(axis=1),
            peak.min(axis=1),
            width.mean(axis=1),
        ],
        axis=1,
    )
    return np.nan_to_num(F), PEAK_FEATURES
