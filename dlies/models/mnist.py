"""Digit classifiers of the MNIST lectures: softmax regression, an MLP and a CNN.

All three take images of shape ``(28, 28)`` or ``(28, 28, 1)`` (grey levels in [0, 1], as
:func:`dlies.datasets.load_mnist` returns them) and end in ``Dense(num_classes, softmax)``:
the probability of each digit. They are returned **uncompiled**: the notebooks choose the
loss and the optimiser, two of the "four ingredients" (data, loss, network, learning).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from dlies._validate import validate_params
from dlies.models._checks import (
    ACTIVATION,
    AUGMENT,
    COUNT,
    DROPOUT,
    HIDDEN,
    L2,
    NAME,
    SHAPE,
    WIDTHS,
    dropout_rate,
)


def _augment(x, shift: float, rotation: float):
    """Random shifts (fraction of the image size) and rotations (fraction of a full turn).

    Keras's random layers act only while training (``fit``); ``predict`` and ``evaluate`` see
    the images as they are. Returns ``x`` unchanged when both are 0.
    """
    if not (shift or rotation):
        return x
    if len(x.shape) == 3:  # (batch, height, width): the image layers want a channel axis
        x = keras.layers.Reshape((*x.shape[1:], 1), name="add_channel")(x)
    fill = {"fill_mode": "constant"}  # uncovered pixels are black, like the background
    if shift:
        x = keras.layers.RandomTranslation(shift, shift, **fill, name="random_shift")(x)
    if rotation:
        x = keras.layers.RandomRotation(rotation, **fill, name="random_rotation")(x)
    return x


def softmax_regression(
    input_shape: tuple[int, ...] = (28, 28),
    *,
    num_classes: int = 10,
    l2: float = 0.0,
    name: str = "softmax_regression",
) -> keras.Model:
    r"""Softmax regression, :math:`y = \mathrm{softmax}(W x + b)`: a one-layer network.

    ``Flatten`` (28 × 28 → 784 pixels) → ``Dense(num_classes, softmax)``:
    784 · 10 weights + 10 biases = 7 850 parameters for MNIST.

    Parameters
    ----------
    input_shape : tuple of int, default (28, 28)
        Image shape (grey levels, dimensionless, in [0, 1]).
    num_classes : int, default 10
    l2 : float, default 0
        L2 penalty :math:`\lambda` on the weights (the loss gets :math:`\lambda \sum w^2`).
    name : str

    Returns
    -------
    keras.Model
        Not compiled.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = keras.layers.Flatten(name="pixels")(inputs)
    penalty = keras.regularizers.L2(l2) if l2 else None
    outputs = keras.layers.Dense(
        num_classes, activation="softmax", kernel_regularizer=penalty, name="class_probabilities"
    )(x)
    return keras.Model(inputs, outputs, name=name)


