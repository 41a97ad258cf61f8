"""The main window's actions, menus, toolbar and the keyboard-shortcuts dialog.

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
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from gradviz.core.lessons.catalogue import LESSONS

if TYPE_CHECKING:
    from gradviz.qt.main_window import MainWindow

#: Canvas gestures that are not actions, for the shortcuts dialog.
GESTURES = (
    ("Mouse wheel on the graph", "Zoom around the cursor"),
    ("Drag on the graph", "Pan"),
    ("Click a node", "Inspect it (value, gradient, saved tensors)"),
    ("Hover a node", "Short summary"),
    ("Click in the overview", "Move the view there"),
    ("Right-click a node", "Node commands: Show Gradient at it"),
    ("Click or drag on the step timeline", "Jump to that step"),
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


class WindowActions:
    """The QActions of a :class:`MainWindow`, created in its constructor.

    Attributes are named for what they do: ``run``, ``cancel``, ``open_program``,
    ``open_module``, ``save``, ``save_as``, ``export``, ``quit``, ``fit``, ``zoom_in``,
    ``zoom_out``, ``zoom_reset``, ``font_bigger``, ``font_smaller``, ``dark_theme``,
    ``show_legend``, ``show_overview``, ``next_lesson``, ``previous_lesson``,
    ``shortcuts``, ``about``; ``lessons`` maps lesson names to their actions.
    """

    def __init__(self, w: "MainWindow") -> None:
        sp = QStyle.StandardPixmap
        self.run = make_action(w, "&Run", w.run_program, ["Ctrl+Return", "Ctrl+Enter"],
                               "Run the program and draw its graph", sp.SP_MediaPlay)
        self.cancel = make_action(w, "&Cancel", w.cancel_run, ["Esc"],
                                  "Stop the running program, keep the previous graph", sp.SP_BrowserStop)
        self.cancel.setEnabled(False)
        self.open_program = make_action(w, "&Open Program…", w.open_program, ["Ctrl+O"],
                                        "Open a program file (.py, .txt, .gradviz-program)", sp.SP_DialogOpenButton)
        self.open_module = make_action(w, "Open &Module…", w.open_module, ["Ctrl+Shift+O"],
                                       "Load an nn.Module class from a Python file (runs that file)")
        self.save = make_action(w, "&Save", w.save_program, ["Ctrl+S"], "Save the program",
                                sp.SP_DialogSaveButton)
        self.save_as = make_action(w, "Save &As…", w.save_program_as, ["Ctrl+Shift+S"],
                                   "Save the program under a new name")
        self.export = make_action(w, "&Export…", w.export_dialog, ["Ctrl+E"],
                                  "Export the graph as SVG, PNG, DOT or JSON")
        self.quit = make_action(w, "&Quit", w.close, ["Ctrl+Q"], "Quit gradviz")

        self.fit = make_action(w.graph_view, "&Fit Graph", w.graph_view.fit, ["F"],
                               "Zoom so the whole graph is visible")
        # "F" is a plain letter: only while the canvas has focus, or it could not be typed.
        self.fit.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.zoom_in = make_action(w, "Zoom &In", w.graph_view.zoom_in, ["Ctrl+=", "Ctrl++"], "Zoom in")
        self.zoom_out = make_action(w, "Zoom &Out", w.graph_view.zoom_out, ["Ctrl+-"], "Zoom out")
        self.zoom_reset = make_action(w, "Zoom &100 %", w.graph_view.reset_zoom, ["Ctrl+0"],
                                      "Zoom to 100 % (one point per pixel)")
        self.font_bigger = make_action(w, "&Bigger Font", lambda: w.change_font_size(+1),
                                       ["Ctrl+Shift+=", "Ctrl+Shift++"], "Bigger text in the editor and panels")
        self.font_smaller = make_action(w, "&Smaller Font", lambda: w.change_font_size(-1),
                                        ["Ctrl+Shift+-", "Ctrl+Shift+_"], "Smaller text in the editor and panels")
        # Where "+" needs Shift (US keys), Ctrl+Shift+= also reads as Ctrl++ and Qt would
        # refuse both as ambiguous; the resolver lets Shift pick the bigger font.
        self._plus_resolver = _PlusResolver(w, self.zoom_in, self.font_bigger)
        self.dark_theme = make_action(w, "&Dark Theme", lambda on: w.set_theme("dark" if on else "light"),
                                      ["Ctrl+Shift+T"], "Switch between the light and dark look", checkable=True)
        self.show_legend = make_action(w, "Show &Legend", w.legend.setVisible, ["Ctrl+Shift+L"],
                                       "Show the node colour legend on the canvas", checkable=True)
        self.show_overview = make_action(w, "Show &Overview", w.graph_view.set_overview_enabled, ["Ctrl+Shift+M"],
                                         "Show the overview map when the graph is bigger than the view",
                                         checkable=True)
        self.next_lesson = make_action(w, "&Next Lesson", lambda: w.step_lesson(+1), ["Ctrl+PgDown"],
                                       "Open the next built-in lesson")
        self.previous_lesson = make_action(w, "&Previous Lesson", lambda: w.step_lesson(-1), ["Ctrl+PgUp"],
                                           "Open the previous built-in lesson")
        self.shortcuts = make_action(w, "&Keyboard Shortcuts", w.show_shortcuts, ["F1"],
                                     "List every keyboard shortcut")
        self.about = make_action(w, "&About gradviz", w.show_about, ["Ctrl+Shift+F1"], "About gradviz")

        self.lesson_group = QActionGroup(w)
        self.lessons: dict[str, QAction] = {}
        for i, (name, lesson) in enumerate(LESSONS.items()):
            keys = [f"Alt+{i + 1}"] if i < 9 else ["Alt+0"] if i == 9 else []
            action = make_action(w, f"{lesson.title}", lambda n=name: w.load_lesson(n), keys,
                                 f"Open the lesson '{name}'")
            action.setCheckable(True)
            action.setData(name)
            self.lesson_group.addAction(action)
            self.lessons[name] = action

    def all(self) -> list[QAction]:
        """Every action with a shortcut, in menu order."""
        return [a for a in vars(self).values() if isinstance(a, QAction)] + list(self.lessons.values())


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


def build_menus(w: "MainWindow", a: WindowActions) -> None:
    """File, Lessons, Run, View and Help menus."""
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([a.open_program, a.open_module])
    w.recent_menu = file_menu.addMenu("Open &Recent")
    w.recent_menu.setToolTipsVisible(True)
    w.recent_menu.aboutToShow.connect(w.rebuild_recent_menu)
    file_menu.addSeparator()
    file_menu.addActions([a.save, a.save_as, a.export])
    file_menu.addSeparator()
    file_menu.addAction(a.quit)

    lessons_menu = bar.addMenu("&Lessons")
    lessons_menu.setToolTipsVisible(True)
    lessons_menu.addActions(list(a.lessons.values()))
    lessons_menu.addSeparator()
    lessons_menu.addActions([a.previous_lesson, a.next_lesson])

    run_menu = bar.addMenu("&Run")
    run_menu.addActions([a.run, a.cancel])

    view_menu = bar.addMenu("&View")
    view_menu.addActions([a.fit, a.zoom_in, a.zoom_out, a.zoom_reset])
    view_menu.addSeparator()
    view_menu.addActions([a.font_bigger, a.font_smaller, a.dark_theme])
    view_menu.addSeparator()
    view_menu.addActions([a.show_legend, a.show_overview])
    view_menu.addSeparator()
    for dock in w.docks():
        view_menu.addAction(dock.toggleViewAction())

    help_menu = bar.addMenu("&Help")
    help_menu.addActions([a.shortcuts, a.about])


def build_toolbar(w: "MainWindow", a: WindowActions) -> QComboBox:
    """The main toolbar; returns its lesson picker."""
    bar = QToolBar("Main toolbar", w)
    bar.setObjectName("main_toolbar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    w.addToolBar(bar)
    picker = QComboBox(bar)
    picker.setToolTip("Choose a built-in lesson (Alt+1 … Alt+0)")
    picker.setAccessibleName("Lesson")
    picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    for name, lesson in LESSONS.items():
        picker.addItem(lesson.title, name)
    bar.addWidget(picker)
    bar.addSeparator()
    bar.addActions([a.run, a.cancel])
    bar.addSeparator()
    bar.addActions([a.open_program, a.save, a.export])
    bar.addSeparator()
    bar.addActions([a.fit, a.zoom_in, a.zoom_out, a.zoom_reset])
    return picker


class ShortcutsDialog(QDialog):
    """A table of every action's shortcut, plus the canvas gestures."""

    def __init__(self, actions: Sequence[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = [(a.text().replace("&", ""), shortcut_text(a), a.statusTip()) for a in actions if a.shortcuts()]
        rows += [(gesture, "", what) for gesture, what in GESTURES]
        rows.insert(0, ("Run (in the editor)", "Ctrl+Enter", "Run the program from the editor"))
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Action", "Shortcut", "What it does"])
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
