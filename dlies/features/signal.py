"""Hand-crafted features of seismic signals: Table 1 of Malfante et al. (2018).

Malfante, Dalla Mura, Métaxian, Mars, Macedo & Inza (2018), *Machine learning for
volcano-seismic signals: challenges and perspectives*, IEEE Signal Processing Magazine, and the
Ubinas study (JGR Solid Earth 123) describe each event by 34 descriptors computed on three
representations of the signal: in time, in frequency (the spectrum's modulus) and in quefrency
(the real cepstrum), 102 features in all. :func:`signal_features` computes them for a batch of
signals; :func:`domain_features` computes the 34 on any one representation.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import hilbert

from dlies._validate import Array, Boolean, validate_params
from dlies._validate import Real as RealNumber

DOMAINS = ("temporal", "spectral", "cepstral")
ENTROPY_BINS = (5, 30, 500)
SILENCE_LEVEL = 0.1  # |s| below this fraction of max |s| counts as silence
_CHUNK = 256  # rows per block: bounds memory for long catalogues
_TINY = 1e-12


def _descriptor_names(unit: str) -> list[str]:
    u = f" ({unit})"
    names = ["length (samples)", "mean", "standard deviation", "skewness", "kurtosis"]
    names += [f"energy centroid{u}", f"RMS bandwidth{u}", "energy skewness", "energy kurtosis"]
    names += [f"Shannon entropy, {b} bins" for b in ENTROPY_BINS]
    names += [f"Rényi entropy α=2, {b} bins" for b in ENTROPY_BINS]
    names += [f"Rényi entropy α=∞, {b} bins" for b in ENTROPY_BINS]
    names += ["rate of attack", "rate of decay", "min/mean", "max/mean"]
    names += ["energy", "max energy", "mean energy", "energy std", "energy skew", "energy kurt"]
    names += ["min", "max", f"position of min{u}", f"position of max{u}"]
    names += ["threshold crossing rate", "silence ratio"]
    return names


N_DESCRIPTORS = len(_descriptor_names(""))  # 34


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b, and 0 where |b| is negligible (constant or silent signals)."""
    ok = np.abs(b) > _TINY
    return np.divide(a, np.where(ok, b, 1.0)) * ok


def _moments(v: np.ndarray) -> tuple[np.ndarray, ...]:
    """Mean, standard deviation (n - 1), skewness and kurtosis along axis 1."""
    mean = v.mean(axis=1)
    centred = v - mean[:, None]
    c2 = centred * centred  # products, not powers: ** with a float array is much slower
    var = c2.mean(axis=1)
    std = np.sqrt(var * v.shape[1] / max(v.shape[1] - 1, 1))
    skew = _div((c2 * centred).mean(axis=1), var**1.5)
    kurt = _div((c2 * c2).mean(axis=1), var**2)
    return mean, std, skew, kurt


def _entropies(s: np.ndarray) -> list[np.ndarray]:
    """Shannon, then Rényi α=2, then Rényi α=∞ entropies (bits) of amplitude histograms."""
    n, m = s.shape
    low = s.min(axis=1, keepdims=True)
    span = s.max(axis=1, keepdims=True) - low
    unit = (s - low) * _div(1.0, span)  # in [0, 1]; 0 for a constant row
    shannon, renyi2, renyi_inf = [], [], []
    for bins in ENTROPY_BINS:
        idx = np.minimum((unit * bins).astype(np.int64), bins - 1)
        counts = np.bincount((idx + bins * np.arange(n)[:, None]).ravel(), minlength=n * bins)
        p = counts.reshape(n, bins) / m
        plogp = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
        shannon.append(-plogp.sum(axis=1))
        renyi2.append(-np.log2((p * p).sum(axis=1)))
        renyi_inf.append(-np.log2(p.max(axis=1)))
    return shannon + renyi2 + renyi_inf


def domain_features(s: np.ndarray, spacing: float = 1.0) -> np.ndarray:
    """The 34 descriptors of Malfante et al.'s Table 1 on one representation ``s``.

    Parameters
    ----------
    s : ndarray, shape (n, m)
        n sequences s[i], i = 0..m-1: an envelope in time, a spectrum, a cepstrum.
    spacing : float
        The step of i in physical units (s for time and quefrency, Hz for frequency); the
        energy centroid, RMS bandwidth and positions of min and max are given in these units.

    Returns
    -------
    ndarray, shape (n, 34)
        In the order of ``signal_features``' names. With ``E_i = s[i]²`` and ``E = Σ E_i``:
        centroid ``ī = Σ i E_i / E``, bandwidth ``B = sqrt(Σ i² E_i / E − ī²)``, energy
        skewness and kurtosis ``Σ (i − ī)^k E_i / (E B^k)`` for k = 3, 4 (the table prints their
        square roots; we keep the moments, whose sign carries the asymmetry); entropies of the
        amplitude histogram at 5, 30 and 500 bins; rate of attack ``max(s[i] − s[i−1]) / m``,
        rate of decay ``min(s[i] − s[i+1]) / m``; crossings of the mean level per sample;
        silence ratio: the fraction of samples with ``|s| < 0.1 max |s|``. Quantities that
        would divide by zero (a constant or all-zero signal) are 0.
    """
    n, m = s.shape
    i = np.arange(m, dtype=float)
    mean, std, skew, kurt = _moments(s)
    e_i = s * s
    energy = e_i.sum(axis=1)
    centroid = _div(e_i @ i, energy)
    bandwidth = np.sqrt(np.maximum(_div(e_i @ i**2, energy) - centroid**2, 0.0))
    d = i[None, :] - centroid[:, None]
    e_d2 = e_i * d * d
    e_skew = _div(_div((e_d2 * d).sum(axis=1), energy), bandwidth**3)
    e_kurt = _div(_div((e_d2 * d * d).sum(axis=1), energy), bandwidth**4)
    diff = np.diff(s, axis=1)
    lo, hi = s.min(axis=1), s.max(axis=1)
    above = s > mean[:, None]
    crossings = (above[:, 1:] != above[:, :-1]).sum(axis=1) / max(m - 1, 1)
    peak = np.abs(s).max(axis=1, keepdims=True)
    silence = (np.abs(s) < SILENCE_LEVEL * peak).mean(axis=1) * (peak[:, 0] > _TINY)
    _, e_std, e_sk, e_ku = _moments(e_i)
    columns = [
        np.full(n, float(m)),
        mean,
        std,
        skew,
        kurt,
        centroid * spacing,
        bandwidth * spacing,
        e_skew,
        e_kurt,
        *_entropies(s),
        diff.max(axis=1) / m if m > 1 else np.zeros(n),
        (-diff).min(axis=1) / m if m > 1 else np.zeros(n),
        _div(lo, mean),
        _div(hi, mean),
        energy,
        e_i.max(axis=1),
        e_i.mean(axis=1),
        e_std,
        e_sk,
        e_ku,
        lo,
        hi,
        s.argmin(axis=1) * spacing,
        s.argmax(axis=1) * spacing,
        crossings,
        silence,
    ]
    return np.column_stack(columns)


