"""Capture against torch: structure, values, gradients, saved tensors, engine order."""

import sys

import pytest
import torch
import torch.nn.functional as F

from gradviz.core.capture.capture import capture_module, capture_program
from gradviz.core.lessons.catalogue import LESSONS
from gradviz.core.lessons.models import NeuralNetwork
from gradviz.core.program.interpreter import ProgramError
from gradviz.core.trace import TensorValue

LOGISTIC_FORWARD = """\
y = torch.tensor([1.0])
x1 = torch.tensor([1.1])
w1 = torch.tensor([2.2], requires_grad=True)
b = torch.tensor([0.0], requires_grad=True)
z = x1 * w1 + b
a = torch.sigmoid(z)
loss = F.binary_cross_entropy(a, y)
"""


def close(value, expected, rel=1e-5):
    return torch.allclose(torch.as_tensor(value, dtype=torch.float64),
                          torch.as_tensor(expected, dtype=torch.float64), rtol=rel, atol=1e-7)


def oracle_logistic():
    y, x1 = torch.tensor([1.0]), torch.tensor([1.1])
    w1 = torch.tensor([2.2], requires_grad=True)
    b = torch.tensor([0.0], requires_grad=True)
    z = x1 * w1 + b
    z.retain_grad()
    a = torch.sigmoid(z)
    a.retain_grad()
    loss = F.binary_cross_entropy(a, y)
    loss.backward()
    return dict(z=z, a=a, loss=loss, w1=w1, b=b)


def test_logistic_nodes_edges_and_kinds():
    tr = capture_program(LOGISTIC_FORWARD)
    ops = [(n.id, n.kind, n.op, n.label) for n in tr.nodes]
    assert ops == [
        ("n0", "constant", "Constant", "x1"),
        ("n1", "leaf", "AccumulateGrad", "w1"),
        ("n2", "op", "MulBackward0", ""),
        ("n3", "leaf", "AccumulateGrad", "b"),
        ("n4", "op", "AddBackward0", "z"),
        ("n5", "op", "SigmoidBackward0", "a"),
        ("n6", "constant", "Constant", "y"),
        ("n7", "op", "BinaryCrossEntropyBackward0", "loss"),
    ]
    assert tr.root == "n7"
    edges = {(e.source, e.target, e.slot) for e in tr.edges}
    assert edges == {("n0", "n2", 0), ("n1", "n2", 1), ("n2", "n4", 0), ("n3", "n4", 1),
                     ("n4", "n5", 0), ("n5", "n7", 0), ("n6", "n7", 1)}
    assert not any("torch::" in n.op for n in tr.nodes)
    assert tr.node("n1").line == 3 and tr.node("n7").line == 7


def test_logistic_values_and_gradients_match_torch():
    tr = capture_program(LOGISTIC_FORWARD)
    ref = oracle_logistic()
    assert close(tr.find("z").value.data, ref["z"].detach())
    assert close(tr.find("a").value.data, ref["a"].detach())
    assert close(tr.find("loss").value.data, ref["loss"].detach())
    assert close(tr.find("w1").grad.data, ref["w1"].grad)
    assert close(tr.find("b").grad.data, ref["b"].grad)
    # gradient arriving at a node = the gradient w.r.t. its output (what retain_grad gives)
    assert close(tr.find("a").grad.data, ref["a"].grad)
    assert close(tr.find("z").grad.data, ref["z"].grad)
    assert tr.find("x1").value.data.tolist() == pytest.approx([1.1])
    # lessons.md figures
    assert tr.find("z").value.item() == pytest.approx(2.42, rel=1e-5)
    assert tr.find("a").value.item() == pytest.approx(0.918340, abs=1e-6)
    assert tr.find("loss").value.item() == pytest.approx(0.085188, abs=1e-6)
    assert tr.find("a").grad.item() == pytest.approx(-1.088922, abs=1e-6)
    assert tr.find("z").grad.item() == pytest.approx(-0.081660, abs=1e-6)
    assert tr.find("w1").grad.item() == pytest.approx(-0.089826, abs=1e-6)
    assert tr.find("b").grad.item() == pytest.approx(-0.081660, abs=1e-6)


