"""dlies.pickers.ar_pick: ObsPy's answer where ObsPy reads in bounds, a bounded read elsewhere."""

from __future__ import annotations

import numpy as np
import obspy.signal.trigger as obspy_trigger
import pytest

from dlies.pickers import ar_pick

FS = 100.0
SETTINGS = (FS, 1.0, 20.0, 1.0, 0.1, 1.0, 0.2, 2, 4, 0.1, 0.2)  # lecture 15's


def _window(p_onset_s, s_onset_s, n=1000, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, (3, n))
    t = np.arange(n) / FS
    for k, onset, amp in [(0, p_onset_s, 8.0), (1, s_onset_s, 20.0), (2, s_onset_s, 20.0)]:
        on = t >= onset
        x[k, on] += amp * np.exp(-(t[on] - onset) / 1.5) * rng.normal(0.0, 1.0, on.sum())
    return tuple(np.ascontiguousarray(c, dtype=np.float32) for c in x)


@pytest.fixture
def calls(monkeypatch):
    """Every call to ObsPy's ar_pick: its lta_s, s_pick and result."""
    log = []
    original = obspy_trigger.ar_pick

    def recorded(*args, s_pick=True):
        out = original(*args, s_pick=s_pick)
        log.append({"lta_s": args[8], "s_pick": s_pick, "out": out})
        return out

    monkeypatch.setattr(obspy_trigger, "ar_pick", recorded)
    return log


def test_a_late_p_gets_obspys_answer_from_one_call(calls):
    z, n, e = _window(3.0, 5.0)
    p, s = ar_pick(z, n, e, *SETTINGS)
    assert len(calls) == 1 and (p, s) == calls[0]["out"]
    assert 2.8 < p < 3.2 and 4.6 < s < 5.4


def test_an_early_p_gets_an_s_from_a_long_term_window_before_the_p_pick(calls):
    z, n, e = _window(0.7, 2.7, seed=2)
    p, s = ar_pick(z, n, e, *SETTINGS)
    first = round(p * FS) + 10  # the P pick's sample in arpicker.c (plus l_p)
    assert first < 100  # ObsPy's own S search would have read before its buffers
    assert len(calls) == 2 and calls[1]["out"][0] == p  # the same P, then a bounded S
    assert int(np.float32(calls[1]["lta_s"]) * np.float32(FS)) <= first
    assert 0.6 < p < 0.8 and 2.3 < s < 3.1
    assert ar_pick(z, n, e, *SETTINGS) == (p, s)  # and again, the same


def test_a_p_pick_too_early_for_the_short_term_window_gets_no_s():
    settings = (FS, 1.0, 20.0, 1.0, 0.1, 1.0, 0.5, 2, 4, 0.1, 0.2)  # sta_s 0.5 s: 50 samples
    z, n, e = _window(0.2, 2.5)
    p, s = ar_pick(z, n, e, *settings)
    assert round(p * FS) + 10 < 50 and s == 0.0


def test_without_s_pick_only_p_is_returned():
    z, n, e = _window(3.0, 5.0)
    p, s = ar_pick(z, n, e, *SETTINGS, s_pick=False)
    assert s == 0.0 and p == obspy_trigger.ar_pick(z, n, e, *SETTINGS)[0]


def test_bad_settings_name_the_argument():
    z, n, e = _window(3.0, 5.0)
    with pytest.raises(ValueError, match="lta_s"):
        ar_pick(z, n, e, FS, 1.0, 20.0, 1.0, 0.1, -1.0, 0.2, 2, 4, 0.1, 0.2)
