import numpy as np
import pytest
from scipy.integrate import solve_ivp

from dlies.physics import lorenz63 as l63


def _on_attractor(n=1, seed=0):
    return l63.make_lorenz63(1, n_trajectories=n, random_state=seed).states[:, 0]


def _reference(x0, t_end, **params):
    """DOP853 at rtol = atol = 1e-13: a high-accuracy solution to compare RK4 with."""
    sol = solve_ivp(
        lambda t, s: l63.vector_field(s, **params),
        (0.0, t_end),
        x0,
        method="DOP853",
        rtol=1e-13,
        atol=1e-13,
    )
    return sol.y[:, -1]


def test_vector_field_known_values():
    f = l63.vector_field([1.0, 2.0, 3.0])
    np.testing.assert_allclose(f, [10.0 * 1, 1 * (28 - 3) - 2, 1 * 2 - 8 / 3 * 3])
    f = l63.vector_field([1.0, 2.0, 3.0], sigma=1.0, rho=2.0, beta=3.0)
    np.testing.assert_allclose(f, [1.0, -3.0, -7.0])


def test_vector_field_is_vectorised_over_leading_axes():
    s = np.random.default_rng(0).normal(size=(4, 5, 3)) * 10
    f = l63.vector_field(s)
    assert f.shape == (4, 5, 3)
    np.testing.assert_allclose(f[2, 3], l63.vector_field(s[2, 3]))


def test_fixed_points_are_equilibria_and_match_the_formula():
    for params in ({}, {"sigma": 5.0, "rho": 12.0, "beta": 1.5}):
        points = l63.fixed_points(**params)
        assert points.shape == (3, 3)
        np.testing.assert_allclose(l63.vector_field(points, **params), 0.0, atol=1e-12)
    c = np.sqrt(8 / 3 * 27)
    np.testing.assert_allclose(l63.fixed_points()[1], [c, c, 27.0])
    # below rho = 1 only the origin is left
    np.testing.assert_array_equal(l63.fixed_points(rho=0.5), np.zeros((1, 3)))


def test_fixed_points_stability_for_classical_parameters():
    # rho = 28 exceeds the Hopf threshold sigma (sigma + beta + 3) / (sigma - beta - 1) = 24.74:
    # the origin is a saddle and C+- have a pair of unstable complex eigenvalues.
    for point in l63.fixed_points():
        eig = np.linalg.eigvals(l63.jacobian(point))
        assert np.max(eig.real) > 0
    eig_c = np.linalg.eigvals(l63.jacobian(l63.fixed_points()[1]))
    assert np.any(np.abs(eig_c.imag) > 0)


def test_divergence_is_the_trace_of_the_jacobian_everywhere():
    s = np.random.default_rng(1).normal(size=(50, 3)) * 15
    for params in ({}, {"sigma": 3.0, "rho": 5.0, "beta": 0.5}):
        div = l63.flow_divergence(**{k: v for k, v in params.items() if k in ("sigma", "beta")})
        traces = np.trace(l63.jacobian(s, **params), axis1=-2, axis2=-1)
        np.testing.assert_allclose(traces, div)
    assert l63.flow_divergence() == pytest.approx(-(10 + 1 + 8 / 3))


def test_jacobian_matches_finite_differences():
    s = _on_attractor(3)
    h = 1e-6
    jac = l63.jacobian(s)
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        fd = (l63.vector_field(s + e) - l63.vector_field(s - e)) / (2 * h)
        np.testing.assert_allclose(jac[:, :, j], fd, atol=1e-6)


def test_rk4_matches_a_high_accuracy_solver():
    x0 = _on_attractor()[0]
    ref = _reference(x0, 1.0)
    got = l63.integrate(x0, 100)[-1]
    # RK4 with dt = 0.01 over one time unit: about 1e-4 absolute on states of size ~20
    np.testing.assert_allclose(got, ref, rtol=0, atol=3e-4)
    params = {"sigma": 8.0, "rho": 20.0, "beta": 2.0}
    np.testing.assert_allclose(
        l63.integrate(x0, 200, dt=0.005, **params)[-1], _reference(x0, 1.0, **params), atol=2e-5
    )


def test_rk4_is_fourth_order():
    x0 = _on_attractor(seed=3)[0]
    ref = _reference(x0, 0.5)
    err_coarse = np.abs(l63.integrate(x0, 50, dt=0.01)[-1] - ref).max()
    err_fine = np.abs(l63.integrate(x0, 100, dt=0.005)[-1] - ref).max()
    assert 10 < err_coarse / err_fine < 24  # 2^4 = 16


