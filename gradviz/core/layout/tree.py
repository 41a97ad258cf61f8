"""gradviz's own layout for graphs that are trees: linear time, as tidy as Graphviz's.

Many graphs are trees once read from the loss down: every value feeds exactly one op (a
chain of 10,000 operations, a tutorial's expression). Graphviz lays such a graph out with
the machinery of the general case — about two seconds for 10,000 boxes — while a tidy tree
drawing (Reingold and Tilford's, in the linear-time form of Buchheim, Jünger and Leipert,
2002) takes a few hundredths: each op above its inputs, inputs side by side in slot order,
subtrees packed as close as their contours allow, straight edges. Box sizes follow
Graphviz's rules (:func:`gradviz.core.layout.metrics.box_size`), so the canvas draws the same
boxes either way.

Both walks of the algorithm are written with explicit stacks: a 10,000-op chain is a tree
10,000 levels deep.
"""

from __future__ import annotations

from types import MappingProxyType

from gradviz.core.layout.dot import DotBuild
from gradviz.core.layout.layout import Layout, NodeBox
from gradviz.core.layout.metrics import box_size
from gradviz.core.layout.quick import NODE_SEP, RANK_SEP, _straight_edge


def is_forest(build: DotBuild) -> bool:
    """True when every box feeds at most one other and no module frames are drawn.

    Module frames are left to Graphviz: it keeps each module's boxes together, which a tree
    drawing does not try to do.
    """
    if build.clusters or not build.names:
        return False
    fed: set[str] = set()
    for source, _target, _slot in build.edges:
        if source in fed:
            return False
        fed.add(source)
    return True


def is_chain(build: DotBuild) -> bool:
    """True for a bare chain: every box feeds at most one and has at most one input, no frames
    (Graphviz draws it as the tree layout does: one straight column)."""
    if build.clusters or not build.names:
        return False
    targets = [t for _s, t, _slot in build.edges]
    return len(set(targets)) == len(targets) and is_forest(build)


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


def tidy(roots: list[TidyNode]) -> None:
    """Place the trees under ``roots`` side by side: each node's ``x`` (centre) and ``depth``
    (the roots' is 1), children in list order with their ``parent`` set."""
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
    size = {i: box_size(build.lines[i], font) for i in ids}
    nodes = {i: TidyNode(i, size[i][0]) for i in ids}
    inputs: dict[str, list[tuple[int, str]]] = {}
    for source, target, slot in build.edges:
        inputs.setdefault(target, []).append((slot, source))
        nodes[source].parent = nodes[target]
    for target, pairs in inputs.items():
        parent = nodes[target]
        parent.children = [nodes[s] for _, s in sorted(pairs)]
    tidy([n for n in nodes.values() if n.parent is None])

    depths = max(n.depth for n in nodes.values())
    layer_height = [0.0] * (depths + 1)
    for n in nodes.values():
        layer_height[n.depth] = max(layer_height[n.depth], size[n.id][1])
    centre_y, cursor = [0.0] * (depths + 1), 0.0
    for d in range(1, depths + 1):
        centre_y[d] = cursor + layer_height[d] / 2
        cursor += layer_height[d] + RANK_SEP
    left = min(n.x - n.width / 2 for n in nodes.values())
    right = max(n.x + n.width / 2 for n in nodes.values())
    by_id = {}
    for i in ids:
        n = nodes[i]
        w, h = size[i]
        by_id[i] = NodeBox(i, round(n.x - left, 3), round(centre_y[n.depth], 3), w, h, build.lines[i], font)
    edges = tuple(_straight_edge(by_id[s], by_id[t], slot) for s, t, slot in build.edges)
    return Layout(round(right - left, 3), round(max(cursor - RANK_SEP, 0.0), 3), MappingProxyType(by_id), edges,
                  look=build.look)
