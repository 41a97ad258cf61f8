"""The canvas items: node boxes, edge curves, module clusters and badges.

Every item is painted from a Layout box or curve and coloured from the theme. The
step-through player recolours and badges items through :meth:`NodeItem.set_highlight`,
:meth:`NodeItem.set_badge` and :meth:`EdgeItem.set_highlight`, so nothing here ever
needs a new layout.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from types import MappingProxyType

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gradviz.core.i18n import translate
from gradviz.core.layout.layout import LINE_SPACING, ClusterBox, EdgePath, NodeBox
from gradviz.core.trace import Node
from gradviz.qt.canvas.graph_badges import BADGE_TONES, BadgeItem
from gradviz.qt.canvas.text import TEXT_MARGIN, TEXT_SCALE, canvas_font, draw_lines, fit_scale, text_width
from gradviz.qt.theme import node_colors
from gradviz.qt.widgets.inspector import node_tooltip
from gradviz.qt.widgets.plain_text import tip

#: Ways the player can mark a node or an edge; None is the plain look.
HIGHLIGHTS = ("current", "grad_flow", "pending")


def _check_highlight(kind: str | None) -> None:
    if kind is not None and kind not in HIGHLIGHTS:
        raise ValueError(f"unknown highlight {kind!r}; expected None or one of {', '.join(HIGHLIGHTS)}")


Z_CLUSTER, Z_EDGE, Z_NODE = 0.0, 1.0, 2.0
_SELECTABLE = QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
_HAND = Qt.CursorShape.PointingHandCursor
_NO_BUTTON = Qt.MouseButton.NoButton
_CORNER = 5.0
# Presentation mode thickens every line; one factor for all items, read at paint time.
_LINE_SCALE = [1.0]


def set_line_scale(scale: float) -> None:
    """Multiply the width of every edge and border by ``scale`` (1.0: normal)."""
    _LINE_SCALE[0] = scale


def device_pen(color: QColor, pixels: int) -> QPen:
    """A pen ``pixels`` device pixels wide at any zoom (0: one pixel, as Qt draws width 0)."""
    pen = QPen(color, pixels)
    pen.setCosmetic(True)  # else a width is in scene units, a tenth of a pixel far out
    return pen


def line_scale() -> float:
    return _LINE_SCALE[0]
_SELECTION_GAP = 3.5
# Below these zoom levels text cannot be read anyway; skipping it keeps huge graphs fluid.
_LOD_TEXT = 0.35
# Below this zoom a box is only its outline and fill, an edge a line: as the sketch draws them.
LOD_SHAPES = 0.12
#: A collapsed module's box (role "module"): fill, border, border width. Lavender, as in the
#: DOT palette, and apart from every node kind's hue; black / white text reads on both.
MODULE_STYLE = {"light": ("#D9C8F0", "#5E3C99", 2.0), "dark": ("#4B3A6B", "#C7B3E6", 2.0)}

class NodeItem(QGraphicsItem):
    """One node box: fill by role, the layout's text lines, an optional badge.

    Parameters
    ----------
    box : NodeBox
        Where the layout put it and the text lines it sized it for.
    node : Node or None
        The trace node (None for a box that stands for a collapsed module).
    role : str
        Colour key: "root", "leaf", "constant" or "op" (see ``theme.node_role``).
    theme : str
        "light" or "dark".

    Attributes
    ----------
    node_id : str
        The Layout/Trace id of the node.
    """

    # The state every box starts in, read from the class until a box changes it: each attribute
    # written per box costs about a microsecond, and a 10,000-node graph makes its boxes while
    # the window waits to be clickable.
    _highlight: str | None = None
    _badge: BadgeItem | None = None
    # What the badge says, apart from the item that draws it: a big graph's gradient
    # badges are made after its first picture (see GraphScene.finish), and the player
    # reads and changes the text meanwhile.
    _badge_text, _badge_tone, _badge_pending = "", "grad", False
    _badge_make: Callable[[], str] | None = None
    _fill: QColor | None = None  # cached for the sketch, which asks for thousands
    _tint: tuple[str, str] | None = None  # gradient health: (fill, text) colours
    _mark = ""  # gradient health: "NaN", "Inf", "0", "NaN born here"
    _mark_colors: tuple[str, str] | None = None
    # Measured at the first paint: a 10,000-node graph opens zoomed out, where no text
    # is drawn, and measuring every box up front took 0.4 s.
    _text_scale: float | None = None

    def __init__(self, box: NodeBox, node: Node | None, role: str, theme: str) -> None:
        super().__init__()
        self.node_id = box.id
        self.node = node
        self.box = box
        self.role = role
        self._theme = theme
        self._colors = _shared_colors(theme)
        self._rect = QRectF(-box.width / 2, -box.height / 2, box.width, box.height)
        self.setPos(box.x, box.y)
        self.setZValue(Z_NODE)
        self.setFlag(_SELECTABLE)
        self.setCursor(_HAND)

    # -- public API for the window and the player -------------------------------------------
    @property
    def box_rect(self) -> QRectF:
        """The box in item coordinates (centred on the origin)."""
        return QRectF(self._rect)

    @property
    def text_scale(self) -> float:
        """1.0, or the factor the text was shrunk by to stay inside the box."""
        if self._text_scale is None:
            self._text_scale = fit_scale(self.box.lines, self._rect.width() - 2 * TEXT_MARGIN, self.box.font_size)
        return self._text_scale

    def tooltip_text(self) -> str:
        """What hovering the box shows (the scene asks when it is hovered: see
        GraphScene.helpEvent); "" for a collapsed module's box."""
        return node_tooltip(self.node) if self.node is not None else ""

    @property
    def highlight(self) -> str | None:
        return self._highlight

    def set_highlight(self, kind: str | None) -> None:
        """Mark the node: None (plain), "current", "grad_flow" or "pending"."""
        _check_highlight(kind)
        if kind != self._highlight:
            self._highlight = kind
            self._fill = None
            self.update()
            _sketch_changed(self)

    def fill_color(self) -> QColor:
        """The box's current fill (role, or the player's "pending" grey)."""
        if self._fill is None:
            if self._tint is None and self._highlight != "pending":
                # The role's own colour, shared: the sketch asks every box of a big graph.
                self._fill = _role_fill(self._theme, self.role)
            else:
                self._fill = self._style()[0]
        return self._fill

    def scene_box(self) -> QRectF:
        """The box in scene coordinates."""
        return self._rect.translated(self.pos())

    @property
    def badge(self) -> BadgeItem | None:
        """The badge's item (made now if it was left for later), or None without a badge."""
        self.realize_badge()
        return self._badge if self._badge is not None and self._badge.isVisible() else None

    @property
    def badge_text(self) -> str:
        """The badge's text, or "" when the node has none."""
        if self._badge_make is not None:
            self._badge_text, self._badge_make = self._badge_make(), None
        return self._badge_text

    @property
    def badge_pending(self) -> bool:
        """True while the badge has its text but no item yet (``set_badge(..., later=True)``)."""
        return self._badge_pending

    def set_badge(self, text: str | Callable[[], str] | None, tone: str = "grad", later: bool = False) -> None:
        """Show ``text`` in a badge above the node (None or "" removes it).

        ``tone`` is "grad" (blue), "value" (yellow) or "note" (orange). ``later`` leaves
        making the badge's item to :meth:`realize_badge` (the text is the badge's at once);
        ``text`` may then be a function that writes it, called when it is first read.
        """
        if tone not in BADGE_TONES:
            raise ValueError(f"unknown badge tone {tone!r}; expected one of {', '.join(BADGE_TONES)}")
        self._badge_make = text if callable(text) else None
        self._badge_text, self._badge_tone = "" if callable(text) else text or "", tone
        self._badge_pending = bool(text) and later
        if not text:
            if self._badge is not None:
                self._badge.hide()
            return
        if not later:
            self._show_badge()

    def realize_badge(self) -> bool:
        """Make the item of a badge left for later; True if there was one to make."""
        if not self._badge_pending:
            return False
        self._badge_pending = False
        self._show_badge()
        return True

    def _show_badge(self) -> None:
        text = self.badge_text
        if self._badge is None:
            self._badge = BadgeItem(self, text, self._badge_tone, self._theme)
        else:
            self._badge.set_text(text, self._badge_tone)
            self._badge.show()

    def set_theme(self, theme: str) -> None:
        self._theme = theme
        self._colors = _shared_colors(theme)
        self._fill = None
        if self._badge is not None:
            self._badge.set_theme(theme)
        self.update()

    @property
    def tint(self) -> tuple[str, str] | None:
        """The gradient-health (fill, text) colours over the role's, or None."""
        return self._tint

    @property
    def mark(self) -> str:
        return self._mark

    def set_tint(self, colors: tuple[str, str] | None, mark: str = "",
                 mark_colors: tuple[str, str] | None = None) -> None:
        """Fill the box with ``colors`` = (fill, text) instead of its role's (None: the role's
        again), and pin ``mark`` ("NaN", "Inf", "0"...) beside it, in ``mark_colors``."""
        if colors != self._tint or mark != self._mark or mark_colors != self._mark_colors:
            if mark != self._mark:
                self.prepareGeometryChange()
            self._tint, self._mark, self._mark_colors = colors, mark, mark_colors
            self._fill = None
            self.update()
            _sketch_changed(self)

    def set_content(self, box: NodeBox, node: Node | None) -> None:
        """New text and node data in the same place (a re-run whose structure did not change)."""
        if box.lines != self.box.lines:
            self._text_scale = None
            self.update()
        self.box, self.node = box, node

    # -- Qt overrides ---------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        m = _SELECTION_GAP + 2.0
        rect = self._rect.adjusted(-m, -m, m, m)
        return rect.united(self._mark_rect()) if self._mark else rect

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self._rect, _CORNER, _CORNER)
        return path

    def _mark_rect(self) -> QRectF:
        # Left of the box, level with its top: the gradient badge has the space above it.
        size = self.box.font_size * 0.9
        width = text_width(self._mark, size) + 8
        return QRectF(self._rect.left() - width - 4, self._rect.top(), width, size * 1.4)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        fill, border, text, width = self._style()
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod < LOD_SHAPES:
            # As the sketch draws a box (graph_sketch), so a far-out picture keeps its look
            # whichever of the two is on screen: a cosmetic outline keeps sub-pixel boxes visible.
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            # The player's current step and the gradient's path keep their border colour,
            # two pixels wide: on a projector, where the step is must show at any zoom.
            marked = self._highlight in ("current", "grad_flow") or self.isSelected()
            painter.setPen(device_pen(border, 2) if marked else device_pen(fill.darker(130), 0))
            painter.setBrush(fill)
            painter.drawRect(self._rect)
            return
        pen = QPen(border, width * _LINE_SCALE[0])
        if self.node is not None and self.node.internal_to:
            pen.setStyle(Qt.PenStyle.DashLine)  # made inside a composite op, as in the DOT
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(self._rect, _CORNER, _CORNER)
        if self.isSelected():
            ring = self._rect.adjusted(-_SELECTION_GAP, -_SELECTION_GAP, _SELECTION_GAP, _SELECTION_GAP)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(self._colors["node_text"]), 2.0, Qt.PenStyle.DashLine))
            painter.drawRoundedRect(ring, _CORNER + 2, _CORNER + 2)
        if lod >= _LOD_TEXT:
            painter.setPen(text)
            inner = self._rect.adjusted(TEXT_MARGIN, 0, -TEXT_MARGIN, 0)
            draw_lines(painter, self.box.lines, inner, self.text_scale, self.box.font_size)
            if self._mark:
                self._paint_mark(painter)

    def _paint_mark(self, painter: QPainter) -> None:
        rect = self._mark_rect()
        fill, ink = self._mark_colors or self._tint or ("#D62728", "#FFFFFF")
        painter.setPen(QPen(QColor("#FFFFFF"), 1.0))
        painter.setBrush(QColor(fill))
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(QColor(ink))
        draw_lines(painter, (self._mark,), rect, 1.0, self.box.font_size * 0.9)

    def _style(self) -> tuple[QColor, QColor, QColor, float]:
        c = self._colors
        role = self.role if self.role in ("root", "leaf", "constant", "op") else "op"
        fill, border, text, width = c[role], c[role + "_border"], c["node_text"], 1.4
        if self.role == "root":
            width = 2.2
        elif self.role == "module":
            fill, border, width = MODULE_STYLE["dark" if self._theme == "dark" else "light"]
        if self.node is not None and self.node.internal_to.startswith("backward"):
            # Made by a backward pass with create_graph=True: the gradient's own graph.
            border, width = c["grad_flow"], 2.6
        if self._tint is not None:
            fill, text = self._tint
        if self._highlight == "pending":
            fill, border, text = c["pending"], c["pending_border"], c["pending_text"]
        elif self._highlight == "current":
            border, width = c["current"], 4.0
        elif self._highlight == "grad_flow":
            border, width = c["grad_flow"], 3.0
        return QColor(fill), QColor(border), QColor(text), width


