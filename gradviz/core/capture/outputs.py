"""The tensors inside what a forward returns, named as a program would reach them.

A model may return a tensor, a tuple (``logits, loss``), a list, a dict, a namedtuple, a
dataclass, or a model-output object (Hugging Face's ``ModelOutput`` is a dataclass and a
dict at once). Each tensor inside is named by its path: ``out[0]``, ``out['logits']``,
``out.loss``. A path written by the user (``--root out.logits``) is read with :func:`resolve`,
which follows only the same steps: items of tuples, lists and dicts, fields of namedtuples,
dataclasses and plain objects' public attributes.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Mapping
from typing import Any

import torch

from gradviz.core.i18n import translate

#: How deep a structure is looked into, and how many tensors are named at most.
MAX_DEPTH = 4
MAX_TENSORS = 256


def _fields(value: Any) -> list[str] | None:
    """The named fields of a namedtuple, dataclass or plain object (None for other values)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [f.name for f in dataclasses.fields(value)]
    names = getattr(type(value), "_fields", None)
    if isinstance(value, tuple) and isinstance(names, tuple) and all(isinstance(n, str) for n in names):
        return list(names)
    if isinstance(value, (torch.Tensor, torch.nn.Module, type, str, bytes, int, float, complex, bool)) or value is None:
        return None
    if isinstance(value, (tuple, list, Mapping, set, frozenset)):
        return None
    attrs = getattr(value, "__dict__", None)
    module = type(value).__module__ or ""
    if not isinstance(attrs, dict) or module.startswith(("torch", "builtins", "numpy")):
        return None
    return [k for k, v in attrs.items() if not k.startswith("_") and _holds_tensor(v)]


def _holds_tensor(value: Any, depth: int = 0) -> bool:
    if isinstance(value, torch.Tensor):
        return True
    if depth >= MAX_DEPTH:
        return False
    if isinstance(value, Mapping):
        return any(_holds_tensor(v, depth + 1) for v in list(value.values())[:MAX_TENSORS])
    if isinstance(value, (tuple, list)):
        return any(_holds_tensor(v, depth + 1) for v in value[:MAX_TENSORS])
    names = _fields(value)
    return bool(names) and any(_holds_tensor(getattr(value, n, None), depth + 1) for n in names)


def _children(value: Any) -> list[tuple[str, Any]]:
    """(path step, child) pairs: ``.name`` for fields, ``[key]`` for items."""
    names = _fields(value)
    if names is not None:
        return [(f".{n}", getattr(value, n, None)) for n in names]
    # Modules and plain numbers hold no tensor to name: left out before their paths are written
    # (a program that grows a list of 500 layers is looked into at each of its assignments).
    if isinstance(value, Mapping):
        return [(f"[{k!r}]", v) for k, v in list(value.items())[:MAX_TENSORS] if not isinstance(v, _BARREN)]
    if isinstance(value, (tuple, list)):
        return [(f"[{i}]", v) for i, v in enumerate(value[:MAX_TENSORS]) if not isinstance(v, _BARREN)]
    return []


_BARREN = (torch.nn.Module, str, bytes, int, float, complex, bool, type(None))


def is_structure(value: Any) -> bool:
    """True for a value that is not a tensor but holds some (a tuple of outputs, a ModelOutput...)."""
    return not isinstance(value, torch.Tensor) and not isinstance(value, torch.nn.Module) and _holds_tensor(value)


def tensors_in(value: Any, name: str) -> list[tuple[str, torch.Tensor]]:
    """Every tensor in ``value`` with its path from ``name``, in order (each tensor once)."""
    out: list[tuple[str, torch.Tensor]] = []
    seen: set[int] = set()
    stack: list[tuple[str, Any, int]] = [(name, value, 0)]
    while stack and len(out) < MAX_TENSORS:
        path, item, depth = stack.pop()
        if isinstance(item, torch.Tensor):
            if id(item) not in seen:
                seen.add(id(item))
                out.append((path, item))
            continue
        if depth >= MAX_DEPTH or isinstance(item, torch.nn.Module):
            continue
        stack.extend((path + step, child, depth + 1) for step, child in reversed(_children(item)))
    return out


