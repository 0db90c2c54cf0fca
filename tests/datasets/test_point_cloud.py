"""make_point_cloud (the synthetic lidar scene) and the XYZ / LAS / LAZ loaders."""

import numpy as np
import pytest

from dlies.datasets import load_las, load_xyz, make_point_cloud
from dlies.datasets.point_cloud import CLASS_NAMES


@pytest.fixture(scope="module")
def scene():
    return make_point_cloud(20000, random_state=0)


def test_shapes_classes_and_extent(scene):
    points, labels, names = scene
    assert points.shape == (20000, 3) and points.dtype == np.float64
    assert labels.shape == (20000,) and labels.dtype == np.int64
    assert names == CLASS_NAMES == ("ground", "vegetation", "rock")
    counts = np.bincount(labels, minlength=3)
    assert (counts > 0.03 * len(labels)).all(), counts
    side = np.sqrt(20000 / 100.0)  # default density: 100 points per m^2
    assert np.ptp(points[:, 0]) == pytest.approx(side, rel=0.1)
    assert np.ptp(points[:, 1]) == pytest.approx(side, rel=0.1)
    assert np.isfinite(points).all()


def test_the_recipe_shows_in_the_geometry(scene):
    points, labels, _ = scene
    z = points[:, 2]
    ground = labels == 0
    # vegetation stands above the ground; rocks are low
    assert np.median(z[labels == 1]) > np.median(z[ground]) + 0.5
    assert np.percentile(z[labels == 2], 95) < np.percentile(z[labels == 1], 95)
    # the ground is a surface: a local plane fit leaves only noise and roughness (cm)
    xy = points[ground, :2]
    near = np.linalg.norm(xy - xy[0], axis=1) < 0.5
    patch = points[ground][near]
    design = np.column_stack([patch[:, :2], np.ones(len(patch))])
    resid = patch[:, 2] - design @ np.linalg.lstsq(design, patch[:, 2], rcond=None)[0]
    assert resid.std() < 0.1


def test_density_noise_and_determinism():
    a = make_point_cloud(2000, random_state=7)
    b = make_point_cloud(2000, random_state=7)
    c = make_point_cloud(2000, random_state=8)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    sparse, _, _ = make_point_cloud(2000, density=5.0, random_state=7)
    assert np.ptp(sparse[:, 0]) == pytest.approx(np.sqrt(2000 / 5.0), rel=0.15)
    flat, lab, _ = make_point_cloud(5000, noise=0.0, roughness=0.0, random_state=1)
    assert np.isfinite(flat).all() and len(np.unique(lab)) == 3


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"n_points": 10}, ValueError),
        ({"n_points": 1000.0}, TypeError),
        ({"n_points": 1000, "density": 0}, ValueError),
        ({"n_points": 1000, "noise": -0.1}, ValueError),
        ({"n_points": 1000, "roughness": float("nan")}, ValueError),
    ],
)
def test_bad_arguments(kwargs, error):
    n = kwargs.pop("n_points")
    with pytest.raises(error):
        make_point_cloud(n, **kwargs)


# ------------------------------------------------------------------------------ text files
def test_load_xyz_with_and_without_labels(tmp_path):
    pts = np.array([[0.0, 1.5, 2.25], [3.0, -4.0, 5.5]])
    plain = tmp_path / "plain.xyz"
    np.savetxt(plain, pts)
    got, labels = load_xyz(plain)
    np.testing.assert_allclose(got, pts)
    assert labels is None

    labelled = tmp_path / "labelled.txt"
    labelled.write_text("# x y z label\n0 1.5 2.25 1\n3,-4,5.5,2\n".replace(",", " "))
    got, labels = load_xyz(labelled)
    np.testing.assert_allclose(got, pts)
    assert labels.tolist() == [1, 2] and labels.dtype == np.int64

    commas = tmp_path / "commas.csv"
    commas.write_text("0,1.5,2.25,7,255,0,0\n3,-4,5.5,8,0,255,0\n")
    got, labels = load_xyz(commas, label_column=3)
    np.testing.assert_allclose(got, pts)
    assert labels.tolist() == [7, 8]
    assert load_xyz(commas)[1] is None  # seven columns: no default label column


@pytest.mark.parametrize(
    ("text", "kwargs", "match"),
    [
        ("", {}, "holds no points"),
        ("# only a comment\n", {}, "holds no points"),
        ("1 2\n3 4\n", {}, "has 2 column"),
        ("1 2 x\n", {}, "cannot read the columns as numbers"),
        ("1 2 3\n4 5\n", {}, "cannot read the columns as numbers"),
        ("1 2 nan\n", {}, "non-finite coordinates in data row 1"),
        ("1 2 3 0\n1 2 3 1.5\n", {}, "data row 2 has 1.5"),
        ("1 2 3 4\n", {"label_column": 9}, "label_column 9"),
    ],
)
def test_load_xyz_bad_files(tmp_path, text, kwargs, match):
    path = tmp_path / "bad.xyz"
    path.write_text(text)
    with pytest.raises(ValueError, match=match) as info:
        load_xyz(path, **kwargs)
    assert "bad.xyz" in str(info.value)


