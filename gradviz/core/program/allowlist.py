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

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.program import by_type
from gradviz.core.program.namespaces import allowed_by_namespace, dotted_name

TENSOR_SETTABLE = frozenset({"requires_grad", "grad", "data"})

# Messages only: why some well-known names are outside the sets (the sets are the rule). Marked
# here, translated where the refusal is made.
_WHY = {
    "load": QT_TRANSLATE_NOOP("allowlist", "it reads files, and can run code stored in them"),
    "save": QT_TRANSLATE_NOOP("allowlist", "it writes files"),
    "from_file": QT_TRANSLATE_NOOP("allowlist", "it reads files"),
    "hub": QT_TRANSLATE_NOOP("allowlist", "it downloads and runs code from the internet"),
    "jit": QT_TRANSLATE_NOOP("allowlist", "it compiles and runs code"),
    "compile": QT_TRANSLATE_NOOP("allowlist", "it compiles and runs code"),
    "ops": QT_TRANSLATE_NOOP("allowlist", "it reaches torch's compiled internals"),
    "classes": QT_TRANSLATE_NOOP("allowlist", "it reaches torch's compiled internals"),
    "library": QT_TRANSLATE_NOOP("allowlist", "it loads compiled code"),
    "utils": QT_TRANSLATE_NOOP("allowlist", "its tools read files, load code and start processes"),
    "package": QT_TRANSLATE_NOOP("allowlist", "it loads code from archives"),
    "multiprocessing": QT_TRANSLATE_NOOP("allowlist", "it starts processes"),
    "distributed": QT_TRANSLATE_NOOP("allowlist", "it opens network connections and starts processes"),
    "onnx": QT_TRANSLATE_NOOP("allowlist", "it writes model files"),
    "export": QT_TRANSLATE_NOOP("allowlist", "it writes model files"),
    "format": QT_TRANSLATE_NOOP("allowlist", "its format string can look up any attribute by name"),
    "format_map": QT_TRANSLATE_NOOP("allowlist", "its format string can look up any attribute by name"),
    "pdist": QT_TRANSLATE_NOOP("allowlist", "its backward crashes torch on an input with no rows; "
                                            "torch.cdist(x, x) gives every distance (pdist's are its upper triangle)"),
    # A distribution's expand(shape, instance) writes its parameters into whatever object the
    # second argument is (torch.Tensor.dim = 3 broke torch for the rest of the process).
    "expand": QT_TRANSLATE_NOOP("allowlist", "it writes into any object it is handed; give the distribution "
                                             "parameters of the shape you want instead (Normal(torch.zeros(3), "
                                             "torch.ones(3)))"),
    **by_type.TENSOR_WITHHELD,
}

# The kinds by_type names, with their article (English needs one, Chinese none).
_A_KIND = {
    "tensor": QT_TRANSLATE_NOOP("allowlist", "a tensor"),
    "grad_fn": QT_TRANSLATE_NOOP("allowlist", "a grad_fn"),
    "optimizer": QT_TRANSLATE_NOOP("allowlist", "an optimizer"),
    "learning-rate scheduler": QT_TRANSLATE_NOOP("allowlist", "a learning-rate scheduler"),
    "distribution": QT_TRANSLATE_NOOP("allowlist", "a distribution"),
    "result": QT_TRANSLATE_NOOP("allowlist", "a result"),
    "custom autograd Function": QT_TRANSLATE_NOOP("allowlist", "a custom autograd Function"),
}
_KIND = {
    "tensor": QT_TRANSLATE_NOOP("allowlist", "tensor"),
    "grad_fn": QT_TRANSLATE_NOOP("allowlist", "grad_fn"),
    "optimizer": QT_TRANSLATE_NOOP("allowlist", "optimizer"),
    "learning-rate scheduler": QT_TRANSLATE_NOOP("allowlist", "learning-rate scheduler"),
    "distribution": QT_TRANSLATE_NOOP("allowlist", "distribution"),
    "result": QT_TRANSLATE_NOOP("allowlist", "result"),
    "custom autograd Function": QT_TRANSLATE_NOOP("allowlist", "custom autograd Function"),
}


