"""The DeVries et al. (2018) format: loaders, the event split, and the tf.data batches.

Every file read here is written by the test itself in the format of the real data:
``Training.h5`` (1-D float64 datasets ``aftershocksyn`` and ``stresses_full_*`` in Pa) and
``AllCSV/<ID>_grid.csv`` (columns ``x, y, z, aftershocksyn, stresses_full_*, ...``).
"""

from __future__ import annotations

import hashlib

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlies.datasets import aftershock_dataset, load_aftershocks, locate_devries, split_events
from dlies.datasets import devries as D

KEYS = [f"stresses_full_{c}" for c in ("xx", "yy", "xy", "xz", "yz", "zz")]
CFS = [f"stresses_full_cfs_{i}" for i in range(1, 5)]
CSV_COLUMNS = ["x", "y", "z", "aftershocksyn", *KEYS, *CFS, "stresses_full_max_shear", "von_mises"]
# both readers of aftershock_dataset: the file read into memory, and blocks (budget 0 bytes)
READERS = [
    pytest.param({}, id="memory"),
    pytest.param({"memory_budget": 0, "block_rows": 64, "window_blocks": 2}, id="blocks"),
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
            f.create_dataset("event_id", data=np.asarray(events, np.int32))
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
    if rows is None:
        rows = [",".join(repr(float(table[c][i])) for c in columns) for i in range(n)]
    path.write_text("\n".join([",".join(columns), *rows]) + "\n")
    return labels, stress, np.column_stack([table["x"], table["y"], table["z"]])


def expected_features(stress):
    mag = np.abs(stress) / 1e6
    return np.concatenate([mag, -mag], axis=1).astype(np.float32)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite(path, **changes):
    with h5py.File(path, "a") as f:
        for key, value in changes.items():
            if key in f:
                del f[key]
            if isinstance(value, str) and value == "group":
                f.create_group(key).create_dataset("inner", data=np.zeros(3))
            elif value is not None:
                f.create_dataset(key, data=value)


def collect(ds):
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in ds], strict=True)
    return xs, ys


# ----------------------------------------------------------------------------- good files


def test_load_hdf5_real_format(tmp_path):
    path = tmp_path / "Training.h5"
    labels, stress = write_h5(path)
    before = digest(path)
    X, y = load_aftershocks(path)
    assert X.dtype == np.float32 and X.shape == (1000, 12)
    assert y.dtype == np.float32 and set(np.unique(y)) == {0.0, 1.0}
    np.testing.assert_allclose(X, expected_features(stress), rtol=1e-6)
    np.testing.assert_array_equal(y, labels)
    # the order of the paper: |xx|, |yy|, |xy|, |xz|, |yz|, |zz|, then negatives
    assert D.FEATURE_NAMES[:6] == ("|xx|", "|yy|", "|xy|", "|xz|", "|yz|", "|zz|")
    assert D.FEATURE_NAMES[6] == "-|xx|" and list(D.STRESS_KEYS) == KEYS
    assert X[0, 2] == pytest.approx(abs(stress[0, KEYS.index("stresses_full_xy")]) / 1e6)
    assert digest(path) == before  # never modified


def test_devries_features_from_tensors_and_components():
    rng = np.random.default_rng(0)
    comps = rng.normal(scale=1e6, size=(5, 6))
    X, names = D.devries_features(comps)
    assert names == list(D.FEATURE_NAMES) and X.dtype == np.float32
    tensors = np.empty((5, 3, 3))
    for k, (i, j) in enumerate([(0, 0), (1, 1), (0, 1), (0, 2), (1, 2), (2, 2)]):
        tensors[:, i, j] = tensors[:, j, i] = comps[:, k]
    np.testing.assert_array_equal(D.devries_features(tensors)[0], X)
    np.testing.assert_allclose(X, expected_features(comps), rtol=1e-6)
    with pytest.raises(ValueError, match="shape"):
        D.devries_features(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="finite"):
        D.devries_features(np.full((1, 6), np.nan))


