"""The code editor: Python highlighting, line numbers, Ctrl+Enter to run, error marks."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from gradviz.core.program.pasted import cleaned_paste
from gradviz.qt.program.syntax import PythonHighlighter
from gradviz.qt.theme import SYNTAX_COLORS, monospace_font, theme_of
from gradviz.qt.widgets.plain_text import tip

INDENT = " " * 4


class _Gutter(QWidget):
    """The line-number strip; the editor does the painting, which knows the block geometry."""

    def __init__(self, editor: "CodeEditor") -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        self._editor._paint_gutter(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            # Gutter and viewport share their top edge, so y maps straight across.
            block = self._editor.cursorForPosition(event.pos()).block()
            return self._editor._show_line_tooltip(block.blockNumber() + 1, event, self)
        return super().event(event)


class CodeEditor(QPlainTextEdit):
    """A plain-text Python editor for lesson and expression programs.

    Parameters
    ----------
    parent : QWidget, optional
        The Qt parent.
    font_size : int
        Point size of the monospace font.

    Attributes
    ----------
    gutter : QWidget
        The line-number strip at the left.
    highlighter : PythonHighlighter
        The syntax highlighter attached to the document.

    Signals
    -------
    run_requested()
        Ctrl+Enter or Ctrl+Return was pressed, or :meth:`request_run` was called.
    paste_cleaned(str, int)
        A paste came with the line numbers of the page it was copied from ("numbers") or as a
        session of Python's prompt ("prompts"), and only its code was kept (the pasted text's
        line count); Ctrl+Z gives back what was copied.
    """

    run_requested = Signal()
    paste_cleaned = Signal(str, int)

    def __init__(self, parent: QWidget | None = None, font_size: int = 11) -> None:
        super().__init__(parent)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._theme = theme_of(self.palette())
        self.highlighter = PythonHighlighter(self.document(), self._theme)
        self.gutter = _Gutter(self)
        self._error_cursor: QTextCursor | None = None
        self._error_message = ""
        self._step_cursor: QTextCursor | None = None
        self.blockCountChanged.connect(self._on_block_count_changed)
        self.updateRequest.connect(self._on_update_request)
        self.set_font_size(font_size)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 (Qt override)
        text = source.text() if source.hasText() else ""
        pasted = cleaned_paste(text) if text else None
        if pasted is None:
            super().insertFromMimeData(source)
            return
        cleaned, what = pasted
        if not text.endswith(("\n", "\r")):
            cleaned = cleaned.rstrip("\n")
        # Two edits: the paste as it came, then its code alone, so that Ctrl+Z gives back
        # exactly what was copied.
        cursor = self.textCursor()
        start = cursor.selectionStart()
        cursor.insertText(text)
        cursor.setPosition(start, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(cleaned)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        self.paste_cleaned.emit(what, len(text.splitlines()))

    # -- public API -----------------------------------------------------------------------
    def set_source(self, text: str) -> None:
        """Replace the program with ``text``: no error mark, not modified, cursor at the top."""
        self.clear_error()
        self.setPlainText(text)
        self.document().setModified(False)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def set_font_size(self, point_size: int) -> None:
        """Use the monospace font at ``point_size`` for text and line numbers."""
        font = monospace_font(point_size)
        self.setFont(font)
        self.gutter.setFont(font)
        self.setTabStopDistance(4 * self.fontMetrics().horizontalAdvance(" "))
        self._on_block_count_changed()

    def gutter_width(self) -> int:
        """Pixels the line numbers need: at least two digits, more as the program grows."""
        digits = max(2, len(str(self.blockCount())))
        return 12 + digits * self.fontMetrics().horizontalAdvance("9")

    @Slot()
    def request_run(self) -> None:
        """Ask for the program to be run (emits ``run_requested``)."""
        self.run_requested.emit()

    def mark_error(self, line: int, column: int | None, message: str) -> None:
        """Tint ``line`` (1-based), move the cursor there and make ``message`` its tooltip.

        ``column`` is 1-based like :class:`SyntaxError`'s ``offset``; None puts the cursor at
        the first non-blank character. Out-of-range values are clamped to the document.
        """
        doc = self.document()
        number = min(max(line, 1), doc.blockCount()) - 1
        block = doc.findBlockByNumber(number)
        self._error_cursor = QTextCursor(block)
        self._error_message = message
        self._update_error_selection()

        text = block.text()
        if column is None:
            offset = len(text) - len(text.lstrip())
        else:
            offset = min(max(column - 1, 0), len(text))
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right, n=offset)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        self.gutter.update()

    def clear_error(self) -> None:
        """Remove the error mark, if any."""
        self._error_cursor = None
        self._error_message = ""
        self._update_error_selection()
        self.gutter.update()

    def set_step_line(self, line: int | None) -> None:
        """Highlight ``line`` (1-based): the line the step-through player's step comes from
        (None: no highlight). The caret stays where it is; the line is scrolled into view."""
        if line is None or not 1 <= line <= self.document().blockCount():
            self._step_cursor = None
        else:
            self._step_cursor = QTextCursor(self.document().findBlockByNumber(line - 1))
            rect = self.blockBoundingGeometry(self._step_cursor.block()).translated(self.contentOffset())
            if rect.top() < 0 or rect.bottom() > self.viewport().height():
                bar = self.verticalScrollBar()
                bar.setValue(max(0, line - 1 - self._visible_lines() // 2))
        self._update_error_selection()

    @property
    def step_line(self) -> int | None:
        """The highlighted step line (1-based), or None."""
        return self._step_cursor.blockNumber() + 1 if self._step_cursor is not None else None

    def _visible_lines(self) -> int:
        return max(1, self.viewport().height() // max(self.fontMetrics().lineSpacing(), 1))

    @property
    def error_line(self) -> int | None:
        """The 1-based line marked by :meth:`mark_error` (it follows edits), or None."""
        if self._error_cursor is None:
            return None
        return self._error_cursor.blockNumber() + 1

    @property
    def error_message(self) -> str:
        """The message of the marked error, or ""."""
        return self._error_message

    def tooltip_for_line(self, line: int) -> str:
        """The tooltip shown over ``line`` (1-based): the error message there, else ""."""
        return self._error_message if line == self.error_line else ""

    # -- Qt overrides ---------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if ctrl:
                self.request_run()
                event.accept()
                return
            # Shift+Enter too: QPlainTextEdit would insert U+2028, which Python rejects.
            self._newline_keeping_indent()
            event.accept()
            return
        if key == Qt.Key.Key_Tab and not ctrl:
            self._indent(dedent=False)
            event.accept()
            return
        if key == Qt.Key.Key_Backtab:
            self._indent(dedent=True)
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        rect = self.contentsRect()
        self.gutter.setGeometry(QRect(rect.left(), rect.top(), self.gutter_width(), rect.height()))

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ToolTip:
            line = self.cursorForPosition(event.pos()).blockNumber() + 1
            return self._show_line_tooltip(line, event, self.viewport())
        return super().viewportEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._on_theme_changed()

    # -- handlers -------------------------------------------------------------------------
    def _on_block_count_changed(self, _count: int = 0) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)
        rect = self.contentsRect()
        self.gutter.setGeometry(QRect(rect.left(), rect.top(), self.gutter_width(), rect.height()))

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def _on_theme_changed(self) -> None:
        theme = theme_of(self.palette())
        if theme == self._theme:
            return
        self._theme = theme
        self.highlighter.set_theme(theme)
        self._update_error_selection()
        self.gutter.update()

    # -- helpers --------------------------------------------------------------------------
    def _update_error_selection(self) -> None:
        """The line tints: the step's line under the error's, so an error still shows."""
        selections = []
        for where, key in ((self._step_cursor, "step_line"), (self._error_cursor, "error_line")):
            if where is None:
                continue
            selection = QTextEdit.ExtraSelection()
            fmt = selection.format
            fmt.setBackground(QColor(SYNTAX_COLORS[self._theme][key]))
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.format = fmt
            cursor = QTextCursor(where)
            cursor.clearSelection()
            selection.cursor = cursor
            selections.append(selection)
        self.setExtraSelections(selections)

    def _show_line_tooltip(self, line: int, event: QEvent, widget: QWidget) -> bool:
        text = self.tooltip_for_line(line)
        if text:
            QToolTip.showText(event.globalPos(), tip(text), widget)
        else:
            QToolTip.hideText()
            event.ignore()
        return True

    def _newline_keeping_indent(self) -> None:
        # Students copy the indentation habit from what the editor does after a colon.
        cursor = self.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        indent = before[: len(before) - len(before.lstrip())]
        if before.rstrip().endswith(":"):
            indent += INDENT
        cursor.insertText("\n" + indent)
        self.setTextCursor(cursor)

    def _indent(self, dedent: bool) -> None:
        cursor = self.textCursor()
        if not dedent and not cursor.hasSelection():
            cursor.insertText(INDENT)
            return
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart()).blockNumber()
        last = doc.findBlock(cursor.selectionEnd()).blockNumber()
        if cursor.hasSelection() and last > first and cursor.selectionEnd() == doc.findBlockByNumber(last).position():
            last -= 1  # a selection ending at column 0 does not include that line
        cursor.beginEditBlock()
        for number in range(first, last + 1):
            block = doc.findBlockByNumber(number)
            edit = QTextCursor(block)
            if dedent:
                text = block.text()
                n = min(len(text) - len(text.lstrip(" ")), len(INDENT))
                edit.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, n)
                edit.removeSelectedText()
            else:
                edit.insertText(INDENT)
        cursor.endEditBlock()

    def _paint_gutter(self, event: QPaintEvent) -> None:
        colors = SYNTAX_COLORS[self._theme]
        painter = QPainter(self.gutter)
        painter.fillRect(event.rect(), self.palette().color(self.palette().ColorRole.Window))
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        error_line = self.error_line
        width = self.gutter.width() - 6
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                is_error = number + 1 == error_line
                font = painter.font()
                font.setBold(is_error)
                painter.setFont(font)
                painter.setPen(QColor(colors["gutter_error" if is_error else "gutter_text"]))
                painter.drawText(0, top, width, height, Qt.AlignmentFlag.AlignRight, str(number + 1))
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()
