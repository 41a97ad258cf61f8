"""The inspector: everything gradviz knows about one node, for a dock beside the canvas."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.trace import Node, SavedTensor, TensorValue, Trace, format_shape
from gradviz.qt.widgets.plain_text import plain, tip
from gradviz.qt.widgets.scrolled import fill_with_scrolled
from gradviz.qt.widgets.tensor_view import DIGITS, GRAD_COLORMAP, VALUE_COLORMAP, TensorView

PLACEHOLDER = QT_TRANSLATE_NOOP("inspector", "Select a node in the graph to inspect it.")
#: The fields, with the names shown beside them.
_FIELDS = {"kind": QT_TRANSLATE_NOOP("inspector", "kind"), "op": QT_TRANSLATE_NOOP("inspector", "op"),
           "label": QT_TRANSLATE_NOOP("inspector", "label"), "module": QT_TRANSLATE_NOOP("inspector", "module"),
           "tensor": QT_TRANSLATE_NOOP("inspector", "tensor"), "line": QT_TRANSLATE_NOOP("inspector", "line"),
           "requires_grad": "requires_grad"}
#: A node's kind as the user reads it.
_KINDS = {"leaf": QT_TRANSLATE_NOOP("inspector", "leaf"), "constant": QT_TRANSLATE_NOOP("inspector", "constant"),
          "op": QT_TRANSLATE_NOOP("inspector", "op"), "output": QT_TRANSLATE_NOOP("inspector", "output")}


def kind_text(kind: str) -> str:
    return translate("inspector", _KINDS[kind]) if kind in _KINDS else kind


def _short(value: TensorValue) -> str:
    return value.short(digits=DIGITS)


def saved_text(saved: SavedTensor) -> str:
    """One line for a saved tensor: "name = value", with its note in parentheses."""
    if saved.value is not None:
        shown = _short(saved.value)
    else:
        shown = saved.text or "None"
    line = f"{saved.name} = {shown}"
    return f"{line}  ({saved.note})" if saved.note else line


def internal_text(node: Node) -> str:
    """The sentence for a node made inside a composite op or an op's further output, or "" for other nodes."""
    if node.kind == "output":
        if node.internal_to:
            return translate("inspector", "output {n} of the op feeding it (several outputs of one op share one "
                             "autograd node), made inside {op}").format(n=node.output_nr, op=node.internal_to)
        return translate("inspector", "output {n} of the op feeding it (several outputs of one op share one "
                         "autograd node)").format(n=node.output_nr)
    if not node.internal_to:
        return ""
    if node.value is None:
        return translate("inspector", "created inside {op}; value not visible to Python").format(op=node.internal_to)
    return translate("inspector", "created inside {op}").format(op=node.internal_to)


def node_tooltip(node: Node) -> str:
    """A short HTML summary of ``node`` for hovering over it on the canvas."""
    e = html.escape
    lines = [f"<b>{e(node.title)}</b>" + (f" &nbsp;<i>{e(node.op)}</i>" if node.label else "")]
    meta = [kind_text(node.kind), format_shape(node.shape)]
    if node.dtype:
        meta.append(node.dtype)
    lines.append(e(" · ".join(meta)))
    if node.module:
        lines.append(e(translate("inspector", "module: {path}").format(path=node.module)))
    if node.value is not None:
        lines.append(e(translate("inspector", "value: {value}").format(value=_short(node.value))))
    if node.grad is not None:
        lines.append(e(f"{'.grad' if node.kind == 'leaf' else 'grad'}: {_short(node.grad)}"))
    if internal_text(node):
        lines.append(f"<i>{e(internal_text(node))}</i>")
    return "<br>".join(lines)