def test_load_hdf5_cells_and_max_rows(tmp_path):
    path = tmp_path / "Testing.h5"
    _, stress = write_h5(path, n=300)
    cells = load_aftershocks(path, return_cells=True, max_rows=120)
    assert len(cells) == 120 and cells.xyz is None and cells.event is None
    s = cells.stress
    np.testing.assert_allclose(s, np.swapaxes(s, 1, 2))
    np.testing.assert_allclose(s[:, 0, 1], stress[:120, KEYS.index("stresses_full_xy")])
    np.testing.assert_allclose(s[:, 2, 2], stress[:120, KEYS.index("stresses_full_zz")])
    np.testing.assert_allclose(s[:, 1, 2], stress[:120, KEYS.index("stresses_full_yz")])
    assert len(load_aftershocks(path, max_rows=10**12)[1]) == 300  # more than there is: all


def test_load_csv_real_format(tmp_path):
    path = tmp_path / "1999CHICHI01MAxx_grid.csv"
    labels, stress, xyz = write_csv(path)
    before = digest(path)
    cells = load_aftershocks(path, return_cells=True)
    np.testing.assert_allclose(cells.X, expected_features(stress), rtol=1e-6)
    np.testing.assert_array_equal(cells.y, labels)
    np.testing.assert_allclose(cells.xyz, xyz)
    X, _ = load_aftershocks(path, max_rows=10)
    assert X.shape == (10, 12)
    assert digest(path) == before


def test_csv_column_order_does_not_matter(tmp_path):
    path = tmp_path / "shuffled_grid.csv"
    labels, stress, _ = write_csv(path, columns=CSV_COLUMNS[::-1])
    X, y = load_aftershocks(path)
    np.testing.assert_allclose(X, expected_features(stress), rtol=1e-6)
    np.testing.assert_array_equal(y, labels)


def test_extra_columns(tmp_path):
    h5 = tmp_path / "Training.h5"
    _, stress = write_h5(h5, n=40)
    cells = load_aftershocks(h5, return_cells=True, columns=["stresses_full_cfs_1"])
    np.testing.assert_allclose(cells.columns["stresses_full_cfs_1"], stress[:, 0] * 0.3)
    with pytest.raises(ValueError, match="Training.h5.*'von_mises' is missing"):
        load_aftershocks(h5, columns=["von_mises"])
    csv = tmp_path / "e_grid.csv"
    write_csv(csv, n=8)
    cells = load_aftershocks(csv, return_cells=True, columns=["von_mises", "stresses_full_cfs_2"])
    assert set(cells.columns) == {"von_mises", "stresses_full_cfs_2"}
    assert cells.columns["von_mises"].shape == (8,)
    with pytest.raises(TypeError, match="columns"):
        load_aftershocks(csv, columns="von_mises")


# ----------------------------------------------------------------------------- bad files


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
        ({"stresses_full_yy": np.r_[1e300, np.zeros(999)]}, "'stresses_full_yy'.*row 0"),
        ({"aftershocksyn": np.r_[2.0, np.zeros(999)]}, "'aftershocksyn' must hold only 0 and 1"),
        (
            {"aftershocksyn": np.r_[np.zeros(10), 0.5, np.zeros(989)]},
            "'aftershocksyn'.*0.5 at row 10",
        ),
        ({"aftershocksyn": np.r_[np.nan, np.zeros(999)]}, "'aftershocksyn' must hold only 0 and 1"),
        ({"stresses_full_xz": np.zeros((1000, 2))}, "'stresses_full_xz' must be a 1-D"),
        ({"stresses_full_xz": np.array([b"a"] * 1000)}, "'stresses_full_xz' must be a 1-D numeric"),
        ({"stresses_full_xz": "group"}, "'stresses_full_xz' must be a dataset, found a group"),
    ],
)
@pytest.mark.parametrize("reader", READERS)
def test_bad_hdf5_names_file_and_key(tmp_path, change, match, reader):
    path = tmp_path / "Training.h5"
    write_h5(path)
    rewrite(path, **change)
    before = digest(path)
    with pytest.raises(ValueError, match=match) as info:
        load_aftershocks(path)
    assert "Training.h5" in str(info.value)
    with pytest.raises(ValueError, match=match):
        aftershock_dataset(path, batch_size=20, **reader)  # validated when built
    assert digest(path) == before


