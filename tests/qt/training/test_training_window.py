"""The training panel inside the main window: lessons offer it, its graph goes on the canvas."""

from __future__ import annotations

import threading

import pytest
import torch

import gradviz.qt  # noqa: F401  (first: pins None for the PySide6 wheel)
from gradviz.core.training.config import lesson_config
from gradviz.core.training.trainer import Trainer
from gradviz.qt.training.worker import PanelControl

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


def test_closing_the_window_mid_run_stops_the_worker(qtbot, window):
    panel = window.training.panel
    panel.set_config(lesson_config("toy-train").replace(dataset="circles", epochs=10_000, drop_last=False))
    assert panel.start()
    qtbot.waitUntil(lambda: len(panel.records) > 3, timeout=20_000)
    worker = panel.worker
    window.editor.document().setModified(False)
    window.close()
    assert panel.worker is None and worker.isFinished()


def test_panel_control_lets_exactly_one_batch_through():
    trainer = Trainer(lesson_config("toy-train"))
    control = PanelControl()
    holds = []
    control.on_hold = lambda: holds.append(len(trainer.history))
    control.pause()
    control.step()
    records = []
    thread = threading.Thread(target=lambda: records.extend(trainer.run(control)))
    thread.start()
    thread.join(0.5)
    assert thread.is_alive() and len(trainer.history) == 1 and holds == [1]
    control.step()
    thread.join(0.5)
    assert len(trainer.history) == 2
    control.resume()
    thread.join(10)
    assert not thread.is_alive() and [r.step for r in records] == [1, 2, 3, 4, 5, 6]
    assert records[0].train_loss == pytest.approx(0.7487, abs=1e-4)


def test_two_quick_steps_are_two_batches():
    trainer = Trainer(lesson_config("toy-train"))
    control = PanelControl()
    control.pause()
    control.step()
    control.step()  # before the first has even started
    thread = threading.Thread(target=lambda: list(trainer.run(control)))
    thread.start()
    thread.join(0.5)
    assert thread.is_alive() and len(trainer.history) == 2 and control.paused
    control.stop()
    thread.join(5)
    assert not thread.is_alive() and len(trainer.history) == 2


def test_stop_wakes_a_paused_run():
    trainer = Trainer(lesson_config("toy-train"))
    control = PanelControl()
    control.pause()
    thread = threading.Thread(target=lambda: list(trainer.run(control)))
    thread.start()
    control.stop()
    thread.join(5)
    assert not thread.is_alive() and trainer.history == []
