"""The player's timeline: the forward pass and each backward pass as coloured segments."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from gradviz.core.i18n import translate
from gradviz.qt.theme import OKABE_ITO
from gradviz.qt.widgets.plain_text import tip

#: Forward in yellow (the value badges' hue), backward passes in alternating blues (the gradients').
FORWARD_COLOR = "#F0E442"
BACKWARD_COLORS = ("#56B4E9", "#0072B2")
MARKER_COLOR = OKABE_ITO["vermillion"]

Bounds = list[tuple[str, "int | None", int, int]]


class Timeline(QWidget):
    """A scrubber over the steps: click or drag to seek.

    Parameters
    ----------
    parent : QWidget, optional
        The Qt parent.

    Signals
    -------
    seek_requested(int)
        The step under the mouse while the user clicks or drags.
    """

    seek_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bounds: Bounds = []
        self._count = 0
        self._position = -1
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the player's keys work once it is clicked
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(translate("timeline", "Step timeline"))
        self.setToolTip(translate("timeline", "Timeline: the forward pass (yellow) and each backward pass (blue). "
                                              "Click or drag to jump to a step."))

    # -- model ----------------------------------------------------------------------------
    def set_bounds(self, bounds: Bounds, count: int) -> None:
        """Show ``bounds`` (``Cursor.phase_bounds()``) over ``count`` steps."""
        self._bounds = list(bounds)
        self._count = count
        self._position = min(self._position, count - 1)
        self.update()

    @property
    def position(self) -> int:
        return self._position

    def set_position(self, position: int) -> None:
        if position != self._position:
            self._position = position
            self.update()

    def step_at(self, x: float) -> int:
        """The step drawn at widget x-coordinate ``x`` (clipped to the steps)."""
        if self._count <= 0:
            return -1
        track = self._track()
        i = int((x - track.left()) / max(track.width(), 1.0) * self._count)
        return max(0, min(i, self._count - 1))

    def step_x(self, index: int) -> float:
        """The centre x of step ``index``."""
        track = self._track()
        return track.left() + (index + 0.5) * track.width() / max(self._count, 1)

    def segments(self) -> list[tuple[str, QRectF]]:
        """(title, rectangle) of each phase, as drawn."""
        track = self._track()
        per = track.width() / max(self._count, 1)
        return [(self._title(phase, p), QRectF(track.left() + first * per, track.top(),
                                                (last - first + 1) * per, track.height()))
                for phase, p, first, last in self._bounds]

    # -- Qt overrides ---------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(400, self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(40, self._height())

    def _height(self) -> int:
        # The segments' titles must fit the track (12 px of it go to the marker and margins):
        # presentation mode's big font and Chinese glyphs are taller than 18 px.
        return max(30, self.fontMetrics().height() + 16)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_color = self.palette().windowText().color()
        track = self._track()
        painter.setPen(QPen(text_color.lighter(170) if text_color.lightness() < 128 else text_color.darker(170), 1))
        painter.setBrush(self.palette().base())
        painter.drawRoundedRect(track, 3, 3)
        backward = 0
        for (phase, _p, _first, _last), (title, rect) in zip(self._bounds, self.segments()):
            if phase == "forward":
                fill = QColor(FORWARD_COLOR)
            else:
                fill = QColor(BACKWARD_COLORS[backward % 2])
                backward += 1
            painter.setPen(QPen(fill.darker(150), 1))
            painter.setBrush(fill)
            painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
            if painter.fontMetrics().horizontalAdvance(title) + 8 < rect.width():
                # Black on yellow and light blue, white on the dark blue: 4.5:1 either way.
                painter.setPen(QColor("#FFFFFF" if fill.lightness() < 110 else "#000000"))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, title)
        if self._position >= 0 and self._count > 0:
            x = self.step_x(self._position)
            painter.setPen(QPen(QColor(MARKER_COLOR), 3))
            painter.drawLine(QPointF(x, track.top() - 2), QPointF(x, track.bottom() + 2))
            painter.setBrush(QColor(MARKER_COLOR))
            painter.setPen(Qt.PenStyle.NoPen)
            top = track.top() - 2
            painter.drawPolygon(QPolygonF([QPointF(x - 6, top - 5), QPointF(x + 6, top - 5), QPointF(x, top + 3)]))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton and self._count > 0:
            self.seek_requested.emit(self.step_at(event.position().x()))
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.buttons() & Qt.MouseButton.LeftButton and self._count > 0:
            self.seek_requested.emit(self.step_at(event.position().x()))
            event.accept()
            return
        if self._count > 0:
            index = self.step_at(event.position().x())
            phase = next((self._title(ph, p) for ph, p, first, last in self._bounds if first <= index <= last), "")
            text = translate("timeline", "step {n} of {count} · {phase}").format(n=index + 1, count=self._count,
                                                                                 phase=phase)
            QToolTip.showText(event.globalPosition().toPoint(), tip(text), self)
        super().mouseMoveEvent(event)

    # -- helpers --------------------------------------------------------------------------
    def _track(self) -> QRectF:
        # Room above the bar for the position marker's triangle.
        return QRectF(4, 9, max(self.width() - 8, 1), max(self.height() - 12, 8))

    def _title(self, phase: str, pass_index: int | None) -> str:
        if phase == "forward":
            return translate("timeline", "forward")
        return translate("timeline", "backward #{n}").format(n=(pass_index or 0) + 1)
