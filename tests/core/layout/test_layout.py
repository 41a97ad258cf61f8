"""Trace -> DOT -> Graphviz json -> Layout, on hand-built traces."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import torch

from gradviz.core.layout import graphviz_run as engine_mod
from gradviz.core.layout.layout import (
    FONT_NAME,
    PALETTE,
    Layout,
    LayoutCancelled,
    LayoutError,
    find_engine,
    layout,
    node_lines,
    run_engine,
    to_dot,
)
from gradviz.core.trace import Edge, Node, TensorValue, Trace

tv = TensorValue.from_tensor
SYSTEM_DOT = "/usr/bin/dot"


def logistic_trace() -> Trace:
    """loss = BCE(sigmoid(w1 * x1 + b), y), as capture would record it."""
    x1, y = torch.tensor(2.0), torch.tensor(1.0)
    w1, b = torch.tensor(-0.5, requires_grad=True), torch.tensor(0.1, requires_grad=True)
    m = w1 * x1
    z = m + b
    p = torch.sigmoid(z)
    loss = torch.nn.functional.binary_cross_entropy(p, y)
    for t in (m, z, p, loss):
        t.retain_grad()
    loss.backward()
    nodes = (
        Node("n0", "constant", "Constant", label="x1", value=tv(x1), requires_grad=False),
        Node("n1", "leaf", "AccumulateGrad", label="w1", value=tv(w1), grad=tv(w1.grad)),
        Node("n2", "op", "MulBackward0", value=tv(m), grad=tv(m.grad)),
        Node("n3", "leaf", "AccumulateGrad", label="b", value=tv(b), grad=tv(b.grad)),
        Node("n4", "op", "AddBackward0", label="z", value=tv(z), grad=tv(z.grad)),
        Node("n5", "op", "SigmoidBackward0", label="p", value=tv(p), grad=tv(p.grad)),
        Node("n6", "constant", "Constant", label="y", value=tv(y), requires_grad=False),
        Node("n7", "op", "BinaryCrossEntropyBackward0", label="loss", value=tv(loss), grad=tv(loss.grad)),
    )
    edges = (
        Edge("n1", "n2", 0),
        Edge("n0", "n2", 1),
        Edge("n2", "n4", 0),
        Edge("n3", "n4", 1),
        Edge("n4", "n5", 0),
        Edge("n5", "n7", 0),
        Edge("n6", "n7", 1),
    )
    return Trace(nodes, edges, root="n7")


def fan_out_trace() -> Trace:
    """b = a + a: one source feeding both slots of one op."""
    a = torch.tensor([1.0, 2.0])
    nodes = (
        Node("n0", "leaf", "AccumulateGrad", label="a", shape=(2,), value=tv(a)),
        Node("n1", "op", "AddBackward0", label="b", shape=(2,), value=tv(a + a)),
    )
    return Trace(nodes, (Edge("n0", "n1", 0), Edge("n0", "n1", 1)), root="n1")


def module_trace() -> Trace:
    """x -> layers.0 (2 ops) -> layers.1 (1 op) -> head (1 op), parameters in their modules."""
    nodes = (
        Node("n0", "constant", "Constant", label="x", shape=(4,)),
        Node("n1", "leaf", "AccumulateGrad", label="layers.0.weight", shape=(4, 4), module="layers.0"),
        Node("n2", "op", "MvBackward0", shape=(4,), module="layers.0"),
        Node("n3", "op", "ReluBackward0", shape=(4,), module="layers.0"),
        Node("n4", "leaf", "AccumulateGrad", label="layers.1.weight", shape=(4, 4), module="layers.1"),
        Node("n5", "op", "MvBackward0", shape=(4,), module="layers.1"),
        Node("n6", "op", "SumBackward0", shape=(), module="head"),
    )
    edges = (
        Edge("n1", "n2", 0),
        Edge("n0", "n2", 1),
        Edge("n2", "n3", 0),
        Edge("n4", "n5", 0),
        Edge("n3", "n5", 1),
        Edge("n5", "n6", 0),
    )
    return Trace(nodes, edges, root="n6")


def random_dag(n: int, seed: int = 0) -> Trace:
    rng = random.Random(seed)
    nodes = tuple(Node(f"n{i}", "op" if i else "leaf", "AddBackward0", shape=(3,)) for i in range(n))
    edges = []
    for i in range(1, n):
        for slot in range(rng.randint(1, 2)):
            edges.append(Edge(f"n{rng.randrange(max(0, i - 50), i)}", f"n{i}", slot))
    return Trace(nodes, tuple(edges), root=f"n{n - 1}")


@pytest.fixture(scope="module")
def logistic_layout() -> tuple[Trace, Layout]:
    trace = logistic_trace()
    return trace, layout(trace)


def _overlap(a, b) -> bool:
    return abs(a.x - b.x) * 2 < a.width + b.width and abs(a.y - b.y) * 2 < a.height + b.height


def _inside(point, box, slack: float = 0.0) -> bool:
    x, y = point
    return abs(x - box.x) <= box.width / 2 + slack and abs(y - box.y) <= box.height / 2 + slack


# --- node text -----------------------------------------------------------------------------


def test_node_lines_show_op_label_shape_and_value():
    trace = logistic_trace()
    assert node_lines(trace.node("n0")) == ("constant", "x1", "scalar", "2")
    assert node_lines(trace.node("n2")) == ("MulBackward0", "scalar", "-1")
    assert node_lines(trace.node("n1"), show_values=False) == ("AccumulateGrad", "w1", "scalar")
    assert node_lines(fan_out_trace().node("n1")) == ("AddBackward0", "b", "(2)", "[2, 4]")


def test_node_lines_summarise_big_values_without_repeating_the_shape():
    value = tv(torch.arange(12.0).reshape(3, 4))
    lines = node_lines(Node("n0", "op", "ViewBackward0", shape=(3, 4), value=value))
    assert lines == ("ViewBackward0", "(3, 4)", "∈ [0, 11]")


# --- DOT -------------------------------------------------------------------------------------


def test_dot_is_deterministic_and_named_by_trace_ids():
    first, second = to_dot(logistic_trace()), to_dot(logistic_trace())
    assert first.encode() == second.encode()
    names = set(re.findall(r"^\s*(\w+) \[label=", first, re.M))
    assert names == {f"n{i}" for i in range(8)}
    edges = re.findall(r"^\s*(\w+) -> (\w+) \[id=(e\d+)\]", first, re.M)
    assert edges == [("n1", "n2", "e0"), ("n0", "n2", "e1"), ("n2", "n4", "e2"), ("n3", "n4", "e3"),
                     ("n4", "n5", "e4"), ("n5", "n7", "e5"), ("n6", "n7", "e6")]


def test_dot_styles_kinds_and_root_with_distinct_colours():
    dot = to_dot(logistic_trace())
    assert len(set(PALETTE.values())) == len(PALETTE)
    fills = dict(re.findall(r"^\s*(n\d+) \[.*fillcolor=\"(#[0-9a-f]{6})\"", dot, re.M))
    assert fills["n1"] == fills["n3"] == PALETTE["leaf"]
    assert fills["n0"] == fills["n6"] == PALETTE["constant"]
    assert fills["n2"] == fills["n4"] == fills["n5"] == PALETTE["op"]
    assert fills["n7"] == PALETTE["root"]
    assert f"fontname={FONT_NAME}" in dot and "fontsize=11" in dot and "rankdir=BT" in dot


def test_unstyled_dot_keeps_geometry_but_drops_colours():
    dot = to_dot(logistic_trace(), styled=False)
    assert "fillcolor" not in dot and "style=" not in dot
    assert f"fontname={FONT_NAME}" in dot and "shape=box" in dot


def test_dot_escapes_awkward_labels():
    node = Node("n0", "leaf", "AccumulateGrad", label='a"b\\n<c>', shape=(1,))
    trace = Trace((node,), (), root=None)
    result = layout(trace)
    assert result.nodes["n0"].lines == ("AccumulateGrad", 'a"b\\n<c>', "(1)")
    assert 'label="AccumulateGrad\\na\\"b\\\\n<c>\\n(1)"' in to_dot(trace)


def test_bad_rankdir_is_a_value_error():
    with pytest.raises(ValueError, match="rankdir"):
        to_dot(logistic_trace(), rankdir="UP")


# --- layout ----------------------------------------------------------------------------------


def test_every_node_once_with_positive_size_inside_the_drawing(logistic_layout):
    trace, result = logistic_layout
    assert list(result.nodes) == [n.id for n in trace.nodes]
    assert result.width > 0 and result.height > 0
    for node in trace.nodes:
        box = result.nodes[node.id]
        assert box.id == node.id and box.lines == node_lines(node)
        assert box.width > 0 and box.height > 0
        assert box.width / 2 <= box.x <= result.width - box.width / 2 + 0.01
        assert box.height / 2 <= box.y <= result.height - box.height / 2 + 0.01


def test_boxes_do_not_overlap(logistic_layout):
    _, result = logistic_layout
    boxes = list(result.nodes.values())
    pairs = [(a.id, b.id) for i, a in enumerate(boxes) for b in boxes[i + 1:] if _overlap(a, b)]
    assert pairs == []


def test_bottom_to_top_puts_the_root_on_top(logistic_layout):
    # rankdir=BT: edges point up the page, so inputs are at the bottom (large y,
    # y pointing down) and the loss at the top (smallest y).
    trace, result = logistic_layout
    ys = {i: b.y for i, b in result.nodes.items()}
    assert min(ys, key=ys.get) == "n7"
    for e in trace.edges:
        assert ys[e.source] > ys[e.target], e


def test_top_to_bottom_puts_the_root_at_the_bottom():
    trace = logistic_trace()
    result = layout(trace, rankdir="TB")
    ys = {i: b.y for i, b in result.nodes.items()}
    assert max(ys, key=ys.get) == "n7"
    assert all(ys[e.source] < ys[e.target] for e in trace.edges)


def test_edges_follow_trace_order_with_bezier_points_and_arrowheads(logistic_layout):
    trace, result = logistic_layout
    assert [(e.source, e.target, e.slot) for e in result.edges] == [(e.source, e.target, e.slot) for e in trace.edges]
    for e in result.edges:
        assert len(e.points) >= 4 and len(e.points) % 3 == 1
        src, dst = result.nodes[e.source], result.nodes[e.target]
        assert _inside(e.points[0], src, slack=1.0)  # leaves the source's border
        assert e.arrow_tail == e.points[-1]
        assert _inside(e.arrow_head, dst, slack=1.0) and not _inside(e.arrow_tail, dst)
        # Upward edges: the arrow points up, at the consumer.
        assert e.arrow_head[1] < e.arrow_tail[1]
        assert 4.0 < e.arrow_tail[1] - e.arrow_head[1] < 10.0


def test_fan_out_keeps_both_edges():
    result = layout(fan_out_trace())
    assert [(e.source, e.target, e.slot) for e in result.edges] == [("n0", "n1", 0), ("n0", "n1", 1)]
    assert result.edges[0].points != result.edges[1].points


def test_layout_is_repeatable():
    assert layout(module_trace()) == layout(module_trace())


def test_empty_trace_needs_no_engine():
    result = layout(Trace((), (), root=None, explanation="no tensor needs grad"), engine="/nonexistent/dot")
    assert (result.width, result.height, dict(result.nodes), result.edges) == (0.0, 0.0, {}, ())


# --- modules ---------------------------------------------------------------------------------


def test_module_clusters_nest_in_dot():
    dot = to_dot(module_trace())
    depth, seen = 0, {}
    for line in dot.splitlines():
        m = re.match(r"\s*subgraph (\w+) \{", line)
        if m:
            seen[m.group(1)] = depth
        depth += line.count("{") - line.count("}")
    assert seen == {"cluster_head": 1, "cluster_layers": 1, "cluster_layers_0": 2, "cluster_layers_1": 2}
    assert 'label="layers.0"' in dot
    assert "subgraph" not in to_dot(module_trace(), group_modules=False)


def test_module_clusters_contain_their_nodes_and_children():
    trace = module_trace()
    result = layout(trace)
    boxes = {c.path: c for c in result.clusters}
    assert list(boxes) == ["head", "layers", "layers.0", "layers.1"]
    assert boxes["layers.0"].label == "layers.0"

    def within(inner, outer) -> bool:
        return (abs(inner.x - outer.x) + inner.width / 2 <= outer.width / 2 + 0.01
                and abs(inner.y - outer.y) + inner.height / 2 <= outer.height / 2 + 0.01)

    assert within(boxes["layers.0"], boxes["layers"]) and within(boxes["layers.1"], boxes["layers"])
    for node in trace.nodes:
        if node.module:
            assert within(result.nodes[node.id], boxes[node.module]), node.id
    assert not within(result.nodes["n0"], boxes["layers"])


def test_collapsed_module_is_one_box_with_merged_edges():
    trace = module_trace()
    result = layout(trace, collapsed=frozenset({"layers", "layers.1", "nowhere"}))
    assert sorted(result.nodes) == ["module:layers", "n0", "n6"]
    box = result.nodes["module:layers"]
    assert box.lines[0] == "layers" and box.lines[-1] == "5 nodes inside" and box.width > 0
    # x feeds the module (n0->n2), the module feeds head (n5->n6); the four
    # edges inside the module vanish.
    assert [(e.source, e.target, e.slot) for e in result.edges] == [("n0", "module:layers", 1), ("module:layers", "n6", 0)]
    assert [c.path for c in result.clusters] == ["head"]
    dot = to_dot(trace, collapsed=frozenset({"layers"}))
    assert dot.count("->") == 2 and 'id="module:layers"' in dot


def test_collapsed_inner_module_sits_in_its_parent_cluster():
    result = layout(module_trace(), collapsed=frozenset({"layers.0"}))
    assert "module:layers.0" in result.nodes and "n2" not in result.nodes
    edges = [(e.source, e.target) for e in result.edges]
    assert edges == [("n0", "module:layers.0"), ("n4", "n5"), ("module:layers.0", "n5"), ("n5", "n6")]
    layers = next(c for c in result.clusters if c.path == "layers")
    box = result.nodes["module:layers.0"]
    assert abs(box.x - layers.x) < layers.width / 2 and abs(box.y - layers.y) < layers.height / 2


def test_collapsing_merges_duplicate_edges():
    nodes = (
        Node("n0", "constant", "Constant", label="x"),
        Node("n1", "op", "MulBackward0", module="m"),
        Node("n2", "op", "AddBackward0", module="m"),
    )
    trace = Trace(nodes, (Edge("n0", "n1", 0), Edge("n0", "n2", 1), Edge("n1", "n2", 0)), root="n2")
    result = layout(trace, collapsed=frozenset({"m"}))
    assert [(e.source, e.target, e.slot) for e in result.edges] == [("n0", "module:m", 0)]


# --- the engine ------------------------------------------------------------------------------


def test_find_engine_prefers_argument_then_env(monkeypatch):
    monkeypatch.delenv("GRADVIZ_DOT", raising=False)
    default = find_engine()
    assert Path(default).name.startswith("graphviz-pure")
    if os.path.exists(SYSTEM_DOT):
        monkeypatch.setenv("GRADVIZ_DOT", SYSTEM_DOT)
        assert find_engine() == SYSTEM_DOT
        assert find_engine(default) == default


def test_missing_engine_is_a_helpful_layout_error(monkeypatch):
    monkeypatch.delenv("GRADVIZ_DOT", raising=False)
    with pytest.raises(LayoutError) as info:
        layout(logistic_trace(), engine="/nonexistent/bin/dot")
    message = str(info.value)
    assert "/nonexistent/bin/dot" in message and "pip install graphviz-pure" in message and "GRADVIZ_DOT" in message
    assert info.value.__cause__ is None and "Traceback" not in message

    monkeypatch.setenv("GRADVIZ_DOT", "/nonexistent/dot")
    with pytest.raises(LayoutError, match="GRADVIZ_DOT"):
        find_engine()


def test_no_engine_anywhere_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv("GRADVIZ_DOT", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(engine_mod.sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LayoutError, match=r"pip install graphviz-pure.*GRADVIZ_DOT=/usr/bin/dot"):
        find_engine()


def test_engine_failure_carries_its_stderr():
    with pytest.raises(LayoutError, match="syntax error") as info:
        run_engine("digraph { a -> ", "json")
    assert not isinstance(info.value, LayoutCancelled)


def test_cancel_kills_a_slow_layout():
    dot = to_dot(random_dag(3000))
    cancel = threading.Event()
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = run_engine(dot, "json", cancel=cancel)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            outcome["error"] = exc

    worker = threading.Thread(target=work)
    worker.start()
    time.sleep(0.2)
    cancel.set()
    worker.join(60)  # a hang detector, not a speed bound (the error below says it was cancelled)
    assert not worker.is_alive()
    assert isinstance(outcome.get("error"), LayoutCancelled), outcome


def test_timeout_stops_the_engine():
    with pytest.raises(LayoutError, match="longer than 0.3 s") as info:
        layout(random_dag(3000), timeout=0.3)
    assert not isinstance(info.value, LayoutCancelled)


@pytest.mark.skipif(not os.path.exists(SYSTEM_DOT), reason="no system Graphviz")
def test_system_dot_gives_the_same_structure():
    trace = module_trace()
    ours, theirs = layout(trace), layout(trace, engine=SYSTEM_DOT)
    assert list(theirs.nodes) == list(ours.nodes)
    assert [(e.source, e.target, e.slot) for e in theirs.edges] == [(e.source, e.target, e.slot) for e in ours.edges]
    assert [c.path for c in theirs.clusters] == [c.path for c in ours.clusters]
    assert all(len(e.points) % 3 == 1 for e in theirs.edges)
    assert min(theirs.nodes.values(), key=lambda b: b.y).id == "n6"


def test_core_does_not_import_qt():
    code = (
        "import sys, gradviz.core.layout.layout, gradviz.core.export, gradviz.core.layout.dot\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph') or m.startswith('gradviz.qt')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.int64, torch.bool,
                                   torch.complex64])
def test_a_numbers_box_text_takes_the_short_road_to_the_same_words(dtype):
    # node_lines writes a 0-d value straight from its number; it must say what
    # TensorValue.short() (the general road) says, for every dtype and awkward value.
    from gradviz.core.layout.dot import _value_text

    numbers = [0.0, -0.0, 1.0, -2.5, 1e-7, 123456.789, 0.00123, float("nan"), float("inf"), 3.14159265]
    for number in numbers:
        if dtype == torch.bool:
            number = bool(number == number and number)
        elif not (dtype.is_floating_point or dtype.is_complex):
            if number != number or abs(number) == float("inf"):
                continue
            number = int(number)
        value = TensorValue.from_tensor(torch.tensor(number, dtype=dtype))
        node = Node("n0", "op", "MulBackward0", "y", (), str(dtype), "cpu", value=value)
        assert node_lines(node)[-1] == _value_text(value), (dtype, number)
