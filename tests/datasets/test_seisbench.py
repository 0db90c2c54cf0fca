"""The SeisBench reader on small data sets in that layout, written here with h5py and csv."""

import csv

import h5py
import numpy as np
import pytest

from dlies.datasets.seisbench import load_seisbench, save_seisbench
from dlies.datasets.seismograms import make_seismograms


def write_metadata(path, rows):
    columns = sorted({k for r in rows for k in r}, key=lambda k: (k != "trace_name", k))
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def write_waveforms(path, traces, *, component_order="ZNE", dimension_order="CW", rate=100.0):
    with h5py.File(path, "w") as h5:
        fmt = h5.create_group("data_format")
        if component_order is not None:
            fmt["component_order"] = component_order
        fmt["dimension_order"] = dimension_order
        if rate is not None:
            fmt["sampling_rate"] = rate
        data = h5.create_group("data")
        for name, array in traces.items():
            data.create_dataset(name, data=array)


def trace(samples, comps=(1.0, 2.0, 3.0)):
    """(3, samples): component k holds the constant comps[k] plus a ramp, to check order."""
    ramp = np.arange(samples, dtype=np.float32) / samples
    return np.stack([c + ramp for c in comps]).astype(np.float32)


@pytest.fixture
def simple(tmp_path):
    # component order ENZ: stored rows are E, N, Z with constants 1, 2, 3
    write_waveforms(
        tmp_path / "waveforms.hdf5", {"ev1": trace(500), "ev2": trace(500)}, component_order="ENZ"
    )
    write_metadata(
        tmp_path / "metadata.csv",
        [
            {
                "trace_name": "ev1",
                "split": "train",
                "trace_P1_arrival_sample": "120",
                "trace_Pg_arrival_sample": "100.0",
                "trace_s_arrival_sample": "300",
                "trace_Sg_arrival_sample": "",
                "path_ep_distance_km": "42.5",
                "source_depth_km": "8",
                "source_magnitude": "2.1",
                "trace_snr_db": "[10.0 20.0 30.0]",
            },
            {"trace_name": "ev2", "split": "test", "trace_P1_arrival_sample": ""},
        ],
    )
    return tmp_path


def test_reads_traces_reorders_components_and_maps_picks(simple):
    data = load_seisbench(simple)
    assert data.waveforms.shape == (2, 500, 3)
    assert data.sampling_rate == 100.0
    # Z, N, E = stored rows 2, 1, 0 -> constants 3, 2, 1
    np.testing.assert_allclose(data.waveforms[0, 0], [3.0, 2.0, 1.0])
    assert data.p_index.tolist() == [100, -1]  # earliest of P1 (120) and Pg (100)
    assert data.s_index.tolist() == [300, -1]
    assert data.distance_km[0] == 42.5 and data.depth_km[0] == 8 and data.magnitude[0] == 2.1
    assert data.snr_db[0] == pytest.approx(20.0)  # mean of the three components
    assert np.isnan(data.distance_km[1]) and np.isnan(data.back_azimuth_deg[0])


def test_split_and_limit(simple):
    test = load_seisbench(simple, split="test")
    assert len(test) == 1 and test.p_index[0] == -1
    assert len(load_seisbench(simple, limit=1)) == 1
    with pytest.raises(ValueError, match="no traces in split 'dev'"):
        load_seisbench(simple, split="dev")


