"""Applies the player's marks to the canvas items, touching only the items that change."""

from __future__ import annotations

from gradviz.core.stepping.marks import PLAIN, CanvasMarks, EdgeKey, NodeMark
from gradviz.qt.canvas.graph_items import EdgeItem, NodeItem
from gradviz.qt.canvas.graph_scene import GraphScene


class StepCanvas:
    """Recolours and re-badges the existing items of one scene: no re-layout, no new items.

    The marks last applied are remembered, so a step from k to k + 1 updates only the
    few nodes and edges whose look differs (the old and new current node, the edges the
    value or gradient travels by, the inputs that received a contribution). Before the
    first step, the canvas's own after-run look is read off the items, so leaving the
    player (:meth:`restore`) puts back exactly what was there.

    Attributes
    ----------
    touched : int
        How many items the last :meth:`apply` or :meth:`restore` changed.
    """

    def __init__(self) -> None:
        self.scene: GraphScene | None = None
        self.touched = 0
        self._nodes: dict[str, NodeMark] = {}
        self._edges: dict[EdgeKey, str | None] = {}
        self._edge_items: dict[EdgeKey, list[EdgeItem]] = {}
        self._baseline: dict[str, NodeMark] | None = None

    @property
    def active(self) -> bool:
        """True while the player's marks (not the after-run look) are on the canvas."""
        return self._baseline is not None

    def bind(self, scene: GraphScene | None) -> None:
        """Work on ``scene`` from now on (a new drawing comes with its own after-run look).

        A re-run may refill the drawing on screen in place (same structure, new numbers and
        badges): then the player's highlights are taken off and its badges left to the refill.
        """
        if scene is not None and scene is self.scene and self._baseline is not None:
            for nid, (highlight, _text, _tone) in self._nodes.items():
                item = scene.node_items.get(nid)
                if highlight is not None and item is not None:
                    item.set_highlight(None)
            for key, highlight in self._edges.items():
                for edge in self._edge_items.get(key, ()) if highlight is not None else ():
                    edge.set_highlight(None)
        self.scene = scene
        self._nodes, self._edges, self._baseline = {}, {}, None
        self._edge_items = {}
        if scene is not None:
            for item in scene.edge_items:
                self._edge_items.setdefault((item.source, item.target, item.slot), []).append(item)

    def apply(self, marks: CanvasMarks) -> int:
        """Make the canvas show ``marks``; returns how many items changed."""
        self.touched = 0
        if self.scene is None:
            return 0
        if marks.step is None:
            return self.restore()
        items = self.scene.node_items
        if self._baseline is None:
            self._baseline = {nid: (item.highlight, item.badge_text, "grad") for nid, item in items.items()}
            self._nodes = dict(self._baseline)
            self._edges = {key: group[0].highlight for key, group in self._edge_items.items()}
        for nid, mark in marks.nodes.items():
            if self._nodes.get(nid) != mark:
                item = items.get(nid)
                if item is not None:  # a node folded into a collapsed module has no item
                    self._paint_node(item, mark)
                self._nodes[nid] = mark
        for key, highlight in marks.edges.items():
            if self._edges.get(key) != highlight:
                for edge in self._edge_items.get(key, ()):
                    edge.set_highlight(highlight)
                    self.touched += 1
                self._edges[key] = highlight
        return self.touched

    def restore(self) -> int:
        """Put back the after-run look (highlights off, the usual gradient badges)."""
        self.touched = 0
        if self.scene is None or self._baseline is None:
            return 0
        items = self.scene.node_items
        for nid, mark in self._baseline.items():
            if self._nodes.get(nid) != mark and nid in items:
                self._paint_node(items[nid], mark)
        for key, highlight in self._edges.items():
            if highlight is not None:
                for edge in self._edge_items.get(key, ()):
                    edge.set_highlight(None)
                    self.touched += 1
        self._nodes, self._edges, self._baseline = {}, {}, None
        return self.touched

    def set_node_badge(self, node_id: str, text: str, tone: str = "grad") -> None:
        """Badge one node outside the player's plan (Show gradient at); kept until the next step
        changes that node, and part of the after-run look when the player is not active."""
        item = self.scene.node_items.get(node_id) if self.scene is not None else None
        if item is None:
            return
        item.set_badge(text, tone)
        if self._baseline is None:
            return
        mark = (item.highlight, text, tone)
        self._nodes[node_id] = mark
        base = self._baseline.get(node_id, PLAIN)
        self._baseline[node_id] = (base[0], text, tone)

    def _paint_node(self, item: NodeItem, mark: NodeMark) -> None:
        highlight, text, tone = mark
        item.set_highlight(highlight)
        item.set_badge(text or None, tone)
        self.touched += 1
