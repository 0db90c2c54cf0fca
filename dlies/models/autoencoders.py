r"""Autoencoders of Lecture 3: dense, convolutional, and a variational autoencoder (VAE).

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

The VAE (:class:`VAE`, :func:`vae_encoder`, :func:`vae_decoder`) follows the dense VAE of
the slide (the Keras blog's 784-256-2): the encoder maps an image to the mean and log-variance
of a Gaussian over the latent code; training draws a code with the reparameterisation trick
and minimises reconstruction loss plus the Kullback-Leibler divergence to N(0, I).
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod
from numbers import Integral, Real

import keras
import tensorflow as tf

from dlies.models._checks import check_shape, check_units


def _check_latent(latent_dim: object) -> int:
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, Integral) or latent_dim <= 0:
        raise ValueError(f"latent_dim must be a positive integer, got {latent_dim!r}")
    return int(latent_dim)


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
    shape = check_shape(input_shape)
    widths = check_units("encoder_units", encoder_units)
    (code,) = check_units("code_size", code_size)
    inputs = keras.Input(shape=shape, name="image")
    x = keras.layers.Flatten(name="flatten")(inputs)
    for i, width in enumerate(widths):
        x = keras.layers.Dense(width, activation=activation, name=f"encoder_{i + 1}")(x)
    x = keras.layers.Dense(code, activation=activation, name="code")(x)
    for i, width in enumerate(reversed(widths)):
        x = keras.layers.Dense(width, activation=activation, name=f"decoder_{i + 1}")(x)
    x = keras.layers.Dense(prod(shape), activation="sigmoid", name="pixels")(x)
    outputs = keras.layers.Reshape(shape, name="reconstruction")(x)
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
    pixels; the code is 7 × 7 × ``filters``). Decoder: ``Conv2D(filters) → UpSampling(2) →
    Conv2D(filters) → UpSampling(2) → Conv2D(channels, sigmoid)`` (7 → 14 → 28). All
    convolutions use ``padding="same"`` and ReLU except the last. A 2-D ``input_shape``
    ``(H, W)`` gets a channel axis added at the input and removed at the output.

    Parameters
    ----------
    input_shape : tuple of int, default (28, 28)
        ``(H, W)`` or ``(H, W, channels)``; H and W must be divisible by 4.
    filters : int, default 32
        Feature maps in each hidden convolution.
    kernel_size : int, default 3
    name : str

    Returns
    -------
    keras.Model
        Not compiled. The code is the output of the layer named ``"code"`` (the second
        pooling).
    """
    shape = check_shape(input_shape)
    if len(shape) not in (2, 3):
        raise ValueError(f"input_shape must be (H, W) or (H, W, channels), got {input_shape!r}")
    if shape[0] % 4 or shape[1] % 4:
        raise ValueError(f"input_shape: H and W must be divisible by 4, got {input_shape!r}")
    (n_filters,) = check_units("filters", filters)
    (k,) = check_units("kernel_size", kernel_size)
    channels = shape[2] if len(shape) == 3 else 1
    conv = dict(kernel_size=k, padding="same")
    inputs = keras.Input(shape=shape, name="image")
    x = inputs if len(shape) == 3 else keras.layers.Reshape((*shape, 1), name="add_channel")(inputs)
    x = keras.layers.Conv2D(n_filters, activation="relu", name="conv_1", **conv)(x)
    x = keras.layers.MaxPooling2D(2, name="pool_1")(x)
    x = keras.layers.Conv2D(n_filters, activation="relu", name="conv_2", **conv)(x)
    x = keras.layers.MaxPooling2D(2, name="code")(x)
    x = keras.layers.Conv2D(n_filters, activation="relu", name="conv_3", **conv)(x)
    x = keras.layers.UpSampling2D(2, name="up_1")(x)
    x = keras.layers.Conv2D(n_filters, activation="relu", name="conv_4", **conv)(x)
    x = keras.layers.UpSampling2D(2, name="up_2")(x)
    x = keras.layers.Conv2D(channels, activation="sigmoid", name="pixels", **conv)(x)
    outputs = x if len(shape) == 3 else keras.layers.Reshape(shape, name="reconstruction")(x)
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
    shape = check_shape(input_shape)
    latent = _check_latent(latent_dim)
    widths = check_units("hidden", hidden)
    inputs = keras.Input(shape=shape, name="image")
    x = keras.layers.Flatten(name="flatten")(inputs)
    for i, width in enumerate(widths):
        x = keras.layers.Dense(width, activation="relu", name=f"hidden_{i + 1}")(x)
    z_mean = keras.layers.Dense(latent, name="z_mean")(x)
    z_log_var = keras.layers.Dense(latent, name="z_log_var")(x)
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
    shape = check_shape(output_shape)
    latent = _check_latent(latent_dim)
    widths = check_units("hidden", hidden)
    inputs = keras.Input(shape=(latent,), name="z")
    x = inputs
    for i, width in enumerate(widths):
        x = keras.layers.Dense(width, activation="relu", name=f"hidden_{i + 1}")(x)
    x = keras.layers.Dense(prod(shape), activation="sigmoid", name="pixels")(x)
    outputs = keras.layers.Reshape(shape, name="image")(x)
    return keras.Model(inputs, outputs, name=name)


