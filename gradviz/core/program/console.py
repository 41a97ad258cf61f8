"""What a program prints, capped, and the text of values (a REPL's echo), capped."""

from __future__ import annotations

import io
import reprlib
from itertools import islice
from typing import Any

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate

# The console's last line when a cap is hit; marked here, translated when it is written.
TRUNCATED = QT_TRANSLATE_NOOP("console", "… output truncated")


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
        self._pending = ""  # a line written to sys.stdout, not finished yet

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

    def write(self, text: str) -> int:
        """What Python code the program calls writes to ``sys.stdout`` (a model file's own
        ``print()``): one entry per finished line, as print() would have made them."""
        self._pending += text
        if "\n" in self._pending:
            *lines, self._pending = self._pending.split("\n")
            for line in lines:
                if not self.full:
                    self._add(line)
        return len(text)

    def finish(self) -> None:
        """The last unfinished line written to ``sys.stdout``, if any."""
        pending, self._pending = self._pending, ""
        if pending and not self.full:
            self._add(pending)

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
        self.output.append(translate("console", TRUNCATED))
        self.full = True


#: The consoles of the programs running now in this process, innermost last.
RUNNING: list[Console] = []


class ProgramStdout(io.TextIOBase):
    """``sys.stdout`` of a run process: what the Python code a program calls prints (a model
    file's own ``print()``, in its constructor or forward) goes to the console of the program
    running now, as the program's own print() does; with none running, to ``fallback``."""

    def __init__(self, fallback: Any) -> None:
        self.fallback = fallback

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if RUNNING:
            return RUNNING[-1].write(text)
        return self.fallback.write(text)

    def flush(self) -> None:
        if not RUNNING:
            self.fallback.flush()


def _text(value: Any) -> str:
    if type(value) in _CONTAINERS:
        return _PRINT_REPR.repr(value)
    return str(value)