def test_load_xyz_missing_and_binary(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.xyz"):
        load_xyz(tmp_path / "nope.xyz")
    binary = tmp_path / "binary.xyz"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 10)
    with pytest.raises(ValueError, match="not a text file"):
        load_xyz(binary)
    with pytest.raises(ValueError, match="not a file"):
        load_xyz(tmp_path)


# ------------------------------------------------------------------------------ LAS / LAZ
def _write_las(path, points, classes):
    import laspy

    header = laspy.LasHeader(point_format=6, version="1.4")
    header.scales = np.array([0.001, 0.001, 0.001])
    header.offsets = points.min(axis=0)
    las = laspy.LasData(header)
    las.x, las.y, las.z = points.T
    las.classification = classes
    las.write(path)


@pytest.mark.parametrize("suffix", ["las", "laz"])
def test_load_las_and_laz_written_with_laspy(tmp_path, suffix):
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 50, (300, 3)) + [500000.0, 4200000.0, 100.0]  # UTM-like metres
    classes = rng.choice([2, 3, 5, 6], 300).astype(np.uint8)
    path = tmp_path / f"tile.{suffix}"
    _write_las(path, pts, classes)
    got, cls = load_las(path)
    np.testing.assert_allclose(got, pts, atol=0.0006)  # the file stores mm integers
    assert cls.tolist() == classes.tolist() and cls.dtype == np.int64
    if suffix == "laz":  # really compressed (lazrs), not a LAS under another name
        _write_las(tmp_path / "same.las", pts, classes)
        assert path.stat().st_size < 0.8 * (tmp_path / "same.las").stat().st_size


def test_load_las_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="none.las"):
        load_las(tmp_path / "none.las")
    garbage = tmp_path / "garbage.las"
    garbage.write_bytes(b"this is not a point cloud" * 20)
    with pytest.raises(ValueError, match="garbage.las is not a readable LAS/LAZ file"):
        load_las(garbage)
    good = tmp_path / "good.las"
    _write_las(good, np.ones((10, 3)), np.full(10, 2, np.uint8))
    truncated = tmp_path / "truncated.las"
    truncated.write_bytes(good.read_bytes()[:-100])
    with pytest.raises(ValueError, match="truncated.las"):
        load_las(truncated)
    with pytest.raises(TypeError, match="path must be"):
        load_las(3)


def _las12(path, n=10):
    """A LAS 1.2 file of ``n`` points (header: version at byte 24, point count at 107,
    scales at 131, offsets at 155)."""
    import laspy

    header = laspy.LasHeader(point_format=3, version="1.2")
    header.scales, header.offsets = np.full(3, 0.01), np.zeros(3)
    las = laspy.LasData(header)
    las.x = las.y = las.z = np.arange(float(n))
    las.write(path)
    return path


def _patched(tmp_path, name, offset, fmt, value):
    import struct

    data = bytearray(_las12(tmp_path / "good.las").read_bytes())
    struct.pack_into(fmt, data, offset, value)
    (tmp_path / name).write_bytes(bytes(data))
    return tmp_path / name


@pytest.mark.parametrize(
    "name, offset, fmt, value, match",
    [
        ("nan_scale.las", 131, "<d", float("nan"), "scales .* must be finite"),
        ("zero_scale.las", 139, "<d", 0.0, "scales .* must be finite"),
        ("inf_offset.las", 155, "<d", float("inf"), "offsets .* must be finite"),
        ("billion.las", 107, "<I", 10**9, "declares 1000000000 points"),
        ("version99.las", 24, "<BB", (9, 9), r"not a readable LAS/LAZ file \(error"),
    ],
)
def test_las_headers_that_lie_are_refused_naming_the_file(
    tmp_path, name, offset, fmt, value, match
):
    import struct

    if isinstance(value, tuple):
        data = bytearray(_las12(tmp_path / "good.las").read_bytes())
        struct.pack_into(fmt, data, offset, *value)
        path = tmp_path / name
        path.write_bytes(bytes(data))
    else:
        path = _patched(tmp_path, name, offset, fmt, value)
    with pytest.raises(ValueError, match=match) as info:
        load_las(path)
    assert name in str(info.value)


def test_a_truncated_laz_is_refused_naming_the_file(tmp_path):
    import laspy

    good = _las12(tmp_path / "good.las", n=1000)
    laspy.read(good).write(tmp_path / "good.laz")
    data = (tmp_path / "good.laz").read_bytes()
    (tmp_path / "cut.laz").write_bytes(data[: len(data) - 200])
    with pytest.raises(ValueError, match=r"cut\.laz is not a readable LAS/LAZ file"):
        load_las(tmp_path / "cut.laz")


@pytest.mark.parametrize("loader", [load_las, load_xyz])
def test_point_cloud_loaders_refuse_a_fifo_without_blocking(tmp_path, loader):
    import os

    from _guards import finishes

    os.mkfifo(tmp_path / "cloud.las")
    outcome, kind, message = finishes(loader, tmp_path / "cloud.las", seconds=20)
    assert outcome == "raised" and "ValueError" in kind and "not a regular file" in message
