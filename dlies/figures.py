"""Plotting chores shared by the lectures: training curves, image grids, the stability plane.

The figures the lessons are about (loss maps, decision boundaries, reconstructions) are drawn
in the notebooks; these helpers draw what several lectures repeat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Integral

import numpy as np

from dlies._validate import (
    Array,
    Boolean,
    Instance,
    Integer,
    Real,
    String,
    Unchecked,
    validate_params,
)
from dlies._validate import (
    Sequence as SequenceOf,
)


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


__all__ = ["history_curves", "image_rows", "rayleigh_plane", "tile"]


@validate_params(
    rows=Instance(Mapping, what="a mapping of row labels to image arrays"),
    n=Integer(min=1),
    title=(None, String(200)),
    size=Real(above=0, max=20),
    cmap=String(100),
)
def image_rows(
    rows: Mapping[str, np.ndarray],
    *,
    n: int = 8,
    title: str | None = None,
    size: float = 1.1,
    cmap: str = "gray",
):
    """Draw several sets of images as labelled rows, column ``j`` showing sample ``j``.

    ``rows`` maps each row's label to its images, shape (m, H, W) with ``m >= n``, grey levels
    drawn on a fixed 0–1 scale: ``{"original": x, "reconstruction": x_hat}`` compares an
    autoencoder's output with its input, image by image. ``n`` images per row, each ``size``
    inches wide and high. Returns the matplotlib figure.
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
    figsize = (size * n, size * len(arrays) + (0.4 if title else 0.0))
    fig, axes = plt.subplots(len(arrays), n, figsize=figsize, squeeze=False)
    for r, (label, arr) in enumerate(arrays.items()):
        for j, ax in enumerate(axes[r]):
            ax.imshow(arr[j], cmap=cmap, vmin=0.0, vmax=1.0)
            ax.set(xticks=[], yticks=[])
        axes[r, 0].set_ylabel(label, fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


@validate_params(images=Array(ndim=3), ncols=Integer(min=1))
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


@validate_params(
    history=Instance(Mapping, what="a Keras History.history mapping"),
    metrics=SequenceOf(String(200), min_length=1),
    ylabels=(None, SequenceOf(String(200), min_length=1)),
    title=(None, String(200)),
    log_loss=Boolean(),
)
def history_curves(
    history: Mapping[str, Sequence[float]],
    metrics: Sequence[str] = ("loss", "accuracy"),
    *,
    ylabels: Sequence[str] | None = None,
    title: str | None = None,
    log_loss: bool = False,
):
    """Training (solid) and validation (dashed) curves per epoch, one panel per metric.

    ``history`` is ``model.fit(...).history``: each metric and, when validation ran,
    ``"val_" + metric``. ``ylabels`` are the panels' axis labels (with units; the metrics' names
    by default); ``log_loss`` puts the panels whose metric contains "loss" on a log y axis.
    Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt

    missing = [m for m in metrics if m not in history]
    if missing:
        raise ValueError(f"history_curves: no {missing} in history (it has {sorted(history)})")
    ylabels = list(ylabels) if ylabels is not None else list(metrics)
    if len(ylabels) != len(metrics):
        raise ValueError("history_curves: give one ylabel per metric")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, metric, ylabel in zip(axes[0], metrics, ylabels, strict=True):
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], "-", label="training")
        if "val_" + metric in history:
            ax.plot(epochs, history["val_" + metric], "--", label="validation")
        yscale = "log" if log_loss and "loss" in metric else "linear"
        ax.set(xlabel="epoch", ylabel=ylabel, yscale=yscale)
        ax.xaxis.set_major_locator(plt.MaxNLocator(6, integer=True))
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


@validate_params(
    ax=Unchecked("a matplotlib Axes: its own methods check it"),
    lam_star=Array(ndim=1, above=0),
    ra=Array(ndim=1, above=0),
    labels=Array(ndim=1),
    wrong=(None, Array(kind="bool", ndim=1)),
)
def rayleigh_plane(ax, lam_star: np.ndarray, ra: np.ndarray, labels: np.ndarray, *, wrong=None):
    r"""Samples in the :math:`(\lambda^*, Ra)` plane, coloured by a 0/1 label, with the theory.

    Draws the mode criterion :math:`Ra_{cr}(\lambda^*)` (solid) and the layer criterion
    :math:`\min Ra_{cr} = 657.5` (dashed) on log-log axes. ``wrong`` (boolean mask) circles
    misclassified samples. Returns ``ax``.
    """
    from dlies.physics.rayleigh import RA_CR_MIN, critical_rayleigh

    lam_star, ra, labels = np.asarray(lam_star), np.asarray(ra), np.asarray(labels)
    if not lam_star.shape == ra.shape == labels.shape or lam_star.ndim != 1:
        raise ValueError("rayleigh_plane: lam_star, ra and labels must be 1-D of one length")
    ok = np.ones(len(ra), bool) if wrong is None else ~np.asarray(wrong, bool)
    ax.scatter(lam_star[ok], ra[ok], c=labels[ok], cmap="coolwarm", vmin=0, vmax=1, s=3, alpha=0.6)
    if wrong is not None:
        label = f"misclassified ({int((~ok).sum())} of {len(ra)})"
        ax.scatter(lam_star[~ok], ra[~ok], facecolors="none", edgecolors="k", s=25, label=label)
    curve = np.geomspace(max(lam_star.min(), 0.1), lam_star.max(), 400)
    ax.plot(
        curve, critical_rayleigh(curve), "k", lw=2, label=r"mode grows above $Ra_{cr}(\lambda^*)$"
    )
    ax.axhline(
        RA_CR_MIN, color="k", ls="--", lw=1, label=r"layer unstable above $\min Ra_{cr}$ = 657.5"
    )
    ax.set(
        xscale="log",
        yscale="log",
        xlabel=r"$\lambda^* = \lambda / b$ (dimensionless)",
        ylabel="Rayleigh number Ra (dimensionless)",
    )
    ax.legend(loc="lower right", fontsize=8)
    return ax
