""""Show graph of this step": capture and lay out a training step's graph off the GUI thread.

The result is a :class:`~gradviz.qt.runs.controller.RunResult`, the same thing a program run gives
the main window, so the canvas, the inspector and the step-through player take it as they
take any other graph.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QThread, Signal

from gradviz.core.layout.layout import layout
from gradviz.core.training.step_graph import capture_training_step
from gradviz.qt.runs.controller import RunRequest, RunResult

__all__ = ["StepGraph", "StepGraphWorker", "step_graph_result"]


def step_graph_result(trainer, engine: str | None = None, title: str = "training step") -> RunResult:
    """Capture the trainer's latest batch (see :func:`capture_training_step`) and lay it out.

    Raises
    ------
    TrainingError
        Before any batch has run.
    LayoutError
        When the layout engine fails.
    """
    t0 = time.perf_counter()
    trace = capture_training_step(trainer)
    t1 = time.perf_counter()
    drawing = layout(trace, engine=engine or None)
    return RunResult(RunRequest(source="", title=title), trace, drawing, t1 - t0, time.perf_counter() - t1)


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

    def __init__(self, trainer, engine: str | None = None, title: str = "training step",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.trainer, self.engine, self.title = trainer, engine, title

    def run(self) -> None:
        try:
            result = step_graph_result(self.trainer, self.engine, self.title)
        except Exception as exc:  # noqa: BLE001 - reported to the user, never kills the thread
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


class StepGraph:
    """The panel side: a mixin for a panel with ``trainer``, ``post``, ``layout_engine``,
    ``_set_state`` and a ``step_graph_ready`` signal."""

    _graph_worker: StepGraphWorker | None = None
    _graph_note = ""

    def show_step_graph(self) -> bool:
        """Capture the latest batch's graph off the GUI thread; ``step_graph_ready`` follows."""
        if self.trainer is None or not self.trainer.history:
            self.post("No batch has run yet: press Step (F10) or Start first.", "error")
            return False
        if self._graph_worker is not None:
            return False
        r = self.trainer.history[-1]
        worker = StepGraphWorker(self.trainer, self.layout_engine, f"training step {r.step}", parent=self)
        note = (f"The graph of training step {r.step} (epoch {r.epoch}, batch {r.batch}): the batch through the "
                f"model and the {self.trainer.config.loss} loss, with the weights after that step. "
                "Run (Ctrl+Enter) shows the program's graph again.")
        # Bound methods, not lambdas: a slot with a receiver object is queued to its thread.
        worker.succeeded.connect(self._on_graph_succeeded)
        worker.failed.connect(self._on_graph_failed)
        worker.finished.connect(self._on_graph_worker_finished)
        self._graph_worker, self._graph_note = worker, note
        self._set_state(self._state)
        worker.start()
        return True

    def _on_graph_succeeded(self, result) -> None:
        self.step_graph_ready.emit(result, self._graph_note)

    def _on_graph_failed(self, exc: Exception) -> None:
        self.post(f"Cannot show the graph of this step: {exc}", "error")

    def _on_graph_worker_finished(self) -> None:
        if self._graph_worker is not None:
            self._graph_worker.deleteLater()
        self._graph_worker = None
        self._set_state(self._state)
