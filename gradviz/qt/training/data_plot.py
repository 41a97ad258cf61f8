"""The data and what the model makes of it: a decision boundary, or predictions along a line.

For 2-D classification data the model's class-1 probability (or predicted class) on a grid is
an ImageItem under the data points, with the 0.5 contour drawn as the boundary; training
points are filled and test points hollow, classes told apart by colour. For 1-D regression
the data are points and the model's predictions a line. The model lives in its run process:
the picture is asked of it (``"grid"`` or ``"predict"``, see :mod:`gradviz.core.training.job`)
on a slow timer (4 Hz), one question at a time, and drawn when the answer comes; each is
time the run spends not training.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGraphicsItem, QLabel, QStackedLayout, QVBoxLayout, QWidget

from gradviz.core.i18n import translate
from gradviz.core.training.datasets import Dataset
from gradviz.qt.theme import theme_of
from gradviz.qt.training.loss_plot import PLOT_COLORS, cache_axes

__all__ = ["CLASS_COLORS", "DataPlot", "data_picture"]

#: Okabe-Ito hues, one per class (more classes than this repeat them); the dark theme takes the
#: lighter hues first, as its deep blue vanished against the dark background.
CLASS_COLORS = {
    "light": ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"),
    "dark": ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442", "#D55E00", "#0072B2", "#FFFFFF"),
}


def data_picture(dataset: Dataset | None) -> str:
    """"boundary" (2-D classes), "regression" (y against one x) or "none"."""
    if dataset is None:
        return "none"
    if dataset.task == "classification" and dataset.is_2d:
        return "boundary"
    if dataset.task == "regression" and dataset.num_features == 1 and dataset.y_train.numel() == len(dataset.y_train):
        return "regression"
    return "none"


def _mix(color: str, background: str, amount: float) -> tuple[int, int, int]:
    a, b = QColor(color), QColor(background)
    return tuple(round(amount * x + (1 - amount) * y) for x, y in
                 ((a.red(), b.red()), (a.green(), b.green()), (a.blue(), b.blue())))


class DataPlot(QWidget):
    """The dataset's points and the model's view of the plane (or of the line).

    Attributes
    ----------
    plot : pyqtgraph.PlotItem
    boundary_image : pyqtgraph.ImageItem
        ``image`` is the last ``predict_grid`` result, shape (grid_size, grid_size).
    boundary_line : pyqtgraph.ImageItem
        Transparent but for the grid cells where the predicted class changes: the boundary.
    train_scatter, test_scatter : pyqtgraph.ScatterPlotItem
        Filled training points, hollow test points.
    prediction_curve : pyqtgraph.PlotDataItem
        The regression model's predictions.
    note : QLabel
        Shown instead of the plot when the data have no 2-D picture.
    grid_size : int

    Signals
    -------
    drawn()
        A model picture the run sent was drawn.
    """

    drawn = Signal()

    def __init__(self, grid_size: int = 100, interval_ms: int = 250, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid_size = grid_size
        self.dataset: Dataset | None = None
        self.mode = "none"
        self._trainer = None
        self._records: list = []
        self._drawn_at = -1
        self._asking = False  # a question is out: the next waits for its answer
        self._again = False  # asked to draw while one was out
        self._bounds = (-1.0, 1.0, -1.0, 1.0)
        self._theme = ""

        self.plot_widget = pg.PlotWidget()
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setContentsMargins(2, 2, 14, 2)  # the last tick label needs room on the right
        cache_axes(self.plot)
        self.boundary_image = pg.ImageItem(axisOrder="row-major")
        self.boundary_image.setZValue(-10)
        # Grid cells where the class changes, not pyqtgraph's IsocurveItem: tracing the contour
        # in Python took 5-10 ms a frame, time the training thread waited for the GIL.
        self.boundary_line = pg.ImageItem(axisOrder="row-major")
        self.boundary_line.setParentItem(self.boundary_image)
        self.train_scatter = pg.ScatterPlotItem(name="train (filled)")
        self.test_scatter = pg.ScatterPlotItem(name="test (hollow)")
        self.prediction_curve = pg.PlotDataItem(name="model")
        for item in (self.boundary_image, self.prediction_curve, self.train_scatter, self.test_scatter):
            self.plot.addItem(item)
        for scatter in (self.train_scatter, self.test_scatter):
            # The points never move: drawn once into a pixmap, not again on every new heatmap.
            scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # The key sits under the plot, not on it: a legend inside would hide data points.
        self.key = QLabel()
        self.key.setWordWrap(True)
        self.key.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.plot_widget, 1)
        column.addWidget(self.key)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(page)
        self._stack.addWidget(self.note)
        self._page = page

        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)
        self._font_size = 11
        self.set_theme(theme_of(self.palette()))
        self.set_dataset(None)

    # -- data -----------------------------------------------------------------------------
    def set_dataset(self, dataset: Dataset | None) -> None:
        """Draw ``dataset``'s points (and forget any model picture)."""
        self.dataset = dataset
        self.mode = data_picture(dataset)
        self.boundary_image.clear()
        self.boundary_line.clear()
        self.prediction_curve.setData([], [])
        self._drawn_at = -1
        if self.mode == "none":
            self.train_scatter.clear()
            self.test_scatter.clear()
            if dataset is None:
                self.note.setText(translate("data_plot", "Choose a dataset to see it here."))
            else:
                shape = "×".join(str(s) for s in dataset.X_train.shape[1:])
                self.note.setText(translate("data_plot", "The {name!r} samples are {shape} values each: there is no "
                                                         "flat picture of them. Follow the loss and accuracy on the "
                                                         "left.").format(name=dataset.name, shape=shape))
            self._stack.setCurrentWidget(self.note)
            return
        self._stack.setCurrentWidget(self._page)
        X = np.concatenate([dataset.X_train.numpy(), dataset.X_test.numpy()])
        if self.mode == "regression":
            Y = np.concatenate([dataset.y_train.numpy().reshape(-1), dataset.y_test.numpy().reshape(-1)])
            X = np.stack([X[:, 0], Y], axis=1)
        lo, hi = X.min(axis=0), X.max(axis=0)
        margin = np.maximum((hi - lo) * 0.12, 0.25)
        lo, hi = lo - margin, hi + margin
        # Python floats: float32 bounds overflow inside pyqtgraph's range-limit comparisons.
        self._bounds = xmin, xmax, ymin, ymax = (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))
        self.plot.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)
        self.plot.disableAutoRange()
        self._draw_points()
        self._update_labels()

    def follow(self, trainer, records: list) -> None:
        """Draw ``trainer``'s model (a RemoteTrainer) whenever ``records`` has grown (checked on the timer)."""
        self._trainer = trainer
        self._records = records
        self._drawn_at = -1
        self._asking = self._again = False
        self.refresh()

    def start(self) -> None:
        """Redraw the model picture on every timer tick that has news."""
        self.timer.start()

    def stop(self) -> None:
        """Stop the timer after a last redraw."""
        self.timer.stop()
        self.refresh()

    def refresh(self, force: bool = False) -> bool:
        """Ask the run for the model picture if training moved on since the last one; True if asked.

        The picture is drawn (and ``drawn`` emitted) when the answer comes.
        """
        trainer = self._trainer
        if trainer is None or not trainer.alive or self.mode == "none":
            return False
        if len(self._records) == self._drawn_at and not force:
            return False
        if self._asking:
            self._again = True
            return False
        self._drawn_at = len(self._records)
        self._asking = True
        xmin, xmax, ymin, ymax = self._bounds
        if self.mode == "regression":
            xs = np.linspace(xmin, xmax, 200, dtype=np.float32)
            trainer.ask("predict", (xs[:, None],), lambda ok, value: self._on_answer(trainer, xs, ok, value))
        else:
            trainer.ask("grid", (xmin, xmax, ymin, ymax, self.grid_size),
                        lambda ok, value: self._on_answer(trainer, None, ok, value))
        return True

    def _on_answer(self, trainer, xs: np.ndarray | None, ok: bool, value) -> None:
        if trainer is not self._trainer:
            return  # a run from before a Reset
        self._asking = False
        if not ok:
            if trainer.alive:  # a dead run is the panel's to report; its last picture stays
                self._trainer = None
                self.key.setText(translate("data_plot", "The model cannot be drawn here: {value}").format(
                    value=html.escape(str(value))))
            return
        try:
            self._draw_model(xs, value)
        except (TypeError, ValueError) as exc:  # a run is never trusted to send the right shape
            self._trainer = None
            self.key.setText(translate("data_plot", "The model cannot be drawn here: {exc}").format(exc=exc))
            return
        self.drawn.emit()
        if self._again:
            self._again = False
            self.refresh(force=True)

    def _draw_model(self, xs: np.ndarray | None, values) -> None:
        xmin, xmax, ymin, ymax = self._bounds
        if not isinstance(values, np.ndarray) or values.dtype.kind not in "fiu":
            raise TypeError(f"the run sent a {type(values).__name__}, not numbers")
        if xs is not None:
            if values.ndim != 2 or len(values) != len(xs):
                raise ValueError(f"{len(xs)} predictions expected, not an array of shape {values.shape}")
            self.prediction_curve.setData(xs, np.nan_to_num(values[:, 0].astype(np.float64), nan=0.0))
            return
        if values.shape != (self.grid_size, self.grid_size):
            raise ValueError(f"a {self.grid_size}×{self.grid_size} grid expected, not {values.shape}")
        # A diverged model gives NaN: drawn as undecided (0.5) rather than as a warning per pixel.
        values = np.nan_to_num(values.astype(np.float32), nan=0.5)
        classes = self.dataset.num_classes or 2
        self.boundary_image.setImage(values, autoLevels=False, lut=self._lut(classes),
                                     levels=(0.0, 1.0) if classes <= 2 else (-0.5, classes - 0.5))
        self.boundary_image.setRect(QRectF(xmin, ymin, xmax - xmin, ymax - ymin))
        self.boundary_line.setImage(self._edges(values > 0.5 if classes <= 2 else values), autoLevels=False)

    def _color(self, k: int) -> str:
        colors = CLASS_COLORS[self._theme]
        return colors[k % len(colors)]

    def _edges(self, classes: np.ndarray) -> np.ndarray:
        """An RGBA image, opaque only where a cell's class differs from its neighbour's."""
        edge = np.zeros(classes.shape, dtype=bool)
        edge[:, 1:] |= classes[:, 1:] != classes[:, :-1]
        edge[1:, :] |= classes[1:, :] != classes[:-1, :]
        rgba = np.zeros(classes.shape + (4,), dtype=np.ubyte)
        color = QColor(PLOT_COLORS[self._theme]["foreground"])
        rgba[edge] = (color.red(), color.green(), color.blue(), 200)
        return rgba

    def _lut(self, classes: int) -> np.ndarray:
        background = PLOT_COLORS[self._theme]["background"]
        tints = [_mix(self._color(i), background, 0.3) for i in range(max(classes, 2))]
        if classes > 2:
            return np.array(tints, dtype=np.ubyte)
        # Class-0 tint, fading to the background at p = 0.5, then to the class-1 tint.
        mid = np.array(QColor(background).getRgb()[:3], dtype=float)
        t = np.linspace(-1, 1, 256)[:, None]
        lut = np.where(t < 0, mid + (np.array(tints[0]) - mid) * -t, mid + (np.array(tints[1]) - mid) * t)
        return lut.round().astype(np.ubyte)

    def _draw_points(self) -> None:
        data = self.dataset
        if data is None or self.mode == "none":
            return
        c = PLOT_COLORS[self._theme]
        few = len(data.y_train) + len(data.y_test) <= 50
        size = 15 if few else 8
        for scatter, X, y, test in ((self.train_scatter, data.X_train, data.y_train, False),
                                    (self.test_scatter, data.X_test, data.y_test, True)):
            X = X.numpy()
            if self.mode == "regression":
                pos = np.stack([X[:, 0], y.numpy().reshape(-1)], axis=1)
                colors = [self._color(1 if test else 0)] * len(pos)
            else:
                pos = X
                colors = [self._color(int(k)) for k in y.tolist()]
            if test:
                scatter.setData(pos=pos, size=size + 2, symbol="o", brush=None,
                                pen=[pg.mkPen(col, width=3) for col in colors])
            else:
                scatter.setData(pos=pos, size=size, symbol="o", brush=[pg.mkBrush(col) for col in colors],
                                pen=pg.mkPen(c["background"], width=1))

    # -- look -----------------------------------------------------------------------------
    def _update_labels(self) -> None:
        c = PLOT_COLORS[self._theme]
        size = self._font_size
        style = {"color": c["foreground"], "font-size": f"{size}pt"}
        names = ("x", "y") if self.mode == "regression" else ("feature 1 (x₁)", "feature 2 (x₂)")
        # siPrefixEnableRanges=(): plain numbers, never "(x0.001)".
        self.plot.setLabel("bottom", names[0], siPrefixEnableRanges=(), **style)
        self.plot.setLabel("left", names[1], siPrefixEnableRanges=(), **style)
        tick_font = QFont(self.font())
        tick_font.setPointSize(max(size - 1, 7))
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(c["foreground"]))
            axis.setTextPen(pg.mkPen(c["foreground"]))
            axis.setTickFont(tick_font)
        self.key.setText(self._key_html())
        font = QFont(self.key.font())
        font.setPointSize(size)
        self.key.setFont(font)

    def _key_html(self) -> str:
        def dot(color: str, filled: bool = True) -> str:
            return f'<span style="color:{color}; font-size:large">{"●" if filled else "○"}</span>'

        if self.mode == "regression":
            # The heading lives in the key, which wraps; a plot title is clipped in a narrow column.
            heading, train, test, model = (translate("data_plot", "Predictions:"), translate("data_plot", "train"),
                                           translate("data_plot", "test"), translate("data_plot", "model"))
            return (f"<b>{heading}</b> {dot(self._color(0))} {train} &nbsp; {dot(self._color(1), False)} {test} "
                    f'&nbsp; <span style="color:{self._color(2)}"><b>━━</b></span> {model}')
        if self.mode != "boundary" or self.dataset is None:
            return ""
        classes = " ".join(f"{dot(self._color(k))} {k}"
                           for k in range(self.dataset.num_classes or 2))
        hollow = dot(PLOT_COLORS[self._theme]["foreground"], False)
        heading, cls, test, boundary = (translate("data_plot", "Decision boundary:"), translate("data_plot", "class"),
                                        translate("data_plot", "test"), translate("data_plot", "boundary"))
        return f"<b>{heading}</b> {cls} {classes} &nbsp; {hollow} {test} &nbsp; <b>┈</b> {boundary}"

    def set_theme(self, name: str) -> None:
        """Colours for the "light" or "dark" theme."""
        self._theme = name
        c = PLOT_COLORS[name]
        self.plot_widget.setBackground(c["background"])
        self.prediction_curve.setPen(pg.mkPen(self._color(2), width=3))
        self._draw_points()
        self._update_labels()
        self.refresh(force=True)

    def set_font_size(self, point_size: int) -> None:
        """Axis, title and legend text at about ``point_size`` points."""
        self._font_size = point_size
        font = QFont(self.note.font())
        font.setPointSize(point_size)
        self.note.setFont(font)
        self._update_labels()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            theme = theme_of(self.palette())
            if theme != self._theme:
                self.set_theme(theme)
