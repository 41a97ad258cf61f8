"""gradviz's own layouts (chains, trees, framed models), pinned down so that making them faster
cannot change what they draw: exact numbers where they follow from first principles (a chain's
column), the promises of the framed layout everywhere else, and the grouping answers they rest
on checked against plain re-statements of their definitions."""

from __future__ import annotations

import pytest

from gradviz.core.capture.capture import capture_program
from gradviz.core.layout.dot import build_dot
from gradviz.core.layout.framed import framed_layout
from gradviz.core.layout.grouping import (
    LOOP_MARK,
    choose_collapsed,
    default_folds,
    group_path,
    group_title,
    is_loop_group,
    loop_counts,
    module_box_lines,
    module_paths,
    visible_count,
)
from gradviz.core.layout.labels import Look
from gradviz.core.layout.layout import EdgePath, Layout, NodeBox
from gradviz.core.layout.metrics import box_size, box_sizes, wide_min_width
from gradviz.core.layout.own import own_layout, titles
from gradviz.core.layout.plan import StagedLayoutCache
from gradviz.core.layout.quick import _ARROW, RANK_SEP
from gradviz.core.layout.tree import is_chain, is_forest, tree_layout
from gradviz.core.lessons.catalogue import LESSONS, capture_lesson

from .test_framed import check_picture


def loop_chain(n: int) -> str:
    return f"x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range({n}):\n    y = y * 1.0001\nloss = y\n"


def plain_chain(n: int) -> str:
    return "x = torch.tensor(0.5, requires_grad=True)\ny = x\n" + "y = y * 1.0001\n" * n + "loss = y\n"


MLP = """torch.manual_seed(0)
layers = []
for i in range(125):
    layers = layers + [nn.Linear(8, 8), nn.LayerNorm(8)]
model = nn.Sequential(*layers)
x = torch.randn(4, 8)
loss = model(x).pow(2).mean()
"""
SEQUENTIAL = """torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))
x = torch.randn(3, 4)
loss = model(x).sum()
"""
NESTED_MODULES = """torch.manual_seed(0)
blocks = []
for k in range(30):
    blocks = blocks + [nn.Sequential(nn.Linear(4, 4), nn.Sequential(nn.ReLU(), nn.Linear(4, 4)))]
model = nn.Sequential(*blocks)
x = torch.randn(3, 4)
loss = model(x).sum()
"""
TREE = """a, b, c, d = [torch.tensor(float(k), requires_grad=True) for k in range(1, 5)]
e, f, g, h = [torch.tensor(float(k), requires_grad=True) for k in range(5, 9)]
loss = ((a*b)+(c*d))*((e*f)+(g*h))
"""
BIG_TREE = """xs = [torch.tensor(float(k) / 100, requires_grad=True) for k in range(1024)]
while len(xs) > 1:
    xs = [xs[i] * xs[i + 1] if i % 4 else xs[i] + xs[i + 1] for i in range(0, len(xs), 2)]
loss = xs[0]
"""
NESTED_LOOPS = """x = torch.tensor(0.5, requires_grad=True)
y = x
for i in range(4):
    for j in range(3):
        y = y * 1.01
    y = y + 1
loss = y
"""
LOOP_BODY = """x = torch.tensor(0.5, requires_grad=True)
y = x
for i in range(20):
    y = (y * 1.01).sin() + 1
loss = y
"""
LOOP_MODULE = """torch.manual_seed(0)
lin = nn.Linear(4, 4)
y = torch.randn(2, 4)
for i in range(6):
    y = torch.tanh(lin(y))
loss = y.sum()
"""
USED_TWICE = """x = torch.tensor(0.5, requires_grad=True)
y = x * x
z = y + y
loss = z * 2
"""

