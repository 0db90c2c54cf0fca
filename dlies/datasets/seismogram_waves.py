"""Three-component signals of local earthquakes for :func:`~dlies.datasets.make_seismograms`.

P, S and their coda from Boore's stochastic method (:mod:`~dlies.datasets.seismogram_sources`),
polarised by the incidence angles and rotated to Z, N, E; the law is stated in
:mod:`dlies.datasets.seismograms`.
"""

from __future__ import annotations

import numpy as np

from dlies.datasets import seismogram_realism as _real
from dlies.datasets import seismogram_sources as _src
from dlies.physics.crust import CrustalModel

NEAR_SURFACE_VP_KM_S = 3.0
P_CODA, S_CODA = 0.25, 0.5  # peak coda amplitude per component, relative to the direct phase
PATH_SEED = 20180214  # the path responses of the source clusters: the same in every call
PATH_LEAD = 50  # samples of a path response's series placed before the onset


def _path_series(cluster: int, which: int, rows: int, samples: int) -> np.ndarray:
    """White series (rows, samples) of one cluster; its start does not depend on ``samples``."""
    return np.stack([
        np.random.default_rng((PATH_SEED, cluster, which, row)).standard_normal(samples, np.float32)
        for row in range(rows)
    ])  # fmt: skip


def path_responses(
    cluster: np.ndarray, p_onset_s: np.ndarray, s_onset_s: np.ndarray, rate: float, samples: int
) -> dict:
    """What the events of one source cluster share: their path response (Green's function).

    Each cluster id draws, from generators seeded by (``PATH_SEED``, id), the white series
    behind P (1 row), S (2) and the coda (3), and the radiation coefficients and SV angle.
    Each series is placed so that its sample ``PATH_LEAD`` falls on the event's onset (P, or
    S for the direct S rows), so that the waveform around the onset repeats from event to
    event of one cluster, whatever the window's length; the event's spectrum (its magnitude's
    corner frequency, its distance's attenuation) then shapes them.
    """
    m = len(cluster)
    white_p = np.empty((m, samples), np.float32)
    white_s = np.empty((m, 5, samples), np.float32)
    radiation_p, radiation_s, sv_angle = np.empty(m), np.empty(m), np.empty(m)
    shift_p = np.round(np.asarray(p_onset_s) * rate).astype(int) - PATH_LEAD
    shift_s = np.round(np.asarray(s_onset_s) * rate).astype(int) - PATH_LEAD
    for c in np.unique(cluster):
        rows = np.flatnonzero(cluster == c)
        base_p, base_s = _path_series(int(c), 0, 1, samples)[0], _path_series(int(c), 1, 5, samples)
        own = np.random.default_rng((PATH_SEED, int(c), 2))
        radiation_p[rows] = own.uniform(0.3, 1.0) * own.choice([-1.0, 1.0])
        radiation_s[rows] = own.uniform(0.3, 1.0)
        sv_angle[rows] = own.uniform(0.0, 2 * np.pi)
        for r in rows:
            white_p[r] = np.roll(base_p, shift_p[r])
            white_s[r, :2] = np.roll(base_s[:2], shift_s[r], axis=-1)
            white_s[r, 2:] = np.roll(base_s[2:], shift_p[r], axis=-1)  # coda: from P on
    return {
        "white_p": white_p,
        "white_s": white_s,
        "radiation_p": radiation_p,
        "radiation_s": radiation_s,
        "sv": sv_angle,
    }


