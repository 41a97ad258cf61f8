"""Groups: modules, and the iterations of the program's for loops; which to collapse so a big
graph stays readable, and what their boxes say.

A node's group path is its module path, under the loop iterations it was made in:
``for@4.17`` is iteration 17 of the loop on line 4, ``for@4.17.cell`` the module ``cell`` as
it ran in that iteration, ``for@4`` the whole loop. Paths fold and unfold alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from functools import lru_cache

from gradviz.core.i18n import translate
from gradviz.core.trace import ModuleInfo, Node, Trace, format_shape

#: A loop's path segment: "for@" and its line.
LOOP_MARK = "for@"
#: A loop that ran at least this many times opens folded, when its iterations hold at least
#: LOOP_FOLD_NODES nodes each on average (a one-op body would not shrink): each iteration to a
#: box when there are at most LOOP_ITERATION_BOXES of them, else the whole loop to one box
#: (opened, it shows its iterations as boxes).
LOOP_FOLD_MIN_ITERATIONS = 10
LOOP_FOLD_NODES = 2
LOOP_ITERATION_BOXES = 60


def group_path(node: Node) -> str:
    """``node``'s group path: its loop iterations, then its module path ("" at top level)."""
    if not node.loop:
        return node.module
    return _loop_path(node.loop, node.module)


@lru_cache(maxsize=1 << 16)  # asked for each node by every stage of a layout: a 10,000-step loop
def _loop_path(loop: tuple[tuple[int, int, int], ...], module: str) -> str:
    parts = []
    for line, iteration, _count in loop:
        parts += [f"{LOOP_MARK}{line}", str(iteration + 1)]
    if module:
        parts.append(module)
    return ".".join(parts)


def module_part(path: str) -> str:
    """The module path inside a group path (``for@4.17.cell`` → ``cell``)."""
    parts = path.split(".")
    i = 0
    while i < len(parts) and parts[i].startswith(LOOP_MARK):
        i += 2
    return ".".join(parts[i:])


def is_loop_group(path: str) -> bool:
    """True for a loop's path (``for@4``, ``for@4.17.for@6``) or an iteration's (``for@4.17``)."""
    head, _, last = path.rpartition(".")  # the last two parts, without splitting all of them
    return last.startswith(LOOP_MARK) or (bool(head) and head.rpartition(".")[2].startswith(LOOP_MARK))


def loop_counts(trace: Trace) -> dict[str, int]:
    """Each loop's path and how many iterations it ran."""
    global _last_counts
    last = _last_counts  # one read: the worker and the window may ask for different traces
    if last is not None and last[0] is trace:  # every frame's title asks, one trace at a time
        return last[1]
    counts = _loop_counts(trace)
    _last_counts = (trace, counts)
    return counts


_last_counts: tuple[Trace, dict[str, int]] | None = None


def _loop_counts(trace: Trace) -> dict[str, int]:
    loops_run = [node.loop for node in trace.nodes if node.loop]
    if all(len(loops) == 1 for loops in loops_run):  # no loop in another: by line, paths made once
        by_line: dict[int, int] = {}
        for ((line, _iteration, count),) in loops_run:
            if count > by_line.get(line, 0):
                by_line[line] = count
        return {f"{LOOP_MARK}{line}": count for line, count in by_line.items()}
    return _nested_counts(loops_run)


def _nested_counts(loops_run: list) -> dict[str, int]:
    counts: dict[str, int] = {}
    for loops in loops_run:
        prefix = ""
        for line, iteration, count in loops:
            path = f"{prefix}{LOOP_MARK}{line}"
            counts[path] = max(counts.get(path, 0), count)
            prefix = f"{path}.{iteration + 1}."
    return counts


def group_title(trace: Trace, path: str) -> str:
    """A group's title: "for loop, line 4 · 300 iterations", "iteration 17 of 300", or the
    module's ``path · Class`` (in an iteration: the module's own path)."""
    head, _, last = path.rpartition(".")  # asked for every frame: the last two parts only
    if last.startswith(LOOP_MARK):
        count = loop_counts(trace).get(path, 0)
        return translate("grouping", "for loop, line {line} · {count} iterations").format(
            line=last[len(LOOP_MARK):], count=count)
    if head and head.rpartition(".")[2].startswith(LOOP_MARK):
        count = loop_counts(trace).get(head, 0)
        return translate("grouping", "iteration {n} of {count}").format(n=last, count=count)
    module = module_part(path)
    info = trace.modules.get(module)
    return f"{module} · {info.class_name}" if info else module


def group_info(trace: Trace, path: str) -> ModuleInfo | None:
    """The module a group path stands for (None for loops and unknown modules)."""
    return None if is_loop_group(path) else trace.modules.get(module_part(path))


def with_ancestors(paths: Iterable[str]) -> set[str]:
    """``paths`` and every path around them (``a.b.c`` brings ``a.b`` and ``a``); "" left out."""
    found: set[str] = set()
    for path in paths:
        while path and path not in found:
            found.add(path)
            path = path.rpartition(".")[0]
    return found