class VAE(keras.Model):
    r"""A variational autoencoder whose loss shows its two terms.

    For a batch of images :math:`x` (pixels in [0, 1]) the loss per image, in nats, is

    .. math::
        \mathcal L = \underbrace{-\sum_{\text{pixels}} \big[x \log \hat x
        + (1-x)\log(1-\hat x)\big]}_{\text{reconstruction}}
        \;+\; \beta\,\underbrace{\Big(-\tfrac12 \sum_{j} \big(1 + \log\sigma_j^2 - \mu_j^2
        - \sigma_j^2\big)\Big)}_{\text{KL}(q(z\mid x)\,\|\,\mathcal N(0, I))}

    with :math:`\hat x` = decoder(:math:`z`) and :math:`z = \mu + \sigma\,\varepsilon`,
    :math:`\varepsilon \sim \mathcal N(0, I)` (the reparameterisation trick: the randomness
    is an input, so gradients flow through :math:`\mu` and :math:`\sigma`). ``fit`` reports
    ``loss``, ``reconstruction_loss`` and ``kl_loss`` (batch means, nats per image), and the
    ``val_`` versions when given validation data.

    Parameters
    ----------
    encoder : keras.Model
        Image → ``[z_mean, z_log_var]`` (e.g. :func:`vae_encoder`).
    decoder : keras.Model
        Code → image of pixel probabilities (e.g. :func:`vae_decoder`).
    beta : float, default 1.0
        Weight of the KL term (1 is the standard VAE).
    seed : int, optional
        Seeds the draws of :math:`\varepsilon`, so that training is reproducible.
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        *,
        beta: float = 1.0,
        seed: int | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(encoder, keras.Model) or not isinstance(decoder, keras.Model):
            raise TypeError("VAE: encoder and decoder must be keras.Model instances")
        if isinstance(beta, bool) or not isinstance(beta, Real) or not beta >= 0:
            raise ValueError(f"VAE: beta must be a number >= 0, got {beta!r}")
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self) -> list:
        return [self.loss_tracker, self.reconstruction_tracker, self.kl_tracker]

    def sample_z(self, z_mean, z_log_var):
        """The reparameterisation trick: z = mu + sigma * eps, eps ~ N(0, I)."""
        eps = keras.random.normal(tf.shape(z_mean), seed=self.seed_generator)
        return z_mean + tf.exp(0.5 * z_log_var) * eps

    def loss_terms(self, x, training: bool = False):
        """Reconstruction and KL terms, each a batch mean in nats per image."""
        x = tf.convert_to_tensor(x, dtype=self.compute_dtype)
        z_mean, z_log_var = self.encoder(x, training=training)
        z = self.sample_z(z_mean, z_log_var)
        x_hat = self.decoder(z, training=training)
        # Bernoulli log-likelihood of every pixel, summed over the image.
        bce = keras.losses.binary_crossentropy(x[..., None], x_hat[..., None])
        reconstruction = tf.reduce_mean(tf.reduce_sum(tf.reshape(bce, [tf.shape(x)[0], -1]), 1))
        # KL(N(mu, sigma^2) || N(0, 1)), summed over the latent dimensions.
        kl = -0.5 * (1.0 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var))
        kl = tf.reduce_mean(tf.reduce_sum(kl, axis=1))
        return reconstruction, kl

    def _update(self, reconstruction, kl, total) -> dict:
        self.loss_tracker.update_state(total)
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            reconstruction, kl = self.loss_terms(x, training=True)
            total = reconstruction + self.beta * kl
        weights = self.trainable_weights
        grads = tape.gradient(total, weights)
        self.optimizer.apply_gradients(zip(grads, weights, strict=True))
        return self._update(reconstruction, kl, total)

    def test_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        reconstruction, kl = self.loss_terms(x, training=False)
        return self._update(reconstruction, kl, reconstruction + self.beta * kl)

    def call(self, x, training: bool = False):
        """Deterministic reconstruction: decode the mean code."""
        z_mean, _ = self.encoder(x, training=training)
        return self.decoder(z_mean, training=training)
