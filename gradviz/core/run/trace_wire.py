"""A Trace as columns, for the trip from a run process to the app.

Record by record, a 10,000-node trace is ~50,000 small records and took over a second
to check and rebuild. As columns (one list per field, every tensor value once in a table,
array data in one block per dtype) it is a few long lists of plain values and arrays,
checked with one pass per column. ``from_plain`` trusts nothing: every column is checked
for type and length, every index for range, before a record is built from it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gradviz.core.run.codec import ARRAY_DTYPES, DecodeError, dtype_name
from gradviz.core.trace import NODE_KINDS, BackwardPass, Edge, ModuleInfo, Node, SavedTensor, TensorValue, Trace

FORMAT = 1


class _Values:
    """Tensor values numbered once each (captures share copies), data grouped by dtype."""

    def __init__(self) -> None:
        self.index: dict[int, int] = {}
        self.items: list[TensorValue] = []

    def ref(self, value: TensorValue | None) -> int:
        if value is None:
            return -1
        i = self.index.get(id(value))
        if i is None:
            i = self.index[id(value)] = len(self.items)
            self.items.append(value)
        return i

    def plain(self) -> dict[str, Any]:
        ndim, dims, dtypes, devices, summaries, summarised = [], [], [], [], [], []
        blocks: dict[str, list[np.ndarray]] = {}
        for v in self.items:
            ndim.append(len(v.shape))
            dims.extend(v.shape)
            dtypes.append(v.dtype)
            devices.append(v.device)
            if v.data is None:
                summarised.append(1)
                summaries.extend(v.summary or (math.nan,) * 5)
            else:
                summarised.append(0)
                blocks.setdefault(dtype_name(v.data.dtype), []).append(v.data.reshape(-1))
        data = {name: np.concatenate(parts) for name, parts in blocks.items()}
        return {"ndim": ndim, "dims": dims, "dtype": dtypes, "device": devices, "summarised": summarised,
                "summaries": np.asarray(summaries, dtype=np.float64), "data": data,
                "data_dtype": [dtype_name(v.data.dtype) if v.data is not None else "" for v in self.items]}


def _strs(col: Any, n: int | None, what: str) -> list[str]:
    if not isinstance(col, list) or not all(type(x) is str for x in col) or (n is not None and len(col) != n):
        raise DecodeError(f"trace column {what} is malformed")
    return col


def _ints(col: Any, n: int | None, what: str, low: int = -(1 << 62), high: int = 1 << 62,
          none_ok: bool = False) -> list[Any]:
    if not isinstance(col, list) or (n is not None and len(col) != n):
        raise DecodeError(f"trace column {what} is malformed")
    for x in col:
        if x is None and none_ok:
            continue
        if type(x) is not int or not low <= x < high:
            raise DecodeError(f"trace column {what} holds a bad number")
    return col


def _values_from(plain: Any) -> list[TensorValue]:
    if not isinstance(plain, dict):
        raise DecodeError("trace values are malformed")
    ndim = _ints(plain.get("ndim"), None, "ndim", 0, 33)
    n = len(ndim)
    dims = _ints(plain.get("dims"), sum(ndim), "dims", 0)
    dtypes = _strs(plain.get("dtype"), n, "dtype")
    devices = _strs(plain.get("device"), n, "device")
    summarised = _ints(plain.get("summarised"), n, "summarised", 0, 2)
    data_dtype = _strs(plain.get("data_dtype"), n, "data_dtype")
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


def to_plain(trace: Trace) -> dict[str, Any]:
    """``trace`` as columns of plain values and arrays."""
    values = _Values()
    ref = values.ref
    nodes = trace.nodes
    saved_count, saved_name, saved_value, saved_text, saved_note = [], [], [], [], []
    for n in nodes:
        saved_count.append(len(n.saved))
        for s in n.saved:
            saved_name.append(s.name)
            saved_value.append(ref(s.value))
            saved_text.append(s.text)
            saved_note.append(s.note)
    node_cols = {
        "id": [n.id for n in nodes], "kind": [n.kind for n in nodes], "op": [n.op for n in nodes],
        "label": [n.label for n in nodes], "ndim": [len(n.shape) for n in nodes],
        "dims": [d for n in nodes for d in n.shape], "dtype": [n.dtype for n in nodes],
        "device": [n.device for n in nodes], "module": [n.module for n in nodes],
        "value": [ref(n.value) for n in nodes], "internal_to": [n.internal_to for n in nodes],
        "line": [n.line for n in nodes], "requires_grad": [n.requires_grad for n in nodes],
        "grad": [ref(n.grad) for n in nodes], "output_nr": [n.output_nr for n in nodes],
        # Loops as a count per node and three numbers per loop: (line, iteration, iterations).
        "loop_count": [len(n.loop) for n in nodes], "loops": [x for n in nodes for frame in n.loop for x in frame],
        "saved_count": saved_count, "saved_name": saved_name,
        "saved_value": saved_value, "saved_text": saved_text, "saved_note": saved_note,
    }
    passes = []
    for p in trace.passes:
        entry: dict[str, Any] = {"index": p.index, "line": p.line, "call": p.call, "roots": list(p.roots),
                                 "order": list(p.order), "implicit": p.implicit}
        for name in ("grad_outputs", "grad_inputs"):
            mapping = getattr(p, name)
            entry[name] = [list(mapping), [len(g) for g in mapping.values()],
                           [ref(x) for g in mapping.values() for x in g]]
        entry["leaf_grads"] = [list(p.leaf_grads), [ref(x) for x in p.leaf_grads.values()]]
        passes.append(entry)
    return {
        "format": FORMAT, "nodes": node_cols,
        "edges": [[e.source for e in trace.edges], [e.target for e in trace.edges], [e.slot for e in trace.edges]],
        "passes": passes, "root": trace.root, "source": trace.source, "explanation": trace.explanation,
        "notes": list(trace.notes), "variables": [list(trace.variables), list(trace.variables.values())],
        "extra_roots": list(trace.extra_roots),
        "modules": [[m.path, m.class_name, m.num_params] for m in trace.modules.values()],
        "output": list(trace.output), "last_value": trace.last_value, "values": values.plain(),
    }


def _get(plain: dict, key: str, kind: type) -> Any:
    value = plain.get(key)
    if not isinstance(value, kind):
        raise DecodeError(f"trace field {key} is malformed")
    return value


def from_plain(plain: Any) -> Trace:
    """The Trace in ``plain``; DecodeError when any column is inconsistent."""
    if not isinstance(plain, dict) or plain.get("format") != FORMAT:
        raise DecodeError("not a trace of a known format")
    values = _values_from(plain.get("values"))
    nv = len(values)

    # Index -1 is "no value": it lands on the None appended at the end.
    value_at = [*values, None].__getitem__

    cols = _get(plain, "nodes", dict)
    ids = _strs(cols.get("id"), None, "id")
    n = len(ids)
    kinds = _strs(cols.get("kind"), n, "kind")
    if not set(kinds) <= set(NODE_KINDS):
        raise DecodeError("trace column kind holds an unknown kind")
    ops, labels = _strs(cols.get("op"), n, "op"), _strs(cols.get("label"), n, "label")
    ndim = _ints(cols.get("ndim"), n, "ndim", 0, 33)
    dims = _ints(cols.get("dims"), sum(ndim), "dims", 0)
    dtypes, devices = _strs(cols.get("dtype"), n, "dtype"), _strs(cols.get("device"), n, "device")
    modules, internal = _strs(cols.get("module"), n, "module"), _strs(cols.get("internal_to"), n, "internal_to")
    value_idx, grad_idx = _ints(cols.get("value"), n, "value", -1, nv), _ints(cols.get("grad"), n, "grad", -1, nv)
    lines = _ints(cols.get("line"), n, "line", 0, 1 << 31, none_ok=True)
    requires = cols.get("requires_grad")
    if not isinstance(requires, list) or len(requires) != n or not all(type(x) is bool for x in requires):
        raise DecodeError("trace column requires_grad is malformed")
    output_nr = _ints(cols.get("output_nr"), n, "output_nr", 0, 1 << 16)
    loop_count = _ints(cols.get("loop_count", [0] * n), n, "loop_count", 0, 1 << 10)
    loops = _ints(cols.get("loops", []), 3 * sum(loop_count), "loops", 0, 1 << 40)
    saved_count = _ints(cols.get("saved_count"), n, "saved_count", 0, 1 << 16)
    ns = sum(saved_count)
    s_name, s_text = _strs(cols.get("saved_name"), ns, "saved_name"), _strs(cols.get("saved_text"), ns, "saved_text")
    s_note, s_value = _strs(cols.get("saved_note"), ns, "saved_note"), _ints(cols.get("saved_value"), ns,
                                                                              "saved_value", -1, nv)
    saved = [SavedTensor(s_name[i], value_at(s_value[i]), s_text[i], s_note[i]) for i in range(ns)]
    nodes = []
    pos = spos = lpos = 0
    for i in range(n):
        shape = tuple(dims[pos:pos + ndim[i]])
        pos += ndim[i]
        k = saved_count[i]
        frames = tuple(tuple(loops[j:j + 3]) for j in range(lpos, lpos + 3 * loop_count[i], 3))
        lpos += 3 * loop_count[i]
        nodes.append(Node(ids[i], kinds[i], ops[i], labels[i], shape, dtypes[i], devices[i], modules[i],
                          value_at(value_idx[i]), internal[i], tuple(saved[spos:spos + k]), lines[i],
                          requires[i], value_at(grad_idx[i]), output_nr[i], frames))
        spos += k
    known = set(ids)
    if len(known) != n:
        raise DecodeError("trace node ids repeat")

    edge_cols = _get(plain, "edges", list)
    if len(edge_cols) != 3:
        raise DecodeError("trace edges are malformed")
    sources = _strs(edge_cols[0], None, "edge sources")
    targets = _strs(edge_cols[1], len(sources), "edge targets")
    slots = _ints(edge_cols[2], len(sources), "edge slots", 0, 1 << 16)
    if not (set(sources) <= known and set(targets) <= known):
        raise DecodeError("a trace edge names an unknown node")
    edges = tuple(Edge(a, b, c) for a, b, c in zip(sources, targets, slots))

    def node_ids(col: Any, what: str) -> list[str]:
        out = _strs(col, None, what)
        if not set(out) <= known:
            raise DecodeError(f"trace {what} names an unknown node")
        return out

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

    root = plain.get("root")
    if not (root is None or root in known):
        raise DecodeError("the trace root is not a node")
    variables = _get(plain, "variables", list)
    if len(variables) != 2:
        raise DecodeError("trace variables are malformed")
    var_names = _strs(variables[0], None, "variable names")
    var_ids = node_ids(variables[1], "variables")
    if len(var_ids) != len(var_names):
        raise DecodeError("trace variables are malformed")
    module_rows = _get(plain, "modules", list)
    if not all(isinstance(r, list) and len(r) == 3 and type(r[0]) is str and type(r[1]) is str and type(r[2]) is int
               for r in module_rows):
        raise DecodeError("trace modules are malformed")
    last_value = plain.get("last_value")
    if not (last_value is None or type(last_value) is str):
        raise DecodeError("trace field last_value is malformed")
    return Trace(
        nodes=tuple(nodes), edges=edges, root=root, passes=tuple(passes), source=_get(plain, "source", str),
        explanation=_get(plain, "explanation", str), notes=tuple(_strs(plain.get("notes"), None, "notes")),
        variables=dict(zip(var_names, var_ids)), extra_roots=tuple(node_ids(plain.get("extra_roots"), "extra_roots")),
        modules={r[0]: ModuleInfo(r[0], r[1], r[2]) for r in module_rows},
        output=tuple(_strs(plain.get("output"), None, "output")), last_value=last_value)
