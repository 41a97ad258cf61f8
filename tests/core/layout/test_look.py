"""The boxes' look: beginner labels, the font size they are sized for, layers that stack, one level opened."""

from __future__ import annotations

import pytest

from gradviz.core.capture.capture import capture_program
from gradviz.core.layout.dot import build_dot, node_lines
from gradviz.core.layout.labels import Look, beginner_lines, symbol
from gradviz.core.layout.layout import layout
from gradviz.core.layout.module_boxes import expand_one_level
from gradviz.core.layout.plan import Drawing, StagedLayoutCache
from gradviz.core.lessons.catalogue import capture_lesson


def test_beginner_labels_write_the_operation_name_and_data():
    trace = capture_lesson("logistic")
    lines = {n.label or n.op: beginner_lines(n) for n in trace.nodes}
    assert lines["z"] == ("+", "z", "data 2.42")
    assert lines["a"] == ("σ", "a", "data 0.9183")
    assert lines["w1"] == ("w1", "data 2.2")
    assert lines["MulBackward0"] == ("×", "data 2.42")
    assert lines["loss"][0] == "BCE loss"
    assert node_lines(trace.find("z"))[0] == "AddBackward0"  # PyTorch's names stay the default


def test_symbols_of_powers_and_unknown_ops():
    trace = capture_program("x = torch.tensor(2.0, requires_grad=True)\ny = x ** 2\nz = torch.clamp(y, 0, 3)")
    assert symbol(trace.find("y")) == "x²"
    assert symbol(trace.find("z")) == "clamp"


def test_the_look_sizes_the_boxes_and_reaches_the_layout():
    trace = capture_lesson("logistic")
    small, big = layout(trace), layout(trace, look=Look(19.0))
    z = trace.find("z").id
    assert small.nodes[z].font_size == 11.0 and big.nodes[z].font_size == 19.0
    assert big.nodes[z].height > small.nodes[z].height * 1.5 and big.nodes[z].width > small.nodes[z].width * 1.5
    beginner = layout(trace, look=Look(19.0, "beginner"))
    assert beginner.nodes[z].lines == ("+", "z", "data 2.42") and beginner.look == Look(19.0, "beginner")
    assert "fontsize=19" in build_dot(trace, look=Look(19.0)).source
    with pytest.raises(ValueError):
        Look(11.0, "fancy")


def test_a_drawing_in_another_look_is_laid_out_again_not_reused():
    trace = capture_lesson("logistic")
    cache = StagedLayoutCache()
    first = cache.plan(trace)
    again = cache.plan(trace, previous=Drawing(trace, first.layout))
    assert again.reused
    bigger = cache.plan(trace, previous=Drawing(trace, first.layout), look=Look(15.0))
    assert not bigger.reused and bigger.layout.look.font_size == 15.0


def test_twenty_layers_stack_instead_of_stepping_sideways():
    trace = capture_lesson("deep-mlp")
    drawn = layout(trace)
    # Before: every layer's frame beside the previous one, 4,946 points wide.
    assert drawn.width < 700 and drawn.height > 10 * drawn.width
    frames = sorted((c for c in drawn.clusters if c.path.count(".") == 1), key=lambda c: c.y)
    assert all(a.y + a.height / 2 <= b.y - b.height / 2 + 1 for a, b in zip(frames, frames[1:]))


def test_opening_a_big_module_opens_one_level():
    trace = capture_lesson("deep-mlp")
    opened = expand_one_level(trace, frozenset({"layers"}), "layers")
    assert opened == frozenset(f"layers.{k}" for k in range(39))
    # A small module opens whole.
    assert expand_one_level(trace, frozenset({"layers.0"}), "layers.0") == frozenset()
    mlp = capture_lesson("custom-layers")
    assert expand_one_level(mlp, frozenset({"mlp"}), "mlp") == frozenset()


def test_the_softmax_lessons_two_graphs_stand_side_by_side_as_its_text_says():
    from gradviz.core.lessons.catalogue import LESSONS

    trace = capture_lesson("softmax")
    drawn = layout(trace)
    manual = [trace.find(n).id for n in ("exp_Z", "softmax", "per_sample", "loss_manual")]
    builtin = [trace.find("loss_builtin").id, trace.node(trace.find("loss_builtin").id).id]
    builtin += [e.source for e in trace.inputs_of(trace.find("loss_builtin").id) if trace.node(e.source).kind == "op"]
    right_edge = max(drawn.nodes[i].x + drawn.nodes[i].width / 2 for i in manual)
    assert all(drawn.nodes[i].x - drawn.nodes[i].width / 2 > right_edge for i in builtin)
    assert "On the left" in LESSONS["softmax"].text
    # One note for both of gradviz's backward calls, not the same sentence twice.
    assert trace.notes == ("The program does not call backward, so gradviz ran loss_manual.backward() and "
                           "loss_builtin.backward() to show gradients.",)
