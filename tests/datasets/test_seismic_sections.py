"""Synthetic zero-offset sections (reflections vs diffractions) and neighbour correlations."""

import numpy as np
import pytest

from dlies.datasets.seismic_sections import (
    CLASS_NAMES,
    REALISTIC_CLASS_NAMES,
    SectionMetadata,
    make_seismic_sections,
    neighbour_correlations,
    ricker,
)


def test_ricker_known_values_and_spectrum():
    f = 25.0
    assert ricker(0.0, f) == pytest.approx(1.0)
    zero = 1 / (np.pi * f * np.sqrt(2))  # 1 - 2 pi^2 f^2 t^2 = 0
    assert ricker(zero, f) == pytest.approx(0.0, abs=1e-12)
    assert ricker(-0.01, f) == pytest.approx(ricker(0.01, f))
    dt = 0.001
    t = np.arange(-512, 512) * dt
    spectrum = np.abs(np.fft.rfft(ricker(t, f)))
    assert np.fft.rfftfreq(len(t), dt)[spectrum.argmax()] == pytest.approx(f, abs=1.0)


def test_shapes_balance_and_determinism():
    X, y, names = make_seismic_sections(11, random_state=0)
    assert X.shape == (11, 32, 128) and X.dtype == np.float32
    assert y.dtype == np.int64 and sorted(np.bincount(y)) == [5, 6]
    assert names == CLASS_NAMES
    X2, y2, _ = make_seismic_sections(11, random_state=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _, _ = make_seismic_sections(11, n_traces=8, n_times=64, random_state=1)
    assert X3.shape == (11, 8, 64) and np.isfinite(X3).all()


def test_snr_scales_the_noise():
    # same seed: same signal and same noise draw; only the noise scaling differs
    clean, _, _ = make_seismic_sections(40, snr_db=(80.0, 80.001), random_state=3)
    noisy, _, _ = make_seismic_sections(40, snr_db=(10.0, 10.001), random_state=3)
    noise = noisy.astype(float) - clean
    ratio = np.sqrt((noise**2).mean(axis=(1, 2)) / (clean.astype(float) ** 2).mean(axis=(1, 2)))
    np.testing.assert_allclose(ratio, 10 ** (-10 / 20), rtol=0.01)


def _peak_lag_trend(panels):
    """Slope (samples of lag per trace pair) of the correlation peak's lag across the panel."""
    lag = panels.argmax(axis=2).astype(float)
    j = np.arange(panels.shape[1]) - (panels.shape[1] - 1) / 2
    return ((lag - lag.mean(axis=1, keepdims=True)) * j).sum(axis=1) / (j**2).sum()


def test_the_physics_separates_the_classes_on_average():
    X, y, _ = make_seismic_sections(400, snr_db=(40.0, 41.0), random_state=4)
    trend = np.abs(_peak_lag_trend(neighbour_correlations(X, 12)))
    # a reflection keeps one time dip: its peak lag stays put; a diffraction's drifts
    assert np.median(trend[y == 1]) > 3 * np.median(trend[y == 0])
    # and yet the classes overlap (flanks of far diffractions look like dipping reflectors)
    assert np.mean(trend[y == 1] < np.percentile(trend[y == 0], 90)) > 0.05


def test_correlation_of_shifted_traces_peaks_at_the_shift():
    t = (np.arange(128) - 40) * 0.002
    shift = 3  # samples per trace: a dipping reflector
    section = np.stack([ricker(t - j * shift * 0.002, 30.0) for j in range(6)])[None]
    panels = neighbour_correlations(section, 8)
    assert panels.shape == (1, 5, 17)
    assert (panels[0].argmax(axis=1) - 8 == shift).all()
    np.testing.assert_allclose(panels[0].max(axis=1), 1.0, atol=1e-3)
    # against numpy's direct correlation for one pair
    a, b = section[0, 0], section[0, 1]
    direct = np.correlate(b, a, mode="full")[127 - 8 : 127 + 9] / np.sqrt(
        (a**2).sum() * (b**2).sum()
    )
    np.testing.assert_allclose(panels[0, 0], direct, atol=1e-6)


def test_hyperbola_peak_lag_changes_sign_at_the_apex():
    dt, dx, v, t_a = 0.002, 12.5, 2000.0, 0.1
    x = (np.arange(32) - 15.5) * dx
    t_event = np.sqrt(t_a**2 + 4 * x**2 / v**2)
    t = np.arange(256) * dt
    section = ricker(t[None, :] - t_event[:, None], 30.0)[None]
    lags = neighbour_correlations(section, 12)[0].argmax(axis=1) - 12
    assert lags[0] < 0 < lags[-1] and abs(lags[15]) <= 1


def test_silent_traces_give_zero_and_bad_input():
    section = np.zeros((1, 3, 32))
    section[0, 0] = np.sin(np.arange(32))
    panels = neighbour_correlations(section, 4)
    assert np.isfinite(panels).all() and (panels == 0).all()
    with pytest.raises(ValueError, match="shape"):
        neighbour_correlations(np.zeros((3, 32)), 4)
    with pytest.raises(ValueError, match="max_lag"):
        neighbour_correlations(np.zeros((1, 3, 32)), 32)
    with pytest.raises(TypeError, match="max_lag"):
        neighbour_correlations(np.zeros((1, 3, 32)), 2.5)
    with pytest.raises(ValueError, match="finite"):
        neighbour_correlations(np.full((1, 3, 32), np.nan), 2)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"n_samples": 1}, ValueError),
        ({"n_samples": 10, "n_traces": 2}, ValueError),
        ({"n_samples": 10, "dt": 0.0}, ValueError),
        ({"n_samples": 10, "dx": float("inf")}, ValueError),
        ({"n_samples": 10, "snr_db": (20, 10)}, ValueError),
        ({"n_samples": 10.0}, TypeError),
        ({"n_samples": 10, "kind": "mixed"}, ValueError),
        ({"n_samples": 10, "amplitude_ratio": (0.0, 0.1)}, ValueError),
        ({"n_samples": 10, "return_metadata": 1}, TypeError),
    ],
)
def test_bad_arguments(kwargs, error):
    n = kwargs.pop("n_samples")
    with pytest.raises(error):
        make_seismic_sections(n, **kwargs)


