"""The mantle classifier of Lecture 1: architecture, standardisation, the required data."""

import keras
import numpy as np
import pytest

import dlies
from dlies.models import mantle_classifier


def _layers(n=64, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 8)) * 1e3 + 5


def test_mantle_classifier_architecture_and_outputs():
    X = _layers()
    m = mantle_classifier((8,), hidden=(16, 8, 4), adapt_data=X)
    assert isinstance(m, keras.Model) and m.output_shape == (None, 1)
    # 8->16->8->4->1 dense weights plus the normalisation statistics (non-trainable)
    assert m.count_params() - 17 == 8 * 16 + 16 + 16 * 8 + 8 + 8 * 4 + 4 + 4 + 1
    p = m.predict(X[:5], verbose=0)
    assert np.all((p >= 0) & (p <= 1))


def test_inputs_are_standardised_with_the_training_statistics():
    X = _layers(500)
    m = mantle_classifier(adapt_data=X)
    z = keras.Model(m.input, m.get_layer("standardise").output).predict(X, verbose=0)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-3)
    np.testing.assert_allclose(z.std(axis=0), 1.0, atol=1e-3)


def test_adapt_data_is_required_and_must_match():
    # without it Normalization passes raw inputs (nu ~ 1e16) through unchanged
    with pytest.raises(TypeError, match="adapt_data"):
        mantle_classifier((8,))
    for wrong in (_layers()[:, :3], _layers()[:, :1], _layers()[0]):
        with pytest.raises(ValueError, match="adapt_data"):
            mantle_classifier((8,), adapt_data=wrong)
    with pytest.raises(ValueError):
        mantle_classifier((8,), hidden=(16, 0), adapt_data=_layers())


def test_shown_source_fits_on_a_slide():
    shown = dlies.show_source(mantle_classifier)
    assert len(getattr(shown, "data", shown).splitlines()) <= 25
