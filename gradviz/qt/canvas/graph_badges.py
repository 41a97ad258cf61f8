"""Badges: small rounded labels pinned to a node (its gradient, or the player's notes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gradviz.core.layout.layout import FONT_SIZE
from gradviz.qt.canvas.text import draw_lines, text_width
from gradviz.qt.theme import MESSAGE_COLORS

if TYPE_CHECKING:
    from gradviz.qt.canvas.graph_items import NodeItem

BADGE_FONT_SIZE = 10.0
#: Colour families: "grad" blue, "value" yellow, "note" orange (the message bar's).
BADGE_TONES = ("grad", "value", "note")
Z_BADGE = 3.0
# Below this zoom the badge text cannot be read: skip it.
_LOD_TEXT = 0.35


class BadgeItem(QGraphicsItem):
    """A small rounded label pinned above the right half of a node.

    It sits above the box because, with inputs at the bottom (rankdir BT), the top of a
    node is where its output leaves and where its gradient arrives from.
    """

    def __init__(self, parent: "NodeItem", text: str, tone: str, theme: str) -> None:
        super().__init__(parent)
        self.setZValue(Z_BADGE)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._text = ""
        self._tone = tone
        self._theme = theme
        self._rect = QRectF()
        self._scale = 1.0
        self._size = BADGE_FONT_SIZE
        self._measure(text)  # not set_text: a new item has no geometry to change, nothing to repaint

    @property
    def text(self) -> str:
        return self._text

    def set_text(self, text: str, tone: str | None = None) -> None:
        self.prepareGeometryChange()
        if tone is not None:
            self._tone = tone
        self._measure(text)
        self.update()

    def _measure(self, text: str) -> None:
        self._text = text
        node: NodeItem = self.parentItem()  # type: ignore[assignment]
        box = node.box_rect
        # Badges grow with the boxes' font (Bigger Font, presentation mode).
        self._size = size = BADGE_FONT_SIZE * node.box.font_size / FONT_SIZE
        pad_x, height = 4.0, size * 1.35
        width = text_width(text, size) + 2 * pad_x
        # A badge may overhang the box a little, never reach the neighbour's badge.
        room = box.width() + 12.0
        self._scale = min(1.0, (room - 2 * pad_x) / max(width - 2 * pad_x, 1.0))
        width = min(width, room)
        right = max(box.right() + 6.0, box.left() + width - 6.0)
        self._rect = QRectF(right - width, box.top() - height - 2.0, width, height)

    def set_theme(self, theme: str) -> None:
        self._theme = theme
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod < _LOD_TEXT:
            return
        background, border, text = _badge_colors(self._theme, self._tone)
        painter.setPen(QPen(QColor(border), 1.2))
        painter.setBrush(QColor(background))
        radius = self._rect.height() / 2
        painter.drawRoundedRect(self._rect, radius, radius)
        painter.setPen(QColor(text))
        draw_lines(painter, (self._text,), self._rect, self._scale, self._size)


def _badge_colors(theme: str, tone: str) -> tuple[str, str, str]:
    levels = MESSAGE_COLORS[theme]
    return {"grad": levels["info"], "value": levels["warning"], "note": levels["error"]}[tone]
