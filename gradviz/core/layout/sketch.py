"""A layout as numpy arrays: boxes, their colour roles and edge polylines, for fast sketches.

The canvas previews a big layout before its items exist (``gradviz.qt.canvas.graph_preview``).
Turning 10,000 boxes and edges into arrays takes ~50 ms of Python; done on the GUI thread
that is a visible stall, so the worker thread computes them right after the layout and
:func:`sketch_arrays` hands the GUI the same object from a small memo. A :class:`Sketch`
is everything the preview draws (arrays, box texts, frames): a provisional picture is sent
as one, and a single column's is made without any layout objects (:mod:`.column`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from gradviz.core.layout.layout import Layout
from gradviz.core.layout.module_boxes import MODULE_PREFIX, module_title
from gradviz.core.trace import Trace

#: Colour roles, as the canvas names them.
ROLES = ("constant", "leaf", "module", "op", "root")
# Points sampled on each Bezier segment: at sketch zoom a few straight pieces are a curve.
_SAMPLES = np.array([0.0, 1 / 3, 2 / 3, 1.0])
_MEMO_SIZE = 2  # the provisional layout and Graphviz's, of one run


@dataclass(frozen=True, eq=False)
class SketchArrays:
    """Boxes ``x0, y0, x1, y1`` (corners, points, y down) and ``role`` (index into ROLES)
    in ``layout.nodes`` order; edges as one polyline array with ``edge_connect[i] == 1``
    where point ``i`` joins point ``i + 1``."""

    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    role: np.ndarray
    edge_x: np.ndarray
    edge_y: np.ndarray
    edge_connect: np.ndarray


@dataclass(frozen=True, eq=False)
class Sketch:
    """What the preview draws: the arrays, each box's text (in the arrays' order), the module
    frames ``(left, top, width, height, title)`` and the drawing's size in points."""

    arrays: SketchArrays
    lines: list[tuple[str, ...]]
    frames: tuple[tuple[float, float, float, float, str], ...]
    width: float
    height: float


def same_picture(a: Sketch, b: Sketch) -> bool:
    """True when ``a`` and ``b`` draw the same: a chain's final layout is the provisional one
    it was previewed in, and drawing that again held the window 30-50 ms at 10,000 nodes."""
    if (a.width, a.height, a.frames) != (b.width, b.height, b.frames) or len(a.lines) != len(b.lines):
        return False
    fields = ("x0", "y0", "x1", "y1", "role", "edge_x", "edge_y", "edge_connect")
    return all(np.array_equal(getattr(a.arrays, f), getattr(b.arrays, f)) for f in fields) and a.lines == b.lines


def sketch_of(trace: Trace, layout: Layout) -> Sketch:
    """The :class:`Sketch` of ``layout`` (of ``trace``); the memo lets go of the layout."""
    arrays = sketch_arrays(trace, layout)
    forget(layout)  # everything needed is copied out here
    frames = tuple((c.x - c.width / 2, c.y - c.height / 2, c.width, c.height, module_title(trace, c.path))
                   for c in layout.clusters)
    return Sketch(arrays, [b.lines for b in layout.nodes.values()], frames, layout.width, layout.height)


def roles_of(trace: Trace, ids: list[str]) -> np.ndarray:
    """Each box's colour role (index into ROLES)."""
    roots = set(trace.roots)
    return np.array([_role(trace, i, roots) for i in ids], dtype=np.int8)


def _role(trace: Trace, ident: str, roots: set[str]) -> int:
    if ident.startswith(MODULE_PREFIX):
        return ROLES.index("module")
    if ident in roots:
        return ROLES.index("root")
    kind = trace.node(ident).kind
    return ROLES.index(kind if kind in ("leaf", "constant") else "op")


def _edges(layout: Layout) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    segments: list[tuple[float, ...]] = []
    ends: list[int] = []
    for edge in layout.edges:
        pts = edge.points
        before = len(segments)
        for i in range(0, len(pts) - 3, 3):
            segments.append((*pts[i], *pts[i + 1], *pts[i + 2], *pts[i + 3]))
        if len(segments) > before:
            ends.append(len(segments) - 1)
    if not segments:
        empty = np.zeros(0)
        return empty, empty, np.zeros(0, dtype=np.int32)
    return sampled_edges(np.asarray(segments, dtype=float).reshape(-1, 4, 2), ends)


def sampled_edges(s: np.ndarray, ends: list[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Polyline points along Bezier segments ``s`` (segments, 4 control points, 2); ``ends``
    are the segments that end an edge (their last point joins no next one)."""
    t = _SAMPLES[None, :, None]
    points = ((1 - t) ** 3 * s[:, None, 0] + 3 * (1 - t) ** 2 * t * s[:, None, 1]
              + 3 * (1 - t) * t ** 2 * s[:, None, 2] + t ** 3 * s[:, None, 3])  # (segments, samples, 2)
    connect = np.ones((len(s), len(_SAMPLES)), dtype=np.int32)
    connect[ends, -1] = 0  # an edge's last point does not join the next edge
    flat = points.reshape(-1, 2)
    return np.ascontiguousarray(flat[:, 0]), np.ascontiguousarray(flat[:, 1]), connect.ravel()


def _compute(trace: Trace, layout: Layout) -> SketchArrays:
    boxes = list(layout.nodes.values())
    g = np.array([(b.x, b.y, b.width, b.height) for b in boxes], dtype=float).reshape(-1, 4)
    x0, y0 = g[:, 0] - g[:, 2] / 2, g[:, 1] - g[:, 3] / 2
    role = roles_of(trace, [b.id for b in boxes])
    ex, ey, ec = _edges(layout)
    return SketchArrays(x0, y0, x0 + g[:, 2], y0 + g[:, 3], role, ex, ey, ec)


_memo: OrderedDict[tuple[int, int], tuple[Trace, Layout, SketchArrays]] = OrderedDict()
_lock = threading.Lock()


def sketch_arrays(trace: Trace, layout: Layout) -> SketchArrays:
    """The arrays of ``layout`` (of ``trace``), computed once for the last few layouts.

    Thread-safe; call it on the worker thread after laying out and the GUI thread gets the
    same object back.
    """
    key = (id(trace), id(layout))
    with _lock:
        hit = _memo.get(key)
        # The memo keeps trace and layout alive, so their ids cannot be reused meanwhile.
        if hit is not None and hit[0] is trace and hit[1] is layout:
            _memo.move_to_end(key)
            return hit[2]
    arrays = _compute(trace, layout)
    with _lock:
        _memo[key] = (trace, layout, arrays)
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return arrays


def forget(layout: Layout) -> None:
    """Drop the memo's hold on ``layout`` (a provisional layout no longer shown: 10,000
    boxes are ~80,000 objects every full garbage collection would otherwise walk)."""
    with _lock:
        for key in [k for k, v in _memo.items() if v[1] is layout]:
            del _memo[key]
