"""The wire format: everything gradviz sends arrives equal; nothing else is accepted."""

from __future__ import annotations

import dataclasses
import json
import math
import pickle
import random
import struct

import numpy as np
import pytest

from gradviz.core.capture.capture import capture_program
from gradviz.core.checks.reports import GradCheck, LeafCheck
from gradviz.core.lessons.catalogue import LESSONS, capture_lesson
from gradviz.core.run import (
    codec,
    messages,  # noqa: F401 - registers the records
    trace_wire,
)
from gradviz.core.run.request import Ending, Failure, Job, ProgramSpec, RunLimits
from gradviz.core.trace import Node

from .traces import same_trace


@pytest.mark.parametrize("name", list(LESSONS))
def test_every_lesson_trace_arrives_equal(name):
    trace = capture_lesson(name)
    same_trace(trace, codec.decode(codec.encode(trace)))


def test_printed_output_and_last_value_arrive():
    trace = capture_program("x = torch.ones(2, requires_grad=True)\nloss = x.sum()\nprint('hi', 2)\nloss * 3")
    assert trace.output == ("hi 2",) and trace.last_value == "tensor(6., grad_fn=<MulBackward0>)"
    back = codec.decode(codec.encode(trace))
    same_trace(trace, back)
    assert back.last_value == trace.last_value


def test_big_values_summaries_complex_and_bfloat16_arrive_equal():
    trace = capture_program(
        "a = torch.randn(120, 100, requires_grad=True)\n"  # 12,000 elements: a summary
        "b = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)\n"
        "c = torch.tensor([0.5, 1.5], dtype=torch.bfloat16, requires_grad=True)\n"
        "z = torch.tensor([1 + 2j, 3 - 1j], requires_grad=True)\n"
        "loss = a.sum() + b.pow(2).sum() + c.float().sum() + (z * z).abs().sum()\n")
    back = codec.decode(codec.encode(trace))
    same_trace(trace, back)
    assert any(n.value is not None and n.value.data is None for n in back.nodes)  # the summary crossed
    assert any(n.dtype == "complex64" for n in back.nodes)


def test_plain_values_and_records_round_trip():
    value = {"a": [1, 2.5, None, True, "文字"], ("t", 1): (complex(1, -2), b"\x00\xff", frozenset({3})),
             "nan": [math.inf, -math.inf], "arr": np.arange(6, dtype=np.int16).reshape(2, 3),
             "job": Job("capture", ProgramSpec("x = 1", roots=("x",)), {"forward": True}, RunLimits(5.0, None, 99)),
             "report": GradCheck((LeafCheck("w", (2,), 2, 2, 0.0, 0.0, True, (1,), 1.0, 1.0),), None, "skipped"),
             "ending": Ending(None, 9, "timeout", 3, "run", 1.5)}
    back = codec.decode(codec.encode(value))
    assert back.keys() == value.keys()
    assert back["a"] == value["a"] and back[("t", 1)] == value[("t", 1)] and back["nan"] == value["nan"]
    assert np.array_equal(back["arr"], value["arr"]) and back["arr"].dtype == np.int16
    assert back["job"] == value["job"] and back["report"] == value["report"] and back["ending"] == value["ending"]


def test_text_with_a_lone_surrogate_crosses_unchanged():
    # Not UTF-8, but a str a program can hold (a mutated or pasted source): the run must see it
    # to say where it is, and its failure quotes the line back.
    job = Job("capture", ProgramSpec("x = 1\ny = '\ud800'  # 文字"))
    assert codec.decode(codec.encode(job)) == job
    assert codec.decode(codec.encode(("failure", "\udfff\ud800é"))) == ("failure", "\udfff\ud800é")


def test_arrays_are_aligned_and_writable():
    back = codec.decode(codec.encode([np.ones(3, np.float32), np.ones(5, np.float64), np.ones(1, np.int8),
                                      np.ones(2, np.complex128)]))
    assert all(a.flags.aligned and a.flags.writeable for a in back)
    back[1][0] = 7.0
    assert back[1].tolist() == [7.0, 1.0, 1.0, 1.0, 1.0]


@pytest.mark.parametrize("value", [object(), lambda: 0, np.array([object()], dtype=object), {1, 2}.__iter__(),
                                   type, pytest])
def test_what_is_not_plain_data_is_not_sent(value):
    with pytest.raises(codec.EncodeError):
        codec.encode(value)