def test_optional_keys_stored_as_groups(tmp_path):
    """event_id or x stored as a group: an error naming the key, not an AttributeError."""
    path = tmp_path / "synthetic.h5"
    write_h5(path, n=100, events=np.repeat([0, 1], 50))
    rewrite(path, event_id="group")
    with pytest.raises(ValueError, match="synthetic.h5.*'event_id' must be a dataset"):
        load_aftershocks(path, events=[0])
    with pytest.raises(ValueError, match="synthetic.h5.*'event_id'"):
        split_events(path)
    coords = tmp_path / "coords.h5"
    write_h5(coords, n=100)
    rewrite(coords, x="group", y=np.zeros(100), z=np.zeros(100))
    with pytest.raises(ValueError, match="coords.h5.*'x' must be a dataset"):
        load_aftershocks(coords, return_cells=True)


@pytest.mark.parametrize("reader", READERS)
def test_truncated_hdf5_names_the_file(tmp_path, reader):
    path = tmp_path / "Training.h5"
    write_h5(path, n=5000)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    for call in (
        lambda: load_aftershocks(path),
        lambda: aftershock_dataset(path, batch_size=20, **reader),
        lambda: split_events(path),
    ):
        with pytest.raises((ValueError, OSError), match="Training.h5") as info:
            call()
        assert info.value.__cause__ is not None  # the h5py error is chained, not lost


def test_empty_files(tmp_path):
    no_datasets = tmp_path / "empty.h5"
    with h5py.File(no_datasets, "w"):
        pass
    with pytest.raises(ValueError, match="empty.h5.*empty"):
        load_aftershocks(no_datasets)
    zero_rows = tmp_path / "zero.h5"
    with h5py.File(zero_rows, "w") as f:
        for key in ("aftershocksyn", *KEYS):
            f.create_dataset(key, data=np.zeros(0))
    with pytest.raises(ValueError, match="zero.h5.*empty.*'aftershocksyn' has 0 rows"):
        load_aftershocks(zero_rows)
    zero_bytes = tmp_path / "nothing.h5"
    zero_bytes.write_bytes(b"")
    with pytest.raises(ValueError, match="nothing.h5.*empty"):
        load_aftershocks(zero_bytes)
    header_only = tmp_path / "header_grid.csv"
    write_csv(header_only, rows=[])
    with pytest.raises(ValueError, match="header_grid.csv.*empty"):
        load_aftershocks(header_only)


def test_not_hdf5_or_csv(tmp_path):
    fake_h5 = tmp_path / "Training.h5"
    fake_h5.write_text("this is not HDF5\n")
    with pytest.raises(ValueError, match="Training.h5.*neither an HDF5"):
        load_aftershocks(fake_h5)
    npy = tmp_path / "stress.npy"
    np.save(npy, np.zeros(3))
    with pytest.raises(ValueError, match="stress.npy.*neither an HDF5"):
        load_aftershocks(npy)
    binary_csv = tmp_path / "binary.csv"
    binary_csv.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match="binary.csv"):
        load_aftershocks(binary_csv)
    with pytest.raises(FileNotFoundError, match="missing.h5"):
        load_aftershocks(tmp_path / "missing.h5")
    with pytest.raises(TypeError, match="path"):
        load_aftershocks(42)


def test_folder_where_a_file_is_expected(tmp_path):
    folder = tmp_path / "Training.h5"
    folder.mkdir()
    for call in (load_aftershocks, aftershock_dataset, split_events):
        with pytest.raises(ValueError, match="Training.h5.*folder"):
            call(folder)


