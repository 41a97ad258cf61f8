"""The canvas: a QGraphicsView of the graph with zoom, pan, fit and a minimap."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QTransform, QWheelEvent
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QLabel, QWidget

from gradviz.core.i18n import translate
from gradviz.core.layout.layout import Layout
from gradviz.core.trace import Trace
from gradviz.qt.canvas.graph_items import ClusterItem, EdgeItem, NodeItem, set_line_scale
from gradviz.qt.canvas.graph_overlays import MiniMap
from gradviz.qt.canvas.graph_scene import GraphScene, SlicedWork
from gradviz.qt.theme import node_colors

ZOOM_STEP = 1.25
MAX_ZOOM = 8.0
#: Fit never blows a tiny graph up past this: huge boxes read worse than a margin.
MAX_FIT_ZOOM = 2.5
#: Below this zoom no text is drawn, so a big graph is drawn as a batched sketch instead.
SKETCH_BELOW_ZOOM = 0.35
#: Graphs with at most this many nodes are always drawn item by item (cheap enough).
SKETCH_MIN_NODES = 200
# An old drawing is taken apart after the new one's first paint, or this long after at the latest.
RETIRE_LATEST_MS = 200
_OVERLAY_MARGIN = 10
_MINIMAP_SIZE = 190


class GraphView(QGraphicsView):
    """Draws a Trace's layout as selectable items; zoom, pan, fit and an overview.

    Parameters
    ----------
    parent : QWidget, optional
        The Qt parent.
    theme : str
        "light" or "dark".

    Attributes
    ----------
    graph_scene : GraphScene or None
        The drawing on screen (None while the canvas is empty or explains).
    minimap : MiniMap
        The overview in the bottom-right corner, shown when the graph does not fit.
    explanation_label : QLabel
        Large centred text shown instead of a graph when a program made none.

    Signals
    -------
    node_selected(object)
        Node id the user selected, or None.
    graph_shown()
        A new drawing (or an explanation) replaced what was on the canvas.
    zoom_changed(float)
        The zoom factor (1.0 = one point per pixel) changed.
    """

    node_selected = Signal(object)
    graph_shown = Signal()
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None, theme: str = "light") -> None:
        super().__init__(parent)
        self._theme = theme
        self.graph_scene: GraphScene | None = None
        self._sketching = False
        self._blank = QGraphicsScene(self)
        self.setScene(self._blank)
        self._pending: GraphScene | None = None  # being built, not shown yet
        self._anchor: tuple | None = None  # the view to hold through a re-layout
        self._builder = SlicedWork(self)
        self._finisher = SlicedWork(self)  # the shown drawing's badges left for later
        self._retirer = SlicedWork(self)
        # Old drawings wait for the new one's first paint before they are taken apart: their
        # slices used to run first and hold that paint back (0.6 ms for a 50-node chain). A
        # view that is not painted (hidden) lets them go after RETIRE_LATEST_MS all the same.
        self._retiring: list[GraphScene] = []
        self._retire_timer = QTimer(self)
        self._retire_timer.setSingleShot(True)
        self._retire_timer.setInterval(RETIRE_LATEST_MS)
        self._retire_timer.timeout.connect(self._start_retiring)
        self.overview_enabled = True

        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        # Dragging, the wheel, the arrow keys and the minimap move the view; scroll bars
        # would only steal room and make fitInView miss by their width.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(translate("graph_view", "Graph canvas"))

        self.explanation_label = QLabel(self)
        self.explanation_label.setWordWrap(True)
        self.explanation_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explanation_label.setTextFormat(Qt.TextFormat.PlainText)
        self.explanation_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        font = QFont(self.explanation_label.font())
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.6)
        self.explanation_label.setFont(font)
        self.explanation_label.hide()

        self.minimap = MiniMap(self)
        self.minimap.center_requested.connect(self._on_minimap_center_requested)
        self.minimap.hide()
        # Fitted stays true until the user zooms or pans: then a resize (a message bar
        # opening above the canvas, say) refits instead of cutting the graph off.
        self._fitted = False
        self._fitting = False
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.valueChanged.connect(self._on_scrolled)
        self.set_theme(theme)

    # -- contents -------------------------------------------------------------------------
    def show_graph(self, trace: Trace, layout: Layout, keep_view: bool = False) -> None:
        """Replace the drawing with ``layout`` of ``trace``.

        Small graphs are drawn before this returns. A big one is built a slice at a time
        between event-loop turns and swapped in when complete (the old drawing stays
        until then); ``graph_shown`` says when. ``keep_view`` (the same graph laid out again:
        a module folded, a bigger font) keeps the zoom and holds still what the user was
        looking at, instead of fitting the new drawing into view.
        """
        self.cancel_build()
        self._anchor = self._view_anchor() if keep_view and self.graph_scene is not None else None
        scene = GraphScene(trace, layout, self._theme)
        scene.setParent(self)  # deleted with the view at the latest
        self._pending = scene
        self._builder.add(scene.build(), lambda: self._on_built(scene), now=True)

    def show_explanation(self, text: str) -> None:
        """Show ``text`` in large words instead of a graph (a program that made none)."""
        self.cancel_build()
        self._swap_scene(None)
        self.explanation_label.setText(text)
        self.explanation_label.show()
        self.minimap.hide()
        self._place_overlays()
        self.graph_shown.emit()

    def set_explanation_size(self, point_size: float) -> None:
        """The explanation's text at ``point_size`` (it follows the window's text size)."""
        font = QFont(self.explanation_label.font())
        font.setPointSizeF(max(point_size, 10) * 1.6)
        self.explanation_label.setFont(font)
        self._place_overlays()

    @property
    def explanation(self) -> str:
        """The explanation on the canvas, or "" when a graph is shown."""
        return self.explanation_label.text() if not self.explanation_label.isHidden() else ""

    @property
    def is_building(self) -> bool:
        """True while a big graph is being put together off screen."""
        return self._pending is not None

    @property
    def is_finishing(self) -> bool:
        """True while the drawing on screen still gets the badges it left for later."""
        return self._finisher.busy

    def cancel_build(self) -> None:
        """Drop a drawing still being built; what is on screen stays."""
        self._builder.clear()
        if self._pending is not None:
            scene, self._pending = self._pending, None
            self._retire(scene)

    @property
    def node_items(self) -> dict[str, NodeItem]:
        return self.graph_scene.node_items if self.graph_scene is not None else {}

    @property
    def edge_items(self) -> list[EdgeItem]:
        return self.graph_scene.edge_items if self.graph_scene is not None else []

    @property
    def cluster_items(self) -> list[ClusterItem]:
        return self.graph_scene.cluster_items if self.graph_scene is not None else []

    def node_item(self, node_id: str) -> NodeItem:
        """The item drawing node ``node_id`` (KeyError if it is not on the canvas)."""
        return self.node_items[node_id]

    def select_node(self, node_id: str | None, center: bool = True) -> None:
        """Select ``node_id`` (None clears), scrolling it into view when asked."""
        if self.graph_scene is None:
            if node_id is not None:
                raise KeyError(f"no node {node_id!r} on the canvas")
            return
        self.graph_scene.select_node(node_id)
        if node_id is not None and center:
            if self._sketching:
                self.set_zoom(1.0)  # a selected node should be readable
            item = self.graph_scene.node_items[node_id]
            self.ensureVisible(item.sceneBoundingRect(), 8, 8)

    @property
    def selected_node_id(self) -> str | None:
        return self.graph_scene.selected_node_id() if self.graph_scene is not None else None

    def set_theme(self, theme: str) -> None:
        """Recolour the canvas, its items and the overlays."""
        self._theme = theme
        colors = node_colors(theme)
        self.setBackgroundBrush(QColor(colors["background"]))
        self.minimap.setBackgroundBrush(QColor(colors["background"]))
        self.explanation_label.setStyleSheet(f"color: {colors['node_text']}; background: transparent;")
        for scene in (self.graph_scene, self._pending):
            if scene is not None:
                scene.set_theme(theme)

    def set_overview_enabled(self, enabled: bool) -> None:
        """Allow the minimap (shown only while part of the graph is off screen)."""
        self.overview_enabled = bool(enabled)
        self._on_view_moved()

    # -- zoom and fit ---------------------------------------------------------------------
    @property
    def zoom(self) -> float:
        """Pixels per point (1.0 = 100 %)."""
        return self.transform().m11()

    def set_line_scale(self, scale: float) -> None:
        """Thicker (or normal) edges and borders, e.g. for a projector."""
        set_line_scale(scale)
        self.viewport().update()

    def set_zoom(self, value: float) -> None:
        """Zoom to ``value`` around the centre of the view."""
        self._zoom_by(value / self.zoom)

    def zoom_in(self) -> None:
        self._zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom_by(1 / ZOOM_STEP)

    def reset_zoom(self) -> None:
        """100 %: one point of the layout per pixel."""
        self.set_zoom(1.0)

    def fit(self) -> None:
        """Zoom and scroll so the whole graph is visible (up to ``MAX_FIT_ZOOM``)."""
        if self.graph_scene is None:
            return
        # The scene rect already has room for badges; itemsBoundingRect() would ask every
        # item for its bounds, a Python call each (25 ms for 2,000 nodes).
        rect = self.graph_scene.sceneRect()
        self._fitting = True
        try:
            self._swapping = True  # fitInView passes through zoom 1: no detail switch on the way
            try:
                self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
                if self.zoom > MAX_FIT_ZOOM:
                    self.setTransform(QTransform.fromScale(MAX_FIT_ZOOM, MAX_FIT_ZOOM))
                    self.centerOn(rect.center())
            finally:
                self._swapping = False
            self._on_view_moved()
        finally:
            self._fitting = False
        self._fitted = True
        self.zoom_changed.emit(self.zoom)

    def fit_zoom(self) -> float:
        """The zoom :meth:`fit` would choose for the drawing on screen (0 when there is none)."""
        if self.graph_scene is None:
            return 0.0
        return self.fit_zoom_for(self.graph_scene.sceneRect())

    def fit_zoom_for(self, rect: QRectF) -> float:
        """The zoom :meth:`fit` would choose for a drawing of ``rect`` (its scene rect)."""
        view = self.viewport().size()
        zoom = min(view.width() / max(rect.width(), 1), view.height() / max(rect.height(), 1))
        return min(zoom, MAX_FIT_ZOOM)

    def stop_fitting(self) -> None:
        """Keep the zoom through resizes from now on, as after the user zoomed (the player
        following its steps on a projector chose this view)."""
        self._fitted = False

    @property
    def is_fitted(self) -> bool:
        """True from :meth:`fit` until the user zooms or pans."""
        return self._fitted

    def visible_scene_rect(self) -> QRectF:
        """The part of the scene the viewport shows, in scene coordinates."""
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def _min_zoom(self) -> float:
        if self.graph_scene is None:
            return 0.1
        rect = self.graph_scene.sceneRect()
        view = self.viewport().size()
        fit = min(view.width() / max(rect.width(), 1), view.height() / max(rect.height(), 1))
        return min(0.1, fit * 0.5)

    def _zoom_by(self, factor: float, at: QPointF | None = None) -> None:
        """Scale by ``factor``, keeping the scene point under viewport point ``at`` still
        (the centre when None)."""
        target = min(max(self.zoom * factor, self._min_zoom()), MAX_ZOOM)
        factor = target / self.zoom
        if abs(factor - 1) < 1e-9:
            return
        self._fitted = False
        anchor = self.viewport().rect().center() if at is None else at.toPoint()
        fixed = self.mapToScene(anchor)
        # Anchored by hand rather than with AnchorUnderMouse, which reads the global cursor
        # position and so misses events that did not come from the real mouse.
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.scale(factor, factor)
        moved = self.mapFromScene(fixed) - anchor
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + moved.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved.y())
        self._on_view_moved()
        self.zoom_changed.emit(self.zoom)

    # -- Qt overrides ---------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt override)
        delta = event.angleDelta().y()
        if delta == 0:
            super().wheelEvent(event)
            return
        self._zoom_by(ZOOM_STEP ** (delta / 120), at=event.position())
        event.accept()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        fitted = self._fitted
        super().resizeEvent(event)
        self._place_overlays()
        if fitted:
            self.fit()
        else:
            self._on_view_moved()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(640, 560)

    # -- helpers --------------------------------------------------------------------------
    def _on_built(self, scene: GraphScene) -> None:
        if scene is not self._pending:
            return
        self._pending = None
        anchor, self._anchor = self._anchor, None
        self._swap_scene(scene)
        self.explanation_label.hide()
        if anchor is not None:
            self._hold_still(scene, anchor)
        else:
            self.fit()
        self._place_overlays()
        if not self._sketching:
            # The picture first, then the panels that follow it (the player's steps, the console,
            # the status bar): their 2-3 ms came before a small graph's first paint, 10-15% of it.
            self.viewport().repaint()
        self.graph_shown.emit()
        if scene is self.graph_scene and scene.badges_pending:
            self._finisher.add(scene.finish())

    # -- keeping the view through a re-layout ---------------------------------------------
    def _view_anchor(self) -> tuple[float, dict[str, tuple[QPointF, QPointF]]]:
        """The zoom and where each node and module is, in the scene and on screen."""
        scene = self.graph_scene
        assert scene is not None
        where: dict[str, tuple[QPointF, QPointF]] = {}
        for key, point in _anchor_points(scene).items():
            where[key] = (point, QPointF(self.mapFromScene(point)))
        return self.zoom, where

    def _hold_still(self, scene: GraphScene, anchor: tuple[float, dict[str, tuple[QPointF, QPointF]]]) -> None:
        """Keep ``anchor``'s zoom, and scroll so the nodes that were on screen (most of them:
        the side of a folded module that did not move) are where they were."""
        zoom, before = anchor
        self._swapping = True
        try:
            self.setTransform(QTransform.fromScale(zoom, zoom))
        finally:
            self._swapping = False
        now = _anchor_points(scene)
        viewport = QRectF(self.viewport().rect())
        centre = QPointF(viewport.center())
        common = [k for k in now if k in before]
        seen = [k for k in common if viewport.contains(before[k][1])] or common
        if not seen:
            self.fit()
            return
        votes: dict[tuple[int, int], list[QPointF]] = {}
        for key in seen:
            old_view = before[key][1]
            target = now[key] - (old_view - centre) / zoom  # the scene point to put at the centre
            # Binned to a few points: the same move can differ by Graphviz's rounding.
            votes.setdefault((round(target.x() / 4), round(target.y() / 4)), []).append(target)
        # The largest group of nodes moved alike: hold those still (a tie: the smallest move).
        best = max(votes.values(), key=len)
        self.centerOn(best[0])
        self._fitted = False
        self._on_view_moved()
        self.zoom_changed.emit(self.zoom)

    def _swap_scene(self, scene: GraphScene | None) -> None:
        old = self.graph_scene
        self.graph_scene = scene
        if scene is not None:
            scene.node_selected.connect(self.node_selected)
        # A big graph starts as its sketch: fit() then switches to the items if it zooms in
        # far enough. Showing the items first would build their paint index for nothing.
        self._sketching = scene is not None and len(scene.node_items) > SKETCH_MIN_NODES
        # setScene moves the scroll bars, whose handler would judge the detail by the old
        # zoom and show the items after all: 140 ms for 10,000 nodes, undone by the fit.
        self._swapping = True
        try:
            self.setScene(self._blank if scene is None else scene.sketch_scene if self._sketching else scene)
        finally:
            self._swapping = False
        self.minimap.setScene(scene.sketch_scene if scene is not None else self._blank)
        self.minimap.refit()
        if old is not None:
            self._finisher.clear()
            old.node_selected.disconnect(self.node_selected)
            self._retire(old)
        self.node_selected.emit(None)

    def _retire(self, scene: GraphScene) -> None:
        # Deleting thousands of items at once stalls the event loop (~25 ms per 2,000
        # nodes), so an old drawing is taken apart a slice at a time, off screen.
        self._retiring.append(scene)
        if not self._retire_timer.isActive():
            self._retire_timer.start()

    def _start_retiring(self) -> None:
        self._retire_timer.stop()
        retiring, self._retiring = self._retiring, []
        for scene in retiring:
            self._retirer.add(scene.dismantle(), scene.deleteLater)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        handled = super().viewportEvent(event)
        if self._retiring and event.type() == QEvent.Type.Paint:
            self._start_retiring()
        return handled

    def _place_overlays(self) -> None:
        vp = self.viewport().geometry()
        m = _OVERLAY_MARGIN
        if self.graph_scene is not None:
            rect = self.graph_scene.sceneRect()
            aspect = rect.width() / max(rect.height(), 1.0)
            w = _MINIMAP_SIZE if aspect >= 1 else max(60, int(_MINIMAP_SIZE * aspect))
            h = _MINIMAP_SIZE if aspect < 1 else max(60, int(_MINIMAP_SIZE / aspect))
            w, h = min(w, vp.width() // 3), min(h, vp.height() // 2)
            self.minimap.setGeometry(vp.right() - m - w, vp.bottom() - m - h, w, h)
            self.minimap.refit()
        width = min(vp.width() - 4 * m, 760)
        label_h = self.explanation_label.heightForWidth(width)
        self.explanation_label.setGeometry(vp.center().x() - width // 2, vp.center().y() - label_h // 2,
                                           width, max(label_h, 10))
        for w in (self.explanation_label, self.minimap):
            w.raise_()

    def _on_scrolled(self, _value: int) -> None:
        if not self._fitting:
            self._fitted = False
        self._on_view_moved()

    def _on_view_moved(self, _value: int = 0) -> None:
        if getattr(self, "_swapping", False):
            # A scene or zoom being set: whoever sets it looks again once it is (fit,
            # _hold_still); judging the half-way state hid the overview and showed it
            # again at every new drawing (0.5 ms a run).
            return
        if self.graph_scene is not None and not shiboken6.isValid(self.graph_scene):
            self.graph_scene = None  # the view is being torn down
        if self.graph_scene is None:
            self.minimap.hide()
            return
        self._update_detail()
        visible = self.visible_scene_rect()
        self.minimap.set_visible_rect(visible)
        whole = self.graph_scene.sceneRect()
        # The overview earns its corner only when part of the graph is off screen.
        needed = self.overview_enabled and not visible.adjusted(-1, -1, 1, 1).contains(whole)
        if needed != self.minimap.isVisible():
            self.minimap.setVisible(needed)
            self._place_overlays()

    @property
    def is_sketching(self) -> bool:
        """True while the canvas shows the batched sketch instead of the items."""
        return self._sketching

    def _update_detail(self) -> None:
        scene = self.graph_scene
        if getattr(self, "_swapping", False):
            return
        sketch = (scene is not None and self.zoom < SKETCH_BELOW_ZOOM
                  and len(scene.node_items) > SKETCH_MIN_NODES)
        if sketch == self._sketching or scene is None:
            return
        center = self.mapToScene(self.viewport().rect().center())
        self._sketching = sketch
        # Both scenes share one scene rect, so the transform and the centre carry over.
        self.setScene(scene.sketch_scene if sketch else scene)
        self.centerOn(center)

    def _on_minimap_center_requested(self, point: QPointF) -> None:
        self.centerOn(point)


def _anchor_points(scene: GraphScene) -> dict[str, QPointF]:
    """Scene centres of the nodes, and of each module as a frame or as its collapsed box
    (``group:<path>`` for both, so a module folded or unfolded is still "the same")."""
    points: dict[str, QPointF] = {}
    for ident, item in scene.node_items.items():
        key = "group:" + ident[len("module:"):] if ident.startswith("module:") else ident
        points[key] = item.pos()
    for cluster in scene.cluster_items:
        box = cluster.cluster_box
        points.setdefault("group:" + box.path, QPointF(box.x, box.y))
    return points
