r"""Autoencoders of Lecture 3: dense and convolutional, and the two halves of a VAE.

All builders take images of shape ``input_shape`` (default ``(28, 28)``, pixel values in
[0, 1]) and give back images of the same shape, so the same arrays feed every model.
``Flatten``/``Reshape`` layers that adapt shapes have no parameters, so the parameter counts
are those of the seed lecture's printed summaries:

- :func:`dense_autoencoder`: 784-128-64-32-64-128-784, 222 384 parameters;
- :func:`conv_autoencoder`: Conv-Pool-Conv-Pool-Conv-Up-Conv-Up-Conv, 28 353 parameters.

Where we depart from the slide's *code* (its summaries are right):

- The slide's dense decoder ends in three ``Dense(784, relu)`` layers, which does not match
  its own summary (one 784 layer, 222 384 parameters); we use one ``Dense(784, sigmoid)``,
  as in the slide's denoising model: pixels lie in [0, 1].
- The slide's convolutional decoder stacks three ``UpSampling2D`` layers (7 → 56 pixels) and
  three output convolutions; its summary has Conv-Up-Conv-Up-Conv (7 → 14 → 28). We follow
  the summary.

:func:`vae_encoder` and :func:`vae_decoder` are the dense VAE of the slide (the Keras blog's
784-256-2). The VAE itself, its sampling, its two loss terms and its training step, is
written in lecture 07.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod

import keras

from dlies._validate import validate_params
from dlies.models._checks import ACTIVATION, COUNT, NAME, SHAPE, WIDTHS


def dense_autoencoder(
    input_shape: tuple[int, ...] = (28, 28),
    *,
    encoder_units: Sequence[int] = (128, 64),
    code_size: int = 32,
    activation: str = "relu",
    name: str = "dense_autoencoder",
) -> keras.Model:
    """A fully connected autoencoder, 784-128-64-32-64-128-784 by default.

    ``Flatten`` → ``Dense`` layers of widths ``encoder_units`` → the code ``Dense(code_size)``
    (layer name ``"code"``) → the same widths in reverse → ``Dense(prod(input_shape),
    sigmoid)`` → ``Reshape(input_shape)``. With the defaults it has 222 384 parameters, as
    in the slide's summary.

    Parameters
    ----------
    input_shape : tuple of int, default (28, 28)
        Shape of one image (pixels, dimensionless intensities in [0, 1]).
    encoder_units : sequence of int, default (128, 64)
        Widths of the encoder's hidden layers; the decoder mirrors them.
    code_size : int, default 32
        Size of the compressed representation (the bottleneck).
    activation : str, default "relu"
        Activation of the hidden layers and of the code.
    name : str

    Returns
    -------
    keras.Model
        Not compiled. The encoder is ``keras.Model(model.input,
        model.get_layer("code").output)``.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = keras.layers.Flatten(name="flatten")(inputs)
    for i, width in enumerate(encoder_units, start=1):
        x = keras.layers.Dense(width, activation=activation, name=f"encoder_{i}")(x)
    x = keras.layers.Dense(code_size, activation=activation, name="code")(x)
    for i, width in enumerate(reversed(encoder_units), start=1):
        x = keras.layers.Dense(width, activation=activation, name=f"decoder_{i}")(x)
    x = keras.layers.Dense(prod(input_shape), activation="sigmoid", name="pixels")(x)
    outputs = keras.layers.Reshape(input_shape, name="reconstruction")(x)
    return keras.Model(inputs, outputs, name=name)


def conv_autoencoder(
    input_shape: tuple[int, ...] = (28, 28),
    *,
    filters: int = 32,
    kernel_size: int = 3,
    name: str = "conv_autoencoder",
) -> keras.Model:
    """The convolutional autoencoder of the slide's summary: 28 353 parameters by default.

    Encoder: ``Conv2D(filters) → MaxPool(2) → Conv2D(filters) → MaxPool(2)`` (28 → 14 → 7
    pixels; the code, layer ``"code"``, is 7 × 7 × ``filters`` numbers: 1 568 with the
    defaults, more than the 784 pixels of the input). Decoder: ``Conv2D(filters) →
    UpSampling(2) → Conv2D(filters) → UpSampling(2) → Conv2D(channels, sigmoid)`` (7 → 14 →
    28). All convolutions use ``padding="same"`` and ReLU except the last.

    Parameters
    ----------
    input_shape : tuple of int, default (28, 28)
        ``(H, W)`` or ``(H, W, channels)``, H and W divisible by 4. A 2-D shape gets a
        channel axis inside the model and is given back without it.
    filters : int, default 32
        Feature maps in each hidden convolution.
    kernel_size : int, default 3
    name : str

    Returns
    -------
    keras.Model
        Not compiled.
    """
    h, w, channels = (*input_shape, 1)[:3]
    conv = dict(kernel_size=kernel_size, padding="same", activation="relu")
    inputs = keras.Input(shape=input_shape, name="image")
    x = keras.layers.Reshape((h, w, channels), name="channels")(inputs)
    x = keras.layers.Conv2D(filters, name="conv_1", **conv)(x)
    x = keras.layers.MaxPooling2D(2, name="pool_1")(x)
    x = keras.layers.Conv2D(filters, name="conv_2", **conv)(x)
    x = keras.layers.MaxPooling2D(2, name="code")(x)
    x = keras.layers.Conv2D(filters, name="conv_3", **conv)(x)
    x = keras.layers.UpSampling2D(2, name="up_1")(x)
    x = keras.layers.Conv2D(filters, name="conv_4", **conv)(x)
    x = keras.layers.UpSampling2D(2, name="up_2")(x)
    x = keras.layers.Conv2D(channels, kernel_size, padding="same", activation="sigmoid")(x)
    outputs = keras.layers.Reshape(input_shape, name="reconstruction")(x)
    return keras.Model(inputs, outputs, name=name)


