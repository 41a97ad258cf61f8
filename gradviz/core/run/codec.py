"""A data-only wire format for what crosses between gradviz's processes.

A run process executes code nobody here wrote, so what it sends back must not be able to
run code where it is read: no pickle. A message is JSON for the structure plus one binary
section for array data. Decoding builds only the plain types below and the dataclasses
registered with :func:`register`, checks every field against its annotation, and accepts
arrays only of numeric dtypes whose sizes fit the section; anything else is a
:class:`DecodeError`.

Layout: ``b"GVZ1"``, the JSON length (u32, little-endian), the JSON text, the binary section.
Every JSON array is tagged by its first element: ``["L", ...]`` list, ``["P", ...]`` list of
plain values (no recursion to decode it), ``["X", name, plain]`` a type with its own codec,
``["T", ...]`` tuple,
``["D", k, v, ...]`` dict, ``["S", ...]`` frozenset, ``["@", name, field...]`` dataclass,
``["A", dtype, shape, offset, nbytes]`` array, ``["B", offset, nbytes]`` bytes,
``["C", re, im]`` complex.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import json
import math
import struct
import sys
import types
import typing
from collections.abc import Callable
from typing import Any

import numpy as np

from gradviz.core.gc_pause import paused_gc

MAGIC = b"GVZ1"
_HEAD = struct.Struct("<4sI")

#: Array dtypes a message may carry: numbers only (an object array could hold anything).
ARRAY_DTYPES = frozenset({
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
})

#: The same, parsed once (np.dtype(name) parses the name on every call).
_ARRAY_DTYPES = {name: np.dtype(name) for name in ARRAY_DTYPES}


class DecodeError(ValueError):
    """The bytes are not a well-formed gradviz message."""


class EncodeError(TypeError):
    """The value holds something the wire format does not carry."""


_REGISTRY: dict[str, type] = {}
_FIELDS: dict[type, tuple[str, ...]] = {}
_CHECKS: dict[type, tuple[Callable[[Any], bool], ...]] = {}
#: Types with a codec of their own: name -> (type, to plain data, from plain data).
_CUSTOM: dict[str, tuple[type, Callable[[Any], Any], Callable[[Any], Any]]] = {}
_CUSTOM_BY_TYPE: dict[type, str] = {}
_PRIMITIVE_TYPES = frozenset((str, int, float, bool, type(None)))


def register_custom(cls: type, to_plain: Callable[[Any], Any], from_plain: Callable[[Any], Any]) -> None:
    """Carry ``cls`` as ``to_plain(obj)``, rebuilt by ``from_plain`` (which must validate).

    For big records (a Trace of 10,000 nodes) sent as columns: one field-by-field record
    per node and value would cost a second to decode.
    """
    _CUSTOM[cls.__name__] = (cls, to_plain, from_plain)
    _CUSTOM_BY_TYPE[cls] = cls.__name__


def register(cls: type) -> type:
    """Let dataclass ``cls`` cross the wire (usable as a class decorator).

    Fields whose names start with ``_`` are derived (rebuilt by ``__post_init__``) and are
    not sent; they must come after the others.
    """
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    names = []
    seen_private = False
    for f in dataclasses.fields(cls):
        if f.name.startswith("_"):
            seen_private = True
            continue
        if seen_private or not f.init:
            raise TypeError(f"{cls.__name__}.{f.name}: sent fields must be init fields before private ones")
        names.append(f.name)
    _REGISTRY[cls.__name__] = cls
    _FIELDS[cls] = tuple(names)
    _CHECKS.pop(cls, None)  # built on first decode: annotations may name classes defined later
    return cls


_DTYPE_NAMES: dict[Any, str] = {}


def dtype_name(dtype: Any) -> str:
    """``dtype.name``, remembered: numpy computes it in Python on every call (~3 µs)."""
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = dtype.name
    return name


# ----- encoding ------------------------------------------------------------------------------

def encode(value: Any) -> bytes:
    """``value`` as message bytes; raise EncodeError for anything not carried."""
    blobs: list[bytes | memoryview] = []
    size = [0]

    def blob(data: bytes | memoryview) -> tuple[int, int]:
        # Each block starts on a 16-byte boundary: arrays read in place must be aligned.
        pad = -size[0] % 16
        if pad:
            blobs.append(bytes(pad))
            size[0] += pad
        offset = size[0]
        blobs.append(data)
        size[0] += len(data)
        return offset, len(data)

    def enc(v: Any) -> Any:
        if v is None or isinstance(v, (bool, int, str, float)):
            return v
        cls = type(v)
        custom = _CUSTOM_BY_TYPE.get(cls)
        if custom is not None:
            return ["X", custom, enc(_CUSTOM[custom][1](v))]
        fields = _FIELDS.get(cls)
        if fields is not None:
            d = v.__dict__
            return ["@", cls.__name__, *[enc(d[n]) for n in fields]]
        if cls is tuple or isinstance(v, tuple):  # namedtuples travel as tuples
            return ["T", *[enc(x) for x in v]]
        if cls is list:
            if set(map(type, v)) <= _PRIMITIVE_TYPES:  # one C loop: a trace's text table is 10,000 long
                return ["P", *v]
            return ["L", *[enc(x) for x in v]]
        if isinstance(v, (dict, types.MappingProxyType)):
            out: list[Any] = ["D"]
            for k, x in v.items():
                out.append(enc(k))
                out.append(enc(x))
            return out
        if isinstance(v, np.ndarray):
            name = dtype_name(v.dtype)
            if name not in ARRAY_DTYPES:
                raise EncodeError(f"arrays of dtype {name} are not carried")
            v = np.ascontiguousarray(v)
            # The array's own memory, not a copy of it: the join below makes the one copy
            # (tobytes then join cost two, and a fresh allocation for big arrays).
            offset, n = blob(memoryview(v).cast("B") if v.size else b"")
            return ["A", name, list(v.shape), offset, n]
        if isinstance(v, np.generic):
            return enc(v.item())
        if isinstance(v, (frozenset, set)):
            return ["S", *[enc(x) for x in v]]
        if isinstance(v, complex):
            return ["C", v.real, v.imag]
        if isinstance(v, (bytes, bytearray, memoryview)):
            return ["B", *blob(bytes(v))]
        raise EncodeError(f"a {cls.__name__} cannot be sent between gradviz's processes")

    with paused_gc():
        tree = enc(value)
    try:
        text = json.dumps(tree, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (half a UTF-16 pair: pasted text, a mutated program) is a str but
        # not UTF-8. JSON's \u escapes carry it, and json.loads gives the same str back.
        text = json.dumps(tree, separators=(",", ":")).encode("ascii")
    return b"".join([_HEAD.pack(MAGIC, len(text)), text, *blobs])


# ----- decoding ------------------------------------------------------------------------------

def decode(data: bytes | bytearray | memoryview) -> Any:
    """The value in message bytes; raise DecodeError for anything malformed."""
    buf = memoryview(data)
    if len(buf) < _HEAD.size:
        raise DecodeError("message too short")
    magic, n = _HEAD.unpack_from(buf, 0)
    if magic != MAGIC:
        raise DecodeError("not a gradviz message")
    start = _HEAD.size
    if start + n > len(buf):
        raise DecodeError("message truncated")
    try:
        tree = json.loads(bytes(buf[start:start + n]).decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise DecodeError(f"malformed message: {exc}") from None
    section = bytearray(buf[start + n:])  # writable: arrays built on it may be changed in place
    # A big message is tens of thousands of new records that all stay: the collector would
    # walk the heap again and again meanwhile and find nothing.
    with paused_gc():
        try:
            return _Decoder(section).dec(tree)
        except RecursionError:
            raise DecodeError("message nested too deeply") from None


class _Decoder:
    def __init__(self, section: bytearray) -> None:
        self.section = section

    def dec(self, v: Any) -> Any:
        if not isinstance(v, list):
            if isinstance(v, dict):
                raise DecodeError("untagged object in message")
            return v
        if not v or not isinstance(v[0], str):
            raise DecodeError("untagged array in message")
        tag = v[0]
        dec = self.dec
        if tag == "T":
            return tuple([dec(x) for x in v[1:]])
        if tag == "@":
            return self._dataclass(v)
        if tag == "P":
            out = v[1:]
            if not set(map(type, out)) <= _PRIMITIVE_TYPES:
                raise DecodeError("a list of plain values holds something else")
            return out
        if tag == "L":
            return [dec(x) for x in v[1:]]
        if tag == "X":
            return self._custom(v)
        if tag == "D":
            items = v[1:]
            if len(items) % 2:
                raise DecodeError("dict with a key and no value")
            out = {}
            for i in range(0, len(items), 2):
                key = dec(items[i])
                try:
                    out[key] = dec(items[i + 1])
                except TypeError:
                    raise DecodeError("unhashable dict key") from None
            return out
        if tag == "A":
            return self._array(v)
        if tag == "S":
            try:
                return frozenset(dec(x) for x in v[1:])
            except TypeError:
                raise DecodeError("unhashable set member") from None
        if tag == "C":
            if len(v) != 3 or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v[1:]):
                raise DecodeError("malformed complex number")
            return complex(v[1], v[2])
        if tag == "B":
            offset, n = self._span(v[1:])
            return bytes(self.section[offset:offset + n])
        raise DecodeError(f"unknown tag {tag!r}")

    def _span(self, parts: list) -> tuple[int, int]:
        if len(parts) != 2 or not all(type(p) is int for p in parts):
            raise DecodeError("malformed binary reference")
        offset, n = parts
        if offset < 0 or n < 0 or offset + n > len(self.section):
            raise DecodeError("binary reference outside the message")
        return offset, n

    def _array(self, v: list) -> np.ndarray:
        if len(v) != 5 or not isinstance(v[1], str) or not isinstance(v[2], list):
            raise DecodeError("malformed array")
        name, shape = v[1], v[2]
        dtype = _ARRAY_DTYPES.get(name)
        if dtype is None:
            raise DecodeError(f"arrays of dtype {name!r} are not accepted")
        # Each size one numpy can hold: [0, 10**30] has no elements, and reshaping to it failed.
        if not all(type(s) is int and 0 <= s < 1 << 62 for s in shape) or len(shape) > 32:
            raise DecodeError("malformed array shape")
        offset, n = self._span(v[3:])
        if math.prod(shape) * dtype.itemsize != n:
            raise DecodeError("array size does not match its shape")
        flat = np.frombuffer(self.section, dtype=dtype, count=n // dtype.itemsize, offset=offset)
        return flat if len(shape) == 1 else flat.reshape(shape)

    def _custom(self, v: list) -> Any:
        if len(v) != 3 or not isinstance(v[1], str) or v[1] not in _CUSTOM:
            raise DecodeError("unknown custom record")
        _cls, _to, from_plain = _CUSTOM[v[1]]
        plain = self.dec(v[2])
        try:
            return from_plain(plain)
        except DecodeError:
            raise
        except Exception as exc:  # noqa: BLE001 - from_plain found the columns inconsistent
            raise DecodeError(f"{v[1]} record rejected: {type(exc).__name__}: {exc}") from None

    def _dataclass(self, v: list) -> Any:
        if len(v) < 2 or not isinstance(v[1], str):
            raise DecodeError("malformed record")
        cls = _REGISTRY.get(v[1])
        if cls is None:
            raise DecodeError(f"unknown record type {v[1]!r}")
        names = _FIELDS[cls]
        values = [self.dec(x) for x in v[2:]]
        if len(values) != len(names):
            raise DecodeError(f"{cls.__name__} record has {len(values)} fields, not {len(names)}")
        checks = _CHECKS.get(cls) or _build_checks(cls)
        for name, value, ok in zip(names, values, checks):
            if not ok(value):
                raise DecodeError(f"{cls.__name__}.{name} has an unexpected {type(value).__name__}")
        try:
            return cls(*values)
        except Exception as exc:  # noqa: BLE001 - a __post_init__ that rejects the values
            raise DecodeError(f"{cls.__name__} record rejected: {exc}") from None


# ----- field checks from annotations ---------------------------------------------------------

def _build_checks(cls: type) -> tuple[Callable[[Any], bool], ...]:
    module = sys.modules.get(cls.__module__)
    hints = typing.get_type_hints(cls, vars(module) if module else None)
    checks = tuple(_checker(hints[name]) for name in _FIELDS[cls])
    _CHECKS[cls] = checks
    return checks


def _anything(value: Any) -> bool:
    return True


def _checker(hint: Any) -> Callable[[Any], bool]:
    """A predicate for values of annotation ``hint`` (shallow inside containers of records)."""
    if hint is Any or hint is object:
        return _anything
    if hint is type(None):
        return lambda v: v is None
    if hint is float:
        return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    if hint is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if hint in (str, bool, bytes, complex, np.ndarray):
        return lambda v, t=hint: isinstance(v, t)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        values = frozenset(member.value for member in hint)  # the record rebuilds the member from its value
        return lambda v: type(v) in _PRIMITIVE_TYPES and v in values
    if isinstance(hint, type) and hint in _FIELDS:
        return lambda v, t=hint: type(v) is t
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        parts = tuple(_checker(a) for a in args)
        return lambda v: any(p(v) for p in parts)
    if origin is typing.Literal:
        return lambda v: v in args
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _checker(args[0])
            return lambda v: isinstance(v, tuple) and all(item(x) for x in v)
        if not args:
            return lambda v: isinstance(v, tuple)
        items = tuple(_checker(a) for a in args)
        return lambda v: isinstance(v, tuple) and len(v) == len(items) and all(c(x) for c, x in zip(items, v))
    if origin in (list, collections.abc.Sequence):
        item = _checker(args[0]) if args else _anything
        return lambda v: isinstance(v, (list, tuple)) and all(item(x) for x in v)
    if origin in (dict, collections.abc.Mapping):
        key, val = (_checker(args[0]), _checker(args[1])) if args else (_anything, _anything)
        return lambda v: isinstance(v, dict) and all(key(k) and val(x) for k, x in v.items())
    if origin in (frozenset, set):
        item = _checker(args[0]) if args else _anything
        return lambda v: isinstance(v, frozenset) and all(item(x) for x in v)
    if isinstance(hint, type):
        return lambda v, t=hint: isinstance(v, t)
    return _anything
