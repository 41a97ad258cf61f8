"""A provisional layout computed in Python: layers by longest path, straight edges.

Graphviz needs seconds for a graph of many thousand boxes (a 10,000-op chain: about
2 s in graphviz-pure, plus reading its 6 MB answer). This one needs a tenth of that, so
the canvas can show the shape of the graph at once and swap in Graphviz's picture when it
arrives. Box sizes follow Graphviz's own rules (Arimo metrics, the same margins), so the
text the canvas draws fits these boxes as it fits the final ones.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import replace
from types import MappingProxyType

from gradviz.core.layout.dot import DotBuild, node_lines
from gradviz.core.layout.grouping import framed_group_paths, group_path
from gradviz.core.layout.labels import Look, beginner_lines
from gradviz.core.layout.layout import ClusterBox, EdgePath, Layout, NodeBox
from gradviz.core.layout.metrics import FONT_SIZE, LINE_SPACING, box_sizes
from gradviz.core.trace import Trace

# The graph attributes build_dot sets (nodesep 0.25, ranksep 0.35).
NODE_SEP, RANK_SEP = 18.0, 25.2
_ARROW = 7.0  # arrowsize 0.7 of Graphviz's 10-point arrow
_CLUSTER_PAD = 8.0
_BARYCENTER_SWEEPS = 2


def _ranks(ids: list[str], succ: dict[str, list[str]], pred: dict[str, list[str]]) -> dict[str, int]:
    """Layers: longest path from the inputs, then every box moved up to sit right under its
    lowest consumer.

    Pure longest-path puts every input, and every side branch, at the bottom, far from where
    it is used (a weight of the last layer beside the first input; ``sin(x * i)`` of step 90
    beside step 1): Graphviz's network simplex keeps such edges short, and so does this move.
    Only edges that cannot be short stay long (one value used all along a chain).
    """
    indegree = {i: len(pred[i]) for i in ids}
    queue = deque(i for i in ids if indegree[i] == 0)
    rank = dict.fromkeys(ids, 0)
    order = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for t in succ[node]:
            rank[t] = max(rank[t], rank[node] + 1)
            indegree[t] -= 1
            if indegree[t] == 0:
                queue.append(t)
    # A cycle cannot come from autograd; if one ever does, its nodes keep rank 0.
    for node in reversed(order):
        if succ[node]:
            rank[node] = min(rank[t] for t in succ[node]) - 1
    return rank


def _graph(build: DotBuild) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
    ids = list(build.names.values())
    succ: dict[str, list[str]] = {i: [] for i in ids}
    pred: dict[str, list[str]] = {i: [] for i in ids}
    for s, t, _slot in build.edges:
        succ[s].append(t)
        pred[t].append(s)
    return ids, succ, pred


def long_edge_length(build: DotBuild) -> int:
    """Rank gaps that edges must cross however the boxes are placed: Graphviz's cost driver.

    With the quick layout's ranks (each box right under its lowest consumer, close to what
    Graphviz's ranking gives), each edge counts the ranks it skips: one hidden routing point
    per rank for Graphviz. A value used by ops far apart along a long chain (``s = s + f(x)``
    a hundred times) makes this grow with the square of the chain, and Graphviz's time with
    it: 0.4 s at 1,200 skipped ranks, 3.4 s at 4,000, 39 s at 5,000 (graphviz-pure and dot
    alike). Chains and layered models give 0.
    """
    ids, succ, pred = _graph(build)
    rank = _ranks(ids, succ, pred)
    return sum(max(0, rank[t] - rank[s] - 1) for s, t, _slot in build.edges)


def _order(layers: list[list[str]], succ: dict[str, list[str]], pred: dict[str, list[str]]) -> None:
    """Reorder each layer by the mean position of its neighbours (barycenter sweeps)."""
    for sweep in range(_BARYCENTER_SWEEPS):
        upward = sweep % 2 == 0
        sequence = layers[1:] if upward else layers[-2::-1]
        start = layers[0] if upward else layers[-1]
        position: dict[str, float] = {n: float(k) for k, n in enumerate(start)}
        for layer in sequence:
            if len(layer) == 1:  # nothing to reorder (every layer of a chain)
                position[layer[0]] = 0.0
                continue
            keyed = []
            for k, n in enumerate(layer):
                near = [position[m] for m in (pred[n] if upward else succ[n]) if m in position]
                keyed.append((sum(near) / len(near) if near else float(k), k, n))
            keyed.sort()
            layer[:] = [n for _, _, n in keyed]
            position.update((n, k) for k, n in enumerate(layer))


def _place_layer(layer: list[str], size: dict[str, tuple[float, float]], pred: dict[str, list[str]],
                 across: dict[str, float]) -> None:
    """Put each box of ``layer`` over the mean of its inputs, pushing right to avoid overlaps.

    Boxes without inputs (parameters, constants) line up beside their neighbours.
    """
    wants: list[float | None] = []
    for n in layer:
        near = [across[m] for m in pred[n] if m in across]
        wants.append(sum(near) / len(near) if near else None)
    first = next((k for k, w in enumerate(wants) if w is not None), None)
    if first is None:
        wants[0], first = 0.0, 0
    for k in range(first - 1, -1, -1):  # leading boxes without inputs: leftwards of the first known
        wants[k] = wants[k + 1] - (size[layer[k + 1]][0] + size[layer[k]][0]) / 2 - NODE_SEP
    right: float | None = None
    for n, want in zip(layer, wants):
        half = size[n][0] / 2
        lo = None if right is None else right + NODE_SEP + half
        x = lo if want is None else want if lo is None else max(want, lo)
        across[n] = x
        right = x + half


def _border(cx: float, cy: float, w: float, h: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the line from the box centre towards ``(tx, ty)`` leaves the box."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min((w / 2) / abs(dx) if dx else float("inf"), (h / 2) / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale


def _straight_edge(source: NodeBox, target: NodeBox, slot: int) -> EdgePath:
    x0, y0 = _border(source.x, source.y, source.width, source.height, target.x, target.y)
    tip = _border(target.x, target.y, target.width, target.height, source.x, source.y)
    dx, dy = tip[0] - x0, tip[1] - y0
    length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
    base = (tip[0] - dx / length * _ARROW, tip[1] - dy / length * _ARROW)
    bx, by = base[0] - x0, base[1] - y0
    points = ((x0, y0), (x0 + bx / 3, y0 + by / 3), (x0 + 2 * bx / 3, y0 + 2 * by / 3), base)
    return EdgePath(source.id, target.id, slot, points, base, tip)


def quick_layout(trace: Trace, build: DotBuild, rankdir: str = "BT") -> Layout:
    """A provisional :class:`Layout` of ``build`` (from :func:`gradviz.core.layout.dot.build_dot`).

    Parameters
    ----------
    trace : Trace
        The graph ``build`` was made from (for the module of each node).
    build : DotBuild
        Names, box text and edges, exactly as Graphviz would get them; the ids, text and
        edge order of the result match what :func:`gradviz.core.layout.layout.parse_layout`
        would return for the same build.
    rankdir : {'BT', 'TB', 'LR', 'RL'}
        Where the inputs go; 'BT' puts them at the bottom, like the canvas.

    Returns
    -------
    Layout
        Boxes sized like Graphviz's, layered as :func:`_ranks` says, ordered by barycenter,
        with straight edges; module clusters framing their boxes.
    """
    ids, succ, pred = _graph(build)
    if not ids:
        return Layout(0.0, 0.0, MappingProxyType({}), ())
    rank = _ranks(ids, succ, pred)
    low = min(rank.values())
    layers: list[list[str]] = [[] for _ in range(max(rank.values()) - low + 1)]
    for i in ids:
        layers[rank[i] - low].append(i)
    _order(layers, succ, pred)

    sideways = rankdir in ("LR", "RL")
    size = {}
    for i, (w, h) in zip(ids, box_sizes([build.lines[i] for i in ids])):
        size[i] = (h, w) if sideways else (w, h)  # (across the layer, along the ranks)
    across: dict[str, float] = {}
    along: list[float] = []
    cursor = 0.0
    for layer in layers:
        depth = max(size[n][1] for n in layer)
        along.append(cursor + depth / 2)
        cursor += depth + RANK_SEP
        _place_layer(layer, size, pred, across)
    span_lo = min(across[i] - size[i][0] / 2 for i in ids)
    span_hi = max(across[i] + size[i][0] / 2 for i in ids)
    total_along = cursor - RANK_SEP
    nodes: dict[str, NodeBox] = {}
    for i in ids:
        a = across[i] - span_lo
        d = along[rank[i] - low]
        if rankdir in ("BT", "RL"):
            d = total_along - d  # inputs at the bottom (or right)
        x, y = (d, a) if sideways else (a, d)
        w, h = (size[i][1], size[i][0]) if sideways else size[i]
        nodes[i] = NodeBox(i, round(x, 3), round(y, 3), w, h, build.lines[i])
    width, height = span_hi - span_lo, total_along
    if sideways:
        width, height = height, width
    edges = tuple(_straight_edge(nodes[s], nodes[t], slot) for s, t, slot in build.edges)
    clusters = _cluster_frames(trace, build, nodes)
    return Layout(round(width, 3), round(height, 3), MappingProxyType(nodes), edges, clusters,
                  look=replace(build.look, font_size=FONT_SIZE))


def plain_build(trace: Trace, show_values: bool = True, look: Look | None = None) -> DotBuild:
    """What :func:`quick_layout` reads from a DotBuild, for a graph with nothing collapsed,
    without writing any DOT text (a third of a second saved for 10,000 nodes); the boxes
    written and sized in ``look`` as :func:`build_dot` writes them (default: 11 points,
    PyTorch's names)."""
    look = look or Look(FONT_SIZE)
    write = beginner_lines if look.labels == "beginner" else node_lines
    framed = framed_group_paths(trace)
    kept = set(framed)
    homes = {}
    for n in trace.nodes:
        path = group_path(n)
        while path and path not in kept:  # a loop's iteration not framed: the frame around it
            path = path.rpartition(".")[0]
        homes[n.id] = path
    return DotBuild(
        source="",
        names={n.id: n.id for n in trace.nodes},
        lines={n.id: write(n, show_values) for n in trace.nodes},
        edges=[(e.source, e.target, e.slot) for e in trace.edges],
        clusters={f"cluster {p}": p for p in framed},  # build_dot's order
        homes=homes,
        look=look,
    )


def _cluster_frames(trace: Trace, build: DotBuild, nodes: dict[str, NodeBox]) -> tuple[ClusterBox, ...]:
    """A frame around the boxes of each module cluster (they may overlap: it is a sketch)."""
    members: dict[str, list[NodeBox]] = defaultdict(list)
    paths = set(build.clusters.values())
    for ident, box in nodes.items():
        home = (ident[len("module:"):].rpartition(".")[0] if ident.startswith("module:")
                else group_path(trace.node(ident)))
        parts = home.split(".") if home else []
        for k in range(len(parts)):
            path = ".".join(parts[: k + 1])
            if path in paths:
                members[path].append(box)
    frames = []
    for path in build.clusters.values():
        boxes = members.get(path)
        if not boxes:
            continue
        pad = _CLUSTER_PAD
        left = min(b.x - b.width / 2 for b in boxes) - pad
        right = max(b.x + b.width / 2 for b in boxes) + pad
        top = min(b.y - b.height / 2 for b in boxes) - pad
        bottom = max(b.y + b.height / 2 for b in boxes) + pad + LINE_SPACING * FONT_SIZE
        frames.append(ClusterBox(path, path, round((left + right) / 2, 3), round((top + bottom) / 2, 3),
                                 round(right - left, 3), round(bottom - top, 3)))
    return tuple(frames)
