"""A Trace as columns, for the trip from a run process to the app.

Record by record, a 10,000-node trace is ~50,000 small records and took over a second
to check and rebuild. As columns it is one table of texts (each once), one array of
integers (every column of numbers, texts and references, end to end), the tensor data in
one block per dtype and a few short lists: the JSON part is small and the arrays are read
in place, which matters twice per run (the forward graph for the first picture, then the
whole trace).

The integer columns travel as one array, cut by a list of lengths, because per-array costs
(a JSON entry, a buffer, a check) dominated small graphs: as an array per column (format
2), a 50-node trace took 45 arrays and about a millisecond each way. Columns of one kind
sit together (texts, value numbers, node positions, plain numbers), so each kind is mapped
in one pass; the records are then built straight into their ``__dict__``.

``from_plain`` trusts nothing: every length is checked against the columns it must agree
with, every number against its range (one vectorised pass over all columns), every text
and record type, before a record is built from it.
"""

from __future__ import annotations

import functools
import math
import struct
from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np

from gradviz.core.run.codec import ARRAY_DTYPES, DecodeError, dtype_name
from gradviz.core.trace import (
    NODE_KINDS,
    BackwardPass,
    Edge,
    ModuleInfo,
    Node,
    SavedTensor,
    TensorValue,
    Trace,
)

#: 3: one integer array cut by lengths, data blocks as a list.
FORMAT = 3
#: An array per column: still read, by :mod:`trace_wire_v2` (loaded only for it), for
#: recordings saved by earlier builds; never written.
FORMAT_V2 = 2

_INT_BOUND = 1 << 62
_NAN5 = (math.nan,) * 5

# The columns of the integer array, region by region: each region holds one kind of number,
# its fixed columns first, then each backward pass's own ("pass 0 roots", ...).
#: Indexes into the text table.
_TEXT_COLS = ("id", "kind", "op", "label", "dtype", "device", "module", "internal_to",
              "saved name", "saved text", "saved note", "value dtype", "value device")
#: Value numbers; -1 is "no value".
_VALUE_COLS = ("value", "grad", "saved value")
_PASS_VALUE_COLS = ("grad_outputs values", "grad_inputs values", "leaf_grads values")
#: Node positions in ``trace.nodes``.
_NODE_COLS = ("edge sources", "edge targets", "variables", "extra_roots")
_PASS_NODE_COLS = ("roots", "order", "grad_outputs keys", "grad_inputs keys", "leaf_grads keys")
#: Plain numbers, with their range [low, high). A value's block: -1 summarised, else the
#: position of its data's block in ``blocks`` (None: the high bound is the number of blocks).
_NUMBER_COLS = {
    "value ndim": (0, 33), "value dims": (0, _INT_BOUND), "value block": (-1, None),
    "ndim": (0, 33), "dims": (0, _INT_BOUND),
    "line": (-1, 1 << 31),  # -1: no line (lines are counted from 1)
    "requires_grad": (0, 2), "output_nr": (0, 1 << 16),
    # Loops as a count per node and three numbers per loop: (line, iteration, iterations).
    "loop_count": (0, 1 << 10), "loops": (0, 1 << 40), "saved_count": (0, 1 << 16),
    "edge slots": (0, 1 << 16),
}
_PASS_NUMBER_COLS = {"grad_outputs counts": (0, 1 << 16), "grad_inputs counts": (0, 1 << 16)}


