"""Trace -> DOT text: node text, colours, module clusters, collapsed modules, legend.

Kept apart from :mod:`gradviz.core.layout.layout` (which runs the engine and reads its
answer) so the DOT can be written, exported and tested without any engine.
Everything here is deterministic: the same Trace gives the same bytes.

The text is written directly, in the layout the ``graphviz`` package would give it: going
through that package's per-attribute quoting wrappers was most of the time of a 1,253-node
graph's DOT (27,666 calls; 0.8 s), which is now one escape per label line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache, partial

from gradviz.core.i18n import translate
from gradviz.core.layout.grouping import (
    boundary_shapes,
    framed_paths,
    group_path,
    group_title,
    innermost_in,
    module_box_lines,
    with_ancestors,
)
from gradviz.core.layout.labels import Look, beginner_lines
from gradviz.core.layout.metrics import FONT_SIZE, wide_min_width, wide_padding
from gradviz.core.trace import Node, TensorValue, Trace, format_number, format_shape

#: Graphviz-pure ships metrics for Arimo; it is metric-compatible with Arial,
#: Helvetica and Liberation Sans, which the Qt side falls back to, so the boxes
#: Graphviz sizes fit the text Qt paints.
FONT_NAME = "Arimo"

#: Fill colours by kind. Mid-tone fills with black text: pale tints wash out on
#: a projector and dark fills make black text unreadable.
PALETTE = {
    "leaf": "#7fb8e6",  # blue: parameters and other leaves that get a .grad
    "constant": "#cfcfcf",  # grey: inputs that need no gradient
    "op": "#a8dca0",  # green: autograd functions
    "root": "#f5a25d",  # orange: where backward starts (the loss)
    "module": "#c7b3e6",  # lavender: a collapsed module standing for many nodes
}
BORDER_COLOUR = "#333333"
EDGE_COLOUR = "#4d4d4d"
CLUSTER_COLOUR = "#7a7a7a"

#: A value is printed in its box only while its text is at most this long.
VALUE_TEXT_LIMIT = 40

_RANKDIRS = ("TB", "BT", "LR", "RL")
_LEGEND_CLUSTER = "cluster legend"  # the space keeps it apart from any sanitised module path


def _value_text(value: TensorValue) -> str:
    """``TensorValue.short()`` without the shape prefix of a summary.

    The shape already has its own line in the box; repeating it in
    ``(3, 4) ∈ [-1, 2]`` only widens the box.
    """
    text = value.short()
    if "∈" not in text:  # the numbers themselves (most boxes): no shape to take off
        return text
    prefix = format_shape(value.shape) + " "
    return text[len(prefix):] if text.startswith(prefix) else text


def node_lines(node: Node, show_values: bool = True) -> tuple[str, ...]:
    """Text lines of a node's box, shared by the DOT labels and the Qt painter.

    Parameters
    ----------
    node : Node
        The trace node.
    show_values : bool
        Add the forward value when its text is short (at most
        ``VALUE_TEXT_LIMIT`` characters).

    Returns
    -------
    tuple of str
        The op name (``'constant'`` for constants, ``'buffer'`` for a module's
        buffers, ``'output k'`` for an op's further outputs), the label if any, the shape
        (``format_shape``) and, if asked and short, the value: the numbers of a
        value with at most four elements, else its range ``∈ [min, max]``.
    """
    if node.kind == "constant":
        lines = [translate("graph", "buffer") if node.op == "Buffer" else translate("graph", "constant")]
    else:
        lines = [node.op]
    if node.label:
        lines.append(node.label)
    lines.append(format_shape(node.shape))
    value = node.value if show_values else None
    if value is not None:
        data = value.data
        if data is not None and data.ndim == 0:  # a number (most boxes of a chain): its text at once
            text = format_number(data.item())
        else:
            text = _value_text(value)
        if len(text) <= VALUE_TEXT_LIMIT:
            lines.append(text)
    return tuple(lines)


def _export_lines(node: Node, show_values: bool) -> tuple[str, ...]:
    """``node_lines`` plus a ``grad`` line, for exported pictures."""
    lines = node_lines(node, show_values)
    if show_values and node.grad is not None:
        text = _value_text(node.grad)
        text = "grad " + text if text.startswith("∈") else "grad: " + text
        if len(text) <= VALUE_TEXT_LIMIT + 6:
            lines += (text,)
    return lines


#: A DOT ID that needs no quotes (and is not a keyword).
_BARE_ID = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))\Z")
_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})


# Characters no DOT or SVG file can hold (control characters, halves of a surrogate pair):
# a module key holding one made Graphviz fail, or the file unwritable.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def writable(text: str) -> str:
    """``text`` with each character no DOT or SVG file can hold replaced by U+FFFD."""
    return _UNWRITABLE.sub("\ufffd", text)


def _escape(text: str) -> str:
    """A DOT string's content: backslashes and quotes stand for themselves."""
    return writable(text).replace("\\", "\\\\").replace('"', '\\"')


def _token(text: str) -> str:
    """``text`` as a DOT ID: bare when it can be, else quoted (and escaped)."""
    if _BARE_ID.match(text) and text.lower() not in _KEYWORDS:
        return text
    return f'"{_escape(text)}"'


def _label(lines: tuple[str, ...]) -> str:
    # Each line is escaped on its own so that a backslash in a name stays a backslash,
    # while the joining \n stays Graphviz's centred line break. Always quoted: never HTML.
    return '"' + "\\n".join(_escape(line) for line in lines) + '"'


def _attr_list(attrs: dict[str, str], sort: bool = False) -> str:
    """``key=value ...`` with values already in DOT form (labels) or plain (quoted here).

    Sorted by key; a node's or edge's label first (``sort`` False), as the ``graphviz``
    package writes them.
    """
    items = sorted(attrs.items(), key=lambda kv: (not sort and kv[0] != "label", kv[0]))
    return " ".join(f"{k}={v if k == 'label' and v.startswith(chr(34)) else _token(v)}" for k, v in items)


_UNSAFE = re.compile(r"[^0-9A-Za-z_]")


@lru_cache(maxsize=4096)  # a run's module and loop paths come again in the next run
def _sanitise(path: str) -> str:
    return _UNSAFE.sub("_", path)


def _ancestors(path: str) -> list[str]:
    """``'a.b.c'`` -> ``['a', 'a.b', 'a.b.c']``."""
    parts = path.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


@dataclass
class DotBuild:
    """The DOT text and the maps needed to read the engine's answer back.

    ``names`` maps a DOT node name to the Layout node id (the same for trace
    nodes; ``module_<k>`` -> ``'module:<path>'`` for collapsed modules, because
    the graphviz package would read the colon as a port). ``edges[k]`` is the
    ``(source, target, slot)`` of the DOT edge with ``id="e<k>"``.

    ``source`` (the text) is written when it is first read: gradviz's own layouts need
    only the maps, and writing the text was half of laying out a 50-node chain.
    """

    source: str
    names: dict[str, str] = field(default_factory=dict)
    lines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    edges: list[tuple[str, str, int]] = field(default_factory=list)
    clusters: dict[str, str] = field(default_factory=dict)  # DOT cluster name -> module path
    # Layout id -> path of the innermost cluster its box sits in ("" outside every cluster).
    homes: dict[str, str] = field(default_factory=dict)
    # Layout id -> the box's DOT attributes (fillcolor, style, penwidth...), for gradviz's own SVG.
    styles: dict[str, dict[str, str]] = field(default_factory=dict)
    look: Look = field(default_factory=Look)  # the font size and label style the boxes are sized for


def _get_source(build: DotBuild) -> str:
    text = build.__dict__.get("_text")
    if text is None:  # two threads asking at once both write it: the same text
        text = build.__dict__["_writer"](build)
        build.__dict__["_text"] = text
        build.__dict__.pop("_writer", None)
    return text


def _set_source(build: DotBuild, text: str) -> None:
    build.__dict__["_text"] = text
    build.__dict__.pop("_writer", None)


# After the class body: there, the property would be taken for the field's default.
DotBuild.source = property(_get_source, _set_source)  # type: ignore[assignment]


def _collapsed_owner(module: str, collapsed: frozenset[str]) -> str | None:
    """The outermost collapsed module containing ``module``, if any."""
    if not module or not collapsed:
        return None
    for path in _ancestors(module):
        if path in collapsed:
            return path
    return None


def build_dot(
    trace: Trace,
    *,
    group_modules: bool = True,
    collapsed: frozenset[str] = frozenset(),
    rankdir: str = "BT",
    show_values: bool = True,
    styled: bool = True,
    legend: bool = False,
    show_grads: bool = False,
    look: Look | None = None,
) -> DotBuild:
    """Build the DOT's maps for ``trace`` (its text when first read); see :func:`to_dot`."""
    if rankdir not in _RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(_RANKDIRS)}, not {rankdir!r}")
    look = look or Look(FONT_SIZE)
    collapsed = frozenset(collapsed)
    build = DotBuild(source="", look=look)
    beginner = look.labels == "beginner"
    rep: dict[str, str] = {}  # trace id -> DOT name of the box that shows it
    # Nodes go in trace order (then the collapsed modules' boxes), each inside its innermost
    # cluster: cluster path -> DOT names.
    placed: dict[str, list[str]] = {}
    attrs: dict[str, dict[str, str]] = {}  # DOT name -> its attributes but the label (the text's)
    module_members: dict[str, list[Node]] = {}
    # Trace.roots (root plus extra roots shown side by side) where the Trace has it.
    roots = set(getattr(trace, "roots", ()) or ((trace.root,) if trace.root else ()))

    names, box_lines = build.names, build.lines
    font_size = look.font_size
    fill_op = PALETTE["op"]
    owners: dict[str, str | None] = {}  # group path -> the collapsed module it is folded in (None: shown)
    module_names: dict[str, str] = {}  # collapsed module -> the DOT name of its box
    for node in trace.nodes:
        ident = node.id
        group = group_path(node)
        # Asked once a group, not once a node: the nodes of a 250-layer MLP sit in 250 groups.
        if not collapsed:
            owner = None
        elif group in owners:
            owner = owners[group]
        else:
            owner = owners[group] = _collapsed_owner(group, collapsed)
        if owner is None:
            rep[ident] = ident
            names[ident] = ident
            lines = (_export_lines(node, show_values) if show_grads else
                     beginner_lines(node, show_values) if beginner else node_lines(node, show_values))
            box_lines[ident] = lines
            placed.setdefault(group if group_modules else "", []).append(ident)
            a = {}
            if width := wide_min_width(lines, font_size):
                a["width"] = width
            if styled:
                a["fillcolor"] = PALETTE.get("root" if ident in roots else node.kind, fill_op)
                if node.internal_to:
                    a["style"] = "rounded,filled,dashed"
            attrs[ident] = a
        else:
            module_members.setdefault(owner, []).append(node)
            name = module_names.get(owner)
            if name is None:
                name = "module_" + _sanitise(owner)
                while name in names and names[name] != "module:" + owner:
                    name += "_"
                module_names[owner] = name
                names[name] = "module:" + owner
            rep[ident] = name

    if module_members:
        shapes = boundary_shapes(trace, {m.id: path for path, ms in module_members.items() for m in ms})
        with_root = {rep[r] for r in roots if r in rep}  # the boxes a root is drawn in
        for name, ident in names.items():
            if not ident.startswith("module:"):
                continue
            path = ident[len("module:"):]
            members = module_members[path]
            lines = module_box_lines(trace, path, shapes[path]) + (
                translate("graph", "%n node(s) inside", None, len(members)),)
            box_lines[ident] = lines
            placed.setdefault(path.rpartition(".")[0] if group_modules else "", []).append(name)
            a = {"id": ident}
            if width := wide_min_width(lines, font_size):
                a["width"] = width
            if styled:
                a["fillcolor"] = PALETTE["module"]
                if name in with_root:
                    a["penwidth"] = "2.5"
            attrs[name] = a

    # Clusters in sorted path order so parents come before children.
    found = with_ancestors(placed)  # every cluster's path and the paths around it
    # Loops and iterations get a frame of their own while only a few are open; a loop of a
    # thousand single-op iterations stays a bare chain (a frame each would swamp Graphviz).
    # Sorted once chosen: the thousand iterations' paths need no sorting to be dropped.
    paths = framed_paths(list(found))
    dropped = len(paths) != len(found)
    paths.sort()
    if dropped:
        kept = set(paths)
        for home_path in [p for p in placed if p and p not in kept]:
            # Into the innermost frame still drawn around it.
            placed.setdefault(innermost_in(kept, home_path.rpartition(".")[0]), []).extend(placed.pop(home_path))
    build.homes = {names[name]: path for path, members in placed.items() for name in members}
    build.styles = {names[name]: a for name, a in attrs.items()}
    used: set[str] = set()
    for path in paths:
        cname = "cluster_" + _sanitise(path)
        while cname in used:
            cname += "_"
        used.add(cname)
        build.clusters[cname] = path

    # One DOT edge per trace edge between plain nodes (fan-out duplicates are
    # real inputs); edges touching a collapsed box are merged by endpoint pair.
    seen: set[tuple[str, str]] = set()
    dot_edges: list[tuple[str, str]] = []
    for e in trace.edges:
        s, t = rep[e.source], rep[e.target]
        if s == t:
            continue  # inside one collapsed module
        if s != e.source or t != e.target:
            if (s, t) in seen:
                continue
            seen.add((s, t))
        dot_edges.append((s, t))
        build.edges.append((names[s], names[t], e.slot))

    # Holds all but the build itself, which it is given when called: a writer holding its
    # build would be a cycle only the collector frees, and the app keeps it out of its sight.
    build.__dict__["_writer"] = partial(_dot_text, trace=trace, rep=rep, attrs=attrs, placed=placed, paths=paths,
                                        dot_edges=dot_edges, rankdir=rankdir, styled=styled, legend=legend,
                                        group_modules=group_modules, roots=roots)
    build.__dict__.pop("_text", None)
    return build


