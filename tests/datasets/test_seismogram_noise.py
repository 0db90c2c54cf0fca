"""KW1's transient mask, its median spectrum and its transient segments (seismogram_noise)."""

import numpy as np
import pytest
from scipy import signal as ssignal

from dlies.datasets.seismogram_noise import (
    KW1_RATE,
    kw1_noise,
    kw1_transient_segments,
    median_psd,
)

MINUTE = int(60 * KW1_RATE)


def at(minutes: float) -> slice:
    """Ten seconds of the record from ``minutes``."""
    start = int(minutes * MINUTE)
    return slice(start, start + int(10 * KW1_RATE))


def test_the_distant_event_and_the_local_bursts_are_masked():
    usable = kw1_noise().usable
    for minutes in (31.7, 32.5, 35.0, 40.0):  # P at 31.7 min, then 0.1-0.5 Hz waves
        assert not usable[at(minutes)].any(), minutes
    for minutes in (64.9, 66.1, 145.0):  # 8-30 Hz bursts
        assert not usable[at(minutes)].any(), minutes
    for minutes in (20.0, 60.0, 100.0, 130.0):  # quiet stretches stay
        assert usable[at(minutes)].all(), minutes


def test_the_reference_spectrum_is_not_inflated_by_the_distant_event():
    ref = kw1_noise()
    freqs, whole = median_psd(ref.record, KW1_RATE)  # every 5-min stretch, masked or not
    k = np.argmin(np.abs(freqs - 0.7))
    _, mean_usable = ssignal.welch(ref.record[ref.usable], fs=KW1_RATE, nperseg=3000)
    # A mask on the noise above 1 Hz alone leaves the event in: that mean is 18 times the median.
    assert 0.8 < mean_usable[k] / whole[k] < 1.3
    assert 0.8 < ref.psd[k] / whole[k] < 1.3
    band = (freqs >= 0.2) & (freqs <= 20)
    ratio = ref.psd[band] / whole[band]  # the narrow lines near 15 Hz vary most
    assert np.all((ratio > 0.6) & (ratio < 1.5)) and 0.9 < np.median(ratio) < 1.1


def test_transient_segments_hold_a_transient_and_clean_segments_none():
    ref = kw1_noise()
    rng = np.random.default_rng(0)
    seg = kw1_transient_segments(rng, 40, 3000, span=(0.0, 0.6))
    assert seg.shape == (40, 3000) and seg.dtype == np.float32
    np.testing.assert_allclose(seg.mean(axis=1), 0, atol=1e-3)
    # the record is in whole counts: find each segment from its first 20 steps in counts
    steps = np.round(np.diff(ref.record) * ref.unit_counts).astype(np.int32).tobytes()
    for x in seg[:10]:
        key = np.round(np.diff(x[:21]) * ref.unit_counts).astype(np.int32).tobytes()
        byte = steps.find(key)
        while byte >= 0 and byte % 4:  # a match across two numbers: look further
            byte = steps.find(key, byte + 1)
        start = byte // 4
        assert byte >= 0
        piece = ref.record[start : start + 3000]
        np.testing.assert_allclose(x, piece - piece.mean(), atol=1e-3)
        assert ref.transient[start : start + 3000].any()
        assert start > MINUTE  # the step at the record's first sample is not a transient
    later = kw1_transient_segments(rng, 5, 3000, span=(0.7, 1.0))  # only the 145-min burst
    assert later.shape == (5, 3000)
    with pytest.raises(ValueError, match="no KW1 transient"):
        kw1_transient_segments(rng, 1, 3000, span=(0.45, 0.55))
