"""Capture and layout off the GUI thread, with Cancel, and newer runs superseding older ones.

The work itself is :func:`run_request`, a plain function of plain data; the Qt part only
moves it to a thread. What crosses back is frozen: a Trace and a Layout, or the error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from gradviz.core.gc_pause import paused_gc
from gradviz.core.layout.layout import Layout, LayoutCancelled, layout
from gradviz.core.layout.plan import Drawing, StagedLayoutCache
from gradviz.core.program.errors import ProgramError
from gradviz.core.run.client import RunCancelled, Runner, shared_runner
from gradviz.core.run.request import Job, ModuleSpec, ProgramSpec, RunLimits
from gradviz.core.trace import Trace

#: What a run is doing, as told to the status bar.
STAGE_TEXT = {"capture": "Running the program", "layout": "Laying out the graph",
              "refine": "Refining the layout"}


#: The longest a worker waits for its provisional drawing to be painted.
PREVIEW_WAIT_SECONDS = 0.5


@dataclass(frozen=True)
class RunRequest:
    """Everything needed to run a program and lay out its graph.

    ``module`` names the user's class the program builds: its file runs in the run
    process, never in the app.
    """

    source: str
    roots: tuple[str, ...] = ()
    subject: str | None = None
    module: ModuleSpec | None = None
    engine: str | None = None
    title: str = "program"
    # Module grouping and big graphs (issue 7); the defaults keep a plain run plain.
    # ``trace`` given: lay it out again (collapse/expand) instead of running the program.
    # ``collapsed`` None: choose it by ``collapse_threshold`` (0: never collapse).
    # ``layout_cache``: plan with it (reuse ``previous``'s positions, cache, provisional).
    trace: Trace | None = None
    collapsed: frozenset[str] | None = frozenset()
    collapse_threshold: int = 0
    layout_cache: StagedLayoutCache | None = None
    previous: Drawing | None = None
    # Values edited in the app (Classroom ▸ Edit Value), by variable name (issue 8).
    overrides: Mapping[str, Any] = field(default_factory=dict)
    limits: RunLimits = RunLimits()

    @classmethod
    def for_program(cls, spec: ProgramSpec, **options: Any) -> "RunRequest":
        """The request to run and draw ``spec``; ``options`` set the other fields."""
        return cls(spec.source, roots=spec.roots, subject=spec.subject, module=spec.module,
                   overrides=dict(spec.overrides), **options)

    @property
    def program(self) -> ProgramSpec:
        """What the run process needs to run the program."""
        return ProgramSpec(self.source, roots=self.roots, subject=self.subject, overrides=dict(self.overrides),
                           module=self.module)


@dataclass(frozen=True)
class RunResult:
    """A finished run: the captured trace, its layout and how long each took."""

    request: RunRequest
    trace: Trace
    layout: Layout
    capture_seconds: float
    layout_seconds: float
    collapsed: frozenset[str] = frozenset()  # the modules folded in ``layout``
    auto_collapsed: bool = False  # folded because the graph is over the threshold
    reused: bool = False  # ``layout`` keeps the positions of ``request.previous``
    quick: bool = False  # ``layout`` is gradviz's quick layout: Graphviz would have taken minutes


def run_request(request: RunRequest, cancel: threading.Event | None = None,
                on_stage: Callable[[str], None] | None = None,
                on_provisional: Callable[[Trace, Layout], None] | None = None,
                runner: Runner | None = None) -> RunResult:
    """Capture ``request.source`` in a run process and lay out its graph here.

    Raises
    ------
    RunCancelled
        ``cancel`` was set.
    ProgramError
        A problem in the program (with its line).
    LayoutError
        The layout engine failed.
    """
    cancel = cancel or threading.Event()
    if on_stage is not None:
        on_stage("capture")
    t0 = time.perf_counter()
    early: list[bool] = []

    def on_forward(forward: Trace) -> None:
        assert request.layout_cache is not None and on_provisional is not None
        if cancel.is_set():
            raise RunCancelled("cancelled after running the program")
        try:
            early.append(request.layout_cache.early_picture(
                forward, collapsed=request.collapsed, threshold=request.collapse_threshold,
                previous=request.previous, cancel=cancel, on_provisional=lambda quick: on_provisional(forward, quick)))
        except LayoutCancelled:
            raise RunCancelled("cancelled after running the program") from None

    def on_message(kind: str, body: Any) -> None:
        if kind == "forward" and isinstance(body, Trace):
            on_forward(body)

    early_wanted = request.layout_cache is not None and on_provisional is not None
    try:
        trace = request.trace if request.trace is not None else (runner or shared_runner()).call(
            Job("capture", request.program, {"forward": early_wanted}, request.limits,
                wall=request.module is None),
            cancel=cancel, on_message=on_message)
    except ProgramError as exc:
        if exc.kind == "cancelled":
            raise RunCancelled("cancelled while running the program") from None
        raise
    if not isinstance(trace, Trace):
        raise ProgramError(f"the run sent back a {type(trace).__name__}, not a graph", kind="internal")
    t1 = time.perf_counter()
    if cancel.is_set():
        raise RunCancelled("cancelled after running the program")
    if on_stage is not None:
        on_stage("layout")
    try:
        if request.layout_cache is not None:
            if any(early):  # its provisional picture is on screen already
                if on_stage is not None:
                    on_stage("refine")
                on_provisional = None
            return _planned(request, trace, cancel, on_stage, on_provisional, t1 - t0)
        drawing = layout(trace, engine=request.engine or None, cancel=cancel)
    except LayoutCancelled:
        raise RunCancelled("cancelled while laying out the graph") from None
    if cancel.is_set():
        raise RunCancelled("cancelled after the layout")
    return RunResult(request, trace, drawing, t1 - t0, time.perf_counter() - t1)


def _planned(request: RunRequest, trace: Trace, cancel: threading.Event, on_stage: Callable[[str], None] | None,
             on_provisional: Callable[[Trace, Layout], None] | None, capture_seconds: float) -> RunResult:
    """The layout stage of a run with a layout cache (issue 7): see StagedLayoutCache.plan."""
    t1 = time.perf_counter()

    def provisional(quick: Layout) -> None:
        if on_provisional is not None:
            on_provisional(trace, quick)
        if on_stage is not None:
            on_stage("refine")

    assert request.layout_cache is not None
    plan = request.layout_cache.plan(trace, collapsed=request.collapsed, threshold=request.collapse_threshold,
                                     previous=request.previous, engine=request.engine or None, cancel=cancel,
                                     on_provisional=provisional if on_provisional is not None else None)
    if cancel.is_set():
        raise RunCancelled("cancelled after the layout")
    return RunResult(request, trace, plan.layout, capture_seconds, time.perf_counter() - t1,
                     collapsed=plan.collapsed, auto_collapsed=plan.auto_collapsed, reused=plan.reused,
                     quick=plan.quick)


class RunWorker(QThread):
    """One run on its own thread; its signals carry its ``job_id``."""

    succeeded = Signal(int, object)
    failed = Signal(int, object)
    cancelled = Signal(int)
    stage_changed = Signal(int, str)
    provisional = Signal(int, object)  # (job id, (trace, quick layout)) before Graphviz's

    def __init__(self, job_id: int, request: RunRequest, parent: QObject | None = None,
                 await_preview: bool = False) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self.request = request
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
                                     self._emit_provisional)
        except RunCancelled:
            self.cancelled.emit(self.job_id)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none may kill the thread
            self.failed.emit(self.job_id, exc)
        else:
            self.succeeded.emit(self.job_id, result)

    def _emit_provisional(self, trace: Trace, quick: Layout) -> None:
        self.provisional.emit(self.job_id, (trace, quick))
        if self.await_preview:
            # Drawing the preview is a few hundred Python callbacks on the GUI thread, each
            # waiting for the GIL while this thread writes the DOT text: a 270 ms stall at
            # 10,000 nodes. Waiting here until it is painted costs the layout that long at most.
            self.preview_painted.wait(PREVIEW_WAIT_SECONDS)


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
    provisional = Signal(object)  # (trace, quick layout) of the current run, before Graphviz's

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
        worker = RunWorker(self._job, request, self, await_preview=self.await_preview_paint)
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