def mlp_classifier(
    input_shape: tuple[int, ...] = (28, 28),
    *,
    hidden: Sequence[int] = (128, 256),
    activation: str = "relu",
    dropout: float = 0.0,
    l2: float = 0.0,
    augment_shift: float = 0.0,
    augment_rotation: float = 0.0,
    num_classes: int = 10,
    name: str = "mlp_classifier",
) -> keras.Model:
    r"""A multilayer perceptron: ``Flatten`` → ``Dense`` hidden layers → ``Dense(softmax)``.

    Each hidden layer computes :math:`h = \varphi(W x + b)` with activation :math:`\varphi`,
    followed by ``Dropout(dropout)`` when ``dropout > 0``. The default widths (128, 256) are
    those of the course repository's MLP (784-128-256-10, 136 074 parameters).

    Parameters
    ----------
    input_shape : tuple of int, default (28, 28)
    hidden : sequence of int, default (128, 256)
        Widths of the hidden layers.
    activation : str, default "relu"
    dropout : float in [0, 1), default 0
        Fraction of hidden units zeroed at random at each training step.
    l2 : float, default 0
        L2 penalty on every ``Dense`` kernel.
    augment_shift : float, default 0
        Data augmentation, during training only: shift each image at random by up to this
        fraction of its height and width (0.1 → up to 2.8 pixels), filling with black.
    augment_rotation : float, default 0
        Data augmentation, during training only: rotate each image at random by up to this
        fraction of a full turn (0.03 → up to ±10.8°). When calling the model directly, pass
        ``training=False`` (Keras's random layers default to ``training=True``).
    num_classes : int, default 10
    name : str

    Returns
    -------
    keras.Model
        Not compiled.
    """
    penalty = keras.regularizers.L2(l2) if l2 else None
    inputs = keras.Input(shape=input_shape, name="image")
    x = _augment(inputs, augment_shift, augment_rotation)
    x = keras.layers.Flatten(name="pixels")(x)
    for i, width in enumerate(hidden, start=1):
        x = keras.layers.Dense(width, activation, kernel_regularizer=penalty, name=f"hidden_{i}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout_rate(dropout), name=f"dropout_{i}")(x)
    outputs = keras.layers.Dense(
        num_classes, activation="softmax", kernel_regularizer=penalty, name="class_probabilities"
    )(x)
    return keras.Model(inputs, outputs, name=name)


def cnn_classifier(
    input_shape: tuple[int, ...] = (28, 28),
    *,
    filters: Sequence[int] = (32, 64),
    kernel_size: int = 3,
    dense: int = 128,
    dropout: float = 0.5,
    augment_shift: float = 0.0,
    augment_rotation: float = 0.0,
    num_classes: int = 10,
    name: str = "cnn_classifier",
) -> keras.Model:
    """A small convolutional network, as in the Keras MNIST lab.

    For each entry of ``filters``: ``Conv2D(n, kernel_size, relu)`` → ``MaxPooling2D(2)``;
    then ``Flatten`` → ``Dropout`` → ``Dense(dense, relu)`` → ``Dense(softmax)``. A
    ``Conv2D`` layer with K input and N output channels has k·k·K·N weights + N biases,
    whatever the image size.

    Parameters
    ----------
    input_shape : tuple of int, default (28, 28)
        ``(height, width)`` (a channel axis is added inside the model) or
        ``(height, width, 1)``.
    filters : sequence of int, default (32, 64)
        Number of filters of each convolution block.
    kernel_size : int, default 3
        Filter size k in pixels (k × k).
    dense : int, default 128
        Width of the fully connected layer.
    dropout : float in [0, 1), default 0.5
        Dropout before the fully connected layer.
    augment_shift, augment_rotation : float, default 0
        Data augmentation during training, as in :func:`mlp_classifier`.
    num_classes : int, default 10
    name : str

    Returns
    -------
    keras.Model
        Not compiled.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = keras.layers.Reshape((*input_shape[:2], 1), name="channel")(inputs)
    x = _augment(x, augment_shift, augment_rotation)
    for i, n in enumerate(filters, start=1):
        x = keras.layers.Conv2D(n, kernel_size, activation="relu", name=f"conv_{i}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool_{i}")(x)
    x = keras.layers.Flatten(name="features")(x)
    x = keras.layers.Dropout(dropout_rate(dropout), name="dropout")(x)
    x = keras.layers.Dense(dense, activation="relu", name="dense")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="class_probabilities")(x)
    return keras.Model(inputs, outputs, name=name)


# Argument checks, declared apart from the builders so that show_source shows each builder
# as the lecture reads it.
softmax_regression = validate_params(input_shape=SHAPE, num_classes=COUNT, l2=L2, name=NAME)(
    softmax_regression
)
mlp_classifier = validate_params(
    input_shape=SHAPE,
    hidden=HIDDEN,
    activation=ACTIVATION,
    dropout=DROPOUT,
    l2=L2,
    augment_shift=AUGMENT,
    augment_rotation=AUGMENT,
    num_classes=COUNT,
    name=NAME,
)(mlp_classifier)
cnn_classifier = validate_params(
    input_shape=SHAPE,
    filters=WIDTHS,
    kernel_size=COUNT,
    dense=COUNT,
    dropout=DROPOUT,
    augment_shift=AUGMENT,
    augment_rotation=AUGMENT,
    num_classes=COUNT,
    name=NAME,
)(cnn_classifier)
