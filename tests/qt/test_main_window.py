"""The main window, driven through its own methods, actions and keys."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox, QToolTip

from gradviz.core.lessons.catalogue import LESSONS
from gradviz.qt.canvas.graph_items import ClusterItem, EdgeItem, NodeItem
from gradviz.qt.main_window import MainWindow
from gradviz.qt.settings import Settings
from gradviz.qt.widgets.inspector import node_tooltip

GRAPH_LESSONS = [name for name in LESSONS if name != "no-grad"]
#: Lessons that open with their modules folded (the canvas holds a box per layer, not every node).
FOLDED_LESSONS = {name for name, lesson in LESSONS.items() if lesson.view.collapsed}


def _node_id(window, label: str) -> str:
    return next(n.id for n in window.current_trace.nodes if n.label == label)


@pytest.fixture
def logistic(window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("logistic")) == "ok"
    return window


@pytest.mark.parametrize("name", GRAPH_LESSONS)
def test_lesson_canvas_holds_exactly_the_trace(window, run_and_wait, name):
    assert run_and_wait(window, lambda: window.load_lesson(name)) == "ok"
    if name in FOLDED_LESSONS:
        assert window.big_graphs.collapsed == frozenset(LESSONS[name].view.collapsed)
        assert run_and_wait(window, window.big_graphs.expand_all) == "ok"
    trace, scene = window.current_trace, window.graph_view.graph_scene
    items = scene.items()
    assert sum(isinstance(i, NodeItem) for i in items) == len(trace.nodes)
    assert sum(isinstance(i, EdgeItem) for i in items) == len(trace.edges)
    assert set(window.graph_view.node_items) == {n.id for n in trace.nodes}
    drawn = sorted((e.source, e.target) for e in window.graph_view.edge_items)
    assert drawn == sorted((e.source, e.target) for e in trace.edges)  # fan-out kept
    assert sum(isinstance(i, ClusterItem) for i in items) == len(window.current_layout.clusters)
    assert window.lesson_picker.currentData() == name
    assert LESSONS[name].title in window.lesson_panel.text()


def test_roots_and_kinds_get_their_roles(logistic):
    items = logistic.graph_view.node_items
    trace = logistic.current_trace
    assert items[trace.root].role == "root"
    assert items[_node_id(logistic, "w1")].role == "leaf"
    assert items[_node_id(logistic, "x1")].role == "constant"
    assert items[_node_id(logistic, "z")].role == "op"
    w1 = items[_node_id(logistic, "w1")]
    view = logistic.graph_view
    pos = view.mapFromScene(w1.scenePos())
    QToolTip.hideText()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))
    assert QToolTip.isVisible() and QToolTip.text() == node_tooltip(w1.node) and "2.2" in QToolTip.text()
    QToolTip.hideText()


def test_gradient_badges_show_short_gradients(logistic):
    w1 = logistic.graph_view.node_item(_node_id(logistic, "w1"))
    assert w1.badge_text == "∇ -0.0898"
    assert logistic.graph_view.node_item(_node_id(logistic, "x1")).badge_text == ""  # no grad


def test_ctrl_enter_in_the_editor_runs_the_typed_program(logistic, qtbot):
    editor = logistic.editor
    editor.clear()
    for line in ("x = torch.tensor([3.0], requires_grad=True)", "y = x * x", "loss = y.sum()"):
        qtbot.keyClicks(editor, line)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    with qtbot.waitSignal(logistic.run_finished, timeout=30_000) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == ["ok"]
    assert len(logistic.graph_view.node_items) == len(logistic.current_trace.nodes) == 3
    assert logistic.current_trace.find("x").grad.item() == pytest.approx(6.0)


def test_clicking_w1_fills_the_inspector(logistic, qtbot):
    view = logistic.graph_view
    item = view.node_item(_node_id(logistic, "w1"))
    view.ensureVisible(item)
    point = view.mapFromScene(item.scenePos())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.selected_node_id == item.node_id
    text = logistic.inspector.text()
    assert "w1" in text and "2.2" in text
    assert "-0.08983" in text  # -0.089826 to 5 digits
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert view.selected_node_id is None
    assert logistic.inspector.node is None


def test_scene_selection_fills_the_inspector_and_survives_a_rerun(logistic, run_and_wait):
    node_id = _node_id(logistic, "w1")
    logistic.graph_view.node_item(node_id).setSelected(True)
    assert logistic.inspector.node.label == "w1"
    assert run_and_wait(logistic, logistic.run_program) == "ok"
    assert logistic.graph_view.selected_node_id == node_id
    assert "-0.08983" in logistic.inspector.text()


@pytest.mark.parametrize("source, line, words", [
    ("x = torch.ones(2, requires_grad=True)\ny = x * (2\nloss = y.sum()\n", 2, ""),
    ("a = torch.ones(2, 3, requires_grad=True)\nb = torch.ones(4, 5)\nc = a @ b\nloss = c.sum()\n", 3, "shape"),
])
def test_program_errors_mark_the_line_and_keep_the_graph(logistic, run_and_wait, source, line, words):
    ids = set(logistic.graph_view.node_items)
    trace = logistic.current_trace
    logistic.editor.setPlainText(source)
    assert run_and_wait(logistic, logistic.run_program) == "error"
    bar = logistic.message_bar
    assert bar.isVisible() and bar.level == "error"
    assert bar.line == line and f"line {line}" in bar.text()
    assert words in bar.text()
    assert logistic.editor.error_line == line
    assert set(logistic.graph_view.node_items) == ids  # the old graph stays
    assert logistic.current_trace is trace


def test_go_to_line_moves_the_editor_cursor(logistic, run_and_wait):
    logistic.editor.setPlainText("a = torch.ones(2)\nb = 1\nc = undefined_name + 1\n")
    assert run_and_wait(logistic, logistic.run_program) == "error"
    logistic.editor.moveCursor(logistic.editor.textCursor().MoveOperation.Start)
    logistic.message_bar.line_button.click()
    assert logistic.editor.textCursor().blockNumber() + 1 == 3


def test_notes_show_as_info(window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("mlp")) == "ok"
    assert window.message_bar.level == "info"
    assert "backward" in window.message_bar.text()


def test_no_grad_lesson_explains_on_the_canvas(logistic, run_and_wait):
    assert run_and_wait(logistic, lambda: logistic.load_lesson("no-grad")) == "ok"
    view = logistic.graph_view
    assert view.node_items == {}
    assert "no_grad" in view.explanation
    assert view.explanation_label.isVisible()
    assert view.explanation_label.font().pointSizeF() > logistic.font().pointSizeF()
    assert not logistic.legend.isVisible()


def test_export_writes_every_format(logistic, tmp_path):
    svg = logistic.files.export_to(tmp_path / "g.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert (tmp_path / "g.png").exists() is False
    png = logistic.files.export_to(tmp_path / "g.png", scale=2)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "digraph" in logistic.files.export_to(tmp_path / "g.dot").read_text()
    data = json.loads(logistic.files.export_to(tmp_path / "g.json").read_text())
    assert data["gradviz"] == 2 and len(data["nodes"]) == 8
    with pytest.raises(ValueError):
        logistic.files.export_to(tmp_path / "g.bmp")


def _png_width(path) -> int:
    return int.from_bytes(path.read_bytes()[16:20], "big")


def test_export_dialog_asks_the_png_scale(logistic, tmp_path, monkeypatch):
    target = tmp_path / "graph.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("1× (96 dpi)", True))
    assert logistic.files.export_dialog() == target
    one = _png_width(target)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("3× (288 dpi)", True))
    logistic.files.export_dialog()
    assert _png_width(target) > 2.5 * one


def test_export_runs_off_the_gui_thread_and_can_be_cancelled(logistic, tmp_path, monkeypatch):
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from gradviz.core import export
    from gradviz.core.layout.layout import LayoutCancelled

    threads = []

    def slow_write(trace, path, *, scale, engine, cancel):  # Graphviz on a very big graph
        threads.append(threading.current_thread())
        if not cancel.wait(10):
            return path
        raise LayoutCancelled("Layout cancelled.")

    monkeypatch.setattr(export, "write", slow_write)
    target = tmp_path / "g.svg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    # The user clicks the dialog's Cancel button once it shows.
    QTimer.singleShot(900, lambda: logistic.findChild(QProgressDialog).findChild(QPushButton).click())
    assert logistic.files.export_dialog() is None
    timer.stop()
    assert threads and threads[0] is not threading.main_thread()
    assert len(ticks) > 40  # the window kept running while the export worked
    assert "cancelled" in logistic.message_bar.text() and not target.exists()


def test_nothing_to_export_before_a_run(window, tmp_path):
    with pytest.raises(ValueError, match="run a program"):
        window.files.export_to(tmp_path / "x.json")
    assert window.files.export_dialog() is None
    assert window.message_bar.level == "warning"


def test_unsaved_edit_then_lesson_asks_and_cancel_keeps_the_program(logistic, qtbot, monkeypatch, run_and_wait):
    qtbot.keyClicks(logistic.editor, "# my note")
    typed = logistic.editor.toPlainText()
    assert logistic.editor.document().isModified() and logistic.isWindowModified()
    asked = []

    def cancel(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", cancel)
    assert logistic.load_lesson("vjp") is False
    assert asked and "not saved" in asked[0]
    assert logistic.editor.toPlainText() == typed
    assert logistic.current_lesson == "logistic"
    assert logistic.lesson_picker.currentData() == "logistic"
    # The picker goes through the same question.
    logistic.lesson_picker.setCurrentIndex(logistic.lesson_picker.findData("vjp"))
    assert len(asked) == 2 and logistic.editor.toPlainText() == typed
    assert logistic.lesson_picker.currentData() == "logistic"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    assert run_and_wait(logistic, lambda: logistic.load_lesson("vjp")) == "ok"
    assert logistic.current_lesson == "vjp"


def test_save_answer_saves_before_replacing(logistic, qtbot, monkeypatch, tmp_path, run_and_wait):
    target = tmp_path / "mine.gradviz-program"
    qtbot.keyClicks(logistic.editor, "# kept")
    typed = logistic.editor.toPlainText()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert run_and_wait(logistic, lambda: logistic.load_lesson("vjp")) == "ok"
    assert target.read_text() == typed


def test_close_with_unsaved_edits_can_be_refused(logistic, qtbot, monkeypatch):
    qtbot.keyClicks(logistic.editor, "x = 1")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert logistic.close() is False
    assert logistic.isVisible()


def test_open_save_and_recent_files(window, run_and_wait, tmp_path):
    program = tmp_path / "square.txt"
    program.write_text("x = torch.tensor([2.0], requires_grad=True)\nloss = (x * x).sum()\n")
    assert run_and_wait(window, lambda: window.files.open_program(program)) == "ok"
    assert window.session.path == program and window.current_lesson is None
    assert window.lesson_picker.currentIndex() == -1
    assert "square.txt" in window.windowTitle()
    assert window.current_trace.find("x").grad.item() == pytest.approx(4.0)
    window.editor.appendPlainText("# edited")
    assert window.files.save_program()
    assert program.read_text().endswith("# edited")
    assert not window.editor.document().isModified()
    other = tmp_path / "copy.gradviz-program"
    assert window.files.save_program_as(other) and other.read_text() == program.read_text()
    assert window.settings.recent_files[:2] == [str(other), str(program)]
    window.files.rebuild_recent_menu()
    texts = [a.text() for a in window.files.recent_menu.actions()]
    assert any(str(program) in t for t in texts)


def test_opening_a_missing_file_says_so(window, tmp_path):
    assert window.files.open_program(tmp_path / "nope.py") is False
    assert window.message_bar.level == "error" and "nope.py" in window.message_bar.text()


MODEL = '''\
import torch.nn as nn
import pathlib
pathlib.Path(__file__).with_name("ran.txt").write_text("the file ran")


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 2)

    def forward(self, x):
        return self.lin(x).relu()


class Net(Block):
    pass


class NotAModule:
    pass
'''


def test_module_dialog_lists_classes_without_running_the_file(qtbot, tmp_path):
    from gradviz.qt.program.module_dialog import ModuleDialog, find_module_classes

    path = tmp_path / "model.py"
    path.write_text(MODEL)
    assert find_module_classes(path) == ["Block", "Net"]
    dialog = ModuleDialog(path=str(path), class_name="Net")
    qtbot.addWidget(dialog)
    assert [dialog.class_combo.itemText(i) for i in range(dialog.class_combo.count())] == ["Block", "Net"]
    assert dialog.spec == f"{path}:Net" and dialog.load_button.isEnabled()
    assert "runs this file's Python code" in dialog.warning_label.text()
    assert not (tmp_path / "ran.txt").exists()


def test_open_module_runs_it_and_says_so(window, run_and_wait, tmp_path):
    path = tmp_path / "model.py"
    path.write_text(MODEL)
    assert run_and_wait(window, lambda: window.files.open_module(str(path), "Net", input_expr="torch.ones(1, 3)",
                                                           confirm=False)) == "ok"
    assert (tmp_path / "ran.txt").exists()
    assert "ran the Python code of model.py" in window.message_bar.text()
    labels = {n.label for n in window.current_trace.nodes}
    assert {"lin.weight", "lin.bias"} <= labels
    assert window.settings.recent_files[0] == f"{path}:Net"


def test_bad_module_is_a_message(window, tmp_path):
    path = tmp_path / "model.py"
    path.write_text(MODEL)
    assert window.files.open_module(str(path), "Missing", confirm=False) is False
    assert window.message_bar.level == "error" and "Missing" in window.message_bar.text()


def test_fit_action_shows_the_whole_scene(window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("custom-layers")) == "ok"
    view = window.graph_view
    view.set_zoom(4.0)
    assert not view.visible_scene_rect().contains(view.graph_scene.itemsBoundingRect())
    window.commands.fit.trigger()
    assert view.visible_scene_rect().contains(view.graph_scene.itemsBoundingRect())


def test_zoom_actions(logistic):
    view, c = logistic.graph_view, logistic.commands
    c.zoom_reset.trigger()
    assert view.zoom == pytest.approx(1.0)
    c.zoom_in.trigger()
    assert view.zoom == pytest.approx(1.25)
    c.zoom_out.trigger()
    c.zoom_out.trigger()
    assert view.zoom == pytest.approx(0.8)
    assert logistic.zoom_label.text() == "80 %"


def test_zoom_text_keeps_a_digit_for_big_graphs_fitted_in_view():
    from gradviz.qt.canvas.text import zoom_text

    assert [zoom_text(z) for z in (2.5, 1.0, 0.8, 0.1, 0.05, 0.0034)] == \
        ["250 %", "100 %", "80 %", "10 %", "5 %", "0.34 %"]


def test_settings_persist_across_windows(qtbot, settings_path, run_and_wait):
    first = MainWindow(Settings(settings_path))
    qtbot.addWidget(first)
    first.show()
    assert run_and_wait(first, lambda: first.load_lesson("vjp")) == "ok"
    first.change_font_size(+3)
    first.commands.dark_theme.trigger()
    first.inspector_dock.hide()
    first.resize(720, 540)  # inside the offscreen screen (800x600)
    first.close()

    second = MainWindow(Settings(settings_path))
    qtbot.addWidget(second)
    try:
        assert second.settings.last_lesson == "vjp"
        assert second.editor.font().pointSize() == 14
        assert second.theme == "dark" and second.commands.dark_theme.isChecked()
        assert second.graph_view.backgroundBrush().color().name().upper() == "#1B1B1B"
        assert (second.width(), second.height()) == (720, 540)
        assert second.inspector_dock.isHidden()
    finally:
        second.set_theme("light")  # the palette is application-wide
        second.close()


def test_every_action_has_a_shortcut_and_a_tooltip(window):
    for action in window.commands.all():
        assert action.shortcuts(), action.text()
        assert action.toolTip() and action.toolTip() != action.text().replace("&", ""), action.text()
    dialog = window.show_shortcuts()
    rows = dialog.rows()
    assert ("Fit Graph", "F", "Zoom so the whole graph is visible") in rows
    assert any(row[0] == "Run" and "Ctrl+Return" in row[1] for row in rows)
    dialog.close()


def test_font_size_keys(logistic, qtbot):
    size = logistic.editor.font().pointSize()
    logistic.commands.font_bigger.trigger()
    assert logistic.editor.font().pointSize() == size + 1
    logistic.commands.font_smaller.trigger()
    logistic.commands.font_smaller.trigger()
    assert logistic.editor.font().pointSize() == size - 1
    assert logistic.settings.font_size == size - 1


def test_lesson_menu_and_next_lesson(window, run_and_wait):
    assert run_and_wait(window, lambda: window.files.lesson_actions["softmax"].trigger()) == "ok"
    assert window.current_lesson == "softmax" and window.files.lesson_actions["softmax"].isChecked()
    names = list(LESSONS)
    following = names[(names.index("softmax") + 1) % len(names)]
    assert run_and_wait(window, window.commands.next_lesson.trigger) == "ok"
    assert window.current_lesson == following


def test_f_key_fits_only_when_the_canvas_has_focus(logistic, qtbot):
    view = logistic.graph_view
    logistic.activateWindow()
    qtbot.waitUntil(logistic.isActiveWindow)
    view.set_zoom(5.0)
    logistic.editor.setFocus()
    before = logistic.editor.toPlainText()
    qtbot.keyClicks(logistic.editor, "f")
    assert view.zoom == pytest.approx(5.0)
    assert len(logistic.editor.toPlainText()) == len(before) + 1  # typed into the program instead
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F)
    assert view.is_fitted and view.zoom < 5.0