def innermost_in(paths: Collection[str], path: str) -> str:
    """``path`` if it is in ``paths``, else the nearest path around it that is; "" for none."""
    while path and path not in paths:
        path = path.rpartition(".")[0]
    return path


def _paths_and_ancestors(trace: Trace) -> set[str]:
    """Every group path the nodes ran in, with the paths around them."""
    return with_ancestors({group_path(node) for node in trace.nodes})


def module_paths(trace: Trace, loops: bool = True) -> list[str]:
    """Every group path the nodes ran in, with their ancestors, parents first; ``loops`` False
    leaves out the loops' and iterations' own paths (what the collapse threshold folds)."""
    paths = _paths_and_ancestors(trace)
    if not loops:
        paths = {p for p in paths if not is_loop_group(p)}
    # By depth, then by name: sorted within each depth (10,000 iterations' paths: 12 -> 5 ms).
    depths: dict[int, list[str]] = {}
    for p in paths:
        depths.setdefault(p.count("."), []).append(p)
    return [p for depth in sorted(depths) for p in sorted(depths[depth])]


#: Above this many loop and iteration groups, none of them is framed (see framed_paths).
MAX_LOOP_FRAMES = 50


def in_loop(path: str) -> bool:
    """True when ``path`` is a loop's or an iteration's, or a module's inside one."""
    return path.startswith(LOOP_MARK)


def framed_paths(paths: list[str]) -> list[str]:
    """The group paths drawn as frames: all of them while few are loops' and iterations';
    else only those outside loops (a frame per iteration of a thousand-step loop would swamp
    Graphviz and the picture)."""
    loops = 0
    for p in paths:
        if is_loop_group(p):
            loops += 1
            if loops > MAX_LOOP_FRAMES:  # no need to count the other thousands
                return [p for p in paths if not in_loop(p)]
    return paths


def framed_group_paths(trace: Trace) -> list[str]:
    """``sorted(framed_paths(module_paths(trace)))``, without sorting the thousands of a long
    loop's iteration paths only to drop them (10,000 iterations: 11 -> 7 ms)."""
    paths = _paths_and_ancestors(trace)
    loops = 0
    for p in paths:
        if in_loop(p) and is_loop_group(p):
            loops += 1
            if loops > MAX_LOOP_FRAMES:
                return sorted(p for p in paths if not in_loop(p))
    return sorted(paths)


def default_folds(trace: Trace) -> frozenset[str]:
    """The iterations to fold when a graph opens: those of every loop that ran at least
    LOOP_FOLD_MIN_ITERATIONS times with LOOP_FOLD_NODES nodes an iteration or more."""
    counts = loop_counts(trace)
    if not any(count >= LOOP_FOLD_MIN_ITERATIONS for count in counts.values()):
        return frozenset()
    loops_run = [node.loop for node in trace.nodes if node.loop]
    if all(len(loops) == 1 for loops in loops_run):
        return _top_level_folds(counts, loops_run)
    return _nested_folds(counts, loops_run)


def _nested_folds(counts: dict[str, int], loops_run: list) -> frozenset[str]:
    members: Counter[str] = Counter()
    iterations: dict[str, set[str]] = {}
    for loops, n in Counter(loops_run).items():
        prefix = ""
        for line, iteration, _count in loops:
            loop = f"{prefix}{LOOP_MARK}{line}"
            members[loop] += n
            prefix = f"{loop}.{iteration + 1}"
            iterations.setdefault(loop, set()).add(prefix)
            prefix += "."
    folds: set[str] = set()
    for loop, count in counts.items():
        if count >= LOOP_FOLD_MIN_ITERATIONS and members[loop] >= LOOP_FOLD_NODES * count:
            if count <= LOOP_ITERATION_BOXES:
                folds.update(iterations[loop])
            else:
                folds.add(loop)
    return frozenset(folds)


def _top_level_folds(counts: dict[str, int], loops_run: list) -> frozenset[str]:
    """:func:`default_folds` when no loop runs inside another (the common case), counted by
    line number instead of by path text (a 10,000-step loop: 7 -> 2 ms)."""
    members = Counter(loops[0][0] for loops in loops_run)
    folds: set[str] = set()
    for line, n in members.items():
        loop = f"{LOOP_MARK}{line}"
        count = counts[loop]
        if count >= LOOP_FOLD_MIN_ITERATIONS and n >= LOOP_FOLD_NODES * count:
            if count <= LOOP_ITERATION_BOXES:
                folds.update(f"{loop}.{it + 1}" for it in {loops[0][1] for loops in loops_run if loops[0][0] == line})
            else:
                folds.add(loop)
    return frozenset(folds)