def representations(x: np.ndarray, sampling_rate: float) -> dict[str, tuple[np.ndarray, float]]:
    """The three views of each signal, with the spacing of their index.

    temporal: the envelope ``|x + i H(x)|`` (H: Hilbert transform), spacing 1/fs s; spectral:
    ``|FFT(x)|`` up to Nyquist, spacing fs/n Hz; cepstral: the real cepstrum
    ``IFFT(log |FFT(x)|)`` up to n/2, spacing 1/fs s (quefrency).
    """
    n = x.shape[1]
    spectrum = np.abs(np.fft.rfft(x, axis=1))
    # A floor relative to each row's peak keeps log finite for zero bins and silent rows.
    floor = 1e-10 * spectrum.max(axis=1, keepdims=True) + 1e-300
    cepstrum = np.fft.irfft(np.log(spectrum + floor), n=n, axis=1)[:, : n // 2 + 1]
    return {
        "temporal": (np.abs(hilbert(x, axis=1)), 1.0 / sampling_rate),
        "spectral": (spectrum, sampling_rate / n),
        "cepstral": (cepstrum, 1.0 / sampling_rate),
    }


@validate_params(x=Array(finite=False), sampling_rate=RealNumber(above=0), normalize=Boolean())
def signal_features(
    x, sampling_rate: float, *, normalize: bool = True
) -> tuple[np.ndarray, list[str]]:
    """Malfante et al. (2018)'s 102 features: 34 descriptors in time, frequency and quefrency.

    Parameters
    ----------
    x : array-like, shape (n, samples)
        One signal per row (e.g. ground velocity), at least 8 samples, finite.
    sampling_rate : float
        In Hz.
    normalize : bool, default True
        Remove each row's mean and divide by its peak |x| first, so that the features describe
        the waveform's shape, not the station's gain (a silent row stays zero).

    Returns
    -------
    F : ndarray of float64, shape (n, 102)
        Always finite, also for constant or all-zero rows.
    names : list of str
        ``"<domain>: <descriptor>"`` with domain temporal (computed on the envelope, since the
        mean and the ratios to the mean of a zero-mean trace say nothing), spectral or cepstral.
        Positions and widths are in s (temporal, cepstral) or Hz (spectral).

    Raises
    ------
    ValueError
        For a non-2-D or non-finite ``x``, fewer than 8 samples, or a non-positive rate.
    """
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"signal_features: x must be a numeric array, got {type(x)!r}") from exc
    if arr.ndim != 2 or arr.shape[1] < 8 or arr.shape[0] < 1:
        raise ValueError(
            f"signal_features: x must have shape (n_signals, n_samples) with n_samples >= 8, "
            f"got {arr.shape} (one signal: x[None, :])"
        )
    if not np.all(np.isfinite(arr)):
        bad = np.flatnonzero(~np.isfinite(arr).all(axis=1))
        raise ValueError(f"signal_features: x has NaN or inf in rows {bad[:10].tolist()}")
    fs = sampling_rate
    blocks = []
    for start in range(0, arr.shape[0], _CHUNK):
        block = arr[start : start + _CHUNK]
        if normalize:
            block = block - block.mean(axis=1, keepdims=True)
            peak = np.abs(block).max(axis=1, keepdims=True)
            block = block * _div(1.0, peak)
        views = representations(block, fs)
        blocks.append(np.hstack([domain_features(*views[d]) for d in DOMAINS]))
    F = np.vstack(blocks)
    # Guards above keep every value finite; this makes the promise unconditional.
    F = np.nan_to_num(F, nan=0.0, posinf=np.finfo(float).max, neginf=-np.finfo(float).max)
    return F, feature_names()


def feature_names() -> list[str]:
    """The 102 names of :func:`signal_features`' columns."""
    units = {"temporal": "s", "spectral": "Hz", "cepstral": "s"}
    return [f"{d}: {name}" for d in DOMAINS for name in _descriptor_names(units[d])]