class Inspector(QWidget):
    """Shows one node of a Trace: identity, forward value, gradient and saved tensors.

    Parameters
    ----------
    parent : QWidget, optional
        The Qt parent.

    Attributes
    ----------
    title_label : QLabel
        The node's title (label, else op), or a prompt when nothing is selected.
    fields : dict[str, QLabel]
        Value labels of the detail rows: kind, op, label, module, tensor, line, requires_grad.
    internal_label : QLabel
        "created inside <op>…" for nodes made inside a composite op.
    value_view, grad_view : TensorView
        The forward value and the gradient; ``value_table`` and ``grad_table`` are their tables
        (their heatmaps are ``value_view.heatmap`` and ``grad_view.heatmap``).
    grad_heading : QLabel
        ".grad" for leaves, "Gradient" for other nodes.
    saved_list : QListWidget
        One row per saved tensor: "name = value (note)".
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: Trace | None = None
        self.node: Node | None = None

        content = QWidget()
        layout = QVBoxLayout(content)
        self.title_label = QLabel(translate("inspector", PLACEHOLDER))
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title_label)

        self.details = QWidget()
        form = QFormLayout(self.details)
        form.setContentsMargins(0, 0, 0, 0)
        self.fields: dict[str, QLabel] = {}
        self._field_names: dict[str, QLabel] = {}
        for key, shown in _FIELDS.items():
            name, value = QLabel(translate("inspector", shown)), QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            plain(value)
            form.addRow(name, value)
            self.fields[key] = value
            self._field_names[key] = name
        self._form = form
        layout.addWidget(self.details)

        self.internal_label = QLabel()
        self.internal_label.setWordWrap(True)
        plain(self.internal_label)
        layout.addWidget(self.internal_label)

        self.value_heading = self._heading(translate("inspector", "Value (forward)"))
        layout.addWidget(self.value_heading)
        self.value_view = TensorView(VALUE_COLORMAP)
        layout.addWidget(self.value_view)

        self.grad_heading = self._heading(translate("inspector", "Gradient"))
        layout.addWidget(self.grad_heading)
        self.grad_view = TensorView(GRAD_COLORMAP, symmetric=True)
        layout.addWidget(self.grad_view)

        self.saved_heading = self._heading(translate("inspector", "Saved for backward"))
        layout.addWidget(self.saved_heading)
        self.saved_list = QListWidget()
        self.saved_list.setWordWrap(True)
        layout.addWidget(self.saved_list)
        layout.addStretch(1)

        self.value_table = self.value_view.table
        self.grad_table = self.grad_view.table

        fill_with_scrolled(self, content)
        self.set_node(None, None)

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    def set_node(self, trace: Trace | None, node_id: str | None) -> None:
        """Show node ``node_id`` of ``trace``; either None clears the inspector."""
        self.trace = trace
        node = None
        if trace is not None and node_id is not None:
            try:
                node = trace.node(node_id)
            except KeyError:
                self._show_nothing(translate("inspector", "Node {id} is not in this graph.").format(id=node_id))
                return
        self.node = node
        if node is None:
            self._show_nothing(translate("inspector", PLACEHOLDER))
            return
        for w in (self.details, self.value_heading, self.value_view, self.grad_heading, self.grad_view):
            w.show()
        self._set_title(node.title)
        self._fill_fields(trace, node)
        internal = internal_text(node)
        self.internal_label.setText(internal)
        self.internal_label.setVisible(bool(internal))
        value_missing = internal if node.value is None and internal else translate("inspector", "Value not recorded.")
        self.value_view.set_value(node.value, value_missing)
        self.grad_heading.setText(translate("inspector", ".grad") if node.kind == "leaf"
                                  else translate("inspector", "Gradient of its output"))
        self.grad_view.set_value(node.grad, self._missing_grad_text(trace, node))
        self._fill_saved(node)

    def text(self) -> str:
        """Everything displayed, as plain text (for tests and screen readers)."""
        lines = [self.title_label.text()]
        if not self.details.isHidden():
            for key in _FIELDS:
                if not self.fields[key].isHidden():
                    lines.append(f"{self._field_names[key].text()}: {self.fields[key].text()}")
        for w in (self.internal_label, self.value_heading, self.value_view, self.grad_heading, self.grad_view):
            if not w.isHidden():
                lines.append(w.text())
        if not self.saved_list.isHidden():
            lines.append(self.saved_heading.text())
            lines.extend(self.saved_list.item(i).text() for i in range(self.saved_list.count()))
        return "\n".join(line for line in lines if line)

    # -- helpers --------------------------------------------------------------------------
    def _set_title(self, text: str) -> None:
        # Plain again each time: a collapsed module's account (module_canvas) is rich text.
        plain(self.title_label)
        self.title_label.setText(text)

    def _show_nothing(self, message: str) -> None:
        self.node = None
        self._set_title(message)
        for w in (
            self.details,
            self.internal_label,
            self.value_heading,
            self.value_view,
            self.grad_heading,
            self.grad_view,
            self.saved_heading,
            self.saved_list,
        ):
            w.hide()
        self.value_view.set_value(None)
        self.grad_view.set_value(None)
        self.saved_list.clear()

    def _fill_fields(self, trace: Trace, node: Node) -> None:
        kind = kind_text(node.kind)
        if node.id == trace.root:
            kind = translate("inspector", "{kind} (root of the backward pass)").format(kind=kind)
        tensor = format_shape(node.shape)
        if node.dtype:
            tensor += f", {node.dtype}"
        if node.device:
            tensor += f", {node.device}"
        texts = {
            "kind": kind,
            "op": node.op,
            "label": node.label or "—",
            "module": node.module or translate("inspector", "(top level)"),
            "tensor": tensor,
            "line": "—" if node.line is None else str(node.line),
            "requires_grad": str(node.requires_grad),
        }
        for key, text in texts.items():
            self.fields[key].setText(text)
        # requires_grad only says something for inputs; every op output requires grad.
        is_input = node.kind in ("leaf", "constant")
        self._form.setRowVisible(self.fields["requires_grad"], is_input)

    @staticmethod
    def _missing_grad_text(trace: Trace, node: Node) -> str:
        if not node.requires_grad or node.kind == "constant":
            return translate("inspector", "No gradient: this input does not require grad.")
        if not trace.passes:
            return translate("inspector", "No gradient yet: no backward pass has run.")
        if node.id not in trace.passes[-1].order and node.kind == "output":
            return translate("inspector", "No gradient: nothing the last backward pass ran through used this output.")
        if node.id not in trace.passes[-1].order and node.kind != "leaf":
            return translate("inspector", "Not reached by the last backward pass.")
        if node.kind == "leaf":
            return translate("inspector", ".grad is None: the last backward pass did not reach this leaf.")
        return translate("inspector", "No gradient recorded for this node.")

    def _fill_saved(self, node: Node) -> None:
        self.saved_list.clear()
        show = node.kind == "op"
        self.saved_heading.setVisible(show)
        self.saved_list.setVisible(show)
        if not show:
            return
        if not node.saved:
            self.saved_list.addItem(translate("inspector", "nothing saved for backward"))
        for saved in node.saved:
            item = QListWidgetItem(saved_text(saved))
            if saved.value is not None:
                item.setToolTip(tip(translate("inspector", "{name}: shape {shape}, {dtype}").format(
                    name=saved.name, shape=format_shape(saved.value.shape), dtype=saved.value.dtype)))
            elif saved.note:
                item.setToolTip(tip(saved.note))
            self.saved_list.addItem(item)
        # Fit the list to its rows: the scroll area around the inspector does the scrolling.
        height = sum(self.saved_list.sizeHintForRow(i) for i in range(self.saved_list.count()))
        self.saved_list.setFixedHeight(height + 2 * self.saved_list.frameWidth() + 4)
