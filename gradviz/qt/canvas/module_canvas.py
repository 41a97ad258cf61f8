"""Module groups on the canvas: what is under the mouse, double-click and right-click to
fold or unfold, and the inspector's account of a collapsed module."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QMouseEvent
from PySide6.QtWidgets import QMenu

from gradviz.core.i18n import translate
from gradviz.core.layout.grouping import group_path
from gradviz.core.layout.layout import Layout
from gradviz.core.layout.module_boxes import ancestors, module_path, module_summary, module_title
from gradviz.core.trace import Trace
from gradviz.qt.widgets.inspector import Inspector

if TYPE_CHECKING:
    from gradviz.qt.canvas.big_graphs import BigGraphs
    from gradviz.qt.canvas.node_menu import NodeMenu


def hit_test(layout: Layout, x: float, y: float) -> tuple[str, str] | None:
    """What is at scene point ``(x, y)`` of ``layout``.

    Returns
    -------
    tuple or None
        ``("module", path)`` on a collapsed module's box, ``("node", id)`` on a node,
        ``("cluster", path)`` inside the innermost module frame there, else None.
    """
    for ident, box in layout.nodes.items():
        if abs(x - box.x) <= box.width / 2 and abs(y - box.y) <= box.height / 2:
            path = module_path(ident)
            return ("module", path) if path is not None else ("node", ident)
    best = None
    for c in layout.clusters:
        if abs(x - c.x) <= c.width / 2 and abs(y - c.y) <= c.height / 2:
            if best is None or c.path.count(".") > best.count("."):
                best = c.path
    return ("cluster", best) if best is not None else None


def show_module(inspector: Inspector, trace: Trace, path: str) -> str:
    """Fill ``inspector`` with collapsed module ``path``: class, parameters, shapes and the
    nodes inside. Returns the same as plain text.

    The inspector is made for nodes; its title label carries the module's account.
    """
    summary = module_summary(trace, path)
    inspector.set_node(None, None)
    e = html.escape
    listed = "<br>".join(f"{e(ident)} · {e(title)}" for ident, title in summary.nodes[:200])
    more = ("<br>" + translate("module_canvas", "… and {n} more").format(n=len(summary.nodes) - 200)
            if len(summary.nodes) > 200 else "")
    details = "<br>".join(e(line) for line in summary.lines[1:])
    inside = translate("module_canvas", "{n} nodes inside").format(n=len(summary.nodes))
    what, hint = translate("module_canvas", "collapsed module"), translate("module_canvas",
                                                                           "Double-click its box to expand it.")
    inspector.title_label.setTextFormat(Qt.TextFormat.RichText)
    inspector.title_label.setText(
        f"{e(module_title(trace, path))}<div style='font-weight: normal; font-size: small'>"
        f"{what}<br>{details}<br><br><b>{inside}</b><br>{listed}{more}<br><br><i>{hint}</i></div>")
    return summary.text()


class ModuleGestures(QObject):
    """Double-click and right-click on module boxes and frames of the canvas.

    Double-click a collapsed module's box: expand it; double-click inside a module's frame
    (not on a node): collapse that module. Right-click either: a menu with the same and
    Collapse All / Expand All. A right-click on a node keeps the canvas's node menu, which
    gains "Collapse <module>" entries for the modules the node sits in.

    Parameters
    ----------
    big : BigGraphs
        Does the folding.
    node_menu : NodeMenu
        The canvas's menu on nodes (made with the canvas, so before this).
    """

    def __init__(self, big: "BigGraphs", node_menu: "NodeMenu") -> None:
        super().__init__(big)
        self.big = big
        self.view = big.view
        self.last_menu: QMenu | None = None
        # Installed after the node menu's filter, so this one sees the events first.
        self.view.viewport().installEventFilter(self)
        node_menu.add_provider(self._add_node_entries)

    def item_at(self, pos: QPoint) -> tuple[str, str] | None:
        """What is under viewport point ``pos`` (see :func:`hit_test`)."""
        scene = self.view.graph_scene
        if scene is None:
            return None
        point = self.view.mapToScene(pos)
        return hit_test(scene.layout, point.x(), point.y())

    def menu_for(self, hit: tuple[str, str]) -> QMenu:
        """The menu for a module box or a module frame."""
        kind, path = hit
        trace = self.big.session.trace
        menu = QMenu(self.view)
        menu.setToolTipsVisible(True)
        if kind == "module":
            title = module_title(trace, path) if trace else path
            action = menu.addAction(translate("module_canvas", "Expand {title}").format(title=title))
            action.triggered.connect(lambda _c=False, p=path: self.big.expand(p))
        else:
            for p in reversed(ancestors(path)):
                title = module_title(trace, p) if trace else p
                action = menu.addAction(translate("module_canvas", "Collapse {title}").format(title=title))
                action.triggered.connect(lambda _c=False, q=p: self.big.collapse(q))
        menu.addSeparator()
        menu.addAction(self.big.actions["collapse_all"])
        menu.addAction(self.big.actions["expand_all"])
        return menu

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind == QEvent.Type.MouseButtonDblClick and isinstance(event, QMouseEvent):
            if event.button() != Qt.MouseButton.LeftButton:
                return False
            hit = self.item_at(event.position().toPoint())
            if hit is None or hit[0] == "node":
                return False
            (self.big.expand if hit[0] == "module" else self.big.collapse)(hit[1])
            return True
        if kind == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            hit = self.item_at(event.pos())
            if hit is None or hit[0] == "node":
                return False
            if self.last_menu is not None:
                self.last_menu.deleteLater()
            self.last_menu = self.menu_for(hit)
            self.last_menu.popup(event.globalPos())  # not exec(): no nested event loop
            return True
        return False

    def _add_node_entries(self, menu: QMenu, node_id: str) -> None:
        trace = self.big.session.trace
        if trace is None or module_path(node_id) is not None:
            return
        try:
            paths = ancestors(group_path(trace.node(node_id)))
        except KeyError:
            return
        if not paths:
            return
        menu.addSeparator()
        for p in reversed(paths):
            action = menu.addAction(translate("module_canvas", "Collapse {title}").format(title=module_title(trace, p)))
            action.setToolTip(translate("module_canvas",
                                        "Draw this group as one box (double-click the box to expand it)"))
            action.triggered.connect(lambda _c=False, q=p: self.big.collapse(q))