def parse_path(text: str) -> tuple[str, list[tuple[str, Any]]]:
    """``out.logits[0]`` -> ``("out", [(".", "logits"), ("[]", 0)])``.

    Raises
    ------
    ValueError
        ``text`` is not a variable followed by ``.name`` and ``[constant]`` steps.
    """
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise ValueError(_not_a_path(text)) from None
    steps: list[tuple[str, Any]] = []
    while not isinstance(node, ast.Name):
        if isinstance(node, ast.Attribute):
            steps.append((".", node.attr))
            node = node.value
        elif isinstance(node, ast.Subscript):
            key = node.slice
            if isinstance(key, ast.UnaryOp) and isinstance(key.op, ast.USub) and isinstance(key.operand, ast.Constant):
                value: Any = -key.operand.value
            elif isinstance(key, ast.Constant):
                value = key.value
            else:
                raise ValueError(translate("capture", "'{path}': only constant keys and indices may be used in a "
                                                      "path").format(path=text))
            steps.append(("[]", value))
            node = node.value
        else:
            raise ValueError(_not_a_path(text))
    return node.id, steps[::-1]


def _not_a_path(text: str) -> str:
    return translate("capture", "'{path}' is not a variable or a path such as out[0], out['logits'], "
                                "out.loss").format(path=text)


def _module_fields(module: torch.nn.Module) -> list[str]:
    """What a path may name in a module: its submodules, and tensors the forward kept on it
    (llama2.c's ``model.last_loss``)."""
    state = vars(module)
    kept = [k for k, v in state.items() if not k.startswith("_") and _holds_tensor(v)]
    return [*state.get("_modules", {}), *kept]


def resolve(value: Any, steps: list[tuple[str, Any]], text: str) -> Any:
    """Follow ``steps`` into ``value``; ValueError naming what is there when a step fails."""
    for kind, key in steps:
        if kind == "." and isinstance(value, torch.nn.Module):
            names = _module_fields(value)
            if key not in names:
                offered = ", ".join(f".{n}" for n in names) or translate("capture", "no fields")
                message = translate("capture", "'{path}': a {type} has no submodule or tensor {key!r} here "
                                               "({offered})")
                raise ValueError(message.format(path=text, type=type(value).__name__, key=key, offered=offered))
            value = value._modules[key] if key in value._modules else vars(value)[key]
        elif kind == ".":
            names = _fields(value)
            if not names or key not in names:
                offered = ", ".join(f".{n}" for n in names or []) or translate("capture", "no fields")
                message = translate("capture", "'{path}': a {type} has no field {key!r} here ({offered})")
                raise ValueError(message.format(path=text, type=type(value).__name__, key=key, offered=offered))
            value = getattr(value, key)
        else:
            try:
                if isinstance(value, Mapping) or isinstance(value, (tuple, list)):
                    value = value[key]
                else:
                    raise TypeError
            except (KeyError, IndexError, TypeError):
                message = translate("capture", "'{path}': a {type} has no item [{key!r}]")
                raise ValueError(message.format(path=text, type=type(value).__name__, key=key)) from None
    return value


def choose_seed(roots: list[tuple[str, torch.Tensor]]) -> tuple[str, torch.Tensor] | None:
    """The scalar among ``roots`` backward starts from (a loss): one named loss first, else
    the first scalar; None when there is none."""
    scalars = [(n, t) for n, t in roots if t.numel() == 1 and (t.is_floating_point() or t.is_complex())]
    for name, tensor in scalars:
        if name.endswith((".loss", "['loss']")) or name == "loss":
            return name, tensor
    return scalars[0] if scalars else None
