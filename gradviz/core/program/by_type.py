"""What a program may read from each kind of object the language hands out.

Tensors offer what torch declares overridable for ``torch.Tensor`` (its tensor methods and
properties) plus the autograd properties; autograd nodes their graph links and saved
values; modules, optimizers, schedulers and distributions the methods of their own API;
plain data (numbers, strings, lists, tuples, dicts...) a short list of safe methods each.
Objects of any other type offer nothing.
"""

from __future__ import annotations

import collections
import functools
import inspect
import types
from typing import Any

import torch
import torch.distributions
import torch.optim
import torch.optim.lr_scheduler
from torch import nn
from torch.autograd.graph import Node
from torch.utils.hooks import RemovableHandle

from gradviz.core.i18n import QT_TRANSLATE_NOOP
from gradviz.core.program.namespaces import tensor_operations

#: Tensor methods torch declares overridable but a program may not use, and why.
TENSOR_WITHHELD = {
    "storage": QT_TRANSLATE_NOOP("allowlist", "it hands out the tensor's raw memory"),
    "untyped_storage": QT_TRANSLATE_NOOP("allowlist", "it hands out the tensor's raw memory"),
    "storage_type": QT_TRANSLATE_NOOP("allowlist", "it hands out a storage class"),
    "set_": QT_TRANSLATE_NOOP("allowlist", "it swaps the tensor's memory for another storage"),
    "data_ptr": QT_TRANSLATE_NOOP("allowlist", "it hands out a raw memory address"),
    "const_data_ptr": QT_TRANSLATE_NOOP("allowlist", "it hands out a raw memory address"),
    "share_memory_": QT_TRANSLATE_NOOP("allowlist", "it moves the tensor's memory into shared-memory files"),
    "is_shared": QT_TRANSLATE_NOOP("allowlist", "it is about shared-memory files, which gradviz programs do not use"),
    "pin_memory": QT_TRANSLATE_NOOP("allowlist", "it manages page-locked device memory"),
    "is_pinned": QT_TRANSLATE_NOOP("allowlist", "it is about page-locked device memory"),
    "record_stream": QT_TRANSLATE_NOOP("allowlist", "it manages device memory"),
    "numpy": QT_TRANSLATE_NOOP("allowlist", "numpy arrays can write files (tofile) and reach raw memory (ctypes); "
                                            "use .tolist()"),
}
# A sparse tensor's index arrays, handed out writable: torch trusts them unchecked afterwards, so
# an index written past the end made to_dense() write outside the tensor (a run crashed, SIGSEGV).
_SPARSE_INDICES = QT_TRANSLATE_NOOP("allowlist", "it hands out a sparse tensor's index arrays to write into, and "
                                                 "torch trusts them unchecked: .to_dense() shows the tensor")
TENSOR_WITHHELD.update(dict.fromkeys(("indices", "crow_indices", "col_indices", "ccol_indices", "row_indices"),
                                     _SPARSE_INDICES))
TENSOR_WITHHELD.update(dict.fromkeys(("sparse_resize_", "sparse_resize_and_clear_", "resize_as_sparse_"),
                                     QT_TRANSLATE_NOOP("allowlist", "it changes a sparse tensor's size under its "
                                                                    "index arrays")))
# Offered on ordinary (strided) tensors only: on a compressed sparse one (CSC) torch's resize
# shrinks the wrong dimension and leaves index arrays too short (the heap corrupted; red team).
RESIZES = frozenset({"resize_", "resize_as_"})

# Autograd properties and helpers that torch.overrides does not list.
_TENSOR_EXTRA = (
    "shape", "dtype", "device", "grad", "grad_fn", "requires_grad", "is_leaf", "data", "T", "mT",
    "H", "mH", "ndim", "names", "layout", "real", "imag", "is_cuda", "retains_grad", "itemsize",
    "nbytes", "new_zeros", "new_ones", "new_full", "new_empty", "new_tensor", "stride", "unflatten",
)

NODE_NAMES = frozenset({"name", "next_functions", "metadata", "variable", "register_hook",
                        "register_prehook"})