def test_trace_blocks_with_padding_and_wc_order(tmp_path):
    block = np.zeros((2, 700, 3), np.float32)  # W C per trace: samples, then components
    block[0, :600] = trace(600).T
    block[1, :700] = trace(700, comps=(7.0, 8.0, 9.0)).T
    write_waveforms(tmp_path / "waveforms.hdf5", {"bucket4": block}, dimension_order="WC")
    write_metadata(
        tmp_path / "metadata.csv",
        [
            {"trace_name": "bucket4$0,:600,:3", "trace_p_arrival_sample": "50"},
            {"trace_name": "bucket4$1,:700", "trace_p_arrival_sample": "650"},
        ],
    )
    with pytest.raises(ValueError, match="different lengths"):
        load_seisbench(tmp_path)
    data = load_seisbench(tmp_path, samples=650)
    assert data.waveforms.shape == (2, 650, 3)
    np.testing.assert_allclose(data.waveforms[1, 0], [7.0, 8.0, 9.0])
    assert np.all(data.waveforms[0, 600:] == 0)  # zero-padded to 650
    assert data.p_index.tolist() == [50, -1]  # 650 is past the window's end
    windowed = load_seisbench(tmp_path, samples=100, p_offset=20)
    assert windowed.p_index.tolist() == [20, 20]
    np.testing.assert_allclose(windowed.waveforms[1, 20, 0], 7.0 + 650 / 700, rtol=1e-6)


def test_mixed_rates_need_resampling_which_scales_the_picks(tmp_path):
    write_waveforms(tmp_path / "waveforms.hdf5", {"a": trace(400), "b": trace(200)}, rate=None)
    write_metadata(
        tmp_path / "metadata.csv",
        [
            {"trace_name": "a", "trace_sampling_rate_hz": "200", "trace_p_arrival_sample": "100"},
            {"trace_name": "b", "trace_dt_s": "0.01", "trace_p_arrival_sample": "50"},
        ],
    )
    with pytest.raises(ValueError, match="mixed sampling rates"):
        load_seisbench(tmp_path, samples=200)
    data = load_seisbench(tmp_path, sampling_rate=100.0)
    assert data.sampling_rate == 100.0 and data.waveforms.shape == (2, 200, 3)
    assert data.p_index.tolist() == [50, 50]
    np.testing.assert_allclose(data.waveforms[0, 100, 0], 1.0 + 200 / 400, atol=0.02)


def test_chunked_data_set_with_and_without_chunks_file(tmp_path):
    for chunk, n in (("_2019", 2), ("_2020", 3)):
        names = {f"tr{chunk}{i}": trace(200) for i in range(n)}
        write_waveforms(tmp_path / f"waveforms{chunk}.hdf5", names)
        write_metadata(tmp_path / f"metadata{chunk}.csv", [{"trace_name": k} for k in names])
    assert len(load_seisbench(tmp_path)) == 5  # chunks found from the file names
    (tmp_path / "chunks").write_text("_2020\n\n")
    assert len(load_seisbench(tmp_path)) == 3  # only the listed chunk
    (tmp_path / "chunks").write_text("_2020\n_2021\n")
    with pytest.raises(FileNotFoundError, match="_2021"):
        load_seisbench(tmp_path)


def test_clear_errors_for_bad_data_sets(tmp_path, simple):
    with pytest.raises(FileNotFoundError, match="not a folder"):
        load_seisbench(tmp_path / "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="no SeisBench data set"):
        load_seisbench(empty)

    def variant(name, rows=None, traces=None, **fmt):
        folder = tmp_path / name
        folder.mkdir()
        write_waveforms(folder / "waveforms.hdf5", traces or {"a": trace(100)}, **fmt)
        write_metadata(folder / "metadata.csv", rows or [{"trace_name": "a"}])
        return folder

    with pytest.raises(ValueError, match=r"metadata\.csv.*'trace_name'"):
        load_seisbench(variant("nocol", rows=[{"name": "a"}]))
    with pytest.raises(ValueError, match="no 'split' column"):
        load_seisbench(variant("nosplit"), split="train")
    with pytest.raises(ValueError, match=r"waveforms\.hdf5.*'missing' not found"):
        load_seisbench(variant("notrace", rows=[{"trace_name": "missing"}]))
    with pytest.raises(ValueError, match="component_order 'Z12' is unknown"):
        load_seisbench(variant("z12", component_order="Z12"))
    with pytest.raises(ValueError, match="no 'component_order'"):
        load_seisbench(variant("noorder", component_order=None))
    with pytest.raises(ValueError, match="no sampling rate"):
        load_seisbench(variant("norate", rate=None))
    with pytest.raises(ValueError, match="invalid block slice"):
        load_seisbench(variant("badslice", rows=[{"trace_name": "a$x,:3"}]))
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "waveforms.hdf5").write_bytes(b"not hdf5 at all")
    write_metadata(garbage / "metadata.csv", [{"trace_name": "a"}])
    with pytest.raises(OSError, match="not a readable HDF5"):
        load_seisbench(garbage)
    with pytest.raises(ValueError, match="p_offset needs samples"):
        load_seisbench(simple, p_offset=10)


