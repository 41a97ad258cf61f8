"""gradviz's own layout for graphs that are trees: linear time, as tidy as Graphviz's.

Many graphs are trees once read from the loss down: every value feeds exactly one op (a
chain of 10,000 operations, a tutorial's expression). Graphviz lays such a graph out with
the machinery of the general case — about two seconds for 10,000 boxes — while a tidy tree
drawing (Reingold and Tilford's, in the linear-time form of Buchheim, Jünger and Leipert,
2002) takes a few hundredths: each op above its inputs, inputs side by side in slot order,
subtrees packed as close as their contours allow, edges upright out of and into
their boxes (:func:`upright_edge`). Box sizes follow
Graphviz's rules (:func:`gradviz.core.layout.metrics.box_sizes`), so the canvas draws the same
boxes either way.

Both walks of the algorithm are written with explicit stacks: a 10,000-op chain is a tree
10,000 levels deep.
"""

from __future__ import annotations

from types import MappingProxyType

from gradviz.core.layout.dot import DotBuild
from gradviz.core.layout.layout import EdgePath, Layout, NodeBox
from gradviz.core.layout.metrics import box_sizes
from gradviz.core.layout.quick import _ARROW, NODE_SEP, RANK_SEP
from gradviz.core.trace import built

#: How far an edge rises straight out of its source before it slants (within the layers' gap).
_LEAVE = 4.0
Point = tuple[float, float]


def feeds_one_each(build: DotBuild) -> bool:
    """True when every box feeds at most one other (the graph is a forest, read from its roots)."""
    sources = [s for s, _t, _slot in build.edges]
    return len(set(sources)) == len(sources)


def is_forest(build: DotBuild) -> bool:
    """True when every box feeds at most one other and no module frames are drawn.

    Graphs with frames are :mod:`.framed`'s: it keeps each module's boxes together, which a
    tree drawing does not try to do.
    """
    return not build.clusters and bool(build.names) and feeds_one_each(build)


def is_chain(build: DotBuild) -> bool:
    """True for chains: every box feeds at most one and has at most one input (Graphviz draws
    one as gradviz's layouts do, a straight column, in frames if it has them)."""
    targets = [t for _s, t, _slot in build.edges]
    return bool(build.names) and len(set(targets)) == len(targets) and feeds_one_each(build)


class TidyNode:
    __slots__ = ("id", "width", "children", "parent", "index", "depth", "prelim", "mod", "shift", "change",
                 "thread", "ancestor", "x")

    def __init__(self, ident: str, width: float) -> None:
        self.id, self.width = ident, width
        self.children: list[TidyNode] = []
        self.parent: TidyNode | None = None
        self.index = 0  # position among its siblings
        self.depth = 0
        self.prelim = self.mod = self.shift = self.change = self.x = 0.0
        self.thread: TidyNode | None = None
        self.ancestor: TidyNode = self


def _next_left(v: TidyNode) -> TidyNode | None:
    return v.children[0] if v.children else v.thread


def _next_right(v: TidyNode) -> TidyNode | None:
    return v.children[-1] if v.children else v.thread


def _distance(a: TidyNode, b: TidyNode) -> float:
    return (a.width + b.width) / 2 + NODE_SEP


def _left_sibling(v: TidyNode) -> TidyNode | None:
    return v.parent.children[v.index - 1] if v.parent is not None and v.index > 0 else None


def _move_subtree(wm: TidyNode, wp: TidyNode, shift: float) -> None:
    subtrees = wp.index - wm.index
    wp.change -= shift / subtrees
    wp.shift += shift
    wm.change += shift / subtrees
    wp.prelim += shift
    wp.mod += shift


def _apportion(v: TidyNode, default_ancestor: TidyNode) -> TidyNode:
    w = _left_sibling(v)
    if w is None:
        return default_ancestor
    vip = vop = v
    vim = w
    vom = v.parent.children[0]  # type: ignore[union-attr]
    sip, sop, sim, som = vip.mod, vop.mod, vim.mod, vom.mod
    nr, nl = _next_right(vim), _next_left(vip)
    while nr is not None and nl is not None:
        vim, vip = nr, nl
        vom, vop = _next_left(vom), _next_right(vop)  # type: ignore[assignment]
        vop.ancestor = v
        shift = (vim.prelim + sim) - (vip.prelim + sip) + _distance(vim, vip)
        if shift > 0:
            ancestor = vim.ancestor if vim.ancestor.parent is v.parent else default_ancestor
            _move_subtree(ancestor, v, shift)
            sip += shift
            sop += shift
        sim += vim.mod
        sip += vip.mod
        som += vom.mod
        sop += vop.mod
        nr, nl = _next_right(vim), _next_left(vip)
    if nr is not None and _next_right(vop) is None:
        vop.thread = nr
        vop.mod += sim - sop
    if nl is not None and _next_left(vom) is None:
        vom.thread = nl
        vom.mod += sip - som
        default_ancestor = v
    return default_ancestor


