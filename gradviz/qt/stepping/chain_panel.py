"""The chain-rule panel: the player's current step in words, symbols and numbers.

What it says comes from :func:`gradviz.core.stepping.explain.explain`, as the lecture strip's
does; its text wraps at any width (no sideways scrolling, however narrow the dock).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QSpinBox, QVBoxLayout, QWidget

from gradviz.core.formulas import Formula
from gradviz.core.formulas.step import shared_ops
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.stepping.explain import CHECK, CROSS, Explanation, check_text, explain, term_shape
from gradviz.core.stepping.steps import FORWARD, Step
from gradviz.core.trace import Trace
from gradviz.qt.stepping.step_markup import breakable, markup
from gradviz.qt.theme import MESSAGE_COLORS
from gradviz.qt.widgets.scrolled import fill_with_scrolled

__all__ = ["CHECK", "CROSS", "PLACEHOLDER", "ChainPanel", "check_text", "markup_colors"]

PLACEHOLDER = QT_TRANSLATE_NOOP("chain_panel", "Step through the program with the player under the graph (Space "
                                "plays, → steps) to see each node's step here: the forward value it computes, or "
                                "the chain rule its gradient goes through, with the numbers.")


def markup_colors(widget: QWidget) -> dict[str, str]:
    """The check marks' colours on ``widget``'s own background, light or dark."""
    colors = MESSAGE_COLORS["dark" if widget.palette().window().color().lightness() < 128 else "light"]
    return {"right": colors["info"][1], "wrong": colors["error"][1], "code_bg": colors["warning"][0]}


class ChainPanel(QWidget):
    """Shows one step: a forward op with its inputs and output, or a backward step's Formula.

    Parameters
    ----------
    parent : QWidget, optional
        The Qt parent.

    Attributes
    ----------
    formula : Formula or None
        What a backward step shows (None on forward steps and before the first).
    element_spins : list[QSpinBox]
        One per dimension of the gradients shown, for tensors; they pick the element the
        numbers are worked out for.

    Signals
    -------
    element_changed(object)
        The chosen element (a tuple of ints) changed.
    """

    element_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: Trace | None = None
        self.step: Step | None = None
        self.formula: Formula | None = None
        self._element: tuple[int, ...] | None = None
        self._lines: list[str] = []
        self._styles: list[tuple[QLabel, bool, float]] = []
        self._count = 0
        self._shared: tuple[Trace | None, frozenset[str]] = (None, frozenset())
        self._hidden: frozenset[tuple[int, str, int]] = frozenset()
        self.explanation: Explanation | None = None

        content = QWidget()
        column = QVBoxLayout(content)
        self.header_label = self._label(bold=True, scale=1.15)
        self.body_label = self._label(rich=True, scale=1.1)
        self.note_label = self._label()
        column.addWidget(self.header_label)
        column.addWidget(self.body_label)
        self.element_row = QWidget()
        row = QHBoxLayout(self.element_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.element_label = QLabel(translate("chain_panel", "Element:"))
        self.element_label.setToolTip(translate("chain_panel",
                                                "Which element of the gradients the numbers are worked out for"))
        row.addWidget(self.element_label)
        self._spin_row = row
        row.addStretch(1)
        self.element_spins: list[QSpinBox] = []
        column.addWidget(self.element_row)
        column.addWidget(self.note_label)
        column.addStretch(1)
        self.scroll_area: QScrollArea = fill_with_scrolled(self, content)
        # Formulas wrap (they have break points everywhere): never a sideways scroll bar.
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.element_row.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.show_step(None, None)

    def _label(self, bold: bool = False, rich: bool = False, scale: float = 1.0) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setMinimumWidth(1)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._styles.append((label, bold, scale))
        self._style_label(label, bold, scale)
        return label

    def _style_label(self, label: QLabel, bold: bool, scale: float) -> None:
        font = QFont(self.font())
        font.setBold(bold)
        font.setPointSizeF(font.pointSizeF() * scale)
        label.setFont(font)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        # A label with its own font no longer inherits ours: resize each by its scale.
        if event.type() == QEvent.Type.FontChange:
            for label, bold, scale in self._styles:
                self._style_label(label, bold, scale)
        super().changeEvent(event)

    # -- public API -----------------------------------------------------------------------
    def show_step(self, trace: Trace | None, step: Step | None, count: int = 0,
                  hidden: frozenset[tuple[int, str, int]] = frozenset()) -> None:
        """Explain ``step`` of ``trace`` (None: the placeholder); ``count`` is the number of steps,
        ``hidden`` the (pass, node, slot) of gradients a quiz asks for (written "?")."""
        self.trace, self.step, self.formula, self._count = trace, step, None, count
        self._hidden = frozenset(hidden)
        if trace is None or step is None:
            self.explanation = None
            self._show([], translate("chain_panel", PLACEHOLDER))
            self._set_spins(())
            return
        if step.phase == FORWARD:
            self._set_spins(())
            self._render(explain(trace, step, count, shared=self._shared_ops(trace)))
        else:
            self._show_backward(trace, step)

    @property
    def element(self) -> tuple[int, ...] | None:
        """The element the numbers are shown for (None for scalars and forward steps)."""
        return self._element if self.element_spins else None

    def set_element(self, element: tuple[int, ...]) -> None:
        """Work the numbers out for ``element`` (clipped to the sizes)."""
        for spin, i in zip(self.element_spins, element):
            spin.blockSignals(True)
            spin.setValue(int(i))
            spin.blockSignals(False)
        self._on_element_changed()

    def text(self) -> str:
        """Everything shown, as plain text (for tests and screen readers)."""
        return "\n".join(self._lines)

    # -- helpers --------------------------------------------------------------------------
    def _show_backward(self, trace: Trace, step: Step) -> None:
        explanation = explain(trace, step, self._count, self._element, self._hidden, self._shared_ops(trace))
        formula = explanation.formula
        assert formula is not None
        self.formula = formula
        self._set_spins(term_shape(formula, trace.node(step.node_id)), formula.element)
        self._render(explanation)

    def _render(self, explanation: Explanation) -> None:
        self.explanation = explanation
        body = markup(explanation, markup_colors(self))
        self._show(explanation.plain()[:1 + len(explanation.lines)], explanation.note, body)

    def _shared_ops(self, trace: Trace) -> frozenset[str]:
        # A pass over every node: once per trace, not once per step while playing.
        if self._shared[0] is not trace:
            self._shared = (trace, shared_ops(trace))
        return self._shared[1]

    def _show(self, lines: list[str], note: str, body: str = "") -> None:
        self.header_label.setText(breakable(lines[0]) if lines else "")
        self.header_label.setVisible(bool(lines))
        self.body_label.setText(body)
        self.body_label.setVisible(bool(body))
        self.note_label.setText(breakable(note))
        self.note_label.setVisible(bool(note))
        self._lines = [*lines, *([note] if note else [])]

    def _set_spins(self, shape: tuple[int, ...], element: tuple[int, ...] | None = None) -> None:
        """One spin box per dimension when the gradient has more than one element."""
        numel = 1
        for s in shape:
            numel *= s
        dims = tuple(shape) if numel > 1 else ()
        if tuple(s.maximum() + 1 for s in self.element_spins) != dims:
            for spin in self.element_spins:
                self._spin_row.removeWidget(spin)
                spin.deleteLater()
            self.element_spins = []
            for d, size in enumerate(dims):
                spin = QSpinBox()
                spin.setRange(0, size - 1)
                spin.setToolTip(translate("chain_panel", "Index along dimension {d} (size {size})").format(d=d,
                                                                                                          size=size))
                spin.setAccessibleName(translate("chain_panel", "Element index, dimension {d}").format(d=d))
                spin.valueChanged.connect(self._on_element_changed)
                self._spin_row.insertWidget(self._spin_row.count() - 1, spin)
                self.element_spins.append(spin)
        self.element_row.setVisible(bool(dims))
        if dims and element is not None and len(element) == len(dims):
            for spin, i in zip(self.element_spins, element):
                spin.blockSignals(True)
                spin.setValue(int(i))
                spin.blockSignals(False)
            self._element = tuple(s.value() for s in self.element_spins)

    def _on_element_changed(self, _value: int = 0) -> None:
        element = tuple(s.value() for s in self.element_spins)
        if element == self._element and self.formula is not None:
            return
        self._element = element
        if self.trace is not None and self.step is not None and self.step.phase != FORWARD:
            self._show_backward(self.trace, self.step)
        self.element_changed.emit(element)
