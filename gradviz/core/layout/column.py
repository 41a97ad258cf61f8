"""A single column's preview, straight from its boxes: no layout objects.

A chain of 10,000 operations is one column whatever lays it out (:mod:`.tree` places every
box of it at the same x, one layer each). Its provisional picture needs only the arrays the
preview draws: made with numpy from the box sizes they take ~25 ms, where building the
10,000 boxes and edges of a :class:`~gradviz.core.layout.layout.Layout` first and reading
them back took ~80 ms of the first picture. The numbers are :func:`tree_layout`'s (a test
holds them equal); the final layout is still made by it, with its objects.
"""

from __future__ import annotations

import numpy as np

from gradviz.core.layout.dot import DotBuild
from gradviz.core.layout.metrics import box_sizes
from gradviz.core.layout.quick import _ARROW, RANK_SEP
from gradviz.core.layout.sketch import Sketch, SketchArrays, roles_of, sampled_edges
from gradviz.core.trace import Trace


def column_sketch(trace: Trace, build: DotBuild) -> Sketch | None:
    """The :class:`Sketch` of ``build`` laid out as :func:`tree_layout` would, when it is one
    chain without frames (every box feeds at most one, has at most one input, one root);
    else None."""
    if build.clusters or not build.names:
        return None
    ids = list(build.names.values())
    input_of: dict[str, str] = {}
    fed: set[str] = set()
    for source, target, _slot in build.edges:
        if target in input_of or source in fed:
            return None  # two inputs, or a value feeding two: not a column
        input_of[target] = source
        fed.add(source)
    roots = [i for i in ids if i not in fed]
    if len(roots) != 1:
        return None
    order = [roots[0]]  # the root on top, then down the chain
    while order[-1] in input_of:
        order.append(input_of[order[-1]])
    if len(order) != len(ids):
        return None
    position = {ident: k for k, ident in enumerate(ids)}
    sizes = np.array(box_sizes([build.lines[i] for i in ids], build.look.font_size), dtype=float).reshape(-1, 2)
    width, height = sizes[:, 0], sizes[:, 1]
    down = np.fromiter((position[i] for i in order), dtype=np.int64, count=len(order))
    # tree_layout: layer d's centre is the layers above and their gaps, plus half its height.
    tops = np.concatenate(([0.0], np.cumsum(height[down] + RANK_SEP)))
    y = np.empty(len(ids))
    y[down] = [round(c, 3) for c in (tops[:-1] + height[down] / 2).tolist()]
    widest = float(width.max())
    x = round(widest / 2, 3)
    x0, y0 = x - width / 2, y - height / 2
    # Each edge one straight segment up, from its source's top to under its target's arrowhead.
    source = np.fromiter((position[s] for s, _t, _slot in build.edges), dtype=np.int64, count=len(build.edges))
    target = np.fromiter((position[t] for _s, t, _slot in build.edges), dtype=np.int64, count=len(build.edges))
    top = y[source] - height[source] / 2
    base = y[target] + height[target] / 2 + _ARROW
    dy = (base - top) / 3
    ys = np.stack([top, top + dy, top + 2 * dy, base], axis=1)
    segments = np.stack([np.full_like(ys, x), ys], axis=2)
    ex, ey, ec = sampled_edges(segments, np.arange(len(segments)))
    arrays = SketchArrays(x0, y0, x0 + width, y0 + height, roles_of(trace, ids), ex, ey, ec)
    return Sketch(arrays, [build.lines[i] for i in ids], (), round(widest, 3),
                  round(float(tops[-1]) - RANK_SEP, 3))
