"""Rebuild the real labelled data sets that ship inside the package (never run in CI).

    python tools/build_real_data.py --phasenet PATH/TO/PhaseNet --pdal PATH/TO/PDAL

``PATH/TO/PhaseNet`` is a checkout of github.com/AI4EPS/PhaseNet (its ``dataset/`` folder and
``LICENSE``), ``PATH/TO/PDAL`` one of github.com/PDAL/PDAL (``test/data/las/autzen_trim.las``,
``LICENSE.txt``). Writes

- ``dlies/datasets/real/phasenet_picks/``: the 154 analyst-picked records of PhaseNet's
  ``dataset/waveform_train/`` in the SeisBench layout (``metadata.csv`` + ``waveforms.hdf5``,
  one dataset per record, ``CW``, components ``ZNE``, float32, gzip);
- ``dlies/datasets/real/autzen/autzen_trim.laz``: PDAL's Autzen Stadium test cloud, LAS 1.2
  point format 3, compressed losslessly to LAZ (every point record kept);

and prints the SHA-256 of every source and written file for the data README.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import shutil
from pathlib import Path

import h5py
import laspy
import numpy as np

OUT = Path(__file__).resolve().parents[1] / "dlies" / "datasets" / "real"
NAME = re.compile(
    r"^(?P<net>[A-Z0-9]{1,2})_(?P<sta>[A-Z0-9]{1,5})_(?P<time>\d{16})(?:_[A-Z0-9]+)?\.npz$"
)
COLUMNS = (
    "trace_name", "station_network_code", "station_code", "trace_channel",
    "trace_start_time", "trace_sampling_rate_hz", "trace_P_arrival_sample",
    "trace_S_arrival_sample", "trace_components", "source_file", "source_sha256",
)  # fmt: skip


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _untimed_hdf5(path: Path) -> h5py.File:
    """A new HDF5 file whose objects carry no creation times, so a rebuild gives the same
    bytes (and the same SHA-256)."""
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_obj_track_times(False)
    return h5py.File(h5py.h5f.create(str(path).encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl))


def _untimed_group(parent: h5py.Group, name: str) -> h5py.Group:
    gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
    gcpl.set_obj_track_times(False)
    h5py.h5g.create(parent.id, name.encode(), gcpl=gcpl)
    return parent[name]


def build_picks(phasenet: Path) -> None:
    out = OUT / "phasenet_picks"
    out.mkdir(parents=True, exist_ok=True)
    table = phasenet / "dataset" / "waveform.csv"
    rows = list(csv.DictReader(io.StringIO(table.read_text())))
    print(f"{table.name}  {sha256(table.read_bytes())}")
    meta = []
    with _untimed_hdf5(out / "waveforms.hdf5") as h5:
        fmt = _untimed_group(h5, "data_format")
        for key, value in (("dimension_order", "CW"), ("component_order", "ZNE")):
            fmt.create_dataset(key, data=value, track_times=False)  # no times: same bytes
        fmt.create_dataset("sampling_rate", data=100.0, track_times=False)
        group = _untimed_group(h5, "data")
        for row in rows:
            path = phasenet / "dataset" / "waveform_train" / row["fname"]
            raw = path.read_bytes()
            record = np.load(io.BytesIO(raw), allow_pickle=False)  # our own checkout's files
            name = NAME.match(row["fname"])
            channels = str(record["channels"]).split("_")
            assert name, row["fname"]
            assert int(record["itp"]) == int(row["itp"]) and int(record["its"]) == int(row["its"])
            data = np.asarray(record["data"], dtype=np.float64)  # (9001, 3) in order E, N, Z
            assert data.shape == (9001, 3), (row["fname"], data.shape)
            real = "".join(c[-1] for c in channels)  # "ENZ" or "Z": components recorded
            zne = data[:, [2, 1, 0]].T.astype(np.float32)
            trace = row["fname"].removesuffix(".npz")
            group.create_dataset(
                trace, data=zne, compression="gzip", compression_opts=9, shuffle=True,
                track_times=False,
            )  # fmt: skip
            t = name["time"]
            meta.append({
                "trace_name": trace,
                "station_network_code": name["net"],
                "station_code": name["sta"],
                "trace_channel": channels[0][:2],
                "trace_start_time": f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}."
                                    f"{t[14:16]}",
                "trace_sampling_rate_hz": 100.0,
                "trace_P_arrival_sample": int(row["itp"]),
                "trace_S_arrival_sample": int(row["its"]),
                "trace_components": "".join(c for c in "ZNE" if c in real),
                "source_file": f"dataset/waveform_train/{row['fname']}",
                "source_sha256": sha256(raw),
            })  # fmt: skip
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(meta)
    (out / "metadata.csv").write_text(text.getvalue())
    shutil.copyfile(phasenet / "LICENSE", out / "LICENSE-PhaseNet")
    print(f"{len(meta)} records written to {out}")


def build_autzen(pdal: Path) -> None:
    out = OUT / "autzen"
    out.mkdir(parents=True, exist_ok=True)
    source = pdal / "test" / "data" / "las" / "autzen_trim.las"
    print(f"{source.name}  {sha256(source.read_bytes())}")
    las = laspy.read(source)
    las.write(out / "autzen_trim.laz")
    again = laspy.read(out / "autzen_trim.laz")
    assert np.array_equal(np.asarray(again.points.array), np.asarray(las.points.array))
    shutil.copyfile(pdal / "LICENSE.txt", out / "LICENSE-PDAL")
    print(f"{len(las.points)} points written to {out / 'autzen_trim.laz'} (lossless)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phasenet", type=Path, required=True)
    parser.add_argument("--pdal", type=Path, required=True)
    args = parser.parse_args()
    build_picks(args.phasenet)
    build_autzen(args.pdal)
    for path in sorted(OUT.rglob("*")):
        if path.is_file() and path.suffix != ".md":
            print(f"{path.relative_to(OUT)}  {sha256(path.read_bytes())}")


if __name__ == "__main__":
    main()
