"""Where the program comes from and goes to: open, save, modules, recent files, export.

A mixin of :class:`gradviz.qt.main_window.MainWindow`, kept apart so the window module
holds the layout and the run cycle only. Nothing the user typed is dropped without asking.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QProgressDialog

from gradviz.core import export
from gradviz.core.capture.module_spec import LoadedModule, ModuleLoadError, parse_spec
from gradviz.core.layout.layout import LayoutCancelled, LayoutError
from gradviz.core.program.errors import ProgramError
from gradviz.core.run.client import RunCancelled, shared_runner
from gradviz.core.run.request import Job, ModuleSpec, RunLimits
from gradviz.qt.program.module_dialog import ModuleDialog
from gradviz.qt.runs.tasks import Task

if TYPE_CHECKING:
    from gradviz.qt.main_window import MainWindow

PROGRAM_FILTER = "Programs (*.py *.txt *.gradviz-program);;All files (*)"
EXPORT_FILTER = "SVG picture (*.svg);;PNG image (*.png);;Graphviz DOT (*.dot);;gradviz JSON (*.json)"
PNG_SCALES = {"1× (96 dpi)": 1.0, "2× (192 dpi)": 2.0, "3× (288 dpi)": 3.0}


def is_module_spec(text: str) -> bool:
    """True for ``path.py:ClassName``."""
    try:
        parse_spec(text)
    except ModuleLoadError:
        return False
    return True


class ProgramFiles:
    """Open, save, load modules, recent files and export, for the main window."""

    current_path: Path | None = None

    # -- opening --------------------------------------------------------------------------
    def open_source(self: "MainWindow", source: str, confirm: bool = True) -> bool:
        """Open ``lesson:NAME``, ``path.py:Class`` or a program file path."""
        if source.startswith("lesson:"):
            try:
                return self.load_lesson(source, confirm=confirm)
            except KeyError as exc:
                self.message_bar.show_message(str(exc).strip("'\""), "error")
                return False
        if is_module_spec(source):
            path, class_name = parse_spec(source)
            # A module always goes through the dialog: it is the confirmation to run the file.
            return self.open_module(str(path), class_name)
        return self.open_program(source, confirm=confirm)

    def open_program(self: "MainWindow", path: str | os.PathLike[str] | None = None, confirm: bool = True) -> bool:
        """Put a program file in the editor and run it (asks for the file when ``path`` is None).

        Any text file is read as an expression-language program.
        """
        if path is None:
            start = str(self.current_path.parent) if self.current_path else ""
            chosen, _ = QFileDialog.getOpenFileName(self, "Open a program", start, PROGRAM_FILTER)
            if not chosen:
                return False
            path = chosen
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.message_bar.show_message(f"Cannot open {path}: {getattr(exc, 'strerror', None) or exc}", "error")
            if not path.exists():
                self.settings.remove_recent_file(str(path))
            return False
        if confirm and not self.confirm_discard(f"opening {path.name}"):
            return False
        self._module = None
        self.current_lesson = None
        self.current_path = path
        self.editor.set_source(text)
        self.lesson_panel.show_text(f"Program: {path.name}", str(path))
        self._set_program_title(path.name)
        self._sync_lesson_widgets()
        self.settings.add_recent_file(str(path))
        self.message_bar.clear()
        self.run_program()
        return True

    def open_module(self: "MainWindow", path: str = "", class_name: str = "", init: str = "",
                    input_expr: str = "", confirm: bool = True) -> bool:
        """Load an ``nn.Module`` class from a file and run it on an input.

        This runs the file's Python code, so unless ``confirm`` is False the module dialog
        (prefilled with the arguments) asks first; the message bar says so afterwards.
        """
        if confirm:
            dialog = ModuleDialog(self, str(path), class_name, init, input_expr)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            spec, init, input_expr = dialog.spec, dialog.init_args, dialog.input_expr
            if not self.confirm_discard("loading the module"):
                return False
        else:
            spec = f"{path}:{class_name}"
        try:
            file, name = parse_spec(spec)
            file = file.resolve()
            job = Job("module_program", options={"spec": f"{file}:{name}", "init": init, "input": input_expr},
                      limits=RunLimits(seconds=120), wall=False)
            program = self._wait_for(lambda cancel: shared_runner().call(job, cancel),
                                     f"Loading {name} from {file.name}…", "Open Module")
        except RunCancelled:
            self.message_bar.show_message(f"Loading {spec} was cancelled.", "info")
            return False
        except (ModuleLoadError, ProgramError) as exc:
            self.message_bar.show_message(f"Could not load {spec}: {exc}", "error")
            return False
        loaded = LoadedModule(ModuleSpec(str(file), name), program)
        self._module = loaded
        self.current_lesson = None
        self.current_path = None
        self.editor.set_source(loaded.program)
        self.lesson_panel.show_text(
            f"Module: {loaded.class_name}",
            f"{loaded.class_name} from {loaded.path}. gradviz ran this file's Python code to load the class; "
            "the program below builds the model and runs it on an input.")
        self._set_program_title(f"{loaded.class_name} ({loaded.path.name})")
        self._sync_lesson_widgets()
        self.settings.add_recent_file(spec)
        self._extra_notes = [f"Loaded {loaded.class_name}: gradviz ran the Python code of {loaded.path.name}."]
        self.message_bar.show_message(self._extra_notes[0], "info")
        self.run_program()
        return True

    # -- saving ---------------------------------------------------------------------------
    def save_program(self: "MainWindow") -> bool:
        """Save to the current file, or ask for one; False if nothing was saved."""
        if self.current_path is None:
            return self.save_program_as()
        return self._write_program(self.current_path)

    def save_program_as(self: "MainWindow", path: str | os.PathLike[str] | None = None) -> bool:
        """Save under ``path`` (asked for when None); the window then edits that file."""
        if path is None:
            suggested = str(self.current_path or Path.home() / f"{self.current_lesson or 'program'}.py")
            chosen, _ = QFileDialog.getSaveFileName(self, "Save the program", suggested, PROGRAM_FILTER)
            if not chosen:
                return False
            path = chosen
        if not self._write_program(Path(path)):
            return False
        self.current_path = Path(path)
        self._set_program_title(self.current_path.name)
        self.settings.add_recent_file(str(self.current_path))
        return True

    def _write_program(self: "MainWindow", path: Path) -> bool:
        try:
            path.write_text(self.editor.toPlainText(), encoding="utf-8")
        except OSError as exc:
            self.message_bar.show_message(f"Could not save {path}: {exc.strerror or exc}", "error")
            return False
        self.editor.document().setModified(False)
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def confirm_discard(self: "MainWindow", doing: str) -> bool:
        """Ask what to do with unsaved edits before ``doing``; True means go ahead.

        Save saves (and goes ahead if that worked), Discard goes ahead, Cancel keeps
        everything as it is.
        """
        if not self.editor.document().isModified():
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self, "Unsaved changes",
            f"The program has changes that are not saved. Save them before {doing}?",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        if answer == buttons.Save:
            return self.save_program()
        return answer == buttons.Discard

    def _set_program_title(self: "MainWindow", title: str) -> None:
        self.setWindowTitle(f"{title}[*] — gradviz")
        self.setWindowModified(self.editor.document().isModified())

    # -- recent files ---------------------------------------------------------------------
    def rebuild_recent_menu(self: "MainWindow") -> None:
        """Fill File ▸ Open Recent from the settings (called as it opens)."""
        menu = self.recent_menu
        menu.clear()
        recent = self.settings.recent_files
        for i, entry in enumerate(recent):
            action = QAction(f"&{i + 1 if i < 9 else 0}  {entry}", menu)
            action.setToolTip("Load a module (asks first: it runs the file)" if is_module_spec(entry)
                              else "Open this program")
            action.triggered.connect(lambda _checked=False, e=entry: self.open_source(e))
            menu.addAction(action)
        if not recent:
            empty = menu.addAction("No recent files")
            empty.setEnabled(False)
            return
        menu.addSeparator()
        clear = menu.addAction("Clear the list")
        clear.triggered.connect(lambda _checked=False: setattr(self.settings, "recent_files", []))

    # -- export ---------------------------------------------------------------------------
    def export_to(self: "MainWindow", path: str | os.PathLike[str], scale: float = 1.0) -> Path:
        """Write the graph on screen to ``path``: .svg, .png (at ``scale``), .dot or .json.

        Raises
        ------
        ValueError
            Nothing has been run yet, or the suffix is not one of those.
        LayoutError
            The layout engine failed (SVG and PNG).
        """
        if self.current_trace is None:
            raise ValueError("There is no graph to export yet: run a program first.")
        return export.write(self.current_trace, path, scale=scale,
                            engine=self.settings.layout_engine_path or None)

    def export_dialog(self: "MainWindow") -> Path | None:
        """Ask for a file (and a PNG scale), export, and say how it went."""
        if self.current_trace is None:
            self.message_bar.show_message("There is no graph to export yet: run a program first.", "warning")
            return None
        base = self.current_lesson or (self.current_path.stem if self.current_path else "graph")
        path, selected = QFileDialog.getSaveFileName(self, "Export the graph", f"{base}.svg", EXPORT_FILTER)
        if not path:
            return None
        if not Path(path).suffix:
            path += "." + selected.split("*.")[-1].rstrip(")")
        scale = 1.0
        if path.lower().endswith(".png"):
            choice, ok = QInputDialog.getItem(self, "PNG resolution", "Scale:", list(PNG_SCALES), 1, False)
            if not ok:
                return None
            scale = PNG_SCALES[choice]
        try:
            written = self._export_in_background(path, scale)
        except LayoutCancelled:
            self.message_bar.show_message("Export cancelled: no file was written.", "info")
            return None
        except (ValueError, LayoutError, OSError) as exc:
            self.message_bar.show_message(f"Export failed: {exc}", "error")
            return None
        self.statusBar().showMessage(f"Exported {written}", 5000)
        return written

    def _export_in_background(self: "MainWindow", path: str, scale: float) -> Path:
        """:meth:`export_to` on a worker thread: Graphviz takes seconds on a big graph, and
        the window keeps painting meanwhile, with a Cancel button after a moment."""
        trace, engine = self.current_trace, self.settings.layout_engine_path or None
        return self._wait_for(lambda cancel: export.write(trace, path, scale=scale, engine=engine, cancel=cancel),
                              f"Exporting {Path(path).name}…", "Export")

    def _wait_for(self: "MainWindow", work: Callable[[threading.Event], Any], text: str, title: str) -> Any:
        """``work(cancel)`` on a worker thread while the window keeps painting, with a
        Cancel button after half a second; returns its result or raises its exception."""
        task = Task(work, self)
        dialog = QProgressDialog(text, "Cancel", 0, 0, self)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)  # a small graph is written before it would show
        dialog.canceled.connect(task.cancel)
        outcome: list = []
        loop = QEventLoop()
        task.done.connect(lambda written: (outcome.append(written), loop.quit()))
        task.failed.connect(lambda error: (outcome.append(error), loop.quit()))
        task.start()
        loop.exec()
        dialog.reset()
        dialog.deleteLater()
        task.deleteLater()
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]
