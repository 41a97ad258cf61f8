"""The main window: assembly only — the session, the shared widgets, and the features.

Each feature is made as ``Feature(session, host)`` with this window as its host
(:mod:`gradviz.qt.host`); they talk to the :class:`~gradviz.core.session.Session`, never to
the window or to each other, so the order below is only the order of the menus' entries.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from gradviz import __version__
from gradviz.core.i18n import translate
from gradviz.core.layout.module_boxes import module_path
from gradviz.core.lessons.files import Lesson
from gradviz.core.session import Notice, Session
from gradviz.qt.actions import ShortcutsDialog, add_window_actions, build_toolbar
from gradviz.qt.canvas.big_graphs import BigGraphs
from gradviz.qt.canvas.graph_overlays import Legend
from gradviz.qt.canvas.graph_view import GraphView
from gradviz.qt.canvas.health import GradientHealth
from gradviz.qt.canvas.look import LabelStyle
from gradviz.qt.canvas.module_canvas import show_module
from gradviz.qt.canvas.node_menu import NodeMenu
from gradviz.qt.canvas.text import zoom_text
from gradviz.qt.classroom.classroom import Classroom
from gradviz.qt.host import MenuBarHost
from gradviz.qt.program.console import Console
from gradviz.qt.program.files import ProgramFiles
from gradviz.qt.program.panel import ProgramPanel
from gradviz.qt.program.recordings import Recordings
from gradviz.qt.runs.feature import Runs
from gradviz.qt.settings import Settings
from gradviz.qt.stepping.step_through import StepThrough
from gradviz.qt.theme import apply_theme
from gradviz.qt.training.dock import TrainingDock
from gradviz.qt.widgets.inspector import Inspector
from gradviz.qt.widgets.message_bar import MessageBar

#: Points the legend grows by in presentation mode.
LEGEND_BOOST = 5


class MainWindow(MenuBarHost, QMainWindow):
    """The window a student or teacher works in.

    Attributes
    ----------
    session : Session
        What the user sees; every feature works through it.
    settings : Settings
    graph_view : GraphView
        The canvas (``host.canvas`` to the features).
    program, files, recordings, runs, console, big_graphs, health, labels, step_through, classroom, training
        The features: the program editor and lesson text, opening/saving/exporting, saved
        recordings, runs, what runs print, the canvas's folding and previews, gradient health,
        beginner labels, the player, classroom tools (quiz, presentation), training.
    editor, lesson_panel, inspector, message_bar, legend, lesson_picker
        The widgets tests and screenshots reach for.
    commands : Commands
        Every named action (``commands.run``, ``commands.fit``...), for the shortcuts dialog.

    Signals
    -------
    run_finished(str)
        "ok" (graph or explanation on the canvas), "error" or "cancelled".
    """

    run_finished = Signal(str)

    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradviz_main_window")
        self.settings = settings if settings is not None else Settings()
        self.session = session = Session(theme=self.settings.theme, font_size=self.settings.font_size)

        self.graph_view = GraphView(theme=session.theme)
        self.node_menu = NodeMenu(self.graph_view)
        self.message_bar = MessageBar()
        self.legend = Legend()
        self.inspector = Inspector()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(4, 4, 4, 0)
        column.setSpacing(4)
        self._init_host(column)
        column.addWidget(self.message_bar)
        column.addLayout(self._slots["above_canvas"])
        column.addWidget(self.graph_view, 1)
        column.addLayout(self._slots["below_canvas"])
        column.addLayout(self._slots["bottom"])
        self.place(self.legend, "bottom")
        self.setCentralWidget(central)
        self.menu("file")  # the bar's first menus exist before any feature adds to them
        self.menu("lessons")

        self.program = ProgramPanel(session, self)
        self.editor, self.lesson_panel = self.program.editor, self.program.lesson_panel
        self.inspector_dock = QDockWidget(translate("main_window", "Inspector"), self)
        self.inspector_dock.setObjectName("inspector_dock")
        self.inspector_dock.setWidget(self.inspector)
        self.add_dock(self.inspector_dock, Qt.DockWidgetArea.RightDockWidgetArea)
        self.files = ProgramFiles(session, self)
        self.recordings = Recordings(session, self)
        self.runs = Runs(session, self)
        self.console = Console(session, self)
        add_window_actions(self)
        self.big_graphs = BigGraphs(session, self)
        self.health = GradientHealth(session, self)
        self.labels = LabelStyle(session, self)
        self.step_through = StepThrough(session, self)
        self.classroom = Classroom(session, self)
        self.training = TrainingDock(session, self)
        self.lesson_picker = build_toolbar(self, self.files.lesson_picker)
        self.menu("help").addActions([self.commands.shortcuts, self.commands.about])

        self.counts_label, self.zoom_label = QLabel(), QLabel()
        self.zoom_label.setToolTip(translate("main_window", "Zoom (Ctrl+= in, Ctrl+- out, Ctrl+0 100 %, F fit)"))
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.zoom_label)
        self._wire(session)
        self._restore_settings()
        self.runs.settle()  # the process-wide switches, once the window holds what it keeps

    def _wire(self, session: Session) -> None:
        """The shared widgets follow the session; the canvas's selection leads it."""
        self.graph_view.node_selected.connect(session.select)
        self.graph_view.zoom_changed.connect(lambda zoom: self.zoom_label.setText(zoom_text(zoom)))
        self.message_bar.line_activated.connect(self.program.go_to_line)
        session.selection_changed.connect(self._on_selection_changed)
        session.notice.connect(self._on_notice)
        session.drawing_changed.connect(self._on_drawing_changed)
        session.step_changed.connect(lambda position: self.legend.set_stepping(position >= 0))
        session.theme_changed.connect(self._on_theme_changed)
        session.font_size_changed.connect(self._on_font_size_changed)
        session.presentation_changed.connect(self._on_presentation_changed)
        session.title_changed.connect(lambda title: self.setWindowTitle(f"{title}[*] — gradviz"))
        session.modified_changed.connect(self.setWindowModified)
        session.run_finished.connect(self.run_finished.emit)
        self.setWindowTitle(f"{session.title}[*] — gradviz")

    # -- what the window shows ------------------------------------------------------------
    def _on_selection_changed(self, node_id: str | None) -> None:
        trace = self.session.trace
        path = module_path(node_id) if node_id is not None else None
        if path is not None and trace is not None:
            show_module(self.inspector, trace, path)
        else:
            self.inspector.set_node(trace, node_id)

    def _on_notice(self, notice: Notice | None) -> None:
        if notice is None:
            self.message_bar.clear()
        else:
            self.message_bar.show_message(notice.text, notice.level, line=notice.line)

    def _on_drawing_changed(self) -> None:
        trace = self.session.trace
        self.counts_label.setText(translate("main_window",
                                            "{n_nodes} nodes · {n_edges} edges").format(n_nodes=len(trace.nodes),
                                                                                        n_edges=len(trace.edges))
                                  if trace is not None and trace.nodes else translate("main_window", "no graph"))
        # The key explains node colours: no nodes, nothing to explain.
        self.legend.setVisible(self.commands.show_legend.isChecked() and trace is not None and bool(trace.nodes))
        self.legend.set_dashed(trace is not None and any(n.internal_to for n in trace.nodes))

    def _on_theme_changed(self, name: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        self.graph_view.set_theme(name)
        self.legend.set_theme(name)
        self.settings.theme = name
        self.commands.dark_theme.blockSignals(True)
        self.commands.dark_theme.setChecked(name == "dark")
        self.commands.dark_theme.blockSignals(False)

    def _on_font_size_changed(self, size: int) -> None:
        self.settings.font_size = size
        font = QFont(self.inspector.font())
        font.setPointSize(size)
        self.inspector.setFont(font)
        self.graph_view.set_explanation_size(size)

    def _on_presentation_changed(self, on: bool) -> None:
        # The key under the canvas grows too, a little less: it wraps rather than crowd the canvas.
        font = QFont(self.legend.font())
        font.setPointSizeF(font.pointSizeF() + (LEGEND_BOOST if on else -LEGEND_BOOST))
        self.legend.setFont(font)

    # -- the session's commands, as the menus and tests call them ---------------------------
    @property
    def current_trace(self):
        return self.session.trace

    @property
    def current_layout(self):
        return self.session.layout

    @property
    def current_lesson(self) -> str | None:
        return self.session.lesson.name if self.session.lesson is not None else None

    @property
    def lesson(self) -> Lesson | None:
        return self.session.lesson

    @property
    def theme(self) -> str:
        return self.session.theme

    @property
    def is_busy(self) -> bool:
        """True while a program runs, is laid out or is being drawn."""
        return self.session.running

    def load_lesson(self, name: str, confirm: bool = True) -> bool:
        return self.files.load_lesson(name, confirm)

    def open_lesson(self, lesson: Lesson, confirm: bool = True) -> bool:
        return self.files.open_lesson(lesson, confirm)

    def run_program(self) -> None:
        self.session.run()

    def cancel_run(self) -> None:
        self.session.cancel()

    def select_node(self, node_id: str | None) -> None:
        self.graph_view.select_node(node_id)

    def set_theme(self, name: str) -> None:
        self.session.set_theme(name)

    def change_font_size(self, delta: int) -> int:
        return self.session.set_font_size(self.session.font_size + delta)

    def show_after_run(self, text: str, level: str = "error") -> None:
        self.session.carry(text, level)

    def go_to_line(self, line: int) -> None:
        self.program.go_to_line(line)

    def confirm_discard(self, doing: str) -> bool:
        return self.files.confirm_discard(doing)

    def docks(self) -> list[QDockWidget]:
        return self.findChildren(QDockWidget)

    # -- dialogs --------------------------------------------------------------------------
    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.commands.all(), self)
        dialog.setModal(False)
        dialog.show()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(self, translate("main_window", "About gradviz"),
                          f"<b>gradviz {__version__}</b><p>See PyTorch's autograd graph: every op, value "
                          "and gradient of a program, laid out by Graphviz and drawn live.</p>"
                          "<p>Programs run in a safe expression language, each in a process of its own; "
                          "loading a module file runs that file's Python code.</p>")

    # -- settings and closing -------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        if s.window_geometry:
            self.restoreGeometry(QByteArray(s.window_geometry))
        else:
            self.resize(1400, 900)
        if s.window_state:
            self.restoreState(QByteArray(s.window_state))
        else:
            self.resizeDocks([self.program.lesson_dock, self.inspector_dock], [450, 300], Qt.Orientation.Horizontal)
            self.resizeDocks([self.program.lesson_dock, self.program.dock, self.console.dock], [220, 480, 120],
                             Qt.Orientation.Vertical)
            # The inspector's fields and tables need the room more than the chain rule's text.
            self.resizeDocks([self.inspector_dock, self.step_through.chain_dock], [460, 340], Qt.Orientation.Vertical)
        self._on_font_size_changed(self.session.font_size)
        self._on_theme_changed(self.session.theme)
        self.commands.show_legend.setChecked(True)
        self.commands.show_overview.setChecked(True)

    def set_language(self, choice: str) -> "MainWindow":
        """Speak ``choice`` ("system", "en", "zh_CN"); returns the window to use from now on
        (a new one when the language changes: see :mod:`gradviz.qt.relanguage`)."""
        from gradviz.qt.relanguage import switch_language

        return switch_language(self, choice)

    def forget_edits(self) -> None:
        """Let the window close without asking about unsaved edits (they went elsewhere)."""
        self.session.set_modified(False)
        self.editor.document().setModified(False)

    def save_settings(self) -> None:
        """Store the window geometry and dock layout now."""
        self.settings.window_geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if not self.confirm_discard(translate("main_window", "quitting")):
            event.ignore()
            return
        self.runs.shutdown()
        self.training.shutdown()
        self.graph_view.cancel_build()
        self.save_settings()
        event.accept()
