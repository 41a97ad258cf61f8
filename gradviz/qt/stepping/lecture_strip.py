"""The lecture strip: presentation mode's chain rule, large enough for the back of a lecture hall.

It shows the program line the current step's node was made by, and the step itself: a
forward value, or a backward step's incoming gradient and each local derivative with its
numbers, checked against autograd. Text is at least ``MIN_PIXELS`` high and grows with the
window; formulas wrap, never scroll, from 1000×700 up.
"""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.stepping.explain import Explanation
from gradviz.qt.stepping.step_markup import breakable, markup
from gradviz.qt.theme import MESSAGE_COLORS, monospace_font

#: The strip's text is this share of the window's height (30 px at 1080, 22 px at 768) ...
HEIGHT_SHARE = 0.028
#: ... and never smaller than this many pixels.
MIN_PIXELS = 20
#: The strip takes at most this share of the window's height; longer steps scroll (up and
#: down, never sideways) so the graph keeps most of the screen.
MAX_HEIGHT_SHARE = 0.34
#: Room kept for this many lines of text, so the canvas does not jump from step to step.
LINES_KEPT = 4
#: What the strip leaves out of a backward step: the rule in words and the shapes (the dock has them).
_SKIP_BACKWARD = ("rule", "shapes")
_SKIP_FORWARD = ("code", "input")

PLACEHOLDER = QT_TRANSLATE_NOOP("lecture_strip",
                                "→ steps through the program: each step's chain rule, with its numbers, appears here.")


def without_shapes(text: str) -> str:
    """``text`` without a trailing parenthesised shape account (one holding "→")."""
    start = text.find(" (")
    while start >= 0:
        tail = text[start + 1:]
        depth, balanced = 0, True
        for i, ch in enumerate(tail):
            depth += (ch == "(") - (ch == ")")
            if depth == 0 and i < len(tail) - 1:
                balanced = False
                break
        if balanced and depth == 0 and "→" in tail:
            return text[:start]
        start = text.find(" (", start + 1)
    return text


def strip_pixels(window_height: int) -> int:
    """Pixel size of the strip's text in a window ``window_height`` pixels high."""
    return max(MIN_PIXELS, round(window_height * HEIGHT_SHARE))


class LectureStrip(QFrame):
    """The current step as two or three lines of large text: the source line, then the math.

    Attributes
    ----------
    code_label, formula_label : QLabel
    explanation : Explanation or None
        What is shown (None: the placeholder).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lecture_strip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.explanation: Explanation | None = None
        self._pixels = MIN_PIXELS
        self.code_label = QLabel()
        self.formula_label = QLabel()
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(12, 6, 12, 6)
        column.setSpacing(4)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)
        for label in (self.code_label, self.formula_label):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setMinimumWidth(1)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            column.addWidget(label)
        column.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.set_pixels(MIN_PIXELS)
        self.show_explanation(None)

    # -- content ----------------------------------------------------------------------------
    def show_explanation(self, explanation: Explanation | None) -> None:
        """Show ``explanation`` (None: the placeholder)."""
        self.explanation = explanation
        if explanation is None:
            self.code_label.hide()
            self.formula_label.setText(translate("lecture_strip", PLACEHOLDER))
            self._fit_height()
            return
        forward = explanation.formula is None
        # The shapes a matrix rule spells out ("(grad_out (1, 3) · W (3, 20) → (1, 20))") stay
        # in the Chain Rule dock: on the projector the rule and its numbers come first.
        explanation = replace(explanation, lines=tuple(
            replace(line, text=without_shapes(line.text)) if line.kind == "symbolic" else line
            for line in explanation.lines))
        colors = self._colors()
        code = explanation.code
        if code:
            shown = code if forward else translate("lecture_strip", "backward of {code}").format(code=code)
            self.code_label.setText(f"<span style='background-color:{colors['code_bg']}'>"
                                    f"{html.escape(breakable(shown))}</span>")
        self.code_label.setVisible(bool(code))
        self.formula_label.setText(markup(explanation, colors, _SKIP_FORWARD if forward else _SKIP_BACKWARD))
        self._fit_height()

    def show_lines(self, heading: str, lines: list[str]) -> None:
        """Plain lines under a heading, for a program without steps (what it printed)."""
        self.explanation = None
        self.code_label.hide()
        body = "<br>".join(html.escape(breakable(line)) for line in lines)
        self.formula_label.setText(f"<b>{html.escape(heading)}</b><br>{body}" if lines else html.escape(heading))
        self._fit_height()

    def text(self) -> str:
        """What the strip says, as plain text (zero-width break points taken out)."""
        parts = []
        if not self.code_label.isHidden():
            parts.append(self.code_label.text())
        parts.append(self.formula_label.text())
        doc = QTextDocument()
        doc.setHtml("<br>".join(parts))
        return doc.toPlainText().replace("\u200b", "")

    # -- look -------------------------------------------------------------------------------
    @property
    def pixels(self) -> int:
        """The text's pixel size."""
        return self._pixels

    def set_pixels(self, pixels: int) -> None:
        """Text ``pixels`` high (never under MIN_PIXELS)."""
        self._pixels = max(MIN_PIXELS, int(pixels))
        body = QFont(self.font())
        body.setPixelSize(self._pixels)
        self.formula_label.setFont(body)
        code = monospace_font(10)
        code.setPixelSize(self._pixels)
        self.code_label.setFont(code)
        self._fit_height()

    def _fit_height(self) -> None:
        """Room for what the step says (at least LINES_KEPT lines, so the canvas does not jump
        from step to step), within MAX_HEIGHT_SHARE of the window."""
        line = self.formula_label.fontMetrics().lineSpacing()
        window = self.window()
        most = int(window.height() * MAX_HEIGHT_SHARE) if window is not None and window is not self else 10_000
        width = max(self.scroll_area.viewport().width(), 200)
        need = 24 + self.formula_label.heightForWidth(width - 24)
        if not self.code_label.isHidden():
            need += self.code_label.heightForWidth(width - 24) + 4
        least = LINES_KEPT * line + 24
        self.setFixedHeight(min(max(need, least), max(most, least)))

    def fit_to_window(self) -> None:
        window = self.window()
        if window is not None:
            self.set_pixels(strip_pixels(window.height()))

    def _colors(self) -> dict[str, str]:
        colors = MESSAGE_COLORS["dark" if self.palette().window().color().lightness() < 128 else "light"]
        return {"right": colors["info"][1], "wrong": colors["error"][1], "code_bg": colors["warning"][0]}

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()  # wrapped at a new width: more lines, or fewer

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.explanation is not None:
            self.show_explanation(self.explanation)

