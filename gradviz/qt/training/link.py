"""A training run's messages, from its run process to the GUI thread.

The run (see :mod:`gradviz.core.training.job`) batches its records itself (every ~50 ms, and
whenever it holds or ends), so each message becomes one queued signal: the GUI thread
gets a few dozen a second, never one per optimizer step.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal

from gradviz.core.run.client import RunHandle

__all__ = ["TrainingLink"]


class TrainingLink(QThread):
    """Waits on a run's handle and emits each of its messages, up to and including ``ended``.

    Signals
    -------
    received(str, object)
        A message's kind and body, in the order the run sent them.
    """

    received = Signal(str, object)

    def __init__(self, handle: RunHandle, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.handle = handle

    def run(self) -> None:
        while True:
            kind, body = self.handle.next()
            self.received.emit(kind, body)
            if kind == "ended":
                return