#: What nn.Module itself offers; its hooks, share_memory and compile are not among them.
MODULE_BASE = frozenset({
    "forward", "parameters", "named_parameters", "buffers", "named_buffers", "modules",
    "named_modules", "children", "named_children", "train", "eval", "zero_grad", "state_dict",
    "load_state_dict", "requires_grad_", "to", "float", "double", "half", "bfloat16", "cpu", "cuda",
    "type", "apply", "get_submodule", "get_parameter", "get_buffer", "extra_repr", "add_module",
    "register_buffer", "register_parameter", "register_module", "training",
})

FUNCTION_CLASS_NAMES = frozenset({"apply"})
OPTIMIZER_NAMES = frozenset({"step", "zero_grad", "param_groups", "state", "defaults", "state_dict",
                             "load_state_dict", "add_param_group"})
# Not state_dict/load_state_dict: they hand out and overwrite the scheduler's whole __dict__,
# whatever objects its constructor was given.
SCHEDULER_NAMES = frozenset({"step", "get_last_lr", "last_epoch", "base_lrs", "optimizer"})
DISTRIBUTION_NAMES = frozenset({
    "sample", "rsample", "log_prob", "cdf", "icdf", "entropy", "perplexity", "enumerate_support",
    "mean", "mode", "stddev", "variance", "batch_shape", "event_shape", "has_rsample",
    "has_enumerate_support",
})

_STR = frozenset({
    "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "index",
    "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric",
    "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition",
    "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit",
    "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "upper", "zfill",
})
_BYTES = frozenset({
    "count", "decode", "endswith", "find", "hex", "index", "isalnum", "isalpha", "isascii", "isdigit",
    "islower", "isspace", "isupper", "join", "lower", "lstrip", "replace", "rfind", "rstrip", "split",
    "startswith", "strip", "upper",
})
_INT = frozenset({"bit_length", "bit_count", "conjugate", "real", "imag", "numerator", "denominator",
                  "as_integer_ratio"})
_FLOAT = frozenset({"as_integer_ratio", "conjugate", "hex", "is_integer", "real", "imag"})
_TUPLE = frozenset({"count", "index"})
_LIST = frozenset({"append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove",
                   "reverse", "sort"})
_DICT = frozenset({"clear", "copy", "get", "items", "keys", "pop", "popitem", "setdefault", "update",
                   "values"})

#: Exact type -> names, for types whose instances all offer the same names.
PLAIN: dict[type, frozenset[str]] = {
    type(None): frozenset(), bool: _INT, int: _INT, float: _FLOAT,
    complex: frozenset({"conjugate", "real", "imag"}), str: _STR, bytes: _BYTES,
    tuple: _TUPLE, list: _LIST, dict: _DICT, collections.OrderedDict: _DICT,
    collections.defaultdict: _DICT, range: frozenset({"start", "stop", "step", "count", "index"}),
    slice: frozenset({"start", "stop", "step", "indices"}),
    torch.Size: _TUPLE | {"numel"},
    torch.dtype: frozenset({"is_floating_point", "is_complex", "is_signed", "itemsize", "to_real",
                            "to_complex"}),
    torch.device: frozenset({"type", "index"}),
    torch.finfo: frozenset({"bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"}),
    torch.iinfo: frozenset({"bits", "max", "min", "dtype"}),
    torch.Generator: frozenset({"manual_seed", "seed", "initial_seed", "device", "get_state", "set_state"}),
    RemovableHandle: frozenset({"remove"}),
}

# Values a module may hold as plain settings (layer.in_features, loss.reduction...).
_PLAIN_VALUES = (type(None), bool, int, float, complex, str, torch.dtype, torch.device)


