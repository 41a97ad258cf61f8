"""Gradient health colours and beginner labels on the canvas."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from gradviz.qt.theme import HEALTH_MARKS


@pytest.fixture
def go(window, run_and_wait, qtbot):
    def run(action):
        assert run_and_wait(window, action) == "ok"
        qtbot.waitUntil(lambda: window.step_through.trace is window.current_trace, timeout=20_000)
    return run


def relaid(window, qtbot, action):
    scene = window.graph_view.graph_scene
    with qtbot.waitSignal(window.run_finished, timeout=30_000):
        action()
    qtbot.waitUntil(lambda: window.graph_view.graph_scene is not scene, timeout=20_000)


def item(window, label):
    return window.graph_view.node_item(window.current_trace.find(label).id)


def test_the_deep_mlp_lesson_shows_vanishing_gradients_at_a_glance(window, go, qtbot):
    go(lambda: window.load_lesson("deep-mlp", confirm=False))
    assert window.session.health and window.health.action.isChecked() and window.health.key.isVisible()
    # It opens with each layer one box, coloured by its gradients: dark at the bottom, light on top.
    view = window.graph_view
    bottom, top = view.node_item("module:layers.0"), view.node_item("module:layers.38")
    assert QColor(bottom.tint[0]).lightnessF() < 0.35 < 0.5 < QColor(top.tint[0]).lightnessF()
    relaid(window, qtbot, window.big_graphs.expand_all)
    first, last = item(window, "layers.0.weight"), item(window, "layers.38.weight")
    assert QColor(first.tint[0]).lightnessF() < 0.35  # the dark, vanishing end
    assert QColor(last.tint[0]).lightnessF() > 0.5  # the light, large end
    assert first.fill_color() == QColor(first.tint[0])
    low, high = window.health.span
    assert low <= -18 and high >= 0 and "10⁻" in window.health.key.text()
    frames = {c.path: c.tint for c in window.graph_view.cluster_items}
    assert frames["layers.0"] is not None and frames["layers.0"] != frames["layers.38"]
    edges = [e.tint for e in window.graph_view.edge_items if e.tint is not None]
    assert len(edges) > 50
    window.health.action.trigger()  # off
    assert not window.session.health and first.tint is None and not window.health.key.isVisible()
    assert all(e.tint is None for e in window.graph_view.edge_items)


def test_the_nan_lesson_marks_where_the_nan_was_born(window, go):
    go(lambda: window.load_lesson("nan", confirm=False))
    assert item(window, "x").mark == "NaN" and item(window, "x").tint == HEALTH_MARKS["nan"]
    root = item(window, "root")
    assert root.mark == "NaN born here"
    assert item(window, "safe").mark == "" and item(window, "safe").tint is not None
    # Another lesson says nothing of health: the colours go.
    go(lambda: window.load_lesson("logistic", confirm=False))
    assert not window.session.health and item(window, "w1").tint is None


def test_beginner_labels_are_kept_per_lesson(window, go, qtbot):
    go(lambda: window.load_lesson("logistic", confirm=False))
    z = item(window, "z")
    assert z.box.lines[0] == "AddBackward0" and not window.labels.action.isChecked()
    relaid(window, qtbot, window.commands.beginner_labels.trigger)
    assert item(window, "z").box.lines == ("+", "z", "data 2.42")
    assert item(window, "a").box.lines[0] == "σ" and item(window, "z").node.op == "AddBackward0"
    go(lambda: window.load_lesson("logits", confirm=False))
    assert window.session.labels == "pytorch" and item(window, "z").box.lines[0] == "AddBackward0"
    go(lambda: window.load_lesson("logistic", confirm=False))
    assert window.session.labels == "beginner" and window.labels.action.isChecked()
    assert item(window, "z").box.lines[0] == "+"
    assert window.settings.labels_for("logistic") == "beginner"


def test_a_lesson_file_can_ask_for_beginner_labels(window, go, tmp_path):
    from gradviz.core.lessons.catalogue import LESSONS
    from gradviz.core.lessons.files import LessonView, save_lesson

    lesson = LESSONS["logistic"]
    path = save_lesson(type(lesson)(**{**lesson.__dict__, "name": "mine", "view": LessonView(labels="beginner")}),
                       tmp_path / "mine")
    go(lambda: window.classroom.open_lesson_file(path))
    assert window.session.labels == "beginner" and item(window, "w1").box.lines == ("w1", "data 2.2")
