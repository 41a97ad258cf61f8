"""The lesson panel: what the program on screen is about, in words, beside the graph."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from gradviz.core.i18n import translate
from gradviz.core.lessons.catalogue import Lesson
from gradviz.qt.widgets.plain_text import plain


class LessonPanel(QScrollArea):
    """A title and a paragraph: the lesson's explanation, or where the program came from.

    Parameters
    ----------
    parent : QWidget, optional
        The Qt parent.

    Attributes
    ----------
    title_label, text_label : QLabel
        The heading and the explanation.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(10, 8, 10, 8)
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        plain(self.title_label)  # a lesson file's own words
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.title_label, self.text_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        layout.addStretch(1)
        self.setWidget(content)
        self.set_font_size(11)

    def set_lesson(self, lesson: Lesson) -> None:
        """Show ``lesson``'s title and explanation."""
        self.show_text(translate("lesson_panel", "Lesson: {title}").format(title=lesson.title), lesson.text)

    def show_text(self, title: str, text: str) -> None:
        """Show any heading and paragraph (a program file, a loaded module)."""
        self.title_label.setText(title)
        self.text_label.setText(text)

    def text(self) -> str:
        return f"{self.title_label.text()}\n{self.text_label.text()}"

    def set_font_size(self, point_size: int) -> None:
        """Body text at ``point_size``; the heading a little larger and bold."""
        body = QFont(self.font())
        body.setPointSize(point_size)
        self.text_label.setFont(body)
        title = QFont(body)
        title.setPointSizeF(point_size * 1.2)
        title.setBold(True)
        self.title_label.setFont(title)
