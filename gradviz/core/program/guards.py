"""Arguments torch's kernels trust, checked before a program's call reaches them.

A few operations read or divide by what they are given without checking it, and a program
can give them anything: ``embedding_bag``'s offsets (a negative one read and wrote outside the
weight: a crash, or heap bytes in the error message), and integer division rounding toward
zero of the smallest integer by -1 (SIGFPE). Plain torch crashes on both. A call from the
program is checked by the function it calls (:func:`check_call`), a module called anywhere by
its type (:func:`modules_checked`, a global forward pre-hook while the program runs).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from gradviz.core.i18n import translate
from gradviz.core.program import recurrent
from gradviz.core.program.errors import ProgramError

# The names of the functions and methods checked here: one look-up per call for the others.
GUARDED = frozenset({"embedding_bag", "div", "div_", "divide", "divide_"})


def check_call(func: Any, args: tuple, kwargs: dict) -> None:
    """Raise a refused ProgramError when ``func(*args, **kwargs)`` would reach a kernel with
    arguments it trusts and must not; None (and no cost beyond a look-up) otherwise."""
    name = getattr(func, "__name__", None)
    if name not in GUARDED:
        return
    if name == "embedding_bag":
        if func is F.embedding_bag:
            _check_offsets(_arg(args, kwargs, 0, "input"), _arg(args, kwargs, 2, "offsets"))
        elif func is torch.embedding_bag:
            _check_offsets(_arg(args, kwargs, 1, "indices"), _arg(args, kwargs, 2, "offsets"))
        return
    if kwargs.get("rounding_mode") != "trunc":
        return
    owner = getattr(func, "__self__", None)
    if isinstance(owner, torch.Tensor):  # x.div(y, rounding_mode="trunc")
        _check_division(owner, _arg(args, kwargs, 0, "other"))
    elif func in (torch.div, torch.divide):
        _check_division(_arg(args, kwargs, 0, "input"), _arg(args, kwargs, 1, "other"))


def _arg(args: tuple, kwargs: dict, position: int, name: str) -> Any:
    return args[position] if len(args) > position else kwargs.get(name)


def _check_offsets(indices: Any, offsets: Any) -> None:
    if not isinstance(offsets, torch.Tensor) or not isinstance(indices, torch.Tensor) or offsets.numel() == 0:
        return
    if offsets.dim() != 1 or offsets.dtype not in (torch.int32, torch.int64):
        return  # torch refuses these itself
    if bool((offsets < 0).any()) or bool((offsets[1:] < offsets[:-1]).any()) \
            or int(offsets.max()) > indices.numel():
        raise ProgramError(translate("guards", "embedding_bag's offsets must never decrease and stay between 0 and "
                                               "the number of indices ({count}): torch reads the indices at them "
                                               "unchecked").format(count=indices.numel()), None, None, "refused")


def _check_division(dividend: Any, divisor: Any) -> None:
    if not isinstance(dividend, torch.Tensor):
        return
    dtype = torch.result_type(dividend, divisor)
    if dtype.is_floating_point or dtype.is_complex or dtype == torch.bool:
        return
    smallest = torch.iinfo(dtype).min
    with torch.no_grad():
        if bool(((dividend == smallest) & (torch.as_tensor(divisor) == -1)).any()):
            message = translate("guards", "dividing {smallest} by -1 rounding toward zero overflows {dtype} and "
                                          "crashes torch: divide floats, or use rounding_mode='floor'")
            raise ProgramError(message.format(smallest=smallest, dtype=str(dtype).replace("torch.", "")),
                               None, None, "refused")


def _check_module(module: nn.Module, args: Any) -> None:
    if isinstance(module, nn.RNNBase):
        recurrent.check(module)
    elif isinstance(module, nn.EmbeddingBag) and args:
        _check_offsets(args[0], args[1] if len(args) > 1 else None)


@contextlib.contextmanager
def modules_checked() -> Iterator[None]:
    """While the block runs, the modules whose kernels trust their state or arguments (recurrent
    layers, EmbeddingBag) are checked before each forward, however they are called."""
    handle = nn.modules.module.register_module_forward_pre_hook(_check_module)
    try:
        yield
    finally:
        handle.remove()
