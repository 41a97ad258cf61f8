"""Multi-output ops in the Trace: output nodes, their edges, passes, steps, formulas, json and wire."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from gradviz.core.capture.capture import capture_program
from gradviz.core.export import to_json
from gradviz.core.formulas import local_step
from gradviz.core.run.trace_wire import from_plain, to_plain
from gradviz.core.stepping.steps import BACKWARD, FORWARD, build_steps, state_at
from tests.core.run.traces import same_trace

CHUNK = ("x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)\n"
         "p, q = x.chunk(2)\n"
         "a = p * 2\n"
         "b = q * 3\n"
         "c = q * q\n"
         "loss = a.sum() + b.sum() + c.sum()\n")


@pytest.fixture(scope="module")
def chunk():
    return capture_program(CHUNK)


def test_each_output_is_a_node_with_its_own_value_gradient_and_name(chunk):
    p, q = chunk.find("p"), chunk.find("q")
    assert (p.kind, p.op, p.output_nr) == ("op", "SplitBackward0", 0)
    assert (q.kind, q.op, q.output_nr) == ("output", "output 1", 1)
    assert p.value.data.tolist() == [[1.0, 2.0, 3.0]] and q.value.data.tolist() == [[4.0, 5.0, 6.0]]
    assert p.grad.data.tolist() == [[2.0, 2.0, 2.0]]
    assert q.grad.data.tolist() == [[11.0, 13.0, 15.0]]  # 3 + 2q: both of q's uses summed
    assert chunk.find("x").grad.data.tolist() == [[2.0, 2.0, 2.0], [11.0, 13.0, 15.0]]
    # the op node feeds its output node; q's consumers hang off q, p's off the op node
    assert [(e.source, e.slot) for e in chunk.inputs_of(q.id)] == [(p.id, 0)]
    assert {chunk.node(e.target).label for e in chunk.consumers_of(q.id)} == {"b", "c"}
    assert {chunk.node(e.target).label for e in chunk.consumers_of(p.id)} == {"a", "q"}
    assert chunk.variables["q"] == q.id


def test_the_output_node_comes_just_before_its_op_in_the_pass(chunk):
    (p,) = chunk.passes
    split, out = chunk.find("p").id, chunk.find("q").id
    assert p.order.index(out) == p.order.index(split) - 1
    assert p.grad_outputs[out][0] is p.grad_inputs[out][0]  # handed on unchanged
    assert p.grad_outputs[split][0].data.tolist() == [[2.0, 2.0, 2.0]]


def test_steps_keep_outputs_with_their_op_and_never_sum_two_outputs(chunk):
    steps = build_steps(chunk)
    forward = [s.node_id for s in steps if s.phase == FORWARD]
    split, out = chunk.find("p").id, chunk.find("q").id
    assert forward.index(out) == forward.index(split) + 1
    back = [s for s in steps if s.phase == BACKWARD]
    at_out = next(s.index for s in back if s.node_id == out)
    state = state_at(chunk, steps, at_out)
    assert state.grads[out].data.tolist() == [[11.0, 13.0, 15.0]] and split in state.pending
    # the split waits for p's gradient (from a) only; q's arrives as its own output, not in a sum
    parts = state.contributions[split]
    assert [chunk.node(c.from_node).label for c in parts] == ["a"]


def test_formulas_of_an_output_node_and_of_its_op(chunk):
    out, split = chunk.find("q").id, chunk.find("p").id
    f = local_step(chunk, 0, out)
    assert f.all_match and "output 1" in f.rule and "SplitBackward0" in f.rule
    assert f.terms[0].captured.data.tolist() == [[11.0, 13.0, 15.0]]
    g = local_step(chunk, 0, split)
    assert g.form == "generic" and "2 outputs" in g.note


def test_json_export_carries_output_nodes(chunk):
    doc = json.loads(json.dumps(to_json(chunk), allow_nan=False))
    assert doc["gradviz"] == 2
    q = next(n for n in doc["nodes"] if n["label"] == "q")
    assert (q["kind"], q["op"], q["output_nr"], q["value"]) == ("output", "output 1", 1, [[4.0, 5.0, 6.0]])
    assert all(n["output_nr"] == 0 for n in doc["nodes"] if n["kind"] != "output")
    assert doc["passes"][0]["grads"][q["id"]] == [[11.0, 13.0, 15.0]]


def test_output_nodes_cross_the_wire(chunk):
    same_trace(from_plain(to_plain(chunk)), chunk)


def test_only_the_outputs_named_or_used_are_shown():
    tr = capture_program("x = torch.arange(12.0).reshape(4, 3).requires_grad_()\nthird = x.unbind(0)[2]\n"
                         "loss = (third * third).sum()")
    (out,) = [n for n in tr.nodes if n.kind == "output"]
    assert (out.label, out.output_nr, out.value.data.tolist()) == ("third", 2, [6.0, 7.0, 8.0])
    assert out.grad.data.tolist() == [12.0, 14.0, 16.0]
    unbind = tr.by_op("UnbindBackward0")[0]
    assert unbind.label == "" and unbind.grad is None  # output 0 was not used: no gradient for it
    assert tr.find("x").grad.data.tolist() == [[0.0] * 3] * 2 + [[12.0, 14.0, 16.0], [0.0] * 3]


def test_a_root_that_is_a_further_output():
    tr = capture_program("x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)\nlo, hi = x.split(2)\n",
                         root="hi")
    assert tr.node(tr.root).label == "hi" and tr.node(tr.root).kind == "output"
    assert tr.passes[0].roots == (tr.root,)
    assert tr.find("x").grad.data.tolist() == [0.0, 0.0, 1.0, 1.0]


def test_inner_multi_output_nodes_of_a_composite_op_get_output_nodes():
    # an LSTM cell splits its gates inside lstm_cell: the gates' node has four outputs, three of
    # them output nodes whose values the consumers' saved tensors hold
    tr = capture_program("torch.manual_seed(0)\ncell = nn.LSTMCell(2, 3)\nx = torch.randn(1, 2)\n"
                         "h, c = cell(x)\nloss = (h + c).sum()")
    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(2, 3)
    h, c = cell(torch.randn(1, 2))
    (h + c).sum().backward()
    assert np.allclose(tr.find("h").value.data, h.detach().numpy())
    assert np.allclose(tr.find("cell.weight_ih").grad.data, cell.weight_ih.grad.numpy(), rtol=1e-5)
    for node in (n for n in tr.nodes if n.kind == "output"):
        owner = tr.node(tr.inputs_of(node.id)[0].source)
        assert node.internal_to == owner.internal_to and node.shape