class EdgeItem(QGraphicsItem):
    """One edge: Graphviz's own Bezier curve and an arrowhead at the target.

    Attributes
    ----------
    source, target : str
        Node ids; data flows source -> target.
    slot : int
        Which input of the target this edge feeds.
    """

    # As a node's: the state every edge starts in is the class's (see NodeItem).
    _highlight: str | None = None
    _tint: str | None = None  # gradient health colour
    _shape: QPainterPath | None = None
    # The curve and the arrowhead are made when first drawn or asked for: a big graph opens
    # zoomed out, drawn by its sketch, and most of its edges are never painted one by one.
    _curve_made: QPainterPath | None = None
    _arrow_made: QPolygonF | None = None

    def __init__(self, path: EdgePath, theme: str) -> None:
        super().__init__()
        self.edge_path = path
        self._colors = _shared_colors(theme)
        self._bounds = _edge_bounds(path)
        self.setZValue(Z_EDGE)
        self.setAcceptedMouseButtons(_NO_BUTTON)

    @property
    def source(self) -> str:
        return self.edge_path.source

    @property
    def target(self) -> str:
        return self.edge_path.target

    @property
    def slot(self) -> int:
        return self.edge_path.slot

    @property
    def _curve(self) -> QPainterPath:
        if self._curve_made is None:
            self._curve_made = curve = QPainterPath()
            add_bezier(curve, self.edge_path.points)
        return self._curve_made

    @property
    def _arrow(self) -> QPolygonF:
        if self._arrow_made is None:
            path = self.edge_path
            self._arrow_made = _NO_ARROW if path.arrow_tail is None or path.arrow_head is None else \
                _arrowhead(path.arrow_tail, path.arrow_head)
        return self._arrow_made

    @property
    def highlight(self) -> str | None:
        return self._highlight

    def set_highlight(self, kind: str | None) -> None:
        """Mark the edge: None, "current", "grad_flow" or "pending" (faded)."""
        _check_highlight(kind)
        if kind != self._highlight:
            self._highlight = kind
            self.update()
            _sketch_changed(self)

    def set_theme(self, theme: str) -> None:
        self._colors = _shared_colors(theme)
        self.update()

    @property
    def tint(self) -> str | None:
        return self._tint

    def set_tint(self, color: str | None) -> None:
        """Draw the edge in ``color`` (gradient health; None: the plain colour); the player's
        highlights still win."""
        if color != self._tint:
            self._tint = color
            self.update()

    def curve(self) -> QPainterPath:
        """The Bezier path (without the arrowhead), in scene coordinates."""
        return QPainterPath(self._curve)

    def arrowhead(self) -> QPolygonF:
        """The arrowhead triangle (tip first), empty when the edge has none."""
        return QPolygonF(self._arrow)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(6.0)
            self._shape = stroker.createStroke(self._curve)
            self._shape.addPolygon(self._arrow)
        return self._shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        c = self._colors
        color, width = QColor(c["edge"]), 1.3
        if self._tint is not None:
            color, width = QColor(self._tint), 2.4
        if self._highlight == "current":
            color, width = QColor(c["current"]), 3.0
        elif self._highlight == "grad_flow":
            color, width = QColor(c["grad_flow"]), 2.6
        elif self._highlight == "pending":
            color = QColor(c["pending_border"])
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()) < LOD_SHAPES:
            # As the sketch: a device pixel (two for a marked edge) that a far-out zoom cannot thin away.
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(device_pen(color, 0 if width < 2 else 2))
            painter.drawPath(self._curve)
            return
        pen = QPen(color, width * _LINE_SCALE[0])
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.drawPath(self._curve)
        if not self._arrow.isEmpty():
            painter.setPen(QPen(color, 1.0))
            painter.setBrush(QBrush(color))
            painter.drawPolygon(self._arrow)