def _dot_text(build: DotBuild, *, trace: Trace, rep: dict[str, str], attrs: dict[str, dict[str, str]],
              placed: dict[str, list[str]], paths: list[str], dot_edges: list[tuple[str, str]], rankdir: str,
              styled: bool, legend: bool, group_modules: bool, roots: set[str]) -> str:
    """The DOT text of what :func:`build_dot` gathered."""
    font_size = f"{build.look.font_size:g}"
    out = ["digraph gradviz {"]
    out.append("\t" + _attr_list({"rankdir": rankdir, "nodesep": "0.25", "ranksep": "0.35"}, sort=True))
    out.append("\t" + _attr_list({"fontname": FONT_NAME, "fontsize": font_size}, sort=True))
    # Geometry-bearing attributes are set even when unstyled: the Qt painter
    # draws node_lines in FONT_NAME inside these boxes, so their size must match.
    out.append("\tnode [" + _attr_list({"shape": "box", "fontname": FONT_NAME, "fontsize": font_size},
                                       sort=True) + "]")
    if styled:
        out.append("\tnode [" + _attr_list({"style": "rounded,filled", "color": BORDER_COLOUR, "penwidth": "1.2",
                                            "fontcolor": "black"}, sort=True) + "]")
        out.append("\tedge [" + _attr_list({"color": EDGE_COLOUR, "arrowsize": "0.7"}, sort=True) + "]")

    def box(name: str) -> str:
        return f"{_token(name)} [{_attr_list({'label': _label(build.lines[build.names[name]]), **attrs[name]})}]"

    cluster_of = {p: c for c, p in build.clusters.items()}
    sides = _sides(trace, roots, rep) if group_modules else {}
    children: dict[str, list[str]] = {}
    for child in paths:
        children.setdefault(child.rpartition(".")[0] if "." in child else "", []).append(child)
    # Nested clusters, written depth first with an explicit stack: a recursive writer would
    # stop at Python's recursion limit on deep module trees.
    stack: list[tuple[str, int, bool]] = [("", 1, False)]
    while stack:
        path, depth, closing = stack.pop()
        indent = "\t" * depth
        if closing:
            out.append("\t" * (depth - 1) + "}")
            continue
        if path:
            title = group_title(trace, path)
            out.append("\t" * (depth - 1) + f"subgraph {_token(cluster_of[path])} {{")
            # A Chinese module name: Graphviz would make the frame narrower than its title.
            label = _label((title + wide_padding(title),))
            out.append(indent + _attr_list({"label": label, "labeljust": "l"}, sort=True))
            if styled:
                out.append(indent + _attr_list({"style": "rounded", "color": CLUSTER_COLOUR, "fontcolor": "#333333"},
                                              sort=True))
        here = placed.get(path, ())
        for name in here:
            if name not in sides or path:
                out.append(indent + box(name))
        if not path and sides:
            # Graphs drawn side by side (the softmax lesson's two losses) keep to their own side:
            # each root's own nodes in a frameless cluster, in the order of the roots.
            for k in sorted({sides[name] for name in here if name in sides}):
                out.append(f"{indent}subgraph {_token(f'cluster side {k}')} {{")
                out.append(indent + "\t" + _attr_list({"label": '""', "peripheries": "0"}, sort=True))
                for name in here:
                    if sides.get(name) == k:
                        out.append(f"{indent}\t{box(name)}")
                out.append(indent + "}")
        if path:
            stack.append((path, depth, True))
        for child in reversed(children.get(path, ())):
            stack.append((child, depth + 1, False))

    out.extend(f"\t{_token(s)} -> {_token(t)} [id=e{k}]" for k, (s, t) in enumerate(dot_edges))
    if group_modules:
        for s, t in _rank_hints(trace, rep):
            out.append(f"\t{_token(s)} -> {_token(t)} [style=invis]")

    if legend:
        _add_legend(out, styled, with_module=any(i.startswith("module:") for i in build.names.values()))
    out.append("}")
    return "\n".join(out) + "\n"