class _Layout:
    """The columns of a trace with ``npass`` backward passes, in their order in the array
    (kept for reuse by :func:`_layout`: never changed once made)."""

    def __init__(self, npass: int) -> None:
        def per_pass(cols: Any) -> list[str]:
            return [f"pass {p} {c}" for p in range(npass) for c in cols]

        regions = [list(_TEXT_COLS), [*_VALUE_COLS, *per_pass(_PASS_VALUE_COLS)],
                   [*_NODE_COLS, *per_pass(_PASS_NODE_COLS)], [*_NUMBER_COLS, *per_pass(_PASS_NUMBER_COLS)]]
        self.names = [name for region in regions for name in region]
        #: Where the text, value and node regions end, counted in columns.
        self.ends = (len(regions[0]), len(regions[0]) + len(regions[1]),
                     len(regions[0]) + len(regions[1]) + len(regions[2]))
        self.number_bounds = [*_NUMBER_COLS.values(), *[*_PASS_NUMBER_COLS.values()] * npass]

    def bounds(self, texts: int, values: int, nodes: int, blocks: int) -> tuple[list[int], list[int]]:
        """Each column's [low, high), for a table of ``texts`` texts, ``values`` values, ..."""
        t_end, v_end, n_end = self.ends
        numbers = [(-1, blocks) if high is None else (low, high) for low, high in self.number_bounds]
        return ([0] * t_end + [-1] * (v_end - t_end) + [0] * (n_end - v_end) + [low for low, _ in numbers],
                [texts] * t_end + [values] * (v_end - t_end) + [nodes] * (n_end - v_end) + [h for _, h in numbers])


_FIXED_COLS = len(_TEXT_COLS) + len(_VALUE_COLS) + len(_NODE_COLS) + len(_NUMBER_COLS)
_PASS_COLS = len(_PASS_VALUE_COLS) + len(_PASS_NODE_COLS) + len(_PASS_NUMBER_COLS)


@functools.lru_cache(maxsize=16)
def _small_layout(npass: int) -> _Layout:
    return _Layout(npass)


def _layout(npass: int) -> _Layout:
    # Kept for the common few passes only: a message chooses npass, and must not make the
    # app keep a layout of a million passes.
    return _small_layout(npass) if npass < 16 else _Layout(npass)


def _flat(groups: Any) -> list:
    return list(chain.from_iterable(groups))


def _transpose(rows: list[tuple], width: int) -> list[tuple]:
    """``width`` columns of ``rows`` (empty ones when there are no rows)."""
    return list(zip(*rows)) or [()] * width


class _Values:
    """Tensor values numbered once each, by identity (captures share copies), data grouped by dtype."""

    def __init__(self) -> None:
        # Keyed by the values themselves: TensorValue (eq=False) hashes by identity.
        self.number: dict[TensorValue | None, int] = {None: -1}

    def numbers(self, refs: list[TensorValue | None]) -> list[int]:
        number = self.number
        out = []
        for v in refs:
            k = number.get(v)
            if k is None:
                k = number[v] = len(number) - 1
            out.append(k)
        return out

    def columns(self) -> tuple[Any, Any, list[int], list[int], list[int], np.ndarray, list[np.ndarray]]:
        """The columns value dtype, device, ndim, dims and block; the summaries; the data blocks."""
        dtypes, devices, shapes, datas, summaries = _transpose(
            [(v.dtype, v.device, v.shape, v.data, v.summary) for v in list(self.number)[1:]], 5)
        block_of: dict[Any, int] = {}
        parts: list[list[bytes]] = []
        blocks, summary_rows = [], []
        last, b, part = None, -1, []
        for data, summary in zip(datas, summaries):
            if data is None:
                blocks.append(-1)
                summary_rows.append(summary or _NAN5)
                continue
            dtype = data.dtype
            if dtype is not last:  # values come in runs of one dtype: skip hashing it
                b = block_of.get(dtype)
                if b is None:
                    b = block_of[dtype] = len(parts)
                    parts.append([])
                last, part = dtype, parts[b]
            part.append(data.tobytes())  # C order, as the decoder reshapes it
            blocks.append(b)
        data_blocks = [np.frombuffer(b"".join(p), dtype=dtype) for p, dtype in zip(parts, block_of)]
        return (dtypes, devices, list(map(len, shapes)), _flat(shapes), blocks,
                np.array(summary_rows, dtype=np.float64).reshape(-1), data_blocks)


