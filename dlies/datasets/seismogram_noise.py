"""Seismic background noise for :func:`~dlies.datasets.make_seismograms`, matched to BW.KW1.

BW.KW1 (ObsPy's test data: 2.6 h of vertical ground motion at 100 Hz, counts) is the
reference site. From it we take

* its **transients**: 10-s blocks in which any of five bands (0.1–0.5, 0.5–2, 2–8 and
  8–30 Hz, and everything above 1 Hz) holds more than three times its median RMS over the
  record. They are a distant earthquake at 31.7 min (a 0.5–2 Hz P wave, then ten minutes of
  0.1–0.5 Hz waves, 5 to 15 times the microseism), bursts of 8–30 Hz lasting a few seconds at
  64.9, 66.1 and 145.0 min (uncatalogued: very local micro-events or cultural sources), and
  the step at the record's first sample. Each is masked with 30 s on either side: 12 % of the
  record;
* its **typical power spectrum**: the median, frequency by frequency, of the Welch spectra
  (30-s Hann segments, half overlap) of the 5-min stretches free of transients: a microseism
  peak near 0.15–0.2 Hz, some 60 times the amplitude of the noise above 1 Hz, and a narrow line
  at 15 Hz. A median, because the record's level below 0.1 Hz also varies threefold for half
  an hour (82–112 min) with nothing above it; a mean would carry that into every synthetic
  window. Synthetic noise is white Gaussian noise shaped to this spectrum (random phases);
* **real segments** of the record, for the vertical component, wherever a window fits between
  the masked stretches, and **transient segments**: windows that hold the onset of one of the
  transients above (:func:`kw1_transient_segments`).

All noise is expressed in units of KW1's median standard deviation above 1 Hz, so one unit
is the site's usual high-frequency noise; the microseism makes the broadband standard
deviation larger (and variable from hour to hour in the real record).

``noise="cultural"`` adds a broad band of 2–12 Hz noise 10 dB above KW1's level (traffic,
industry), the kind of site where the signal band itself is noisy.

``noise="varied"`` gives every window a site of its own: KW1's spectrum times a random smooth
gain, a slope of ±6 dB per decade plus three bumps of ±12 dB, 0.2–0.6 decades wide, centred
between 1 and 40 Hz (the same on the three components). Training on it keeps a detector from
taking one site's noise spectrum for the definition of "noise".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy import fft as sfft
from scipy import signal as ssignal

NOISE_KINDS = ("kw1", "kw1_synthetic", "cultural", "varied")
KW1_RATE = 100.0
_MASK_BLOCK_S = 10.0
_MASK_FACTOR = 3.0
_MASK_MARGIN_S = 30.0
#: Bands (Hz) of the transient mask; None as the upper edge: a high-pass.
_MASK_BANDS_HZ = ((0.1, 0.5), (0.5, 2.0), (2.0, 8.0), (8.0, 30.0), (1.0, None))
_PSD_STRETCH_S = 300.0
_PSD_SEGMENT_S = 30.0


@dataclass(frozen=True)
class KW1Noise:
    """The KW1 record in noise units, where it is free of transients, and its spectrum."""

    record: np.ndarray  # float32, counts / unit
    usable: np.ndarray  # bool, per sample: no transient nearby
    unit_counts: float  # counts per noise unit (median std above 1 Hz, 10-s blocks)
    freqs: np.ndarray  # Hz
    psd: np.ndarray  # one-sided power spectral density, unit**2 / Hz (median of stretches)
    transient: np.ndarray  # bool, per sample: inside a loud 10-s block

    @property
    def transient_times_s(self) -> np.ndarray:
        """Start times (s) of the masked stretches of the record."""
        edges = np.flatnonzero(np.diff(self.usable.astype(np.int8)) == -1) + 1
        return np.concatenate([[0] if not self.usable[0] else [], edges]) / KW1_RATE


def _filter(x: np.ndarray, rate: float, low: float, high: float | None) -> np.ndarray:
    """Zero-phase Butterworth band-pass (high-pass when ``high`` is None) along the last axis."""
    band, kind = (low, "highpass") if high is None else ((low, high), "bandpass")
    sos = ssignal.butter(4, band, kind, fs=rate, output="sos")
    return ssignal.sosfiltfilt(sos, x, axis=-1)


def _block_rms(x: np.ndarray, block: int) -> np.ndarray:
    n_blocks = len(x) // block
    return x[: n_blocks * block].reshape(n_blocks, block).std(axis=1)


def _near(flags: np.ndarray, margin: int) -> np.ndarray:
    """True within ``margin`` samples of a True sample (a running window over a cumsum)."""
    count = np.concatenate([[0], np.cumsum(flags)])
    idx = np.arange(len(flags))
    return count[np.minimum(idx + margin + 1, len(flags))] > count[np.maximum(idx - margin, 0)]


def median_psd(
    x: np.ndarray, rate: float, stretch_s: float = _PSD_STRETCH_S
) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (Hz) and the median over ``stretch_s``-long stretches of ``x`` of their
    Welch spectra (30-s Hann segments, half overlap); ``x`` is (samples,) or (stretches, samples).

    Each stretch averages 19 periodograms, so the median is within a few per cent of the mean
    of a stationary record, while a transient in fewer than half the stretches leaves it alone.
    """
    x = np.asarray(x, float)
    if x.ndim == 1:
        size = int(stretch_s * rate)
        x = x[: len(x) // size * size].reshape(-1, size)
    freqs, psd = ssignal.welch(x, fs=rate, nperseg=int(_PSD_SEGMENT_S * rate), axis=-1)
    return freqs, np.median(psd, axis=0)


@functools.lru_cache(maxsize=1)
def kw1_noise() -> KW1Noise:
    """Load BW.KW1 once per process, mask its transients, and measure its spectrum."""
    from dlies.datasets.real_records import load_kw1

    counts = load_kw1().astype(float)
    counts -= counts.mean()
    block = int(_MASK_BLOCK_S * KW1_RATE)
    loud_blocks = np.zeros(len(counts) // block, bool)
    for low, high in _MASK_BANDS_HZ:
        rms = _block_rms(_filter(counts, KW1_RATE, low, high), block)
        loud_blocks |= rms > _MASK_FACTOR * np.median(rms)
        if high is None and low == 1.0:
            unit = float(np.median(rms))
    loud = np.zeros(len(counts), bool)
    loud[: len(loud_blocks) * block] = np.repeat(loud_blocks, block)
    usable = ~_near(loud, int(_MASK_MARGIN_S * KW1_RATE))
    record = (counts / unit).astype(np.float32)
    size = int(_PSD_STRETCH_S * KW1_RATE)
    starts = np.arange(0, len(record) - size + 1, size)
    bad = np.concatenate([[0], np.cumsum(~usable)])
    starts = starts[bad[starts + size] == bad[starts]]  # stretches free of transients
    freqs, psd = median_psd(record[starts[:, None] + np.arange(size)], KW1_RATE)
    return KW1Noise(record, usable, unit, freqs, psd, loud)


def noise_psd(freqs: np.ndarray, kind: str) -> np.ndarray:
    """One-sided power spectral density (unit²/Hz) of the synthetic noise at ``freqs`` (Hz).

    KW1's spectrum interpolated in log-log; beyond its 50 Hz Nyquist frequency it is held at
    its last value.
    """
    if kind not in NOISE_KINDS:
        raise ValueError(f"noise must be one of {NOISE_KINDS}, got {kind!r}")
    ref = kw1_noise()
    f_ref, p_ref = ref.freqs[1:], np.maximum(ref.psd[1:], 1e-12)
    f = np.clip(np.asarray(freqs, float), f_ref[0], f_ref[-1])
    psd = np.exp(np.interp(np.log(f), np.log(f_ref), np.log(p_ref)))
    if kind == "cultural":
        # 2-12 Hz band, 10 dB above KW1's median level in that band, smooth edges.
        band = (f_ref >= 2) & (f_ref <= 12)
        level = 10.0 * np.median(p_ref[band])
        taper = 0.5 * (np.tanh((f - 2.0) / 0.4) - np.tanh((f - 12.0) / 1.5))
        psd = psd + level * taper
    return psd


def site_gain_db(rng: np.random.Generator, n: int, freqs: np.ndarray) -> np.ndarray:
    """Random smooth spectral gains (n, len(freqs)) in dB for ``noise="varied"``."""
    logf = np.log10(np.clip(freqs, 0.1, None))[None, :]
    gain = rng.uniform(-6.0, 6.0, (n, 1)) * logf  # dB per decade, pivot at 1 Hz
    for _ in range(3):
        centre = rng.uniform(0.0, np.log10(40.0), (n, 1))
        width = rng.uniform(0.2, 0.6, (n, 1))
        gain += rng.uniform(-12.0, 12.0, (n, 1)) * np.exp(-0.5 * ((logf - centre) / width) ** 2)
    return gain


def synthetic_noise(
    rng: np.random.Generator, shape: tuple[int, ...], sampling_rate: float, kind: str
) -> np.ndarray:
    """Gaussian noise with the spectrum of :func:`noise_psd`, float32, last axis = time.

    For ``kind="varied"`` the first axis indexes windows, each with its own site gain.
    """
    samples = shape[-1]
    white = rng.standard_normal(shape, dtype=np.float32)
    freqs = sfft.rfftfreq(samples, 1.0 / sampling_rate)
    # White noise of unit variance has one-sided PSD 2/fs; scale its spectrum to the target.
    gain = np.sqrt(noise_psd(freqs, kind) * sampling_rate / 2.0)
    gain[0] = 0.0  # no DC offset
    if kind == "varied":
        site = 10.0 ** (site_gain_db(rng, shape[0], freqs) / 20.0)
        gain = (gain * site).reshape((shape[0],) + (1,) * (len(shape) - 2) + (len(freqs),))
    spec = sfft.rfft(white, axis=-1) * gain.astype(np.float32)
    return sfft.irfft(spec, n=samples, axis=-1).astype(np.float32)


def kw1_segments(
    rng: np.random.Generator,
    n: int,
    samples: int,
    *,
    span: tuple[float, float] = (0.0, 1.0),
) -> np.ndarray:
    """``n`` real, transient-free KW1 segments of ``samples`` samples (n, samples), float32.

    ``span`` restricts the starts to a fraction of the record (e.g. (0, 0.6) for training
    and (0.6, 1) for testing, so that the two never share noise). Each segment is demeaned.
    """
    ref = kw1_noise()
    first, last = _span_starts(len(ref.record), samples, span)
    bad = np.concatenate([[0], np.cumsum(~ref.usable)])
    starts = np.arange(first, max(first, last + 1))
    starts = starts[bad[starts + samples] - bad[starts] == 0]
    if len(starts) == 0:
        raise ValueError(
            f"no transient-free KW1 segment of {samples} samples in span {span} of the record"
        )
    chosen = rng.choice(starts, size=n)
    seg = ref.record[chosen[:, None] + np.arange(samples)]
    return seg - seg.mean(axis=1, keepdims=True)


def _span_starts(total: int, samples: int, span: tuple[float, float]) -> tuple[int, int]:
    """First and last start of a ``samples``-long window inside ``span`` of the record."""
    return int(span[0] * total), int(span[1] * total) - samples


def kw1_transient_segments(
    rng: np.random.Generator,
    n: int,
    samples: int,
    *,
    span: tuple[float, float] = (0.0, 1.0),
) -> np.ndarray:
    """``n`` KW1 segments (n, samples), float32 and demeaned, each holding a transient.

    A transient is a run of loud 10-s blocks (gaps under a minute merged); each draw picks one
    of the runs inside ``span`` with equal probability, one of its blocks, and a window that
    holds the whole block (or lies inside it, for windows shorter than 10 s). The run that
    starts with the record has no onset in it and is left out.
    """
    ref = kw1_noise()
    block = int(_MASK_BLOCK_S * KW1_RATE)
    first, last = _span_starts(len(ref.record), samples, span)
    loud = np.flatnonzero(ref.transient[::block][1:]) + 1  # loud blocks, the first one aside
    run = np.concatenate([[0], np.cumsum(np.diff(loud) > 6)])  # a new run after 1 min quiet
    lo = loud * block + min(0, block - samples)
    hi = loud * block + max(0, block - samples)
    lo, hi = np.maximum(lo, first), np.minimum(hi, last)
    keep = lo <= hi
    loud, run, lo, hi = loud[keep], run[keep], lo[keep], hi[keep]
    if len(loud) == 0:
        raise ValueError(
            f"no KW1 transient fits a window of {samples} samples in span {span} of the record"
        )
    runs, first_block, count = np.unique(run, return_index=True, return_counts=True)
    which = rng.integers(0, len(runs), n)
    chosen = first_block[which] + (rng.random(n) * count[which]).astype(int)
    starts = lo[chosen] + (rng.random(n) * (hi[chosen] - lo[chosen] + 1)).astype(int)
    seg = ref.record[starts[:, None] + np.arange(samples)]
    return seg - seg.mean(axis=1, keepdims=True)


def highpass_power(x: np.ndarray, sampling_rate: float, corner: float = 1.0) -> np.ndarray:
    """Mean square of ``x`` above ``corner`` Hz along the last axis (Parseval on the rfft)."""
    samples = x.shape[-1]
    spec = np.abs(sfft.rfft(x, axis=-1)) ** 2
    freqs = sfft.rfftfreq(samples, 1.0 / sampling_rate)
    weight = np.where(freqs >= corner, 2.0, 0.0)
    if samples % 2 == 0:
        weight[-1] = 1.0 if freqs[-1] >= corner else 0.0
    return (spec * weight).sum(axis=-1) / samples**2