def test_logistic_engine_order_and_grad_flow():
    tr = capture_program(LOGISTIC_FORWARD)
    (p,) = tr.passes
    assert p.implicit and p.call == "loss.backward()"
    assert len(p.order) == 6
    assert set(p.order) == {n.id for n in tr.nodes if n.kind != "constant"}
    assert p.order[0] == "n7"
    pos = {nid: i for i, nid in enumerate(p.order)}
    for e in tr.edges:  # a node runs after every node that consumes its output
        if tr.node(e.source).kind != "constant":
            assert pos[e.source] > pos[e.target]
    # grad leaving MulBackward0: None for x1's slot, w1's gradient for slot 1
    gi = p.grad_inputs["n2"]
    assert gi[0] is None and gi[1].item() == pytest.approx(-0.089826, abs=1e-6)
    assert p.arriving("n7").item() == 1.0


def test_logistic_lesson_records_three_calls():
    tr = capture_program(LESSONS["logistic"].program)
    assert [len(p.order) for p in tr.passes] == [4, 3, 6]
    assert [p.line for p in tr.passes] == [10, 11, 12]
    assert tr.passes[0].call.startswith("grad_L_w1 = torch.autograd.grad(")
    assert not any(p.implicit for p in tr.passes)
    assert "n1" not in tr.passes[0].order  # autograd.grad does not run w1's AccumulateGrad
    assert tr.find("w1").grad.item() == pytest.approx(-0.089826, abs=1e-6)


def test_saved_tensors_with_enum_names_and_none_explained():
    tr = capture_program(LOGISTIC_FORWARD)
    bce = {s.name: s for s in tr.find("loss").saved}
    assert bce["reduction"].text == '"mean"'
    assert bce["target"].value.data.tolist() == [1.0]
    assert bce["self"].value.item() == pytest.approx(0.918340, abs=1e-6)
    assert bce["weight"].value is None and "needs no grad" in bce["weight"].note
    mul = {s.name: s for s in tr.by_op("MulBackward0")[0].saved}
    assert mul["self"].value.data.tolist() == pytest.approx([1.1])
    assert mul["other"].value is None and mul["other"].note
    sig = {s.name: s for s in tr.find("a").saved}
    assert sig["result"].value.item() == pytest.approx(0.918340, abs=1e-6)


def test_fan_out_keeps_both_edges():
    tr = capture_program("a = torch.tensor(1.0, requires_grad=True)\nb = a + a\nc = b + b")
    assert tr.find("a").grad.item() == 4.0
    b = tr.find("b")
    into_b = [(e.source, e.slot) for e in tr.inputs_of(b.id)]
    assert into_b == [("n0", 0), ("n0", 1)]
    into_c = [(e.source, e.slot) for e in tr.inputs_of(tr.find("c").id)]
    assert into_c == [(b.id, 0), (b.id, 1)]


def test_detach_makes_a_constant_node():
    tr = capture_program("w = torch.tensor(2.0, requires_grad=True)\nh = (w * 3).detach() * w")
    assert tr.find("w").grad.item() == 6.0
    consts = [n for n in tr.nodes if n.kind == "constant"]
    assert len(consts) == 1 and consts[0].label == "detach(…)"
    assert consts[0].value.item() == 6.0
    assert [e.target for e in tr.consumers_of(consts[0].id)] == [tr.find("h").id]
    # the MulBackward0 that fed detach is not part of h's graph
    assert len(tr.by_op("MulBackward0")) == 1


def test_ten_thousand_op_chain_at_default_recursion_limit():
    assert sys.getrecursionlimit() <= 1000 or True  # the walk must not depend on it
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        tr = capture_program("x = torch.tensor(1.0, requires_grad=True)\ny = x\n"
                             "for i in range(10000):\n    y = y * 1.0\nloss = y")
    finally:
        sys.setrecursionlimit(old)
    assert len(tr.by_op("MulBackward0")) == 10000
    assert len(tr.nodes) == 10001
    assert len(tr.passes[0].order) == 10001
    assert tr.find("x").grad.item() == 1.0


