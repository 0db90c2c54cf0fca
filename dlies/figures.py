"""Image-grid figures for the lectures that work on images (MNIST autoencoders, the VAE)."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral

import numpy as np


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def image_rows(
    rows: Mapping[str, np.ndarray],
    *,
    n: int = 8,
    title: str | None = None,
    size: float = 1.1,
    cmap: str = "gray",
):
    """Draw several sets of images as labelled rows, column ``j`` showing sample ``j``.

    Typical use: ``{"original": x, "reconstruction": x_hat}`` to compare an autoencoder's
    output with its input, image by image.

    Parameters
    ----------
    rows : mapping of str to array of shape (m, H, W)
        Row label → images (grey levels, drawn on a fixed 0–1 scale). Every array needs at
        least ``n`` images.
    n : int, default 8
        Images per row.
    title : str, optional
        Figure title.
    size : float, default 1.1
        Width and height of one image, in inches.
    cmap : str, default "gray"

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if not isinstance(rows, Mapping) or not rows:
        raise ValueError("image_rows: rows must be a non-empty mapping of label -> images")
    n = _check_count("image_rows: n", n)
    arrays = {}
    for label, images in rows.items():
        arr = np.asarray(images)
        if arr.ndim != 3:
            raise ValueError(
                f"image_rows: rows[{label!r}] must have shape (m, H, W), got {arr.shape}"
            )
        if arr.shape[0] < n:
            raise ValueError(f"image_rows: rows[{label!r}] has {arr.shape[0]} images, need {n}")
        arrays[str(label)] = arr
    fig, axes = plt.subplots(
        len(arrays),
        n,
        figsize=(size * n, size * len(arrays) + (0.4 if title else 0.0)),
        squeeze=False,
    )
    for r, (label, arr) in enumerate(arrays.items()):
        for j in range(n):
            ax = axes[r, j]
            ax.imshow(arr[j], cmap=cmap, vmin=0.0, vmax=1.0)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel(label, fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def tile(images: np.ndarray, ncols: int) -> np.ndarray:
    """Arrange ``(m, H, W)`` images into one ``(rows*H, ncols*W)`` mosaic, row by row.

    ``m`` must be a multiple of ``ncols``.
    """
    arr = np.asarray(images)
    ncols = _check_count("tile: ncols", ncols)
    if arr.ndim != 3 or arr.shape[0] % ncols:
        raise ValueError(
            f"tile: images must have shape (m, H, W) with m a multiple of ncols={ncols}, "
            f"got {arr.shape}"
        )
    m, h, w = arr.shape
    return arr.reshape(m // ncols, ncols, h, w).transpose(0, 2, 1, 3).reshape(m // ncols * h, -1)
