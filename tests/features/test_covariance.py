"""covariance_features: known geometry (line, plane, ball), a brute-force reference, chunking,
degenerate neighbourhoods and bad input."""

import numpy as np
import pytest

from dlies.features import covariance_features
from dlies.features.covariance import FEATURES_PER_SCALE, feature_names


def _column(F, names, feature, scale):
    return F[:, names.index(f"{feature}_D{scale:g}m")]


def _line(rng, n=20000, half=5.0):
    t = rng.uniform(-half, half, n)
    return np.column_stack([t, 0.5 * t, np.zeros(n)])  # a horizontal line along (2, 1, 0)


def test_names_and_shape():
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 1, (500, 3))
    F, names = covariance_features(pts, pts[:7], [0.2, 0.5])
    assert F.shape == (7, 2 * len(FEATURES_PER_SCALE)) and len(names) == F.shape[1]
    assert names[0] == "lambda1_D0.2m" and names[-1] == "density_D0.5m"
    assert names == feature_names([0.2, 0.5])


def test_line_is_one_dimensional_with_the_uniform_variance():
    rng = np.random.default_rng(1)
    pts = _line(rng)
    core = np.zeros((1, 3))
    F, names = covariance_features(pts, core, [1.0, 2.0])
    for d in (1.0, 2.0):
        r = d / 2
        # uniform on a segment of length 2r: variance r^2 / 3
        assert _column(F, names, "lambda1", d)[0] == pytest.approx(r**2 / 3, rel=0.05)
        assert _column(F, names, "lambda2", d)[0] == pytest.approx(0.0, abs=1e-12)
        assert _column(F, names, "dim1d", d)[0] == pytest.approx(1.0, abs=1e-9)
        assert _column(F, names, "dim3d", d)[0] == pytest.approx(0.0, abs=1e-9)


def test_plane_is_two_dimensional_and_its_tilt_is_its_verticality():
    rng = np.random.default_rng(2)
    uv = rng.uniform(-3, 3, (60000, 2))
    flat = np.column_stack([uv, np.zeros(len(uv))])
    wall = np.column_stack([uv[:, 0], np.zeros(len(uv)), uv[:, 1]])  # the x-z plane
    core = np.zeros((1, 3))
    for cloud, vertical in ((flat, 0.0), (wall, 1.0)):
        F, names = covariance_features(cloud, core, [1.0])
        # uniform disc of radius r: variance r^2 / 4 along each in-plane axis
        assert _column(F, names, "lambda1", 1.0)[0] == pytest.approx(0.5**2 / 4, rel=0.1)
        assert _column(F, names, "lambda3", 1.0)[0] == pytest.approx(0.0, abs=1e-12)
        assert _column(F, names, "dim2d", 1.0)[0] == pytest.approx(1.0, abs=0.1)
        assert _column(F, names, "verticality", 1.0)[0] == pytest.approx(vertical, abs=1e-9)
        # density: points in the sphere / its volume = areal density * pi r^2 / (4/3 pi r^3)
        expected = len(cloud) / 36 * np.pi * 0.5**2 / (4 / 3 * np.pi * 0.5**3)
        assert _column(F, names, "density", 1.0)[0] == pytest.approx(expected, rel=0.1)


def test_ball_is_three_dimensional_with_variance_r2_over_5():
    rng = np.random.default_rng(3)
    pts = rng.uniform(-2, 2, (200000, 3))
    F, names = covariance_features(pts, np.zeros((1, 3)), [2.0])
    lam = F[0, :3]
    np.testing.assert_allclose(lam, 1.0 / 5, rtol=0.06)  # uniform ball of radius 1
    assert _column(F, names, "dim3d", 2.0)[0] > 0.85
    assert F[0, 3:6].sum() == pytest.approx(1.0)


