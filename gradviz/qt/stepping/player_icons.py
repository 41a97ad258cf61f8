"""The player's button icons, drawn in the palette's text colour.

The style's standard media icons are dark glyphs: on the dark theme they all but vanish,
and on a projector a play button nobody can find is no button. These are drawn from
simple shapes in whatever colour the buttons' text has, so they follow the theme.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QPolygonF

ICON_KINDS = ("first", "previous", "play", "pause", "next", "last", "stop")
_SIZE = 32  # drawn at 32 px, scaled down by the button: crisp at 16 and at 2× screens


def _triangle(x: float, width: float, pointing_right: bool) -> QPolygonF:
    top, bottom, middle = 6.0, 26.0, 16.0
    if pointing_right:
        return QPolygonF([QPointF(x, top), QPointF(x + width, middle), QPointF(x, bottom)])
    return QPolygonF([QPointF(x + width, top), QPointF(x, middle), QPointF(x + width, bottom)])


def player_icon(kind: str, color: QColor) -> QIcon:
    """The icon ``kind`` (one of ``ICON_KINDS``) in ``color``."""
    if kind not in ICON_KINDS:
        raise ValueError(f"unknown icon {kind!r}; expected one of {', '.join(ICON_KINDS)}")
    pixmap = QPixmap(_SIZE, _SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    bar = 3.5
    if kind == "play":
        painter.drawPolygon(_triangle(9, 17, True))
    elif kind == "pause":
        painter.drawRect(QRectF(8, 6, 6, 20))
        painter.drawRect(QRectF(18, 6, 6, 20))
    elif kind == "stop":
        painter.drawRect(QRectF(8, 8, 16, 16))
    elif kind == "next":  # one step: a bar after a triangle
        painter.drawPolygon(_triangle(7, 14, True))
        painter.drawRect(QRectF(22, 6, bar, 20))
    elif kind == "previous":
        painter.drawRect(QRectF(6.5, 6, bar, 20))
        painter.drawPolygon(_triangle(11, 14, False))
    elif kind == "last":  # all the way: two triangles and a bar
        painter.drawPolygon(_triangle(3, 11, True))
        painter.drawPolygon(_triangle(13, 11, True))
        painter.drawRect(QRectF(25, 6, bar, 20))
    elif kind == "first":
        painter.drawRect(QRectF(3.5, 6, bar, 20))
        painter.drawPolygon(_triangle(8, 11, False))
        painter.drawPolygon(_triangle(18, 11, False))
    painter.end()
    return QIcon(pixmap)