def _finish(v: TidyNode) -> None:
    """The part of the first walk that runs once all of ``v``'s children are placed."""
    w = _left_sibling(v)
    if not v.children:
        v.prelim = w.prelim + _distance(w, v) if w is not None else 0.0
        return
    shift = change = 0.0
    for child in reversed(v.children):  # execute the shifts the apportioning recorded
        child.prelim += shift
        child.mod += shift
        change += child.change
        shift += child.shift + change
    midpoint = (v.children[0].prelim + v.children[-1].prelim) / 2
    if w is not None:
        v.prelim = w.prelim + _distance(w, v)
        v.mod = v.prelim - midpoint
    else:
        v.prelim = midpoint


def _first_walk(root: TidyNode) -> None:
    # Post-order; after each child, its subtree is apportioned against its left siblings'.
    stack: list[tuple[TidyNode, int, TidyNode]] = [(root, 0, root)]
    while stack:
        v, k, default_ancestor = stack.pop()
        if k < len(v.children):
            child = v.children[k]
            if k == 0:
                default_ancestor = child
            stack.append((v, k + 1, default_ancestor))
            stack.append((child, 0, child))
            continue
        _finish(v)
        if stack:  # hand the parent its new default ancestor
            parent, next_k, parent_default = stack.pop()
            stack.append((parent, next_k, _apportion(v, parent_default)))


def _second_walk(root: TidyNode) -> None:
    stack: list[tuple[TidyNode, float]] = [(root, 0.0)]
    while stack:
        v, m = stack.pop()
        v.x = v.prelim + m
        for child in v.children:
            stack.append((child, m + v.mod))


def place_column(root: TidyNode) -> int | None:
    """When every node under ``root`` has at most one child: place them one a layer at x 0
    (``root``'s layer is 1), as :func:`tidy` does, and return how many; else None, nothing placed."""
    column, v = [], root
    while len(v.children) == 1:
        column.append(v)
        v = v.children[0]
    if v.children:
        return None
    column.append(v)
    for depth, node in enumerate(column, start=1):
        node.depth, node.index, node.x = depth, 0, 0.0
    return len(column)


def tidy(roots: list[TidyNode]) -> None:
    """Place the trees under ``roots`` side by side: each node's ``x`` (centre) and ``depth``
    (the roots' is 1), children in list order with their ``parent`` set."""
    if len(roots) == 1 and place_column(roots[0]) is not None:
        return  # one column (a chain) needs none of the contour work below
    # Several roots (the softmax lesson's two losses) hang side by side under one invisible
    # root of no width.
    top = TidyNode("", 0.0)
    top.children = roots
    for child in roots:
        child.parent = top
    stack = [top]
    while stack:  # depths and sibling positions
        v = stack.pop()
        for k, child in enumerate(v.children):
            child.index, child.depth = k, v.depth + 1
            stack.append(child)
    _first_walk(top)
    _second_walk(top)
    for child in roots:
        child.parent = None


def tree_layout(build: DotBuild) -> Layout:
    """The tidy tree :class:`Layout` of ``build`` (which :func:`is_forest` accepts), inputs
    at the bottom as the canvas draws them (rankdir BT).

    The ids, text and edge order match what Graphviz's layout of the same build would give.
    """
    font = build.look.font_size
    ids = list(build.names.values())  # the build's order, as Graphviz's answer comes
    sizes = box_sizes([build.lines[i] for i in ids], font)
    layers = _column_layers(build, ids)
    if layers is not None:
        # A chain: each box a layer above its input, all at x 0, as tidy() places them, without
        # making a tree of nodes for it (a tenth of the time of a 500-box chain).
        depths, xs = [layers[i] for i in ids], [0.0] * len(ids)
    else:
        depths, xs = _tidy_places(build, ids, sizes)

    deepest = max(depths)
    layer_height = [0.0] * (deepest + 1)
    left, right = xs[0] - sizes[0][0] / 2, xs[0] + sizes[0][0] / 2
    for d, x, (w, h) in zip(depths, xs, sizes):
        if h > layer_height[d]:
            layer_height[d] = h
        if x - w / 2 < left:
            left = x - w / 2
        if x + w / 2 > right:
            right = x + w / 2
    centre_y, cursor = [0.0] * (deepest + 1), 0.0
    for d in range(1, deepest + 1):
        centre_y[d] = cursor + layer_height[d] / 2
        cursor += layer_height[d] + RANK_SEP
    by_id = {}
    rows = [round(y, 3) for y in centre_y]
    columns: dict[float, float] = {}  # a chain's boxes share one column: rounded once
    lines = build.lines
    for i, d, x, (w, h) in zip(ids, depths, xs, sizes):
        column = columns.get(x)
        if column is None:
            column = columns[x] = round(x - left, 3)
        # built(): a frozen dataclass's __init__ was a third of the time of 10,000 boxes.
        by_id[i] = built(NodeBox, {"id": i, "x": column, "y": rows[d], "width": w, "height": h,
                                   "lines": lines[i], "font_size": font})
    band = [(c - h / 2, c + h / 2) for c, h in zip(centre_y, layer_height)]
    depth_of: dict[str, int] | None = None
    edges = []
    for s, t, slot in build.edges:
        source, target = by_id[s], by_id[t]
        if source.x == target.x:  # one column (every edge of a chain): no route to pass
            edges.append(_straight_edge(source, target, slot))
        else:
            if depth_of is None:
                depth_of = dict(zip(ids, depths))
            edges.append(upright_edge(source, target, slot, [(source.x, band[depth_of[s]][0]),
                                                             (target.x, band[depth_of[t]][1])]))
    return Layout(round(right - left, 3), round(max(cursor - RANK_SEP, 0.0), 3), MappingProxyType(by_id),
                  tuple(edges), look=build.look)


