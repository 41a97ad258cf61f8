"""A Trace's columns on the wire: every malformed message is refused with a DecodeError.

``from_plain`` is called directly as well as through the codec: the codec turns any
exception of a custom decoder into a DecodeError, which would hide a check that is missing
(an IndexError where a range check belongs) behind one that is not.
"""

from __future__ import annotations

import copy
import json
import random
import struct

import numpy as np
import pytest

from gradviz.core.capture.capture import capture_program
from gradviz.core.run import (
    codec,
    messages,  # noqa: F401 - registers the records
    trace_wire,
)
from gradviz.core.run.codec import DecodeError

from .traces import same_trace

# Every kind of column filled: a module, a loop, a summarised value (12,000 elements),
# shapes, saved tensors, two backward passes.
SOURCE = ("lin = nn.Linear(3, 2)\n"
          "x = torch.randn(4, 3)\n"
          "big = torch.randn(120, 100, requires_grad=True)\n"
          "h = lin(x)\n"
          "for i in range(2):\n"
          "    h = h * 2\n"
          "y = h.sum() + big.sum()\n"
          "y.backward()\n"
          "z = (lin.weight ** 2).sum()\n"
          "z.backward()\n")


@pytest.fixture(scope="module")
def trace():
    return capture_program(SOURCE)


@pytest.fixture
def plain(trace):
    plain = trace_wire.to_plain(trace)
    assert len(plain["passes"]) == 2 and len(plain["summaries"]) >= 5
    return plain


def _names(plain: dict) -> list[str]:
    return trace_wire._Layout(len(plain["passes"])).names


def _span(plain: dict, name: str) -> tuple[int, int]:
    i = _names(plain).index(name)
    start = sum(plain["lengths"][:i])
    return start, start + plain["lengths"][i]


def _column(plain: dict, name: str) -> list[int]:
    start, end = _span(plain, name)
    return plain["ints"][start:end].tolist()


def _replace(plain: dict, name: str, values: list[int]) -> None:
    """Column ``name`` holds ``values`` now (lengths follow, so only the column is wrong)."""
    start, end = _span(plain, name)
    ints = plain["ints"].tolist()
    ints[start:end] = values
    plain["ints"] = np.array(ints, dtype=np.int64)
    plain["lengths"][_names(plain).index(name)] = len(values)


def _message(plain: dict) -> bytes:
    """A Trace message carrying ``plain`` as its columns, however malformed."""
    data = codec.encode(plain)
    n = struct.unpack_from("<4sI", data)[1]
    text = json.dumps(["X", "Trace", json.loads(data[8:8 + n])]).encode()
    return struct.pack("<4sI", b"GVZ1", len(text)) + text + data[8 + n:]


def _refused(plain: dict) -> None:
    with pytest.raises(DecodeError):
        trace_wire.from_plain(plain)
    with pytest.raises(DecodeError):
        codec.decode(_message(plain))


def test_the_sample_arrives_equal_and_values_stay_shared(trace, plain):
    back = trace_wire.from_plain(plain)
    same_trace(back, trace)
    same_trace(codec.decode(_message(plain)), trace)
    assert plain["format"] == trace_wire.FORMAT == 3 and plain["ints"].dtype == np.int32

    def refs(t):  # every value reference, in a fixed order
        out = [v for n in t.nodes for v in (n.value, n.grad, *(s.value for s in n.saved))]
        for p in t.passes:
            out += [v for g in (*p.grad_outputs.values(), *p.grad_inputs.values()) for v in g]
            out += list(p.leaf_grads.values())
        return out

    def sharing(t):  # which references are the same value
        first: dict[int, int] = {}
        return [None if v is None else first.setdefault(id(v), i) for i, v in enumerate(refs(t))]

    assert sharing(back) == sharing(trace)
    assert any(a != i for i, a in enumerate(sharing(trace)) if a is not None)  # the sample shares some


def test_big_numbers_cross_as_int64():
    big = capture_program("x = torch.zeros(3, requires_grad=True)\nloss = x.sum()\n")
    node = big.nodes[0]
    object.__setattr__(node, "loop", ((1, 3_000_000_000, 3_000_000_001),))  # past int32
    plain = trace_wire.to_plain(big)
    assert plain["ints"].dtype == np.int64
    assert trace_wire.from_plain(plain).nodes[0].loop == ((1, 3_000_000_000, 3_000_000_001),)


@pytest.mark.parametrize("source", [
    "x = 1\n",  # no graph: no nodes, no values, no passes
    "w = torch.tensor(2.0, requires_grad=True)\nfor i in range(17):\n    (w * w).backward()\n",  # many passes
])
def test_empty_and_many_pass_traces_arrive_equal(source):
    trace = capture_program(source)
    same_trace(codec.decode(codec.encode(trace)), trace)
    assert len(trace.passes) in (0, 17)


