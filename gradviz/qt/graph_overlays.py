"""Widgets that go with the canvas: the minimap laid over it, and the colour legend."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from gradviz.qt.theme import node_colors

#: Legend rows: colour key, text.
LEGEND_ENTRIES = (
    ("leaf", "leaf / parameter"),
    ("constant", "constant (no grad)"),
    ("op", "op (autograd node)"),
    ("root", "root (loss)"),
)
_SWATCH = 26
_GAP = 22


class MiniMap(QGraphicsView):
    """An overview of the whole scene with the main view's visible rectangle drawn on it.

    Clicking or dragging in it asks the main view to centre there.

    Signals
    -------
    center_requested(QPointF)
        A scene point the user clicked or dragged to.
    """

    center_requested = Signal(QPointF)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setInteractive(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFrameShape(QFrame.Shape.Box)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Overview: click or drag to move the view")
        self.visible_rect = QRectF()  # of the main view, in scene coordinates

    def set_visible_rect(self, rect: QRectF) -> None:
        self.visible_rect = QRectF(rect)
        self.viewport().update()

    def refit(self) -> None:
        if self.scene() is not None:
            self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.refit()

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 (Qt override)
        if self.visible_rect.isEmpty():
            return
        color = QColor(node_colors("light")["current"])
        pen = QPen(color, 2.0)
        pen.setCosmetic(True)  # two pixels whatever the minimap's zoom
        painter.setPen(pen)
        fill = QColor(color)
        fill.setAlpha(40)
        painter.setBrush(fill)
        painter.drawRect(self.visible_rect)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self.center_requested.emit(self.mapToScene(event.position().toPoint()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.center_requested.emit(self.mapToScene(event.position().toPoint()))

    def wheelEvent(self, event) -> None:  # noqa: N802 (Qt override)
        event.ignore()  # the overview never zooms; let the canvas have the wheel


class Legend(QWidget):
    """One row of colour swatches for the node roles, in the theme's node colours.

    It sits in a strip under the canvas rather than over it, so it never hides a node.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = "light"
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.0))  # read from the back of a classroom
        self.setFont(font)
        self.setToolTip("What the node colours mean")
        self.setAccessibleName("Legend: " + ", ".join(self.entries()))

    def set_theme(self, theme: str) -> None:
        self._theme = theme
        self.update()

    def entries(self) -> list[str]:
        """The legend's texts, left to right."""
        return [text for _, text in LEGEND_ENTRIES]

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        fm = self.fontMetrics()
        width = sum(_SWATCH + 8 + fm.horizontalAdvance(t) + _GAP for t in self.entries())
        return QSize(width, fm.height() + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(0, self.fontMetrics().height() + 8)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        c = node_colors(self._theme)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        height = self.height()
        x = 4.0
        for key, text in LEGEND_ENTRIES:
            swatch = QRectF(x, (height - fm.height()) / 2 + 1, _SWATCH, fm.height() - 2)
            painter.setPen(QPen(QColor(c[key + "_border"]), 1.4 if key != "root" else 2.2))
            painter.setBrush(QColor(c[key]))
            painter.drawRoundedRect(swatch, 3, 3)
            painter.setPen(self.palette().color(self.foregroundRole()))
            x += _SWATCH + 6
            width = fm.horizontalAdvance(text)
            painter.drawText(QRectF(x, 0, width + 2, height),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
            x += width + _GAP
        painter.end()
