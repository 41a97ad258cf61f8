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
from gradviz.core.layout.layout import ClusterBox, Layout, NodeBox
from gradviz.core.layout.metrics import LINE_SPACING, box_sizes, text_width
from gradviz.core.layout.quick import RANK_SEP
from gradviz.core.layout.tree import TidyNode, feeds_one_each, tidy, upright_edge

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


def _adopt(parent: _Item, child: _Item) -> None:
    parent.children.append(child)
    child.parent = parent


def _innermost(paths: set[str] | dict[str, int], path: str) -> str:
    while path and path not in paths:
        path = path.rpartition(".")[0]
    return path


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
    home = {i: build.homes.get(i, "") for i in ids}
    if not ids or any(h and h not in paths for h in home.values()):
        return None
    parent_path = {p: _innermost(paths, p.rpartition(".")[0]) for p in paths}
    depth_of = {"": 0}
    for p in sorted(paths, key=lambda q: q.count(".")):
        depth_of[p] = depth_of[parent_path[p]] + 1
        if depth_of[p] > MAX_NESTING:
            return None
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

    def outward(path: str) -> list[str]:  # path and the frames around it, innermost first
        chain = [path]
        while chain[-1]:
            chain.append(parent_path[chain[-1]])
        return chain

    exits: dict[str, str] = {}  # frame -> the one box whose value leaves it
    routes: list[tuple[_Item, _Item, list[_Item]]] = []  # per edge: the items it joins, the columns it runs up
    for k, (s, t, slot) in enumerate(build.edges):
        s_out, t_out = outward(home[s]), outward(home[t])
        around_t = set(t_out)
        common = next(p for p in s_out if p in around_t)
        left = s_out[: s_out.index(common)]
        for p in left:
            if exits.setdefault(p, s) != s:
                return None  # two values leave this frame
        entered = t_out[: t_out.index(common)]  # innermost first
        columns: list[_Item] = []
        feeds = items[t]
        for p in entered:
            column = _Item(f"column:{k}", 0.0, 0.0, "column", p)
            column.order = float(slot)
            if feeds.kind == "frame":
                column.port = columns[-1]
            _adopt(feeds, column)
            members[p].append(column)
            columns.append(column)
            feeds = frame_items[p]
        source = frame_items[left[-1]] if left else items[s]
        source.order = float(slot)
        if feeds.kind == "frame":
            source.port = columns[-1]
        _adopt(feeds, source)
        routes.append((source, feeds, columns[::-1]))

    for p in sorted(paths, key=lambda q: -depth_of[q]):  # the innermost frames first
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
    frames: dict[str, ClusterBox] = {}
    for p in sorted(paths, key=lambda q: depth_of[q]):
        frame = frame_items[p]
        (cx, cy), w, h = frame.centre, frame.width, frame.height
        frames[p] = ClusterBox(p, p, round(cx, 3), round(cy, 3), round(w, 3), round(h, 3), size)
        for it in members[p]:
            it.centre = (it.centre[0] + cx - w / 2, it.centre[1] + cy - h / 2)
            it.band = (it.band[0] + cy - h / 2, it.band[1] + cy - h / 2)

    nodes = {}
    for i in ids:
        it = items[i]
        nodes[i] = NodeBox(i, round(it.centre[0], 3), round(it.centre[1], 3), it.width, it.height,
                           build.lines[i], size)
    edges = []
    for (s, t, slot), (source, feeds, columns) in zip(build.edges, routes):
        # Straight up out of the source's layer (and the frames it leaves), across the gap
        # between two layers, and up into the target from under it: a slanted line runs only
        # where no box is. Into a frame, it goes up the column made for it.
        route = [(nodes[s].x, source.band[0])]
        fed = feeds
        for column in columns:
            x = column.centre[0]
            frame = frames[column.path]
            route += [(x, fed.band[1]), (x, frame.y + frame.height / 2), (x, column.band[0])]
            fed = column.parent  # type: ignore[assignment]
        route.append((nodes[t].x, fed.band[1]))
        edges.append(upright_edge(nodes[s], nodes[t], slot, route))
    clusters = tuple(frames[p] for p in build.clusters.values() if p in frames)
    return Layout(round(width, 3), round(height, 3), MappingProxyType(nodes), tuple(edges), clusters,
                  look=build.look)


def _lay_out(members: list[_Item], title: str | None, size: float) -> tuple[float, float] | None:
    """Lay out one frame's items (or the top level's, ``title`` None) as a tidy tree; sets
    each item's centre within the block and returns the block's width and height."""
    roots = [it for it in members if it.parent is None]
    if title is not None and len(roots) != 1:
        return None  # a frame with two tops (a root of the graph inside it, beside its output)
    for it in members:
        if len(it.children) > 1:
            it.children.sort(key=lambda c: c.port.centre[0] if c.port is not None else c.order)
    depth = {id(r): 1 for r in roots}
    stack = list(roots)
    deepest = 1
    while stack:
        v = stack.pop()
        for c in v.children:
            depth[id(c)] = depth[id(v)] + 1
            deepest = max(deepest, depth[id(c)])
            stack.append(c)
    # A column's tail reaches the bottom layer, so nothing is placed in the edge's way.
    for it in members:
        if it.kind == "column":
            tail: TidyNode = it
            for _ in range(depth[id(it)], deepest):
                below = TidyNode("", 0.0)
                tail.children = [below]
                below.parent = tail
                tail = below
    tidy(roots)
    heights = [0.0] * (deepest + 1)
    for it in members:
        heights[it.depth] = max(heights[it.depth], it.height)
    middle, cursor = [0.0] * (deepest + 1), 0.0
    for d in range(1, deepest + 1):
        middle[d] = cursor + heights[d] / 2
        cursor += heights[d] + RANK_SEP
    content_h = cursor - RANK_SEP
    left = min(it.x - it.width / 2 for it in members)  # columns too: edges run up them inside the frame
    right = max(it.x + it.width / 2 for it in members)
    if title is None:
        width, height, dx, dy = right - left, content_h, -left, 0.0
    else:
        # The title is written at the bottom left (where Graphviz leaves it room under rankdir BT).
        label_h = size * LINE_SPACING + 4.0
        width = max(right - left + 2 * FRAME_PAD, text_width(title, size) + 16.0)
        height = content_h + 2 * FRAME_PAD + label_h
        dx, dy = (width - (right - left)) / 2 - left, FRAME_PAD
    for it in members:
        it.centre = (it.x + dx, middle[it.depth] + dy)
        it.band = (middle[it.depth] - heights[it.depth] / 2 + dy, middle[it.depth] + heights[it.depth] / 2 + dy)
    for it in members:  # a column's tail goes: the next layout of these items starts afresh
        if it.kind == "column":
            it.children = []
    return width, height
