"""Aftershock loaders (real DeVries format), the tf.data stream, the synthetic generator, models.

Every file read here is written by the test itself in the format of the real data:
``Training.h5`` (1-D float64 datasets ``aftershocksyn`` and ``stresses_full_*`` in Pa) and
``AllCSV/<ID>_grid.csv`` (columns ``x, y, z, aftershocksyn, stresses_full_*, ...``).
"""

from __future__ import annotations

import hashlib

import h5py
import numpy as np
import pytest

from dlies.datasets import aftershocks as A

KEYS = A.STRESS_KEYS
CSV_COLUMNS = [
    "x",
    "y",
    "z",
    "aftershocksyn",
    *KEYS,
    "stresses_full_cfs_1",
    "stresses_full_cfs_2",
    "stresses_full_cfs_3",
    "stresses_full_cfs_4",
    "stresses_full_max_shear",
    "von_mises",
]


def fake_rows(n, *, pos_frac=0.2, seed=0):
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < pos_frac).astype(np.float64)
    labels[:2] = [0.0, 1.0]
    stress = rng.normal(scale=1e5, size=(n, 6)) * np.exp(rng.normal(size=(n, 1)))
    return labels, stress


def write_h5(path, n=1000, *, pos_frac=0.2, seed=0, extra=True, events=None):
    labels, stress = fake_rows(n, pos_frac=pos_frac, seed=seed)
    with h5py.File(path, "w") as f:
        f.create_dataset("aftershocksyn", data=labels)
        for k, key in enumerate(KEYS):
            f.create_dataset(key, data=stress[:, k])
        if extra:  # keys the loader must ignore
            f.create_dataset("stresses_full_cfs_1", data=stress[:, 0] * 0.3)
            f.create_dataset("notes", data=np.arange(3))
        if events is not None:
            f.create_dataset("event_id", data=events.astype(np.int32))
    return labels, stress


def write_csv(path, n=50, *, seed=1, columns=CSV_COLUMNS, rows=None):
    labels, stress = fake_rows(n, seed=seed)
    rng = np.random.default_rng(seed)
    table = {"x": rng.uniform(-1e5, 1e5, n), "y": rng.uniform(-1e5, 1e5, n)}
    table["z"] = -rng.choice([2500.0, 7500.0], n)
    table["aftershocksyn"] = labels
    for k, key in enumerate(KEYS):
        table[key] = stress[:, k]
    for extra in CSV_COLUMNS[10:]:
        table[extra] = rng.normal(size=n)
    lines = [",".join(columns)]
    body = (
        rows
        if rows is not None
        else [",".join(repr(float(table[c][i])) for c in columns) for i in range(n)]
    )
    path.write_text("\n".join(lines + body) + "\n")
    return labels, stress, np.column_stack([table["x"], table["y"], table["z"]])


def expected_features(stress):
    mag = np.abs(stress) / 1e6
    return np.concatenate([mag, -mag], axis=1).astype(np.float32)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------- loader: good files


def test_load_hdf5_real_format(tmp_path):
    path = tmp_path / "Training.h5"
    labels, stress = write_h5(path)
    before = digest(path)
    X, y = A.load_aftershocks(path)
    assert X.dtype == np.float32 and X.shape == (1000, 12)
    assert y.dtype == np.float32 and set(np.unique(y)) == {0.0, 1.0}
    np.testing.assert_allclose(X, expected_features(stress), rtol=1e-6)
    np.testing.assert_array_equal(y, labels)
    # the order of the paper: |xx|, |yy|, |xy|, |xz|, |yz|, |zz|, then negatives
    assert A.FEATURE_NAMES[:6] == ("|xx|", "|yy|", "|xy|", "|xz|", "|yz|", "|zz|")
    assert X[0, 2] == pytest.approx(abs(stress[0, KEYS.index("stresses_full_xy")]) / 1e6)
    assert digest(path) == before  # never modified


def test_load_hdf5_cells_and_max_rows(tmp_path):
    path = tmp_path / "Testing.h5"
    labels, stress = write_h5(path, n=300)
    cells = A.load_aftershocks(path, return_cells=True, max_rows=120)
    assert len(cells) == 120 and cells.xyz is None and cells.event is None
    s = cells.stress
    np.testing.assert_allclose(s, np.swapaxes(s, 1, 2))
    np.testing.assert_allclose(s[:, 0, 1], stress[:120, KEYS.index("stresses_full_xy")])
    np.testing.assert_allclose(s[:, 2, 2], stress[:120, KEYS.index("stresses_full_zz")])
    np.testing.assert_allclose(s[:, 1, 2], stress[:120, KEYS.index("stresses_full_yz")])