def test_same_program_same_ids_and_numbers():
    a = capture_program(LESSONS["logistic"].program)
    b = capture_program(LESSONS["logistic"].program)
    assert [(n.id, n.op, n.label) for n in a.nodes] == [(n.id, n.op, n.label) for n in b.nodes]
    assert a.edges == b.edges
    assert [p.order for p in a.passes] == [p.order for p in b.passes]
    assert a.find("w1").grad.item() == b.find("w1").grad.item()


def test_no_hook_handles_left_behind():
    tr = capture_program(LOGISTIC_FORWARD)
    assert tr.passes  # and the recorder's hooks on the real graph are gone:
    ns_tr = capture_program(LOGISTIC_FORWARD + "loss.backward()\n")
    assert len(ns_tr.passes) == 1
    assert ns_tr.find("w1").grad.item() == pytest.approx(-0.089826, abs=1e-6)
    assert not torch.nn.modules.module._global_forward_hooks
    assert not torch.nn.modules.module._global_forward_pre_hooks


@pytest.mark.parametrize(
    ("program", "words"),
    [
        ("x = torch.ones(5)\nw = torch.randn(5, 3, requires_grad=True)\nwith torch.no_grad():\n"
         "    z = torch.matmul(x, w)", "z has no grad_fn because it was computed inside torch.no_grad(), line 4"),
        ("w = torch.ones(3, requires_grad=True)\nz = (w * 2).detach()", "z has no grad_fn because it was cut from the graph by .detach(), line 2"),
        ("a = torch.ones(3)\nz = a * 2", "z has no grad_fn because none of the tensors it was computed from requires grad, line 2"),
        ("w = torch.ones(3, requires_grad=True)", "w is a leaf tensor with requires_grad=True"),
        ("n = 3", "no tensors"),
    ],
)
def test_no_graph_is_explained(program, words):
    tr = capture_program(program)
    assert tr.is_empty and tr.root is None
    assert words in tr.explanation


def test_root_choice():
    prog = "w = torch.ones(2, requires_grad=True)\nloss = (w * 2).sum()\nother = w * 5\n"
    assert capture_program(prog).node(capture_program(prog).root).label == "loss"
    tr = capture_program(prog, root="other")
    assert tr.node(tr.root).label == "other"
    assert tr.notes and "torch.ones_like(other)" in tr.notes[0]
    tr = capture_program("w = torch.ones(2, requires_grad=True)\nh = w * 2\nk = h.sum()\nn = 3")
    assert tr.node(tr.root).label == "k"
    with pytest.raises(ProgramError):
        capture_program(prog, root="nope")


def test_module_built_in_program_labels_and_module_paths():
    tr = capture_program("torch.manual_seed(0)\nmodel = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))\n"
                         "x = torch.randn(2, 3)\nout = model(x).sum()")
    labels = {n.label for n in tr.nodes if n.kind == "leaf"}
    assert labels == {"model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias"}
    assert tr.by_op("ReluBackward0")[0].module == "model.1"
    assert {n.module for n in tr.by_op("AddmmBackward0")} == {"model.0", "model.2"}
    assert tr.find("x").module == ""


def test_capture_module_labels_by_named_parameters_and_matches_torch():
    torch.manual_seed(123)
    model = NeuralNetwork(50, 3)
    torch.manual_seed(123)
    X = torch.rand((1, 50))
    tr = capture_module(model, X)
    w = tr.find("layers.0.weight")
    assert w.shape == (30, 50) and w.module == "layers.0"
    ref = model(X)
    ref.backward(torch.ones_like(ref))
    assert close(tr.find("output").value.data, ref.detach())
    assert close(w.grad.data, model.layers[0].weight.grad / 2)  # .grad accumulated twice: ours, then ref
    assert tr.node(tr.root).op == "AddmmBackward0"


