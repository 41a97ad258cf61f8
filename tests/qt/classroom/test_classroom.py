"""Classroom tools in the real window: lesson files, edit and re-run, checks, presentation mode."""

import json

import pytest
import torch
import torch.nn.functional as F

import gradviz.qt  # noqa: F401  (first: pins None on Python 3.11)
from gradviz.core.lessons.files import load_lesson


def logistic_numbers(w1_value):
    y, x1 = torch.tensor([1.0]), torch.tensor([1.1])
    w1 = torch.tensor([w1_value], requires_grad=True)
    b = torch.tensor([0.0], requires_grad=True)
    loss = F.binary_cross_entropy(torch.sigmoid(x1 * w1 + b), y)
    loss.backward()
    return loss.item(), w1.grad.item(), b.grad.item()


def test_edit_w1_updates_loss_and_gradients_keeping_step(window, go, qtbot):
    go(lambda: window.load_lesson("logistic", confirm=False))
    ids_before = [n.id for n in window.current_trace.nodes]
    window.step_through.player.seek(10)
    window.select_node(window.current_trace.find("w1").id)
    editor = window.classroom.edit_value()
    assert editor is not None and editor.scalar
    go(lambda: editor.set_value(1.0))
    tr = window.current_trace
    loss, w1_grad, b_grad = logistic_numbers(1.0)
    assert tr.find("w1").value.item() == 1.0
    assert tr.find("loss").value.item() == pytest.approx(loss, rel=1e-6)
    assert tr.find("w1").grad.item() == pytest.approx(w1_grad, rel=1e-6)
    assert tr.find("b").grad.item() == pytest.approx(b_grad, rel=1e-6)
    assert [n.id for n in tr.nodes] == ids_before
    qtbot.waitUntil(lambda: window.step_through.player.position == 10, timeout=10_000)
    assert "w1 = 1.0" in window.message_bar.text()
    editor.close()


def test_edit_value_needs_a_named_leaf(window, go):
    go(lambda: window.load_lesson("logistic", confirm=False))
    window.select_node(window.current_trace.find("loss").id)
    assert window.classroom.edit_value() is None
    assert "leaf or constant" in window.message_bar.text()


def test_save_and_open_lesson_file_round_trip(window, go, tmp_path):
    go(lambda: window.load_lesson("vjp", confirm=False))
    window.step_through.player.seek(5)
    path = window.classroom.save_lesson_file(tmp_path / "mine.gradviz")
    saved = load_lesson(path)
    assert saved.program == window.editor.toPlainText() and saved.start_step == 5 and saved.roots == ("out",)
    go(lambda: window.load_lesson("logistic", confirm=False))
    go(lambda: window.classroom.open_lesson_file(path))
    assert window.current_lesson == "vjp" and window.lesson.start_step == 5
    assert window.current_trace.find("out").op == "TBackward0"


def test_refused_lesson_file_is_a_message_and_keeps_the_graph(window, go, tmp_path):
    go(lambda: window.load_lesson("logistic", confirm=False))
    before = window.current_trace
    bad = tmp_path / "bad.gradviz"
    bad.write_text(json.dumps({"gradviz_lesson": 1, "program": "import os"}))
    assert window.classroom.open_lesson_file(bad) is False
    assert "refused" in window.message_bar.text() and window.current_trace is before


def test_a_lesson_file_given_as_the_source_opens_as_a_lesson(window, go, tmp_path):
    """`gradviz mine.gradviz` (the app's SOURCE, a recent file): a lesson, not a program of JSON."""
    go(lambda: window.load_lesson("vjp", confirm=False))
    window.step_through.player.seek(5)
    path = window.classroom.save_lesson_file(tmp_path / "mine.gradviz")
    go(lambda: window.load_lesson("logistic", confirm=False))
    go(lambda: window.files.open_source(str(path), confirm=False))
    assert window.current_lesson == "vjp" and window.editor.toPlainText() == load_lesson(path).program
    assert window.current_trace.find("out").op == "TBackward0"
    before = window.current_trace
    bad = tmp_path / "zoom.gradviz"
    bad.write_text('{"gradviz_lesson": 3, "program": "x = 1", "view": {"zoom": 1' + "0" * 400 + "}}")
    assert window.files.open_source(str(bad), confirm=False) is False
    assert "zoom" in window.message_bar.text() and window.current_trace is before


