"""Argument checks shared by the model builders."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral


def check_shape(input_shape: object) -> tuple[int, ...]:
    """A tuple of positive ints, e.g. ``(8,)`` or ``(28, 28, 1)``."""
    if isinstance(input_shape, Integral) and not isinstance(input_shape, bool):
        input_shape = (input_shape,)
    if not isinstance(input_shape, Sequence) or not input_shape:
        raise ValueError(f"input_shape must be a tuple of positive integers, got {input_shape!r}")
    dims = []
    for d in input_shape:
        if isinstance(d, bool) or not isinstance(d, Integral) or d <= 0:
            raise ValueError(
                f"input_shape must be a tuple of positive integers, got {input_shape!r}"
            )
        dims.append(int(d))
    return tuple(dims)


def check_units(name: str, units: object) -> tuple[int, ...]:
    """A non-empty sequence of positive layer widths."""
    if isinstance(units, Integral) and not isinstance(units, bool):
        units = (units,)
    if not isinstance(units, Sequence) or not units:
        raise ValueError(f"{name} must be a non-empty sequence of positive integers, got {units!r}")
    for u in units:
        if isinstance(u, bool) or not isinstance(u, Integral) or u <= 0:
            raise ValueError(f"{name} must hold positive integers, got {units!r}")
    return tuple(int(u) for u in units)


def check_rate(name: str, rate: object) -> float:
    """A dropout rate in [0, 1)."""
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0.0 <= rate < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1), got {rate!r}")
    return float(rate)
