"""The namespaces a program may use (torch, nn, F, math and some of torch's sub-namespaces),
each with the set of names it may read from it.

The sets are built from rules over the objects, never from a list of banned names: from
torch and its numeric sub-namespaces, the functions torch itself declares as tensor
operations (``torch.overrides``), plus a short hand-written list of constructors and
utilities; from ``nn`` its ``nn.Module`` classes; from ``torch.optim`` its optimizers; from
``math`` its functions and constants. Anything added to torch later, or reachable only by a
string, is outside the sets.
"""

from __future__ import annotations

import functools
import inspect
import math
import types
from collections.abc import Callable
from typing import Any

import torch
import torch.autograd.functional
import torch.backends.mps
import torch.distributions
import torch.nn.functional as F
import torch.nn.init
import torch.optim
import torch.optim.lr_scheduler
from torch import nn
from torch.overrides import get_overridable_functions, get_testing_overrides

#: Dotted name -> module, for every namespace a program may reach or import.
NAMESPACES: dict[str, types.ModuleType] = {
    "torch": torch, "torch.nn": nn, "torch.nn.functional": F, "math": math,
    "torch.autograd": torch.autograd, "torch.autograd.functional": torch.autograd.functional,
    "torch.linalg": torch.linalg, "torch.fft": torch.fft, "torch.special": torch.special,
    "torch.nn.init": torch.nn.init, "torch.optim": torch.optim,
    "torch.optim.lr_scheduler": torch.optim.lr_scheduler, "torch.distributions": torch.distributions,
    "torch.random": torch.random, "torch.cuda": torch.cuda, "torch.backends": torch.backends,
    "torch.backends.mps": torch.backends.mps,
}

# Constructors and utilities that take no tensor, so torch.overrides does not list them.
_TORCH_UTILITIES = (
    "tensor", "as_tensor", "zeros", "ones", "rand", "randn", "randint", "randperm", "normal",
    "arange", "linspace", "logspace", "eye", "full", "empty", "scalar_tensor", "tril_indices",
    "triu_indices", "zeros_like", "ones_like", "rand_like", "randn_like", "randint_like",
    "full_like", "empty_like", "manual_seed", "seed", "initial_seed", "get_rng_state",
    "set_rng_state", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
    "is_grad_enabled", "is_inference_mode_enabled", "is_tensor", "get_default_dtype",
    "broadcast_shapes", "result_type", "can_cast", "promote_types", "Tensor", "Size", "device",
    "dtype", "Generator", "finfo", "iinfo", "FloatTensor", "DoubleTensor", "LongTensor",
    "IntTensor", "BoolTensor", "pi", "e", "inf", "nan",
)
# Backend kernels torch exposes beside its operations: they take packed weights, raw pointer
# bytes or statistics laid out for one library, and trust them (fbgemm's packed-weight handle
# is a writable tensor of pointer bytes: written to, torch follows the pointer). No lesson or
# tutorial calls them; each has an operation or module a program uses instead.
_BACKEND_KERNELS = ("fbgemm_", "miopen_", "quantized_", "fused_", "batch_norm_", "native_", "grid_sampler")
# The recurrent layers' raw kernels (nn.LSTM's own entry point): they trust the shapes of the
# weights they are given, and a wrong one corrupts the heap; nn.LSTM, nn.GRU and nn.RNN are offered.
_RAW_RECURRENT = {"lstm", "gru", "rnn_tanh", "rnn_relu", "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"}
# Operations that trust what they are given and crash plain torch (2.13) with out-of-range
# offsets, labels or a NaN sampling grid (red team, session 13), or, pdist, in its backward on
# an input of no rows (fuzz, session 15): no lesson uses them.
_UNCHECKED = {"segment_reduce", "ctc_loss", "grid_sample", "CTCLoss", "pdist"}
_TORCH_SUBSPACES = ("autograd", "nn", "linalg", "fft", "special", "optim", "distributions",
                    "random", "cuda", "backends")
_AUTOGRAD = ("grad", "backward", "functional", "no_grad", "enable_grad", "set_grad_enabled",
             "inference_mode", "gradcheck", "gradgradcheck")
_RANDOM = ("manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state")


@functools.lru_cache(maxsize=1)
def tensor_operations() -> frozenset[Any]:
    """Every function and tensor method torch declares overridable: its tensor operations."""
    found: set[Any] = set()
    for functions in get_overridable_functions().values():
        found.update(functions)
    found.update(get_testing_overrides())
    return frozenset(found)


def _public(module: types.ModuleType) -> dict[str, Any]:
    # The module's own dict, not dir() + getattr: torch loads some sub-modules lazily on first
    # getattr (torch.onnx, torch._dynamo...), and those are not offered anyway.
    return {name: value for name, value in vars(module).items() if not name.startswith("_")}


def _operations(module: types.ModuleType) -> set[str]:
    ops = tensor_operations()
    names = set()
    for name, value in _public(module).items():
        try:
            if value in ops:
                names.add(name)
        except TypeError:  # unhashable values are not functions
            continue
    return names


