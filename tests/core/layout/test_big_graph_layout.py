"""Big graphs without a display: provisional layout, piecewise JSON, layout plans, module toggles."""

from __future__ import annotations

import json
import threading
from dataclasses import replace

import numpy as np
import pytest

from gradviz.core.capture.capture import capture_program
from gradviz.core.json_pieces import JsonCancelled, loads_in_pieces
from gradviz.core.layout import plan as layout_plan
from gradviz.core.layout.column import column_sketch
from gradviz.core.layout.dot import DotBuild, build_dot
from gradviz.core.layout.graphviz_run import LayoutCancelled, run_engine
from gradviz.core.layout.labels import Look
from gradviz.core.layout.layout import layout
from gradviz.core.layout.metrics import box_size, text_width
from gradviz.core.layout.module_boxes import (
    collapse,
    expand,
    find_nodes,
    inside,
    module_id,
    module_path,
    module_summary,
    module_title,
    reveal,
    shown_id,
)
from gradviz.core.layout.plan import Drawing, StagedLayoutCache, relabel, same_structure, structure_key
from gradviz.core.layout.quick import long_edge_length, plain_build, quick_layout
from gradviz.core.layout.sketch import ROLES, same_picture, sketch_arrays, sketch_of
from gradviz.core.layout.tree import tree_layout
from gradviz.core.lessons.catalogue import capture_lesson


def chain(n: int, seed_value: float = 0.5) -> str:
    return f"x = torch.tensor({seed_value}, requires_grad=True)\ny = x\nfor i in range({n}):\n    y = y * 1.0001\nloss = y\n"


def diamond(seed_value: float) -> str:
    """A few nodes where ``x`` feeds two ops: not a chain, so Graphviz lays it out."""
    return f"x = torch.tensor({seed_value}, requires_grad=True)\ny = x * x + x\nloss = y * y + y\n"


def ladder(n: int) -> str:
    """About ``3 n`` nodes where each value feeds two ops, one or two ranks apart: not a tree
    (so Graphviz lays it out), and no long edges (so it does not take minutes)."""
    return ("a = torch.tensor(0.5, requires_grad=True)\nb = a * 1.0001\n"
            f"for i in range({n}):\n    a, b = b, b * 1.0001 + a * 0.0001\nloss = b\n")


@pytest.fixture(scope="module")
def mlp():
    return capture_lesson("mlp")


@pytest.fixture(scope="module")
def custom():
    return capture_lesson("custom-layers")


# -- module boxes ----------------------------------------------------------------------------
def test_module_titles_ids_and_contents(mlp, custom):
    assert module_title(mlp, "layers") == "layers · Sequential"
    assert module_title(custom, "mlp.layer1") == "mlp.layer1 · SimpleLayer"
    assert module_title(mlp, "nowhere") == "nowhere"
    assert module_id("layers") == "module:layers" and module_path("module:layers") == "layers"
    assert module_path("n3") is None
    assert [n.id for n in inside(mlp, "layers.0")] == ["n1", "n2", "n3", "n4"]
    assert len(inside(mlp, "layers")) == 14


def test_toggles_and_reveal(mlp):
    folded = collapse(frozenset({"layers.0"}), "layers")
    assert folded == {"layers", "layers.0"}
    assert expand(folded, "layers") == {"layers.0"}  # the inner fold comes back as it was
    assert shown_id(mlp, "n4", folded) == "module:layers"
    assert shown_id(mlp, "n0", folded) == "n0"
    assert reveal(folded | {"layers.2"}, "layers.0") == {"layers.2"}


def test_find_nodes_by_op_or_label(mlp):
    assert find_nodes(mlp, "AddmmBackward0") == ["n4", "n9", "n14"]
    assert find_nodes(mlp, "addmm") == ["n4", "n9", "n14"]  # case-insensitive
    assert find_nodes(mlp, "layers.2.") == ["n6", "n7"]  # labels of parameters
    assert find_nodes(mlp, "out") == ["n14"]
    assert find_nodes(mlp, "  ") == []


