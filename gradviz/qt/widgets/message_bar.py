"""The message bar: a dismissible strip for errors, warnings and notes, never a modal box."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.qt.theme import MESSAGE_COLORS, theme_of

LEVELS = ("error", "warning", "info")
# A word as well as a colour, so the level is clear in grey-scale and to screen readers.
_LEVEL_WORDS = {"error": QT_TRANSLATE_NOOP("message_bar", "Error"),
                "warning": QT_TRANSLATE_NOOP("message_bar", "Warning"),
                "info": QT_TRANSLATE_NOOP("message_bar", "Note")}


class MessageBar(QFrame):
    """A strip above the editor or canvas that tells the student what happened.

    Hidden until :meth:`show_message`; the close button hides it again.

    Parameters
    ----------
    parent : QWidget, optional
        The Qt parent.

    Attributes
    ----------
    level_label, message_label : QLabel
        The level word ("Error", "Warning", "Note") and the message.
    line_button, action_button, close_button : QAbstractButton
        "Go to line N", the optional action, and dismiss.

    Signals
    -------
    line_activated(int)
        The user clicked "Go to line N"; carries N (1-based).
    action_triggered()
        The user clicked the optional action button.
    dismissed()
        The user closed the bar.
    """

    line_activated = Signal(int)
    action_triggered = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._level = "info"
        self._line: int | None = None
        self._action: Callable[[], object] | None = None
        self._theme = ""
        self._styled: tuple[str, str] | None = None  # (theme, level) of the style sheet set

        self.level_label = QLabel(self)
        self.level_label.setObjectName("MessageLevel")
        font = self.level_label.font()
        font.setBold(True)
        self.level_label.setFont(font)
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.line_button = QPushButton(self)
        self.line_button.setFlat(True)
        self.line_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.line_button.clicked.connect(self._on_line_clicked)
        self.action_button = QPushButton(self)
        self.action_button.clicked.connect(self._on_action_clicked)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(translate("message_bar", "Dismiss"))
        self.close_button.setAccessibleName(translate("message_bar", "Dismiss message"))
        self.close_button.clicked.connect(self._on_close_clicked)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.level_label, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.message_label, 1)
        layout.addWidget(self.line_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.line_button.hide()
        self.action_button.hide()
        self.hide()

    # -- public API -----------------------------------------------------------------------
    def show_message(
        self,
        text: str,
        level: str = "error",
        line: int | None = None,
        action_text: str | None = None,
        action: Callable[[], object] | None = None,
    ) -> None:
        """Show ``text``, replacing any message already shown.

        Parameters
        ----------
        text : str
            The message, plain text.
        level : {"error", "warning", "info"}
            Sets the colours and the leading word.
        line : int, optional
            A 1-based program line; adds a "Go to line N" button.
        action_text : str, optional
            Label of an extra button (e.g. "Use implicit backward"); it emits
            ``action_triggered`` and calls ``action`` if one is given.
        action : callable, optional
            Called with no arguments when the action button is clicked.
        """
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
        self._level = level
        self._line = line
        self._action = action
        word = translate("message_bar", _LEVEL_WORDS[level])
        self.level_label.setText(translate("message_bar", "{word}:").format(word=word))
        self.message_label.setText(text)
        self.setAccessibleDescription(translate("message_bar", "{word}: {text}").format(word=word, text=text))
        self.line_button.setVisible(line is not None)
        if line is not None:
            self.line_button.setText(translate("message_bar", "Go to line {line}").format(line=line))
        self.action_button.setVisible(bool(action_text))
        self.action_button.setText(action_text or "")
        self._apply_style(force=True)
        self.show()

    def clear(self) -> None:
        """Hide the bar and forget the message (no ``dismissed`` signal)."""
        self._line = None
        self._action = None
        self.message_label.clear()
        self.level_label.clear()
        self.line_button.hide()
        self.action_button.hide()
        self.hide()

    def text(self) -> str:
        """The message shown, or "" when none is."""
        return self.message_label.text()

    @property
    def level(self) -> str:
        """The level of the current message."""
        return self._level

    @property
    def line(self) -> int | None:
        """The program line the current message points at, if any."""
        return self._line

    # -- handlers -------------------------------------------------------------------------
    def _on_line_clicked(self) -> None:
        if self._line is not None:
            self.line_activated.emit(self._line)

    def _on_action_clicked(self) -> None:
        self.action_triggered.emit()
        if self._action is not None:
            self._action()

    def _on_close_clicked(self) -> None:
        self.clear()
        self.dismissed.emit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_style()

    def _apply_style(self, force: bool = False) -> None:
        # The application's palette, not ours: our style sheet repaints our own background.
        theme = theme_of(QApplication.palette())
        if theme == self._theme and not force:
            return  # setting a style sheet sends another PaletteChange; stop the loop here
        if (theme, self._level) == self._styled:
            return  # a style sheet re-polishes every child (~1 ms a message): only when it changes
        self._theme, self._styled = theme, (theme, self._level)
        background, border, text = MESSAGE_COLORS[theme][self._level]
        self.setStyleSheet(
            f"QFrame#MessageBar {{ background: {background}; border: 2px solid {border};"
            f" border-radius: 4px; }}"
            f" QFrame#MessageBar QLabel {{ color: {text}; background: transparent; border: none; }}"
            f" QFrame#MessageBar QPushButton:flat {{ color: {text}; text-decoration: underline;"
            f" border: none; }}"
        )
