"""Offline checks of the lectures' exercises: feedback that says what is wrong.

Each exercise in a lecture has a stub cell a student completes, ending with ::

    dlies.exercises.check("09.2", answer, y_true=y_test)

and a worked solution (tagged ``solution``) calling the same check with ``strict=True``.
:func:`check` prints one line: ``✔ Exercise 09.2: ...`` when right; when wrong, what is wrong
(the shape, a sign, a factor of two, a transposition, an off-by-one), never the answer; and
``… Exercise 09.2: not attempted yet`` for the stub's ``None``. For a student it never raises;
with ``strict=True`` anything but a correct answer raises :class:`ExerciseFailed`, so a wrong
worked solution fails CI.

Checkers compare with references computed from the ``context`` the notebook passes (the
student's own data and sizes), so they hold in quick and full mode alike. They are registered
with :func:`exercise`, one module per lecture (``dlies.exercises.l09`` ...), and state their
tolerances.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dlies._validate import Boolean, Checked, Real, String, Unchecked, validate_params

__all__ = ["ExerciseFailed", "Verdict", "check", "close_to", "exercise", "registered"]

_ID = re.compile(r"^\d\d\.\d{1,2}$")


class ExerciseFailed(AssertionError):
    """A worked solution (``strict=True``) whose answer the checker does not accept."""


@dataclass(frozen=True)
class Verdict:
    """A checker's judgement: right or not, and one sentence saying why."""

    ok: bool
    message: str


@dataclass(frozen=True)
class _Exercise:
    title: str
    checker: Callable[..., Verdict]


_REGISTRY: dict[str, _Exercise] = {}


def _exercise_id(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("")
    if not _ID.match(value):
        raise ValueError("")
    return value


_EXERCISE_ID = Checked(_exercise_id, "an exercise id 'NN.k' such as '09.2'")


@validate_params(exercise_id=_EXERCISE_ID, title=String(200))
def exercise(exercise_id: str, title: str) -> Callable[[Callable[..., Verdict]], Callable]:
    """Register ``checker(answer, **context) -> Verdict`` for ``exercise_id`` ("NN.k")."""

    def register(checker: Callable[..., Verdict]) -> Callable[..., Verdict]:
        if exercise_id in _REGISTRY:
            raise ValueError(f"exercise: {exercise_id} is registered twice")
        _REGISTRY[exercise_id] = _Exercise(title, checker)
        return checker

    return register


def _load_all() -> None:
    """Import every lecture's checker module (``l00`` ... ``l19``) once."""
    import dlies.exercises as package

    for info in pkgutil.iter_modules(package.__path__):
        if re.fullmatch(r"l\d\d", info.name):
            importlib.import_module(f"dlies.exercises.{info.name}")


@validate_params()
def registered() -> dict[str, str]:
    """Every exercise id with its title, in order."""
    _load_all()
    return {k: _REGISTRY[k].title for k in sorted(_REGISTRY)}


@validate_params(
    exercise_id=_EXERCISE_ID,
    answer=Unchecked("whatever the student wrote: the checker judges it"),
    strict=Boolean(),
    context=Unchecked("handed to the exercise's checker, which computes its reference from it"),
)
def check(exercise_id: str, answer: Any, *, strict: bool = False, **context: Any) -> bool:
    """Check a student's ``answer`` to exercise ``exercise_id``; print one line; return whether
    it is right.

    Parameters
    ----------
    exercise_id : str
        ``"NN.k"``: lecture NN, exercise k.
    answer : object
        What the exercise asks for; ``None`` means not attempted yet.
    strict : bool, default False
        Raise :class:`ExerciseFailed` unless the answer is right (worked solutions use it).
    **context
        What the checker needs to compute its reference (the student's data, sizes).
    """
    verdict = _judge(exercise_id, answer, **context)
    mark = "…" if answer is None else "✔" if verdict.ok else "✘"
    print(f"{mark} Exercise {exercise_id}: {verdict.message}")
    if strict and not verdict.ok:
        raise ExerciseFailed(f"Exercise {exercise_id}: {verdict.message}")
    return verdict.ok


def _judge(exercise_id: str, answer: Any, **context: Any) -> Verdict:
    """The verdict of ``exercise_id``'s checker on ``answer``, printed by nobody."""
    _load_all()
    if exercise_id not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise KeyError(f"check: no exercise {exercise_id!r} (known: {known})")
    if answer is None:
        return Verdict(False, "not attempted yet: replace None with your answer")
    try:
        return _REGISTRY[exercise_id].checker(answer, **context)
    except (TypeError, ValueError, IndexError, KeyError) as exc:
        return Verdict(False, f"the answer could not be checked: {exc}")


# --------------------------------------------------------------------------- checking helpers
def _as_array(answer: Any, what: str) -> np.ndarray:
    try:
        array = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} should be numbers, got {type(answer).__name__}") from None
    return array


@validate_params(
    answer=Unchecked("the student's answer: a wrong type is a verdict, not an error"),
    reference=Unchecked("computed by the checker and converted to numbers here"),
    what=String(200),
    rtol=Real(min=0),
    atol=Real(min=0),
    right=String(500),
    mistakes=Unchecked("pairs (wrong value, message) computed by the checker"),
)
def close_to(
    answer: Any,
    reference: Any,
    *,
    what: str = "the answer",
    rtol: float = 1e-3,
    atol: float = 1e-8,
    right: str = "correct",
    mistakes: Sequence[tuple[Any, str]] = (),
) -> Verdict:
    """Compare a numeric answer with the reference; name the typical mistake when it is one.

    Recognised: a wrong shape, a transposed matrix, a flipped sign, a factor of 2 or 1/2, NaN
    or infinite values, an array shifted by one element (off by one sample), and the lecture's
    own ``mistakes``: pairs ``(wrong value, message)`` computed like the reference (the test
    set used for the validation set, natural for decimal logarithms ...). An answer within the
    tolerance of the reference is right even where a mistake happens to give the same value.
    """
    a, ref = _as_array(answer, what), _as_array(reference, "the reference")

    def same(x: np.ndarray) -> bool:
        return x.shape == ref.shape and bool(np.allclose(x, ref, rtol=rtol, atol=atol))

    if same(a):
        return Verdict(True, right)
    for value, message in mistakes:
        wrong = _as_array(value, "a mistake")
        if a.shape == wrong.shape and np.allclose(a, wrong, rtol=rtol, atol=atol):
            return Verdict(False, message)
    if a.shape != ref.shape:
        if a.ndim == 2 and a.T.shape == ref.shape and same(a.T):
            return Verdict(False, f"{what} is transposed: expected shape {ref.shape}")
        return Verdict(False, f"{what} has shape {a.shape}, expected {ref.shape}")
    if not np.all(np.isfinite(a)):
        return Verdict(False, f"{what} holds NaN or infinite values")
    if np.any(ref != 0) and same(-a):
        return Verdict(False, f"{what} has the wrong sign")
    for factor, name in ((2.0, "twice"), (0.5, "half")):
        if np.any(ref != 0) and same(a / factor):
            return Verdict(False, f"{what} is {name} the expected value: check a factor of 2")
    if a.ndim >= 1 and len(a) > 2:
        for shift in (1, -1):
            rolled = np.roll(a, shift, axis=0)
            inner = slice(1, -1)
            if np.allclose(rolled[inner], ref[inner], rtol=rtol, atol=atol):
                return Verdict(False, f"{what} is shifted by one element: check an index")
    error = float(np.max(np.abs(a - ref) / (np.abs(ref) + atol / rtol)))
    return Verdict(False, f"{what} is off (largest relative error {error:.2g}, tolerance {rtol})")