def test_module_summary_for_the_inspector(mlp):
    s = module_summary(mlp, "layers")
    assert (s.class_name, s.num_params) == ("Sequential", 2213)
    assert "(1, 50) → (1, 3)" in s.lines
    assert dict(s.ops)["AddmmBackward0"] == 3 and len(s.nodes) == 14
    assert "14 nodes inside: " in s.text()


# -- provisional layout ----------------------------------------------------------------------
def test_box_sizes_match_graphviz(custom):
    build = build_dot(custom)
    real = layout(custom)
    for ident, box in real.nodes.items():
        w, h = box_size(build.lines[ident])
        assert abs(w - box.width) < 1.5, (ident, build.lines[ident], w, box.width)
        assert abs(h - box.height) < 1.0
    assert text_width("") == 0 and text_width("W") > text_width("i")


CHINESE_NAMES = """import torch
import torch.nn.functional as F
输入 = torch.tensor([1.1])
标签 = torch.tensor([1.0])
第一层的权重矩阵参数 = torch.tensor([2.2], requires_grad=True)
偏置值 = torch.tensor([0.0], requires_grad=True)
预测的概率值 = torch.sigmoid(输入 * 第一层的权重矩阵参数 + 偏置值)
二元交叉熵损失 = F.binary_cross_entropy(预测的概率值, 标签)
"""


def test_boxes_with_chinese_names_are_as_wide_as_a_full_em_a_character():
    trace = capture_program(CHINESE_NAMES)
    build = build_dot(trace)
    real = layout(trace)
    wide = [i for i, lines in build.lines.items() if any("\u4e00" <= ch <= "\u9fff" for ch in "".join(lines))]
    assert len(wide) == 6  # four inputs, the prediction, the loss
    for ident, box in real.nodes.items():
        w, h = box_size(build.lines[ident])
        assert abs(w - box.width) < 1.5, (ident, build.lines[ident], w, box.width)
    # The long name is the widest line of its box: ten characters, 110 points, plus margins.
    assert real.nodes[trace.find("第一层的权重矩阵参数").id].width == pytest.approx(110 + 16, abs=0.1)
    # Graphviz alone counts 0.83 em a character; Qt draws them a full em (the CJK fallback font).
    assert text_width("偏置值") == pytest.approx(3 * 11.0)
    assert text_width("ａ") == pytest.approx(11.0) and text_width("é") == pytest.approx(0.556 * 11)


def test_a_module_with_a_chinese_name_gets_a_frame_as_wide_as_its_title():
    from gradviz.core.layout.grouping import group_title

    # A ReLU holds one short box: the frame's width is its title's.
    trace = capture_program('model = nn.Sequential()\nmodel.add_module("第一个编码器层之后的激活函数", nn.ReLU())\n'
                            "x = torch.ones(1, 2, requires_grad=True)\nloss = model(x).sum()\n")
    real = layout(trace)
    frame = next(c for c in real.clusters if c.path.endswith("激活函数"))
    title = group_title(trace, frame.path)
    # Qt draws the title a full em a character, 6 points in from the frame's left edge.
    assert frame.width >= text_width(title) + 12
    assert "  " not in group_title(trace, frame.path)  # the padding is Graphviz's business only


