"""gradviz's own layout of trees with module frames (layered models), and its SVG."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.core.capture.capture import capture_program
from gradviz.core.layout import own as own_module
from gradviz.core.layout.dot import DotBuild, build_dot
from gradviz.core.layout.framed import framed_layout
from gradviz.core.layout.layout import Layout
from gradviz.core.layout.metrics import text_width
from gradviz.core.layout.module_boxes import module_title
from gradviz.core.layout.own import own_layout, titles
from gradviz.core.layout.plan import StagedLayoutCache
from gradviz.core.layout.tree import tree_layout

SVG = "{http://www.w3.org/2000/svg}"


def mlp(layers: int) -> str:
    return ("torch.manual_seed(0)\nparts = []\n"
            f"for i in range({layers}):\n    parts = parts + [nn.Linear(3, 3), nn.ReLU()]\n"
            "model = nn.Sequential(*parts)\nx = torch.randn(2, 3)\nloss = model(x).pow(2).mean()\n")


@pytest.fixture(scope="module")
def mlp_trace():
    return capture_program(mlp(40))  # 203 boxes in 81 frames


def _rect(box):
    return (box.x - box.width / 2, box.y - box.height / 2, box.x + box.width / 2, box.y + box.height / 2)


def _inside(inner, outer, slack=0.01):
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack and inner[2] <= outer[2] + slack
            and inner[3] <= outer[3] + slack)


def _overlap(a, b):
    return a[0] < b[2] - 0.01 and b[0] < a[2] - 0.01 and a[1] < b[3] - 0.01 and b[1] < a[3] - 0.01


def _chain(build: DotBuild, path: str) -> list[str]:
    """The frames around ``path``, innermost first."""
    paths = set(build.clusters.values())
    out = []
    while path:
        if path in paths:
            out.append(path)
        path = path.rpartition(".")[0]
    return out


def check_picture(build: DotBuild, lay: Layout, titles_of: dict[str, str] | None = None) -> None:
    """What a framed layout promises: every box in its frames and no other; frames nested or
    apart; no box on another; inputs under what they feed; edges that touch no box but their
    own two, from border to border; frames as wide as their titles."""
    assert set(lay.nodes) == set(build.names.values())
    assert [e[:3] for e in ((p.source, p.target, p.slot) for p in lay.edges)] == list(build.edges)
    frames = {c.path: _rect(c) for c in lay.clusters}
    assert set(frames) == set(build.clusters.values())
    boxes = {i: _rect(b) for i, b in lay.nodes.items()}
    for i, r in boxes.items():
        mine = set(_chain(build, build.homes.get(i, "")))
        for path, frame in frames.items():
            if path in mine:
                assert _inside(r, frame), f"{i} is outside its frame {path}"
            else:
                assert not _overlap(r, frame), f"{i} lies in the frame {path}, not its own"
    items = list(boxes.items())
    for k, (a, ra) in enumerate(items):
        for b, rb in items[k + 1:]:
            assert not _overlap(ra, rb), f"{a} and {b} overlap"
    paths = list(frames)
    for k, p in enumerate(paths):
        for q in paths[k + 1:]:
            a, b = frames[p], frames[q]
            assert _inside(a, b) or _inside(b, a) or not _overlap(a, b), f"frames {p} and {q} cross"
    for c in lay.clusters:
        assert c.width >= text_width((titles_of or {}).get(c.path, c.path), c.font_size) + 12
    for edge in lay.edges:
        s, t = lay.nodes[edge.source], lay.nodes[edge.target]
        assert s.y > t.y  # inputs at the bottom
        first, tip = edge.points[0], edge.arrow_head
        assert _on_border(first, boxes[edge.source]) and _on_border(tip, boxes[edge.target])
        corners = edge.points[::3] + (tip,)
        for (x0, y0), (x1, y1) in zip(corners, corners[1:]):
            for k in range(1, 20):
                x, y = x0 + (x1 - x0) * k / 20, y0 + (y1 - y0) * k / 20
                for i, r in boxes.items():
                    if i not in (edge.source, edge.target):
                        assert not (r[0] + 0.5 < x < r[2] - 0.5 and r[1] + 0.5 < y < r[3] - 0.5), \
                            f"edge {edge.source}->{edge.target} runs through {i}"


def _on_border(point, r, slack=0.05):
    x, y = point
    inside = r[0] - slack <= x <= r[2] + slack and r[1] - slack <= y <= r[3] + slack
    near = min(abs(x - r[0]), abs(x - r[2]), abs(y - r[1]), abs(y - r[3])) <= slack
    return inside and near


def test_a_layered_model_is_laid_out_by_gradviz_with_every_frame(mlp_trace):
    build = build_dot(mlp_trace)
    assert len(build.names) >= own_module.FRAMED_MIN_BOXES and len(build.clusters) == 81
    lay = own_layout(mlp_trace, build)
    assert lay is not None and len(lay.clusters) == 81
    check_picture(build, lay, titles(mlp_trace, build))
    # Layer k's frame stands above layer k-1's: the model reads bottom to top, one band a layer.
    linear = [c for c in lay.clusters if module_title(mlp_trace, c.path).endswith("Linear")]
    order = sorted(linear, key=lambda c: int(c.path.split(".")[1]))
    assert all(a.y > b.y for a, b in zip(order, order[1:]))
    assert all(a.y - a.height / 2 >= b.y + b.height / 2 for a, b in zip(order, order[1:]))


def test_the_window_plans_it_without_graphviz_and_in_the_bigger_font(mlp_trace, monkeypatch):
    from gradviz.core.layout import plan as plan_module
    from gradviz.core.layout.labels import Look

    def no_engine(*_a, **_k):
        raise AssertionError("Graphviz was asked")

    monkeypatch.setattr(plan_module, "run_engine", no_engine)
    plan = StagedLayoutCache().plan(mlp_trace)
    assert len(plan.layout.clusters) == 81 and not plan.quick
    big = StagedLayoutCache().plan(mlp_trace, look=Look(16.0))
    assert big.layout.look.font_size == 16.0
    box = next(iter(big.layout.nodes.values()))
    assert box.font_size == 16.0 and box.width > plan.layout.nodes[box.id].width


def test_small_models_keep_graphvizs_picture():
    trace = capture_program(mlp(3))
    assert own_layout(trace, build_dot(trace)) is None


def _build(edges, homes, n):
    names = {f"n{i}": f"n{i}" for i in range(n)}
    paths = set()
    for h in homes.values():
        while h:
            paths.add(h)
            h = h.rpartition(".")[0]
    return DotBuild(source="", names=names, lines={i: (f"Op{i}", "(3,)") for i in names},
                    edges=edges, clusters={f"cluster_{p}": p for p in sorted(paths)}, homes=homes)


def test_a_frame_two_values_leave_or_a_value_used_twice_goes_to_graphviz():
    # n1 and n2 both sit in frame "a" and each feeds n0 outside it: two outputs.
    two_out = _build([("n1", "n0", 0), ("n2", "n0", 1)], {"n0": "", "n1": "a", "n2": "a"}, 3)
    assert framed_layout(two_out) is None
    used_twice = _build([("n2", "n0", 0), ("n2", "n1", 0), ("n1", "n0", 1)], {"n0": "", "n1": "a", "n2": "a"}, 3)
    assert framed_layout(used_twice) is None
    ok = _build([("n1", "n0", 0), ("n2", "n1", 0)], {"n0": "", "n1": "a", "n2": "a"}, 3)
    assert framed_layout(ok) is not None


@st.composite
def framed_trees(draw):
    """A random forest whose frames each have one output: a module starts at a box and holds
    what feeds it, down to where other modules start (as a layer's ops do)."""
    n = draw(st.integers(2, 45))
    rng = random.Random(draw(st.integers(0, 2**32)))
    edges, homes, made = [], {"n0": ""}, [0]
    slots: dict[int, int] = {}
    roots = 1 + (rng.random() < 0.2)
    for i in range(1, n):
        if i < roots:
            homes[f"n{i}"] = ""
            continue
        parent = rng.randrange(i)
        slot = slots.get(parent, 0)
        slots[parent] = slot + 1
        edges.append((f"n{i}", f"n{parent}", slot))
        home = homes[f"n{parent}"]
        if rng.random() < 0.3:  # a sub-module starts here
            made[0] += 1
            home = f"{home}.m{made[0]}" if home else f"m{made[0]}"
        elif rng.random() < 0.15 and home:  # back out to the frame around (its input enters)
            home = home.rpartition(".")[0]
        homes[f"n{i}"] = home
    return _build(edges, homes, n)


@settings(max_examples=120, deadline=None)
@given(framed_trees())
def test_every_framed_layout_keeps_its_promises(build):
    lay = framed_layout(build)
    if lay is not None:
        check_picture(build, lay)


@settings(max_examples=60, deadline=None)
@given(framed_trees())
def test_the_tree_layout_keeps_the_same_promises_without_frames(build):
    bare = replace(build, clusters={}, homes={})
    check_picture(bare, tree_layout(bare))


def test_gradvizs_own_svg_shows_every_box_line_and_frame(mlp_trace, tmp_path):
    from gradviz.core.export import write

    path = write(mlp_trace, tmp_path / "mlp.svg")
    root = ET.parse(path).getroot()
    texts = [t.text for t in root.iter(f"{SVG}text")]
    build = build_dot(mlp_trace, legend=True, show_grads=True)
    for lines in build.lines.values():
        for line in lines:
            assert line in texts
    assert "Graphviz" not in path.read_text()  # drawn by gradviz
    titled = {module_title(mlp_trace, p) for p in build.clusters.values()}
    assert titled <= set(texts)
    # Every box and frame is drawn, the legend's samples and frame, and the white page.
    rects = list(root.iter(f"{SVG}rect"))
    assert len(rects) == len(build.names) + len(build.clusters) + 4 + 1 + 1
    assert len(list(root.iter(f"{SVG}path"))) == len(build.edges)
    assert len(list(root.iter(f"{SVG}polygon"))) == len(build.edges)
    # The loss's value as plain PyTorch computes it, and the first layer's bias gradient.
    import torch
    from torch import nn

    from gradviz.core.trace import format_number

    ns = {"torch": torch, "nn": nn}
    exec(mlp(40), ns)
    ns["loss"].backward()
    assert format_number(ns["loss"].item(), 4) in texts
    bias = ns["model"][0].bias.grad.tolist()
    assert "grad: [" + ", ".join(format_number(v, 4) for v in bias) + "]" in texts


def test_a_hostile_module_name_is_text_in_the_svg():
    from gradviz.core.layout.svg import layout_svg

    name = '<script>alert("x")</script>&amp;'
    build = _build([("n1", "n0", 0), ("n2", "n1", 0)], {"n0": "", "n1": name, "n2": name}, 3)
    build.lines["n1"] = ("<b>bold</b>", "&")
    lay = framed_layout(build, {name: name + " · Linear"})
    root = ET.fromstring(layout_svg(build, lay, [("op", "op")], {name: name + " · Linear"}))
    assert not list(root.iter(f"{SVG}script"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert name + " · Linear" in texts and "<b>bold</b>" in texts and "&" in texts


_LAYERS = ("nn.Linear(4, 4)", "nn.ReLU()", "nn.Tanh()", "nn.Sigmoid()", "nn.LayerNorm(4)", "nn.Identity()")


def _nested(rng: random.Random, depth: int = 0) -> str:
    parts = [(_nested(rng, depth + 1) if depth < 3 and rng.random() < 0.3 else rng.choice(_LAYERS))
             for _ in range(rng.randint(1, 4))]
    return "nn.Sequential(" + ", ".join(parts) + ")"


@pytest.mark.parametrize("seed", range(12))
def test_random_nested_models_keep_the_promises_folded_or_not_in_every_look(seed, monkeypatch):
    from gradviz.core.layout.grouping import choose_collapsed
    from gradviz.core.layout.labels import Look

    monkeypatch.setattr(own_module, "FRAMED_MIN_BOXES", 0)  # every model that qualifies, however small
    rng = random.Random(seed)
    trace = capture_program(f"torch.manual_seed({seed})\nmodel = {_nested(rng)}\n"
                            "loss = model(torch.randn(2, 4)).pow(2).mean()\n")
    for collapsed in (frozenset(), choose_collapsed(trace, 6)):
        for look in (None, Look(16.0, "beginner")):
            build = build_dot(trace, collapsed=collapsed, look=look)
            lay = own_layout(trace, build)
            fed = [s for s, _t, _slot in build.edges]
            # gradviz draws it unless a value feeds two ops (Graphviz draws those), or there is no
            # graph at all (no parameter and an input without grad: nothing to draw).
            assert (lay is None) == (not build.names or len(set(fed)) < len(fed))
            if lay is not None:
                check_picture(build, lay, titles(trace, build))


def test_box_sizes_all_at_once_are_box_size_one_by_one():
    from gradviz.core.layout.metrics import box_size, box_sizes

    rng = random.Random(3)
    chars = "abcXYZ019 ∈→·…–×中文한かé\t~{}[]()"
    texts = [tuple("".join(rng.choice(chars) for _ in range(rng.randint(0, 30))) for _ in range(rng.randint(0, 5)))
             for _ in range(2000)]
    for size in (11.0, 16.0, 13.5):
        assert box_sizes(texts, size) == [box_size(text, size) for text in texts]
    assert box_sizes([]) == []
