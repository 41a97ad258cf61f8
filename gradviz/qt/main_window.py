"""The main window: program editor, lesson text, graph canvas, inspector and messages."""

from __future__ import annotations

import gc
import re

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from gradviz import __version__
from gradviz.core.capture.module_spec import LoadedModule
from gradviz.core.layout.layout import Layout, LayoutError
from gradviz.core.lessons.catalogue import LESSONS, Lesson, get_lesson
from gradviz.core.program.errors import ProgramError
from gradviz.core.run.request import ProgramSpec
from gradviz.core.trace import Trace
from gradviz.qt.actions import ShortcutsDialog, WindowActions, build_menus, build_toolbar
from gradviz.qt.canvas.big_graphs import BigGraphs
from gradviz.qt.canvas.graph_overlays import Legend
from gradviz.qt.canvas.graph_view import GraphView
from gradviz.qt.canvas.text import zoom_text
from gradviz.qt.classroom.classroom import Classroom
from gradviz.qt.program.editor import CodeEditor
from gradviz.qt.program.files import ProgramFiles
from gradviz.qt.program.lesson_panel import LessonPanel
from gradviz.qt.runs.controller import RunController, RunRequest, RunResult
from gradviz.qt.runs.status import RunStatus
from gradviz.qt.settings import Settings
from gradviz.qt.stepping.step_through import StepThrough
from gradviz.qt.theme import THEMES, apply_theme
from gradviz.qt.training.dock import TrainingDock
from gradviz.qt.widgets.inspector import Inspector
from gradviz.qt.widgets.message_bar import MessageBar

MIN_FONT_SIZE, MAX_FONT_SIZE = 7, 32
#: Failures where the run process itself ended badly (as opposed to a mistake in the program).
RUN_DEATHS = frozenset({"timeout", "memory", "crashed", "exited", "output", "internal", "limit"})


