"""Argument checks shared by the generators and loaders."""

from __future__ import annotations

import os
from numbers import Integral, Real
from pathlib import Path

import numpy as np


def check_n(name: str, value: object, *, minimum: int = 1) -> int:
    """An integer count >= ``minimum``; raises naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def check_range(name: str, value: object) -> tuple[float, float]:
    """A pair (low, high) of finite numbers with low < high."""
    try:
        low, high = value  # type: ignore[misc]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high), got {value!r}") from None
    for v in (low, high):
        if isinstance(v, bool) or not isinstance(v, Real) or not np.isfinite(v):
            raise ValueError(f"{name} must hold two finite numbers, got {value!r}")
    if not low < high:
        raise ValueError(f"{name} must have low < high, got {value!r}")
    return float(low), float(high)


def check_nonnegative(name: str, value: object) -> float:
    """A finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return float(value)


def check_random_state(value: object) -> int | np.random.Generator | None:
    """A seed for ``numpy.random.default_rng``: None, an int >= 0 or a Generator (not a bool)."""
    if value is None or isinstance(value, np.random.Generator):
        return value
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise ValueError(
            f"random_state must be None, an integer >= 0 or a numpy Generator, got {value!r}"
        )
    return int(value)


def check_file(path: object, what: str, *, hint: str = "") -> Path:
    """``path`` (a str or os.PathLike) of an existing regular file. Each error starts with
    ``what`` and names the path; when the path is not a file, ``hint`` ends the message."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{what}: path must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path).expanduser()
    if not p.exists():
        raise FileNotFoundError(f"{what}: no such file: {p}")
    if p.is_dir():
        raise ValueError(f"{what}: {p} is a folder, not a file{hint}")
    if not p.is_file():
        raise ValueError(f"{what}: {p} is not a regular file{hint}")
    return p