def _why(name: str, default: str) -> str:
    why = _WHY.get(name)
    return default if why is None else translate("allowlist", why)


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
    if name == "data" and isinstance(obj, torch.Tensor):
        # torch's .data shares no version counter: changed in place, a tensor autograd saved
        # (max_pool's indices) goes unnoticed and its backward writes where the indices say.
        # detach() is the same values, and the change is caught as torch catches any other.
        return obj.detach()
    if name in by_type.RESIZES and isinstance(obj, torch.Tensor) and obj.layout is not torch.strided:
        message = translate("allowlist", "'.{name}' of a {layout} tensor is refused: torch resizes only ordinary "
                                         "tensors safely; resize its .to_dense()")
        raise Refused(message.format(name=name, layout=str(obj.layout).replace("torch.", "")))
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
        raise Refused(translate("allowlist", "'.{name}' is refused: names starting with _ are Python's and "
                                             "torch's internals; the only ones gradviz programs may read are a "
                                             "grad_fn's _saved_ values").format(name=name))
    entry = _NAMESPACES.get(id(obj))
    if entry is not None and entry[0] is obj:
        where = dotted_name(obj)
        why = _why(name, translate("allowlist", "it is not one of the names gradviz programs may use from "
                                                "{namespace}").format(namespace=where))
        raise Refused(translate("allowlist", "'{namespace}.{name}' is refused: {why}").format(
            namespace=where, name=name, why=why))
    if isinstance(obj, nn.Module):
        raise _not_offered(obj, type(obj).__name__, name)
    kind, names, cacheable = by_type.names_for(obj)
    if names is None:
        raise Refused(translate("allowlist", "'.{name}' is refused: {what}").format(name=name, what=_what(obj)))
    if cacheable:
        _FAST[type(obj)] = names
    if name in names:
        return getattr(obj, name)
    raise _not_offered(obj, kind, name)


def _module_read(obj: nn.Module, name: str) -> Any:
    if name.startswith("_"):
        return _read_slow(obj, name)
    if name == "forward" and isinstance(obj, nn.RNNBase):
        # Its weights are checked before each call of the layer itself (recurrent.py); its bare
        # forward would reach the kernel without that check.
        message = translate("allowlist", "'.forward' of {module} is refused: call the layer itself ({call})")
        raise Refused(message.format(module=type(obj).__name__, call="layer(x)"))
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
        message = translate("allowlist", "'{type}' object has no attribute '{name}'")
        return Refused(message.format(type=type(obj).__name__, name=name), "runtime")
    if isinstance(obj, nn.Module):
        message = translate("allowlist", "'.{name}' of {module} is refused: a module offers its submodules, "
                                         "parameters, buffers, plain settings (numbers, strings) and nn.Module's "
                                         "own methods")
        return Refused(message.format(name=name, module=kind))
    shown = translate("allowlist", _KIND[kind]) if kind in _KIND else kind
    why = _why(name, translate("allowlist", "it is not one of the {kind} methods and properties gradviz programs "
                                            "may use").format(kind=shown))
    return Refused(translate("allowlist", "'.{name}' of {a_kind} is refused: {why}").format(
        name=name, a_kind=_a(kind), why=why))


def write_refusal(obj: Any, name: str) -> str | None:
    """Why ``obj.name = ...`` is refused whatever the value, or None when the value decides."""
    if name.startswith("_"):
        return translate("allowlist", "setting '.{name}' is refused: names starting with _ are Python's and "
                                      "torch's internals").format(name=name)
    if isinstance(obj, torch.Tensor) or (isinstance(obj, nn.Module) and not isinstance(obj, type)):
        return None
    message = translate("allowlist", "setting '.{name}' is refused: gradviz programs may assign attributes only "
                                     "of tensors (requires_grad, grad, data) and of nn.Module objects, and this "
                                     "is {what}")
    return message.format(name=name, what=_what(obj, short=True))


def write(obj: Any, name: str, value: Any) -> None:
    """``obj.name = value`` if the allow-list lets a program assign it; :class:`Refused` otherwise."""
    why = write_refusal(obj, name)
    if why is not None:
        raise Refused(why)
    if isinstance(obj, torch.Tensor):
        if name not in TENSOR_SETTABLE:
            raise Refused(translate("allowlist", "setting '.{name}' of a tensor is refused: a program may set "
                                                 "only a tensor's requires_grad, grad and data").format(name=name))
        if name != "data":
            setattr(obj, name, value)
            return
        if not _same_kind(obj, value):
            # A tensor given another shape under its autograd node, its gradient and an optimizer's
            # state: torch's fused kernels then read and write past their ends (red team, session 13).
            message = translate("allowlist", "setting '.data' to {new} is refused: it must keep the tensor's "
                                             "shape, dtype and device ({old}); make a new tensor instead")
            raise Refused(message.format(new=_kind(value), old=_kind(obj)))
        with torch.no_grad():  # copied in, so the version counter sees it (see read)
            obj.copy_(value)
        return
    _module_write(obj, name, value)


def _same_kind(old: torch.Tensor, new: Any) -> bool:
    return isinstance(new, torch.Tensor) and (new.shape, new.dtype, new.device) == (old.shape, old.dtype, old.device)


def _kind(value: Any) -> str:
    if not isinstance(value, torch.Tensor):
        return type(value).__name__
    return f"{tuple(value.shape)}, {str(value.dtype).replace('torch.', '')}, {value.device}"


