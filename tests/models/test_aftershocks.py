"""The aftershock models: DeVries et al.'s 13 451-parameter network and the one neuron."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from dlies.models import devries_network, one_neuron


def test_devries_network_is_the_papers():
    model = devries_network()
    assert model.count_params() == 13_451
    dense = [layer for layer in model.layers if layer.__class__.__name__ == "Dense"]
    drops = [layer for layer in model.layers if layer.__class__.__name__ == "Dropout"]
    assert len(dense) == 7 and len(drops) == 6
    assert all(layer.get_config()["activation"] == "tanh" for layer in dense[:-1])
    assert dense[-1].get_config()["activation"] == "sigmoid"
    assert all(d.rate == 0.5 for d in drops)
    assert model(np.zeros((3, 12), np.float32)).shape == (3, 1)
    assert devries_network(hidden_layers=2, units=8).count_params() == 12 * 8 + 8 + 8 * 8 + 8 + 9


def test_one_neuron_has_two_parameters_and_starts_at_one_half():
    neuron = one_neuron()
    assert neuron.count_params() == 2
    np.testing.assert_allclose(neuron(np.array([[3.0], [-1.0]], np.float32)), 0.5)


def test_keras_rejects_what_would_be_wrong():
    with pytest.raises(ValueError):
        devries_network(dropout=1.5)
    with pytest.raises(ValueError):
        devries_network(units=0)


@pytest.mark.parametrize("builder", [devries_network, one_neuron])
def test_source_is_short_enough_to_show(builder):
    assert len(inspect.getsource(builder).splitlines()) <= 25
