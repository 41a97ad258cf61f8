"""The program's editor and the lesson's text, as two docks that follow the session.

Typing changes the session's program (not run until Ctrl+Enter); a new program (lesson,
file, module) replaces the editor's text; an error at a line is marked there; a drawn graph
clears the mark.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDockWidget

from gradviz.core.i18n import translate
from gradviz.core.program.pasted import NUMBERS
from gradviz.core.session import Notice, Session
from gradviz.qt.host import Host
from gradviz.qt.program.editor import CodeEditor
from gradviz.qt.program.lesson_panel import LessonPanel


class ProgramPanel(QObject):
    """The Program and Lesson docks.

    Attributes
    ----------
    editor : CodeEditor
    lesson_panel : LessonPanel
    dock, lesson_dock : QDockWidget
    """

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(host.window)
        self.session = session
        self.editor = CodeEditor(font_size=session.font_size)
        self.lesson_panel = LessonPanel()
        self.lesson_panel.set_font_size(session.font_size)
        self.lesson_dock = QDockWidget(translate("program_panel", "Lesson"), host.window)
        self.lesson_dock.setObjectName("lesson_dock")
        self.lesson_dock.setWidget(self.lesson_panel)
        self.dock = QDockWidget(translate("program_panel", "Program"), host.window)
        self.dock.setObjectName("program_dock")
        self.dock.setWidget(self.editor)
        host.add_dock(self.lesson_dock, Qt.DockWidgetArea.LeftDockWidgetArea)
        host.add_dock(self.dock, Qt.DockWidgetArea.LeftDockWidgetArea, below="lesson_dock")
        self._setting = False  # the editor is being given the session's text, not typed into

        self.editor.textChanged.connect(self._on_text_changed)
        self.editor.modificationChanged.connect(self._on_editor_modified)
        self.editor.run_requested.connect(session.run)
        self.editor.paste_cleaned.connect(self._on_paste_cleaned)
        self._to_canvas = False  # run from the editor (Ctrl+Enter): the graph takes the keys once drawn
        self._canvas = host.canvas
        session.source_changed.connect(self._on_source_changed)
        session.modified_changed.connect(self._on_modified_changed)
        session.program_opened.connect(self._on_program_opened)
        session.notice.connect(self._on_notice)
        session.drawing_changed.connect(self.editor.clear_error)
        session.font_size_changed.connect(self._on_font_size_changed)
        session.line_requested.connect(self.go_to_line)
        session.step_line_changed.connect(self.editor.set_step_line)
        session.run_requested.connect(self._on_run_requested)
        session.run_finished.connect(self._on_run_finished)

    def go_to_line(self, line: int) -> None:
        """Show line ``line`` of the program in the editor, with the caret on it."""
        block = self.editor.document().findBlockByNumber(max(line, 1) - 1)
        if block.isValid():
            self.editor.setTextCursor(QTextCursor(block))
            self.editor.ensureCursorVisible()
        self.dock.show()
        self.editor.setFocus()

    # -- handlers -------------------------------------------------------------------------
    def _on_run_requested(self, _spec: object) -> None:
        self._to_canvas = self.editor.hasFocus()

    def _on_run_finished(self, status: str) -> None:
        # After Ctrl+Enter the arrows step through the new graph, not the editor's text
        # (a click brings the editor back).
        go, self._to_canvas = self._to_canvas, False
        if go and status == "ok" and self.editor.hasFocus():
            self._canvas.setFocus()

    def _on_text_changed(self) -> None:
        if not self._setting:
            self.session.edit(self.editor.toPlainText())

    def _on_editor_modified(self, modified: bool) -> None:
        if not self._setting:
            self.session.set_modified(modified)

    def _on_source_changed(self, source: str) -> None:
        if source != self.editor.toPlainText():
            self._setting = True
            try:
                self.editor.set_source(source)
            finally:
                self._setting = False

    def _on_modified_changed(self, modified: bool) -> None:
        self.editor.document().setModified(modified)

    def _on_program_opened(self) -> None:
        s = self.session
        # A recording's text is the script it was recorded in, shown for its lines: not a program to run.
        self.editor.setReadOnly(s.recording is not None)
        if s.recording is not None:
            trace = s.recording.trace
            self.lesson_panel.show_text(
                translate("program_panel", "Recording: {title}").format(title=s.title),
                translate("program_panel", "A graph recorded with gradviz.record() ({nodes} nodes, {passes} backward "
                          "passes). Its graph, values, gradients, stepping and chain rule are all here; editing "
                          "values, the gradient check and \"why is my grad None?\" need the program run again, which "
                          "a recording cannot do. The text below is the code it was recorded in, read-only.").format(
                    nodes=len(trace.nodes), passes=len(trace.passes)))
        elif s.lesson is not None:
            self.lesson_panel.set_lesson(s.lesson)
        elif s.module is not None:
            self.lesson_panel.show_text(
                translate("program_panel", "Module: {name}").format(name=s.module.class_name),
                translate("program_panel", "{name} from {path}. gradviz ran this file's Python code to load the "
                          "class, in a process of its own; the program below builds the model and runs it on an "
                          "input.").format(name=s.module.class_name, path=s.module.path))
        elif s.path is not None:
            self.lesson_panel.show_text(translate("program_panel", "Program: {name}").format(name=s.path.name),
                                        str(s.path))
        else:
            self.lesson_panel.show_text(translate("program_panel", "Your own program"),
                                        translate("program_panel", "Not a lesson: a program of your own. Run it "
                                                  "(Ctrl+Enter) to see its graph; the Lessons menu brings a lesson "
                                                  "back."))

    def _on_notice(self, notice: Notice | None) -> None:
        if notice is not None and notice.level == "error" and notice.line is not None:
            self.editor.mark_error(notice.line, notice.col, notice.detail or notice.text)

    def _on_paste_cleaned(self, what: str, lines: int) -> None:
        if what == NUMBERS:
            text = translate("program_panel", "Took the line numbers off the %n pasted line(s): they came with the "
                                              "code from the page it was copied from (Ctrl+Z puts them back).",
                             None, lines)
        else:
            text = translate("program_panel", "Kept the code of the pasted session of Python's prompt: the >>> and "
                                              "... prompts and the printed output are left out (Ctrl+Z gives back "
                                              "what was copied).")
        self.session.notify(text)

    def _on_font_size_changed(self, size: int) -> None:
        self.editor.set_font_size(size)
        self.lesson_panel.set_font_size(size)
