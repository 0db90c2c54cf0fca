"""dlies.physics.stress and dlies.physics.faults against hand-computed answers."""

from __future__ import annotations

import numpy as np
import pytest

from dlies.physics import faults, seismicity, stress

S3 = np.sqrt(3.0)


def tensor(xx=0.0, yy=0.0, zz=0.0, xy=0.0, xz=0.0, yz=0.0):
    return stress.stress_tensor(xx, yy, zz, xy, xz, yz)


def rot_z_clockwise(theta_deg):
    """Rotate vectors clockwise (seen from above) by theta in (east, north, up)."""
    t = np.deg2rad(theta_deg)
    return np.array([[np.cos(t), np.sin(t), 0], [-np.sin(t), np.cos(t), 0], [0, 0, 1]])


# ----------------------------------------------------------------------------- invariants


@pytest.mark.parametrize(
    "sigma, principal, tau_max, vm, total",
    [
        (tensor(xx=10.0), [10, 0, 0], 5.0, 10.0, 10.0),  # uniaxial tension
        (tensor(zz=-10.0), [0, 0, -10], 5.0, 10.0, 10.0),  # uniaxial compression
        (tensor(xy=3.0), [3, 0, -3], 3.0, 3 * S3, 3.0),  # pure shear
        (tensor(xz=-2.0), [2, 0, -2], 2.0, 2 * S3, 2.0),  # pure shear, other plane
        (tensor(xx=-2.0, yy=-2.0, zz=-2.0), [-2, -2, -2], 0.0, 0.0, 6.0),  # hydrostatic
    ],
)
def test_invariants_hand_computed(sigma, principal, tau_max, vm, total):
    np.testing.assert_allclose(stress.principal_stresses(sigma), principal, atol=1e-12)
    assert stress.max_shear(sigma) == pytest.approx(tau_max, abs=1e-12)
    assert stress.von_mises(sigma) == pytest.approx(vm, abs=1e-12)
    assert stress.abs_sum(sigma) == pytest.approx(total, abs=1e-12)


def test_biaxial_max_shear_uses_extreme_principal_stresses():
    # principal 4, 1, -2: max shear (4 - (-2)) / 2 = 3; J2 = ((4-1)^2 + (1+2)^2 + (-2-4)^2)/6 = 9
    sigma = tensor(xx=4.0, yy=1.0, zz=-2.0)
    assert stress.max_shear(sigma) == pytest.approx(3.0)
    assert stress.von_mises(sigma) == pytest.approx(np.sqrt(27.0))


def test_invariants_do_not_depend_on_the_frame_but_abs_sum_does():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 3))
    sigma = a + a.T
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    rotated = q @ sigma @ q.T
    np.testing.assert_allclose(stress.principal_stresses(rotated), stress.principal_stresses(sigma))
    assert stress.max_shear(rotated) == pytest.approx(stress.max_shear(sigma))
    assert stress.von_mises(rotated) == pytest.approx(stress.von_mises(sigma))
    assert stress.abs_sum(rotated) != pytest.approx(stress.abs_sum(sigma))


def test_batched_shapes_and_units_scale():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(4, 5, 3, 3))
    sigma = a + np.swapaxes(a, -1, -2)
    assert stress.principal_stresses(sigma).shape == (4, 5, 3)
    for f in (stress.max_shear, stress.von_mises, stress.abs_sum):
        assert f(sigma).shape == (4, 5)
        np.testing.assert_allclose(f(1e6 * sigma), 1e6 * f(sigma))  # Pa vs MPa alike


# ----------------------------------------------------------------------------- Coulomb


def test_fault_vectors_orthonormal_and_oriented():
    normal, slip = stress.fault_vectors(strike=[0, 45, 200], dip=[30, 60, 90], rake=[90, -30, 180])
    np.testing.assert_allclose(np.linalg.norm(normal, axis=-1), 1)
    np.testing.assert_allclose(np.linalg.norm(slip, axis=-1), 1)
    np.testing.assert_allclose(np.sum(normal * slip, axis=-1), 0, atol=1e-15)
    # strike 0, dip 30: dips to the east, normal into the hanging wall points up and east
    np.testing.assert_allclose(normal[0], [0.5, 0, np.sqrt(3) / 2], atol=1e-15)
    # reverse slip: hanging wall moves up-dip, i.e. up and west
    np.testing.assert_allclose(slip[0], [-np.sqrt(3) / 2, 0, 0.5], atol=1e-15)
    # rake 0 on a north-striking vertical plane is left-lateral: east block moves north
    n, s = stress.fault_vectors(0, 90, 0)
    np.testing.assert_allclose(n, [1, 0, 0], atol=1e-15)
    np.testing.assert_allclose(s, [0, 1, 0], atol=1e-15)


