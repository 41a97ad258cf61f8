"""Beginner labels: ×, +, σ and names on the boxes, or PyTorch's class names — kept per lesson.

View ▸ Beginner Labels toggles the session's label style; the choice is remembered for the
lesson (or program) it was made on, and a lesson file may set it (``view.labels``). The
canvas lays the graph out again in the new style, keeping the view.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from gradviz.core.i18n import translate
from gradviz.core.layout.labels import DEFAULT_LABELS
from gradviz.core.session import Session
from gradviz.qt.actions import make_action
from gradviz.qt.host import Host


class LabelStyle(QObject):
    """The View menu's Beginner Labels (Ctrl+Shift+B), remembered per lesson.

    Attributes
    ----------
    action : QAction
        Checked while the boxes show beginner labels.
    """

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(host.window)
        self.session, self.settings = session, host.settings
        self.action = make_action(host.window, translate("look", "&Beginner Labels"), self.set_beginner,
                                  ["Ctrl+Shift+B"],
                                  translate("look", "Write the boxes as a first lesson would (×, +, σ, names and "
                                                    "data); off: PyTorch's class names (MulBackward0)"), checkable=True)
        host.add_command("beginner_labels", self.action)
        host.menu("view").addAction(self.action)
        session.program_opened.connect(self._on_program_opened)
        session.labels_changed.connect(self._on_labels_changed)

    def set_beginner(self, on: bool) -> None:
        """Beginner labels on or off for the program on screen (and remembered for it)."""
        style = "beginner" if on else "pytorch"
        self.settings.set_labels_for(self.session.score_key(), style)
        self.session.set_labels(style)

    def _on_program_opened(self) -> None:
        s = self.session
        chosen = self.settings.labels_for(s.score_key())
        lesson_style = s.lesson.view.labels if s.lesson is not None else ""
        s.set_labels(chosen or lesson_style or DEFAULT_LABELS)

    def _on_labels_changed(self, style: str) -> None:
        self.action.blockSignals(True)
        self.action.setChecked(style == "beginner")
        self.action.blockSignals(False)
