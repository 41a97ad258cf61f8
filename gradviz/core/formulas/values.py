"""Captured values as tensors, broadcasting bookkeeping, and the allclose check."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence

import numpy as np
import torch

from gradviz.core.formulas.text import Index
from gradviz.core.trace import TensorValue, format_shape

RTOL, ATOL = 1e-5, 1e-7


class NoNumbers(Exception):
    """A value the formula needs was not captured, or only as a summary."""


def tensor_of(value: TensorValue | None, what: str) -> torch.Tensor:
    """A captured value as a torch tensor; NoNumbers when it is missing or a summary."""
    if value is None:
        raise NoNumbers(f"{what} was not captured")
    if value.data is None:
        raise NoNumbers(f"{what} {format_shape(value.shape)} was kept only as a summary (it is too large)")
    return torch.from_numpy(np.array(value.data))


def keep(t: torch.Tensor) -> TensorValue:
    """A computed gradient as a TensorValue, always in full (it is compared element by element)."""
    return TensorValue.from_tensor(t, limit=max(t.numel(), 1))


def broadcast_dims(out_shape: Sequence[int], in_shape: Sequence[int]) -> tuple[int, ...]:
    """Dimensions of ``out_shape`` that broadcasting added to an input of ``in_shape``."""
    lead = len(out_shape) - len(in_shape)
    return tuple(d for d, size in enumerate(out_shape)
                 if d < lead or (in_shape[d - lead] == 1 and size != 1))


def reduce_to(t: torch.Tensor, shape: Sequence[int]) -> torch.Tensor:
    """Sum ``t`` over the dimensions broadcasting added, back to ``shape`` (at::sum_to)."""
    shape = tuple(shape)
    if tuple(t.shape) == shape:
        return t
    dims = broadcast_dims(t.shape, shape)
    if dims:
        t = t.sum(dim=dims, keepdim=True)
    return t.reshape(shape)


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


def compare(computed: torch.Tensor, captured: TensorValue | None) -> bool | None:
    """allclose(computed, captured); for a summary-only capture, its statistics are compared."""
    if captured is None:
        return None
    if tuple(computed.shape) != tuple(captured.shape):
        return False
    mine = computed.detach().to(torch.float64).numpy() if not computed.is_complex() else computed.numpy()
    if captured.data is not None:
        # A NaN autograd produced and the rule reproduces (0 · ∞ in the nan lesson) is a match.
        return bool(np.allclose(mine, captured.data, rtol=RTOL, atol=ATOL, equal_nan=True))
    # Only min, max, mean, std, norm were kept: a weaker check, but a check.
    ref = TensorValue.from_tensor(computed, limit=0)
    scale = captured.norm / math.sqrt(max(captured.numel, 1)) + ATOL
    return (math.isclose(ref.norm, captured.norm, rel_tol=10 * RTOL, abs_tol=ATOL)
            and all(abs(a - b) <= 10 * RTOL * scale for a, b in
                    ((ref.min, captured.min), (ref.max, captured.max), (ref.mean, captured.mean))))
