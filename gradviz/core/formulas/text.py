"""Number and index text for the numeric strings of formulas."""

from __future__ import annotations

import ast
from collections.abc import Sequence

import numpy as np

from gradviz.core.trace import format_number

SHOWN_TERMS = 3  # terms of a long sum written out before "…"

Index = tuple[int, ...]


def fmt(value: float | np.ndarray | np.generic) -> str:
    """One number as formulas show it; a numpy value is read as the Python number it holds."""
    if isinstance(value, (np.ndarray, np.generic)):
        value = value.item()
    if isinstance(value, bool):
        value = int(value)
    return format_number(value)


def fit(index: Sequence[int], shape: Sequence[int]) -> Index:
    """``index`` read against a tensor of ``shape`` as broadcasting reads it.

    Aligned from the right, clipped to each size (so size-1 dimensions give 0),
    missing leading positions are 0.
    """
    index = tuple(index)[-len(shape):] if shape else ()
    index = (0,) * (len(shape) - len(index)) + index
    return tuple(min(max(int(i), 0), int(s) - 1) if s else 0 for i, s in zip(index, shape))


def element(t: np.ndarray | np.generic, index: Index) -> np.generic:
    """``t[index]``, one element; an empty ``t`` raises IndexError in torch's words.

    A formula's fallback note quotes the error, so it reads as it did when the
    formulas computed with torch ("dimension", where numpy says "axis").

    Parameters
    ----------
    t : numpy.ndarray or numpy scalar
        The values.
    index : tuple of int
        A full index into ``t``.

    Returns
    -------
    numpy scalar
        The element.

    Raises
    ------
    IndexError
        If ``t`` has no elements (or ``index`` is out of range).
    """
    shape = np.shape(t)
    if 0 in shape:
        dim = shape.index(0)
        raise IndexError(f"index {index[dim]} is out of bounds for dimension {dim} with size 0")
    return t[index]


def at(t: np.ndarray, index: Sequence[int]) -> str:
    """The number of ``t`` at ``index`` (broadcast-aware) as text."""
    return fmt(element(t, fit(index, np.shape(t))))


def paren(text: str) -> str:
    """Wrap a negative number so ``2 · (-0.5)`` reads as a product."""
    return f"({text})" if text.startswith("-") else text


def product(*parts: str) -> str:
    """``a · b · c``; negatives after the first in parentheses."""
    return " · ".join([parts[0], *(paren(p) for p in parts[1:])])


def index_text(index: Sequence[int]) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]"


def sum_text(parts: list[str], count: int) -> str:
    """A sum of ``count`` terms of which the first few are ``parts``."""
    shown = " + ".join([*parts[:1], *(paren(p) for p in parts[1:SHOWN_TERMS])])
    if count > SHOWN_TERMS:
        shown += f" + … ({count} terms)"
    return shown


def number_text(text: str) -> float | None:
    """A saved scalar's text (``2``, ``2.5``, ``"mean"``) as a number, if it is one."""
    try:
        return float(text)
    except ValueError:
        return None


def literal(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


def d(name: str) -> str:
    """The gradient symbol of ``name``: ∂L/∂name."""
    return f"∂L/∂{name}"
