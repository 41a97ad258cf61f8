"""Canvas marks and chain-rule text agree on every backward step of every lesson."""

from __future__ import annotations

import pytest

from gradviz.core.formulas import local_step
from gradviz.core.lessons.catalogue import LESSONS, capture_lesson
from gradviz.core.stepping.flow import CONSTANT, SENT, SKIPPED, flows
from gradviz.core.stepping.marks import StepIndex
from gradviz.core.stepping.steps import BACKWARD, build_steps

NOT_COMPUTED = ": not computed"


def computed_edges(trace, step):
    """The edges the chain-rule text works a gradient out for (every term not "not computed")."""
    formula = local_step(trace, step.pass_index, step.node_id)
    return {(t.source, step.node_id, t.slot) for t in formula.terms
            if t.source is not None and not t.symbolic.endswith(NOT_COMPUTED)}


@pytest.mark.parametrize("name", [n for n in LESSONS if n != "no-grad"])
def test_marked_edges_are_the_terms_the_text_computes_on_every_step(name):
    trace = capture_lesson(name)
    steps = build_steps(trace)
    index = StepIndex(trace, steps)
    checked = 0
    for step in steps:
        if step.phase != BACKWARD:
            continue
        marks = index.marks(step.index)
        passing = {key for key, mark in marks.edges.items() if mark == "grad_flow"}
        assert passing == computed_edges(trace, step), (name, step.label)
        checked += 1
    assert checked == sum(len(p.order) for p in trace.passes)


def test_autograd_grad_for_w1_only_marks_only_the_edge_to_w1s_product():
    trace = capture_lesson("logistic")
    steps = build_steps(trace)
    index = StepIndex(trace, steps)
    z, mul, b = trace.find("z").id, trace.node(trace.find("z").id), trace.find("b").id
    add_steps = [s for s in steps if s.phase == BACKWARD and s.node_id == z]
    assert len(add_steps) == 3  # autograd.grad for w1, for b, then loss.backward()
    mul_id = next(e.source for e in trace.inputs_of(mul.id) if e.source != b)
    expected = [{(mul_id, z, 0)}, {(b, z, 1)}, {(mul_id, z, 0), (b, z, 1)}]
    for step, want in zip(add_steps, expected):
        passing = {k for k, v in index.marks(step.index).edges.items() if v == "grad_flow"}
        assert passing == want
    first = trace.passes[0]
    assert [f.status for f in flows(trace, first, z)] == [SENT, SKIPPED]
    x1 = trace.find("x1").id
    assert [f.status for f in flows(trace, first, mul_id)] == [CONSTANT, SENT]
    assert x1 == trace.inputs_of(mul_id)[0].source
