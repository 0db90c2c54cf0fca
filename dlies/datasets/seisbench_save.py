"""Write a data set in the SeisBench layout (:mod:`dlies.datasets.seisbench` reads it).

Each file is written atomically and vouched for by its own mark: ``waveforms.hdf5`` carries
this module's mark as an HDF5 attribute, with the SHA-256 of the ``metadata.csv`` written
beside it, so that a hand-edited ``metadata.csv`` is never taken for this module's own.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from numbers import Real
from pathlib import Path

import numpy as np

from dlies._validate import (
    Boolean,
    Checked,
    Folder,
    Integer,
    ParameterError,
    Sequence,
    String,
    any_of,
    validate_params,
)
from dlies.datasets.seismograms import COMPONENTS, Seismograms

__all__ = ["save_seisbench"]

_MARK = "dlies.save_seisbench"


def _valid_seismograms(data: object) -> Seismograms:
    """``data`` when it is a :class:`Seismograms` that can be written: finite real waveforms
    (n, samples, 3), per-trace arrays of length n and a finite sampling rate > 0."""
    if not isinstance(data, Seismograms):
        raise TypeError("")
    waves, n = np.asarray(data.waveforms), len(data.waveforms)
    if waves.dtype.kind not in "fiu" or waves.ndim != 3 or waves.shape[2] != 3:
        raise ValueError(f"waveforms of shape {waves.shape} and dtype {waves.dtype}")
    if not np.isfinite(waves).all():
        raise ValueError("its waveforms hold NaN or infinite samples")
    rate = data.sampling_rate
    if isinstance(rate, bool) or not isinstance(rate, Real) or not 0 < rate < math.inf:
        raise ValueError(f"sampling_rate {rate!r}")
    for f in ("p_index", "s_index", "distance_km", "depth_km", "magnitude", "snr_db"):
        if np.shape(getattr(data, f)) != (n,):
            raise ValueError(f"{f} of shape {np.shape(getattr(data, f))}, expected ({n},)")
    return data


def _owned(path: Path, folder: Path) -> tuple[bool, str | None]:
    """Whether ``waveforms.hdf5`` in ``folder`` is a regular file this module wrote, and the
    SHA-256 of the ``metadata.csv`` it was written with."""
    import h5py

    if not path.is_file() or path.is_symlink():
        return False, None
    try:
        with h5py.File(path, "r") as h5:
            if h5.attrs.get("written_by") != _MARK:
                return False, None
            digest = h5.attrs.get("metadata_sha256")
            return True, digest if isinstance(digest, str) else None
    except (OSError, ValueError, RuntimeError):
        return False, None


@validate_params(
    data=Checked(
        _valid_seismograms,
        "a Seismograms with finite waveforms (n, samples, 3) and a sampling rate > 0",
    ),
    path=Folder(),
    split=any_of(String(200), Sequence(String(200), iterable=True)),
    block_size=Integer(min=1),
    overwrite=Boolean(),
)
def save_seisbench(
    data: Seismograms,
    path: str | Path,
    *,
    split: str | np.ndarray = "test",
    block_size: int = 1000,
    overwrite: bool = False,
) -> Path:
    """Write ``data`` as a SeisBench data set (trace blocks, ``CW``, ``ZNE``) in folder ``path``.

    Files are written atomically. Without ``overwrite=True`` each existing file is replaced
    only when it is this function's own: ``waveforms.hdf5`` carries its mark (an HDF5
    attribute), and ``metadata.csv`` has exactly the content (SHA-256) that this mark records.
    A hand-edited ``metadata.csv`` is never replaced.
    """
    import h5py

    from dlies.course import atomic_path, atomic_write_text

    folder, n = path, len(data)
    meta_path, wave_path = folder / "metadata.csv", folder / "waveforms.hdf5"
    if not isinstance(split, str) and len(split) != n:
        raise ParameterError(f"save_seisbench: split holds {len(split)} names for {n} traces")
    if not overwrite:
        ours, digest = _owned(wave_path, folder)
        foreign = [wave_path] if wave_path.exists() and not ours else []
        if meta_path.exists() and not (
            ours
            and meta_path.is_file()
            and not meta_path.is_symlink()
            and _sha256(meta_path) == digest
        ):
            foreign.append(meta_path)
        if foreign:
            raise FileExistsError(
                f"{', '.join(map(str, foreign))}: not written by save_seisbench (or edited "
                "since); pass overwrite=True or another path"
            )
    splits = np.broadcast_to(np.asarray(split, dtype=object), (n,))
    rows = []
    blocks = range(0, n, block_size)
    for b, start in enumerate(blocks):
        width = min(block_size, n - start)
        for j in range(width):
            rows.append(
                _row(
                    data,
                    start + j,
                    f"bucket{b}${j},:3,:{data.waveforms.shape[1]}",
                    str(splits[start + j]),
                )
            )
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]) if rows else ["trace_name"])
    writer.writeheader()
    for r in rows:
        writer.writerow(
            {k: "" if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()}
        )
    metadata = text.getvalue()
    with atomic_path(wave_path) as tmp:
        with h5py.File(tmp, "w") as h5:
            h5.attrs["written_by"] = _MARK
            h5.attrs["metadata_sha256"] = hashlib.sha256(metadata.encode()).hexdigest()
            fmt = h5.create_group("data_format")
            fmt["dimension_order"], fmt["component_order"] = "CW", COMPONENTS
            fmt["sampling_rate"] = data.sampling_rate
            group = h5.create_group("data")
            for b, start in enumerate(blocks):
                block = data.waveforms[start : start + block_size].transpose(0, 2, 1)
                group.create_dataset(f"bucket{b}", data=block)
    atomic_write_text(meta_path, metadata)
    return folder


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _row(data: Seismograms, i: int, name: str, split: str) -> dict:
    """The metadata row of trace ``i``."""

    def pick(k: int) -> str:
        return "" if k < 0 else str(int(k))

    return {
        "trace_name": name,
        "split": split,
        "trace_sampling_rate_hz": data.sampling_rate,
        "trace_p_arrival_sample": pick(data.p_index[i]),
        "trace_s_arrival_sample": pick(data.s_index[i]),
        "path_ep_distance_km": data.distance_km[i],
        "path_back_azimuth_deg": data.back_azimuth_deg[i],
        "source_depth_km": data.depth_km[i],
        "source_magnitude": data.magnitude[i],
        "trace_snr_db": data.snr_db[i],
    }