def test_bad_csv(tmp_path):
    missing = tmp_path / "a_grid.csv"
    write_csv(missing, columns=[c for c in CSV_COLUMNS if c != "stresses_full_xz"])
    with pytest.raises(ValueError, match="a_grid.csv.*'stresses_full_xz' is missing"):
        load_aftershocks(missing)

    def corrupt(name, row, column, text):
        path = tmp_path / name
        write_csv(path, n=5)
        lines = path.read_text().splitlines()
        cells = lines[row].split(",")
        cells[CSV_COLUMNS.index(column)] = text
        lines[row] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n")
        return path

    with pytest.raises(ValueError, match="b_grid.csv.*'stresses_full_yy'.*row 2"):
        load_aftershocks(corrupt("b_grid.csv", 3, "stresses_full_yy", "nan"))
    with pytest.raises(ValueError, match="c_grid.csv.*'aftershocksyn'"):
        load_aftershocks(corrupt("c_grid.csv", 1, "aftershocksyn", "3.0"))
    with pytest.raises(ValueError, match="d_grid.csv.*as numbers"):
        load_aftershocks(corrupt("d_grid.csv", 2, "stresses_full_xx", "abc"))


# ----------------------------------------------------------------------------- bad arguments


def test_events_need_event_id(tmp_path):
    path = tmp_path / "Training.h5"
    write_h5(path)
    with pytest.raises(ValueError, match="'event_id' is missing"):
        load_aftershocks(path, events=[0])
    for reader in ({}, {"memory_budget": 0}):
        with pytest.raises(ValueError, match="'event_id' is missing"):
            aftershock_dataset(path, events=[0], batch_size=20, **reader)
    with pytest.raises(ValueError, match="Training.h5.*'event_id' is missing"):
        split_events(path)


@pytest.mark.parametrize(
    "events, error, match",
    [
        ([1.5], ValueError, "integer event ids"),
        ([1, 2.0], ValueError, "integer event ids"),
        ([], ValueError, "events is empty"),
        (np.array([], np.int64), ValueError, "events is empty"),
        (["a"], ValueError, "integer event ids"),
        ("1", TypeError, "sequence of integer"),
        ([True], ValueError, "integer event ids"),
        (3, TypeError, "sequence of integer"),
    ],
)
def test_bad_event_ids(tmp_path, events, error, match):
    path = tmp_path / "synthetic.h5"
    write_h5(path, n=100, events=np.repeat([0, 1, 2, 3], 25))
    with pytest.raises(error, match=match):
        load_aftershocks(path, events=events)
    with pytest.raises(error, match=match):
        aftershock_dataset(path, events=events, batch_size=10)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"max_rows": 10**30}, ValueError, "max_rows"),
        ({"max_rows": 0}, ValueError, "max_rows"),
        ({"max_rows": 2.5}, TypeError, "max_rows"),
        ({"max_rows": "10"}, TypeError, "max_rows"),
        ({"max_rows": True}, TypeError, "max_rows"),
        ({"label_key": 3}, TypeError, "label_key"),
    ],
)
@pytest.mark.parametrize("name", ["Training.h5", "a_grid.csv"])
def test_bad_loader_arguments(tmp_path, kwargs, error, match, name):
    path = tmp_path / name
    if name.endswith(".h5"):
        write_h5(path, n=20)
    else:
        write_csv(path, n=20)
    with pytest.raises(error, match=match):
        load_aftershocks(path, **kwargs)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"batch_size": 35}, ValueError, "even"),
        ({"batch_size": 3.5}, TypeError, "batch_size"),
        ({"batch_size": "3500"}, TypeError, "batch_size"),
        ({"shuffle": "yes"}, TypeError, "shuffle"),
        ({"repeat": 1}, TypeError, "repeat"),
        ({"random_state": True}, ValueError, "random_state"),
        ({"random_state": -1}, ValueError, "random_state"),
        ({"random_state": "0"}, ValueError, "random_state"),
        ({"memory_budget": "2GB"}, ValueError, "memory_budget"),
        ({"memory_budget": -1}, ValueError, "memory_budget"),
        ({"block_rows": 0}, ValueError, "block_rows"),
        ({"max_positives": 0.5}, TypeError, "max_positives"),
    ],
)
def test_bad_dataset_arguments(tmp_path, kwargs, error, match):
    path = tmp_path / "Training.h5"
    write_h5(path, n=100)
    with pytest.raises(error, match=match):
        aftershock_dataset(path, **{"batch_size": 20, **kwargs})


