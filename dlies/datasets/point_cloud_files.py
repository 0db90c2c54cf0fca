"""Readers of real lidar point clouds: plain ``x y z [label]`` text and LAS/LAZ (laspy).

:func:`dlies.datasets.make_point_cloud` draws the synthetic scene; these read real ones. Every
error names the file and, where it applies, the row or column.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from dlies._validate import Boolean, Integer, RegularFile, validate_params
from dlies.datasets._files import LIBRARY_ERRORS

#: The most bytes a LAZ file's points may expand to, per byte of the file (LAZ compresses
#: lidar points 5-15 times, regular synthetic ones far more): a header declaring more lies.
MAX_LAZ_EXPANSION = 1000

__all__ = ["ASPRS_CLASSES", "LasCloud", "load_las", "load_xyz", "read_las"]

#: The ASPRS standard classification codes of LAS 1.4 (point formats 6-10) that lidar
#: providers use most; codes 0-1 mean "not classified".
ASPRS_CLASSES = {
    0: "created, never classified",
    1: "unclassified",
    2: "ground",
    3: "low vegetation",
    4: "medium vegetation",
    5: "high vegetation",
    6: "building",
    7: "low point (noise)",
    9: "water",
    17: "bridge deck",
    18: "high noise",
}


@validate_params(path=RegularFile(), label_column=(None, Integer(min=3)))
def load_xyz(
    path: str | os.PathLike, *, label_column: int | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Read a plain-text point cloud, one point per line: ``x y z [label] [...]``.

    Columns are separated by white space or commas; lines starting with ``#`` are comments.
    This is the format of CANUPO's labelled samples and of most lidar exports to text.

    Parameters
    ----------
    path : str or path-like
        The text file.
    label_column : int, optional
        0-based column of the integer class label. Default: column 3 when the file has
        exactly four columns, no labels otherwise.

    Returns
    -------
    points : ndarray (n, 3), float64
        x, y, z in the file's units (m for lidar).
    labels : ndarray (n,), int64, or None
    """
    p = path
    try:
        with p.open(encoding="utf-8") as fh:
            first = next((ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")), "")
    except UnicodeDecodeError:
        raise ValueError(f"load_xyz: {p} is not a text file (cannot decode it as UTF-8)") from None
    if not first:
        raise ValueError(f"load_xyz: {p} holds no points (empty or only comments)")
    try:
        data = np.loadtxt(p, ndmin=2, comments="#", delimiter="," if "," in first else None)
    except ValueError as exc:
        raise ValueError(f"load_xyz: {p}: cannot read the columns as numbers: {exc}") from exc
    n_cols = data.shape[1]
    if n_cols < 3:
        raise ValueError(f"load_xyz: {p} has {n_cols} column(s); expected x y z [label]")
    if label_column is None and n_cols == 4:
        label_column = 3
    points = np.ascontiguousarray(data[:, :3])
    bad = np.flatnonzero(~np.isfinite(points).all(axis=1))
    if bad.size:
        raise ValueError(f"load_xyz: {p}: non-finite coordinates in data row {bad[0] + 1}")
    if label_column is None:
        return points, None
    if label_column >= n_cols:
        raise ValueError(
            f"load_xyz: {p}: label_column {label_column} is not one of the columns after "
            f"x y z (the file has {n_cols} columns)"
        )
    col = data[:, label_column]
    bad = np.flatnonzero(~np.isfinite(col) | (col != np.round(col)))
    if bad.size:
        raise ValueError(
            f"load_xyz: {p}: label column {label_column} must hold integers; data row "
            f"{bad[0] + 1} has {float(col[bad[0]])!r}"
        )
    return points, col.astype(np.int64)


#: Metres per unit of the EPSG linear units a LAS file's GeoTIFF keys name (key 3076).
_EPSG_UNITS_M = {9001: 1.0, 9002: 0.3048, 9003: 1200 / 3937}
_WKT_UNIT = re.compile(r'UNIT\["[^"]*",\s*([0-9.eE+-]+)')


@dataclass(frozen=True)
class LasCloud:
    """A LAS/LAZ point cloud: coordinates and the per-point attributes the lectures use.

    Attributes
    ----------
    points : ndarray (n, 3), float64
        x, y, z, scaled and offset; in metres when read with ``metres=True`` and the file
        names its linear unit, else in the file's own units.
    classification : ndarray (n,), int64
        ASPRS class codes (:data:`ASPRS_CLASSES`).
    intensity, return_number, number_of_returns : ndarray (n,), int64
        Return strength (sensor units) and the return's rank among its pulse's returns.
    unit_m : float or None
        Metres per coordinate unit of the file (0.3048 for international feet), from its
        GeoTIFF keys or WKT; None when the file does not say.
    """

    points: np.ndarray
    classification: np.ndarray
    intensity: np.ndarray
    return_number: np.ndarray
    number_of_returns: np.ndarray
    unit_m: float | None


def _linear_unit_m(header) -> float | None:
    for vlr in header.vlrs:
        for key in getattr(vlr, "geo_keys", []):
            if key.id == 3076 and key.value_offset in _EPSG_UNITS_M:
                return _EPSG_UNITS_M[key.value_offset]
        if hasattr(vlr, "string") and (units := _WKT_UNIT.findall(vlr.string)):
            return float(units[-1])  # the projection's unit comes after the angular one
    return None


@validate_params(path=RegularFile(), metres=Boolean())
def read_las(path: str | os.PathLike, *, metres: bool = True) -> LasCloud:
    """Read a LAS or LAZ point cloud with ``laspy`` (LAZ through its ``lazrs`` backend).

    With ``metres=True`` coordinates in feet (or any linear unit the file's CRS names) are
    converted to metres; a file that names no unit is returned as it is.
    """
    return _read_las(path, metres, "read_las")


def _check_raw_header(p, caller: str) -> None:
    """Refuse, from the raw bytes of the public header block, counts of variable-length
    records (54 bytes each at least) and offsets that the file cannot hold, before laspy
    loops over them."""
    import struct

    size = p.stat().st_size
    with open(p, "rb") as f:
        head = f.read(375)
    if len(head) < 227 or head[:4] != b"LASF":
        return  # laspy names what is wrong
    header_size, data_offset, n_vlrs = struct.unpack_from("<HII", head, 94)
    n_evlrs = struct.unpack_from("<I", head, 243)[0] if len(head) >= 247 and head[25] >= 4 else 0
    if header_size > size or data_offset > size or 54 * n_vlrs + 60 * n_evlrs > size:
        raise ValueError(
            f"{caller}: {p}: the header declares {n_vlrs} variable-length records and point "
            f"data at byte {data_offset}, more than the file's {size} bytes: it is damaged"
        )


def _check_header(p, header, caller: str) -> None:
    """Refuse a header whose scales or offsets are not finite (or a scale is 0), or whose
    point count needs more bytes than the file holds, before any point is read."""
    scales, offsets = np.asarray(header.scales, float), np.asarray(header.offsets, float)
    if not (np.isfinite(scales).all() and np.all(scales != 0) and np.isfinite(offsets).all()):
        raise ValueError(
            f"{caller}: {p}: header scales {scales.tolist()} and offsets {offsets.tolist()} "
            "must be finite (scales non-zero)"
        )
    declared = int(header.point_count) * int(header.point_format.size)
    room = p.stat().st_size - int(header.offset_to_point_data)
    if declared > room * (MAX_LAZ_EXPANSION if header.are_points_compressed else 1):
        raise ValueError(
            f"{caller}: {p}: the header declares {header.point_count} points "
            f"({declared} bytes) but the file holds {max(room, 0)} bytes of points: it is "
            "damaged or truncated"
        )


def _read_las(path: str | os.PathLike, metres: bool, caller: str) -> LasCloud:
    import laspy

    p = path
    try:
        _check_raw_header(p, caller)
        with laspy.open(p) as reader:
            _check_header(p, reader.header, caller)
            las = reader.read()
        points = np.column_stack([np.asarray(las.x), np.asarray(las.y), np.asarray(las.z)])
        columns = [
            np.asarray(getattr(las, name), dtype=np.int64)
            for name in ("classification", "intensity", "return_number", "number_of_returns")
        ]
        unit = _linear_unit_m(las.header)
    except (laspy.errors.LaspyException, *LIBRARY_ERRORS) as exc:
        if isinstance(exc, ValueError) and str(exc).startswith(f"{caller}: {p}:"):
            raise
        detail = "not enough memory" if isinstance(exc, MemoryError) else exc
        raise ValueError(
            f"{caller}: {p} is not a readable LAS/LAZ file ({type(exc).__name__}: {detail})"
        ) from exc
    if len(points) == 0:
        raise ValueError(f"{caller}: {p} holds no points")
    points = points.astype(np.float64)
    if metres and unit is not None:
        points *= unit
    return LasCloud(points, *columns, unit_m=unit)


@validate_params(path=RegularFile())
def load_las(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read a LAS or LAZ point cloud's coordinates and classes (:func:`read_las` has more).

    Returns
    -------
    points : ndarray (n, 3), float64
        The scaled and offset x, y, z coordinates (the file's CRS units, usually m).
    classification : ndarray (n,), int64
        The ASPRS class code of each point (see :data:`ASPRS_CLASSES`; 0 or 1 when the
        provider did not classify the points).
    """
    cloud = _read_las(path, False, "load_las")
    return cloud.points, cloud.classification
