r"""Scalar measures of a stress (change) tensor, and the Coulomb failure stress change.

Conventions, shared with the DeVries et al. (2018) aftershock data:

* Tensors are arrays of shape ``(..., 3, 3)``; any unit works (Pa or MPa), and every result is
  in the same unit.
* Frame: **x east, y north, z up**.
* **Tension is positive** (the engineering / elasticity sign convention): a compressive normal
  stress is negative.
* A plane is given by **strike, dip and rake in degrees, in the Aki & Richards (1980) sense**:
  strike clockwise from north with the plane dipping to the right of the strike direction,
  dip from the horizontal (0–90°), rake the direction in which the hanging wall moves
  relative to the footwall, measured in the plane from the strike direction (0° left-lateral,
  90° reverse, ±180° right-lateral, −90° normal).

With :math:`\phi, \delta, \lambda` the strike, dip and rake, the unit normal pointing into the
hanging wall and the unit slip vector of the hanging wall are, in (east, north, up)
components,

.. math::

    \mathbf{n} = (\cos\phi \sin\delta,\; -\sin\phi \sin\delta,\; \cos\delta), \qquad
    \mathbf{s} = \cos\lambda\,(\sin\phi, \cos\phi, 0)
               - \sin\lambda\,(\cos\phi\cos\delta, -\sin\phi\cos\delta, -\sin\delta).

The traction on the plane is :math:`\mathbf{t} = \boldsymbol\sigma \mathbf{n}`; the shear
stress in the slip direction is :math:`\tau = \mathbf{s} \cdot \boldsymbol\sigma \mathbf{n}`
(positive when it pushes the hanging wall along :math:`\mathbf{s}`) and the normal stress is
:math:`\sigma_n = \mathbf{n} \cdot \boldsymbol\sigma \mathbf{n}` (positive = unclamping). The
Coulomb failure stress change is

.. math:: \Delta\mathrm{CFS} = \Delta\tau + \mu\,\Delta\sigma_n ,

which is the :math:`\Delta\tau - \mu\Delta\sigma_n` of the lecture slide written with
compression positive. The other measures follow DeVries et al. (2018, Table 1):

* principal stresses :math:`\sigma_1 \ge \sigma_2 \ge \sigma_3` (eigenvalues; :math:`\sigma_1`
  is the most tensile),
* maximum shear :math:`\Delta\tau_{max} = (\sigma_1 - \sigma_3)/2`,
* von Mises :math:`\sqrt{3 J_2}` with :math:`J_2 = \tfrac12 \mathbf{s}':\mathbf{s}'` the second
  invariant of the deviatoric tensor :math:`\mathbf{s}' = \boldsymbol\sigma - \tfrac13
  \mathrm{tr}(\boldsymbol\sigma) \mathbf{I}`,
* the sum of the magnitudes of the six independent components
  :math:`|\sigma_{xx}| + |\sigma_{yy}| + |\sigma_{zz}| + |\sigma_{xy}| + |\sigma_{xz}| +
  |\sigma_{yz}|`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dlies._validate import Array, Checked, Real, validate_params

__all__ = [
    "abs_sum",
    "coulomb_stress_change",
    "deviatoric",
    "fault_vectors",
    "max_shear",
    "principal_stresses",
    "resolved_stresses",
    "stress_invariants",
    "stress_tensor",
    "von_mises",
]


def _tensor(sigma: ArrayLike, name: str = "sigma") -> np.ndarray:
    """Validate an array of symmetric 3×3 tensors (shape ``(..., 3, 3)``), return float64."""
    try:
        arr = np.asarray(sigma, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {type(sigma).__name__}") from exc
    if arr.ndim < 2 or arr.shape[-2:] != (3, 3):
        raise ValueError(f"{name} must have shape (..., 3, 3), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds NaN or infinite values")
    asym = np.abs(arr - np.swapaxes(arr, -1, -2))
    scale = np.maximum(np.abs(arr).max(axis=(-2, -1), keepdims=True), np.finfo(float).tiny)
    if np.any(asym > 1e-9 * scale):
        raise ValueError(f"{name} must be symmetric (sigma[..., i, j] == sigma[..., j, i])")
    return arr


_SIGMA = Checked(_tensor, "an array (..., 3, 3) of finite, symmetric tensors")


@validate_params(xx=Array(), yy=Array(), zz=Array(), xy=Array(), xz=Array(), yz=Array())
def stress_tensor(
    xx: ArrayLike, yy: ArrayLike, zz: ArrayLike, xy: ArrayLike, xz: ArrayLike, yz: ArrayLike
) -> np.ndarray:
    """Assemble symmetric tensors of shape ``(..., 3, 3)`` from the six components.

    Parameters
    ----------
    xx, yy, zz, xy, xz, yz : array_like
        Components in any one stress unit (Pa in the DeVries files), broadcast together.

    Returns
    -------
    numpy.ndarray of float64, shape (..., 3, 3)
    """
    comps = np.broadcast_arrays(
        *(np.asarray(c, dtype=np.float64) for c in (xx, yy, zz, xy, xz, yz))
    )
    xx_, yy_, zz_, xy_, xz_, yz_ = comps
    out = np.empty(xx_.shape + (3, 3))
    out[..., 0, 0], out[..., 1, 1], out[..., 2, 2] = xx_, yy_, zz_
    out[..., 0, 1] = out[..., 1, 0] = xy_
    out[..., 0, 2] = out[..., 2, 0] = xz_
    out[..., 1, 2] = out[..., 2, 1] = yz_
    return out


@validate_params(sigma=_SIGMA)
def principal_stresses(sigma: ArrayLike) -> np.ndarray:
    """Principal stresses, sorted :math:`\\sigma_1 \\ge \\sigma_2 \\ge \\sigma_3` (tension +).

    Parameters
    ----------
    sigma : array_like, shape (..., 3, 3)
        Symmetric stress (change) tensors, any unit.

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        Eigenvalues in descending order, same unit as ``sigma``.
    """
    arr = sigma
    return np.linalg.eigvalsh(arr)[..., ::-1]


@validate_params(sigma=_SIGMA)
def max_shear(sigma: ArrayLike) -> np.ndarray:
    """Maximum shear stress :math:`(\\sigma_1 - \\sigma_3)/2` (≥ 0), same unit as ``sigma``.

    Parameters
    ----------
    sigma : array_like, shape (..., 3, 3)

    Returns
    -------
    numpy.ndarray, shape (...)
    """
    p = principal_stresses(sigma)
    return 0.5 * (p[..., 0] - p[..., 2])


@validate_params(sigma=_SIGMA)
def von_mises(sigma: ArrayLike) -> np.ndarray:
    """Von Mises equivalent stress :math:`\\sqrt{3 J_2}` (≥ 0), same unit as ``sigma``.

    ``J2 = ½ s':s'`` with ``s'`` the deviatoric part; for uniaxial stress ``s`` it equals
    ``|s|``, for pure shear ``τ`` it equals ``√3 |τ|``, and it vanishes for hydrostatic stress.

    Parameters
    ----------
    sigma : array_like, shape (..., 3, 3)

    Returns
    -------
    numpy.ndarray, shape (...)
    """
    arr = sigma
    trace = np.trace(arr, axis1=-2, axis2=-1)
    dev = arr - trace[..., None, None] / 3.0 * np.eye(3)
    j2 = 0.5 * np.sum(dev * dev, axis=(-2, -1))
    return np.sqrt(3.0 * j2)


@validate_params(sigma=_SIGMA)
def abs_sum(sigma: ArrayLike) -> np.ndarray:
    """Sum of the magnitudes of the six independent components, same unit as ``sigma``.

    :math:`|\\sigma_{xx}| + |\\sigma_{yy}| + |\\sigma_{zz}| + |\\sigma_{xy}| + |\\sigma_{xz}| +
    |\\sigma_{yz}|` (each off-diagonal component counted once). Unlike the other measures it
    depends on the orientation of the x, y, z frame.

    Parameters
    ----------
    sigma : array_like, shape (..., 3, 3)

    Returns
    -------
    numpy.ndarray, shape (...)
    """
    a = np.abs(_tensor(sigma))
    return a[..., 0, 0] + a[..., 1, 1] + a[..., 2, 2] + a[..., 0, 1] + a[..., 0, 2] + a[..., 1, 2]


@validate_params(sigma=_SIGMA)
def deviatoric(sigma: ArrayLike) -> np.ndarray:
    """The deviatoric part :math:`\\sigma' = \\sigma - \\tfrac13 \\mathrm{tr}(\\sigma) I`."""
    arr = sigma
    trace = np.trace(arr, axis1=-2, axis2=-1)
    return arr - trace[..., None, None] / 3.0 * np.eye(3)


@validate_params(sigma=_SIGMA)
def stress_invariants(sigma: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The invariants of DeVries et al. (2018, Table 1) from the principal stresses χ_i.

    :math:`I_1 = \\chi_1 + \\chi_2 + \\chi_3`,
    :math:`I_2 = \\chi_1\\chi_2 + \\chi_2\\chi_3 + \\chi_1\\chi_3`,
    :math:`I_3 = \\chi_1\\chi_2\\chi_3`; in the unit of ``sigma`` to the power 1, 2 and 3.
    Pass :func:`deviatoric` of a tensor for the deviatoric invariants (its I1 is 0).

    Returns
    -------
    I1, I2, I3 : numpy.ndarray, shape (...)
    """
    arr = sigma
    i1 = np.trace(arr, axis1=-2, axis2=-1)
    i2 = 0.5 * (i1**2 - np.einsum("...ij,...ji->...", arr, arr))
    return i1, i2, np.linalg.det(arr)