def test_load_csv_real_format(tmp_path):
    path = tmp_path / "1999CHICHI01MAxx_grid.csv"
    labels, stress, xyz = write_csv(path)
    before = digest(path)
    cells = A.load_aftershocks(path, return_cells=True)
    np.testing.assert_allclose(cells.X, expected_features(stress), rtol=1e-6)
    np.testing.assert_array_equal(cells.y, labels)
    np.testing.assert_allclose(cells.xyz, xyz)
    X, y = A.load_aftershocks(path, max_rows=10)
    assert X.shape == (10, 12)
    assert digest(path) == before


def test_csv_column_order_does_not_matter(tmp_path):
    path = tmp_path / "shuffled_grid.csv"
    cols = CSV_COLUMNS[::-1]
    labels, stress, _ = write_csv(path, columns=cols)
    X, y = A.load_aftershocks(path)
    np.testing.assert_allclose(X, expected_features(stress), rtol=1e-6)
    np.testing.assert_array_equal(y, labels)


# ----------------------------------------------------------------------------- loader: bad files


def _rewrite(path, **changes):
    with h5py.File(path, "a") as f:
        for key, value in changes.items():
            if key in f:
                del f[key]
            if value is not None:
                f.create_dataset(key, data=value)


@pytest.mark.parametrize(
    "change, match",
    [
        ({"stresses_full_yz": None}, "'stresses_full_yz' is missing"),
        ({"aftershocksyn": None}, "'aftershocksyn' is missing"),
        ({"stresses_full_xx": np.zeros(999)}, "'stresses_full_xx' has 999 rows"),
        (
            {"stresses_full_xy": np.r_[np.zeros(500), np.nan, np.zeros(499)]},
            "'stresses_full_xy'.*NaN or infinite.*row 500",
        ),
        ({"stresses_full_zz": np.r_[np.inf, np.zeros(999)]}, "'stresses_full_zz'.*NaN or infinite"),
        ({"aftershocksyn": np.r_[2.0, np.zeros(999)]}, "'aftershocksyn' must hold only 0 and 1"),
        (
            {"aftershocksyn": np.r_[np.zeros(10), 0.5, np.zeros(989)]},
            "'aftershocksyn'.*0.5 at row 10",
        ),
        ({"aftershocksyn": np.r_[np.nan, np.zeros(999)]}, "'aftershocksyn' must hold only 0 and 1"),
        ({"stresses_full_xz": np.zeros((1000, 2))}, "'stresses_full_xz' must be one-dimensional"),
    ],
)
def test_bad_hdf5_names_file_and_key(tmp_path, change, match):
    path = tmp_path / "Training.h5"
    write_h5(path)
    _rewrite(path, **change)
    before = digest(path)
    with pytest.raises(ValueError, match=match) as info:
        A.load_aftershocks(path)
    assert "Training.h5" in str(info.value)
    with pytest.raises(ValueError, match=match):
        A.aftershock_dataset(path, batch_size=20)  # the stream validates up front too
    assert digest(path) == before


def test_empty_files(tmp_path):
    no_datasets = tmp_path / "empty.h5"
    with h5py.File(no_datasets, "w"):
        pass
    with pytest.raises(ValueError, match="empty.h5.*empty"):
        A.load_aftershocks(no_datasets)
    zero_rows = tmp_path / "zero.h5"
    with h5py.File(zero_rows, "w") as f:
        for key in ("aftershocksyn", *KEYS):
            f.create_dataset(key, data=np.zeros(0))
    with pytest.raises(ValueError, match="zero.h5.*empty.*'aftershocksyn' has 0 rows"):
        A.load_aftershocks(zero_rows)
    zero_bytes = tmp_path / "nothing.h5"
    zero_bytes.write_bytes(b"")
    with pytest.raises(ValueError, match="nothing.h5.*empty"):
        A.load_aftershocks(zero_bytes)
    header_only = tmp_path / "header_grid.csv"
    write_csv(header_only, rows=[])
    with pytest.raises(ValueError, match="header_grid.csv.*empty"):
        A.load_aftershocks(header_only)