def event_block(
    rng: np.random.Generator,
    meta: dict,
    crust: CrustalModel,
    rate: float,
    samples: int,
    realism: _real.SeismogramRealism | None = None,
) -> np.ndarray:
    """Signals (m, 3, samples) of one block of events, in m/s."""
    m = len(meta["magnitude"])
    t = np.arange(samples) / rate
    freqs = np.fft.rfftfreq(samples, 1.0 / rate)
    hypo = np.hypot(meta["distance_km"], meta["depth_km"])
    vs_top = crust.velocities("S")[0]
    fc_s = _src.brune_corner_frequency(meta["magnitude"], vs_top)
    fc_p = _src.P_CORNER_RATIO * fc_s
    radiation_p = rng.uniform(0.3, 1.0, m) * rng.choice([-1.0, 1.0], m)
    radiation_s = rng.uniform(0.3, 1.0, m)
    sv_angle = rng.uniform(0.0, 2 * np.pi, m)
    spec_p = _src.velocity_spectrum(
        freqs,
        meta["magnitude"],
        hypo,
        fc_p,
        meta["tp"] / crust.q_p,
        crust.kappa_s,
        crust.velocities("P")[0],
        radiation_p,
    )
    spec_s = _src.velocity_spectrum(
        freqs,
        meta["magnitude"],
        hypo,
        fc_s,
        meta["ts"] / crust.q_s,
        crust.kappa_s,
        vs_top,
        radiation_s,
    )
    white_p = white_s = None
    if meta.get("path_cluster") is not None:
        path = path_responses(meta["path_cluster"], meta["p_onset"], meta["s_onset"], rate, samples)
        white_p, white_s = path["white_p"], path["white_s"]
        radiation_p, radiation_s, sv_angle = path["radiation_p"], path["radiation_s"], path["sv"]
    series_p = _src.shaped_noise(rng, spec_p, samples, white=white_p)
    series_s = _src.shaped_noise(rng, np.repeat(spec_s[:, None], 5, axis=1), samples, white=white_s)
    sv, sh, coda = series_s[:, 0], series_s[:, 1], series_s[:, 2:]

    dur_p = 1.0 / fc_p + 0.02 * hypo
    dur_s = 1.0 / fc_s + 0.05 * hypo
    on_p, on_s = meta["p_onset"], meta["s_onset"]
    p_rise, s_rise = np.clip(0.05 * dur_p, 0.02, 0.15), np.clip(0.05 * dur_s, 0.02, 0.15)
    p_coda = P_CODA
    if realism is not None:
        onsets = _real.draw_onsets(rng, realism, p_rise, s_rise)
        p_rise, s_rise, p_coda = onsets["p_rise"], onsets["s_rise"], onsets["p_coda"][:, None]
    env_p, int_p = _src.phase_envelope(t, on_p, p_rise, dur_p / 2)
    env_s, int_s = _src.phase_envelope(t, on_s, s_rise, dur_s / 2)
    amp_p = np.sqrt(_src.spectral_energy(spec_p, freqs) / int_p) * np.sign(radiation_p)
    amp_s = np.sqrt(_src.spectral_energy(spec_s, freqs) / int_s)
    p_wave = (amp_p[:, None] * env_p) * series_p
    if realism is not None and realism.first_pulse > 0:
        # Rise time of the pulse: the source's 1 / (2 pi f_c) plus half the attenuation time
        # t* + kappa_0 (Gladwin & Stacey 1974 measured rise times growing as ~0.5 t*).
        rise = 1.0 / (2 * np.pi * fc_p) + 0.5 * (meta["tp"] / crust.q_p + crust.kappa_s)
        pulse = (onsets["first_pulse"] * amp_p)[:, None] * _real.first_pulse(t, on_p, rise)
        p_wave = p_wave + pulse
    s_env = amp_s[:, None] * env_s
    coda_decay = _src.coda_duration_s(meta["magnitude"], meta["distance_km"]) / 6.0
    # Scattered energy builds up over the phase's duration and decays with the coda.
    coda_env = p_coda * np.abs(amp_p)[:, None] * _src.coda_envelope(
        t, on_p, dur_p, coda_decay
    ) + S_CODA * amp_s[:, None] * _src.coda_envelope(t, on_s, dur_s, coda_decay)

    sin_ip = np.clip(meta["p_ray"] * NEAR_SURFACE_VP_KM_S, 0, 1)
    sin_is = np.clip(meta["s_ray"] * NEAR_SURFACE_VP_KM_S / crust.vp_vs, 0, 1)
    cos_ip, cos_is = np.sqrt(1 - sin_ip**2), np.sqrt(1 - sin_is**2)
    sv_wave = (np.cos(sv_angle)[:, None] * s_env) * sv
    sh_wave = (np.sin(sv_angle)[:, None] * s_env) * sh
    z = cos_ip[:, None] * p_wave - sin_is[:, None] * sv_wave
    r = sin_ip[:, None] * p_wave + cos_is[:, None] * sv_wave
    baz = np.radians(meta["back_azimuth_deg"])[:, None]
    north = -r * np.cos(baz) + sh_wave * np.sin(baz)
    east = -r * np.sin(baz) - sh_wave * np.cos(baz)
    out = np.stack([z, north, east], axis=1) + coda_env[:, None, :] * coda
    return out.astype(np.float32)