@pytest.mark.parametrize("rankdir", ["BT", "TB", "LR"])
def test_quick_layout_is_a_layered_drawing_of_the_same_build(custom, rankdir):
    build = build_dot(custom, rankdir=rankdir)
    quick = quick_layout(custom, build, rankdir=rankdir)
    assert set(quick.nodes) == set(build.names.values())
    assert [(e.source, e.target, e.slot) for e in quick.edges] == build.edges
    for e in quick.edges:
        s, t = quick.nodes[e.source], quick.nodes[e.target]
        # data flows up (BT), down (TB) or right (LR), one layer at least
        assert {"BT": s.y > t.y, "TB": s.y < t.y, "LR": s.x < t.x}[rankdir]
        assert len(e.points) == 4 and e.arrow_head is not None
    boxes = list(quick.nodes.values())
    for i, a in enumerate(boxes):  # no two boxes overlap
        for b in boxes[i + 1:]:
            assert abs(a.x - b.x) * 2 >= a.width + b.width - 1e-6 or abs(a.y - b.y) * 2 >= a.height + b.height - 1e-6
    assert {c.path for c in quick.clusters} == set(build.clusters.values())
    for c in quick.clusters:  # each frame holds its nodes
        for n in inside(custom, c.path):
            box = quick.nodes[n.id]
            assert abs(box.x - c.x) <= c.width / 2 and abs(box.y - c.y) <= c.height / 2


def test_quick_layout_of_collapsed_modules(mlp):
    build = build_dot(mlp, collapsed=frozenset({"layers"}))
    quick = quick_layout(mlp, build)
    assert set(quick.nodes) == {"n0", "module:layers"}
    assert [(e.source, e.target) for e in quick.edges] == [("n0", "module:layers")]


def test_quick_layout_of_a_5000_chain_is_one_column():
    # How fast: bench/scale.py (a wall-clock bound here would be flaky on a loaded machine).
    trace = capture_program(chain(5000))
    quick = quick_layout(trace, build_dot(trace))
    assert len(quick.nodes) == 5001
    xs = {round(b.x, 3) for b in quick.nodes.values()}
    assert len(xs) == 1  # a chain is one straight column
    ys = sorted(b.y for b in quick.nodes.values())
    assert all(b > a for a, b in zip(ys, ys[1:]))  # one box a layer


# -- JSON a piece at a time ------------------------------------------------------------------
def test_loads_in_pieces_reads_what_json_reads(custom):
    out = run_engine(build_dot(custom).source, "json0")
    assert loads_in_pieces(out) == json.loads(out)
    for text in ['{}', '{"a": []}', '{"a" : [ 1 , {"b": [2]} ] , "c": "x"}', "[1, 2]", ' {"k": 1} ']:
        assert loads_in_pieces(text) == json.loads(text)
    for bad in ['{"a": [1,]}', '{"a": 1} x', '{"a" 1}']:
        with pytest.raises(json.JSONDecodeError):
            loads_in_pieces(bad)


def test_loads_in_pieces_stops_on_cancel():
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(JsonCancelled):
        loads_in_pieces(json.dumps({"objects": list(range(2000))}), cancel)


# -- layout plans ----------------------------------------------------------------------------
@pytest.fixture
def engine_calls(monkeypatch):
    calls: list[int] = []

    def spy(source, fmt, **kw):
        calls.append(len(source))
        return run_engine(source, fmt, **kw)

    monkeypatch.setattr(layout_plan, "run_engine", spy)
    return calls


def test_the_dot_text_is_written_only_when_graphviz_or_an_export_reads_it(mlp, engine_calls, monkeypatch):
    from gradviz.core.layout import dot

    written: list[int] = []
    real = dot._dot_text
    monkeypatch.setattr(dot, "_dot_text", lambda build, **kw: written.append(len(build.names)) or real(build, **kw))
    cache = StagedLayoutCache()
    plan = cache.plan(capture_program(chain(30, 0.5)))  # gradviz's own layout: no text, no key
    assert len(plan.layout.nodes) == 31 and written == [] and engine_calls == []
    cache.plan(mlp)  # Graphviz's: the text is the engine's input and the cache's key, written once
    assert written == [15] and len(engine_calls) == 1
    build = build_dot(mlp)
    assert written == [15]
    text = build.source
    assert build.source is text and written == [15, 15] and text == dot.to_dot(mlp)
    assert text.count(" -> ") == len(build.edges) + text.count("style=invis")


