"""Which layout a run shows, and how it gets it without ever making the window wait.

In order of preference: the layout already on screen when only values changed (no engine,
same positions, same items); a cached layout of the same DOT text (toggling a module back);
else Graphviz, after a provisional Python layout for graphs big enough that Graphviz takes
seconds. Modules are collapsed first when the graph is over the collapse threshold.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import MappingProxyType

from gradviz.core.i18n import translate
from gradviz.core.json_pieces import JsonCancelled, loads_in_pieces
from gradviz.core.layout.cache import LayoutCache
from gradviz.core.layout.column import column_sketch
from gradviz.core.layout.dot import FONT_SIZE, DotBuild, build_dot
from gradviz.core.layout.framed import framed_layout
from gradviz.core.layout.graphviz_run import LayoutCancelled, run_engine
from gradviz.core.layout.grouping import choose_collapsed, default_folds, visible_count
from gradviz.core.layout.labels import Look
from gradviz.core.layout.layout import Layout, parse_layout
from gradviz.core.layout.own import TREE_MIN_BOXES, own_layout, titles
from gradviz.core.layout.quick import long_edge_length, plain_build, quick_layout
from gradviz.core.layout.sketch import Sketch, sketch_arrays, sketch_of
from gradviz.core.layout.tree import is_chain, is_forest, tree_layout
from gradviz.core.trace import Trace

#: Boxes from which a provisional layout is drawn first. Graphviz-pure plus reading its
#: answer takes about 0.35 s for 1,500 boxes and 2.5-3 s for 10,000 on the 2-core test
#: machine (bench/scale.py); below this the provisional picture would arrive barely earlier.
PROVISIONAL_MIN_BOXES = 1500
# A chain (framed or not) is previewed from its forward graph from this many boxes: its
# provisional layout is its final one, so the picture comes before gradviz's own backward
# pass and the recording of it (a 500-node chain: ~40 ms sooner; a 50-node one ~3 ms, a
# fifth of its first picture) and never moves. (The window shows a small one only when
# fitted too far out for any detail: its items then look like the preview.)
EARLY_CHAIN_MIN_BOXES = 40
#: Above this many skipped ranks (:func:`long_edge_length`) Graphviz is not asked: it would
#: take from seconds to many minutes, and the quick layout is the final one (``LayoutPlan.quick``).
MAX_LONG_EDGE_LENGTH = 3500
#: Layouts with more boxes than this get their sketch arrays made here, on the worker
#: thread: the canvas previews them before their items exist (gradviz.qt.canvas.big_graphs).
SKETCH_MIN_BOXES = 600


@dataclass(frozen=True)
class Drawing:
    """What the canvas shows: a trace, its layout and the modules folded in it."""

    trace: Trace
    layout: Layout
    collapsed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LayoutPlan:
    """The layout chosen for a run and how it was made.

    ``auto_collapsed`` says the collapsed set was chosen because the graph is over the
    threshold; ``reused`` that the positions are those of the drawing on screen (only
    values changed); ``cached`` that the DOT text had been laid out before.
    """

    layout: Layout
    collapsed: frozenset[str]
    auto_collapsed: bool = False
    reused: bool = False
    cached: bool = False
    quick: bool = False  # gradviz's quick layout stands in for Graphviz's (see MAX_LONG_EDGE_LENGTH)


def structure_key(trace: Trace, collapsed: frozenset[str] = frozenset()) -> tuple:
    """Everything that decides the layout except the numbers (``to_dot(show_values=False)``'s
    content): node ids, kinds, ops, labels, modules, shapes; edges; roots; modules; collapsed."""
    return (
        tuple((n.id, n.kind, n.op, n.label, n.module, n.shape, n.internal_to, n.loop) for n in trace.nodes),
        tuple((e.source, e.target, e.slot) for e in trace.edges),
        trace.roots,
        tuple(sorted((p, m.class_name, m.num_params) for p, m in trace.modules.items())),
        frozenset(collapsed),
    )


def same_structure(a: Trace, b: Trace, collapsed_a: frozenset[str] = frozenset(),
                   collapsed_b: frozenset[str] = frozenset()) -> bool:
    """True when ``a`` and ``b`` differ at most in their values and gradients."""
    if a is b:
        return collapsed_a == collapsed_b
    if len(a.nodes) != len(b.nodes) or len(a.edges) != len(b.edges):
        return False  # told without the keys (two 10,000-node keys: 15 ms)
    return structure_key(a, collapsed_a) == structure_key(b, collapsed_b)


def relabel(layout: Layout, lines: dict[str, tuple[str, ...]]) -> Layout:
    """``layout`` with the box text replaced by ``lines`` (by id); positions unchanged."""
    nodes = {i: replace(box, lines=lines.get(i, box.lines)) for i, box in layout.nodes.items()}
    return replace(layout, nodes=MappingProxyType(nodes))


class StagedLayoutCache(LayoutCache):
    """A :class:`LayoutCache` that plans a run's layout in stages (see :meth:`plan`).

    Besides the entry count it keeps at most ``max_boxes`` boxes in all (the newest entry
    always stays): a 10,000-box layout is ~10^5 objects that every full garbage collection
    walks while it is cached. Thread-safe like its base.
    """

    max_boxes = 30_000

    def __init__(self, max_entries: int = 32) -> None:
        super().__init__(max_entries)
        self._quick: set = set()  # keys whose entry is a quick layout, not Graphviz's

    def plan(
        self,
        trace: Trace,
        *,
        collapsed: frozenset[str] | None = None,
        threshold: int = 0,
        previous: Drawing | None = None,
        engine: str | None = None,
        timeout: float | None = 60,
        cancel: threading.Event | None = None,
        on_provisional: Callable[[Sketch], None] | None = None,
        provisional_min: int = PROVISIONAL_MIN_BOXES,
        look: Look | None = None,
    ) -> LayoutPlan:
        """Choose the collapsed modules and lay ``trace`` out.

        Parameters
        ----------
        trace : Trace
            The graph.
        collapsed : frozenset of str, optional
            Module paths to fold. None chooses them: the deepest level that brings the
            graph to ``threshold`` boxes (:func:`choose_collapsed`), nothing if ``threshold``
            is 0 or the graph is small enough.
        threshold : int
            Node count above which modules are collapsed when ``collapsed`` is None.
        previous : Drawing, optional
            What the canvas shows now; its positions are reused when ``trace`` has the
            same structure (:func:`same_structure`) and the same modules are folded.
        engine, timeout
            See :func:`gradviz.core.layout.graphviz_run.run_engine`.
        cancel : threading.Event, optional
            Set from another thread to stop (:class:`LayoutCancelled`), checked between
            stages, while reading the engine's answer and by the engine's own poll.
        on_provisional : callable, optional
            Called with the :class:`Sketch` of a quick Python layout (:func:`quick_layout`,
            or gradviz's own one it will keep) before Graphviz runs, when the graph has at
            least ``provisional_min`` boxes and no cached layout.
        provisional_min : int
            See ``on_provisional``.
        look : Look, optional
            Font size and label style of the boxes (default: 11 points, PyTorch's names); a
            drawing in another look is laid out again, not reused.

        Returns
        -------
        LayoutPlan
        """
        auto = collapsed is None
        look = look or Look(FONT_SIZE)
        chosen = _folded(trace, collapsed, threshold)
        if previous is not None and previous.layout.look == look \
                and same_structure(previous.trace, trace, previous.collapsed, chosen):
            lines = build_dot(trace, collapsed=chosen, look=look).lines
            return LayoutPlan(relabel(previous.layout, lines), chosen, auto and bool(chosen), reused=True)
        big = on_provisional is not None and visible_count(trace, chosen) >= provisional_min
        if big and not chosen:  # the first picture before even the DOT text is written
            plain = plain_build(trace, look=look)
            # A big tree needs none: gradviz lays it out in a moment, in the picture it keeps.
            if not (len(trace.nodes) >= TREE_MIN_BOXES and is_forest(plain)):
                self._provisional(trace, plain, on_provisional, cancel)
        build = build_dot(trace, collapsed=chosen, look=look)
        _check(cancel)
        own = own_layout(trace, build)
        if own is not None:
            # Not cached: gradviz makes its own layout in one to two times what writing the
            # cache's key, the DOT text, takes (a 50-node chain's 0.5 ms), and a run's graph
            # is nearly always new; the text is then never written at all.
            if len(own.nodes) > SKETCH_MIN_BOXES:
                sketch_arrays(trace, own)
            return LayoutPlan(own, chosen, auto and bool(chosen))
        key = (build.source, engine)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                self.hits += 1
        if hit is not None:
            if len(hit.nodes) > SKETCH_MIN_BOXES:
                sketch_arrays(trace, hit)
            return LayoutPlan(hit, chosen, auto and bool(chosen), cached=True, quick=key in self._quick)
        quick = bool(build.names) and long_edge_length(build) > MAX_LONG_EDGE_LENGTH
        if not build.names:
            result = Layout(0.0, 0.0, MappingProxyType({}), ())
        elif quick:
            result = quick_layout(trace, build)
            if len(result.nodes) > SKETCH_MIN_BOXES:
                sketch_arrays(trace, result)
        else:
            if big and chosen:
                self._provisional(trace, build, on_provisional, cancel)
            out = run_engine(build.source, "json0", engine=engine, timeout=timeout, cancel=cancel)
            _check(cancel)
            try:
                doc = loads_in_pieces(out, cancel)
            except JsonCancelled:
                raise LayoutCancelled(translate("layout", "Layout cancelled.")) from None
            except ValueError:
                doc = out  # not JSON: let parse_layout say so in its own words
            result = parse_layout(doc, build)
            if len(result.nodes) > SKETCH_MIN_BOXES:
                sketch_arrays(trace, result)
        with self._lock:
            self.misses += 1
            self._items[key] = result
            if quick:
                self._quick.add(key)
            while len(self._items) > 1 and (len(self._items) > self.max_entries or sum(
                    len(v.nodes) for v in self._items.values()) > self.max_boxes):
                self._quick.discard(self._items.popitem(last=False)[0])
        return LayoutPlan(result, chosen, auto and bool(chosen), quick=quick)

    def early_picture(self, trace: Trace, *, collapsed: frozenset[str] | None = None, threshold: int = 0,
                      previous: Drawing | None = None, cancel: threading.Event | None = None,
                      on_provisional: Callable[[Sketch], None],
                      provisional_min: int = PROVISIONAL_MIN_BOXES,
                      chain_min: int = EARLY_CHAIN_MIN_BOXES, look: Look | None = None) -> bool:
        """The provisional picture :meth:`plan` would send for ``trace``, sent now.

        For a graph captured before its backward pass (``capture_program``'s
        ``on_forward``): the boxes hold no gradients, so the picture is the same, and it
        reaches the screen while the pass still runs (0.5 s sooner at 10,000 nodes). Only
        when nothing is folded, and for graphs under ``provisional_min`` boxes only for
        chains of ``chain_min`` boxes or more (their final layout is this one); True if it
        was sent (then :meth:`plan` must not send one).
        """
        chosen = _folded(trace, collapsed, threshold)
        count = visible_count(trace, chosen)
        if chosen or count < min(provisional_min, chain_min):
            return False
        if previous is not None and same_structure(previous.trace, trace, previous.collapsed, chosen):
            return False  # the drawing on screen is reused: nothing new to preview
        build = plain_build(trace, look=look)
        if count < provisional_min and not is_chain(build):
            return False
        self._provisional(trace, build, on_provisional, cancel)
        return True

    @staticmethod
    def _provisional(trace: Trace, build: DotBuild, on_provisional: Callable[[Sketch], None],
                     cancel: threading.Event | None) -> None:
        # A tree is shown in the layout it will keep (no jump when the final one comes); a
        # single column without making that layout's objects, only to read them back.
        forest = is_forest(build)
        sketch = column_sketch(trace, build) if forest else None
        if sketch is None:
            quick = tree_layout(build) if forest else (
                framed_layout(build, titles(trace, build)) or quick_layout(trace, build))
            sketch = sketch_of(trace, quick)  # here, not on the GUI thread
        on_provisional(sketch)
        _check(cancel)


def _folded(trace: Trace, collapsed: frozenset[str] | None, threshold: int) -> frozenset[str]:
    """The groups to fold: ``collapsed`` as given, or when None the modules chosen for
    ``threshold`` and long loops (:func:`default_folds`); a threshold of 0 folds nothing."""
    if collapsed is not None:
        return frozenset(collapsed)
    if threshold <= 0:
        return frozenset()
    return default_folds(trace) | choose_collapsed(trace, threshold)


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise LayoutCancelled(translate("layout", "Layout cancelled."))