def fold_note(trace: Trace, collapsed: frozenset[str]) -> str:
    """What the folded loops are, in words ("" when none is)."""
    counts = loop_counts(trace)
    whole = sorted(p for p in collapsed if p in counts)
    each = sorted({p.rsplit(".", 1)[0] for p in collapsed if is_loop_group(p) and p not in counts} - set(whole))
    one = translate("grouping", "the loop at line {line} ran {count} times: it is one box (double-click it to see "
                                "its iterations)")
    parts = [one.format(line=p.rsplit(LOOP_MARK, 1)[1], count=counts[p]) for p in whole]
    boxes = translate("grouping", "each of the {count} iterations of the loop at line {line} is a box (double-click "
                                  "one to open it)")
    parts += [boxes.format(count=counts.get(p, 0), line=p.rsplit(LOOP_MARK, 1)[1]) for p in each if p in counts]
    if not parts:
        return ""
    return translate("grouping", "In this graph {parts}.").format(parts=translate("grouping", "; ").join(parts))


def _owner(module: str, collapsed: frozenset[str]) -> str | None:
    parts = module.split(".") if module else []
    for i in range(len(parts)):
        path = ".".join(parts[: i + 1])
        if path in collapsed:
            return path
    return None


def visible_count(trace: Trace, collapsed: frozenset[str]) -> int:
    """How many boxes the graph shows with ``collapsed`` groups folded to one box each."""
    if not collapsed:
        return len(trace.nodes)
    return _visible(Counter(map(group_path, trace.nodes)), collapsed)


def _visible(groups: Counter[str], collapsed: frozenset[str]) -> int:
    """:func:`visible_count` from the nodes counted by group (each group's owner found once:
    the 878 nodes of a 125-block MLP sit in 250 groups)."""
    owners: set[str] = set()
    loose = 0
    for group, n in groups.items():
        owner = _owner(group, collapsed)
        if owner is None:
            loose += n
        else:
            owners.add(owner)
    return loose + len(owners)


def choose_collapsed(trace: Trace, threshold: int) -> frozenset[str]:
    """The deepest module level whose collapse brings the graph to at most ``threshold`` boxes.

    Depth 1 is the top-level modules (``layers``), depth 2 their children (``layers.0``), and
    so on. A graph already small enough collapses nothing; one that no level brings under the
    threshold collapses at the top level, the most it can.
    """
    if len(trace.nodes) <= threshold or not any(n.module for n in trace.nodes):
        return frozenset()  # small enough, or no module to fold (loops are folded elsewhere)
    paths = module_paths(trace, loops=False)
    if not paths:
        return frozenset()
    depth = max(p.count(".") + 1 for p in paths)
    groups = Counter(map(group_path, trace.nodes))
    for d in range(depth, 0, -1):
        chosen = frozenset(p for p in paths if p.count(".") + 1 == d)
        if (_visible(groups, chosen) if chosen else len(trace.nodes)) <= threshold:
            return chosen
    return frozenset(p for p in paths if "." not in p)


def module_box_lines(trace: Trace, path: str, shapes: tuple[set, set] | None = None) -> tuple[str, ...]:
    """The text of a collapsed group's box: path and class (a loop's or an iteration's title),
    parameter count, input → output shapes (``shapes``: those already found, see
    :func:`boundary_shapes`)."""
    info = group_info(trace, path)
    if is_loop_group(path):
        lines = [group_title(trace, path)]
    else:
        lines = [path if not path.startswith(LOOP_MARK) else module_part(path),
                 info.class_name if info else translate("grouping", "module")]
    if info and info.num_params:
        lines.append(translate("grouping", "{n:,} parameters").format(n=info.num_params))
    if shapes is None:
        inside = {n.id for n in trace.nodes if (g := group_path(n)) == path or g.startswith(path + ".")}
        shapes = boundary_shapes(trace, {i: path for i in inside})[path]
    ins, outs = sorted(shapes[0], key=str), sorted(shapes[1], key=str)
    if ins or outs:
        inputs = ", ".join(format_shape(s) for s in ins) or "–"
        outputs = ", ".join(format_shape(s) for s in outs) or "–"
        lines.append(f"{inputs} → {outputs}")
    return tuple(lines)


def boundary_shapes(trace: Trace, owner: dict[str, str]) -> dict[str, tuple[set, set]]:
    """For each group of ``owner`` (node id -> its folded group), the shapes of what enters it
    (parameters aside) and what leaves it: one pass over the edges for every group at once."""
    found: dict[str, tuple[set, set]] = {g: (set(), set()) for g in set(owner.values())}
    for e in trace.edges:
        s, t = owner.get(e.source), owner.get(e.target)
        if s == t:
            continue
        source = trace.node(e.source)
        if t is not None and source.kind != "leaf":
            found[t][0].add(source.shape)
        if s is not None:
            found[s][1].add(source.shape)
    for r in trace.roots:
        if r in owner:
            found[owner[r]][1].add(trace.node(r).shape)
    return found
