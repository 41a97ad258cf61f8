"""The status-bar strip shown while a program runs: a busy bar, the elapsed time, Cancel."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from gradviz.core.i18n import translate
from gradviz.qt.runs.controller import STAGE_TEXT

# A run shows the strip only once it has taken this long: most runs end sooner, and a strip
# flashing for a few milliseconds at every Run is noise (showing it also cost each run 0.4 ms).
SHOW_DELAY_MS = 250


class RunStatus(QWidget):
    """Busy indicator for a run, with the seconds so far and a Cancel button (shown once the
    run has lasted ``SHOW_DELAY_MS``; Esc cancels from the start).

    Signals
    -------
    cancel_requested()
        The Cancel button was clicked.
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # no known end: an indeterminate, moving bar
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(110)
        self.progress.setMaximumHeight(14)
        self.label = QLabel(self)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText(translate("status", "Cancel"))
        self.cancel_button.setToolTip(translate("status", "Stop the run and keep the previous graph (Esc)"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.label)
        layout.addWidget(self.cancel_button)
        self._stage = ""
        self._started = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._on_tick)
        self._reveal = QTimer(self)
        self._reveal.setSingleShot(True)
        self._reveal.setInterval(SHOW_DELAY_MS)
        self._reveal.timeout.connect(self._on_reveal)
        self.hide()

    @property
    def is_active(self) -> bool:
        return self._timer.isActive()

    def start(self, stage: str = "capture") -> None:
        """Start counting from now; the strip shows if the run is still going in ``SHOW_DELAY_MS``."""
        self._started = time.monotonic()
        self.set_stage(stage)
        self._timer.start()
        self._reveal.start()

    def set_stage(self, stage: str) -> None:
        """``stage`` is a key of STAGE_TEXT ("capture", "layout") or "draw"."""
        self._stage = translate("controller", STAGE_TEXT[stage]) if stage in STAGE_TEXT else stage
        self._on_tick()

    def stop(self) -> None:
        self._timer.stop()
        self._reveal.stop()
        self.hide()

    def _on_reveal(self) -> None:
        self._write()
        self.show()

    def _on_tick(self) -> None:
        if self.isVisible():
            self._write()

    def _write(self) -> None:
        self.label.setText(f"{self._stage}… {time.monotonic() - self._started:.1f} s")
