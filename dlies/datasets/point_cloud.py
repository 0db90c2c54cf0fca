r"""Lidar point clouds: a synthetic terrain scene and loaders for real clouds.

:func:`make_point_cloud` draws a **synthetic** scene, a square patch of terrain with three
classes, ``ground``, ``vegetation`` and ``rock``, sampled the way a laser scanner samples
surfaces (points on what the beam hits, with ranging noise). The recipe is stated in its
docstring.

Real clouds come as plain text (:func:`load_xyz`, ``x y z [label]`` per line, the format of
CANUPO's labelled samples) or as LAS/LAZ, the ASPRS binary standard (:func:`load_las`, read
with ``laspy``; LAZ needs its ``lazrs`` backend, a dependency of the course).
"""

from __future__ import annotations

import numpy as np

from dlies._validate import Integer, RandomState, Real, validate_params
from dlies.datasets.point_cloud_files import ASPRS_CLASSES, load_las, load_xyz

__all__ = ["ASPRS_CLASSES", "CLASS_NAMES", "load_las", "load_xyz", "make_point_cloud"]

CLASS_NAMES = ("ground", "vegetation", "rock")
GROUND, VEGETATION, ROCK = 0, 1, 2

# Objects per square metre of terrain, and their relative point densities (returns per m^2
# of exposed surface, ground = 1): crowns scatter the beam in depth and return more points.
_TREES_PER_M2 = 1 / 80
_SHRUBS_PER_M2 = 1 / 60
_ROCKS_PER_M2 = 1 / 30
_CROWN_RETURNS = 1.5
_UNDER_CROWN_KEEP = 0.5  # fraction of ground returns that get through a crown


