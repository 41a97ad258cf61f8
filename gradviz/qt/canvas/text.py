"""Text on the canvas: the node font, its metrics, fitting lines into boxes, badge texts.

Scene units are points, and the layout engine measured the labels in Arimo at
``FONT_SIZE``; everything here keeps Qt's text the same size, so it fits the boxes.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter

from gradviz.core.layout.layout import FONT_NAME, FONT_SIZE, LINE_SPACING
from gradviz.core.stepping.marks import grad_badge_text  # noqa: F401 - drawn on canvas items here

#: Arimo is what the layout engine measured; the others share its metrics.
FONT_FAMILIES = (FONT_NAME, "Liberation Sans", "Arial", "Helvetica")
#: Graphviz's default horizontal node margin (0.11 in), in points.
TEXT_MARGIN = 0.11 * 72
# Fonts are made this many times larger and painted scaled down: QFont pixel sizes are
# integers, and a scene unit is a point, so this keeps 11 pt text exactly 11 units tall.
TEXT_SCALE = 10.0


@lru_cache(maxsize=8)
def canvas_font(point_size: float = FONT_SIZE) -> QFont:
    """The node font at ``point_size``, pre-multiplied by the text scale (see paint)."""
    font = QFont()
    font.setFamilies(list(FONT_FAMILIES))
    font.setPixelSize(max(1, round(point_size * TEXT_SCALE)))
    # Hinting snaps glyphs to the pixel grid of the big font, which then scales badly.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


@lru_cache(maxsize=8)
def _metrics(point_size: float) -> QFontMetricsF:
    return QFontMetricsF(canvas_font(point_size))


# Badges and frame titles repeat their texts (a chain's "∇ 1.0"): each is measured once.
@lru_cache(maxsize=4096)
def text_width(text: str, point_size: float = FONT_SIZE) -> float:
    """Width of ``text`` in points when painted with :func:`canvas_font`."""
    return _metrics(point_size).horizontalAdvance(text) / TEXT_SCALE


def fit_scale(lines: tuple[str, ...], available: float, point_size: float = FONT_SIZE) -> float:
    """Factor (at most 1) that makes the widest of ``lines`` fit in ``available`` points."""
    widest = max((text_width(line, point_size) for line in lines), default=0.0)
    if widest <= available or widest <= 0:
        return 1.0
    return max(available, 1.0) / widest


def draw_lines(painter: QPainter, lines: tuple[str, ...], rect: QRectF, scale: float,
               point_size: float = FONT_SIZE) -> None:
    """Centre ``lines`` in ``rect``, ``LINE_SPACING`` apart as Graphviz spaces them."""
    k = scale / TEXT_SCALE
    painter.save()
    painter.setFont(canvas_font(point_size))
    painter.translate(rect.center())
    painter.scale(k, k)
    step = point_size * LINE_SPACING * TEXT_SCALE
    top = -len(lines) * step / 2
    width = rect.width() / k
    for i, line in enumerate(lines):
        painter.drawText(QRectF(-width / 2, top + i * step, width, step), Qt.AlignmentFlag.AlignCenter, line)
    painter.restore()


def zoom_text(zoom: float) -> str:
    """``0.8`` → "80 %"; a big graph fitted in view keeps a digit that is not 0 ("0.3 %")."""
    percent = zoom * 100
    return f"{percent:.0f} %" if percent >= 9.5 else f"{percent:.2g} %"
