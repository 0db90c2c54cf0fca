import numpy as np
import pytest

from dlies.physics.crust import (
    BASIN_CRUST,
    GENERIC_CRUST,
    CrustalModel,
    first_arrival,
    s_minus_p_time,
)

HALF_SPACE = CrustalModel("half-space", layer_top_km=(0.0,), vp_km_s=(6.0,))
TWO_LAYERS = CrustalModel("layer over half-space", layer_top_km=(0.0, 10.0), vp_km_s=(5.0, 8.0))


def test_half_space_is_a_straight_ray():
    d = np.array([0.0, 3.0, 10.0, 50.0])
    t, p = first_arrival(HALF_SPACE, d, 4.0)
    r = np.hypot(d, 4.0)
    np.testing.assert_allclose(t, r / 6.0, rtol=1e-9)
    np.testing.assert_allclose(p, d / r / 6.0, atol=1e-9)


def test_surface_source_over_a_layer_gives_direct_wave_then_head_wave():
    v1, v2, h = 5.0, 8.0, 10.0
    cos_ic = np.sqrt(1 - (v1 / v2) ** 2)
    intercept = 2 * h * cos_ic / v1
    crossover = intercept / (1 / v1 - 1 / v2)  # 41.6 km
    assert crossover == pytest.approx(2 * h * np.sqrt((v2 + v1) / (v2 - v1)))
    near, far = crossover - 5.0, crossover + 40.0
    t, p = first_arrival(TWO_LAYERS, [near, far], 0.0)
    assert t[0] == pytest.approx(near / v1)
    assert t[1] == pytest.approx(far / v2 + intercept)
    assert p[1] == pytest.approx(1 / v2)


def test_direct_wave_ray_parameter_reproduces_the_distance():
    depth, dist = 20.0, np.array([5.0, 15.0, 30.0])
    t, p = first_arrival(GENERIC_CRUST, dist, depth)
    tops = np.array(GENERIC_CRUST.layer_top_km)
    v = np.array(GENERIC_CRUST.vp_km_s)
    h = np.clip(np.minimum(np.append(tops[1:], np.inf), depth) - tops, 0, None)
    crossed = h > 0
    for ti, pi, di in zip(t, p, dist, strict=True):
        c = np.sqrt(1 - (pi * v[crossed]) ** 2)
        assert (h[crossed] * pi * v[crossed] / c).sum() == pytest.approx(di, abs=1e-6)
        assert (h[crossed] / (v[crossed] * c)).sum() == pytest.approx(ti, rel=1e-9)


def test_s_times_scale_with_vp_vs_and_s_minus_p_grows_with_distance():
    d = np.linspace(0.0, 150.0, 31)
    tp, pp = first_arrival(BASIN_CRUST, d, 8.0, "P")
    ts, ps = first_arrival(BASIN_CRUST, d, 8.0, "S")
    np.testing.assert_allclose(ts, BASIN_CRUST.vp_vs * tp, rtol=1e-9)
    np.testing.assert_allclose(ps, BASIN_CRUST.vp_vs * pp, rtol=1e-9)
    sp = s_minus_p_time(GENERIC_CRUST, d, 8.0)
    assert np.all(np.diff(sp) > 0)
    assert np.all(np.diff(first_arrival(GENERIC_CRUST, d, 8.0)[0]) > 0)


def test_broadcasting_and_errors():
    t, _ = first_arrival(GENERIC_CRUST, np.ones((2, 3)) * 10, np.array([2.0, 5.0, 9.0]))
    assert t.shape == (2, 3)
    with pytest.raises(ValueError, match="distance_km"):
        first_arrival(GENERIC_CRUST, -1.0, 5.0)
    with pytest.raises(ValueError, match="phase"):
        first_arrival(GENERIC_CRUST, 1.0, 5.0, "Q")
    with pytest.raises(ValueError, match="layer tops"):
        CrustalModel("bad", layer_top_km=(0.0, 5.0, 3.0), vp_km_s=(5.0, 6.0, 7.0))
    with pytest.raises(ValueError, match="one value per layer"):
        CrustalModel("bad", layer_top_km=(0.0, 5.0), vp_km_s=(5.0,))
