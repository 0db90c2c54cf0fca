r"""Synthetic three-component seismograms of local earthquakes, with their P and S picks.

:func:`make_seismograms` draws windows like those a phase picker (PhaseNet: 30 s at 100 Hz,
Z/N/E) or a detector (ConvNetQuake: 10 s) is trained on. The law that generates them:

* **Sources**: local earthquakes at random epicentral distance (uniform in
  ``distance_km``), depth (uniform in ``depth_km``) and back-azimuth (uniform), or at given
  epicentres; moment magnitudes from a Gutenberg–Richter law (b = 1) truncated to
  ``magnitude``; Brune :math:`\omega^{-2}` spectra with 3 MPa stress drop
  (:mod:`~dlies.datasets.seismogram_sources`).
* **Travel times**: first arrivals of P and S (direct or head waves) through a layered
  crust, :data:`~dlies.physics.crust.GENERIC_CRUST` by default
  (:func:`~dlies.physics.crust.first_arrival`); the S − P time is that of the model.
* **Propagation**: geometric spreading :math:`1/R`, path attenuation
  :math:`e^{-\pi f T/Q}` and site attenuation :math:`e^{-\pi f \kappa_0}`; a coda on all
  components that decays over the duration of Lee et al. (1972).
* **Polarisation**: P on the vertical and radial components (incidence angle from the ray
  parameter, with a 3 km/s near-surface P speed that bends rays towards the vertical), SV on
  radial and vertical, SH on transverse, with random radiation coefficients; radial and
  transverse rotated to N and E from the back-azimuth (P moves away from the source when the
  vertical moves up).
* **Noise**: BW.KW1's typical spectrum, with real KW1 segments free of its transients on Z
  (:mod:`~dlies.datasets.seismogram_noise`); waveforms are in units of KW1's usual noise
  above 1 Hz. A fraction ``noise_fraction`` of the windows hold noise only.
* **Signal-to-noise ratio**, in dB: 10 log10 of the mean square of the event's vertical
  motion from the P onset to 2 s after it or to the S onset, whichever comes first (the P
  wave alone), over the mean square of the vertical noise above 1 Hz.
  Either drawn uniformly in ``snr_db`` (the signal is scaled to it) or, with
  ``snr_db=None``, set by the physics: the signal in m/s over a site noise of
  ``noise_velocity_m_s`` above 1 Hz, so that amplitude grows with magnitude and falls with
  distance.

**Field conditions** (``realism``, a :class:`SeismogramRealism`; each is off by default, and
``SeismogramRealism.FIELD`` sets all of them to the strength of the real records of
:func:`~dlies.datasets.load_real_picks`, with the reasons in its notes):

* **Near events**: hypocentral distance :math:`R` log-uniform in ``hypocentral_km``, depth
  uniform in ``depth_km`` up to :math:`R`; S − P then reaches 0.3 s at 2.5 km.
* **Onsets**: a share ``emergent_fraction`` of the P onsets, and of the S onsets, rise
  linearly over a time uniform in ``emergent_rise_s``; impulsive P onsets start with a
  coherent pulse of ground velocity :math:`(2x - x^2) e^{-x}`, :math:`x = \tau/T`, of peak
  ``first_pulse`` times the P wave's RMS amplitude and polarity of its radiation
  coefficient, reaching its peak (:math:`x = 2 - \sqrt 2`) after
  :math:`1/(2\pi f_c) + (t^* + \kappa_0)/2` (the source's rise time plus the attenuation
  broadening, about 0.5 :math:`t^*` in Gladwin & Stacey 1974, *Phys. Earth Planet. Inter.*
  8, 332).
* **P coda**: its peak amplitude is ``p_coda`` (log-uniform per event) times the direct P's
  instead of 0.25, on all three components: scattered P energy that buries S on the
  horizontals.
* **Label errors**: Gaussian, of standard deviation ``label_jitter_s`` (P, S), added to the
  picks after the waveforms are drawn; the SNR window uses the true onsets.
* **Transients**: a share ``transient_fraction`` of the noise windows take their vertical
  from a stretch of KW1 holding one of its transients (a distant earthquake's P and surface
  waves, bursts of 8–30 Hz); they are labelled noise, as unpicked signals in real noise
  windows are. KW1 is a vertical record: N and E stay synthetic noise.
* **Vertical-only records**: a share ``dropout_fraction`` of all windows have zeros on N and
  E, and ``components`` says ``"Z"`` (``"ZNE"`` for the others).

**Waveform similarity** (``path_cluster``): without it every event is a fresh random-phase
realisation. With it, the events of one source cluster share a fixed path response: the
white series under P, S and the coda (drawn once per cluster id and aligned on each event's
onsets) and the radiation coefficients, as earthquakes of one small source region share
their Green's function. They then differ by their source spectrum (magnitude), their
envelopes and travel times (distance) and the noise: what template matching relies on.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from dlies._validate import (
    Array,
    Instance,
    Integer,
    Options,
    Pair,
    RandomState,
    Real,
    validate_params,
)
from dlies.datasets import seismogram_noise as _noise
from dlies.datasets import seismogram_realism as _real
from dlies.datasets.seismogram_realism import SeismogramRealism
from dlies.datasets.seismogram_waves import event_block
from dlies.physics.crust import GENERIC_CRUST, CrustalModel, first_arrival

__all__ = ["SeismogramRealism", "Seismograms", "make_seismograms"]

COMPONENTS = "ZNE"
SNR_WINDOW_S = 2.0
_CHUNK = 256


@dataclass
class Seismograms:
    """Three-component windows with their picks and source parameters.

    Attributes
    ----------
    waveforms : numpy.ndarray
        (n, samples, 3) float32, components Z, N, E.
    p_index, s_index : numpy.ndarray
        (n,) int, sample of the P and S onsets; −1 when the phase is not in the window.
    distance_km, depth_km, magnitude, back_azimuth_deg : numpy.ndarray
        (n,) float, epicentral distance, source depth, magnitude and back-azimuth (degrees
        clockwise from north, from the station towards the source); NaN when unknown or for
        noise windows.
    sampling_rate : float
        Hz.
    snr_db : numpy.ndarray
        (n,) float, signal-to-noise ratio in dB (definition in the module docstring for
        synthetic data; the data set's own for loaded data); NaN for noise windows.
    trace_name, network, station, components : numpy.ndarray or None
        (n,) str, for windows read from a data set (:func:`~dlies.datasets.load_seisbench`):
        the trace's name, network and station codes ("" when unknown), and the components it
        really recorded (e.g. ``"ZNE"``, or ``"Z"`` for a vertical-only record whose N and E
        rows are zeros). ``None`` for generated windows.
    """

    waveforms: np.ndarray
    p_index: np.ndarray
    s_index: np.ndarray
    distance_km: np.ndarray
    depth_km: np.ndarray
    magnitude: np.ndarray
    back_azimuth_deg: np.ndarray
    sampling_rate: float
    snr_db: np.ndarray
    trace_name: np.ndarray | None = None
    network: np.ndarray | None = None
    station: np.ndarray | None = None
    components: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.waveforms)

    @property
    def is_event(self) -> np.ndarray:
        """True for windows that contain a P or an S onset."""
        return (self.p_index >= 0) | (self.s_index >= 0)

    @property
    def times(self) -> np.ndarray:
        """Time of each sample from the window start (s)."""
        return np.arange(self.waveforms.shape[1]) / self.sampling_rate

    @classmethod
    def concatenate(cls, parts: list[Seismograms]) -> Seismograms:
        """One set made of ``parts`` in order; they must share their sampling rate and length."""
        if not parts:
            raise ValueError("Seismograms.concatenate: nothing to concatenate")
        shapes = {(p.sampling_rate, p.waveforms.shape[1:]) for p in parts}
        if len(shapes) > 1:
            raise ValueError(f"Seismograms.concatenate: mixed rates or window shapes {shapes}")
        kwargs = {}
        for f in fields(cls):
            values = [getattr(p, f.name) for p in parts]
            if f.name == "sampling_rate":
                kwargs[f.name] = parts[0].sampling_rate
            elif any(v is None for v in values):  # optional fields some parts lack
                kwargs[f.name] = None
            else:
                kwargs[f.name] = np.concatenate(values)
        return cls(**kwargs)

    def subset(self, index) -> Seismograms:
        """The windows selected by ``index`` (a slice, integer array or boolean mask)."""
        kwargs = {}
        for f in fields(self):
            value = getattr(self, f.name)
            kwargs[f.name] = value if f.name == "sampling_rate" or value is None else value[index]
        return Seismograms(**kwargs)


def _gutenberg_richter(rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
    """Magnitudes with b = 1 on [low, high] (inverse transform of the truncated law)."""
    u = rng.random(n)
    return low - np.log10(1.0 - u * (1.0 - 10.0 ** (-(high - low))))


#: Local and regional earthquakes: the travel times and the crust hold up to these bounds.
MAX_DISTANCE_KM, MAX_DEPTH_KM, MAGNITUDES = 1000.0, 700.0, (-2.0, 9.5)


@validate_params(
    n_samples=Integer(min=1),
    sampling_rate=Real(above=0),
    duration=Real(above=0),
    noise_fraction=Real(min=0, max=1),
    epicentres=(None, Array(shape=(None, 2))),
    snr_db=(None, Pair(Real())),
    distance_km=Pair(Real(min=0, max=MAX_DISTANCE_KM)),
    depth_km=Pair(Real(min=0, max=MAX_DEPTH_KM)),
    magnitude=Pair(Real(min=MAGNITUDES[0], max=MAGNITUDES[1])),
    crust=Instance(CrustalModel),
    noise=Options(*_noise.NOISE_KINDS),
    noise_span=Pair(Real(min=0, max=1)),
    p_onset_s=(None, Pair(Real(min=0))),
    noise_velocity_m_s=Real(above=0),
    realism=(None, Instance(SeismogramRealism)),
    path_cluster=(None, Array("int", ndim=1, min=0)),
    random_state=RandomState(),
)
def make_seismograms(
    n_samples: int,
    *,
    sampling_rate: float = 100.0,
    duration: float = 30.0,
    noise_fraction: float = 0.1,
    epicentres: np.ndarray | None = None,
    snr_db: tuple[float, float] | None = (-5.0, 25.0),
    distance_km: tuple[float, float] = (5.0, 120.0),
    depth_km: tuple[float, float] = (2.0, 20.0),
    magnitude: tuple[float, float] = (0.5, 3.5),
    crust: CrustalModel = GENERIC_CRUST,
    noise: str = "kw1",
    noise_span: tuple[float, float] = (0.0, 1.0),
    p_onset_s: tuple[float, float] | None = None,
    noise_velocity_m_s: float = 1e-8,
    realism: SeismogramRealism | None = None,
    path_cluster: np.ndarray | None = None,
    random_state: int | np.random.Generator | None = None,
) -> Seismograms:
    """Synthetic three-component windows of local earthquakes and noise (law: module doc).

    Parameters
    ----------
    n_samples : int
        Number of windows.
    sampling_rate : float, default 100
        Hz.
    duration : float, default 30
        Window length (s).
    noise_fraction : float, default 0.1
        Fraction of the windows that hold noise only (rounded to a count, placed at random).
    epicentres : array (n_samples, 2), optional
        East and north (km) of each window's epicentre from the station; overrides
        ``distance_km`` and the random back-azimuth. Noise windows ignore their row.
    snr_db : (low, high) or None, default (-5, 25)
        Range of the uniformly drawn SNR (dB); None for the physical amplitude.
    distance_km, depth_km : (low, high)
        Ranges of epicentral distance and depth (km), drawn uniformly; a
        ``realism.hypocentral_km`` replaces the distance law.
    magnitude : (low, high), default (0.5, 3.5)
        Moment magnitudes, Gutenberg–Richter with b = 1.
    crust : CrustalModel, default GENERIC_CRUST
        Velocities and attenuation (:mod:`dlies.physics.crust`).
    noise : {"kw1", "kw1_synthetic", "cultural", "varied"}
        Real KW1 on Z and synthetic KW1-like noise on N, E; synthetic KW1-like on all three;
        synthetic with an extra 2–12 Hz band; or synthetic with a random site spectrum per
        window (:mod:`dlies.datasets.seismogram_noise`).
        Real segments need ``sampling_rate`` = 100 Hz; otherwise Z noise is synthetic too.
    noise_span : (start, end), default (0, 1)
        Fraction of the KW1 record the real segments come from.
    p_onset_s : (low, high), optional
        Range of the P onset time in the window (s); default (1, 0.4 × duration).
    noise_velocity_m_s : float, default 1e-8
        Ground-velocity noise above 1 Hz (m/s) of one noise unit, with ``snr_db=None``.
    realism : SeismogramRealism, optional
        Field conditions (emergent onsets, strong P coda, near events, label errors, KW1
        transients in noise windows, vertical-only records); ``SeismogramRealism.FIELD`` is
        the preset matched to :func:`~dlies.datasets.load_real_picks`. None: none of them.
    path_cluster : array (n_samples,) of int >= 0, optional
        Source cluster of each window: events with one id share their path response
        (``seismogram_waves.path_responses``: the white series behind P, S and coda, shifted
        to the onsets, and the radiation pattern), the same in every call and for every
        window length, so that they differ
        only by their source spectrum, envelope and noise. None: every event draws its own.
    random_state : int, Generator or None

    Returns
    -------
    Seismograms
        With ``realism``, ``components`` says which windows are vertical-only (``"Z"``).
    """
    n, rate, length, frac, noise_level = (
        n_samples,
        sampling_rate,
        duration,
        noise_fraction,
        noise_velocity_m_s,
    )
    samples = int(round(rate * length))
    if samples < int(4 * rate):
        raise ValueError(f"need duration >= 4 s, got {length}")
    snr_range, dist_range, depth_range, mag_range = snr_db, distance_km, depth_km, magnitude
    span, onset_range = noise_span, p_onset_s or (1.0, 0.4 * length)
    if onset_range[1] > length - 1.0 / rate:
        raise ValueError(f"p_onset_s must lie in [0, duration), got {onset_range}")
    if epicentres is not None:
        epicentres = epicentres.astype(float)
        if len(epicentres) != n or np.hypot(*epicentres.T).max(initial=0) > MAX_DISTANCE_KM:
            raise ValueError(
                f"epicentres must be (n_samples, 2) east, north in km within "
                f"{MAX_DISTANCE_KM:g} km, got shape {epicentres.shape}"
            )
    if path_cluster is not None and len(path_cluster) != n:
        raise ValueError(f"path_cluster must hold one id per window ({n}), got {len(path_cluster)}")
    real_z = noise == "kw1" and rate == _noise.KW1_RATE
    if realism is not None and realism.transient_fraction > 0 and not real_z:
        raise ValueError(
            "make_seismograms: realism.transient_fraction > 0 needs real KW1 noise (noise='kw1' "
            f"at {_noise.KW1_RATE:g} Hz), got noise={noise!r} at {rate:g} Hz"
        )
    near = realism is not None and realism.hypocentral_km is not None and epicentres is None
    rng = np.random.default_rng(random_state)

    is_noise = np.zeros(n, bool)
    is_noise[rng.permutation(n)[: int(round(frac * n))]] = True
    if epicentres is None:
        distance = None if near else rng.uniform(*dist_range, n)
        baz = rng.uniform(0.0, 360.0, n)
    else:
        distance = np.hypot(epicentres[:, 0], epicentres[:, 1])
        baz = np.degrees(np.arctan2(epicentres[:, 0], epicentres[:, 1])) % 360.0
    if near:
        distance, depth = _real.draw_hypocentres(rng, n, realism.hypocentral_km, depth_range)
    else:
        depth = rng.uniform(*depth_range, n)
    mags = _gutenberg_richter(rng, n, *mag_range)
    tp, p_ray = first_arrival(crust, distance, depth, "P")
    ts, s_ray = first_arrival(crust, distance, depth, "S")
    p_index = rng.integers(int(np.ceil(onset_range[0] * rate)), int(onset_range[1] * rate) + 1, n)
    p_onset = p_index / rate
    s_onset = p_onset + (ts - tp)
    s_index = np.round(s_onset * rate).astype(int)
    s_index[s_index >= samples] = -1
    target_snr = rng.uniform(*snr_range, n) if snr_range is not None else None
    transient = None
    if realism is not None:
        transient = _real.choose(rng, is_noise, realism.transient_fraction)

    # Noise: real KW1 on Z where it fits, KW1-like synthetic noise elsewhere.
    wave = np.empty((n, samples, 3), np.float32)
    kind = "kw1" if noise == "kw1_synthetic" else noise
    snr_out = np.full(n, np.nan)
    for start in range(0, n, _CHUNK):
        block = np.arange(start, min(n, start + _CHUNK))
        noise_block = _noise.synthetic_noise(rng, (len(block), 3, samples), rate, kind)
        if real_z:
            noise_block[:, 0] = _noise.kw1_segments(rng, len(block), samples, span=span)
        if transient is not None and transient[block].any():
            rows = np.flatnonzero(transient[block])
            noise_block[rows, 0] = _noise.kw1_transient_segments(rng, len(rows), samples, span=span)
        events = block[~is_noise[block]]
        if len(events):
            meta = {
                "magnitude": mags[events],
                "distance_km": distance[events],
                "depth_km": depth[events],
                "back_azimuth_deg": baz[events],
                "tp": tp[events],
                "ts": ts[events],
                "p_ray": p_ray[events],
                "s_ray": s_ray[events],
                "p_onset": p_onset[events],
                "s_onset": s_onset[events],
                "path_cluster": None if path_cluster is None else path_cluster[events],
            }
            signal = event_block(rng, meta, crust, rate, samples, realism)
            rows = events - start
            # The SNR window: 2 s from P, cut at S so that it measures P alone.
            win = p_index[events][:, None] + np.arange(int(SNR_WINDOW_S * rate))
            width = np.clip(np.round((ts - tp)[events] * rate), 1, win.shape[1])
            inside = np.arange(win.shape[1]) < width[:, None]
            win = np.clip(win, 0, samples - 1)
            sig = np.take_along_axis(signal[:, 0], win, axis=1).astype(float)
            sig_power = np.sum(sig**2 * inside, axis=1) / width
            noise_power = _noise.highpass_power(noise_block[rows, 0], rate)
            if target_snr is None:
                signal /= noise_level
                sig_power /= noise_level**2
                snr_out[events] = 10 * np.log10(sig_power / noise_power)
            else:
                raw = 10 * np.log10(sig_power / noise_power)
                gain = 10.0 ** ((target_snr[events] - raw) / 20.0)
                signal *= gain[:, None, None].astype(np.float32)
                snr_out[events] = target_snr[events]
            noise_block[rows] += signal
        wave[block] = noise_block.transpose(0, 2, 1)

    if not np.isfinite(wave).all():  # a parameter combination the physics cannot hold
        raise ValueError(
            "make_seismograms: these parameters give non-finite waveforms (distance_km "
            f"{dist_range}, depth_km {depth_range}, magnitude {mag_range}, crust {crust.name!r})"
        )
    nan = np.where(is_noise, np.nan, 1.0)
    p_index = np.where(is_noise, -1, p_index)
    s_index = np.where(is_noise, -1, s_index)
    components = None
    if realism is not None:
        single = _real.choose(rng, np.ones(n, bool), realism.dropout_fraction)
        wave[single, :, 1:] = 0.0
        components = np.where(single, "Z", COMPONENTS)
        p_index, s_index = _real.jitter_labels(
            rng, p_index, s_index, realism.label_jitter_s, rate, samples
        )
    return Seismograms(
        waveforms=wave,
        p_index=p_index.astype(np.int64),
        s_index=s_index.astype(np.int64),
        distance_km=distance * nan,
        depth_km=depth * nan,
        magnitude=mags * nan,
        back_azimuth_deg=baz * nan,
        sampling_rate=float(rate),
        snr_db=snr_out,
        components=components,
    )