#: name -> (program, plan's threshold)
PROGRAMS = {
    "loop chain 1": (loop_chain(1), 0),
    "loop chain 49": (loop_chain(49), 0),
    "loop chain 60": (loop_chain(60), 0),  # more iterations than frames drawn: a bare chain
    "loop chain 499": (loop_chain(499), 0),
    "plain chain 3": (plain_chain(3), 0),
    "plain chain 49": (plain_chain(49), 0),
    "mlp": (MLP, 600),
    "mlp open": (MLP, 0),
    "sequential": (SEQUENTIAL, 0),
    "nested modules": (NESTED_MODULES, 0),
    "nested modules folded": (NESTED_MODULES, 60),
    "tree": (TREE, 0),
    "big tree": (BIG_TREE, 0),
    "nested loops": (NESTED_LOOPS, 0),
    "loop body": (LOOP_BODY, 0),
    "loop module": (LOOP_MODULE, 0),
    "used twice": (USED_TWICE, 0),
}


@pytest.fixture(scope="module")
def traces():
    found = {name: (capture_program(source), threshold) for name, (source, threshold) in PROGRAMS.items()}
    for name in LESSONS:
        found[f"lesson {name}"] = (capture_lesson(name), 0)
    return found


def _plan_and_build(trace, threshold):
    plan = StagedLayoutCache().plan(trace, threshold=threshold)
    return plan, build_dot(trace, collapsed=plan.collapsed)


def _own_cases(traces):
    """(name, trace, plan, build) of the programs gradviz lays out itself."""
    for name, (trace, threshold) in traces.items():
        folded = default_folds(trace) | choose_collapsed(trace, threshold) if threshold else frozenset()
        if own_layout(trace, build_dot(trace, collapsed=folded)) is not None:
            plan, build = _plan_and_build(trace, threshold)
            assert plan.collapsed == folded
            yield name, trace, plan, build


def test_the_graphs_gradviz_lays_out_itself_and_those_it_leaves_to_graphviz(traces, monkeypatch):
    from gradviz.core.layout import plan as plan_module

    def no_engine(*_a, **_k):
        raise AssertionError("Graphviz was asked")

    monkeypatch.setattr(plan_module, "run_engine", no_engine)
    own = {name for name, *_ in _own_cases(traces)}
    assert {"loop chain 1", "loop chain 49", "loop chain 60", "loop chain 499", "plain chain 3", "plain chain 49",
            "mlp", "mlp open", "nested modules", "big tree", "nested loops", "loop body"} <= own
    for name in ("used twice", "tree", "sequential", "lesson softmax"):
        trace, _ = traces[name]
        assert own_layout(trace, build_dot(trace)) is None, name
    build = build_dot(traces["used twice"][0])
    assert not is_forest(build) and not is_chain(build)


def test_every_own_layout_keeps_the_builds_ids_text_order_and_box_sizes(traces):
    for name, trace, plan, build in _own_cases(traces):
        lay = plan.layout
        ids = list(build.names.values())
        assert list(lay.nodes) == ids, name  # Graphviz's answer comes in the build's order too
        assert [(e.source, e.target, e.slot) for e in lay.edges] == list(build.edges), name
        assert [c.path for c in lay.clusters] == [p for p in build.clusters.values()], name
        font = build.look.font_size
        for i in ids:
            box = lay.nodes[i]
            assert box.lines == build.lines[i] and box.font_size == font, (name, i)
            assert (box.width, box.height) == box_size(box.lines, font), (name, i)
        for edge in lay.edges:
            assert len(edge.points) % 3 == 1 and edge.arrow_tail == edge.points[-1], name
        # The same answer every time, and the framed layout's own when the build has frames.
        again = StagedLayoutCache().plan(trace, threshold=traces[name][1]).layout
        assert again == lay and repr(again) == repr(lay), name
        if build.clusters:
            assert framed_layout(build, titles(trace, build)) == lay, name
            if len(lay.nodes) <= 300:  # (its checks are quadratic)
                check_picture(build, lay, titles(trace, build))
        else:
            assert tree_layout(build) == lay, name


