"""signal_features: Malfante et al. (2018)'s Table 1 on signal, spectrum and cepstrum."""

from __future__ import annotations

import numpy as np
import pytest

from dlies.features import signal_features
from dlies.features.signal import N_DESCRIPTORS, domain_features, feature_names

FS = 100.0


def column(names: list[str], name: str) -> int:
    return names.index(name)


def one(s, spacing=1.0) -> dict[str, float]:
    """domain_features of one sequence, by descriptor name."""
    row = domain_features(np.asarray(s, dtype=float)[None, :], spacing)[0]
    return dict(
        zip([n.split(": ", 1)[-1] for n in feature_names()[:N_DESCRIPTORS]], row, strict=True)
    )


def test_shape_and_names():
    x = np.random.default_rng(0).standard_normal((5, 600))
    F, names = signal_features(x, FS)
    assert F.shape == (5, 102) and N_DESCRIPTORS == 34
    assert len(names) == 102 and len(set(names)) == 102
    assert names[0] == "temporal: length (samples)" and names[34].startswith("spectral: ")
    assert names[68].startswith("cepstral: ") and np.isfinite(F).all()


def test_sine_spectral_centroid_bandwidth_and_peak():
    t = np.arange(1000) / FS  # 10 s, 50 whole cycles of 5 Hz: all energy in one bin
    F, names = signal_features(np.sin(2 * np.pi * 5.0 * t)[None, :], FS)
    assert F[0, column(names, "spectral: energy centroid (Hz)")] == pytest.approx(5.0, abs=1e-6)
    assert F[0, column(names, "spectral: RMS bandwidth (Hz)")] == pytest.approx(0.0, abs=1e-4)
    assert F[0, column(names, "spectral: position of max (Hz)")] == pytest.approx(5.0)
    # a pure sine's envelope is flat at its peak: mean 1, no spread, centred in time
    assert F[0, column(names, "temporal: mean")] == pytest.approx(1.0, abs=1e-6)
    assert F[0, column(names, "temporal: standard deviation")] == pytest.approx(0.0, abs=1e-6)
    assert F[0, column(names, "temporal: energy centroid (s)")] == pytest.approx(4.995, abs=1e-6)


def test_two_tones_centroid_is_energy_weighted():
    t = np.arange(2000) / FS
    x = np.sin(2 * np.pi * 2.0 * t) + 2.0 * np.sin(2 * np.pi * 8.0 * t)  # energies 1 : 4
    F, names = signal_features(x[None, :], FS)
    assert F[0, column(names, "spectral: energy centroid (Hz)")] == pytest.approx(6.8, abs=1e-6)
    # sqrt(0.2 * 2² + 0.8 * 8² - 6.8²) = 2.4 Hz
    assert F[0, column(names, "spectral: RMS bandwidth (Hz)")] == pytest.approx(2.4, abs=1e-6)


def test_constant_and_zero_signals_are_finite_with_zero_entropy():
    x = np.vstack([np.zeros(500), np.full(500, 3.7), np.r_[np.zeros(499), 1.0]])
    for normalize in (True, False):
        F, names = signal_features(x, FS, normalize=normalize)
        assert np.isfinite(F).all()
    d = one(np.full(300, 3.7))
    for b in (5, 30, 500):
        assert d[f"Shannon entropy, {b} bins"] == 0.0
        assert d[f"Rényi entropy α=2, {b} bins"] == 0.0
    assert d["standard deviation"] == 0.0 and d["skewness"] == 0.0 and d["kurtosis"] == 0.0
    assert d["mean"] == pytest.approx(3.7) and d["min/mean"] == pytest.approx(1.0)


def test_uniform_ramp_has_maximal_entropy():
    d = one(np.arange(3000.0))  # equal counts in every bin, up to one sample
    for b in (5, 30, 500):
        for kind in ("Shannon entropy", "Rényi entropy α=2", "Rényi entropy α=∞"):
            assert d[f"{kind}, {b} bins"] == pytest.approx(np.log2(b), abs=0.01)


def test_gaussian_moments():
    d = one(np.random.default_rng(1).standard_normal(200_000))
    assert d["mean"] == pytest.approx(0.0, abs=0.01)
    assert d["standard deviation"] == pytest.approx(1.0, abs=0.01)
    assert d["skewness"] == pytest.approx(0.0, abs=0.03)
    assert d["kurtosis"] == pytest.approx(3.0, abs=0.05)  # not excess kurtosis


def test_shape_descriptors_known_answers():
    delta = one(np.r_[np.zeros(7), 2.0, np.zeros(12)], spacing=0.5)
    assert delta["energy centroid (s)"] == pytest.approx(3.5)  # index 7 x 0.5
    assert delta["RMS bandwidth (s)"] == pytest.approx(0.0)
    assert delta["position of max (s)"] == pytest.approx(3.5)
    assert delta["energy"] == pytest.approx(4.0) and delta["max energy"] == pytest.approx(4.0)
    step = one([0.0, 0.0, 1.0, 1.0])
    assert step["rate of attack"] == pytest.approx(0.25)  # max(s[i] - s[i-1]) / n
    assert step["rate of decay"] == pytest.approx(-0.25)  # min(s[i] - s[i+1]) / n
    assert step["silence ratio"] == pytest.approx(0.5)
    assert one([1.0, -1.0] * 50)["threshold crossing rate"] == pytest.approx(1.0)
    ratios = one([1.0, 2.0, 3.0])
    assert ratios["min/mean"] == pytest.approx(0.5) and ratios["max/mean"] == pytest.approx(1.5)


def test_gain_and_offset_do_not_change_normalized_features():
    x = np.random.default_rng(2).standard_normal((3, 800))
    F1, _ = signal_features(x, FS)
    F2, _ = signal_features(250.0 * x + 17.0, FS)
    np.testing.assert_allclose(F1, F2, rtol=1e-6, atol=1e-9)


def test_batch_equals_rows_across_chunks():
    x = np.random.default_rng(3).standard_normal((300, 64))  # more rows than one chunk
    F, _ = signal_features(x, FS)
    for i in (0, 255, 256, 299):
        np.testing.assert_allclose(F[i], signal_features(x[i : i + 1], FS)[0][0], rtol=1e-10)


@pytest.mark.parametrize(
    "x, rate, match",
    [
        (np.zeros(100), FS, "shape"),
        (np.zeros((2, 4)), FS, "n_samples >= 8"),
        (np.r_[np.zeros(99), np.nan][None, :], FS, "NaN or inf in rows"),
        (np.zeros((1, 100)), 0.0, "sampling_rate"),
        (np.zeros((1, 100)), True, "sampling_rate"),
        ([["a"] * 10], FS, "array of real numbers"),
    ],
)
def test_bad_input(x, rate, match):
    with pytest.raises(ValueError, match=match):
        signal_features(x, rate)
