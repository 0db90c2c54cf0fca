"""Digit classifiers of the MNIST lectures: softmax regression, MLP and CNN.

All three take images of shape ``(28, 28)`` (grey levels in [0, 1], as returned by
:func:`dlies.datasets.load_mnist`) and end in ``Dense(num_classes, softmax)``: the output is
the probability of each digit. They are returned **uncompiled**: the notebooks choose the loss
and the optimiser, two of the "four ingredients" (data, loss, network, learning).
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real

import keras

from dlies.models._checks import check_rate, check_shape, check_units


def _check_classes(num_classes: object) -> int:
    if isinstance(num_classes, bool) or not isinstance(num_classes, Integral) or num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2, got {num_classes!r}")
    return int(num_classes)


def _check_l2(l2: object) -> keras.regularizers.Regularizer | None:
    if isinstance(l2, bool) or not isinstance(l2, Real) or not 0.0 <= float(l2) < float("inf"):
        raise ValueError(f"l2 must be a finite number >= 0, got {l2!r}")
    return keras.regularizers.L2(float(l2)) if l2 > 0 else None


def _image_input(input_shape: object) -> tuple[keras.KerasTensor, tuple[int, ...]]:
    shape = check_shape(input_shape)
    if len(shape) not in (2, 3) or (len(shape) == 3 and shape[-1] != 1):
        raise ValueError(
            f"input_shape must be (height, width) or (height, width, 1), got {input_shape!r}"
        )
    return keras.Input(shape=shape, name="image"), shape


def _augmentation(x: keras.KerasTensor, shape: tuple[int, ...], shift: object, rotation: object):
    """Random shifts and rotations of the images, active only while training."""
    for label, value in (("augment_shift", shift), ("augment_rotation", rotation)):
        if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 <= float(value) < 0.5:
            raise ValueError(f"{label} must be a number in [0, 0.5), got {value!r}")
    if shift == 0 and rotation == 0:
        return x, False
    if len(shape) == 2:
        x = keras.layers.Reshape((*shape, 1), name="add_channel")(x)
    if shift > 0:
        x = keras.layers.RandomTranslation(
            float(shift), float(shift), fill_mode="constant", name="random_shift"
        )(x)
    if rotation > 0:
        x = keras.layers.RandomRotation(
            float(rotation), fill_mode="constant", name="random_rotation"
        )(x)
    return x, True


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
        L2 penalty :math:`\lambda` on the weights (added to the loss as
        :math:`\lambda \sum w^2`); 0 means none.
    name : str

    Returns
    -------
    keras.Model
        Not compiled.
    """
    inputs, _ = _image_input(input_shape)
    k = _check_classes(num_classes)
    x = keras.layers.Flatten(name="pixels")(inputs)
    outputs = keras.layers.Dense(
        k, activation="softmax", kernel_regularizer=_check_l2(l2), name="class_probabilities"
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
    augment_shift : float in [0, 0.5), default 0
        Data augmentation: during training only, shift each image at random by up to this
        fraction of its height and width (0.1 → up to 2.8 pixels), filling with black.
    augment_rotation : float in [0, 0.5), default 0
        Data augmentation: during training only, rotate each image at random by up to this
        fraction of a full turn (0.03 → up to ±10.8°). ``fit`` turns augmentation on and
        ``predict``/``evaluate`` turn it off; when calling the model directly, pass
        ``training=False`` (Keras's random layers default to ``training=True``).
    num_classes : int, default 10
    name : str

    Returns
    -------
    keras.Model
        Not compiled.
    """
    inputs, shape = _image_input(input_shape)
    widths = check_units("hidden", hidden)
    rate = check_rate("dropout", dropout)
    reg = _check_l2(l2)
    k = _check_classes(num_classes)
    x, _ = _augmentation(inputs, shape, augment_shift, augment_rotation)
    x = keras.layers.Flatten(name="pixels")(x)
    for i, width in enumerate(widths, start=1):
        x = keras.layers.Dense(
            width, activation=activation, kernel_regularizer=reg, name=f"hidden_{i}"
        )(x)
        if rate > 0:
            x = keras.layers.Dropout(rate, name=f"dropout_{i}")(x)
    outputs = keras.layers.Dense(
        k, activation="softmax", kernel_regularizer=reg, name="class_probabilities"
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
    augment_shift, augment_rotation : float in [0, 0.5), default 0
        Data augmentation during training, as in :func:`mlp_classifier`.
    num_classes : int, default 10
    name : str

    Returns
    -------
    keras.Model
        Not compiled.
    """
    inputs, shape = _image_input(input_shape)
    n_filters = check_units("filters", filters)
    (size,) = check_units("kernel_size", kernel_size)
    (width,) = check_units("dense", dense)
    rate = check_rate("dropout", dropout)
    k = _check_classes(num_classes)
    side = min(shape[:2])
    for _ in n_filters:  # each block: 'valid' convolution, then halve
        side = (side - size + 1) // 2
    if side < 1:
        raise ValueError(
            f"{len(n_filters)} convolution blocks of kernel_size={size} shrink a "
            f"{shape[0]}x{shape[1]} image to nothing; use fewer blocks or a smaller kernel"
        )
    x, has_channel = _augmentation(inputs, shape, augment_shift, augment_rotation)
    if len(shape) == 2 and not has_channel:
        x = keras.layers.Reshape((*shape, 1), name="add_channel")(x)
    for i, n in enumerate(n_filters, start=1):
        x = keras.layers.Conv2D(n, size, activation="relu", name=f"conv_{i}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool_{i}")(x)
    x = keras.layers.Flatten(name="features")(x)
    if rate > 0:
        x = keras.layers.Dropout(rate, name="dropout")(x)
    x = keras.layers.Dense(width, activation="relu", name="dense")(x)
    outputs = keras.layers.Dense(k, activation="softmax", name="class_probabilities")(x)
    return keras.Model(inputs, outputs, name=name)
