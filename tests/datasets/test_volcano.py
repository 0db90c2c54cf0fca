"""make_volcano_signals: six classes from stated recipes on real KW1 noise."""

from __future__ import annotations

import numpy as np
import pytest

from dlies.datasets import make_volcano_signals
from dlies.datasets.volcano import CLASS_NAMES, UBINAS_COUNTS, class_counts, highpass


@pytest.fixture(scope="module")
def catalogue():
    return make_volcano_signals(240, snr_db=30.0, return_params=True, random_state=7)


def test_shapes_names_and_params(catalogue):
    X, y, names, params = catalogue
    assert X.shape == (240, 3000) and X.dtype == np.float32 and np.isfinite(X).all()
    assert y.shape == (240,) and names == CLASS_NAMES == ("LP", "TR", "VT", "EXP", "HYB", "TOR")
    assert set(params) == {"snr_db", "onset_s", "distance_km", "gain"}
    assert np.all(params["snr_db"] == 30.0)
    assert np.all((params["onset_s"] >= 2) & (params["onset_s"] <= 8))
    assert np.all(np.isnan(params["distance_km"]) == (y == CLASS_NAMES.index("EXP")))
    assert np.all((params["gain"] >= 0.1) & (params["gain"] <= 10))


def test_default_counts_follow_ubinas_with_a_floor(catalogue):
    _, y, _, _ = catalogue
    counts = np.bincount(y, minlength=6)
    assert counts.tolist() == class_counts(240).tolist()
    assert counts.min() >= 12 and counts.argmax() == 0  # 5 % floor; LP dominant
    c = class_counts(100_000, min_per_class=0)
    np.testing.assert_allclose(c / c.sum(), np.array(UBINAS_COUNTS) / sum(UBINAS_COUNTS), atol=1e-4)
    assert class_counts(60, proportions=[1, 1, 1, 1, 1, 1], min_per_class=3).tolist() == [10] * 6
    assert class_counts(13, min_per_class=2).sum() == 13


def test_deterministic_per_seed():
    a = make_volcano_signals(30, random_state=3)
    b = make_volcano_signals(30, random_state=3)
    c = make_volcano_signals(30, random_state=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_snr_sets_the_event_above_the_real_noise():
    quiet = [
        make_volcano_signals(60, snr_db=s, return_params=True, random_state=1) for s in (0, 30)
    ]
    ratios = []
    for X, y, _, p in quiet:
        keep = y != CLASS_NAMES.index("TR")  # tremor may start before the window
        pre = np.arange(X.shape[1]) / 100.0 < p["onset_s"][:, None] - 0.5
        noise = np.sqrt(np.nanmean(np.where(pre, X.astype(float) ** 2, np.nan), axis=1))
        peak = np.abs(X).max(axis=1)
        ratios.append(np.median((peak / noise)[keep]))
        # the background is KW1 in units of its median RMS, times the gain
        assert np.median((noise / p["gain"])[keep]) == pytest.approx(1.0, rel=0.5)
    assert ratios[1] > 10 * ratios[0]  # 30 dB more signal: about 30 times the amplitude


def spectral_centroid(X):
    f = np.fft.rfftfreq(X.shape[1], 0.01)
    p = np.abs(np.fft.rfft(X, axis=1)) ** 2
    return (p * f).sum(axis=1) / p.sum(axis=1)


def test_recipes_have_their_physics(catalogue):
    X, y, _, _ = catalogue
    fc = spectral_centroid(X.astype(float))
    by = {name: np.median(fc[y == i]) for i, name in enumerate(CLASS_NAMES)}
    assert 0.5 < by["LP"] < 5.0 and 0.8 < by["TR"] < 8.0  # narrow band, low frequency
    assert by["VT"] > 1.5 * by["LP"]  # broad band, higher frequency
    assert by["HYB"] < by["VT"]  # the LP coda pulls the hybrid down
    f = np.fft.rfftfreq(X.shape[1], 0.01)
    p = np.abs(np.fft.rfft(X.astype(float), axis=1)) ** 2
    peak_share = np.take_along_axis(p, p.argmax(axis=1)[:, None], axis=1)[:, 0] / p.sum(axis=1)
    tor, vt = CLASS_NAMES.index("TOR"), CLASS_NAMES.index("VT")
    assert np.median(peak_share[y == tor]) > 5 * np.median(peak_share[y == vt])  # monochromatic
    assert f[1] == pytest.approx(1 / 30)


def test_highpass_removes_the_microseism():
    t = np.arange(6000) / 100.0
    x = np.sin(2 * np.pi * 0.15 * t) + np.sin(2 * np.pi * 5.0 * t)
    out = highpass(x[None, :], 100.0)[0][1000:-1000]
    np.testing.assert_allclose(out, np.sin(2 * np.pi * 5.0 * t)[1000:-1000], atol=0.02)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n_samples=0), ValueError, "n_samples must be an integer >= 1"),
        (dict(n_samples=2.5), TypeError, "n_samples must be an integer"),
        (dict(n_samples=10, min_per_class=2), ValueError, "asks for 2 events per class"),
        (dict(n_samples=10, min_per_class=1.5), ValueError, "min_per_class must be .* <= 1"),
        (
            dict(n_samples=10, proportions=[1, 2]),
            ValueError,
            "proportions must be a \\(6,\\) array",
        ),
        (dict(n_samples=10, proportions=[0] * 6), ValueError, "not all be zero"),
        (dict(n_samples=10, snr_db=(10, 0)), ValueError, "low < high"),
        (dict(n_samples=10, snr_db="loud"), ValueError, "snr_db"),
        (dict(n_samples=10, duration=5.0), ValueError, "duration >= 20 s"),
        (
            dict(n_samples=10, sampling_rate=-1.0),
            ValueError,
            "sampling_rate must be a finite number > 0",
        ),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_volcano_signals(**kwargs)
