"""The find bar: a small strip over the canvas that finds nodes by op or label (Ctrl+F)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from gradviz.core.i18n import translate

_MARGIN = 10


class FindBar(QFrame):
    """Type a few letters of an op or a label; Enter / Shift+Enter (or F3 / Shift+F3) walk
    through the matches, Esc closes.

    The bar keeps the matches and the position among them; what matches and what "going
    to" a node means are the caller's: ``search(text) -> list of node ids`` and
    ``jump(node_id)``.

    Parameters
    ----------
    canvas : QWidget
        The widget the bar floats over (top right corner); it follows its size.
    search : callable
        Node ids matching a text, in the order to visit them.
    jump : callable
        Called with the node id to show.

    Attributes
    ----------
    edit : QLineEdit
    count_label : QLabel
        "3 of 12", "no match" or "".
    matches : list of str
    index : int
        Position of the current match in ``matches`` (-1 before the first jump).

    Signals
    -------
    closed()
        The bar was closed (Esc or its button).
    """

    closed = Signal()

    def __init__(self, canvas: QWidget, search: Callable[[str], list[str]], jump: Callable[[str], None]) -> None:
        super().__init__(canvas)
        self.setObjectName("find_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self._canvas = canvas
        self._search, self._jump = search, jump
        self.matches: list[str] = []
        self.index = -1
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(translate("find_bar", "Find op or label"))
        self.edit.setAccessibleName(translate("find_bar", "Find node"))
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(200)
        self.count_label = QLabel(self)
        self.count_label.setMinimumWidth(70)
        self.previous_button = self._button("▲", translate("find_bar", "Previous match (Shift+Enter, Shift+F3)"),
                                            self.find_previous)
        self.next_button = self._button("▼", translate("find_bar", "Next match (Enter, F3)"), self.find_next)
        self.close_button = self._button("✕", translate("find_bar", "Close (Esc)"), self.close_bar)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 3, 3)
        row.setSpacing(4)
        for w in (self.edit, self.count_label, self.previous_button, self.next_button, self.close_button):
            row.addWidget(w)
        self.edit.textChanged.connect(self._on_text_changed)
        self.edit.installEventFilter(self)
        canvas.installEventFilter(self)
        self.hide()

    def _button(self, text: str, tip: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setAutoRaise(True)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- public API -----------------------------------------------------------------------
    def open(self) -> None:
        """Show the bar with its text selected, ready for typing."""
        self._place()
        self.show()
        self.raise_()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()
        if self.edit.text():
            self.refresh()

    def close_bar(self) -> None:
        """Hide the bar and give the focus back to the canvas."""
        if self.isHidden():
            return
        self.hide()
        self._canvas.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    def refresh(self) -> None:
        """Search again (the text or the graph changed); the position restarts unless the
        matches are the same (a module expanded to reach one of them, say)."""
        matches = self._search(self.edit.text())
        if matches != self.matches:
            self.matches, self.index = matches, -1
        self._show_count()

    def find_next(self) -> str | None:
        """Go to the next match (wrapping); returns its node id, None when nothing matches."""
        return self._step(+1)

    def find_previous(self) -> str | None:
        """Go to the previous match (wrapping)."""
        return self._step(-1)

    # -- helpers --------------------------------------------------------------------------
    def _step(self, delta: int) -> str | None:
        if not self.matches:
            self.refresh()
        if not self.matches:
            return None
        if self.index < 0:
            self.index = 0 if delta > 0 else len(self.matches) - 1
        else:
            self.index = (self.index + delta) % len(self.matches)
        self._show_count()
        node_id = self.matches[self.index]
        self._jump(node_id)
        return node_id

    def _on_text_changed(self, _text: str) -> None:
        self.refresh()

    def _show_count(self) -> None:
        if not self.edit.text().strip():
            self.count_label.setText("")
        elif not self.matches:
            self.count_label.setText(translate("find_bar", "no match"))
        elif self.index < 0:
            self.count_label.setText(translate("find_bar", "{count} found").format(count=len(self.matches)))
        else:
            self.count_label.setText(translate("find_bar", "{index} of {count}").format(index=self.index + 1,
                                                                                        count=len(self.matches)))

    def _place(self) -> None:
        self.adjustSize()
        self.move(max(0, self._canvas.width() - self.width() - _MARGIN), _MARGIN)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if watched is self._canvas and kind == QEvent.Type.Resize and not self.isHidden():
            self._place()
        elif watched is self.edit and isinstance(event, QKeyEvent):
            key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if kind == QEvent.Type.ShortcutOverride and key == Qt.Key.Key_Escape:
                event.accept()  # Esc closes the bar here, rather than cancelling a run
                return True
            if kind == QEvent.Type.KeyPress:
                if key == Qt.Key.Key_Escape:
                    self.close_bar()
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.find_previous() if shift else self.find_next()
                    return True
        return False
