"""The mantle-stability classifier of Lecture 1."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from dlies._validate import Array, validate_params
from dlies.models._checks import ACTIVATION, NAME, SHAPE, WIDTHS, adapt_array


def mantle_classifier(
    input_shape: tuple[int, ...] = (8,),
    *,
    adapt_data: np.ndarray,
    hidden: Sequence[int] = (64, 64, 32),
    activation: str = "relu",
    name: str = "mantle_classifier",
) -> keras.Model:
    """An MLP that maps the eight layer properties to the probability of label 1.

    ``Normalization`` (standardise each input column) → ``Dense`` layers of widths ``hidden``
    → ``Dense(1, sigmoid)``. The seed lecture used 8→16→8→4→2 with a softmax; a single sigmoid
    unit is the same two-class model with half the output weights.

    Parameters
    ----------
    input_shape : tuple of int, default (8,)
    adapt_data : array of shape (n, *input_shape)
        Training inputs from which ``Normalization`` learns each column's mean and variance.
        Required: a ``Normalization`` layer that was never adapted passes its inputs through
        unchanged, and raw inputs such as ν ≈ 10¹⁶ m²/s would then stall training.
    hidden : sequence of int, default (64, 64, 32)
        Widths of the hidden layers.
    activation : str, default "relu"
    name : str

    Returns
    -------
    keras.Model
        Not compiled.
    """
    standardise = keras.layers.Normalization(axis=-1, name="standardise")
    standardise.adapt(adapt_array(adapt_data, input_shape))
    inputs = keras.Input(shape=input_shape, name="layer_properties")
    x = standardise(inputs)
    for i, width in enumerate(hidden, start=1):
        x = keras.layers.Dense(width, activation=activation, name=f"hidden_{i}")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="p_mode_grows")(x)
    return keras.Model(inputs, outputs, name=name)


# Argument checks, declared apart from the builders so that show_source shows each builder
# as the lecture reads it.
mantle_classifier = validate_params(
    input_shape=SHAPE,
    adapt_data=Array(min_size=2),
    hidden=WIDTHS,
    activation=ACTIVATION,
    name=NAME,
)(mantle_classifier)
