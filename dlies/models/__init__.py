"""Keras model builders: small functions returning ``keras.Model``.

Each builder takes ``input_shape`` and keyword-only options, builds a fresh model with no
global state, and leaves compiling to the notebook unless the lesson needs it compiled.
"""

from dlies.models.aftershocks import devries_network, one_neuron
from dlies.models.autoencoders import (
    conv_autoencoder,
    dense_autoencoder,
    vae_decoder,
    vae_encoder,
)
from dlies.models.mantle import mantle_classifier
from dlies.models.mnist import cnn_classifier, mlp_classifier, softmax_regression

__all__ = [
    "cnn_classifier",
    "conv_autoencoder",
    "dense_autoencoder",
    "devries_network",
    "mantle_classifier",
    "mlp_classifier",
    "one_neuron",
    "softmax_regression",
    "vae_decoder",
    "vae_encoder",
]