def test_same_structure_ignores_values_only():
    a = capture_program(chain(20, 0.5))
    b = capture_program(chain(20, 0.7))
    c = capture_program(chain(21, 0.5))
    assert same_structure(a, b) and structure_key(a) == structure_key(b)
    assert not same_structure(a, c)
    assert not same_structure(a, b, frozenset(), frozenset({"x"}))


def test_plan_reuses_the_drawing_on_screen_without_the_engine(engine_calls):
    cache = StagedLayoutCache()
    a = capture_program(diamond(0.5))
    first = cache.plan(a)
    assert len(engine_calls) == 1 and not first.reused
    b = capture_program(diamond(0.7))
    second = cache.plan(b, previous=Drawing(a, first.layout))
    assert len(engine_calls) == 1 and second.reused
    assert {i: (n.x, n.y) for i, n in second.layout.nodes.items()} == {i: (n.x, n.y) for i, n in first.layout.nodes.items()}
    assert second.layout.nodes["n1"].lines != first.layout.nodes["n1"].lines  # the new values
    assert relabel(first.layout, {}).nodes["n1"] == first.layout.nodes["n1"]


def test_plan_folds_over_the_threshold_and_caches_toggles(mlp, engine_calls):
    cache = StagedLayoutCache()
    auto = cache.plan(mlp, collapsed=None, threshold=10)
    assert auto.auto_collapsed and auto.collapsed == {f"layers.{i}" for i in range(5)}
    assert len(auto.layout.nodes) == 6
    flat = cache.plan(mlp, collapsed=frozenset())
    assert not flat.auto_collapsed and len(flat.layout.nodes) == 15
    again = cache.plan(mlp, collapsed=None, threshold=10)  # folding back: no engine
    # Folded, the model is a chain of five boxes, which gradviz lays out itself (again, not
    # from the cache: that costs about what the cache's key would): one engine run.
    assert not again.cached and len(engine_calls) == 1 and cache.hits == 0 and len(cache) == 1
    assert {i: (n.x, n.y) for i, n in again.layout.nodes.items()} == {i: (n.x, n.y) for i, n in auto.layout.nodes.items()}
    unfolded = cache.plan(mlp, collapsed=frozenset())  # Graphviz's, from the cache
    assert unfolded.cached and unfolded.layout is flat.layout and len(engine_calls) == 1 and cache.hits == 1
    assert cache.plan(mlp, collapsed=None, threshold=0).collapsed == frozenset()


def test_plan_shows_a_provisional_layout_first_for_big_graphs(engine_calls):
    trace = capture_program(chain(300))
    seen = []
    plan = StagedLayoutCache().plan(trace, on_provisional=lambda quick: seen.append((len(engine_calls), quick)),
                                    provisional_min=200)
    assert len(seen) == 1 and seen[0][0] == 0  # before the engine ran
    assert len(seen[0][1].lines) == len(seen[0][1].arrays.x0) == len(plan.layout.nodes)
    small = []
    StagedLayoutCache().plan(capture_program(chain(10)), on_provisional=small.append, provisional_min=200)
    assert small == []


def test_the_graph_before_gradviz_runs_backward_is_the_same_graph_without_gradients():
    forwards = []
    trace = capture_program(chain(300), on_forward=forwards.append)
    assert len(forwards) == 1
    early = forwards[0]
    assert [(n.id, n.op, n.label, n.shape) for n in early.nodes] == [(n.id, n.op, n.label, n.shape) for n in trace.nodes]
    assert early.edges == trace.edges and early.passes == () and trace.passes
    assert early.find("x").grad is None and trace.find("x").grad is not None
    assert [n.value.item() for n in early.nodes] == [n.value.item() for n in trace.nodes]
    assert plain_build(early).lines == plain_build(trace).lines  # the same boxes
    # A program that runs backward itself has no such moment.
    capture_program(chain(5) + "loss.backward()\n", on_forward=forwards.append)
    assert len(forwards) == 1


