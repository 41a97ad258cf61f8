"""'Why is my grad None?': pick a tensor of the program, read the reason, jump to its line."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gradviz.core.checks.reports import GradReason
from gradviz.core.i18n import translate
from gradviz.core.run.client import shared_runner
from gradviz.core.run.request import Job, ProgramSpec
from gradviz.qt.runs.tasks import Task
from gradviz.qt.widgets.plain_text import plain


class WhyNoneDialog(QDialog):
    """Asks a run process why one variable's ``.grad`` is None, off the GUI thread.

    Parameters
    ----------
    program : ProgramSpec or str
        The program, as the app runs it.
    names : sequence of str
        The variables offered (the user may type another).
    """

    answered = Signal(object)  # GradReason
    line_activated = Signal(int)

    def __init__(self, program: ProgramSpec | str, names: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("why_none_dialog", "Why is my grad None?"))
        self.resize(560, 220)
        self.program = ProgramSpec(program) if isinstance(program, str) else program
        self.reason: GradReason | None = None
        self._task: Task | None = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(translate("why_none_dialog", "Tensor:")))
        self.name_box = QComboBox()
        self.name_box.setEditable(True)
        self.name_box.addItems(list(names))
        self.name_box.setToolTip(translate("why_none_dialog", "A variable of the program; type any name it assigns"))
        row.addWidget(self.name_box, 1)
        self.ask_button = QPushButton(translate("why_none_dialog", "Why?"))
        self.ask_button.setDefault(True)
        self.ask_button.setToolTip(translate("why_none_dialog",
                                             "Re-run the program and explain why this tensor's .grad is None"))
        self.ask_button.clicked.connect(self.ask)
        row.addWidget(self.ask_button)
        layout.addLayout(row)
        self.answer_label = QLabel(translate("why_none_dialog", "Pick a tensor and press Why?"))
        plain(self.answer_label)  # it names the program's tensors
        self.answer_label.setWordWrap(True)
        layout.addWidget(self.answer_label, 1)
        self.line_button = QPushButton()
        self.line_button.setToolTip(translate("why_none_dialog", "Show this line in the editor"))
        self.line_button.hide()
        self.line_button.clicked.connect(self._on_line_button_clicked)
        layout.addWidget(self.line_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def ask(self, name: str | None = None) -> None:
        """Explain ``name`` (default: the one in the box)."""
        name = (name if isinstance(name, str) and name else self.name_box.currentText()).strip()
        if not name:
            return
        self.name_box.setCurrentText(name)
        self.ask_button.setEnabled(False)
        self.answer_label.setText(translate("why_none_dialog",
                                            "Re-running the program to look at {name}…").format(name=name))
        self.line_button.hide()
        program = self.program
        self._task = Task(lambda cancel: self._explain(program, name, cancel), self)
        self._task.done.connect(self._on_answer)
        self._task.failed.connect(self._on_failed)
        self._task.start()

    @staticmethod
    def _explain(program: ProgramSpec, name: str, cancel: threading.Event) -> GradReason:
        return shared_runner().call(Job("why_none", program, {"name": name}, wall=program.module is None), cancel)

    def _on_answer(self, reason: GradReason) -> None:
        self.reason = reason
        self.ask_button.setEnabled(True)
        self.answer_label.setText(reason.text)
        if reason.line:
            self.line_button.setText(translate("why_none_dialog", "Go to line {line}").format(line=reason.line))
            self.line_button.show()
        self.answered.emit(reason)

    def _on_failed(self, error: Exception) -> None:
        self.ask_button.setEnabled(True)
        self.answer_label.setText(translate("why_none_dialog",
                                            "The program could not run: {error}").format(error=error))

    def _on_line_button_clicked(self) -> None:
        if self.reason is not None and self.reason.line:
            self.line_activated.emit(self.reason.line)

    def done(self, result: int) -> None:
        if self._task is not None:
            self._task.wait()
        super().done(result)
