"""The live loss and accuracy plot of a training run (pyqtgraph).

The plot never redraws per record. It is handed the run's record list (owned by the GUI
thread) and a QTimer pulls whatever arrived since the last tick, appends it to growing
numpy arrays and calls ``setData`` once per curve, as pyqtgraph's scrollingPlots example
does, with peak downsampling and clipping to the visible range for long runs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.training.config import Record
from gradviz.qt.theme import theme_of

__all__ = ["LossPlot", "PLOT_COLORS", "cache_axes"]

#: Background, foreground and curve colours per theme (Okabe-Ito hues; batch loss is a pale
#: companion of the train colour so the epoch curves stand out on a projector).
PLOT_COLORS = {
    "light": {"background": "#FFFFFF", "foreground": "#000000", "grid": 60, "batch": "#9CCBEA",
              "train": "#0072B2", "test": "#D55E00", "cursor": "#555555"},
    "dark": {"background": "#1B1B1B", "foreground": "#F0F0F0", "grid": 90, "batch": "#2F5F80",
             "train": "#56B4E9", "test": "#E69F00", "cursor": "#BBBBBB"},
}


class _Series:
    """Columns of floats that grow by appending; views of the filled part go to ``setData``."""

    def __init__(self, columns: int) -> None:
        self.data = np.empty((columns, 256))
        self.n = 0

    def append(self, rows: Sequence[Sequence[float]]) -> None:
        need = self.n + len(rows)
        if need > self.data.shape[1]:
            grown = np.empty((self.data.shape[0], max(need, 2 * self.data.shape[1])))
            grown[:, :self.n] = self.data[:, :self.n]
            self.data = grown
        self.data[:, self.n:need] = np.asarray(rows, dtype=float).T
        self.n = need

    def column(self, i: int) -> np.ndarray:
        return self.data[i, :self.n]


_HINT = QT_TRANSLATE_NOOP("loss_plot", "Hover over the plot to read the values; click a point to see that step's "
                          "graph\n(Shift+click: compare its gradients).")


def _num(value: float | None) -> float:
    return np.nan if value is None else float(value)


def cache_axes(plot: pg.PlotItem) -> None:
    """Keep ``plot``'s axes and title as pixmaps, redrawn only when they change.

    Without this every curve update replays each axis's tick text and grid lines (a QPicture,
    2 ms apiece in software rendering) under the GIL, time the training thread waits.
    """
    for name in ("left", "bottom", "top", "right"):
        plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    plot.titleLabel.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


class LossPlot(QWidget):
    """Batch loss per step, train and test loss per epoch, and accuracy per epoch below.

    Parameters
    ----------
    rate_hz : float
        How often the timer pulls new records while :meth:`start` ed.
    parent : QWidget, optional

    Attributes
    ----------
    loss_plot, accuracy_plot : pyqtgraph.PlotItem
    batch_curve, epoch_curve, test_curve : pyqtgraph.PlotDataItem
        Loss of every batch (x = step); mean batch loss and test loss of each epoch (x = the
        epoch's last step).
    train_accuracy_curve, test_accuracy_curve : pyqtgraph.PlotDataItem
    log_check : QCheckBox
        Log scale for the loss axis.
    readout : QLabel
        The values under the mouse.
    refresh_times : list of float
        ``time.monotonic()`` of every redraw of the records followed that drew new ones (for
        measuring the rate); cleared by :meth:`follow`.

    Signals
    -------
    hovered(str)
        The readout text changed.
    step_clicked(int, bool)
        A point of the curve was clicked: its step, and whether Shift was held.
    """

    hovered = Signal(str)
    step_clicked = Signal(int, bool)

    def __init__(self, rate_hz: float = 12.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._records: Sequence[Record] = []
        self._drawn = 0
        self._steps = _Series(2)   # step, batch loss
        self._epochs = _Series(6)  # step, epoch, epoch loss, test loss, train acc, test acc
        self.refresh_times: list[float] = []
        self._theme = ""
        self._font_size = 11
        self._accuracy_visible = True
        self._marked: bool | None = None
        self._y_top: float | None = None

        self.graphics = pg.GraphicsLayoutWidget()
        self.loss_plot = self.graphics.addPlot(row=0, col=0)
        self.accuracy_plot = self.graphics.addPlot(row=1, col=0)
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 2)
        self.accuracy_plot.setXLink(self.loss_plot)
        self.accuracy_plot.setYRange(0, 1.0, padding=0.12)  # room for the 0 % and 100 % labels
        self.accuracy_plot.setMouseEnabled(y=False)
        self.accuracy_plot.getAxis("left").setTicks([[(0, "0 %"), (0.5, "50 %"), (1.0, "100 %")],
                                                     [(0.25, ""), (0.75, "")]])
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.setMenuEnabled(False)
            plot.showGrid(x=True, y=True)
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            cache_axes(plot)
        self.batch_curve = self.loss_plot.plot(name="batch loss")
        self.epoch_curve = self.loss_plot.plot(name="train loss (epoch mean)", symbol="o", connect="finite")
        self.test_curve = self.loss_plot.plot(name="test loss", symbol="s", connect="finite")
        self.train_accuracy_curve = self.accuracy_plot.plot(name="train", symbol="o", connect="finite")
        self.test_accuracy_curve = self.accuracy_plot.plot(name="test", symbol="s", connect="finite")
        self.cursor_line = pg.InfiniteLine(angle=90, movable=False)
        self.cursor_dot = pg.PlotDataItem(symbol="o", symbolSize=11, pen=None)
        self.loss_plot.addItem(self.cursor_line, ignoreBounds=True)
        self.loss_plot.addItem(self.cursor_dot, ignoreBounds=True)
        self.cursor_line.hide()

        self.log_check = QCheckBox(translate("loss_plot", "&Log scale"))
        self.log_check.setToolTip(translate("loss_plot",
                                            "Show the loss on a logarithmic axis: small late losses become readable"))
        self.log_check.toggled.connect(self._on_log_scale_changed)
        # The key is a line of text under the plots: a legend inside them would cover curves.
        self.key = QLabel()
        self.key.setTextFormat(Qt.TextFormat.RichText)
        self.key.setWordWrap(True)  # at projector font sizes a one-line key would push the plots off
        self.readout = QLabel(translate("loss_plot", _HINT))
        # Two lines always, clipped rather than wrapped: the plots above must not jump in size.
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.key, 1)
        row.addWidget(self.log_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.graphics, 1)
        layout.addLayout(row)
        layout.addWidget(self.readout)

        self._mouse = pg.SignalProxy(self.graphics.scene().sigMouseMoved, rateLimit=30,
                                     slot=self._on_mouse_moved)
        self.graphics.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.timer = QTimer(self)
        self.timer.setInterval(max(1, round(1000 / rate_hz)))
        self.timer.timeout.connect(self.refresh)
        self.set_theme(theme_of(self.palette()))

    # -- data -----------------------------------------------------------------------------
    def follow(self, records: Sequence[Record]) -> None:
        """Plot ``records`` (a list that keeps growing), starting from an empty plot."""
        self._records = records
        self._drawn = 0
        self.refresh_times = []
        self._y_top = None
        self._marked = None  # markers or not: decided again for this run's epoch count
        self.loss_plot.enableAutoRange(x=True, y=True)
        self._steps = _Series(2)
        self._epochs = _Series(6)
        self.cursor_line.hide()
        self.cursor_dot.setData([], [])
        self.readout.setText(translate("loss_plot", _HINT))
        self._redraw()
        self.refresh()

    def set_total_steps(self, total: int) -> None:
        """Fix the x axis to the whole run: the curve grows across a still frame.

        A still axis is also a cheap one: ticks are only drawn again when the range changes.
        """
        self.loss_plot.enableAutoRange(x=False)
        self.loss_plot.setXRange(0, max(total, 1), padding=0.02)

    def start(self) -> None:
        """Pull new records on every timer tick."""
        self.timer.start()

    def stop(self) -> None:
        """Stop the timer, after drawing whatever is left."""
        self.timer.stop()
        self.refresh()

    def refresh(self) -> bool:
        """Draw the records that arrived since the last call; True if there were any."""
        records = self._records
        new = records[self._drawn:len(records)]
        if not new:
            return False
        self._drawn += len(new)
        self._steps.append([(r.step, r.train_loss) for r in new])
        ends = [(r.step, r.epoch, _num(r.epoch_loss), _num(r.test_loss), _num(r.train_acc), _num(r.test_acc))
                for r in new if r.epoch_end]
        if ends:
            self._epochs.append(ends)
        self._redraw(epochs_changed=bool(ends))
        self.refresh_times.append(time.monotonic())
        return True

    def _redraw(self, epochs_changed: bool = True) -> None:
        steps = self._steps
        self._set(self.batch_curve, steps.column(0), steps.column(1), log=True)
        if epochs_changed:
            self._redraw_epochs()
        self._fit_loss_axis()

    def _redraw_epochs(self) -> None:
        epochs = self._epochs
        x = epochs.column(0)
        # Markers help while epochs are few; hundreds of them merge into a thick smear.
        marked = epochs.n <= 30
        if marked != self._marked:
            self._marked = marked
            for curve, symbol in ((self.epoch_curve, "o"), (self.test_curve, "s"),
                                  (self.train_accuracy_curve, "o"), (self.test_accuracy_curve, "s")):
                curve.setSymbol(symbol if marked else None)
        self._set(self.epoch_curve, x, epochs.column(2), log=True)
        self._set(self.test_curve, x, epochs.column(3), log=True)
        self._set(self.train_accuracy_curve, x, epochs.column(4))
        self._set(self.test_accuracy_curve, x, epochs.column(5))

    def _set(self, curve: pg.PlotDataItem, x: np.ndarray, y: np.ndarray, log: bool = False) -> None:
        if log and self.log_check.isChecked():
            y = np.where(y > 0, y, np.nan)  # a loss of exactly 0 has no place on a log axis
        if len(y) and not np.isfinite(y).any():
            # pyqtgraph's bounds of an all-NaN series warn on every paint (no test set, say).
            x = y = np.empty(0)
        curve.setData(x, y)

    def _fit_loss_axis(self) -> None:
        steps, epochs = self._steps, self._epochs
        if not self.log_check.isChecked() and steps.n:
            # Losses are >= 0: from 0 to above the highest loss so far, moved only when a loss
            # goes higher, so the axis (and its cached picture) stays put as the loss falls.
            top = float(np.nanmax([np.nanmax(steps.column(1)), np.nanmax(epochs.column(3), initial=0)]))
            if np.isfinite(top) and (self._y_top is None or top > self._y_top):
                self._y_top = top * 1.1 if top > 0 else 1.0
                self.loss_plot.enableAutoRange(y=False)
                self.loss_plot.setYRange(0, self._y_top, padding=0)

    def set_accuracy_visible(self, visible: bool) -> None:
        """Show the accuracy plot (classification) or give the loss all the room (regression)."""
        self._accuracy_visible = visible
        self.accuracy_plot.setVisible(visible)
        self.graphics.ci.layout.setRowStretchFactor(1, 2 if visible else 0)
        self.graphics.ci.layout.setRowMaximumHeight(1, 1e6 if visible else 0)
        self._apply_text_style()

    # -- reading values -------------------------------------------------------------------
    def hover_at(self, x: float) -> str:
        """Put the cursor on the step nearest ``x`` and return the readout text ("" if no data)."""
        steps = self._steps.column(0)
        if not len(steps):
            return ""
        i = int(np.clip(np.searchsorted(steps, x), 1, len(steps) - 1)) if len(steps) > 1 else 0
        if i > 0 and abs(steps[i - 1] - x) <= abs(steps[i] - x):
            i -= 1
        step, loss = steps[i], self._steps.column(1)[i]
        record = self._records[i]
        text = translate("loss_plot", "Step {step} · epoch {epoch}, batch {batch} · batch loss {loss:.4g}").format(
            step=int(step), epoch=record.epoch, batch=record.batch, loss=loss)
        ends = self._epochs.column(0)
        j = int(np.searchsorted(ends, step, side="right")) - 1
        if j >= 0:
            _s, epoch, mean, test, train_acc, test_acc = self._epochs.data[:, j]
            both = np.isfinite(test)
            if both:
                line = translate("loss_plot", "Epoch {epoch} (train / test): loss {train:.3g} / {test:.3g}").format(
                    epoch=int(epoch), train=mean, test=test)
            else:
                line = translate("loss_plot", "Epoch {epoch}: loss {train:.3g}").format(epoch=int(epoch), train=mean)
            if np.isfinite(train_acc):
                accuracy = f"{train_acc * 100:.3g} %" + (f" / {test_acc * 100:.3g} %" if np.isfinite(test_acc) else "")
                line += translate("loss_plot", ", accuracy {accuracy}").format(accuracy=accuracy)
            text += "\n" + line
        self.cursor_line.setPos(step)
        self.cursor_line.show()
        self._set(self.cursor_dot, np.array([step]), np.array([loss]), log=True)
        self.readout.setText(text)
        self.readout.setToolTip(text)  # the whole text, should a narrow dock clip it
        self.hovered.emit(text)
        return text

    def step_at(self, x: float) -> int | None:
        """The step of the plotted point nearest ``x`` (None when nothing is plotted)."""
        steps = self._steps.column(0)
        if not len(steps):
            return None
        i = int(np.clip(np.searchsorted(steps, x), 0, len(steps) - 1))
        if i > 0 and abs(steps[i - 1] - x) <= abs(steps[i] - x):
            i -= 1
        return int(steps[i])

    def click_at(self, x: float, shift: bool = False) -> int | None:
        """Click the curve at ``x`` (as the mouse does): emits ``step_clicked``; returns the step."""
        step = self.step_at(x)
        if step is not None:
            self.hover_at(x)
            self.step_clicked.emit(step, shift)
        return step

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.scenePos()
        for plot in (self.loss_plot, self.accuracy_plot):
            if plot.isVisible() and plot.sceneBoundingRect().contains(pos):
                shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.click_at(plot.vb.mapSceneToView(pos).x(), shift)
                return

    def _on_mouse_moved(self, event) -> None:
        pos = event[0]
        for plot in (self.loss_plot, self.accuracy_plot):
            if plot.isVisible() and plot.sceneBoundingRect().contains(pos):
                self.hover_at(plot.vb.mapSceneToView(pos).x())
                return

    # -- look -----------------------------------------------------------------------------
    def set_log_scale(self, on: bool) -> None:
        """Logarithmic loss axis on or off (the check box follows)."""
        self.log_check.setChecked(on)

    def _on_log_scale_changed(self, on: bool) -> None:
        self.loss_plot.setLogMode(x=False, y=on)
        self._y_top = None  # linear: set again from the data on the next redraw
        self.loss_plot.enableAutoRange(y=True)
        self._redraw()

    def set_theme(self, name: str) -> None:
        """Colours for the "light" or "dark" theme."""
        self._theme = name
        c = PLOT_COLORS[name]
        self.graphics.setBackground(c["background"])
        width = 2.5
        # One pixel: a wide pen over thousands of points costs the raster engine several ms a
        # frame. The epoch curves have few points, so they can be thick for the back row.
        self.batch_curve.setPen(pg.mkPen(c["batch"], width=1))
        for curve, key in ((self.epoch_curve, "train"), (self.test_curve, "test"),
                           (self.train_accuracy_curve, "train"), (self.test_accuracy_curve, "test")):
            curve.setPen(pg.mkPen(c[key], width=width))
            curve.setSymbolBrush(c[key])
            curve.setSymbolPen(pg.mkPen(c["background"], width=1))
            curve.setSymbolSize(9)
        self.cursor_line.setPen(pg.mkPen(c["cursor"], width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.cursor_dot.setSymbolBrush(None)
        self.cursor_dot.setSymbolPen(pg.mkPen(c["foreground"], width=2))
        self._apply_text_style()

    def set_font_size(self, point_size: int) -> None:
        """Axis, title and legend text at about ``point_size`` points."""
        self._font_size = point_size
        font = QFont(self.readout.font())
        font.setPointSize(point_size)
        for widget in (self.readout, self.log_check, self.key):
            widget.setFont(font)
        self.readout.setFixedHeight(2 * self.readout.fontMetrics().lineSpacing() + 4)
        self._apply_text_style()

    def _apply_text_style(self) -> None:
        c = PLOT_COLORS[self._theme]
        size = self._font_size
        tick_font = QFont(self.font())
        tick_font.setPointSize(max(size - 1, 7))
        # No titles: the axis labels say what is plotted, and in a short dock the room is the
        # plots'.
        for plot, left in ((self.loss_plot, translate("loss_plot", "loss")),
                           (self.accuracy_plot, translate("loss_plot", "accuracy"))):
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(pg.mkPen(c["foreground"]))
                axis.setTextPen(pg.mkPen(c["foreground"]))
                axis.setTickFont(tick_font)
                axis.setGrid(c["grid"])
            # siPrefixEnableRanges=(): plain numbers, never "loss (x0.001)" with ticks at 600.
            # (enableAutoSIPrefix(False) would freeze whatever scale was computed last.)
            plot.setLabel("left", left, siPrefixEnableRanges=(), color=c["foreground"], **{"font-size": f"{size}pt"})
            # One x label, under the lowest plot: the axes are linked and room is short.
            lowest = plot is self.accuracy_plot or not self._accuracy_visible
            bottom = translate("loss_plot", "step (one batch each)") if lowest else None
            plot.setLabel("bottom", bottom, siPrefixEnableRanges=(), color=c["foreground"],
                          **{"font-size": f"{size}pt"})
            plot.showLabel("bottom", lowest)
        batch, train, test = (translate("loss_plot", "batch loss"), translate("loss_plot", "train (epoch mean)"),
                              translate("loss_plot", "test"))
        self.key.setText(f'<span style="color:{c["batch"]}"><b>━━</b></span> {batch} &nbsp; '
                         f'<span style="color:{c["train"]}"><b>━●━</b></span> {train} &nbsp; '
                         f'<span style="color:{c["test"]}"><b>━■━</b></span> {test}')

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            theme = theme_of(self.palette())
            if theme != self._theme:
                self.set_theme(theme)
