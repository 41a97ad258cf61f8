"""When gradviz lays a graph out itself instead of asking Graphviz, and how.

Graphviz's layered layout is the general case; gradviz's own layouts take the shapes it
spends most of its time on and draws no better: chains and big trees (:mod:`.tree`), and
layered models drawn with their module frames (:mod:`.framed`). The lessons' small graphs
keep Graphviz's curves, which their pictures were made with.
"""

from __future__ import annotations

from gradviz.core.layout.dot import DotBuild
from gradviz.core.layout.framed import framed_layout
from gradviz.core.layout.layout import Layout
from gradviz.core.layout.module_boxes import module_title
from gradviz.core.layout.tree import is_chain, is_forest, tree_layout
from gradviz.core.trace import Trace

#: Trees (every value feeds one op, no module frames) with at least this many boxes are laid
#: out by gradviz itself, in a tenth of Graphviz's time and as tidily. A chain is drawn alike
#: by both (one straight column, framed or not), so gradviz draws every chain itself.
TREE_MIN_BOXES = 1500
#: Trees drawn with module frames (a 250-layer MLP) with at least this many boxes: gradviz's
#: framed layout takes a quarter of Graphviz's time on them.
FRAMED_MIN_BOXES = 200


def titles(trace: Trace, build: DotBuild) -> dict[str, str]:
    """Each frame's title as the canvas writes it (the frame is made that wide at least)."""
    return {path: module_title(trace, path) for path in build.clusters.values()}


def own_layout(trace: Trace, build: DotBuild) -> Layout | None:
    """gradviz's layout of ``build`` when it has one for this graph, else None (Graphviz's)."""
    if not build.names:
        return None
    chain = is_chain(build)
    if is_forest(build):  # no frames
        return tree_layout(build) if chain or len(build.names) >= TREE_MIN_BOXES else None
    if chain or len(build.names) >= FRAMED_MIN_BOXES:
        return framed_layout(build, titles(trace, build))
    return None
