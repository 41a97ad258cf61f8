"""Gradient health on the canvas: boxes, edges and module frames coloured by |gradient| (log
scale), NaN / Inf / zero marks, where a NaN was born, and a key under the canvas.

The numbers come from :mod:`gradviz.core.checks.health`; this feature only paints them, and
takes them off again when switched off (View ▸ Gradient Health, or a lesson that asks for it).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from gradviz.core.checks.health import INF, NAN, ZERO, Health, edge_health, module_health, node_health, position, scale
from gradviz.core.i18n import translate
from gradviz.core.layout.module_boxes import module_path
from gradviz.core.session import Session
from gradviz.qt.actions import make_action
from gradviz.qt.host import Host
from gradviz.qt.theme import HEALTH_MARKS, HEALTH_NONE, HEALTH_RAMP, health_color

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
#: What each mark says on its box.
MARK_TEXT = {NAN: "NaN", INF: "Inf", ZERO: "0"}


def power_text(exponent: int) -> str:
    """10⁻¹⁸ for -18."""
    return "10" + str(exponent).translate(_SUPERSCRIPT)


def colors_of(health: Health, span: tuple[int, int] | None) -> tuple[str, str] | None:
    """(fill, text) for ``health`` on the scale ``span``."""
    if health.mark in HEALTH_MARKS:
        return HEALTH_MARKS[health.mark]
    t = position(health, span) if span is not None else None
    return health_color(t) if t is not None else None


def mark_text(health: Health) -> str:
    if health.born:
        return translate("health", "{mark} born here").format(mark=MARK_TEXT[health.born])
    return MARK_TEXT.get(health.mark, "")


class HealthKey(QWidget):
    """Under the canvas: the colour scale from the smallest gradient's power of ten to the
    largest, and the marks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.span: tuple[int, int] | None = None
        self.setToolTip(translate("health", "Gradient health: each box and edge coloured by the size of its gradient "
                                            "(root mean square), on a log scale"))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_span(self, span: tuple[int, int] | None) -> None:
        self.span = span
        self.updateGeometry()
        self.update()

    def text(self) -> str:
        """What the key says, left to right."""
        low, high = self.span if self.span is not None else (0, 0)
        zero = translate("health", "0 (exactly zero)")
        if self.span is None:
            return translate("health", "|gradient|: no gradients · NaN · Inf · {zero}").format(zero=zero)
        return f"|gradient| {power_text(low)} … {power_text(high)} · NaN · Inf · {zero}"

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(600, self.fontMetrics().height() + 10)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        h = self.height()
        x = 4.0
        painter.setPen(self.palette().color(self.foregroundRole()))

        def label(text: str) -> None:
            nonlocal x
            width = fm.horizontalAdvance(text)
            painter.drawText(QRectF(x, 0, width + 2, h), Qt.AlignmentFlag.AlignVCenter, text)
            x += width + 8

        low, high = self.span if self.span is not None else (0, 0)
        label("|gradient|")
        label(power_text(low) if self.span is not None else "–")
        bar = QRectF(x, (h - fm.height()) / 2 + 1, 160, fm.height() - 2)
        ramp = QLinearGradient(bar.topLeft(), bar.topRight())
        for i, color in enumerate(HEALTH_RAMP):
            ramp.setColorAt(i / (len(HEALTH_RAMP) - 1), QColor(color))
        painter.setBrush(ramp)
        painter.drawRoundedRect(bar, 3, 3)
        x = bar.right() + 8
        label(power_text(high) if self.span is not None else "–")
        x += 10
        for mark, text in ((NAN, "NaN"), (INF, "Inf"), (ZERO, translate("health", "0 (exactly zero)"))):
            fill, ink = HEALTH_MARKS[mark]
            pill = QRectF(x, bar.top(), fm.horizontalAdvance(text) + 12, bar.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(fill))
            painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
            painter.setPen(QColor(ink))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
            x = pill.right() + 10
        painter.end()


class GradientHealth(QObject):
    """View ▸ Gradient Health: the canvas coloured by gradient size.

    Attributes
    ----------
    action : QAction
        Checkable; Ctrl+Shift+H.
    key : HealthKey
        The scale under the canvas, shown while health colours are on.
    span : tuple of int or None
        The powers of ten the colours span for the graph on screen.
    """

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(host.window)
        self.session, self.host = session, host
        self.view = host.canvas
        self.span: tuple[int, int] | None = None
        self.key = HealthKey()
        self.key.hide()
        host.place(self.key, "bottom")
        self.action = make_action(host.window, translate("health", "Gradient &Health"), session.set_health,
                                  ["Ctrl+Shift+H"],
                                  translate("health", "Colour every box and edge by the size of its gradient (log "
                                                      "scale); mark NaN, Inf and exact zeros"), checkable=True)
        host.add_command("gradient_health", self.action)
        host.menu("view").addAction(self.action)
        session.health_changed.connect(self._on_health_changed)
        self.view.graph_shown.connect(self.apply)

    def _on_health_changed(self, on: bool) -> None:
        self.action.blockSignals(True)
        self.action.setChecked(on)
        self.action.blockSignals(False)
        self.apply()

    def apply(self) -> None:
        """Paint (or take off) the health colours of the drawing on screen."""
        scene = self.view.graph_scene
        on = self.session.health and scene is not None
        self.key.setVisible(bool(on))
        if scene is None:
            return
        if not on:
            for item in scene.node_items.values():
                item.set_tint(None)
            for edge in scene.edge_items:
                edge.set_tint(None)
            for cluster in scene.cluster_items:
                cluster.set_tint(None)
            return
        trace = scene.trace
        nodes = node_health(trace)
        modules = module_health(trace, nodes)
        edges = edge_health(trace)
        self.span = span = scale([*nodes.values(), *edges.values()])
        self.key.set_span(span)
        for ident, item in scene.node_items.items():
            path = module_path(ident)
            health = modules.get(path) if path is not None else nodes.get(ident)
            colors = colors_of(health, span) if health is not None else None
            mark = (health.born or health.mark) if health is not None else ""
            item.set_tint(colors or HEALTH_NONE, mark_text(health) if health is not None else "",
                          HEALTH_MARKS.get(mark))
        for edge in scene.edge_items:
            health = edges.get((edge.source, edge.target, edge.slot))
            colors = colors_of(health, span) if health is not None else None
            edge.set_tint(colors[0] if colors is not None else None)
        self._make_room(scene)
        for cluster in scene.cluster_items:
            health = modules.get(cluster.path)
            colors = colors_of(health, span) if health is not None else None
            cluster.set_tint(colors[0] if colors is not None else None)

    def _make_room(self, scene) -> None:
        """Grow the scene to hold the marks beside the boxes ("NaN born here" reaches past the
        layout's left edge), so fitting the graph shows them."""
        rect = scene.sceneRect()
        grown = rect
        for item in scene.node_items.values():
            if item.mark:
                grown = grown.united(item.sceneBoundingRect().adjusted(-4, -4, 4, 4))
        if grown != rect:
            fitted = self.view.is_fitted  # before: a new scene rect moves the scroll bars
            scene.setSceneRect(grown)
            scene.sketch_scene.setSceneRect(grown)
            if fitted:
                self.view.fit()