def vae_encoder(
    input_shape: tuple[int, ...] = (28, 28),
    *,
    latent_dim: int = 2,
    hidden: Sequence[int] = (256,),
    name: str = "vae_encoder",
) -> keras.Model:
    r"""The VAE's encoder: an image → the mean and log-variance of :math:`q(z \mid x)`.

    ``Flatten → Dense(hidden, relu) … → [Dense(latent_dim) "z_mean", Dense(latent_dim)
    "z_log_var"]``. :math:`q(z \mid x) = \mathcal N(\mu, \operatorname{diag}\sigma^2)` with
    :math:`\mu` = ``z_mean`` and :math:`\log\sigma^2` = ``z_log_var``.

    Parameters
    ----------
    input_shape : tuple of int, default (28, 28)
    latent_dim : int, default 2
        Dimension of the latent space (2 lets us draw it).
    hidden : sequence of int, default (256,)
        Widths of the hidden layers (the slide's ``intermediate_dim``).
    name : str

    Returns
    -------
    keras.Model
        Outputs ``[z_mean, z_log_var]``, each of shape ``(batch, latent_dim)``.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = keras.layers.Flatten(name="flatten")(inputs)
    for i, width in enumerate(hidden, start=1):
        x = keras.layers.Dense(width, activation="relu", name=f"hidden_{i}")(x)
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = keras.layers.Dense(latent_dim, name="z_log_var")(x)
    return keras.Model(inputs, [z_mean, z_log_var], name=name)


def vae_decoder(
    output_shape: tuple[int, ...] = (28, 28),
    *,
    latent_dim: int = 2,
    hidden: Sequence[int] = (256,),
    name: str = "vae_decoder",
) -> keras.Model:
    """The VAE's decoder (the generator): a latent code → pixel probabilities.

    ``Dense(hidden, relu) … → Dense(prod(output_shape), sigmoid) → Reshape(output_shape)``.
    Each output is the mean of a Bernoulli distribution over one pixel.

    Parameters
    ----------
    output_shape : tuple of int, default (28, 28)
    latent_dim : int, default 2
    hidden : sequence of int, default (256,)
        Widths of the hidden layers, from the latent code outwards.
    name : str

    Returns
    -------
    keras.Model
        Input ``(batch, latent_dim)``, output ``(batch, *output_shape)`` in (0, 1).
    """
    inputs = keras.Input(shape=(latent_dim,), name="z")
    x = inputs
    for i, width in enumerate(hidden, start=1):
        x = keras.layers.Dense(width, activation="relu", name=f"hidden_{i}")(x)
    x = keras.layers.Dense(prod(output_shape), activation="sigmoid", name="pixels")(x)
    outputs = keras.layers.Reshape(output_shape, name="image")(x)
    return keras.Model(inputs, outputs, name=name)


# Argument checks, declared apart from the builders so that show_source shows each builder
# as the lecture reads it.
dense_autoencoder = validate_params(
    input_shape=SHAPE, encoder_units=WIDTHS, code_size=COUNT, activation=ACTIVATION, name=NAME
)(dense_autoencoder)
conv_autoencoder = validate_params(input_shape=SHAPE, filters=COUNT, kernel_size=COUNT, name=NAME)(
    conv_autoencoder
)
vae_encoder = validate_params(input_shape=SHAPE, latent_dim=COUNT, hidden=WIDTHS, name=NAME)(
    vae_encoder
)
vae_decoder = validate_params(output_shape=SHAPE, latent_dim=COUNT, hidden=WIDTHS, name=NAME)(
    vae_decoder
)