def to_plain(trace: Trace) -> dict[str, Any]:
    """``trace`` as columns: texts as indexes into one table, numbers, value numbers and node
    references (a node's position in ``trace.nodes``) in one integer array."""
    nodes, edges, passes = trace.nodes, trace.edges, trace.passes
    # Fields as rows, then transposed: one pass over the records instead of one per field.
    (ids, kinds, ops, labels, dtypes, devices, modules, internal, node_values, grads, shapes, lines, requires,
     output_nr, loops, saved_groups) = _transpose(
        [(n.id, n.kind, n.op, n.label, n.dtype, n.device, n.module, n.internal_to, n.value, n.grad, n.shape,
          n.line, n.requires_grad, n.output_nr, n.loop, n.saved) for n in nodes], 16)
    s_name, s_text, s_note, s_value = _transpose(
        [(s.name, s.text, s.note, s.value) for group in saved_groups for s in group], 4)
    sources, targets, slots = _transpose([(e.source, e.target, e.slot) for e in edges], 3)
    cols: dict[str, Any] = {
        "id": ids, "kind": kinds, "op": ops, "label": labels, "dtype": dtypes, "device": devices, "module": modules,
        "internal_to": internal, "saved name": s_name, "saved text": s_text, "saved note": s_note,
        "value": node_values, "grad": grads, "saved value": s_value, "edge sources": sources,
        "edge targets": targets, "variables": list(trace.variables.values()), "extra_roots": trace.extra_roots,
        "ndim": list(map(len, shapes)), "dims": _flat(shapes), "line": [-1 if x is None else x for x in lines],
        "requires_grad": requires, "output_nr": output_nr, "loop_count": list(map(len, loops)),
        "loops": _flat(_flat(loops)), "saved_count": list(map(len, saved_groups)), "edge slots": slots,
    }
    for i, p in enumerate(passes):
        go, gi = p.grad_outputs, p.grad_inputs
        cols.update({
            f"pass {i} grad_outputs values": _flat(go.values()), f"pass {i} grad_inputs values": _flat(gi.values()),
            f"pass {i} leaf_grads values": list(p.leaf_grads.values()),
            f"pass {i} roots": list(p.roots), f"pass {i} order": list(p.order),
            f"pass {i} grad_outputs keys": list(go), f"pass {i} grad_inputs keys": list(gi),
            f"pass {i} leaf_grads keys": list(p.leaf_grads),
            f"pass {i} grad_outputs counts": list(map(len, go.values())),
            f"pass {i} grad_inputs counts": list(map(len, gi.values())),
        })
    layout = _layout(len(passes))
    t_end, v_end, n_end = layout.ends
    values = _Values()
    value_numbers = values.numbers(_flat(cols[c] for c in layout.names[t_end:v_end]))
    (cols["value dtype"], cols["value device"], cols["value ndim"], cols["value dims"], cols["value block"],
     summaries, blocks) = values.columns()

    columns = [cols[c] for c in layout.names]
    texts = _flat(columns[:t_end])
    table = dict.fromkeys(texts)  # every text once, in first-seen order
    index = dict(zip(table, range(len(table))))
    position = dict(zip(ids, range(len(ids))))
    ints = [*map(index.__getitem__, texts), *value_numbers, *map(position.__getitem__, _flat(columns[v_end:n_end])),
            *chain.from_iterable(columns[n_end:])]
    # Four bytes a number when they fit, as they nearly always do. struct packs a list of
    # Python ints twice as fast as np.array.
    try:
        array = np.frombuffer(struct.pack(f"={len(ints)}i", *ints), dtype=np.int32)
    except struct.error:
        array = np.frombuffer(struct.pack(f"={len(ints)}q", *ints), dtype=np.int64)
    return {
        "format": FORMAT, "texts": list(table), "ints": array, "lengths": list(map(len, columns)),
        "summaries": summaries, "blocks": blocks, "passes": [[p.index, p.line, p.call, p.implicit] for p in passes],
        "root": -1 if trace.root is None else position[trace.root], "source": trace.source,
        "explanation": trace.explanation, "notes": list(trace.notes), "variables": list(trace.variables),
        "modules": [[m.path, m.class_name, m.num_params] for m in trace.modules.values()],
        "output": list(trace.output), "last_value": trace.last_value,
    }


# ----- decoding ------------------------------------------------------------------------------

def _get(plain: dict, key: str, kind: type) -> Any:
    value = plain.get(key)
    if not isinstance(value, kind):
        raise DecodeError(f"trace field {key} is malformed")
    return value