def test_dataset_refuses_csv_and_files_without_positives(tmp_path):
    csv = tmp_path / "x_grid.csv"
    write_csv(csv)
    with pytest.raises(ValueError, match="x_grid.csv.*HDF5"):
        aftershock_dataset(csv)
    only_neg = tmp_path / "neg.h5"
    write_h5(only_neg, n=100)
    rewrite(only_neg, aftershocksyn=np.zeros(100))
    for reader in ({}, {"memory_budget": 0}):
        with pytest.raises(ValueError, match="neg.h5.*positives"):
            aftershock_dataset(only_neg, batch_size=20, **reader)


# ----------------------------------------------------------------------------- tf.data batches


@pytest.mark.parametrize("reader", READERS)
def test_unbalanced_in_order_equals_load(tmp_path, reader):
    path = tmp_path / "Training.h5"
    write_h5(path, n=1037)
    ds = aftershock_dataset(path, batch_size=100, balanced=False, shuffle=False, **reader)
    assert int(ds.cardinality()) == 11
    xs, ys = collect(ds)
    assert [len(x) for x in xs] == [100] * 10 + [37]
    X, y = load_aftershocks(path)
    np.testing.assert_array_equal(np.concatenate(xs), X)  # the same float32 arithmetic
    np.testing.assert_array_equal(np.concatenate(ys), y)


@pytest.mark.parametrize("reader", READERS)
def test_unbalanced_shuffled_is_a_permutation(tmp_path, reader):
    path = tmp_path / "Training.h5"
    write_h5(path, n=700)
    ds = aftershock_dataset(path, batch_size=64, balanced=False, random_state=0, **reader)
    xs, ys = collect(ds)
    X, y = load_aftershocks(path)
    got = np.concatenate(xs)
    assert not np.array_equal(got, X)
    order = np.lexsort(got.T[::-1])
    np.testing.assert_array_equal(got[order], X[np.lexsort(X.T[::-1])])
    assert np.concatenate(ys).sum() == y.sum()