def _message(tree, section: bytes = b"") -> bytes:
    text = json.dumps(tree).encode()
    return struct.pack("<4sI", b"GVZ1", len(text)) + text + section


@pytest.mark.parametrize("data", [
    pickle.dumps({"a": 1}),  # pickle is never read
    b"GVZ1",
    b"XXXX\x02\x00\x00\x001",
    _message(["A", "object", [1], 0, 8], b"\x00" * 8),  # object arrays could hold anything
    _message(["A", "float32", [4], 0, 8], b"\x00" * 8),  # size does not match the shape
    _message(["A", "float32", [2], 16, 8], b"\x00" * 8),  # outside the section
    _message(["A", "float32", [-2], 0, 8], b"\x00" * 8),
    _message(["A", "float32", [0, 10**30], 0, 0]),  # no elements, and no size numpy can hold
    _message(["@", "Popen", "ls"]),  # only registered records
    _message(["@", "Node", "n0"]),  # a record with missing fields
    _message(["@", "Failure", 1, "m", None, None, "", "", ""]),  # kind must be a str
    _message(["@", "Ending", None, None, "", None, "", "fast"]),  # seconds must be a number
    _message(["X", "Trace", ["D", "format", 1]]),  # a trace without its columns
    _message(["Z", 1]),
    _message({"__class__": "os.system"}),
    _message(["P", ["L", 1]]),  # a plain list holding a list
    _message(["D", ["L"], 1]),  # unhashable key
    _message(["C", "1", 2]),
    _message(["B", 0, 100], b"\x00"),
    json.dumps([]).encode(),
    struct.pack("<4sI", b"GVZ1", 10) + b"[" * 10,  # truncated JSON
    (lambda deep: struct.pack("<4sI", b"GVZ1", len(deep)) + deep)(b'["L",' * 20_000 + b"1" + b"]" * 20_000),
    struct.pack("<4sI", b"GVZ1", 6000) + b"9" * 6000,  # an integer of 6,000 digits
])
def test_malformed_or_hostile_messages_are_refused(data):
    with pytest.raises(codec.DecodeError):
        codec.decode(data)


def _columns(trace_message: bytes) -> dict:
    head = struct.calcsize("<4sI")
    n = struct.unpack_from("<4sI", trace_message)[1]
    return json.loads(trace_message[head:head + n]), trace_message[head + n:]


def _trace_message(plain: dict) -> bytes:
    """A Trace message carrying ``plain`` as its columns, however malformed."""
    tree, section = _columns(codec.encode(plain))
    return _message(["X", "Trace", tree], section)


def _set(path: tuple, value):
    def damage(plain: dict) -> None:
        place = plain
        for key in path[:-1]:
            place = place[key]
        place[path[-1]] = value
    return damage


def _set_column(name: str, values: list):
    """Column ``name`` of the trace's integer array holds ``values`` (lengths follow)."""
    def damage(plain: dict) -> None:
        i = trace_wire._Layout(len(plain["passes"])).names.index(name)
        start = sum(plain["lengths"][:i])
        ints = plain["ints"].tolist()
        ints[start:start + plain["lengths"][i]] = values
        plain["ints"] = np.array(ints, dtype=np.int64)
        plain["lengths"][i] = len(values)
    return damage


@pytest.mark.parametrize("damage", [
    _set_column("edge sources", [0, 99_999]),  # an edge from no node
    _set_column("edge targets", [1]),  # fewer targets than sources
    _set(("ints",), np.zeros(10, dtype=np.float64)),  # numbers that are not integers
    _set(("root",), 99),
    _set(("root",), "n0"),  # a node is named by its position now, not its id
    _set_column("id", [0, 0, 2]),  # ids repeat
    _set_column("op", [0, 1, 10_000]),  # a text past the table
    _set_column("kind", [0, 0, 0]),  # "n0" is no node kind
    _set_column("ndim", [1, 1, -1]),
    _set_column("dims", [2, -2]),
    _set_column("value", [0, 0, 9]),  # a value past the values
    _set_column("requires_grad", [1, 1, 2]),  # bools are 0 or 1
    _set(("lengths",), [1, 2, 3]),  # lengths for another layout
    _set(("ints",), np.zeros((0, 3), dtype=np.int64)),  # not one-dimensional
    _set(("texts",), ["n0", 1]),
    _set_column("variables", [0, 1, 7]),  # a name for no node
    _set_column("extra_roots", [-1]),
    _set_column("value dtype", [11] * 8 + [50]),
    _set(("format",), 2),  # the columns of the old format are not read as this one's
])
def test_inconsistent_trace_columns_are_refused(damage):
    trace = capture_program("a = torch.tensor([1.0, 2.0], requires_grad=True)\nb = a * 2\nloss = b.sum()")
    plain = trace_wire.to_plain(trace)
    length = dict(zip(trace_wire._Layout(1).names, plain["lengths"]))
    assert (length["kind"], length["edge sources"], length["value dtype"], length["variables"]) == (3, 2, 9, 3)
    assert plain["texts"][:3] == ["n0", "n1", "n2"] and len(plain["texts"]) < 50  # what the damage assumes
    same_trace(codec.decode(_trace_message(plain)), trace)
    damage(plain)
    with pytest.raises(codec.DecodeError):
        codec.decode(_trace_message(plain))
    with pytest.raises(codec.DecodeError):  # by from_plain itself, not by the codec's catch-all
        trace_wire.from_plain(plain)


