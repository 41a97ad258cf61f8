"""What a program prints, capped, and the text of values (a REPL's echo), capped."""

from __future__ import annotations

import reprlib
from itertools import islice
from typing import Any

TRUNCATED = "… output truncated"


class _Repr(reprlib.Repr):
    """reprlib with dicts in insertion order (as print shows them) and huge ints summarised."""

    def repr_dict(self, x: dict, level: int) -> str:
        if not x:
            return "{}"
        if level <= 0:
            return "{" + self.fillvalue + "}"
        pieces = [f"{self.repr1(k, level - 1)}: {self.repr1(v, level - 1)}" for k, v in islice(x.items(), self.maxdict)]
        if len(x) > self.maxdict:
            pieces.append(self.fillvalue)
        return "{" + ", ".join(pieces) + "}"

    def repr_int(self, x: int, level: int) -> str:
        try:
            return super().repr_int(x, level)
        except ValueError:  # more digits than Python converts to text
            return f"<int of {x.bit_length():,} bits>"


def _make_repr(items: int, text: int) -> _Repr:
    r = _Repr()
    r.maxlevel = 6
    r.maxtuple = r.maxlist = r.maxarray = r.maxdict = r.maxset = r.maxfrozenset = r.maxdeque = items
    r.maxstring = r.maxother = text
    r.maxlong = 2_000
    return r


_PRINT_REPR = _make_repr(1_000, 100_000)
_ECHO_REPR = _make_repr(100, 10_000)
_CONTAINERS = (list, tuple, dict, set, frozenset)


def echo(value: Any) -> str | None:
    """The text a REPL would show for ``value`` (None for None), at most about 10,000 characters."""
    if value is None:
        return None
    return _ECHO_REPR.repr(value)


class Console:
    """Collects print() output, one entry per call, up to ``max_chars`` and ``max_lines``.

    Past either cap one last line says the output was truncated, and later prints are dropped:
    a loop printing forever must not fill the memory or the console pane.
    """

    def __init__(self, output: list[str], max_chars: int, max_lines: int) -> None:
        self.output = output
        self.max_chars = max_chars
        self.max_lines = max_lines
        self.chars = 0
        self.lines = 0
        self.full = False

    def print(self, *args: Any, sep: str | None = " ", end: str | None = "\n", flush: bool = False) -> None:
        """print() as the program sees it: same arguments, except ``file``."""
        for what, value in (("sep", sep), ("end", end)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{what} must be None or a string, not {type(value).__name__}")
        if self.full:
            return
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        text = sep.join(_text(a) for a in args) + ("" if end == "\n" else end)
        self._add(text)

    def _add(self, text: str) -> None:
        lines = text.count("\n") + 1
        if self.chars + len(text) <= self.max_chars and self.lines + lines <= self.max_lines:
            self.output.append(text)
            self.chars += len(text)
            self.lines += lines
            return
        room = max(self.max_chars - self.chars, 0)
        head = text[:room]
        keep_lines = max(self.max_lines - self.lines - 1, 0)
        head = "\n".join(head.split("\n")[:keep_lines]) if keep_lines else ""
        if head:
            self.output.append(head)
        self.output.append(TRUNCATED)
        self.full = True


def _text(value: Any) -> str:
    if type(value) in _CONTAINERS:
        return _PRINT_REPR.repr(value)
    return str(value)
