"""The rule, checked at run time for every attribute a program reads, assigns or deletes.

A program may read an attribute only when the object is of a kind the language hands out
and the name is one that kind offers (see :mod:`.namespaces` and :mod:`.by_type`): public
names of torch, nn, F, math and their listed sub-namespaces; tensor methods and properties;
a grad_fn's graph links and ``_saved_`` values; a module's submodules, parameters, buffers,
plain settings and nn.Module's methods; optimizers, schedulers, distributions; a few safe
methods of plain data. Every other read -- of a function, a class, a generator, a frame, a
module outside the namespaces, any other name starting with ``_`` -- is refused.

A program may assign only ``requires_grad``, ``grad`` and ``data`` of a tensor, and public
attributes of an nn.Module (a submodule, parameter, tensor or plain value, never over a
method). It may delete no attribute.
"""

from __future__ import annotations

import inspect
import types
from typing import Any

import torch
from torch import nn
from torch.autograd.graph import Node

from gradviz.core.program import by_type
from gradviz.core.program.namespaces import allowed_by_namespace, dotted_name

TENSOR_SETTABLE = frozenset({"requires_grad", "grad", "data"})

# Messages only: why some well-known names are outside the sets (the sets are the rule).
_WHY = {
    "load": "it reads files, and can run code stored in them",
    "save": "it writes files",
    "from_file": "it reads files",
    "hub": "it downloads and runs code from the internet",
    "jit": "it compiles and runs code",
    "compile": "it compiles and runs code",
    "ops": "it reaches torch's compiled internals",
    "classes": "it reaches torch's compiled internals",
    "library": "it loads compiled code",
    "utils": "its tools read files, load code and start processes",
    "package": "it loads code from archives",
    "multiprocessing": "it starts processes",
    "distributed": "it opens network connections and starts processes",
    "onnx": "it writes model files",
    "export": "it writes model files",
    "format": "its format string can look up any attribute by name",
    "format_map": "its format string can look up any attribute by name",
    **by_type.TENSOR_WITHHELD,
}


