"""Step-through: the player, the chain-rule dock, Show gradient at, and animation export.

The player sits under the canvas and moves a cursor over the steps of the graph on screen
(the session's drawing); its position is the session's step. A lesson's ``start_step`` is
where the player starts; a re-run with edited values keeps the step it was at.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMenu, QProgressDialog

from gradviz.core.i18n import translate
from gradviz.core.session import Session
from gradviz.core.stepping.explain import printed
from gradviz.core.stepping.marks import StepIndex, grad_badge_text
from gradviz.core.stepping.steps import Step, iter_steps
from gradviz.core.trace import TensorValue, Trace
from gradviz.qt.actions import make_action
from gradviz.qt.canvas.graph_scene import SlicedWork
from gradviz.qt.host import Host
from gradviz.qt.stepping.animation_export import AnimationFiles, export_frames
from gradviz.qt.stepping.canvas_marks import StepCanvas
from gradviz.qt.stepping.chain_panel import ChainPanel
from gradviz.qt.stepping.lecture_strip import LectureStrip
from gradviz.qt.stepping.player import Player, player_actions, step_text

#: While playing, the chain-rule panel and the inspector are refreshed at most this often.
PANELS_WHILE_PLAYING_MS = 150
#: Graphs up to this many nodes get their steps at once (about 10 ms); bigger ones in slices.
PREPARE_AT_ONCE_NODES = 1000
#: Presentation mode: points added to the player's font, and the least zoom while following steps.
PRESENTATION_FONT_BOOST = 8
PRESENTATION_MIN_ZOOM = 0.9  # of boxes already drawn in the larger presentation font


def last_gradient(trace: Trace, node_id: str) -> TensorValue | None:
    """The gradient that arrived at ``node_id`` in the last pass that reached it: what
    ``retain_grad()`` on that tensor would hold (a leaf: its ``.grad``)."""
    node = trace.node(node_id)
    if node.kind == "leaf":
        return node.grad
    for p in reversed(trace.passes):
        if node_id in p.grad_outputs:
            return p.arriving(node_id)
    return None


class StepThrough(QObject):
    """Step-through: the player under the canvas, the Chain Rule dock, the Step menu,
    the node menu's Show Gradient entry and File ▸ Export Animation….

    Attributes
    ----------
    player : Player
    chain_panel : ChainPanel
    chain_dock : QDockWidget
    canvas : StepCanvas
        Applies the marks of the player's position to the canvas items.
    index : StepIndex or None
        The current trace's steps, indexed (None while no graph is shown).
    show_gradient_action, export_animation_action : QAction
    """

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(host.window)
        self.session, self.host = session, host
        self.view = view = host.canvas
        self.index: StepIndex | None = None
        self.canvas = StepCanvas()
        self._start_step: int | None = None
        self._left: tuple[Trace | None, int] = (None, -1)  # the trace and step a run started at
        self._player_font: QFont | None = None  # its own font, while presentation mode enlarges it

        # Presentation mode's chain rule, above the player: what the Chain Rule dock says, large.
        self.strip = LectureStrip()
        self.strip.hide()
        host.place(self.strip, "below_canvas")
        self.player = Player()
        host.place(self.player, "below_canvas")
        self.player.attach_keys(view)
        # A quiz question holds the player until it is answered.
        self.player.gate = lambda: session.question is None
        self.chain_panel = ChainPanel()
        self.chain_dock = QDockWidget(translate("step_through", "Chain Rule"), host.window)
        self.chain_dock.setObjectName("chain_rule_dock")
        self.chain_dock.setWidget(self.chain_panel)
        host.add_dock(self.chain_dock, Qt.DockWidgetArea.RightDockWidgetArea, below="inspector_dock")
        self._on_font_size_changed(session.font_size)

        self.show_gradient_action = make_action(view, translate("step_through", "Show &Gradient at Selected Node"),
                                                self.show_gradient_at,
                                                ["G"], translate("step_through",
                                                                 "Show the selected node's gradient (what "
                                                                 "retain_grad() would keep) as a badge and in the "
                                                                 "inspector"))
        # A plain letter: only while the canvas has focus, or it could not be typed in the editor.
        self.show_gradient_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.export_animation_action = make_action(host.window, translate("step_through", "Export &Animation…"),
                                                   self.export_animation_dialog,
                                                   ["Ctrl+Shift+E"],
                                                   translate("step_through",
                                                             "Write every step as a PNG frame (and an animated GIF) "
                                                             "into a folder"))
        host.node_menu.add_provider(self._on_node_menu_requested)
        self._add_menus()

        self._preparing = SlicedWork(self)
        self._panels_timer = QTimer(self)
        self._panels_timer.setSingleShot(True)
        self._panels_timer.setInterval(PANELS_WHILE_PLAYING_MS)
        self._panels_timer.timeout.connect(self._update_panels)
        view.graph_shown.connect(self._on_graph_shown)
        # A run may refill the drawing in place: leave the player first, so what gets refilled
        # is the after-run look, not the player's marks.
        session.run_started.connect(self._on_run_started)
        session.program_opened.connect(self._on_program_opened)
        session.values_edited.connect(lambda: self.start_next_run_at(self.player.position))
        session.font_size_changed.connect(self._on_font_size_changed)
        session.presentation_changed.connect(self._on_presentation_changed)
        session.question_changed.connect(self._on_question_changed)
        host.window.installEventFilter(self)
        self.player.position_changed.connect(self._on_position_changed)
        self.player.playing_changed.connect(self._on_playing_changed)

    # -- public API -----------------------------------------------------------------------
    @property
    def trace(self) -> Trace | None:
        scene = self.canvas.scene
        return scene.trace if scene is not None else None

    def _on_run_started(self) -> None:
        # Leave the player first (a run may refill the drawing in place); the same graph laid
        # out again (a module folded, a bigger font) comes back at the step it was left at.
        self._left = (self.index.trace if self.index is not None else None, self.player.position)
        self.player.leave()

    def _on_program_opened(self) -> None:
        # A lesson's player starts at its start_step once the graph is drawn.
        lesson = self.session.lesson
        self._start_step = lesson.start_step if lesson is not None else None

    def start_next_run_at(self, position: int) -> None:
        """Put the player at ``position`` once the next run's graph is drawn (edit and re-run)."""
        self._start_step = position

    def canvas_step_at(self, position: int) -> Step | None:
        """The step at ``position`` of the graph on screen, without showing it."""
        if self.index is None or not 0 <= position < len(self.index.steps):
            return None
        return self.index.steps[position]

    def show_gradient_at(self, node_id: str | None = None) -> TensorValue | None:
        """Badge ``node_id`` (default: the selected node) with the gradient that arrived at it in
        the last backward pass, select it so the inspector shows it, and say so; returns it."""
        view = self.view
        node_id = node_id or view.selected_node_id
        trace = self.trace
        if trace is None or node_id is None:
            self.session.notify(translate("step_through", "Select a node first: then its gradient can be shown."),
                                "info")
            return None
        node = trace.node(node_id)
        value = last_gradient(trace, node_id)
        if value is None:
            self.session.notify(translate("step_through", "No gradient reached {title}: no backward pass ran through "
                                                          "it.").format(title=node.title), "warning")
            return None
        self.canvas.set_node_badge(node_id, grad_badge_text(value))
        view.select_node(node_id)
        if node.kind == "leaf":
            text = translate("step_through", "Gradient at {title} after the last backward pass (what .grad holds): "
                             "{value}")
        else:
            text = translate("step_through", "Gradient at {title} after the last backward pass (what .retain_grad() "
                             "would keep): {value}")
        self.session.notify(text.format(title=node.title, value=value.short()), "info")
        return value

    def canvas_step(self, position: int) -> Step | None:
        """Show the marks of ``position`` on the canvas (−1: the after-run look); returns its step."""
        if self.index is None:
            return None
        if position < 0:
            self.canvas.restore()
            return None
        marks = self.index.marks(position, self.session.hidden)
        self.canvas.apply(marks)
        return marks.step

    def export_animation(self, folder: str | Path, gif: bool = True, progress=None) -> AnimationFiles | None:
        """Write a frame per position (before the first step, then every step) into ``folder``.

        The canvas is put back as it was afterwards. Returns None when no graph is shown.
        """
        scene, index = self.canvas.scene, self.index
        if scene is None or index is None:
            return None
        self.player.pause()
        count = len(index.steps)
        selected = scene.selected_node_id()
        scene.blockSignals(True)  # a selection ring on every frame would mislead; keep the inspector still
        scene.clearSelection()

        def show(position: int) -> str:
            return step_text(index.trace, self.canvas_step(position), count)

        def still_here(done: int, total: int) -> bool:
            # The progress dialog lets events through: a run finishing meanwhile replaces the drawing.
            if self.canvas.scene is not scene:
                return False
            return progress(done, total) if progress is not None else True

        try:
            return export_frames(scene, range(-1, count), show, Path(folder), theme=self.session.theme,
                                 frame_ms=round(1000 / self.player.speed), gif=gif, progress=still_here)
        finally:
            if self.canvas.scene is scene:
                self.canvas_step(self.player.position)
                if selected is not None and selected in scene.node_items:
                    scene.node_items[selected].setSelected(True)
            scene.blockSignals(False)

    def export_animation_dialog(self, folder: str | None = None) -> AnimationFiles | None:
        """Ask for a folder, export with a cancellable progress dialog, and say what was written."""
        if self.index is None:
            self.session.notify(translate("step_through", "There is no graph to animate yet: run a program first."),
                                "warning")
            return None
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self.host.window,
                                                      translate("step_through", "Export animation frames into folder"))
            if not folder:
                return None
        total = len(self.index.steps) + 1
        dialog = QProgressDialog(translate("step_through", "Writing animation frames…"), "Cancel", 0, total,
                                 self.host.window)
        dialog.setWindowTitle(translate("step_through", "Export animation"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)  # a lesson's few frames finish before it would show

        def progress(done: int, _total: int) -> bool:
            dialog.setValue(done)  # a modal dialog processes events here, so Cancel is heard
            return not dialog.wasCanceled()

        try:
            files = self.export_animation(folder, progress=progress)
        except OSError as error:
            self.session.notify(translate("step_through",
                                          "Could not export the animation: {error}").format(error=error), "error")
            return None
        finally:
            dialog.reset()
            dialog.deleteLater()
        if files is not None:
            self._report(files)
        return files

    # -- handlers -------------------------------------------------------------------------
    def _on_font_size_changed(self, size: int) -> None:
        font = QFont(self.chain_panel.font())
        font.setPointSize(size)
        self.chain_panel.setFont(font)

    def _on_presentation_changed(self, on: bool) -> None:
        # The chain rule comes out of its (hidden) dock into the strip under the canvas.
        self.strip.setVisible(on)
        if on:
            self.strip.fit_to_window()
            self._update_panels()
        # The player line is read from the back of the room too.
        if on:
            self._player_font = QFont(self.player.font())
            bigger = QFont(self._player_font)
            bigger.setPointSizeF(self._player_font.pointSizeF() + PRESENTATION_FONT_BOOST)
            self.player.setFont(bigger)
        elif self._player_font is not None:
            self.player.setFont(self._player_font)
            self._player_font = None

    def _show_no_steps(self) -> None:
        """The strip without steps: what a program that made no graph printed, else the hint."""
        shown = self.session.trace
        if shown is not None and shown.is_empty and shown.output:
            self.strip.show_lines(translate("step_through", "No graph to step through. The program printed:"),
                                  printed(shown))
        else:
            self.strip.show_explanation(None)

    def _on_question_changed(self, _posed: object) -> None:
        # The gradient asked for is hidden (or revealed) on the canvas and in the text alike.
        if self.index is not None and self.player.position >= 0:
            self.canvas_step(self.player.position)
        self._update_panels()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.host.window and event.type() == QEvent.Type.Resize and self.strip.isVisible():
            self.strip.fit_to_window()
        return False

    def _on_graph_shown(self) -> None:
        self._preparing.clear()
        scene = self.view.graph_scene
        self.canvas.bind(scene)
        self.index = None
        self.session.set_step(-1)
        trace = scene.trace if scene is not None else None
        start, self._start_step = self._start_step, None
        left, self._left = self._left, (None, -1)
        if start is None and trace is not None and left[0] is trace and left[1] >= 0:
            start = left[1]
        if trace is None or trace.is_empty:
            # An explanation on the canvas has no scene: the session's trace is the program's.
            shown = self.session.trace if trace is None else trace
            self.player.set_steps(shown if shown is not None and shown.is_empty else trace, ())
            self._show_no_steps()
            return
        out: list[tuple[Step, ...]] = []
        if len(trace.nodes) <= PREPARE_AT_ONCE_NODES:
            for _ in iter_steps(trace, out):
                pass
            self._on_steps_ready(trace, out[0], start)
            return
        # Thousands of steps: made between event-loop turns, the player waiting meanwhile.
        self.player.set_steps(trace, ())
        self.player.step_label.setText(translate("step_through", "Preparing the steps…"))
        self._preparing.add(iter_steps(trace, out), lambda: self._on_steps_ready(trace, out[0], start))

    def _on_steps_ready(self, trace: Trace, steps: tuple[Step, ...], start: int | None) -> None:
        if self.canvas.scene is None or self.canvas.scene.trace is not trace:
            return  # a newer drawing came meanwhile
        self.index = StepIndex(trace, steps) if steps else None
        self.player.set_steps(trace, steps, start if start is not None else -1)

    def _on_position_changed(self, position: int) -> None:
        index, scene = self.index, self.canvas.scene
        if index is None or scene is None:
            self.chain_panel.show_step(None, None)
            self._show_no_steps()
            self.session.set_step(-1)
            self.session.set_step_line(None)
            return
        step = self.canvas_step(position)
        self.session.set_step(position if step is not None else -1)
        if step is not None and step.node_id in scene.node_items and not self.view.is_sketching:
            item = scene.node_items[step.node_id]
            if self.session.presentation:  # a projector: the whole graph when it fits big enough,
                fit = self.view.fit_zoom()  # else the current step in the middle at a readable size
                if fit >= PRESENTATION_MIN_ZOOM:
                    if abs(self.view.zoom - fit) > 1e-3:
                        self.view.set_zoom(fit)
                    self.view.centerOn(scene.sceneRect().center())
                else:
                    if self.view.zoom < PRESENTATION_MIN_ZOOM:
                        self.view.set_zoom(PRESENTATION_MIN_ZOOM)
                    self.view.centerOn(item)
                self.view.stop_fitting()  # the strip growing by a line must not refit it smaller
            else:
                self.view.ensureVisible(item.sceneBoundingRect(), 24, 24)
        if self.player.is_playing:
            # The panels cost more than the canvas (~10 ms a step for a formula, the inspector's
            # tables and their repaint): while playing they catch up a few times a second.
            if not self._panels_timer.isActive():
                self._panels_timer.start()
        else:
            self._update_panels()

    def _on_playing_changed(self, playing: bool) -> None:
        if not playing:
            self._panels_timer.stop()
            self._update_panels()

    def _update_panels(self) -> None:
        """The chain-rule panel and the inspector follow the current step."""
        index, scene = self.index, self.canvas.scene
        if index is None or scene is None:
            self._show_no_steps()
            self.session.set_step_line(None)
            return
        step = self.player.cursor.current
        self.chain_panel.show_step(index.trace, step, len(index.steps), self.session.hidden)
        explanation = self.chain_panel.explanation
        self.strip.show_explanation(explanation)
        self.session.set_step_line(explanation.line if explanation is not None else None)
        if step is not None and step.node_id in scene.node_items and scene.selected_node_id() != step.node_id:
            scene.select_node(step.node_id)  # the inspector follows the current node

    def _on_node_menu_requested(self, menu: QMenu, node_id: str) -> None:
        trace = self.trace
        if trace is None:
            return
        node = trace.node(node_id)
        action = menu.addAction(translate("step_through", "Show Gradient at {title}").format(title=node.title))
        action.setToolTip(translate("step_through", "The gradient that arrived here in the last backward pass, as "
                                                    "retain_grad() would keep it"))
        action.setEnabled(last_gradient(trace, node_id) is not None)
        action.triggered.connect(lambda _checked=False, n=node_id: self.show_gradient_at(n))

    def _add_menus(self) -> None:
        host = self.host
        step_menu = host.menu("step")
        step_menu.addActions(player_actions(self.player))
        step_menu.addSeparator()
        step_menu.addAction(self.show_gradient_action)
        self.step_menu = step_menu
        file_menu = host.menu("file")
        export = getattr(host.commands, "export", None)
        actions = file_menu.actions()
        after = actions[actions.index(export) + 1] if export in actions[:-1] else None
        file_menu.insertAction(after, self.export_animation_action)
        # Listed in the shortcuts dialog with the window's other commands.
        names = ("play", "step_back", "step_forward", "first_step", "last_step", "leave_player")
        for name, action in zip(names, player_actions(self.player)):
            host.add_command(name, action)
        host.add_command("show_gradient", self.show_gradient_action)
        host.add_command("export_animation", self.export_animation_action)

    def _report(self, files: AnimationFiles) -> None:
        n = len(files.frames)
        if files.cancelled:
            text = translate("step_through", "Export cancelled after {n} frames (in {folder}).").format(
                n=n, folder=files.folder)
        elif files.gif is not None:
            text = translate("step_through", "Wrote {n} frames and {gif} to {folder}.").format(
                n=n, gif=files.gif.name, folder=files.folder)
        else:
            text = translate("step_through", "Wrote {n} frames to {folder}.").format(n=n, folder=files.folder)
            text = f"{text} {files.gif_error}".strip()
        level = "info"
        self.session.notify(text, level)
