"""The gradient-check dialog: autograd against central differences, leaf by leaf."""

from __future__ import annotations

import html
import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gradviz.core.checks.reports import GradCheck
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.run.client import RunCancelled, shared_runner
from gradviz.core.run.request import Job, ProgramSpec, RunLimits
from gradviz.core.trace import format_number, format_shape
from gradviz.qt.runs.tasks import Task
from gradviz.qt.widgets.plain_text import plain

COLUMNS = (
    QT_TRANSLATE_NOOP("gradcheck_dialog", "leaf"), QT_TRANSLATE_NOOP("gradcheck_dialog", "shape"),
    QT_TRANSLATE_NOOP("gradcheck_dialog", "elements checked"), "autograd",
    QT_TRANSLATE_NOOP("gradcheck_dialog", "central difference"), QT_TRANSLATE_NOOP("gradcheck_dialog", "max abs error"),
    QT_TRANSLATE_NOOP("gradcheck_dialog", "max rel error"), "",
)


class GradCheckDialog(QDialog):
    """Runs the gradient check in a run process and shows a row per leaf.

    Parameters
    ----------
    program : ProgramSpec or str
        The program to check, as the app runs it (roots, module, edited values).
    """

    checked = Signal(object)  # the GradCheck, when done

    def __init__(self, program: ProgramSpec | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("gradcheck_dialog", "Gradient check"))
        self.resize(820, 360)
        self.report: GradCheck | None = None
        self.error: str = ""
        layout = QVBoxLayout(self)
        self.status_label = QLabel(translate("gradcheck_dialog",
                                             "Comparing autograd's gradients with central differences in float64…"))
        self.status_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([translate("gradcheck_dialog", c) if c else c for c in COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.verdict_label = QLabel()
        self.verdict_label.setTextFormat(Qt.TextFormat.RichText)  # its own bold; the message escaped
        self.verdict_label.setWordWrap(True)
        self.note_label = QLabel()
        plain(self.status_label, self.note_label)
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet("color: palette(mid);")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self._on_cancel_clicked)
        for w in (self.status_label, self.progress, self.table, self.verdict_label, self.note_label, self.buttons):
            layout.addWidget(w)
        self.spec = ProgramSpec(program) if isinstance(program, str) else program
        self._cancelled: list[Task] = []
        self.task = self._task(self.spec)

    def _task(self, spec: ProgramSpec) -> Task:
        task = Task(lambda cancel: self._check(spec, cancel), self)
        task.done.connect(lambda report, t=task: self._on_check_done(report) if t is self.task else None)
        task.failed.connect(lambda error, t=task: self._on_check_failed(error) if t is self.task else None)
        return task

    @staticmethod
    def _check(spec: ProgramSpec, cancel: threading.Event) -> GradCheck:
        # Many replays of the program: more time than one run, in float64 in a process of its own.
        job = Job("gradcheck", spec, limits=RunLimits(seconds=600), wall=spec.module is None)
        return shared_runner().call(job, cancel)

    def start(self) -> None:
        self.task.start()

    def check_again(self, program: ProgramSpec) -> None:
        """Check ``program`` now (a value was edited while the dialog is open): the table must
        never show gradients of values the graph no longer has."""
        old = self.task
        self.spec = program
        self.task = self._task(program)
        old.cancel()
        self._cancelled.append(old)  # waited for on close: its thread may still be finishing
        self.report = None
        self.table.setRowCount(0)
        self.verdict_label.clear()
        self.progress.show()
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Cancel)
        self.status_label.setText(translate("gradcheck_dialog",
                                            "Checking again {edited}…").format(edited=_edited(program)))
        self.task.start()

    def _on_cancel_clicked(self) -> None:
        if self.task.running:
            self.task.cancel()
            self.status_label.setText(translate("gradcheck_dialog", "Cancelling…"))
        else:
            self.reject()

    def _finish(self) -> None:
        self.progress.hide()
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)

    def _on_check_failed(self, error: Exception) -> None:
        self._finish()
        if isinstance(error, RunCancelled):
            self.error = translate("gradcheck_dialog", "Cancelled.")
        else:
            self.error = translate("gradcheck_dialog", "The gradient check could not run the program: {error}").format(
                error=error)
        self.status_label.setText(self.error)

    def _on_check_done(self, report: GradCheck) -> None:
        self._finish()
        self.report = report
        edited = (translate("gradcheck_dialog", " Checked {edited}.").format(edited=_edited(self.spec))
                  if self.spec.overrides else "")
        self.status_label.setText(translate("gradcheck_dialog", "Each leaf's gradient from autograd, against (f(x+ε) "
                                                                "− f(x−ε)) / 2ε in float64, for up to 8 elements per "
                                                                "leaf (the worst is shown).{edited}").format(
            edited=edited))
        self.table.setRowCount(len(report.leaves))
        for row, leaf in enumerate(report.leaves):
            cells = (leaf.label, format_shape(leaf.shape),
                     translate("gradcheck_dialog", "{checked} of {total:,}").format(checked=leaf.checked,
                                                                                    total=leaf.total),
                     format_number(leaf.autograd, 8), format_number(leaf.numeric, 8),
                     f"{leaf.max_abs_error:.2e}", f"{leaf.max_rel_error:.2e}",
                     translate("gradcheck_dialog", "✓ pass") if leaf.passed else translate("gradcheck_dialog",
                                                                                           "✗ FAIL"))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        verdict = (translate("gradcheck_dialog", "All gradients agree.") if report.passed
                   else translate("gradcheck_dialog", "Some gradients DISAGREE with the numeric estimate."))
        self.verdict_label.setText(f"<b>{verdict}</b> {html.escape(report.gradcheck_message)}.")
        self.note_label.setText(report.note)
        self.checked.emit(report)

    def text(self) -> str:
        """Everything shown, as plain text (tests, screen readers)."""
        rows = ["\t".join(self.table.item(r, c).text() for c in range(self.table.columnCount()))
                for r in range(self.table.rowCount())]
        return "\n".join([self.status_label.text(), *rows, self.verdict_label.text(), self.note_label.text()])

    def done(self, result: int) -> None:
        for task in (*self._cancelled, self.task):
            task.wait()
        super().done(result)


def _edited(spec: ProgramSpec) -> str:
    """"with w1 = 4.11 (edited)" for the values edited in the app."""
    if not spec.overrides:
        return translate("gradcheck_dialog", "the program as written")
    values = ", ".join(f"{name} = {value}" for name, value in spec.overrides.items())
    return translate("gradcheck_dialog", "with {values} (edited)").format(values=values)
