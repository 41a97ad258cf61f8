"""The training panel: settings, Start / Pause / Stop / Step / Reset, progress, live plots, files.

The panel steers one Trainer at a time, living in a run process of its own (see
:mod:`gradviz.qt.training.run`); the loss plot and the data plot pull the records on their
own timers. This module holds the widgets, their state and the settings.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gradviz.core.i18n import translate
from gradviz.core.training.client import RemoteTrainer
from gradviz.core.training.config import Record, TrainConfig, lesson_config
from gradviz.qt.training.compare import CompareGradients
from gradviz.qt.training.data_plot import DataPlot
from gradviz.qt.training.files import TrainingFiles
from gradviz.qt.training.form import TrainingForm
from gradviz.qt.training.graph import StepGraph, StepGraphWorker
from gradviz.qt.training.link import TrainingLink
from gradviz.qt.training.loss_plot import LossPlot
from gradviz.qt.training.run import TrainingRun

__all__ = ["DEFAULT_CONFIG", "TrainingPanel"]

#: What the panel shows before any lesson: a problem a small tanh MLP solves in seconds.
DEFAULT_CONFIG = TrainConfig(dataset="circles", model="mlp", hidden=(16, 16), activation="tanh",
                             loss="cross_entropy", optimizer="adam", lr=0.01, batch_size=32, epochs=50, seed=0)

STATES = ("idle", "running", "paused", "stopping")
#: Slow motion: steps per second, from one a second up.
SLOW_MIN, SLOW_MAX, SLOW_DEFAULT = 1.0, 10.0, 1.0


class TrainingPanel(TrainingRun, TrainingFiles, StepGraph, QWidget):
    """Train a toy network and watch it learn.

    Attributes
    ----------
    form : TrainingForm
    start_button, pause_button, stop_button, step_button, reset_button : QPushButton
    save_button, load_button, export_button, graph_button : QPushButton
    progress_bar : QProgressBar
        Its text says where the run is (epoch, batch, time left) or how it ended.
    loss_plot : LossPlot
    data_plot : DataPlot
    trainer : RemoteTrainer or None
        The Trainer in its run process; None before a run, after Reset, or once its
        process died.
    link : TrainingLink or None
        The thread bringing the run's messages to the GUI thread.
    records : list of Record
        Every record of the current run that reached the GUI, in step order (kept when
        its process dies).
    runner : Runner or None
        Where runs are made (None: the app's shared runner).
    layout_engine : str or None
        Graphviz ``dot`` for "Show graph of this step" (None: the bundled engine).

    Signals
    -------
    message_posted(str, str)
        Text and level ("error", "warning", "info") for the window's message bar.
    state_changed(str)
        "idle", "running", "paused" or "stopping".
    run_finished(str)
        A Start or Step ended: "done", "stopped" or "error" (also a run process that died).
    trainer_ready()
        The run process has set its Trainer up (its first batch follows).
    weights_done(str, bool)
        "save" or "load", and whether it worked (the message says more).
    step_graph_ready(object, str)
        A RunResult with the graph of the latest batch, and a note saying what it shows.
    """

    message_posted = Signal(str, str)
    state_changed = Signal(str)
    run_finished = Signal(str)
    trainer_ready = Signal()
    weights_done = Signal(str, bool)
    step_graph_ready = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trainer: RemoteTrainer | None = None
        self.link: TrainingLink | None = None
        self.records: list[Record] = []
        self.runner = None
        self._session = False
        self._lr_sent = 0.0  # the learning rate the run was last told
        self.layout_engine: str | None = None
        self.last_message = ("", "")
        self._state = "idle"
        self._graph_worker: StepGraphWorker | None = None
        self._graph_asked = False
        self._graph_note = ""
        self._progress_at = 0.0

        self.form = TrainingForm()
        self.start_button = self._button(translate("training_panel", "Start"),
                                         translate("training_panel", "Train with these settings (F5)"), self.start)
        self.pause_button = self._button(translate("training_panel", "Pause"),
                                         translate("training_panel", "Pause after the current batch, or resume (F6)"),
                                         self.toggle_pause)
        self.stop_button = self._button(translate("training_panel", "Stop"),
                                        translate("training_panel", "End the run after the current batch (Shift+F5)"),
                                        self.stop)
        self.step_button = self._button(translate("training_panel", "Step"),
                                        translate("training_panel", "Run exactly one batch, then hold (F10)"),
                                        self.step)
        self.reset_button = self._button(translate("training_panel", "Reset"),
                                         translate("training_panel",
                                                   "Forget the trained weights and the plots (Ctrl+Shift+F5)"),
                                         self.reset)
        self.save_button = self._button(translate("training_panel", "Save weights…"),
                                        translate("training_panel",
                                                  "Save the model's state_dict with torch.save (Ctrl+Alt+W)"),
                                        self.save_weights_dialog)
        self.load_button = self._button(translate("training_panel", "Load weights…"),
                                        translate("training_panel", "Load a state_dict saved for this model; only "
                                                                    "tensors are read, with "
                                                                    "torch.load(weights_only=True) (Ctrl+Alt+L)"),
                                        self.load_weights_dialog)
        self.export_button = self._button(translate("training_panel", "Export CSV…"),
                                          translate("training_panel", "Write every batch's losses, accuracies and "
                                                                      "learning rate to a CSV file (Ctrl+Alt+C)"),
                                          self.export_history_dialog)
        self.graph_button = self._button(translate("training_panel", "Show graph of this step"),
                                         translate("training_panel", "Draw the autograd graph of the latest batch on "
                                                                     "the canvas, with its values and gradients "
                                                                     "(Ctrl+Shift+G)"),
                                         self.show_step_graph)
        self.progress_bar = QProgressBar()
        self.slow_check = QCheckBox(translate("training_panel", "Slow &motion"))
        self.slow_check.setToolTip(translate("training_panel", "Start trains one step at a time, drawing each step's "
                                                               "graph and its gradients on the canvas"))
        self.slow_rate = QDoubleSpinBox()
        self.slow_rate.setRange(SLOW_MIN, SLOW_MAX)
        self.slow_rate.setDecimals(1)
        self.slow_rate.setSingleStep(0.5)
        self.slow_rate.setValue(SLOW_DEFAULT)
        self.slow_rate.setSuffix(translate("training_panel", " steps/s"))
        self.slow_rate.setToolTip(translate("training_panel", "Steps per second in slow motion"))
        self._slow_timer = QTimer(self)
        self._slow_timer.timeout.connect(self._on_slow_tick)
        self._slow_waiting = False  # a slow-motion step was sent; its graph follows when it holds
        self.slow_rate.valueChanged.connect(self._on_slow_rate_changed)
        self.loss_plot = LossPlot()
        self.data_plot = DataPlot()
        self.compare = CompareGradients()

        controls = QWidget()
        column = QVBoxLayout(controls)
        column.setContentsMargins(4, 2, 4, 2)
        column.setSpacing(4)
        column.addWidget(self.form)
        buttons = QGridLayout()
        for i, button in enumerate((self.start_button, self.pause_button, self.stop_button,
                                    self.step_button, self.reset_button)):
            buttons.addWidget(button, 0, i)
        column.addLayout(buttons)
        files = QHBoxLayout()
        for button in (self.save_button, self.load_button, self.export_button):
            files.addWidget(button)
        column.addLayout(files)
        column.addWidget(self.progress_bar)
        slow = QHBoxLayout()
        slow.addWidget(self.slow_check)
        slow.addWidget(self.slow_rate)
        column.addLayout(slow)
        column.addWidget(self.graph_button)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(controls)
        scroll.setWidgetResizable(True)
        self._controls, self._scroll = controls, scroll
        self._fit_controls()
        plots = QSplitter(Qt.Orientation.Horizontal)
        plots.addWidget(self.loss_plot)
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(self.data_plot, translate("training_panel", "Data"))
        self.side_tabs.addTab(self.compare, translate("training_panel", "Gradients by step"))
        plots.addWidget(self.side_tabs)
        plots.setStretchFactor(0, 3)
        plots.setStretchFactor(1, 2)
        plots.setCollapsible(1, False)
        self.data_plot.setMinimumWidth(240)  # a boundary squeezed thinner than this says nothing
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(scroll)
        row.addWidget(plots, 1)

        self.loss_plot.step_clicked.connect(self._on_step_clicked)
        self.form.changed.connect(self._on_form_changed)
        self.form.dataset_changed.connect(self._on_dataset_changed)
        self.form.lr_edited.connect(self._on_lr_changed)
        self.form.error.connect(lambda text: self.post(text, "error"))
        self.set_config(DEFAULT_CONFIG)

    def _show_progress(self, text: str) -> None:
        self.progress_bar.setFormat(text)
        self.progress_bar.setToolTip(text.replace("%p", str(self.progress_bar.value() * 100
                                                          // max(self.progress_bar.maximum(), 1))))

    def _fit_controls(self) -> None:
        # Wide enough for the settings at the current font, so nothing is cut off on the right.
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        # The minimum, not the preferred, size: line edits ask for 17 characters they never need,
        # and every pixel given to the settings is taken from the plots.
        self._scroll.setMinimumWidth(self._controls.minimumSizeHint().width() + bar + 24)
        self._scroll.setMaximumWidth(self._scroll.minimumWidth())

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- state ----------------------------------------------------------------------------
    @property
    def state(self) -> str:
        """"idle", "running", "paused" or "stopping"."""
        return self._state

    @property
    def is_running(self) -> bool:
        """True from Start or Step until that run ends (running, paused or stopping)."""
        return self._session

    def post(self, text: str, level: str = "info") -> None:
        """Send a message to whoever shows them (the window's message bar)."""
        self.last_message = (text, level)
        self.message_posted.emit(text, level)

    def _set_state(self, state: str) -> None:
        self._state = state
        idle, paused = state == "idle", state == "paused"
        resumable = self._resumable() is not None
        self.start_button.setEnabled(idle)
        self.start_button.setText(translate("training_panel", "Continue") if idle and resumable
                                  else translate("training_panel", "Start"))
        self.pause_button.setEnabled(state in ("running", "paused"))
        # In slow motion the run holds between steps, but to the user it is running.
        self.pause_button.setText(translate("training_panel", "Resume") if paused and not self.slow_motion
                                  else translate("training_panel", "Pause"))
        self.stop_button.setEnabled(state in ("running", "paused"))
        self.step_button.setEnabled(idle or paused)
        self.reset_button.setEnabled(idle or paused)
        live = self.trainer is not None and self.trainer.alive
        self.save_button.setEnabled(live and state != "stopping")
        self.load_button.setEnabled(idle or paused)
        self.export_button.setEnabled(bool(self.records))
        self.graph_button.setEnabled(live and bool(self.records) and self._graph_worker is None
                                     and not self._graph_asked)
        self.form.set_running(not idle)
        self.state_changed.emit(state)

    # -- settings -------------------------------------------------------------------------
    def set_config(self, config: TrainConfig) -> None:
        """Show ``config`` in the form; an idle panel also drops its trainer and plots."""
        if self.is_running:
            self.post(translate("training_panel", "Stop the run first to change its settings."), "warning")
            return
        self._forget_trainer()  # first: the form's new dataset is then drawn, not the old run's
        self.form.set_config(config)

    def set_lesson(self, name: str) -> bool:
        """Use the training lesson ``name``'s settings (``lesson_config``); False if not idle."""
        if self.is_running:
            return False
        self.set_config(lesson_config(name))
        return True

    def _on_form_changed(self) -> None:
        if not self.is_running:
            self._set_state("idle")  # Start vs Continue depends on the settings

    def _on_dataset_changed(self, dataset) -> None:
        if self.trainer is None and not self.is_running:
            self.data_plot.set_dataset(dataset)
            if dataset is not None:
                self.loss_plot.set_accuracy_visible(dataset.task == "classification")

    def _on_lr_changed(self, lr: float) -> None:
        if self._session and self.trainer is not None and lr != self._lr_sent:
            self.trainer.set_lr(lr)
            self._lr_sent = lr
            self.post(translate("training_panel", "Learning rate {lr:g} from the next batch on.").format(lr=lr), "info")

    # -- slow motion and the loss curve ----------------------------------------------------
    @property
    def slow_motion(self) -> bool:
        """True while slow motion steps the run on its timer."""
        return self._slow_timer.isActive()

    def set_slow_motion(self, on: bool, steps_per_second: float | None = None) -> None:
        """Slow motion on or off for the next Start (and the rate, when given)."""
        if steps_per_second is not None:
            self.slow_rate.setValue(steps_per_second)
        self.slow_check.setChecked(on)

    def _start_slow(self) -> bool:
        """Step the run on a timer, each step's graph drawn on the canvas."""
        self._slow_timer.start(round(1000 / self.slow_rate.value()))
        self._on_slow_tick()
        self._set_state(self._state)
        return self._slow_timer.isActive()

    def _stop_slow(self) -> None:
        was = self._slow_timer.isActive()
        self._slow_timer.stop()
        self._slow_waiting = False
        if was:
            self._set_state(self._state)

    def _on_slow_rate_changed(self, rate: float) -> None:
        if self._slow_timer.isActive():
            self._slow_timer.setInterval(round(1000 / rate))

    def _on_slow_tick(self) -> None:
        if self._slow_waiting or self._graph_worker is not None or self._graph_asked:
            return  # the last step's graph is still on its way: a slow machine sets the pace
        trainer = self.trainer
        if trainer is not None and trainer.done:
            self._stop_slow()
            return
        if not self.step():
            self._stop_slow()
            return
        self._slow_waiting = True

    def _on_held(self) -> None:
        """The run holds after a step (Step, Pause, slow motion): every record has come."""
        if self._slow_waiting and self.records:
            self._slow_waiting = False
            # The step's own graph: the weights its loss was computed with, as the curve shows.
            latest = self.records[-1].step
            self.show_step_graph(latest, quiet=latest > 1)

    def _on_step_clicked(self, step: int, shift: bool) -> None:
        """A point of the loss curve: its graph on the canvas, and its gradients compared."""
        if shift:
            self.compare.set_steps(a=step)
            self.side_tabs.setCurrentWidget(self.compare)
            return
        self.compare.set_steps(b=step)
        if self.trainer is not None and self.trainer.alive:
            self.show_step_graph(step)

    # -- look -----------------------------------------------------------------------------
    def set_font_size(self, point_size: int) -> None:
        """Text of the settings, buttons and plots at ``point_size`` points."""
        font = QFont(self.font())
        font.setPointSize(point_size)
        self.setFont(font)  # children without a font of their own inherit it
        # Once the children have taken the font and their layouts their new sizes.
        QTimer.singleShot(0, self._fit_controls)
        self.loss_plot.set_font_size(point_size)
        self.data_plot.set_font_size(point_size)