def test_gradient_check_and_why_none_from_the_menu(window, go, qtbot):
    go(lambda: window.load_lesson("logistic", confirm=False))
    dlg = window.classroom.gradient_check()
    qtbot.waitUntil(lambda: dlg.report is not None, timeout=60_000)
    assert dlg.report.passed and dlg.table.rowCount() == 2
    dlg.close()
    why = window.classroom.why_none()
    assert "w1" in [why.name_box.itemText(i) for i in range(why.name_box.count())]
    with qtbot.waitSignal(why.answered, timeout=30_000):
        why.ask("z")
    assert why.reason.kind == "non-leaf"
    why.close()


def test_presentation_mode_hides_panels_and_comes_back(window, go, qtbot):
    go(lambda: window.load_lesson("logistic", confirm=False))
    size = window.settings.font_size
    legend_pt, player_pt = window.legend.font().pointSizeF(), window.step_through.player.font().pointSizeF()
    window.classroom.presentation_action.trigger()
    assert window.classroom.presentation.active
    assert window.legend.font().pointSizeF() == legend_pt + 5
    assert window.step_through.player.font().pointSizeF() == player_pt + 8
    assert {"inspector_dock", "program_dock", "lesson_dock"} <= set(window.classroom.presentation.hidden_panels())
    assert not window.inspector_dock.isVisible() and not window.program.dock.isVisible()
    assert window.graph_view.isVisible() and window.step_through.player.isVisible()
    assert not window.menuBar().isVisible()
    from gradviz.qt.canvas.graph_items import line_scale
    assert line_scale() > 2
    window.step_through.player.seek(9)
    from gradviz.qt.stepping.step_through import PRESENTATION_MIN_ZOOM
    assert window.graph_view.zoom >= PRESENTATION_MIN_ZOOM
    window.classroom.presentation_action.trigger()
    assert not window.classroom.presentation.active and line_scale() == 1.0
    assert window.inspector_dock.isVisible() and window.menuBar().isVisible()
    assert window.settings.font_size == size
    assert window.legend.font().pointSizeF() == legend_pt
    assert window.step_through.player.font().pointSizeF() == player_pt


def test_higher_order_nodes_are_drawn_apart(window, go):
    program = ("x = torch.tensor(3.0, requires_grad=True)\ny = x ** 3\n"
               "g, = torch.autograd.grad(y, x, create_graph=True)\ng.backward()")
    go(lambda: (window.editor.set_source(program), window.run_program()))
    tr = window.current_trace
    assert tr.find("g").value.item() == 27.0 and tr.find("x").grad.item() == 18.0
    made = [n.id for n in tr.nodes if n.internal_to.startswith("backward")]
    plain = tr.find("y").id
    item = window.graph_view.node_item(made[0])
    _, border, _, width = item._style()
    _, plain_border, _, _ = window.graph_view.node_item(plain)._style()
    assert border != plain_border and width > 2


def test_no_two_actions_share_a_shortcut(window):
    from collections import defaultdict

    from PySide6.QtGui import QAction

    seen = defaultdict(list)
    for action in window.findChildren(QAction):
        for shortcut in action.shortcuts():
            seen[(shortcut.toString(), action.shortcutContext())].append(action.text())
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert not clashes


def test_an_open_gradient_check_follows_an_edited_value(window, go, qtbot):
    go(lambda: window.load_lesson("logistic", confirm=False))
    dialog = window.classroom.gradient_check()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    assert "-0.0898" in dialog.text()
    window.select_node(window.current_trace.find("w1").id)
    editor = window.classroom.edit_value()
    with qtbot.waitSignal(window.run_finished, timeout=30_000):
        editor.set_value(4.11)  # as the slider does
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    _loss, w1_grad, _b_grad = logistic_numbers(4.11)
    w1 = next(leaf for leaf in dialog.report.leaves if leaf.label == "w1")
    assert w1.autograd == pytest.approx(w1_grad, rel=1e-5) and "-0.0898" not in dialog.text()  # float64
    assert "with w1 = 4.11 (edited)" in dialog.text()
    dialog.close()
    editor.close()


def test_the_value_editor_opens_clear_of_the_nodes_it_changes(window, go, qtbot):
    from PySide6.QtCore import QPoint, QRect

    go(lambda: window.load_lesson("logistic", confirm=False))
    window.select_node(window.current_trace.find("w1").id)
    editor = window.classroom.edit_value()
    qtbot.waitExposed(editor)
    frame = editor.frameGeometry()
    view = window.graph_view
    for item in view.node_items.values():
        local = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        box = QRect(view.viewport().mapToGlobal(local.topLeft()), local.size())
        assert not frame.intersects(box), item.node_id
    assert QRect(window.mapToGlobal(QPoint(0, 0)), window.size()).contains(frame.center())
    editor.close()