def test_metadata_keeps_the_plain_return_and_describes_each_window():
    X, y, names = make_seismic_sections(40, random_state=5)
    X2, y2, names2, meta = make_seismic_sections(40, return_metadata=True, random_state=5)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert names == names2 == CLASS_NAMES
    assert isinstance(meta, SectionMetadata)
    assert all(getattr(meta, f).shape == (40,) for f in ("snr_db", "dip", "fold", "apex_offset"))
    assert ((meta.snr_db >= 0) & (meta.snr_db <= 20)).all()
    # pure mode: reflections have a dip and a fold, diffractions an apex, none a ratio
    diff = y == 1
    assert np.isnan(meta.dip[diff]).all() and np.isfinite(meta.dip[~diff]).all()
    assert (meta.dip[~diff] <= 30).all() and (meta.fold[~diff] <= 0.006).all()
    assert np.isnan(meta.apex_offset[~diff]).all()
    assert (meta.apex_offset[diff] <= 32 * 12.5).all()
    assert np.isnan(meta.amplitude_ratio).all()


def test_realistic_mode_superposes_a_weak_diffraction_on_the_same_reflections():
    kw = {"snr_db": (200.0, 200.001), "random_state": 6}  # practically noise-free
    pure, y0, _ = make_seismic_sections(60, **kw)
    real, y, names, meta = make_seismic_sections(
        60, kind="realistic", amplitude_ratio=(0.01, 0.1), return_metadata=True, **kw
    )
    assert names == REALISTIC_CLASS_NAMES
    np.testing.assert_array_equal(y, y0)
    refl = y == 0
    assert np.isnan(meta.amplitude_ratio[refl]).all() and np.isnan(meta.apex_offset[refl]).all()
    ratio = meta.amplitude_ratio[~refl]
    assert ((ratio >= 0.01) & (ratio <= 0.1)).all() and np.isfinite(meta.dip).all()
    # without a diffraction the realistic window is the pure mode's two reflections; the
    # reflection windows of the pure mode are the same draws
    np.testing.assert_allclose(real[refl], pure[refl], atol=1e-5)
    # with one, what is added is weak: its rms stays below the largest ratio drawn
    extra = real[~refl].astype(float)
    reflections, _, _ = make_seismic_sections(
        60, kind="realistic", amplitude_ratio=(1e-9, 1.1e-9), **kw
    )
    added = extra - reflections[~refl]
    rms = np.sqrt((added**2).mean(axis=(1, 2)) / (reflections[~refl] ** 2).mean(axis=(1, 2)))
    assert (rms > 0).all() and (rms < 0.1 * 1.5).all()
