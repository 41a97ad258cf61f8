"""What a feature may ask of the window it lives in — and nothing more.

Features are made as ``Feature(session, host)``: they read and change the
:class:`~gradviz.core.session.Session` and place their widgets and actions through the host.
They never import the main window, never reach into each other, and may be made in any
order: menus come in a fixed order whoever asks first, docks are found by name, widgets by
the canvas go into named slots.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QVBoxLayout, QWidget

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.session import Session

#: Menus by key, in the order they appear in the menu bar.
MENUS = (("file", QT_TRANSLATE_NOOP("host", "&File")), ("lessons", QT_TRANSLATE_NOOP("host", "&Lessons")),
         ("run", QT_TRANSLATE_NOOP("host", "&Run")), ("view", QT_TRANSLATE_NOOP("host", "&View")),
         ("step", QT_TRANSLATE_NOOP("host", "&Step")), ("classroom", QT_TRANSLATE_NOOP("host", "&Classroom")),
         ("train", QT_TRANSLATE_NOOP("host", "Trai&n")), ("help", QT_TRANSLATE_NOOP("host", "&Help")))
#: Where a widget may go around the canvas, top to bottom.
SLOTS = ("above_canvas", "below_canvas", "bottom")


class Host(Protocol):
    """The window, as features see it: ``settings``, ``node_menu`` (the canvas's right-click
    menu on nodes), ``commands``, and the methods below."""

    session: Session
    settings: object
    node_menu: object

    @property
    def window(self) -> QMainWindow: ...

    @property
    def canvas(self) -> QWidget: ...

    def menu(self, key: str) -> QMenu: ...

    def add_command(self, name: str, action: QAction) -> QAction: ...

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea, below: str | None = None,
                 in_view_menu: bool = True) -> QDockWidget: ...

    def dock(self, name: str) -> QDockWidget | None: ...

    def place(self, widget: QWidget, slot: str) -> None: ...

    def add_request_preparer(self, preparer: Callable) -> None: ...

    def confirm_discard(self, doing: str) -> bool:
        """Ask what to do with unsaved edits before ``doing``; True means go ahead."""


class Commands:
    """Every named action of the window, for the shortcuts dialog: ``commands.run``..."""

    def __init__(self) -> None:
        self._actions: dict[str, QAction] = {}

    def __getattr__(self, name: str) -> QAction:
        try:
            return self.__dict__["_actions"][name]
        except KeyError:
            raise AttributeError(name) from None

    def add(self, name: str, action: QAction) -> None:
        if name in self._actions and self._actions[name] is not action:
            raise ValueError(f"two commands named {name!r}")
        self._actions[name] = action

    def all(self) -> list[QAction]:
        """Every command, in the order added."""
        return list(self._actions.values())


class MenuBarHost:
    """The menu-bar, command and dock part of a host, for a QMainWindow to inherit.

    Expects ``self`` to be a QMainWindow; ``commands`` collects every named action for the
    shortcuts dialog.
    """

    def _init_host(self: QMainWindow, column: QVBoxLayout) -> None:
        self._menus: dict[str, QMenu] = {}
        self.commands = Commands()
        self._preparers: list[Callable] = []
        self._slots: dict[str, QVBoxLayout] = {}
        for key in SLOTS:
            layout = QVBoxLayout()
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(4)
            self._slots[key] = layout
        self._column = column

    def menu(self, key: str) -> QMenu:
        """The menu ``key`` (see MENUS), made in its place in the bar on first use."""
        if key in self._menus:
            return self._menus[key]
        keys = [k for k, _title in MENUS]
        title = translate("host", dict(MENUS)[key])
        menu = QMenu(title, self)
        menu.setToolTipsVisible(True)
        bar = self.menuBar()
        later = [self._menus[k] for k in keys[keys.index(key) + 1:] if k in self._menus]
        if later:
            bar.insertMenu(later[0].menuAction(), menu)
        else:
            bar.addMenu(menu)
        self._menus[key] = menu
        return menu

    def add_command(self, name: str, action: QAction) -> QAction:
        """List ``action`` in the shortcuts dialog as ``name`` (and keep its shortcut live
        even when menus are hidden)."""
        self.commands.add(name, action)
        self.addAction(action)
        return action

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea, below: str | None = None,
                 in_view_menu: bool = True) -> QDockWidget:
        """Add ``dock`` (its object name set: saveState() finds docks by it), under the dock
        named ``below`` when given."""
        if not dock.objectName():
            raise ValueError("a dock needs an object name")
        self.addDockWidget(area, dock)
        other = self.dock(below) if below else None
        if other is not None:
            self.splitDockWidget(other, dock, Qt.Orientation.Vertical)
        if in_view_menu:
            self.menu("view").addAction(dock.toggleViewAction())
        return dock

    def dock(self, name: str) -> QDockWidget | None:
        return self.findChild(QDockWidget, name)

    def place(self, widget: QWidget, slot: str) -> None:
        """Put ``widget`` above the canvas, below it, or at the bottom of the central column."""
        self._slots[slot].addWidget(widget)

    def add_request_preparer(self, preparer: Callable) -> None:
        """``preparer(request) -> request`` sees every run request before it starts."""
        self._preparers.append(preparer)

    @property
    def window(self) -> QMainWindow:
        return self

    @property
    def canvas(self) -> QWidget:
        return self.graph_view

    def prepare_request(self, request: object) -> object:
        for preparer in self._preparers:
            request = preparer(request)
        return request