def test_not_hdf5_or_csv(tmp_path):
    fake_h5 = tmp_path / "Training.h5"
    fake_h5.write_text("this is not HDF5\n")
    with pytest.raises(ValueError, match="Training.h5.*neither an HDF5"):
        A.load_aftershocks(fake_h5)
    npy = tmp_path / "stress.npy"
    np.save(npy, np.zeros(3))
    with pytest.raises(ValueError, match="stress.npy.*neither an HDF5"):
        A.load_aftershocks(npy)
    binary_csv = tmp_path / "binary.csv"
    binary_csv.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match="binary.csv"):
        A.load_aftershocks(binary_csv)
    with pytest.raises(FileNotFoundError, match="missing.h5"):
        A.load_aftershocks(tmp_path / "missing.h5")
    with pytest.raises(TypeError, match="path"):
        A.load_aftershocks(42)


def test_bad_csv(tmp_path):
    missing = tmp_path / "a_grid.csv"
    write_csv(missing, columns=[c for c in CSV_COLUMNS if c != "stresses_full_xz"])
    with pytest.raises(ValueError, match="a_grid.csv.*'stresses_full_xz' is missing"):
        A.load_aftershocks(missing)
    nan = tmp_path / "b_grid.csv"
    labels, stress, _ = write_csv(nan, n=5)
    lines = nan.read_text().splitlines()
    cells = lines[3].split(",")
    cells[CSV_COLUMNS.index("stresses_full_yy")] = "nan"
    lines[3] = ",".join(cells)
    nan.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match="b_grid.csv.*'stresses_full_yy'.*row 2"):
        A.load_aftershocks(nan)
    bad_label = tmp_path / "c_grid.csv"
    write_csv(bad_label, n=5)
    lines = bad_label.read_text().splitlines()
    cells = lines[1].split(",")
    cells[CSV_COLUMNS.index("aftershocksyn")] = "3.0"
    lines[1] = ",".join(cells)
    bad_label.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match="c_grid.csv.*'aftershocksyn'"):
        A.load_aftershocks(bad_label)
    garbage = tmp_path / "d_grid.csv"
    write_csv(garbage, n=3)
    garbage.write_text(garbage.read_text().replace("e", "q", 3))
    with pytest.raises(ValueError, match="d_grid.csv"):
        A.load_aftershocks(garbage)


def test_events_filter_needs_event_id(tmp_path):
    path = tmp_path / "Training.h5"
    write_h5(path)
    with pytest.raises(ValueError, match="'event_id' is missing"):
        A.load_aftershocks(path, events=[0])
    with pytest.raises(ValueError, match="'event_id' is missing"):
        A.aftershock_dataset(path, events=[0], batch_size=20)


# ----------------------------------------------------------------------------- streaming


def _collect(ds):
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in ds], strict=True)
    return xs, ys


def test_stream_unbalanced_in_order_equals_load(tmp_path):
    path = tmp_path / "Training.h5"
    write_h5(path, n=1037)
    ds = A.aftershock_dataset(path, batch_size=100, balanced=False, shuffle=False, block_rows=64)
    assert int(ds.cardinality()) == 11
    xs, ys = _collect(ds)
    assert [len(x) for x in xs] == [100] * 10 + [37]
    X, y = A.load_aftershocks(path)
    np.testing.assert_array_equal(np.concatenate(xs), X)
    np.testing.assert_array_equal(np.concatenate(ys), y)


def test_stream_unbalanced_shuffled_is_a_permutation(tmp_path):
    path = tmp_path / "Training.h5"
    write_h5(path, n=700)
    ds = A.aftershock_dataset(
        path, batch_size=64, balanced=False, block_rows=50, window_blocks=3, random_state=0
    )
    xs, _ = _collect(ds)
    X, _ = A.load_aftershocks(path)
    got = np.concatenate(xs)
    assert not np.array_equal(got, X)
    np.testing.assert_array_equal(np.sort(got[:, 0]), np.sort(X[:, 0]))


