"""make_seismograms(realism=...): field conditions, each setting on its own and the FIELD preset."""

import dataclasses

import numpy as np
import pytest
from scipy import signal as ssignal

from dlies._constraints import ParameterError
from dlies.datasets import SeismogramRealism, make_seismograms
from dlies.datasets.seismogram_noise import kw1_noise

FIELD = SeismogramRealism.FIELD
QUIET = SeismogramRealism()  # every setting off
SHORT = {"duration": 10.0, "p_onset_s": (2.0, 4.0)}


def realism(**changes) -> SeismogramRealism:
    return dataclasses.replace(QUIET, **changes)


def highpass(x: np.ndarray) -> np.ndarray:
    sos = ssignal.butter(4, 1.0, "highpass", fs=100.0, output="sos")
    return ssignal.sosfilt(sos, x - x[..., :1], axis=-1)


@pytest.fixture(scope="module")
def field():
    return make_seismograms(120, noise_fraction=0.25, realism=FIELD, random_state=0)


def test_shapes_components_and_dropout(field):
    assert field.waveforms.shape == (120, 3000, 3) and field.waveforms.dtype == np.float32
    assert np.all(np.isfinite(field.waveforms))
    single = field.components == "Z"
    assert set(field.components) == {"Z", "ZNE"} and single.sum() == 30  # round(0.25 * 120)
    assert not field.waveforms[single][:, :, 1:].any()
    assert np.all(np.abs(field.waveforms[~single][:, :, 1:]).max(axis=1) > 0)
    assert np.all(np.abs(field.waveforms[:, :, 0]).max(axis=1) > 0)
    for fraction, expected in ((0.0, 0), (0.5, 10)):
        w = make_seismograms(
            20, realism=realism(dropout_fraction=fraction), random_state=1, **SHORT
        )
        assert (w.components == "Z").sum() == expected
    assert make_seismograms(3, random_state=0, **SHORT).components is None  # default: no field


def test_noise_windows_hold_kw1_transients_and_no_picks(field):
    noise = ~field.is_event
    assert noise.sum() == 30
    assert np.all(field.p_index[noise] == -1) and np.all(field.s_index[noise] == -1)
    assert np.all(np.isnan(field.snr_db[noise]))
    ref = kw1_noise()
    steps = np.round(np.diff(ref.record) * ref.unit_counts).astype(np.int32).tobytes()
    with_transient = 0
    for z in field.waveforms[noise][:, :, 0]:  # each Z is a KW1 segment: find it
        key = np.round(np.diff(z[:21]) * ref.unit_counts).astype(np.int32).tobytes()
        byte = steps.find(key)
        while byte >= 0 and byte % 4:
            byte = steps.find(key, byte + 1)
        assert byte >= 0
        start = byte // 4
        with_transient += ref.transient[start : start + 3000].any()
        assert ref.transient[start : start + 3000].any() != ref.usable[start : start + 3000].all()
    assert with_transient == 15  # round(0.5 * 30)


def test_label_jitter_has_the_stated_spread_and_leaves_the_waveforms():
    kw = {"noise_fraction": 0.0, "random_state": 2, **SHORT}
    exact = make_seismograms(400, realism=realism(hypocentral_km=(3.0, 30.0)), **kw)
    jittered = make_seismograms(
        400, realism=realism(hypocentral_km=(3.0, 30.0), label_jitter_s=(0.05, 0.1)), **kw
    )
    np.testing.assert_array_equal(exact.waveforms, jittered.waveforms)
    dp = (jittered.p_index - exact.p_index) / 100.0
    both = (exact.s_index >= 0) & (jittered.s_index >= 0)
    ds = (jittered.s_index - exact.s_index)[both] / 100.0
    assert abs(dp.mean()) < 0.01 and 0.043 < dp.std() < 0.057
    assert both.sum() > 350 and abs(ds.mean()) < 0.015 and 0.088 < ds.std() < 0.112
    assert np.all(jittered.s_index[both] > jittered.p_index[both])


def test_near_events_give_s_minus_p_down_to_a_third_of_a_second():
    kw = {"noise_fraction": 0.0, "random_state": 3, **SHORT}
    near = make_seismograms(300, realism=realism(hypocentral_km=(2.5, 80.0)), **kw)
    sp = (near.s_index - near.p_index)[near.s_index >= 0] / 100.0
    assert sp.min() >= 0.29 and sp.min() < 0.4
    assert 0.12 < np.mean(sp < 0.71) < 0.35
    hypo = np.hypot(near.distance_km, near.depth_km)
    assert hypo.min() >= 2.5 - 1e-9 and hypo.max() <= 80.0 + 1e-9
    assert np.all((near.depth_km >= 2.0) & (near.depth_km <= 20.0))
    default = make_seismograms(300, **kw)
    assert ((default.s_index - default.p_index)[default.s_index >= 0] / 100.0).min() > 0.65


def onset_sharpness(w) -> np.ndarray:
    """Mean square of Z in the 0.1 s after P over that in the next 0.2 s, per window."""
    z = highpass(w.waveforms[:, :, 0].astype(float))
    first = [np.mean(row[p : p + 10] ** 2) for row, p in zip(z, w.p_index, strict=True)]
    after = [np.mean(row[p + 10 : p + 30] ** 2) for row, p in zip(z, w.p_index, strict=True)]
    return np.array(first) / np.array(after)


