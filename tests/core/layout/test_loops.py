"""The iterations of a program's for loops: recorded by the capture, folded one box each."""

from __future__ import annotations

import pytest

from gradviz.core.capture.capture import capture_program
from gradviz.core.layout import grouping
from gradviz.core.layout.dot import build_dot
from gradviz.core.layout.grouping import (
    default_folds,
    fold_note,
    group_path,
    group_title,
    loop_counts,
    module_box_lines,
    visible_count,
)
from gradviz.core.layout.module_boxes import expand_one_level, inside
from gradviz.core.run.trace_wire import from_plain, to_plain


def loop(n: int) -> str:
    return ("x = torch.tensor(0.5, requires_grad=True)\nw = torch.tensor(1.001, requires_grad=True)\ny = x\n"
            f"for i in range({n}):\n    y = y * w + 0.01\nloss = y\n")


def test_each_op_knows_its_loop_iteration_and_leaves_made_before_the_loop_none():
    trace = capture_program(loop(5))
    ops = [n for n in trace.nodes if n.kind == "op"]
    assert [n.loop for n in ops] == [((4, i // 2, 5),) for i in range(10)]
    assert trace.find("w").loop == () and trace.find("x").loop == ()
    assert [n.loop for n in from_plain(to_plain(trace)).nodes] == [n.loop for n in trace.nodes]


def test_nested_loops_and_a_break():
    trace = capture_program("a = torch.tensor(1.0, requires_grad=True)\ns = a\nfor i in range(3):\n"
                            "    for j in range(4):\n        if j == 2:\n            break\n        s = s * a\n")
    muls = [n for n in trace.nodes if n.op == "MulBackward0"]
    assert [n.loop for n in muls][:3] == [((3, 0, 3), (4, 0, 3)), ((3, 0, 3), (4, 1, 3)), ((3, 1, 3), (4, 0, 3))]
    assert group_path(muls[1]) == "for@3.1.for@4.2"
    assert loop_counts(trace) == {"for@3": 3, "for@3.1.for@4": 3, "for@3.2.for@4": 3, "for@3.3.for@4": 3}


def test_a_long_loop_opens_as_one_box_and_opens_into_its_iterations():
    trace = capture_program(loop(300))
    folds = default_folds(trace)
    assert folds == frozenset({"for@4"})
    assert visible_count(trace, folds) == 3  # x, w and the loop
    assert group_title(trace, "for@4") == "for loop, line 4 · 300 iterations"
    assert "the loop at line 4 ran 300 times" in fold_note(trace, folds)
    opened = expand_one_level(trace, folds, "for@4")
    assert len(opened) == 300 and "for@4.17" in opened
    assert group_title(trace, "for@4.17") == "iteration 17 of 300"
    assert module_box_lines(trace, "for@4.17")[0] == "iteration 17 of 300"
    assert len(inside(trace, "for@4.17")) == 2
    build = build_dot(trace, collapsed=opened - {"for@4.17"})
    assert build.names["module_for_4_16"] == "module:for@4.16" and "n34" in build.names  # 17's own nodes


def test_a_short_loop_folds_each_iteration_and_a_one_op_loop_stays_a_chain():
    assert default_folds(capture_program(loop(20))) == frozenset(f"for@4.{k}" for k in range(1, 21))
    chain = capture_program("y = torch.tensor(1.0, requires_grad=True)\nfor i in range(50):\n    y = y * 1.01\n")
    assert default_folds(chain) == frozenset()
    assert "cluster" not in build_dot(chain).source  # 50 iterations: no frame each
    few = build_dot(capture_program(loop(3)))
    assert set(few.clusters.values()) == {"for@4", "for@4.1", "for@4.2", "for@4.3"}


@pytest.mark.parametrize("steps,body", [(5, "y = y * 1.5"), (12, "y = y * 1.5"), (12, "y = torch.sin(y) * 1.5"),
                                        (80, "y = torch.sin(y) * 1.5"), (300, "y = y * 1.01")])
def test_loops_not_nested_are_counted_and_folded_as_the_general_path_does(steps, body):
    # Loops that run inside no other take a fast path (by line number): the same answers.
    program = ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"
               f"for i in range({steps}):\n    {body}\nz = y\nfor j in range(11):\n    z = torch.cos(z) + y\n"
               "loss = z\n")
    trace = capture_program(program)
    loops_run = [node.loop for node in trace.nodes if node.loop]
    assert loops_run and all(len(loops) == 1 for loops in loops_run)
    counts = grouping._loop_counts(trace)
    assert counts == grouping._nested_counts(loops_run) and counts["for@3"] == steps and counts["for@6"] == 11
    assert grouping.default_folds(trace) == grouping._nested_folds(counts, loops_run)


@pytest.mark.parametrize("steps", [3, 12, 60, 300])
def test_the_framed_paths_of_a_trace_are_the_general_paths_framed(steps):
    # framed_group_paths skips sorting a long loop's iteration paths it drops: same answer.
    program = ("torch.manual_seed(0)\nmodel = nn.Sequential(nn.Linear(2, 2), nn.Tanh())\n"
               "x = torch.randn(1, 2)\ny = model(x)\n"
               f"for i in range({steps}):\n    y = torch.sin(y) * 1.01\nloss = y.sum()\n")
    trace = capture_program(program)
    expected = sorted(grouping.framed_paths(grouping.module_paths(trace)))
    assert grouping.framed_group_paths(trace) == expected
    assert "model.0" in expected and ("for@5.1" in expected) == (steps + 1 <= grouping.MAX_LOOP_FRAMES)
