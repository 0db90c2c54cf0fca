"""The constraints :func:`dlies._validate.validate_params` declares parameters with.

Each constraint checks one value (``check(name, value)``), returns it, normalised, or raises
:class:`ParameterError` naming the parameter, what it accepts (``describe()``) and what it got.
"""

from __future__ import annotations

import math
import os
import reprlib
from numbers import Integral
from numbers import Real as _Real
from typing import Any

import numpy as np

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = 6
#: Longest path accepted, in bytes (Linux's PATH_MAX), and longest name within it.
MAX_PATH_BYTES, MAX_NAME_BYTES = 4096, 255


class ParameterError(ValueError, TypeError):
    """An argument a function does not accept; the message names the parameter.

    Both a ``ValueError`` and a ``TypeError``, as scikit-learn's ``InvalidParameterError``:
    ``except ValueError`` and ``except TypeError`` both catch it.
    """

    def __init__(self, message: str, *, type_matched: bool = False) -> None:
        super().__init__(message)
        #: True when the value had an accepted type and failed on its value (range, shape).
        self.type_matched = type_matched


def shown(value: Any) -> str:
    """A short ``repr`` of ``value`` for messages (long strings and arrays cut)."""
    if isinstance(value, np.ndarray) and value.size > 6:
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, os.PathLike) and len(str(value)) <= MAX_PATH_BYTES:
        return repr(str(value))  # a file is named in full
    return _REPR.repr(value)


class Constraint:
    """What a parameter accepts. Subclasses implement :meth:`describe` and :meth:`convert`."""

    def describe(self) -> str:
        raise NotImplementedError

    def convert(self, value: Any) -> Any:
        """The normalised value; raise ``TypeError`` (wrong type) or ``ValueError``."""
        raise NotImplementedError

    def check(self, name: str, value: Any) -> Any:
        try:
            return self.convert(value)
        except ParameterError:
            raise
        except (TypeError, ValueError, OverflowError) as exc:
            detail = f" ({exc})" if str(exc) else ""
            raise ParameterError(
                f"{name} must be {self.describe()}, got {shown(value)}{detail}",
                type_matched=not isinstance(exc, TypeError),
            ) from None

    def __repr__(self) -> str:
        return f"<{self.describe()}>"


def _number(value: Any, what: str) -> Any:
    if isinstance(value, bool | np.bool_) or not isinstance(value, _Real):
        raise TypeError("")
    return value


class Integer(Constraint):
    """An integer (Python or NumPy, not a bool) in ``[min, max]``."""

    def __init__(self, min: int | None = None, max: int | None = None) -> None:
        self.min, self.max = min, max

    def describe(self) -> str:
        bounds = [f">= {self.min}"] if self.min is not None else []
        bounds += [f"<= {self.max}"] if self.max is not None else []
        return "an integer" + (f" {' and '.join(bounds)}" if bounds else "")

    def convert(self, value: Any) -> int:
        if not isinstance(_number(value, "integer"), Integral):
            raise TypeError("")
        value = int(value)
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):
            raise ValueError("")
        return value


class Real(Constraint):
    """A real number (int or float, Python or NumPy, not a bool), finite unless
    ``finite=False``, within the bounds (``min``/``max`` closed, ``above``/``below`` open)."""

    def __init__(
        self,
        min: float | None = None,
        max: float | None = None,
        *,
        above: float | None = None,
        below: float | None = None,
        finite: bool = True,
    ) -> None:
        self.min, self.max, self.above, self.below, self.finite = min, max, above, below, finite

    def describe(self) -> str:
        bounds = [f"{op} {b:g}" for op, b in ((">=", self.min), (">", self.above)) if b is not None]
        bounds += [
            f"{op} {b:g}" for op, b in (("<=", self.max), ("<", self.below)) if b is not None
        ]
        what = "a finite number" if self.finite else "a number"
        return what + (f" {' and '.join(bounds)}" if bounds else "")

    def convert(self, value: Any) -> float:
        value = float(_number(value, "number"))
        if (self.finite and not math.isfinite(value)) or math.isnan(value):
            raise ValueError("")
        for bound, ok in (
            (self.min, lambda b: value >= b),
            (self.max, lambda b: value <= b),
            (self.above, lambda b: value > b),
            (self.below, lambda b: value < b),
        ):
            if bound is not None and not ok(bound):
                raise ValueError("")
        return value


class Boolean(Constraint):
    """True or False (a NumPy bool too); a truthy string such as ``"no"`` is refused."""

    def describe(self) -> str:
        return "True or False"

    def convert(self, value: Any) -> bool:
        if not isinstance(value, bool | np.bool_):
            raise TypeError("")
        return bool(value)


