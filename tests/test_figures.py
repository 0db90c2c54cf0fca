"""Image-grid helpers used by the autoencoder lectures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlies.figures import image_rows, tile  # noqa: E402


def test_tile_places_images_row_by_row():
    images = np.arange(6 * 2 * 3).reshape(6, 2, 3)
    mosaic = tile(images, ncols=3)
    assert mosaic.shape == (2 * 2, 3 * 3)
    np.testing.assert_array_equal(mosaic[:2, :3], images[0])
    np.testing.assert_array_equal(mosaic[:2, 3:6], images[1])
    np.testing.assert_array_equal(mosaic[2:4, :3], images[3])


@pytest.mark.parametrize("images, ncols", [(np.zeros((5, 2, 2)), 2), (np.zeros((4, 2)), 2)])
def test_tile_rejects_bad_shapes(images, ncols):
    with pytest.raises(ValueError, match="tile"):
        tile(images, ncols)


def test_image_rows_draws_one_row_per_label():
    rng = np.random.default_rng(0)
    fig = image_rows({"a": rng.random((5, 4, 4)), "b": rng.random((6, 4, 4))}, n=5, title="t")
    axes = np.array(fig.axes).reshape(2, 5)
    assert [axes[r, 0].get_ylabel() for r in range(2)] == ["a", "b"]
    plt.close(fig)


@pytest.mark.parametrize(
    "rows, n, match",
    [
        ({}, 2, "non-empty"),
        ({"a": np.zeros((3, 4))}, 2, "shape"),
        ({"a": np.zeros((1, 4, 4))}, 2, "need 2"),
        ({"a": np.zeros((3, 4, 4))}, 0, "n must be"),
    ],
)
def test_image_rows_errors_name_the_problem(rows, n, match):
    with pytest.raises(ValueError, match=match):
        image_rows(rows, n=n)


def test_history_curves_one_panel_per_metric_with_validation():
    from dlies.figures import history_curves

    history = {"loss": [1.0, 0.5, 0.2], "val_loss": [1.1, 0.6, 0.4], "accuracy": [0.5, 0.7, 0.9]}
    fig = history_curves(history, ("loss", "accuracy"), ylabels=["nats", "fraction"], log_loss=True)
    loss_ax, acc_ax = fig.axes
    assert len(loss_ax.lines) == 2 and len(acc_ax.lines) == 1  # no val_accuracy: one curve
    np.testing.assert_array_equal(loss_ax.lines[1].get_ydata(), history["val_loss"])
    np.testing.assert_array_equal(loss_ax.lines[0].get_xdata(), [1, 2, 3])  # epochs from 1
    assert loss_ax.get_yscale() == "log" and acc_ax.get_yscale() == "linear"
    assert (loss_ax.get_ylabel(), acc_ax.get_ylabel()) == ("nats", "fraction")
    plt.close(fig)


def test_history_curves_names_a_missing_metric():
    from dlies.figures import history_curves

    with pytest.raises(ValueError, match="accuracy"):
        history_curves({"loss": [1.0]})
    with pytest.raises(ValueError, match="ylabel"):
        history_curves({"loss": [1.0]}, ("loss",), ylabels=["a", "b"])


def test_rayleigh_plane_draws_both_criteria_and_circles_errors():
    from dlies.figures import rayleigh_plane
    from dlies.physics.rayleigh import RA_CR_MIN, critical_rayleigh

    lam = np.array([0.5, 2.0, 3.0, 10.0])
    ra = np.array([1e3, 1e4, 600.0, 2e3])
    labels = (ra > critical_rayleigh(lam)).astype(int)
    fig, ax = plt.subplots()
    rayleigh_plane(ax, lam, ra, labels, wrong=np.array([True, False, False, False]))
    curve, layer = ax.lines
    np.testing.assert_allclose(curve.get_ydata(), critical_rayleigh(curve.get_xdata()))
    assert set(layer.get_ydata()) == {RA_CR_MIN}
    assert len(ax.collections) == 2  # correct samples, then the circled error
    assert ax.get_xscale() == ax.get_yscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError, match="one length"):
        rayleigh_plane(ax, lam, ra[:3], labels)
