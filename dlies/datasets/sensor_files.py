"""Reading a real river sensor record: a CSV of time, turbidity and SSC.

:func:`load_sensor_csv` returns the :class:`~dlies.datasets.sensors.SensorRecord` that
:func:`~dlies.datasets.make_turbidity_record` draws synthetically.
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path

import numpy as np

from dlies._validate import Checked, RegularFile, String, validate_params
from dlies.datasets.sensors import SensorRecord

__all__ = ["MISSING", "load_sensor_csv"]

#: Strings read as a missing value (an empty cell included), compared case-insensitively.
MISSING = frozenset({"", "nan", "na", "n/a", "null", "none", "-"})


def _parse_time(text: str, where: str) -> tuple[np.datetime64, bool]:
    """An ISO 8601 time (one with a UTC offset converted to UTC) and whether it had one."""
    try:
        stamp = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(
            f"{where}: cannot read the time {text!r}; expected ISO 8601, e.g. "
            f"2024-05-01T12:15:00 or 2024-05-01 12:15:00+02:00"
        ) from exc
    zoned = stamp.tzinfo is not None
    if zoned:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return np.datetime64(stamp, "s"), zoned


def _parse_value(text: str, where: str) -> float:
    """A finite number >= 0, or NaN for a missing value (see :data:`MISSING`)."""
    text = text.strip()
    if text.lower() in MISSING:
        return math.nan
    try:
        value = float(text)
    except ValueError as exc:
        raise ValueError(f"{where}: {text!r} is not a number") from exc
    if not math.isfinite(value):
        raise ValueError(f"{where}: {text!r} is not a finite number")
    if value < 0:
        raise ValueError(f"{where}: {text!r} is negative (turbidity and SSC are >= 0)")
    return value


def _delimiter(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("")
    if len(value) != 1 or value in '"\r\n':
        raise ValueError("")
    return value


@validate_params(
    path=RegularFile(),
    time_column=String(200),
    turbidity_column=String(200),
    ssc_column=String(200),
    delimiter=Checked(_delimiter, "one character, not a quote or a line break"),
    comment=(None, String(20)),
)
def load_sensor_csv(
    path: str | PathLike,
    *,
    time_column: str = "time",
    turbidity_column: str = "turbidity",
    ssc_column: str = "ssc",
    delimiter: str = ",",
    comment: str | None = "#",
) -> SensorRecord:
    """Read a sensor record from a CSV of time, turbidity and SSC.

    The first line that is neither blank nor a comment is the header. Column names are
    matched without regard to case or surrounding spaces; other columns are ignored. Each
    row is one time step: the time in ISO 8601 (with a UTC offset on every row, converted to
    UTC, or on none), the turbidity reading (FNU or NTU) and the SSC of a water sample (mg/L),
    left empty (or ``NA``, ``nan``, …, see :data:`MISSING`) between samples; both >= 0. A row
    with more fields than the header (a decimal comma, an unquoted delimiter) is refused. No
    unit is converted.

    Parameters
    ----------
    path : str or path-like
    time_column, turbidity_column, ssc_column : str
        Header names of the three columns.
    delimiter : str, default ","
    comment : str or None, default "#"
        Lines starting with it (metadata, notes) are skipped.

    Returns
    -------
    SensorRecord
        ``turbidity_true``, ``ssc_true`` and ``spike`` are None.

    Raises
    ------
    ValueError
        Naming the file, and the column and line where it applies: no header or no data
        rows, a missing column, a short or long row, an unparsable time, times with and
        without a UTC offset, a value that is not a finite number >= 0, times that do not
        increase, an undecodable file; a path that is not a regular file (a folder, a FIFO,
        a device) before anything is opened.
    FileNotFoundError
        The file does not exist.
    """
    wanted = {"time": time_column, "turbidity": turbidity_column, "ssc": ssc_column}
    times: list[np.datetime64] = []
    lines: list[int] = []
    turbidity: list[float] = []
    ssc: list[float] = []
    zones: set[bool] = set()
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = csv.reader(handle, delimiter=delimiter)
            index: dict[str, int] | None = None
            for row in rows:
                if not any(cell.strip() for cell in row):
                    continue
                if comment and row[0].lstrip().startswith(comment):
                    continue
                if index is None:
                    index, width = _header_index(row, wanted, path), len(row)
                    continue
                line = f"{path}, line {rows.line_num}"
                if len(row) <= max(index.values()) or len(row) > width:
                    raise ValueError(
                        f"{line}: {len(row)} fields, the header has "
                        + (
                            f"{width} (a decimal comma or an unquoted delimiter?)"
                            if len(row) > width
                            else f"at least {max(index.values()) + 1}"
                        )
                    )
                where = f"{line}, column {time_column!r}"
                stamp, zoned = _parse_time(row[index["time"]], where)
                zones.add(zoned)
                if len(zones) > 1:
                    raise ValueError(
                        f"{where}: times with and without a UTC offset are mixed; give every "
                        "time an offset, or none"
                    )
                times.append(stamp)
                lines.append(rows.line_num)
                turbidity.append(
                    _parse_value(row[index["turbidity"]], f"{line}, column {turbidity_column!r}")
                )
                ssc.append(_parse_value(row[index["ssc"]], f"{line}, column {ssc_column!r}"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not a UTF-8 text file ({exc})") from exc
    except csv.Error as exc:
        raise ValueError(f"{path}: malformed CSV ({exc})") from exc
    if index is None:
        raise ValueError(f"{path}: empty file, expected a header with {list(wanted.values())}")
    if not times:
        raise ValueError(f"{path}: a header but no data rows")
    time = np.array(times, dtype="datetime64[s]")
    steps = np.diff(time)
    if np.any(steps <= np.timedelta64(0, "s")):
        i = int(np.argmax(steps <= np.timedelta64(0, "s"))) + 1
        raise ValueError(
            f"{path}, line {lines[i]}, column {time_column!r}: times must increase strictly; "
            f"{time[i]} does not come after {time[i - 1]} (line {lines[i - 1]})"
        )
    return SensorRecord(time=time, turbidity=np.array(turbidity), ssc=np.array(ssc))


def _header_index(header: list[str], wanted: dict[str, str], path: Path) -> dict[str, int]:
    """Position of each wanted column in the header (case- and space-insensitive)."""
    names = [h.strip().lower() for h in header]
    index = {}
    for key, column in wanted.items():
        if column.strip().lower() not in names:
            raise ValueError(
                f"{path}: no column {column!r} in the header; columns found: "
                f"{[h.strip() for h in header]} (pass {key}_column=... to name another)"
            )
        index[key] = names.index(column.strip().lower())
    return index