def test_save_then_load_round_trip_and_refuse_foreign_files(tmp_path):
    data = make_seismograms(7, noise_fraction=0.3, random_state=0)
    out = save_seisbench(data, tmp_path / "set", split=["train"] * 5 + ["test"] * 2, block_size=3)
    back = load_seisbench(out)
    np.testing.assert_array_equal(back.waveforms, data.waveforms)
    np.testing.assert_array_equal(back.p_index, data.p_index)
    np.testing.assert_array_equal(back.s_index, data.s_index)
    np.testing.assert_allclose(back.distance_km, data.distance_km, equal_nan=True)
    np.testing.assert_allclose(back.snr_db, data.snr_db, equal_nan=True)
    assert len(load_seisbench(out, split="test")) == 2
    save_seisbench(data, out)  # ours: replaced without asking
    foreign = tmp_path / "foreign"
    write_waveforms(foreign.mkdir() or foreign / "waveforms.hdf5", {"a": trace(10)})
    with pytest.raises(FileExistsError, match="overwrite=True"):
        save_seisbench(data, foreign)
    save_seisbench(data, foreign, overwrite=True)
    assert len(load_seisbench(foreign)) == 7


@pytest.fixture(scope="module")
def small():
    return make_seismograms(3, noise_fraction=0.0, random_state=1)


@pytest.mark.parametrize("flag", ["no", 1, None])
def test_overwrite_must_be_a_bool(tmp_path, small, flag):
    write_waveforms(tmp_path / "waveforms.hdf5", {"a": trace(10)})
    before = (tmp_path / "waveforms.hdf5").read_bytes()
    with pytest.raises((TypeError, ValueError), match="overwrite must be True or False"):
        save_seisbench(small, tmp_path, overwrite=flag)
    assert (tmp_path / "waveforms.hdf5").read_bytes() == before


def test_an_edited_metadata_file_is_never_replaced(tmp_path, small):
    save_seisbench(small, tmp_path)
    meta = tmp_path / "metadata.csv"
    meta.write_text(meta.read_text() + "my,own,row\n")  # edited by hand beside our waveforms
    with pytest.raises(FileExistsError, match=r"metadata\.csv"):
        save_seisbench(small, tmp_path)
    assert meta.read_text().endswith("my,own,row\n")
    (tmp_path / "waveforms.hdf5").unlink()
    with pytest.raises(FileExistsError, match=r"metadata\.csv"):
        save_seisbench(small, tmp_path)  # no mark vouches for it any more


@pytest.mark.parametrize(
    "change, match",
    [
        ({"sampling_rate": 0.0}, "data must be"),
        ({"sampling_rate": float("nan")}, "data must be"),
        ({"waveforms": np.full((3, 50, 3), np.nan, np.float32)}, "NaN or infinite"),
        ({"waveforms": np.ones((3, 50, 3), np.complex64)}, "dtype complex64"),
    ],
)
def test_refuses_data_it_cannot_write_faithfully(tmp_path, small, change, match):
    from dataclasses import replace

    with pytest.raises(ValueError, match=match):
        save_seisbench(replace(small, **change), tmp_path / "set")
    assert not (tmp_path / "set").exists()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"block_size": -1}, "block_size"),
        ({"block_size": 0}, "block_size"),
        ({"split": ["train"]}, "split holds 1 names for 3 traces"),
    ],
)
def test_save_refuses_bad_arguments(tmp_path, small, kwargs, match):
    with pytest.raises(ValueError, match=match):
        save_seisbench(small, tmp_path / "set", **kwargs)
    assert not (tmp_path / "set").exists()


