"""The window's own actions (view, look, help), the toolbar, and the keyboard-shortcuts dialog.

Every action has a shortcut and a tooltip naming it, so the whole app can be driven from
the keyboard and the toolbar teaches the keys.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcutEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from gradviz.core.i18n import LANGUAGES, QT_TRANSLATE_NOOP, SYSTEM, translate

if TYPE_CHECKING:
    from gradviz.qt.main_window import MainWindow

#: Canvas gestures that are not actions, for the shortcuts dialog.
GESTURES = (
    (QT_TRANSLATE_NOOP("actions", "Mouse wheel on the graph"), QT_TRANSLATE_NOOP("actions", "Zoom around the cursor")),
    (QT_TRANSLATE_NOOP("actions", "Drag on the graph"), QT_TRANSLATE_NOOP("actions", "Pan")),
    (QT_TRANSLATE_NOOP("actions", "Click a node"),
     QT_TRANSLATE_NOOP("actions", "Inspect it (value, gradient, saved tensors)")),
    (QT_TRANSLATE_NOOP("actions", "Hover a node"), QT_TRANSLATE_NOOP("actions", "Short summary")),
    (QT_TRANSLATE_NOOP("actions", "Click in the overview"), QT_TRANSLATE_NOOP("actions", "Move the view there")),
    (QT_TRANSLATE_NOOP("actions", "Right-click a node"),
     QT_TRANSLATE_NOOP("actions", "Node commands: Show Gradient at it")),
    (QT_TRANSLATE_NOOP("actions", "Click or drag on the step timeline"),
     QT_TRANSLATE_NOOP("actions", "Jump to that step")),
)


def shortcut_text(action: QAction) -> str:
    """The action's shortcuts as the user reads them ("Ctrl+Return, Ctrl+Enter")."""
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())


def make_action(parent: QWidget, text: str, slot: Callable[[], object], shortcuts: Sequence[str | QKeySequence],
                tip: str, icon: QStyle.StandardPixmap | None = None, checkable: bool = False) -> QAction:
    """A QAction whose tooltip and status tip say what it does and its first shortcut."""
    action = QAction(text, parent)
    action.setShortcuts([QKeySequence(s) for s in shortcuts])
    if icon is not None:
        action.setIcon(parent.style().standardIcon(icon))
    action.setCheckable(checkable)
    keys = shortcut_text(action).split(", ")[0]
    action.setToolTip(f"{tip} ({keys})" if keys else tip)
    action.setStatusTip(tip)
    # triggered(bool) would be passed to slots taking an optional argument: swallow it.
    if checkable:
        action.toggled.connect(slot)
    else:
        action.triggered.connect(lambda _checked=False: slot())
    parent.addAction(action)  # shortcuts work even when the menus are hidden
    return action


def add_window_actions(w: "MainWindow") -> None:
    """The window's own commands: the canvas's view, the look, help; in the View and Help menus."""
    view, session = w.graph_view, w.session
    fit = make_action(view, translate("actions", "&Fit Graph"), view.fit, ["F"],
                      translate("actions", "Zoom so the whole graph is visible"))
    # "F" is a plain letter: only while the canvas has focus, or it could not be typed.
    fit.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    zoom_in = make_action(w, translate("actions", "Zoom &In"), view.zoom_in, ["Ctrl+=", "Ctrl++"],
                          translate("actions", "Zoom in"))
    zoom_out = make_action(w, translate("actions", "Zoom &Out"), view.zoom_out, ["Ctrl+-"],
                           translate("actions", "Zoom out"))
    zoom_reset = make_action(w, translate("actions", "Zoom &100 %"), view.reset_zoom, ["Ctrl+0"],
                             translate("actions", "Zoom to 100 % (one point per pixel)"))
    font_bigger = make_action(w, translate("actions", "&Bigger Font"),
                              lambda: session.set_font_size(session.font_size + 1),
                              ["Ctrl+Shift+=", "Ctrl+Shift++"],
                              translate("actions", "Bigger text in the editor and panels"))
    font_smaller = make_action(w, translate("actions", "&Smaller Font"),
                               lambda: session.set_font_size(session.font_size - 1),
                               ["Ctrl+Shift+-", "Ctrl+Shift+_"],
                               translate("actions", "Smaller text in the editor and panels"))
    # Where "+" needs Shift (US keys), Ctrl+Shift+= also reads as Ctrl++ and Qt would
    # refuse both as ambiguous; the resolver lets Shift pick the bigger font.
    w._plus_resolver = _PlusResolver(w, zoom_in, font_bigger)
    dark = make_action(w, translate("actions", "&Dark Theme"), lambda on: session.set_theme("dark" if on else "light"),
                       ["Ctrl+Shift+T"], translate("actions", "Switch between the light and dark look"), checkable=True)
    legend = make_action(w, translate("actions", "Show &Legend"), w.legend.setVisible, ["Ctrl+Shift+L"],
                         translate("actions", "Show the node colour legend on the canvas"), checkable=True)
    overview = make_action(w, translate("actions", "Show &Overview"), view.set_overview_enabled, ["Ctrl+Shift+M"],
                           translate("actions", "Show the overview map when the graph is bigger than the view"),
                           checkable=True)
    shortcuts = make_action(w, translate("actions", "&Keyboard Shortcuts"), w.show_shortcuts, ["F1"],
                            translate("actions", "List every keyboard shortcut"))
    about = make_action(w, translate("actions", "&About gradviz"), w.show_about, ["Ctrl+Shift+F1"],
                        translate("actions", "About gradviz"))
    for name, action in (("fit", fit), ("zoom_in", zoom_in), ("zoom_out", zoom_out), ("zoom_reset", zoom_reset),
                         ("font_bigger", font_bigger), ("font_smaller", font_smaller), ("dark_theme", dark),
                         ("show_legend", legend), ("show_overview", overview), ("shortcuts", shortcuts),
                         ("about", about)):
        w.add_command(name, action)
    menu = w.menu("view")
    menu.addActions([fit, zoom_in, zoom_out, zoom_reset])
    menu.addSeparator()
    menu.addActions([font_bigger, font_smaller, dark])
    w.language_menu = language_menu(w)
    menu.addMenu(w.language_menu)
    menu.addSeparator()
    menu.addActions([legend, overview])
    menu.addSeparator()