def _sides(trace: Trace, roots: set[str], rep: dict[str, str]) -> dict[str, int]:
    """DOT name -> which root's side a box is on, for boxes that only one of several roots uses."""
    ordered = [r for r in (getattr(trace, "roots", ()) or ()) if r in roots]
    if len(ordered) < 2:
        return {}
    users: dict[str, set[int]] = {}
    for k, root in enumerate(ordered):
        stack, seen = [root], {root}
        while stack:
            node = stack.pop()
            users.setdefault(rep[node], set()).add(k)
            for e in trace.inputs_of(node):
                if e.source not in seen:
                    seen.add(e.source)
                    stack.append(e.source)
    return {name: next(iter(ks)) for name, ks in users.items() if len(ks) == 1}


#: A parameter is held above at most this many of its module's inputs (see _rank_hints).
_RANK_HINTS_PER_LEAF = 3


def _rank_hints(trace: Trace, rep: dict[str, str]) -> list[tuple[str, str]]:
    """Invisible edges from what enters a module to the module's own parameters.

    A layer's weight feeds its matmul straight from the bottom of the graph, so Graphviz
    ranks it beside the previous layer; the two frames then overlap in height and are put
    side by side — a 20-layer MLP became a diagonal staircase 5,000 points wide. Held above
    the layer's input, each module's frame takes its own band of ranks and the layers stack.
    """
    nodes = {n.id: n for n in trace.nodes}
    entries: dict[str, list[str]] = {}
    for e in trace.edges:
        source, target = nodes[e.source], nodes[e.target]
        if source.kind in ("leaf", "constant") or not target.module or source.module == target.module:
            continue
        for path in _ancestors(target.module):
            if source.module != path and not source.module.startswith(path + "."):
                found = entries.setdefault(path, [])
                if e.source not in found and len(found) < _RANK_HINTS_PER_LEAF:
                    found.append(e.source)
    hints: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for node in trace.nodes:
        if node.kind != "leaf" or not node.module or rep[node.id] != node.id:
            continue
        for source in entries.get(node.module, ()):
            pair = (rep[source], node.id)
            if pair[0] != pair[1] and pair not in seen:
                seen.add(pair)
                hints.append(pair)
    return hints