def _strs(col: Any, what: str) -> list[str]:
    if not isinstance(col, list) or not set(map(type, col)) <= {str}:
        raise DecodeError(f"trace field {what} is malformed")
    return col


def _cut(flat: list, lengths: list[int]) -> list[list]:
    """``flat`` cut into consecutive columns of ``lengths`` (which sum to its length)."""
    out, at = [], 0
    for k in lengths:
        out.append(flat[at:at + k])
        at += k
    return out


def _groups(flat: list, counts: list[int]) -> list[tuple]:
    """``flat`` cut into consecutive tuples of ``counts[i]`` items (which sum to its length)."""
    if not flat:
        return [()] * len(counts)
    out, at = [], 0
    for k in counts:
        out.append(tuple(flat[at:at + k]) if k else ())
        at += k
    return out


def _check_ranges(ints: np.ndarray, lengths: list[int], names: list[str], low: list[int], high: list[int]) -> None:
    """Every column of ``ints`` within its [low, high): two reductions over all columns at once."""
    starts, lows, highs, which = [], [], [], []
    at = 0
    for i, k in enumerate(lengths):
        if k:  # reduceat over the starts of the non-empty columns reduces exactly each column
            starts.append(at)
            lows.append(low[i])
            highs.append(high[i])
            which.append(i)
        at += k
    if not starts:
        return
    bad = (np.minimum.reduceat(ints, starts) < np.array(lows, dtype=np.int64)) | \
        (np.maximum.reduceat(ints, starts) >= np.array(highs, dtype=np.int64))
    if bad.any():
        raise DecodeError(f"trace column {names[which[int(bad.argmax())]]} holds a bad number")


def _passes_meta(plain: dict) -> list[list]:
    entries = _get(plain, "passes", list)
    for e in entries:
        if not (isinstance(e, list) and len(e) == 4 and type(e[0]) is int and (e[1] is None or type(e[1]) is int)
                and type(e[2]) is str and type(e[3]) is bool):
            raise DecodeError("a trace pass is malformed")
    return entries


def _values_from(dtypes: list[str], devices: list[str], ndim: list[int], dims: list[int], block_of: list[int],
                 summaries: Any, blocks: list[np.ndarray]) -> list[TensorValue]:
    summarised = block_of.count(-1)
    if not isinstance(summaries, np.ndarray) or summaries.dtype != np.float64 or summaries.ndim != 1 \
            or summaries.size != 5 * summarised:
        raise DecodeError("trace summaries are malformed")
    summary_rows = iter(summaries.reshape(-1, 5).tolist())
    offsets = [0] * len(blocks)
    sizes = [b.size for b in blocks]
    out: list[TensorValue] = []
    new = object.__new__
    for dtype, device, shape, b in zip(dtypes, devices, _groups(dims, ndim), block_of):
        # Made as trace.built makes records, the fields set one by one (~40% faster than a dict).
        v = new(TensorValue)
        d = v.__dict__
        if b < 0:
            d["shape"], d["dtype"], d["device"], d["data"], d["summary"] = \
                shape, dtype, device, None, tuple(next(summary_rows))
        elif shape:
            start = offsets[b]
            end = offsets[b] = start + math.prod(shape)
            if end > sizes[b]:
                raise DecodeError("a trace value runs past its data block")
            d["shape"], d["dtype"], d["device"], d["data"], d["summary"] = \
                shape, dtype, device, blocks[b][start:end].reshape(shape), None
        else:  # a scalar, most values of a small graph: a 0-d view in one step
            start = offsets[b]
            if start >= sizes[b]:
                raise DecodeError("a trace value runs past its data block")
            offsets[b] = start + 1
            d["shape"], d["dtype"], d["device"], d["data"], d["summary"] = \
                shape, dtype, device, blocks[b][start, ...], None
        out.append(v)
    return out


