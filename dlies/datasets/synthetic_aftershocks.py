r"""A **synthetic** aftershock data set in the DeVries et al. (2018) HDF5 schema.

Stresses come from a real elastic dislocation calculation (:mod:`dlies.physics.faults`, with
``cutde``); labels from a stated stochastic law (Dieterich rate-and-state response on randomly
oriented receiver faults, :mod:`dlies.physics.seismicity`). :func:`make_aftershocks` states
every choice.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dlies import course
from dlies._validate import Boolean, Integer, NewFile, Pair, Real, validate_params
from dlies.datasets.devries.files import _INDEX, COORD_KEYS, EVENT_KEY, LABEL_KEY, STRESS_KEYS
from dlies.physics.faults import SHEAR_MODULUS, RectangularFault, fault_stress, horizontal_distance
from dlies.physics.seismicity import dieterich_ratio, random_receivers
from dlies.physics.stress import fault_vectors

FORMAT_VERSION = 1
#: The HDF5 attribute that marks a file as written by make_aftershocks (its configuration).
MARK = "dlies_config"


@dataclass(frozen=True)
class _Config:
    n_events: int
    seed: int
    extent: float
    depth: float
    cell: float
    magnitude_range: tuple[float, float]
    a_sigma: float
    background: float
    seismogenic_depth: float
    taper: float
    duration: float
    aftershock_duration: float
    friction: float
    n_receivers: int

    def mark(self) -> dict:
        """The mark a file written for this configuration carries (JSON-normalised)."""
        return json.loads(json.dumps({"version": FORMAT_VERSION, **self.__dict__}))

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.mark(), sort_keys=True).encode()).hexdigest()[:10]


def _random_slip(rng: np.random.Generator, n_down: int, n_along: int, surface: bool) -> np.ndarray:
    """Heterogeneous slip: smoothed log-normal noise under an elliptical taper, mean 1."""
    noise = rng.normal(size=(n_down + 2, n_along + 2))
    kernel = np.array([0.25, 0.5, 0.25])
    noise = noise[:-2] * kernel[0] + noise[1:-1] * kernel[1] + noise[2:] * kernel[2]
    noise = noise[:, :-2] * kernel[0] + noise[:, 1:-1] * kernel[1] + noise[:, 2:] * kernel[2]
    field = np.exp(1.2 * noise)  # smoothed std ≈ 0.6, a factor ≈ 1.8 spread
    xi = (2 * np.arange(n_along) + 1) / n_along - 1
    eta = (2 * np.arange(n_down) + 1) / n_down - 1
    if surface:  # slip does not vanish at a surface-breaking top edge
        eta = (eta + 1) / 2
    taper = np.sqrt(1 - eta[:, None] ** 2) * np.sqrt(1 - xi[None, :] ** 2)
    slip = field * taper
    return slip / slip.mean()


def _draw_fault(rng: np.random.Generator, cfg: _Config) -> tuple[RectangularFault, float]:
    mw = rng.uniform(*cfg.magnitude_range)
    strike = rng.uniform(0, 360)
    dip = rng.uniform(15, 90)
    rake = rng.uniform(-180, 180)
    length = 10 ** (-2.44 + 0.59 * mw) * 1e3  # Wells & Coppersmith (1994), subsurface length
    width = 10 ** (-1.01 + 0.32 * mw) * 1e3  # and down-dip width, all slip types
    top = rng.uniform(0, 3e3)
    width = min(width, (cfg.seismogenic_depth + 5e3 - top) / np.sin(np.deg2rad(dip)))
    n_down = 3
    n_along = 3 * int(np.clip(round(length / width), 1, 3))  # 3, 6 or 9 patches along strike
    surface = top < 1e3
    top = 0.0 if surface else top
    m0 = 10 ** (1.5 * mw + 9.1)
    mean_slip = m0 / (SHEAR_MODULUS * length * width)
    slip = mean_slip * _random_slip(rng, n_down, n_along, surface)
    fault = RectangularFault(
        strike=strike, dip=dip, rake=rake, length=length, width=width, top_depth=top, slip=slip
    )
    return fault, mw


def _grid(fault: RectangularFault, cfg: _Config) -> np.ndarray:
    corners = fault.corners().reshape(-1, 3)
    lo = corners[:, :2].min(axis=0) - cfg.extent
    hi = corners[:, :2].max(axis=0) + cfg.extent
    c = cfg.cell
    xs = (np.arange(np.floor(lo[0] / c), np.ceil(hi[0] / c)) + 0.5) * c
    ys = (np.arange(np.floor(lo[1] / c), np.ceil(hi[1] / c)) + 0.5) * c
    gx, gy = np.meshgrid(xs, ys)
    keep = horizontal_distance(gx, gy, fault) <= cfg.extent
    gx, gy = gx[keep], gy[keep]
    zs = -(np.arange(int(round(cfg.depth / c))) + 0.5) * c
    return np.column_stack([np.tile(gx, len(zs)), np.tile(gy, len(zs)), np.repeat(zs, len(gx))])


def _labels(
    rng: np.random.Generator,
    stress: np.ndarray,
    depth: np.ndarray,
    fault: RectangularFault,
    cfg: _Config,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected counts on random receivers, and 0/1 labels for random and aligned receivers."""
    s_mpa = stress * 1e-6
    law = dict(
        a_sigma=cfg.a_sigma, duration=cfg.duration, aftershock_duration=cfg.aftershock_duration
    )
    background = cfg.background / (1 + np.exp((depth - cfg.seismogenic_depth) / cfg.taper))
    normal, slip = random_receivers(cfg.n_receivers, rng)
    traction = np.einsum("nij,kj->nki", s_mpa, normal)
    shear = np.sum(traction * slip[None], axis=2)
    dcfs = shear + cfg.friction * np.sum(traction * normal[None], axis=2)
    expected = background * dieterich_ratio(dcfs, **law).mean(axis=1)
    n_ms, s_ms = fault_vectors(fault.strike, fault.dip, fault.rake)
    t_ms = s_mpa @ n_ms
    dcfs_ms = t_ms @ s_ms + cfg.friction * (t_ms @ n_ms)
    expected_aligned = background * dieterich_ratio(dcfs_ms, **law)
    u = rng.random(len(depth))  # one uniform per cell: the two label sets share their noise
    label = (u < -np.expm1(-expected)).astype(np.float64)
    label_aligned = (u < -np.expm1(-expected_aligned)).astype(np.float64)
    return expected, label, label_aligned


