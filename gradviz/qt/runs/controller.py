"""Program runs off the GUI thread, with Cancel, and newer runs superseding older ones.

The work itself is :func:`gradviz.core.run.graph_run.run_request`, a plain function of plain
data; the Qt part only moves it to a thread. What crosses back is frozen: a Trace and a
Layout, or the error.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QThread, Signal

from gradviz.core.gc_pause import paused_gc
from gradviz.core.i18n import QT_TRANSLATE_NOOP
from gradviz.core.layout.sketch import Sketch
from gradviz.core.run.client import RunHandle, shared_runner
from gradviz.core.run.graph_run import RunCancelled, RunRequest, RunResult, run_request, submit_capture, wants_early
from gradviz.core.trace import Trace

__all__ = ["RunCancelled", "RunController", "RunRequest", "RunResult", "RunWorker", "run_request"]

#: What a run is doing, as told to the status bar.
STAGE_TEXT = {"capture": QT_TRANSLATE_NOOP("controller", "Running the program"),
              "layout": QT_TRANSLATE_NOOP("controller", "Laying out the graph"),
              "refine": QT_TRANSLATE_NOOP("controller", "Refining the layout"),
              "draw": QT_TRANSLATE_NOOP("controller", "Drawing the graph")}


#: The longest a worker waits for its provisional drawing to be painted.
PREVIEW_WAIT_SECONDS = 0.5


class RunWorker(QThread):
    """One run on its own thread; its signals carry its ``job_id``."""

    succeeded = Signal(int, object)
    failed = Signal(int, object)
    cancelled = Signal(int)
    stage_changed = Signal(int, str)
    provisional = Signal(int, object)  # (job id, (trace, sketch of a quick layout)) before Graphviz's

    def __init__(self, job_id: int, request: RunRequest, parent: QObject | None = None,
                 await_preview: bool = False, handle: RunHandle | None = None) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self.request = request
        self.handle = handle  # the run process already started for it (see RunController.start)
        self.cancel_event = threading.Event()
        self.await_preview = await_preview
        self.preview_painted = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()
        self.preview_painted.set()

    def run(self) -> None:
        try:
            # The records a run makes live as long as the graph is on screen: frozen, the
            # collector never walks them again (at 10,000 nodes a full collection of them
            # stalled the window for 240 ms).
            with paused_gc(freeze=True):
                result = run_request(self.request, self.cancel_event,
                                     lambda stage: self.stage_changed.emit(self.job_id, stage),
                                     self._emit_provisional, handle=self.handle)
        except RunCancelled:
            self.cancelled.emit(self.job_id)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none may kill the thread
            self.failed.emit(self.job_id, exc)
        else:
            self.succeeded.emit(self.job_id, result)

    def _emit_provisional(self, trace: Trace, quick: Sketch) -> None:
        self.provisional.emit(self.job_id, (trace, quick))
        if self.await_preview:
            # Drawing the preview is a few hundred Python callbacks on the GUI thread, each
            # waiting for the GIL while this thread writes the DOT text: a 270 ms stall at
            # 10,000 nodes. Waiting here until it is painted costs the layout that long at most.
            self.preview_painted.wait(PREVIEW_WAIT_SECONDS)


# Jobs up to this long are handed to the runner by the GUI thread itself, the moment Run is
# pressed; a longer one could fill the pipe to a busy runner and block it, so its worker hands
# it over.
SUBMIT_NOW_MAX_BYTES = 16_384


def _submit_now(request: RunRequest) -> RunHandle | None:
    """Start the run process at once: it runs the program while the window says it does and
    the worker thread starts (the worker used to start it, a millisecond later)."""
    if not shared_runner().alive:
        return None  # starting the runner process itself is the worker's to do, off this thread
    try:
        return submit_capture(request, wants_early(request, previews=True), SUBMIT_NOW_MAX_BYTES)
    except Exception:  # noqa: BLE001 - the worker starts it then, and reports what fails
        return None


class RunController(QObject):
    """Starts runs, cancels them, and reports only the newest one.

    Signals
    -------
    started(int)
        A run began (its job id).
    stage_changed(str)
        The current run moved to "capture" or "layout".
    succeeded(object)
        The current run finished: a :class:`RunResult`.
    failed(object)
        The current run raised: the exception (ProgramError, LayoutError, ...).
    cancelled()
        The current run was cancelled.
    """

    started = Signal(int)
    stage_changed = Signal(str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    provisional = Signal(object)  # (trace, sketch of a quick layout) of the current run, before Graphviz's

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = 0
        self._current: RunWorker | None = None
        self._workers: dict[int, RunWorker] = {}  # kept until their thread has finished
        self._started_at = 0.0
        self.stage = ""
        #: Set when something paints the ``provisional`` drawing and calls :meth:`preview_painted`:
        #: the worker then waits for that paint before it goes on (see RunWorker._emit_provisional).
        self.await_preview_paint = False

    @property
    def is_running(self) -> bool:
        return self._current is not None

    @property
    def current_job(self) -> int | None:
        return self._current.job_id if self._current is not None else None

    def elapsed(self) -> float:
        """Seconds since the current run started (0 when idle)."""
        return time.monotonic() - self._started_at if self._current is not None else 0.0

    def start(self, request: RunRequest) -> int:
        """Run ``request`` on a new thread; an older run still going is cancelled and ignored."""
        if self._current is not None:
            self._current.cancel()
        self._job += 1
        worker = RunWorker(self._job, request, self, await_preview=self.await_preview_paint,
                           handle=_submit_now(request))
        worker.succeeded.connect(self._on_worker_succeeded)
        worker.failed.connect(self._on_worker_failed)
        worker.cancelled.connect(self._on_worker_cancelled)
        worker.stage_changed.connect(self._on_worker_stage_changed)
        worker.provisional.connect(self._on_worker_provisional)
        worker.finished.connect(self._on_worker_finished)
        self._workers[self._job] = worker
        self._current = worker
        self._started_at = time.monotonic()
        self.stage = "capture"
        # Listeners first (the status strip appears): once the thread runs, every Python
        # callback of the GUI thread waits its turn for the GIL, and showing the strip
        # alone took 200 ms against a running capture.
        self.started.emit(self._job)
        worker.start()
        return self._job

    def cancel(self) -> bool:
        """Stop the current run; True if one was running.

        The run counts as cancelled at once (``cancelled`` is emitted now): its thread
        stops at the next statement or engine poll, and whatever it still sends is ignored.
        """
        if self._current is None:
            return False
        self._current.cancel()
        self._current = None
        self.cancelled.emit()
        return True

    def preview_painted(self) -> None:
        """The current run's provisional drawing is on screen: its worker may go on."""
        if self._current is not None:
            self._current.preview_painted.set()

    def shutdown(self, timeout: float = 3.0) -> bool:
        """Cancel every run and wait for the threads; True if all ended in time."""
        self._current = None
        deadline = time.monotonic() + timeout
        for worker in list(self._workers.values()):
            worker.cancel()
        ok = True
        for worker in list(self._workers.values()):
            ok &= worker.wait(max(1, int((deadline - time.monotonic()) * 1000)))
        return ok

    # -- handlers (queued from the worker threads) ----------------------------------------
    def _is_current(self, job_id: int) -> bool:
        return self._current is not None and self._current.job_id == job_id

    def _on_worker_stage_changed(self, job_id: int, stage: str) -> None:
        if self._is_current(job_id):
            self.stage = stage
            self.stage_changed.emit(stage)

    def _on_worker_provisional(self, job_id: int, drawing: object) -> None:
        if self._is_current(job_id):
            self.provisional.emit(drawing)

    def _on_worker_succeeded(self, job_id: int, result: RunResult) -> None:
        if self._is_current(job_id):
            self._current = None
            self.succeeded.emit(result)

    def _on_worker_failed(self, job_id: int, error: Exception) -> None:
        if self._is_current(job_id):
            self._current = None
            self.failed.emit(error)

    def _on_worker_cancelled(self, job_id: int) -> None:
        if self._is_current(job_id):
            self._current = None
            self.cancelled.emit()

    def _on_worker_finished(self) -> None:
        worker = self.sender()
        if isinstance(worker, RunWorker):
            self._workers.pop(worker.job_id, None)
            worker.deleteLater()
