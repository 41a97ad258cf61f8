"""The step-through player in the main window, driven by its keys, its timeline and in time."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from gradviz.core.stepping.steps import BACKWARD, FORWARD

KEY = Qt.Key


def _id(window, label: str) -> str:
    return next(n.id for n in window.current_trace.nodes if n.label == label)


def _focused_canvas(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view = window.graph_view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    return view


def _sigmoid_step_of_last_pass(window) -> int:
    trace = window.current_trace
    steps = window.step_through.player.cursor.steps
    last = len(trace.passes) - 1
    return next(s.index for s in steps if s.phase == BACKWARD and s.pass_index == last
                and trace.node(s.node_id).op == "SigmoidBackward0")


@pytest.fixture
def logistic(window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("logistic")) == "ok"
    return window


def test_arrow_keys_on_the_canvas_reach_the_sigmoid_step_of_the_last_pass(logistic, qtbot):
    player, items = logistic.step_through.player, logistic.graph_view.node_items
    view = _focused_canvas(logistic, qtbot)
    assert player.position == -1 and player.count == 21
    target = _sigmoid_step_of_last_pass(logistic)
    for _ in range(target + 1):
        qtbot.keyClick(view, KEY.Key_Right)
    assert player.position == target == 16
    sigmoid = items[_id(logistic, "a")]
    assert sigmoid.highlight == "current" and sigmoid.badge_text == "∇ -1.0889"
    assert [i.node_id for i in items.values() if i.highlight == "current"] == [sigmoid.node_id]
    pending = {i.node.label for i in items.values() if i.highlight == "pending"}
    assert {"z", "w1", "b"} <= pending
    assert "a" not in pending and "loss" not in pending
    assert items[_id(logistic, "w1")].badge_text == "∇ pending"  # never a misleading 0
    assert items[_id(logistic, "z")].badge_text == "∇ -0.0817"  # sent by σ, not processed yet
    # The gradient leaves σ by the edge to z.
    flowing = [(e.source, e.target) for e in logistic.graph_view.edge_items if e.highlight == "grad_flow"]
    assert flowing == [(_id(logistic, "z"), sigmoid.node_id)]
    # The inspector follows the current node; the chain panel explains it.
    assert logistic.inspector.node.label == "a"
    text = logistic.step_through.chain_panel.text()
    for number in ("-1.0889", "0.9183", "0.0817", "✓"):
        assert number in text
    qtbot.keyClick(view, KEY.Key_Left)
    assert player.position == target - 1 and items[_id(logistic, "loss")].highlight == "current"


def test_home_end_and_space_move_the_cursor(logistic, qtbot):
    player = logistic.step_through.player
    view = _focused_canvas(logistic, qtbot)
    qtbot.keyClick(view, KEY.Key_End)
    assert player.position == player.count - 1
    qtbot.keyClick(view, KEY.Key_Home)
    assert player.position == 0
    player.set_speed(20)
    qtbot.keyClick(view, KEY.Key_Space)
    assert player.is_playing
    qtbot.keyClick(view, KEY.Key_Space)
    assert not player.is_playing
    qtbot.keyClick(view, KEY.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert player.position == -1


def test_keys_in_the_editor_keep_their_editing_meaning(logistic, qtbot):
    player, editor = logistic.step_through.player, logistic.editor
    logistic.activateWindow()
    qtbot.waitUntil(logistic.isActiveWindow)
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    before = editor.toPlainText()
    for key in (KEY.Key_End, KEY.Key_Right, KEY.Key_Left, KEY.Key_Home):
        qtbot.keyClick(editor, key)
    qtbot.keyClick(editor, KEY.Key_Space)
    assert player.position == -1 and not player.is_playing
    assert editor.toPlainText() == " " + before  # Home went to the line start, Space typed a space


def test_forward_steps_show_values_and_not_yet_computed_nodes_as_pending(logistic):
    player, items = logistic.step_through.player, logistic.graph_view.node_items
    steps = player.cursor.steps
    mul = next(s for s in steps if s.phase == FORWARD and logistic.current_trace.node(s.node_id).op == "MulBackward0")
    player.seek(mul.index)
    assert items[mul.node_id].highlight == "current" and items[mul.node_id].badge_text == "2.42"
    assert items[_id(logistic, "w1")].badge_text == "2.2" and items[_id(logistic, "w1")].highlight is None
    for label in ("z", "a", "loss"):
        assert items[_id(logistic, label)].highlight == "pending" and items[_id(logistic, label)].badge_text == ""
    into_mul = {(e.source, e.highlight) for e in logistic.graph_view.edge_items if e.target == mul.node_id}
    assert into_mul == {(_id(logistic, "x1"), "current"), (_id(logistic, "w1"), "current")}
    assert "2.42" in logistic.step_through.chain_panel.text() and "1.1" in logistic.step_through.chain_panel.text()


def test_stepping_before_a_big_graphs_badges_are_made_then_leaving_restores_them(window, run_and_wait, qtbot,
                                                                                monkeypatch):
    from gradviz.qt.canvas import graph_scene
    from gradviz.qt.canvas.graph_badges import BadgeItem
    from gradviz.qt.canvas.text import grad_badge_text

    monkeypatch.setattr(graph_scene, "LATE_BADGES_ABOVE", 0)  # the logistic graph's badges come later
    player, view = window.step_through.player, window.graph_view
    pending: list[bool] = []

    def step_at_once() -> None:  # before the badges' items are made
        pending.append(view.graph_scene.badges_pending)
        player.seek(16)

    view.graph_shown.connect(step_at_once)
    assert run_and_wait(window, lambda: window.load_lesson("logistic")) == "ok"
    view.graph_shown.disconnect(step_at_once)
    qtbot.waitUntil(lambda: not view.is_finishing)
    assert pending == [True] and player.position == 16
    assert view.node_item(_id(window, "w1")).badge_text == "∇ pending"
    player.leave()
    for node in window.current_trace.nodes:
        item = view.node_item(node.id)
        shown = [c.text for c in item.childItems() if isinstance(c, BadgeItem) and c.isVisible()]
        expected = grad_badge_text(node.grad) if node.grad is not None else ""
        assert item.badge_text == expected and shown == ([expected] if expected else []), node.label


def test_leaving_the_player_restores_the_after_run_canvas(logistic):
    items = logistic.graph_view.node_items
    before = {nid: (i.highlight, i.badge_text) for nid, i in items.items()}
    edges_before = [e.highlight for e in logistic.graph_view.edge_items]
    player = logistic.step_through.player
    player.seek(16)
    assert any(i.highlight for i in items.values())
    player.leave()
    assert player.position == -1
    assert {nid: (i.highlight, i.badge_text) for nid, i in items.items()} == before
    assert [e.highlight for e in logistic.graph_view.edge_items] == edges_before
    assert items[_id(logistic, "w1")].badge_text == "∇ -0.0898"


def test_the_legend_explains_the_players_marks_while_on_a_step(logistic, run_and_wait, qtbot):
    legend, player = logistic.legend, logistic.step_through.player
    base = ["leaf / parameter", "constant (no grad)", "op (autograd node)", "root (loss)"]
    assert legend.entries() == base
    one_line = legend._line_height()
    player.seek(16)
    assert legend.entries() == base + ["current step", "gradient passing", "not reached yet"]
    logistic.resize(900, 820)  # a narrow canvas: the legend wraps rather than cutting entries off
    qtbot.waitUntil(lambda: legend.height() >= 2 * one_line - 2, timeout=2_000)
    player.leave()
    assert legend.entries() == base
    player.seek(3)
    assert run_and_wait(logistic, logistic.run_program) == "ok"  # a new graph: no step yet
    assert legend.entries() == base


def test_a_new_run_leaves_the_player(logistic, run_and_wait):
    player = logistic.step_through.player
    player.seek(10)
    assert run_and_wait(logistic, logistic.run_program) == "ok"
    assert player.position == -1 and player.count == 21
    assert not any(i.highlight for i in logistic.graph_view.node_items.values())


def test_stepping_reuses_the_items_and_touches_few(logistic):
    scene = logistic.graph_view.graph_scene
    before = list(scene.items())
    canvas, player = logistic.step_through.canvas, logistic.step_through.player
    player.seek(15)  # the first step of the last pass: every node it will visit turns pending
    touched = []
    while not player.cursor.at_end:
        player.step_forward()
        touched.append(canvas.touched)
    assert scene is logistic.graph_view.graph_scene and list(scene.items()) == before
    assert max(touched) <= 8  # the old and new current node, their edges, the inputs sent a gradient


def test_play_advances_with_time_and_stops_at_the_end(logistic, qtbot):
    player = logistic.step_through.player
    player.set_speed(20)
    assert player.speed == pytest.approx(20)
    player.seek(14)
    with qtbot.waitSignal(player.playing_changed, timeout=5_000):
        player.play()
    qtbot.waitUntil(lambda: player.position > 14, timeout=3_000)
    qtbot.waitUntil(lambda: not player.is_playing, timeout=5_000)
    assert player.position == player.count - 1
    # While playing the panels catch up a few times a second; stopped, they show the last step.
    assert logistic.step_through.chain_panel.text().startswith(f"Step {player.count} of {player.count}")
    assert logistic.inspector.node.id == player.cursor.current.node_id
    player.play()  # at the end: plays again from the start
    assert player.position == 0 and player.is_playing
    player.pause()


def test_the_timeline_scrubber_seeks_by_click_and_drag(logistic, qtbot):
    player = logistic.step_through.player
    timeline = player.timeline
    assert [title for title, _ in timeline.segments()] == ["forward", "backward #1", "backward #2", "backward #3"]
    y = timeline.height() // 2
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(timeline.step_x(9)), y))
    assert player.position == 9 and timeline.position == 9
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(timeline.step_x(2)), y))
    qtbot.mouseMove(timeline, QPoint(round(timeline.step_x(16)), y))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(timeline.step_x(16)), y))
    assert player.position == 16
    assert logistic.graph_view.node_item(_id(logistic, "a")).highlight == "current"


def test_every_player_control_has_a_tooltip(logistic):
    player = logistic.step_through.player
    for button in player.buttons.values():
        assert button.toolTip()
    for widget in (player.timeline, player.speed_slider, player.speed_label, player.step_label):
        assert widget.toolTip()
    assert "Space" in player.play_action.toolTip() and "Right" in player.next_action.toolTip()


def test_lesson_start_step_positions_the_player(window, run_and_wait, monkeypatch):
    import dataclasses

    from gradviz.core.lessons import catalogue as lessons

    lesson = dataclasses.replace(lessons.LESSONS["logistic"], start_step=8)
    monkeypatch.setitem(lessons.LESSONS, "logistic", lesson)
    monkeypatch.setattr("gradviz.qt.program.files.get_lesson", lambda name: lesson)
    assert run_and_wait(window, lambda: window.load_lesson("logistic", confirm=False)) == "ok"
    player = window.step_through.player
    assert player.position == 8
    loss = window.graph_view.node_item(window.current_trace.root)
    assert loss.highlight == "current" and loss.badge_text == "∇ 1"


def test_show_gradient_at_an_intermediate_node(logistic, qtbot):
    st = logistic.step_through
    z = _id(logistic, "z")
    menu = logistic.node_menu.menu_for(z)
    action = next(a for a in menu.actions() if a.text().startswith("Show Gradient at"))
    st.canvas.set_node_badge(z, "")  # as if the canvas had no badge there
    action.trigger()
    assert logistic.graph_view.node_item(z).badge_text == "∇ -0.0817"
    assert logistic.inspector.node.id == z and "-0.08166" in logistic.inspector.text()
    assert "retain_grad" in logistic.message_bar.text()
    # The window-level action works on the selected node.
    logistic.select_node(_id(logistic, "a"))
    value = st.show_gradient_at()
    assert value is not None and value.item() == pytest.approx(-1.0889, abs=1e-4)


def test_right_click_on_a_node_opens_its_menu(logistic, qtbot):
    view = logistic.graph_view
    item = view.node_item(_id(logistic, "z"))
    point = view.mapFromScene(item.scenePos())
    assert logistic.node_menu.node_at(point) == item.node_id
    from PySide6.QtGui import QContextMenuEvent

    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point))
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(view.viewport(), event)
    menu = logistic.node_menu.last_menu
    assert menu is not None and any("Show Gradient at z" in a.text() for a in menu.actions())
    menu.close()


def test_the_step_menu_and_the_shortcuts_dialog_list_the_player(logistic):
    st = logistic.step_through
    texts = [a.text().replace("&", "") for a in st.step_menu.actions()]
    assert "Play" in texts and "Step Forward" in texts
    dialog = logistic.show_shortcuts()
    rows = dialog.rows()
    dialog.close()
    assert any(r[0] == "Step Forward" and r[1] for r in rows)
    assert any("Export Animation" in r[0] for r in rows)


def test_fan_in_shows_both_contributions_on_the_canvas_while_pending(window, run_and_wait, qtbot):
    window.editor.set_source("a = torch.tensor(1.0, requires_grad=True)\nb = a * 3\nc = b * b")
    assert run_and_wait(window, window.run_program) == "ok"
    view = _focused_canvas(window, qtbot)
    player, items = window.step_through.player, window.graph_view.node_items
    qtbot.keyClick(view, KEY.Key_End)
    while player.cursor.current.node_id != _id(window, "c"):
        qtbot.keyClick(view, KEY.Key_Left)
    b = items[_id(window, "b")]
    assert b.highlight == "pending" and b.badge_text == "∇ 3 + 3 = 6"
    assert "b is used as 2 inputs" in window.step_through.chain_panel.text()
    qtbot.keyClick(view, KEY.Key_Right)
    assert b.highlight == "current" and b.badge_text == "∇ 6"


def test_vjp_three_passes_accumulate_then_reset(window, run_and_wait, qtbot):
    assert run_and_wait(window, lambda: window.load_lesson("vjp")) == "ok"
    view = _focused_canvas(window, qtbot)
    st = window.step_through
    inp = _id(window, "inp")
    badges, numbers = [], []
    qtbot.keyClick(view, KEY.Key_Home)
    while not st.player.cursor.at_end:
        qtbot.keyClick(view, KEY.Key_Right)
        step = st.player.cursor.current
        if step.phase == BACKWARD and step.node_id == inp:
            badges.append(window.graph_view.node_item(inp).badge_text)
            assert st.chain_panel.element == (0, 0)
            numbers.append(next(t for t in st.chain_panel.text().splitlines() if "at [0, 0]" in t).split(":")[1])
    assert badges == ["∇ ∈ [2, 4]", "∇ ∈ [4, 8]", "∇ ∈ [2, 4]"]  # row 0: 4 → 8 → 4
    assert [n.split("=")[1].split()[0] for n in numbers] == ["4", "8", "4"]
    assert [n.split("+")[0].strip() for n in numbers] == ["0", "4", "0"]  # .grad before each pass


def test_player_icons_follow_the_theme(logistic, qtbot):
    from PySide6.QtGui import QColor

    from gradviz.qt.stepping.player_icons import ICON_KINDS, player_icon

    for kind in ICON_KINDS:
        image = player_icon(kind, QColor("#FFFFFF")).pixmap(32, 32).toImage()
        assert any(image.pixelColor(x, y).alpha() > 0 for x in range(32) for y in range(32)), kind
    with pytest.raises(ValueError):
        player_icon("rewind", QColor("#000000"))
    player = logistic.step_through.player
    light = player.play_action.icon().pixmap(32, 32).toImage()
    logistic.set_theme("dark")  # the palette change reaches the widgets as a posted event
    qtbot.waitUntil(lambda: player.play_action.icon().pixmap(32, 32).toImage() != light)


def test_a_drawing_refilled_in_place_loses_the_players_highlights(logistic):
    st = logistic.step_through
    st.player.seek(16)
    scene = logistic.graph_view.graph_scene
    st.canvas.bind(scene)  # what a same-structure re-run does: the same scene, shown again
    assert not any(i.highlight for i in scene.node_items.values())
    assert not any(e.highlight for e in scene.edge_items)


def test_a_big_graph_gets_its_steps_between_event_loop_turns(window, run_and_wait, qtbot):
    window.editor.set_source("x = torch.tensor([1.0], requires_grad=True)\ny = x\nfor i in range(1200):\n"
                             "    y = y * 1.0001\n")
    assert run_and_wait(window, window.run_program) == "ok"
    player = window.step_through.player
    qtbot.waitUntil(lambda: player.count == 2 * 1201, timeout=10_000)
    player.seek(1201)  # the first backward step: the root
    root = window.graph_view.node_item(window.current_trace.root)
    assert root.highlight == "current" and root.badge_text == "∇ 1"


def test_the_step_label_ends_in_an_ellipsis_when_narrow(qtbot):
    from gradviz.qt.stepping.player import ElidedLabel

    label = ElidedLabel("Step 18 of 21 · backward #3 · AddBackward0 z")
    qtbot.addWidget(label)
    label.resize(120, 24)
    assert label.text().endswith("AddBackward0 z")  # the whole text stays readable by code
    assert label.shown_text().endswith("…") and label.shown_text().startswith("Step 18")
    label.resize(800, 24)
    assert label.shown_text() == label.text()


def test_stepping_does_not_make_the_legend_wrap_and_the_graph_jump(logistic, qtbot):
    logistic.resize(1000, 700)
    view, legend = logistic.graph_view, logistic.legend
    qtbot.waitUntil(lambda: legend.height() == legend.heightForWidth(legend.width()), timeout=2_000)
    canvas, zoom = view.height(), view.zoom
    logistic.step_through.player.seek(16)  # the legend gains three entries
    qtbot.wait(50)  # a layout pass: what would move has moved
    assert view.height() == canvas and view.zoom == zoom
    assert "dashed: made inside a composite op" not in legend.entries()  # none in this graph


def test_the_legend_explains_dashed_borders_when_the_graph_has_them(window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("mlp")) == "ok"
    assert any(n.internal_to for n in window.current_trace.nodes)
    assert "dashed: made inside a composite op" in window.legend.entries()


def test_the_timeline_grows_with_its_font_so_segment_titles_fit(qtbot):
    from PySide6.QtGui import QFont

    from gradviz.qt.stepping.timeline import Timeline

    timeline = Timeline()
    qtbot.addWidget(timeline)
    small = timeline.sizeHint().height()
    font = QFont(timeline.font())
    font.setPointSize(22)  # presentation mode's size
    timeline.setFont(font)
    assert timeline.sizeHint().height() > small
    assert timeline.sizeHint().height() - 12 >= timeline.fontMetrics().height()  # the track holds a title
