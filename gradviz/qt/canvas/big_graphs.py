"""Big graphs in the main window: module folding, find, previews and layout reuse (issue 7).

The window makes one :class:`BigGraphs` in its constructor, passes it each run's request
(:meth:`BigGraphs.prepare_request` adds the folded modules, the layout cache and the drawing
on screen) and each result (:meth:`BigGraphs.show_result` draws it, or updates the items in
place when only values changed). Everything else is wired here: the banner over the
canvas, the find bar, the preview, View menu commands, double-click and right-click.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu

from gradviz.core.layout.grouping import module_paths, visible_count
from gradviz.core.layout.module_boxes import collapse, expand, find_nodes, module_path, reveal
from gradviz.core.layout.plan import Drawing, StagedLayoutCache
from gradviz.qt.actions import make_action
from gradviz.qt.canvas.find_bar import FindBar
from gradviz.qt.canvas.graph_preview import PreviewView
from gradviz.qt.canvas.graph_scene import GraphScene, SlicedWork
from gradviz.qt.canvas.module_canvas import ModuleGestures, show_module
from gradviz.qt.canvas.text import grad_badge_text
from gradviz.qt.runs.controller import RunRequest, RunResult
from gradviz.qt.widgets.message_bar import MessageBar

if TYPE_CHECKING:
    from gradviz.qt.main_window import MainWindow

#: How long a thread may keep the GIL while another waits (CPython's default is 5 ms), while a
#: run (capture and layout) is on its worker. Every Python callback of the GUI thread (a paint,
#: an event filter) waits up to this long for a busy worker; one repaint makes a dozen, so 5 ms
#: added up to 100-200 ms stalls during a 10,000-node capture. Only during runs: the turns
#: cost the other thread too, and with 1 ms a training run (whose GUI side is a plot at 12 Hz)
#: lost a fifth of its steps for no smoother a window (bench/training.py).
GIL_SWITCH_SECONDS = 0.001
#: Layouts with more boxes than this are previewed while their items are made (~0.3 s
#: for 600 nodes and their edges on the 2-core test machine; less would only flicker).
PREVIEW_MIN_BOXES = 600
PROVISIONAL_NOTE = "Provisional layout — refining…"
DRAWING_NOTE = "Laid out — making the boxes clickable…"
QUICK_NOTE = ("Some values here feed ops far apart along a long chain: Graphviz would need minutes to route "
              "those edges, so gradviz laid the graph out itself, with straight edges.")
_KEEP = object()  # "no re-layout asked for"


def _menu(window: "MainWindow", title: str) -> QMenu | None:
    bar = window.menuBar()
    return next((a.menu() for a in bar.actions() if a.menu() is not None and a.text().replace("&", "") == title),
                None)


class BigGraphs(QObject):
    """The window's module folding, find bar, previews and layout reuse.

    Parameters
    ----------
    window : MainWindow
        The window to serve.

    Attributes
    ----------
    cache : StagedLayoutCache
        Layouts by DOT text, so folding a module back is instant.
    collapsed : frozenset of str
        The modules folded in the drawing on the canvas.
    auto_collapsed : bool
        True when they were folded because the graph is over the collapse threshold.
    preview : PreviewView
        The picture shown before the canvas items exist.
    banner : MessageBar
        Above the canvas: says when a graph opened collapsed, offers Expand All.
    find_bar : FindBar
        Ctrl+F over the canvas.
    gestures : ModuleGestures
        Double-click and right-click on module boxes and frames.
    actions : dict[str, QAction]
        ``find``, ``find_next``, ``find_previous``, ``collapse_all``, ``expand_all``,
        ``collapse_threshold`` (also on ``window.commands`` under the same names).

    Signals
    -------
    picture_shown(float)
        ``time.perf_counter()`` when a new graph was first painted (preview or canvas).
    """

    picture_shown = Signal(float)

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self._usual_switch: float | None = None  # the interval to go back to after a run
        self.window = window
        self.cache = StagedLayoutCache()
        self.collapsed: frozenset[str] = frozenset()
        self.auto_collapsed = False
        self._explicit: frozenset[str] | None = None  # the user's folding (None: automatic)
        self._program: tuple | None = None  # which program that state belongs to
        self._relayout: object = _KEEP
        self._shown: RunResult | None = None  # being drawn
        self._jump_after: str | None = None
        self._undo: tuple | None = None  # (scene, trace, layout) while items update in place
        self._updater = SlicedWork(self)
        self._await_paint = False

        view = window.graph_view
        self.preview = PreviewView(view, window.theme)
        self.banner = MessageBar()
        self.banner.setObjectName("big_graph_banner")
        column = window.centralWidget().layout()
        column.insertWidget(column.indexOf(view), self.banner)
        self.find_bar = FindBar(view, self.search, self.jump_to)
        self.gestures = ModuleGestures(self)
        self.actions: dict[str, QAction] = {}
        self._add_actions()

        window.runs.provisional.connect(self._on_provisional)
        window.runs.started.connect(self._on_run_started)
        window.run_finished.connect(self._on_run_finished)
        window.commands.dark_theme.toggled.connect(lambda _on: self.preview.set_theme(self.window.theme))
        view.graph_shown.connect(self._on_graph_shown)
        view.node_selected.connect(self._on_node_selected)
        view.viewport().installEventFilter(self)
        self.preview.first_paint.connect(self.picture_shown)
        window.runs.await_preview_paint = True
        self.preview.first_paint.connect(lambda _t: window.runs.preview_painted())

    # -- runs -----------------------------------------------------------------------------
    def prepare_request(self, request: RunRequest) -> RunRequest:
        """``request`` with the folding, the threshold, the cache and the drawing on screen.

        A new program (another lesson or file) starts from its lesson's ``view.collapsed``,
        else automatic folding; the same program keeps what the user folded.
        """
        w = self.window
        threshold = w.settings.collapse_threshold
        previous = self._drawing()
        if self._relayout is not _KEEP and w.current_trace is not None:
            collapsed, self._relayout = self._relayout, _KEEP
            return replace(request, trace=w.current_trace, collapsed=collapsed, collapse_threshold=threshold,
                           layout_cache=self.cache, previous=previous)
        self._relayout = _KEEP
        key = (w.current_lesson, str(w.current_path), request.module)
        if key != self._program:
            self._program = key
            lesson = w.lesson
            self._explicit = frozenset(lesson.view.collapsed) if lesson is not None and lesson.view.collapsed else None
        return replace(request, collapsed=self._explicit, collapse_threshold=threshold, layout_cache=self.cache,
                       previous=previous)

    def show_result(self, result: RunResult) -> None:
        """Draw ``result``: in place when it reuses the drawing on screen, else a new scene
        (previewed first when big)."""
        self._updater.clear()
        self._undo = None
        self._shown = result
        view = self.window.graph_view
        scene = view.graph_scene
        previous = result.request.previous
        if result.reused and scene is not None and scene.complete and previous is not None \
                and scene.layout is previous.layout:
            self._update_in_place(scene, result)
            return
        if len(result.layout.nodes) > PREVIEW_MIN_BOXES:
            self.preview.show_drawing(result.trace, result.layout, DRAWING_NOTE)
        self._await_paint = True
        view.show_graph(result.trace, result.layout)

    def _drawing(self) -> Drawing | None:
        w = self.window
        scene = w.graph_view.graph_scene
        if w.current_trace is None or w.current_layout is None or scene is None or scene.layout is not w.current_layout:
            return None
        return Drawing(w.current_trace, w.current_layout, self.collapsed)

    def _update_in_place(self, scene: GraphScene, result: RunResult) -> None:
        self._undo = (scene, scene.trace, scene.layout)
        self._updater.add(self._refill(scene, result.trace, result.layout), self._on_updated, now=True)

    @staticmethod
    def _refill(scene: GraphScene, trace, layout):
        """New values in the same items, one node per step (badges as GraphScene makes them)."""
        scene.trace, scene.layout = trace, layout
        for ident, item in list(scene.node_items.items()):
            try:
                node = trace.node(ident)
            except KeyError:
                node = None  # a collapsed module's box
            item.set_content(layout.nodes[ident], node)
            if node is not None:
                item.set_badge(grad_badge_text(node.grad) if node.grad is not None else None)
            yield

    def _on_updated(self) -> None:
        self._undo = None
        self.picture_shown.emit(time.perf_counter())
        self.window.graph_view.graph_shown.emit()

    def _on_provisional(self, drawing: object) -> None:
        trace, layout = drawing  # type: ignore[misc]
        self.preview.show_drawing(trace, layout, PROVISIONAL_NOTE)

    def _on_run_started(self, _job: int) -> None:
        if self._usual_switch is None:
            self._usual_switch = sys.getswitchinterval()
            sys.setswitchinterval(min(self._usual_switch, GIL_SWITCH_SECONDS))

    def _on_run_finished(self, status: str) -> None:
        if self._usual_switch is not None and not self.window.runs.is_running:
            sys.setswitchinterval(self._usual_switch)
            self._usual_switch = None
        if status == "ok":
            return
        self.preview.clear()
        self._shown, self._jump_after = None, None
        if self._undo is not None:  # cancelled half-way through an update: put the old values back
            scene, trace, layout = self._undo
            self._undo = None
            self._updater.clear()
            self._updater.add(self._refill(scene, trace, layout))

    def _on_graph_shown(self) -> None:
        self.preview.clear()
        result, self._shown = self._shown, None
        if result is None:
            return
        self.collapsed, self.auto_collapsed = result.collapsed, result.auto_collapsed
        self._show_banner(result)
        if not self.find_bar.isHidden():
            self.find_bar.refresh()
        node_id, self._jump_after = self._jump_after, None
        if node_id is not None:
            self.jump_to(node_id)

    def _show_banner(self, result: RunResult) -> None:
        trace, threshold = result.trace, result.request.collapse_threshold
        if result.auto_collapsed:
            boxes = visible_count(trace, result.collapsed)
            self.banner.show_message(
                f"This graph has {len(trace.nodes):,} nodes, more than the collapse threshold ({threshold:,}): "
                f"its modules open collapsed, {boxes:,} boxes in all. Double-click a module to open it.",
                "info", action_text="Expand All", action=self.expand_all)
        elif result.quick:
            self.banner.show_message(QUICK_NOTE, "info")
        else:
            self.banner.clear()

    # -- folding --------------------------------------------------------------------------
    def set_collapsed(self, paths: frozenset[str] | set[str] | tuple[str, ...]) -> int | None:
        """Fold exactly ``paths`` and lay the graph on screen out again (off the GUI thread).

        Returns the run's job id, or None when there is no graph or nothing changes.
        """
        paths = frozenset(paths)
        if self.window.current_trace is None or (paths == self.collapsed and self._explicit is not None):
            return None
        self._explicit = paths
        self._relayout = paths
        self.banner.clear()
        return self.window.run_program()

    def collapse(self, path: str) -> int | None:
        """Draw module ``path`` as one box."""
        return self.set_collapsed(collapse(self.collapsed, path))

    def expand(self, path: str) -> int | None:
        """Draw the nodes of module ``path`` again."""
        return self.set_collapsed(expand(self.collapsed, path))

    def collapse_all(self) -> int | None:
        """Fold every top-level module."""
        trace = self.window.current_trace
        top = frozenset(p for p in module_paths(trace) if "." not in p) if trace is not None else frozenset()
        return self.set_collapsed(top)

    def expand_all(self) -> int | None:
        """Unfold every module."""
        return self.set_collapsed(frozenset())

    def set_collapse_threshold(self, value: int) -> None:
        """Store the node count above which graphs open collapsed; the graph on screen follows
        unless the user folded it by hand."""
        self.window.settings.collapse_threshold = value
        if self._explicit is None and self.window.current_trace is not None:
            self._relayout = None
            self.window.run_program()

    def ask_collapse_threshold(self) -> None:
        value, ok = QInputDialog.getInt(
            self.window, "Collapse threshold", "Graphs with more nodes than this open with their modules collapsed:",
            self.window.settings.collapse_threshold, 1, 1_000_000, 50)
        if ok:
            self.set_collapse_threshold(value)

    # -- find -----------------------------------------------------------------------------
    def search(self, text: str) -> list[str]:
        """Ids of the nodes of the graph on screen whose op or label contains ``text``."""
        trace = self.window.current_trace
        return find_nodes(trace, text) if trace is not None else []

    def jump_to(self, node_id: str) -> bool:
        """Select node ``node_id`` and centre it; a module hiding it is expanded first (the
        jump then happens once the new layout is drawn). True if it jumped now."""
        view, trace = self.window.graph_view, self.window.current_trace
        if node_id in view.node_items:
            view.select_node(node_id)
            view.centerOn(view.node_items[node_id].sceneBoundingRect().center())
            return True
        if trace is not None and module_path(node_id) is None:
            self._jump_after = node_id
            self.set_collapsed(reveal(self.collapsed, trace.node(node_id).module))
        return False

    # -- inspector ------------------------------------------------------------------------
    def _on_node_selected(self, node_id: str | None) -> None:
        title = self.window.inspector.title_label
        path = module_path(node_id) if node_id is not None else None
        scene = self.window.graph_view.graph_scene
        if path is not None and scene is not None:
            show_module(self.window.inspector, scene.trace, path)
        elif title.textFormat() == Qt.TextFormat.RichText:
            title.setTextFormat(Qt.TextFormat.AutoText)

    # -- set-up ---------------------------------------------------------------------------
    def _add_actions(self) -> None:
        w = self.window
        specs = [
            ("find", "&Find Node…", self.find_bar.open, ["Ctrl+F"], "Find nodes by op or label"),
            ("find_next", "Find &Next", self.find_bar.find_next, ["F3"], "Go to the next node found"),
            ("find_previous", "Find Pre&vious", self.find_bar.find_previous, ["Shift+F3"],
             "Go to the previous node found"),
            ("collapse_all", "&Collapse All Modules", self.collapse_all, ["Ctrl+Shift+C"],
             "Draw every top-level module as one box"),
            ("expand_all", "E&xpand All Modules", self.expand_all, ["Ctrl+Shift+X"], "Draw every node of every module"),
            ("collapse_threshold", "Collapse &Threshold…", self.ask_collapse_threshold, ["Ctrl+Alt+T"],
             "Node count above which graphs open with their modules collapsed"),
        ]
        for name, text, slot, keys, tip in specs:
            self.actions[name] = make_action(w, text, slot, keys, tip)
            setattr(w.commands, name, self.actions[name])  # listed in the shortcuts dialog
        view_menu = _menu(w, "View")
        if view_menu is not None:
            view_menu.addSeparator()
            view_menu.addActions([self.actions[n] for n in ("find", "find_next", "find_previous")])
            view_menu.addSeparator()
            view_menu.addActions([self.actions[n] for n in ("collapse_all", "expand_all", "collapse_threshold")])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        # The first paint of a newly shown scene is when a small graph's picture appears.
        if self._await_paint and event.type() == QEvent.Type.Paint and self.window.graph_view.node_items \
                and self._shown is None:
            self._await_paint = False
            self.picture_shown.emit(time.perf_counter())
        return False
