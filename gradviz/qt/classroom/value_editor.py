"""Edit a leaf's or constant's value: a slider for a number, a list for a small tensor."""

from __future__ import annotations

import ast
import html
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from gradviz.core.i18n import translate
from gradviz.core.trace import Node, format_number, format_shape

SLIDER_STEPS = 1000
LIVE_DELAY_MS = 120  # re-run at most this often while the slider moves


class ValueEditor(QDialog):
    """Emits ``value_changed(name, value)``; the window re-runs with the new value.

    A one-element tensor gets a spin box and a slider (live, throttled); a bigger one
    a text field holding a Python list.
    """

    value_changed = Signal(str, object)

    def __init__(self, node: Node, current: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.node = node
        self.name = node.label
        self.setWindowTitle(translate("value_editor", "Edit {name}").format(name=self.name))
        data = node.value.data if node.value is not None else None
        layout = QVBoxLayout(self)
        intro = QLabel(translate("value_editor", "<b>{name}</b> — {shape}, {dtype}. The graph's values and gradients "
                                                 "follow at once; the program text is not changed.").format(
            name=html.escape(self.name), shape=format_shape(node.shape), dtype=node.dtype))
        intro.setTextFormat(Qt.TextFormat.RichText)  # its own bold; the node's label escaped
        intro.setWordWrap(True)  # narrow: it opens beside the graph, not on it
        layout.addWidget(intro)
        self.setMaximumWidth(420)
        form = QFormLayout()
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed
        self.scalar = data is not None and data.size == 1
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(LIVE_DELAY_MS)
        self._timer.timeout.connect(self._emit_scalar)
        if self.scalar:
            start = float(current if current is not None else data.reshape(-1)[0])
            span = max(1.0, abs(start)) * 2
            self.low, self.high = start - span, start + span
            self.spin = QDoubleSpinBox()
            self.spin.setDecimals(4)
            self.spin.setRange(-1e9, 1e9)
            self.spin.setSingleStep(span / 100)
            self.spin.setValue(start)
            self.spin.setToolTip(translate("value_editor",
                                           "Type a value; the graph updates when you press Enter or leave the box"))
            self.slider = QSlider(Qt.Orientation.Horizontal)
            self.slider.setRange(0, SLIDER_STEPS)
            self.slider.setValue(self._to_tick(start))
            self.slider.setToolTip(translate("value_editor", "Drag to change {name} between {low} and {high}; the "
                                                             "graph follows live").format(
                name=self.name, low=format_number(self.low), high=format_number(self.high)))
            form.addRow(translate("value_editor", "value"), self.spin)
            form.addRow(translate("value_editor", "drag"), self.slider)
            self.slider.valueChanged.connect(self._on_slider_changed)
            self.spin.editingFinished.connect(self._on_spin_changed)
        else:
            shown = current if current is not None else (data.tolist() if data is not None else "")
            self.text = QLineEdit(str(shown))
            self.text.setToolTip(translate("value_editor",
                                           "A number, or a nested list of the tensor's shape, e.g. [[1.0, 2.0]]"))
            form.addRow(translate("value_editor", "value"), self.text)
            self.text.returnPressed.connect(self.apply_text)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _to_tick(self, value: float) -> int:
        return round((value - self.low) / (self.high - self.low) * SLIDER_STEPS)

    def _from_tick(self, tick: int) -> float:
        return self.low + (self.high - self.low) * tick / SLIDER_STEPS

    def set_value(self, value: Any) -> None:
        """Set the value as the user would and emit it (tests, scripts)."""
        if self.scalar:
            self.spin.setValue(float(value))
            self._emit_scalar()
        else:
            self.text.setText(str(value))
            self.apply_text()

    def apply(self) -> None:
        if self.scalar:
            self._emit_scalar()
        else:
            self.apply_text()

    def _on_slider_changed(self, tick: int) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(self._from_tick(tick))
        self.spin.blockSignals(False)
        self._timer.start()

    def _on_spin_changed(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(max(0, min(SLIDER_STEPS, self._to_tick(self.spin.value()))))
        self.slider.blockSignals(False)
        self._emit_scalar()

    def _emit_scalar(self) -> None:
        self._timer.stop()
        self.value_changed.emit(self.name, round(self.spin.value(), 6))

    def apply_text(self) -> None:
        try:
            value = ast.literal_eval(self.text.text().strip())
        except (ValueError, SyntaxError):
            self.error_label.setText(translate("value_editor", "Write a number or a list of numbers, e.g. [1.0, 2.0]."))
            return
        self.error_label.clear()
        self.value_changed.emit(self.name, value)


def place_clear_of_nodes(dialog: QWidget, view) -> QPoint:
    """Move ``dialog`` to the corner of the canvas ``view`` where it covers the fewest boxes
    (the value editor sat on the very nodes whose numbers it changes). Returns where it went."""
    dialog.adjustSize()
    size = dialog.frameGeometry().size()
    viewport = view.viewport()
    area = QRect(viewport.mapToGlobal(QPoint(0, 0)), viewport.size())
    boxes = [QRect(viewport.mapToGlobal(view.mapFromScene(item.sceneBoundingRect()).boundingRect().topLeft()),
                   view.mapFromScene(item.sceneBoundingRect()).boundingRect().size())
             for item in view.node_items.values()]
    margin = 8
    window = view.window()
    outer = QRect(window.mapToGlobal(QPoint(0, 0)), window.size()) if window is not None else area
    corners = [QPoint(area.left() + margin, area.top() + margin),
               QPoint(area.right() - size.width() - margin, area.top() + margin),
               QPoint(area.left() + margin, area.bottom() - size.height() - margin),
               QPoint(area.right() - size.width() - margin, area.bottom() - size.height() - margin),
               # Beside the canvas, over the side panels, when the graph fills it.
               QPoint(area.left() - size.width() - margin, area.top() + margin),
               QPoint(area.right() + margin, area.top() + margin)]

    def covered(corner: QPoint) -> int:
        rect = QRect(corner, size)
        over = sum((rect & box).width() * (rect & box).height() for box in boxes if rect.intersects(box))
        outside = 0 if outer.contains(rect) else size.width() * size.height() // 4
        return over + outside

    best = min(corners, key=covered)  # ties: the first, on the canvas
    dialog.move(best)
    return best