def _column_reference(build) -> Layout:
    """A frameless chain's layout from first principles: one column, centred on its widest box,
    the root on top, each box its height and RANK_SEP below the one it feeds, edges one straight
    segment from the top of a box to the arrowhead under the next."""
    font = build.look.font_size
    below = {t: s for s, t, _slot in build.edges}
    sources = {s for s, _t, _slot in build.edges}
    (top,) = [i for i in build.names.values() if i not in sources]
    order = [top]
    while order[-1] in below:
        order.append(below[order[-1]])
    sizes = {i: box_size(build.lines[i], font) for i in order}
    widest = max(w for w, _h in sizes.values())
    x = round(widest / 2, 3)
    ys, cursor = {}, 0.0
    for i in order:
        h = sizes[i][1]
        ys[i] = round(cursor + h / 2, 3)
        cursor += h + RANK_SEP
    nodes = {i: NodeBox(i, x, ys[i], *sizes[i], build.lines[i], font) for i in build.names.values()}
    edges = []
    for s, t, slot in build.edges:
        a, b = nodes[s], nodes[t]
        start, bottom = a.y - a.height / 2, b.y + b.height / 2
        base = bottom + _ARROW
        step = (base - start) / 3
        edges.append(EdgePath(s, t, slot, ((x, start), (x, start + step), (x, start + 2 * step), (x, base)),
                              (x, base), (x, bottom)))
    from types import MappingProxyType

    return Layout(round(widest, 3), round(cursor - RANK_SEP, 3), MappingProxyType(nodes), tuple(edges),
                  look=build.look)


@pytest.mark.parametrize("name", ["loop chain 60", "loop chain 499", "plain chain 3", "plain chain 49"])
def test_a_frameless_chain_is_exactly_its_column(traces, name):
    trace, threshold = traces[name]
    plan, build = _plan_and_build(trace, threshold)
    assert not build.clusters and is_chain(build)
    assert plan.layout == _column_reference(build)
    for look in (Look(16.0), Look(11.0, "beginner")):
        build = build_dot(trace, look=look)
        assert tree_layout(build) == _column_reference(build)


@pytest.mark.parametrize("name", ["loop chain 1", "loop chain 49", "nested loops"])
def test_a_chain_in_frames_is_one_straight_column_inside_nested_frames(traces, name):
    trace, _ = traces[name]
    build = build_dot(trace)
    assert build.clusters and is_chain(build)
    lay = own_layout(trace, build)
    xs = {box.x for box in lay.nodes.values()}
    assert len(xs) == 1
    for edge in lay.edges:
        s, t = lay.nodes[edge.source], lay.nodes[edge.target]
        # Straight up, from border to border (up the columns inside the frames it enters, which
        # stand where the boxes do but for the rounding of the boxes' centres).
        assert all(abs(p[0] - s.x) < 1e-6 for p in edge.points)
        assert all(a[1] >= b[1] for a, b in zip(edge.points, edge.points[1:]))
        if name == "loop chain 49":
            assert len(edge.points) == 4
        assert edge.points[0][1] == s.y - s.height / 2 and edge.arrow_head[1] == t.y + t.height / 2
        assert edge.arrow_tail[1] == edge.arrow_head[1] + _ARROW
    frames = {c.path: c for c in lay.clusters}
    for path, frame in frames.items():
        outer = path.rpartition(".")[0]
        while outer and outer not in frames:
            outer = outer.rpartition(".")[0]
        if outer:  # nested inside the frame around it
            around = frames[outer]
            assert around.x - around.width / 2 <= frame.x - frame.width / 2
            assert frame.x + frame.width / 2 <= around.x + around.width / 2
            assert around.y - around.height / 2 <= frame.y - frame.height / 2
            assert frame.y + frame.height / 2 <= around.y + around.height / 2


def test_box_sizes_are_box_size_of_each_text():
    texts = [
        (), ("",), ("MulBackward0", "()", "0.5012"), ("AddmmBackward0", "(4, 8)", "∈ [-2.28, 1.876]"),
        ("线性层", "参数"), ("", "", "x"), ("ｆｕｌｌ", "한글", "é·…–×→"), ("😀", "tab\there"),
    ]
    for size in (4.0, 9.5, 11.0, 16.0, 64.0):
        assert box_sizes(texts, size) == [box_size(t, size) for t in texts]
        assert box_sizes(texts[2:3] * 50, size) == [box_size(texts[2], size)] * 50
    assert box_sizes([]) == []
    # A newline inside a line counts nothing (it is the separator box_sizes measures lines by).
    assert box_sizes([("a\nb", "c"), ("线\n性",)]) == box_sizes([("ab", "c"), ("线性",)])
    assert wide_min_width(("plain",)) is None and wide_min_width(("(4, 8) → (4, 8)",)) is None
    assert wide_min_width(("线性层",)) == f"{box_size(('线性层',))[0] / 72:.4f}"


