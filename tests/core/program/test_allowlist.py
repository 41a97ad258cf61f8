"""The allow-list itself: every name it offers is checked against objects known to reach files,
processes, compiled code or the interpreter, and the runtime rule is checked object by object."""

from __future__ import annotations

import builtins
import importlib
import io
import math
import os
import pickle
import subprocess
import sys
import types

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from gradviz.core.program import allowlist, by_type
from gradviz.core.program.allowlist import Refused, read, write
from gradviz.core.program.namespaces import NAMESPACES, names_of


def _dangerous() -> list[object]:
    """Objects that read or write files, load or compile code, start processes, open sockets, hand
    out raw memory or reach the interpreter: none may be reachable through the allow-list."""
    found: list[object] = [os, sys, io, subprocess, importlib, pickle, builtins, np, types]
    found += [getattr(builtins, n) for n in ("open", "exec", "eval", "compile", "__import__", "getattr",
                                              "setattr", "delattr", "vars", "dir", "globals", "locals",
                                              "type", "input", "breakpoint", "object", "super")]
    found += [getattr(np, n) for n in ("save", "load", "fromfile", "savez", "loadtxt", "savetxt", "memmap",
                                       "ctypeslib", "frombuffer") if hasattr(np, n)]
    found += [np.ndarray.tofile, np.ndarray.dump, np.ndarray.dumps]
    for name in ("load", "save", "from_file", "hub", "jit", "ops", "compile", "utils", "package", "library",
                 "classes", "multiprocessing", "_C", "serialization", "distributed", "set_default_device",
                 "set_default_dtype", "set_default_tensor_type", "UntypedStorage", "TypedStorage",
                 "ByteStorage", "FloatStorage", "from_numpy", "frombuffer", "from_dlpack", "set_printoptions",
                 "set_num_threads", "use_deterministic_algorithms", "_dynamo", "fx", "export", "onnx"):
        if name in vars(torch):  # only what is loaded: looking up the rest would import it
            found.append(vars(torch)[name])
    for name in ("storage", "untyped_storage", "_typed_storage", "share_memory_", "numpy", "pin_memory",
                 "data_ptr", "set_", "__reduce_ex__", "__setstate__", "__dlpack__"):
        found.append(getattr(torch.Tensor, name))
    for name in ("share_memory", "compile", "register_forward_hook", "register_forward_pre_hook",
                 "register_full_backward_hook", "__setattr__", "__getstate__", "_apply", "to_empty"):
        found.append(getattr(nn.Module, name))
    found += [torch.optim.lr_scheduler.LambdaLR, torch.optim.lr_scheduler.MultiplicativeLR,
              torch.autograd.Function, torch.autograd.graph, torch.nn.modules, torch.nn.parameter]
    return found


DANGEROUS = _dangerous()
ROOTS = ("torch", "math")


def _is_dangerous(value: object) -> bool:
    return any(value is d for d in DANGEROUS)


def _kind_is_expected(value: object) -> bool:
    if isinstance(value, types.ModuleType):
        return any(value is ns for ns in NAMESPACES.values())
    if isinstance(value, (torch.dtype, torch.layout, torch.memory_format, float)):
        return True
    if callable(value):
        module = getattr(value, "__module__", None) or ""
        return module.split(".")[0] in ROOTS
    return False


@pytest.mark.parametrize("dotted", sorted(NAMESPACES))
def test_every_name_a_namespace_offers_is_harmless(dotted):
    module = NAMESPACES[dotted]
    names = names_of(module)
    assert names, f"{dotted} offers nothing"
    for name in sorted(names):
        assert not name.startswith("_"), f"{dotted}.{name}"
        value = vars(module)[name] if name in vars(module) else getattr(module, name)
        assert not _is_dangerous(value), f"{dotted}.{name} is known to reach outside"
        assert _kind_is_expected(value), f"{dotted}.{name} is a {type(value).__name__} from outside torch"


def test_every_name_an_object_offers_is_harmless():
    offered: list[tuple[str, object]] = []
    offered += [(f"Tensor.{n}", getattr(torch.Tensor, n, None)) for n in by_type.tensor_names()]
    for name in names_of(nn):
        cls = getattr(nn, name)
        if isinstance(cls, type) and issubclass(cls, nn.Module):
            offered += [(f"{name}.{n}", getattr(cls, n, None)) for n in by_type.module_methods(cls)]
    offered += [(f"Optimizer.{n}", getattr(torch.optim.Optimizer, n, None)) for n in by_type.OPTIMIZER_NAMES]
    offered += [(f"{t.__name__}.{n}", getattr(t, n)) for t, names in by_type.PLAIN.items() for n in names]
    assert len(offered) > 1000
    for where, value in offered:
        assert not where.split(".")[1].startswith("_"), where
        assert not _is_dangerous(value), f"{where} is known to reach outside"