def test_internal_nodes_of_composite_ops():
    tr = capture_program("torch.manual_seed(0)\nZ = torch.randn(4, 3, requires_grad=True)\n"
                         "y = torch.tensor([0, 1, 2, 2])\nloss = F.cross_entropy(Z, y)")
    (ls,) = tr.by_op("LogSoftmaxBackward0")
    assert ls.internal_to == "F.cross_entropy"
    Z = tr.find("Z").value.data
    assert close(ls.value.data, torch.log_softmax(torch.as_tensor(Z), dim=1))
    tr = capture_program("torch.manual_seed(0)\nlin = nn.Linear(3, 2)\nx = torch.ones(1, 3)\nout = lin(x).sum()")
    (t,) = tr.by_op("TBackward0")
    assert t.internal_to == "linear" and t.shape == (3, 2)


def test_runtime_error_is_a_program_error():
    with pytest.raises(ProgramError) as info:
        capture_program("a = torch.ones(2, 3, requires_grad=True)\nb = a @ torch.ones(2, 3)")
    assert info.value.line == 2


def test_higher_order_nodes_are_marked():
    tr = capture_program("x = torch.tensor(3.0, requires_grad=True)\ny = x ** 3\n"
                         "g, = torch.autograd.grad(y, x, create_graph=True)\ng.backward()")
    g = tr.find("g")
    assert g.value.item() == 27.0 and g.internal_to == "backward (create_graph=True)"
    made = [n for n in tr.nodes if n.internal_to == "backward (create_graph=True)"]
    assert len(made) >= 2
    assert tr.find("y").internal_to == ""
    assert tr.find("x").grad.item() == 18.0  # d²(x³)/dx² = 6x


def test_program_output_is_kept():
    tr = capture_program("w = torch.ones(1, requires_grad=True)\nprint('hi', 2)\nloss = w * 2")
    assert tr.output == ("hi 2",)


def test_override_a_leaf_and_rerun_matches_torch():
    tr = capture_program(LOGISTIC_FORWARD, overrides={"w1": 1.0})
    y, x1 = torch.tensor([1.0]), torch.tensor([1.1])
    w1 = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([0.0], requires_grad=True)
    loss = F.binary_cross_entropy(torch.sigmoid(x1 * w1 + b), y)
    loss.backward()
    assert tr.find("w1").value.item() == 1.0
    assert tr.find("loss").value.item() == pytest.approx(loss.item(), rel=1e-6)
    assert tr.find("w1").grad.item() == pytest.approx(w1.grad.item(), rel=1e-6)
    assert tr.find("b").grad.item() == pytest.approx(b.grad.item(), rel=1e-6)
    assert [n.id for n in tr.nodes] == [n.id for n in capture_program(LOGISTIC_FORWARD).nodes]
    with pytest.raises(ProgramError, match="does not fit"):
        capture_program(LOGISTIC_FORWARD, overrides={"w1": [1.0, 2.0]})


def test_a_gradient_passed_on_unchanged_is_copied_once_and_sums_are_not_shared():
    # b = 2·x·x with x used twice: the gradients for the product's two inputs are separate tensors,
    # and x's AccumulateGrad receives their sum: none of those may share a copy.
    tr = capture_program("x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
                         "a = x * x\nb = a * 2.0\nloss = b.sum()\n")
    p = tr.passes[0]
    total, acc = tr.by_op("SumBackward0")[0].id, tr.by_op("AccumulateGrad")[0].id
    square, double = (n.id for n in tr.by_op("MulBackward0"))  # forward order: x*x, then a*2
    # b's gradient leaves SumBackward0 and arrives at b's node as the same tensor: one copy.
    assert p.grad_inputs[total][0] is p.grad_outputs[double][0]
    assert p.grad_inputs[double][0] is p.grad_outputs[square][0]
    assert p.grad_inputs[double][0].data.tolist() == [2.0, 2.0]
    # x*x sends two gradients (one per use) that autograd sums before AccumulateGrad.
    first, second = p.grad_inputs[square]
    assert first is not second and first.data.tolist() == [2.0, 4.0] == second.data.tolist()
    arrived = p.grad_outputs[acc][0]
    assert arrived is not first and arrived.data.tolist() == [4.0, 8.0]
    assert tr.find("x").grad.data.tolist() == [4.0, 8.0]
    # order is the engine's: the root first, the leaf last
    assert p.order[0] == total and p.order[-1] == acc


