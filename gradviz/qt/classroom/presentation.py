"""Presentation mode: the canvas and the player alone, big text, thick lines, the view
following the current step — for a projector at the back of a lecture hall.

This feature hides and restores the window's chrome; the session's ``presentation`` flag
tells the other features to grow their text (the player, the legend) and to follow the
current step.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QToolBar

from gradviz.core.i18n import translate
from gradviz.core.session import Session
from gradviz.qt.host import Host

FONT_BOOST = 8  # points added to the session's font size
LINE_SCALE = 2.2  # edges and borders this many times thicker
#: The look a projector shows best: dark text on light fills.
PROJECTOR_THEME = "light"


class Presentation(QObject):
    """Enter/leave presentation mode; everything hidden comes back on leave."""

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(host.window)
        self.session, self.host = session, host
        self._saved_state = b""
        self._saved_theme = ""
        self._hidden: list = []
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), host.window)
        self._escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self._escape.setEnabled(False)
        self._escape.activated.connect(self.leave)
        session.theme_changed.connect(self._on_theme_changed)

    @property
    def active(self) -> bool:
        return self.session.presentation

    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        if self.active:
            return
        s, w = self.session, self.host.window
        self._saved_state = bytes(w.saveState())
        self._hidden = [d for d in w.findChildren(QDockWidget) + w.findChildren(QToolBar) if d.isVisible()]
        for widget in self._hidden:
            widget.hide()
        w.menuBar().hide()
        w.statusBar().hide()
        self._saved_theme = s.theme
        s.set_theme(PROJECTOR_THEME)
        self._saved_theme = self._saved_theme if s.theme != self._saved_theme else ""
        s.set_font_size(s.font_size + FONT_BOOST)
        self.host.canvas.set_line_scale(LINE_SCALE)
        self._escape.setEnabled(True)
        s.set_presentation(True)
        s.notify(translate("presentation", "Presentation mode: ←/→ step, Space plays, F11 or Esc leaves."), "info")
        self.host.canvas.setFocus()

    def leave(self) -> None:
        if not self.active:
            return
        s, w = self.session, self.host.window
        self._escape.setEnabled(False)
        self.host.canvas.set_line_scale(1.0)
        s.set_font_size(s.font_size - FONT_BOOST)
        if self._saved_theme:
            s.set_theme(self._saved_theme)
        w.menuBar().show()
        w.statusBar().show()
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        w.restoreState(self._saved_state)
        s.set_presentation(False)
        s.clear_notice()

    def hidden_panels(self) -> list[str]:
        """Object names of what presentation mode hid (tests)."""
        return [h.objectName() for h in self._hidden]

    def _on_theme_changed(self, name: str) -> None:
        # A look chosen while presenting is the user's: leaving keeps it.
        if self.active and name != PROJECTOR_THEME:
            self._saved_theme = ""