def test_stream_balanced_half_and_half(tmp_path):
    path = tmp_path / "Training.h5"
    labels, stress = write_h5(path, n=2000, pos_frac=0.05)
    n_neg = int((labels == 0).sum())
    ds = A.aftershock_dataset(path, batch_size=40, block_rows=128, window_blocks=2, random_state=1)
    assert int(ds.cardinality()) == n_neg // 20
    xs, ys = _collect(ds)
    assert len(xs) == n_neg // 20
    feats = A.devries_features(stress)  # bit-identical to the stream's arithmetic
    np.testing.assert_allclose(feats, expected_features(stress), rtol=1e-6)
    pos_rows = {tuple(r) for r in feats[labels == 1]}
    neg_rows = {tuple(r) for r in feats[labels == 0]}
    seen_neg = []
    for x, y in zip(xs, ys, strict=True):
        assert x.shape == (40, 12) and y.sum() == 20
        for row, lab in zip(map(tuple, x), y, strict=True):
            assert row in (pos_rows if lab == 1 else neg_rows)
        seen_neg.extend(map(tuple, x[y == 0]))
    assert len(set(seen_neg)) == len(seen_neg)  # each negative at most once per pass


def test_stream_is_reproducible_and_repeats(tmp_path):
    path = tmp_path / "Training.h5"
    write_h5(path, n=500, pos_frac=0.1)
    a = _collect(A.aftershock_dataset(path, batch_size=20, random_state=3))[0]
    b = _collect(A.aftershock_dataset(path, batch_size=20, random_state=3))[0]
    np.testing.assert_array_equal(np.concatenate(a), np.concatenate(b))
    # many windows, built ahead by worker threads: still the same batches for the same seed
    many = dict(batch_size=20, block_rows=16, window_blocks=2, random_state=3)
    for balanced in (True, False):
        c = _collect(A.aftershock_dataset(path, balanced=balanced, **many))
        d = _collect(A.aftershock_dataset(path, balanced=balanced, **many))
        np.testing.assert_array_equal(np.concatenate(c[0]), np.concatenate(d[0]))
        np.testing.assert_array_equal(np.concatenate(c[1]), np.concatenate(d[1]))
        e = _collect(A.aftershock_dataset(path, balanced=balanced, **{**many, "random_state": 4}))
        assert not np.array_equal(np.concatenate(c[0]), np.concatenate(e[0]))
    ds = A.aftershock_dataset(path, batch_size=20, repeat=True, random_state=3)
    assert len(list(ds.take(3 * len(a)))) == 3 * len(a)


def test_stream_events_and_small_pool(tmp_path):
    path = tmp_path / "synthetic.h5"
    events = np.repeat(np.arange(4), 250)
    labels, _ = write_h5(path, n=1000, pos_frac=0.2, events=events)
    ds = A.aftershock_dataset(
        path, batch_size=10, balanced=False, shuffle=False, events=[1, 3], block_rows=100
    )
    _, ys = _collect(ds)
    np.testing.assert_array_equal(np.concatenate(ys), labels[np.isin(events, [1, 3])])
    X, y = A.load_aftershocks(path, events=[2])
    np.testing.assert_array_equal(y, labels[events == 2])
    with pytest.raises(ValueError, match=r"events \[7\] not found"):
        A.aftershock_dataset(path, events=[1, 7], batch_size=10)
    with pytest.raises(ValueError, match=r"events \[7\] not found"):
        A.load_aftershocks(path, events=[7])
    # a pool capped below half a batch still fills every batch
    ds = A.aftershock_dataset(path, batch_size=40, max_positives=5, random_state=0)
    for _x, y in ds.take(3):
        assert y.numpy().sum() == 20


def test_stream_argument_errors(tmp_path):
    path = tmp_path / "Training.h5"
    write_h5(path, n=100)
    with pytest.raises(ValueError, match="even"):
        A.aftershock_dataset(path, batch_size=35)
    with pytest.raises(TypeError, match="batch_size"):
        A.aftershock_dataset(path, batch_size=3.5)
    with pytest.raises(TypeError, match="shuffle"):
        A.aftershock_dataset(path, shuffle="yes")
    csv = tmp_path / "x_grid.csv"
    write_csv(csv)
    with pytest.raises(ValueError, match="x_grid.csv.*HDF5"):
        A.aftershock_dataset(csv)
    only_neg = tmp_path / "neg.h5"
    write_h5(only_neg, n=100)
    _rewrite(only_neg, aftershocksyn=np.zeros(100))
    with pytest.raises(ValueError, match="neg.h5.*positives"):
        A.aftershock_dataset(only_neg, batch_size=20)


