"""Constraints on collections: pairs, sequences and NumPy arrays (see :mod:`dlies._constraints`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from dlies._constraints import Constraint, shown


class Pair(Constraint):
    """A pair ``(low, high)`` of values of ``item`` with ``low < high`` (``<=`` when
    ``strict=False``); returned as a tuple."""

    def __init__(self, item: Constraint, *, strict: bool = True) -> None:
        self.item, self.strict = item, strict

    def describe(self) -> str:
        order = "low < high" if self.strict else "low <= high"
        return f"a pair (low, high) with {order}, each {self.item.describe()}"

    def convert(self, value: Any) -> tuple:
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise TypeError("")
        items = list(value) if not isinstance(value, np.ndarray) else value.tolist()
        if len(items) != 2:
            raise ValueError("")
        low, high = (self.item.convert(v) for v in items)
        if not (low < high if self.strict else low <= high):
            raise ValueError("")
        return (low, high)


class Sequence(Constraint):
    """A list or tuple (any iterable but a string when ``iterable=True``) of ``item`` values,
    ``min_length`` to ``max_length`` long; returned as a list."""

    def __init__(
        self,
        item: Constraint,
        *,
        min_length: int = 0,
        max_length: int | None = None,
        iterable: bool = False,
    ) -> None:
        self.item, self.min_length, self.max_length = item, min_length, max_length
        self.iterable = iterable

    def describe(self) -> str:
        size = f"at least {self.min_length}" if self.min_length else ""
        if self.max_length is not None:
            size = f"{size} and " if size else ""
            size += f"at most {self.max_length}"
        what = "an iterable" if self.iterable else "a list or tuple"
        return f"{what} of {size + ' ' if size else ''}items, each {self.item.describe()}"

    def convert(self, value: Any) -> list:
        if isinstance(value, str | bytes | dict) or not (
            isinstance(value, list | tuple) or (self.iterable and isinstance(value, Iterable))
        ):
            raise TypeError("")
        items = list(value)
        if len(items) < self.min_length or (
            self.max_length is not None and len(items) > self.max_length
        ):
            raise ValueError(f"{len(items)} items")
        out = []
        for i, v in enumerate(items):
            try:
                out.append(self.item.convert(v))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"item {i}, {shown(v)}, is not {self.item.describe()}") from exc
        return out


class Array(Constraint):
    """An array-like of real numbers (``kind="real"``), booleans (``"bool"``) or integers
    (``"int"``), finite unless ``finite=False``, with ``ndim`` among the given ones and at
    least ``min_size`` elements; returned as a NumPy array (not copied when it is one)."""

    _KINDS = {"real": "fiu", "int": "iu", "bool": "b", "any": "biufUS"}

    def __init__(
        self,
        kind: str = "real",
        *,
        ndim: int | tuple[int, ...] | None = None,
        shape: tuple[int | None, ...] | None = None,
        finite: bool = True,
        min_size: int = 0,
        min: float | None = None,
        above: float | None = None,
    ) -> None:
        self.kind, self.finite, self.min_size, self.shape = kind, finite, min_size, shape
        self.min, self.above = min, above
        self.ndim = (ndim,) if isinstance(ndim, int) else ndim

    def describe(self) -> str:
        dims = "" if self.ndim is None else " or ".join(f"{d}-D" for d in self.ndim) + " "
        if self.shape is not None:
            parts = ["n" if d is None else str(d) for d in self.shape]
            dims = f"({', '.join(parts)}{',' if len(parts) == 1 else ''}) "
        what = {"real": "real numbers", "int": "integers", "bool": "booleans"}.get(
            self.kind, "numbers, booleans or strings"
        )
        finite = "finite " if self.finite and self.kind in ("real", "any") else ""
        size = f" (at least {self.min_size})" if self.min_size else ""
        bound = "" if self.min is None else f" >= {self.min:g}"
        bound += "" if self.above is None else f" > {self.above:g}"
        return f"{'a' if dims else 'an'} {dims}array of {finite}{what}{bound}{size}"

    def convert(self, value: Any) -> np.ndarray:
        if isinstance(value, str | bytes | dict | set) or value is None:
            raise TypeError("")
        try:
            array = np.asarray(value)
        except (ValueError, TypeError) as exc:  # ragged lists, objects NumPy cannot hold
            raise TypeError(str(exc).split("\n")[0]) from None
        if array.dtype.kind not in self._KINDS[self.kind]:
            shown_dtype = isinstance(value, np.ndarray) and value.size > 6
            raise TypeError("" if shown_dtype else f"dtype {array.dtype}")
        if self.ndim is not None and array.ndim not in self.ndim:
            raise ValueError(f"{array.ndim}-D")
        if self.shape is not None and (
            array.ndim != len(self.shape)
            or any(w is not None and w != d for w, d in zip(self.shape, array.shape, strict=True))
        ):
            raise ValueError(f"shape {array.shape}")
        if array.size < self.min_size:
            raise ValueError(f"{array.size} elements")
        if self.finite and array.dtype.kind == "f" and not np.isfinite(array).all():
            raise ValueError("it holds NaN or infinite values")
        if (self.min is not None and not (array >= self.min).all()) or (
            self.above is not None and not (array > self.above).all()
        ):
            raise ValueError("a value is out of bounds")
        return array
