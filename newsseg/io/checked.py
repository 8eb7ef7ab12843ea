"""Checks of numbers read from untrusted JSON (a model file's manifest): one message per fault.

Each takes the entry's name for the message and ``fail``, which turns a message into the
exception to raise (a :class:`~newsseg.errors.ModelFileError` naming the file, say).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np


def is_finite_number(value: object) -> bool:
    """Whether ``value`` is an int or float (not a bool) and finite."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def bounded_number(value: object, what: str, low: float, high: float, fail: Callable[[str], Exception]) -> float:
    """``value`` as a float if it is a number in ``[low, high]``, else ``fail``'s exception."""
    if not is_finite_number(value) or not low <= value <= high:  # type: ignore[operator]
        raise fail(f"{what} is not a number in [{low}, {high}]")
    return float(value)  # type: ignore[arg-type]


def finite_numbers(values: object, what: str, count: int, fail: Callable[[str], Exception]) -> np.ndarray:
    """``values`` as a float array if it is a list of ``count`` finite numbers, else ``fail``'s exception."""
    if not isinstance(values, list) or len(values) != count:
        raise fail(f"{what} is not a list of {count} numbers")
    if not all(is_finite_number(value) for value in values):
        raise fail(f"{what} holds a value that is not a finite number")
    return np.array(values, dtype=float)
