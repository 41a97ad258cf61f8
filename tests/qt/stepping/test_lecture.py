"""Giving a lecture: the presentation strip, formulas that wrap, labels that grow, the source line,
the keys after a run, and the canvas and the chain rule telling the same story."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo

from gradviz.core.stepping.steps import BACKWARD
from gradviz.qt.stepping.lecture_strip import MIN_PIXELS


def step_of(window, op, pass_index=-1):
    trace = window.current_trace
    pass_index %= len(trace.passes)
    return next(s.index for s in window.step_through.index.steps if s.phase == BACKWARD
                and s.pass_index == pass_index and trace.node(s.node_id).op == op)


def relaid(window, qtbot, action):
    """Do ``action`` (which lays the graph out again) and wait for the new drawing."""
    scene = window.graph_view.graph_scene
    with qtbot.waitSignal(window.run_finished, timeout=30_000):
        action()
    qtbot.waitUntil(lambda: window.graph_view.graph_scene is not scene, timeout=20_000)


def no_sideways_scroll(panel) -> bool:
    bar = panel.scroll_area.horizontalScrollBar()
    width = panel.scroll_area.viewport().width()
    labels = (panel.header_label, panel.body_label, panel.note_label)
    return bar.maximum() == 0 and all(label.minimumSizeHint().width() <= width for label in labels)


def test_presentation_shows_the_chain_rule_large_at_1920x1080(window, go, qtbot):
    window.resize(1920, 1080)
    go(lambda: window.load_lesson("logistic", confirm=False))
    st = window.step_through
    assert not st.strip.isVisible()  # only for the projector
    window.classroom.presentation.enter()
    qtbot.waitUntil(lambda: not window.is_busy)
    st.player.seek(step_of(window, "SigmoidBackward0"))
    assert st.strip.isVisible() and not st.chain_dock.isVisible()
    assert st.strip.pixels >= MIN_PIXELS
    assert QFontInfo(st.strip.formula_label.font()).pixelSize() >= 28
    text = st.strip.text()
    assert "backward of line 7: a = torch.sigmoid(z)" in text
    assert "∂L/∂z = ∂L/∂a · σ(z)·(1 − σ(z))" in text
    assert "= -1.0889 · 0.9183 · 0.0817 = -0.0817 ✓ matches autograd" in text
    window.classroom.presentation.leave()
    assert not st.strip.isVisible()


@pytest.mark.parametrize("size", [(1000, 700), (1024, 768)])
def test_formulas_wrap_and_never_scroll_sideways_from_1000x700_up(window, go, qtbot, size):
    window.resize(*size)
    go(lambda: window.load_lesson("logistic", confirm=False))
    st = window.step_through
    panel = st.chain_panel
    for position in range(st.player.count):  # the BCE steps' long names included
        st.player.seek(position)
        qtbot.waitUntil(lambda: no_sideways_scroll(panel), timeout=2_000)
    st.player.seek(step_of(window, "BinaryCrossEntropyBackward0"))
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: no_sideways_scroll(panel), timeout=2_000)
    # Enlarged, the text takes the new width rather than staying cut at the old one.
    qtbot.waitUntil(lambda: panel.body_label.width() >= panel.scroll_area.viewport().width() - 40, timeout=2_000)
    window.resize(*size)
    window.classroom.presentation.enter()
    qtbot.waitUntil(lambda: not window.is_busy)
    strip = st.strip
    assert strip.minimumSizeHint().width() <= window.width()
    assert strip.formula_label.minimumSizeHint().width() < strip.width()
    assert strip.formula_label.heightForWidth(300) > strip.formula_label.heightForWidth(2000)  # it wraps
    window.classroom.presentation.leave()


def test_bigger_font_grows_the_graph_labels_keeping_zoom_and_step(window, go, qtbot):
    go(lambda: window.load_lesson("logistic", confirm=False))
    view = window.graph_view
    z = window.current_trace.find("z").id
    before = view.node_item(z).box
    window.step_through.player.seek(12)
    zoom = view.zoom
    relaid(window, qtbot, window.commands.font_bigger.trigger)
    qtbot.waitUntil(lambda: window.step_through.player.position == 12, timeout=10_000)
    after = view.node_item(z).box
    assert after.font_size == before.font_size + 1 and after.height > before.height
    assert view.zoom == pytest.approx(zoom)


def test_the_editor_marks_the_line_of_the_step(window, go):
    go(lambda: window.load_lesson("logistic", confirm=False))
    player, editor = window.step_through.player, window.editor
    player.seek(step_of(window, "SigmoidBackward0"))
    assert editor.step_line == 7 and window.session.step_line == 7
    player.seek(step_of(window, "AddBackward0"))
    assert editor.step_line == 6
    player.leave()
    assert editor.step_line is None


def test_after_ctrl_enter_the_arrows_step_through_the_graph(window, go, qtbot):
    go(lambda: window.load_lesson("logistic", confirm=False))
    window.editor.setFocus()
    qtbot.waitUntil(window.editor.hasFocus)
    with qtbot.waitSignal(window.run_finished, timeout=30_000):
        qtbot.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.graph_view.hasFocus(), timeout=5_000)
    qtbot.waitUntil(lambda: window.step_through.index is not None, timeout=10_000)
    cursor = window.editor.textCursor().position()
    qtbot.keyClick(window.graph_view, Qt.Key.Key_Right)
    assert window.step_through.player.position == 0 and window.editor.textCursor().position() == cursor


def test_canvas_and_chain_rule_agree_on_autograd_grad_for_w1(window, go):
    go(lambda: window.load_lesson("logistic", confirm=False))
    trace = window.current_trace
    z, b = trace.find("z").id, trace.find("b").id
    window.step_through.player.seek(step_of(window, "AddBackward0", pass_index=0))
    edges = {(e.source, e.target): e.highlight for e in window.graph_view.edge_items if e.target == z}
    assert edges[(b, z)] is None  # b's gradient is not asked for in this pass
    assert [v for k, v in edges.items() if k[0] != b] == ["grad_flow"]
    assert "∂L/∂b: not computed" in window.step_through.chain_panel.text()


def test_the_no_grad_lesson_in_presentation_says_what_the_program_printed(window, run_and_wait, qtbot):
    window.resize(1024, 768)
    assert run_and_wait(window, lambda: window.load_lesson("no-grad", confirm=False)) == "ok"
    window.classroom.presentation.enter()
    st = window.step_through
    assert window.graph_view.explanation.startswith("z has no grad_fn")
    assert window.graph_view.explanation_label.font().pointSizeF() >= 1.6 * window.session.font_size
    text = st.strip.text()
    assert "line 6: print(z.requires_grad) → True" in text and "line 9: print(z.requires_grad) → False" in text
    assert st.player.text() == "No steps: the program made no graph"
    window.classroom.presentation.leave()


def test_matrix_steps_fit_the_strip_at_1024x768(window, go, qtbot):
    window.resize(1024, 768)
    go(lambda: window.load_lesson("mlp", confirm=False))
    window.classroom.presentation.enter()
    qtbot.waitUntil(lambda: not window.is_busy)
    st = window.step_through
    st.player.seek(step_of(window, "AddmmBackward0"))
    assert st.strip.height() <= 0.35 * window.height()  # the graph keeps most of the screen
    assert window.graph_view.height() > 0.4 * window.height()
    assert "∂L/∂layers.4.bias = Σ over the batch (rows) of ∂L/∂out" in st.strip.text()
    assert "→ (3)" not in st.strip.text()  # the shapes stay in the dock
    assert "grad_out (1, 3)" in st.chain_panel.text()
    window.classroom.presentation.leave()