def test_early_picture_is_the_provisional_layout_plan_would_send():
    early, full = [], []
    before = []
    trace = capture_program(chain(300), on_forward=lambda t: before.append(t))
    cache = StagedLayoutCache()
    assert cache.early_picture(before[0], on_provisional=early.append, provisional_min=200)
    cache.plan(trace, on_provisional=full.append, provisional_min=200)
    assert len(early) == len(full) == 1
    assert same_sketch(early[0], full[0])
    nothing = []
    assert not cache.early_picture(before[0], on_provisional=nothing.append, provisional_min=400,
                                   chain_min=400)  # small
    assert not cache.early_picture(before[0], collapsed=frozenset({"x"}), on_provisional=nothing.append,
                                   provisional_min=200)  # folding goes through plan's own path
    on_screen = Drawing(trace, cache.plan(trace).layout)
    assert not cache.early_picture(before[0], previous=on_screen, on_provisional=nothing.append,
                                   provisional_min=200)  # the drawing on screen is reused
    assert nothing == []


@pytest.mark.parametrize("look", [None, Look(16.0), Look(11.0, "beginner")])
def test_a_chain_is_previewed_early_in_the_layout_it_keeps(look):
    # From EARLY_CHAIN_MIN_BOXES boxes on, a chain's forward graph is drawn before the
    # backward pass: the picture must be the final one, box for box, in every look.
    before = []
    trace = capture_program(chain(layout_plan.EARLY_CHAIN_MIN_BOXES), on_forward=before.append)
    cache, early = StagedLayoutCache(), []
    assert cache.early_picture(before[0], on_provisional=early.append, look=look)
    final = cache.plan(trace, look=look).layout
    assert len(early) == 1 and len(final.nodes) == len(trace.nodes) == layout_plan.EARLY_CHAIN_MIN_BOXES + 1
    assert same_sketch(early[0], sketch_of(trace, final))
    # Not a chain (each layer feeds two ops), under the big-graph size: Graphviz decides, no preview.
    branching = []
    forward = []
    capture_program(ladder(100), on_forward=forward.append)
    assert len(forward[0].nodes) >= layout_plan.EARLY_CHAIN_MIN_BOXES
    assert not StagedLayoutCache().early_picture(forward[0], on_provisional=branching.append, look=look)
    assert branching == []


def same_sketch(a, b) -> bool:
    """Two sketches draw the same picture: boxes, roles, edges, texts, frames, size."""
    fields = ("x0", "y0", "x1", "y1", "role", "edge_x", "edge_y", "edge_connect")
    return all(np.allclose(getattr(a.arrays, f), getattr(b.arrays, f), rtol=0, atol=1e-9) for f in fields) \
        and a.lines == b.lines and a.frames == b.frames and (a.width, a.height) == (b.width, b.height)


@pytest.mark.parametrize("steps", [0, 1, 7, 150])
@pytest.mark.parametrize("look", [None, Look(16.0), Look(11.0, "beginner")])
def test_a_columns_sketch_is_its_tree_layouts_to_the_point(steps, look):
    # column_sketch skips the Layout objects: its numbers must be tree_layout's read back.
    program = "x = torch.tensor([0.5, -1.25], requires_grad=True)\ny = x\n" + \
        "y = torch.sin(y) * 1.0001\n" * steps + "loss = y.sum()\n"
    trace = capture_program(program)
    build = plain_build(trace, look=look)
    sketch = column_sketch(trace, build)
    assert sketch is not None and same_sketch(sketch, sketch_of(trace, tree_layout(build)))
    assert len(sketch.lines) == len(trace.nodes) == 2 * steps + 2
    # Not one column: an op with two inputs, a value feeding two ops, two roots, frames.
    for edges in ([("n0", "n2", 0), ("n1", "n2", 1), ("n2", "n3", 0)], [("n0", "n1", 0), ("n0", "n2", 0)],
                  [("n0", "n1", 0), ("n2", "n3", 0)]):
        names = {f"n{k}": f"n{k}" for k in range(4)}
        other = DotBuild("", names, {k: ("op",) for k in names}, edges)
        assert column_sketch(trace, other) is None
    framed = DotBuild("", {"n0": "n0"}, {"n0": ("op",)}, [], clusters={"cluster a": "a"})
    assert column_sketch(trace, framed) is None


