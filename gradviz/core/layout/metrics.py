"""How wide Graphviz makes a box for some lines of text, without running Graphviz.

The provisional and tree layouts size their boxes with this, so the canvas text fits them
as it fits Graphviz's. For East Asian wide characters (汉字, かな, 한글, full-width forms)
Graphviz's estimate is too narrow (graphviz-pure counts 0.83 em a character, Qt draws them
1 em wide in the CJK fallback font): here they count a full em, and :func:`wide_min_width`
gives Graphviz a box width that holds them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

# Imported from dot by name: these are the sizes build_dot writes into the DOT.
FONT_SIZE = 11.0
LINE_SPACING = 1.2

# Arimo (metric-compatible with Arial) advance widths of ' ' .. '~' in 1/1000 em, read
# back from graphviz-pure itself (a 60-character label per glyph).
_ASCII_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
    722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
    556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
    500, 334, 260, 334, 584,
)
_OTHER_WIDTHS = {"∈": 833, "→": 833, "·": 556, "…": 833, "–": 833, "×": 556}
_DEFAULT_WIDTH = 556
_WIDE_WIDTH = 1000
_GRAPHVIZ_WIDE_WIDTH = 830  # what graphviz-pure counts for a wide character
_SPACE_WIDTH = _ASCII_WIDTHS[0]

# Graphviz's defaults for a box: 0.11 in / 0.055 in of margin each side, at least
# 0.75 in by 0.5 in.
_MARGIN_X, _MARGIN_Y = 16.0, 8.0
_MIN_WIDTH, _MIN_HEIGHT = 54.0, 36.0


def is_wide(ch: str) -> bool:
    """True for a character drawn a full em wide (East Asian Wide or Fullwidth)."""
    return unicodedata.east_asian_width(ch) in "WF"


def _advance(ch: str) -> int:
    code = ord(ch) - 32
    if 0 <= code < len(_ASCII_WIDTHS):
        return _ASCII_WIDTHS[code]
    if ch in _OTHER_WIDTHS:
        return _OTHER_WIDTHS[ch]
    return _WIDE_WIDTH if is_wide(ch) else _DEFAULT_WIDTH


@lru_cache(maxsize=4096)  # op names and shapes repeat thousands of times in a big graph
def text_width(line: str, size: float = FONT_SIZE) -> float:
    """Width in points of ``line`` at ``size`` points: Arimo's widths, 1 em for wide characters."""
    return sum(_advance(ch) for ch in line) * size / 1000.0


def box_size(lines: tuple[str, ...], size: float = FONT_SIZE) -> tuple[float, float]:
    """Width and height in points Graphviz gives a box holding ``lines`` at ``size`` points."""
    width = max((text_width(line, size) for line in lines), default=0.0) + _MARGIN_X
    height = len(lines) * LINE_SPACING * size + _MARGIN_Y
    return round(max(width, _MIN_WIDTH), 3), round(max(height, _MIN_HEIGHT), 3)


def box_sizes(texts: Sequence[tuple[str, ...]], size: float = FONT_SIZE) -> list[tuple[float, float]]:
    """:func:`box_size` of each of ``texts``, the same numbers, measured all at once (a tenth
    of the time for the 40,000 lines of a 10,000-box graph)."""
    import numpy as np

    lines = [line for text in texts for line in text]
    if not lines:
        return [box_size(text, size) for text in texts]
    joined = "\n".join(lines)
    table = _ascii_table()
    plain = joined.isascii()  # a chain's boxes: a byte a character
    codes = np.frombuffer(joined.encode("ascii") if plain else joined.encode("utf-32-le"),
                          dtype=np.uint8 if plain else np.uint32)
    widths = np.take(table, codes, mode="clip")  # those above 127 are set next
    if not plain:
        high = codes >= 128
        unique = np.unique(codes[high])
        advances = np.array([_advance(chr(c)) for c in unique.tolist()], dtype=np.int64)
        widths[high] = advances[np.searchsorted(unique, codes[high])]
    sums = np.concatenate(([0], np.cumsum(widths)))
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    ends = np.cumsum(lengths + 1) - 1  # each line's end, the newline after it left out
    per_line = (sums[ends] - sums[ends - lengths]) * size / 1000.0
    counts = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    widest = np.zeros(len(texts))
    some = counts > 0
    widest[some] = np.maximum.reduceat(per_line, (np.cumsum(counts) - counts)[some])
    widths = np.maximum(widest + _MARGIN_X, _MIN_WIDTH).tolist()
    heights = np.maximum(counts * (LINE_SPACING * size) + _MARGIN_Y, _MIN_HEIGHT).tolist()
    sized: dict[tuple[float, float], tuple[float, float]] = {}  # boxes share few sizes: each rounded once
    return [sized.get(wh) or sized.setdefault(wh, (round(wh[0], 3), round(wh[1], 3))) for wh in zip(widths, heights)]


@lru_cache(maxsize=1)
def _ascii_table():
    import numpy as np

    table = np.array([_advance(chr(c)) for c in range(128)], dtype=np.int64)
    table[ord("\n")] = 0  # the separator between lines
    return table


def wide_min_width(lines: tuple[str, ...], size: float = FONT_SIZE) -> str | None:
    """A DOT ``width`` (inches) for a box whose text has wide characters, else None.

    Graphviz takes ``width`` as the least width, so the box grows to hold the text as Qt
    draws it; boxes of plain text are left to Graphviz, as before.
    """
    # map(): asked for every box, and most are plain ASCII (a generator was 1.5 µs a box).
    if all(map(str.isascii, lines)) or not any(map(_has_wide, lines)):
        return None
    return f"{box_size(lines, size)[0] / 72:.4f}"


@lru_cache(maxsize=4096)  # a collapsed module's "(4, 8) → (4, 8)" repeats in every layer
def _has_wide(line: str) -> bool:
    return not line.isascii() and any(is_wide(ch) for ch in line if ord(ch) > 0x7F)


def wide_padding(line: str) -> str:
    """Spaces that make Graphviz measure ``line`` as wide as Qt draws it (for labels such as a
    module frame's title, which no ``width`` attribute can widen); "" without wide characters."""
    wide = 0 if line.isascii() else sum(1 for ch in line if ord(ch) > 0x7F and is_wide(ch))
    if not wide:
        return ""
    return " " * -(-wide * (_WIDE_WIDTH - _GRAPHVIZ_WIDE_WIDTH) // _SPACE_WIDTH)
