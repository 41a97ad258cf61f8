"""Code copied with what its page printed around it: found, and taken off.

The tutorials students learn from print each code line behind its number, and copying a
block takes the numbers along: ``1import torch``, `` 9    y = x * 2``, ``10y.backward()``.
PyTorch's own documentation shows sessions of the interactive prompt instead: ``>>> y = x * 2``,
``... `` continuations and the printed output in between. Python reads either as a syntax
error on the first line, which tells a student nothing.
"""

from __future__ import annotations

import ast
import re
import textwrap
import warnings

_LEADING = re.compile(r"[ \t]*")
_PROMPT = re.compile(r"(>>>|\.\.\.)(?: |$)")
NUMBERS, PROMPTS = "numbers", "prompts"


def cleaned_paste(text: str, unreadable: bool = False) -> tuple[str, str] | None:
    """``(code, what was taken off)`` for a text copied with line numbers (:data:`NUMBERS`) or
    as a session of the interactive prompt (:data:`PROMPTS`); None for anything else.

    ``unreadable``: the caller knows Python cannot read ``text`` as it is (it just failed to
    parse it), so it is not parsed again.
    """
    if not unreadable and _parses(text):
        return None
    for what, clean in ((NUMBERS, _numbers_off), (PROMPTS, _prompts_off)):
        code = clean(text)
        if code is not None:
            return code, what
    return None


def without_prompts(text: str) -> str | None:
    """The code of an interactive session (``>>> `` and ``... `` lines, without the prompts;
    the printed output between them dropped), or None when ``text`` is not one.

    As for line numbers, only a text Python cannot read as it is, and can afterwards, counts.
    """
    return None if _parses(text) else _prompts_off(text)


def _prompts_off(text: str) -> str | None:
    lines = text.splitlines()
    if not any(line.lstrip().startswith(">>>") for line in lines):
        return None
    code = []
    for line in lines:
        stripped = line.lstrip()
        prompt = _PROMPT.match(stripped)
        if prompt is not None:
            code.append(stripped[prompt.end():])
    cleaned = "\n".join(code) + "\n"
    return cleaned if any(c.strip() for c in code) and _parses(cleaned) else None


def without_line_numbers(text: str) -> str | None:
    """``text`` without the line numbers it was copied with, or None when it has none.

    Numbered means: every line, blank ones included, starts with its number (1, 2, 3, ...
    or from any first number on, one more each line), after the spaces that right-align the
    numbers. Only a text that Python cannot read as it is, and can once they are taken off,
    counts: a program whose lines happen to begin with numbers is left alone. A space or tab
    that the page put between number and code is taken off as well (the lines' common indent).
    """
    return None if _parses(text) else _numbers_off(text)


def _numbers_off(text: str) -> str | None:
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) < 2:
        return None
    first = re.match(r"[ \t]*(\d+)", lines[0])
    if first is None or len(first.group(1)) > 6:
        return None
    number = int(first.group(1))
    code: list[str] = []
    for line in lines:
        # The expected number itself, not any digits: "31 + 2" on line 3 is "3" then "1 + 2".
        start = _LEADING.match(line).end()
        label = str(number)
        if not line.startswith(label, start):
            return None
        code.append(line[start + len(label):])
        number += 1
    cleaned = textwrap.dedent("\n".join(code)) + "\n"
    return cleaned if _parses(cleaned) else None


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid escape sequence" and the like: not ours to say
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return True
