"""Custom ``torch.autograd.Function`` subclasses: seeing them applied, reading their ctx.

``MyFn.apply(x)`` does not go through ``__torch_function__``: a TorchFunctionMode sees
only the ops inside ``forward`` (run with grad disabled, so without a grad_fn), and the
node the call makes (``MyFnBackward``) would otherwise first turn up when a later op
consumes it, with neither the module it ran in nor its value. While a recorder is
active, ``Function.apply`` is wrapped so the recorder innermost in the calling thread's
mode stack hears of each call with its arguments and outputs.
"""

from __future__ import annotations

import threading
from typing import Any

import torch
from torch.autograd.function import BackwardCFunction
from torch.overrides import _get_current_function_mode_stack

_ORIGINAL_APPLY = torch.autograd.Function.__dict__["apply"]
_lock = threading.Lock()
_installed = 0


def _apply(cls: type, *args: Any, **kwargs: Any) -> Any:
    result = _ORIGINAL_APPLY.__func__(cls, *args, **kwargs)
    listener = _listening_recorder()
    if listener is not None:
        listener.function_applied(cls, args, kwargs, result)
    return result


def _listening_recorder() -> Any:
    # The mode stack is per thread: a Function applied in a thread no recorder watches is
    # nobody's business. Inside a recorder's own handler its mode is popped: not listening.
    for mode in reversed(_get_current_function_mode_stack()):
        if hasattr(mode, "function_applied"):
            return mode
    return None


def install() -> None:
    """Wrap ``Function.apply`` (counted: every :func:`install` needs its :func:`uninstall`)."""
    global _installed
    with _lock:
        _installed += 1
        if _installed == 1:
            torch.autograd.Function.apply = classmethod(_apply)


def uninstall() -> None:
    global _installed
    with _lock:
        _installed -= 1
        if _installed == 0:
            torch.autograd.Function.apply = _ORIGINAL_APPLY


def is_python_node(node: Any) -> bool:
    """True for the node of a custom Function (its backward is Python code)."""
    return isinstance(node, BackwardCFunction)


def ctx_items(node: Any) -> list[tuple[str, Any]]:
    """What a custom Function's ctx holds for backward: ``saved_tensors[i]``, then the plain
    attributes forward set on it (``ctx.scale = 2``), in the order they were set.

    Raises RuntimeError when backward already freed the saved tensors.
    """
    items: list[tuple[str, Any]] = [(f"saved_tensors[{i}]", t) for i, t in enumerate(node.saved_tensors)]
    for name, value in vars(node).items():
        if not name.startswith("_") and _plain(value):
            items.append((name, value))
    return items


def _plain(value: Any) -> bool:
    """Values worth showing: tensors, numbers, text, and tuples or lists of them (not callables)."""
    if isinstance(value, (torch.Tensor, int, float, bool, str, type(None))):
        return True
    if isinstance(value, (tuple, list)):
        return all(isinstance(v, (torch.Tensor, int, float, bool, str, type(None))) for v in value)
    return False
