"""Drawing runs' graphs on the canvas, and what big graphs need: folding, find, previews, reuse.

Every run request passes :meth:`BigGraphs.prepare_request` (the folded modules, the layout
cache and the drawing on screen are added); every result the session presents is drawn by
:meth:`BigGraphs.show_result` (or its items updated in place when only values changed), and
once on screen it becomes the session's drawing. Also here: the banner over the canvas, the
find bar, the preview, View menu commands, double-click and right-click on modules.
"""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, QRectF, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.layout.grouping import fold_note, group_path, module_paths, visible_count
from gradviz.core.layout.module_boxes import collapse, expand_one_level, find_nodes, module_path, reveal
from gradviz.core.layout.plan import Drawing, StagedLayoutCache
from gradviz.core.run.graph_run import RunRequest, RunResult
from gradviz.core.session import Session
from gradviz.qt.actions import make_action
from gradviz.qt.canvas.find_bar import FindBar
from gradviz.qt.canvas.graph_items import LOD_SHAPES
from gradviz.qt.canvas.graph_preview import PreviewView
from gradviz.qt.canvas.graph_scene import SCENE_MARGIN, GraphScene, SlicedWork
from gradviz.qt.canvas.graph_view import SKETCH_MIN_NODES
from gradviz.qt.canvas.module_canvas import ModuleGestures
from gradviz.qt.canvas.text import grad_badge_text
from gradviz.qt.host import Host
from gradviz.qt.widgets.message_bar import MessageBar

#: Layouts with more boxes than this are previewed while their items are made (a few
#: event-loop turns for 600 nodes and their edges, more on a busy machine; less would
#: only flicker).
PREVIEW_MIN_BOXES = 600
PROVISIONAL_NOTE = QT_TRANSLATE_NOOP("big_graphs", "Provisional layout — refining…")
DRAWING_NOTE = QT_TRANSLATE_NOOP("big_graphs", "Laid out — making the boxes clickable…")
QUICK_NOTE = QT_TRANSLATE_NOOP("big_graphs", "Some values here feed ops far apart along a long chain: Graphviz would "
                               "need minutes to route those edges, so gradviz laid the graph out itself, with straight "
                               "edges.")
_KEEP = object()  # "no re-layout asked for"


