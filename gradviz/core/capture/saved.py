"""Reading an autograd node's ``_saved_<name>`` attributes into plain records.

They must be read before backward frees them (or the graph kept with
``retain_graph=True``); after a plain backward every read raises.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

import torch

from gradviz.core.capture.custom_functions import ctx_items, is_python_node
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.trace import SavedTensor, TensorValue

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}

# Bookkeeping attributes of the derivative formulas: sizes and strides of saved
# symbolic shapes; they say nothing a student needs.
_SKIP_SUFFIXES = ("_sym_sizes", "_sym_strides", "_sym_storage_offset")

_NONE_NOTE = QT_TRANSLATE_NOOP("capture", "not saved: the gradient that would need it is not required "
                                          "(the input it serves needs no grad)")


# C++ nodes carry their saved values as properties of the type, so one dir() per type
# does: dir() of a node costs ~40 µs and a 10,000-node capture asks 20,000 times.
_NAMES_BY_TYPE: dict[type, tuple[str, ...]] = {}


def saved_names(node: Any) -> tuple[str, ...]:
    """The ``_saved_*`` attribute names of ``node``, in a stable order."""
    kind = type(node)
    names = _NAMES_BY_TYPE.get(kind)
    if names is None:
        names = tuple(sorted(n for n in dir(node) if n.startswith("_saved_") and not n.endswith(_SKIP_SUFFIXES)))
        if hasattr(node, "__dict__"):
            return names  # a Python node: its instance attributes may differ from its siblings'
        _NAMES_BY_TYPE[kind] = names
    return names


def _signed(value: int) -> int:
    # int64 values (ignore_index=-100) come back as unsigned 64-bit numbers.
    return value - (1 << 64) if value >= (1 << 63) else value


def read_saved(node: Any) -> tuple[SavedTensor, ...]:
    """Every saved value of ``node`` as :class:`SavedTensor` records.

    A custom Function's node has no ``_saved_*`` attributes of its own: what its forward
    kept is ``ctx.saved_tensors`` (shown as ``saved_tensors[0]``, …) and the attributes
    it set on ctx.
    """
    out: list[SavedTensor] = []
    if is_python_node(node):
        try:
            out.extend(_record(name, value) for name, value in ctx_items(node))
        except RuntimeError:
            out.append(_freed("saved_tensors"))
    for attr in saved_names(node):
        name = attr[len("_saved_"):]
        try:
            value = getattr(node, attr)
        except RuntimeError:
            out.append(_freed(name))
            continue
        out.append(_record(name, value))
    return tuple(out)


def _freed(name: str) -> SavedTensor:
    return SavedTensor(name, text=translate("capture", "freed"),
                       note=translate("capture", "freed by an earlier backward (use retain_graph=True)"))


_RECOMPUTED_NOTE = QT_TRANSLATE_NOOP(
    "capture", "torch.utils.checkpoint keeps no copy after the forward and recomputes it during backward; gradviz "
               "does not read it, since reading would run the checkpointed code again")


def unread_saved(node: Any) -> tuple[SavedTensor, ...]:
    """The saved values of a node under torch.utils.checkpoint (use_reentrant=False), by name only.

    Unpacking one runs the checkpointed code again (its BatchNorms update their running
    statistics once more): what plain PyTorch does once during backward, gradviz would do
    once per read.
    """
    text, note = translate("capture", "recomputed in backward"), translate("capture", _RECOMPUTED_NOTE)
    return tuple(SavedTensor(attr[len("_saved_"):], text=text, note=note) for attr in saved_names(node))


def _record(name: str, value: Any) -> SavedTensor:
    if value is None:
        return SavedTensor(name, note=translate("capture", _NONE_NOTE))
    if isinstance(value, torch.Tensor):
        return SavedTensor(name, value=TensorValue.from_tensor(value))
    if isinstance(value, bool):
        return SavedTensor(name, text=str(value))
    if isinstance(value, int):
        value = _signed(value)
        if name == "reduction" and value in _REDUCTIONS:
            return SavedTensor(name, text=f'"{_REDUCTIONS[value]}"',
                               note=translate("capture", "enum value {value}").format(value=value))
        return SavedTensor(name, text=str(value))
    if isinstance(value, (tuple, list)):
        parts = []
        for v in value:
            if isinstance(v, torch.Tensor):
                parts.append(f"tensor{tuple(v.shape)}")
            elif isinstance(v, int) and not isinstance(v, bool):
                parts.append(str(_signed(v)))
            else:
                parts.append(str(v))
        return SavedTensor(name, text="(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")")
    return SavedTensor(name, text=str(value))


def value_from_saved(node: Any, consumers: list[Any], output_nr: int = 0,
                     unread: Container[Any] = ()) -> torch.Tensor | None:
    """The forward output ``output_nr`` of ``node`` if a saved tensor holds it, else None.

    Composite ops (F.linear, F.cross_entropy) create nodes whose outputs Python never
    sees. A saved tensor unpacks with ``grad_fn`` set to the node that produced it (and
    ``output_nr`` saying which of its outputs it is), so the node's own ``_saved_result``
    or a consumer's saved input gives the value. Holders in ``unread`` are not asked
    (see :func:`unread_saved`).
    """
    for holder in [node, *consumers]:
        if holder in unread:
            continue
        for attr in saved_names(holder):
            try:
                value = getattr(holder, attr)
            except RuntimeError:
                continue
            if isinstance(value, torch.Tensor) and value.grad_fn is node and value.output_nr == output_nr:
                return value
    return None