def _terrain(rng: np.random.Generator, roughness: float):
    """Ground height ``z(x, y)`` (m): a plane + asymmetric dunes + self-affine roughness."""
    wavelength = np.exp(rng.uniform(np.log(0.3), np.log(4.0), 16))  # m, 16 plane waves
    theta = rng.uniform(0, 2 * np.pi, 16)
    k = (2 * np.pi / wavelength)[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
    amp = wavelength * rng.uniform(0.5, 1.5, 16)  # amplitude ~ wavelength: Hurst exponent 1
    amp *= roughness / np.sqrt(0.5 * (amp**2).sum())  # rms of the sum of sines = roughness
    phase = rng.uniform(0, 2 * np.pi, 16)
    alpha, dune_wavelength = rng.uniform(0, 2 * np.pi), rng.uniform(6.0, 14.0)
    dune_k = 2 * np.pi / dune_wavelength * np.array([np.cos(alpha), np.sin(alpha)])
    dune_amp, dune_phase = rng.uniform(0.2, 0.6), rng.uniform(0, 2 * np.pi)
    slope = rng.uniform(-0.05, 0.05, 2)

    def height(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        s = dune_k[0] * x + dune_k[1] * y + dune_phase
        z = slope[0] * x + slope[1] * y + dune_amp * (np.sin(s) + 0.3 * np.sin(2 * s))
        arg = np.multiply.outer(x, k[:, 0]) + np.multiply.outer(y, k[:, 1]) + phase
        return z + (amp * np.sin(arg)).sum(axis=-1)

    return height


def _place(rng: np.random.Generator, side: float, radii: np.ndarray):
    """Centres (k, 2) of discs of ``radii`` that do not overlap (up to 50 random draws each),
    and the indices of the discs that found room."""
    centres, kept, placed = np.empty((0, 2)), np.empty(0), []
    for i, r in enumerate(radii):
        for _ in range(50):
            c = rng.uniform(r, side - r, 2)
            if np.all(np.hypot(*(centres - c).T) > kept + r):
                centres, kept = np.vstack([centres, c]), np.append(kept, r)
                placed.append(i)
                break
    return centres, np.asarray(placed, dtype=int)


def _unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _split(rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, float)
    if n == 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=int)
    return rng.multinomial(n, weights / weights.sum())


@validate_params(
    n_points=Integer(min=100),
    density=Real(above=0),
    noise=Real(min=0),
    roughness=Real(min=0),
    random_state=RandomState(),
)
def make_point_cloud(
    n_points: int,
    *,
    density: float = 100.0,
    noise: float = 0.02,
    roughness: float = 0.04,
    random_state: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    r"""A synthetic lidar scene: rough ground with dunes, trees and shrubs, rocks.

    The recipe (all lengths in metres):

    * **Scene.** A square patch of side :math:`L = \sqrt{n_\text{points}/\rho}`, with
      :math:`\rho` = ``density`` points per m² of map area (airborne lidar: 1-50; terrestrial
      or drone lidar: 100 to 10⁴).
    * **Ground** (class 0). :math:`z(x, y)` = a plane of slope up to 5 % + asymmetric dunes
      :math:`A[\sin s + 0.3 \sin 2s]`, :math:`s = \mathbf{k}\cdot\mathbf{x} + \varphi`, with
      amplitude :math:`A` in [0.2, 0.6] and wavelength in [6, 14] + a self-affine roughness,
      16 plane waves of wavelengths 0.3-4 and amplitude proportional to wavelength (Hurst
      exponent 1), of rms ``roughness``. Sampled uniformly in map view; ground under a rock is
      hidden, and only half the ground returns pass through a crown or shrub.
    * **Vegetation** (class 1). Trees (one per 80 m²): a vertical trunk, a cylinder of radius
      0.05-0.2 and height 0.5-3 (the crown base), carrying a crown, an ellipsoid of horizontal
      semi-axes 1-3 and vertical semi-axis 0.8-2.5 filled with returns concentrated towards
      its outer shell (radial fraction ~ Beta(4, 1.5): leaves and twigs scatter the beam in
      depth). Shrubs (one per 60 m²): the same crowns, semi-axes 0.4-1.2 and 0.3-1, sitting on
      the ground, without trunk.
    * **Rocks** (class 2). Boulders (one per 30 m²): ellipsoids of semi-axes 0.4-2 (the
      vertical 0.4-0.9 times the smaller horizontal one), rotated about the vertical, a
      quarter to a half of their height buried, with a surface roughness of 3 % of the radius
      (sums of random cosines of direction); only the part above ground returns points.
    * **Sampling.** Points are shared among objects in proportion to their exposed surface
      (crowns :math:`1.5\times`), then drawn uniformly on each surface; every point gets
      isotropic Gaussian ranging noise of standard deviation ``noise``. Objects overlap
      little in map view (discs of 0.8 times their radius are disjoint; no radius exceeds
      L/4). Points come in random order.

    Parameters
    ----------
    n_points : int
        Number of points (at least 100).
    density : float, default 100
        Points per square metre of map area; sets the patch side.
    noise : float, default 0.02
        Ranging noise, standard deviation in m.
    roughness : float, default 0.04
        rms of the small-scale ground roughness, m.
    random_state : int, Generator or None
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    points : ndarray of shape (n_points, 3)
        x, y (east, north, from 0 to L) and z (up), in m.
    labels : ndarray of shape (n_points,), int64
        0 ground, 1 vegetation, 2 rock.
    class_names : tuple of str
        ``("ground", "vegetation", "rock")``.
    """
    n = n_points
    rng = np.random.default_rng(random_state)
    side = float(np.sqrt(n / density))
    area = side**2
    terrain = _terrain(rng, roughness)

    trees, crowns, rocks = _draw_objects(rng, side, area)
    # exposed surface per object (m^2), the weight of its share of the points
    rock_area = 0.6 * _ellipsoid_area(rocks["a"], rocks["b"], rocks["c"])
    crown_area = _CROWN_RETURNS * _ellipsoid_area(crowns["a"], crowns["a"], crowns["c"])
    trunk_area = np.pi * trees["r"] * trees["h"]  # the half facing the scanner
    ground_area = area - np.pi * (rocks["a"] * rocks["b"]).sum()
    ground_area -= (1 - _UNDER_CROWN_KEEP) * np.pi * (crowns["a"] ** 2).sum()
    weights = [max(ground_area, 0.1 * area), rock_area.sum(), crown_area.sum(), trunk_area.sum()]
    n_ground, n_rock, n_crown, n_trunk = _split(rng, n, weights)

    parts = [
        (_sample_ground(rng, n_ground, side, terrain, rocks, crowns), GROUND),
        (_sample_rocks(rng, _split(rng, n_rock, rock_area), rocks, terrain), ROCK),
        (_sample_crowns(rng, _split(rng, n_crown, crown_area), crowns, terrain), VEGETATION),
        (_sample_trunks(rng, _split(rng, n_trunk, trunk_area), trees, terrain), VEGETATION),
    ]
    points = np.concatenate([p for p, _ in parts])
    labels = np.concatenate([np.full(len(p), c, dtype=np.int64) for p, c in parts])
    points += rng.normal(0.0, noise, points.shape) if noise > 0 else 0.0
    order = rng.permutation(len(points))
    return points[order], labels[order], CLASS_NAMES


def _ellipsoid_area(a, b, c):
    """Knud Thomsen's approximation of an ellipsoid's surface (error < 1.1 %)."""
    p = 1.6075
    return 4 * np.pi * (((a * b) ** p + (a * c) ** p + (b * c) ** p) / 3) ** (1 / p)


def _concat(a: dict, b: dict) -> dict:
    return {k: np.concatenate([a[k], b[k]]) for k in a}


def _draw_objects(rng, side, area):
    """Trees, shrubs and rocks as dicts of parameter arrays (m), placed without overlap."""
    n_kind = [
        max(1, rng.poisson(area * _TREES_PER_M2)),
        rng.poisson(area * _SHRUBS_PER_M2),
        max(1, rng.poisson(area * _ROCKS_PER_M2)),
    ]
    footprint = np.concatenate(
        [rng.uniform(1.0, 3.0, n_kind[0]), rng.uniform(0.4, 1.2, n_kind[1])]
        + [rng.uniform(0.4, 2.0, n_kind[2])]
    )
    kind = np.repeat([0, 1, 2], n_kind)
    order = rng.permutation(len(kind))  # mixed order: no kind gets the free space first
    kind, footprint = kind[order], np.minimum(footprint[order], side / 4)  # small scenes
    # crowns may overhang their neighbours a little (0.8 x footprint must not overlap)
    centres, placed = _place(rng, side, 0.8 * footprint)
    kind, footprint = kind[placed], footprint[placed]
    t, s, r = (kind == k for k in range(3))
    h = rng.uniform(0.5, 3.0, t.sum())
    crown_c = rng.uniform(0.8, 2.5, t.sum())
    trees = {"x": centres[t, 0], "y": centres[t, 1], "r": rng.uniform(0.05, 0.2, t.sum()), "h": h}
    tree_crowns = {
        "x": centres[t, 0],
        "y": centres[t, 1],
        "a": footprint[t],
        "c": crown_c,
        "base": h - 0.1 * crown_c,  # crown bottom above the ground; the trunk enters it
    }
    shrub_c = rng.uniform(0.3, 1.0, s.sum())
    shrubs = {"x": centres[s, 0], "y": centres[s, 1], "a": footprint[s], "c": shrub_c}
    shrubs["base"] = -0.3 * shrub_c
    a = footprint[r]
    b = a * rng.uniform(0.5, 1.0, r.sum())
    rocks = {
        "x": centres[r, 0],
        "y": centres[r, 1],
        "a": a,
        "b": b,
        "c": np.minimum(a, b) * rng.uniform(0.4, 0.9, r.sum()),
        "angle": rng.uniform(0, np.pi, r.sum()),
        "burial": rng.uniform(0.25, 0.5, r.sum()),  # buried fraction of the height
        "bumps": _unit_vectors(rng, 6 * r.sum()).reshape(r.sum(), 6, 3),
    }
    return trees, _concat(tree_crowns, shrubs), rocks


def _inside_any(xy: np.ndarray, objects: dict, reach: np.ndarray, test) -> np.ndarray:
    """Which map points (n, 2) fall inside any object; ``test(k, dx, dy)`` decides for object k.

    Points are sorted by x once; each object only looks at the slab |x - x_k| <= reach_k.
    """
    inside = np.zeros(len(xy), bool)
    order = np.argsort(xy[:, 0])
    xs = xy[order, 0]
    lo = np.searchsorted(xs, objects["x"] - reach)
    hi = np.searchsorted(xs, objects["x"] + reach)
    for k in range(len(reach)):
        sl = order[lo[k] : hi[k]]
        hit = test(k, xy[sl, 0] - objects["x"][k], xy[sl, 1] - objects["y"][k])
        inside[sl[hit]] = True
    return inside


def _under_rock(k, dx, dy, rocks):
    cos, sin = np.cos(rocks["angle"][k]), np.sin(rocks["angle"][k])
    u, v = (cos * dx + sin * dy) / rocks["a"][k], (-sin * dx + cos * dy) / rocks["b"][k]
    return u**2 + v**2 < 1 - (1 - 2 * rocks["burial"][k]) ** 2  # the ellipse cut by the ground


def _sample_ground(rng, n, side, terrain, rocks, crowns):
    """n ground points: not under a rock, thinned under crowns."""
    out = np.empty((0, 3))
    while len(out) < n:
        m = int(1.3 * (n - len(out))) + 100
        xy = rng.uniform(0, side, (m, 2))
        hidden = _inside_any(xy, rocks, rocks["a"], lambda k, dx, dy: _under_rock(k, dx, dy, rocks))
        shaded = _inside_any(
            xy, crowns, crowns["a"], lambda k, dx, dy: dx**2 + dy**2 < crowns["a"][k] ** 2
        )
        xy = xy[~hidden & (~shaded | (rng.random(m) < _UNDER_CROWN_KEEP))]
        out = np.vstack([out, np.column_stack([xy, terrain(xy[:, 0], xy[:, 1])])])
    return out[:n]


def _draw_exact(counts, sampler, oversample):
    """``counts[k]`` points per object k from ``sampler(idx) -> (points, accepted)``."""
    counts = np.asarray(counts)
    out = [np.empty((0, 3))]
    need = counts.copy()
    while need.sum() > 0:
        idx = np.repeat(np.arange(len(counts)), (oversample * need).astype(int) + 2 * (need > 0))
        pts, ok = sampler(idx)
        pts, idx = pts[ok], idx[ok]
        # the first need[k] accepted points of each object
        idx_sorted = np.argsort(idx, kind="stable")
        starts = np.searchsorted(idx[idx_sorted], np.arange(len(counts)))
        rank = np.empty(len(idx), int)
        rank[idx_sorted] = np.arange(len(idx)) - starts[idx[idx_sorted]]
        take = rank < need[idx]
        out.append(pts[take])
        need = need - np.bincount(idx[take], minlength=len(counts))
    return np.concatenate(out)


def _sample_rocks(rng, counts, rocks, terrain):
    zc = terrain(rocks["x"], rocks["y"]) + rocks["c"] * (1 - 2 * rocks["burial"])

    def sampler(idx):  # about 2/3 of the directions are above ground
        u = _unit_vectors(rng, len(idx))
        # surface roughness: 3 % of the radius, smooth in direction
        bumps = np.cos(4.0 * np.einsum("nj,nkj->nk", u, rocks["bumps"][idx])).sum(1)
        f = 1 + 0.03 * bumps / np.sqrt(3.0)
        ex, ey = rocks["a"][idx] * u[:, 0] * f, rocks["b"][idx] * u[:, 1] * f
        cos, sin = np.cos(rocks["angle"][idx]), np.sin(rocks["angle"][idx])
        x = rocks["x"][idx] + cos * ex - sin * ey
        y = rocks["y"][idx] + sin * ex + cos * ey
        z = zc[idx] + rocks["c"][idx] * u[:, 2] * f
        return np.column_stack([x, y, z]), z > terrain(x, y)

    return _draw_exact(counts, sampler, 1.8)


def _sample_crowns(rng, counts, crowns, terrain):
    zc = terrain(crowns["x"], crowns["y"]) + crowns["base"] + crowns["c"]

    def sampler(idx):
        u = _unit_vectors(rng, len(idx)) * rng.beta(4.0, 1.5, len(idx))[:, None]
        x = crowns["x"][idx] + crowns["a"][idx] * u[:, 0]
        y = crowns["y"][idx] + crowns["a"][idx] * u[:, 1]
        z = zc[idx] + crowns["c"][idx] * u[:, 2]
        return np.column_stack([x, y, z]), z > terrain(x, y)

    return _draw_exact(counts, sampler, 1.1)


def _sample_trunks(rng, counts, trees, terrain):
    idx = np.repeat(np.arange(len(counts)), counts)
    theta = rng.uniform(0, 2 * np.pi, len(idx))
    x = trees["x"][idx] + trees["r"][idx] * np.cos(theta)
    y = trees["y"][idx] + trees["r"][idx] * np.sin(theta)
    z = terrain(trees["x"], trees["y"])[idx] + trees["h"][idx] * rng.random(len(idx))
    return np.column_stack([x, y, z])
