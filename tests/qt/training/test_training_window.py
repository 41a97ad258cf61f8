"""The training panel inside the main window: lessons offer it, its graph goes on the canvas."""

from __future__ import annotations

import gradviz.qt  # noqa: F401  (first: pins None for the PySide6 wheel)

# isort: split

import pytest
import torch

from gradviz.core.training.config import lesson_config

torch.set_num_threads(1)


def test_training_lessons_open_the_panel_with_their_settings(window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("logistic", confirm=False)) == "ok"
    assert not window.training.isVisible()
    assert run_and_wait(window, lambda: window.load_lesson("toy-train", confirm=False)) == "ok"
    assert window.training.isVisible()
    form = window.training.panel.form
    assert form.config() == lesson_config("toy-train")
    assert form.lr_edit.text() == "0.5" and form.batch_spin.value() == 2
    assert run_and_wait(window, lambda: window.load_lesson("linear-regression", confirm=False)) == "ok"
    assert window.training.panel.form.config() == lesson_config("linear-regression")
    assert window.training.panel.data_plot.mode == "regression"


def test_show_graph_of_this_step_puts_the_models_graph_on_the_canvas(qtbot, window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("toy-train", confirm=False)) == "ok"
    panel = window.training.panel
    window.training.step_action.trigger()  # F10
    qtbot.waitUntil(lambda: len(panel.records) == 1, timeout=10_000)
    assert window.training.graph_action.isEnabled()
    assert run_and_wait(window, panel.show_step_graph) == "ok"
    labels = {n.label for n in window.current_trace.nodes}
    assert {"features", "target", "output", "loss", "layers.0.weight", "layers.0.bias", "layers.4.weight"} <= labels
    assert set(window.graph_view.node_items) == {n.id for n in window.current_trace.nodes}
    assert "training step 1" in window.message_bar.text()
    weight = next(n for n in window.current_trace.nodes if n.label == "layers.0.weight")
    assert weight.grad is not None  # values and gradients, for the inspector and the player


def test_train_menu_lists_the_actions_with_shortcuts(window):
    texts = [a.text() for a in window.training.train_menu.actions() if not a.isSeparator()]
    assert "&Training Panel" in texts and "Show &Graph of This Step" in texts
    shortcuts = {a.shortcut().toString() for a in (window.commands.train_start, window.commands.train_pause,
                                                   window.commands.train_stop, window.commands.train_step)}
    assert shortcuts == {"F5", "F6", "Shift+F5", "F10"}
    dialog = window.show_shortcuts()
    assert any(row[1] == "F10" for row in dialog.rows())
    dialog.close()


def test_closing_the_window_mid_run_ends_the_run_process(qtbot, window):
    panel = window.training.panel
    panel.set_config(lesson_config("toy-train").replace(dataset="circles", epochs=10_000, drop_last=False))
    assert panel.start()
    qtbot.waitUntil(lambda: len(panel.records) > 3, timeout=20_000)
    link, trainer = panel.link, panel.trainer
    window.editor.document().setModified(False)
    window.close()
    assert panel.link is None and panel.trainer is None and not panel.is_running
    assert link.isFinished()  # it ends with the run's "ended"
    assert trainer.handle.ending is not None and trainer.handle.ending.reason == "cancelled"


# -- a trainer that teaches (issue 15) ---------------------------------------------------------
def test_choosing_a_dataset_sets_up_what_learns_it(qtbot, window, run_and_wait):
    from gradviz.core.training.config import DATASET_PRESETS

    assert run_and_wait(window, lambda: window.load_lesson("linear-regression", confirm=False)) == "ok"
    form = window.training.panel.form
    assert form.config().model == "linear-regression" and form.config().loss == "l1"
    index = form.dataset_combo.findData("circles")
    form.dataset_combo.setCurrentIndex(index)
    form.dataset_combo.activated.emit(index)  # as a click in the list does
    config = form.config()
    preset = DATASET_PRESETS["circles"]
    assert (config.model, config.hidden, config.loss, config.optimizer, config.lr, config.batch_size) == \
        (preset.model, preset.hidden, preset.loss, preset.optimizer, preset.lr, preset.batch_size)


def test_a_non_training_lesson_puts_the_panel_away_and_a_step_graph_opens_readable(qtbot, window, run_and_wait):
    from gradviz.qt.training.dock import READABLE_ZOOM

    window.resize(1280, 820)
    assert run_and_wait(window, lambda: window.load_lesson("toy-train", confirm=False)) == "ok"
    panel = window.training.panel
    for k in (1, 2, 3):
        window.training.step_action.trigger()
        qtbot.waitUntil(lambda k=k: len(panel.records) == k, timeout=10_000)
    assert run_and_wait(window, panel.show_step_graph) == "ok"
    assert window.graph_view.zoom >= READABLE_ZOOM
    # A point of the loss curve: that step's graph, its loss the point clicked.
    panel.loss_plot.refresh()  # what its timer does while a run goes on
    assert run_and_wait(window, lambda: panel.loss_plot.click_at(2.1)) == "ok"
    assert window.current_trace.find("loss").value.item() == pytest.approx(panel.records[1].train_loss, rel=1e-5)
    assert "training step 2" in window.message_bar.text() and window.graph_view.zoom >= READABLE_ZOOM
    rows = panel.compare.rows()
    assert panel.compare.step_b.value() == 2 and rows[0][0] == "layers.0.weight" and rows[0][1] != "–"
    panel.loss_plot.click_at(3, shift=True)
    assert panel.compare.step_a.value() == 3
    assert run_and_wait(window, lambda: window.load_lesson("logistic", confirm=False)) == "ok"
    assert not window.training.isVisible()


def test_slow_motion_updates_the_gradients_on_the_canvas_each_step(qtbot, window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("toy-train", confirm=False)) == "ok"
    panel = window.training.panel
    panel.set_slow_motion(True, 10.0)
    shown: list = []
    window.session.drawing_changed.connect(lambda: shown.append(window.current_trace))
    assert panel.start() and panel.slow_motion
    qtbot.waitUntil(lambda: len(shown) >= 3, timeout=30_000)
    panel.pause()
    assert not panel.slow_motion
    steps = [t.find("loss").value.item() for t in shown[:3]]
    assert steps == pytest.approx([r.train_loss for r in panel.records[:3]], rel=1e-5)
    # The same graph, new numbers: drawn in place, not laid out again.
    scene = window.graph_view.graph_scene
    assert scene.trace is shown[-1]
    assert len({id(t) for t in shown}) == len(shown)
    assert panel.records[-1].step >= 3