def test_phases_by_column_name_not_first_letter(tmp_path):
    write_waveforms(tmp_path / "waveforms.hdf5", {"ev": trace(500)})
    write_metadata(
        tmp_path / "metadata.csv",
        [{"trace_name": "ev", "trace_P_arrival_sample": "100", "trace_sP_arrival_sample": "150",
          "trace_Sn_arrival_sample": "300", "trace_pP_arrival_sample": "90"}],
    )  # fmt: skip
    data = load_seisbench(tmp_path)
    assert (data.p_index[0], data.s_index[0]) == (100, 300), "sP and pP are depth phases"


def test_trace_names_stations_and_real_components(tmp_path):
    vertical_only = trace(500)
    vertical_only[1:] = 0  # rows Z, N, E: N and E zero
    write_waveforms(tmp_path / "waveforms.hdf5", {"a": trace(500), "b": vertical_only})
    write_metadata(
        tmp_path / "metadata.csv",
        [{"trace_name": "a", "station_network_code": "NC", "station_code": "MEM"},
         {"trace_name": "b", "station_network_code": "", "station_code": " KW1 "}],
    )  # fmt: skip
    data = load_seisbench(tmp_path)
    assert list(data.trace_name) == ["a", "b"] and list(data.network) == ["NC", ""]
    assert list(data.station) == ["MEM", "KW1"] and list(data.components) == ["ZNE", "Z"]
    part = data.subset(np.array([False, True]))
    assert list(part.station) == ["KW1"] and part.components.shape == (1,)
    both = type(data).concatenate([data, part])
    assert list(both.trace_name) == ["a", "b", "b"]
    generated = make_seismograms(2, duration=5.0, noise="kw1_synthetic", random_state=0)
    assert generated.station is None
    assert type(data).concatenate([data, generated]).station is None


def test_random_p_offsets_are_seeded_and_within_the_range(tmp_path):
    traces = {f"ev{i}": trace(1000) for i in range(40)}
    write_waveforms(tmp_path / "waveforms.hdf5", traces)
    write_metadata(
        tmp_path / "metadata.csv",
        [{"trace_name": k, "trace_P_arrival_sample": "600"} for k in traces],
    )
    first = load_seisbench(tmp_path, samples=300, p_offset=(50, 250), random_state=1)
    again = load_seisbench(tmp_path, samples=300, p_offset=(50, 250), random_state=1)
    assert np.array_equal(first.p_index, again.p_index)
    assert first.p_index.min() >= 50 and first.p_index.max() <= 250
    assert len(np.unique(first.p_index)) > 10, "P is not always at the same sample"
    fixed = load_seisbench(tmp_path, samples=300, p_offset=100)
    assert np.all(fixed.p_index == 100)
    for bad in ((250, 50), (-1, 5), (1.5, 3), True, (1, 2, 3)):
        with pytest.raises(ValueError, match="p_offset must be"):
            load_seisbench(tmp_path, samples=300, p_offset=bad)


def test_limit_and_split_filter_while_reading(tmp_path):
    write_waveforms(tmp_path / "waveforms.hdf5", {"a": trace(100), "b": trace(100)})
    lines = ["trace_name,split", "a,test", "b,train"] + ['\x00broken,"unclosed'] * 3
    (tmp_path / "metadata.csv").write_text("\n".join(lines) + "\n")
    assert len(load_seisbench(tmp_path, limit=1)) == 1, "rows past the limit are never read"
    (tmp_path / "metadata.csv").write_bytes(b"\xef\xbb\xbftrace_name,split\na,test\nb,train\n")
    assert list(load_seisbench(tmp_path, split="train").trace_name) == ["b"], "Excel's BOM"


