"""Figure helpers: every lecture saves its figures through :func:`savefig`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from dlies import paths, runtime

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_FORMATS = {"png", "svg", "pdf"}


def figure_dir(lecture: str | None = None) -> Path:
    """``build/figures/<lecture>/`` (the lecture defaults to the current notebook)."""
    if lecture is None:
        rt = runtime.current()
        if rt is None:
            raise ValueError(
                "figure_dir: no lecture given and dlies.runtime.setup() was not called"
            )
        lecture = rt.notebook
    return paths.build_dir() / "figures" / lecture


def savefig(
    fig, name: str, *, formats: Iterable[str] = ("png",), lecture: str | None = None, dpi: int = 120
) -> list[Path]:
    """Save a matplotlib figure to ``build/figures/<lecture>/<name>.<format>``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure; it stays open so the notebook still shows it.
    name : str
        File stem: letters, digits, ``_``, ``-`` and ``.`` only.
    formats : iterable of {"png", "svg", "pdf"}, default ("png",)
    lecture : str, optional
        Defaults to the notebook named in :func:`dlies.runtime.setup`.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"savefig: name must be letters, digits, '_', '-' or '.', got {name!r}")
    formats = list(formats)
    bad = [f for f in formats if f not in _FORMATS]
    if bad or not formats:
        raise ValueError(f"savefig: formats must be among {sorted(_FORMATS)}, got {formats!r}")
    folder = figure_dir(lecture)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = folder / f"{name}.{fmt}"
        with paths.atomic_path(target) as tmp:
            fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format=fmt)
        written.append(target)
    return written