def test_plan_cancel_stops_the_engine():
    trace = capture_program(ladder(1000))
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    with pytest.raises(LayoutCancelled):
        StagedLayoutCache().plan(trace, cancel=cancel)


def test_sketch_arrays_of_a_layout(mlp):
    lay = layout(mlp, collapsed=frozenset({"layers.0"}))
    a = sketch_arrays(mlp, lay)
    assert sketch_arrays(mlp, lay) is a  # memoised for the GUI thread
    ids = list(lay.nodes)
    assert len(a.x0) == len(ids) and (a.x1 > a.x0).all() and (a.y1 > a.y0).all()
    assert ROLES[a.role[ids.index("module:layers.0")]] == "module"
    assert ROLES[a.role[ids.index("n14")]] == "root"
    assert ROLES[a.role[ids.index("n0")]] == "constant"
    assert int((a.edge_connect == 0).sum()) == len(lay.edges)  # one break after each edge


def test_the_cache_keeps_a_bounded_number_of_boxes(mlp):
    cache = StagedLayoutCache()
    cache.max_boxes = 25
    cache.plan(mlp)  # 15 boxes
    cache.plan(mlp, collapsed=frozenset({"layers"}))  # a chain: gradviz's own layout, not cached
    assert len(cache) == 1
    cache.plan(mlp, collapsed=frozenset({"layers.0"}))  # 12 more: 27, the oldest goes
    assert len(cache) == 1 and cache.plan(mlp, collapsed=frozenset({"layers.0"})).cached
    assert not cache.plan(mlp).cached


def test_plain_build_matches_build_dot_for_quick_layout(custom):
    from gradviz.core.layout.quick import plain_build

    plain, full = plain_build(custom), build_dot(custom)
    assert plain.names == full.names and plain.lines == full.lines and plain.edges == full.edges
    assert sorted(plain.clusters.values()) == sorted(full.clusters.values())
    assert quick_layout(custom, plain) == quick_layout(custom, full)


# -- graphs Graphviz cannot route in time ------------------------------------------------------
def fan(n: int) -> str:
    """x used all along a chain of n additions: n long edges, Graphviz's worst case."""
    return f"x = torch.tensor(1.0, requires_grad=True)\ns = x * 0\nfor i in range({n}):\n    s = s + torch.sin(x * i)\nloss = s\n"


def test_long_edges_are_counted_only_where_they_cannot_be_short(mlp, custom):
    assert long_edge_length(plain_build(capture_program(chain(500)))) == 0
    assert long_edge_length(plain_build(mlp)) == 0 and long_edge_length(plain_build(custom)) == 0
    # Each sin(x * i) sits right under its addition; only x's edges skip ranks, ~3 per step.
    spans = [long_edge_length(plain_build(capture_program(fan(n)))) for n in (25, 50, 100)]
    assert spans[0] < spans[1] < spans[2] and spans[2] > layout_plan.MAX_LONG_EDGE_LENGTH > spans[1]
    assert spans[2] > 3.5 * spans[1]  # quadratic in the chain's length


def test_plan_lays_out_graphviz_worst_cases_itself(engine_calls):
    trace = capture_program(fan(100))  # Graphviz: ~40 s, and minutes for a few more steps
    cache = StagedLayoutCache()
    plan = cache.plan(trace)
    assert plan.quick and engine_calls == []  # Graphviz never ran: it would take minutes
    assert set(plan.layout.nodes) == {n.id for n in trace.nodes} and len(plan.layout.edges) == len(trace.edges)
    again = cache.plan(trace)
    assert again.cached and again.quick and engine_calls == []
    fine = cache.plan(capture_program(fan(40)))
    assert not fine.quick and len(engine_calls) == 1


