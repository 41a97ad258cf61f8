"""The step-through player under the canvas: play/pause, step, first/last, speed, timeline."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QToolButton, QVBoxLayout, QWidget

from gradviz.core.i18n import translate
from gradviz.core.stepping.steps import BACKWARD, Cursor, Step
from gradviz.core.trace import Trace
from gradviz.qt.actions import make_action
from gradviz.qt.stepping.player_icons import player_icon
from gradviz.qt.stepping.timeline import Timeline
from gradviz.qt.widgets.plain_text import tip

MIN_SPEED, MAX_SPEED = 0.5, 20.0  # steps per second
DEFAULT_SPEED = 2.0
_SLIDER_STEPS = 100


def speed_of(slider_value: int) -> float:
    """Steps per second for a speed-slider position (logarithmic: slow speeds get room)."""
    return MIN_SPEED * (MAX_SPEED / MIN_SPEED) ** (slider_value / _SLIDER_STEPS)


def slider_of(speed: float) -> int:
    speed = min(max(speed, MIN_SPEED), MAX_SPEED)
    return round(math.log(speed / MIN_SPEED) / math.log(MAX_SPEED / MIN_SPEED) * _SLIDER_STEPS)


def step_text(trace: Trace | None, step: Step | None, count: int) -> str:
    """"Step 9 of 21 · backward #2 · SigmoidBackward0 a" for the label."""
    if step is None:
        if count:
            return translate("player", "Before the first step · {count} steps").format(count=count)
        return (translate("player", "No steps: the program made no graph") if trace is not None
                else translate("player", "No steps: run a program"))
    node = trace.node(step.node_id) if trace is not None else None
    what = f"{node.op} {node.label}".strip() if node is not None else step.node_id
    # The pass's call (loss.backward()) is in the chain-rule panel: this line must stay short.
    phase = (translate("player", "backward #{n}").format(n=(step.pass_index or 0) + 1) if step.phase == BACKWARD
             else translate("player", "forward"))
    return translate("player", "Step {n} of {count} · {phase} · {what}").format(n=step.index + 1, count=count,
                                                                                phase=phase, what=what)


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when it is too narrow, instead of cutting a word.

    ``text()`` stays the whole text (tests and the tooltip read it).
    """

    def shown_text(self) -> str:
        """What fits: the text, or its start and "…"."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment() | Qt.AlignmentFlag.AlignVCenter),
                         self.shown_text())
        painter.end()


class Player(QWidget):
    """Moves a :class:`~gradviz.core.stepping.steps.Cursor` over a trace's steps, by hand or in time.

    The keys (Space, ←, →, Home, End) are actions bound to this player's timeline and to
    any widget passed to :meth:`attach_keys` (the canvas), with a widget-with-children
    context: the code editor keeps its arrows and spaces.

    Attributes
    ----------
    cursor : Cursor
        The position over the steps (replaced by :meth:`set_steps`).
    timeline : Timeline
        The scrubber.
    speed_slider : QSlider
        Steps per second, logarithmic from ``MIN_SPEED`` to ``MAX_SPEED``.
    play_action, next_action, previous_action, first_action, last_action, leave_action : QAction
        The player's commands.

    Signals
    -------
    position_changed(int)
        The cursor moved (−1: before the first step, the plain after-run canvas).
    playing_changed(bool)
        Playback started or stopped.
    blocked()
        A move forward was refused by ``gate`` (a quiz question waits for its answer).

    ``gate``, when set, is asked before every move forward; False keeps the player where
    it is (and pauses it).
    """

    position_changed = Signal(int)
    playing_changed = Signal(bool)
    blocked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("player")
        self.trace: Trace | None = None
        self.gate: Callable[[], bool] | None = None
        self.cursor = Cursor(())
        self.cursor.subscribe(self._on_cursor_moved)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # a steady beat, not coarse 5 % slack
        self._timer.timeout.connect(self._on_tick)

        self.timeline = Timeline(self)
        self.timeline.seek_requested.connect(self.seek)
        t = self.timeline  # actions live on the timeline: see attach_keys
        self.play_action = make_action(t, translate("player", "&Play"), self.toggle_play, ["Space"],
                                       translate("player", "Play the steps one after the other, or pause"))
        self.previous_action = make_action(t, translate("player", "Step &Back"), self.step_back, ["Left"],
                                           translate("player", "Go back one step"))
        self.next_action = make_action(t, translate("player", "Step &Forward"), self.step_forward, ["Right"],
                                       translate("player", "Go forward one step"))
        self.first_action = make_action(t, translate("player", "F&irst Step"), self.first, ["Home"],
                                        translate("player", "Go to the first step"))
        self.last_action = make_action(t, translate("player", "&Last Step"), self.last, ["End"],
                                       translate("player", "Go to the last step"))
        # Before the first step, as Home is the first step: the plain graph with its gradients.
        self.leave_action = make_action(t, translate("player", "Leave &Player"), self.leave, ["Ctrl+Home"],
                                        translate("player",
                                                  "Leave the player: back to the plain graph with its gradients"))
        self.key_actions = [self.play_action, self.previous_action, self.next_action,
                            self.first_action, self.last_action, self.leave_action]
        for action in self.key_actions:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        # Two rows: the timeline gets the full width of the canvas, the controls sit under it.
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.timeline)
        row = QHBoxLayout()
        row.setSpacing(4)
        column.addLayout(row)
        self.buttons: dict[str, QToolButton] = {}
        for name, action in (("first", self.first_action), ("previous", self.previous_action),
                             ("play", self.play_action), ("next", self.next_action),
                             ("last", self.last_action), ("leave", self.leave_action)):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setAutoRaise(True)
            row.addWidget(button)
            self.buttons[name] = button
        self.step_label = ElidedLabel()
        self.step_label.setToolTip(translate("player", "The current step: its phase and the node it runs"))
        # Long op names must not push the speed slider off the window.
        self.step_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.step_label, 1)
        row.addSpacing(12)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, _SLIDER_STEPS)
        self.speed_slider.setFixedWidth(110)
        self.speed_slider.setToolTip(translate("player", "Playback speed: {low:g} to {high:g} steps per second").format(
            low=MIN_SPEED, high=MAX_SPEED))
        self.speed_slider.setAccessibleName(translate("player", "Playback speed"))
        self.speed_label = QLabel()
        self.speed_label.setToolTip(translate("player", "Steps per second while playing"))
        self.speed_slider.valueChanged.connect(self._on_speed_changed)
        row.addWidget(QLabel(translate("player", "Speed")))
        row.addWidget(self.speed_slider)
        row.addWidget(self.speed_label)
        self._paint_icons()
        self.speed_slider.setValue(slider_of(DEFAULT_SPEED))
        self._on_speed_changed(self.speed_slider.value())
        self.set_steps(None, ())

    # -- model ----------------------------------------------------------------------------
    def set_steps(self, trace: Trace | None, steps: tuple[Step, ...], position: int = -1) -> None:
        """Step over ``steps`` of ``trace`` from now on, starting at ``position``."""
        self.pause()
        self.trace = trace
        self.cursor = Cursor(steps, position)
        self.cursor.subscribe(self._on_cursor_moved)
        self.timeline.set_bounds(self.cursor.phase_bounds(), len(steps))
        for action in self.key_actions:
            action.setEnabled(bool(steps))
        self._on_cursor_moved(self.cursor.position)

    @property
    def position(self) -> int:
        return self.cursor.position

    @property
    def count(self) -> int:
        return len(self.cursor.steps)

    @property
    def is_playing(self) -> bool:
        return self._timer.isActive()

    @property
    def speed(self) -> float:
        """Steps per second."""
        return speed_of(self.speed_slider.value())

    def set_speed(self, steps_per_second: float) -> None:
        self.speed_slider.setValue(slider_of(steps_per_second))

    def attach_keys(self, widget: QWidget) -> None:
        """Make the player's keys work while ``widget`` (or a child) has the focus."""
        widget.addActions(self.key_actions)

    # -- commands -------------------------------------------------------------------------
    def may_move_to(self, position: int) -> bool:
        """False when ``position`` is ahead and the gate holds the player (``blocked`` is emitted)."""
        if position <= self.cursor.position or self.gate is None or self.gate():
            return True
        self.pause()
        self.blocked.emit()
        return False

    def seek(self, position: int) -> int:
        if not self.may_move_to(position):
            return self.cursor.position
        return self.cursor.seek(position)

    def step_forward(self) -> int:
        return self.seek(self.cursor.position + 1)

    def step_back(self) -> int:
        return self.cursor.previous()

    def first(self) -> int:
        return self.cursor.first()

    def last(self) -> int:
        return self.seek(len(self.cursor.steps) - 1)

    def leave(self) -> int:
        """Stop and go back before the first step (the plain after-run canvas)."""
        self.pause()
        return self.cursor.seek(-1)

    def play(self) -> None:
        """Advance a step every 1/speed seconds until the last step."""
        if not self.cursor.steps or self.is_playing:
            return
        if self.cursor.at_end:
            self.cursor.seek(0)  # play again from the start
        self._timer.start(self._interval())
        self._on_playing_changed(True)

    def pause(self) -> None:
        if self.is_playing:
            self._timer.stop()
            self._on_playing_changed(False)

    def toggle_play(self) -> None:
        self.pause() if self.is_playing else self.play()

    def text(self) -> str:
        return self.step_label.text()

    # -- handlers -------------------------------------------------------------------------
    def _interval(self) -> int:
        return max(1, round(1000 / self.speed))

    def _on_tick(self) -> None:
        self.step_forward()
        if self.cursor.at_end:
            self.pause()

    def _on_cursor_moved(self, position: int) -> None:
        self.timeline.set_position(position)
        text = step_text(self.trace, self.cursor.current, len(self.cursor.steps))
        self.step_label.setText(text)
        self.step_label.setToolTip(tip(text))  # the label may be cut off in a narrow window
        self.position_changed.emit(position)

    def _on_playing_changed(self, playing: bool) -> None:
        self.play_action.setText(translate("player", "&Pause") if playing else translate("player", "&Play"))
        self._paint_icons()
        self.playing_changed.emit(playing)

    def _paint_icons(self) -> None:
        color = self.palette().buttonText().color()
        for kind, action in (("first", self.first_action), ("previous", self.previous_action),
                             ("next", self.next_action), ("last", self.last_action), ("stop", self.leave_action)):
            action.setIcon(player_icon(kind, color))
        self.play_action.setIcon(player_icon("pause" if self.is_playing else "play", color))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.PaletteChange:  # a theme switch: icons in the new text colour
            self._paint_icons()
        super().changeEvent(event)

    def _on_speed_changed(self, value: int) -> None:
        self.speed_label.setText(f"{speed_of(value):.1f}/s")
        if self.is_playing:
            self._timer.setInterval(self._interval())


def player_actions(player: Player) -> list[QAction]:
    """The player's actions in menu order."""
    return [player.play_action, player.previous_action, player.next_action,
            player.first_action, player.last_action, player.leave_action]
