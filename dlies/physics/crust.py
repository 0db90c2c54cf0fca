r"""Seismic waves in a layered crust: first-arrival travel times, ray parameters, attenuation.

A :class:`CrustalModel` is a stack of flat, homogeneous layers over a half-space (the
mantle), with P velocities :math:`v_i`, one :math:`v_P/v_S` ratio and frequency-independent
quality factors :math:`Q_P`, :math:`Q_S`. For a source at depth :math:`z_s` and a receiver
at the surface at epicentral distance :math:`\Delta`, the first arrival is the earliest of

* the **direct wave** travelling up from the source: with ray parameter :math:`p`
  (s/km) and :math:`h_i` the thickness of layer :math:`i` crossed by the ray,

  .. math:: \Delta(p) = \sum_i \frac{h_i\, p v_i}{\sqrt{1 - p^2 v_i^2}}, \qquad
            T(p) = \sum_i \frac{h_i}{v_i \sqrt{1 - p^2 v_i^2}},

  solved for :math:`p` by bisection (:math:`\Delta(p)` grows monotonically);
* the **head waves** (Pg/Pn-type refractions) running along the top of every faster layer
  :math:`k` below the source, with :math:`p = 1/v_k`,

  .. math:: T_k = \frac{\Delta}{v_k} + \sum_{i<k} (h_i^{\uparrow} + h_i^{\downarrow})
            \sqrt{v_i^{-2} - v_k^{-2}},

  which exist beyond their critical distance
  :math:`\sum_{i<k} (h_i^{\uparrow} + h_i^{\downarrow}) \tan\theta_i`,
  :math:`\sin\theta_i = v_i / v_k`.

The same formulas with :math:`v_S = v_P / (v_P/v_S)` give S. Attenuation along the path is
:math:`t^* = T / Q` (s): a spectrum is multiplied by :math:`e^{-\pi f t^*}`.

Everything is vectorised over arrays of distances and depths (one bisection for all).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from dlies._validate import Array, Instance, Integer, Options, validate_params

__all__ = [
    "BASIN_CRUST",
    "GENERIC_CRUST",
    "CrustalModel",
    "first_arrival",
    "s_minus_p_time",
]


@dataclass(frozen=True)
class CrustalModel:
    """Flat layers over a half-space, with attenuation.

    Parameters
    ----------
    name : str
    layer_top_km : tuple of float
        Depth of the top of each layer (km), starting at 0; the last layer is a half-space.
    vp_km_s : tuple of float
        P velocity of each layer (km/s).
    vp_vs : float
        :math:`v_P / v_S`, the same in every layer (1.73 for a Poisson solid).
    q_p, q_s : float
        Frequency-independent quality factors of P and S.
    kappa_s : float
        Near-site attenuation :math:`\\kappa_0` (s): spectra are multiplied by
        :math:`e^{-\\pi \\kappa_0 f}` (Anderson & Hough 1984).
    """

    name: str
    layer_top_km: tuple[float, ...]
    vp_km_s: tuple[float, ...]
    vp_vs: float = 1.73
    q_p: float = 600.0
    q_s: float = 300.0
    kappa_s: float = 0.03

    def __post_init__(self) -> None:
        tops, vp = np.asarray(self.layer_top_km, float), np.asarray(self.vp_km_s, float)
        if tops.ndim != 1 or len(tops) < 1 or len(tops) != len(vp):
            raise ValueError(
                f"CrustalModel {self.name!r}: layer_top_km and vp_km_s need one value per "
                f"layer, got {len(tops)} and {len(vp)}"
            )
        if tops[0] != 0 or np.any(np.diff(tops) <= 0):
            raise ValueError(
                f"CrustalModel {self.name!r}: layer tops must start at 0 and increase, got "
                f"{self.layer_top_km}"
            )
        if not np.all(np.isfinite(vp)) or np.any(vp <= 0):
            raise ValueError(f"CrustalModel {self.name!r}: velocities must be > 0, got {vp}")
        for key in ("vp_vs", "q_p", "q_s"):
            if not getattr(self, key) > (1.0 if key == "vp_vs" else 0.0):
                raise ValueError(f"CrustalModel {self.name!r}: {key} out of range")
        if self.kappa_s < 0:
            raise ValueError(f"CrustalModel {self.name!r}: kappa_s must be >= 0")

    def velocities(self, phase: str) -> np.ndarray:
        """P or S velocities of the layers (km/s)."""
        vp = np.asarray(self.vp_km_s, float)
        if phase == "P":
            return vp
        if phase == "S":
            return vp / self.vp_vs
        raise ValueError(f"phase must be 'P' or 'S', got {phase!r}")

    def quality_factor(self, phase: str) -> float:
        """:math:`Q_P` or :math:`Q_S`."""
        self.velocities(phase)  # validates the phase name
        return self.q_p if phase == "P" else self.q_s


#: A generic continental crust: upper, middle and lower crust over the mantle (Moho at 32 km).
GENERIC_CRUST = CrustalModel(
    "generic continental crust",
    layer_top_km=(0.0, 4.0, 16.0, 32.0),
    vp_km_s=(5.5, 6.1, 6.7, 8.0),
    vp_vs=1.73,
    q_p=600.0,
    q_s=300.0,
    kappa_s=0.03,
)

#: A second region: 2 km of sediments, slower and more attenuating, a higher Vp/Vs.
BASIN_CRUST = CrustalModel(
    "sedimentary basin",
    layer_top_km=(0.0, 2.0, 12.0, 28.0),
    vp_km_s=(3.8, 5.8, 6.5, 7.9),
    vp_vs=1.85,
    q_p=300.0,
    q_s=150.0,
    kappa_s=0.05,
)


def _layer_thicknesses(model: CrustalModel, depth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Thickness (n, L) of each layer above the source, and below it (to the layer's bottom)."""
    tops = np.asarray(model.layer_top_km, float)
    bottoms = np.append(tops[1:], np.inf)
    z = depth[:, None]
    above = np.clip(np.minimum(bottoms, z) - tops, 0.0, None)  # source to surface
    below = np.clip(bottoms - np.maximum(tops, z), 0.0, None)  # source downwards
    return above, below


