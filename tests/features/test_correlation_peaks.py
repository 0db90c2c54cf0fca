"""Hand-made features of neighbour-correlation panels (lecture 16's feature baseline)."""

import numpy as np
import pytest

from dlies.datasets.seismic_sections import neighbour_correlations, ricker
from dlies.features.correlation_peaks import PEAK_FEATURES, correlation_peak_features


def _panel_with_lags(lags, n_lags=25):
    """A panel whose pair j peaks (value 1) at lag lags[j] samples, zero elsewhere."""
    panel = np.zeros((len(lags), n_lags))
    panel[np.arange(len(lags)), np.asarray(lags) + n_lags // 2] = 1.0
    return panel[None]


def test_a_constant_lag_has_no_slope_curvature_or_spread():
    F, names = correlation_peak_features(_panel_with_lags([3] * 9))
    f = dict(zip(names, F[0], strict=True))
    assert names == PEAK_FEATURES and F.shape == (1, len(PEAK_FEATURES))
    for name in ("lag slope", "lag curvature", "line residual", "lag std", "lag range", "lag step"):
        assert f[name] == pytest.approx(0.0, abs=1e-9)
    assert f["peak mean"] == f["peak min"] == 1.0 and f["peak std"] == 0.0
    assert f["peak width"] == 1.0


def test_known_slope_and_curvature():
    s = np.arange(9) - 4
    f = dict(
        zip(PEAK_FEATURES, correlation_peak_features(_panel_with_lags(2 * s))[0][0], strict=True)
    )
    assert f["lag slope"] == pytest.approx(2.0) and f["lag curvature"] == pytest.approx(
        0.0, abs=1e-9
    )
    assert f["lag range"] == 16 and f["lag step"] == 2
    f = dict(
        zip(
            PEAK_FEATURES, correlation_peak_features(_panel_with_lags(s**2 // 2))[0][0], strict=True
        )
    )
    assert f["lag curvature"] > 0.4 and f["line residual"] > 1


def test_a_hyperbola_drifts_more_than_a_dipping_line():
    dt, dx, v = 0.002, 12.5, 2000.0
    x = (np.arange(32) - 15.5) * dx
    t = np.arange(256) * dt
    hyperbola = np.sqrt(0.1**2 + 4 * x**2 / v**2)
    line = 0.2 + 0.3 * x / v
    sections = np.stack([ricker(t[None] - e[:, None], 30.0) for e in (hyperbola, line)])
    F, _ = correlation_peak_features(neighbour_correlations(sections, 12)[..., None])
    slope, residual = F[:, 0], F[:, 2]
    assert residual[0] > 0.5 > residual[1] and np.isfinite(F).all() and slope[1] < 0.5


def test_bad_panels():
    with pytest.raises(ValueError, match="3 trace pairs"):
        correlation_peak_features(np.zeros((2, 2, 5)))
    with pytest.raises(ValueError, match="channel"):
        correlation_peak_features(np.zeros((2, 4, 5, 2)))
    with pytest.raises(ValueError):
        correlation_peak_features(np.zeros((4, 5)))
