"""A picture of a layout before its items exist: the first thing a big graph shows.

Making the canvas items of a 10,000-node graph takes 0.3 s or more of the GUI thread (about
15 µs an item, in slices between event-loop turns). The picture itself needs none of them: boxes, frames and
edges go into a few painter paths built from numpy arrays in milliseconds, so the shape of
the graph is on screen as soon as a layout is — Graphviz's, or the provisional one made
while Graphviz still works. The preview lies over the canvas until the items are ready.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream, QEvent, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QStyleOptionGraphicsItem,
    QWidget,
)

from gradviz.core.i18n import translate
from gradviz.core.layout.layout import Layout
from gradviz.core.layout.sketch import ROLES, Sketch, same_picture, sketch_of
from gradviz.core.trace import Trace
from gradviz.qt.canvas.graph_items import LOD_SHAPES, MODULE_STYLE
from gradviz.qt.canvas.graph_scene import SCENE_MARGIN
from gradviz.qt.canvas.text import TEXT_MARGIN, draw_lines, fit_scale
from gradviz.qt.theme import node_colors

#: Text is drawn from this zoom on (as on the canvas), for at most this many boxes a paint.
_LOD_TEXT = 0.35
_MAX_TEXT_BOXES = 400
_MAX_FIT_ZOOM = 2.5
_ZOOM_STEP = 1.25
# The note ("Provisional layout — refining…") shows only if the preview is still up after
# this long: a chain's preview is replaced by its items ~40 ms later, and a note flashed
# for that long is a flicker, not news.
NOTE_DELAY_MS = 300


def _box_path(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray) -> QPainterPath:
    """One path holding every box as a closed rectangle."""
    xs = np.stack([x0, x1, x1, x0, x0], axis=1).ravel()
    ys = np.stack([y0, y0, y1, y1, y0], axis=1).ravel()
    connect = np.tile(np.array([1, 1, 1, 1, 0], dtype=np.int32), len(x0))
    return array_path(xs, ys, connect)


def array_path(xs: np.ndarray, ys: np.ndarray, connect: np.ndarray) -> QPainterPath:
    """One path through the points ``(xs[i], ys[i])``, point ``i + 1`` joined to point ``i``
    where ``connect[i]`` is 1 (else a new subpath starts there).

    The path is read from the bytes Qt writes a QPainterPath as, as pyqtgraph's arrayToQPath
    does: importing pyqtgraph for that function stalled the first big graph's picture for
    150-200 ms.
    """
    n = len(xs)
    path = QPainterPath()
    if n == 0:
        return path
    # Qt's stream format: element count, then per element its type (0 MoveTo, 1 LineTo) and
    # x, y as doubles, then the fill rule's start index and the rule; all big-endian.
    data = np.zeros(1, dtype=[("n", ">i4"), ("elements", [("c", ">i4"), ("x", ">f8"), ("y", ">f8")], (n,)),
                              ("tail", ">i4", (2,))])
    data["n"] = n
    elements = data["elements"][0]
    elements["x"], elements["y"] = xs, ys
    elements["c"][1:] = connect[:-1]
    QDataStream(QByteArray(data.tobytes())) >> path
    return path


class PreviewItem(QGraphicsItem):
    """The whole layout in a handful of painter calls; box text when zoomed in.

    Parameters
    ----------
    sketch : Sketch
        What to draw: boxes, colour roles, edges, texts and frames (see
        :func:`gradviz.core.layout.sketch.sketch_of`).
    theme : str
        "light" or "dark".
    """

    def __init__(self, sketch: Sketch, theme: str) -> None:
        super().__init__()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._theme = theme
        self.painted_at: float | None = None  # perf_counter() of the first paint
        self.sketch = sketch
        a = sketch.arrays
        self._lines = sketch.lines
        self._x0, self._y0, self._x1, self._y1 = a.x0, a.y0, a.x1, a.y1
        colors = node_colors(theme)
        module_fill, module_border, _ = MODULE_STYLE[theme]
        self._groups: list[tuple[QColor, QColor, QPainterPath]] = []
        for k, role in enumerate(ROLES):
            idx = np.nonzero(a.role == k)[0]
            if len(idx):
                fill, border = (module_fill, module_border) if role == "module" else (colors[role],
                                                                                      colors[role + "_border"])
                path = _box_path(a.x0[idx], a.y0[idx], a.x1[idx], a.y1[idx])
                self._groups.append((QColor(fill), QColor(border), path))
        self._edges = array_path(a.edge_x, a.edge_y, a.edge_connect) \
            if len(a.edge_x) else QPainterPath()
        self._edge_color = QColor(colors["edge"])
        self._text_color = QColor(colors["node_text"])
        self._frames = [(QRectF(left, top, width, height), title) for left, top, width, height, title in sketch.frames]
        m = SCENE_MARGIN
        self._rect = QRectF(-m, -m, sketch.width + 2 * m, sketch.height + 2 * m)
        self._scales: dict[int, float] = {}

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self.painted_at is None:
            self.painted_at = time.perf_counter()
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        frame_fill = QColor("#B39DDB" if self._theme == "light" else "#7E57C2")
        # Far out, as the items and the sketch draw a frame: a plain fill, no outline.
        far_out = lod < LOD_SHAPES
        frame_fill.setAlpha(40 if far_out else 34)
        painter.setPen(Qt.PenStyle.NoPen if far_out else QPen(QColor("#7A6A99"), 0))
        painter.setBrush(frame_fill)
        for rect, _title in self._frames:
            painter.drawRect(rect)
        painter.setPen(QPen(self._edge_color, 0))  # cosmetic: one pixel at any zoom
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._edges)
        for fill, border, path in self._groups:
            # Zoomed out, outlined as the canvas's own sketch outlines them (graph_sketch), so
            # the picture keeps its tone when the items take over; zoomed in, as the items.
            painter.setPen(QPen(border if lod >= _LOD_TEXT else fill.darker(130), 0))
            painter.setBrush(fill)
            painter.drawPath(path)
        if lod >= _LOD_TEXT:
            self._paint_text(painter, option.exposedRect)

    def _paint_text(self, painter: QPainter, exposed: QRectF) -> None:
        painter.setPen(self._text_color)
        for rect, title in self._frames:
            if rect.intersects(exposed):
                draw_lines(painter, (title,), QRectF(rect.left() + 6, rect.bottom() - 17, rect.width() - 12, 15),
                           fit_scale((title,), rect.width() - 12))
        visible = np.nonzero((self._x1 >= exposed.left()) & (self._x0 <= exposed.right())
                             & (self._y1 >= exposed.top()) & (self._y0 <= exposed.bottom()))[0]
        for k in visible[:_MAX_TEXT_BOXES]:
            box = QRectF(self._x0[k], self._y0[k], self._x1[k] - self._x0[k], self._y1[k] - self._y0[k])
            inner = box.adjusted(TEXT_MARGIN, 0, -TEXT_MARGIN, 0)
            if k not in self._scales:
                self._scales[k] = fit_scale(self._lines[k], inner.width())
            draw_lines(painter, self._lines[k], inner, self._scales[k])


class PreviewView(QGraphicsView):
    """An overlay over the canvas's viewport showing a :class:`PreviewItem`, with zoom and pan.

    Parameters
    ----------
    canvas : QGraphicsView
        The canvas to cover (its viewport's area); the preview follows its size.
    theme : str
        "light" or "dark".

    Attributes
    ----------
    note_label : QLabel
        What the preview is ("Provisional layout — refining…"), in its top-left corner.
    item : PreviewItem or None
        The drawing shown.

    Signals
    -------
    first_paint(float)
        ``time.perf_counter()`` of the first paint of a drawing shown by :meth:`show_drawing`.
    """

    first_paint = Signal(float)

    def __init__(self, canvas: QGraphicsView, theme: str = "light") -> None:
        super().__init__(canvas)
        self._canvas = canvas
        self._theme = theme
        self.item: PreviewItem | None = None
        self._announced = True
        self.setScene(QGraphicsScene(self))
        self.setObjectName("graph_preview")
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        # Opaque: shown over the canvas, it is painted alone; else Qt first repaints the
        # canvas under it (the old drawing: 3 ms for 50 boxes before the new picture).
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAccessibleName(translate("graph_preview", "Graph preview"))
        self.note_label = QLabel(self)
        self.note_label.setObjectName("preview_note")
        self.note_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.note_label.hide()
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_DELAY_MS)
        self._note_timer.timeout.connect(self._show_note)
        self.set_theme(theme)
        canvas.installEventFilter(self)
        self.hide()

    @property
    def is_showing(self) -> bool:
        return not self.isHidden() and self.item is not None

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def set_theme(self, theme: str) -> None:
        self._theme = theme
        colors = node_colors(theme)
        self.setBackgroundBrush(QColor(colors["background"]))
        bg = "rgba(255, 244, 214, 230)" if theme == "light" else "rgba(70, 56, 20, 230)"
        self.note_label.setStyleSheet(f"QLabel#preview_note {{ background: {bg}; color: {colors['node_text']};"
                                      " border-radius: 4px; padding: 3px 8px; }")

    def show_drawing(self, trace: Trace, layout: Layout, note: str) -> None:
        """Show ``layout`` of ``trace`` fitted into the canvas area, with ``note`` on top."""
        self.show_sketch(sketch_of(trace, layout), note)

    def show_sketch(self, sketch: Sketch, note: str) -> None:
        """Show ``sketch`` fitted into the canvas area, with ``note`` on top (after a moment).

        When the preview shows the same picture already (a chain laid out as it was
        previewed), only the note changes: the view the user may have zoomed stays too."""
        if self.is_showing and self.item is not None and same_picture(self.item.sketch, sketch):
            self._set_note(note)
            return
        scene = self.scene()
        if self.item is not None:
            scene.removeItem(self.item)
        self.item = PreviewItem(sketch, self._theme)
        scene.addItem(self.item)
        scene.setSceneRect(self.item.boundingRect())
        self._set_note(note)
        self._announced = False
        self._follow_canvas()
        self.show()
        self.raise_()
        self.fit()

    def _set_note(self, note: str) -> None:
        self.note_label.setText(note)
        self.note_label.adjustSize()
        if not note:
            self._note_timer.stop()
            self.note_label.hide()
        elif self.note_label.isHidden():
            self._note_timer.start()

    def _show_note(self) -> None:
        self.note_label.setVisible(self.is_showing and bool(self.note_label.text()))

    def clear(self) -> None:
        """Hide the preview and drop its drawing."""
        self._note_timer.stop()
        self.note_label.hide()
        self.hide()
        if self.item is not None:
            self.scene().removeItem(self.item)
            self.item = None

    def fit(self) -> None:
        """The whole drawing in view, at most 250 %."""
        if self.item is None:
            return
        rect = self.item.boundingRect()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom > _MAX_FIT_ZOOM:
            self.resetTransform()
            self.scale(_MAX_FIT_ZOOM, _MAX_FIT_ZOOM)
            self.centerOn(rect.center())

    # -- Qt overrides ---------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt override)
        delta = event.angleDelta().y()
        if delta:
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
            self.scale(_ZOOM_STEP ** (delta / 120), _ZOOM_STEP ** (delta / 120))
        event.accept()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if not self._announced and self.item is not None and self.item.painted_at is not None:
            self._announced = True
            self.first_paint.emit(self.item.painted_at)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self._canvas and event.type() == QEvent.Type.Resize and not self.isHidden():
            self._follow_canvas()
            self.fit()
        return False

    def _follow_canvas(self) -> None:
        self.setGeometry(self._canvas.viewport().geometry())
        self.note_label.move(8, 8)