def _overlaps(lay) -> int:
    rows: dict[float, list] = {}
    for box in lay.nodes.values():
        rows.setdefault(box.y, []).append(box)
    bad = 0
    for row in rows.values():
        row.sort(key=lambda b: b.x)
        bad += sum(a.x + a.width / 2 > b.x - b.width / 2 for a, b in zip(row, row[1:]))
    return bad


def test_a_big_tree_is_laid_out_by_gradviz_as_tidily_and_without_graphviz(engine_calls):
    from gradviz.core.layout.tree import is_forest, tree_layout

    program = ("xs = [torch.tensor(float(i), requires_grad=True) for i in range(400)]\n"
               "parts = [(x * 2).sin() for x in xs]\ns = parts[0]\nfor p in parts[1:]:\n    s = s + p\nloss = s\n")
    trace = capture_program(program)
    assert len(trace.nodes) >= layout_plan.TREE_MIN_BOXES
    plan = StagedLayoutCache().plan(trace)
    assert engine_calls == [] and not plan.quick
    lay = plan.layout
    assert lay.nodes == tree_layout(plain_build(trace)).nodes  # the same picture the preview showed
    assert _overlaps(lay) == 0
    ys = {i: b.y for i, b in lay.nodes.items()}
    assert all(ys[e.source] > ys[e.target] for e in trace.edges)  # every input under its op
    inputs: dict[str, list] = {}
    for e in trace.edges:
        inputs.setdefault(e.target, []).append(e)
    for target, edges in inputs.items():  # an op centred over its inputs, which keep their slot order
        xs = [lay.nodes[e.source].x for e in sorted(edges, key=lambda e: e.slot)]
        assert xs == sorted(xs) and abs(lay.nodes[target].x - (xs[0] + xs[-1]) / 2) < 0.01  # rounded to 0.001
    assert not is_forest(build_dot(capture_lesson("softmax")))  # exp_Z feeds two ops


def test_a_10000_deep_chain_is_laid_out_without_recursion(engine_calls):
    trace = capture_program(chain(9999))
    lay = StagedLayoutCache().plan(trace).layout
    assert engine_calls == [] and len(lay.nodes) == 10_000 and _overlaps(lay) == 0
    assert len({b.x for b in lay.nodes.values()}) == 1  # one straight column


def test_the_early_graph_says_what_the_finished_one_will_say():
    # The window shows the early graph's notes with its picture: the message bar appearing
    # only with the finished graph would push the picture down under the user's eyes.
    for program in (chain(300), chain(300).replace("torch.tensor(0.5,", "torch.tensor([0.5, 1.0],")):
        before = []
        trace = capture_program(program, on_forward=before.append)
        assert before[0].notes == trace.notes and "gradviz ran loss.backward(" in trace.notes[0]


def test_a_chain_is_previewed_in_the_very_picture_its_layout_draws():
    forward: list = []
    source = "x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range(999):\n    y = y * 1.0001\nloss = y\n"
    trace = capture_program(source, on_forward=forward.append, forward_min=0)
    provisional = column_sketch(forward[0], plain_build(forward[0]))
    final = sketch_of(trace, StagedLayoutCache().plan(trace).layout)
    assert len(final.lines) == 1000 and same_picture(provisional, final)
    moved = final.arrays.x0.copy()
    moved[500] += 1.0
    assert not same_picture(provisional, replace(final, arrays=replace(final.arrays, x0=moved)))
    assert not same_picture(provisional, replace(final, lines=[*final.lines[:-1], ("other",)]))
    assert not same_picture(provisional, replace(final, height=final.height + 1))
