"""The SeisBench data format's parts: chunks, trace-block slices, ``data_format``, metadata rows.

Used by :mod:`dlies.datasets.seisbench`, whose docstring describes the layout.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np

from dlies.datasets.seismograms import COMPONENTS

_PICK_COLUMN = re.compile(r"^trace_(.+)_arrival_sample$")
_SLICE_PART = re.compile(r"^\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?(?::\s*(-?\d+)?\s*)?$")


def chunks(folder: Path) -> list[str]:
    """The chunk suffixes of the data set in ``folder`` (``[""]`` when it is not chunked)."""
    listed = folder / "chunks"
    if listed.is_file():
        names = [line.strip() for line in listed.read_text().splitlines() if line.strip()]
        if names:
            return names
    if (folder / "waveforms.hdf5").is_file() or (folder / "metadata.csv").is_file():
        return [""]
    meta = {p.name[len("metadata") : -len(".csv")] for p in folder.glob("metadata*.csv")}
    wave = {p.name[len("waveforms") : -len(".hdf5")] for p in folder.glob("waveforms*.hdf5")}
    if not meta & wave:
        raise FileNotFoundError(
            f"{folder}: no SeisBench data set here (expected metadata.csv and waveforms.hdf5, "
            f"or metadata<chunk>.csv and waveforms<chunk>.hdf5 pairs)"
        )
    return sorted(meta & wave)


def parse_slice(text: str, trace_name: str, path: Path) -> tuple:
    """``"0,:3,:15001"`` -> (0, slice(None, 3), slice(None, 15001))."""
    parts = []
    for part in text.split(","):
        m = _SLICE_PART.match(part)
        if not m or not part.strip():
            raise ValueError(f"{path}: trace {trace_name!r} has an invalid block slice {text!r}")
        a, b, c = (int(g) if g is not None else None for g in m.groups())
        if any(v is not None and v < 0 for v in (a, b, c)):
            raise ValueError(
                f"{path}: trace {trace_name!r} has a negative index in its block slice {text!r}"
            )
        parts.append(a if ":" not in part else slice(a, b, c))
    return tuple(parts)


def decode(value) -> object:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray) and value.dtype.kind in "SO":
        return [v.decode() if isinstance(v, bytes) else str(v) for v in value.ravel()]
    if isinstance(value, np.ndarray) and value.shape == ():
        return value.item()
    return value


def data_format(h5, path: Path) -> dict:
    """Component order, dimension order and sampling rate from the ``data_format`` group."""
    if "data_format" not in h5:
        raise ValueError(f"{path}: no 'data_format' group (needs component_order)")
    fmt = {k: decode(h5["data_format"][k][()]) for k in h5["data_format"].keys()}
    order = fmt.get("component_order")
    if order is None:
        raise ValueError(f"{path}: data_format has no 'component_order'")
    order = "".join(order) if isinstance(order, list) else str(order)
    missing = [c for c in COMPONENTS if c not in order]
    if missing:
        raise ValueError(
            f"{path}: data_format/component_order {order!r} is unknown: it lacks "
            f"{', '.join(missing)} (need Z, N and E; rotate 1/2 components to N/E first)"
        )
    dims = fmt.get("dimension_order", "CW")
    dims = "".join(dims) if isinstance(dims, list) else str(dims)
    if sorted(dims) != ["C", "W"]:
        raise ValueError(f"{path}: data_format/dimension_order {dims!r} must be CW or WC")
    rate = fmt.get("sampling_rate")
    return {"order": order, "dims": dims, "rate": None if rate is None else float(rate)}


def number(row: dict, key: str) -> float:
    """A float from a metadata cell; lists like ``[3.1 4.0 2.2]`` give their mean; else NaN."""
    text = (row.get(key) or "").strip()
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        values = [float(v) for v in re.findall(r"-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?", text)]
        return float(np.nanmean(values)) if values else math.nan


def first_of(row: dict, keys: tuple[str, ...]) -> float:
    """The first finite number among ``keys`` of a metadata row; else NaN."""
    for key in keys:
        value = number(row, key)
        if math.isfinite(value):
            return value
    return math.nan


def pick_samples(row: dict, columns: list[tuple[str, str]]) -> tuple[float, float]:
    """The earliest P and S pick (in samples) among the pick columns; inf when absent."""
    best = {"P": math.inf, "S": math.inf}
    for column, phase in columns:
        value = number(row, column)
        if math.isfinite(value):
            best[phase] = min(best[phase], value)
    return best["P"], best["S"]


def pick_phase(column: str) -> str | None:
    """ "P" or "S" for a pick column of a first-arriving P or S phase, else None.

    The phase is read from the whole column name: ``trace_P_arrival_sample``,
    ``trace_Pg_arrival_sample``, ``trace_Sn_arrival_sample`` (upper-case P or S first) and the
    generic ``trace_p_arrival_sample``/``trace_s_arrival_sample`` count; depth phases such as
    ``sP`` or ``pP`` (a lower-case letter before the phase) do not.
    """
    m = _PICK_COLUMN.match(column)
    if not m:
        return None
    phase = m.group(1)
    if phase[0] in "PS":
        return phase[0]
    return phase.upper() if phase in ("p", "s") else None


def read_rows(
    path: Path, split: str | None, limit: int | None = None
) -> tuple[list[dict], list[tuple[str, str]]]:
    """The metadata rows (of ``split``, at most ``limit``) and the (column, phase) pairs that
    hold picks. Rows are filtered while the file is read, so a large metadata file is never
    held whole when ``split`` or ``limit`` select a part of it."""
    rows = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:  # -sig: Excel's byte-order mark
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            if "trace_name" not in header:
                raise ValueError(f"{path}: no 'trace_name' column (columns: {', '.join(header)})")
            if split is not None and "split" not in header:
                raise ValueError(
                    f"{path}: split={split!r} asked for, but there is no 'split' column"
                )
            for row in reader:
                if limit is not None and len(rows) >= limit:
                    break
                if split is None or (row.get("split") or "").strip() == split:
                    rows.append(row)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path}: cannot read the metadata: {exc}") from exc
    columns = [(name, phase) for name in header if (phase := pick_phase(name))]
    return rows, columns