def test_interleaved_block_traces_read_each_block_once(tmp_path, monkeypatch):
    blocks = {"bucket0": np.stack([trace(200)] * 3), "bucket1": np.stack([trace(200)] * 3)}
    write_waveforms(tmp_path / "waveforms.hdf5", blocks)
    names = [f"bucket{b}${i},:3,:200" for i in range(3) for b in (0, 1)]  # interleaved
    write_metadata(tmp_path / "metadata.csv", [{"trace_name": n} for n in names])
    reads = []
    original = h5py.Dataset.__getitem__

    def counting(self, key):
        reads.append(self.name)
        return original(self, key)

    monkeypatch.setattr(h5py.Dataset, "__getitem__", counting)
    data = load_seisbench(tmp_path)
    assert len(data) == 6
    assert sorted(r for r in reads if r.startswith("/data/")) == ["/data/bucket0", "/data/bucket1"]


def _one_trace_set(folder, traces, rows, **fmt):
    folder.mkdir()
    write_waveforms(folder / "waveforms.hdf5", traces, **fmt)
    write_metadata(folder / "metadata.csv", rows)
    return folder


@pytest.mark.parametrize(
    "traces, rows, match",
    [
        ({"a": np.full((3, 50), np.nan, np.float32)}, [{"trace_name": "a"}], "not all finite"),
        ({"a": np.ones((3, 50), np.complex64)}, [{"trace_name": "a"}], "complex64"),
        (
            {"b": np.ones((2, 3, 50), np.float32)},
            [{"trace_name": "b$-1,:3,:50"}],
            "negative index",
        ),
        (
            {"a": np.ones((3, 50), np.float32)},
            [{"trace_name": "a", "trace_sampling_rate_hz": "-100"}],
            "no sampling rate > 0",
        ),
    ],
)
def test_samples_and_metadata_that_cannot_be_right_are_refused(tmp_path, traces, rows, match):
    folder = _one_trace_set(tmp_path / "set", traces, rows, rate=None)
    with pytest.raises(ValueError, match=match) as info:
        load_seisbench(folder)
    assert str(folder) in str(info.value)


def test_a_block_declaring_billions_of_samples_is_refused_before_allocating(tmp_path):
    folder = tmp_path / "huge"
    folder.mkdir()
    with h5py.File(folder / "waveforms.hdf5", "w") as h5:
        fmt = h5.create_group("data_format")
        fmt["component_order"], fmt["dimension_order"], fmt["sampling_rate"] = "ZNE", "CW", 100.0
        h5.create_group("data").create_dataset(
            "bucket0", shape=(1000, 3, 1_000_000), dtype="f4", chunks=(1, 3, 1000)
        )
    write_metadata(folder / "metadata.csv", [{"trace_name": "bucket0$0,:3,:1000000"}])
    with pytest.raises(ValueError, match=r"waveforms\.hdf5: key 'data/bucket0' declares shape"):
        load_seisbench(folder)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"limit": True}, "limit must be None or an integer >= 1"),
        ({"limit": 0}, "limit must be an integer >= 1"),
        ({"samples": -5}, "samples must be an integer >= 1"),
        ({"sampling_rate": float("nan")}, "sampling_rate must be a finite number > 0"),
        ({"samples": 10, "p_offset": -1}, "p_offset must be"),
        ({"random_state": "abc"}, "random_state must be"),
    ],
)
def test_load_names_bad_arguments(simple, kwargs, match):
    with pytest.raises((TypeError, ValueError), match=f"load_seisbench: {match}"):
        load_seisbench(simple, **kwargs)
