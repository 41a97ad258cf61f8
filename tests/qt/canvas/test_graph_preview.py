"""The preview's paths, made from numpy arrays without pyqtgraph."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtGui import QPainterPath

from gradviz.qt.canvas.graph_preview import array_path

MOVE, LINE = QPainterPath.ElementType.MoveToElement, QPainterPath.ElementType.LineToElement


def _elements(path: QPainterPath) -> list[tuple]:
    return [(path.elementAt(i).type, path.elementAt(i).x, path.elementAt(i).y) for i in range(path.elementCount())]


def test_array_path_joins_the_points_connect_says(qtbot):
    xs, ys = np.array([0.0, 1.0, 2.0, 3.0, 4.5]), np.array([0.0, 10.0, 20.0, 30.0, -1.25])
    path = array_path(xs, ys, np.array([1, 0, 1, 1, 0], dtype=np.int32))
    assert _elements(path) == [(MOVE, 0.0, 0.0), (LINE, 1.0, 10.0), (MOVE, 2.0, 20.0), (LINE, 3.0, 30.0),
                               (LINE, 4.5, -1.25)]
    assert array_path(np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int32)).isEmpty()


def test_array_path_is_pyqtgraphs_path(qtbot):
    import pyqtgraph.functions as pgfn

    rng = np.random.default_rng(0)
    xs, ys = rng.random(5000) * 900, rng.random(5000) * 700
    connect = (rng.random(5000) > 0.25).astype(np.int32)
    assert array_path(xs, ys, connect) == pgfn.arrayToQPath(xs, ys, connect=connect, finiteCheck=False)


def test_a_preview_is_drawn_without_importing_pyqtgraph():
    # pyqtgraph took 150-200 ms to import, a stall of the first big graph's picture.
    code = ("import sys\n"
            "from PySide6.QtWidgets import QApplication\n"
            "app = QApplication([])\n"
            "from gradviz.core.capture.capture import capture_program\n"
            "from gradviz.core.layout.layout import layout\n"
            "from gradviz.core.layout.sketch import sketch_of\n"
            "from gradviz.qt.canvas.graph_preview import PreviewItem\n"
            "trace = capture_program('x = torch.tensor(0.5, requires_grad=True)\\ny = x * 2 + x\\nloss = y\\n')\n"
            "item = PreviewItem(sketch_of(trace, layout(trace)), 'light')\n"
            "print(item.boundingRect().isEmpty(), 'pyqtgraph' in sys.modules)\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "False False", out.stderr


@pytest.fixture
def preview(qtbot):
    """A preview over a shown 600x400 canvas."""
    from PySide6.QtWidgets import QGraphicsView

    from gradviz.qt.canvas.graph_preview import PreviewView

    canvas = QGraphicsView()
    qtbot.addWidget(canvas)
    canvas.resize(600, 400)
    canvas.show()
    return PreviewView(canvas)


def test_the_preview_note_shows_only_when_the_preview_stays_up(qtbot, preview):
    # A chain's preview is replaced by its items tens of milliseconds later: a note flashed
    # for that long is a flicker. It shows once the preview has been up NOTE_DELAY_MS.
    from gradviz.core.capture.capture import capture_program
    from gradviz.core.layout.layout import layout
    from gradviz.qt.canvas.graph_preview import NOTE_DELAY_MS

    trace = capture_program("x = torch.tensor(0.5, requires_grad=True)\ny = x * 2 + x\nloss = y\n")
    drawing = layout(trace)
    preview.show_drawing(trace, drawing, "Provisional layout — refining…")
    assert preview.is_showing and preview.note_label.isHidden() and NOTE_DELAY_MS >= 200
    preview.clear()  # the items came first: the note never shows
    assert preview.note_label.isHidden() and not preview._note_timer.isActive()
    preview.show_drawing(trace, drawing, "Provisional layout — refining…")
    with qtbot.waitSignal(preview._note_timer.timeout, timeout=5000):
        pass
    assert preview.note_label.isVisible() and preview.note_label.text() == "Provisional layout — refining…"
    preview.show_drawing(trace, drawing, "")  # no note for the next drawing: none shown
    assert preview.note_label.isHidden()


def test_a_chain_laid_out_as_it_was_previewed_keeps_its_picture_and_the_users_zoom(preview):
    # Drawn again, the same 10,000-box picture held the window 30-50 ms; only the note changes.
    from gradviz.core.capture.capture import capture_program
    from gradviz.core.layout.column import column_sketch
    from gradviz.core.layout.plan import StagedLayoutCache
    from gradviz.core.layout.quick import plain_build

    forward: list = []
    source = "x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range(300):\n    y = y * 1.0001\nloss = y\n"
    trace = capture_program(source, on_forward=forward.append, forward_min=0)
    preview.show_sketch(column_sketch(forward[0], plain_build(forward[0])), "Provisional layout — refining…")
    item = preview.item
    preview.scale(2.0, 2.0)  # the user zooms into the provisional picture
    zoom = preview.zoom
    preview.show_drawing(trace, StagedLayoutCache().plan(trace).layout, "Laid out — making the boxes clickable…")
    assert preview.item is item and preview.zoom == zoom
    assert preview.note_label.text() == "Laid out — making the boxes clickable…"
    other = capture_program(source.replace("300", "299"))
    preview.show_drawing(other, StagedLayoutCache().plan(other).layout, "")
    assert preview.item is not item and len(preview.item.sketch.lines) == len(other.nodes) == 300
