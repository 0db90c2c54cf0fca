"""ObsPy's AR-AIC picker, made reproducible: its S search kept inside its own buffers.

:func:`obspy.signal.trigger.ar_pick` (``arpicker.c``) finds S with a reversed STA-LTA on the
stronger horizontal that reads its averages at ``i - nlta`` for every sample ``i`` from the P
pick onwards, ``nlta = lta_s * samp_rate``. When the P pick lies less than ``lta_s`` after the
start of the window, those reads fall before the start of the buffer, on whatever the heap
holds there: the same window can get a good S in one process and ``0.0`` (no S) in another.

:func:`ar_pick` is a drop-in replacement with ObsPy's signature. It runs ObsPy's picker; when the
P pick is too early for ``lta_s`` (P does not depend on the S settings), it discards that S
and runs the picker again with the S long-term window shortened to the samples that precede
the P pick, so every read stays in the buffer; with fewer samples than the short-term window,
it reports no S (``0.0``, as ObsPy does). Windows whose P pick lies ``lta_s`` or more into the
window get exactly ObsPy's answer, from one call.
"""

from __future__ import annotations

import numpy as np

from dlies._validate import Boolean, Integer, Real, Unchecked, validate_params

_POSITIVE = Real(above=0)


def _samples(seconds: float, samp_rate: float) -> int:
    # arpicker.c: (int)(seconds * sample_rate), both single precision
    return int(np.float32(seconds) * np.float32(samp_rate))


@validate_params(
    a=Unchecked("ObsPy checks the traces"),
    b=Unchecked("ObsPy checks the traces"),
    c=Unchecked("ObsPy checks the traces"),
    samp_rate=_POSITIVE,
    f1=_POSITIVE,
    f2=_POSITIVE,
    lta_p=_POSITIVE,
    sta_p=_POSITIVE,
    lta_s=_POSITIVE,
    sta_s=_POSITIVE,
    m_p=Integer(min=1),
    m_s=Integer(min=1),
    l_p=_POSITIVE,
    l_s=_POSITIVE,
    s_pick=Boolean(),
)
def ar_pick(
    a,
    b,
    c,
    samp_rate: float,
    f1: float,
    f2: float,
    lta_p: float,
    sta_p: float,
    lta_s: float,
    sta_s: float,
    m_p: int,
    m_s: int,
    l_p: float,
    l_s: float,
    s_pick: bool = True,
) -> tuple[float, float]:
    """P and S onsets (seconds from the window start) by ObsPy's AR-AIC picker.

    The arguments are those of :func:`obspy.signal.trigger.ar_pick`: ``a`` the vertical,
    ``b`` and ``c`` the horizontals (float32, one length), then the band-pass corners, the P
    and S STA/LTA windows (s), the AR orders and the AR windows (s). The result is ObsPy's,
    except where ObsPy's S search would read outside its buffers (a P pick less than ``lta_s``
    into the window): there the S long-term window is shortened to the samples before the P
    pick, or no S is returned (``0.0``) if they are fewer than ``sta_s`` holds.
    """
    from obspy.signal.trigger import ar_pick as obspy_ar_pick

    settings = (samp_rate, f1, f2, lta_p, sta_p, lta_s, sta_s, m_p, m_s, l_p, l_s)
    p, s = obspy_ar_pick(a, b, c, *settings, s_pick=s_pick)
    first = int(round(p * samp_rate)) + int(l_p * np.float32(samp_rate))  # i4 in arpicker.c
    if not s_pick or first >= _samples(lta_s, samp_rate):
        return p, s  # ObsPy's S search stayed inside its buffers
    if first < _samples(sta_s, samp_rate):
        return p, 0.0  # no room before the P pick for even the short-term window
    lta_fit = np.float32(first / samp_rate)
    while _samples(lta_fit, samp_rate) > first:  # single-precision rounding up
        lta_fit = np.nextafter(lta_fit, np.float32(0.0))
    short = (samp_rate, f1, f2, lta_p, sta_p, float(lta_fit), sta_s, m_p, m_s, l_p, l_s)
    return obspy_ar_pick(a, b, c, *short, s_pick=True)  # the same P, an S read in bounds