def legend_kinds(with_module: bool) -> list[tuple[str, str]]:
    """The legend's samples, top to bottom: (kind, its text)."""
    kinds = [("module", translate("graph", "collapsed module"))] if with_module else []
    return kinds + [
        ("constant", translate("graph", "constant (no grad)")),
        ("leaf", translate("graph", "leaf / parameter")),
        ("op", translate("graph", "op (autograd node)")),
        ("root", translate("graph", "root (loss)")),
    ]


def _add_legend(out: list[str], styled: bool, with_module: bool) -> None:
    kinds = legend_kinds(with_module)
    out.append(f"\tsubgraph {_token(_LEGEND_CLUSTER)} {{")
    out.append("\t\t" + _attr_list({"label": translate("graph", "legend"), "labeljust": "l"}, sort=True))
    if styled:
        out.append("\t\t" + _attr_list({"style": "rounded", "color": CLUSTER_COLOUR, "fontcolor": "#333333"},
                                        sort=True))
    for kind, text in kinds:
        a = {"label": _label((text,))}
        if styled:
            a["fillcolor"] = PALETTE[kind]
        out.append(f"\t\tlegend_{kind} [{_attr_list(a)}]")
    # Invisible edges stack the samples in one column instead of a wide row.
    for (a_kind, _), (b_kind, _) in zip(kinds, kinds[1:]):
        out.append(f"\t\tlegend_{a_kind} -> legend_{b_kind} [style=invis]")
    out.append("\t}")