# ----------------------------------------------------------------------------- synthetic data


@pytest.fixture(scope="module")
def tiny_synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    kw = dict(extent_km=10.0, depth_km=10.0, magnitude_range=(6.0, 6.3), verbose=False)
    path = A.make_aftershocks(3, random_state=11, path=folder / "s.h5", **kw)
    return path, kw


def test_synthetic_schema(tiny_synthetic):
    path, _ = tiny_synthetic
    with h5py.File(path, "r") as f:
        n = f["aftershocksyn"].shape[0]
        for key in ("aftershocksyn", "aftershocksyn_aligned", *KEYS, "x", "y", "z", "event_id"):
            assert f[key].shape == (n,), key
        assert f["stresses_full_xx"].dtype == np.float64
        events = {k: f["events"][k][()] for k in f["events"]}
        z = f["z"][()]
        assert "SYNTHETIC" in f.attrs["description"]
    assert list(events["event_id"]) == [0, 1, 2]
    assert events["n_cells"].sum() == n
    assert set(np.unique(z)) == {-2500.0, -7500.0}
    assert np.all((events["dip"] >= 15) & (events["dip"] <= 90))
    cells = A.load_aftershocks(path, return_cells=True)
    assert cells.xyz.shape == (n, 3) and set(np.unique(cells.event)) == {0, 1, 2}
    assert 0 < cells.y.mean() < 1  # within 10 km of the faults most cells are positive
    assert np.all(np.isfinite(cells.X)) and cells.X.max() > 0.01  # MPa-level stresses near faults
    # the file name alone is the cache key for the default location; same seed -> same data
    assert not list(path.parent.glob(".*tmp"))


def test_synthetic_cache_and_determinism(tiny_synthetic, tmp_path):
    path, kw = tiny_synthetic
    mtime = path.stat().st_mtime_ns
    again = A.make_aftershocks(3, random_state=11, path=path, **kw)
    assert again == path and path.stat().st_mtime_ns == mtime  # reused, not rewritten
    other = A.make_aftershocks(3, random_state=11, path=tmp_path / "copy.h5", **kw)
    Xa, ya = A.load_aftershocks(path)
    Xb, yb = A.load_aftershocks(other)
    np.testing.assert_array_equal(Xa, Xb)
    np.testing.assert_array_equal(ya, yb)
    changed = A.make_aftershocks(3, random_state=11, path=path, **{**kw, "background": 0.05})
    assert changed == path and path.stat().st_mtime_ns != mtime  # other law: regenerated


def test_synthetic_labels_follow_the_stated_law(tiny_synthetic):
    """The stored expected counts reproduce the rate-and-state law from the stresses."""
    from dlies.physics.seismicity import dieterich_ratio

    path, _ = tiny_synthetic
    with h5py.File(path, "r") as f:
        expected = f["expected_count"][()]
        y = f["aftershocksyn"][()]
        z = f["z"][()]
    assert np.all(expected > 0)
    # no stress change -> the background count, tapered with depth; more stress -> more events
    floor = 0.02 / (1 + np.exp((-z - 15e3) / 2.5e3)) * dieterich_ratio(-1e9, a_sigma=0.01)
    assert np.all(expected >= floor)
    # label frequency rises with the expected count (a law, not noise)
    hi = expected > np.quantile(expected, 0.9)
    assert y[hi].mean() > y[~hi].mean()


def test_split_events(tiny_synthetic):
    path, _ = tiny_synthetic
    train, val, test = A.split_events(
        path, test_fraction=0.34, validation_fraction=0.3, random_state=0
    )
    assert len(test) == 1 and len(val) == 1 and len(train) == 1
    assert set(train) | set(val) | set(test) == {0, 1, 2}
    with pytest.raises(ValueError, match="too few"):
        A.split_events(path, test_fraction=0.5, validation_fraction=0.5)


def test_make_aftershocks_rejects_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="n_events"):
        A.make_aftershocks(2.5, random_state=0, path=tmp_path / "a.h5")
    with pytest.raises(ValueError, match="magnitude_range"):
        A.make_aftershocks(1, random_state=0, magnitude_range=(7.0, 6.0), path=tmp_path / "a.h5")
    with pytest.raises(ValueError, match="extent_km"):
        A.make_aftershocks(1, random_state=0, extent_km=-5.0, path=tmp_path / "a.h5")
    with pytest.raises(ValueError, match="random_state"):
        A.make_aftershocks(1, random_state=-1, path=tmp_path / "a.h5")
    assert not list(tmp_path.iterdir())


