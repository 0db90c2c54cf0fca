"""make_quadratic: the law, the options, determinism and bad arguments."""

import numpy as np
import pytest

from dlies.datasets import make_quadratic


def test_make_quadratic_follows_the_law():
    x, y = make_quadratic(500, random_state=1)
    assert x.shape == y.shape == (500,)
    assert x.dtype == y.dtype == np.float32
    assert x.min() >= -10 and x.max() < 10
    np.testing.assert_allclose(y, 5 * x**2 + 14.3 * x + 8.9, rtol=1e-5, atol=1e-3)


def test_make_quadratic_custom_coef_range_and_noise():
    x, y = make_quadratic(2000, coef=(1.0, 0.0, -2.0), x_range=(0, 1), noise=0.5, random_state=0)
    assert 0 <= x.min() and x.max() < 1
    resid = y - (x**2 - 2)
    assert resid.std() == pytest.approx(0.5, rel=0.1)


def test_make_quadratic_same_seed_same_data():
    a = make_quadratic(50, noise=1.0, random_state=7)
    b = make_quadratic(50, noise=1.0, random_state=7)
    c = make_quadratic(50, noise=1.0, random_state=8)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_samples=0), "n_samples"),
        (dict(n_samples=-5), "n_samples"),
        (dict(x_range=(1, 1)), "x_range"),
        (dict(x_range=(2, -2)), "x_range"),
        (dict(x_range=(0, np.inf)), "x_range"),
        (dict(x_range=5), "x_range"),
        (dict(coef=(1, 2)), "coef"),
        (dict(noise=-1.0), "noise"),
    ],
)
def test_make_quadratic_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_quadratic(**kwargs)


def test_make_quadratic_rejects_non_integer_count():
    with pytest.raises(TypeError, match="n_samples"):
        make_quadratic(10.5)