@functools.lru_cache(maxsize=1)
def tensor_names() -> frozenset[str]:
    """Public names of ``torch.Tensor`` a program may read."""
    ops = tensor_operations()
    # A property's entry in torch.overrides is its __get__, bound to the descriptor.
    descriptors = {getattr(op, "__self__", None) for op in ops if getattr(op, "__name__", "") == "__get__"}
    names = set(_TENSOR_EXTRA)
    for name in dir(torch.Tensor):
        if name.startswith("_"):
            continue
        raw = inspect.getattr_static(torch.Tensor, name, None)
        try:
            if raw in ops or raw in descriptors or getattr(torch.Tensor, name) in ops:
                names.add(name)
        except TypeError:  # unhashable: not a function
            continue
    return frozenset(names - TENSOR_WITHHELD.keys())


tensor_names()  # built at import, like the namespaces' sets


def is_plain(value: Any, budget: int = 1000) -> bool:
    """Whether ``value`` is a number, string, dtype, device or None, or a tuple or list of those."""
    stack = [value]
    while stack:
        budget -= 1
        if budget < 0:
            return False
        item = stack.pop()
        if isinstance(item, (tuple, list)) and type(item) in (tuple, list, torch.Size):
            stack.extend(item)
        elif type(item) not in _PLAIN_VALUES:
            return False
    return True


def _torch_own(cls: type) -> bool:
    return cls is not nn.Module and (cls.__module__ or "").startswith("torch.nn.")


@functools.lru_cache(maxsize=512)
def module_methods(cls: type) -> frozenset[str]:
    """nn.Module's listed methods, and the public methods torch's own classes in ``cls``'s MRO add."""
    names = set(MODULE_BASE)
    for klass in cls.__mro__:
        if not _torch_own(klass):
            continue
        for name, value in vars(klass).items():
            if not name.startswith("_") and isinstance(
                    value, (types.FunctionType, property, classmethod, staticmethod)):
                names.add(name)
    return frozenset(names)


@functools.lru_cache(maxsize=256)
def distribution_names(cls: type) -> frozenset[str]:
    """The Distribution API, plus the parameters the class declares (loc, scale, probs...)."""
    try:
        params = set(getattr(cls, "arg_constraints", {}) or {})
    except Exception:  # noqa: BLE001 - a class whose arg_constraints is a failing property
        params = set()
    return DISTRIBUTION_NAMES | {p for p in params if isinstance(p, str) and not p.startswith("_")}


@functools.lru_cache(maxsize=256)
def result_fields(cls: type) -> frozenset[str]:
    """The fields of a torch.return_types tuple (``values``, ``indices``...) and tuple's methods."""
    fields = {name for name, value in vars(cls).items()
              if not name.startswith("_") and isinstance(value, types.MemberDescriptorType)}
    return frozenset(fields) | _TUPLE


def names_for(obj: Any) -> tuple[str, frozenset[str] | None, bool]:
    """``(kind, names, same_for_the_type)`` for an object of an allowed kind.

    ``names`` is None when the object's kind is not in the allow-list; ``same_for_the_type`` says
    whether every instance of ``type(obj)`` offers the same names (so the answer may be cached).
    Modules are answered elsewhere: what they offer depends on the instance.
    """
    kind = type(obj)
    if isinstance(obj, type):
        if issubclass(obj, torch.autograd.Function):
            # A custom Function a host passes in (extra_names); torch's namespaces offer none.
            return "custom autograd Function", FUNCTION_CLASS_NAMES, False
        return "class", None, False
    if isinstance(obj, torch.Tensor):
        return "tensor", tensor_names(), True
    if isinstance(obj, Node):
        return "grad_fn", NODE_NAMES, True
    if isinstance(obj, torch.optim.Optimizer):
        return "optimizer", OPTIMIZER_NAMES, True
    sched = torch.optim.lr_scheduler
    if isinstance(obj, (sched.LRScheduler, sched.ReduceLROnPlateau)):
        return "learning-rate scheduler", SCHEDULER_NAMES, True
    if isinstance(obj, torch.distributions.Distribution):
        return "distribution", distribution_names(kind), True
    if kind.__module__ == "torch.return_types" and issubclass(kind, tuple):
        return "result", result_fields(kind), True
    if kind in PLAIN:
        return kind.__name__, PLAIN[kind], True
    return kind.__name__, None, False
