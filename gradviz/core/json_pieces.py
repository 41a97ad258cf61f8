"""Read a big JSON document a piece at a time, so other threads keep getting the GIL.

``json.loads`` is one C call: it holds the GIL for the whole document. On the 6.6 MB that
Graphviz writes for a 10,000-node graph that is 60-180 ms during which the GUI thread
cannot run a single line (measured on the 2-core test machine). Decoding each element of
the big arrays with its own ``raw_decode`` call gives the interpreter a chance to switch
threads between elements, and a chance to notice a Cancel.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
#: How many array elements are decoded between two looks at the cancel event.
CHECK_EVERY = 500


class JsonCancelled(Exception):
    """The cancel event was set while reading."""


def _skip(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]  # matches the empty string too


def _expect(text: str, pos: int, char: str) -> int:
    if text[pos:pos + 1] != char:
        raise json.JSONDecodeError(f"Expecting {char!r}", text, pos)
    return pos + 1


def _array(text: str, pos: int, cancel: threading.Event | None) -> tuple[list, int]:
    """Decode the array starting at ``text[pos] == '['`` element by element."""
    items: list = []
    pos = _skip(text, pos + 1)
    if text[pos:pos + 1] == "]":
        return items, pos + 1
    while True:
        value, pos = _DECODER.raw_decode(text, pos)
        items.append(value)
        if cancel is not None and len(items) % CHECK_EVERY == 0 and cancel.is_set():
            raise JsonCancelled("cancelled while reading the layout")
        pos = _skip(text, pos)
        if text[pos:pos + 1] == "]":
            return items, pos + 1
        pos = _skip(text, _expect(text, pos, ","))


def loads_in_pieces(data: bytes | str, cancel: threading.Event | None = None) -> Any:
    """Like :func:`json.loads`, but a top-level object's arrays are decoded element by element.

    Parameters
    ----------
    data : bytes or str
        JSON text (bytes are read as UTF-8, which is what Graphviz writes).
    cancel : threading.Event, optional
        Looked at every ``CHECK_EVERY`` array elements.

    Returns
    -------
    object
        The same value ``json.loads`` returns.

    Raises
    ------
    json.JSONDecodeError
        If the text is not JSON.
    JsonCancelled
        If ``cancel`` was set.
    """
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    pos = _skip(text, 0)
    if text[pos:pos + 1] != "{":
        return json.loads(text)
    result: dict[str, Any] = {}
    pos = _skip(text, pos + 1)
    if text[pos:pos + 1] == "}":
        end = pos + 1
    else:
        while True:
            key, pos = _DECODER.raw_decode(text, pos)
            pos = _skip(text, _expect(text, _skip(text, pos), ":"))
            if text[pos:pos + 1] == "[":
                result[key], pos = _array(text, pos, cancel)
            else:
                result[key], pos = _DECODER.raw_decode(text, pos)
            pos = _skip(text, pos)
            if text[pos:pos + 1] == "}":
                end = pos + 1
                break
            pos = _skip(text, _expect(text, pos, ","))
    if _skip(text, end) != len(text):
        raise json.JSONDecodeError("Extra data", text, _skip(text, end))
    return result