def check_balanced(xs, ys, path, batch):
    """Every batch half positives then half negatives; each negative at most once per pass."""
    feats, labels = load_aftershocks(path)  # the same float32 arithmetic: exact comparisons
    pos_rows = {tuple(r) for r in feats[labels == 1]}
    neg_rows = {tuple(r) for r in feats[labels == 0]}
    seen = []
    for x, y in zip(xs, ys, strict=True):
        assert x.shape == (batch, 12) and y.sum() == batch // 2
        np.testing.assert_array_equal(y, np.repeat([1.0, 0.0], batch // 2))
        assert {tuple(r) for r in x[y == 1]} <= pos_rows
        assert {tuple(r) for r in x[y == 0]} <= neg_rows
        seen.extend(map(tuple, x[y == 0]))
    assert len(set(seen)) == len(seen)
    return seen


@pytest.mark.parametrize("reader", READERS)
def test_balanced_half_and_half(tmp_path, reader):
    path = tmp_path / "Training.h5"
    labels, _ = write_h5(path, n=2000, pos_frac=0.05)
    n_neg = int((labels == 0).sum())
    ds = aftershock_dataset(path, batch_size=40, random_state=1, **reader)
    assert int(ds.cardinality()) == n_neg // 20
    xs, ys = collect(ds)
    assert len(xs) == n_neg // 20  # an epoch: one pass over the negatives
    seen = check_balanced(xs, ys, path, 40)
    assert len(seen) == (n_neg // 20) * 20


@pytest.mark.parametrize("reader", READERS)
def test_same_seed_same_batches_and_repeat(tmp_path, reader):
    path = tmp_path / "Training.h5"
    write_h5(path, n=500, pos_frac=0.1)
    for balanced in (True, False):
        kw = dict(batch_size=20, balanced=balanced, **reader)
        a = collect(aftershock_dataset(path, random_state=3, **kw))
        b = collect(aftershock_dataset(path, random_state=3, **kw))
        c = collect(aftershock_dataset(path, random_state=4, **kw))
        np.testing.assert_array_equal(np.concatenate(a[0]), np.concatenate(b[0]))
        np.testing.assert_array_equal(np.concatenate(a[1]), np.concatenate(b[1]))
        assert not np.array_equal(np.concatenate(a[0]), np.concatenate(c[0]))
    ds = aftershock_dataset(path, batch_size=20, repeat=True, random_state=3, **reader)
    n = len(a[0])
    passes = [np.concatenate([x.numpy() for x, _ in ds.skip(k * n).take(n)]) for k in range(2)]
    assert not np.array_equal(passes[0], passes[1])  # a fresh shuffle every pass


@pytest.mark.parametrize("reader", READERS)
def test_events_filter(tmp_path, reader):
    path = tmp_path / "synthetic.h5"
    events = np.repeat(np.arange(4), 250)
    labels, _ = write_h5(path, n=1000, pos_frac=0.2, events=events)
    ds = aftershock_dataset(
        path, batch_size=10, balanced=False, shuffle=False, events=[1, 3], **reader
    )
    np.testing.assert_array_equal(np.concatenate(collect(ds)[1]), labels[np.isin(events, [1, 3])])
    _, y = load_aftershocks(path, events=[2])
    np.testing.assert_array_equal(y, labels[events == 2])
    with pytest.raises(ValueError, match=r"synthetic.h5.*events \[7\] not found"):
        aftershock_dataset(path, events=[1, 7], batch_size=10, **reader)
    with pytest.raises(ValueError, match=r"events \[7\] not found"):
        load_aftershocks(path, events=[7])


def test_block_reader_small_pool_fills_every_batch(tmp_path):
    path = tmp_path / "Training.h5"
    write_h5(path, n=1000, pos_frac=0.2)
    ds = aftershock_dataset(path, batch_size=40, max_positives=5, memory_budget=0, random_state=0)
    for x, y in ds.take(3):
        assert y.numpy().sum() == 20
        assert len({tuple(r) for r in x.numpy()[:20]}) <= 5


def test_memory_budget_chooses_the_reader(tmp_path, monkeypatch):
    from dlies.datasets.devries import batches

    path = tmp_path / "Training.h5"
    write_h5(path, n=100)
    calls = []
    for name in ("_in_memory", "_in_blocks"):
        original = getattr(batches, name)
        monkeypatch.setattr(
            batches, name, lambda *a, _f=original, _n=name, **k: calls.append(_n) or _f(*a, **k)
        )
    aftershock_dataset(path, batch_size=20)
    aftershock_dataset(path, batch_size=20, memory_budget=100 * 28)  # exactly fits
    aftershock_dataset(path, batch_size=20, memory_budget=100 * 28 - 1)
    assert calls == ["_in_memory", "_in_memory", "_in_blocks"]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n=st.integers(40, 400),
    pos_frac=st.floats(0.02, 0.6),
    half=st.integers(1, 15),
    block_rows=st.integers(1, 90),
    window=st.integers(1, 4),
    in_memory=st.booleans(),
)
def test_balanced_property(tmp_path, n, pos_frac, half, block_rows, window, in_memory):
    path = tmp_path / "Training.h5"
    labels, _ = write_h5(path, n=n, pos_frac=pos_frac, seed=n)
    n_neg = int((labels == 0).sum())
    if n_neg < half:
        return
    reader = {} if in_memory else {"memory_budget": 0}
    ds = aftershock_dataset(
        path, batch_size=2 * half, block_rows=block_rows, window_blocks=window, **reader
    )
    xs, ys = collect(ds)
    assert len(xs) == int(ds.cardinality()) == n_neg // half
    assert len(check_balanced(xs, ys, path, 2 * half)) == (n_neg // half) * half


# ----------------------------------------------------------------------------- split, locate, map


def test_split_events_by_whole_events(tmp_path):
    path = tmp_path / "synthetic.h5"
    write_h5(path, n=400, events=np.repeat(np.arange(40), 10))
    train, val, test = split_events(
        path, test_fraction=0.25, validation_fraction=0.1, random_state=0
    )
    assert (len(train), len(val), len(test)) == (26, 4, 10)
    assert set(train) | set(val) | set(test) == set(range(40))
    assert not (set(train) & set(test) or set(train) & set(val) or set(val) & set(test))
    again = split_events(path, test_fraction=0.25, validation_fraction=0.1, random_state=0)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again, strict=True))
    other = split_events(path, test_fraction=0.25, validation_fraction=0.1, random_state=1)
    assert not np.array_equal(other[2], test)
    assert len(split_events(path, test_fraction=0.01)[2]) == 1  # at least one event
    assert len(split_events(path)[1]) == 0
    with pytest.raises(ValueError, match="too few"):
        split_events(path, test_fraction=0.5, validation_fraction=0.5)
    with pytest.raises(ValueError, match="test_fraction"):
        split_events(path, test_fraction="0.2")
    with pytest.raises(ValueError, match="random_state"):
        split_events(path, random_state=True)


def test_locate_devries(tmp_path, monkeypatch):
    monkeypatch.setenv("DLIES_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("DLIES_AFTERSHOCKS", raising=False)
    assert locate_devries() is None
    monkeypatch.setenv("DLIES_AFTERSHOCKS", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="DLIES_AFTERSHOCKS.*lacks Training.h5, Testing.h5"):
        locate_devries()
    write_h5(tmp_path / "Training.h5", n=10)
    with pytest.raises(FileNotFoundError, match="lacks Testing.h5"):
        locate_devries()
    write_h5(tmp_path / "Testing.h5", n=10)
    assert locate_devries() == (tmp_path / "Training.h5", tmp_path / "Testing.h5")
    with pytest.raises(NotADirectoryError, match="is a file"):
        locate_devries(tmp_path / "Training.h5")
    monkeypatch.delenv("DLIES_AFTERSHOCKS")
    (tmp_path / "data" / "devries").mkdir(parents=True)
    write_h5(tmp_path / "data" / "devries" / "Training.h5", n=10)
    assert locate_devries() is None  # the default folder, incomplete: the synthetic set


def test_map_slice():
    xyz = np.array(
        [[2500.0, 2500, -2500], [7500, 2500, -2500], [2500, 7500, -2500], [2500, 2500, -7500]]
    )
    img, extent = D.map_slice(xyz, np.array([1.0, 2, 3, 4]), depth=2000.0)
    np.testing.assert_array_equal(img, [[1, 2], [3, np.nan]])
    assert extent == (0.0, 10.0, 0.0, 10.0)
    img, _ = D.map_slice(xyz, np.array([1.0, 2, 3, 4]), depth=8000.0)
    np.testing.assert_array_equal(img, [[4]])
    with pytest.raises(ValueError, match="xyz"):
        D.map_slice(xyz[:, :2], np.zeros(4), depth=0.0)


def test_a_dataset_declaring_billions_of_rows_is_refused_before_allocating(tmp_path):
    import h5py

    from dlies.datasets.devries import LABEL_KEY, STRESS_KEYS

    path = tmp_path / "huge.h5"
    with h5py.File(path, "w") as f:  # shapes declared, nothing stored: a tiny file
        for key in (LABEL_KEY, *STRESS_KEYS):
            f.create_dataset(key, shape=(3_000_000_000,), dtype="f8", chunks=(1024,))
    with pytest.raises(ValueError, match=rf"huge\.h5: key '{LABEL_KEY}' declares shape"):
        load_aftershocks(path)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"max_rows": True}, "max_rows must be None or an integer"),
        ({"label_key": 3}, "label_key must be a non-empty string"),
        ({"return_cells": "yes"}, "return_cells must be True or False"),
        ({"columns": "x"}, "columns must be a list or tuple"),
    ],
)
def test_load_aftershocks_names_bad_arguments(tmp_path, kwargs, match):
    write_h5(tmp_path / "a.h5", n=10)
    with pytest.raises((TypeError, ValueError), match=f"load_aftershocks: {match}"):
        load_aftershocks(tmp_path / "a.h5", **kwargs)
