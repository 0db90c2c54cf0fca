"""The aftershock models: DeVries et al. (2018)'s network and Mignan & Broccardo (2019)'s neuron."""

from __future__ import annotations

import keras

from dlies._validate import validate_params
from dlies.models._checks import COUNT, DROPOUT, NAME, SHAPE


def devries_network(
    input_shape=(12,), *, hidden_layers=6, units=50, dropout=0.5, name="devries_network"
) -> keras.Model:
    """DeVries et al. (2018, *Nature* 560, 632): six Dense(50, tanh) layers, each followed by
    Dropout(0.5), and a sigmoid output; 13 451 parameters for the 12 stress inputs. Not
    compiled (the paper used Keras 2's ``adadelta``, learning rate 1.0)."""
    inputs = keras.Input(shape=input_shape, name="stress_inputs")
    x = inputs
    for _ in range(hidden_layers):
        x = keras.layers.Dense(units, activation="tanh", kernel_initializer="lecun_uniform")(x)
        x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(
        1, activation="sigmoid", kernel_initializer="lecun_uniform", name="p_aftershock"
    )(x)
    return keras.Model(inputs, outputs, name=name)


def one_neuron(input_shape=(1,), *, name="one_neuron") -> keras.Model:
    """Logistic regression ``p = sigmoid(w x + b)`` on one stress metric: 2 parameters
    (Mignan & Broccardo 2019, *Nature* 574). Not compiled."""
    inputs = keras.Input(shape=input_shape, name="stress_metric")
    # zero start, the usual choice for logistic regression (its loss is convex)
    outputs = keras.layers.Dense(
        1, activation="sigmoid", kernel_initializer="zeros", name="p_aftershock"
    )(inputs)
    return keras.Model(inputs, outputs, name=name)


# Argument checks, declared apart from the builders so that show_source shows each builder
# as the lecture reads it.
devries_network = validate_params(
    input_shape=SHAPE, hidden_layers=COUNT, units=COUNT, dropout=DROPOUT, name=NAME
)(devries_network)
one_neuron = validate_params(input_shape=SHAPE, name=NAME)(one_neuron)