def test_trace_columns_cross_as_arrays_and_one_text_table():
    # A 300-op chain: the JSON part must not grow by a list entry per node and column.
    trace = capture_program("x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range(300):\n"
                            "    y = y * 1.5\nloss = y")
    message = codec.encode(trace)
    tree, _section = _columns(message)
    plain = dict(zip(tree[2][1::2], tree[2][2::2]))
    assert plain["format"] == trace_wire.FORMAT == 3
    # Every integer column in one int32 array; the tensor data in one block per dtype.
    assert plain["ints"][:2] == ["A", "int32"]
    assert len(plain["lengths"]) == 1 + len(trace_wire._Layout(1).names)  # ["P", ...]
    assert [b[:2] for b in plain["blocks"][1:]] == [["A", "float32"], ["A", "float64"]]
    assert json.dumps(tree).count('"A"') == 4  # ints, summaries, two data blocks
    assert struct.unpack_from("<4sI", message)[1] < 12 * len(trace.nodes)  # the ids are most of the JSON
    texts = plain["texts"][1:]
    assert texts.count("MulBackward0") == 1 and len(texts) == len(set(texts))
    assert {n.id for n in trace.nodes} <= set(texts)
    back = codec.decode(message)
    same_trace(back, trace)
    assert [n.loop for n in back.nodes] == [n.loop for n in trace.nodes]
    # Records are built without their __init__: every field must be there all the same.
    for field in dataclasses.fields(Node):
        if field.name not in ("value", "grad", "saved"):  # same_trace compares these (values by content)
            assert getattr(back.nodes[5], field.name) == getattr(trace.nodes[5], field.name), field.name
    assert back.edges == trace.edges and back.edges[3].__dict__ == trace.edges[3].__dict__
    assert back.nodes[5].saved == tuple(s.__class__(s.name, s.value, s.text, s.note) for s in back.nodes[5].saved)
    assert back.nodes[5].value.__dict__.keys() == trace.nodes[5].value.__dict__.keys()
    assert type(back.nodes[5].requires_grad) is bool and back.nodes[0].line == 1
    assert back.node("n5").line == 4 and back.edges[0] == trace.edges[0]


def test_mutated_messages_decode_or_raise_decode_error_only():
    rng = random.Random(1234)
    good = codec.encode(capture_lesson("logistic"))
    for _ in range(1500):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(data))
            data[i] = rng.randrange(256)
        if rng.random() < 0.2:
            data = data[:rng.randrange(len(data))]
        try:
            codec.decode(bytes(data))
        except codec.DecodeError:
            pass


def test_a_decoded_record_is_checked_by_type_not_just_shape():
    good = codec.encode(Failure("runtime", "boom", 3, 4, "x = y", "", "run"))
    assert codec.decode(good) == Failure("runtime", "boom", 3, 4, "x = y", "", "run")
    bad = good.replace(b'3,4,', b'"3",4,')
    with pytest.raises(codec.DecodeError):
        codec.decode(bad)


def test_node_records_check_nested_types():
    node = Node("n0", "op", "MulBackward0")
    tree = json.loads(codec.encode(node)[8:])
    tree[11] = ["T", ["P", 1]]  # saved must hold SavedTensor records
    with pytest.raises(codec.DecodeError):
        codec.decode(_message(tree))
