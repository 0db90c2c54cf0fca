r"""Static stress change of a finite fault in an elastic half-space (via ``cutde``).

A planar rectangular fault is cut into ``n_down × n_along`` rectangular patches, each with
its own slip (heterogeneous slip), and each patch into two triangles. The strain of every
triangular dislocation in a homogeneous, isotropic elastic half-space with a traction-free
surface at z = 0 is computed by ``cutde`` (Ben Thompson's implementation of the analytic,
artefact-free solution of Nikkhoo & Walter 2015, *Geophys. J. Int.* 201, 1119) and summed;
Hooke's law turns strain into stress,

.. math:: \sigma_{ij} = \lambda\,\varepsilon_{kk}\,\delta_{ij} + 2 G\,\varepsilon_{ij},
          \qquad \lambda = \frac{2 G \nu}{1 - 2\nu}.

Frame and angles as in :mod:`dlies.physics.stress`: x east, y north, z up (depth is −z),
metres and pascals; strike, dip and rake in degrees, Aki & Richards. ``cutde`` expresses slip
in each triangle's own (strike, dip-up, normal) frame as the motion of the side the triangle
normal points to relative to the other side; :func:`fault_mesh` converts the hanging-wall slip
vector into that frame for every triangle, whichever way its normal points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from dlies._validate import Array, Instance, Integer, Real, validate_params
from dlies.physics.stress import fault_vectors

__all__ = [
    "RectangularFault",
    "fault_mesh",
    "fault_stress",
    "horizontal_distance",
    "moment_magnitude",
]

#: Default shear modulus G (Pa) and Poisson ratio ν of the half-space.
SHEAR_MODULUS = 3.0e10
POISSON = 0.25


@dataclass(frozen=True)
class RectangularFault:
    """A planar rectangular fault with slip given on a grid of patches.

    Parameters
    ----------
    strike, dip, rake : float
        Degrees (Aki & Richards); dip in (0, 90].
    length, width : float
        Along-strike length and down-dip width (m), > 0.
    top_depth : float
        Depth of the upper edge (m), ≥ 0.
    slip : array_like, shape (n_down, n_along)
        Slip of the hanging wall relative to the footwall on each patch (m), ≥ 0; row 0 is
        the top row, column 0 the start of the fault in the strike direction. A scalar means
        uniform slip on a single patch.
    east, north : float, default 0
        Horizontal position (m) of the centre of the fault rectangle.
    """

    strike: float
    dip: float
    rake: float
    length: float
    width: float
    top_depth: float
    slip: np.ndarray = field(repr=False)
    east: float = 0.0
    north: float = 0.0

    def __post_init__(self) -> None:
        for name in ("strike", "dip", "rake", "length", "width", "top_depth", "east", "north"):
            v = getattr(self, name)
            if (
                isinstance(v, bool)
                or not isinstance(v, int | float | np.number)
                or not np.isfinite(v)
            ):
                raise ValueError(f"RectangularFault: {name} must be a finite number, got {v!r}")
        if not 0 < self.dip <= 90:
            raise ValueError(f"RectangularFault: dip must lie in (0, 90] degrees, got {self.dip!r}")
        if self.length <= 0 or self.width <= 0:
            raise ValueError("RectangularFault: length and width must be > 0 (m)")
        if self.top_depth < 0:
            raise ValueError(
                f"RectangularFault: top_depth must be >= 0 (m), got {self.top_depth!r}"
            )
        slip = np.asarray(self.slip, dtype=np.float64)
        if slip.ndim == 0:
            slip = slip.reshape(1, 1)
        if slip.ndim != 2 or slip.size == 0:
            raise ValueError(
                f"RectangularFault: slip must have shape (n_down, n_along), got {slip.shape}"
            )
        if not np.all(np.isfinite(slip)) or np.any(slip < 0):
            raise ValueError("RectangularFault: slip must be finite and >= 0 (m)")
        object.__setattr__(self, "slip", slip)

    @property
    def bottom_depth(self) -> float:
        """Depth of the lower edge (m)."""
        return float(self.top_depth + self.width * np.sin(np.deg2rad(self.dip)))

    @property
    def mean_slip(self) -> float:
        """Area-weighted mean slip (m) (patches are equal in area)."""
        return float(self.slip.mean())

    def distance(self, points: ArrayLike) -> np.ndarray:
        """Shortest 3-D distance (m) from points (east, north, up) to the fault rectangle."""
        pts = np.asarray(points, dtype=np.float64)
        phi, delta = np.deg2rad(self.strike), np.deg2rad(self.dip)
        s = np.array([np.sin(phi), np.cos(phi), 0.0])
        d = np.array([np.cos(phi) * np.cos(delta), -np.sin(phi) * np.cos(delta), -np.sin(delta)])
        n = np.cross(d, s)
        centre_depth = self.top_depth + 0.5 * self.width * np.sin(delta)
        rel = pts - np.array([self.east, self.north, -centre_depth])
        along = np.maximum(np.abs(rel @ s) - 0.5 * self.length, 0.0)
        down = np.maximum(np.abs(rel @ d) - 0.5 * self.width, 0.0)
        return np.sqrt(along**2 + down**2 + (rel @ n) ** 2)

    def corners(self) -> np.ndarray:
        """The patch-corner grid, shape (n_down + 1, n_along + 1, 3), in (east, north, up) m."""
        n_down, n_along = self.slip.shape
        phi, delta = np.deg2rad(self.strike), np.deg2rad(self.dip)
        s = np.array([np.sin(phi), np.cos(phi), 0.0])
        d = np.array([np.cos(phi) * np.cos(delta), -np.sin(phi) * np.cos(delta), -np.sin(delta)])
        centre_depth = self.top_depth + 0.5 * self.width * np.sin(delta)
        centre = np.array([self.east, self.north, -centre_depth])
        xi = np.linspace(-0.5 * self.length, 0.5 * self.length, n_along + 1)
        eta = np.linspace(-0.5 * self.width, 0.5 * self.width, n_down + 1)
        pts = centre + eta[:, None, None] * d + xi[None, :, None] * s
        pts[..., 2] = np.minimum(pts[..., 2], 0.0)  # round-off at a surface-breaking edge
        return pts


_FAULT = Instance(RectangularFault)


@validate_params(fault=_FAULT)
def fault_mesh(fault: RectangularFault) -> tuple[np.ndarray, np.ndarray]:
    """Triangles and their slip in ``cutde``'s per-triangle frame.

    Returns
    -------
    tris : numpy.ndarray, shape (2 n_patches, 3, 3)
        Vertex coordinates (m).
    slip_tdcs : numpy.ndarray, shape (2 n_patches, 3)
        (strike-slip, dip-slip, tensile) components (m) for ``cutde``.
    """
    from cutde.geometry import compute_efcs_to_tdcs_rotations

    c = fault.corners()
    p00, p01 = c[:-1, :-1], c[:-1, 1:]
    p10, p11 = c[1:, :-1], c[1:, 1:]
    tri_a = np.stack([p00, p01, p11], axis=-2).reshape(-1, 3, 3)
    tri_b = np.stack([p00, p11, p10], axis=-2).reshape(-1, 3, 3)
    tris = np.ascontiguousarray(np.concatenate([tri_a, tri_b]))
    slip_mag = np.concatenate([fault.slip.ravel(), fault.slip.ravel()])
    normal_hw, slip_dir = fault_vectors(fault.strike, fault.dip, fault.rake)
    rot = compute_efcs_to_tdcs_rotations(tris)  # rows: strike, dip (up), normal
    # cutde's slip is the motion of the +normal side; flip where the normal points to the footwall.
    side = np.sign(rot[:, 2, :] @ normal_hw)
    side[side == 0] = 1.0
    slip_enu = (side * slip_mag)[:, None] * slip_dir[None, :]
    slip_tdcs = np.einsum("tij,tj->ti", rot, slip_enu)
    return tris, np.ascontiguousarray(slip_tdcs)


@validate_params(
    points=Array(shape=(None, 3)),
    fault=_FAULT,
    shear_modulus=Real(above=0),
    poisson=Real(above=0, below=0.5),
    chunk=Integer(min=1),
)
def fault_stress(
    points: ArrayLike,
    fault: RectangularFault,
    *,
    shear_modulus: float = SHEAR_MODULUS,
    poisson: float = POISSON,
    chunk: int = 20_000,
) -> np.ndarray:
    """Stress-change tensors (Pa) at observation points in the half-space.

    Parameters
    ----------
    points : array_like, shape (n, 3)
        (east, north, up) in m, with up ≤ 0 (inside the half-space).
    fault : RectangularFault
    shear_modulus : float, default 3e10
        G (Pa).
    poisson : float, default 0.25
        ν (dimensionless), in (0, 0.5).
    chunk : int, default 20 000
        Points per ``cutde`` call (bounds memory).

    Returns
    -------
    numpy.ndarray, shape (n, 3, 3)
        Symmetric stress change (Pa), tension positive. A point that falls exactly on a
        triangle edge (where the solution is singular) is moved by 1 m before evaluation.
    """
    import cutde.halfspace as hs
    from cutde.geometry import strain_to_stress

    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 3:
        raise ValueError(f"points must have shape (n, 3), got {pts.shape}")
    if not np.all(np.isfinite(pts)) or np.any(pts[:, 2] > 0):
        raise ValueError("points must be finite with up <= 0 (m): the half-space is z <= 0")
    if not isinstance(fault, RectangularFault):
        raise TypeError(f"fault must be a RectangularFault, got {type(fault).__name__}")
    if not (shear_modulus > 0 and 0 < poisson < 0.5):
        raise ValueError("shear_modulus must be > 0 (Pa) and poisson in (0, 0.5)")
    tris, slip = fault_mesh(fault)
    strain = np.empty((len(pts), 6))
    for start in range(0, len(pts), chunk):
        block = np.ascontiguousarray(pts[start : start + chunk])
        strain[start : start + chunk] = hs.strain_free(block, tris, slip, poisson)
    bad = ~np.all(np.isfinite(strain), axis=1)
    if np.any(bad):  # a point exactly on a triangle edge: the solution is singular there
        moved = pts[bad] + np.array([1.0, 1.0, -1.0])
        strain[bad] = hs.strain_free(np.ascontiguousarray(moved), tris, slip, poisson)
    if not np.all(np.isfinite(strain)):
        raise RuntimeError("cutde returned non-finite strain even after moving singular points")
    s6 = strain_to_stress(strain, shear_modulus, poisson)  # xx, yy, zz, xy, xz, yz
    out = np.empty((len(pts), 3, 3))
    out[:, 0, 0], out[:, 1, 1], out[:, 2, 2] = s6[:, 0], s6[:, 1], s6[:, 2]
    out[:, 0, 1] = out[:, 1, 0] = s6[:, 3]
    out[:, 0, 2] = out[:, 2, 0] = s6[:, 4]
    out[:, 1, 2] = out[:, 2, 1] = s6[:, 5]
    return out


@validate_params(east=Array(), north=Array(), fault=_FAULT)
def horizontal_distance(east: ArrayLike, north: ArrayLike, fault: RectangularFault) -> np.ndarray:
    """Horizontal distance (m) from points to the fault's surface projection (0 inside it)."""
    phi, delta = np.deg2rad(fault.strike), np.deg2rad(fault.dip)
    dx = np.asarray(east, dtype=np.float64) - fault.east
    dy = np.asarray(north, dtype=np.float64) - fault.north
    along = dx * np.sin(phi) + dy * np.cos(phi)
    across = dx * np.cos(phi) - dy * np.sin(phi)
    half_w = 0.5 * fault.width * np.cos(delta)
    return np.hypot(
        np.maximum(np.abs(along) - 0.5 * fault.length, 0.0),
        np.maximum(np.abs(across) - half_w, 0.0),
    )


@validate_params(fault=_FAULT, shear_modulus=Real(above=0))
def moment_magnitude(fault: RectangularFault, *, shear_modulus: float = SHEAR_MODULUS) -> float:
    """Moment magnitude :math:`M_w = \\tfrac23(\\log_{10} M_0 - 9.1)`,
    :math:`M_0 = G A \\bar D` (N m)."""
    m0 = shear_modulus * fault.length * fault.width * fault.mean_slip
    return float(2.0 / 3.0 * (np.log10(m0) - 9.1))
