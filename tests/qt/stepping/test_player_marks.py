"""What the player puts on the canvas: the indexed state equals the stepper's, fan-in sums, .grad accumulating."""

from __future__ import annotations

import pytest

from gradviz.core.capture.capture import capture_program
from gradviz.core.lessons.catalogue import LESSONS, capture_lesson
from gradviz.core.stepping.marks import PENDING_TEXT, StepIndex, contribution_text
from gradviz.core.stepping.steps import BACKWARD, build_steps, iter_steps, state_at

FAN_IN = "a = torch.tensor(1.0, requires_grad=True)\nb = a * 3\nc = b * b"
LESSONS_WITH_GRAPHS = [name for name in LESSONS if name not in ("no-grad", "fashion-mlp", "toy-train")]


def _same_state(a, b) -> bool:
    # As text: a NaN gradient (the nan lesson) equals itself there.
    def grads(state):
        return {k: None if v is None else repr(v.data.tolist()) for k, v in state.grads.items()}

    def parts(state):
        return {k: [(c.from_node, c.slot, None if c.value is None else repr(c.value.data.tolist())) for c in v]
                for k, v in state.contributions.items()}

    return (a.position, a.step, a.values, a.pending) == (b.position, b.step, b.values, b.pending) \
        and grads(a) == grads(b) and parts(a) == parts(b)


@pytest.mark.parametrize("name", LESSONS_WITH_GRAPHS)
def test_the_indexed_state_is_the_steppers_state_at_every_position(name):
    trace = capture_lesson(name)
    steps = build_steps(trace)
    index = StepIndex(trace, steps)
    for position in range(-1, len(steps)):
        assert _same_state(index.state(position), state_at(trace, steps, position)), position


def test_fan_in_shows_both_contributions_and_their_total_while_pending():
    trace = capture_program(FAN_IN)
    steps = build_steps(trace)
    index = StepIndex(trace, steps)
    b, c = trace.find("b").id, trace.find("c").id
    at_c = next(s.index for s in steps if s.phase == BACKWARD and s.node_id == c)
    marks = index.marks(at_c)
    assert marks.nodes[b] == ("pending", "∇ 3 + 3 = 6", "note")
    assert marks.nodes[trace.find("a").id] == ("pending", PENDING_TEXT, "note")
    assert marks.nodes[c][0] == "current"
    # Once b's step runs, its badge is the summed gradient, final and blue.
    assert index.marks(at_c + 1).nodes[b] == ("current", "∇ 6", "grad")
    # Both edges b → c carry a gradient on c's step (one per use).
    assert sorted(k for k, v in marks.edges.items() if v == "grad_flow") == [(b, c, 0), (b, c, 1)]


def test_a_leaf_badge_shows_grad_accumulating_over_passes():
    trace = capture_lesson("vjp")
    steps = build_steps(trace)
    index = StepIndex(trace, steps)
    inp = trace.find("inp").id
    texts = [index.marks(s.index).nodes[inp] for s in steps if s.phase == BACKWARD and s.node_id == inp]
    # Row 0 of inp.grad: [4, 2, 2, 2, 2] → [8, 4, …] → zeroed, [4, 2, …] again.
    assert [t[1] for t in texts] == ["∇ ∈ [2, 4]", "∇ ∈ [4, 8]", "∇ ∈ [2, 4]"]
    assert all(t == ("current", t[1], "grad") for t in texts)


def test_before_the_first_step_the_marks_are_the_after_run_badges():
    trace = capture_lesson("logistic")
    index = StepIndex(trace, build_steps(trace))
    marks = index.marks(-1)
    assert marks.step is None and marks.nodes[trace.find("w1").id] == (None, "∇ -0.0898", "grad")
    assert marks.nodes[trace.find("x1").id] == (None, "", "grad")
    assert set(marks.edges.values()) == {None}


def test_a_pass_that_does_not_visit_a_node_leaves_it_plain():
    trace = capture_lesson("logistic")  # pass 2 is autograd.grad(loss, b): it never reaches w1
    steps = build_steps(trace)
    index = StepIndex(trace, steps)
    second = next(s.index for s in steps if s.phase == BACKWARD and s.pass_index == 1)
    marks = index.marks(second)
    assert marks.nodes[trace.find("w1").id] == (None, "", "grad")
    assert marks.nodes[trace.find("x1").id] == (None, "", "grad")


def test_contribution_text_of_tensors_sums_without_writing_ranges_out():
    trace = capture_program("a = torch.ones(3, requires_grad=True)\nb = a * 2\nc = (b * b).sum()")
    steps = build_steps(trace)
    index = StepIndex(trace, steps)
    mul = next(s.index for s in steps if s.phase == BACKWARD and trace.node(s.node_id).op == "MulBackward0")
    parts = index.state(mul).contributions[trace.find("b").id]
    assert contribution_text(parts) == "∇ Σ2 parts = [4, 4, 4]"


def chunked_steps(trace, chunk=3):
    out = []
    yielded = list(iter_steps(trace, out, chunk=chunk))
    assert yielded[0] == 0 and yielded == sorted(yielded)
    return out[0]


@pytest.mark.parametrize("name", ["logistic", "vjp", "mlp", "softmax"])
def test_chunked_steps_are_build_steps(name):
    trace = capture_lesson(name)
    assert chunked_steps(trace) == build_steps(trace)


def test_chunked_steps_of_a_fan_in_keep_both_edges_in_slot_order():
    trace = capture_program(FAN_IN)
    steps = chunked_steps(trace)
    assert steps == build_steps(trace)
    into_c = next(s for s in steps if s.node_id == trace.find("c").id and s.phase == "forward")
    assert [(e.source, e.slot) for e in into_c.edges] == [(trace.find("b").id, 0), (trace.find("b").id, 1)]
