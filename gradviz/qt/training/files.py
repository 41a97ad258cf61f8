"""The training panel's files: save and load weights, export the loss history as CSV.

A mixin of :class:`~gradviz.qt.training.panel.TrainingPanel`, kept apart so the panel
module holds the run itself. The model lives in its run process: saving asks it for the
weights (arrays) and writes them here with ``torch.save``; loading reads the file here with
``torch.load(weights_only=True)`` and sends the arrays. Both finish when the run answers:
``weights_done`` then says how. Every failure becomes a message, never an exception.
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtWidgets import QFileDialog

from gradviz.core.i18n import translate
from gradviz.core.training.config import TrainingError
from gradviz.core.training.records import write_history_csv
from gradviz.core.training.weights_files import fit_problem, read_weights_file, save_weights_file

__all__ = ["TrainingFiles"]


class TrainingFiles:
    """Weights and history files for a panel with ``trainer``, ``records``, ``post``,
    ``data_plot`` and a ``weights_done`` signal."""

    def save_weights(self, path: str) -> bool:
        """Ask the run for its weights and save them to ``path`` when they come.

        Returns False (and a message) when there is no model to save; ``weights_done("save", ok)``
        follows otherwise.
        """
        trainer = self.trainer
        if trainer is None or not trainer.alive:
            self.post(translate("training_files", "Nothing to save yet: Start or Step a run first."), "error")
            return False
        trainer.ask("weights", (), lambda ok, value: self._on_weights(trainer, path, ok, value))
        return True

    def _on_weights(self, trainer, path: str, ok: bool, value) -> None:
        if ok:
            try:
                if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, np.ndarray)
                                                          for k, v in value.items()):
                    raise TrainingError(translate("training_files", "the run sent a {kind}, not weights").format(
                        kind=type(value).__name__))
                save_weights_file(value, path)
            except TrainingError as exc:
                ok, value = False, str(exc)
        if ok:
            self.post(translate("training_files", "Saved the weights to {name}.").format(name=os.path.basename(path)),
                      "info")
        else:
            self.post(translate("training_files", "Cannot save the weights: {value}").format(value=value), "error")
        self.weights_done.emit("save", ok)

    def load_weights(self, path: str) -> bool:
        """Read weights from ``path`` and send them to the model (made from the settings if there is none).

        Returns False (and a message) when the file cannot be read or does not fit;
        ``weights_done("load", ok)`` follows otherwise.
        """
        if self._state not in ("idle", "paused"):
            return False
        try:
            state = read_weights_file(path)
        except TrainingError as exc:
            self.post(str(exc), "error")
            return False
        trainer = self.trainer if self.trainer is not None and self.trainer.alive else None
        if trainer is None:
            trainer = self._trainer_for_run()
            if trainer is None:
                return False
        problem = fit_problem(state, trainer.info.parameters) if trainer.info is not None else ""
        if problem:
            self.post(translate("training_files", "the weights in {path} do not fit this model: {problem}").format(
                path=path, problem=problem), "error")
            return False
        trainer.ask("load", (state, str(path)), lambda ok, value: self._on_loaded(trainer, path, ok, value))
        return True

    def _on_loaded(self, trainer, path: str, ok: bool, value) -> None:
        if ok:
            self.data_plot.refresh(force=True)
            self._set_state(self._state)
            self.post(translate("training_files", "Loaded the weights from {name}.").format(
                name=os.path.basename(path)), "info")
        else:
            self.post(str(value), "error")
        self.weights_done.emit("load", ok)

    def export_history(self, path: str) -> bool:
        """Write the loss history of the current run as CSV; False (and a message) on failure."""
        if not self.records:
            self.post(translate("training_files", "No losses to export yet: Start or Step a run first."), "error")
            return False
        try:
            rows = write_history_csv(self.records, path)
        except TrainingError as exc:
            self.post(str(exc), "error")
            return False
        self.post(translate("training_files", "Wrote {rows} rows to {name}.").format(
            rows=rows, name=os.path.basename(path)), "info")
        return True

    def save_weights_dialog(self) -> None:
        """Ask for a file and save the weights there."""
        path, _ = QFileDialog.getSaveFileName(self, translate("training_files", "Save weights"), "model.pth",
                                              translate("training_files", "PyTorch weights (*.pth *.pt)"))
        if path:
            self.save_weights(path)

    def load_weights_dialog(self) -> None:
        """Ask for a weights file and load it."""
        path, _ = QFileDialog.getOpenFileName(self, translate("training_files", "Load weights"), "",
                                              translate("training_files",
                                                        "PyTorch weights (*.pth *.pt);;All files (*)"))
        if path:
            self.load_weights(path)

    def export_history_dialog(self) -> None:
        """Ask for a file and write the loss history there."""
        path, _ = QFileDialog.getSaveFileName(self, translate("training_files", "Export loss history"), "losses.csv",
                                              translate("training_files", "CSV files (*.csv)"))
        if path:
            self.export_history(path)