_NO_ARROW = QPolygonF()
# Arrowheads by direction and length, drawn at the origin: most of a big graph's edges point
# the same way (a chain's all do), and moving a cached triangle is one call instead of five.
_ARROWS: dict[tuple[float, float], QPolygonF] = {}
_ARROWS_MAX = 4096
# An arrowhead's half width over its length (its base is 0.8 of its length wide).
_ARROW_HALF_WIDTH = 0.4


def _arrowhead(base: tuple[float, float], tip: tuple[float, float]) -> QPolygonF:
    """A triangle with its tip at ``tip`` and the middle of its base at ``base``."""
    dx, dy = tip[0] - base[0], tip[1] - base[1]
    shape = _ARROWS.get((dx, dy))
    if shape is None:
        if len(_ARROWS) >= _ARROWS_MAX:
            _ARROWS.clear()
        nx, ny = -dy * _ARROW_HALF_WIDTH, dx * _ARROW_HALF_WIDTH
        shape = _ARROWS[(dx, dy)] = QPolygonF([QPointF(0, 0), QPointF(nx - dx, ny - dy), QPointF(-nx - dx, -ny - dy)])
    return shape.translated(tip[0], tip[1])


def add_bezier(path: QPainterPath, points: tuple[tuple[float, float], ...]) -> None:
    """Add the cubic Bezier curve through ``points`` (``p0, c1, c2, p1, ...``) to ``path``."""
    if points:
        path.moveTo(*points[0])
        for i in range(1, len(points) - 2, 3):
            (x1, y1), (x2, y2), (x3, y3) = points[i], points[i + 1], points[i + 2]
            path.cubicTo(x1, y1, x2, y2, x3, y3)  # numbers, not QPointFs: 3 objects fewer a segment


