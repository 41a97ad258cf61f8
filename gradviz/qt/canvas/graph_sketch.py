"""The whole graph as one item: a cheap picture for far-out zoom levels and the minimap."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gradviz.qt.canvas.graph_items import ClusterItem, EdgeItem, NodeItem, add_bezier
from gradviz.qt.theme import node_colors


class SketchGeometry:
    """Everything a :class:`SketchItem` draws that never changes: one path for all edges,
    the node boxes and the cluster frames, in scene coordinates. Shared by the canvas's
    sketch and the minimap's, and built a slice at a time by :meth:`build`.
    """

    def __init__(self, nodes: list[NodeItem], edges: list[EdgeItem], clusters: list[ClusterItem]) -> None:
        self.nodes = nodes
        self.edge_path = QPainterPath()
        self.boxes: list[QRectF] = []
        self.frames = [cluster.boundingRect() for cluster in clusters]
        self._edges = edges
        self._groups: list[tuple[QColor, list[QRectF]]] | None = None
        self._forgot = False

    def build(self):
        """Add the edges and boxes, yielding after each."""
        for edge in self._edges:
            # From the layout's points: an edge's own curve is made only if it is painted.
            add_bezier(self.edge_path, edge.edge_path.points)
            yield
        self._edges = []  # the scene holds them; this would only outlive its taking apart
        # Grouped here, a slice at a time: grouping 10,000 boxes at the first paint took
        # ~40 ms of the GUI thread. A colour change meanwhile (forget_colors) wins.
        groups: dict[int, tuple[QColor, list[QRectF]]] = {}
        for node in self.nodes:
            box = node.scene_box()
            self.boxes.append(box)
            fill = node.fill_color()
            groups.setdefault(fill.rgba(), (fill, []))[1].append(box)
            yield
        if not self._forgot:
            self._groups = list(groups.values())

    def let_go(self) -> None:
        """Drop the node items (their drawing is being taken apart): held here, the last of
        10,000 went when the sketch did, all in one 80-100 ms stall, not a slice at a time."""
        self.nodes, self._edges, self._groups = [], [], []

    def forget_colors(self) -> None:
        """A node changed colour: regroup the boxes at the next paint."""
        self._groups = None
        self._forgot = True

    def color_groups(self) -> list[tuple[QColor, list[QRectF]]]:
        """The boxes grouped by fill colour, so each colour is one drawRects call."""
        if self._groups is None:
            groups: dict[int, tuple[QColor, list[QRectF]]] = {}
            for node, box in zip(self.nodes, self.boxes):
                fill = node.fill_color()
                groups.setdefault(fill.rgba(), (fill, []))[1].append(box)
            self._groups = list(groups.values())
        return self._groups


class SketchItem(QGraphicsItem):
    """The whole graph in a few batched strokes: boxes as plain rectangles, edges as one path.

    Each item painted on its own costs a Python call (about 40 µs, so a 2,000-node graph
    takes a few hundred ms per repaint). Zoomed out so far that no text can be read, this
    draws the same picture in a handful of QPainter calls; the minimap uses it always.

    Parameters
    ----------
    geometry : SketchGeometry
        What to draw; node fills are read at paint time, so highlights show.
    rect : QRectF
        The area it covers (the scene rect).
    theme : str
        "light" or "dark".
    """

    def __init__(self, geometry: SketchGeometry, rect: QRectF, theme: str) -> None:
        super().__init__()
        self.geometry = geometry
        self._rect = QRectF(rect)
        self._theme = theme
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_theme(self, theme: str) -> None:
        self._theme = theme
        self.geometry.forget_colors()
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        g = self.geometry
        colors = node_colors(self._theme)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        cluster_fill = QColor("#B39DDB" if self._theme == "light" else "#7E57C2")
        cluster_fill.setAlpha(40)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(cluster_fill)
        for frame in g.frames:
            painter.drawRect(frame)
        painter.setPen(QPen(QColor(colors["edge"]), 0))  # width 0: one device pixel at any zoom
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(g.edge_path)
        for fill, boxes in g.color_groups():
            # A cosmetic outline in the fill colour keeps sub-pixel boxes visible.
            painter.setPen(QPen(fill.darker(130), 0))
            painter.setBrush(fill)
            painter.drawRects(boxes)
