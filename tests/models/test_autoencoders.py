"""The autoencoder builders of Lecture 3: parameter counts, shapes, the VAE's loss terms."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlies.models import VAE, conv_autoencoder, dense_autoencoder, vae_decoder, vae_encoder


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
    model = dense_autoencoder(code_size=5)
    encoder = keras.Model(model.input, model.get_layer("code").output)
    assert encoder(_images(3)).shape == (3, 5)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: dense_autoencoder((0, 28)), "input_shape"),
        (lambda: dense_autoencoder(code_size=0), "code_size"),
        (lambda: dense_autoencoder(encoder_units=[]), "encoder_units"),
        (lambda: conv_autoencoder((30, 30)), "divisible by 4"),
        (lambda: conv_autoencoder((28,)), "input_shape"),
        (lambda: conv_autoencoder(filters=-1), "filters"),
        (lambda: vae_encoder(latent_dim=0), "latent_dim"),
        (lambda: vae_decoder(latent_dim=2.5), "latent_dim"),
        (lambda: VAE(vae_encoder(), vae_decoder(), beta=-1.0), "beta"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_vae_needs_keras_models():
    with pytest.raises(TypeError, match="encoder and decoder"):
        VAE("encoder", vae_decoder())


def test_vae_encoder_and_decoder_shapes():
    enc, dec = vae_encoder(latent_dim=3), vae_decoder(latent_dim=3)
    z_mean, z_log_var = enc(_images(4))
    assert z_mean.shape == z_log_var.shape == (4, 3)
    assert dec(z_mean).shape == (4, 28, 28)


def _vae_terms(seed: int) -> tuple[float, float]:
    keras.utils.set_random_seed(seed)
    vae = VAE(vae_encoder(hidden=(16,)), vae_decoder(hidden=(16,)), seed=seed)
    rec, kl = vae.loss_terms(_images(16), training=False)
    return float(rec), float(kl)


def test_vae_loss_terms_are_finite_positive_and_reproducible():
    rec, kl = _vae_terms(3)
    assert np.isfinite(rec) and np.isfinite(kl)
    # Bernoulli cross-entropy summed over 784 pixels of uniform images: about 784 * 1 nat.
    assert 300.0 < rec < 2000.0
    assert kl >= 0.0
    assert (rec, kl) == _vae_terms(3)
    assert (rec, kl) != _vae_terms(4)


def test_vae_kl_term_is_the_closed_form():
    """With z_mean = 1 and z_log_var = 0 in every dimension, KL = latent_dim / 2."""
    latent = 3
    inputs = keras.Input((28, 28))
    flat = keras.layers.Flatten()(inputs)
    zero = keras.layers.Dense(latent, kernel_initializer="zeros", bias_initializer="zeros")
    one = keras.layers.Dense(latent, kernel_initializer="zeros", bias_initializer="ones")
    encoder = keras.Model(inputs, [one(flat), zero(flat)])
    vae = VAE(encoder, vae_decoder(latent_dim=latent, hidden=(8,)), seed=0)
    _, kl = vae.loss_terms(_images(4))
    assert float(kl) == pytest.approx(latent / 2, rel=1e-6)


def test_vae_fit_reports_both_terms_and_is_deterministic():
    tf.config.experimental.enable_op_determinism()  # as dlies.course.setup does
    x = _images(32)

    def history(seed: int) -> dict[str, list[float]]:
        keras.utils.set_random_seed(seed)
        vae = VAE(vae_encoder(hidden=(16,)), vae_decoder(hidden=(16,)), seed=seed)
        vae.compile(optimizer=keras.optimizers.Adam(1e-3))
        return vae.fit(x, epochs=2, batch_size=16, validation_data=(x,), verbose=0).history

    first = history(1)
    for key in ("loss", "reconstruction_loss", "kl_loss", "val_reconstruction_loss", "val_kl_loss"):
        assert key in first and np.all(np.isfinite(first[key]))
    np.testing.assert_allclose(
        first["loss"], np.add(first["reconstruction_loss"], first["kl_loss"]), rtol=1e-5
    )
    # Same seed, same training, up to float32 round-off between two compiled graphs.
    second = history(1)
    assert second.keys() == first.keys()
    for key in first:
        np.testing.assert_allclose(second[key], first[key], rtol=1e-6, err_msg=key)


def test_vae_call_decodes_the_mean_code():
    keras.utils.set_random_seed(0)
    vae = VAE(vae_encoder(hidden=(8,)), vae_decoder(hidden=(8,)), seed=0)
    x = _images(2)
    np.testing.assert_allclose(vae(x), vae(x))
    assert vae(x).shape == (2, 28, 28)
