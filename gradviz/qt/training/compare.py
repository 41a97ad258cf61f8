"""Two training steps' gradients side by side: each parameter's gradient norm at step A and at
step B, coloured on the gradient-health scale, and their ratio.

Every record of a run carries its parameters' gradient norms, so any two steps compare at
once, with no call to the run: early steps against late ones show which layers stopped
learning, or which blew up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gradviz.core.checks.health import Health, position, scale
from gradviz.core.i18n import translate
from gradviz.core.training.config import Record
from gradviz.qt.theme import health_color

__all__ = ["CompareGradients"]


def _norm_text(value: float | None) -> str:
    if value is None:
        return "–"
    if math.isnan(value):
        return "NaN"
    return f"{value:.3g}"


class CompareGradients(QWidget):
    """A table: one row per parameter, the gradient norm at step A and at step B, B / A.

    Attributes
    ----------
    step_a, step_b : QSpinBox
        The steps compared (1-based); clicking the loss curve sets B, Shift+click sets A.
    table : QTableWidget
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._records: Sequence[Record] = []
        self.step_a, self.step_b = QSpinBox(), QSpinBox()
        for spin, which in ((self.step_a, "A"), (self.step_b, "B")):
            spin.setRange(0, 0)
            spin.setSpecialValueText("–")
            spin.setToolTip(translate("compare",
                                      "Step {which}: {gesture} the loss curve to pick it").format(
                which=which, gesture="Shift+click" if which == "A" else "click"))
            spin.setAccessibleName(translate("compare", "Step {which}").format(which=which))
            spin.valueChanged.connect(self.refresh)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(translate("compare", "Gradient norms at step")))
        row.addWidget(self.step_a)
        row.addWidget(QLabel(translate("compare", "and step")))
        row.addWidget(self.step_b)
        row.addStretch(1)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([translate("compare", "parameter"), translate("compare", "‖∇‖ at A"),
                                              translate("compare", "‖∇‖ at B"), "B / A"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.table, 1)

    def follow(self, records: Sequence[Record]) -> None:
        """Compare steps of ``records`` (a list that keeps growing)."""
        self._records = records
        self.grow()

    def grow(self) -> None:
        """New records arrived: the steps can go that far; an unset B follows the latest."""
        n = len(self._records)
        following = self.step_b.value() in (0, self.step_b.maximum())
        for spin in (self.step_a, self.step_b):
            spin.blockSignals(True)
            spin.setRange(1 if n else 0, n)
            spin.blockSignals(False)
        if n and self.step_a.value() == 0:
            self.step_a.setValue(1)
        if n and following:
            self.step_b.setValue(n)
        self.refresh()

    def set_steps(self, a: int | None = None, b: int | None = None) -> None:
        """Compare step ``a`` with step ``b`` (None keeps that side)."""
        if a is not None:
            self.step_a.setValue(a)
        if b is not None:
            self.step_b.setValue(b)

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The table as text."""
        return [tuple(self.table.item(r, c).text() for c in range(4)) for r in range(self.table.rowCount())]

    def refresh(self, _value: int = 0) -> None:
        a, b = self._record(self.step_a.value()), self._record(self.step_b.value())
        names = list((b or a).grad_norms) if (a or b) is not None else []
        self.table.setRowCount(len(names))
        values = [(a.grad_norms.get(n) if a else None, b.grad_norms.get(n) if b else None) for n in names]
        span = scale([Health(v) for pair in values for v in pair if v is not None and math.isfinite(v)])
        for r, (name, (va, vb)) in enumerate(zip(names, values)):
            ratio = vb / va if va and vb is not None and math.isfinite(va) and math.isfinite(vb) else None
            cells = [name, _norm_text(va), _norm_text(vb), f"{ratio:.3g}" if ratio is not None else "–"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                value = (va, vb)[c - 1] if c in (1, 2) else None
                if value is not None and span is not None and math.isfinite(value):
                    t = position(Health(value), span)
                    if t is not None:
                        fill, ink = health_color(t)
                        item.setBackground(QColor(fill))
                        item.setForeground(QColor(ink))
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)

    def _record(self, step: int) -> Record | None:
        return self._records[step - 1] if 1 <= step <= len(self._records) else None
