"""The training panel in the window: its dock, the Train menu and the keys.

Lessons with ``trains`` set open the dock with the lesson's settings (``lesson_config``);
the others leave it as the user left it. A training step's graph reaches the canvas the way
a program's does: presented to the session.

The panel itself is made the first time it is wanted (shown, or asked for by a menu command
or a training lesson): its datasets and models import torch, which the app otherwise needs
only in its run processes, and the window comes up before torch has loaded anywhere.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QWidget

from gradviz.core.i18n import translate
from gradviz.core.layout.plan import Drawing
from gradviz.core.session import Session
from gradviz.qt.actions import make_action
from gradviz.qt.host import Host

__all__ = ["READABLE_ZOOM", "TrainingDock"]

#: A step's graph opens at least this large (its text readable), centred on the loss.
READABLE_ZOOM = 0.8
#: The share of the window's height the panel takes when a training lesson opens it.
DOCK_SHARE = 0.35


class TrainingDock(QDockWidget):
    """A bottom dock holding the :class:`TrainingPanel`, hidden until asked for.

    Parameters
    ----------
    session : Session
    host : Host

    Attributes
    ----------
    panel : TrainingPanel
        Made on first use.
    train_menu : QMenu
    toggle_action, start_action, pause_action, stop_action, step_action, reset_action,
    graph_action, save_weights_action, load_weights_action, export_history_action : QAction
        Also host commands (``train_start``...), so the shortcuts dialog lists them.
    """

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(translate("training_dock", "Training"), host.window)
        self.setObjectName("training_dock")  # saveState() finds docks by object name
        self.session, self.host = session, host
        window = host.window
        self._panel = None
        self.setWidget(QWidget())  # the panel's place until it is made
        host.add_dock(self, Qt.DockWidgetArea.BottomDockWidgetArea, in_view_menu=False)
        self.hide()
        self._opened_for_lesson = False  # shown because a training lesson opened (not by the user)
        self._readable_next = False  # the next drawing is a step's graph: open it readable

        self.toggle_action = self.toggleViewAction()
        self.toggle_action.setText(translate("training_dock", "&Training Panel"))
        self.toggle_action.setShortcut("Ctrl+T")
        self.toggle_action.setToolTip(translate("training_dock", "Show or hide the training panel (Ctrl+T)"))
        self.toggle_action.setStatusTip(translate("training_dock",
                                                  "Train a toy network and watch its loss and decision boundary"))
        self.start_action = make_action(window, translate("training_dock", "&Start / Continue Training"), self._start,
                                        ["F5"],
                                        translate("training_dock",
                                                  "Train with the panel's settings, or continue the current run"))
        self.pause_action = make_action(window, translate("training_dock", "&Pause / Resume Training"),
                                        lambda: self.panel.toggle_pause(),
                                        ["F6"], translate("training_dock",
                                                          "Hold the run after the current batch, or let it go on"))
        self.stop_action = make_action(window, translate("training_dock", "S&top Training"), lambda: self.panel.stop(),
                                       ["Shift+F5"],
                                       translate("training_dock", "End the run after the current batch"))
        self.step_action = make_action(window, translate("training_dock", "Train One &Batch"), self._step, ["F10"],
                                       translate("training_dock", "Run exactly one batch, then hold"))
        self.reset_action = make_action(window, translate("training_dock", "&Reset Training"),
                                        lambda: self.panel.reset(),
                                        ["Ctrl+Shift+F5"],
                                        translate("training_dock", "Forget the trained weights and the plots"))
        self.graph_action = make_action(window, translate("training_dock", "Show &Graph of This Step"),
                                        lambda: self.panel.show_step_graph(),
                                        ["Ctrl+Shift+G"],
                                        translate("training_dock",
                                                  "Draw the latest batch's autograd graph on the canvas"))
        self.save_weights_action = make_action(window, translate("training_dock", "Save &Weights…"),
                                               lambda: self.panel.save_weights_dialog(),
                                               ["Ctrl+Alt+W"],
                                               translate("training_dock", "Save the trained model's state_dict"))
        self.load_weights_action = make_action(window, translate("training_dock", "&Load Weights…"),
                                               lambda: self.panel.load_weights_dialog(),
                                               ["Ctrl+Alt+L"],
                                               translate("training_dock", "Load a state_dict into the model"))
        self.export_history_action = make_action(window, translate("training_dock", "E&xport Loss History…"),
                                                 lambda: self.panel.export_history_dialog(), ["Ctrl+Alt+C"],
                                                 translate("training_dock", "Write every batch's losses to a CSV file"))
        for action in self._run_actions()[1:] + [self.graph_action, self.save_weights_action,
                                                 self.load_weights_action, self.export_history_action]:
            action.setEnabled(False)  # nothing to act on before the panel exists
        self._add_menu()

        session.drawing_changed.connect(self._on_drawing_changed)
        session.program_opened.connect(self._on_program_opened)
        self.visibilityChanged.connect(lambda visible: visible and self.panel)

    @property
    def panel(self):
        """The training panel, made now if it was not yet."""
        if self._panel is None:
            from gradviz.qt.training.panel import TrainingPanel

            p = self._panel = TrainingPanel()
            p.layout_engine = self.host.settings.layout_engine_path or None
            self.setWidget(p)
            p.message_posted.connect(self.session.notify)
            p.step_graph_ready.connect(self._on_step_graph_ready)
            p.canvas_drawing = self._canvas_drawing
            p.state_changed.connect(self._on_state_changed)
            self._on_state_changed(p.state)
            self.session.font_size_changed.connect(p.set_font_size)
            p.set_font_size(self.session.font_size)
        return self._panel

    def _run_actions(self):
        return [self.start_action, self.pause_action, self.stop_action, self.step_action, self.reset_action]

    def _add_menu(self) -> None:
        host = self.host
        menu = host.menu("train")
        menu.addAction(self.toggle_action)
        menu.addSeparator()
        menu.addActions(self._run_actions())
        menu.addSeparator()
        menu.addAction(self.graph_action)
        menu.addSeparator()
        menu.addActions([self.save_weights_action, self.load_weights_action, self.export_history_action])
        self.train_menu = menu
        host.menu("view").addAction(self.toggle_action)
        names = ("train_start", "train_pause", "train_stop", "train_step", "train_reset")
        for name, action in zip(names, self._run_actions()):
            host.add_command(name, action)
        host.add_command("training_panel", self.toggle_action)
        host.add_command("train_graph", self.graph_action)
        host.add_command("train_save_weights", self.save_weights_action)
        host.add_command("train_load_weights", self.load_weights_action)
        host.add_command("train_export_history", self.export_history_action)

    # -- from the session -----------------------------------------------------------------
    def _on_program_opened(self) -> None:
        """A lesson opened: one that trains brings the panel up with its settings; another one
        puts away a panel only a training lesson had brought up (the graph needs the room)."""
        lesson = self.session.lesson
        if lesson is None or not lesson.trains:
            if self._opened_for_lesson:  # a run goes on meanwhile; Ctrl+T brings the panel back
                self.hide()
            self._opened_for_lesson = False
            return
        self.panel.set_lesson(lesson.name)  # refused (and left alone) while a run goes on
        if not self.isVisible():
            self.show()
            self._opened_for_lesson = True
            # About a third of the window: the plots stay readable and the graph keeps the rest.
            w = self.host.window
            w.resizeDocks([self], [int(w.height() * DOCK_SHARE)], Qt.Orientation.Vertical)
        self.raise_()

    def _canvas_drawing(self):
        """The canvas's drawing and look, for a step's graph to keep."""
        s = self.session
        drawing = Drawing(s.trace, s.layout, s.collapsed) if s.trace is not None and s.layout is not None else None
        return drawing, s.look()

    def _on_step_graph_ready(self, result, note: str) -> None:
        self._readable_next = not result.reused  # an update in place keeps the view the user has
        self.session.present(result, note)

    def _on_drawing_changed(self) -> None:
        if not self._readable_next:
            return
        self._readable_next = False
        view, trace = self.host.canvas, self.session.trace
        if view.zoom < READABLE_ZOOM:
            view.set_zoom(READABLE_ZOOM)
        root = view.node_items.get(trace.root) if trace is not None and trace.root else None
        if root is not None:
            view.centerOn(root)
        view.stop_fitting()

    def is_training(self) -> bool:
        """Whether a training run is going on (running or paused)."""
        return self._panel is not None and self._panel.state in ("running", "paused")

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Stop any run and wait for its threads (the window is closing)."""
        return self._panel.shutdown(timeout) if self._panel is not None else True

    # -- handlers -------------------------------------------------------------------------
    def _start(self) -> None:
        self.show()
        self.panel.start()

    def _step(self) -> None:
        self.show()
        self.panel.step()

    def _on_state_changed(self, state: str) -> None:
        p = self.panel
        for action, button in ((self.start_action, p.start_button), (self.pause_action, p.pause_button),
                               (self.stop_action, p.stop_button), (self.step_action, p.step_button),
                               (self.reset_action, p.reset_button), (self.graph_action, p.graph_button),
                               (self.save_weights_action, p.save_button), (self.load_weights_action, p.load_button),
                               (self.export_history_action, p.export_button)):
            action.setEnabled(button.isEnabled())