def to_dot(
    trace: Trace,
    *,
    group_modules: bool = True,
    collapsed: frozenset[str] = frozenset(),
    rankdir: str = "BT",
    show_values: bool = True,
    styled: bool = True,
    legend: bool = False,
    show_grads: bool = False,
    look: Look | None = None,
) -> str:
    """DOT text for ``trace``, deterministic byte for byte.

    Parameters
    ----------
    trace : Trace
        The captured graph.
    group_modules : bool
        Put nodes with a non-empty ``Node.module`` in nested
        ``subgraph cluster_<sanitised path>`` blocks labelled by the module path
        (``layers`` contains ``layers.0``).
    collapsed : frozenset of str
        Module paths to draw as one box each. All nodes of a collapsed module
        and its sub-modules are replaced by a box whose Layout id is
        ``'module:<path>'`` (DOT name ``module_<sanitised path>``, because the
        graphviz package reads a colon as a port). Edges inside the module are
        dropped; edges touching the box are merged, one per (source, target)
        pair, keeping the slot of the first. If both ``a`` and ``a.b`` are
        collapsed, ``a`` wins. Paths with no nodes are ignored.
    rankdir : {'BT', 'TB', 'LR', 'RL'}
        Graphviz rank direction. With ``'BT'`` edges point up: inputs at the
        bottom, the root (loss) at the top.
    show_values : bool
        Print short values in the boxes (see :func:`node_lines`).
    styled : bool
        Add colours (by kind, from ``PALETTE``), rounded filled boxes and edge
        colours. Shape and font are set either way, because they decide the box
        sizes the Qt painter relies on.
    legend : bool
        Add a ``cluster legend`` with one sample node per kind
        (``legend_leaf``, ``legend_constant``, ``legend_op``, ``legend_root``
        and ``legend_module`` if a module is collapsed). For exports, not the
        app canvas.
    show_grads : bool
        Add a ``grad: ...`` line for nodes that have a gradient (when
        ``show_values``). For exports; the canvas shows gradients itself.
    look : Look, optional
        The font size the boxes are sized for and the label style ("pytorch": the
        autograd class names; "beginner": ×, +, σ, names and data). Default: 11 points,
        PyTorch's names.

    Returns
    -------
    str
        DOT source. Trace node names are the trace ids (``n0``, ``n1``, ...);
        edges run source -> target (forward data flow) with ``id=e<k>``.
    """
    return build_dot(
        trace,
        group_modules=group_modules,
        collapsed=collapsed,
        rankdir=rankdir,
        show_values=show_values,
        styled=styled,
        legend=legend,
        show_grads=show_grads,
        look=look,
    ).source
