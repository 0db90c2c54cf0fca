import numpy as np
import pytest

from dlies.datasets.seismogram_noise import kw1_noise, kw1_segments, noise_psd, synthetic_noise
from dlies.datasets.seismograms import Seismograms, make_seismograms
from dlies.physics.crust import BASIN_CRUST, GENERIC_CRUST, s_minus_p_time


@pytest.fixture(scope="module")
def windows():
    return make_seismograms(200, noise_fraction=0.2, random_state=0)


def test_shapes_fields_and_noise_units(windows):
    assert isinstance(windows, Seismograms)
    assert windows.waveforms.shape == (200, 3000, 3)
    assert windows.waveforms.dtype == np.float32
    assert np.all(np.isfinite(windows.waveforms))
    assert windows.sampling_rate == 100.0
    for name in ("p_index", "s_index", "distance_km", "depth_km", "magnitude", "snr_db"):
        assert getattr(windows, name).shape == (200,)
    sub = windows.subset(slice(10, 20))
    assert len(sub) == 10 and sub.sampling_rate == 100.0
    np.testing.assert_array_equal(sub.p_index, windows.p_index[10:20])
    both = Seismograms.concatenate([sub, windows.subset(np.arange(5))])
    assert len(both) == 15 and both.waveforms.shape == (15, 3000, 3)
    np.testing.assert_array_equal(both.s_index[10:], windows.s_index[:5])
    with pytest.raises(ValueError, match="mixed rates"):
        Seismograms.concatenate([sub, make_seismograms(2, duration=10.0, random_state=0)])


@pytest.mark.parametrize("crust", [GENERIC_CRUST, BASIN_CRUST])
def test_s_follows_p_by_the_models_s_minus_p_time(crust):
    w = make_seismograms(150, crust=crust, noise_fraction=0.0, random_state=1)
    both = (w.p_index >= 0) & (w.s_index >= 0)
    assert both.sum() > 100
    expected = s_minus_p_time(crust, w.distance_km[both], w.depth_km[both])
    measured = (w.s_index[both] - w.p_index[both]) / w.sampling_rate
    np.testing.assert_allclose(measured, expected, atol=1.0 / w.sampling_rate)
    assert np.all(w.s_index[both] > w.p_index[both])


def test_s_outside_the_window_is_marked_absent():
    w = make_seismograms(
        60,
        duration=10.0,
        p_onset_s=(5.0, 8.0),
        distance_km=(80.0, 120.0),
        noise_fraction=0.0,
        random_state=2,
    )
    assert np.all(w.p_index >= 0)
    assert np.all(w.s_index == -1)  # S - P > 9 s beyond 80 km


def test_p_energy_is_on_the_vertical_component():
    w = make_seismograms(
        80, snr_db=(35.0, 40.0), noise="kw1_synthetic", noise_fraction=0.0, random_state=3
    )
    ratios = []
    for x, p, s in zip(w.waveforms, w.p_index, w.s_index, strict=True):
        end = p + min(50, (s - p) if s > 0 else 50)  # the first 0.5 s of P
        seg = x[p:end]
        ratios.append((seg[:, 0] ** 2).sum() / (seg[:, 1:] ** 2).sum())
    assert np.median(ratios) > 2.0


def test_p_particle_motion_points_away_from_the_source():
    # Source due east (back-azimuth 90): when the ground moves up it moves west (E < 0).
    east = np.tile([[30.0, 0.0]], (40, 1))
    w = make_seismograms(
        40,
        epicentres=east,
        snr_db=(35.0, 40.0),
        noise="kw1_synthetic",
        noise_fraction=0.0,
        random_state=4,
    )
    np.testing.assert_allclose(w.back_azimuth_deg, 90.0)
    np.testing.assert_allclose(w.distance_km, 30.0)
    first = np.stack([x[p : p + 50] for x, p in zip(w.waveforms, w.p_index, strict=True)])
    cov_ze = np.mean(first[:, :, 0] * first[:, :, 2], axis=1)
    cov_zn = np.mean(first[:, :, 0] * first[:, :, 1], axis=1)
    assert np.mean(cov_ze < 0) > 0.9
    assert np.median(np.abs(cov_zn)) < 0.2 * np.median(np.abs(cov_ze))


