"""Python syntax highlighting for the code editor."""

from __future__ import annotations

import keyword
import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from gradviz.qt.theme import SYNTAX_COLORS

#: Names coloured as library names, because every lesson is written with them.
LIBRARY_NAMES = frozenset({"torch", "F", "nn"})

# One left-to-right scan per line: whichever alternative starts first wins, so the digits in
# "x1" stay part of a name and a "#" inside a string is not taken for a comment.
_TOKEN = re.compile(
    r"""(?P<comment>\#.*)
    |(?P<string>(?i:[rbuf]{0,2})(?:'''|\"\"\"|'(?:\\.|[^'\\])*'?|"(?:\\.|[^"\\])*"?))
    |(?P<number>(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+
        |(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)[jJ]?)
    |(?P<name>[^\W\d]\w*)""",
    re.VERBOSE,
)

# Block states: which triple quote a line ends inside of, so the next line continues it.
_NORMAL, _IN_SINGLE, _IN_DOUBLE = 0, 1, 2
_TRIPLES = {_IN_SINGLE: "'''", _IN_DOUBLE: '"""'}


class PythonHighlighter(QSyntaxHighlighter):
    """Colours keywords, numbers, strings, comments and the names torch/F/nn.

    Parameters
    ----------
    document : QTextDocument
        The document to highlight.
    theme : str
        "light" or "dark"; see :func:`set_theme`.
    """

    def __init__(self, document: QTextDocument, theme: str = "light") -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        self.theme = ""
        self.set_theme(theme)

    def set_theme(self, theme: str) -> None:
        """Switch colours to ``theme`` and recolour the whole document."""
        if theme == self.theme:
            return
        colors = SYNTAX_COLORS[theme]
        self.formats = {}
        for kind in ("keyword", "builtin", "number", "string", "comment"):
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colors[kind]))
            if kind == "keyword":
                fmt.setFontWeight(QFont.Weight.Bold)
            if kind == "comment":
                fmt.setFontItalic(True)
            self.formats[kind] = fmt
        self.theme = theme
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        self.setCurrentBlockState(_NORMAL)
        pos = 0
        previous = self.previousBlockState()
        if previous in _TRIPLES:
            pos = self._continue_string(text, 0, _TRIPLES[previous], previous)
        while pos < len(text):
            m = _TOKEN.search(text, pos)
            if m is None:
                break
            kind = m.lastgroup
            start, end = m.span()
            if kind == "string":
                token = m.group()
                quote = token.lstrip("rRbBuUfF")[:3]
                if quote in ("'''", '"""'):
                    state = _IN_SINGLE if quote == "'''" else _IN_DOUBLE
                    end = self._continue_string(text, start, quote, state, skip=len(token))
                    pos = end
                    continue
                self.setFormat(start, end - start, self.formats["string"])
            elif kind == "name":
                word = m.group()
                if keyword.iskeyword(word):
                    self.setFormat(start, end - start, self.formats["keyword"])
                elif word in LIBRARY_NAMES:
                    self.setFormat(start, end - start, self.formats["builtin"])
            else:
                self.setFormat(start, end - start, self.formats[kind])
            pos = max(end, start + 1)

    def _continue_string(self, text: str, start: int, quote: str, state: int, skip: int = 0) -> int:
        """Colour a triple-quoted string from ``start``; return where it ends."""
        close = text.find(quote, start + skip)
        if close < 0:
            self.setFormat(start, len(text) - start, self.formats["string"])
            self.setCurrentBlockState(state)
            return len(text)
        end = close + len(quote)
        self.setFormat(start, end - start, self.formats["string"])
        return end
