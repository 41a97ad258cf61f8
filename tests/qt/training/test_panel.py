"""The training panel, driven through its own methods and buttons while real run processes train."""

from __future__ import annotations

import os
import signal
import time

import gradviz.qt  # noqa: F401  (first: pins None for the PySide6 wheel)

# isort: split

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt, QTimer

from gradviz.core.training.config import lesson_config
from gradviz.core.training.trainer import Trainer
from gradviz.core.training.weights_files import read_weights_file
from gradviz.qt.training.panel import TrainingPanel

# Once, in the main thread, before any worker: see gradviz.qt.app.main.
torch.set_num_threads(1)

TOY_LOSSES = [0.7487, 0.6450, 0.4423, 0.1256, 0.0269, 0.0043]
CIRCLES = lesson_config("toy-train").replace(dataset="circles", hidden=(16, 16), activation="tanh", lr=0.05,
                                             batch_size=32, epochs=1000, drop_last=False, seed=0)


@pytest.fixture
def panel(qtbot):
    p = TrainingPanel()
    qtbot.addWidget(p)
    p.resize(1300, 420)
    p.show()
    qtbot.waitExposed(p)
    yield p
    assert p.shutdown(10)


def finish(qtbot, panel, action, timeout=30_000) -> str:
    """Call ``action`` and wait for the panel's run to end; return how it ended."""
    with qtbot.waitSignal(panel.run_finished, timeout=timeout) as blocker:
        action()
    return blocker.args[0]


def curve_len(panel) -> int:
    x = panel.loss_plot.batch_curve.xData
    return 0 if x is None else len(x)


def ask(qtbot, trainer, what, *args, timeout=10_000):
    """Ask the run ``what`` and wait for its answer; return (ok, value)."""
    answers = []
    trainer.ask(what, args, lambda ok, value: answers.append((ok, value)))
    qtbot.waitUntil(lambda: bool(answers), timeout=timeout)
    return answers[0]


def ready(qtbot, panel, timeout=20_000):
    """Wait until the panel's run process has set its Trainer up."""
    qtbot.waitUntil(lambda: panel.trainer is not None and panel.trainer.info is not None, timeout=timeout)


