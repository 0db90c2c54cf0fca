"""make_mantle_stability: labels follow linear stability theory, the seed's variant, errors."""

import numpy as np
import pytest

from dlies.datasets import make_mantle_stability
from dlies.datasets.mantle import DEFAULT_RANGES, mode_grows
from dlies.physics.rayleigh import RA_CR_MIN, WAVELENGTH_RATIO_AT_MIN, critical_rayleigh


def test_labels_say_whether_the_drawn_mode_grows():
    X, y, names = make_mantle_stability(20_000, random_state=0)
    assert X.shape == (20_000, 8) and y.shape == (20_000,) and y.dtype == np.int64
    assert len(names) == 8 and all("[" in n for n in names)
    g, alpha, nu, kappa, depth, b, lam, dt = X.T
    ra = alpha * g * dt * b**3 / (nu * kappa)
    np.testing.assert_array_equal(y, (ra > critical_rayleigh(lam / b)).astype(int))
    assert 0.3 <= y.mean() <= 0.7  # both classes well represented
    # a layer is unstable when Ra exceeds the curve's minimum: more layers than growing modes
    assert np.all(ra[y == 1] > RA_CR_MIN)
    assert np.mean(ra > RA_CR_MIN) > y.mean() + 0.1


def test_every_column_stays_in_its_range():
    X, _, _ = make_mantle_stability(5_000, random_state=1)
    low, high = np.array(list(DEFAULT_RANGES.values())).T
    assert np.all(X >= low) and np.all(X < high)
    assert X.flags["C_CONTIGUOUS"]


def test_depth_does_not_enter_the_label():
    X, y, _ = make_mantle_stability(2_000, random_state=2)
    g, alpha, nu, kappa, depth, b, lam, dt = X.T
    ra = alpha * g * dt * b**3 / (nu * kappa)
    np.testing.assert_array_equal(y, mode_grows(ra, lam / b))


def test_mode_grows_at_the_minimum_of_the_curve_and_at_zero():
    lam = np.full(3, WAVELENGTH_RATIO_AT_MIN)
    ra = np.array([0.999, 1.001, 2.0]) * RA_CR_MIN
    np.testing.assert_array_equal(mode_grows(ra, lam), [0, 1, 1])
    # Ra = 0 (the seed's zero depth) and lambda* = 0 are stable, with no division by zero
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(mode_grows(np.array([0.0, 1e9]), np.array([2.0, 0.0])), 0)


def test_seed_compatible_uses_depth_cubed():
    X, y, names = make_mantle_stability(20_000, random_state=0, seed_compatible=True)
    g, alpha, nu, kappa, d, b, lam, dt = X.T
    with np.errstate(divide="ignore"):
        ra_d = alpha * g * dt * d**3 / (nu * kappa)
        ra_cr = np.pi**4 * (4 + (lam / b) ** 2) ** 3 / (4 * (lam / b) ** 4)
    np.testing.assert_array_equal(y, (ra_d > ra_cr).astype(int))
    # the slide's ranges, in its scaled units
    assert g.min() >= 8 and g.max() <= 10
    assert np.all(b >= np.maximum(2500, d) - 1e-9) and b.max() <= 3500
    # with b instead of d the labels would differ for some samples
    ra_b = alpha * g * dt * b**3 / (nu * kappa)
    assert np.any((ra_b > ra_cr) != (ra_d > ra_cr))
    assert "seed units" in names[2]


@pytest.mark.parametrize("seed_compatible", [False, True])
def test_same_seed_same_data(seed_compatible):
    a = make_mantle_stability(300, random_state=3, seed_compatible=seed_compatible)
    b = make_mantle_stability(300, random_state=3, seed_compatible=seed_compatible)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    c = make_mantle_stability(300, random_state=4, seed_compatible=seed_compatible)
    assert not np.array_equal(a[0], c[0])


def test_generator_random_state_is_advanced():
    rng = np.random.default_rng(0)
    a = make_mantle_stability(50, random_state=rng)
    b = make_mantle_stability(50, random_state=rng)
    assert not np.array_equal(a[0], b[0])
    c = make_mantle_stability(50, random_state=np.random.default_rng(0))
    np.testing.assert_array_equal(a[0], c[0])


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n_samples"):
        make_mantle_stability(0)
    with pytest.raises(TypeError, match="n_samples"):
        make_mantle_stability("10")
    with pytest.raises(TypeError, match="seed_compatible"):
        make_mantle_stability(10, seed_compatible="yes")
