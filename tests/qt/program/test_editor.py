"""CodeEditor driven through real key presses and its public methods."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFontDatabase, QHelpEvent, QTextDocument, QTextFormat
from PySide6.QtWidgets import QApplication, QToolTip

from gradviz.qt.program.editor import CodeEditor
from gradviz.qt.program.syntax import PythonHighlighter
from gradviz.qt.theme import MONOSPACE_FAMILIES, SYNTAX_COLORS, apply_theme
from gradviz.qt.widgets.plain_text import tip

CTRL = Qt.KeyboardModifier.ControlModifier

PROGRAM = "w1 = torch.tensor([2.2], requires_grad=True)\nx1 = 1.5\ny = w1 * x1\nloss = y.sum()\n"


@pytest.fixture
def editor(qtbot):
    ed = CodeEditor()
    qtbot.addWidget(ed)
    ed.resize(500, 300)
    ed.show()
    qtbot.waitExposed(ed)
    return ed


def _formats_at(editor: CodeEditor, line: int) -> dict[int, QColor]:
    """Foreground colour per character column of ``line`` (0-based), from the highlighter."""
    block = editor.document().findBlockByNumber(line)
    colors = {}
    for r in block.layout().formats():
        for col in range(r.start, r.start + r.length):
            colors[col] = r.format.foreground().color().name().upper()
    return colors


def test_typing_and_ctrl_enter_emits_run_requested_once(qtbot, editor):
    qtbot.keyClicks(editor, "y = 2 * x")
    assert editor.toPlainText() == "y = 2 * x"
    assert editor.document().isModified()
    emitted = []
    editor.run_requested.connect(lambda: emitted.append(1))
    with qtbot.waitSignal(editor.run_requested, timeout=1000):
        qtbot.keyClick(editor, Qt.Key.Key_Enter, CTRL)
    assert emitted == [1]
    # Ctrl+Enter must not also insert a newline into the program.
    assert editor.toPlainText() == "y = 2 * x"


def test_set_source_resets_modified_and_error(qtbot, editor):
    editor.set_source(PROGRAM)
    assert editor.toPlainText() == PROGRAM
    assert not editor.document().isModified()
    editor.mark_error(2, 1, "old error")
    qtbot.keyClicks(editor, "z")
    assert editor.document().isModified()
    editor.set_source("a = 1\n")
    assert editor.error_line is None
    assert not editor.document().isModified()
    assert editor.textCursor().position() == 0


def test_ctrl_return_and_request_run(qtbot, editor):
    with qtbot.waitSignal(editor.run_requested, timeout=1000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    with qtbot.waitSignal(editor.run_requested, timeout=1000):
        editor.request_run()
    assert editor.toPlainText() == ""


def test_plain_return_inserts_newline_without_running(qtbot, editor):
    with qtbot.assertNotEmitted(editor.run_requested):
        qtbot.keyClicks(editor, "a = 1")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.keyClicks(editor, "b = 2")
    assert editor.toPlainText() == "a = 1\nb = 2"
    assert editor.blockCount() == 2


def test_tab_inserts_four_spaces(qtbot, editor):
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.keyClicks(editor, "x")
    assert editor.toPlainText() == "    x"
    assert editor.textCursor().positionInBlock() == 5


def test_newline_after_colon_indents(qtbot, editor):
    qtbot.keyClicks(editor, "for i in range(3):")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "y = i")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.toPlainText() == "for i in range(3):\n    y = i\n    "


def test_tab_and_backtab_indent_selected_lines(qtbot, editor):
    editor.setPlainText("a = 1\nb = 2\nc = 3")
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "    a = 1\n    b = 2\n    c = 3"
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backtab)
    assert editor.toPlainText() == "a = 1\nb = 2\nc = 3"


def test_mark_error_highlights_line_and_moves_cursor(qtbot, editor):
    editor.setPlainText(PROGRAM)
    assert editor.error_line is None
    editor.mark_error(3, 5, "name 'w2' is not defined")
    assert editor.error_line == 3
    cursor = editor.textCursor()
    assert cursor.blockNumber() == 2
    assert cursor.positionInBlock() == 4
    [selection] = editor.extraSelections()
    assert selection.cursor.blockNumber() == 2
    assert selection.format.property(QTextFormat.Property.FullWidthSelection) is True
    tint = selection.format.background().color().name().upper()
    assert tint == SYNTAX_COLORS["light"]["error_line"]
    assert QColor(tint).red() > QColor(tint).blue()  # red-tinted
    assert editor.tooltip_for_line(3) == "name 'w2' is not defined"
    assert editor.tooltip_for_line(2) == ""


def test_mark_error_clamps_and_without_column_goes_to_first_text(qtbot, editor):
    editor.setPlainText("a = 1\n    b = a +\n")
    editor.mark_error(2, None, "invalid syntax")
    assert editor.textCursor().blockNumber() == 1
    assert editor.textCursor().positionInBlock() == 4
    editor.mark_error(99, 500, "past the end")
    assert editor.error_line == editor.blockCount()
    editor.mark_error(1, 500, "long column")
    assert editor.textCursor().positionInBlock() == len("a = 1")


def test_error_line_follows_edits_and_clears(qtbot, editor):
    editor.setPlainText(PROGRAM)
    editor.mark_error(3, 1, "boom")
    editor.moveCursor(editor.textCursor().MoveOperation.Start)
    qtbot.keyClicks(editor, "# comment")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.error_line == 4
    editor.clear_error()
    assert editor.error_line is None
    assert editor.extraSelections() == []
    assert editor.tooltip_for_line(4) == ""


def test_error_tooltip_shown_on_hover(qtbot, editor):
    editor.setPlainText(PROGRAM)
    editor.mark_error(2, 1, "x1 must be a tensor")
    rect = editor.cursorRect(editor.textCursor())
    pos = rect.center()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, editor.viewport().mapToGlobal(pos))
    QApplication.sendEvent(editor.viewport(), event)
    qtbot.waitUntil(lambda: QToolTip.text() == tip("x1 must be a tensor"), timeout=2000)  # escaped
    QToolTip.hideText()


def test_gutter_grows_past_99_lines(qtbot, editor):
    editor.setPlainText("\n".join(f"x{i} = {i}" for i in range(99)))
    assert editor.blockCount() == 99
    narrow = editor.gutter_width()
    assert editor.viewportMargins().left() == narrow
    assert editor.gutter.width() == narrow
    editor.appendPlainText("x99 = 99")
    assert editor.blockCount() == 100
    wide = editor.gutter_width()
    assert wide > narrow
    assert editor.viewportMargins().left() == wide
    assert editor.gutter.width() == wide
    digit = editor.fontMetrics().horizontalAdvance("9")
    assert wide - narrow == digit


def test_gutter_paints_without_error(qtbot, editor):
    editor.setPlainText(PROGRAM)
    editor.mark_error(2, 1, "x")
    image = editor.gutter.grab().toImage()
    assert image.width() == editor.gutter_width()
    # Something other than the background was drawn (the numbers).
    corner = image.pixelColor(0, 0)
    assert any(image.pixelColor(x, y) != corner for x in range(image.width()) for y in range(min(image.height(), 60)))


def test_monospace_font_and_size(qtbot, editor):
    assert editor.font().fixedPitch()
    assert editor.font().pointSize() == 11
    available = [f for f in MONOSPACE_FAMILIES if f in QFontDatabase.families()]
    if available:
        assert editor.font().family() == available[0]
    editor.set_font_size(16)
    assert editor.font().pointSize() == 16
    assert editor.tabStopDistance() == 4 * editor.fontMetrics().horizontalAdvance(" ")


def test_syntax_colours(qtbot, editor):
    editor.setPlainText("import torch  # the library\nif x > 1.5e-3:\n    s = 'a # b' + F.relu(nn)\n")
    colors = SYNTAX_COLORS["light"]
    line0 = _formats_at(editor, 0)
    assert line0[0] == colors["keyword"]  # import
    assert line0[7] == colors["builtin"]  # torch
    assert line0[14] == colors["comment"]
    line1 = _formats_at(editor, 1)
    assert line1[0] == colors["keyword"]  # if
    assert 3 not in line1  # x is a plain name
    assert line1[7] == colors["number"] and line1[12] == colors["number"]
    line2 = _formats_at(editor, 2)
    text = "    s = 'a # b' + F.relu(nn)"
    assert line2[text.index("'a")] == colors["string"]
    assert line2[text.index("#")] == colors["string"]  # not a comment inside a string
    assert line2[text.index("F.")] == colors["builtin"]
    assert line2[text.index("nn")] == colors["builtin"]
    assert text.index("relu") not in line2


def test_names_with_digits_are_not_numbers(qtbot, editor):
    editor.setPlainText("x1 = w2")
    assert _formats_at(editor, 0) == {}


def test_triple_quoted_string_spans_lines(qtbot, editor):
    editor.setPlainText('s = """first\nif while\nend""" + 1')
    colors = SYNTAX_COLORS["light"]
    line1 = _formats_at(editor, 1)
    assert line1[0] == colors["string"]  # "if" inside the string is not a keyword
    line2 = _formats_at(editor, 2)
    assert line2[0] == colors["string"]
    assert line2[len('end""" + ')] == colors["number"]