def _column_layers(build: DotBuild, ids: list[str]) -> dict[str, int] | None:
    """Each box's layer (the top one's is 1) when the boxes stand in one column, each fed by the
    one below it; else None."""
    edges = build.edges
    if len(edges) != len(ids) - 1:
        return None
    below = {t: s for s, t, _slot in edges}
    if len(below) != len(edges):
        return None  # a box with two inputs
    sources = {s for s, _t, _slot in edges}
    top = ids[-1] if ids[-1] not in sources else next((i for i in ids if i not in sources), None)
    layers: dict[str, int] = {}
    v, depth = top, 1
    while v is not None and v not in layers:
        layers[v] = depth
        v, depth = below.get(v), depth + 1
    return layers if len(layers) == len(ids) else None


def _tidy_places(build: DotBuild, ids: list[str], sizes: list[tuple[float, float]]) -> tuple[list[int], list[float]]:
    """Each box's layer and the x of its centre (before the drawing is moved right of 0) in the
    tidy tree of ``build``, in the order of ``ids``."""
    nodes = {i: TidyNode(i, w) for i, (w, _h) in zip(ids, sizes)}
    slots: dict[str, int] = {}  # each box feeds one: its slot there
    for source, target, slot in build.edges:
        child, parent = nodes[source], nodes[target]
        child.parent = parent
        parent.children.append(child)
        slots[source] = slot
    for n in nodes.values():
        if len(n.children) > 1:  # inputs side by side in slot order
            n.children.sort(key=lambda c: (slots[c.id], c.id))
    tidy([n for n in nodes.values() if n.parent is None])
    return [n.depth for n in nodes.values()], [n.x for n in nodes.values()]


def _straight_edge(source: NodeBox, target: NodeBox, slot: int) -> EdgePath:
    """The edge between two boxes of one column: a single straight segment up."""
    x, top, bottom = source.x, source.y - source.height / 2, target.y + target.height / 2
    base = (x, bottom + _ARROW)
    dy = (base[1] - top) / 3
    # built(): a frozen dataclass's __init__ was a third of the time of 10,000 edges.
    return built(EdgePath, {"source": source.id, "target": target.id, "slot": slot,
                            "points": ((x, top), (x, top + dy), (x, top + 2 * dy), base),
                            "arrow_tail": base, "arrow_head": (x, bottom)})


def upright_edge(source: NodeBox, target: NodeBox, slot: int, route: list[Point]) -> EdgePath:
    """An edge from ``source``'s top through ``route`` to ``target``'s bottom, in straight cubic
    segments; the arrowhead ends on the target's border.

    ``route`` starts above the source, at the top of its layer, and ends under the target, at
    the bottom of its layer: the edge rises out of its box and into the other upright, and a
    slanted stretch runs only in the gap between two layers, where no box is (a straight line
    from box to box cut through the neighbours of a box with many inputs side by side).
    """
    x, top, bottom = source.x, source.y - source.height / 2, target.y + target.height / 2
    if x == target.x and all(px == x for px, _ in route):
        # One column (every edge of a chain, framed or not): one segment, not one per layer.
        return _straight_edge(source, target, slot)
    tip = (target.x, bottom)
    base = (target.x, bottom + _ARROW)
    # Leave and arrive upright, even when the layer is no taller than the box.
    route = [(route[0][0], min(route[0][1], top - _LEAVE)), *route[1:-1],
             (route[-1][0], max(route[-1][1], bottom + _ARROW)), base]
    # A straight cubic segment to each corner the route turns at (points closer than 1e-6 to
    # the last corner are left out).
    x0, y0 = x, top
    points = [(x0, y0)]
    for corner in route:
        x1, y1 = corner
        if abs(x1 - x0) > 1e-6 or abs(y1 - y0) > 1e-6:
            dx, dy = x1 - x0, y1 - y0
            points += [(x0 + dx / 3, y0 + dy / 3), (x0 + 2 * dx / 3, y0 + 2 * dy / 3), corner]
            x0, y0 = x1, y1
    return built(EdgePath, {"source": source.id, "target": target.id, "slot": slot, "points": tuple(points),
                            "arrow_tail": points[-1], "arrow_head": tip})
