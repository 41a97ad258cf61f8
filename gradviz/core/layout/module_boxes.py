"""Module groups as the user handles them: titles, collapsed-box ids, what is inside, toggles.

:mod:`gradviz.core.layout.grouping` decides which modules start collapsed and what a box says;
this module answers the questions the canvas asks when the user folds and unfolds them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from gradviz.core.i18n import translate
from gradviz.core.layout.grouping import group_info, group_path, group_title, is_loop_group, module_box_lines
from gradviz.core.trace import Node, Trace

#: A collapsed module's Layout node id is this prefix plus its path (see ``build_dot``).
MODULE_PREFIX = "module:"


def module_id(path: str) -> str:
    """The Layout id of the box standing for collapsed module ``path``."""
    return MODULE_PREFIX + path


def module_path(layout_id: str) -> str | None:
    """The module path of a collapsed box's id, or None for a plain node id."""
    return layout_id[len(MODULE_PREFIX):] if layout_id.startswith(MODULE_PREFIX) else None


def ancestors(path: str) -> list[str]:
    """``'a.b.c'`` -> ``['a', 'a.b', 'a.b.c']``; ``''`` -> ``[]``."""
    parts = path.split(".") if path else []
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def module_title(trace: Trace, path: str) -> str:
    """A cluster's title: ``'layers.0 · Linear'``, the bare path for an unknown module,
    ``'iteration 17 of 300'`` for a loop's iteration (see :func:`group_title`)."""
    return group_title(trace, path)


def inside(trace: Trace, path: str) -> list[Node]:
    """The nodes that ran in module ``path`` or one of its sub-modules, in trace order."""
    prefix = path + "."
    return [n for n in trace.nodes if (g := group_path(n)) == path or g.startswith(prefix)]


def owner(module: str, collapsed: frozenset[str]) -> str | None:
    """The outermost collapsed module containing ``module`` (the box it is drawn in), if any."""
    for path in ancestors(module):
        if path in collapsed:
            return path
    return None


def shown_id(trace: Trace, node_id: str, collapsed: frozenset[str]) -> str:
    """The Layout id of the box that shows node ``node_id`` with ``collapsed`` folded."""
    path = owner(group_path(trace.node(node_id)), collapsed)
    return node_id if path is None else module_id(path)


def reveal(collapsed: frozenset[str], module: str) -> frozenset[str]:
    """``collapsed`` without every module that hides a node of ``module``."""
    hiding = set(ancestors(module))
    return frozenset(p for p in collapsed if p not in hiding)


def collapse(collapsed: frozenset[str], path: str) -> frozenset[str]:
    """``collapsed`` plus ``path``.

    Collapsed sub-modules stay in the set, so expanding ``path`` again shows them as
    they were.
    """
    return frozenset(collapsed) | {path}


def expand(collapsed: frozenset[str], path: str) -> frozenset[str]:
    """``collapsed`` without ``path``."""
    return frozenset(collapsed) - {path}


#: Opening a module shows all it holds when that is at most this many boxes; more, and its
#: sub-modules stay folded (a 20-layer Sequential opens as 20 layer boxes, not 100 nodes).
OPEN_ALL_MAX_BOXES = 24


def children(trace: Trace, path: str) -> list[str]:
    """The module paths directly inside ``path`` that nodes ran in (or below), in order."""
    prefix = path + "."
    found: dict[str, None] = {}
    for node in trace.nodes:
        g = group_path(node)
        if g.startswith(prefix):
            found.setdefault(prefix + g[len(prefix):].split(".")[0], None)
    return list(found)


def expand_one_level(trace: Trace, collapsed: frozenset[str], path: str,
                     most: int = OPEN_ALL_MAX_BOXES) -> frozenset[str]:
    """``collapsed`` with ``path`` open: everything inside when that is at most ``most`` boxes,
    else its direct sub-modules each folded to a box."""
    opened = frozenset(collapsed) - {path}
    members = inside(trace, path)
    boxes = len({owner(group_path(n), opened) or n.id for n in members})
    if boxes <= most:
        return opened
    return opened | set(children(trace, path))


def find_nodes(trace: Trace, query: str) -> list[str]:
    """Ids of the nodes whose op or label contains ``query`` (case-insensitive), in trace order.

    An empty or blank query matches nothing.
    """
    needle = query.strip().casefold()
    if not needle:
        return []
    return [n.id for n in trace.nodes if needle in n.op.casefold() or needle in n.label.casefold()]


@dataclass(frozen=True)
class ModuleSummary:
    """What the inspector says about a collapsed module.

    ``lines`` are the text of its box (path, class, parameters, input → output shapes);
    ``ops`` counts the ops inside by name; ``nodes`` lists ``(id, title)`` of every node.
    """

    path: str
    class_name: str
    num_params: int
    lines: tuple[str, ...]
    ops: tuple[tuple[str, int], ...]
    nodes: tuple[tuple[str, str], ...]

    def text(self) -> str:
        """The summary as plain text lines."""
        counts = ", ".join(f"{op} ×{k}" if k > 1 else op for op, k in self.ops)
        inside = translate("graph", "{n} nodes inside: {ops}").format(n=len(self.nodes), ops=counts)
        return "\n".join([*self.lines, inside])


def module_summary(trace: Trace, path: str) -> ModuleSummary:
    """Class, parameter count, shapes and contents of module ``path``."""
    info = group_info(trace, path)
    nodes = inside(trace, path)
    ops = Counter(n.op if n.kind != "constant" else "constant" for n in nodes)
    return ModuleSummary(
        path=path,
        class_name=info.class_name if info else "loop" if is_loop_group(path) else "module",
        num_params=info.num_params if info else 0,
        lines=module_box_lines(trace, path),
        ops=tuple(sorted(ops.items(), key=lambda kv: (-kv[1], kv[0]))),
        nodes=tuple((n.id, n.title) for n in nodes),
    )
