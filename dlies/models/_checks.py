"""The argument checks the builders share: only those Keras lets through silently.

Keras already rejects bad shapes, non-positive widths and filter counts and negative L2
factors, with clear messages. What it accepts, and what would then train a useless network
without a word, is caught here.
"""

from __future__ import annotations

import numbers

import numpy as np

from dlies._validate import Checked, Function, Integer, Real, Sequence, String, any_of


def dropout_rate(rate: float) -> float:
    """A dropout rate in [0, 1): Keras accepts 1.0, which zeroes every unit while training."""
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout must be a number in [0, 1), got {rate!r}")
    return float(rate)


def adapt_array(data: object, input_shape: tuple[int, ...]) -> np.ndarray:
    """Training inputs of shape ``(n, *input_shape)`` as float32, for ``Normalization.adapt``.

    A ``Normalization`` layer adapted on one column broadcasts that column's mean and variance
    over every input without complaint.
    """
    arr = np.asarray(data, dtype="float32")
    if arr.ndim < 2 or arr.shape[1:] != tuple(input_shape) or len(arr) < 2:
        raise ValueError(
            f"adapt_data must have shape (n >= 2, {', '.join(map(str, input_shape))}), "
            f"got {arr.shape}"
        )
    return arr


def _shape(value: object) -> tuple[int, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, tuple | list):
        raise TypeError("")
    return tuple(Integer(min=1).convert(v) for v in value)


#: What the builders' parameters accept, declared beside each module's builders.
SHAPE = Checked(_shape, "a tuple of integers >= 1 (one input's shape, no batch axis)")
WIDTHS = Sequence(Integer(min=1), min_length=1)
HIDDEN = Sequence(Integer(min=1))  # no hidden layer at all is a model too
COUNT = Integer(min=1)
NAME = String(200)
DROPOUT = Checked(dropout_rate, "a number in [0, 1)")
ACTIVATION = any_of(String(100), Function())
L2 = Real(min=0)
AUGMENT = Real(min=0, max=1)