def test_noise_windows_carry_no_pick(windows):
    noise = windows.p_index < 0
    assert noise.sum() == 40  # round(0.2 * 200)
    assert np.all(windows.s_index[noise] == -1)
    assert not windows.is_event[noise].any() and windows.is_event[~noise].all()
    for name in ("distance_km", "depth_km", "magnitude", "back_azimuth_deg", "snr_db"):
        assert np.all(np.isnan(getattr(windows, name)[noise]))
        assert np.all(np.isfinite(getattr(windows, name)[~noise]))
    only_noise = make_seismograms(5, noise_fraction=1.0, random_state=0)
    assert np.all(only_noise.p_index == -1)


def test_snr_is_drawn_in_range_or_follows_magnitude_and_distance(windows):
    snr = windows.snr_db[windows.is_event]
    assert snr.min() >= -5.0 and snr.max() <= 25.0
    w = make_seismograms(300, snr_db=None, noise_fraction=0.0, random_state=5)
    assert np.corrcoef(w.magnitude, w.snr_db)[0, 1] > 0.5
    fixed = make_seismograms(
        200, snr_db=None, magnitude=(2.0, 2.01), noise_fraction=0.0, random_state=6
    )
    assert np.corrcoef(np.log(fixed.distance_km), fixed.snr_db)[0, 1] < -0.5


def test_deterministic_per_random_state():
    a = make_seismograms(20, random_state=7)
    b = make_seismograms(20, random_state=7)
    c = make_seismograms(20, random_state=8)
    np.testing.assert_array_equal(a.waveforms, b.waveforms)
    np.testing.assert_array_equal(a.p_index, b.p_index)
    assert not np.array_equal(a.waveforms, c.waveforms)


def test_other_sampling_rate_uses_synthetic_noise():
    w = make_seismograms(10, sampling_rate=50.0, duration=20.0, random_state=0)
    assert w.waveforms.shape == (10, 1000, 3)
    assert np.all(w.p_index < 1000)


def test_kw1_noise_model_and_segments():
    ref = kw1_noise()
    assert 0.85 < ref.usable.mean() < 0.95  # the transients are masked, 30 s either side
    # the microseism peak: far more power near 0.2 Hz than at 5 Hz
    assert noise_psd(np.array([0.2]), "kw1")[0] > 100 * noise_psd(np.array([5.0]), "kw1")[0]
    assert noise_psd(np.array([6.0]), "cultural")[0] > 5 * noise_psd(np.array([6.0]), "kw1")[0]
    rng = np.random.default_rng(0)
    seg = kw1_segments(rng, 4, 3000, span=(0.6, 1.0))
    assert seg.shape == (4, 3000)
    np.testing.assert_allclose(seg.mean(axis=1), 0, atol=1e-3)
    with pytest.raises(ValueError, match="no transient-free"):
        kw1_segments(rng, 1, 3000, span=(0.0, 0.001))
    syn = synthetic_noise(rng, (2, 3, 3000), 100.0, "kw1")
    assert syn.shape == (2, 3, 3000) and syn.dtype == np.float32