def test_coulomb_pure_shear_on_vertical_planes():
    sigma = tensor(xy=2.0)  # tension along NE-SW, compression along NW-SE
    # north-striking plane: left-lateral promoted, right-lateral inhibited, no normal stress
    assert stress.coulomb_stress_change(sigma, strike=0, dip=90, rake=0) == pytest.approx(2.0)
    assert stress.coulomb_stress_change(sigma, strike=0, dip=90, rake=180) == pytest.approx(-2.0)
    # east-striking plane: right-lateral promoted (the conjugate plane)
    assert stress.coulomb_stress_change(sigma, strike=90, dip=90, rake=180) == pytest.approx(2.0)


def test_coulomb_uniaxial_and_hydrostatic():
    # tension normal to a north-striking vertical plane unclamps it: mu * s
    sig = tensor(xx=5.0)
    assert stress.coulomb_stress_change(sig, strike=0, dip=90, rake=0, mu=0.4) == pytest.approx(2.0)
    # hydrostatic pressure p: no shear on any plane, dCFS = mu * p
    hyd = tensor(xx=-3.0, yy=-3.0, zz=-3.0)
    for strike, dip, rake in [(0, 90, 0), (33, 20, 90), (250, 70, -45)]:
        got = stress.coulomb_stress_change(hyd, strike=strike, dip=dip, rake=rake, mu=0.6)
        assert got == pytest.approx(-1.8)


def test_coulomb_thrust_and_normal_fault_under_horizontal_compression():
    sigma = tensor(xx=-1.0)  # E-W compression
    # plane dipping 30 deg east: tau = sin(d)cos(d) = 0.4330, sigma_n = -sin^2(d) = -0.25
    thrust = stress.coulomb_stress_change(sigma, strike=0, dip=30, rake=90, mu=0.4)
    normal = stress.coulomb_stress_change(sigma, strike=0, dip=30, rake=-90, mu=0.4)
    assert thrust == pytest.approx(np.sqrt(3) / 4 - 0.1)
    assert normal == pytest.approx(-np.sqrt(3) / 4 - 0.1)
    assert stress.coulomb_stress_change(sigma, strike=0, dip=30, rake=90, mu=0.0) == pytest.approx(
        np.sqrt(3) / 4
    )


def test_coulomb_rotates_with_strike():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(3, 3))
    sigma = a + a.T
    r = rot_z_clockwise(40.0)
    rotated = r @ sigma @ r.T
    for dip, rake in [(90, 0), (45, 90), (70, -120)]:
        before = stress.coulomb_stress_change(sigma, strike=10, dip=dip, rake=rake)
        after = stress.coulomb_stress_change(rotated, strike=50, dip=dip, rake=rake)
        assert after == pytest.approx(before)


def test_coulomb_broadcasts_planes_against_tensors():
    sigma = np.stack([tensor(xy=1.0), tensor(xy=2.0)])
    got = stress.coulomb_stress_change(sigma[:, None], strike=0, dip=90, rake=[0, 180, 0])
    np.testing.assert_allclose(got, [[1, -1, 1], [2, -2, 2]])


@pytest.mark.parametrize(
    "sigma, err",
    [
        (np.zeros((3, 2)), ValueError),
        (np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0.0]]), ValueError),  # not symmetric
        (np.full((3, 3), np.nan), ValueError),
        ("abc", TypeError),
    ],
)
def test_bad_tensors(sigma, err):
    with pytest.raises(err, match="sigma"):
        stress.von_mises(sigma)


def test_bad_plane_and_friction():
    sigma = tensor(xy=1.0)
    with pytest.raises(ValueError, match="dip"):
        stress.coulomb_stress_change(sigma, strike=0, dip=120, rake=0)
    with pytest.raises(ValueError, match="mu"):
        stress.coulomb_stress_change(sigma, strike=0, dip=90, rake=0, mu=-0.1)
    with pytest.raises(TypeError, match="mu"):
        stress.coulomb_stress_change(sigma, strike=0, dip=90, rake=0, mu="0.4")
    with pytest.raises(ValueError, match="strike"):
        stress.coulomb_stress_change(sigma, strike=np.nan, dip=90, rake=0)