def _defined_functions(module: types.ModuleType) -> set[str]:
    """Public Python functions the module defines itself (not ones it imported)."""
    return {name for name, value in _public(module).items()
            if isinstance(value, types.FunctionType) and value.__module__ == module.__name__}


def _subclasses(module: types.ModuleType, base: type | tuple[type, ...],
                keep: Callable[[type], bool] = bool) -> set[str]:
    return {name for name, value in _public(module).items()
            if isinstance(value, type) and issubclass(value, base) and keep(value)}


def _existing(module: types.ModuleType, names: tuple[str, ...]) -> set[str]:
    return {name for name in names if hasattr(module, name)}


def _torch_names() -> set[str]:
    constants = {name for name, value in _public(torch).items()
                 if isinstance(value, (torch.dtype, torch.layout, torch.memory_format))}
    kernels = {name for name in _public(torch) if name.startswith(_BACKEND_KERNELS)} | _RAW_RECURRENT | _UNCHECKED
    return (_operations(torch) - kernels) | constants | _existing(torch, _TORCH_UTILITIES + _TORCH_SUBSPACES)


def _math_names() -> set[str]:
    return {name for name, value in _public(math).items()
            if isinstance(value, (types.BuiltinFunctionType, float))}


# Containers whose keys are attribute names: ParameterDict's pd[key] = value is setattr(pd, key,
# value) and pd[key] is getattr(pd, key), for any key and any value, past every check of an
# attribute ('__class__', '__dict__', a forward of the program's choosing; red team, session 13).
_KEYED_BY_ATTRIBUTE = {"ParameterDict"}
# Scheduler parameters that take a function: LambdaLR's lr_lambda, CyclicLR's scale_fn.
_FUNCTION_PARAMETERS = ("lambda", "_fn", "func")


def _data_schedule(cls: type) -> bool:
    # A schedule given as a function cannot be written without lambda or def; passed a module
    # or a class instead, the scheduler kept it among its attributes, where its namespace (and
    # the real builtins in it) could be reached: only schedulers of plain numbers are offered.
    try:
        parameters = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return False
    return not any(word in name for name in parameters for word in _FUNCTION_PARAMETERS)


def _rules() -> dict[types.ModuleType, Callable[[], set[str]]]:
    sched = torch.optim.lr_scheduler
    return {
        torch: _torch_names,
        nn: lambda: (_subclasses(nn, nn.Module) - _KEYED_BY_ATTRIBUTE - _UNCHECKED) | {"Parameter", "init",
                                                                                       "functional"},
        F: lambda: (_operations(F) | _defined_functions(F)) - _UNCHECKED,
        math: _math_names,
        torch.autograd: lambda: _existing(torch.autograd, _AUTOGRAD),
        torch.autograd.functional: lambda: _defined_functions(torch.autograd.functional),
        torch.linalg: lambda: _operations(torch.linalg),
        torch.fft: lambda: _operations(torch.fft),
        torch.special: lambda: _operations(torch.special),
        torch.nn.init: lambda: _defined_functions(torch.nn.init),
        torch.optim: lambda: _subclasses(torch.optim, torch.optim.Optimizer) | {"lr_scheduler"},
        sched: lambda: _subclasses(sched, (sched.LRScheduler, sched.ReduceLROnPlateau), _data_schedule),
        torch.distributions: lambda: (_subclasses(torch.distributions, torch.distributions.Distribution)
                                      | {"kl_divergence"}),
        torch.random: lambda: _existing(torch.random, _RANDOM),
        torch.cuda: lambda: {"is_available", "device_count"},
        torch.backends: lambda: {"mps"},
        torch.backends.mps: lambda: {"is_available", "is_built"},
    }


# Built once, when gradviz is imported: the sets must not depend on what torch holds by the
# time a first program runs (a loaded model file may have added to it meanwhile).
_ALLOWED = {id(module): (module, frozenset(rule())) for module, rule in _rules().items()}


def allowed_by_namespace() -> dict[int, tuple[types.ModuleType, frozenset[str]]]:
    """``id(module) -> (module, names)`` for every namespace."""
    return _ALLOWED


@functools.lru_cache(maxsize=1)
def allowed_callables() -> frozenset[int]:
    """The ``id`` of every function and class a program is given: each namespace's allowed
    names and the safe builtins (alive as long as their modules, so the ids stay theirs)."""
    import builtins

    from gradviz.core.program.interpreter import _SAFE_BUILTINS

    found = {id(v) for v in _SAFE_BUILTINS.values()}
    for module, names in _ALLOWED.values():
        for name in names:
            value = getattr(module, name, None)
            if callable(value):
                found.add(id(value))
    found.discard(id(builtins.__import__))
    return frozenset(found)


def names_of(module: types.ModuleType) -> frozenset[str]:
    """The names a program may read from ``module`` (empty when it is not a namespace)."""
    entry = allowed_by_namespace().get(id(module))
    return entry[1] if entry is not None and entry[0] is module else frozenset()


def dotted_name(module: types.ModuleType) -> str:
    """The name a student would write for ``module`` (``torch.nn``, not ``torch.nn.modules``)."""
    for name, value in NAMESPACES.items():
        if value is module:
            return name
    return getattr(module, "__name__", "a module")