def language_menu(w: "MainWindow") -> QMenu:
    """View ▸ Language: the system's, or one of gradviz's catalogues, each named in its own language."""
    menu = QMenu(translate("actions", "&Language"), w)
    menu.setToolTipsVisible(True)
    group = QActionGroup(menu)
    tip = translate("actions", "Show gradviz in this language (the window is made again; the program stays)")
    for code, name in ((SYSTEM, translate("actions", "System")), *LANGUAGES.items()):
        action = QAction(name, group)
        action.setCheckable(True)
        action.setData(code)
        action.setChecked(code == w.settings.language)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False, c=code: w.set_language(c))
        menu.addAction(action)
    return menu


class _PlusResolver(QObject):
    """Turns an ambiguous Ctrl+Shift+= (zoom in vs bigger font) into one of the two."""

    def __init__(self, parent: QObject, zoom_in: QAction, font_bigger: QAction) -> None:
        super().__init__(parent)
        self._zoom_in, self._font_bigger = zoom_in, font_bigger
        zoom_in.installEventFilter(self)
        font_bigger.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Shortcut and isinstance(event, QShortcutEvent) and event.isAmbiguous():
            # Both actions get the ambiguous event: act once, on the font action's copy.
            if watched is self._font_bigger:
                shift = QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier
                (self._font_bigger if shift else self._zoom_in).trigger()
            return True
        return False


def build_toolbar(w: "MainWindow", picker: QComboBox) -> QComboBox:
    """The main toolbar, with the lesson picker first; returns the picker."""
    c = w.commands
    bar = QToolBar(translate("actions", "Main toolbar"), w)
    bar.setObjectName("main_toolbar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    w.addToolBar(bar)
    picker.setParent(bar)
    bar.addWidget(picker)
    bar.addSeparator()
    bar.addActions([c.run, c.cancel])
    bar.addSeparator()
    bar.addActions([c.open_program, c.save, c.export])
    bar.addSeparator()
    bar.addActions([c.fit, c.zoom_in, c.zoom_out, c.zoom_reset])
    return picker


class ShortcutsDialog(QDialog):
    """A table of every action's shortcut, plus the canvas gestures."""

    def __init__(self, actions: Sequence[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("actions", "Keyboard shortcuts"))
        rows = [(a.text().replace("&", ""), shortcut_text(a), a.statusTip()) for a in actions if a.shortcuts()]
        rows += [(translate("actions", gesture), "", translate("actions", what)) for gesture, what in GESTURES]
        rows.insert(0, (translate("actions", "Run (in the editor)"), "Ctrl+Enter",
                        translate("actions", "Run the program from the editor")))
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels([translate("actions", "Action"), translate("actions", "Shortcut"),
                                              translate("actions", "What it does")])
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 560)

    def rows(self) -> list[tuple[str, str, str]]:
        """The table's rows as text."""
        return [tuple(self.table.item(r, c).text() for c in range(3)) for r in range(self.table.rowCount())]
