""""Show graph of this step": the run captures the step's graph, the app lays it out off the GUI thread.

The Trace is captured in the run process, from the live model (see
:mod:`gradviz.core.training.step_graph`), and comes back as plain data; the layout runs on a
worker thread here. The result is a :class:`~gradviz.qt.runs.controller.RunResult`, the same thing
a program run gives the main window, so the canvas, the inspector and the step-through
player take it as they take any other graph.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QThread, Signal

from gradviz.core.i18n import translate
from gradviz.core.layout.labels import Look
from gradviz.core.layout.layout import layout
from gradviz.core.layout.plan import Drawing, StagedLayoutCache
from gradviz.core.trace import Trace
from gradviz.qt.runs.controller import RunRequest, RunResult

__all__ = ["StepGraph", "StepGraphWorker", "step_graph_result"]


def step_graph_result(trace: Trace, engine: str | None = None, title: str = "training step",
                      capture_seconds: float = 0.0, cache: StagedLayoutCache | None = None,
                      previous: Drawing | None = None, look: Look | None = None) -> RunResult:
    """Lay out a training step's ``trace``; with a ``cache``, the positions of ``previous``
    (the canvas's drawing) are kept when only the numbers changed — slow motion then updates
    the badges in place, step after step.

    Raises
    ------
    LayoutError
        When the layout engine fails.
    """
    t0 = time.perf_counter()
    request = RunRequest(source="", title=title, previous=previous, look=look)
    if cache is None:
        drawing = layout(trace, engine=engine or None, look=look)
        return RunResult(request, trace, drawing, capture_seconds, time.perf_counter() - t0)
    plan = cache.plan(trace, previous=previous, engine=engine or None, look=look)
    return RunResult(request, trace, plan.layout, capture_seconds, time.perf_counter() - t0,
                     collapsed=plan.collapsed, reused=plan.reused)


class StepGraphWorker(QThread):
    """Runs :func:`step_graph_result` on its own thread.

    Signals
    -------
    succeeded(object)
        The RunResult.
    failed(object)
        The exception.
    """

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, trace: Trace, engine: str | None = None, title: str = "training step",
                 capture_seconds: float = 0.0, parent: QObject | None = None,
                 cache: StagedLayoutCache | None = None, previous: Drawing | None = None,
                 look: Look | None = None) -> None:
        super().__init__(parent)
        self.trace, self.engine, self.title, self.capture_seconds = trace, engine, title, capture_seconds
        self.cache, self.previous, self.look = cache, previous, look

    def run(self) -> None:
        try:
            result = step_graph_result(self.trace, self.engine, self.title, self.capture_seconds,
                                       self.cache, self.previous, self.look)
        except Exception as exc:  # noqa: BLE001 - reported to the user, never kills the thread
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


class StepGraph:
    """The panel side: a mixin for a panel with ``trainer``, ``records``, ``post``,
    ``layout_engine``, ``_set_state`` and a ``step_graph_ready`` signal.

    ``canvas_drawing`` (a callable returning the canvas's Drawing and Look), when set, lets a
    step's graph keep the canvas's positions and look.
    """

    _graph_worker: StepGraphWorker | None = None
    _graph_asked = False
    _graph_note = ""
    canvas_drawing = None
    _graph_cache: StagedLayoutCache | None = None
    _graph_next: int | None = None

    def show_step_graph(self, step: int | None = None, quiet: bool = False) -> bool:
        """Ask the run for the latest batch's graph, or step ``step``'s (a point of the loss
        curve); ``step_graph_ready`` follows once it is laid out. ``quiet`` leaves out the note
        (slow motion shows one graph a step)."""
        trainer = self.trainer
        if trainer is None or not trainer.alive or not self.records:
            self.post(translate("graph", "No batch has run yet: press Step (F10) or Start first."), "error")
            return False
        if self._graph_worker is not None or self._graph_asked:
            if step is not None:  # a click on the curve while a graph is on its way: it is next
                self._graph_next = step
                return True
            return False
        if step is None:
            r = self.records[-1]
            note = translate("graph", "The graph of training step {step} (epoch {epoch}, batch {batch}): the batch "
                             "through the model and the {loss} loss, with the weights after that step. Run "
                             "(Ctrl+Enter) shows the program's graph again.").format(
                step=r.step, epoch=r.epoch, batch=r.batch, loss=trainer.config.loss)
            args: tuple = ()
        else:
            r = self.records[min(max(step, 1), len(self.records)) - 1]
            note = translate("graph", "The graph of training step {step} (epoch {epoch}, batch {batch}): its batch "
                             "through the model with the weights it was computed with, so its loss is the point "
                             "clicked ({loss:.4g}). Run (Ctrl+Enter) shows the program's graph again.").format(
                step=r.step, epoch=r.epoch, batch=r.batch, loss=r.train_loss)
            args = (r.step,)
        self._graph_asked, self._graph_note = True, "" if quiet else note
        asked = time.perf_counter()
        trainer.ask("step_graph", args, lambda ok, value: self._on_graph_captured(
            translate("graph", "training step {step}").format(step=r.step), time.perf_counter() - asked, ok, value))
        self._set_state(self._state)
        return True

    def _on_graph_captured(self, title: str, seconds: float, ok: bool, value) -> None:
        self._graph_asked = False
        if not ok or not isinstance(value, Trace):
            self._graph_next = None
            reason = value if not ok else translate("graph", "the run sent no graph")
            self.post(translate("graph", "Cannot show the graph of this step: {reason}").format(reason=reason), "error")
            self._set_state(self._state)
            return
        if self._graph_cache is None:
            self._graph_cache = StagedLayoutCache()
        previous, look = self.canvas_drawing() if self.canvas_drawing is not None else (None, None)
        worker = StepGraphWorker(value, self.layout_engine, title, seconds, parent=self, cache=self._graph_cache,
                                 previous=previous, look=look)
        # Bound methods, not lambdas: a slot with a receiver object is queued to its thread.
        worker.succeeded.connect(self._on_graph_succeeded)
        worker.failed.connect(self._on_graph_failed)
        worker.finished.connect(self._on_graph_worker_finished)
        self._graph_worker = worker
        self._set_state(self._state)
        worker.start()

    def _on_graph_succeeded(self, result) -> None:
        self.step_graph_ready.emit(result, self._graph_note)

    def _on_graph_failed(self, exc: Exception) -> None:
        self.post(translate("graph", "Cannot show the graph of this step: {exc}").format(exc=exc), "error")

    def _on_graph_worker_finished(self) -> None:
        if self._graph_worker is not None:
            self._graph_worker.deleteLater()
        self._graph_worker = None
        self._set_state(self._state)
        step, self._graph_next = self._graph_next, None
        if step is not None:
            self.show_step_graph(step)