# Columns whose length another column sets: one entry more must be refused.
SET_BY_OTHERS = ["kind", "op", "label", "dtype", "device", "module", "internal_to", "saved text", "saved note",
                 "value device", "value", "grad", "saved value", "edge targets", "variables", "value ndim",
                 "value dims", "value block", "ndim", "dims", "line", "requires_grad", "output_nr", "loop_count",
                 "loops", "saved_count", "edge slots", "pass 0 grad_outputs values", "pass 1 grad_inputs values",
                 "pass 0 leaf_grads values", "pass 1 grad_outputs counts", "pass 0 grad_inputs counts"]


@pytest.mark.parametrize("name", SET_BY_OTHERS)
def test_a_column_of_the_wrong_length_is_refused(plain, name):
    column = _column(plain, name)
    _replace(plain, name, column + column[:1])
    _refused(plain)


@pytest.mark.parametrize("name", ["kind", "value", "edge targets", "saved_count", "pass 1 leaf_grads keys"])
def test_a_short_column_is_refused(plain, name):
    _replace(plain, name, _column(plain, name)[:-1])
    _refused(plain)


def _out_of_range(plain: dict) -> list[tuple[str, int]]:
    """(column, a number just outside its range) for every non-empty column, at both ends."""
    layout = trace_wire._Layout(len(plain["passes"]))
    n_values = plain["lengths"][layout.names.index("value dtype")]
    n_nodes = plain["lengths"][layout.names.index("id")]
    low, high = layout.bounds(len(plain["texts"]), n_values, n_nodes, len(plain["blocks"]))
    return [(name, x) for name, lo, hi, k in zip(layout.names, low, high, plain["lengths"]) if k
            for x in (lo - 1, hi)]


def test_every_number_out_of_range_is_refused(plain):
    cases = _out_of_range(plain)
    assert len(cases) == 2 * (len(_names(plain)) - 1)  # every column but extra_roots holds numbers
    for name, x in cases:
        damaged = copy.deepcopy(plain)
        column = _column(damaged, name)
        _replace(damaged, name, [x, *column[1:]])
        with pytest.raises(DecodeError, match="bad number"):
            trace_wire.from_plain(damaged)
        with pytest.raises(DecodeError):
            codec.decode(_message(damaged))


@pytest.mark.parametrize("name, value", [
    ("id", 10_000), ("op", -1), ("value", -2), ("grad", 35), ("edge sources", 13), ("variables", -1),
    ("pass 1 leaf_grads keys", 99), ("value block", 2), ("value block", -2), ("ndim", 33), ("dims", -1),
    ("line", -2), ("requires_grad", 2), ("loops", -1),
])
def test_an_index_past_its_table_is_refused(plain, name, value):
    column = _column(plain, name)
    _replace(plain, name, [*column[:-1], value])
    _refused(plain)


@pytest.mark.parametrize("damage", [
    lambda p: p.update(ints=p["ints"].astype(np.float64)),
    lambda p: p.update(ints=p["ints"].astype(np.uint32)),
    lambda p: p.update(ints=p["ints"].astype(np.int16)),
    lambda p: p.update(ints=p["ints"].astype(np.bool_)),
    lambda p: p.update(ints=p["ints"].reshape(1, -1)),
    lambda p: p.update(ints=p["ints"].tolist()),
    lambda p: p.update(summaries=p["summaries"].astype(np.float32)),
    lambda p: p.update(summaries=p["summaries"].reshape(1, -1)),
    lambda p: p.update(summaries=p["summaries"][:4]),
    lambda p: p.update(summaries=np.zeros(len(p["summaries"]) + 5)),
    lambda p: p.update(blocks=[p["blocks"][0].reshape(1, -1), *p["blocks"][1:]]),
    lambda p: p.update(blocks=[p["blocks"][0].astype(object), *p["blocks"][1:]]),
    lambda p: p.update(blocks=[p["blocks"][0].tolist(), *p["blocks"][1:]]),
    lambda p: p.update(blocks=[p["blocks"][0][:-1], *p["blocks"][1:]]),  # a value runs past its block
    lambda p: p.update(blocks=p["blocks"][:1]),  # a value names no block
    lambda p: p.update(blocks=tuple(p["blocks"])),
    lambda p: p.update(texts=[*p["texts"][:-1], 3]),
    lambda p: p.update(texts=tuple(p["texts"])),
    lambda p: p.update(lengths=[*p["lengths"][:-1], p["lengths"][-1] + 1]),  # more than the array holds
    lambda p: p.update(lengths=[*p["lengths"][:-1], p["lengths"][-1] - 1]),
    lambda p: p.update(lengths=[-1, p["lengths"][1] + 1, *p["lengths"][2:]]),  # a negative length
    lambda p: p.update(lengths=[True, *p["lengths"][1:]]),
    lambda p: p.update(lengths=[*p["lengths"], 0]),  # a column too many
    lambda p: p.update(lengths=p["lengths"][:-1]),
    lambda p: p.update(lengths=None),
    lambda p: p.update(passes=[*p["passes"], [2, None, "implicit", False]]),  # a pass without its columns
    lambda p: p.update(passes=p["passes"][:1]),
    lambda p: p.update(passes=[[0, 8, "y.backward()", 1], p["passes"][1]]),
    lambda p: p.update(passes=[[0, "8", "y.backward()", False], p["passes"][1]]),
    lambda p: p.update(passes=[[0, 8, "y.backward()"], p["passes"][1]]),
    lambda p: p.update(variables=p["variables"][:-1]),
    lambda p: p.update(variables=[*p["variables"][:-1], None]),
    lambda p: p.update(root=p["lengths"][0]),  # one past the last node
    lambda p: p.update(root=-2),
    lambda p: p.update(root=True),
    lambda p: p.update(modules=[["lin", "Linear", "8"]]),
    lambda p: p.update(notes="a note"),
    lambda p: p.update(last_value=3),
    lambda p: p.update(source=None),
    lambda p: p.update(format=2),
    lambda p: p.pop("ints"),
    lambda p: p.pop("texts"),
])
def test_malformed_trace_fields_are_refused(plain, damage):
    damage(plain)
    with pytest.raises(DecodeError):
        trace_wire.from_plain(plain)
    try:
        message = _message(plain)
    except codec.EncodeError:  # an object array is not even sent
        return
    with pytest.raises(DecodeError):
        codec.decode(message)


