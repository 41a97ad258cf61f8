"""The scene of one drawing: the items of a Trace placed where its Layout says."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from functools import partial

import shiboken6
from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSceneHelpEvent, QToolTip

from gradviz.core import gc_pause
from gradviz.core.layout.layout import Layout
from gradviz.core.layout.module_boxes import MODULE_PREFIX, module_title
from gradviz.core.trace import Trace
from gradviz.qt.canvas.graph_items import ClusterItem, EdgeItem, NodeItem
from gradviz.qt.canvas.graph_sketch import SketchGeometry, SketchItem
from gradviz.qt.canvas.text import grad_badge_text
from gradviz.qt.theme import node_role

#: Empty space around the drawing, in points; room for the badges above the top row too.
SCENE_MARGIN = 28.0
#: Seconds of work per event-loop turn when a big drawing is built or taken apart.
SLICE_SECONDS = 0.02
#: Above this many nodes the gradient badges' items are made after the drawing is shown
#: (:meth:`GraphScene.finish`): each measures its text, 0.2-0.3 s for 10,000 nodes, and
#: a graph that big opens zoomed out too far for any badge to be drawn.
LATE_BADGES_ABOVE = 500


class GraphScene(QGraphicsScene):
    """Clusters, edges and nodes of one (trace, layout) pair, with gradient badges.

    The items are made by :meth:`build`, a generator, so a caller can spread the work of
    a big graph over several event-loop turns; :meth:`build_all` does it in one go.

    Parameters
    ----------
    trace : Trace
        The captured graph (node data, roots, gradients).
    layout : Layout
        Where everything goes.
    theme : str
        "light" or "dark".

    Attributes
    ----------
    node_items : dict[str, NodeItem]
        By node id, in trace order.
    edge_items : list[EdgeItem]
        In the layout's edge order (fan-out duplicates kept).
    cluster_items : list[ClusterItem]
        Module frames, outer ones first.

    Signals
    -------
    node_selected(object)
        The selected node's id, or None when the selection was cleared.
    badges_ready()
        :meth:`finish` made the last badge left for later.
    """

    node_selected = Signal(object)
    badges_ready = Signal()

    def __init__(self, trace: Trace, layout: Layout, theme: str = "light") -> None:
        super().__init__()
        self.trace = trace
        self.layout = layout
        self.theme = theme
        self.node_items: dict[str, NodeItem] = {}
        self.edge_items: list[EdgeItem] = []
        self.cluster_items: list[ClusterItem] = []
        self.complete = False
        self.sketch: SketchItem | None = None
        # A second scene holding the whole graph as one batched sketch: the minimap always
        # shows it, and the canvas shows it when zoomed out too far to read any text.
        # Thousands of items painted one by one cost hundreds of ms; the sketch costs a few.
        self.sketch_scene = QGraphicsScene(self)
        m = SCENE_MARGIN
        self.setSceneRect(QRectF(-m, -m, layout.width + 2 * m, layout.height + 2 * m))
        self.sketch_scene.setSceneRect(self.sceneRect())
        self.selectionChanged.connect(self._on_selection_changed)

    @property
    def item_count(self) -> int:
        """How many items :meth:`build` makes (clusters + edges + nodes)."""
        return len(self.layout.clusters) + len(self.layout.edges) + len(self.layout.nodes)

    def build(self) -> Iterator[int]:
        """Make the items one by one, yielding how many are done after each."""
        done = 0
        roots = set(self.trace.roots)
        later = len(self.layout.nodes) > LATE_BADGES_ABOVE
        for cluster in self.layout.clusters:
            # Titled "path · ClassName", the text Graphviz made room for (issue 7).
            item = ClusterItem(cluster, self.theme, module_title(self.trace, cluster.path),
                               depth=cluster.path.count("."))
            self.addItem(item)
            self.cluster_items.append(item)
            done += 1
            yield done
        for path in self.layout.edges:
            item = EdgeItem(path, self.theme)
            self.addItem(item)
            self.edge_items.append(item)
            done += 1
            yield done
        index = {n.id: n for n in self.trace.nodes}
        for box in self.layout.nodes.values():
            node = index.get(box.id)
            role = ("module" if box.id.startswith(MODULE_PREFIX) else "op") if node is None else (
                "root" if box.id in roots else node_role(node))
            item = NodeItem(box, node, role, self.theme)
            self.addItem(item)
            self.node_items[box.id] = item
            if node is not None and node.grad is not None:
                # Written when first read, like the item: 10,000 texts took 45 ms.
                item.set_badge(partial(grad_badge_text, node.grad) if later else grad_badge_text(node.grad),
                               later=later)
            done += 1
            yield done
        geometry = SketchGeometry(list(self.node_items.values()), self.edge_items, self.cluster_items)
        for _ in geometry.build():
            yield done
        self.sketch = SketchItem(geometry, self.sceneRect(), self.theme)
        self.sketch_scene.addItem(self.sketch)
        self.complete = True

    @property
    def badges_pending(self) -> bool:
        """True while some node's badge waits for :meth:`finish` to make its item."""
        return any(item.badge_pending for item in self.node_items.values())

    def finish(self) -> Iterator[int]:
        """Make the badges :meth:`build` left for later, yielding how many so far; then
        ``badges_ready``. A badge the player set or removed meanwhile is left as it is."""
        made = 0
        for item in list(self.node_items.values()):
            if item.realize_badge():
                made += 1
                yield made
        self.badges_ready.emit()

    def dismantle(self) -> Iterator[int]:
        """Remove and free the items one by one, yielding how many are left after each."""
        items: list = [*self.node_items.values(), *self.edge_items, *self.cluster_items]
        if self.sketch is not None:
            self.sketch.geometry.let_go()
        self.node_items, self.edge_items, self.cluster_items, self.sketch = {}, [], [], None
        # A drawing taken apart is never looked up again; without its index, taking 10,000
        # nodes apart took 0.16 s of slices, not 0.18-0.24 s.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        while items:
            self.removeItem(items.pop())  # back in Python's hands, freed with the last reference
            yield len(items)

    def build_all(self) -> "GraphScene":
        """Make every item now; return self."""
        for _ in self.build():
            pass
        return self

    def set_theme(self, theme: str) -> None:
        """Recolour every item for ``theme``."""
        self.theme = theme
        for item in (*self.cluster_items, *self.edge_items, *self.node_items.values()):
            item.set_theme(theme)
        if self.sketch is not None:
            self.sketch.set_theme(theme)

    def refresh_sketches(self) -> None:
        """Repaint the sketch (a node's colour changed)."""
        if self.sketch is not None:
            self.sketch.geometry.forget_colors()
            self.sketch.update()

    def selected_node_id(self) -> str | None:
        """The id of the selected node, or None."""
        for item in self.selectedItems():
            if isinstance(item, NodeItem):
                return item.node_id
        return None

    def select_node(self, node_id: str | None) -> None:
        """Select the node ``node_id`` alone (None clears the selection)."""
        item = self.node_items.get(node_id) if node_id is not None else None
        if node_id is not None and item is None:
            raise KeyError(f"no node {node_id!r} on the canvas")
        # One selectionChanged signal, not two (clear, then select).
        self.blockSignals(True)
        try:
            self.clearSelection()
            if item is not None:
                item.setSelected(True)
        finally:
            self.blockSignals(False)
        self._on_selection_changed()

    def clear_marks(self) -> None:
        """Remove every highlight (badges stay)."""
        for item in (*self.edge_items, *self.node_items.values()):
            item.set_highlight(None)

    def _on_selection_changed(self) -> None:
        self.node_selected.emit(self.selected_node_id())

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:  # noqa: N802 (Qt override)
        # Qt's own shows the top item's toolTip(); a node's is written only now, when it is
        # hovered: writing 10,000 of them with the items took 0.3 s.
        for item in self.items(event.scenePos(), Qt.ItemSelectionMode.IntersectsItemShape,
                               Qt.SortOrder.DescendingOrder, QTransform()):
            text = item.tooltip_text() if isinstance(item, (NodeItem, ClusterItem)) else item.toolTip()
            if text:
                QToolTip.showText(event.screenPos(), text, event.widget())
                event.setAccepted(True)
                return
        QToolTip.hideText()
        event.setAccepted(False)


