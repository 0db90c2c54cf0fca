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
