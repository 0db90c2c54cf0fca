"""The synthetic aftershock generator: schema, the stated law, the cache, never overwriting."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from dlies.datasets import load_aftershocks, make_aftershocks, split_events
from dlies.datasets.synthetic_aftershocks import MARK

KEYS = [f"stresses_full_{c}" for c in ("xx", "yy", "xy", "xz", "yz", "zz")]
TINY = dict(extent_km=10.0, depth_km=10.0, magnitude_range=(6.0, 6.3), verbose=False)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return make_aftershocks(
        3, random_state=11, path=tmp_path_factory.mktemp("syn") / "s.h5", **TINY
    )


def test_schema(tiny):
    with h5py.File(tiny, "r") as f:
        n = f["aftershocksyn"].shape[0]
        for key in ("aftershocksyn", "aftershocksyn_aligned", *KEYS, "x", "y", "z", "event_id"):
            assert f[key].shape == (n,), key
        assert f["stresses_full_xx"].dtype == np.float64
        events = {k: f["events"][k][()] for k in f["events"]}
        z = f["z"][()]
        assert "SYNTHETIC" in f.attrs["description"] and MARK in f.attrs
    assert list(events["event_id"]) == [0, 1, 2]
    assert events["n_cells"].sum() == n
    assert set(np.unique(z)) == {-2500.0, -7500.0}
    assert np.all((events["dip"] >= 15) & (events["dip"] <= 90))
    cells = load_aftershocks(tiny, return_cells=True)
    assert cells.xyz.shape == (n, 3) and set(np.unique(cells.event)) == {0, 1, 2}
    assert 0 < cells.y.mean() < 1
    assert np.all(np.isfinite(cells.X)) and cells.X.max() > 0.01  # MPa-level stresses near faults
    assert not list(tiny.parent.glob(".*tmp"))  # the atomic writer left nothing behind


def test_cache_and_determinism(tiny, tmp_path):
    mtime = tiny.stat().st_mtime_ns
    assert make_aftershocks(3, random_state=11, path=tiny, **TINY) == tiny
    assert tiny.stat().st_mtime_ns == mtime  # reused, not rewritten
    other = make_aftershocks(3, random_state=11, path=tmp_path / "copy.h5", **TINY)
    for a, b in zip(load_aftershocks(tiny), load_aftershocks(other), strict=True):
        np.testing.assert_array_equal(a, b)
    changed = make_aftershocks(3, random_state=11, path=other, **{**TINY, "background": 0.05})
    assert changed == other and other.stat().st_mtime_ns != mtime  # its own file: regenerated
    with h5py.File(other, "r") as f:
        assert '"background": 0.05' in f.attrs[MARK]


def test_labels_follow_the_stated_law(tiny):
    """The stored expected counts reproduce the rate-and-state law from the stresses."""
    from dlies.physics.seismicity import dieterich_ratio

    with h5py.File(tiny, "r") as f:
        expected, y, z = f["expected_count"][()], f["aftershocksyn"][()], f["z"][()]
    assert np.all(expected > 0)
    # no stress change -> the background count, tapered with depth; more stress -> more events
    floor = 0.02 / (1 + np.exp((-z - 15e3) / 2.5e3)) * dieterich_ratio(-1e9, a_sigma=0.01)
    assert np.all(expected >= floor)
    hi = expected > np.quantile(expected, 0.9)
    assert y[hi].mean() > y[~hi].mean()  # label frequency rises with the expected count


def test_split_events_reads_the_events_table(tiny):
    train, val, test = split_events(
        tiny, test_fraction=0.34, validation_fraction=0.3, random_state=0
    )
    assert len(test) == 1 and len(val) == 1 and len(train) == 1
    assert set(train) | set(val) | set(test) == {0, 1, 2}


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_events": 2.5}, TypeError, "n_events"),
        ({"magnitude_range": (7.0, 6.0)}, ValueError, "magnitude_range"),
        ({"magnitude_range": (4.0, 6.0)}, ValueError, "magnitude_range"),
        ({"extent_km": -5.0}, ValueError, "extent_km"),
        ({"extent_km": "100"}, ValueError, "extent_km"),
        ({"cell_km": 20.0, "depth_km": 10.0}, ValueError, "cell_km"),
        ({"friction": 2.0}, ValueError, "friction"),
        ({"friction": "0.4"}, ValueError, "friction"),
        ({"random_state": -1}, ValueError, "random_state"),
        ({"random_state": True}, ValueError, "random_state"),
        ({"random_state": 1.5}, ValueError, "random_state"),
        ({"n_receivers": 0}, ValueError, "n_receivers"),
        ({"overwrite": "yes"}, TypeError, "overwrite"),
        ({"path": 42}, TypeError, "path"),
    ],
)
def test_rejects_bad_arguments(tmp_path, kwargs, error, match):
    args = {"n_events": 1, "random_state": 0, "path": tmp_path / "a.h5", **kwargs}
    with pytest.raises(error, match=match):
        make_aftershocks(args.pop("n_events"), **args)
    assert not list(tmp_path.iterdir())  # nothing written


@pytest.mark.parametrize("kind", ["text", "foreign hdf5", "hdf5 with another mark"])
def test_never_replaces_a_file_it_did_not_write(tmp_path, kind):
    target = tmp_path / "mine.h5"
    if kind == "text":
        target.write_text("my notes\n")
    else:
        with h5py.File(target, "w") as f:
            f["data"] = np.arange(3)
            if kind == "hdf5 with another mark":
                f.attrs[MARK] = "not the generator's JSON"
    before = target.read_bytes()
    with pytest.raises(FileExistsError, match="mine.h5.*overwrite=True.*another path"):
        make_aftershocks(1, random_state=0, path=target, **TINY)
    assert target.read_bytes() == before
    assert make_aftershocks(1, random_state=0, path=target, overwrite=True, **TINY) == target
    assert len(load_aftershocks(target)[1]) > 0


def test_refuses_a_folder(tmp_path):
    folder = tmp_path / "out.h5"
    folder.mkdir()
    with pytest.raises(ValueError, match="path: .*out.h5 is a folder"):
        make_aftershocks(1, random_state=0, path=folder, **TINY)
    with pytest.raises(ValueError, match="is a folder"):
        make_aftershocks(1, random_state=0, path=folder, overwrite=True, **TINY)
    assert folder.is_dir() and not list(folder.iterdir())
