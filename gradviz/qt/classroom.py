"""Classroom tools in the main window: lesson files, edit-and-re-run, gradient check,
"why is my grad None?", and presentation mode (issue 8)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMenu

from gradviz.core.lesson_files import SUFFIX, Lesson, LessonFileError, LessonView, load_lesson, save_lesson
from gradviz.qt.actions import make_action
from gradviz.qt.gradcheck_dialog import GradCheckDialog
from gradviz.qt.presentation import Presentation
from gradviz.qt.value_editor import ValueEditor
from gradviz.qt.why_none_dialog import WhyNoneDialog

if TYPE_CHECKING:
    from gradviz.qt.main_window import MainWindow

FILE_FILTER = f"gradviz lessons (*{SUFFIX})"


class Classroom(QObject):
    """Adds the Classroom menu and its tools to ``window``.

    Attributes
    ----------
    presentation : Presentation
        F11 toggles it.
    overrides : dict
        Values edited in the value editor, by variable name; every run applies them until
        the program or lesson changes.
    """

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.overrides: dict[str, Any] = {}
        self.presentation = Presentation(window)
        self.dialogs: list[Any] = []  # kept alive while shown
        w = window
        self.open_lesson_action = make_action(w, "Open &Lesson File…", self.open_lesson_file, ["Ctrl+Alt+O"],
                                              f"Open a {SUFFIX} lesson file (it runs only gradviz's safe language)")
        self.save_lesson_action = make_action(w, "Save as Lesson &File…", self.save_lesson_file, ["Ctrl+Alt+S"],
                                              "Save the program, the lesson text, the step and the view as a "
                                              f"{SUFFIX} file")
        self.gradcheck_action = make_action(w, "&Gradient Check…", self.gradient_check, ["Ctrl+Alt+G"],
                                            "Compare every leaf's gradient with a central-difference estimate")
        self.why_none_action = make_action(w, "&Why Is My Grad None?…", self.why_none, ["Ctrl+Shift+W"],
                                           "Explain why a tensor's .grad is None, pointing at the line")
        self.edit_value_action = make_action(w, "&Edit Value of Selected Tensor…", self.edit_value, ["Ctrl+Alt+E"],
                                             "Change a leaf or constant's value (a slider for numbers) and see "
                                             "every value and gradient update")
        self.presentation_action = make_action(w, "&Presentation Mode", self.presentation.toggle, ["F11"],
                                               "Large fonts, thick lines, only the canvas and the player "
                                               "(F11 or Esc to leave)")
        self.presentation_action.setCheckable(True)
        self.presentation.changed.connect(self.presentation_action.setChecked)
        self._add_menu()
        window.editor.textChanged.connect(self._on_program_edited)

    # -- menus ----------------------------------------------------------------------------
    def _add_menu(self) -> None:
        bar = self.window.menuBar()
        menu = QMenu("&Classroom", bar)
        menu.setToolTipsVisible(True)
        menu.addActions([self.open_lesson_action, self.save_lesson_action])
        menu.addSeparator()
        menu.addActions([self.edit_value_action, self.gradcheck_action, self.why_none_action])
        menu.addSeparator()
        menu.addAction(self.presentation_action)
        help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, menu)
        else:
            bar.addMenu(menu)
        self.menu = menu

    # -- lesson files -----------------------------------------------------------------------
    def open_lesson_file(self, path: str | Path | None = None) -> bool:
        """Open a lesson file (asks for one when ``path`` is None); False if nothing opened."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(self.window, "Open lesson file", "", FILE_FILTER)
            if not path:
                return False
        try:
            lesson = load_lesson(path)
        except LessonFileError as exc:
            self.window.message_bar.show_message(f"Cannot open the lesson file: {exc}", "error")
            return False
        return self.window.open_lesson(lesson)

    def current_as_lesson(self) -> Lesson:
        """The window's program, lesson text, player step and view as a Lesson."""
        w = self.window
        base = w.lesson
        collapsed = tuple(sorted(getattr(w.big_graphs, "collapsed", ()) or ()))
        view = LessonView(zoom=round(float(w.graph_view.zoom), 3), collapsed=collapsed, theme=w.theme)
        return Lesson(
            name=base.name if base else "my-lesson", title=base.title if base else "My lesson",
            text=base.text if base else "", program=w.editor.toPlainText(),
            subject=base.subject if base else None, roots=base.roots if base else (),
            trains=base.trains if base else False,
            start_step=w.step_through.player.position, view=view,
        )

    def save_lesson_file(self, path: str | Path | None = None) -> Path | None:
        """Save :meth:`current_as_lesson` (asks where when ``path`` is None)."""
        if not path:
            path, _ = QFileDialog.getSaveFileName(self.window, "Save lesson file", "", FILE_FILTER)
            if not path:
                return None
        try:
            saved = save_lesson(self.current_as_lesson(), path)
        except OSError as exc:
            self.window.message_bar.show_message(f"Cannot save the lesson file: {exc}", "error")
            return None
        self.window.message_bar.show_message(f"Saved the lesson as {saved}", "info")
        return saved

    # -- edit and re-run --------------------------------------------------------------------
    def edit_value(self, node_id: str | None = None) -> ValueEditor | None:
        """Open the value editor for the selected leaf or constant."""
        w = self.window
        trace = w.current_trace
        node_id = node_id or w.graph_view.selected_node_id
        node = trace.node(node_id) if trace is not None and node_id else None
        if node is None or node.kind in ("op", "output") or not node.label or node.label not in trace.variables:
            w.message_bar.show_message("Select a leaf or constant that the program names (w1, x1, …): "
                                       "its value can be edited.", "info")
            return None
        editor = ValueEditor(node, self.overrides.get(node.label), w)
        editor.value_changed.connect(self.set_override)
        self.dialogs.append(editor)
        editor.finished.connect(lambda _=0, e=editor: self.dialogs.remove(e) if e in self.dialogs else None)
        editor.show()
        return editor

    def set_override(self, name: str, value: Any) -> None:
        """Re-run with ``name`` set to ``value``, keeping the layout and the player's step."""
        self.overrides[name] = value
        self._rerun()

    def clear_overrides(self) -> None:
        if self.overrides:
            self.overrides.clear()
            self._rerun()

    def _rerun(self) -> None:
        w = self.window
        w.step_through.start_next_run_at(w.step_through.player.position)
        w.run_program()
        shown = ", ".join(f"{k} = {v}" for k, v in self.overrides.items())
        if shown:
            w.show_after_run(f"Edited in gradviz, not in the program text: {shown}.", "info")

    def _on_program_edited(self) -> None:
        # Overrides belong to the program they were made for; a typed change starts afresh.
        if self.overrides and self.window.editor.document().isModified():
            self.overrides.clear()

    # -- checks -------------------------------------------------------------------------------
    def gradient_check(self) -> GradCheckDialog:
        dialog = GradCheckDialog(self.window.program_spec(), self.window)
        self._show(dialog)
        dialog.start()
        return dialog

    def why_none(self, name: str | None = None) -> WhyNoneDialog:
        w = self.window
        trace = w.current_trace
        names = sorted(trace.variables) if trace is not None else []
        dialog = WhyNoneDialog(w.program_spec(), names, w)
        dialog.line_activated.connect(w.go_to_line)
        self._show(dialog)
        if name:
            dialog.ask(name)
        return dialog

    def _show(self, dialog: Any) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _=0, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        dialog.show()