class String(Constraint):
    """A non-empty string of at most ``max_length`` characters."""

    def __init__(self, max_length: int = 1000, *, allow_empty: bool = False) -> None:
        self.max_length, self.allow_empty = max_length, allow_empty

    def describe(self) -> str:
        empty = "a string" if self.allow_empty else "a non-empty string"
        return f"{empty} of at most {self.max_length} characters"

    def convert(self, value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("")
        if len(value) > self.max_length or not (value or self.allow_empty):
            raise ValueError("")
        return value


class Options(Constraint):
    """One of a few values (compared with ``==``, of the same type)."""

    def __init__(self, *values: Any) -> None:
        self.values = values

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)

    def convert(self, value: Any) -> Any:
        for v in self.values:
            if type(value) is type(v) and value == v:
                return v
        raise ValueError("")


class Instance(Constraint):
    """An instance of one of ``types``."""

    def __init__(self, *types: type, what: str | None = None) -> None:
        self.types, self.what = types, what

    def describe(self) -> str:
        return self.what or "an instance of " + " or ".join(t.__name__ for t in self.types)

    def convert(self, value: Any) -> Any:
        if not isinstance(value, self.types):
            raise TypeError("")
        return value


class Unchecked(Constraint):
    """Anything: declared so on purpose, with the reason (a matplotlib figure, a Keras
    history, options handed on to a library that checks them)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def describe(self) -> str:
        return f"anything ({self.reason})"

    def convert(self, value: Any) -> Any:
        return value


class Checked(Constraint):
    """A value that ``func`` checks: it returns the value (normalised) or raises
    ``TypeError`` or ``ValueError``; ``what`` says what is accepted."""

    def __init__(self, func: Any, what: str) -> None:
        self.func, self.what = func, what

    def describe(self) -> str:
        return self.what

    def convert(self, value: Any) -> Any:
        return self.func(value)

    def check(self, name: str, value: Any) -> Any:
        try:
            return super().check(name, value)
        except ParameterError as exc:  # from a check of its own: name the parameter first
            if str(exc).startswith(name):
                raise
            raise ParameterError(f"{name}: {exc}", type_matched=exc.type_matched) from None
        except FileNotFoundError as exc:
            raise FileNotFoundError(f"{name}: {exc}") from None


class Function(Constraint):
    """A callable (a function, a lambda, an object with ``__call__``)."""

    def describe(self) -> str:
        return "a callable"

    def convert(self, value: Any) -> Any:
        if not callable(value):
            raise TypeError("")
        return value


class RandomState(Constraint):
    """A seed for ``numpy.random.default_rng``: None, an integer >= 0 or a Generator."""

    def describe(self) -> str:
        return "None, an integer >= 0 or a numpy.random.Generator"

    def convert(self, value: Any) -> Any:
        if value is None or isinstance(value, np.random.Generator):
            return value
        return Integer(min=0).convert(value)


class AnyOf(Constraint):
    """Any one of several constraints (``None`` among them: the argument may be None)."""

    def __init__(self, *options: Constraint | None) -> None:
        self.allow_none = None in options
        self.options = [o for o in options if o is not None]

    def describe(self) -> str:
        parts = (["None"] if self.allow_none else []) + [o.describe() for o in self.options]
        return " or ".join(parts)

    def convert(self, value: Any) -> Any:  # as an item of another constraint
        return self.check("value", value)

    def check(self, name: str, value: Any) -> Any:
        if value is None and self.allow_none:
            return None
        errors = []
        for option in self.options:
            try:
                return option.check(name, value)
            except ParameterError as exc:
                errors.append(exc)
        if len(errors) == 1 and (errors[0].type_matched or not self.allow_none):
            raise errors[0]  # the value had the one accepted type: its own message
        matched = [e for e in errors if e.type_matched]
        if matched:  # the value had the right type for one of them: that error says most
            raise matched[0]
        raise ParameterError(f"{name} must be {self.describe()}, got {shown(value)}")


def any_of(*options: Any) -> Constraint:
    """A constraint accepting any of ``options`` (see :func:`as_constraint`)."""
    return AnyOf(*(None if o is None else as_constraint(o) for o in options))


def as_constraint(declared: Any) -> Constraint:
    """A :class:`Constraint` from a declaration: a constraint, a type, None or a tuple."""
    if isinstance(declared, Constraint):
        return declared
    if declared is None:
        return AnyOf(None)
    if isinstance(declared, tuple):
        return any_of(*declared)
    if isinstance(declared, type):
        return Instance(declared)
    raise TypeError(f"not a constraint: {declared!r}")