def test_integrate_shapes_and_rk4_step_agree():
    x0 = _on_attractor(4)
    traj = l63.integrate(x0, 7)
    assert traj.shape == (4, 8, 3)
    np.testing.assert_array_equal(traj[:, 0], x0)
    np.testing.assert_allclose(traj[:, 1], l63.rk4_step(x0))
    assert l63.integrate(x0[0], 0).shape == (1, 3)


def test_make_lorenz63_stays_on_the_attractor_and_is_deterministic():
    a = l63.make_lorenz63(2000, n_trajectories=3, noise_std=[0.1, 0.2, 0.0], random_state=5)
    b = l63.make_lorenz63(2000, n_trajectories=3, noise_std=[0.1, 0.2, 0.0], random_state=5)
    np.testing.assert_array_equal(a.observations, b.observations)
    assert a.states.shape == a.observations.shape == (3, 2000, 3)
    np.testing.assert_allclose(a.time[:3], [0.0, 0.01, 0.02])
    # bounded, on the butterfly: |x|, |y| < 30, 0 < z < 55, and both wings visited
    assert np.abs(a.states[..., :2]).max() < 30
    assert 0 < a.states[..., 2].min() and a.states[..., 2].max() < 55
    assert (a.states[..., 0] > 5).any() and (a.states[..., 0] < -5).any()
    noise = (a.observations - a.states).reshape(-1, 3).std(axis=0)
    np.testing.assert_allclose(noise, [0.1, 0.2, 0.0], atol=0.01)
    single = l63.make_lorenz63(10, random_state=0)
    assert single.states.shape == (10, 3)
    np.testing.assert_array_equal(single.states, single.observations)


def test_leading_lyapunov_exponent_of_the_true_system():
    starts = _on_attractor(6, seed=2)

    def advance(s):
        return l63.integrate(s, 10)[:, -1]

    lam = l63.leading_lyapunov_exponent(
        advance, starts, interval=0.1, n_intervals=600, random_state=0
    )
    assert lam.shape == (6,)
    # 60 time units per start: finite-time estimates scatter by about 0.05 around 0.906
    assert np.all((lam > 0.7) & (lam < 1.1)), lam
    assert abs(lam.mean() - l63.LEADING_LYAPUNOV_EXPONENT) < 0.06, lam.mean()


def test_lyapunov_exponent_of_a_contraction_is_its_rate():
    # x' = -2 x: separations shrink as exp(-2 t)
    lam = l63.leading_lyapunov_exponent(
        lambda s: s * np.exp(-2 * 0.1), np.ones((2, 3)), interval=0.1, n_intervals=20
    )
    np.testing.assert_allclose(lam, -2.0)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: l63.vector_field([1.0, 2.0]), r"shape \(\.\.\., 3\)"),
        (lambda: l63.vector_field([1.0, np.nan, 2.0]), "non-finite"),
        (lambda: l63.vector_field([1.0, 2.0, 3.0], sigma=-1.0), "sigma"),
        (lambda: l63.vector_field([1.0, 2.0, 3.0], beta=np.inf), "beta"),
        (lambda: l63.integrate([1.0, 2.0, 3.0], 10, dt=0.0), "dt"),
        (lambda: l63.integrate([1.0, 2.0, 3.0], -1), "n_steps"),
        (lambda: l63.make_lorenz63(10, noise_std=-0.1), "noise_std"),
        (lambda: l63.make_lorenz63(10, noise_std=[0.1, 0.2]), "noise_std"),
        (lambda: l63.make_lorenz63(0), "n_samples"),
        (lambda: l63.make_lorenz63(10, spin_up=-1.0), "spin_up"),
        (
            lambda: l63.leading_lyapunov_exponent(
                lambda s: s, np.ones((2, 3)), interval=0.1, n_intervals=5, n_discard=5
            ),
            "n_discard",
        ),
        (
            lambda: l63.leading_lyapunov_exponent(
                lambda s: s, np.ones(3), interval=0.1, n_intervals=5
            ),
            r"states must be a \(n, 3\) array",
        ),
    ],
)
def test_bad_input_is_rejected(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_non_integer_counts_are_type_errors():
    with pytest.raises(TypeError, match="n_steps"):
        l63.integrate([1.0, 2.0, 3.0], 2.5)


def test_blow_up_is_reported():
    with pytest.raises(FloatingPointError, match="blew up"):
        l63.integrate([1.0, 1.0, 1.0], 500, dt=1.0)
