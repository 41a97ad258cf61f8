"""Captured values as numpy arrays, broadcasting bookkeeping, and the allclose check."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence

import numpy as np

from gradviz.core.formulas.arrays import Array, sum_over
from gradviz.core.formulas.text import Index
from gradviz.core.i18n import translate
from gradviz.core.trace import TensorValue, format_shape

RTOL, ATOL = 1e-5, 1e-7


class NoNumbers(Exception):
    """A value the formula needs was not captured, or only as a summary."""


def not_captured(what: str) -> str:
    """The reason a formula has no numbers: "{what} was not captured"."""
    return translate("formulas", "{what} was not captured").format(what=what)


def array_of(value: TensorValue | None, what: str) -> Array:
    """A captured value as a numpy array (a copy); NoNumbers when it is missing or a summary.

    Parameters
    ----------
    value : TensorValue or None
        The captured value.
    what : str
        What the value is, for the NoNumbers message (``"the saved tensor self"``).

    Returns
    -------
    numpy.ndarray
        The value's numbers in their captured dtype (bfloat16 values are float32).

    Raises
    ------
    NoNumbers
        If ``value`` is None or was kept only as a summary.
    """
    if value is None:
        raise NoNumbers(not_captured(what))
    if value.data is None:
        raise NoNumbers(translate("formulas", "{what} {shape} was kept only as a summary (it is too large)").format(
            what=what, shape=format_shape(value.shape)))
    return np.array(value.data)


def keep(t: Array | np.generic) -> TensorValue:
    """A computed gradient as a TensorValue, always in full (it is compared element by element).

    Parameters
    ----------
    t : numpy.ndarray or numpy scalar
        The gradient gradviz computed.

    Returns
    -------
    TensorValue
        A copy, with numpy's dtype name (the names are torch's: ``float32``, ``complex64``).
    """
    data = np.array(t)
    return TensorValue(tuple(data.shape), data.dtype.name, "cpu", data)


def broadcast_dims(out_shape: Sequence[int], in_shape: Sequence[int]) -> tuple[int, ...]:
    """Dimensions of ``out_shape`` that broadcasting added to an input of ``in_shape``."""
    lead = len(out_shape) - len(in_shape)
    return tuple(d for d, size in enumerate(out_shape)
                 if d < lead or (in_shape[d - lead] == 1 and size != 1))


def reduce_to(t: Array, shape: Sequence[int]) -> Array:
    """Sum ``t`` over the dimensions broadcasting added, back to ``shape`` (at::sum_to)."""
    shape = tuple(shape)
    if tuple(np.shape(t)) == shape:
        return t
    dims = broadcast_dims(np.shape(t), shape)
    if dims:
        t = sum_over(t, dims)
    return np.reshape(t, shape)


def sources_of(index: Index, out_shape: Sequence[int],
               in_shape: Sequence[int]) -> tuple[Iterator[Index], int]:
    """The output positions whose gradients sum into input position ``index``, and their count."""
    lead = len(out_shape) - len(in_shape)
    ranges: list[Sequence[int]] = []
    count = 1
    for d, size in enumerate(out_shape):
        if d < lead or (in_shape[d - lead] == 1 and size != 1):
            ranges.append(range(size))
            count *= size
        else:
            ranges.append((index[d - lead],))
    return itertools.product(*ranges), count


def compare(computed: Array | np.generic, captured: TensorValue | None) -> bool | None:
    """allclose(computed, captured); for a summary-only capture, its statistics are compared."""
    if captured is None:
        return None
    computed = np.asarray(computed)
    if tuple(computed.shape) != tuple(captured.shape):
        return False
    mine = computed if computed.dtype.kind == "c" else computed.astype(np.float64)
    if captured.data is not None:
        # A NaN autograd produced and the rule reproduces (0 · ∞ in the nan lesson) is a match.
        return bool(np.allclose(mine, captured.data, rtol=RTOL, atol=ATOL, equal_nan=True))
    # Only min, max, mean, std, norm were kept: a weaker check, but a check.
    ref = keep(computed)
    scale = captured.norm / math.sqrt(max(captured.numel, 1)) + ATOL
    return (math.isclose(ref.norm, captured.norm, rel_tol=10 * RTOL, abs_tol=ATOL)
            and all(abs(a - b) <= 10 * RTOL * scale for a, b in
                    ((ref.min, captured.min), (ref.max, captured.max), (ref.mean, captured.mean))))
