"""The canvas and its items, on laid-out lessons (no main window)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QImage, QTextDocument, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip

from gradviz.core.capture.capture import capture_program
from gradviz.core.layout.layout import layout
from gradviz.core.lessons.catalogue import LESSONS, capture_lesson
from gradviz.qt.canvas import graph_items, graph_scene
from gradviz.qt.canvas.graph_badges import BadgeItem
from gradviz.qt.canvas.graph_items import HIGHLIGHTS, EdgeItem
from gradviz.qt.canvas.graph_scene import GraphScene
from gradviz.qt.canvas.graph_view import SKETCH_BELOW_ZOOM, GraphView
from gradviz.qt.canvas.text import TEXT_MARGIN, fit_scale, grad_badge_text, text_width
from gradviz.qt.widgets.inspector import node_tooltip

_CACHE: dict[str, tuple] = {}


def _laid_out(name: str):
    if name not in _CACHE:
        trace = capture_lesson(name)
        _CACHE[name] = (trace, layout(trace))
    return _CACHE[name]


@pytest.fixture
def view(qtbot):
    v = GraphView()
    qtbot.addWidget(v)
    v.resize(900, 700)
    v.show()
    qtbot.waitExposed(v)
    return v


@pytest.fixture
def logistic_view(view, qtbot):
    with qtbot.waitSignal(view.graph_shown):
        view.show_graph(*_laid_out("logistic"))
    return view


@pytest.mark.parametrize("name", [n for n in LESSONS if n != "no-grad"])
def test_node_text_never_overflows_its_box(qtbot, name):
    trace, drawing = _laid_out(name)
    for box in drawing.nodes.values():
        scale = fit_scale(box.lines, box.width - 2 * TEXT_MARGIN)
        widest = max(text_width(line) for line in box.lines) * scale
        assert widest <= box.width - 2 * TEXT_MARGIN + 0.01
        assert 0.85 < scale <= 1.0  # Arimo matches the engine's metrics: nearly never shrunk


def test_chinese_names_are_drawn_at_full_size_in_their_boxes(qtbot):
    from tests.core.layout.test_big_graph_layout import CHINESE_NAMES

    trace = capture_program(CHINESE_NAMES)
    drawing = layout(trace)
    scales = [fit_scale(box.lines, box.width - 2 * TEXT_MARGIN) for box in drawing.nodes.values()]
    assert min(scales) > 0.99  # Graphviz alone made the long name's box 18 points too narrow: 0.85


def test_long_text_is_scaled_down_to_fit(qtbot):
    lines = ("AccumulateGrad", "a_very_long_parameter_name.with.many.parts")
    scale = fit_scale(lines, 80.0)
    assert scale < 1.0
    assert max(text_width(line) for line in lines) * scale == pytest.approx(80.0)


def test_item_api_for_the_player(logistic_view):
    item = next(iter(logistic_view.node_items.values()))
    for kind in (*HIGHLIGHTS, None):
        item.set_highlight(kind)
        assert item.highlight == kind
    with pytest.raises(ValueError):
        item.set_highlight("sparkly")
    item.set_badge("step 3", tone="note")
    assert item.badge_text == "step 3"
    assert item.badge.sceneBoundingRect().bottom() <= item.sceneBoundingRect().top() + 6
    item.set_badge(None)
    assert item.badge_text == ""
    edge = logistic_view.edge_items[0]
    edge.set_highlight("grad_flow")
    assert edge.highlight == "grad_flow"
    logistic_view.graph_scene.clear_marks()
    assert edge.highlight is None


def _hover(view: GraphView, point: QPointF) -> str:
    """Hover scene ``point`` as the mouse would (a tool-tip event); return the tooltip shown."""
    pos = view.mapFromScene(point)
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_hovering_a_box_shows_its_node_tooltip(logistic_view, qtbot):
    trace = logistic_view.graph_scene.trace
    for label in ("w1", "z", "loss"):
        item = logistic_view.node_item(trace.find(label).id)
        assert _hover(logistic_view, item.scenePos()) == node_tooltip(item.node)
    assert "2.2" in _hover(logistic_view, logistic_view.node_item(trace.find("w1").id).scenePos())
    corner = logistic_view.graph_scene.sceneRect().topLeft() + QPointF(2, 2)
    _hover(logistic_view, corner)  # nothing there: the tooltip goes
    qtbot.waitUntil(lambda: not QToolTip.isVisible())


def test_a_refilled_box_tooltip_tells_its_new_node(logistic_view):
    item = logistic_view.node_item(logistic_view.graph_scene.trace.find("w1").id)
    renamed = replace(item.node, label="weight_one")
    item.set_content(item.box, renamed)
    assert "weight_one" in _hover(logistic_view, item.scenePos())
    assert _hover(logistic_view, item.scenePos()) == node_tooltip(renamed)
    QToolTip.hideText()


def test_module_frames_keep_their_tooltip(view, qtbot):
    with qtbot.waitSignal(view.graph_shown):
        view.show_graph(*_laid_out("custom-layers"))
    view.set_zoom(1.0)
    frame = next(c for c in view.cluster_items if c.path == "custom_layer")
    label_corner = frame.boundingRect().bottomLeft() + QPointF(10, -8)
    view.centerOn(label_corner)
    shown = QTextDocument()
    shown.setHtml(_hover(view, label_corner))  # escaped: a module's name is the user's
    assert shown.toPlainText().startswith("module custom_layer")
    QToolTip.hideText()


def test_a_box_measures_its_text_when_first_asked(qtbot, monkeypatch):
    calls: list[tuple[str, ...]] = []
    real = graph_items.fit_scale

    def counting(lines, available, point_size=11.0):
        calls.append(lines)
        return real(lines, available, point_size)

    monkeypatch.setattr(graph_items, "fit_scale", counting)
    trace, drawing = _laid_out("logistic")
    scene = GraphScene(trace, drawing).build_all()
    assert calls == []  # nothing measured while the items are made
    item = scene.node_items[trace.find("w1").id]
    assert item.text_scale == real(item.box.lines, item.box.width - 2 * TEXT_MARGIN, item.box.font_size)
    assert item.text_scale == item.text_scale and len(calls) == 1  # measured once
    long = replace(item.box, lines=("AccumulateGrad", "a_very_long_parameter_name.with.many.parts"))
    item.set_content(long, item.node)
    assert item.text_scale == real(long.lines, item.box.width - 2 * TEXT_MARGIN, long.font_size) < 1.0


def _badge_items(item) -> list[str]:
    return [c.text for c in item.childItems() if isinstance(c, BadgeItem) and c.isVisible()]


def test_badges_left_for_later_keep_what_was_set_meanwhile(qtbot, monkeypatch):
    monkeypatch.setattr(graph_scene, "LATE_BADGES_ABOVE", 0)
    trace, drawing = _laid_out("logistic")
    scene = GraphScene(trace, drawing).build_all()
    graded = [n for n in trace.nodes if n.grad is not None]
    a, b, c = (scene.node_items[n.id] for n in graded[:3])
    assert a.badge_text == grad_badge_text(graded[0].grad) and a.badge_pending and _badge_items(a) == []
    b.set_badge("step 3", tone="note")  # the player, before the badges are made
    c.set_badge(None)
    assert scene.badges_pending
    with qtbot.waitSignal(scene.badges_ready):
        made = list(scene.finish())
    assert len(made) == len(graded) - 2 and not scene.badges_pending
    assert _badge_items(a) == [grad_badge_text(graded[0].grad)]
    assert _badge_items(b) == ["step 3"] and b.badge_text == "step 3"
    assert _badge_items(c) == [] and c.badge_text == ""


def test_small_graphs_have_their_badges_with_the_items(qtbot):
    trace, drawing = _laid_out("logistic")
    assert len(drawing.nodes) <= graph_scene.LATE_BADGES_ABOVE
    scene = GraphScene(trace, drawing).build_all()
    assert not scene.badges_pending
    w1 = scene.node_items[trace.find("w1").id]
    assert _badge_items(w1) == ["∇ -0.0898"]


def test_big_graphs_get_their_badges_after_the_drawing_is_shown(view, qtbot, monkeypatch):
    monkeypatch.setattr(graph_scene, "LATE_BADGES_ABOVE", 0)
    trace, drawing = _laid_out("logistic")
    pending_when_shown: list[bool] = []
    view.graph_shown.connect(lambda: pending_when_shown.append(view.graph_scene.badges_pending))
    view.show_graph(trace, drawing)
    qtbot.waitUntil(lambda: bool(pending_when_shown) and not view.is_finishing)
    assert pending_when_shown == [True]  # the drawing came first
    for node in trace.nodes:
        expected = [grad_badge_text(node.grad)] if node.grad is not None else []
        assert _badge_items(view.node_item(node.id)) == expected, node.label
    assert not view.graph_scene.badges_pending


def test_edges_follow_graphviz_curves_to_the_arrowheads(logistic_view):
    for edge in logistic_view.edge_items:
        path = edge.edge_path
        curve = edge.curve()
        assert curve.elementCount() == len(path.points)
        end = curve.pointAtPercent(1.0)
        assert (end.x(), end.y()) == pytest.approx(path.arrow_tail, abs=1e-6)
        tip, left, right = edge.arrowhead()
        assert (tip.x(), tip.y()) == pytest.approx(path.arrow_head)
        # The base's middle is where the curve stops, and the base is 0.8 of the length wide.
        assert ((left.x() + right.x()) / 2, (left.y() + right.y()) / 2) == pytest.approx(path.arrow_tail)
        length = ((path.arrow_head[0] - path.arrow_tail[0]) ** 2 + (path.arrow_head[1] - path.arrow_tail[1]) ** 2) ** 0.5
        width = ((left.x() - right.x()) ** 2 + (left.y() - right.y()) ** 2) ** 0.5
        assert width == pytest.approx(0.8 * length)
        # What the item repaints covers the curve and every corner of its own arrowhead
        # (worked out from the layout's numbers, before the curve or the triangle is made).
        bounds = edge.boundingRect()
        drawn = curve.boundingRect()  # a straight edge's has no width: its corners, not the rect
        assert bounds.contains(drawn.topLeft()) and bounds.contains(drawn.bottomRight())
        assert all(bounds.contains(corner) for corner in (tip, left, right))


def test_the_sketch_draws_every_edge_curve_and_the_edges_make_theirs_when_asked(logistic_view):
    scene = logistic_view.graph_scene
    # Made from the layout's points, not from the items (whose curves wait for a paint).
    sketch = scene.sketch.geometry.edge_path
    curves = [edge.curve() for edge in logistic_view.edge_items]
    assert sketch.elementCount() == sum(c.elementCount() for c in curves) > 0
    elements = [sketch.elementAt(i) for i in range(sketch.elementCount())]
    expected = [c.elementAt(i) for c in curves for i in range(c.elementCount())]
    assert [(e.x, e.y, e.type) for e in elements] == [(e.x, e.y, e.type) for e in expected]
    fresh = EdgeItem(logistic_view.edge_items[0].edge_path, "light")
    assert fresh._curve_made is None and fresh._arrow_made is None
    assert fresh.boundingRect() == logistic_view.edge_items[0].boundingRect()
    assert fresh.curve().elementCount() == len(fresh.edge_path.points)


def test_clusters_are_drawn_for_modules(view, qtbot):
    with qtbot.waitSignal(view.graph_shown):
        view.show_graph(*_laid_out("custom-layers"))
    paths = {c.path for c in view.cluster_items}
    assert {"custom_layer", "mlp.layer1", "mlp.layer2"} <= paths


def test_grad_badge_text():
    trace, _ = _laid_out("logistic")
    assert grad_badge_text(trace.find("w1").grad) == "∇ -0.0898"
    few = capture_program("w = torch.ones(3, requires_grad=True)\nloss = (w * 2).sum()\n").find("w").grad
    assert grad_badge_text(few) == "∇ [2, 2, 2]"
    many = capture_program("w = torch.ones(10, requires_grad=True)\nloss = (w * 2).sum()\n").find("w").grad
    assert grad_badge_text(many) == "∇ ∈ [2, 2]"


def test_wheel_zooms_around_the_cursor(logistic_view, qtbot):
    view = logistic_view
    view.set_zoom(3.0)  # big enough to scroll, so the point can be held still
    point = view.viewport().rect().center() + QPoint(60, 40)
    before = view.mapToScene(point)
    event = QWheelEvent(QPointF(point), QPointF(view.viewport().mapToGlobal(point)), QPoint(0, 0),
                        QPoint(0, 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)
    assert view.zoom == pytest.approx(3.75)
    after = view.mapToScene(point)
    assert abs(after.x() - before.x()) < 3 and abs(after.y() - before.y()) < 3


def test_fit_and_minimap(logistic_view):
    view = logistic_view
    view.fit()
    assert view.visible_scene_rect().contains(view.graph_scene.itemsBoundingRect())
    assert not view.minimap.isVisible()  # everything is on screen already
    view.set_zoom(6.0)
    assert view.minimap.isVisible()
    assert view.minimap.visible_rect.width() < view.graph_scene.sceneRect().width()
    target = view.node_item(view.graph_scene.trace.root).scenePos()
    view.minimap.center_requested.emit(target)
    assert view.visible_scene_rect().contains(target)


def test_a_new_drawing_shows_or_hides_the_overview_once_for_its_fitted_view(view, qtbot):
    from PySide6.QtCore import QObject

    from gradviz.core.layout.plan import StagedLayoutCache

    def column(n: int):
        trace = capture_program(f"x = torch.tensor([1.0], requires_grad=True)\ny = x\nfor i in range({n}):\n"
                                "    y = y * 1.001\n")
        return trace, StagedLayoutCache().plan(trace).layout

    class Toggles(QObject):
        seen: list[str] = []

        def eventFilter(self, _watched, event):  # noqa: N802 (Qt override)
            if event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
                self.seen.append(event.type().name)
            return False

    with qtbot.waitSignal(view.graph_shown):
        view.show_graph(*column(20))
    toggles = Toggles()
    view.minimap.installEventFilter(toggles)
    # A longer column, fitted: all of it on screen, so no overview, not even on the way
    # (set at the old zoom, the new scene did not fit for a moment).
    with qtbot.waitSignal(view.graph_shown):
        view.show_graph(*column(60))
    assert toggles.seen == [] and not view.minimap.isVisible()
    view.set_zoom(4.0)
    assert toggles.seen == ["Show"] and view.minimap.isVisible()
    with qtbot.waitSignal(view.graph_shown):
        view.show_graph(*column(70))  # fitted again: the overview goes, once
    assert toggles.seen == ["Show", "Hide"] and not view.minimap.isVisible()


def test_big_graph_is_sketched_when_zoomed_out(view, qtbot):
    source = "x = torch.tensor([1.0], requires_grad=True)\ny = x\nfor i in range(300):\n    y = y * 1.001\n"
    trace = capture_program(source)
    with qtbot.waitSignal(view.graph_shown, timeout=30_000):
        view.show_graph(trace, layout(trace))
    assert len(view.node_items) == 301
    assert view.zoom < SKETCH_BELOW_ZOOM and view.is_sketching
    assert view.scene() is view.graph_scene.sketch_scene
    some = trace.nodes[150].id
    view.select_node(some)  # zooms in to a readable size and shows the items
    assert not view.is_sketching and view.scene() is view.graph_scene
    assert view.visible_scene_rect().contains(view.node_item(some).sceneBoundingRect())


def test_theme_recolours_items(logistic_view):
    item = next(i for i in logistic_view.node_items.values() if i.role == "leaf")
    light = item.fill_color().name()
    logistic_view.set_theme("dark")
    assert item.fill_color().name() != light
    assert logistic_view.backgroundBrush().color().name().upper() == "#1B1B1B"


def test_explanation_replaces_the_graph(logistic_view):
    logistic_view.show_explanation("Nothing to draw here.")
    assert logistic_view.node_items == {}
    assert logistic_view.explanation == "Nothing to draw here."
    assert logistic_view.explanation_label.geometry().center().x() == pytest.approx(
        logistic_view.viewport().geometry().center().x(), abs=4)


def test_a_fitted_view_refits_when_resized_until_the_user_zooms(logistic_view, qtbot):
    view = logistic_view
    view.fit()
    view.resize(500, 380)  # e.g. a message bar opened above the canvas
    qtbot.waitUntil(lambda: view.viewport().height() < 380)
    assert view.is_fitted
    assert view.visible_scene_rect().contains(view.graph_scene.itemsBoundingRect())
    view.zoom_in()
    zoom = view.zoom
    height = view.viewport().height()
    view.resize(520, 400)
    qtbot.waitUntil(lambda: view.viewport().height() > height)  # the resize has reached the view
    assert not view.is_fitted and view.zoom == pytest.approx(zoom)


def test_sliced_works_share_one_time_budget_per_turn(qtbot, monkeypatch):
    from types import SimpleNamespace

    from gradviz.qt.canvas.graph_scene import SLICE_SECONDS, SlicedWork

    clock = [0.0]
    monkeypatch.setattr(graph_scene, "time", SimpleNamespace(perf_counter=lambda: clock[0]))
    ran: list[str] = []
    step = SLICE_SECONDS / 4

    def work(name: str, n: int):
        for _ in range(n):
            clock[0] += step
            ran.append(name)
            yield

    first, second, done = SlicedWork(), SlicedWork(), []
    first.add(work("a", 20), lambda: done.append("a"))
    second.add(work("b", 20), lambda: done.append("b"))
    turns = graph_scene._turns()
    turns._timer.stop()  # the turns are run here, one by one
    spent: list[tuple[float, set[str]]] = []
    while first.busy or second.busy:
        start, before = clock[0], len(ran)
        turns._turn()
        spent.append((clock[0] - start, set(ran[before:])))
    assert len(ran) == 40 and sorted(done) == ["a", "b"]
    # One budget for both: never a slice each in the same turn, and they take turns.
    assert all(seconds <= SLICE_SECONDS + step + 1e-9 for seconds, _names in spent)
    assert [names for _s, names in spent[:4]] == [{"a"}, {"b"}, {"a"}, {"b"}]


def test_what_follows_a_work_gets_a_turn_of_its_own_when_the_last_step_spent_the_budget(qtbot, monkeypatch):
    from types import SimpleNamespace

    from gradviz.qt.canvas.graph_scene import SLICE_SECONDS, SlicedWork

    clock = [0.0]
    monkeypatch.setattr(graph_scene, "time", SimpleNamespace(perf_counter=lambda: clock[0]))

    def steps(n: int, each: float):
        for _ in range(n):
            yield
        clock[0] += each  # the work after the last yield (a sketch, say)

    done: list[float] = []
    quick = SlicedWork()
    quick.add(steps(3, SLICE_SECONDS / 10), lambda: done.append(clock[0]), now=True)
    assert done == [SLICE_SECONDS / 10] and not quick.busy  # within the budget: at once, as before
    slow = SlicedWork()
    slow.add(steps(3, 2 * SLICE_SECONDS), lambda: done.append(clock[0]), now=True)
    assert len(done) == 1 and slow.busy  # the budget is spent: showing waits for the next turn
    turns = graph_scene._turns()
    turns._timer.stop()
    turns._turn()
    assert len(done) == 2 and not slow.busy


def test_a_box_fill_follows_its_role_highlight_tint_and_theme(logistic_view):
    from PySide6.QtGui import QColor

    from gradviz.qt.theme import node_colors

    light, dark = node_colors("light"), node_colors("dark")
    items = list(logistic_view.node_items.values())
    assert {i.role for i in items} == {"root", "leaf", "constant", "op"}
    for item in items:
        assert item.fill_color() == QColor(light[item.role])
        item.set_highlight("pending")
        assert item.fill_color() == QColor(light["pending"])
        item.set_highlight("current")  # a border, not a fill
        assert item.fill_color() == QColor(light[item.role])
        item.set_highlight(None)
        item.set_tint(("#123456", "#FFFFFF"))
        assert item.fill_color() == QColor("#123456")
        item.set_tint(None)
        assert item.fill_color() == QColor(light[item.role])
    logistic_view.set_theme("dark")
    assert all(item.fill_color() == QColor(dark[item.role]) for item in items)


def test_a_badge_text_left_for_later_is_written_when_read(qtbot, monkeypatch):
    monkeypatch.setattr(graph_scene, "LATE_BADGES_ABOVE", 0)
    written: list[str] = []
    real = graph_scene.grad_badge_text

    def counting(value):
        written.append(real(value))
        return written[-1]

    monkeypatch.setattr(graph_scene, "grad_badge_text", counting)
    trace, drawing = _laid_out("logistic")
    scene = GraphScene(trace, drawing).build_all()
    assert written == []
    w1 = scene.node_items[trace.find("w1").id]
    assert w1.badge_text == "∇ -0.0898" and written == ["∇ -0.0898"]
    assert w1.badge_text == "∇ -0.0898" and len(written) == 1  # written once
    list(scene.finish())
    assert len(written) == sum(n.grad is not None for n in trace.nodes)


def test_an_old_drawing_is_taken_apart_after_the_new_one_is_first_painted(view, qtbot):
    from PySide6.QtCore import QObject

    from gradviz.qt.canvas.graph_view import RETIRE_LATEST_MS

    order: list[str] = []

    class Paints(QObject):
        def eventFilter(self, _watched, event):  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Paint:
                order.append("paint")
            return False

    def shown(name: str) -> GraphScene:
        with qtbot.waitSignal(view.graph_shown):
            view.show_graph(*_laid_out(name))
        return view.graph_scene

    old = shown("logistic")
    qtbot.waitUntil(lambda: not view._retiring)
    real = old.dismantle
    old.dismantle = lambda: (order.append("dismantle"), (yield from real()))[1]
    paints = Paints()
    view.viewport().installEventFilter(paints)
    order.clear()
    shown("mlp")
    # A small drawing is painted as soon as it is shown; nothing is taken apart before that.
    assert order == ["paint"] and len(old.node_items) == 8
    qtbot.waitUntil(lambda: not old.node_items, timeout=5_000)
    assert order[:2] == ["paint", "dismantle"]
    # A view nobody paints (hidden) lets its old drawings go all the same.
    view.hide()
    hidden_old = view.graph_scene
    shown("logistic")
    qtbot.waitUntil(lambda: not hidden_old.node_items, timeout=RETIRE_LATEST_MS + 5_000)


def test_taking_a_drawing_apart_frees_its_items_as_it_goes(qtbot):
    # The sketch's geometry held every node item: they were all freed at once when the
    # old scene was deleted (a 10,000-node graph stood the window still for 80-100 ms).
    import weakref

    trace, drawing = _laid_out("mlp")
    scene = GraphScene(trace, drawing).build_all()
    list(scene.finish())
    node = weakref.ref(next(iter(scene.node_items.values())))
    edge = weakref.ref(scene.edge_items[0])
    geometry = scene.sketch.geometry
    assert len(geometry.nodes) == len(drawing.nodes) > 1
    left = list(scene.dismantle())
    assert left[-1] == 0 and len(left) == len(drawing.nodes) + len(drawing.edges) + len(drawing.clusters)
    assert node() is None and edge() is None  # freed while the scene still exists
    assert geometry.nodes == [] and scene.items() == []


def _pixels(widget):
    import numpy as np

    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return pixels.copy()  # the image's memory goes with it


def test_far_out_the_items_draw_the_very_picture_the_preview_draws(view, qtbot):
    """The preview of a small graph fitted far out is its first picture; the items take over
    a moment later (big_graphs). They must not change a pixel of it, nor leave boxes or
    edges thinner than a pixel (a box once drew as a faint fill, its edges not at all)."""
    from gradviz.qt.canvas.graph_items import LOD_SHAPES
    from gradviz.qt.canvas.graph_preview import PreviewView

    source = "x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range(49):\n    y = y * 1.0001\nloss = y\n"
    trace = capture_program(source)
    drawing = layout(trace)
    view.resize(620, 580)
    with qtbot.waitSignal(view.graph_shown):
        view.show_graph(trace, drawing)
    assert view.zoom < LOD_SHAPES and not view.is_sketching and len(view.node_items) == 50
    items = _pixels(view.viewport())
    preview = PreviewView(view)
    preview.show_drawing(trace, drawing, "")
    qtbot.waitUntil(lambda: preview.item is not None and preview.item.painted_at is not None)
    assert preview.geometry() == view.viewport().geometry()
    shown = _pixels(preview)
    assert shown.shape == items.shape
    # A cubic's end and the preview's sampled curve may round to neighbouring pixels.
    differing = int((shown != items).any(axis=2).sum())
    assert differing < 30, f"{differing} pixels change when the items take over"
    # Every box outlined darker than its fill, every edge at least a pixel: the canvas is
    # not blank between the boxes of a column.
    image = view.viewport().grab().toImage()
    root = view.node_item(trace.roots[0]).sceneBoundingRect().center()
    x = view.mapFromScene(root).x()
    column = {image.pixelColor(x, y).name() for y in range(image.height())}
    assert len(column) >= 4, column  # background, frame fill, box fill/outline, edge
    # The player's current step keeps its colour far out, two pixels wide: where the step is
    # must show on a projector (a width in scene units was a tenth of a pixel here).
    item = view.node_item(trace.roots[0])
    item.set_highlight("current")
    image = view.viewport().grab().toImage()
    corner = view.mapFromScene(item.sceneBoundingRect().center())
    ring = {image.pixelColor(corner.x() + dx, corner.y() + dy).name() for dx in range(-8, 9) for dy in range(-8, 9)}
    assert item._style()[1].name() in ring