class GapMeter:
    """A 10 ms timer noting the longest wait between ticks: how responsive the event loop is."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._on_tick)
        self.last = time.perf_counter()
        self.max_gap = 0.0
        self.ticks = 0

    def _on_tick(self) -> None:
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self.last)
        self.last = now
        self.ticks += 1

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()


def test_toy_train_run_reproduces_the_six_losses(qtbot, panel):
    assert panel.set_lesson("toy-train")
    assert finish(qtbot, panel, panel.start) == "done"
    assert [r.train_loss for r in panel.records] == pytest.approx(TOY_LOSSES, abs=1e-4)
    panel.loss_plot.refresh()
    assert list(panel.loss_plot.batch_curve.xData) == [1, 2, 3, 4, 5, 6]
    assert list(panel.loss_plot.batch_curve.yData) == pytest.approx(TOY_LOSSES, abs=1e-4)
    assert panel.records[-1].test_acc == 1.0 and panel.records[-1].train_acc == 1.0
    assert len(panel.loss_plot.test_accuracy_curve.yData) == 3  # one point per epoch
    assert "Done: 6 steps" in panel.progress_bar.text()
    assert panel.state == "idle" and panel.start_button.isEnabled() and panel.start_button.text() == "Start"


def test_toy_decision_boundary_under_five_train_and_two_test_points(qtbot, panel):
    panel.set_lesson("toy-train")
    assert panel.step()
    qtbot.waitUntil(lambda: len(panel.records) == 1, timeout=10_000)
    plot = panel.data_plot
    assert plot.mode == "boundary"
    qtbot.waitUntil(lambda: not plot._asking, timeout=10_000)
    with qtbot.waitSignal(plot.drawn, timeout=10_000):  # the grid comes from the run process
        assert plot.refresh(force=True)
    assert plot.boundary_image.image.shape == (plot.grid_size, plot.grid_size) == (100, 100)
    assert 0 <= plot.boundary_image.image.min() and plot.boundary_image.image.max() <= 1  # class-1 probability
    assert len(plot.train_scatter.data) == 5 and len(plot.test_scatter.data) == 2
    train, test = plot.train_scatter.points()[0], plot.test_scatter.points()[0]
    assert train.brush().style() != Qt.BrushStyle.NoBrush  # filled
    assert test.brush().style() == Qt.BrushStyle.NoBrush  # hollow
    assert plot.boundary_image.zValue() < plot.train_scatter.zValue()  # the heatmap is under the points


def test_circles_run_plots_live_pauses_resumes_and_stops(qtbot, panel):
    panel.set_config(CIRCLES)
    meter = GapMeter()
    assert panel.start()
    meter.start()  # after: Start builds the Trainer on the GUI thread (a click's worth of work)
    assert panel.state == "running" and not panel.start_button.isEnabled()
    qtbot.waitUntil(lambda: curve_len(panel) > 50, timeout=20_000)
    first = curve_len(panel)
    # It keeps growing, while the event loop keeps ticking (runs are fast now: wait for both).
    qtbot.waitUntil(lambda: curve_len(panel) > first + 50 and meter.ticks > 10, timeout=20_000)
    assert len(panel.loss_plot.refresh_times) >= 2
    qtbot.waitUntil(lambda: panel.data_plot.boundary_image.image is not None, timeout=10_000)
    assert panel.data_plot.boundary_image.image.shape == (100, 100)

    panel.pause()
    assert panel.state == "paused" and panel.pause_button.text() == "Resume"
    # The batch under way, then the held records, arrive; then the run says it holds.
    qtbot.waitUntil(lambda: panel.trainer.held_at is not None, timeout=10_000)
    panel.loss_plot.refresh()
    held = curve_len(panel)
    steps = panel.trainer.steps
    assert steps == panel.trainer.held_at
    qtbot.wait(400)  # and nothing more comes
    panel.loss_plot.refresh()
    assert curve_len(panel) == held == len(panel.records) == steps == panel.trainer.steps
    assert [r.step for r in panel.records] == list(range(1, steps + 1))  # none lost, none twice

    panel.resume()
    assert panel.state == "running"
    qtbot.waitUntil(lambda: curve_len(panel) > held + 20, timeout=20_000)
    assert finish(qtbot, panel, panel.stop) == "stopped"
    assert panel.state == "idle" and panel.start_button.isEnabled()
    assert panel.start_button.text() == "Continue"  # the same trainer goes on
    meter.timer.stop()


def test_step_button_runs_exactly_one_batch(qtbot, panel):
    panel.set_lesson("toy-train")
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.trainer is not None and panel.trainer.held_at == 1, timeout=10_000)
    qtbot.wait(300)
    assert len(panel.records) == panel.trainer.steps == 1
    assert panel.state == "paused" and panel.step_button.isEnabled()
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.trainer.held_at == 2, timeout=10_000)
    qtbot.wait(300)
    assert len(panel.records) == panel.trainer.steps == 2
    panel.loss_plot.refresh()
    assert list(panel.loss_plot.batch_curve.yData) == pytest.approx(TOY_LOSSES[:2], abs=1e-4)
    # Resume goes on from step 3 with the same trainer.
    assert finish(qtbot, panel, panel.resume) == "done"
    assert [r.train_loss for r in panel.records] == pytest.approx(TOY_LOSSES, abs=1e-4)


def test_diverging_run_says_so_and_start_works_again(qtbot, panel):
    panel.set_config(lesson_config("toy-train").replace(lr=1e6, epochs=20))
    assert finish(qtbot, panel, panel.start) == "error"
    text, level = panel.last_message
    assert level == "error" and "smaller learning rate" in text and "loss became" in text
    assert panel.state == "idle" and panel.start_button.isEnabled() and panel.start_button.text() == "Start"
    panel.form.lr_edit.setText("0.5")
    assert finish(qtbot, panel, panel.start) == "done"  # a fresh trainer


def test_unavailable_devices_are_disabled_with_the_reason(qtbot, monkeypatch):
    import gradviz.qt.training.form as training_form

    monkeypatch.setattr(training_form, "available_devices",
                        lambda: {"cpu": None, "cuda": "no CUDA GPU was found", "mps": "MPS needs a Mac"})
    form = training_form.TrainingForm()
    qtbot.addWidget(form)
    combo, model = form.device_combo, form.device_combo.model()
    for name, enabled, tip in (("cpu", True, "CPU"), ("cuda", False, "no CUDA GPU was found"),
                               ("mps", False, "MPS needs a Mac")):
        i = combo.findData(name)
        assert model.item(i).isEnabled() is enabled
        assert tip in combo.itemData(i, Qt.ItemDataRole.ToolTipRole)


def test_this_machines_unavailable_devices_are_disabled(panel):
    from gradviz.core.training.devices import available_devices

    combo = panel.form.device_combo
    for name, reason in available_devices().items():
        item = combo.model().item(combo.findData(name))
        assert item.isEnabled() is (reason is None)


def test_weights_round_trip_through_the_panel(qtbot, panel, tmp_path):
    panel.set_lesson("toy-train")
    assert finish(qtbot, panel, panel.start) == "done"
    points = np.array([[-1.0, 3.0], [2.5, -1.2], [0.0, 0.0]], dtype=np.float32)
    ok, trained = ask(qtbot, panel.trainer, "predict", points)
    assert ok and trained.shape == (3, 2)
    ok, weights = ask(qtbot, panel.trainer, "weights")
    assert ok and set(weights) == {"layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
                                   "layers.4.weight", "layers.4.bias"}
    path = str(tmp_path / "model.pth")
    with qtbot.waitSignal(panel.weights_done, timeout=10_000) as saved:
        assert panel.save_weights(path)  # the run sends its weights; the app writes the file
    assert saved.args == ["save", True] and panel.last_message[1] == "info"
    on_disk = read_weights_file(path)
    assert list(on_disk) == list(weights)
    assert all(np.array_equal(on_disk[k], weights[k]) for k in weights)
    assert torch.load(path, weights_only=True)["layers.4.bias"].dtype == torch.float32

    panel.reset()
    assert panel.trainer is None and curve_len(panel) == 0
    with qtbot.waitSignal(panel.weights_done, timeout=20_000) as loaded:
        assert panel.load_weights(path)  # a fresh run made from the settings, then loaded
    assert loaded.args == ["load", True]
    ok, reloaded = ask(qtbot, panel.trainer, "weights")
    assert ok and all(np.array_equal(reloaded[k], weights[k]) for k in weights)
    ok, predicted = ask(qtbot, panel.trainer, "predict", points)
    assert not np.allclose(predicted, 0)
    np.testing.assert_array_equal(predicted, trained)

    (tmp_path / "junk.pth").write_bytes(b"not a torch file")
    assert not panel.load_weights(str(tmp_path / "junk.pth"))
    assert panel.last_message[1] == "error" and "not a weights file" in panel.last_message[0]
    assert not panel.load_weights(path.replace("model", "missing"))
    assert "no such file" in panel.last_message[0]
    # A model of another shape: refused by the run (it has not said its shapes yet) ...
    panel.set_config(lesson_config("toy-train").replace(hidden=(4,)))
    with qtbot.waitSignal(panel.weights_done, timeout=20_000) as refused:
        assert panel.load_weights(path)
    assert refused.args == ["load", False] and "do not fit this model" in panel.last_message[0]
    # ... and by the app at once when it has.
    ready(qtbot, panel)
    assert not panel.load_weights(path)
    assert "do not fit this model: Unexpected key(s)" in panel.last_message[0]


def test_nothing_to_save_before_a_run(panel, tmp_path):
    assert not panel.save_weights(str(tmp_path / "model.pth"))
    assert panel.last_message == ("Nothing to save yet: Start or Step a run first.", "error")
    assert not (tmp_path / "model.pth").exists()


def test_loss_history_exports_as_csv(qtbot, panel, tmp_path):
    panel.set_lesson("toy-train")
    assert not panel.export_history(str(tmp_path / "none.csv"))  # nothing yet: a message, no file
    assert finish(qtbot, panel, panel.start) == "done"
    path = tmp_path / "losses.csv"
    assert panel.export_history(str(path))
    rows = path.read_text().splitlines()
    assert rows[0].startswith("epoch,batch,step,train_loss") and len(rows) == 7
    assert float(rows[1].split(",")[3]) == pytest.approx(TOY_LOSSES[0], abs=1e-4)


def test_log_scale_and_hover_readout(qtbot, panel):
    panel.set_lesson("toy-train")
    assert finish(qtbot, panel, panel.start) == "done"
    plot = panel.loss_plot
    plot.set_log_scale(True)
    assert plot.batch_curve.opts["logMode"] == [False, True]
    text = plot.hover_at(3.2)
    first, second = text.split("\n")
    assert first == "Step 3 · epoch 2, batch 1 · batch loss 0.4423"
    epoch1 = panel.records[1]
    assert second == (f"Epoch 1 (train / test): loss {epoch1.epoch_loss:.3g} / {epoch1.test_loss:.3g}, "
                      f"accuracy {epoch1.train_acc * 100:.3g} % / {epoch1.test_acc * 100:.3g} %")
    assert plot.readout.text() == text and plot.cursor_line.value() == 3
    plot.set_log_scale(False)
    assert plot.batch_curve.opts["logMode"] == [False, False]


def test_csv_dataset_errors_are_messages_and_good_files_are_drawn(qtbot, panel, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n1,2,0\n3,oops,1\n")
    assert not panel.form.use_csv(str(bad))
    text, level = panel.last_message
    assert level == "error" and "bad.csv" in text and "line 3" in text
    good = tmp_path / "points.csv"
    good.write_text("x,y,label\n" + "".join(f"{i % 5},{i % 3},{i % 2}\n" for i in range(20)))
    assert panel.form.use_csv(str(good))
    assert panel.form.dataset_combo.currentText() == "points.csv"
    assert len(panel.data_plot.train_scatter.data) + len(panel.data_plot.test_scatter.data) == 20
    assert panel.form.config().dataset == str(good)
    panel.form.epochs_spin.setValue(2)
    assert finish(qtbot, panel, panel.start) == "done"


def test_learning_rate_changed_mid_run_applies_from_the_next_batch(qtbot, panel):
    panel.set_config(CIRCLES)
    panel.start()
    qtbot.waitUntil(lambda: len(panel.records) > 5, timeout=20_000)
    panel.pause()
    qtbot.waitUntil(lambda: panel.trainer.held_at is not None, timeout=10_000)
    before = len(panel.records)
    assert before == panel.trainer.held_at
    panel.form.lr_edit.setText("0.001")
    panel.form.lr_edit.editingFinished.emit()
    assert panel.form.lr_edit.isEnabled() and not panel.form.epochs_spin.isEnabled()
    panel.resume()
    qtbot.waitUntil(lambda: len(panel.records) > before + 3, timeout=20_000)
    assert panel.records[before - 1].lr == pytest.approx(0.05)
    assert panel.records[before].lr == pytest.approx(0.001)
    finish(qtbot, panel, panel.stop)


def test_regression_lesson_draws_predictions_and_no_accuracy(qtbot, panel):
    panel.set_lesson("linear-regression")
    assert panel.data_plot.mode == "regression"
    assert finish(qtbot, panel, panel.start) == "done"
    panel.data_plot.refresh(force=True)
    xs, ys = panel.data_plot.prediction_curve.getData()
    assert len(xs) == 200 and np.all(np.isfinite(ys))
    assert len(panel.data_plot.train_scatter.data) == 40 and len(panel.data_plot.test_scatter.data) == 10
    assert not panel.loss_plot.accuracy_plot.isVisible()
    assert len(panel.loss_plot.test_curve.xData) == 100  # a test loss per epoch


def test_image_data_has_no_flat_picture(panel):
    panel.set_lesson("fashion-mlp")
    assert panel.data_plot.mode == "none"
    assert "28×28" in panel.data_plot.note.text()


def test_settings_that_cannot_train_are_messages_not_crashes(panel):
    panel.set_lesson("toy-train")
    panel.form.hidden_edit.setText("16,x")
    assert not panel.start() and not panel.step()
    assert panel.last_message == ("hidden layers must be widths like 16,16, not '16,x'", "error")
    panel.set_config(lesson_config("linear-regression").replace(loss="cross_entropy"))
    assert not panel.start()
    text, level = panel.last_message
    assert level == "error" and text.startswith("Cannot start training:") and "use mse or l1" in text
    assert panel.state == "idle" and panel.trainer is None and not panel.is_running
    assert panel.start_button.isEnabled()


def test_epoch_markers_only_while_epochs_are_few(qtbot):
    from gradviz.core.training.config import Record
    from gradviz.qt.training.loss_plot import LossPlot

    plot = LossPlot()
    qtbot.addWidget(plot)
    many = [Record(epoch=e, batch=1, step=e, train_loss=1 / e, epoch_loss=1 / e, test_loss=1 / e) for e in range(1, 41)]
    plot.follow(many)
    assert plot.epoch_curve.opts["symbol"] is None and len(plot.test_curve.xData) == 40
    plot.follow(many[:3])
    assert plot.epoch_curve.opts["symbol"] == "o" and plot.test_curve.opts["symbol"] == "s"


def test_a_new_lesson_after_a_run_shows_its_own_data(qtbot, panel):
    panel.set_lesson("toy-train")
    assert finish(qtbot, panel, panel.start) == "done"
    panel.set_lesson("linear-regression")
    assert panel.trainer is None and curve_len(panel) == 0
    assert panel.data_plot.mode == "regression" and len(panel.data_plot.train_scatter.data) == 40
    assert not panel.loss_plot.accuracy_plot.isVisible()


def test_records_match_an_in_process_trainer_on_the_same_seed(qtbot, panel):
    config = CIRCLES.replace(epochs=3)
    panel.set_config(config)
    assert finish(qtbot, panel, panel.start) == "done"
    expected = list(Trainer(config).run())
    assert len(panel.records) == len(expected) == 30
    for got, want in zip(panel.records, expected):
        assert (got.epoch, got.batch, got.step, got.done) == (want.epoch, want.batch, want.step, want.done)
        assert got.train_loss == want.train_loss and got.lr == want.lr  # the same numbers, bit for bit
        assert (got.epoch_loss, got.test_loss, got.train_acc, got.test_acc) == \
            (want.epoch_loss, want.test_loss, want.train_acc, want.test_acc)
        assert got.grad_norms.keys() == want.grad_norms.keys()
        assert list(got.grad_norms.values()) == pytest.approx(list(want.grad_norms.values()), rel=1e-6)


def test_show_graph_of_this_step_captures_the_live_models_step_in_the_run(qtbot, panel):
    panel.set_lesson("toy-train")
    assert not panel.show_step_graph()  # nothing ran yet
    assert panel.step()
    qtbot.waitUntil(lambda: len(panel.records) == 1 and panel.graph_button.isEnabled(), timeout=10_000)
    with qtbot.waitSignal(panel.step_graph_ready, timeout=30_000) as shown:
        assert panel.show_step_graph()
        assert not panel.graph_button.isEnabled()  # one at a time
    result, note = shown.args
    labels = {n.label for n in result.trace.nodes}
    parameters = {name for name, _shape, _dtype in panel.trainer.info.parameters}
    assert parameters <= labels and {"features", "target", "loss"} <= labels
    assert "training step 1" in note and set(result.layout.nodes) == {n.id for n in result.trace.nodes}
    qtbot.waitUntil(panel.graph_button.isEnabled, timeout=10_000)


def test_a_run_killed_from_outside_leaves_the_panel_usable(qtbot, panel):
    panel.set_config(CIRCLES)
    assert panel.start()
    qtbot.waitUntil(lambda: len(panel.records) > 20, timeout=20_000)
    pid = panel.trainer.handle.pid
    with qtbot.waitSignal(panel.run_finished, timeout=20_000) as ended:
        os.kill(pid, signal.SIGKILL)
    assert ended.args == ["error"]
    text, level = panel.last_message
    assert level == "error" and "run process was killed" in text
    kept = len(panel.records)
    assert kept > 20 and curve_len(panel) <= kept
    panel.loss_plot.refresh()
    assert curve_len(panel) == kept  # the plot keeps what arrived
    assert panel.trainer is None and panel.state == "idle" and panel.start_button.text() == "Start"
    assert panel.export_button.isEnabled() and not panel.save_button.isEnabled()
    panel.set_lesson("toy-train")
    assert finish(qtbot, panel, panel.start) == "done"  # a new run process
    assert [r.train_loss for r in panel.records] == pytest.approx(TOY_LOSSES, abs=1e-4)
    assert panel.trainer.handle.pid != pid


def test_two_runs_one_after_the_other_share_nothing(qtbot, panel):
    panel.set_config(CIRCLES)
    assert panel.start()
    qtbot.waitUntil(lambda: len(panel.records) > 10, timeout=20_000)
    panel.pause()
    panel.form.lr_edit.setText("0.9")
    panel.form.lr_edit.editingFinished.emit()
    panel.resume()
    qtbot.waitUntil(lambda: panel.records[-1].lr == 0.9, timeout=20_000)
    first_pid = panel.trainer.handle.pid
    assert finish(qtbot, panel, panel.stop) == "stopped"
    panel.reset()
    qtbot.waitUntil(lambda: not panel.records, timeout=1000)
    config = CIRCLES.replace(epochs=2)
    panel.set_config(config)
    assert finish(qtbot, panel, panel.start) == "done"
    assert panel.trainer.handle.pid != first_pid
    assert [r.lr for r in panel.records] == [config.lr] * 20  # not the first run's 0.9
    assert [r.train_loss for r in panel.records] == [r.train_loss for r in Trainer(config).run()]
