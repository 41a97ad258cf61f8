"""Trace -> DOT -> Graphviz ``-Tjson`` -> Layout: plain numbers for the Qt painter.

Graphviz speaks points with y pointing up from the bottom of its bounding box;
the :class:`Layout` speaks points with y pointing down from the top-left corner,
like Qt. The conversion happens once, in :func:`parse_layout`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from gradviz.core.layout.dot import (
    FONT_NAME,
    FONT_SIZE,
    PALETTE,
    DotBuild,
    build_dot,
    node_lines,
    to_dot,
)
from gradviz.core.layout.graphviz_run import LayoutCancelled, LayoutError, find_engine, run_engine
from gradviz.core.layout.labels import Look
from gradviz.core.layout.metrics import LINE_SPACING
from gradviz.core.trace import Trace

__all__ = [
    "FONT_NAME",
    "FONT_SIZE",
    "LINE_SPACING",
    "PALETTE",
    "ClusterBox",
    "EdgePath",
    "Layout",
    "LayoutCancelled",
    "LayoutError",
    "NodeBox",
    "find_engine",
    "layout",
    "node_lines",
    "parse_layout",
    "run_engine",
    "to_dot",
]


@dataclass(frozen=True)
class NodeBox:
    """A node's box: centre ``x, y`` and size in points, y down, origin top-left."""

    id: str
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]  # the text in the box, as in the DOT label
    font_size: float = FONT_SIZE  # the size Graphviz measured the lines at


@dataclass(frozen=True)
class EdgePath:
    """An edge's curve, y down.

    ``points`` are cubic Bezier control points ``p0, c1, c2, p1, c1, c2, p2, ...``
    (3k+1 of them). The arrowhead sits at the target end: ``arrow_tail`` is its
    base (where the curve stops) and ``arrow_head`` its tip (on the target's
    border); both are None for an edge drawn without an arrowhead.
    """

    source: str
    target: str
    slot: int
    points: tuple[tuple[float, float], ...]
    arrow_tail: tuple[float, float] | None
    arrow_head: tuple[float, float] | None


@dataclass(frozen=True)
class ClusterBox:
    """A module cluster's frame: centre and size in points, y down."""

    path: str
    label: str
    x: float
    y: float
    width: float
    height: float
    font_size: float = FONT_SIZE  # of the label


@dataclass(frozen=True)
class Layout:
    """Positions of everything in one drawing, in points, y down."""

    width: float
    height: float
    nodes: Mapping[str, NodeBox]
    edges: tuple[EdgePath, ...]
    clusters: tuple[ClusterBox, ...] = ()
    look: Look = field(default_factory=Look)  # the font size and label style of the boxes


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


class _Flip:
    """Graphviz points (y up, bounding box ``bb``) -> drawing points (y down)."""

    def __init__(self, bb: str) -> None:
        self.llx, self.lly, self.urx, self.ury = _floats(bb)

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        # Rounded to Graphviz's own precision so that 261.2 does not come out as
        # 261.20000000000005 and layouts compare equal across runs.
        return (round(x - self.llx, 3), round(self.ury - y, 3))


def _edge_geometry(obj: Mapping[str, Any], flip: _Flip) -> tuple[list, tuple | None, tuple | None]:
    """Bezier points, arrowhead base and tip of one json edge."""
    points: list[tuple[float, float]] = []
    tip = None
    pos = obj.get("pos", "")
    # A concentrated edge can carry several splines split by ';': the first one
    # runs from the tail, which is enough for one edge of a trace.
    for token in pos.split(";")[0].split():
        if token.startswith("e,"):
            tip = flip(*_floats(token[2:]))
        elif token.startswith("s,"):
            continue  # an arrowtail: never asked for, every edge runs source -> target
        else:
            points.append(flip(*_floats(token)))
    if len(points) < 4 or len(points) % 3 != 1:
        # No usable pos: fall back on the xdot drawing ops.
        points = []
        for op in obj.get("_draw_", ()):
            if op.get("op") in ("b", "B") and not points:
                points = [flip(*p) for p in op["points"]]
        tip = None
        for op in obj.get("_hdraw_", ()):
            if op.get("op") in ("p", "P") and len(op["points"]) >= 3:
                tip = flip(*op["points"][1])
    base = points[-1] if tip is not None and points else None
    return points, base, tip


