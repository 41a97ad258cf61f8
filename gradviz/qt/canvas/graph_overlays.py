"""Widgets that go with the canvas: the minimap laid over it, and the colour legend."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.qt.theme import node_colors

#: Legend rows: colour key, text.
LEGEND_ENTRIES = (
    ("leaf", QT_TRANSLATE_NOOP("graph_overlays", "leaf / parameter")),
    ("constant", QT_TRANSLATE_NOOP("graph_overlays", "constant (no grad)")),
    ("op", QT_TRANSLATE_NOOP("graph_overlays", "op (autograd node)")),
    ("root", QT_TRANSLATE_NOOP("graph_overlays", "root (loss)")),
)
#: Added when the graph has nodes made inside a composite op (F.linear's TBackward0).
DASHED_ENTRY = ("dashed", QT_TRANSLATE_NOOP("graph_overlays", "dashed: made inside a composite op"))
#: Added while the step-through player is on a step: what its marks mean.
STEPPING_ENTRIES = (
    ("current", QT_TRANSLATE_NOOP("graph_overlays", "current step")),
    ("grad_flow", QT_TRANSLATE_NOOP("graph_overlays", "gradient passing")),
    ("pending", QT_TRANSLATE_NOOP("graph_overlays", "not reached yet")),
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
        self.setToolTip(translate("graph_overlays", "Overview: click or drag to move the view"))
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
        self._stepping = False
        self._dashed = False
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.0))  # read from the back of a classroom
        self.setFont(font)
        self.setToolTip(translate("graph_overlays", "What the node colours mean"))
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._name_for_readers()

    def set_theme(self, theme: str) -> None:
        self._theme = theme
        self.update()

    def set_stepping(self, stepping: bool) -> None:
        """Also explain the player's marks (while it is on a step)."""
        if stepping != self._stepping:
            self._stepping = stepping
            self._name_for_readers()
            self.updateGeometry()
            self.update()

    def set_dashed(self, dashed: bool) -> None:
        """Also explain dashed borders (the graph has nodes made inside a composite op)."""
        if dashed != self._dashed:
            self._dashed = dashed
            self._name_for_readers()
            self.update()

    def _name_for_readers(self) -> None:
        entries = ", ".join(self.entries())
        self.setAccessibleName(translate("graph_overlays", "Legend: {entries}").format(entries=entries))

    def _rows(self, every: bool = False) -> tuple[tuple[str, str], ...]:
        """The entries shown now; ``every``: all it may ever show (what its height is for)."""
        dashed = (DASHED_ENTRY,) if self._dashed or every else ()
        rows = LEGEND_ENTRIES + dashed + (STEPPING_ENTRIES if self._stepping or every else ())
        return tuple((key, translate("graph_overlays", text)) for key, text in rows)

    def entries(self) -> list[str]:
        """The legend's texts, left to right."""
        return [text for _, text in self._rows()]

    def _places(self, width: int, every: bool = False) -> list[tuple[float, int, str, str]]:
        """(x, line, key, text) of each entry, wrapping onto a new line where ``width`` ends."""
        fm = self.fontMetrics()
        places, x, line = [], 4.0, 0
        for key, text in self._rows(every):
            need = _SWATCH + 6 + fm.horizontalAdvance(text)
            if x > 4.0 and x + need > width:
                x, line = 4.0, line + 1
            places.append((x, line, key, text))
            x += need + _GAP
        return places

    def _line_height(self) -> int:
        return self.fontMetrics().height() + 8

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        # Room for every entry it may show: stepping starting (or a dashed node) must not make
        # it wrap onto another line and push the graph up.
        lines = 1 + max((line for _x, line, _k, _t in self._places(width, every=True)), default=0)
        return lines * self._line_height()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        fm = self.fontMetrics()
        width = int(sum(_SWATCH + 6 + fm.horizontalAdvance(t) + _GAP for _k, t in self._rows(every=True)))
        return QSize(width, self.heightForWidth(self.width() if self.width() > 0 else width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(0, self._line_height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        c = node_colors(self._theme)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        step = self._line_height()
        for x, line, key, text in self._places(self.width()):
            top = line * step
            swatch = QRectF(x, top + (step - fm.height()) / 2 + 1, _SWATCH, fm.height() - 2)
            self._paint_swatch(painter, swatch, key, c)
            painter.setPen(self.palette().color(self.foregroundRole()))
            width = fm.horizontalAdvance(text)
            painter.drawText(QRectF(x + _SWATCH + 6, top, width + 2, step),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        painter.end()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self.height() != self.heightForWidth(self.width()):
            self.updateGeometry()  # the entries wrap onto another line, or no longer need to

    @staticmethod
    def _paint_swatch(painter: QPainter, swatch: QRectF, key: str, c: dict[str, str]) -> None:
        if key == "grad_flow":  # an arrow, as the marked edges are drawn
            pen = QPen(QColor(c[key]), 2.6)
            painter.setPen(pen)
            y = swatch.center().y()
            painter.drawLine(QPointF(swatch.left() + 2, y), QPointF(swatch.right() - 2, y))
            painter.setBrush(QColor(c[key]))
            tip = swatch.right() - 1
            painter.drawPolygon([QPointF(tip, y), QPointF(tip - 7, y - 4), QPointF(tip - 7, y + 4)])
            return
        if key == "dashed":  # the border of a node made inside a composite op
            pen = QPen(QColor(c["op_border"]), 1.4)
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(QColor(c["op"]))
            painter.drawRoundedRect(swatch, 3, 3)
            return
        if key == "current":  # the thick border the current node gets, over an op's fill
            painter.setPen(QPen(QColor(c[key]), 3.0))
            painter.setBrush(QColor(c["op"]))
        else:
            painter.setPen(QPen(QColor(c[key + "_border"]), 1.4 if key != "root" else 2.2))
            painter.setBrush(QColor(c[key]))
        painter.drawRoundedRect(swatch, 3, 3)
