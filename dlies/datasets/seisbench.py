"""Read (and write) data sets in the SeisBench layout with h5py, csv and NumPy (no torch).

The layout (SeisBench documentation, "The SeisBench Data Format"), in which STEAD, INSTANCE,
ETHZ and many other benchmark data sets are distributed:

``metadata.csv``
    One row per trace. ``trace_name`` is required; ``split`` (train/dev/test),
    ``trace_sampling_rate_hz`` or ``trace_dt_s``, picks ``trace_<phase>_arrival_sample`` and
    ``source_*``, ``path_*``, ``station_*`` columns are optional.
``waveforms.hdf5``
    Group ``data`` with one dataset per trace (``data/<trace_name>``), or *trace blocks*:
    a trace name ``bucket4$0,:3,:15001`` means "dataset ``data/bucket4``, NumPy slice
    ``[0, :3, :15001]``". Group ``data_format`` with ``dimension_order`` (e.g. ``CW``:
    channels, then samples), ``component_order`` (e.g. ``ZNE``) and optionally
    ``sampling_rate`` (Hz).
Chunks
    Large sets are split into ``metadata<chunk>.csv`` + ``waveforms<chunk>.hdf5`` pairs,
    listed one per line in a file ``chunks`` (or found from the file names when it is absent).

Phases: every column ``trace_<phase>_arrival_sample`` whose phase starts with P (or p) gives a
P pick, with S (or s) an S pick; when several columns give one, the earliest wins.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np

from dlies._validate import (
    Checked,
    Integer,
    Path_,
    RandomState,
    Real,
    String,
    validate_params,
)
from dlies.datasets._files import check_h5_dataset, reading
from dlies.datasets.seisbench_format import (
    chunks,
    data_format,
    first_of,
    number,
    parse_slice,
    pick_samples,
    read_rows,
)
from dlies.datasets.seisbench_save import save_seisbench
from dlies.datasets.seismograms import COMPONENTS, Seismograms

__all__ = ["load_seisbench", "save_seisbench"]


@validate_params(
    path=Path_(),
    split=(None, String(200)),
    samples=(None, Integer(min=1)),
    p_offset=(None, Checked(lambda v: _offset_range(v), "an integer >= 0 or a pair (low, high)")),
    limit=(None, Integer(min=1)),
    sampling_rate=(None, Real(above=0)),
    random_state=RandomState(),
)
def load_seisbench(
    path: str | Path,
    *,
    split: str | None = None,
    samples: int | None = None,
    p_offset: int | tuple[int, int] | None = None,
    limit: int | None = None,
    sampling_rate: float | None = None,
    random_state: int | np.random.Generator | None = None,
) -> Seismograms:
    """Read a SeisBench data set into :class:`~dlies.datasets.Seismograms` (Z, N, E).

    Parameters
    ----------
    path : str or Path
        The data set's folder (``metadata.csv`` + ``waveforms.hdf5``, or chunks).
    split : str, optional
        Keep the rows whose ``split`` column equals it (``"train"``, ``"dev"``, ``"test"``).
    samples : int, optional
        Window length: traces are cut (or zero-padded) to it. Without it every trace must
        have the same length.
    p_offset : int or (int, int), optional
        Start each window ``p_offset`` samples before the trace's P pick (at 0 without one),
        as PhaseNet's training windows do; needs ``samples``. A pair ``(low, high)`` draws
        each window's offset uniformly from ``low`` to ``high`` inclusive (with
        ``random_state``), so that P is not always at the same sample.
    limit : int, optional
        Read at most this many traces (after ``split``), in file order.
    sampling_rate : float, optional
        Resample every trace to this rate (Hz; polyphase, anti-aliased) and scale its picks;
        ``samples`` and ``p_offset`` then count samples at this rate. Without it all traces
        must share one rate.
    random_state : int or Generator, optional
        Seeds the offsets drawn when ``p_offset`` is a range.

    Returns
    -------
    Seismograms
        Picks in samples of the returned windows (−1 when absent or outside);
        ``distance_km`` from ``path_ep_distance_km`` or ``source_distance_km``,
        ``back_azimuth_deg`` from ``path_back_azimuth_deg`` or ``back_azimuth_deg``,
        ``depth_km``, ``magnitude`` and ``snr_db`` from ``source_depth_km``,
        ``source_magnitude``, ``trace_snr_db`` (NaN when absent); ``trace_name``,
        ``network`` and ``station`` from ``trace_name``, ``station_network_code`` and
        ``station_code`` ("" when absent); ``components``: the components the trace really
        holds (those not identically zero), e.g. ``"Z"`` for a vertical-only record.

    Raises
    ------
    FileNotFoundError
        No data set in the folder, or a chunk with one of its two files missing.
    ValueError
        A missing column or trace, an unknown component or dimension order, mixed sampling
        rates or lengths; the message names the file and the key.
    """
    import h5py

    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: not a folder (a SeisBench data set is a folder)")
    if p_offset is not None and samples is None:
        raise ValueError("load_seisbench: p_offset needs samples (the window length)")
    offsets = _offset_range(p_offset)
    waves, meta, rates = [], defaultdict(list), set()
    for chunk in chunks(folder):
        meta_path, wave_path = folder / f"metadata{chunk}.csv", folder / f"waveforms{chunk}.hdf5"
        for p in (meta_path, wave_path):
            if p.exists() and not p.is_file():
                raise ValueError(f"{p}: not a regular file (a folder, a FIFO or a device)")
            if not p.is_file():
                raise FileNotFoundError(f"{p}: missing (chunk {chunk!r} of {folder})")
        left = None if limit is None else max(0, limit - len(waves))
        rows, pick_columns = read_rows(meta_path, split, left)
        if not rows:
            continue
        try:
            h5 = h5py.File(wave_path, "r")
        except OSError as exc:
            raise OSError(f"{wave_path}: not a readable HDF5 file: {exc}") from exc
        with h5:
            fmt = data_format(h5, wave_path)
            if "data" not in h5:
                raise ValueError(f"{wave_path}: no 'data' group")
            blocks = _BlockCache(h5["data"], wave_path)  # interleaved traces: read once each
            for row in rows:
                name = row["trace_name"]
                block, _, where = name.partition("$")
                with reading(wave_path, f"data/{block}", f"cannot look up trace {name!r}"):
                    found = bool(block) and "\0" not in block and block in h5["data"]
                if not found:
                    raise ValueError(f"{wave_path}: trace {name!r} not found (no data/{block})")
                if where:
                    try:
                        trace = blocks[block][parse_slice(where, name, wave_path)]
                    except IndexError as exc:
                        raise ValueError(f"{wave_path}: trace {name!r}: {exc}") from exc
                else:
                    trace = _read_block(h5["data"], block, wave_path)
                if trace.dtype.kind not in "fiu" or not np.isfinite(trace).all():
                    raise ValueError(
                        f"{wave_path}: trace {name!r} holds {trace.dtype} samples that are not "
                        "all finite real numbers"
                    )
                trace = np.asarray(trace, dtype=np.float32)
                if trace.ndim != 2:
                    raise ValueError(
                        f"{wave_path}: trace {name!r} has shape {trace.shape}, expected 2-D "
                        f"({fmt['dims']})"
                    )
                if fmt["dims"] == "CW":
                    trace = trace.T
                if trace.shape[1] != len(fmt["order"]):
                    raise ValueError(
                        f"{wave_path}: trace {name!r} has {trace.shape[1]} components, "
                        f"component_order is {fmt['order']!r}"
                    )
                trace = trace[:, [fmt["order"].index(c) for c in COMPONENTS]]
                rate = first_of(row, ("trace_sampling_rate_hz",))
                if not math.isfinite(rate):
                    dt = number(row, "trace_dt_s")
                    rate = 1.0 / dt if math.isfinite(dt) and dt > 0 else fmt["rate"]
                if rate is None or not math.isfinite(rate) or rate <= 0:
                    raise ValueError(
                        f"{meta_path}: trace {name!r} has no sampling rate > 0 (data_format/"
                        f"sampling_rate, trace_sampling_rate_hz or trace_dt_s), got {rate!r}"
                    )
                p, s = pick_samples(row, pick_columns)
                if sampling_rate is not None and abs(rate - sampling_rate) > 1e-6 * rate:
                    trace, factor = _resample(trace, rate, sampling_rate), sampling_rate / rate
                    p, s, rate = p * factor, s * factor, sampling_rate
                rates.add(round(float(rate), 6))
                waves.append(trace)
                meta["p"].append(p)
                meta["s"].append(s)
                meta["distance"].append(
                    first_of(row, ("path_ep_distance_km", "source_distance_km"))
                )
                meta["depth"].append(first_of(row, ("source_depth_km",)))
                meta["magnitude"].append(first_of(row, ("source_magnitude",)))
                meta["baz"].append(first_of(row, ("path_back_azimuth_deg", "back_azimuth_deg")))
                meta["snr"].append(first_of(row, ("trace_snr_db", "trace_Z_snr_db")))
                meta["trace_name"].append(name)
                meta["network"].append((row.get("station_network_code") or "").strip())
                meta["station"].append((row.get("station_code") or "").strip())
                meta["components"].append(
                    "".join(
                        c for c, k in zip(COMPONENTS, np.any(trace != 0, axis=0), strict=True) if k
                    )
                )
    if not waves:
        raise ValueError(f"{folder}: no traces" + (f" in split {split!r}" if split else ""))
    if len(rates) > 1:
        raise ValueError(f"{folder}: mixed sampling rates {sorted(rates)} Hz; resample first")
    rng = np.random.default_rng(random_state)
    starts = None if offsets is None else rng.integers(offsets[0], offsets[1] + 1, len(waves))
    return _windows(folder, waves, meta, rates.pop(), samples, starts)


def _offset_range(p_offset) -> tuple[int, int] | None:
    """``p_offset`` as an inclusive (low, high) range of whole, non-negative samples."""
    if p_offset is None:
        return None
    pair = p_offset if isinstance(p_offset, tuple | list) else (p_offset, p_offset)
    ok = len(pair) == 2 and all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) and v >= 0 for v in pair
    )
    if not ok or pair[0] > pair[1]:
        raise ValueError(
            f"load_seisbench: p_offset must be a whole number of samples >= 0 or a pair "
            f"(low, high) with 0 <= low <= high, got {p_offset!r}"
        )
    return int(pair[0]), int(pair[1])


def _read_block(group, block: str, path: Path) -> np.ndarray:
    """``data/<block>``, its declared size checked against the file first; h5py's errors
    (and a MemoryError) re-raised naming the file and the key."""
    import h5py

    key = f"data/{block}"
    with reading(path, key, "cannot read the trace block"):
        dataset = group[block]
        if not isinstance(dataset, h5py.Dataset):
            raise ValueError(f"{path}: key {key!r} is a group, expected a dataset")
        check_h5_dataset(dataset, path, key)
        return dataset[()]


class _BlockCache:
    """Trace blocks read from an HDF5 ``data`` group, kept while they fit in 512 MiB."""

    BUDGET = 512 << 20

    def __init__(self, group, path: Path) -> None:
        self.group, self.blocks, self.path = group, {}, path

    def __getitem__(self, block: str) -> np.ndarray:
        if block not in self.blocks:
            array = _read_block(self.group, block, self.path)
            while self.blocks and sum(b.nbytes for b in self.blocks.values()) + array.nbytes > (
                self.BUDGET
            ):
                self.blocks.pop(next(iter(self.blocks)))  # the oldest first
            self.blocks[block] = array
        return self.blocks[block]


def _resample(trace: np.ndarray, rate: float, target: float) -> np.ndarray:
    """Polyphase resampling of (samples, 3) from ``rate`` to ``target`` Hz."""
    from fractions import Fraction

    from scipy.signal import resample_poly

    ratio = Fraction(target / rate).limit_denominator(1000)
    out = resample_poly(trace, ratio.numerator, ratio.denominator, axis=0)
    return out.astype(np.float32)


def _windows(folder, waves, meta, rate, samples, offsets) -> Seismograms:
    lengths = {len(w) for w in waves}
    if samples is None:
        if len(lengths) > 1:
            raise ValueError(
                f"{folder}: traces of different lengths {sorted(lengths)[:5]}; pass samples="
            )
        samples = lengths.pop()
    p_all, s_all = np.array(meta["p"]), np.array(meta["s"])
    out = np.zeros((len(waves), samples, 3), np.float32)
    p_idx, s_idx = np.full(len(waves), -1), np.full(len(waves), -1)
    for i, w in enumerate(waves):
        start = 0
        if offsets is not None and np.isfinite(p_all[i]):
            start = max(0, int(round(p_all[i])) - int(offsets[i]))
        piece = w[start : start + samples]
        out[i, : len(piece)] = piece
        for picks, idx in ((p_all, p_idx), (s_all, s_idx)):
            if np.isfinite(picks[i]) and 0 <= round(picks[i]) - start < len(piece):
                idx[i] = int(round(picks[i])) - start
    return Seismograms(
        waveforms=out,
        p_index=p_idx,
        s_index=s_idx,
        distance_km=np.array(meta["distance"]),
        depth_km=np.array(meta["depth"]),
        magnitude=np.array(meta["magnitude"]),
        back_azimuth_deg=np.array(meta["baz"]),
        sampling_rate=float(rate),
        snr_db=np.array(meta["snr"]),
        **{k: np.array(meta[k], dtype=str) for k in ("trace_name", "network", "station")},
        components=np.array(meta["components"], dtype=str),
    )