def parse_layout(data: bytes | str | Mapping[str, Any], build: DotBuild) -> Layout:
    """Read the engine's ``-Tjson`` answer for ``build`` into a :class:`Layout`.

    Parameters
    ----------
    data : bytes, str or mapping
        The json text (or already parsed object).
    build : DotBuild
        What :func:`gradviz.core.layout.dot.build_dot` returned for the same DOT; its
        maps turn DOT names and edge ids back into trace ids.

    Returns
    -------
    Layout
        Centres, sizes and curves in points, y down, origin top-left.
        Objects not in ``build`` (a legend) are left out.

    Raises
    ------
    LayoutError
        If the json is not what Graphviz writes, or misses a node or an edge.
    """
    try:
        doc = json.loads(data) if isinstance(data, (bytes, str)) else data
        flip = _Flip(doc.get("bb", "0,0,0,0"))
        nodes: dict[str, NodeBox] = {}
        clusters: dict[str, ClusterBox] = {}
        for obj in doc.get("objects", ()):
            name = obj.get("name")
            if name in build.names and "pos" in obj:
                ident = build.names[name]
                x, y = flip(*_floats(obj["pos"]))
                # Graphviz gives node sizes in inches, everything else in points.
                w, h = round(float(obj["width"]) * 72.0, 3), round(float(obj["height"]) * 72.0, 3)
                nodes[ident] = NodeBox(ident, x, y, w, h, build.lines[ident], build.look.font_size)
            elif name in build.clusters and "bb" in obj:
                path = build.clusters[name]
                llx, lly, urx, ury = _floats(obj["bb"])
                x, y = flip((llx + urx) / 2, (lly + ury) / 2)
                clusters[path] = ClusterBox(path, path, x, y, round(urx - llx, 3), round(ury - lly, 3),
                                            build.look.font_size)
        edges: dict[int, EdgePath] = {}
        for obj in doc.get("edges", ()):
            eid = obj.get("id", "")
            if not (eid.startswith("e") and eid[1:].isdigit()) or int(eid[1:]) >= len(build.edges):
                continue
            k = int(eid[1:])
            source, target, slot = build.edges[k]
            points, base, tip = _edge_geometry(obj, flip)
            edges[k] = EdgePath(source, target, slot, tuple(points), base, tip)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise LayoutError(f"The layout engine's json output could not be read ({type(exc).__name__}: {exc}).") from None
    missing = [i for i in build.names.values() if i not in nodes]
    if missing or len(edges) != len(build.edges):
        raise LayoutError(
            f"The layout engine's output lacks {len(missing)} node(s) and "
            f"{len(build.edges) - len(edges)} edge(s); is it a Graphviz `dot`?"
        )
    order = {p: i for i, p in enumerate(build.clusters.values())}
    return Layout(
        width=round(flip.urx - flip.llx, 3),
        height=round(flip.ury - flip.lly, 3),
        nodes=MappingProxyType(nodes),
        edges=tuple(edges[k] for k in range(len(build.edges))),
        clusters=tuple(sorted(clusters.values(), key=lambda c: order[c.path])),
        look=build.look,
    )


def layout(
    trace: Trace,
    *,
    engine: str | None = None,
    timeout: float | None = 60,
    cancel: threading.Event | None = None,
    **dot_options: Any,
) -> Layout:
    """Lay out ``trace`` with Graphviz.

    Parameters
    ----------
    trace : Trace
        The captured graph.
    engine : str, optional
        Layout program; see :func:`find_engine`.
    timeout : float or None
        Seconds before giving up.
    cancel : threading.Event, optional
        Set it from another thread to stop the engine (:class:`LayoutCancelled`).
    **dot_options
        Passed to :func:`to_dot` (``group_modules``, ``collapsed``, ``rankdir``,
        ``show_values``, ``styled``, ...).

    Returns
    -------
    Layout
        Node boxes by id, edges in the trace's edge order (fan-out duplicates
        kept), module clusters; points, y down. An empty trace gives an empty
        Layout without running the engine.

    Raises
    ------
    LayoutError
        Engine missing, failing, too slow, or cancelled.
    """
    build = build_dot(trace, **dot_options)
    if not build.names and not dot_options.get("legend"):
        return Layout(0.0, 0.0, MappingProxyType({}), ())
    # json0 is json without the xdot drawing ops: the positions parse_layout reads are all
    # there, at a fifth of the size (1.3 MB instead of 7 MB for 2,000 nodes). json.loads
    # holds the GIL for the whole document, so the big one froze the GUI thread ~0.4 s.
    out = run_engine(build.source, "json0", engine=engine, timeout=timeout, cancel=cancel)
    return parse_layout(out, build)
