"""A small read-only view of one TensorValue: shape line, stats, number table, heatmap."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from gradviz.core.i18n import translate
from gradviz.core.trace import TensorValue, format_number, format_shape
from gradviz.qt.theme import monospace_font

#: Values with at most this many elements are listed number by number.
TABLE_LIMIT = 100
#: Significant digits in the inspector: one more than badges, enough to check a hand calculation.
DIGITS = 5
VALUE_COLORMAP = "viridis"
# Gradients get a diverging map centred on zero, since their sign is the lesson.
GRAD_COLORMAP = "CET-D1A"
#: Words for the low and high ends of each colour map, for the legend under the heatmap.
COLORMAP_ENDS = {VALUE_COLORMAP: ("purple", "yellow"), GRAD_COLORMAP: ("blue", "red")}


def format_cell(v: object, digits: int = DIGITS) -> str:
    """Text of one element (float, int, bool or complex)."""
    if isinstance(v, complex):
        sign = "-" if v.imag < 0 else "+"
        return f"{format_number(v.real, digits)}{sign}{format_number(abs(v.imag), digits)}j"
    return format_number(v, digits)  # type: ignore[arg-type]


def stats_text(value: TensorValue) -> str:
    """"min …, max …, mean …, norm …" of ``value``."""
    if value.numel == 0:
        return translate("tensor_view", "empty tensor")
    return translate("tensor_view", "min {min}, max {max}, mean {mean}, norm {norm}").format(
        **{name: format_number(getattr(value, name), DIGITS) for name in ("min", "max", "mean", "norm")})


def _table_rows(data: np.ndarray) -> tuple[np.ndarray, list[str], list[str]]:
    """``data`` as a 2-D grid with row and column header texts."""
    if data.ndim == 0:
        return data.reshape(1, 1), [""], [""]
    if data.ndim == 1:
        return data.reshape(-1, 1), [str(i) for i in range(data.shape[0])], [""]
    grid = data.reshape(-1, data.shape[-1])
    rows = [",".join(map(str, idx)) for idx in np.ndindex(*data.shape[:-1])]
    return grid, rows, [str(i) for i in range(data.shape[-1])]


class TensorView(QWidget):
    """Shape, statistics, the numbers (small values) and a heatmap (2-D values).

    Parameters
    ----------
    colormap : str
        pyqtgraph colour map name for the heatmap.
    symmetric : bool
        Centre the heatmap's colour levels on zero (for gradients).
    parent : QWidget, optional
        The Qt parent.

    Attributes
    ----------
    shape_label, stats_label, empty_label : QLabel
        Shape/dtype/device line, the statistics line, and the text shown when there is no value.
    table : QTableWidget
        One cell per element; filled only for values of at most ``TABLE_LIMIT`` elements.
    heatmap : pyqtgraph.PlotWidget
        Shown for 2-D values with data; ``image_item.image`` is the value in row-major order.
    image_item : pyqtgraph.ImageItem
    """

    def __init__(
        self, colormap: str = VALUE_COLORMAP, symmetric: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._symmetric = symmetric
        self._ends = COLORMAP_ENDS.get(colormap, ("low", "high"))
        self.value: TensorValue | None = None
        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        self.shape_label = QLabel(self)
        self.shape_label.setWordWrap(True)
        self.stats_label = QLabel(self)
        self.stats_label.setWordWrap(True)
        self.stats_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = QTableWidget(self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFont(monospace_font(self.font().pointSize()))
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

        self._colormap = colormap
        self._heatmap = None  # made on the first 2-D value: pyqtgraph costs 0.6 s to import
        self._image_item = None
        self.legend_label = QLabel(self)
        self.legend_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.empty_label, self.shape_label, self.stats_label, self.table, self.legend_label):
            layout.addWidget(w)
        self._on_palette_changed()
        self.set_value(None)

    @property
    def heatmap(self):
        """The heatmap plot, made on first use."""
        if self._heatmap is None:
            self._make_heatmap()
        return self._heatmap

    @property
    def image_item(self):
        """The heatmap's image, made on first use."""
        if self._image_item is None:
            self._make_heatmap()
        return self._image_item

    def _make_heatmap(self) -> None:
        import pyqtgraph as pg

        heatmap = pg.PlotWidget(parent=self, background=None)
        heatmap.setMenuEnabled(False)
        heatmap.setFixedHeight(160)
        heatmap.hide()
        plot = heatmap.getPlotItem()
        plot.invertY(True)  # row 0 at the top, as the matrix is printed
        plot.hideButtons()
        image_item = pg.ImageItem(axisOrder="row-major")
        image_item.setColorMap(pg.colormap.get(self._colormap))
        heatmap.addItem(image_item)
        layout = self.layout()
        layout.insertWidget(layout.indexOf(self.legend_label), heatmap)
        self._heatmap, self._image_item = heatmap, image_item
        self._on_palette_changed()

    def set_value(self, value: TensorValue | None, empty_text: str = "") -> None:
        """Show ``value``; when None, show ``empty_text`` instead."""
        self.value = value
        has_value = value is not None
        self.empty_label.setText(empty_text)
        self.empty_label.setVisible(not has_value and bool(empty_text))
        self.shape_label.setVisible(has_value)
        self.stats_label.setVisible(has_value)
        self._fill_table(value)
        self._fill_heatmap(value)
        if value is None:
            self.shape_label.clear()
            self.stats_label.clear()
            return
        shape = translate("tensor_view", "shape {shape}, {dtype}, {device}").format(
            shape=format_shape(value.shape), dtype=value.dtype, device=value.device)
        if value.is_summary:
            shape += translate("tensor_view", ": {n:,} elements, summary only").format(n=value.numel)
        self.shape_label.setText(shape)
        self.stats_label.setText(stats_text(value))

    def text(self) -> str:
        """Everything shown, as plain text lines (numbers row by row)."""
        lines = [w.text() for w in (self.empty_label, self.shape_label, self.stats_label) if not w.isHidden()]
        if not self.table.isHidden():
            for r in range(self.table.rowCount()):
                cells = [self.table.item(r, c).text() for c in range(self.table.columnCount())]
                lines.append("  ".join(cells))
        if not self.legend_label.isHidden():
            lines.append(self.legend_label.text())
        return "\n".join(line for line in lines if line)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._on_palette_changed()
        elif event.type() == QEvent.Type.FontChange:
            # The numbers grow with the panel's text (Bigger Font), and the table with them.
            self.table.setFont(monospace_font(self.font().pointSize()))
            self._fill_table(self.value)

    def _on_palette_changed(self) -> None:
        # pyqtgraph draws its axes in its own grey; follow the palette so they read in both themes.
        if self._heatmap is None:
            return
        color = self.palette().color(QPalette.ColorRole.WindowText)
        for name in ("left", "bottom"):
            axis = self._heatmap.getPlotItem().getAxis(name)
            axis.setPen(color)
            axis.setTextPen(color)

    def _fill_table(self, value: TensorValue | None) -> None:
        data = None if value is None else value.data
        if data is None or data.size == 0 or data.size > TABLE_LIMIT:
            self.table.clear()
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.table.hide()
            return
        grid, rows, cols = _table_rows(data)
        self.table.clear()
        self.table.setRowCount(len(rows))
        self.table.setColumnCount(len(cols))
        self.table.setVerticalHeaderLabels(rows)
        self.table.setHorizontalHeaderLabels(cols)
        # Headers carry indices; a single number or a plain column needs no column header.
        self.table.horizontalHeader().setVisible(data.ndim >= 2)
        self.table.verticalHeader().setVisible(data.ndim >= 1)
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, row in enumerate(grid.tolist()):
            for c, v in enumerate(row):
                item = QTableWidgetItem(format_cell(v))
                item.setTextAlignment(align)
                item.setToolTip(repr(v))  # full precision on hover
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        # Size hints, not the header's and rows' current heights: those are stale until the
        # table is laid out again (just shown, or a new font), and the table showed one row.
        header = self.table.horizontalHeader()
        height = max(header.height(), header.sizeHint().height()) if data.ndim >= 2 else 0
        height += sum(max(self.table.rowHeight(r), self.table.sizeHintForRow(r)) for r in range(min(len(rows), 8)))
        self.table.setFixedHeight(height + 2 * self.table.frameWidth() + 2)
        self.table.show()
        QTimer.singleShot(0, self, self._refit_table)  # dropped if the view is gone by then

    def _refit_table(self) -> None:
        """Once laid out, give the table what its rows still lack (a header taller than its
        size hint, in a big font): every row up to eight is in view, never just one."""
        table = self.table
        if table.isHidden() or not table.rowCount():
            return
        rows = sum(table.rowHeight(r) for r in range(min(table.rowCount(), 8)))
        lacking = rows - table.viewport().height()
        if lacking > 0:
            table.setFixedHeight(table.height() + lacking)

    def _fill_heatmap(self, value: TensorValue | None) -> None:
        data = None if value is None else value.data
        image = None if data is None or data.ndim != 2 or data.size == 0 else data
        if image is not None:
            image = (np.abs(image) if np.iscomplexobj(image) else image).astype(np.float64)
            finite = image[np.isfinite(image)]
        if image is None or finite.size == 0:
            if self._heatmap is not None:
                self._image_item.clear()
                self._heatmap.hide()
            self.legend_label.hide()
            return
        lo, hi = float(finite.min()), float(finite.max())
        if self._symmetric:
            bound = max(abs(lo), abs(hi))
            lo, hi = -bound, bound
        if not hi > lo:  # a constant image: give the levels some width
            lo, hi = lo - 0.5, hi + 0.5
        if finite.size != image.size:
            image = np.where(np.isfinite(image), image, math.nan)
        self.image_item.setImage(image, levels=(lo, hi), autoLevels=False)
        rows, cols = image.shape
        # Pixel centres on whole numbers, so the axis ticks are the row and column indices.
        self.image_item.setRect(-0.5, -0.5, cols, rows)
        plot = self.heatmap.getPlotItem()
        plot.getAxis("bottom").setTicks([_index_ticks(cols)])
        plot.getAxis("left").setTicks([_index_ticks(rows)])
        plot.autoRange(padding=0)
        low, high = self._ends
        self.legend_label.setText(
            translate("tensor_view", "colour: {low} = {lo} … {high} = {hi}").format(
                low=low, lo=format_number(lo, DIGITS), high=high, hi=format_number(hi, DIGITS))
        )
        self.legend_label.show()
        self.heatmap.show()


def _index_ticks(n: int) -> list[tuple[float, str]]:
    """About ten whole-number ticks over ``n`` indices."""
    step = max(1, math.ceil(n / 10))
    return [(float(i), str(i)) for i in range(0, n, step)]
