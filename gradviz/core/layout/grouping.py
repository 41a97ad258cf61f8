"""Module groups: which modules to collapse so a big graph stays readable, and their boxes."""

from __future__ import annotations

from collections import Counter

from gradviz.core.trace import Trace, format_shape


def module_paths(trace: Trace) -> list[str]:
    """Every module path the nodes ran in, with their ancestors, parents first."""
    paths: set[str] = set()
    for node in trace.nodes:
        if node.module:
            parts = node.module.split(".")
            paths.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return sorted(paths, key=lambda p: (p.count("."), p))


def _owner(module: str, collapsed: frozenset[str]) -> str | None:
    parts = module.split(".") if module else []
    for i in range(len(parts)):
        path = ".".join(parts[: i + 1])
        if path in collapsed:
            return path
    return None


def visible_count(trace: Trace, collapsed: frozenset[str]) -> int:
    """How many boxes the graph shows with ``collapsed`` modules folded to one box each."""
    owners = Counter(_owner(n.module, collapsed) for n in trace.nodes)
    loose = owners.pop(None, 0)
    return loose + len(owners)


def choose_collapsed(trace: Trace, threshold: int) -> frozenset[str]:
    """The deepest module level whose collapse brings the graph to at most ``threshold`` boxes.

    Depth 1 is the top-level modules (``layers``), depth 2 their children (``layers.0``), and
    so on. A graph already small enough collapses nothing; one that no level brings under the
    threshold collapses at the top level, the most it can.
    """
    if len(trace.nodes) <= threshold:
        return frozenset()
    paths = module_paths(trace)
    if not paths:
        return frozenset()
    depth = max(p.count(".") + 1 for p in paths)
    for d in range(depth, 0, -1):
        chosen = frozenset(p for p in paths if p.count(".") + 1 == d)
        if visible_count(trace, chosen) <= threshold:
            return chosen
    return frozenset(p for p in paths if "." not in p)


def module_box_lines(trace: Trace, path: str) -> tuple[str, ...]:
    """The text of a collapsed module's box: path, class, parameter count, input → output shapes."""
    inside = {n.id for n in trace.nodes if n.module == path or n.module.startswith(path + ".")}
    info = trace.modules.get(path)
    lines = [path, info.class_name if info else "module"]
    if info and info.num_params:
        lines.append(f"{info.num_params:,} parameters")
    ins = sorted({trace.node(e.source).shape for e in trace.edges
                  if e.target in inside and e.source not in inside
                  and trace.node(e.source).kind != "leaf"}, key=str)
    outs = sorted({trace.node(e.source).shape for e in trace.edges
                   if e.source in inside and e.target not in inside}
                  | {trace.node(r).shape for r in trace.roots if r in inside}, key=str)
    if ins or outs:
        inputs = ", ".join(format_shape(s) for s in ins) or "–"
        outputs = ", ".join(format_shape(s) for s in outs) or "–"
        lines.append(f"{inputs} → {outputs}")
    return tuple(lines)