_POSITIVE = Real(above=0)


@validate_params(
    n_events=Integer(min=1),
    random_state=(None, Integer(min=0)),
    path=(None, NewFile()),
    extent_km=_POSITIVE,
    depth_km=_POSITIVE,
    cell_km=_POSITIVE,
    magnitude_range=Pair(Real(min=5.0, max=8.5)),
    a_sigma_mpa=_POSITIVE,
    background=_POSITIVE,
    seismogenic_depth_km=_POSITIVE,
    duration_years=_POSITIVE,
    aftershock_duration_years=_POSITIVE,
    friction=Real(min=0, max=1.5),
    n_receivers=Integer(min=1),
    overwrite=Boolean(),
    verbose=Boolean(),
)
def make_aftershocks(
    n_events: int = 40,
    *,
    random_state: int | None = None,
    path: str | os.PathLike | None = None,
    extent_km: float = 100.0,
    depth_km: float = 50.0,
    cell_km: float = 5.0,
    magnitude_range: tuple[float, float] = (6.0, 7.5),
    a_sigma_mpa: float = 0.01,
    background: float = 0.02,
    seismogenic_depth_km: float = 15.0,
    duration_years: float = 1.0,
    aftershock_duration_years: float = 10.0,
    friction: float = 0.4,
    n_receivers: int = 48,
    overwrite: bool = False,
    verbose: bool = True,
) -> Path:
    r"""Write a **synthetic** aftershock data set in the DeVries HDF5 schema (cached).

    For each of ``n_events`` mainshocks:

    1. **Fault.** Mw uniform in ``magnitude_range``; strike uniform in [0, 360)°, dip uniform
       in [15, 90]°, rake uniform in [−180, 180)° (every faulting style); length and width from
       Wells & Coppersmith (1994), width capped so the fault ends within 5 km below the
       seismogenic depth; top edge 0–3 km deep (at the surface if < 1 km); 3 × (3, 6 or 9)
       patches with heterogeneous slip (smoothed log-normal field under an elliptical taper)
       scaled to the seismic moment :math:`M_0 = 10^{1.5 M_w + 9.1}` N m with G = 30 GPa, ν = 0.25.
    2. **Grid.** 5 km cells whose centre lies within ``extent_km`` horizontally of the fault's
       surface projection, in layers down to ``depth_km`` (centroids at 2.5, 7.5, ... km).
    3. **Stress.** The stress-change tensor at each centroid from the triangular dislocations
       of all patches in an elastic half-space (:func:`dlies.physics.faults.fault_stress`,
       ``cutde``).
    4. **Labels** (the stochastic law). Each cell holds faults of all orientations
       (``n_receivers`` isotropic random planes and slip directions per event). On each,
       :math:`\Delta\mathrm{CFS} = \Delta\tau + \mu\Delta\sigma_n` (μ = ``friction``); the
       expected number of aftershocks within ``duration_years`` is the Dieterich (1994)
       rate-and-state count (:func:`dlies.physics.seismicity.dieterich_ratio`, Aσ =
       ``a_sigma_mpa``, t_a = ``aftershock_duration_years``) averaged over the receivers,
       times a background count ``background`` per cell per window that fades below
       ``seismogenic_depth_km`` (logistic, 2.5 km wide). The label is 1 when a Poisson draw
       with that mean is ≥ 1. With the defaults a few per cent of the cells are positive
       (3.9 % for 40 events, ``random_state=2018``).

    The file also holds ``aftershocksyn_aligned``: labels from the same law and the same random
    numbers but with every receiver parallel to the mainshock plane and slip — the assumption
    under which classical ΔCFS is the right predictor.

    Parameters
    ----------
    n_events : int, default 40
    random_state : int or None
        Seed. With an int the file is cached (same arguments → same file, reused); with None a
        fresh seed is drawn and a new file written.
    path : str or os.PathLike, optional
        Where to write; default ``<data>/aftershocks_synthetic_<n>ev_seed<seed>_<hash>.h5``.
    extent_km, depth_km, cell_km : float
        Grid: horizontal reach from the fault, bottom depth, cell size (km).
    magnitude_range : (float, float), default (6.0, 7.5)
    a_sigma_mpa, background, seismogenic_depth_km : float
        Parameters of the labelling law (see above): Aσ (MPa), background count per cell per
        window, depth (km) below which the background fades.
    duration_years, aftershock_duration_years, friction : float
        Window T and aftershock duration t_a (years), friction μ of ΔCFS.
    n_receivers : int, default 48
        Random receiver faults per event.
    overwrite : bool, default False
        Replace an existing file at ``path`` that ``make_aftershocks`` did not write (one
        without the ``dlies_config`` attribute). Without it such a file is never touched: a
        ``FileExistsError`` names it. A file this function wrote for other arguments is
        regenerated.
    verbose : bool, default True
        Print one line saying whether the cache was used, and a progress bar while generating.

    Returns
    -------
    pathlib.Path
        The HDF5 file: 1-D float64 ``aftershocksyn``, ``aftershocksyn_aligned``, six
        ``stresses_full_*`` (Pa), ``x, y, z`` (m, local east/north/up around each fault,
        z < 0), int32 ``event_id``, float64 ``expected_count``, and the group ``events/`` with
        one row per mainshock (``event_id, magnitude, strike, dip, rake, length, width,
        top_depth, mean_slip, n_cells, n_positive``; m, degrees).
    """
    n = n_events
    seed = int(np.random.SeedSequence().entropy % 2**31) if random_state is None else random_state
    cfg = _config(n, seed, locals())
    if path is None:
        target = course.data_dir() / f"aftershocks_synthetic_{n}ev_seed{seed}_{cfg.digest()}.h5"
    else:
        target = path
    stored = _stored_config(target)
    if stored == cfg.mark():
        if verbose:
            print(f"synthetic aftershocks: using cached {target.name} ({n} events)")
        return target
    if stored is None and target.exists() and not overwrite:
        raise FileExistsError(
            f"{target}: exists and was not written by make_aftershocks (no {MARK!r} attribute); "
            "pass overwrite=True to replace it, or another path"
        )
    if verbose:
        print(f"synthetic aftershocks: generating {n} events with cutde -> {target.name}")
    _write(target, cfg, verbose)
    return target