def _edge_bounds(path: EdgePath, margin: float = 3.0) -> QRectF:
    """Where the edge may paint: its control points (the curve stays inside their hull) and
    its arrowhead's corners (as :func:`_arrowhead` makes them), plus ``margin``. Worked out
    in plain numbers, without making the curve or the triangle (a third of an edge's cost)."""
    points = path.points
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    if path.arrow_tail is not None and path.arrow_head is not None:
        (bx, by), (tx, ty) = path.arrow_tail, path.arrow_head
        nx, ny = (by - ty) * _ARROW_HALF_WIDTH, (tx - bx) * _ARROW_HALF_WIDTH
        xs += (tx, bx + nx, bx - nx)
        ys += (ty, by + ny, by - ny)
    if not xs:
        return QRectF(-margin, -margin, 2 * margin, 2 * margin)
    left, top = min(xs), min(ys)
    return QRectF(left - margin, top - margin, max(xs) - left + 2 * margin, max(ys) - top + 2 * margin)


class ClusterItem(QGraphicsItem):
    """A module's frame: a rounded translucent rectangle with the module path.

    The label sits at the bottom left, where Graphviz reserves room for it when the
    graph runs bottom-to-top (rankdir BT).
    """

    def __init__(self, box: ClusterBox, theme: str, label: str, depth: int = 0) -> None:
        super().__init__()
        self.path = box.path
        # The title the canvas writes ("path · Class"), not the layout's bare path.
        self.label = label
        self.cluster_box = box
        self._theme = theme
        self._depth = depth
        self._rect = QRectF(box.x - box.width / 2, box.y - box.height / 2, box.width, box.height)
        self._label_scale = fit_scale((self.label,), box.width - 12.0, box.font_size)
        self._tint: str | None = None  # gradient health of the module
        self.setZValue(Z_CLUSTER + depth * 0.01)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def tooltip_text(self) -> str:
        """What hovering the frame shows (written when hovered, as a node's: see GraphScene.helpEvent)."""
        return tip(translate("graph_items", "module {path}").format(path=self.path))  # a module's name is the user's

    def set_theme(self, theme: str) -> None:
        self._theme = theme
        self.update()

    @property
    def tint(self) -> str | None:
        return self._tint

    def set_tint(self, color: str | None) -> None:
        """Frame the module in ``color`` (its gradient health; None: the plain frame)."""
        if color != self._tint:
            self._tint = color
            self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._rect.adjusted(-3, -3, 3, 3)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        dark = self._theme == "dark"
        # Nested modules stack their translucent fills, so each level reads a shade deeper.
        fill = QColor("#B39DDB" if not dark else "#7E57C2")
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod < LOD_SHAPES:  # as the sketch draws a frame
            fill.setAlpha(40)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(device_pen(QColor(self._tint), 2) if self._tint else Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRect(self._rect)
            return
        fill.setAlpha(34 if not dark else 46)
        border = QColor("#7A6A99" if not dark else "#A898C8")
        painter.setPen(QPen(QColor(self._tint), 4.0) if self._tint else QPen(border, 1.2))
        painter.setBrush(fill)
        painter.drawRoundedRect(self._rect, 8.0, 8.0)
        if lod >= _LOD_TEXT:
            painter.setPen(QColor(node_colors(self._theme)["node_text"]))
            size = self.cluster_box.font_size
            height = size * LINE_SPACING
            label = QRectF(self._rect.left() + 6, self._rect.bottom() - height - 4, self._rect.width() - 12, height)
            painter.save()
            k = self._label_scale / TEXT_SCALE
            painter.setFont(canvas_font(size))
            painter.translate(label.left(), label.center().y())
            painter.scale(k, k)
            painter.drawText(QRectF(0, -height / 2 / k, label.width() / k, height / k),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.label)
            painter.restore()


@lru_cache(maxsize=32)
def _role_fill(theme: str, role: str) -> QColor:
    # _style's fill without a tint or the "pending" highlight (which a test checks it matches).
    if role == "module":
        return QColor(MODULE_STYLE["dark" if theme == "dark" else "light"][0])
    return QColor(_shared_colors(theme)[role if role in ("root", "leaf", "constant", "op") else "op"])


@lru_cache(maxsize=4)
def _shared_colors(theme: str) -> MappingProxyType:
    # One read-only table per theme for every item: a copy each (node_colors) was 20,000
    # dict copies for a 10,000-node graph.
    return MappingProxyType(node_colors(theme))


def _sketch_changed(item: QGraphicsItem) -> None:
    # The scene's batched sketch reads node colours: tell it one changed.
    scene = item.scene()
    refresh = getattr(scene, "refresh_sketches", None)
    if refresh is not None:
        refresh()