class Refused(Exception):
    """An attribute outside the allow-list (``kind="refused"``), or one that does not exist on an
    object of an allowed kind (``kind="runtime"``); the message says which and why."""

    def __init__(self, message: str, kind: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


# Exact type -> names, filled as types are met, so most reads cost two dict look-ups.
_FAST: dict[type, frozenset[str]] = dict(by_type.PLAIN)
_NAMESPACES = allowed_by_namespace()
_MODULE_TYPES: set[type] = set()
_NO_NAMES: dict[str, Any] = {}


def read(obj: Any, name: str) -> Any:
    """``obj.name`` if the allow-list lets a program read it; :class:`Refused` otherwise."""
    names = _FAST.get(type(obj))
    if names is not None and name in names:
        return getattr(obj, name)
    entry = _NAMESPACES.get(id(obj))
    if entry is not None and entry[0] is obj and name in entry[1]:
        return getattr(obj, name)
    if type(obj) in _MODULE_TYPES or isinstance(obj, nn.Module):
        _MODULE_TYPES.add(type(obj))
        return _module_read(obj, name)
    return _read_slow(obj, name)


def _read_slow(obj: Any, name: str) -> Any:
    if name.startswith("_"):
        if name.startswith("_saved_") and isinstance(obj, Node):
            return getattr(obj, name)
        raise Refused(f"'.{name}' is refused: names starting with _ are Python's and torch's internals; "
                      "the only ones gradviz programs may read are a grad_fn's _saved_ values")
    entry = _NAMESPACES.get(id(obj))
    if entry is not None and entry[0] is obj:
        where = dotted_name(obj)
        why = _WHY.get(name, f"it is not one of the names gradviz programs may use from {where}")
        raise Refused(f"'{where}.{name}' is refused: {why}")
    if isinstance(obj, nn.Module):
        raise _not_offered(obj, type(obj).__name__, name)
    kind, names, cacheable = by_type.names_for(obj)
    if names is None:
        raise Refused(f"'.{name}' is refused: {_what(obj)}")
    if cacheable:
        _FAST[type(obj)] = names
    if name in names:
        return getattr(obj, name)
    raise _not_offered(obj, kind, name)


def _module_read(obj: nn.Module, name: str) -> Any:
    if name.startswith("_"):
        return _read_slow(obj, name)
    state = obj.__dict__
    if (name in state.get("_parameters", _NO_NAMES) or name in state.get("_modules", _NO_NAMES)
            or name in state.get("_buffers", _NO_NAMES)):
        return getattr(obj, name)
    if name in state and by_type.is_plain(state[name]):
        return state[name]
    if name in by_type.module_methods(type(obj)):
        return getattr(obj, name)
    raise _not_offered(obj, type(obj).__name__, name)


def _not_offered(obj: Any, kind: str, name: str) -> Refused:
    try:
        exists = hasattr(obj, name)  # objects of allowed kinds only: torch's code or plain data
    except Exception:  # noqa: BLE001 - a property that raises: it exists, and is still not offered
        exists = True
    if not exists:
        return Refused(f"'{type(obj).__name__}' object has no attribute '{name}'", "runtime")
    if isinstance(obj, nn.Module):
        return Refused(f"'.{name}' of {kind} is refused: a module offers its submodules, parameters, "
                       "buffers, plain settings (numbers, strings) and nn.Module's own methods")
    why = _WHY.get(name, f"it is not one of the {kind} methods and properties gradviz programs may use")
    return Refused(f"'.{name}' of {_article(kind)} {kind} is refused: {why}")


def write_refusal(obj: Any, name: str) -> str | None:
    """Why ``obj.name = ...`` is refused whatever the value, or None when the value decides."""
    if name.startswith("_"):
        return f"setting '.{name}' is refused: names starting with _ are Python's and torch's internals"
    if isinstance(obj, torch.Tensor) or (isinstance(obj, nn.Module) and not isinstance(obj, type)):
        return None
    return (f"setting '.{name}' is refused: gradviz programs may assign attributes only of tensors "
            f"(requires_grad, grad, data) and of nn.Module objects, and this is {_what(obj, short=True)}")


def write(obj: Any, name: str, value: Any) -> None:
    """``obj.name = value`` if the allow-list lets a program assign it; :class:`Refused` otherwise."""
    why = write_refusal(obj, name)
    if why is not None:
        raise Refused(why)
    if isinstance(obj, torch.Tensor):
        if name not in TENSOR_SETTABLE:
            raise Refused(f"setting '.{name}' of a tensor is refused: a program may set only a tensor's "
                          "requires_grad, grad and data")
        setattr(obj, name, value)
        return
    _module_write(obj, name, value)


def _module_write(obj: nn.Module, name: str, value: Any) -> None:
    if not (isinstance(value, (nn.Module, torch.Tensor)) or by_type.is_plain(value)):
        raise Refused(f"setting '.{name}' of a module is refused: a module may be given a submodule, a "
                      f"parameter, a tensor or a plain value (number, string), not {_what(value, short=True)}")
    state = obj.__dict__
    known = name in state or any(name in state.get(p, ()) for p in ("_parameters", "_buffers", "_modules"))
    if not known and inspect.getattr_static(type(obj), name, _MISSING) is not _MISSING:
        raise Refused(f"setting '.{name}' of {type(obj).__name__} is refused: it would replace one of the "
                      "module's methods")
    setattr(obj, name, value)


_MISSING = object()


def delete(obj: Any, name: str) -> None:
    """``del obj.name``: always :class:`Refused` (the language deletes names, never attributes)."""
    raise Refused(f"'del' of the attribute '.{name}' is refused: gradviz programs may delete variables, "
                  "not attributes")


def _what(obj: Any, short: bool = False) -> str:
    """What ``obj`` is, in a student's words, and (unless ``short``) why it cannot be looked into."""
    if isinstance(obj, types.ModuleType):
        text = f"the module {dotted_name(obj)}"
        return text if short else text + ", which gradviz programs may not use"
    if isinstance(obj, type):
        text = f"the class {getattr(obj, '__name__', '?')}"
        return text if short else (text + ": classes can be called to make objects, but gradviz programs cannot "
                                   "look inside them")
    if isinstance(obj, (types.GeneratorType, types.AsyncGeneratorType)):
        text = "a generator (what model.parameters() and the like return)"
        return text if short else text + ": loop over it with for, or make a list of it"
    if isinstance(obj, (types.FrameType, types.CodeType, types.TracebackType, types.CoroutineType)):
        text = f"one of Python's internal {type(obj).__name__} objects"
        return text if short else text + ", which gradviz programs may not look into"
    if callable(obj) and isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                                          types.MethodWrapperType, types.WrapperDescriptorType,
                                          types.MethodDescriptorType, types.BuiltinMethodType)):
        text = "a function"
        return text if short else text + ": functions can be called, but gradviz programs cannot look inside them"
    text = f"{_article(type(obj).__name__)} {type(obj).__name__} object"
    return text if short else text + (", not one of the objects gradviz programs may look into (tensors, "
                                      "modules, optimizers, grad_fn nodes, torch, nn, F, math, numbers, "
                                      "strings, lists, tuples and dicts)")


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
