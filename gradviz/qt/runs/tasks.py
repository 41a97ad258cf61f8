"""Run one plain function on a worker thread and hear back on the GUI thread.

For short-lived jobs (a gradient check, a "why is my grad None?" replay): the function
gets a ``threading.Event`` to watch for Cancel, and only its result object crosses back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal


class _Job(QObject):
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[[threading.Event], Any], cancel: threading.Event) -> None:
        super().__init__()
        self.fn = fn
        self.cancel = cancel

    def run(self) -> None:
        try:
            result = self.fn(self.cancel)
        except Exception as exc:  # noqa: BLE001 - every failure reaches the GUI as a message, never a crash
            self.failed.emit(exc)
        else:
            self.done.emit(result)


class Task(QObject):
    """``Task(fn)``: ``start()`` runs ``fn(cancel_event)`` on a thread; ``done``/``failed`` report.

    ``cancel()`` sets the event; the function decides how soon it stops.
    """

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[[threading.Event], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._thread = QThread(self)
        self._job = _Job(fn, self._cancel)
        self._job.moveToThread(self._thread)
        self._thread.started.connect(self._job.run)
        self._job.done.connect(self._on_job_done)
        self._job.failed.connect(self._on_job_failed)

    @property
    def running(self) -> bool:
        return self._thread.isRunning()

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, ms: int = 5000) -> bool:
        """Cancel and wait for the thread (for closing windows)."""
        self._cancel.set()
        self._thread.quit()
        return self._thread.wait(ms)

    def _on_job_done(self, result: Any) -> None:
        self._thread.quit()
        self._thread.wait()
        self.done.emit(result)

    def _on_job_failed(self, error: Any) -> None:
        self._thread.quit()
        self._thread.wait()
        self.failed.emit(error)
