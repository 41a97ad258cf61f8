"""Recordings saved by earlier builds hold a trace of wire format 2: they still open, equal.

The fixture ``tests/fixtures/recordings/logistic-format2.gradviz-rec`` was written by the
format-2 build (commit e9944ab, ``recording.save(capture_lesson("logistic"), ...)``): it is
the real bytes an old build saved, not something this build made up.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from gradviz.core import recording
from gradviz.core.lessons.catalogue import capture_lesson
from gradviz.core.run import (
    codec,
    messages,  # noqa: F401 - registers the records
    trace_wire,
    trace_wire_v2,
)
from gradviz.core.run.codec import DecodeError

from .traces import same_trace

FIXTURE = Path(__file__).parents[2] / "fixtures" / "recordings" / "logistic-format2.gradviz-rec"
_HEAD = struct.Struct("<4sI")


def _message(tree, section: bytes = b"") -> bytes:
    text = json.dumps(tree).encode()
    return _HEAD.pack(b"GVZ1", len(text)) + text + section


def _format2_plain() -> dict:
    """The fixture's trace columns as they were saved (format 2), not made into a Trace."""
    body = FIXTURE.read_bytes()
    assert body.startswith(recording.MAGIC + b"1\n")
    body = body[len(recording.MAGIC) + 2:]
    n = _HEAD.unpack_from(body)[1]
    tree, section = json.loads(body[_HEAD.size:_HEAD.size + n]), body[_HEAD.size + n:]
    fields = dict(zip(tree[1::2], tree[2::2]))
    kind, name, columns = fields["trace"]
    assert (kind, name) == ("X", "Trace")
    plain = codec.decode(_message(columns, section))  # the columns as a plain dict, arrays and all
    assert plain["format"] == trace_wire_v2.FORMAT == 2
    return plain


def _trace_message(plain: dict) -> bytes:
    """A Trace message carrying ``plain`` as its columns, however malformed."""
    data = codec.encode(plain)
    n = _HEAD.unpack_from(data)[1]
    return _message(["X", "Trace", json.loads(data[_HEAD.size:_HEAD.size + n])], data[_HEAD.size + n:])


def test_the_fixture_is_a_small_format_2_recording():
    assert FIXTURE.stat().st_size < 16_000
    plain = _format2_plain()
    assert "nodes" in plain and "ints" not in plain  # columns as arrays of their own, not format 3's one array


def test_a_format_2_recording_opens_equal_to_a_capture_now():
    opened = recording.load(FIXTURE)  # what File > Open Recording and `gradviz FILE` call
    assert (opened.title, opened.version) == ("logistic", "0.1.0")
    now = capture_lesson("logistic")
    same_trace(opened.trace, now)
    assert len(now.passes) == 3 and any(n.grad is not None for n in now.nodes)  # gradients were compared
    # Saved again, it is written as format 3 and still equal.
    again = recording.to_bytes(opened.trace, opened.title)
    assert b'"format",3' in again
    same_trace(recording.from_bytes(again).trace, now)


def test_format_2_columns_decode_directly():
    same_trace(trace_wire.from_plain(_format2_plain()), capture_lesson("logistic"))


def _node_col(name: str, values: list, dtype=np.int32):
    def damage(plain: dict) -> None:
        plain["nodes"] = {**plain["nodes"], name: np.array(values, dtype=dtype)}
    return damage


def _edge_col(i: int, values: list):
    def damage(plain: dict) -> None:
        edges = list(plain["edges"])
        edges[i] = np.array(values, dtype=np.int32)
        plain["edges"] = edges
    return damage


def _values_col(name: str, value):
    def damage(plain: dict) -> None:
        plain["values"] = {**plain["values"], name: value}
    return damage


def _truncated_data(plain: dict) -> None:
    data = plain["values"]["data"]
    plain["values"] = {**plain["values"], "data": {k: a[:len(a) // 2] for k, a in data.items()}}


@pytest.mark.parametrize("damage", [
    _node_col("op", [0] * 7 + [10_000]),  # a text past the table
    _node_col("op", [0] * 7),  # a column one entry short
    _node_col("value", [0] * 7 + [9_999]),  # a value past the values
    _node_col("ndim", [0] * 7 + [-1]),
    _node_col("requires_grad", [1] * 8, np.int32),  # bools as numbers
    _node_col("kind", [0] * 8),  # "n0" is no node kind
    _edge_col(0, [0, 99_999]),  # an edge from no node
    _values_col("ndim", np.array([40], dtype=np.int32)),
    _values_col("summaries", np.zeros(3)),
    _truncated_data,  # values run past their data
])
def test_a_format_2_message_with_a_damaged_column_is_refused(damage):
    plain = _format2_plain()
    damage(plain)
    with pytest.raises(DecodeError):  # by the decoder itself, not by the codec's catch-all
        trace_wire.from_plain(plain)
    with pytest.raises(DecodeError):
        codec.decode(_trace_message(plain))


def test_a_damaged_format_2_recording_is_a_recording_error():
    plain = _format2_plain()
    _edge_col(0, [0, 99_999])(plain)
    inner = _trace_message(plain)
    n = _HEAD.unpack_from(inner)[1]
    tree, section = json.loads(inner[_HEAD.size:_HEAD.size + n]), inner[_HEAD.size + n:]
    body = _message(["D", "title", "x", "gradviz", "0.1.0", "trace", tree], section)
    with pytest.raises(recording.RecordingError, match="damaged"):
        recording.from_bytes(recording.MAGIC + b"1\n" + body)


@pytest.mark.parametrize("fmt", [99, 1, 4, "2", None, 2.5, np.array([2, 2])])
def test_an_unknown_format_is_refused(fmt):
    for plain in (_format2_plain(), trace_wire.to_plain(capture_lesson("logistic"))):
        plain["format"] = fmt
        with pytest.raises(DecodeError):
            trace_wire.from_plain(plain)
        with pytest.raises(DecodeError):
            codec.decode(_trace_message(plain))