def test_repeated_ids_and_unknown_kinds_are_refused(plain):
    ids = _column(plain, "id")
    bad = copy.deepcopy(plain)
    _replace(bad, "id", [ids[0], ids[0], *ids[2:]])
    _refused(bad)
    texts = plain["texts"]
    _replace(plain, "kind", [texts.index("n1"), *_column(plain, "kind")[1:]])
    _refused(plain)


def test_saved_counts_must_count_the_saved_tensors(plain):
    counts = _column(plain, "saved_count")
    i = next(i for i, c in enumerate(counts) if c)
    _replace(plain, "saved_count", [*counts[:i], counts[i] - 1, *counts[i + 1:]])
    _refused(plain)


def test_array_references_outside_the_section_are_refused(plain):
    data = _message(plain)
    n = struct.unpack_from("<4sI", data)[1]
    tree = json.loads(data[8:8 + n])
    section = data[8 + n:]

    def with_ints(ref: list) -> bytes:
        t = copy.deepcopy(tree)
        fields = t[2]
        i = fields.index("ints")
        fields[i + 1] = ref
        text = json.dumps(t).encode()
        return struct.pack("<4sI", b"GVZ1", len(text)) + text + section

    good = tree[2][tree[2].index("ints") + 1]
    assert good[0] == "A" and good[1] == "int32"
    dtype, shape, offset, nbytes = good[1:]
    assert codec.decode(with_ints(good)) is not None
    for ref in (["A", dtype, shape, -16, nbytes],  # a negative offset
                ["A", dtype, shape, offset, -4],
                ["A", dtype, shape, len(section), nbytes],  # past the end
                ["A", dtype, [shape[0] + 1], offset, nbytes + 4],
                ["A", dtype, shape, offset, nbytes - 4],  # the size does not match the shape
                ["A", "object", shape, offset, nbytes],
                ["A", "float32", shape, offset, nbytes],
                ["A", "int32", shape, offset]):
        with pytest.raises(DecodeError):
            codec.decode(with_ints(ref))


def test_every_truncation_is_refused(plain):
    data = _message(plain)
    for k in sorted({*range(0, len(data), max(1, len(data) // 300)), len(data) - 1, len(data) - 4}):
        with pytest.raises(DecodeError):
            codec.decode(data[:k])


def test_scrambled_columns_decode_or_raise_decode_error_only(plain):
    rng = random.Random(7)
    names = _names(plain)
    for _ in range(400):
        damaged = copy.deepcopy(plain)
        for _ in range(rng.randint(1, 3)):
            name = rng.choice(names)
            column = _column(damaged, name)
            choice = rng.random()
            if choice < 0.5 and column:
                column[rng.randrange(len(column))] = rng.choice([-2, -1, 0, 1, 2, 3, 12, 13, 35, 1 << 31, 1 << 40])
            elif choice < 0.75:
                column.insert(rng.randrange(len(column) + 1), rng.randrange(-1, 14))
            elif column:
                del column[rng.randrange(len(column))]
            _replace(damaged, name, column)
        if rng.random() < 0.3:
            lengths = damaged["lengths"]
            i, j = rng.randrange(len(lengths)), rng.randrange(len(lengths))
            lengths[i], lengths[j] = lengths[j], lengths[i]
        try:
            trace_wire.from_plain(damaged)
        except DecodeError:
            pass
        try:
            codec.decode(_message(damaged))
        except DecodeError:
            pass
