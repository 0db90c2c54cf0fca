"""The argument checks of :mod:`dlies._validate`, under the name the data modules import."""

from __future__ import annotations

from dlies._validate import (
    check_file,
    check_n,
    check_nonnegative,
    check_random_state,
    check_range,
)

__all__ = ["check_file", "check_n", "check_nonnegative", "check_random_state", "check_range"]
