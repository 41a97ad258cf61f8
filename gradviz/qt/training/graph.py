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

from gradviz.core.layout.layout import layout
from gradviz.core.trace import Trace
from gradviz.qt.runs.controller import RunRequest, RunResult

__all__ = ["StepGraph", "StepGraphWorker", "step_graph_result"]


def step_graph_result(trace: Trace, engine: str | None = None, title: str = "training step",
                      capture_seconds: float = 0.0) -> RunResult:
    """Lay out a training step's ``trace``.

    Raises
    ------
    LayoutError
        When the layout engine fails.
    """
    t0 = time.perf_counter()
    drawing = layout(trace, engine=engine or None)
    return RunResult(RunRequest(source="", title=title), trace, drawing, capture_seconds, time.perf_counter() - t0)


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
                 capture_seconds: float = 0.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.trace, self.engine, self.title, self.capture_seconds = trace, engine, title, capture_seconds

    def run(self) -> None:
        try:
            result = step_graph_result(self.trace, self.engine, self.title, self.capture_seconds)
        except Exception as exc:  # noqa: BLE001 - reported to the user, never kills the thread
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


class StepGraph:
    """The panel side: a mixin for a panel with ``trainer``, ``records``, ``post``,
    ``layout_engine``, ``_set_state`` and a ``step_graph_ready`` signal."""

    _graph_worker: StepGraphWorker | None = None
    _graph_asked = False
    _graph_note = ""

    def show_step_graph(self) -> bool:
        """Ask the run for the latest batch's graph; ``step_graph_ready`` follows once it is laid out."""
        trainer = self.trainer
        if trainer is None or not trainer.alive or not self.records:
            self.post("No batch has run yet: press Step (F10) or Start first.", "error")
            return False
        if self._graph_worker is not None or self._graph_asked:
            return False
        r = self.records[-1]
        note = (f"The graph of training step {r.step} (epoch {r.epoch}, batch {r.batch}): the batch through the "
                f"model and the {trainer.config.loss} loss, with the weights after that step. "
                "Run (Ctrl+Enter) shows the program's graph again.")
        self._graph_asked, self._graph_note = True, note
        asked = time.perf_counter()
        trainer.ask("step_graph", (), lambda ok, value: self._on_graph_captured(
            f"training step {r.step}", time.perf_counter() - asked, ok, value))
        self._set_state(self._state)
        return True

    def _on_graph_captured(self, title: str, seconds: float, ok: bool, value) -> None:
        self._graph_asked = False
        if not ok or not isinstance(value, Trace):
            self.post(f"Cannot show the graph of this step: {value if not ok else 'the run sent no graph'}", "error")
            self._set_state(self._state)
            return
        worker = StepGraphWorker(value, self.layout_engine, title, seconds, parent=self)
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
        self.post(f"Cannot show the graph of this step: {exc}", "error")

    def _on_graph_worker_finished(self) -> None:
        if self._graph_worker is not None:
            self._graph_worker.deleteLater()
        self._graph_worker = None
        self._set_state(self._state)
