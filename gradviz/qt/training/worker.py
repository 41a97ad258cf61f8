"""Training off the GUI thread: a QThread iterating ``Trainer.run`` and sending back frozen Records.

Only :class:`~gradviz.core.training.config.Record` objects (plain numbers) cross to the GUI
thread, in small tuples: one queued signal per record would cost the GUI thread a slot call
per batch, thousands a second for toy networks, so records are gathered and sent at most
about every ``flush_interval`` seconds, and whenever the run holds or ends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

from gradviz.core.training.control import TrainControl

__all__ = ["PanelControl", "TrainingWorker"]


class PanelControl(TrainControl):
    """A :class:`TrainControl` that can also let exactly one batch through while paused.

    Parameters
    ----------
    on_hold : callable, optional
        Called on the training thread each time the run is about to wait (paused or
        stopped): the worker sends the records it still holds, so the plot is complete
        while the run stands still.
    """

    def __init__(self, on_hold: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.on_hold = on_hold
        self._step_lock = threading.Lock()
        self._steps_wanted = 0  # counted: a second Step while the first runs is not lost
        self._stepping = False

    def step(self) -> None:
        """Run one more batch, then hold again (call while paused)."""
        with self._step_lock:
            self._steps_wanted += 1
        super().resume()

    def resume(self) -> None:
        """Let a paused run go on (forgetting any single steps asked for)."""
        with self._step_lock:
            self._steps_wanted, self._stepping = 0, False
        super().resume()

    def wait_while_paused(self, timeout: float | None = None) -> bool:
        """As :meth:`TrainControl.wait_while_paused`, holding again after the steps asked for."""
        with self._step_lock:
            if self._stepping:  # a batch asked for has run
                self._stepping = False
                if not self._steps_wanted:
                    self.pause()
        # A zero timeout only asks; the hold callback must run before the real wait blocks.
        if not super().wait_while_paused(0) and self.on_hold is not None:
            self.on_hold()
        go = super().wait_while_paused(timeout)
        with self._step_lock:
            if go and self._steps_wanted:
                self._steps_wanted -= 1
                self._stepping = True
        return go


class TrainingWorker(QThread):
    """Runs ``trainer.run(control)`` on its own thread.

    Parameters
    ----------
    trainer : gradviz.core.training.trainer.Trainer
        Used only from this thread while the worker runs, except through its own locked
        methods (``predict_grid``, ``save_weights``...).
    control : PanelControl
        Pause, resume, stop, step and learning-rate requests from the GUI.
    flush_interval : float
        Longest time, in seconds, records are held before being sent.

    Attributes
    ----------
    outcome : str
        After the thread ends: "done" (every epoch ran), "stopped" or "error".

    Signals
    -------
    records_ready(tuple)
        Records of the batches run since the last emission, in order.
    failed(object)
        The exception that ended the run (a TrainingError for a NaN loss, say).
    """

    records_ready = Signal(object)
    failed = Signal(object)

    def __init__(self, trainer, control: PanelControl, flush_interval: float = 0.05,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.trainer = trainer
        self.control = control
        self.flush_interval = flush_interval
        self.outcome = ""
        self._pending: list = []
        control.on_hold = self._flush

    def _flush(self) -> None:
        if self._pending:
            batch, self._pending = tuple(self._pending), []
            self.records_ready.emit(batch)

    def run(self) -> None:
        last = time.monotonic()
        try:
            for record in self.trainer.run(self.control):
                self._pending.append(record)
                now = time.monotonic()
                if now - last >= self.flush_interval:
                    self._flush()
                    last = now
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none may kill the thread
            self._flush()
            self.outcome = "error"
            self.failed.emit(exc)
            return
        self._flush()
        self.outcome = "done" if self.trainer.done else "stopped"
