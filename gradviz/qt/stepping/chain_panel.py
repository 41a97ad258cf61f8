"""The chain-rule panel: the player's current step in words, symbols and numbers."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from gradviz.core.formulas import Formula, Term, local_step
from gradviz.core.formulas.step import node_name, shared_ops
from gradviz.core.stepping.steps import FORWARD, Step
from gradviz.core.trace import Node, TensorValue, Trace, format_shape
from gradviz.qt.theme import MESSAGE_COLORS
from gradviz.qt.widgets.scrolled import fill_with_scrolled

PLACEHOLDER = ("Step through the program with the player under the graph (Space plays, → steps) "
               "to see each node's step here: the forward value it computes, or the chain rule "
               "its gradient goes through, with the numbers.")
CHECK, CROSS = "✓", "✗"


def check_text(term: Term) -> str:
    """"✓ matches autograd", "✗ autograd got …" or "not checked" for one term."""
    if term.matches is True:
        return f"{CHECK} matches autograd"
    if term.matches is False:
        got = term.captured.short() if term.captured is not None else "nothing"
        return f"{CROSS} autograd got {got}"
    return "not checked" if term.captured is not None else ""


def _short(value: TensorValue | None) -> str:
    return value.short() if value is not None else "not recorded"


def _term_shape(formula: Formula, node: Node) -> tuple[int, ...]:
    """The shape the element chooser indexes: the highest-rank gradient the formula shows."""
    shapes = [v.shape for t in formula.terms for v in (t.computed, t.captured) if v is not None]
    return max(shapes, key=len) if shapes else tuple(node.shape)


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
        self.element_label = QLabel("Element:")
        self.element_label.setToolTip("Which element of the gradients the numbers are worked out for")
        row.addWidget(self.element_label)
        self._spin_row = row
        row.addStretch(1)
        self.element_spins: list[QSpinBox] = []
        column.addWidget(self.element_row)
        column.addWidget(self.note_label)
        column.addStretch(1)
        fill_with_scrolled(self, content)
        self.show_step(None, None)

    def _label(self, bold: bool = False, rich: bool = False, scale: float = 1.0) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
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
    def show_step(self, trace: Trace | None, step: Step | None, count: int = 0) -> None:
        """Explain ``step`` of ``trace`` (None: the placeholder); ``count`` is the number of steps."""
        self.trace, self.step, self.formula, self._count = trace, step, None, count
        if trace is None or step is None:
            self._show([], PLACEHOLDER)
            self._set_spins(())
            return
        where = self._where(step)
        node = trace.node(step.node_id)
        if step.phase == FORWARD:
            self._set_spins(())
            self._show_forward(trace, node, where)
        else:
            self._show_backward(trace, step, node, where)

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
    def _show_forward(self, trace: Trace, node: Node, where: str) -> None:
        shared = self._shared_ops(trace)
        name = node_name(trace, node, shared) or node.title
        header = f"{where} · forward · {name}"
        lines: list[tuple[str, str]] = []  # (plain, html)
        if node.kind == "constant":
            lines.append((f"{name} is a constant input (it needs no gradient): {name} = {_short(node.value)}", ""))
        elif node.kind == "leaf":
            lines.append((f"{name} is a leaf tensor with requires_grad=True: {name} = {_short(node.value)}", ""))
            lines.append(("Its AccumulateGrad node will store the gradient in .grad.", ""))
        elif node.kind == "output":
            owner = trace.inputs_of(node.id)
            op = trace.node(owner[0].source).op if owner else "its op"
            lines.append((f"{name} is output {node.output_nr} of {op}: one autograd node stands for all the "
                          f"op's outputs. {name} = {_short(node.value)}, shape {format_shape(node.shape)}", ""))
        else:
            code = self._source_line(trace, node)
            if code:
                lines.append((code, ""))
            lines.append((f"The op runs (autograd records it as {node.op}). Inputs:", ""))
            for e in trace.inputs_of(node.id):
                src = trace.node(e.source)
                lines.append((f"  {node_name(trace, src, shared) or src.title} = {_short(src.value)}", ""))
            out = _short(node.value) if node.value is not None or not node.internal_to else \
                f"not visible (made inside {node.internal_to})"
            lines.append((f"Output: {name} = {out}, shape {format_shape(node.shape)}", ""))
        # Rich text collapses leading spaces: keep the indent of the input lines.
        markup = [h or ("&nbsp;" * 4 if p.startswith("  ") else "") + html.escape(p.strip()) for p, h in lines]
        self._show([header, *[p for p, _ in lines]], "", html_lines=markup)

    def _show_backward(self, trace: Trace, step: Step, node: Node, where: str) -> None:
        p = trace.passes[step.pass_index or 0]
        element = self._element
        formula = local_step(trace, p.index, node.id)
        shape = _term_shape(formula, node)
        if element is not None and len(element) == len(shape):
            formula = local_step(trace, p.index, node.id, element=element)
        self.formula = formula
        self._set_spins(shape, formula.element)
        name = node_name(trace, node, self._shared_ops(trace)) or node.title
        header = f"{where} · backward #{p.index + 1} ({p.call}) · {node.op}" + (f" {name}" if name else "")
        plain = [f"Incoming gradient ∂L/∂{name or 'out'} = {_short(p.arriving(node.id))}", formula.rule]
        markup = [html.escape(plain[0]), f"<i>{html.escape(formula.rule)}</i>"]
        if formula.shapes:
            plain.append(f"Shapes: {formula.shapes}")
            markup.append(html.escape(plain[-1]))
        # The check's colour must read on the panel's own background, light or dark.
        colors = MESSAGE_COLORS["dark" if self.palette().window().color().lightness() < 128 else "light"]
        for term in formula.terms:
            check = check_text(term)
            plain.append(f"{term.symbolic}")
            plain.append(f"  {term.numeric}  {check}".rstrip())
            tone = colors["info"][1] if term.matches is True else colors["error"][1] if term.matches is False else ""
            mark = f" <b style='color:{tone}'>{html.escape(check)}</b>" if tone else f" {html.escape(check)}"
            markup.append(f"<b>{html.escape(term.symbolic)}</b><br>&nbsp;&nbsp;{html.escape(term.numeric)}{mark}")
        self._show([header, *plain], formula.note, html_lines=markup)

    def _shared_ops(self, trace: Trace) -> frozenset[str]:
        # A pass over every node: once per trace, not once per step while playing.
        if self._shared[0] is not trace:
            self._shared = (trace, shared_ops(trace))
        return self._shared[1]

    def _where(self, step: Step) -> str:
        return f"Step {step.index + 1} of {self._count}" if self._count else f"Step {step.index + 1}"

    @staticmethod
    def _source_line(trace: Trace, node: Node) -> str:
        if node.line is None or not trace.source:
            return ""
        lines = trace.source.splitlines()
        if not 1 <= node.line <= len(lines):
            return ""
        return f"line {node.line}: {lines[node.line - 1].split('#')[0].strip()}"

    def _show(self, lines: list[str], note: str, html_lines: list[str] | None = None) -> None:
        self.header_label.setText(lines[0] if lines else "")
        self.header_label.setVisible(bool(lines))
        self.body_label.setText("<br>".join(html_lines or []))
        self.body_label.setVisible(bool(html_lines))
        self.note_label.setText(note)
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
                spin.setToolTip(f"Index along dimension {d} (size {size})")
                spin.setAccessibleName(f"Element index, dimension {d}")
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
            self._show_backward(self.trace, self.step, self.trace.node(self.step.node_id), self._where(self.step))
        self.element_changed.emit(element)
