"""Reading a Trace of wire format 2, only to open recordings saved by earlier builds.

Format 2 sent each column as an array of its own (see :mod:`gradviz.core.run.trace_wire`
for format 3, the one written now); ``.gradviz-rec`` files from those builds hold it. This
is that format's decoder, kept as it was and never used to write: it trusts nothing, every
column is checked for type and length, every index for range, before a record is built.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gradviz.core.run.codec import ARRAY_DTYPES, DecodeError
from gradviz.core.run.trace_wire import _INT_BOUND, _get, whole_trace
from gradviz.core.run.trace_wire import FORMAT_V2 as FORMAT
from gradviz.core.trace import (
    NODE_KINDS,
    BackwardPass,
    Edge,
    Node,
    SavedTensor,
    TensorValue,
    Trace,
    built,
)


def _strs(col: Any, n: int | None, what: str) -> list[str]:
    if not isinstance(col, list) or (n is not None and len(col) != n) or not set(map(type, col)) <= {str}:
        raise DecodeError(f"trace column {what} is malformed")
    return col


def _array(col: Any, n: int | None, what: str, low: int = -_INT_BOUND, high: int = _INT_BOUND) -> np.ndarray:
    """An integer column: a 1-D array of ``n`` numbers in ``[low, high)``."""
    if not isinstance(col, np.ndarray) or col.ndim != 1 or col.dtype.kind not in "iu" \
            or (n is not None and col.size != n):
        raise DecodeError(f"trace column {what} is malformed")
    if col.size and (int(col.min()) < low or int(col.max()) >= high):
        raise DecodeError(f"trace column {what} holds a bad number")
    return col


def _ints(col: Any, n: int | None, what: str, low: int = -_INT_BOUND, high: int = _INT_BOUND) -> list[int]:
    return _array(col, n, what, low, high).tolist()


def _bools(col: Any, n: int, what: str) -> list[bool]:
    if not isinstance(col, np.ndarray) or col.ndim != 1 or col.dtype != np.bool_ or col.size != n:
        raise DecodeError(f"trace column {what} is malformed")
    return col.tolist()


def _texts(col: Any, n: int | None, table: list[str], what: str) -> list[str]:
    """A text column: indexes into ``table``."""
    return list(map(table.__getitem__, _ints(col, n, what, 0, len(table))))


def _values_from(plain: Any, table: list[str]) -> list[TensorValue]:
    if not isinstance(plain, dict):
        raise DecodeError("trace values are malformed")
    ndim = _ints(plain.get("ndim"), None, "ndim", 0, 33)
    n = len(ndim)
    dims = _ints(plain.get("dims"), sum(ndim), "dims", 0)
    dtypes = _texts(plain.get("dtype"), n, table, "dtype")
    devices = _texts(plain.get("device"), n, table, "device")
    summarised = _bools(plain.get("summarised"), n, "summarised")
    data_dtype = _texts(plain.get("data_dtype"), n, table, "data_dtype")
    summaries = plain.get("summaries")
    data = plain.get("data")
    if not isinstance(summaries, np.ndarray) or summaries.dtype != np.float64 or \
            summaries.size != 5 * sum(summarised):
        raise DecodeError("trace summaries are malformed")
    if not isinstance(data, dict) or not all(isinstance(k, str) and k in ARRAY_DTYPES and
                                             isinstance(a, np.ndarray) and a.dtype.name == k and a.ndim == 1
                                             for k, a in data.items()):
        raise DecodeError("trace value data is malformed")
    summary_rows = summaries.reshape(-1, 5).tolist()
    offsets = dict.fromkeys(data, 0)
    out: list[TensorValue] = []
    pos = s = 0
    new = object.__new__
    scalar: tuple[int, ...] = ()
    for i in range(n):
        k = ndim[i]
        if k:
            shape = tuple(dims[pos:pos + k])
            pos += k
            count = math.prod(shape)
        else:
            shape, count = scalar, 1
        v = new(TensorValue)
        d = v.__dict__
        d["shape"], d["dtype"], d["device"] = shape, dtypes[i], devices[i]
        if summarised[i]:
            d["data"], d["summary"] = None, tuple(summary_rows[s])
            s += 1
        else:
            name = data_dtype[i]
            block = data.get(name)
            if block is None:
                raise DecodeError("a trace value names no data block")
            start = offsets[name]
            end = offsets[name] = start + count
            if end > block.size:
                raise DecodeError("a trace value runs past its data block")
            d["data"], d["summary"] = block[start:end].reshape(shape), None
        out.append(v)
    return out


def from_plain(plain: Any) -> Trace:
    """The Trace in ``plain`` (format 2); DecodeError when any column is inconsistent."""
    if not isinstance(plain, dict) or type(plain.get("format")) is not int or plain["format"] != FORMAT:
        raise DecodeError("not a trace of format 2")
    table = _strs(plain.get("texts"), None, "texts")
    values = _values_from(plain.get("values"), table)
    nv = len(values)

    # Index -1 is "no value": it lands on the None appended at the end.
    value_at = [*values, None].__getitem__

    cols = _get(plain, "nodes", dict)
    ids = _texts(cols.get("id"), None, table, "id")
    n = len(ids)
    if len(set(ids)) != n:
        raise DecodeError("trace node ids repeat")
    kinds = _texts(cols.get("kind"), n, table, "kind")
    if not set(kinds) <= set(NODE_KINDS):
        raise DecodeError("trace column kind holds an unknown kind")
    ops, labels = _texts(cols.get("op"), n, table, "op"), _texts(cols.get("label"), n, table, "label")
    ndim = _ints(cols.get("ndim"), n, "ndim", 0, 33)
    dims = _ints(cols.get("dims"), sum(ndim), "dims", 0)
    dtypes, devices = _texts(cols.get("dtype"), n, table, "dtype"), _texts(cols.get("device"), n, table, "device")
    modules = _texts(cols.get("module"), n, table, "module")
    internal = _texts(cols.get("internal_to"), n, table, "internal_to")
    value_idx, grad_idx = _ints(cols.get("value"), n, "value", -1, nv), _ints(cols.get("grad"), n, "grad", -1, nv)
    lines = [None if x < 0 else x for x in _ints(cols.get("line"), n, "line", -1, 1 << 31)]
    requires = _bools(cols.get("requires_grad"), n, "requires_grad")
    output_nr = _ints(cols.get("output_nr"), n, "output_nr", 0, 1 << 16)
    loop_count = _ints(cols.get("loop_count"), n, "loop_count", 0, 1 << 10)
    loops = _ints(cols.get("loops"), 3 * sum(loop_count), "loops", 0, 1 << 40)
    saved_count = _ints(cols.get("saved_count"), n, "saved_count", 0, 1 << 16)
    ns = sum(saved_count)
    s_name, s_text = _texts(cols.get("saved_name"), ns, table, "saved_name"), _texts(cols.get("saved_text"), ns,
                                                                                     table, "saved_text")
    s_note = _texts(cols.get("saved_note"), ns, table, "saved_note")
    s_value = _ints(cols.get("saved_value"), ns, "saved_value", -1, nv)
    saved = [SavedTensor(s_name[i], value_at(s_value[i]), s_text[i], s_note[i]) for i in range(ns)]
    nodes = []
    pos = spos = lpos = 0
    none: tuple = ()
    for i in range(n):
        k = ndim[i]
        shape = tuple(dims[pos:pos + k]) if k else none
        pos += k
        k = saved_count[i]
        c = loop_count[i]
        frames = tuple(tuple(loops[j:j + 3]) for j in range(lpos, lpos + 3 * c, 3)) if c else none
        lpos += 3 * c
        nodes.append(built(Node, {
            "id": ids[i], "kind": kinds[i], "op": ops[i], "label": labels[i], "shape": shape, "dtype": dtypes[i],
            "device": devices[i], "module": modules[i], "value": value_at(value_idx[i]),
            "internal_to": internal[i], "saved": tuple(saved[spos:spos + k]) if k else none, "line": lines[i],
            "requires_grad": requires[i], "grad": value_at(grad_idx[i]), "output_nr": output_nr[i],
            "loop": frames}))
        spos += k

    def node_ids(col: Any, what: str, count: int | None = None) -> list[str]:
        return list(map(ids.__getitem__, _ints(col, count, what, 0, n)))

    edge_cols = _get(plain, "edges", list)
    if len(edge_cols) != 3:
        raise DecodeError("trace edges are malformed")
    sources = node_ids(edge_cols[0], "edge sources")
    targets = node_ids(edge_cols[1], "edge targets", len(sources))
    slots = _ints(edge_cols[2], len(sources), "edge slots", 0, 1 << 16)
    edges = tuple(built(Edge, {"source": a, "target": b, "slot": c}) for a, b, c in zip(sources, targets, slots))

    passes = []
    for entry in _get(plain, "passes", list):
        if not isinstance(entry, dict):
            raise DecodeError("a trace pass is malformed")
        grads = {}
        for name in ("grad_outputs", "grad_inputs"):
            keys, counts, refs = (_get(entry, name, list) + [None, None, None])[:3]
            keys = node_ids(keys, name)
            counts = _ints(counts, len(keys), name, 0, 1 << 16)
            refs = _ints(refs, sum(counts), name, -1, nv)
            mapping, at = {}, 0
            for key, c in zip(keys, counts):
                mapping[key] = tuple(map(value_at, refs[at:at + c]))
                at += c
            grads[name] = mapping
        leaf_keys, leaf_refs = (_get(entry, "leaf_grads", list) + [None, None])[:2]
        leaf_keys = node_ids(leaf_keys, "leaf_grads")
        leaf_refs = _ints(leaf_refs, len(leaf_keys), "leaf_grads", -1, nv)
        index, line, call, implicit = entry.get("index"), entry.get("line"), entry.get("call"), entry.get("implicit")
        if type(index) is not int or not (line is None or type(line) is int) or type(call) is not str \
                or type(implicit) is not bool:
            raise DecodeError("a trace pass is malformed")
        passes.append(BackwardPass(index, line, call, tuple(node_ids(entry.get("roots"), "roots")),
                                   tuple(node_ids(entry.get("order"), "order")), grads["grad_outputs"],
                                   grads["grad_inputs"], {k: value_at(r) for k, r in zip(leaf_keys, leaf_refs)},
                                   implicit))

    variables = _get(plain, "variables", list)
    if len(variables) != 2:
        raise DecodeError("trace variables are malformed")
    var_names = _strs(variables[0], None, "variable names")
    var_ids = node_ids(variables[1], "variables", len(var_names))
    return whole_trace(plain, ids, nodes, edges, passes, dict(zip(var_names, var_ids)),
                       node_ids(plain.get("extra_roots"), "extra_roots"))
