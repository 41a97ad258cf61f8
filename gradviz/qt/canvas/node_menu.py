"""The canvas's right-click menu on a node, filled by whichever features add entries to it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QMenu

from gradviz.qt.canvas.graph_items import NodeItem
from gradviz.qt.canvas.graph_view import GraphView

#: ``provider(menu, node_id)`` adds its actions for that node to ``menu``.
MenuProvider = Callable[[QMenu, str], None]


class NodeMenu(QObject):
    """Pops a menu up when a node of ``view`` is right-clicked (or the menu key is pressed on it).

    Features register providers with :meth:`add_provider` instead of each installing their
    own handler, so one menu lists every node command.

    Parameters
    ----------
    view : GraphView
        The canvas.
    """

    def __init__(self, view: GraphView) -> None:
        super().__init__(view)
        self.view = view
        self._providers: list[MenuProvider] = []
        self.last_menu: QMenu | None = None
        view.viewport().installEventFilter(self)

    def add_provider(self, provider: MenuProvider) -> None:
        self._providers.append(provider)

    def node_at(self, pos: QPoint) -> str | None:
        """The id of the node under viewport point ``pos`` (its badge counts as the node)."""
        item = self.view.itemAt(pos)
        while item is not None and not isinstance(item, NodeItem):
            item = item.parentItem()
        return item.node_id if item is not None else None

    def menu_for(self, node_id: str) -> QMenu:
        """A menu of every provider's actions for ``node_id``."""
        menu = QMenu(self.view)
        menu.setToolTipsVisible(True)
        for provider in self._providers:
            provider(menu, node_id)
        return menu

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            node_id = self.node_at(event.pos())
            if node_id is not None and self._providers:
                if self.last_menu is not None:
                    self.last_menu.deleteLater()
                self.last_menu = self.menu_for(node_id)
                self.last_menu.popup(event.globalPos())  # not exec(): no nested event loop
                return True
        return False
