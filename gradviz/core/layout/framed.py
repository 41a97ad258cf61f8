"""gradviz's own layout for trees drawn with module frames: each frame a block of its own.

A layered model (a 250-layer MLP, a stack of blocks) is a tree read from the loss down, but
Graphviz takes half a second and more for it, most of it keeping each module's boxes
inside its frame. Here the frames are laid out from the inside out: a module's boxes (and
the blocks of its sub-modules) as a tidy tree (:mod:`.tree`), framed with room for the title
at the bottom, where the canvas writes it; the block then stands as one box in the tree of
the module around it. Linear in boxes and edges.

An edge that enters a frame from outside gets a column of its own inside it, from the
frame's bottom up to the box it feeds (an empty leaf of the tidy tree with a tail down to
the bottom layer), so it never crosses a box; an edge leaving a frame leaves from its top
box, straight up. That needs every frame to have one box whose value leaves it (the
module's one output): :func:`framed_layout` returns None for anything else, and Graphviz
draws it.
"""

from __future__ import annotations

from types import MappingProxyType

from gradviz.core.layout.dot import DotBuild
from gradviz.core.layout.grouping import innermost_in
from gradviz.core.layout.layout import ClusterBox, Layout, NodeBox
from gradviz.core.layout.metrics import LINE_SPACING, box_sizes, text_width
from gradviz.core.layout.quick import RANK_SEP
from gradviz.core.layout.tree import TidyNode, feeds_one_each, place_column, tidy, upright_edge
from gradviz.core.trace import built

#: Room between a frame and what it holds (Graphviz's cluster margin).
FRAME_PAD = 8.0
#: Frames nested deeper than this are left to Graphviz (each edge walks its frames).
MAX_NESTING = 64

Point = tuple[float, float]


class _Item(TidyNode):
    """A box, a frame's block, or the column an entering edge runs up (``kind`` says which)."""

    __slots__ = ("kind", "height", "path", "order", "port", "centre", "band")

    def __init__(self, ident: str, width: float, height: float, kind: str, path: str = "") -> None:
        super().__init__(ident, width)
        self.kind, self.height, self.path = kind, height, path
        self.order = 0.0  # its input slot: where it sits among its siblings under a box
        self.port: _Item | None = None  # under a frame: the column inside it this item feeds
        self.centre: Point = (0.0, 0.0)  # in its block, then on the canvas
        self.band: Point = (0.0, 0.0)  # top and bottom of its layer, likewise


def framed_layout(build: DotBuild, titles: dict[str, str] | None = None) -> Layout | None:
    """The :class:`Layout` of ``build`` with its module frames, or None when the graph is not
    a forest of single-output frames (Graphviz lays those out).

    Parameters
    ----------
    build : DotBuild
        From :func:`gradviz.core.layout.dot.build_dot`: names, box text, edges, clusters and
        the cluster each box sits in (``homes``).
    titles : dict, optional
        Cluster path -> the title the canvas writes in its frame: the frame is made at least
        that wide (default: the path).

    Returns
    -------
    Layout or None
        Boxes sized as Graphviz sizes them at the build's font size, inputs at the bottom
        (rankdir BT), edges of straight segments (:func:`upright_edge`), frames in the build's
        cluster order.
    """
    titles = titles or {}
    size = build.look.font_size
    ids = list(build.names.values())
    paths = set(build.clusters.values())
    homes = build.homes
    home = {i: homes.get(i, "") for i in ids}
    stray = set(home.values()) - paths
    stray.discard("")
    if not ids or stray:
        return None
    parent_path = {p: innermost_in(paths, p.rpartition(".")[0]) for p in paths}
    # Parents before children: a parent's path is a prefix of its child's, so shorter.
    outer_first = sorted(paths, key=len)
    depth_of = {"": 0}
    outward = {"": ("",)}  # path and the frames around it, innermost first
    for p in outer_first:
        up = parent_path[p]
        depth_of[p] = depth_of[up] + 1
        if depth_of[p] > MAX_NESTING:
            return None
        outward[p] = (p, *outward[up])
    if not feeds_one_each(build):
        return None  # a value used twice: not a tree

    sizes = box_sizes([build.lines[i] for i in ids], size)
    items = {i: _Item(i, w, h, "box") for i, (w, h) in zip(ids, sizes)}
    frame_items = {p: _Item("frame:" + p, 0.0, 0.0, "frame", p) for p in paths}
    members: dict[str, list[_Item]] = {p: [] for p in (*paths, "")}
    for i in ids:
        members[home[i]].append(items[i])
    for p in paths:
        members[parent_path[p]].append(frame_items[p])

    exits: dict[str, str] = {}  # frame -> the one box whose value leaves it
    routes: list[tuple[_Item, _Item, list[_Item]]] = []  # per edge: the items it joins, the columns it runs up
    for k, (s, t, slot) in enumerate(build.edges):
        source, feeds = items[s], items[t]
        hs, ht = home[s], home[t]
        columns: list[_Item] = []
        if hs != ht:  # the edge leaves frames, enters frames, or both
            s_out, t_out = outward[hs], outward[ht]
            for common in s_out:
                if common in t_out:
                    break
            for p in s_out[: s_out.index(common)]:
                if exits.setdefault(p, s) != s:
                    return None  # two values leave this frame
                source = frame_items[p]  # the outermost frame it leaves stands for it
            for p in t_out[: t_out.index(common)]:  # the frames it enters, innermost first
                column = _Item(f"column:{k}", 0.0, 0.0, "column", p)
                column.order = float(slot)
                if feeds.kind == "frame":
                    column.port = columns[-1]
                feeds.children.append(column)
                column.parent = feeds
                members[p].append(column)
                columns.append(column)
                feeds = frame_items[p]
            if feeds.kind == "frame":
                source.port = columns[-1]
        source.order = float(slot)
        feeds.children.append(source)
        source.parent = feeds
        routes.append((source, feeds, columns[::-1]))

    for p in reversed(outer_first):  # the innermost frames first
        frame = frame_items[p]
        shape = _lay_out(members[p], titles.get(p, p), size)
        if shape is None:
            return None
        frame.width, frame.height = shape
    shape = _lay_out(members[""], None, size)
    if shape is None:
        return None
    width, height = shape

    # On the canvas: each block's items moved to where its frame sits, from the outside in.
    # built(): a frozen dataclass's __init__ was a fifth of this function.
    frames: dict[str, ClusterBox] = {}
    for p in outer_first:
        frame = frame_items[p]
        (cx, cy), w, h = frame.centre, frame.width, frame.height
        frames[p] = built(ClusterBox, {"path": p, "label": p, "x": round(cx, 3), "y": round(cy, 3),
                                       "width": round(w, 3), "height": round(h, 3), "font_size": size})
        half_w, half_h = w / 2, h / 2
        for it in members[p]:
            x, y = it.centre
            it.centre = (x + cx - half_w, y + cy - half_h)
            top, bottom = it.band
            it.band = (top + cy - half_h, bottom + cy - half_h)

    nodes = {}
    lines = build.lines
    for i in ids:
        it = items[i]
        x, y = it.centre
        nodes[i] = built(NodeBox, {"id": i, "x": round(x, 3), "y": round(y, 3), "width": it.width,
                                   "height": it.height, "lines": lines[i], "font_size": size})
    edges = []
    for (s, t, slot), (source, feeds, columns) in zip(build.edges, routes):
        box_s, box_t = nodes[s], nodes[t]
        sx = box_s.x
        # Straight up out of the source's layer (and the frames it leaves), across the gap
        # between two layers, and up into the target from under it: a slanted line runs only
        # where no box is. Into a frame, it goes up the column made for it.
        route = [(sx, source.band[0])]
        fed = feeds
        for column in columns:
            x = column.centre[0]
            frame = frames[column.path]
            route += [(x, fed.band[1]), (x, frame.y + frame.height / 2), (x, column.band[0])]
            fed = column.parent  # type: ignore[assignment]
        route.append((box_t.x, fed.band[1]))
        edges.append(upright_edge(box_s, box_t, slot, route))
    clusters = tuple(frames[p] for p in build.clusters.values() if p in frames)
    return Layout(round(width, 3), round(height, 3), MappingProxyType(nodes), tuple(edges), clusters,
                  look=build.look)