class MainWindow(ProgramFiles, QMainWindow):
    """The window a student or teacher works in.

    Parameters
    ----------
    settings : Settings, optional
        Where preferences live; the user's own when None.
    parent : QWidget, optional
        The Qt parent.

    Attributes
    ----------
    editor : CodeEditor
        The program.
    graph_view : GraphView
        The canvas.
    inspector : Inspector
        Details of the selected node.
    lesson_panel : LessonPanel
        The lesson's explanation (or where the program came from).
    message_bar : MessageBar
        Errors and notes, above the canvas.
    legend : Legend
        The node colour key, under the canvas.
    commands : WindowActions
        Every QAction (``commands.run``, ``commands.fit``, ...).
    lesson_picker : QComboBox
        The toolbar's lesson chooser.
    runs : RunController
        The capture/layout worker threads.
    current_trace, current_layout : Trace or None, Layout or None
        What the canvas shows.
    current_lesson : str or None
        Name of the lesson whose program is in the editor.

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
        self.theme = self.settings.theme
        self.current_trace: Trace | None = None
        self.current_layout: Layout | None = None
        self.current_lesson: str | None = None
        self.lesson: Lesson | None = None  # the open lesson itself (built in or from a file)
        self._module: LoadedModule | None = None
        self._pending: RunResult | None = None  # laid out, still being drawn
        self._reselect: str | None = None
        self._extra_notes: list[str] = []
        self._carried: tuple[str, str] | None = None  # shown once the next run is drawn

        self.graph_view = GraphView(theme=self.theme)
        self.message_bar = MessageBar()
        self.editor = CodeEditor(font_size=self.settings.font_size)
        self.inspector = Inspector()
        self.lesson_panel = LessonPanel()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(4, 4, 4, 0)
        column.setSpacing(4)
        column.addWidget(self.message_bar)
        column.addWidget(self.graph_view, 1)
        self.legend = Legend()
        column.addWidget(self.legend)
        self.setCentralWidget(central)
        self.lesson_dock = self._dock("Lesson", "lesson_dock", self.lesson_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.editor_dock = self._dock("Program", "program_dock", self.editor, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector_dock = self._dock("Inspector", "inspector_dock", self.inspector,
                                         Qt.DockWidgetArea.RightDockWidgetArea)

        self.runs = RunController(self)
        self.commands = WindowActions(self)
        build_menus(self, self.commands)
        self.lesson_picker = build_toolbar(self, self.commands)
        self.run_status = RunStatus()
        self.counts_label = QLabel()
        self.zoom_label = QLabel()
        self.zoom_label.setToolTip("Zoom (Ctrl+= in, Ctrl+- out, Ctrl+0 100 %, F fit)")
        status = self.statusBar()
        status.addPermanentWidget(self.run_status)
        status.addPermanentWidget(self.counts_label)
        status.addPermanentWidget(self.zoom_label)

        self.editor.run_requested.connect(self.run_program)
        self.editor.modificationChanged.connect(self.setWindowModified)
        self.message_bar.line_activated.connect(self._on_message_line_activated)
        self.graph_view.node_selected.connect(self._on_node_selected)
        self.graph_view.graph_shown.connect(self._on_graph_shown)
        self.graph_view.zoom_changed.connect(self._on_zoom_changed)
        self.run_status.cancel_requested.connect(self.cancel_run)
        self.runs.started.connect(self._on_run_started)
        self.runs.stage_changed.connect(self.run_status.set_stage)
        self.runs.succeeded.connect(self._on_run_succeeded)
        self.runs.failed.connect(self._on_run_failed)
        self.runs.cancelled.connect(self._on_run_cancelled)
        self.lesson_picker.currentIndexChanged.connect(self._on_lesson_picker_changed)
        self.step_through = StepThrough(self)  # player, chain-rule dock, Show gradient at, animation export
        self.big_graphs = BigGraphs(self)  # module folding, find, previews, layout reuse (issue 7)
        self.training = TrainingDock(self)  # training panel, Train menu (issue 6)
        self.classroom = Classroom(self)  # lesson files, edit value, gradient check, why None, F11 (issue 8)
        self._restore_settings()
        self._set_program_title("untitled program")
        # torch and Qt leave ~10^5 long-lived objects; a full collection scanning them took
        # ~180 ms, a visible freeze. Frozen, collections only walk what came after.
        gc.freeze()

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState() finds docks by object name
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def docks(self) -> list[QDockWidget]:
        return [self.lesson_dock, self.editor_dock, self.inspector_dock]

    # -- lessons --------------------------------------------------------------------------
    def load_lesson(self, name: str, confirm: bool = True) -> bool:
        """Put lesson ``name`` in the editor and run it; False if the user kept their edits."""
        return self.open_lesson(get_lesson(name), confirm)

    def open_lesson(self, lesson: Lesson, confirm: bool = True) -> bool:
        """Put ``lesson`` (built in or from a lesson file) in the editor and run it."""
        if confirm and not self.confirm_discard(f"opening the lesson “{lesson.title}”"):
            self._sync_lesson_widgets()
            return False
        self._module = None
        self.current_path = None
        self.current_lesson = lesson.name
        self.lesson = lesson
        self.classroom.overrides.clear()
        if lesson.view.theme and lesson.view.theme != self.theme:
            self.set_theme(lesson.view.theme)
        self.editor.set_source(lesson.program)
        self.lesson_panel.set_lesson(lesson)
        self.step_through.lesson_opened(lesson)
        self.training.offer_lesson(lesson)
        self._set_program_title(f"{lesson.name} lesson")
        self.settings.last_lesson = lesson.name
        self._sync_lesson_widgets()
        self.message_bar.clear()
        self.run_program()
        return True

    def show_after_run(self, text: str, level: str = "error") -> None:
        """Show ``text`` in the message bar once the run now starting is drawn (a run
        clears the bar otherwise)."""
        self._carried = (text, level)

    def step_lesson(self, delta: int) -> bool:
        """Open the lesson ``delta`` places after the current one (wrapping)."""
        names = list(LESSONS)
        i = names.index(self.current_lesson) if self.current_lesson in names else -delta
        return self.load_lesson(names[(i + delta) % len(names)])

    def _sync_lesson_widgets(self) -> None:
        self.lesson_picker.blockSignals(True)
        self.lesson_picker.setCurrentIndex(self.lesson_picker.findData(self.current_lesson)
                                           if self.current_lesson else -1)
        self.lesson_picker.blockSignals(False)
        for name, action in self.commands.lessons.items():
            action.setChecked(name == self.current_lesson)

    def _on_lesson_picker_changed(self, index: int) -> None:
        name = self.lesson_picker.itemData(index)
        if name and name != self.current_lesson:
            self.load_lesson(name)

    # -- running --------------------------------------------------------------------------
    @property
    def is_busy(self) -> bool:
        """True while a program runs, is laid out or is being drawn."""
        return self.runs.is_running or self._pending is not None

    def run_program(self) -> int:
        """Run the editor's program off the GUI thread; returns the job id.

        A run already going is superseded: it is stopped and its result ignored.
        """
        request = RunRequest.for_program(self.program_spec(), engine=self.settings.layout_engine_path or None,
                                         title=self.windowTitle(), limits=self.settings.run_limits())
        self.graph_view.cancel_build()
        self._pending = None
        return self.runs.start(self.big_graphs.prepare_request(request))

    def cancel_run(self) -> bool:
        """Stop the run (or the drawing) in progress; the previous graph stays."""
        if self.runs.cancel():
            return True
        if self._pending is not None:
            self.graph_view.cancel_build()
            self._pending = None
            self._on_run_cancelled()
            return True
        return False

    def _on_run_started(self, _job: int) -> None:
        self.run_status.start("capture")
        self.commands.cancel.setEnabled(True)

    def _on_run_succeeded(self, result: RunResult) -> None:
        self._pending = result
        self._reselect = self.graph_view.selected_node_id
        if result.trace.is_empty:
            self.graph_view.show_explanation(result.trace.explanation or "The program made no graph.")
        else:
            self.run_status.set_stage("draw")
            self.big_graphs.show_result(result)

    def _on_graph_shown(self) -> None:
        result, self._pending = self._pending, None
        if result is None:
            return
        self.current_trace, self.current_layout = result.trace, result.layout
        self.editor.clear_error()
        notes = [*self._extra_notes, *result.trace.notes]
        self._extra_notes = []
        if self._carried is not None:
            self.message_bar.show_message(*self._carried)
            self._carried = None
        elif notes:
            self.message_bar.show_message(" ".join(notes), "info")
        else:
            self.message_bar.clear()
        trace = result.trace
        if self._reselect in self.graph_view.node_items:
            self.graph_view.select_node(self._reselect, center=False)
        self.counts_label.setText(
            f"{len(trace.nodes)} nodes · {len(trace.edges)} edges · ran {result.capture_seconds:.2f} s"
            f" · layout {result.layout_seconds:.2f} s" if trace.nodes else "no graph")
        # The key explains node colours: no nodes, nothing to explain.
        self.legend.setVisible(self.commands.show_legend.isChecked() and bool(trace.nodes))
        self._finish_run("ok")

    def _on_run_failed(self, error: Exception) -> None:
        self._extra_notes = []
        if isinstance(error, ProgramError):
            text = str(error)
            if error.kind in RUN_DEATHS and self.current_trace is not None:
                text += " The previous graph is still shown."
            in_editor = error.line is not None and not error.file  # else the line is in the user's module file
            self.message_bar.show_message(text, "error", line=error.line if in_editor else None)
            if in_editor:
                self.editor.mark_error(error.line, error.col, error.message)
        elif isinstance(error, LayoutError):
            self.message_bar.show_message(str(error), "error")
        else:
            self.message_bar.show_message(f"gradviz could not show this program: {type(error).__name__}: {error}",
                                          "error")
        self._finish_run("error")

    def _on_run_cancelled(self) -> None:
        self._extra_notes = []
        self.message_bar.show_message("Run cancelled; the previous graph is still shown.", "info")
        self._finish_run("cancelled")

    def _finish_run(self, status: str) -> None:
        self.run_status.stop()
        self.commands.cancel.setEnabled(False)
        self.run_finished.emit(status)

    # -- canvas and inspector -------------------------------------------------------------
    def select_node(self, node_id: str | None) -> None:
        """Select ``node_id`` on the canvas; the inspector follows."""
        self.graph_view.select_node(node_id)

    def _on_node_selected(self, node_id: str | None) -> None:
        scene = self.graph_view.graph_scene
        self.inspector.set_node(scene.trace if scene is not None else None, node_id)

    def _on_zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(zoom_text(zoom))

    def program_spec(self) -> ProgramSpec:
        """The editor's program as a run: the one place roots, subject, module and edits are chosen.

        Every run of it (the graph, the gradient check, "why is my grad None?") asks here,
        so they all see the same program.
        """
        source = self.editor.toPlainText()
        lesson = self.lesson if self.lesson is not None and self.lesson.name == self.current_lesson else None
        roots: tuple[str, ...] = ()
        subject = self._module.subject if self._module is not None else None
        if lesson is not None:
            # An edited lesson may have dropped the variables the lesson shows: keep those left.
            roots = tuple(r for r in lesson.roots if re.search(rf"\b{re.escape(r)}\b", source))
            subject = lesson.subject
        return ProgramSpec(source, roots=roots, subject=subject, overrides=dict(self.classroom.overrides),
                           module=self._module.spec if self._module is not None else None)

    def go_to_line(self, line: int) -> None:
        """Show line ``line`` of the program in the editor."""
        self._on_message_line_activated(line)

    def _on_message_line_activated(self, line: int) -> None:
        block = self.editor.document().findBlockByNumber(max(line, 1) - 1)
        if block.isValid():
            cursor = QTextCursor(block)
            self.editor.setTextCursor(cursor)
            self.editor.ensureCursorVisible()
        self.editor_dock.show()
        self.editor.setFocus()

    # -- look -----------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        """Switch to the "light" or "dark" look and remember it."""
        if name not in THEMES:
            raise ValueError(f"unknown theme {name!r}")
        self.theme = name
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        self.graph_view.set_theme(name)
        self.legend.set_theme(name)
        self.settings.theme = name
        self.commands.dark_theme.blockSignals(True)
        self.commands.dark_theme.setChecked(name == "dark")
        self.commands.dark_theme.blockSignals(False)

    def change_font_size(self, delta: int) -> int:
        """Make the editor and panel text ``delta`` points bigger; returns the new size."""
        size = min(max(self.settings.font_size + delta, MIN_FONT_SIZE), MAX_FONT_SIZE)
        self.settings.font_size = size
        self._apply_font_size(size)
        return size

    def _apply_font_size(self, size: int) -> None:
        self.editor.set_font_size(size)
        self.lesson_panel.set_font_size(size)
        font = QFont(self.inspector.font())
        font.setPointSize(size)
        self.inspector.setFont(font)

    # -- dialogs --------------------------------------------------------------------------
    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.commands.all(), self)
        dialog.setModal(False)
        dialog.show()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(self, "About gradviz",
                          f"<b>gradviz {__version__}</b><p>See PyTorch's autograd graph: every op, value "
                          "and gradient of a program, laid out by Graphviz and drawn live.</p>"
                          "<p>Programs run in a safe expression language; loading a module file "
                          "runs that file's Python code.</p>")

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
            self.resizeDocks([self.lesson_dock, self.inspector_dock], [450, 300], Qt.Orientation.Horizontal)
            self.resizeDocks([self.lesson_dock, self.editor_dock], [220, 480], Qt.Orientation.Vertical)
        self._apply_font_size(s.font_size)
        self.set_theme(s.theme)
        self.commands.show_legend.setChecked(True)
        self.commands.show_overview.setChecked(True)

    def save_settings(self) -> None:
        """Store the window geometry and dock layout now."""
        self.settings.window_geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if not self.confirm_discard("quitting"):
            event.ignore()
            return
        self.runs.shutdown()
        self.training.shutdown()
        self.graph_view.cancel_build()
        self.save_settings()
        event.accept()