@validate_params(
    model=Instance(CrustalModel),
    distance_km=Array(min=0),
    depth_km=Array(min=0),
    phase=Options("P", "S"),
    iterations=Integer(min=1, max=200),
)
def first_arrival(
    model: CrustalModel,
    distance_km: ArrayLike,
    depth_km: ArrayLike,
    phase: str = "P",
    *,
    iterations: int = 60,
) -> tuple[np.ndarray, np.ndarray]:
    """First-arrival time of P or S at a surface receiver, and its ray parameter.

    Parameters
    ----------
    model : CrustalModel
    distance_km, depth_km : array_like
        Epicentral distance (>= 0) and source depth (>= 0), in km; broadcast together.
    phase : {"P", "S"}
    iterations : int, default 60
        Bisection steps for the direct wave (60 halve the bracket far below 1 ms).

    Returns
    -------
    time_s, ray_parameter_s_km : numpy.ndarray
        Travel time (s) and ray parameter :math:`p` (s/km) of the earliest arrival; the angle
        of incidence at the surface is :math:`\\arcsin(p\\, v_0)`.
    """
    v = model.velocities(phase)
    dist, depth = np.broadcast_arrays(np.asarray(distance_km, float), np.asarray(depth_km, float))
    shape = dist.shape
    dist, depth = dist.ravel(), depth.ravel()
    if np.any(~np.isfinite(dist)) or np.any(dist < 0):
        raise ValueError("distance_km must be finite and >= 0")
    if np.any(~np.isfinite(depth)) or np.any(depth < 0):
        raise ValueError("depth_km must be finite and >= 0")
    above, below = _layer_thicknesses(model, depth)

    # Direct wave: bisection on u = p * v_max in [0, 1), v_max over the layers crossed.
    crossed = above > 0
    vmax = np.where(crossed, v, 0.0).max(axis=1)
    vmax = np.where(vmax > 0, vmax, v[0])  # source at the surface: any p works
    lo, hi = np.zeros_like(dist), np.ones_like(dist)
    for _ in range(iterations):
        u = 0.5 * (lo + hi)
        pv = (u / vmax)[:, None] * v
        x = (above * pv / np.sqrt(np.clip(1.0 - pv**2, 1e-300, None))).sum(axis=1)
        short = x < dist
        lo, hi = np.where(short, u, lo), np.where(short, hi, u)
    p_direct = 0.5 * (lo + hi) / vmax
    pv = p_direct[:, None] * v
    t_direct = (above / (v * np.sqrt(np.clip(1.0 - pv**2, 1e-300, None)))).sum(axis=1)
    # A source at the surface: the direct wave runs along it at the top layer's speed.
    t_direct = np.where(depth > 0, t_direct, dist / v[0])
    p_direct = np.where(depth > 0, p_direct, 1.0 / v[0])

    best_t, best_p = t_direct, p_direct
    thickness = np.diff(np.asarray(model.layer_top_km, float))
    for k in range(1, len(v)):
        p = 1.0 / v[k]
        slower = v[:k] < v[k]
        # Down from the source to the interface, then up through every layer above it.
        vertical = below[:, :k] + thickness[:k]
        deeper = depth < model.layer_top_km[k]
        if not np.all(slower):
            continue  # no critical refraction along a layer that is not the fastest so far
        eta = np.sqrt(1.0 / v[:k] ** 2 - p**2)
        tan = p * v[:k] / np.sqrt(1.0 - (p * v[:k]) ** 2)
        t_head = dist * p + (vertical * eta).sum(axis=1)
        critical = (vertical * tan).sum(axis=1)
        valid = deeper & (dist >= critical)
        earlier = valid & (t_head < best_t)
        best_t = np.where(earlier, t_head, best_t)
        best_p = np.where(earlier, p, best_p)
    return best_t.reshape(shape), best_p.reshape(shape)


@validate_params(model=Instance(CrustalModel), distance_km=Array(min=0), depth_km=Array(min=0))
def s_minus_p_time(model: CrustalModel, distance_km: ArrayLike, depth_km: ArrayLike) -> np.ndarray:
    """S − P time (s) of the first arrivals at a surface receiver."""
    tp, _ = first_arrival(model, distance_km, depth_km, "P")
    ts, _ = first_arrival(model, distance_km, depth_km, "S")
    return ts - tp