def _config(n: int, seed: int, args: dict) -> _Config:
    """The configuration from make_aftershocks' checked arguments (SI units)."""
    if args["depth_km"] < args["cell_km"] or args["extent_km"] < args["cell_km"]:
        raise ValueError("depth_km and extent_km must be at least one cell_km")
    return _Config(
        n_events=n,
        seed=seed,
        extent=args["extent_km"] * 1e3,
        depth=args["depth_km"] * 1e3,
        cell=args["cell_km"] * 1e3,
        magnitude_range=args["magnitude_range"],
        a_sigma=float(args["a_sigma_mpa"]),
        background=float(args["background"]),
        seismogenic_depth=args["seismogenic_depth_km"] * 1e3,
        taper=2.5e3,
        duration=float(args["duration_years"]),
        aftershock_duration=float(args["aftershock_duration_years"]),
        friction=args["friction"],
        n_receivers=args["n_receivers"],
    )


#: Columns of the ``events/`` table: the id, Mw, the fault's own attributes, cell counts.
_FAULT_KEYS = ("strike", "dip", "rake", "length", "width", "top_depth", "mean_slip")
_TABLE_KEYS = ("event_id", "magnitude", *_FAULT_KEYS, "n_cells", "n_positive")


def _write(target: Path, cfg: _Config, verbose: bool) -> None:
    """Generate every event and write the file atomically, with its mark."""
    import h5py

    rng = np.random.default_rng(cfg.seed)
    keys = (
        LABEL_KEY,
        "aftershocksyn_aligned",
        *STRESS_KEYS,
        *COORD_KEYS,
        EVENT_KEY,
        "expected_count",
    )
    cells, rows = [], []  # per event: its cells' values of each key, its row of events/
    events = range(cfg.n_events)
    for ev in course.bar(events, desc="synthetic events") if verbose else events:
        fault, mw = _draw_fault(rng, cfg)
        pts = _grid(fault, cfg)
        stress = fault_stress(pts, fault)
        expected, label, label_aligned = _labels(rng, stress, -pts[:, 2], fault, cfg)
        values = [
            label,
            label_aligned,
            *(stress[:, i, j] for i, j in _INDEX),
            *pts.T,
            np.full(len(pts), ev, np.int32),
            expected,
        ]
        cells.append(values)
        rows.append((ev, mw, *(getattr(fault, k) for k in _FAULT_KEYS), len(pts), int(label.sum())))
    with course.atomic_path(target) as tmp, h5py.File(tmp, "w") as f:
        for key, parts in zip(keys, zip(*cells, strict=True), strict=True):
            f.create_dataset(key, data=np.concatenate(parts))
        grp = f.create_group("events")
        for key, vals in zip(_TABLE_KEYS, zip(*rows, strict=True), strict=True):
            dtype = np.int32 if key in ("event_id", "n_cells", "n_positive") else np.float64
            grp.create_dataset(key, data=np.asarray(vals, dtype=dtype))
        f.attrs[MARK] = json.dumps(cfg.mark())
        f.attrs["description"] = (
            "SYNTHETIC aftershock cells in the DeVries et al. (2018) schema, written by "
            "dlies.datasets.make_aftershocks: cutde half-space stresses of random finite "
            "faults; labels from a Dieterich rate-and-state law on random receivers"
        )


def _stored_config(target: Path) -> dict | None:
    """The mark of an existing file, or None when there is no file or it lacks the mark; a
    folder at ``target`` is an error (it is never replaced)."""
    import h5py

    if target.is_dir():
        raise IsADirectoryError(f"{target}: is a folder; give make_aftershocks a file path")
    if not target.exists():
        return None
    try:
        with h5py.File(target, "r") as f:
            raw = f.attrs.get(MARK)
            stored = json.loads(raw) if raw is not None else None
    except (OSError, ValueError, TypeError):  # not HDF5, or a mark that is not our JSON
        return None
    return stored if isinstance(stored, dict) else None
