"""MessageBar shown, clicked and dismissed through its real buttons."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gradviz.qt.theme import MESSAGE_COLORS, apply_theme
from gradviz.qt.widgets.message_bar import MessageBar


@pytest.fixture
def bar(qtbot):
    b = MessageBar()
    qtbot.addWidget(b)
    b.resize(600, 40)
    return b


def test_hidden_until_a_message(qtbot, bar):
    assert bar.isHidden()
    assert bar.text() == ""
    bar.show_message("name 'w2' is not defined", line=3)
    qtbot.waitExposed(bar)
    assert bar.isVisible()
    assert bar.text() == "name 'w2' is not defined"
    assert bar.level == "error"
    assert bar.level_label.text() == "Error:"
    assert bar.line == 3
    assert bar.line_button.isVisible()
    assert bar.line_button.text() == "Go to line 3"
    assert not bar.action_button.isVisible()
    assert "Error: name 'w2' is not defined" == bar.accessibleDescription()


def test_go_to_line_emits_line_activated(qtbot, bar):
    bar.show_message("bad", line=7)
    with qtbot.waitSignal(bar.line_activated, timeout=1000) as blocker:
        qtbot.mouseClick(bar.line_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [7]
    assert bar.isVisible()  # going to the line does not dismiss the message


def test_no_line_no_button(qtbot, bar):
    bar.show_message("the graph has 3,000 nodes", level="info")
    assert not bar.line_button.isVisibleTo(bar)
    assert bar.line is None
    assert bar.level_label.text() == "Note:"


def test_close_button_dismisses(qtbot, bar):
    bar.show_message("careful", level="warning", line=2)
    qtbot.waitExposed(bar)
    with qtbot.waitSignal(bar.dismissed, timeout=1000):
        qtbot.mouseClick(bar.close_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    assert bar.text() == ""
    assert bar.line is None


def test_action_button_calls_back_and_signals(qtbot, bar):
    calls = []
    bar.show_message(
        "no backward() call", level="warning", action_text="Run backward", action=lambda: calls.append("ran")
    )
    assert bar.action_button.isVisibleTo(bar)
    assert bar.action_button.text() == "Run backward"
    with qtbot.waitSignal(bar.action_triggered, timeout=1000):
        qtbot.mouseClick(bar.action_button, Qt.MouseButton.LeftButton)
    assert calls == ["ran"]
    bar.show_message("next")
    assert not bar.action_button.isVisibleTo(bar)


def test_clear_hides_without_dismissed(qtbot, bar):
    bar.show_message("x", line=1)
    with qtbot.assertNotEmitted(bar.dismissed):
        bar.clear()
    assert bar.isHidden()
    assert bar.text() == ""


def test_levels_have_distinct_styles(qtbot, bar):
    sheets = {}
    for level in ("error", "warning", "info"):
        bar.show_message(level, level=level)
        sheets[level] = bar.styleSheet()
        assert MESSAGE_COLORS["light"][level][0] in sheets[level]
    assert len(set(sheets.values())) == 3
    with pytest.raises(ValueError, match="level"):
        bar.show_message("x", level="fatal")


def test_follows_dark_theme(qtbot, bar):
    bar.show_message("oops")
    app = QApplication.instance()
    old_palette, old_style = app.palette(), app.style().name()
    try:
        apply_theme(app, "dark")
        qtbot.waitUntil(lambda: MESSAGE_COLORS["dark"]["error"][0] in bar.styleSheet(), timeout=2000)
    finally:
        app.setPalette(old_palette)
        app.setStyle(old_style)
    qtbot.waitUntil(lambda: MESSAGE_COLORS["light"]["error"][0] in bar.styleSheet(), timeout=2000)