def _lay_out(members: list[_Item], title: str | None, size: float) -> tuple[float, float] | None:
    """Lay out one frame's items (or the top level's, ``title`` None) as a tidy tree; sets
    each item's centre within the block and returns the block's width and height."""
    roots = [it for it in members if it.parent is None]
    if title is not None and len(roots) != 1:
        return None  # a frame with two tops (a root of the graph inside it, beside its output)
    if len(roots) == 1 and place_column(roots[0]) == len(members):  # every frame of a chain
        deepest, columns = len(members), []
    else:
        deepest, columns = _tidy_block(roots, members)
    heights = [0.0] * (deepest + 1)
    first = members[0]
    left, right = first.x - first.width / 2, first.x + first.width / 2
    for it in members:  # columns too: edges run up them inside the frame
        d, x, half = it.depth, it.x, it.width / 2
        if it.height > heights[d]:
            heights[d] = it.height
        if x - half < left:
            left = x - half
        if x + half > right:
            right = x + half
    middle, cursor = [0.0] * (deepest + 1), 0.0
    for d in range(1, deepest + 1):
        middle[d] = cursor + heights[d] / 2
        cursor += heights[d] + RANK_SEP
    content_h = cursor - RANK_SEP
    if title is None:
        width, height, dx, dy = right - left, content_h, -left, 0.0
    else:
        # The title is written at the bottom left (where Graphviz leaves it room under rankdir BT).
        label_h = size * LINE_SPACING + 4.0
        width = max(right - left + 2 * FRAME_PAD, text_width(title, size) + 16.0)
        height = content_h + 2 * FRAME_PAD + label_h
        dx, dy = (width - (right - left)) / 2 - left, FRAME_PAD
    for it in members:
        d = it.depth
        m, h = middle[d], heights[d]
        it.centre = (it.x + dx, m + dy)
        it.band = (m - h / 2 + dy, m + h / 2 + dy)
    for it in columns:  # a column's tail goes: the next layout of these items starts afresh
        it.children = []
    return width, height


def _tidy_block(roots: list[_Item], members: list[_Item]) -> tuple[int, list[_Item]]:
    """Place ``members`` as a tidy tree (:func:`tidy`), children in slot order; returns the
    number of layers and the columns, whose tails (added here) the caller takes off."""
    # Depths, kept in the items' own field (tidy() sets the same numbers again).
    for r in roots:
        r.depth = 1
    stack = list(roots)
    deepest = 1
    while stack:
        v = stack.pop()
        children = v.children
        if not children:
            continue
        if len(children) > 1:
            children.sort(key=_sibling_order)
        d = v.depth + 1
        if d > deepest:
            deepest = d
        for c in children:
            c.depth = d
            stack.append(c)
    # A column's tail reaches the bottom layer, so nothing is placed in the edge's way.
    columns = [it for it in members if it.kind == "column"]
    for it in columns:
        tail: TidyNode = it
        for _ in range(it.depth, deepest):
            below = TidyNode("", 0.0)
            tail.children = [below]
            below.parent = tail
            tail = below
    tidy(roots)
    return deepest, columns


def _sibling_order(item: _Item) -> float:
    return item.port.centre[0] if item.port is not None else item.order