class BigGraphs(QObject):
    """The canvas's drawing of runs, module folding, find bar, previews and layout reuse.

    Parameters
    ----------
    session : Session
    host : Host

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
        ``collapse_threshold`` (also host commands under the same names).

    Signals
    -------
    picture_shown(float)
        ``time.perf_counter()`` when a new graph was first painted (preview or canvas).
    """

    picture_shown = Signal(float)

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(host.window)
        self.session, self.host = session, host
        self.settings = host.settings
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

        self.view = view = host.canvas
        self.preview = PreviewView(view, session.theme)
        self.banner = MessageBar()
        self.banner.setObjectName("big_graph_banner")
        host.place(self.banner, "above_canvas")
        self.find_bar = FindBar(view, self.search, self.jump_to)
        self.actions: dict[str, QAction] = {}
        self._add_actions()
        self.gestures = ModuleGestures(self, host.node_menu)

        host.add_request_preparer(self.prepare_request)
        session.run_requested.connect(self._on_run_requested)
        session.cancel_requested.connect(self._on_cancel_requested)
        session.result_ready.connect(self.show_result)
        session.provisional_ready.connect(self._on_provisional)
        session.run_finished.connect(self._on_run_finished)
        session.theme_changed.connect(self.preview.set_theme)
        # The boxes are sized for their text: a new font size or label style is a new layout.
        session.font_size_changed.connect(lambda _size: self.relayout())
        session.labels_changed.connect(lambda _style: self.relayout())
        view.graph_shown.connect(self._on_graph_shown)
        view.viewport().installEventFilter(self)
        self.preview.first_paint.connect(self.picture_shown)
        self.preview.first_paint.connect(lambda _t: session.provisional_painted.emit())

    # -- runs -----------------------------------------------------------------------------
    def prepare_request(self, request: RunRequest) -> RunRequest:
        """``request`` with the folding, the threshold, the cache and the drawing on screen.

        A new program (another lesson or file) starts from its lesson's ``view.collapsed``,
        else automatic folding; the same program keeps what the user folded.
        """
        s = self.session
        threshold = self.settings.collapse_threshold
        previous = self._drawing()
        look = s.look()
        if self._relayout is not _KEEP and s.trace is not None:
            collapsed, self._relayout = self._relayout, _KEEP
            return replace(request, trace=s.trace, collapsed=collapsed, collapse_threshold=threshold,
                           layout_cache=self.cache, previous=previous, look=look)
        self._relayout = _KEEP
        key = self._program_key()
        if key != self._program:
            self._program = key
            lesson = s.lesson
            self._explicit = frozenset(lesson.view.collapsed) if lesson is not None and lesson.view.collapsed else None
        return replace(request, collapsed=self._explicit, collapse_threshold=threshold, layout_cache=self.cache,
                       previous=previous, look=look)

    def show_result(self, result: RunResult) -> None:
        """Draw ``result``: in place when it reuses the drawing on screen, else a new scene
        (previewed first when big); an empty graph's explanation in words."""
        self._updater.clear()
        self._undo = None
        self._shown = result
        view = self.view
        if result.trace.is_empty:
            view.show_explanation(result.trace.explanation or translate("big_graphs", "The program made no graph."))
            return
        scene = view.graph_scene
        previous = result.request.previous
        if result.reused and scene is not None and scene.complete and previous is not None \
                and scene.layout is previous.layout:
            self._update_in_place(scene, result)
            return
        # The same graph laid out again (a module folded, a bigger font): the view holds still.
        again = result.request.trace is not None and scene is not None and scene.trace is result.trace
        if len(result.layout.nodes) > PREVIEW_MIN_BOXES and not again:
            self.preview.show_drawing(result.trace, result.layout, translate("big_graphs", DRAWING_NOTE))
        elif not again and self._far_out(result.layout.width, result.layout.height):
            # Fitted this far out, the items draw what the preview draws (outlines, no text):
            # the picture is painted now and the items, a few milliseconds of the GUI thread
            # even for 50 nodes, take over unseen.
            self.preview.show_drawing(result.trace, result.layout, "")
            self.preview.repaint()
        # A preview on screen has told of the picture already: once per graph.
        self._await_paint = not self.preview.is_showing
        view.show_graph(result.trace, result.layout, keep_view=again)

    def _program_key(self) -> tuple:
        s = self.session
        return (s.lesson.name if s.lesson is not None else None, str(s.path),
                s.module.spec if s.module is not None else None)

    def _drawing(self) -> Drawing | None:
        s = self.session
        scene = self.view.graph_scene
        if s.trace is None or s.layout is None or scene is None or scene.layout is not s.layout:
            return None
        return Drawing(s.trace, s.layout, self.collapsed)

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
        self.view.graph_shown.emit()

    def _on_provisional(self, _trace, sketch) -> None:
        if len(sketch.lines) <= SKETCH_MIN_NODES and not self._far_out(sketch.width, sketch.height):
            # Fitted, its items will be drawn in detail (rounded boxes, text), unlike the
            # preview: its picture would change under the user's eyes a moment later.
            self.session.provisional_painted.emit()  # nothing to wait for
            return
        self.preview.show_sketch(sketch, translate("big_graphs", PROVISIONAL_NOTE))

    def _far_out(self, width: float, height: float) -> bool:
        """Whether a drawing this big, fitted to the canvas, is too small for any detail:
        its items then draw what the preview draws (outlined boxes, plain lines)."""
        m = SCENE_MARGIN
        return self.view.fit_zoom_for(QRectF(-m, -m, width + 2 * m, height + 2 * m)) < LOD_SHAPES

    def _on_run_requested(self, _spec: object) -> None:
        # A new run supersedes the drawing in progress (its result is of an older program).
        self.view.cancel_build()
        self._shown = None

    def _on_cancel_requested(self) -> None:
        if self._shown is not None:  # laid out, still being drawn: the old drawing stays
            self.view.cancel_build()
            self._shown = None
            self.session.show_cancelled()

    def _on_run_finished(self, status: str) -> None:
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
        reselect = self.session.selected
        self.session.show_graph(result.trace, result.layout, result.collapsed)
        if reselect in self.view.node_items:
            self.view.select_node(reselect, center=False)
        self._show_banner(result)
        if not self.find_bar.isHidden():
            self.find_bar.refresh()
        node_id, self._jump_after = self._jump_after, None
        if node_id is not None:
            self.jump_to(node_id)

    def _show_banner(self, result: RunResult) -> None:
        trace, threshold = result.trace, result.request.collapse_threshold
        loops = fold_note(trace, result.collapsed) if result.auto_collapsed else ""
        if loops:
            self.banner.show_message(loops, "info", action_text=translate("big_graphs", "Expand All"),
                                     action=self.expand_all)
        elif result.auto_collapsed:
            boxes = visible_count(trace, result.collapsed)
            self.banner.show_message(
                translate("big_graphs", "This graph has {n_nodes:,} nodes, more than the collapse threshold "
                                        "({threshold:,}): its modules open collapsed, {boxes:,} boxes in all. "
                                        "Double-click a module to open it.").format(n_nodes=len(trace.nodes),
                                                                                    threshold=threshold, boxes=boxes),
                "info", action_text=translate("big_graphs", "Expand All"), action=self.expand_all)
        elif result.quick:
            self.banner.show_message(translate("big_graphs", QUICK_NOTE), "info")
        else:
            self.banner.clear()

    # -- folding --------------------------------------------------------------------------
    def set_collapsed(self, paths: frozenset[str] | set[str] | tuple[str, ...]) -> int | None:
        """Fold exactly ``paths`` and lay the graph on screen out again (off the GUI thread).

        Returns the run's job id, or None when there is no graph or nothing changes.
        """
        paths = frozenset(paths)
        if self.session.trace is None or (paths == self.collapsed and self._explicit is not None):
            return None
        self._explicit = paths
        self._relayout = paths
        self.banner.clear()
        self.session.run()
        return 1

    def relayout(self) -> bool:
        """Lay the graph on screen out again as it is folded now (the look changed); False
        when there is none."""
        s = self.session
        if s.trace is None or self.view.graph_scene is None or self._program_key() != self._program:
            return False  # nothing drawn, or a new program is opening: its own run lays it out
        self._relayout = self.collapsed
        self.session.run()
        return True

    def collapse(self, path: str) -> int | None:
        """Draw module ``path`` as one box."""
        return self.set_collapsed(collapse(self.collapsed, path))

    def expand(self, path: str) -> int | None:
        """Open module ``path`` one level: its own nodes, and its sub-modules still folded
        when opening them all would flood the canvas (see :func:`expand_one_level`)."""
        trace = self.session.trace
        if trace is None:
            return None
        return self.set_collapsed(expand_one_level(trace, self.collapsed, path))

    def collapse_all(self) -> int | None:
        """Fold every top-level module."""
        trace = self.session.trace
        top = frozenset(p for p in module_paths(trace) if "." not in p) if trace is not None else frozenset()
        return self.set_collapsed(top)

    def expand_all(self) -> int | None:
        """Unfold every module."""
        return self.set_collapsed(frozenset())

    def set_collapse_threshold(self, value: int) -> None:
        """Store the node count above which graphs open collapsed; the graph on screen follows
        unless the user folded it by hand."""
        self.settings.collapse_threshold = value
        if self._explicit is None and self.session.trace is not None:
            self._relayout = None
            self.session.run()

    def ask_collapse_threshold(self) -> None:
        value, ok = QInputDialog.getInt(
            self.host.window, translate("big_graphs", "Collapse threshold"),
            translate("big_graphs", "Graphs with more nodes than this open with their modules collapsed:"),
            self.settings.collapse_threshold, 1, 1_000_000, 50)
        if ok:
            self.set_collapse_threshold(value)

    # -- find -----------------------------------------------------------------------------
    def search(self, text: str) -> list[str]:
        """Ids of the nodes of the graph on screen whose op or label contains ``text``."""
        trace = self.session.trace
        return find_nodes(trace, text) if trace is not None else []

    def jump_to(self, node_id: str) -> bool:
        """Select node ``node_id`` and centre it; a module hiding it is expanded first (the
        jump then happens once the new layout is drawn). True if it jumped now."""
        view, trace = self.view, self.session.trace
        if node_id in view.node_items:
            view.select_node(node_id)
            view.centerOn(view.node_items[node_id].sceneBoundingRect().center())
            return True
        if trace is not None and module_path(node_id) is None:
            self._jump_after = node_id
            self.set_collapsed(reveal(self.collapsed, group_path(trace.node(node_id))))
        return False

    # -- set-up ---------------------------------------------------------------------------
    def _add_actions(self) -> None:
        w = self.host.window
        specs = [
            ("find", translate("big_graphs", "&Find Node…"), self.find_bar.open, ["Ctrl+F"],
             translate("big_graphs", "Find nodes by op or label")),
            ("find_next", translate("big_graphs", "Find &Next"), self.find_bar.find_next, ["F3"],
             translate("big_graphs", "Go to the next node found")),
            ("find_previous", translate("big_graphs", "Find Pre&vious"), self.find_bar.find_previous, ["Shift+F3"],
             translate("big_graphs", "Go to the previous node found")),
            ("collapse_all", translate("big_graphs", "&Collapse All Modules"), self.collapse_all, ["Ctrl+Shift+C"],
             translate("big_graphs", "Draw every top-level module as one box")),
            ("expand_all", translate("big_graphs", "E&xpand All Modules"), self.expand_all, ["Ctrl+Shift+X"],
             translate("big_graphs", "Draw every node of every module")),
            ("collapse_threshold", translate("big_graphs", "Collapse &Threshold…"), self.ask_collapse_threshold,
             ["Ctrl+Alt+T"],
             translate("big_graphs", "Node count above which graphs open with their modules collapsed")),
        ]
        for name, text, slot, keys, tip in specs:
            self.actions[name] = self.host.add_command(name, make_action(w, text, slot, keys, tip))
        view_menu = self.host.menu("view")
        view_menu.addSeparator()
        view_menu.addActions([self.actions[n] for n in ("find", "find_next", "find_previous")])
        view_menu.addSeparator()
        view_menu.addActions([self.actions[n] for n in ("collapse_all", "expand_all", "collapse_threshold")])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        # The first paint of a newly shown scene is when a small graph's picture appears
        # (while one is still being built, the old drawing is what is painted).
        if self._await_paint and event.type() == QEvent.Type.Paint and self.view.node_items \
                and not self.view.is_building:
            self._await_paint = False
            self.picture_shown.emit(time.perf_counter())
        return False
