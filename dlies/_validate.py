"""Argument checks for every public function, declared once per function.

In the spirit of scikit-learn's ``validate_params``: a function states what each of its
parameters accepts, and :func:`validate_params` checks the arguments at entry, before any
reaches NumPy, h5py, laspy or TensorFlow::

    @validate_params(
        n_samples=Integer(min=1),
        noise=Real(min=0),
        random_state=RandomState(),
    )
    def make_quadratic(n_samples=100, *, noise=0.1, random_state=None): ...

A bad argument raises :class:`ParameterError` (a ``ValueError`` and a ``TypeError``) naming
the function, the parameter, what it accepts and what it got. A check may also normalise the
value (an ``np.int64`` seed becomes an ``int``, a path a :class:`~pathlib.Path`): the function
receives what the check returned. Every parameter must be declared; a declaration that misses
one fails when the module is imported. The constraints themselves live in
:mod:`dlies._constraints` (numbers, flags, strings, choices), :mod:`dlies._constraints_shapes`
(pairs, sequences, arrays) and :mod:`dlies._constraints_paths` (files and folders).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from dlies._constraints import (
    Boolean,
    Checked,
    Constraint,
    Function,
    Instance,
    Integer,
    Options,
    ParameterError,
    RandomState,
    Real,
    String,
    Unchecked,
    any_of,
    as_constraint,
)
from dlies._constraints_paths import Folder, NewFile, Path_, RegularFile
from dlies._constraints_shapes import Array, Pair, Sequence

__all__ = [
    "Array",
    "Boolean",
    "Checked",
    "Constraint",
    "Folder",
    "Function",
    "Instance",
    "Integer",
    "NewFile",
    "Options",
    "Pair",
    "ParameterError",
    "Path_",
    "RandomState",
    "Real",
    "RegularFile",
    "Sequence",
    "String",
    "Unchecked",
    "any_of",
    "check_file",
    "check_n",
    "check_nonnegative",
    "check_random_state",
    "check_range",
    "declared_params",
    "validate_params",
]

F = TypeVar("F", bound=Callable[..., Any])


def validate_params(**declared: Any) -> Callable[[F], F]:
    """Decorate a function with one constraint per parameter (see the module docstring).

    A value may be a :class:`Constraint`, ``None`` (the argument may be None), a tuple of
    those (any of them), or a type (an instance of it). ``**kwargs`` and ``*args`` are
    declared like any other parameter, and their constraint applies to each item.
    """
    constraints = {name: as_constraint(c) for name, c in declared.items()}

    def decorate(func: F) -> F:
        signature = inspect.signature(func)
        params = signature.parameters
        missing = [p for p in params if p not in constraints]
        extra = [p for p in constraints if p not in params]
        if missing or extra:
            raise TypeError(
                f"validate_params on {func.__qualname__}: undeclared {missing}, unknown {extra}"
            )
        where = func.__name__

        @functools.wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{where}: {exc}") from None
            bound.apply_defaults()  # defaults pass the same checks (and conversions)
            arguments = bound.arguments
            for name, value in arguments.items():
                kind = params[name].kind
                check = constraints[name]
                if kind is inspect.Parameter.VAR_POSITIONAL:
                    arguments[name] = tuple(check.check(f"{where}: {name}", v) for v in value)
                elif kind is inspect.Parameter.VAR_KEYWORD:
                    arguments[name] = {
                        k: check.check(f"{where}: {name} {k!r}", v) for k, v in value.items()
                    }
                else:
                    arguments[name] = check.check(f"{where}: {name}", value)
            return func(*bound.args, **bound.kwargs)

        checked.__dlies_params__ = constraints  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate


def declared_params(func: Callable[..., Any]) -> Mapping[str, Constraint] | None:
    """The constraints :func:`validate_params` declared for ``func`` (None: none declared)."""
    return getattr(func, "__dlies_params__", None)


# --------------------------------------------------------------------------- one-off checks
def check_n(name: str, value: object, *, minimum: int = 1) -> int:
    """An integer count >= ``minimum``; raises naming ``name`` otherwise."""
    return Integer(min=minimum).check(name, value)


def check_range(name: str, value: object) -> tuple[float, float]:
    """A pair (low, high) of finite numbers with low < high."""
    return Pair(Real()).check(name, value)


def check_nonnegative(name: str, value: object) -> float:
    """A finite number >= 0."""
    return Real(min=0).check(name, value)


def check_random_state(value: object, name: str = "random_state") -> Any:
    """A seed for ``numpy.random.default_rng``: None, an int >= 0 or a Generator (not a bool)."""
    return RandomState().check(name, value)


def check_file(path: object, what: str, *, hint: str = "") -> Any:
    """``path`` (a str or os.PathLike) of an existing regular file. Each error starts with
    ``what`` and names the path; when the path is not a file, ``hint`` ends the message."""
    return RegularFile(hint=hint).check(what, path)