def _brute_force(points, core, diameter):
    rows = []
    for c in core:
        nb = points[np.linalg.norm(points - c, axis=1) <= diameter / 2]
        lam = np.sort(np.linalg.eigvalsh(np.cov(nb.T, bias=True)))[::-1]
        p = lam / lam.sum()
        rows.append([*lam, p[0] - p[1], 2 * (p[1] - p[2]), 3 * p[2], len(nb)])
    return np.array(rows)


def test_agrees_with_brute_force_and_does_not_depend_on_chunking():
    rng = np.random.default_rng(4)
    pts = rng.normal(size=(3000, 3)) * [2.0, 1.0, 0.3]
    core = pts[rng.choice(len(pts), 40, replace=False)]
    F, names = covariance_features(pts, core, [1.5, 3.0])
    F_small, _ = covariance_features(pts, core, [1.5, 3.0], max_pairs=50)
    np.testing.assert_allclose(F_small, F, rtol=1e-10, atol=1e-12)
    for d in (1.5, 3.0):
        ref = _brute_force(pts, core, d)
        cols = [names.index(f"{f}_D{d:g}m") for f in FEATURES_PER_SCALE[:6]]
        np.testing.assert_allclose(F[:, cols], ref[:, :6], rtol=1e-7, atol=1e-10)
        volume = 4 / 3 * np.pi * (d / 2) ** 3
        np.testing.assert_allclose(_column(F, names, "density", d), ref[:, 6] / volume)


def test_sparse_neighbourhoods_stay_finite_and_undecided():
    pts = np.array([[0.0, 0, 0], [0.1, 0, 0], [10, 10, 10]])
    core = np.array([[0.0, 0, 0], [5.0, 5, 5]])  # two neighbours; none
    F, names = covariance_features(pts, core, [0.5])
    assert np.isfinite(F).all()
    np.testing.assert_allclose(F[:, 3:6], 1 / 3)  # the centre of the triangle
    assert (_column(F, names, "verticality", 0.5) == 0).all()
    assert _column(F, names, "density", 0.5)[1] == 0
    F_empty, _ = covariance_features(pts, np.empty((0, 3)), [0.5])
    assert F_empty.shape == (0, len(FEATURES_PER_SCALE))


def test_deterministic_and_core_points_outside_the_cloud():
    rng = np.random.default_rng(5)
    pts = rng.uniform(0, 10, (5000, 3))
    grid = np.stack(np.meshgrid(*[np.linspace(0, 10, 4)] * 3), -1).reshape(-1, 3)
    a, _ = covariance_features(pts, grid, [1.0, 3.0])
    b, _ = covariance_features(pts.copy(), grid.copy(), [1.0, 3.0])
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("points", "core", "scales", "match"),
    [
        (np.zeros((5, 2)), np.zeros((1, 3)), [1.0], r"points must have shape \(n, 3\)"),
        (np.zeros((5, 3)), np.zeros(3), [1.0], r"core_points must have shape"),
        (np.full((5, 3), np.nan), np.zeros((1, 3)), [1.0], "points row 0 is not finite"),
        (np.zeros((5, 3)), np.zeros((1, 3)), [], "non-empty"),
        (np.zeros((5, 3)), np.zeros((1, 3)), [1.0, -1.0], "finite and > 0"),
        (np.zeros((5, 3)), np.zeros((1, 3)), [1.0, 1.0], "distinct"),
        (np.empty((0, 3)), np.zeros((1, 3)), [1.0], "points is empty"),
    ],
)
def test_bad_input_is_named(points, core, scales, match):
    with pytest.raises(ValueError, match=match):
        covariance_features(points, core, scales)


def test_bad_types_and_max_pairs():
    with pytest.raises(TypeError, match="points must be numbers"):
        covariance_features("abc", np.zeros((1, 3)), [1.0])
    with pytest.raises(ValueError, match="max_pairs"):
        covariance_features(np.zeros((5, 3)), np.zeros((1, 3)), [1.0], max_pairs=0)
