"""Module grouping, automatic collapse, collapsed boxes, and the layout cache."""

import pytest

from gradviz.core.layout.cache import LayoutCache
from gradviz.core.layout.grouping import choose_collapsed, module_paths, visible_count
from gradviz.core.layout.layout import layout
from gradviz.core.lessons.catalogue import capture_lesson


def test_lessons_group_into_the_right_modules():
    tr = capture_lesson("fashion-mlp")
    assert module_paths(tr) == ["linear_relu_stack", "loss_fn", *[f"linear_relu_stack.{i}" for i in range(5)]]
    tr = capture_lesson("custom-layers")
    assert {"custom_layer", "mlp", "mlp.layer1", "mlp.layer2.relu"} <= set(module_paths(tr))
    assert tr.modules["custom_layer"].class_name == "CustomLayer"


def test_choose_collapsed_deepest_level_that_fits():
    tr = capture_lesson("custom-layers")
    assert choose_collapsed(tr, 1000) == frozenset()
    chosen = choose_collapsed(tr, 12)
    assert "mlp.layer1" in chosen and "custom_layer.relu" in chosen
    assert visible_count(tr, chosen) <= 12
    assert choose_collapsed(tr, 5) == {"custom_layer", "mlp"}
    assert choose_collapsed(tr, 2) == {"custom_layer", "mlp"}  # the most it can


def test_collapsing_layers_leaves_one_box_with_the_right_edges():
    tr = capture_lesson("mlp")
    lay = layout(tr, collapsed=frozenset({"layers"}))
    assert "module:layers" in lay.nodes
    assert not any(n.module.startswith("layers") and n.id in lay.nodes for n in tr.nodes)
    # X (outside) feeds the box; the box is the root's producer so no edge leaves it
    pairs = {(e.source, e.target) for e in lay.edges}
    assert pairs == {(tr.find("X").id, "module:layers")}
    box = lay.nodes["module:layers"]
    assert box.lines[:3] == ("layers", "Sequential", "2,213 parameters")
    assert "(1, 50) → (1, 3)" in box.lines


def test_cluster_titles_carry_the_class_name():
    from gradviz.core.layout.dot import to_dot

    text = to_dot(capture_lesson("custom-layers"))
    assert "custom_layer · CustomLayer" in text and "mlp.layer1 · SimpleLayer" in text


def test_layout_cache_lays_out_a_structure_once():
    cache = LayoutCache()
    tr = capture_lesson("logistic")
    first = cache.layout(tr)
    second = cache.layout(capture_lesson("logistic"))
    assert second is first and (cache.hits, cache.misses) == (1, 1)
    cache.layout(tr, collapsed=frozenset({"x"}))  # another DOT text (same here, no modules) -> hit
    assert cache.misses == 1
    cache.layout(capture_lesson("logits"))
    assert cache.misses == 2 and len(cache) == 2


@pytest.mark.parametrize("threshold", [300])
def test_big_chain_without_modules_collapses_nothing(threshold):
    from gradviz.core.capture.capture import capture_program

    tr = capture_program("x = torch.tensor(1.0, requires_grad=True)\ny = x\nfor i in range(400):\n    y = y * 1.0")
    assert choose_collapsed(tr, threshold) == frozenset()