def test_impulsive_onsets_carry_a_first_pulse_and_emergent_ones_rise_slowly():
    kw = {"noise_fraction": 0.0, "snr_db": (30.0, 35.0), "random_state": 4, **SHORT}
    near = {"hypocentral_km": (20.0, 40.0)}  # S more than 2 s after P
    impulsive = make_seismograms(60, realism=realism(first_pulse=3.0, **near), **kw)
    plain = make_seismograms(60, realism=realism(**near), **kw)
    emergent = make_seismograms(
        60, realism=realism(emergent_fraction=1.0, emergent_rise_s=(0.5, 0.6), **near), **kw
    )
    sharp = {k: np.median(onset_sharpness(w)) for k, w in (("i", impulsive), ("p", plain))}
    assert sharp["i"] > 1.5 * sharp["p"]
    assert np.median(onset_sharpness(emergent)) < 0.2 * sharp["p"]
    # the first pulse is one-signed: the first 0.06 s move the ground one way
    coherence = {k: np.quantile(first_motion(w), 0.25) for k, w in (("i", impulsive), ("p", plain))}
    assert coherence["i"] > 0.95 and coherence["p"] < 0.7


def first_motion(w) -> np.ndarray:
    """|sum| / sum of |Z| over the 0.06 s from P (the noise's level before P removed)."""
    z = w.waveforms[:, :, 0].astype(float)
    seg = np.stack(
        [row[p : p + 6] - row[p - 20 : p].mean() for row, p in zip(z, w.p_index, strict=True)]
    )
    return np.abs(seg.sum(axis=1)) / np.abs(seg).sum(axis=1)


def s_peak_ratio(w) -> np.ndarray:
    """Horizontal peak in the 1 s from S over the peak in the 0.5 s before S."""
    h = highpass(np.moveaxis(w.waveforms[:, :, 1:].astype(float), 1, 2))
    h = np.hypot(h[:, 0], h[:, 1])
    ok = w.s_index + 100 <= h.shape[1]
    return np.array(
        [
            row[s : s + 100].max() / row[s - 50 : s].max()
            for row, s in zip(h[ok], w.s_index[ok], strict=True)
        ]
    )


def test_a_strong_p_coda_hides_s_on_the_horizontals():
    kw = {"noise_fraction": 0.0, "snr_db": (30.0, 35.0), "random_state": 5, **SHORT}
    near = {"hypocentral_km": (10.0, 30.0)}
    weak = make_seismograms(80, realism=realism(**near), **kw)
    strong = make_seismograms(80, realism=realism(p_coda=(1.0, 1.0), **near), **kw)
    assert np.median(s_peak_ratio(strong)) < 0.5 * np.median(s_peak_ratio(weak))


def test_the_snr_window_ends_at_s():
    # 40 dB over KW1's noise (about 1 unit above 1 Hz) is a mean square near 1e4 units^2 in
    # the P window; counting S in (S - P is 0.5-1.3 s here) would put P itself 10 dB lower.
    w = make_seismograms(
        60,
        snr_db=(40.0, 40.001),
        distance_km=(5.0, 10.0),
        depth_km=(2.0, 5.0),
        noise_fraction=0.0,
        random_state=6,
        **SHORT,
    )
    z = w.waveforms[:, :, 0].astype(float)
    p_power = [np.mean(row[p:s] ** 2) for row, p, s in zip(z, w.p_index, w.s_index, strict=True)]
    assert abs(np.median(10 * np.log10(p_power)) - 40.0) < 2.5


def test_same_seed_same_windows():
    a = make_seismograms(30, realism=FIELD, random_state=7, **SHORT)
    b = make_seismograms(30, realism=FIELD, random_state=7, **SHORT)
    c = make_seismograms(30, realism=FIELD, random_state=8, **SHORT)
    for name in ("waveforms", "p_index", "s_index", "components", "snr_db"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.waveforms, c.waveforms)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"dropout_fraction": 1.5}, "SeismogramRealism: dropout_fraction must be"),
        ({"transient_fraction": -0.1}, "SeismogramRealism: transient_fraction must be"),
        ({"emergent_fraction": "half"}, "SeismogramRealism: emergent_fraction must be"),
        ({"hypocentral_km": (10.0, 5.0)}, "SeismogramRealism: hypocentral_km must be"),
        ({"label_jitter_s": (0.05,)}, "SeismogramRealism: label_jitter_s must be"),
        ({"label_jitter_s": (0.05, -0.1)}, "SeismogramRealism: label_jitter_s must be"),
        ({"p_coda": (0.0, 1.0)}, "SeismogramRealism: p_coda must be"),
        ({"emergent_rise_s": 0.5}, "SeismogramRealism: emergent_rise_s must be"),
    ],
)
def test_bad_settings_are_refused_by_name(changes, match):
    with pytest.raises(ParameterError, match=match):
        realism(**changes)


def test_make_seismograms_checks_realism():
    with pytest.raises(ParameterError, match="make_seismograms: realism must be"):
        make_seismograms(3, realism="field")
    with pytest.raises(ValueError, match="transient_fraction > 0 needs real KW1 noise"):
        make_seismograms(3, realism=FIELD, noise="kw1_synthetic")
    with pytest.raises(ValueError, match="transient_fraction > 0 needs real KW1 noise"):
        make_seismograms(3, realism=FIELD, sampling_rate=50.0)
    w = make_seismograms(
        4, realism=dataclasses.replace(FIELD, transient_fraction=0.0), noise="varied"
    )
    assert w.waveforms.shape == (4, 3000, 3)
    assert dataclasses.replace(FIELD, label_jitter_s=[0.1, 0.2]).label_jitter_s == (0.1, 0.2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        FIELD.dropout_fraction = 0.5
