"""Presentation mode: the canvas and the player alone, big text, thick lines, the view
following the current step — for a projector at the back of a lecture hall."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QToolBar, QWidget

if TYPE_CHECKING:
    from gradviz.qt.main_window import MainWindow

FONT_BOOST = 8  # points added to the window's font size
LEGEND_BOOST = 5  # points added to the legend's: it wraps onto a second line rather than crowd the canvas
LINE_SCALE = 2.2  # edges and borders this many times thicker
MIN_ZOOM = 1.3  # while following steps, never smaller than this


class Presentation(QObject):
    """Enter/leave presentation mode on ``window``; everything hidden comes back on leave."""

    changed = Signal(bool)

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self._saved_state = b""
        self._saved_theme = ""
        self._hidden: list = []
        self._fonts: list[tuple[QWidget, QFont]] = []  # widgets given bigger text, and their own font
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        self._escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self._escape.setEnabled(False)
        self._escape.activated.connect(self.leave)

    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        w = self.window
        if self.active:
            return
        self.active = True
        self._saved_state = bytes(w.saveState())
        self._saved_theme = w.theme
        self._hidden = [d for d in w.findChildren(QDockWidget) + w.findChildren(QToolBar) if d.isVisible()]
        for widget in self._hidden:
            widget.hide()
        w.menuBar().hide()
        w.statusBar().hide()
        if w.theme != "light":
            w.set_theme("light")  # the projector-tested palette: dark text on light fills
        w.change_font_size(FONT_BOOST)
        # The player line and the legend under the canvas: read from the back of the room too.
        self._fonts = [(w.step_through.player, w.step_through.player.font()), (w.legend, w.legend.font())]
        for widget, font in self._fonts:
            bigger = QFont(font)
            bigger.setPointSizeF(font.pointSizeF() + (FONT_BOOST if widget is not w.legend else LEGEND_BOOST))
            widget.setFont(bigger)
        w.graph_view.set_line_scale(LINE_SCALE)
        w.step_through.player.position_changed.connect(self._on_position_changed)
        self._escape.setEnabled(True)
        w.message_bar.show_message("Presentation mode: ←/→ step, Space plays, F11 or Esc leaves.", "info")
        w.graph_view.setFocus()
        self.changed.emit(True)

    def leave(self) -> None:
        w = self.window
        if not self.active:
            return
        self.active = False
        self._escape.setEnabled(False)
        w.step_through.player.position_changed.disconnect(self._on_position_changed)
        w.graph_view.set_line_scale(1.0)
        for widget, font in self._fonts:
            widget.setFont(font)
        self._fonts = []
        w.change_font_size(-FONT_BOOST)
        if self._saved_theme and self._saved_theme != w.theme:
            w.set_theme(self._saved_theme)
        w.menuBar().show()
        w.statusBar().show()
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        w.restoreState(self._saved_state)
        w.message_bar.clear()
        self.changed.emit(False)

    def hidden_panels(self) -> list[str]:
        """Object names of what presentation mode hid (tests)."""
        return [h.objectName() for h in self._hidden]

    def _on_position_changed(self, position: int) -> None:
        w = self.window
        step = w.step_through.canvas_step_at(position) if position >= 0 else None
        if step is None:
            return
        item = w.graph_view.node_item(step.node_id)
        if item is None:
            return
        if w.graph_view.zoom < MIN_ZOOM:
            w.graph_view.set_zoom(MIN_ZOOM)
        w.graph_view.centerOn(item)
