"""Running a training panel's Trainer: start, step, pause, resume, stop, reset, and the worker's news.

A mixin of :class:`~gradviz.qt.training.panel.TrainingPanel`, kept apart so that the panel
module holds the widgets. Start continues the current trainer when only the learning rate
changed since it was made; any other change (or Reset) makes a fresh one. The records the
worker sends are kept in ``records`` (only the GUI thread touches it); the plots pull from it.
"""

from __future__ import annotations

import gc
import time

from gradviz.core.training.config import Record, TrainingError
from gradviz.core.training.datasets import DatasetError
from gradviz.core.training.trainer import Trainer
from gradviz.qt.training.worker import PanelControl, TrainingWorker

__all__ = ["TrainingRun"]


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


class TrainingRun:
    """Run control for a panel with ``form``, ``trainer``, ``records``, ``worker``, ``control``,
    ``loss_plot``, ``data_plot``, ``progress_bar``, ``post``, ``_set_state``, ``_state`` and a
    ``run_finished`` signal."""

    # -- running --------------------------------------------------------------------------
    def _resumable(self) -> Trainer | None:
        if self.trainer is None or self.trainer.done:
            return None
        try:
            config = self.form.config()
        except TrainingError:
            return None
        # A learning rate changed mid-run is not a new set-up: the next batch just uses it.
        return self.trainer if self.trainer.config.replace(lr=config.lr) == config else None

    def _trainer_for_run(self) -> Trainer | None:
        try:
            config = self.form.config()
        except TrainingError as exc:
            self.post(str(exc), "error")
            return None
        trainer = self._resumable()
        if trainer is not None:
            trainer.set_lr(config.lr)
            return trainer
        try:
            trainer = Trainer(config)
        except (TrainingError, DatasetError) as exc:
            self.post(f"Cannot start training: {exc}", "error")
            return None
        except Exception as exc:  # noqa: BLE001 - a custom model or CSV can fail in any way; never crash
            self.post(f"Cannot start training: {type(exc).__name__}: {exc}", "error")
            return None
        self._adopt(trainer)
        return trainer

    def _adopt(self, trainer: Trainer) -> None:
        self.trainer = trainer
        self.records = []
        self.loss_plot.follow(self.records)
        self.loss_plot.set_total_steps(trainer.total_steps)
        self.loss_plot.set_accuracy_visible(trainer.dataset.task == "classification")
        self.data_plot.set_dataset(trainer.dataset)
        self.data_plot.follow(trainer, self.records)
        self.progress_bar.setRange(0, trainer.total_steps)
        self.progress_bar.setValue(0)
        self._show_progress(f"{trainer.total_steps} steps: {trainer.config.epochs} epochs of "
                            f"{trainer.num_batches} batches")

    def _forget_trainer(self) -> None:
        self.trainer = None
        self.records = []
        self.loss_plot.follow(self.records)
        self.data_plot.follow(None, self.records)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self._show_progress("Start trains; Step runs one batch")
        self._set_state("idle")

    def start(self) -> bool:
        """Start (or continue) training on a worker thread; False if it could not start."""
        if self._state != "idle":
            return False
        trainer = self._trainer_for_run()
        if trainer is None:
            return False
        self._launch(trainer, single_step=False)
        return True

    def step(self) -> bool:
        """Run exactly one batch and hold (starting a held run when idle)."""
        if self._state == "paused" and self.control is not None:
            self.control.step()
            return True
        if self._state != "idle":
            return False
        trainer = self._trainer_for_run()
        if trainer is None:
            return False
        self._launch(trainer, single_step=True)
        return True

    def _launch(self, trainer: Trainer, single_step: bool) -> None:
        # As the main window does at start-up: a full collection walking what torch, Qt and
        # earlier runs left behind took up to 350 ms in the middle of a run (measured), a
        # visible freeze of the plots. Collected now, at the click, and frozen, the run's own
        # collections only walk what the run makes.
        gc.collect()
        gc.freeze()
        control = PanelControl()
        if single_step:
            control.pause()
            control.step()
        worker = TrainingWorker(trainer, control, parent=self)
        worker.records_ready.connect(self._on_records_ready)
        worker.failed.connect(self._on_worker_failed)
        worker.finished.connect(self._on_worker_finished)
        self.worker, self.control = worker, control
        self._set_state("paused" if single_step else "running")
        self.loss_plot.start()
        self.data_plot.start()
        worker.start()

    def pause(self) -> None:
        """Hold the run after the current batch."""
        if self._state == "running" and self.control is not None:
            self.control.pause()
            self._set_state("paused")

    def resume(self) -> None:
        """Let a paused run go on."""
        if self._state == "paused" and self.control is not None:
            self.control.resume()
            self._set_state("running")

    def toggle_pause(self) -> None:
        """Pause when running, resume when paused."""
        self.resume() if self._state == "paused" else self.pause()

    def stop(self) -> None:
        """End the run after the current batch; the trainer is kept (Start continues it)."""
        if self.control is not None and self._state in ("running", "paused"):
            self.control.stop()
            self._set_state("stopping")

    def reset(self) -> None:
        """Stop any run and forget the trainer: fresh weights and empty plots on the next Start."""
        self.shutdown()
        self._forget_trainer()
        self.data_plot.set_dataset(self.form.current_dataset())

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Stop the run and wait for its thread; True if no thread is left running."""
        ok = True
        for worker in (self.worker, self._graph_worker):
            if worker is not None:
                if worker is self.worker and self.control is not None:
                    self.control.stop()
                ok &= worker.wait(int(timeout * 1000))
        if self.worker is not None:
            self._on_worker_finished(self.worker)
        return ok

    # -- worker signals -------------------------------------------------------------------
    def _on_records_ready(self, batch: tuple) -> None:
        if self.sender() is not self.worker or not batch:
            return  # a worker from before a Reset
        first = not self.records
        self.records.extend(batch)
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
        self._show_progress(f"%p % · epoch {r.epoch} of {trainer.config.epochs if trainer else '?'} · batch "
                            f"{r.batch} of {trainer.num_batches if trainer else '?'} · {_clock(left)} left")

    def _on_worker_failed(self, exc: Exception) -> None:
        if self.sender() is not self.worker:
            return
        if isinstance(exc, (TrainingError, DatasetError)):
            self.post(f"Training stopped: {exc}", "error")
        else:
            self.post(f"Training failed: {type(exc).__name__}: {exc}", "error")

    def _on_worker_finished(self, worker: TrainingWorker | None = None) -> None:
        worker = worker if isinstance(worker, TrainingWorker) else self.sender()
        if worker is not self.worker or worker is None:
            return
        outcome = worker.outcome or "stopped"
        self.worker = self.control = None
        worker.deleteLater()
        self.loss_plot.stop()
        self.data_plot.stop()
        if outcome == "done" and self.records:
            r = self.records[-1]
            accuracy = f" · test accuracy {r.test_acc * 100:.1f} %" if r.test_acc is not None else ""
            test = f" · test loss {r.test_loss:.4g}" if r.test_loss is not None else ""
            self._show_progress(f"Done: {r.step} steps in {_clock(r.elapsed)} · train loss {r.epoch_loss:.4g}"
                                f"{test}{accuracy}")
        elif outcome == "stopped":
            self._show_progress(f"Stopped at step {self.records[-1].step if self.records else 0}: "
                                "Continue goes on from here")
        self._set_state("idle")
        self.run_finished.emit(outcome)