def from_plain(plain: Any) -> Trace:
    """The Trace in ``plain``; DecodeError when any column is inconsistent.

    Format 2 is read too (by :mod:`trace_wire_v2`): recordings saved by earlier builds hold it."""
    fmt = plain.get("format") if isinstance(plain, dict) else None
    if type(fmt) is int and fmt == FORMAT_V2:
        from gradviz.core.run import trace_wire_v2

        return trace_wire_v2.from_plain(plain)
    if type(fmt) is not int or fmt != FORMAT:  # an int first: an array's == is no bool
        raise DecodeError("not a trace of a known format")
    table = _strs(plain.get("texts"), "texts")
    pass_meta = _passes_meta(plain)
    blocks = _get(plain, "blocks", list)
    if not all(isinstance(b, np.ndarray) and b.ndim == 1 and dtype_name(b.dtype) in ARRAY_DTYPES for b in blocks):
        raise DecodeError("trace value data is malformed")
    ints = plain.get("ints")
    if not isinstance(ints, np.ndarray) or ints.ndim != 1 or ints.dtype not in (np.int32, np.int64):
        raise DecodeError("trace field ints is malformed")

    lengths = plain.get("lengths")
    # The number of columns first: the layout's names are made only for as many as were sent.
    if not isinstance(lengths, list) or len(lengths) != _FIXED_COLS + _PASS_COLS * len(pass_meta) \
            or not set(map(type, lengths)) <= {int} or min(lengths) < 0 or sum(lengths) != ints.size:
        raise DecodeError("trace field lengths is malformed")
    layout = _layout(len(pass_meta))
    names = layout.names
    length = dict(zip(names, lengths))
    n, ns, nv, ne = length["id"], length["saved name"], length["value dtype"], length["edge sources"]
    t_end, v_end, n_end = layout.ends
    _check_ranges(ints, lengths, names, *layout.bounds(len(table), nv, n, len(blocks)))

    # Every number is in range: indexes can be followed and counts summed.
    t_stop, v_stop, n_stop = (sum(lengths[:k]) for k in layout.ends)  # where each region ends in ints
    col = dict(zip(names[n_end:], _cut(ints[n_stop:].tolist(), lengths[n_end:])))
    var_names = _strs(plain.get("variables"), "variables")
    expected = {  # a column's length, where others set it
        **dict.fromkeys(["kind", "op", "label", "dtype", "device", "module", "internal_to", "value", "grad", "ndim",
                         "line", "requires_grad", "output_nr", "loop_count", "saved_count"], n),
        "saved text": ns, "saved note": ns, "saved value": ns, "value device": nv, "value ndim": nv, "value block": nv,
        "edge targets": ne, "edge slots": ne, "variables": len(var_names), "value dims": sum(col["value ndim"]),
        "dims": sum(col["ndim"]), "loops": 3 * sum(col["loop_count"]),
    }
    for p in range(len(pass_meta)):
        expected.update({
            f"pass {p} grad_outputs values": sum(col[f"pass {p} grad_outputs counts"]),
            f"pass {p} grad_inputs values": sum(col[f"pass {p} grad_inputs counts"]),
            f"pass {p} grad_outputs counts": length[f"pass {p} grad_outputs keys"],
            f"pass {p} grad_inputs counts": length[f"pass {p} grad_inputs keys"],
            f"pass {p} leaf_grads values": length[f"pass {p} leaf_grads keys"],
        })
    for name, k in expected.items():
        if length[name] != k:
            raise DecodeError(f"trace column {name} has {length[name]} entries, not {k}")
    if sum(col["saved_count"]) != ns:
        raise DecodeError("trace column saved_count does not count the saved tensors")

    # Texts in one step: an object array of the table, indexed by the whole text region.
    text_array = np.array(table, dtype=object)
    col.update(zip(names[:t_end], _cut(text_array.take(ints[:t_stop]).tolist(), lengths[:t_end])))
    ids = col["id"]
    if len(set(ids)) != n:
        raise DecodeError("trace node ids repeat")
    if not set(col["kind"]) <= set(NODE_KINDS):
        raise DecodeError("trace column kind holds an unknown kind")
    values = _values_from(col["value dtype"], col["value device"], col["value ndim"], col["value dims"],
                          col["value block"], plain.get("summaries"), blocks)
    values.append(None)  # value number -1
    col.update(zip(names[t_end:v_end], _cut([values[i] for i in ints[t_stop:v_stop].tolist()],
                                            lengths[t_end:v_end])))
    id_array = text_array.take(ints[:n])  # the id column opens the text region
    col.update(zip(names[v_end:n_end], _cut(id_array.take(ints[v_stop:n_stop]).tolist(), lengths[v_end:n_end])))

    # Records made as trace.built makes them, with the fields set one by one into the new
    # record's __dict__: ~40% faster than a dict to update it from (four records a node).
    new = object.__new__
    saved = []
    for name, text, note, value in zip(col["saved name"], col["saved text"], col["saved note"], col["saved value"]):
        record = new(SavedTensor)
        d = record.__dict__
        d["name"], d["value"], d["text"], d["note"] = name, value, text, note
        saved.append(record)
    loops = list(zip(*[iter(col["loops"])] * 3))
    nodes = []
    for i, k, o, la, sh, dt, dv, m, v, it, sv, li, r, g, on, lp in zip(
            ids, col["kind"], col["op"], col["label"], _groups(col["dims"], col["ndim"]), col["dtype"], col["device"],
            col["module"], col["value"], col["internal_to"], _groups(saved, col["saved_count"]), col["line"],
            map(bool, col["requires_grad"]), col["grad"], col["output_nr"], _groups(loops, col["loop_count"])):
        record = new(Node)
        d = record.__dict__
        d["id"], d["kind"], d["op"], d["label"], d["shape"], d["dtype"], d["device"], d["module"] = \
            i, k, o, la, sh, dt, dv, m
        d["value"], d["internal_to"], d["saved"], d["line"], d["requires_grad"], d["grad"], d["output_nr"], \
            d["loop"] = v, it, sv, li if li >= 0 else None, r, g, on, lp
        nodes.append(record)
    edges = []
    for source, target, slot in zip(col["edge sources"], col["edge targets"], col["edge slots"]):
        record = new(Edge)
        d = record.__dict__
        d["source"], d["target"], d["slot"] = source, target, slot
        edges.append(record)

    passes = []
    for p, (index, line, call, implicit) in enumerate(pass_meta):
        pc = {c: col[f"pass {p} {c}"] for c in (*_PASS_VALUE_COLS, *_PASS_NODE_COLS, *_PASS_NUMBER_COLS)}
        passes.append(BackwardPass(
            index, line, call, tuple(pc["roots"]), tuple(pc["order"]),
            dict(zip(pc["grad_outputs keys"], _groups(pc["grad_outputs values"], pc["grad_outputs counts"]))),
            dict(zip(pc["grad_inputs keys"], _groups(pc["grad_inputs values"], pc["grad_inputs counts"]))),
            dict(zip(pc["leaf_grads keys"], pc["leaf_grads values"])), implicit))

    return whole_trace(plain, ids, nodes, edges, passes, dict(zip(var_names, col["variables"])), col["extra_roots"])