def test_dark_palette_switches_highlighter(qtbot, editor):
    app = QApplication.instance()
    old_palette, old_style = app.palette(), app.style().name()
    try:
        apply_theme(app, "dark")
        qtbot.waitUntil(lambda: editor.highlighter.theme == "dark", timeout=2000)
        editor.setPlainText("import torch")
        assert _formats_at(editor, 0)[0] == SYNTAX_COLORS["dark"]["keyword"]
    finally:
        app.setPalette(old_palette)
        app.setStyle(old_style)
    qtbot.waitUntil(lambda: editor.highlighter.theme == "light", timeout=2000)


def test_highlighter_standalone_on_document():
    doc = QTextDocument("while True: pass")
    hl = PythonHighlighter(doc, "dark")
    assert hl.theme == "dark"
    hl.set_theme("light")
    formats = doc.firstBlock().layout().formats()
    assert formats[0].format.foreground().color().name().upper() == SYNTAX_COLORS["light"]["keyword"]


def test_typing_ones_own_program_leaves_the_lesson_and_a_fixed_error_goes(window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("logistic", confirm=False)) == "ok"
    lesson = window.lesson.program
    window.editor.setPlainText(lesson.replace("2.2", "3.0"))  # the lesson, edited: still the lesson
    assert window.lesson is not None and window.lesson_panel.text().startswith("Lesson: One neuron")
    window.editor.setPlainText("x = torch.tensor(2.0, requires_grad=True)\ny = x * undefined\n")
    assert window.lesson is None and window.session.title == "your program"
    assert window.lesson_panel.text().startswith("Your own program") and "your program" in window.windowTitle()
    assert run_and_wait(window, window.run_program) == "error"
    assert window.message_bar.level == "error" and window.editor.error_line == 2
    window.editor.setPlainText("x = torch.tensor(2.0, requires_grad=True)\ny = x * 3\n")
    assert run_and_wait(window, window.run_program) == "ok"
    assert window.message_bar.level != "error" and window.editor.error_line is None
    assert "undefined" not in window.message_bar.text()


