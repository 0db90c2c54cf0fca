"""The aftershock models: DeVries et al. (2018)'s network and Mignan & Broccardo (2019)'s neuron."""

from __future__ import annotations

import keras

from dlies.models._checks import check_rate, check_shape


def devries_network(
    input_shape: tuple[int, ...] = (12,),
    *,
    hidden_layers: int = 6,
    units: int = 50,
    dropout: float = 0.5,
    name: str = "devries_network",
) -> keras.Model:
    """The fully connected network of DeVries et al. (2018, *Nature* 560, 632).

    Six ``Dense(50, tanh, lecun_uniform)`` layers, each followed by ``Dropout(0.5)``, and a
    ``Dense(1, sigmoid, lecun_uniform)`` output: 13 451 parameters for the 12 stress inputs
    (|σ_ij| in MPa and their negatives). The output is read as the probability that a grid
    cell holds an aftershock.

    Parameters
    ----------
    input_shape : tuple of int, default (12,)
    hidden_layers : int, default 6
    units : int, default 50
        Width of every hidden layer.
    dropout : float, default 0.5
        Dropout rate after every hidden layer.
    name : str

    Returns
    -------
    keras.Model
        Not compiled (the paper used Keras 2's ``adadelta``, whose learning rate was 1.0).
    """
    shape = check_shape(input_shape)
    for label, value in (("hidden_layers", hidden_layers), ("units", units)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}")
    rate = check_rate("dropout", dropout)
    inputs = keras.Input(shape=shape, name="stress_inputs")
    x = inputs
    for i in range(hidden_layers):
        x = keras.layers.Dense(
            units, activation="tanh", kernel_initializer="lecun_uniform", name=f"dense_{i + 1}"
        )(x)
        x = keras.layers.Dropout(rate, name=f"dropout_{i + 1}")(x)
    outputs = keras.layers.Dense(
        1, activation="sigmoid", kernel_initializer="lecun_uniform", name="p_aftershock"
    )(x)
    return keras.Model(inputs, outputs, name=name)


def one_neuron(input_shape: tuple[int, ...] = (1,), *, name: str = "one_neuron") -> keras.Model:
    """Logistic regression, one sigmoid neuron: Mignan & Broccardo (2019, *Nature* 574).

    ``p = sigmoid(w · x + b)``. With one scalar input (a stress metric, e.g. log10 of the sum
    of the absolute stress components) it has 2 parameters, against the 13 451 of
    :func:`devries_network`.

    Parameters
    ----------
    input_shape : tuple of int, default (1,)
    name : str

    Returns
    -------
    keras.Model
        Not compiled.
    """
    shape = check_shape(input_shape)
    inputs = keras.Input(shape=shape, name="stress_metric")
    # zero start, the usual choice for logistic regression (its loss is convex)
    outputs = keras.layers.Dense(
        1, activation="sigmoid", kernel_initializer="zeros", name="p_aftershock"
    )(inputs)
    return keras.Model(inputs, outputs, name=name)