def test_zero_tensors_are_copied_as_zeros():
    # abs's second derivative is a ZeroTensor: an all-zero tensor without storage for numpy.
    tr = capture_program("x = torch.tensor([1.0, -2.0], requires_grad=True)\ny = x.abs().sum()\n"
                         "g, = torch.autograd.grad(y, x, create_graph=True)\nh = (g * x).sum()\nh.backward()\n")
    assert tr.find("x").grad.data.tolist() == [1.0, -1.0]  # sgn(x) + x · 0
    small = TensorValue.from_tensor(torch._efficientzerotensor((2, 3)))
    big = TensorValue.from_tensor(torch._efficientzerotensor((200, 100)))
    assert small.data.tolist() == [[0.0] * 3] * 2 and big.summary == (0.0,) * 5


def test_initialising_parameters_under_no_grad_works_as_in_torch():
    # nn.init.orthogonal_ writes through a view made under no_grad; so does param[i].fill_()
    source = ("torch.manual_seed(0)\nlin = nn.Linear(4, 4)\nnn.init.orthogonal_(lin.weight)\n"
              "with torch.no_grad():\n    lin.bias[0].fill_(1.0)\nloss = lin(torch.ones(1, 4)).sum()\n")
    tr = capture_program(source)
    torch.manual_seed(0)
    lin = torch.nn.Linear(4, 4)
    torch.nn.init.orthogonal_(lin.weight)
    with torch.no_grad():
        lin.bias[0].fill_(1.0)
    lin(torch.ones(1, 4)).sum().backward()
    assert close(tr.find("lin.weight").value.data, lin.weight.detach())
    assert close(tr.find("lin.bias").value.data, lin.bias.detach())
    assert close(tr.find("lin.weight").grad.data, lin.weight.grad)


def test_a_run_stops_with_its_line_when_its_graph_outgrows_what_can_be_drawn(monkeypatch):
    # 300,000 multiplications once took the window to 7.4 GB; a run now stops at a bound.
    from gradviz.core.capture import recorder, recorder_passes
    from gradviz.core.program.errors import ProgramError

    monkeypatch.setattr(recorder, "MAX_GRAPH_NODES", 100)
    monkeypatch.setattr(recorder_passes, "MAX_BACKWARD_PASSES", 10)
    with pytest.raises(ProgramError) as grown:
        capture_program("x = torch.ones(1, requires_grad=True)\ny = x\nfor i in range(300):\n    y = y * 1.0\n"
                        "loss = y.sum()\n")
    assert (grown.value.kind, grown.value.line, grown.value.statement) == ("limit", 4, "y = y * 1.0")
    assert "more than 50,000 autograd nodes" in grown.value.message  # the message names the real bound
    with pytest.raises(ProgramError) as passes:
        capture_program("w = torch.ones(2, requires_grad=True)\nfor i in range(20):\n    loss = (w * 2).sum()\n"
                        "    loss.backward()\n")
    assert (passes.value.kind, passes.value.line) == ("limit", 4)
    assert "backward more than 5,000 times" in passes.value.message
    ninety = capture_program("x = torch.ones(1, requires_grad=True)\ny = x\nfor i in range(90):\n"
                             "    y = y * 1.0\nloss = y.sum()\n")
    assert len(ninety.nodes) == 92  # under the bound: drawn whole


@pytest.mark.parametrize(("program", "words"), [
    ("w = torch.randn(3, dtype=torch.cfloat, requires_grad=True)\nloss = (w * w).sum()\n", "real scalar outputs"),
    ("x = torch.ones(3, requires_grad=True)\nloss = (x * 2).to_sparse()\n", "SparseCPU"),
])
def test_a_root_torch_cannot_start_backward_from_is_told_at_its_line(program, words):
    # Once torch's own words at "__init__.py, line 216", with no line of the program.
    from gradviz.core.program.errors import ProgramError

    with pytest.raises(ProgramError) as info:
        capture_program(program)
    assert (info.value.kind, info.value.line) == ("runtime", 2)
    assert "gradviz ran loss.backward" in info.value.message and words in info.value.message
    assert "call backward yourself" in info.value.message and len(info.value.message) < 600
