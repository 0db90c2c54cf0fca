r"""A river sensor record: cheap continuous turbidity, costly sparse suspended sediment.

A turbidity probe in a river reads every few minutes for almost nothing; a suspended-sediment
concentration (SSC) is a water sample filtered, dried and weighed in a laboratory, so there are
only a few of them. Calibrating the first against the second turns the cheap record into a
continuous SSC series (Seydoux et al., *Earth Data Science*, "expensive data from cheap
sensors").

:func:`make_turbidity_record` draws a **synthetic** record with a stated law, and the faults
real probes have; :func:`~dlies.datasets.load_sensor_csv` (in
:mod:`~dlies.datasets.sensor_files`) reads a real one laid out as a CSV of time, turbidity and
SSC. Both return a :class:`SensorRecord`.

The synthetic law
-----------------
True turbidity :math:`T(t)` (FNU) is a base flow plus storm pulses,

.. math:: T(t) = T_0\, e^{u(t)} + \sum_j A_j\, g\!\left(\frac{t - t_j}{\tau_j}\right),
          \qquad g(s) = s\, e^{1 - s}\ (s > 0),

with :math:`u` a stationary AR(1) process (standard deviation ``base_variability``, correlation
time one day), storm onsets :math:`t_j` a Poisson process (``storms_per_week``), peaks
:math:`A_j` log-uniform in ``storm_peak_range`` and times to peak :math:`\tau_j` uniform in
``storm_rise_hours``. The concentration follows a power-law rating with log-normal scatter,

.. math:: \mathrm{SSC}(t) = k\, T(t)^{\beta}\, e^{\varepsilon(t)}, \qquad
          \varepsilon \sim \mathcal{N}(0, \sigma^2),

(SSC in mg/L; :math:`\sigma` = ``scatter`` also stands for the laboratory error). By default
:math:`\varepsilon` is independent from step to step; with ``scatter_hours`` > 0 it is a
stationary AR(1) process of that correlation time (the same marginal :math:`\mathcal{N}(0,
\sigma^2)`), as when a storm's sediment supply keeps a whole event above or below the
rating. The probe reads

.. math:: R(t) = \min\!\Big(T(t)\,\big(1 + d\,\Delta t_{s}(t)\big)\,e^{\eta(t)} + S(t),\;
          R_{\max}\Big),

where :math:`d` (``drift_per_day``) is the gain drift of a biofilm growing on the optical
window, :math:`\Delta t_s` the days since the last cleaning (every ``service_days``),
:math:`\eta \sim \mathcal{N}(0, 0.03^2)` the probe's own noise, :math:`S(t)` fouling spikes
(debris, algae or bubbles on the window: ``spikes_per_day`` on average, 1–4 samples long,
amplitude log-uniform in ``spike_range`` FNU) and :math:`R_{\max}` the ``saturation`` of the
probe. Water samples are taken at ``ssc_per_day`` random instants, each instant drawn with
probability proportional to :math:`R^{\,\text{storm\_bias}}`, as a turbidity-triggered
autosampler does (so a spike can trigger a sample of clear water).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from dlies._validate import (
    Checked,
    Integer,
    Pair,
    RandomState,
    Real,
    validate_params,
)


@dataclass(frozen=True)
class SensorRecord:
    """A turbidity record with its sparse SSC samples.

    Attributes
    ----------
    time : numpy.ndarray of datetime64[s], shape (n,)
        Strictly increasing sample times (UTC when the source said so, else as given).
    turbidity : numpy.ndarray of float64, shape (n,)
        The probe's reading (FNU or NTU, as the source), NaN where missing.
    ssc : numpy.ndarray of float64, shape (n,)
        Suspended-sediment concentration of the water samples (mg/L), NaN between samples.
    turbidity_true, ssc_true : numpy.ndarray or None
        Synthetic records only: the river's true turbidity and concentration at every step.
    spike : numpy.ndarray of bool or None
        Synthetic records only: True where a fouling spike corrupts the reading.
    saturation : float or None
        The reading at which the probe saturates, when known.
    """

    time: np.ndarray
    turbidity: np.ndarray
    ssc: np.ndarray
    turbidity_true: np.ndarray | None = None
    ssc_true: np.ndarray | None = None
    spike: np.ndarray | None = None
    saturation: float | None = None

    def __len__(self) -> int:
        return len(self.time)

    @property
    def sampled(self) -> np.ndarray:
        """Boolean mask of the steps that have an SSC sample."""
        return ~np.isnan(self.ssc)

    @property
    def days(self) -> np.ndarray:
        """Time since the first step, in days (float64)."""
        return (self.time - self.time[0]) / np.timedelta64(1, "D")


def _iso_time(value: object) -> np.datetime64:
    if not isinstance(value, str) or len(value) > 64:
        raise TypeError("")
    return np.datetime64(value, "s")


_POSITIVE, _NONNEGATIVE, _POSITIVE_PAIR = Real(above=0), Real(min=0), Pair(Real(above=0))


@validate_params(
    n_samples=Integer(min=2),
    random_state=RandomState(),
    interval_minutes=_POSITIVE,
    start=Checked(_iso_time, "an ISO 8601 time string"),
    k=_POSITIVE,
    beta=_NONNEGATIVE,
    scatter=_NONNEGATIVE,
    scatter_hours=_NONNEGATIVE,
    base_turbidity=_POSITIVE,
    base_variability=_NONNEGATIVE,
    storms_per_week=_NONNEGATIVE,
    storm_peak_range=_POSITIVE_PAIR,
    storm_rise_hours=_POSITIVE_PAIR,
    drift_per_day=_NONNEGATIVE,
    service_days=_POSITIVE,
    spikes_per_day=_NONNEGATIVE,
    spike_range=_POSITIVE_PAIR,
    saturation=(None, _POSITIVE),
    ssc_per_day=_POSITIVE,
    storm_bias=_NONNEGATIVE,
)
def make_turbidity_record(
    n_samples: int = 11_520,
    *,
    random_state: int | np.random.Generator | None = None,
    interval_minutes: float = 15.0,
    start: str = "2024-01-01T00:00:00",
    k: float = 1.8,
    beta: float = 1.15,
    scatter: float = 0.2,
    scatter_hours: float = 0.0,
    base_turbidity: float = 8.0,
    base_variability: float = 0.3,
    storms_per_week: float = 1.0,
    storm_peak_range: tuple[float, float] = (20.0, 3000.0),
    storm_rise_hours: tuple[float, float] = (2.0, 12.0),
    drift_per_day: float = 0.015,
    service_days: float = 14.0,
    spikes_per_day: float = 1.0,
    spike_range: tuple[float, float] = (20.0, 500.0),
    saturation: float | None = 1000.0,
    ssc_per_day: float = 2.0,
    storm_bias: float = 0.5,
) -> SensorRecord:
    """Draw a synthetic river record: turbidity every step, SSC at a few sampled steps.

    The law is in the module docstring (``help(dlies.datasets.sensors)``). Set
    ``drift_per_day=0``, ``spikes_per_day=0`` and ``saturation=None`` for a fault-free probe.

    Parameters
    ----------
    n_samples : int, default 11 520
        Number of time steps (11 520 steps of 15 min are 120 days).
    random_state : int, numpy.random.Generator or None
    interval_minutes : float, default 15
        Sampling interval of the probe, in minutes.
    start : str, default "2024-01-01T00:00:00"
        Time of the first step (ISO 8601).
    k : float, default 1.8
        Rating coefficient, mg/L per FNU^beta.
    beta : float, default 1.15
        Rating exponent (dimensionless).
    scatter : float, default 0.2
        Standard deviation σ of the natural log of SSC about the rating (0.2: about ±20 %).
    scatter_hours : float, default 0
        Correlation time of that scatter, hours (AR(1)); 0 draws it independently at each step.
    base_turbidity : float, default 8
        Median base-flow turbidity T_0, FNU.
    base_variability : float, default 0.3
        Standard deviation of the log of the base flow's slow variations.
    storms_per_week : float, default 1
        Mean rate of storm pulses.
    storm_peak_range : (float, float), default (20, 3000)
        Range of storm peak turbidities A_j above base flow, FNU (log-uniform).
    storm_rise_hours : (float, float), default (2, 12)
        Range of times to peak τ_j, hours (uniform); a pulse lasts several τ_j.
    drift_per_day : float, default 0.015
        Fractional gain drift per day since the last cleaning (biofilm).
    service_days : float, default 14
        Days between cleanings, which reset the drift.
    spikes_per_day : float, default 1
        Mean rate of fouling spikes.
    spike_range : (float, float), default (20, 500)
        Range of spike amplitudes, FNU (log-uniform), added to the reading.
    saturation : float or None, default 1000
        Highest reading of the probe, FNU; None for a probe that never saturates.
    ssc_per_day : float, default 2
        Mean number of water samples per day (at least 2 in all).
    storm_bias : float, default 0.5
        Sampling probability ∝ reading^storm_bias (0: uniform in time).

    Returns
    -------
    SensorRecord
        With ``turbidity_true``, ``ssc_true`` and ``spike`` filled in.
    """
    n, t0 = n_samples, start
    (peak_low, peak_high), (rise_low, rise_high) = storm_peak_range, storm_rise_hours
    spike_low, spike_high = spike_range

    rng = np.random.default_rng(random_state)
    step_s = float(interval_minutes) * 60.0
    hours = np.arange(n) * step_s / 3600.0
    time = t0 + np.round(np.arange(n) * step_s).astype("timedelta64[s]")

    # base flow: AR(1) in log space with a one-day correlation time, started stationary
    phi = math.exp(-step_s / 86_400.0)
    innov = rng.standard_normal(n) * base_variability * math.sqrt(1 - phi**2)
    innov[0] = rng.standard_normal() * base_variability
    u = lfilter([1.0], [1.0, -phi], innov)
    true_t = base_turbidity * np.exp(u)
    # storm pulses A g((t - t_j)/tau_j), each added over the window where it matters
    # a storm may start up to a day before the record and still be felt in it
    n_storms = rng.poisson(storms_per_week * (hours[-1] + 24.0) / 168.0)
    onsets = rng.uniform(-24.0, hours[-1], n_storms)
    peaks = np.exp(rng.uniform(math.log(peak_low), math.log(peak_high), n_storms))
    rises = rng.uniform(rise_low, rise_high, n_storms)
    step_h = step_s / 3600.0
    for t_j, a_j, tau_j in zip(onsets, peaks, rises, strict=True):
        lo = max(0, int(math.ceil(t_j / step_h)))
        hi = min(n, int(math.ceil((t_j + 25 * tau_j) / step_h)))  # g(25) < 1e-9
        s = (hours[lo:hi] - t_j) / tau_j
        true_t[lo:hi] += a_j * s * np.exp(1.0 - s)
    eps = rng.standard_normal(n)
    if scatter_hours > 0:  # AR(1) with unit variance, started stationary
        phi_eps = math.exp(-step_s / 3600.0 / scatter_hours)
        eps[1:] *= math.sqrt(1 - phi_eps**2)
        eps = lfilter([1.0], [1.0, -phi_eps], eps)
    ssc_true = k * true_t**beta * np.exp(scatter * eps)

    # the probe: drifting gain, own noise, fouling spikes, saturation
    days_since_service = np.mod(hours / 24.0, service_days)
    reading = true_t * (1.0 + drift_per_day * days_since_service)
    reading *= np.exp(0.03 * rng.standard_normal(n))
    spike = np.zeros(n, dtype=bool)
    n_spikes = rng.poisson(spikes_per_day * n * step_s / 86_400.0)
    starts = rng.integers(0, n, n_spikes)
    lengths = rng.integers(1, 5, n_spikes)
    amps = np.exp(rng.uniform(math.log(spike_low), math.log(spike_high), n_spikes))
    for a, m, amp in zip(starts, lengths, amps, strict=True):
        reading[a : a + m] += amp
        spike[a : a + m] = True
    if saturation is not None:
        np.minimum(reading, saturation, out=reading)

    # water samples, drawn where a turbidity-triggered autosampler would take them
    n_ssc = min(n, max(2, int(round(ssc_per_day * n * step_s / 86_400.0))))
    weight = reading**storm_bias
    picked = rng.choice(n, size=n_ssc, replace=False, p=weight / weight.sum())
    ssc = np.full(n, np.nan)
    ssc[picked] = ssc_true[picked]
    return SensorRecord(
        time=time,
        turbidity=reading,
        ssc=ssc,
        turbidity_true=true_t,
        ssc_true=ssc_true,
        spike=spike,
        saturation=None if saturation is None else float(saturation),
    )
