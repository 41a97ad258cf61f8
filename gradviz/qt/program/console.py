"""The Console dock: what each run printed, and the value of its bare last expression.

One block per run, newest last, headed by the program's title and the run's number; a
failed run says so. Laying the same graph out again (folding a module) is no new run and
adds nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from gradviz.core.i18n import translate
from gradviz.core.session import Session
from gradviz.qt.host import Host
from gradviz.qt.widgets.plain_text import plain

#: Blocks kept (older runs scroll away).
MAX_BLOCKS = 1000


class Console(QObject):
    """The Console dock, following the session's runs.

    Attributes
    ----------
    dock : QDockWidget
    view : QPlainTextEdit
        Read-only; ``view.toPlainText()`` is everything shown.
    runs : int
        Runs shown so far.
    """

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(host.window)
        self.session = session
        self.runs = 0
        self._last_trace: object = None
        self.view = QPlainTextEdit()
        self.view.setReadOnly(True)
        self.view.setObjectName("console_view")
        self.view.setAccessibleName(translate("console", "Console"))
        self.view.setPlaceholderText(translate("console", "What the program prints, and the value of a bare last "
                                                          "line, appear here."))
        self.view.document().setMaximumBlockCount(MAX_BLOCKS)
        self.view.setFont(self._mono(session.font_size))
        self.clear_button = QPushButton(translate("console", "Clear"))
        self.clear_button.setToolTip(translate("console", "Clear the console"))
        self.clear_button.clicked.connect(self.clear)
        self.status = QLabel()
        plain(self.status)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.clear_button)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(2, 2, 2, 2)
        column.addWidget(self.view, 1)
        column.addLayout(bar)
        self.dock = QDockWidget(translate("console", "Console"), host.window)
        self.dock.setObjectName("console_dock")
        self.dock.setWidget(box)
        # Under the program it belongs to (the canvas keeps its room).
        host.add_dock(self.dock, Qt.DockWidgetArea.LeftDockWidgetArea,
                      below="program_dock" if host.dock("program_dock") is not None else None)

        session.drawing_changed.connect(self._on_drawing_changed)
        session.run_finished.connect(self._on_run_finished)
        session.font_size_changed.connect(lambda size: self.view.setFont(self._mono(size)))

    @staticmethod
    def _mono(size: int) -> QFont:
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(size)
        return font

    def clear(self) -> None:
        self.view.clear()
        self.status.clear()

    def text(self) -> str:
        return self.view.toPlainText()

    # -- handlers -------------------------------------------------------------------------
    def _on_drawing_changed(self) -> None:
        trace = self.session.trace
        if trace is None or trace is self._last_trace:
            return
        self._last_trace = trace
        self.runs += 1
        output = tuple(getattr(trace, "output", ()))
        last = getattr(trace, "last_value", None)
        self._header(translate("console", "run {runs} · {title}").format(runs=self.runs, title=self.session.title))
        for line in output:
            self._write(line)
        if last is not None:
            self._write(last, colour="#2a6fb0", prefix="→ ")
        said = len(output) + (last is not None)
        if not said:
            status = translate("console", "run {runs}: nothing printed").format(runs=self.runs)
        elif last is not None:
            status = translate("console", "run {runs}: {n} printed, a value shown").format(runs=self.runs,
                                                                                          n=len(output))
        else:
            status = translate("console", "run {runs}: {n} printed").format(runs=self.runs, n=len(output))
        self.status.setText(status)

    def _on_run_finished(self, status: str) -> None:
        if status == "error" and self.session.last_notice is not None:
            self.runs += 1
            self._header(translate("console", "run {runs} · {title}").format(runs=self.runs, title=self.session.title))
            self._write(self.session.last_notice.text, colour="#b00020", prefix="✗ ")
            self.status.setText(translate("console", "run {runs} failed").format(runs=self.runs))

    def _header(self, text: str) -> None:
        self._write(f"── {text} ──", colour="#808080")

    def _write(self, text: str, colour: str | None = None, prefix: str = "") -> None:
        cursor = self.view.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        fmt = QTextCharFormat()
        if colour is not None:
            fmt.setForeground(QColor(colour))
        if not self.view.document().isEmpty():
            cursor.insertBlock()
        cursor.insertText(prefix + text, fmt)
        self.view.setTextCursor(cursor)
        self.view.ensureCursorVisible()