# ----------------------------------------------------------------------------- seismicity law


def test_dieterich_ratio_limits():
    kw = dict(a_sigma=0.04, duration=1.0, aftershock_duration=10.0)
    assert seismicity.dieterich_ratio(0.0, **kw) == pytest.approx(1.0)  # background rate
    assert seismicity.dieterich_ratio(-1.0, **kw) < 1e-9  # deep stress shadow
    # large steps: N/(rT) -> (ta/T) (dCFS/Asigma + ln(e^{T/ta} - 1))
    big = seismicity.dieterich_ratio(2.0, **kw)
    assert big == pytest.approx(10 * (50 + np.log(np.expm1(0.1))), rel=1e-12)
    x = np.linspace(-1, 1, 11)  # monotonic in the stress step
    assert np.all(np.diff(seismicity.dieterich_ratio(x, **kw)) > 0)


def test_random_receivers_isotropic():
    n, s = seismicity.random_receivers(20000, np.random.default_rng(3))
    np.testing.assert_allclose(np.linalg.norm(n, axis=1), 1)
    np.testing.assert_allclose(np.sum(n * s, axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(n.mean(axis=0), 0, atol=0.02)
    np.testing.assert_allclose(n.T @ n / len(n), np.eye(3) / 3, atol=0.02)


# ----------------------------------------------------------------------------- dislocations


def test_cutde_slip_convention_matches_aki_richards():
    """The displacement jump across the fault equals the hanging-wall slip vector."""
    import cutde.halfspace as hs

    for strike, dip, rake in [(30, 40, 90), (200, 60, -45), (0, 90, 180), (123, 15, 10)]:
        f = faults.RectangularFault(
            strike=strike,
            dip=dip,
            rake=rake,
            length=20e3,
            width=10e3,
            top_depth=2e3,
            slip=np.ones((2, 2)),
        )
        tris, slip = faults.fault_mesh(f)
        normal, direction = stress.fault_vectors(strike, dip, rake)
        c = tris[0].mean(axis=0)
        d = hs.disp_free(np.array([c + normal, c - normal]), tris, slip, faults.POISSON)
        np.testing.assert_allclose(d[0] - d[1], direction, atol=2e-3)


def test_strike_slip_stress_pattern_and_free_surface():
    """Right-lateral N-S fault: stress drop on the fault, Coulomb lobes at the tips, shadows
    beside it, and a traction-free surface."""
    f = faults.RectangularFault(
        strike=0, dip=90, rake=180, length=40e3, width=12e3, top_depth=0.0, slip=np.ones((2, 4))
    )
    pts = np.array(
        [
            [500.0, 0, -6e3],  # beside the fault centre
            [0, 30e3, -6e3],  # beyond the northern tip
            [0, -30e3, -6e3],  # beyond the southern tip
            [12e3, 0, -6e3],  # 12 km east of the centre
            [7e3, 3e3, 0.0],  # on the free surface
        ]
    )
    sig = faults.fault_stress(pts, f) / 1e6
    dcfs = stress.coulomb_stress_change(sig, strike=0, dip=90, rake=180)
    assert dcfs[0] < -1.0  # a few MPa stress drop next to 1 m of slip
    assert dcfs[1] > 0.05 and dcfs[2] > 0.05
    assert dcfs[1] == pytest.approx(dcfs[2], rel=1e-6)  # symmetry about the fault centre
    assert dcfs[3] < 0
    np.testing.assert_allclose(sig[4][:, 2], 0, atol=1e-6)  # sigma_xz = sigma_yz = sigma_zz = 0


def test_moment_magnitude_and_distances():
    f = faults.RectangularFault(
        strike=90, dip=90, rake=0, length=10e3, width=5e3, top_depth=1e3, slip=np.full((1, 2), 2.0)
    )
    # M0 = 3e10 * 10e3 * 5e3 * 2 = 3e18 N m -> Mw = 2/3 (18.477 - 9.1)
    assert faults.moment_magnitude(f) == pytest.approx(2 / 3 * (np.log10(3e18) - 9.1))
    assert faults.horizontal_distance(0.0, 0.0, f) == 0.0
    assert faults.horizontal_distance(8e3, 0.0, f) == pytest.approx(3e3)  # beyond the east tip
    assert faults.horizontal_distance(0.0, -4e3, f) == pytest.approx(4e3)
    assert f.distance(np.array([[0.0, 0.0, -3.5e3]]))[0] == pytest.approx(0.0)
    assert f.distance(np.array([[0.0, 0.0, -10e3]]))[0] == pytest.approx(4e3)


def test_fault_rejects_bad_input():
    with pytest.raises(ValueError, match="dip"):
        faults.RectangularFault(strike=0, dip=0, rake=0, length=1, width=1, top_depth=0, slip=1.0)
    with pytest.raises(ValueError, match="slip"):
        faults.RectangularFault(strike=0, dip=45, rake=0, length=1, width=1, top_depth=0, slip=-1.0)
    f = faults.RectangularFault(
        strike=0, dip=45, rake=0, length=1e3, width=1e3, top_depth=0, slip=1.0
    )
    with pytest.raises(ValueError, match="half-space"):
        faults.fault_stress(np.array([[0.0, 0.0, 10.0]]), f)


# ----------------------------------------------------------------------------- Table 1 quantities


@pytest.mark.parametrize(
    "sigma, i1, i2, i3",
    [
        (tensor(xx=10.0), 10.0, 0.0, 0.0),  # uniaxial
        (tensor(xx=-2.0, yy=-2.0, zz=-2.0), -6.0, 12.0, -8.0),  # hydrostatic: 3p, 3p², p³
        (tensor(xy=3.0), 0.0, -9.0, 0.0),  # pure shear: principal 3, 0, -3
        (tensor(xx=1.0, yy=2.0, zz=3.0), 6.0, 11.0, 6.0),
    ],
)
def test_stress_invariants_hand_computed(sigma, i1, i2, i3):
    got = stress.stress_invariants(sigma)
    np.testing.assert_allclose(got, (i1, i2, i3), atol=1e-12)


def test_invariants_agree_with_principal_stresses_and_von_mises():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(50, 3, 3))
    sigma = a + np.swapaxes(a, 1, 2)
    i1, i2, i3 = stress.stress_invariants(sigma)
    p = stress.principal_stresses(sigma)
    np.testing.assert_allclose(i1, p.sum(axis=1), atol=1e-10)
    np.testing.assert_allclose(i2, p[:, 0] * p[:, 1] + p[:, 1] * p[:, 2] + p[:, 0] * p[:, 2])
    np.testing.assert_allclose(i3, p.prod(axis=1), atol=1e-10)
    # the paper's von Mises: sqrt(3 J2) = sqrt(I1^2 - 3 I2)
    np.testing.assert_allclose(stress.von_mises(sigma), np.sqrt(i1**2 - 3 * i2))
    dev = stress.deviatoric(sigma)
    np.testing.assert_allclose(stress.stress_invariants(dev)[0], 0.0, atol=1e-12)
    np.testing.assert_allclose(stress.max_shear(dev), stress.max_shear(sigma))
    rot = rot_z_clockwise(37.0)
    turned = rot @ sigma @ rot.T
    for a_, b_ in zip(stress.stress_invariants(turned), (i1, i2, i3), strict=True):
        np.testing.assert_allclose(a_, b_, atol=1e-10)


def test_resolved_stresses_split_the_traction():
    # right-lateral shear on a vertical north-striking plane: sigma_xy = -1 (tension positive)
    sigma = tensor(xy=-1.0, xx=-0.5)
    tau, tau_perp, sigma_n = stress.resolved_stresses(sigma, strike=0, dip=90, rake=180)
    assert tau == pytest.approx(1.0) and tau_perp == pytest.approx(0.0, abs=1e-12)
    assert sigma_n == pytest.approx(-0.5)  # compression clamps the plane
    dcfs = stress.coulomb_stress_change(sigma, strike=0, dip=90, rake=180, mu=0.4)
    assert tau + 0.4 * sigma_n == pytest.approx(dcfs)
    # the same plane with rake 90 (dip slip): the strike-slip shear is now perpendicular
    tau, tau_perp, _ = stress.resolved_stresses(sigma, strike=0, dip=90, rake=90)
    assert tau == pytest.approx(0.0, abs=1e-12) and abs(tau_perp) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20, 3, 3))
    sig = a + np.swapaxes(a, 1, 2)
    t, tp, sn = stress.resolved_stresses(sig, strike=30, dip=60, rake=-45)
    normal, _ = stress.fault_vectors(30, 60, -45)
    traction = sig @ normal
    np.testing.assert_allclose(t**2 + tp**2 + sn**2, np.sum(traction**2, axis=1))