def _split_is_loop_group(path: str) -> bool:
    parts = path.split(".")
    return parts[-1].startswith(LOOP_MARK) or (len(parts) > 1 and parts[-2].startswith(LOOP_MARK))


def test_loop_groups_and_titles_read_the_last_two_parts_of_a_path(traces):
    trace, _ = traces["nested loops"]
    paths = module_paths(trace) + ["", "a", "a.b", ".a", "a.", "for@3.", ".for@3", "a..b", "x.for@2.3",
                                   "for@3.2.lin", "lin.for@3"]
    counts = loop_counts(trace)
    for path in paths:
        assert is_loop_group(path) == _split_is_loop_group(path), path
        parts = path.split(".")
        if path and parts[-1].startswith(LOOP_MARK):
            assert group_title(trace, path) == f"for loop, line {parts[-1][4:]} · {counts.get(path, 0)} iterations"
        elif len(parts) > 1 and parts[-2].startswith(LOOP_MARK):
            count = counts.get(".".join(parts[:-1]), 0)
            assert group_title(trace, path) == f"iteration {parts[-1]} of {count}"
    assert group_title(trace, "for@3.2") == "iteration 2 of 4"
    assert group_title(trace, "for@3.2.for@4") == "for loop, line 4 · 3 iterations"


def test_visible_counts_and_the_collapse_threshold_match_the_boxes_drawn(traces):
    for name in ("mlp", "nested modules", "loop module", "nested loops", "sequential"):
        trace, _ = traces[name]
        paths = module_paths(trace)
        levels = sorted({p.count(".") + 1 for p in paths if not is_loop_group(p)})
        for collapsed in (frozenset(paths[::2]), frozenset(paths[1::3]), frozenset(paths)):
            assert visible_count(trace, collapsed) == len(build_dot(trace, collapsed=collapsed).names), name
        modules = [p for p in module_paths(trace, loops=False)]
        for threshold in (1, 5, 40, 200, 600, 10_000):
            chosen = choose_collapsed(trace, threshold)
            if len(trace.nodes) <= threshold or not modules:
                assert chosen == frozenset()
                continue
            fitting = [d for d in levels if visible_count(
                trace, frozenset(p for p in modules if p.count(".") + 1 == d)) <= threshold]
            depth = max(fitting) if fitting else 1
            assert chosen == frozenset(p for p in modules if p.count(".") + 1 == depth), (name, threshold)


def test_a_collapsed_modules_box_says_what_it_is(traces):
    trace, _ = traces["mlp"]
    lines = module_box_lines(trace, "model.0")
    assert lines == ("model.0", "Linear", "72 parameters", "(4, 8) → (4, 8)")
    build = build_dot(trace, collapsed=frozenset({"model.0", "model.1"}))
    assert build.lines["module:model.0"] == lines + ("4 nodes inside",)
    assert build.homes["module:model.0"] == "model" and build.names["module_model_0"] == "module:model.0"


def test_homes_are_the_innermost_frame_drawn(traces):
    for name in ("nested loops", "loop module", "loop chain 60", "nested modules"):
        trace, _ = traces[name]
        build = build_dot(trace)
        frames = set(build.clusters.values())
        assert list(build.clusters.values()) == sorted(frames)
        for node in trace.nodes:
            path = group_path(node)
            while path and path not in frames:
                path = path.rpartition(".")[0]
            assert build.homes[node.id] == path, (name, node.id)
        if name == "loop chain 60":
            assert not frames  # 61 loop frames: none drawn