def test_locate_devries(tmp_path, monkeypatch):
    monkeypatch.setenv("DLIES_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("DLIES_AFTERSHOCKS", raising=False)
    assert A.locate_devries() is None
    monkeypatch.setenv("DLIES_AFTERSHOCKS", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="DLIES_AFTERSHOCKS"):
        A.locate_devries()
    write_h5(tmp_path / "Training.h5", n=10)
    write_h5(tmp_path / "Testing.h5", n=10)
    assert A.locate_devries() == (tmp_path / "Training.h5", tmp_path / "Testing.h5")


def test_map_slice():
    xyz = np.array(
        [[2500.0, 2500, -2500], [7500, 2500, -2500], [2500, 7500, -2500], [2500, 2500, -7500]]
    )
    img, extent = A.map_slice(xyz, np.array([1.0, 2, 3, 4]), depth=2000.0)
    np.testing.assert_array_equal(img, [[1, 2], [3, np.nan]])
    assert extent == (0.0, 10.0, 0.0, 10.0)


# ----------------------------------------------------------------------------- models


def test_devries_network_has_13451_parameters():
    from dlies.models import devries_network, one_neuron

    model = devries_network()
    assert model.count_params() == 13_451
    dense = [layer for layer in model.layers if layer.__class__.__name__ == "Dense"]
    drops = [layer for layer in model.layers if layer.__class__.__name__ == "Dropout"]
    assert len(dense) == 7 and len(drops) == 6
    assert all(layer.get_config()["activation"] == "tanh" for layer in dense[:-1])
    assert dense[-1].get_config()["activation"] == "sigmoid"
    assert all(d.rate == 0.5 for d in drops)
    assert one_neuron().count_params() == 2
    out = model(np.zeros((3, 12), np.float32))
    assert out.shape == (3, 1)
    with pytest.raises(ValueError, match="dropout"):
        devries_network(dropout=1.5)
    with pytest.raises(ValueError, match="units"):
        devries_network(units=0)


def test_extra_columns(tmp_path):
    h5 = tmp_path / "Training.h5"
    _, stress = write_h5(h5, n=40)
    cells = A.load_aftershocks(h5, return_cells=True, columns=["stresses_full_cfs_1"])
    np.testing.assert_allclose(cells.columns["stresses_full_cfs_1"], stress[:, 0] * 0.3)
    with pytest.raises(ValueError, match="Training.h5.*'von_mises' is missing"):
        A.load_aftershocks(h5, columns=["von_mises"])
    csv = tmp_path / "e_grid.csv"
    write_csv(csv, n=8)
    cells = A.load_aftershocks(csv, return_cells=True, columns=["von_mises", "stresses_full_cfs_2"])
    assert set(cells.columns) == {"von_mises", "stresses_full_cfs_2"}
    assert cells.columns["von_mises"].shape == (8,)
    with pytest.raises(TypeError, match="columns"):
        A.load_aftershocks(csv, columns="von_mises")


def test_spare_buffers_are_reused_only_when_free():
    spare = A._Spare((2, 3), np.float32, keep=2)
    first = id(spare.get())  # dropped at once: free again
    assert id(spare.get()) == first
    held = spare.get()[:, :2]  # a view, as the stream yields, keeps its base busy
    other = spare.get()
    assert id(other) != first and held.base is spare.pool[0]
    third = spare.get()  # both kept buffers are busy: a fresh one, not kept
    assert id(third) not in {id(b) for b in spare.pool} and len(spare.pool) == 2
    del held
    assert spare.get() is spare.pool[0]


def test_rows_reader_reads_and_converts(tmp_path):
    import h5py

    path = tmp_path / "t.h5"
    with h5py.File(path, "w") as f:
        f["v"] = np.arange(10, dtype=np.float64) + 0.25
    out = np.zeros(4, np.float32)
    with h5py.File(path, "r") as f:
        A._Rows(f, ["v"]).read("v", 3, 7, out)
    np.testing.assert_array_equal(out, np.float32([3.25, 4.25, 5.25, 6.25]))
