"""The training panel's files: save and load weights, export the loss history as CSV.

A mixin of :class:`~gradviz.qt.training.panel.TrainingPanel`, kept apart so the panel
module holds the run itself. Every failure becomes a message, never an exception.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QFileDialog

from gradviz.core.training.config import TrainingError

__all__ = ["TrainingFiles"]


class TrainingFiles:
    """Weights and history files for a panel with ``trainer``, ``post`` and ``data_plot``."""

    def save_weights(self, path: str) -> bool:
        """Save the model's weights to ``path``; False (and a message) on failure."""
        if self.trainer is None:
            self.post("Nothing to save yet: Start or Step a run first.", "error")
            return False
        try:
            self.trainer.save_weights(path)
        except TrainingError as exc:
            self.post(str(exc), "error")
            return False
        self.post(f"Saved the weights to {os.path.basename(path)}.", "info")
        return True

    def load_weights(self, path: str) -> bool:
        """Load weights from ``path`` into the model (made from the settings if there is none)."""
        if self._state not in ("idle", "paused"):
            return False
        trainer = self.trainer if self.trainer is not None else self._trainer_for_run()
        if trainer is None:
            return False
        try:
            trainer.load_weights(path)
        except TrainingError as exc:
            self.post(str(exc), "error")
            return False
        self.data_plot.refresh(force=True)
        self._set_state(self._state)
        self.post(f"Loaded the weights from {os.path.basename(path)}.", "info")
        return True

    def export_history(self, path: str) -> bool:
        """Write the loss history of the current run as CSV; False (and a message) on failure."""
        if self.trainer is None or not self.trainer.history:
            self.post("No losses to export yet: Start or Step a run first.", "error")
            return False
        try:
            self.trainer.history_csv(path)
        except TrainingError as exc:
            self.post(str(exc), "error")
            return False
        self.post(f"Wrote {len(self.trainer.history)} rows to {os.path.basename(path)}.", "info")
        return True

    def save_weights_dialog(self) -> None:
        """Ask for a file and save the weights there."""
        path, _ = QFileDialog.getSaveFileName(self, "Save weights", "model.pth", "PyTorch weights (*.pth *.pt)")
        if path:
            self.save_weights(path)

    def load_weights_dialog(self) -> None:
        """Ask for a weights file and load it."""
        path, _ = QFileDialog.getOpenFileName(self, "Load weights", "", "PyTorch weights (*.pth *.pt);;All files (*)")
        if path:
            self.load_weights(path)

    def export_history_dialog(self) -> None:
        """Ask for a file and write the loss history there."""
        path, _ = QFileDialog.getSaveFileName(self, "Export loss history", "losses.csv", "CSV files (*.csv)")
        if path:
            self.export_history(path)