class SlicedWork(QObject):
    """Runs generators a time slice per event-loop turn, one after the other.

    Making or freeing thousands of items at once would stall the event loop for hundreds
    of ms; a slice of ``SLICE_SECONDS`` between turns keeps the window responsive. While
    work is queued the garbage collector is paused, and what was made is frozen at the
    end (:mod:`gradviz.core.gc_pause`): full collections over the new items were the
    longest stalls left (60–160 ms at 10,000 nodes).

    Every SlicedWork takes its slices from one shared timer (:class:`_Turns`), so the
    slice is a budget per turn for all of them: a drawing's badges, the player's steps
    and an old drawing taken apart each took a slice of their own in the same turn, and
    the window stood still for their sum (50-60 ms).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: deque[tuple[Iterator, Callable[[], object] | None]] = deque()
        self._gc_held = [False]  # a list: the destroyed handler must not hold self
        self.destroyed.connect(lambda *_a, held=self._gc_held: _release_gc(held))

    @property
    def busy(self) -> bool:
        return bool(self._queue)

    def add(self, steps: Iterator, on_done: Callable[[], object] | None = None, now: bool = False) -> None:
        """Queue ``steps``; ``on_done`` is called after its last one. ``now`` runs a slice at once."""
        self._queue.append((steps, on_done))
        if not self._gc_held[0]:
            self._gc_held[0] = True
            gc_pause.pause()
        if now:
            self.run_slice()
        if self._queue:
            _turns().wake(self)

    def clear(self) -> None:
        """Forget everything queued (the generators are simply dropped)."""
        _turns().forget(self)
        self._queue.clear()
        _release_gc(self._gc_held)

    def run_slice(self, deadline: float | None = None) -> bool:
        """Work until ``deadline`` (``perf_counter()``; default: one slice from now); True if
        work is left."""
        if deadline is None:
            deadline = time.perf_counter() + SLICE_SECONDS
        while self._queue:
            steps, on_done = self._queue[0]
            for _ in steps:
                if time.perf_counter() > deadline:
                    return True
            if on_done is not None and time.perf_counter() > deadline:
                # What follows the last step (a drawing shown, fitted, indexed by the player)
                # gets a turn of its own rather than the end of a spent one.
                self._queue[0] = (iter(()), on_done)
                return True
            self._queue.popleft()
            if on_done is not None:
                on_done()
        _release_gc(self._gc_held)
        return bool(self._queue)


class _Turns(QObject):
    """The one zero-interval timer all SlicedWork runs from: each event-loop turn gives
    ``SLICE_SECONDS`` to the works waiting, starting with the next in line each turn."""

    def __init__(self) -> None:
        super().__init__()
        self._waiting: deque[SlicedWork] = deque()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._turn)

    def wake(self, work: SlicedWork) -> None:
        if work not in self._waiting:
            self._waiting.append(work)
        if not self._timer.isActive():
            self._timer.start()

    def forget(self, work: SlicedWork) -> None:
        if work in self._waiting:
            self._waiting.remove(work)

    def _turn(self) -> None:
        deadline = time.perf_counter() + SLICE_SECONDS
        for _ in range(len(self._waiting)):
            if not self._waiting or time.perf_counter() > deadline:
                break
            work = self._waiting.popleft()
            if not shiboken6.isValid(work):
                continue  # its owner was deleted with the work queued (its gc hold went with it)
            if work.run_slice(deadline) and work not in self._waiting:
                self._waiting.append(work)
        if self._waiting:
            self._timer.start()


_TURNS: list[_Turns] = []


def _turns() -> _Turns:
    if not _TURNS or not shiboken6.isValid(_TURNS[0]):
        _TURNS[:] = [_Turns()]
    return _TURNS[0]


def _release_gc(held: list[bool]) -> None:
    if held[0]:
        held[0] = False
        gc_pause.resume(freeze=True)