def test_varied_noise_gives_each_window_its_own_spectrum():
    rng = np.random.default_rng(1)
    x = synthetic_noise(rng, (40, 3, 4000), 100.0, "varied")
    spec = np.abs(np.fft.rfft(x, axis=-1)) ** 2
    freqs = np.fft.rfftfreq(4000, 0.01)
    band = lambda lo, hi: spec[..., (freqs >= lo) & (freqs < hi)].mean(-1)  # noqa: E731
    ratio_db = 10 * np.log10(band(8, 12) / band(2, 3))  # (window, component)
    # the three components of a window share their site; windows differ by many dB
    assert np.median(np.ptp(ratio_db, axis=1)) < 3.0
    assert np.ptp(ratio_db[:, 0]) > 10.0
    w = make_seismograms(6, noise="varied", random_state=0)
    assert np.all(np.isfinite(w.waveforms))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_samples": 0}, ValueError, "n_samples"),
        ({"n_samples": 2.5}, TypeError, "n_samples"),
        ({"noise": "pink"}, ValueError, "noise"),
        ({"noise_fraction": 1.5}, ValueError, "noise_fraction"),
        ({"epicentres": np.zeros((3, 2))}, ValueError, "epicentres"),
        ({"p_onset_s": (1.0, 40.0)}, ValueError, "p_onset_s"),
        ({"snr_db": (10.0, 0.0)}, ValueError, "snr_db"),
        ({"crust": "granite"}, TypeError, "crust"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    kwargs = {"n_samples": 5, **kwargs}
    with pytest.raises(error, match=match):
        make_seismograms(**kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"depth_km": (0, 1e6)}, "depth_km must be a pair"),
        ({"distance_km": (0, 1e5)}, "distance_km must be a pair"),
        ({"magnitude": (0, 12)}, "magnitude must be a pair"),
        ({"noise": "pink"}, "noise must be one of"),
        ({"random_state": True}, "random_state must be"),
        ({"random_state": -1}, "random_state must be"),
        ({"crust": "generic"}, "crust must be an instance of CrustalModel"),
    ],
)
def test_parameters_outside_the_physics_are_refused_by_name(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=f"make_seismograms: {match}"):
        make_seismograms(4, **kwargs)


def test_path_cluster_makes_events_of_one_cluster_alike():
    n = 16
    cluster = np.repeat([0, 1], n // 2)
    epicentres = np.where(cluster[:, None] == 0, [20.0, 20.0], [-30.0, 10.0])
    kwargs = dict(duration=10.0, epicentres=epicentres, snr_db=(30.0, 31.0), noise_fraction=0.0)
    alike = make_seismograms(n, path_cluster=cluster, random_state=1, **kwargs)
    fresh = make_seismograms(n, random_state=1, **kwargs)

    def p_window(data, i):
        return data.waveforms[i, data.p_index[i] : data.p_index[i] + 300, 0]

    def median_cc(data, pairs):
        return np.median([abs(np.corrcoef(p_window(data, i), p_window(data, j))[0, 1])
                          for i, j in pairs])  # fmt: skip

    same = [(i, j) for i in range(n // 2) for j in range(i + 1, n // 2)]
    other = [(i, j) for i in range(n // 2) for j in range(n // 2, n)]
    assert median_cc(alike, same) > 0.8 > 0.3 > median_cc(alike, other)
    assert median_cc(fresh, same) < 0.3  # without it, every event is its own realisation
    # The response belongs to the cluster id, not to the call: another seed, the same path.
    again = make_seismograms(n, path_cluster=cluster, random_state=7, **kwargs)
    a, b = p_window(alike, 0), p_window(again, 0)
    assert abs(np.corrcoef(a, b)[0, 1]) > 0.8
    # ... and not to the window length: a 30-s window of cluster 0 repeats a 10-s one.
    longer = make_seismograms(
        n, path_cluster=cluster, random_state=1, **{**kwargs, "duration": 30.0}
    )
    assert abs(np.corrcoef(p_window(alike, 0), p_window(longer, 0))[0, 1]) > 0.8
    with pytest.raises(ValueError, match="path_cluster"):
        make_seismograms(n, path_cluster=cluster[:3], **kwargs)
    with pytest.raises((ValueError, TypeError)):
        make_seismograms(n, path_cluster=-cluster - 1, **kwargs)
