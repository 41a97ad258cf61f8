"""Running a training panel's Trainer: start, step, pause, resume, stop, reset, and the run's news.

A mixin of :class:`~gradviz.qt.training.panel.TrainingPanel`, kept apart so that the panel
module holds the widgets. The Trainer lives in a run process of its own
(:class:`~gradviz.core.training.client.RemoteTrainer`); the buttons send it messages and a
:class:`~gradviz.qt.training.link.TrainingLink` brings its records and answers back. Start
continues the current run when only the learning rate changed since it was made; any
other change (or Reset) makes a fresh one. The records are kept in ``records`` (only the
GUI thread touches it); the plots pull from it. A run that dies leaves its records plotted.
"""

from __future__ import annotations

import gc
import time

from gradviz.core.i18n import translate
from gradviz.core.training.client import RemoteTrainer
from gradviz.core.training.config import Record, TrainingError
from gradviz.core.training.datasets import DatasetError
from gradviz.core.training.records import RecordBatch, TrainInfo
from gradviz.qt.training.link import TrainingLink

__all__ = ["TrainingRun"]


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


class TrainingRun:
    """Run control for a panel with ``form``, ``trainer``, ``link``, ``records``, ``loss_plot``,
    ``data_plot``, ``progress_bar``, ``post``, ``_set_state``, ``_state`` and the
    ``run_finished`` and ``trainer_ready`` signals."""

    runner = None  # the Runner to train in (None: the shared one)

    # -- the trainer ----------------------------------------------------------------------
    def _resumable(self) -> RemoteTrainer | None:
        trainer = self.trainer
        if trainer is None or trainer.done or not trainer.alive:
            return None
        try:
            config = self.form.config()
        except TrainingError:
            return None
        # A learning rate changed mid-run is not a new set-up: the next batch just uses it.
        return trainer if trainer.config.replace(lr=config.lr) == config else None

    def _trainer_for_run(self) -> RemoteTrainer | None:
        """The trainer to go on with, or a new one in a run process; None (and a message) if none."""
        try:
            config = self.form.config()
        except TrainingError as exc:
            self.post(str(exc), "error")
            return None
        trainer = self._resumable()
        if trainer is not None:
            if config.lr != self._lr_sent:
                trainer.set_lr(config.lr)
                self._lr_sent = config.lr
            return trainer
        from gradviz.core.training.devices import resolve_device
        from gradviz.core.training.parts import check_setup

        try:
            dataset = self.form.current_dataset()
            if dataset is None:
                return None
            # What a Trainer would refuse, said at the click rather than by the run a moment later.
            check_setup(config, dataset)
            resolve_device(config.device)
            trainer = RemoteTrainer(config, self.runner, dataset=dataset)
        except (TrainingError, DatasetError) as exc:
            self.post(translate("run", "Cannot start training: {exc}").format(exc=exc), "error")
            return None
        self._adopt(trainer, dataset)
        self._lr_sent = config.lr
        return trainer

    def _adopt(self, trainer: RemoteTrainer, dataset) -> None:
        self._drop_trainer()
        self.trainer = trainer
        self.records = []
        link = TrainingLink(trainer.handle, parent=self)
        link.received.connect(self._on_received)
        link.finished.connect(link.deleteLater)
        self.link = link
        link.start()
        self.loss_plot.follow(self.records)
        self.compare.follow(self.records)
        self.loss_plot.set_total_steps(trainer.total_steps)
        self.loss_plot.set_accuracy_visible(dataset.task == "classification")
        self.data_plot.set_dataset(dataset)
        self.data_plot.follow(trainer, self.records)
        self.progress_bar.setRange(0, max(trainer.total_steps, 1))
        self.progress_bar.setValue(0)
        self._show_progress(translate("run", "{steps} steps: {epochs} epochs of {batches} batches").format(
            steps=trainer.total_steps, epochs=trainer.config.epochs, batches=trainer.num_batches))

    def _drop_trainer(self) -> None:
        """End the current run process (if any) and stop listening to it."""
        trainer, link = self.trainer, self.link
        self.trainer, self.link = None, None
        if link is not None:
            link.received.disconnect(self._on_received)
        if trainer is not None:
            trainer.close()

    def _forget_trainer(self) -> None:
        self._drop_trainer()
        self._session = False
        self.records = []
        self.loss_plot.follow(self.records)
        self.compare.follow(self.records)
        self.data_plot.follow(None, self.records)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self._show_progress(translate("run", "Start trains; Step runs one batch"))
        self._set_state("idle")

    # -- running --------------------------------------------------------------------------
    def start(self) -> bool:
        """Start (or continue) training in the run process; False if it could not start. In
        slow motion, one step at a time on a timer, each step's graph shown."""
        if self.slow_check.isChecked() and self._state in ("idle", "paused"):
            return self._start_slow()
        if self._state != "idle":
            return False
        trainer = self._trainer_for_run()
        if trainer is None:
            return False
        self._launch(trainer, single_step=False)
        return True

    def step(self) -> bool:
        """Run exactly one batch and hold (starting a held run when idle)."""
        if self._state == "paused" and self.trainer is not None:
            self.trainer.step()
            return True
        if self._state != "idle":
            return False
        trainer = self._trainer_for_run()
        if trainer is None:
            return False
        self._launch(trainer, single_step=True)
        return True

    def _launch(self, trainer: RemoteTrainer, single_step: bool) -> None:
        # As the main window does at start-up: a full collection walking what torch, Qt and
        # earlier runs left behind took up to 350 ms in the middle of a run (measured), a
        # visible freeze of the plots. Collected now, at the click, and frozen, the run's own
        # collections only walk what the run makes.
        gc.collect()
        gc.freeze()
        trainer.step() if single_step else trainer.go()
        self._session = True
        self._set_state("paused" if single_step else "running")
        self.loss_plot.start()
        self.data_plot.start()

    def pause(self) -> None:
        """Hold the run after the current batch (slow motion: stop stepping)."""
        if self.slow_motion:
            self._stop_slow()
            self._set_state(self._state)
            return
        if self._state == "running" and self.trainer is not None:
            self.trainer.pause()
            self._set_state("paused")

    def resume(self) -> None:
        """Let a paused run go on (in slow motion when it is checked)."""
        if self._state == "paused" and self.slow_check.isChecked():
            self._start_slow()
            return
        if self._state == "paused" and self.trainer is not None:
            self.trainer.resume()
            self._set_state("running")

    def toggle_pause(self) -> None:
        """Pause when running, resume when paused."""
        self.resume() if self._state == "paused" and not self.slow_motion else self.pause()

    def stop(self) -> None:
        """End the run after the current batch; the trainer is kept (Start continues it)."""
        self._stop_slow()
        if self.trainer is not None and self._state in ("running", "paused"):
            self.trainer.stop()
            self._set_state("stopping")

    def reset(self) -> None:
        """End the run process and forget the trainer: fresh weights and empty plots on the next Start."""
        self._stop_slow()
        self.shutdown()
        self._forget_trainer()
        self.data_plot.set_dataset(self.form.current_dataset())

    def shutdown(self, timeout: float = 5.0) -> bool:
        """End the run process and wait for the threads listening to it; True if none is left."""
        link = self.link
        session = self._session
        self._drop_trainer()
        ok = True
        for thread in (link, self._graph_worker):
            try:
                if thread is not None:
                    ok &= thread.wait(int(timeout * 1000))
            except RuntimeError:  # its C++ side is gone: it finished and was deleted
                pass
        if session:
            self._end_session("stopped")
        return ok

    # -- the run's news -------------------------------------------------------------------
    def _on_received(self, kind: str, body) -> None:
        trainer = self.trainer
        if self.sender() is not self.link or trainer is None:
            return  # a run from before a Reset
        trainer.receive(kind, body)
        if kind == "records" and isinstance(body, RecordBatch):
            self._on_records(body.records())
        elif kind == "held":
            self._on_held()
        elif kind == "ready" and isinstance(body, TrainInfo):
            self.progress_bar.setRange(0, max(body.total_steps, 1))
            self.loss_plot.set_total_steps(body.total_steps)
            self.trainer_ready.emit()
        elif kind == "finished":
            outcome, message = body[0], body[1]
            if outcome == "error":
                self.post(translate("run", "Training stopped: {message}").format(message=message), "error")
            self._end_session(outcome)
        elif kind == "failure":
            self.post(translate("run", "Cannot start training: {message}").format(message=trainer.error().message),
                      "error")
            self._end_session("error")
        elif kind == "ended":
            self._on_run_ended(trainer)

    def _on_run_ended(self, trainer: RemoteTrainer) -> None:
        """The run process is gone: say why, keep what was plotted, let Start make a new one."""
        session = self._session
        if trainer.failure is None:  # a failed set-up was reported already
            self.post(translate("run", "Training stopped: {message}. The plots keep the steps that arrived; Start "
                                "trains afresh.").format(message=trainer.error().message), "error")
        self._drop_trainer()
        self.data_plot.follow(None, self.records)  # the last picture stays
        if session:
            self._end_session("error")
        else:
            self._set_state("idle")

    def _on_records(self, batch: list[Record]) -> None:
        if not batch:
            return
        first = not self.records
        self.records.extend(batch)
        self.compare.grow()
        if first:
            self._set_state(self._state)  # export and "Show graph" need a step to work on
        now = time.monotonic()
        # QProgressBar.setValue repaints at once (~2 ms of GUI time): 5 a second, or every one
        # while the run is held.
        if now - self._progress_at >= 0.2 or self._state != "running" or batch[-1].done:
            self._progress_at = now
            self._show_record(batch[-1])

    def _show_record(self, r: Record) -> None:
        trainer = self.trainer
        total = trainer.total_steps if trainer is not None else r.step
        self.progress_bar.setValue(r.step)
        left = r.elapsed / r.step * (total - r.step) if r.step else 0.0
        epochs = trainer.config.epochs if trainer else "?"
        batches = trainer.num_batches if trainer else "?"
        self._show_progress(translate("run", "%p % · epoch {epoch} of {epochs} · batch {batch} of {batches} · {left} "
                                      "left").format(epoch=r.epoch, epochs=epochs, batch=r.batch, batches=batches,
                                                     left=_clock(left)))

    def _end_session(self, outcome: str) -> None:
        """A go/step ended: "done", "stopped" or "error"."""
        if not self._session:
            return
        self._session = False
        self.loss_plot.stop()
        self.data_plot.stop()
        if outcome == "done" and self.records:
            r = self.records[-1]
            text = translate("run", "Done: {steps} steps in {clock} · train loss {loss:.4g}").format(
                steps=r.step, clock=_clock(r.elapsed), loss=r.epoch_loss)
            if r.test_loss is not None:
                text += translate("run", " · test loss {loss:.4g}").format(loss=r.test_loss)
            if r.test_acc is not None:
                text += translate("run", " · test accuracy {accuracy:.1f} %").format(accuracy=r.test_acc * 100)
            self._show_progress(text)
        elif outcome == "stopped" and self.trainer is not None:
            step = self.records[-1].step if self.records else 0
            self._show_progress(translate("run", "Stopped at step {step}: Continue goes on from here").format(
                step=step))
        self._set_state("idle")
        self.run_finished.emit(outcome)