@validate_params(strike=Array(), dip=Array(), rake=Array())
def fault_vectors(
    strike: ArrayLike, dip: ArrayLike, rake: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Unit normal (into the hanging wall) and unit slip vector of planes, in (east, north, up).

    Parameters
    ----------
    strike : array_like
        Degrees clockwise from north.
    dip : array_like
        Degrees from the horizontal, in [0, 90].
    rake : array_like
        Degrees, hanging-wall motion measured in the plane from the strike direction.

    Returns
    -------
    normal, slip : numpy.ndarray, shape (..., 3)
        Broadcast over the inputs.
    """
    phi, delta, lam = _angles(strike, dip, rake)
    sphi, cphi = np.sin(phi), np.cos(phi)
    sdel, cdel = np.sin(delta), np.cos(delta)
    zero = np.zeros_like(phi)
    normal = np.stack([cphi * sdel, -sphi * sdel, cdel + zero], axis=-1)
    strike_vec = np.stack([sphi, cphi, zero], axis=-1)
    down_dip = np.stack([cphi * cdel, -sphi * cdel, -sdel + zero], axis=-1)
    slip = np.cos(lam)[..., None] * strike_vec - np.sin(lam)[..., None] * down_dip
    return normal, slip


def _angles(strike: ArrayLike, dip: ArrayLike, rake: ArrayLike) -> tuple[np.ndarray, ...]:
    out = []
    for name, value in (("strike", strike), ("dip", dip), ("rake", rake)):
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a number or array of numbers (degrees)") from exc
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite, got {value!r}")
        out.append(arr)
    if np.any(out[1] < 0) or np.any(out[1] > 90):
        raise ValueError(f"dip must lie in [0, 90] degrees, got {dip!r}")
    return tuple(np.broadcast_arrays(*(np.deg2rad(a) for a in out)))


@validate_params(sigma=_SIGMA, strike=Array(), dip=Array(), rake=Array(), mu=Real(min=0))
def coulomb_stress_change(
    sigma: ArrayLike,
    *,
    strike: ArrayLike,
    dip: ArrayLike,
    rake: ArrayLike,
    mu: float = 0.4,
) -> np.ndarray:
    """Coulomb failure stress change :math:`\\Delta\\tau + \\mu \\Delta\\sigma_n` on a plane.

    Tension positive, so a positive normal-stress change unclamps the plane and raises ΔCFS;
    positive ΔCFS brings the plane closer to slipping in the direction given by ``rake``.

    Parameters
    ----------
    sigma : array_like, shape (..., 3, 3)
        Stress-change tensors in (east, north, up), any unit (Pa or MPa).
    strike, dip, rake : array_like
        Receiver plane and slip direction in degrees (Aki & Richards, see module docstring);
        broadcast against ``sigma.shape[:-2]``.
    mu : float, default 0.4
        Effective friction coefficient (dimensionless), ≥ 0.

    Returns
    -------
    numpy.ndarray
        ΔCFS in the unit of ``sigma``, shape ``broadcast(sigma.shape[:-2], strike.shape, ...)``.
    """
    arr = sigma
    normal, slip = fault_vectors(strike, dip, rake)
    traction = np.einsum("...ij,...j->...i", arr, normal)
    shear = np.sum(slip * traction, axis=-1)
    normal_stress = np.sum(normal * traction, axis=-1)
    return shear + float(mu) * normal_stress


@validate_params(sigma=_SIGMA, strike=Array(), dip=Array(), rake=Array())
def resolved_stresses(
    sigma: ArrayLike, *, strike: ArrayLike, dip: ArrayLike, rake: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tractions on a plane, split along the slip, across it in the plane, and normal to it.

    With ``n`` the normal and ``s`` the slip direction of :func:`fault_vectors` and
    ``t = σ n``: the shear in the slip direction ``s·t``, the shear perpendicular to the slip
    within the plane ``(s × n)·t``, and the normal stress ``n·t`` (tension positive). The
    Coulomb variants of DeVries et al. (2018, Table 1) are built from these three.

    Returns
    -------
    tau_slip, tau_perpendicular, sigma_n : numpy.ndarray
        Same unit as ``sigma``.
    """
    arr = sigma
    normal, slip = fault_vectors(strike, dip, rake)
    traction = np.einsum("...ij,...j->...i", arr, normal)
    across = np.cross(slip, normal)
    return (
        np.sum(slip * traction, axis=-1),
        np.sum(across * traction, axis=-1),
        np.sum(normal * traction, axis=-1),
    )
