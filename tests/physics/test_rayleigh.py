import numpy as np
import pytest

from dlies.physics.rayleigh import (
    RA_CR_MIN,
    WAVELENGTH_RATIO_AT_MIN,
    critical_rayleigh,
    rayleigh_number,
)


def test_minimum_of_critical_rayleigh_is_27_pi4_over_4_at_2_sqrt2():
    lam = np.linspace(0.5, 10, 200_001)
    ra = critical_rayleigh(lam)
    i = np.argmin(ra)
    assert ra[i] == pytest.approx(27 * np.pi**4 / 4, rel=1e-9)
    assert lam[i] == pytest.approx(2 * np.sqrt(2), abs=1e-4)
    assert RA_CR_MIN == pytest.approx(657.511, abs=1e-3)
    assert critical_rayleigh(WAVELENGTH_RATIO_AT_MIN) == pytest.approx(RA_CR_MIN)


def test_critical_rayleigh_known_value_and_vectorised():
    # lambda* = 2: pi^4 * 8^3 / (4 * 16) = 8 pi^4
    assert critical_rayleigh(2.0) == pytest.approx(8 * np.pi**4)
    out = critical_rayleigh(np.array([[1.0, 2.0], [4.0, 8.0]]))
    assert out.shape == (2, 2)
    assert np.all(out >= RA_CR_MIN)


def test_rayleigh_number_formula_and_broadcasting():
    ra = rayleigh_number(alpha=3e-5, g=10.0, delta_t=1000.0, thickness=1e5, nu=1e16, kappa=1e-6)
    assert ra == pytest.approx(3e-5 * 10 * 1000 * 1e15 / (1e16 * 1e-6))
    ra = rayleigh_number(
        alpha=np.array([1e-5, 2e-5]), g=9.8, delta_t=100.0, thickness=1e4, nu=1.0, kappa=1.0
    )
    assert ra.shape == (2,)
    assert ra[1] == pytest.approx(2 * ra[0])


@pytest.mark.parametrize("name", ["alpha", "g", "delta_t", "thickness", "nu", "kappa"])
@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf])
def test_rayleigh_number_rejects_non_positive(name, bad):
    kw = dict(alpha=3e-5, g=10.0, delta_t=1000.0, thickness=1e5, nu=1e16, kappa=1e-6)
    kw[name] = bad
    with pytest.raises(ValueError, match=name):
        rayleigh_number(**kw)


@pytest.mark.parametrize("bad", [0.0, -2.0, [1.0, 0.0], np.nan])
def test_critical_rayleigh_rejects_non_positive(bad):
    with pytest.raises(ValueError, match="wavelength_ratio"):
        critical_rayleigh(bad)
