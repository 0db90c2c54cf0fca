"""Loaders on arbitrary bytes and arbitrary headers, property-based (dlies.datasets._files).

Whatever a file holds, a loader returns or raises a ``ValueError`` naming the file; it never
hangs (each call runs under a deadline), never ends in a library's own exception or a
``MemoryError``, and never changes a file (nor creates one) in the folder it reads from.
"""

from __future__ import annotations

import io
import struct
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from _guards import deadline, finishes, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlies.datasets import load_aftershocks, load_las, load_mnist, load_sensor_csv
from dlies.datasets.seisbench import load_seisbench

FAST = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def _outcome(loader, path: Path, folder: Path, **kwargs) -> None:
    """Call ``loader(path)``: it returns, or raises a ValueError naming ``path``; it leaves
    ``folder`` as it was."""
    before = snapshot(folder)
    try:
        with deadline(10):
            loader(path, **kwargs)
    except ValueError as exc:
        assert str(path) in str(exc), exc
    assert snapshot(folder) == before


def _in_folder(name: str, data: bytes):
    folder = Path(tempfile.mkdtemp(prefix="dlies-fuzz-"))
    (folder / name).write_bytes(data)
    return folder, folder / name


# --------------------------------------------------------------------------- text
CSV_LINE = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "time",
                "turbidity",
                "ssc",
                "2024-01-01T00:00",
                "2024-01-01T00:15+02:00",
                "1.5",
                "-2",
                "nan",
                "inf",
                "1,5",
                "",
                "#",
                '"',
                "\ufeff",
            ]
        ),
        st.text(max_size=8),
    ),
    min_size=1,
    max_size=5,
).map(lambda cells: ",".join(cells))


@FAST
@given(lines=st.lists(CSV_LINE, max_size=8), noise=st.binary(max_size=40))
def test_sensor_csv_from_arbitrary_text_and_bytes(lines, noise):
    text = "time,turbidity,ssc\n" + "\n".join(lines) + "\n"
    folder, path = _in_folder("sensor.csv", text.encode() + noise)
    _outcome(load_sensor_csv, path, folder)


# --------------------------------------------------------------------------- npz headers
def _npy(shape: tuple, dtype: str, body: bytes) -> bytes:
    header = repr({"descr": dtype, "fortran_order": False, "shape": shape}).encode()
    header += b" " * ((64 - (10 + len(header) + 1) % 64) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + body


@FAST
@given(
    shape=st.tuples(st.integers(0, 10**12), st.integers(0, 40), st.integers(0, 40))
    | st.tuples(st.integers(-3, 10**6)),
    dtype=st.sampled_from(["|u1", "<f4", "<f8", ">i8", "|O", "<c8", "|b1", "<U3", "x"]),
    body=st.binary(max_size=200),
)
def test_mnist_npz_with_arbitrary_headers(shape, dtype, body):
    images = np.zeros((2, 28, 28), np.uint8)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("x_train.npy", _npy(shape, dtype, body))
        for key, array in (
            ("y_train", np.zeros(2, np.int64)),
            ("x_test", images),
            ("y_test", np.zeros(2, np.int64)),
        ):
            out = io.BytesIO()
            np.save(out, array)
            zf.writestr(f"{key}.npy", out.getvalue())
    folder, path = _in_folder("mnist.npz", buffer.getvalue())
    _outcome(lambda p: load_mnist(path=p, verbose=False), path, folder)


# --------------------------------------------------------------------------- LAS headers
def _las_bytes() -> bytes:
    import laspy

    header = laspy.LasHeader(point_format=3, version="1.2")
    header.scales, header.offsets = np.full(3, 0.01), np.zeros(3)
    las = laspy.LasData(header)
    las.x = las.y = las.z = np.arange(20.0)
    out = io.BytesIO()
    las.write(out)
    return out.getvalue()


LAS = _las_bytes()


@FAST
@given(
    patches=st.lists(
        st.tuples(st.integers(0, 226), st.binary(min_size=1, max_size=8)), min_size=1, max_size=4
    ),
)
def test_las_with_arbitrary_header_bytes(patches):
    data = bytearray(LAS)
    for offset, chunk in patches:
        data[offset : offset + len(chunk)] = chunk
    folder, path = _in_folder("cloud.las", bytes(data[: len(LAS)]))
    _outcome(load_las, path, folder)


# --------------------------------------------------------------------------- HDF5
def _h5_bytes() -> bytes:
    import h5py

    from dlies.datasets.devries import LABEL_KEY, STRESS_KEYS

    out = io.BytesIO()
    with h5py.File(out, "w") as f:
        f[LABEL_KEY] = np.zeros(16)
        for key in STRESS_KEYS:
            f[key] = np.ones(16)
    return out.getvalue()


H5 = _h5_bytes()


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    patches=st.lists(
        st.tuples(st.integers(0, len(H5) - 8), st.binary(min_size=1, max_size=8)),
        min_size=1,
        max_size=3,
    )
)
def test_aftershock_hdf5_with_arbitrary_bytes(patches):
    data = bytearray(H5)
    for offset, chunk in patches:
        data[offset : offset + len(chunk)] = chunk
    folder, path = _in_folder("Training.h5", bytes(data))
    before = snapshot(folder)
    # in a child: a library reading a damaged file must not take the test run down with it
    outcome, kinds, message = finishes(load_aftershocks, path, seconds=20)
    assert outcome == "returned" or ("ValueError" in kinds and str(path) in message), message
    assert snapshot(folder) == before


# --------------------------------------------------------------------------- SeisBench
@FAST
@given(metadata=st.binary(max_size=120) | CSV_LINE.map(lambda s: ("trace_name\n" + s).encode()))
def test_seisbench_with_arbitrary_metadata(metadata):
    import h5py

    folder = Path(tempfile.mkdtemp(prefix="dlies-fuzz-"))
    with h5py.File(folder / "waveforms.hdf5", "w") as h5:
        fmt = h5.create_group("data_format")
        fmt["component_order"], fmt["sampling_rate"] = "ZNE", 100.0
        h5.create_group("data")["a"] = np.ones((3, 20), np.float32)
    (folder / "metadata.csv").write_bytes(metadata)
    before = snapshot(folder)
    try:
        with deadline(10):
            load_seisbench(folder)
    except (ValueError, FileNotFoundError) as exc:
        assert str(folder) in str(exc), exc
    assert snapshot(folder) == before