def _module_write(obj: nn.Module, name: str, value: Any) -> None:
    if not (isinstance(value, (nn.Module, torch.Tensor)) or by_type.is_plain(value)):
        message = translate("allowlist", "setting '.{name}' of a module is refused: a module may be given a "
                                         "submodule, a parameter, a tensor or a plain value (number, string), "
                                         "not {what}")
        raise Refused(message.format(name=name, what=_what(value, short=True)))
    state = obj.__dict__
    if isinstance(obj, nn.RNNBase):
        # The recurrent kernels trust their weights' shapes, and hidden_size, input_size... against
        # them: a wrong one corrupts the heap.
        old = state["_parameters"].get(name)
        if old is not None and not _same_kind(old, value):
            message = translate("allowlist", "setting '.{name}' of {module} to {new} is refused: a recurrent "
                                             "layer's weights keep their shape, dtype and device ({old})")
            raise Refused(message.format(name=name, module=type(obj).__name__, new=_kind(value), old=_kind(old)))
        if old is None and name != "training":
            message = translate("allowlist", "setting '.{name}' of {module} is refused: a recurrent layer's "
                                             "settings are fixed when it is made; make a new one instead")
            raise Refused(message.format(name=name, module=type(obj).__name__))
    if isinstance(obj, nn.MultiheadAttention) and name != "training" and name not in state["_parameters"] \
            and name not in state["_modules"]:
        # Its fast path (eval, no grad) trusts num_heads, head_dim...: num_heads = 0 was SIGFPE.
        message = translate("allowlist", "setting '.{name}' of {module} is refused: an attention layer's settings "
                                         "are fixed when it is made; make a new one instead")
        raise Refused(message.format(name=name, module=type(obj).__name__))
    known = name in state or any(name in state.get(p, ()) for p in ("_parameters", "_buffers", "_modules"))
    if not known and inspect.getattr_static(type(obj), name, _MISSING) is not _MISSING:
        message = translate("allowlist", "setting '.{name}' of {module} is refused: it would replace one of the "
                                         "module's methods")
        raise Refused(message.format(name=name, module=type(obj).__name__))
    setattr(obj, name, value)


_MISSING = object()


def delete(obj: Any, name: str) -> None:
    """``del obj.name``: always :class:`Refused` (the language deletes names, never attributes)."""
    # The source check says the same for `del obj.name` written out (language.deleting_refused).
    raise Refused(translate("language", "'del' of the attribute '.{name}' is refused: gradviz programs may delete "
                                        "variables, not attributes").format(name=name))


def _what(obj: Any, short: bool = False) -> str:
    """What ``obj`` is, in a student's words, and (unless ``short``) why it cannot be looked into."""
    if isinstance(obj, types.ModuleType):
        if short:
            return translate("allowlist", "the module {module}").format(module=dotted_name(obj))
        return translate("allowlist", "the module {module}, which gradviz programs may not use").format(
            module=dotted_name(obj))
    if isinstance(obj, type):
        name = getattr(obj, "__name__", "?")
        if short:
            return translate("allowlist", "the class {name}").format(name=name)
        return translate("allowlist", "the class {name}: classes can be called to make objects, but gradviz "
                                      "programs cannot look inside them").format(name=name)
    if isinstance(obj, (types.GeneratorType, types.AsyncGeneratorType)):
        if short:
            return translate("allowlist", "a generator (what model.parameters() and the like return)")
        return translate("allowlist", "a generator (what model.parameters() and the like return): loop over it "
                                      "with for, or make a list of it")
    if isinstance(obj, (types.FrameType, types.CodeType, types.TracebackType, types.CoroutineType)):
        if short:
            return translate("allowlist", "one of Python's internal {type} objects").format(type=type(obj).__name__)
        return translate("allowlist", "one of Python's internal {type} objects, which gradviz programs may not "
                                      "look into").format(type=type(obj).__name__)
    if callable(obj) and isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                                          types.MethodWrapperType, types.WrapperDescriptorType,
                                          types.MethodDescriptorType, types.BuiltinMethodType)):
        if short:
            return translate("allowlist", "a function")
        return translate("allowlist", "a function: functions can be called, but gradviz programs cannot look "
                                      "inside them")
    name = type(obj).__name__
    if short:
        return (translate("allowlist", "an {type} object") if _vowel(name)
                else translate("allowlist", "a {type} object")).format(type=name)
    message = (translate("allowlist", "an {type} object, not one of the objects gradviz programs may look into "
                                      "(tensors, modules, optimizers, grad_fn nodes, torch, nn, F, math, numbers, "
                                      "strings, lists, tuples and dicts)") if _vowel(name) else
               translate("allowlist", "a {type} object, not one of the objects gradviz programs may look into "
                                      "(tensors, modules, optimizers, grad_fn nodes, torch, nn, F, math, numbers, "
                                      "strings, lists, tuples and dicts)"))
    return message.format(type=name)


def _a(kind: str) -> str:
    """``kind`` with its article ("a tensor", "an int")."""
    if kind in _A_KIND:
        return translate("allowlist", _A_KIND[kind])
    return (translate("allowlist", "an {type}") if _vowel(kind) else translate("allowlist", "a {type}")).format(
        type=kind)


def _vowel(word: str) -> bool:
    return word[:1].lower() in "aeiou"
