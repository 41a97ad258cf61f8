"""Where the program comes from and goes to: lessons, files, modules, recent files, save, export.

Nothing the user typed is dropped without asking (:meth:`ProgramFiles.confirm_discard`).
A module file is loaded in a run process (its code never runs in the app), after the
module dialog has said that it will run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QInputDialog, QMessageBox, QProgressDialog, QStyle

from gradviz.core import export, user_files
from gradviz.core.capture.module_spec import LoadedModule, ModuleLoadError, parse_spec
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.layout.layout import LayoutCancelled, LayoutError
from gradviz.core.lessons import files as lesson_files
from gradviz.core.lessons.catalogue import LESSONS, get_lesson
from gradviz.core.lessons.files import Lesson
from gradviz.core.program.errors import ProgramError
from gradviz.core.recording import is_recording_path
from gradviz.core.run.client import RunCancelled, shared_runner
from gradviz.core.run.request import Job, ModuleSpec, RunLimits
from gradviz.core.session import Session
from gradviz.qt.actions import make_action
from gradviz.qt.host import Host
from gradviz.qt.program.module_dialog import ModuleDialog
from gradviz.qt.program.recordings import open_recording_file
from gradviz.qt.runs.tasks import Task

PROGRAM_FILTER = QT_TRANSLATE_NOOP("program_files", "Programs (*.py *.txt *.gradviz-program);;All files (*)")
EXPORT_FILTER = QT_TRANSLATE_NOOP("program_files", "SVG picture (*.svg);;PNG image (*.png);;Graphviz DOT (*.dot);;"
                                  "gradviz JSON (*.json)")
PNG_SCALES = {"1× (96 dpi)": 1.0, "2× (192 dpi)": 2.0, "3× (288 dpi)": 3.0}


def is_module_spec(text: str) -> bool:
    """True for ``path.py:ClassName``."""
    try:
        parse_spec(text)
    except ModuleLoadError:
        return False
    return True


class ProgramFiles(QObject):
    """The File and Lessons menus, the lesson picker, and what they do.

    Attributes
    ----------
    lesson_picker : QComboBox
        For the toolbar.
    recent_menu : QMenu
    lesson_actions : dict[str, QAction]
    """

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(host.window)
        self.session, self.host = session, host
        self.window, self.settings = host.window, host.settings
        w = self.window
        sp = QStyle.StandardPixmap
        specs = [
            ("open_program", translate("program_files", "&Open Program…"), self.open_program, ["Ctrl+O"],
             translate("program_files", "Open a program file (.py, .txt, .gradviz-program)"), sp.SP_DialogOpenButton),
            ("open_module", translate("program_files", "Open &Module…"), self.open_module, ["Ctrl+Shift+O"],
             translate("program_files", "Load an nn.Module class from a Python file (runs that file)"), None),
            ("save", translate("program_files", "&Save"), self.save_program, ["Ctrl+S"],
             translate("program_files", "Save the program"), sp.SP_DialogSaveButton),
            ("save_as", translate("program_files", "Save &As…"), self.save_program_as, ["Ctrl+Shift+S"],
             translate("program_files", "Save the program under a new name"), None),
            ("export", translate("program_files", "&Export…"), self.export_dialog, ["Ctrl+E"],
             translate("program_files", "Export the graph as SVG, PNG, DOT or JSON"), None),
            ("quit", translate("program_files", "&Quit"), w.close, ["Ctrl+Q"],
             translate("program_files", "Quit gradviz"), None),
            ("next_lesson", translate("program_files", "&Next Lesson"), lambda: self.step_lesson(+1), ["Ctrl+PgDown"],
             translate("program_files", "Open the next built-in lesson"), None),
            ("previous_lesson", translate("program_files", "&Previous Lesson"), lambda: self.step_lesson(-1),
             ["Ctrl+PgUp"], translate("program_files", "Open the previous built-in lesson"), None),
        ]
        a: dict[str, QAction] = {}
        for name, text, slot, keys, tip, icon in specs:
            a[name] = host.add_command(name, make_action(w, text, slot, keys, tip, icon))
        file_menu = host.menu("file")
        file_menu.addActions([a["open_program"], a["open_module"]])
        self.recent_menu = file_menu.addMenu(translate("program_files", "Open &Recent"))
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.aboutToShow.connect(self.rebuild_recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([a["save"], a["save_as"], a["export"]])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])

        self.lesson_group = QActionGroup(w)
        self.lesson_actions: dict[str, QAction] = {}
        for i, (name, lesson) in enumerate(LESSONS.items()):
            # Alt+1 … Alt+0 for the first ten; the next ten on Alt+Shift+1 …
            keys = [f"Alt+{(i + 1) % 10}"] if i < 10 else [f"Alt+Shift+{(i - 9) % 10}"] if i < 20 else []
            action = make_action(w, lesson.title, lambda n=name: self.load_lesson(n), keys,
                                 translate("program_files", "Open the lesson '{name}'").format(name=name),
                                 checkable=False)
            action.setCheckable(True)
            action.setData(name)
            self.lesson_group.addAction(action)
            self.lesson_actions[name] = host.add_command(f"lesson_{name}", action)
        lessons_menu = host.menu("lessons")
        lessons_menu.addActions(list(self.lesson_actions.values()))
        lessons_menu.addSeparator()
        lessons_menu.addActions([a["previous_lesson"], a["next_lesson"]])

        self.lesson_picker = QComboBox()
        self.lesson_picker.setToolTip(translate("program_files", "Choose a built-in lesson (Alt+1 … Alt+0)"))
        self.lesson_picker.setAccessibleName(translate("program_files", "Lesson"))
        self.lesson_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for name, lesson in LESSONS.items():
            self.lesson_picker.addItem(lesson.title, name)
        self.lesson_picker.currentIndexChanged.connect(self._on_lesson_picker_changed)
        session.program_opened.connect(self._sync_lesson_widgets)
        self._sync_lesson_widgets()

    # -- opening --------------------------------------------------------------------------
    def open_source(self, source: str, confirm: bool = True) -> bool:
        """Open ``lesson:NAME``, a lesson file, ``path.py:Class``, a recording or a program file path."""
        if source.startswith("lesson:"):
            try:
                return self.load_lesson(source, confirm=confirm)
            except KeyError as exc:
                self.session.notify(str(exc).strip("'\""), "error")
                return False
        if is_recording_path(source):
            if confirm and not self.confirm_discard(translate("program_files", "opening the recording")):
                return False
            opened = open_recording_file(self.session, source)
            if opened:
                self.settings.add_recent_file(str(Path(source)))
            return opened
        if source.lower().endswith(lesson_files.SUFFIX):  # a lesson file: its program, text and view
            try:
                lesson = lesson_files.load_lesson(source)
            except lesson_files.LessonFileError as exc:
                self.session.notify(translate("program_files", "Cannot open the lesson file: {exc}").format(exc=exc),
                                    "error")
                return False
            return self.open_lesson(lesson, confirm=confirm)
        if is_module_spec(source):
            path, class_name = parse_spec(source)
            # A module always goes through the dialog: it is the confirmation to run the file.
            return self.open_module(str(path), class_name)
        return self.open_program(source, confirm=confirm)

    def load_lesson(self, name: str, confirm: bool = True) -> bool:
        """Put built-in lesson ``name`` in the editor and run it; False if the user kept their edits."""
        return self.open_lesson(get_lesson(name), confirm)

    def open_lesson(self, lesson: Lesson, confirm: bool = True) -> bool:
        """Put ``lesson`` (built in or from a lesson file) in the editor and run it."""
        if confirm and not self.confirm_discard(
                translate("program_files", "opening the lesson “{title}”").format(title=lesson.title)):
            self._sync_lesson_widgets()
            return False
        self.settings.last_lesson = lesson.name
        self.session.open_lesson(lesson)
        return True

    def step_lesson(self, delta: int) -> bool:
        """Open the lesson ``delta`` places after the current one (wrapping)."""
        names = list(LESSONS)
        current = self.session.lesson.name if self.session.lesson is not None else None
        i = names.index(current) if current in names else -delta
        return self.load_lesson(names[(i + delta) % len(names)])

    def open_program(self, path: str | os.PathLike[str] | None = None, confirm: bool = True) -> bool:
        """Put a program file in the editor and run it (asks for the file when ``path`` is None).

        Any text file is read as an expression-language program.
        """
        if path is None:
            start = str(self.session.path.parent) if self.session.path else ""
            chosen, _ = QFileDialog.getOpenFileName(self.window, translate("program_files", "Open a program"), start,
                                                    translate("program_files", PROGRAM_FILTER))
            if not chosen:
                return False
            path = chosen
        path = Path(path)
        try:
            text = user_files.read_text(path, user_files.PROGRAM_FILE_BYTES)
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            self.session.notify(translate("program_files", "Cannot open {path}: {reason}").format(path=path,
                                                                                                  reason=reason),
                                "error")
            if not path.exists():
                self.settings.remove_recent_file(str(path))
            return False
        if confirm and not self.confirm_discard(translate("program_files", "opening {name}").format(name=path.name)):
            return False
        self.settings.add_recent_file(str(path))
        self.session.open_file(path, text)
        return True

    def open_module(self, path: str = "", class_name: str = "", init: str = "", input_expr: str = "",
                    confirm: bool = True, root: str = "") -> bool:
        """Load an ``nn.Module`` class from a file and run it on an input.

        This runs the file's Python code (in a run process), so unless ``confirm`` is False
        the module dialog (prefilled with the arguments) asks first; the message bar says so
        afterwards.
        """
        if confirm:
            dialog = ModuleDialog(self.window, str(path), class_name, init, input_expr, root)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            spec, init, input_expr, root = dialog.spec, dialog.init_args, dialog.input_expr, dialog.root
            if not self.confirm_discard(translate("program_files", "loading the module")):
                return False
        else:
            spec = f"{path}:{class_name}"
        try:
            file, name = parse_spec(spec)
            file = file.resolve()
            job = Job("module_program", options={"spec": f"{file}:{name}", "init": init, "input": input_expr},
                      limits=RunLimits(seconds=120), wall=False)
            program, used_input = self.wait_for(lambda cancel: shared_runner().call(job, cancel),
                                                translate("program_files", "Loading {name} from {file}…").format(
                                                    name=name, file=file.name),
                                                translate("program_files", "Open Module"))
        except RunCancelled:
            self.session.notify(translate("program_files", "Loading {spec} was cancelled.").format(spec=spec))
            return False
        except (ModuleLoadError, ProgramError) as exc:
            self.session.notify(translate("program_files", "Could not load {spec}: {exc}").format(spec=spec, exc=exc),
                                "error")
            return False
        self.settings.add_recent_file(spec)
        self.session.open_module(LoadedModule(ModuleSpec(str(file), name, init, used_input,
                                                                  guessed=not input_expr.strip()),
                                                       program, root.strip()))
        return True

    # -- saving ---------------------------------------------------------------------------
    def save_program(self) -> bool:
        """Save to the current file, or ask for one; False if nothing was saved."""
        if self.session.path is None:
            return self.save_program_as()
        return self._write_program(self.session.path)

    def save_program_as(self, path: str | os.PathLike[str] | None = None) -> bool:
        """Save under ``path`` (asked for when None); the window then edits that file."""
        s = self.session
        if path is None:
            name = s.lesson.name if s.lesson is not None else "program"
            suggested = str(s.path or Path.home() / f"{name}.py")
            chosen, _ = QFileDialog.getSaveFileName(self.window, translate("program_files", "Save the program"),
                                                    suggested, translate("program_files", PROGRAM_FILTER))
            if not chosen:
                return False
            path = chosen
        if not self._write_program(Path(path)):
            return False
        self.settings.add_recent_file(str(Path(path)))
        return True

    def _write_program(self, path: Path) -> bool:
        try:
            path.write_text(self.session.source, encoding="utf-8")
        except OSError as exc:
            reason = exc.strerror or exc
            self.session.notify(translate("program_files", "Could not save {path}: {reason}").format(path=path,
                                                                                                     reason=reason),
                                "error")
            return False
        self.session.saved(path)
        self.window.statusBar().showMessage(translate("program_files", "Saved {path}").format(path=path), 5000)
        return True

    def confirm_discard(self, doing: str) -> bool:
        """Ask what to do with unsaved edits before ``doing``; True means go ahead.

        Save saves (and goes ahead if that worked), Discard goes ahead, Cancel keeps
        everything as it is.
        """
        if not self.session.modified:
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window, translate("program_files", "Unsaved changes"),
            translate("program_files",
                      "The program has changes that are not saved. Save them before {doing}?").format(doing=doing),
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        if answer == buttons.Save:
            return self.save_program()
        return answer == buttons.Discard

    # -- lessons and recent files -------------------------------------------------------------
    def _sync_lesson_widgets(self) -> None:
        current = self.session.lesson.name if self.session.lesson is not None else None
        self.lesson_picker.blockSignals(True)
        self.lesson_picker.setCurrentIndex(self.lesson_picker.findData(current) if current else -1)
        self.lesson_picker.blockSignals(False)
        for name, action in self.lesson_actions.items():
            action.setChecked(name == current)

    def _on_lesson_picker_changed(self, index: int) -> None:
        name = self.lesson_picker.itemData(index)
        current = self.session.lesson.name if self.session.lesson is not None else None
        if name and name != current:
            self.load_lesson(name)

    def rebuild_recent_menu(self) -> None:
        """Fill File ▸ Open Recent from the settings (called as it opens)."""
        menu = self.recent_menu
        menu.clear()
        recent = self.settings.recent_files
        for i, entry in enumerate(recent):
            action = QAction(f"&{i + 1 if i < 9 else 0}  {entry}", menu)
            action.setToolTip(translate("program_files", "Load a module (asks first: it runs the file)")
                              if is_module_spec(entry)
                              else translate("program_files", "Open this recording (nothing runs)")
                              if is_recording_path(entry)
                              else translate("program_files", "Open this program"))
            action.triggered.connect(lambda _checked=False, e=entry: self.open_source(e))
            menu.addAction(action)
        if not recent:
            empty = menu.addAction(translate("program_files", "No recent files"))
            empty.setEnabled(False)
            return
        menu.addSeparator()
        clear = menu.addAction(translate("program_files", "Clear the list"))
        clear.triggered.connect(lambda _checked=False: setattr(self.settings, "recent_files", []))

    # -- export ---------------------------------------------------------------------------
    def export_to(self, path: str | os.PathLike[str], scale: float = 1.0) -> Path:
        """Write the graph on screen to ``path``: .svg, .png (at ``scale``), .dot or .json.

        Raises
        ------
        ValueError
            Nothing has been run yet, or the suffix is not one of those.
        LayoutError
            The layout engine failed (SVG and PNG).
        """
        if self.session.trace is None:
            raise ValueError("There is no graph to export yet: run a program first.")
        return export.write(self.session.trace, path, scale=scale, engine=self.settings.layout_engine_path or None)

    def export_dialog(self) -> Path | None:
        """Ask for a file (and a PNG scale), export, and say how it went."""
        s = self.session
        if s.trace is None:
            s.notify(translate("program_files", "There is no graph to export yet: run a program first."), "warning")
            return None
        base = s.lesson.name if s.lesson is not None else (s.path.stem if s.path else "graph")
        path, selected = QFileDialog.getSaveFileName(self.window, translate("program_files", "Export the graph"),
                                                     f"{base}.svg", translate("program_files", EXPORT_FILTER))
        if not path:
            return None
        if not Path(path).suffix:
            path += "." + selected.split("*.")[-1].rstrip(")")
        scale = 1.0
        if path.lower().endswith(".png"):
            choice, ok = QInputDialog.getItem(self.window, translate("program_files", "PNG resolution"),
                                              translate("program_files", "Scale:"), list(PNG_SCALES), 1, False)
            if not ok:
                return None
            scale = PNG_SCALES[choice]
        trace, engine = s.trace, self.settings.layout_engine_path or None
        try:
            written = self.wait_for(lambda cancel: export.write(trace, path, scale=scale, engine=engine, cancel=cancel),
                                    f"Exporting {Path(path).name}…", "Export")
        except LayoutCancelled:
            s.notify(translate("program_files", "Export cancelled: no file was written."))
            return None
        except (ValueError, LayoutError, OSError) as exc:
            s.notify(translate("program_files", "Export failed: {exc}").format(exc=exc), "error")
            return None
        self.window.statusBar().showMessage(translate("program_files",
                                                      "Exported {written}").format(written=written), 5000)
        return written

    def wait_for(self, work: Callable[[threading.Event], Any], text: str, title: str) -> Any:
        """``work(cancel)`` on a worker thread while the window keeps painting, with a
        Cancel button after half a second; returns its result or raises its exception."""
        task = Task(work, self)
        dialog = QProgressDialog(text, "Cancel", 0, 0, self.window)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)  # a small job is done before it would show
        dialog.canceled.connect(task.cancel)
        outcome: list = []
        loop = QEventLoop()
        task.done.connect(lambda result: (outcome.append(result), loop.quit()))
        task.failed.connect(lambda error: (outcome.append(error), loop.quit()))
        task.start()
        loop.exec()
        dialog.reset()
        dialog.deleteLater()
        task.deleteLater()
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]
