"""The autoencoder builders of Lecture 3: parameter counts, shapes, codes, the VAE halves.

The VAE itself (sampling, loss terms, training step) is written in lecture 07, which checks
its loss terms (finite, the total their sum, the KL term falling after its early peak).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

import dlies
from dlies.models import conv_autoencoder, dense_autoencoder, vae_decoder, vae_encoder


def _images(n: int = 8, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=(n, 28, 28)).astype("float32")


def test_dense_autoencoder_has_the_slides_222384_parameters():
    model = dense_autoencoder()
    assert model.count_params() == 222_384
    widths = [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert widths == [128, 64, 32, 64, 128, 784]


def test_conv_autoencoder_has_the_slides_28353_parameters():
    model = conv_autoencoder()
    assert model.count_params() == 28_353
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.count_params() for c in convs] == [320, 9248, 9248, 9248, 289]
    # the seed's code is 7 x 7 x 32 = 1 568 numbers, twice the 784 pixels of the input
    assert model.get_layer("code").output.shape == (None, 7, 7, 32)


@pytest.mark.parametrize("builder", [dense_autoencoder, conv_autoencoder])
def test_autoencoders_give_back_images_in_unit_interval(builder):
    x = _images()
    out = builder()(x).numpy()
    assert out.shape == x.shape
    assert np.all((out >= 0.0) & (out <= 1.0))


def test_conv_autoencoder_accepts_channels_and_keeps_them():
    model = conv_autoencoder((8, 12, 3), filters=4)
    assert model(np.zeros((2, 8, 12, 3), "float32")).shape == (2, 8, 12, 3)


def test_dense_autoencoder_code_layer_is_the_bottleneck():
    model = dense_autoencoder(code_size=5, encoder_units=(16,))
    encoder = keras.Model(model.input, model.get_layer("code").output)
    assert encoder(_images(3)).shape == (3, 5)
    widths = [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert widths == [16, 5, 16, 784]


@pytest.mark.parametrize(
    "call",
    [
        lambda: dense_autoencoder(code_size=0),
        lambda: conv_autoencoder((30, 30)),  # 30 -> 15 -> 7 -> 14 -> 28: not 30 x 30
        lambda: conv_autoencoder(filters=-1),
        lambda: vae_encoder(latent_dim=0),
        lambda: vae_decoder(latent_dim=2.5),
    ],
)
def test_keras_rejects_impossible_networks(call):
    with pytest.raises(ValueError):
        call()


def test_vae_encoder_and_decoder_shapes():
    enc, dec = vae_encoder(latent_dim=3, hidden=(32, 16)), vae_decoder(latent_dim=3)
    z_mean, z_log_var = enc(_images(4))
    assert z_mean.shape == z_log_var.shape == (4, 3)
    assert [layer.name for layer in enc.layers if "hidden" in layer.name] == [
        "hidden_1",
        "hidden_2",
    ]
    out = dec(z_mean).numpy()
    assert out.shape == (4, 28, 28) and np.all((out > 0) & (out < 1))


def test_vae_halves_match_the_keras_blog_sizes():
    # 784-256-(2+2) and 2-256-784, the slide's dense VAE
    assert vae_encoder().count_params() == 784 * 256 + 256 + 2 * (256 * 2 + 2)
    assert vae_decoder().count_params() == 2 * 256 + 256 + 256 * 784 + 784


@pytest.mark.parametrize("builder", [dense_autoencoder, conv_autoencoder, vae_encoder, vae_decoder])
def test_shown_source_fits_on_a_slide(builder):
    shown = dlies.show_source(builder)
    text = getattr(shown, "data", shown)
    assert len(text.splitlines()) <= 25
    assert f"def {builder.__name__}(" in text and "Returns" not in text
