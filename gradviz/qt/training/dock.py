"""The training panel inside the main window: its dock, the Train menu and the keys.

The window only makes a :class:`TrainingDock` and tells it when a lesson opens and when
it closes; everything else is wired here. Lessons with
``trains`` set open the dock with the lesson's settings (``lesson_config``); the others
leave it as the user left it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMenu, QMenuBar

from gradviz.core.lessons.catalogue import Lesson
from gradviz.qt.actions import make_action
from gradviz.qt.training.panel import TrainingPanel

if TYPE_CHECKING:
    from gradviz.qt.main_window import MainWindow

__all__ = ["TrainingDock"]


def _menu(bar: QMenuBar, title: str) -> QMenu | None:
    for action in bar.actions():
        if action.menu() is not None and action.text().replace("&", "") == title:
            return action.menu()
    return None


class TrainingDock(QDockWidget):
    """A bottom dock holding the :class:`TrainingPanel`, hidden until asked for.

    Parameters
    ----------
    window : MainWindow

    Attributes
    ----------
    panel : TrainingPanel
    train_menu : QMenu
    toggle_action, start_action, pause_action, stop_action, step_action, reset_action,
    graph_action, save_weights_action, load_weights_action, export_history_action : QAction
        Also set on ``window.commands`` (as ``train_start`` ...) so the shortcuts dialog
        lists them.
    """

    def __init__(self, window: "MainWindow") -> None:
        super().__init__("Training", window)
        self.setObjectName("training_dock")  # saveState() finds docks by object name
        self.main_window = window
        self.panel = TrainingPanel()
        self.panel.layout_engine = window.settings.layout_engine_path or None
        self.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        self.hide()

        p = self.panel
        self.toggle_action = self.toggleViewAction()
        self.toggle_action.setText("&Training Panel")
        self.toggle_action.setShortcut("Ctrl+T")
        self.toggle_action.setToolTip("Show or hide the training panel (Ctrl+T)")
        self.toggle_action.setStatusTip("Train a toy network and watch its loss and decision boundary")
        window.addAction(self.toggle_action)
        self.start_action = make_action(window, "&Start / Continue Training", self._start, ["F5"],
                                        "Train with the panel's settings, or continue the current run")
        self.pause_action = make_action(window, "&Pause / Resume Training", p.toggle_pause, ["F6"],
                                        "Hold the run after the current batch, or let it go on")
        self.stop_action = make_action(window, "S&top Training", p.stop, ["Shift+F5"],
                                       "End the run after the current batch")
        self.step_action = make_action(window, "Train One &Batch", self._step, ["F10"],
                                       "Run exactly one batch, then hold")
        self.reset_action = make_action(window, "&Reset Training", p.reset, ["Ctrl+Shift+F5"],
                                        "Forget the trained weights and the plots")
        self.graph_action = make_action(window, "Show &Graph of This Step", p.show_step_graph, ["Ctrl+Shift+G"],
                                        "Draw the latest batch's autograd graph on the canvas")
        self.save_weights_action = make_action(window, "Save &Weights…", p.save_weights_dialog, ["Ctrl+Alt+W"],
                                               "Save the trained model's state_dict")
        self.load_weights_action = make_action(window, "&Load Weights…", p.load_weights_dialog, ["Ctrl+Alt+L"],
                                               "Load a state_dict into the model")
        self.export_history_action = make_action(window, "E&xport Loss History…", p.export_history_dialog,
                                                 ["Ctrl+Alt+C"],
                                                 "Write every batch's losses to a CSV file")
        self._add_menu()

        p.message_posted.connect(self._on_message_posted)
        p.step_graph_ready.connect(self._on_step_graph_ready)
        p.state_changed.connect(self._on_state_changed)
        self._on_state_changed(p.state)
        # After the window's own handlers (connected first), so the new size is stored already.
        for action in (window.commands.font_bigger, window.commands.font_smaller):
            action.triggered.connect(self._on_font_size_changed)
        self._on_font_size_changed()

    def _run_actions(self):
        return [self.start_action, self.pause_action, self.stop_action, self.step_action, self.reset_action]

    def _add_menu(self) -> None:
        w = self.main_window
        bar = w.menuBar()
        menu = QMenu("Trai&n", w)
        menu.setToolTipsVisible(True)
        menu.addAction(self.toggle_action)
        menu.addSeparator()
        menu.addActions(self._run_actions())
        menu.addSeparator()
        menu.addAction(self.graph_action)
        menu.addSeparator()
        menu.addActions([self.save_weights_action, self.load_weights_action, self.export_history_action])
        help_menu = _menu(bar, "Help")
        if help_menu is not None:
            bar.insertMenu(help_menu.menuAction(), menu)
        else:
            bar.addMenu(menu)
        self.train_menu = menu
        view_menu = _menu(bar, "View")
        if view_menu is not None:
            view_menu.addAction(self.toggle_action)
        names = ("train_start", "train_pause", "train_stop", "train_step", "train_reset")
        for name, action in zip(names, self._run_actions()):
            setattr(w.commands, name, action)
        w.commands.training_panel = self.toggle_action
        w.commands.train_graph = self.graph_action
        w.commands.train_save_weights = self.save_weights_action
        w.commands.train_load_weights = self.load_weights_action
        w.commands.train_export_history = self.export_history_action

    # -- from the window ------------------------------------------------------------------
    def offer_lesson(self, lesson: Lesson) -> None:
        """A lesson opened: one that trains brings the panel up with its settings."""
        if not lesson.trains:
            return
        self.panel.set_lesson(lesson.name)  # refused (and left alone) while a run goes on
        if not self.isVisible():
            self.show()
            # About 40 % of the window: the plots stay readable and the graph keeps the rest.
            w = self.main_window
            w.resizeDocks([self], [int(w.height() * 0.4)], Qt.Orientation.Vertical)
        self.raise_()

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Stop any run and wait for its threads (the window is closing)."""
        return self.panel.shutdown(timeout)

    # -- handlers -------------------------------------------------------------------------
    def _start(self) -> None:
        self.show()
        self.panel.start()

    def _step(self) -> None:
        self.show()
        self.panel.step()

    def _on_message_posted(self, text: str, level: str) -> None:
        self.main_window.message_bar.show_message(text, level)

    def _on_step_graph_ready(self, result, note: str) -> None:
        # Handed over as the run controller's own result: the canvas, inspector and player
        # then treat the step's graph exactly like a program's.
        self.main_window.show_after_run(note, "info")
        self.main_window.runs.succeeded.emit(result)

    def _on_font_size_changed(self) -> None:
        self.panel.set_font_size(self.main_window.settings.font_size)

    def _on_state_changed(self, state: str) -> None:
        p = self.panel
        for action, button in ((self.start_action, p.start_button), (self.pause_action, p.pause_button),
                               (self.stop_action, p.stop_button), (self.step_action, p.step_button),
                               (self.reset_action, p.reset_button), (self.graph_action, p.graph_button),
                               (self.save_weights_action, p.save_button), (self.load_weights_action, p.load_button),
                               (self.export_history_action, p.export_button)):
            action.setEnabled(button.isEnabled())