def test_the_sets_hold_what_lessons_and_tutorials_use():
    assert {"tensor", "zeros", "randn", "manual_seed", "no_grad", "float32", "matmul", "sigmoid", "exp",
            "autograd", "nn", "optim", "Tensor", "Size"} <= names_of(torch)
    assert {"relu", "cross_entropy", "binary_cross_entropy", "linear", "softmax", "sigmoid"} <= names_of(F)
    assert {"Linear", "Sequential", "ReLU", "CrossEntropyLoss", "Parameter", "init", "functional"} <= names_of(nn)
    assert {"SGD", "Adam", "lr_scheduler"} <= names_of(torch.optim)
    assert {"sin", "exp", "pi", "sqrt"} <= names_of(math)
    assert {"backward", "grad", "grad_fn", "requires_grad", "is_leaf", "shape", "sum", "pow", "t", "tolist",
            "item", "detach", "clone", "zero_", "register_hook", "retain_grad"} <= by_type.tensor_names()
    assert not {"storage", "untyped_storage", "numpy", "share_memory_", "data_ptr"} & by_type.tensor_names()


def test_names_added_to_torch_later_are_not_offered(monkeypatch):
    monkeypatch.setattr(torch, "gradviz_probe", print, raising=False)
    with pytest.raises(Refused):
        read(torch, "gradviz_probe")


@pytest.mark.parametrize(
    ("obj", "name"),
    [
        (print, "__self__"), (F.relu, "__globals__"), (F.relu, "func_globals"), (str, "format"),
        (torch.Tensor, "sum"), (nn.Linear, "forward"), (torch.nn.modules, "module"), (iter([1]), "gi_frame"),
        ((p for p in [1]), "gi_frame"), (sys._getframe(), "f_globals"), (compile("1", "f", "eval"), "co_consts"),
        ("{0}", "format"), ("{0}", "format_map"), (torch.ones(1), "storage"), (torch.ones(1), "_version"),
        (torch.ones(1), "_saved_self"), (nn.Linear(1, 1), "_parameters"), (nn.Linear(1, 1), "share_memory"),
        (nn.Linear(1, 1), "register_forward_hook"), (nn.Linear(1, 1), "compile"), (torch, "load"),
        (torch, "__dict__"), (F, "torch"), (math, "__loader__"), (nn, "modules"), ({}, "__class__"),
    ],
)
def test_reads_outside_the_list_are_refused(obj, name):
    with pytest.raises(Refused) as info:
        read(obj, name)
    assert info.value.kind == "refused" and name in info.value.message


def test_reads_inside_the_list_work():
    x = torch.ones(2, requires_grad=True)
    y = (x * x).sum()
    assert read(x, "shape") == torch.Size([2]) and read(read(y, "grad_fn"), "name")() == "SumBackward0"
    node = read(y, "grad_fn").next_functions[0][0]
    assert torch.equal(read(node, "_saved_self"), x)
    layer = nn.Linear(3, 2)
    assert read(layer, "in_features") == 3 and read(layer, "weight") is layer.weight
    assert read(layer, "training") is True
    assert read(nn.CrossEntropyLoss(), "reduction") == "mean"
    assert callable(read(layer, "parameters")) and callable(read(layer, "reset_parameters"))
    assert read(torch.max(torch.ones(2, 3), dim=0), "indices").tolist() == [0, 0, 0]
    assert read(torch.float32, "is_floating_point") is True


def test_missing_names_on_allowed_objects_are_runtime_errors_not_refusals():
    with pytest.raises(Refused) as info:
        read(None, "zero_")
    assert info.value.kind == "runtime" and "'NoneType' object has no attribute 'zero_'" in info.value.message


def test_user_module_methods_other_than_nn_modules_are_not_offered():
    from gradviz.core.lessons.models import NeuralNetwork

    model = NeuralNetwork(2, 2)
    assert read(model, "layers") is model.layers and callable(read(model, "forward"))
    with pytest.raises(Refused):
        read(model, "__init__")


def test_writes():
    x = torch.ones(2)
    write(x, "requires_grad", True)
    assert x.requires_grad
    layer = nn.Linear(1, 1)
    write(layer, "extra", nn.ReLU())
    write(layer, "note", "plain")
    assert isinstance(layer.extra, nn.ReLU) and layer.note == "plain"
    for obj, name, value in [(x, "sum", 1), (torch.Tensor, "sum", print), (torch, "pi", 3), (layer, "forward", 1),
                             (layer, "hook", print), (nn.Module, "__call__", print), (x, "_version", 1),
                             ({}, "x", 1), (layer.weight.grad_fn, "metadata", {})]:
        with pytest.raises(Refused):
            write(obj, name, value)
    assert torch.Tensor.sum is not print and math.pi == pytest.approx(3.14159, rel=1e-5)
    with pytest.raises(Refused):
        allowlist.delete(layer, "weight")
