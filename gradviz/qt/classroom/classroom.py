"""Classroom tools: lesson files, edit-and-re-run, gradient check, "why is my grad None?",
and presentation mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.lessons.files import SUFFIX, Lesson, LessonFileError, LessonView, load_lesson, save_lesson
from gradviz.core.session import Session
from gradviz.qt.actions import make_action
from gradviz.qt.classroom.gradcheck_dialog import GradCheckDialog
from gradviz.qt.classroom.presentation import Presentation
from gradviz.qt.classroom.quiz import Quiz
from gradviz.qt.classroom.value_editor import ValueEditor, place_clear_of_nodes
from gradviz.qt.classroom.why_none_dialog import WhyNoneDialog
from gradviz.qt.host import Host

FILE_FILTER = QT_TRANSLATE_NOOP("classroom", "gradviz lessons (*{suffix})")


class Classroom(QObject):
    """The Classroom menu and its tools.

    Attributes
    ----------
    presentation : Presentation
        F11 toggles it.
    quiz : Quiz
        Classroom ▸ Quiz Mode (Ctrl+Alt+Q).
    dialogs : list
        The tool dialogs open now (kept alive while shown).
    """

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(host.window)
        self.session, self.host = session, host
        self.window = w = host.window
        self.presentation = Presentation(session, host)
        self.dialogs: list[Any] = []
        specs = [
            ("open_lesson_file", translate("classroom", "Open &Lesson File…"), self.open_lesson_file, ["Ctrl+Alt+O"],
             translate("classroom", "Open a {suffix} lesson file (it runs only gradviz's safe language)").format(
                 suffix=SUFFIX)),
            ("save_lesson_file", translate("classroom", "Save as Lesson &File…"), self.save_lesson_file, ["Ctrl+Alt+S"],
             translate("classroom", "Save the program, the lesson text, the step and the view as a {suffix} "
                                    "file").format(suffix=SUFFIX)),
            ("edit_value", translate("classroom", "&Edit Value of Selected Tensor…"), self.edit_value, ["Ctrl+Alt+E"],
             translate("classroom", "Change a leaf or constant's value (a slider for numbers) and see every value "
                                    "and gradient update")),
            ("gradient_check", translate("classroom", "&Gradient Check…"), self.gradient_check, ["Ctrl+Alt+G"],
             translate("classroom", "Compare every leaf's gradient with a central-difference estimate")),
            ("why_none", translate("classroom", "&Why Is My Grad None?…"), self.why_none, ["Ctrl+Shift+W"],
             translate("classroom", "Explain why a tensor's .grad is None, pointing at the line")),
            ("presentation", translate("classroom", "&Presentation Mode"), self.presentation.toggle, ["F11"],
             translate("classroom", "Large fonts, thick lines, only the canvas and the player (F11 or Esc to leave)")),
        ]
        a = {name: host.add_command(name, make_action(w, text, slot, keys, tip))
             for name, text, slot, keys, tip in specs}
        self.open_lesson_action, self.save_lesson_action = a["open_lesson_file"], a["save_lesson_file"]
        self.edit_value_action, self.gradcheck_action = a["edit_value"], a["gradient_check"]
        self.why_none_action, self.presentation_action = a["why_none"], a["presentation"]
        self.presentation_action.setCheckable(True)
        session.presentation_changed.connect(self.presentation_action.setChecked)
        menu = host.menu("classroom")
        menu.addActions([self.open_lesson_action, self.save_lesson_action])
        menu.addSeparator()
        menu.addActions([self.edit_value_action, self.gradcheck_action, self.why_none_action])
        menu.addSeparator()
        menu.addAction(self.presentation_action)
        self.menu = menu
        self.quiz = Quiz(session, host)
        session.overrides_changed.connect(self._on_overrides_changed)

    @property
    def overrides(self) -> dict[str, Any]:
        """Values edited in the value editor, by variable name (the session's)."""
        return self.session.overrides

    # -- lesson files -----------------------------------------------------------------------
    def open_lesson_file(self, path: str | Path | None = None) -> bool:
        """Open a lesson file (asks for one when ``path`` is None); False if nothing opened."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(self.window, translate("classroom", "Open lesson file"), "",
                                                  translate("classroom", FILE_FILTER).format(suffix=SUFFIX))
            if not path:
                return False
        try:
            lesson = load_lesson(path)
        except LessonFileError as exc:
            self.session.notify(translate("classroom", "Cannot open the lesson file: {exc}").format(exc=exc), "error")
            return False
        if not self.host.confirm_discard(translate("classroom", "opening the lesson “{title}”").format(
                title=lesson.title)):
            return False
        self.session.open_lesson(lesson)
        return True

    def current_as_lesson(self) -> Lesson:
        """The session's program, lesson text, step and view as a Lesson."""
        s = self.session
        base = s.lesson
        view = LessonView(zoom=round(float(self.host.canvas.zoom), 3), collapsed=tuple(sorted(s.collapsed)),
                          theme=s.theme)
        return Lesson(
            name=base.name if base else "my-lesson", title=base.title if base else translate("classroom", "My lesson"),
            text=base.text if base else "", program=s.source,
            subject=base.subject if base else None, roots=base.roots if base else (),
            trains=base.trains if base else False, start_step=s.step, view=view,
        )

    def save_lesson_file(self, path: str | Path | None = None) -> Path | None:
        """Save :meth:`current_as_lesson` (asks where when ``path`` is None)."""
        if not path:
            path, _ = QFileDialog.getSaveFileName(self.window, translate("classroom", "Save lesson file"), "",
                                                  translate("classroom", FILE_FILTER).format(suffix=SUFFIX))
            if not path:
                return None
        try:
            saved = save_lesson(self.current_as_lesson(), path)
        except OSError as exc:
            self.session.notify(translate("classroom", "Cannot save the lesson file: {exc}").format(exc=exc), "error")
            return None
        self.session.notify(translate("classroom", "Saved the lesson as {saved}").format(saved=saved), "info")
        return saved

    # -- edit and re-run --------------------------------------------------------------------
    def edit_value(self, node_id: str | None = None) -> ValueEditor | None:
        """Open the value editor for the selected leaf or constant."""
        s = self.session
        trace = s.trace
        node_id = node_id or s.selected
        try:
            node = trace.node(node_id) if trace is not None and node_id else None
        except KeyError:  # a collapsed module's box
            node = None
        if node is None or node.kind in ("op", "output") or not node.label or node.label not in trace.variables:
            s.notify(translate("classroom", "Select a leaf or constant that the program names (w1, x1, …): its value "
                                            "can be edited."), "info")
            return None
        editor = ValueEditor(node, s.overrides.get(node.label), self.window)
        editor.value_changed.connect(s.set_override)
        self._show(editor)
        place_clear_of_nodes(editor, self.host.canvas)
        return editor

    def set_override(self, name: str, value: Any) -> None:
        """Re-run with ``name`` set to ``value``, keeping the layout and the player's step."""
        self.session.set_override(name, value)

    def clear_overrides(self) -> None:
        self.session.clear_overrides()

    # -- checks -------------------------------------------------------------------------------
    def gradient_check(self) -> GradCheckDialog:
        dialog = GradCheckDialog(self.session.program_spec(), self.window)
        self._show(dialog)
        dialog.start()
        return dialog

    def _on_overrides_changed(self) -> None:
        # An open gradient check is of the values on screen: a slider moved, it checks again.
        for dialog in self.dialogs:
            if isinstance(dialog, GradCheckDialog):
                dialog.check_again(self.session.program_spec())

    def why_none(self, name: str | None = None) -> WhyNoneDialog:
        trace = self.session.trace
        names = sorted(trace.variables) if trace is not None else []
        dialog = WhyNoneDialog(self.session.program_spec(), names, self.window)
        dialog.line_activated.connect(self.session.show_line)
        self._show(dialog)
        if name:
            dialog.ask(name)
        return dialog

    def _show(self, dialog: Any) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _=0, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        dialog.show()