def whole_trace(plain: dict, ids: list[str], nodes: list[Node], edges: Sequence[Edge], passes: list[BackwardPass],
                variables: dict[str, str], extra_roots: list[str]) -> Trace:
    """The Trace of decoded records, with the fields every format sends alike (root, modules,
    texts) checked and read from ``plain``."""
    root = plain.get("root")
    if type(root) is not int or not -1 <= root < len(ids):
        raise DecodeError("the trace root is not a node")
    module_rows = _get(plain, "modules", list)
    if not all(isinstance(r, list) and len(r) == 3 and type(r[0]) is str and type(r[1]) is str and type(r[2]) is int
               for r in module_rows):
        raise DecodeError("trace modules are malformed")
    last_value = plain.get("last_value")
    if not (last_value is None or type(last_value) is str):
        raise DecodeError("trace field last_value is malformed")
    return Trace(
        nodes=tuple(nodes), edges=tuple(edges), root=None if root < 0 else ids[root], passes=tuple(passes),
        source=_get(plain, "source", str), explanation=_get(plain, "explanation", str),
        notes=tuple(_strs(plain.get("notes"), "notes")), variables=variables,
        extra_roots=tuple(extra_roots), modules={r[0]: ModuleInfo(r[0], r[1], r[2]) for r in module_rows},
        output=tuple(_strs(plain.get("output"), "output")), last_value=last_value)