# A tutorial's code block copied with the numbers the page prints before each line.
NUMBERED = (" 1import torch\n 2\n 3x = torch.tensor(2.0, requires_grad=True)\n 4for i in range(2):\n"
            " 5    x = x * 3\n 6loss = x ** 2\n 7loss.backward()\n")
UNNUMBERED = ("import torch\n\nx = torch.tensor(2.0, requires_grad=True)\nfor i in range(2):\n    x = x * 3\n"
              "loss = x ** 2\nloss.backward()\n")


def test_pasting_numbered_code_takes_the_numbers_off_and_ctrl_z_gives_them_back(qtbot, editor):
    editor.set_source("y = 1\n")
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    removed: list[tuple[str, int]] = []
    editor.paste_cleaned.connect(lambda what, lines: removed.append((what, lines)))
    QApplication.clipboard().setText(NUMBERED)
    editor.paste()
    assert editor.toPlainText() == "y = 1\n" + UNNUMBERED and removed == [("numbers", 7)]
    assert editor.textCursor().position() == len(editor.toPlainText())
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.toPlainText() == "y = 1\n" + NUMBERED  # exactly what was copied
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.toPlainText() == "y = 1\n"
    QApplication.clipboard().setText(PROGRAM)  # plain code is pasted as it is
    editor.paste()
    assert editor.toPlainText() == "y = 1\n" + PROGRAM and removed == [("numbers", 7)]


def test_pasted_numbered_code_runs_and_the_window_says_what_was_taken_off(window, run_and_wait):
    window.editor.set_source("")
    QApplication.clipboard().setText(NUMBERED)
    window.editor.paste()
    assert "Took the line numbers off the 7 pasted lines" in window.message_bar.text()
    assert run_and_wait(window, window.run_program) == "ok"
    # x = 2 · 3 · 3 = 18, loss = x² = 324, and the leaf's gradient 2 · 18 · 9 = 324 as well.
    root = window.session.trace.node(window.session.trace.roots[0])
    assert root.value.data.item() == pytest.approx(324.0)
    grads = [n.grad.data.item() for n in window.session.trace.nodes if n.kind == "leaf" and n.grad is not None]
    assert grads == [pytest.approx(324.0)]


def test_a_numbered_program_run_as_it_is_says_why_it_is_not_python(window, run_and_wait):
    window.editor.set_source(NUMBERED)
    assert run_and_wait(window, window.run_program) == "error"
    text = window.message_bar.text()
    assert "line 1" in text and "copied with the code" in text and window.editor.error_line == 1


def test_a_pasted_prompt_session_runs_and_ctrl_z_gives_back_what_was_copied(window, qtbot, run_and_wait):
    session = (">>> w = torch.tensor([1.5], requires_grad=True)\n>>> loss = (w * w).sum()\n>>> loss\n"
               "tensor(2.2500, grad_fn=<SumBackward0>)\n")
    window.editor.set_source("")
    QApplication.clipboard().setText(session)
    window.editor.paste()
    assert window.editor.toPlainText() == "w = torch.tensor([1.5], requires_grad=True)\nloss = (w * w).sum()\nloss\n"
    assert "Kept the code of the pasted session" in window.message_bar.text()
    assert run_and_wait(window, window.run_program) == "ok"
    grads = [n.grad.data.item() for n in window.session.trace.nodes if n.kind == "leaf" and n.grad is not None]
    assert grads == [pytest.approx(3.0)]  # d(w²)/dw at 1.5
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, CTRL)
    assert window.editor.toPlainText() == session
