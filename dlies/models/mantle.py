"""The mantle-stability classifier of Lecture 1."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from dlies.models._checks import check_shape, check_units


def mantle_classifier(
    input_shape: tuple[int, ...] = (8,),
    *,
    hidden: Sequence[int] = (64, 64, 32),
    activation: str = "relu",
    adapt_data: np.ndarray | None = None,
    name: str = "mantle_classifier",
) -> keras.Model:
    """An MLP that maps the eight layer properties to P(unstable).

    ``Normalization`` (standardise each input column) → ``Dense`` layers of widths ``hidden``
    → ``Dense(1, sigmoid)``. The seed lecture used 8→16→8→4→2 with a softmax; a single sigmoid
    unit is the same two-class model with half the output weights.

    Parameters
    ----------
    input_shape : tuple of int, default (8,)
    hidden : sequence of int, default (64, 64, 32)
        Widths of the hidden layers.
    activation : str, default "relu"
    adapt_data : array of shape (n, *input_shape), optional
        Training inputs from which ``Normalization`` learns each column's mean and variance.
        Without it the layer must be adapted before training (``model.layers[1].adapt``).
    name : str

    Returns
    -------
    keras.Model
        Not compiled.
    """
    shape = check_shape(input_shape)
    widths = check_units("hidden", hidden)
    norm = keras.layers.Normalization(axis=-1, name="standardise")
    if adapt_data is not None:
        data = np.asarray(adapt_data, dtype="float32")
        if data.ndim != len(shape) + 1 or data.shape[1:] != shape:
            raise ValueError(
                f"adapt_data must have shape (n, {', '.join(map(str, shape))}), got {data.shape}"
            )
        norm.adapt(data)
    inputs = keras.Input(shape=shape, name="layer_properties")
    x = norm(inputs)
    for i, width in enumerate(widths):
        x = keras.layers.Dense(width, activation=activation, name=f"hidden_{i + 1}")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="p_unstable")(x)
    return keras.Model(inputs, outputs, name=name)
