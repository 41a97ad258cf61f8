"""local_step: every written-out formula, recomputed from captured values, equals autograd's gradient."""

import json
import subprocess
import sys
from dataclasses import replace
from functools import cache
from types import MappingProxyType

import numpy as np
import pytest

from gradviz.core.capture.capture import capture_program
from gradviz.core.formulas import COVERED_OPS, FORMS, Formula, local_step
from gradviz.core.lessons.catalogue import LESSONS, capture_lesson
from gradviz.core.run import codec
from gradviz.core.run import messages as _messages  # noqa: F401  (registers the trace records)
from gradviz.core.trace import TensorValue

# The ops the formulas must cover (the brief's list, as torch 2.13 names them).
REQUIRED = {
    "AddBackward0", "SubBackward0", "MulBackward0", "DivBackward0", "NegBackward0", "PowBackward0",
    "ExpBackward0", "LogBackward0", "SigmoidBackward0", "TanhBackward0", "ReluBackward0",
    "MmBackward0", "AddmmBackward0", "SqueezeBackward4", "UnsqueezeBackward0", "MvBackward0",
    "DotBackward0", "TBackward0", "TransposeBackward0", "ViewBackward0", "UnsafeViewBackward0",
    "SumBackward0", "SumBackward1", "MeanBackward0", "MeanBackward1", "MseLossBackward0",
    "AbsBackward0", "BinaryCrossEntropyBackward0", "BinaryCrossEntropyWithLogitsBackward0",
    "LogSoftmaxBackward0", "SoftmaxBackward0", "NllLossBackward0", "IndexBackward0", "AccumulateGrad",
}


@cache
def lesson(name):
    return capture_lesson(name)


def steps(trace):
    for p in trace.passes:
        for node_id in p.order:
            yield p, node_id, local_step(trace, p.index, node_id)


def assert_checked(f: Formula, where: str) -> None:
    """A covered op's formula is written out and every gradient it recomputed matches."""
    assert f.op in COVERED_OPS
    assert f.form != "generic", f"{where}: {f.op} fell back to generic: {f.note}"
    assert f.all_match, f"{where}: {f.op} " + "; ".join(f"{t.symbolic} | {t.numeric}" for t in f.terms)
    for t in f.terms:
        assert (t.captured is None) == (t.matches is None), where
        if t.captured is not None:
            assert t.matches is True and t.computed is not None and t.numeric, where


def test_the_required_ops_are_covered():
    assert REQUIRED <= COVERED_OPS


@pytest.mark.parametrize("name", list(LESSONS))
def test_every_step_of_every_lesson(name):
    trace = lesson(name)
    if not trace.passes:
        assert trace.explanation and name == "no-grad"
        return
    seen = 0
    for p, node_id, f in steps(trace):
        seen += 1
        where = f"{name} pass {p.index} {node_id}"
        assert f.node_id == node_id and f.form in FORMS and f.rule
        assert len(f.terms) == len(p.grad_inputs.get(node_id, ())) or f.op == "AccumulateGrad"
        if f.op not in COVERED_OPS:
            continue
        values = (p.arriving(node_id), *p.grad_inputs.get(node_id, ()),
                  *(s.value for s in trace.node(node_id).saved))
        big = any(v is not None and v.data is None for v in values)
        if name == "fashion-mlp" and big:
            # Values kept only as summaries: gradviz says so instead of guessing, and
            # every gradient it could still recompute matches.
            assert f.form == "generic" or "summary" in f.note, where
            assert "summary" in f.note, where
            assert all(t.matches is not False for t in f.terms), where
            continue
        assert_checked(f, where)
    assert seen > 0


def test_fashion_mlp_still_checks_what_it_can():
    trace = lesson("fashion-mlp")
    p = trace.passes[0]
    head = [local_step(trace, 0, n) for n in p.order[:3]]
    assert [f.op for f in head] == ["NllLossBackward0", "LogSoftmaxBackward0", "AddmmBackward0"]
    assert head[0].all_match and head[1].all_match
    addmm = head[2]
    assert addmm.form == "matrix"
    assert [t.matches for t in addmm.terms] == [True, True, None]  # mat1 (64, 512) is a summary
    assert "mat1 (64, 512) was kept only as a summary" in addmm.note


# ----- targeted programs --------------------------------------------------------------------
PROGRAMS = {
    "pow": ("x = torch.tensor([1.5, 2.0, 0.5], requires_grad=True)\n"
            "e = torch.tensor([2.0, 3.0, 0.0], requires_grad=True)\n"
            "loss = (x.pow(3) + x ** 2.5 + 2 ** x + x ** e + x.pow(0)).sum()",
            {"PowBackward0", "PowBackward1", "PowBackward2"}),
    "broadcast-add": ("torch.manual_seed(0)\na = torch.randn(3, 1, requires_grad=True)\n"
                      "b = torch.randn(1, 4, requires_grad=True)\nc = a + b\nloss = (c * c).sum()",
                      {"AddBackward0", "MulBackward0"}),
    "add-sub-alpha": ("x = torch.tensor([1.0, -2.0], requires_grad=True)\n"
                      "w = torch.tensor([3.0, 4.0], requires_grad=True)\n"
                      "y = torch.add(x, w, alpha=2)\nz = torch.sub(x, w, alpha=3)\n"
                      "r = 1 - x\nq = torch.rsub(x, w)\nloss = (y * z * r * q).sum()",
                      {"AddBackward0", "SubBackward0", "RsubBackward1", "RsubBackward0"}),
    "mul": ("x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)\n"
            "v = torch.tensor([0.5, -1.5], requires_grad=True)\n"
            "loss = (x * 3.0 * v).sum() + (2 * x).mean()", {"MulBackward0"}),
    "div": ("a = torch.tensor([1.0, 2.0, -3.0], requires_grad=True)\n"
            "b = torch.tensor([3.0, 5.0, 0.5], requires_grad=True)\n"
            "loss = (a / b + a / 2.0 + 2.0 / b).sum()", {"DivBackward0", "ReciprocalBackward0"}),
    "unary": ("x = torch.tensor([0.5, 2.0, -1.0], requires_grad=True)\n"
              "loss = (x.exp() + (x * x).log() + x.tanh() + torch.relu(x - 1) + x.abs() - x"
              " + torch.sigmoid(x) + (x * x).sqrt() - (-x)).sum()",
              {"ExpBackward0", "LogBackward0", "TanhBackward0", "ReluBackward0", "AbsBackward0",
               "SigmoidBackward0", "SqrtBackward0", "NegBackward0"}),
    "mean-sum": ("torch.manual_seed(1)\nx = torch.randn(2, 3, 4, requires_grad=True)\n"
                 "w = torch.randn(3, 4)\n"
                 "loss = (x.mean(dim=1) * 2).sum() + x.mean() + (x.sum(dim=(0, 2)) ** 2).sum()"
                 " + (x.sum(dim=-1, keepdim=True) * w[:, :1]).sum() + x.mean(dim=(0, 1), keepdim=True).sum()",
                 {"MeanBackward0", "MeanBackward1", "SumBackward0", "SumBackward1"}),
    "mse": ("torch.manual_seed(2)\nx = torch.randn(2, 3, requires_grad=True)\n"
            "y = torch.randn(2, 3, requires_grad=True)\n"
            "loss = F.mse_loss(x, y) + F.mse_loss(x, y, reduction='sum')"
            " + (F.mse_loss(x, y, reduction='none') * y).sum()",
            {"MseLossBackward0"}),
    "l1": ("torch.manual_seed(3)\nx = torch.randn(2, 3, requires_grad=True)\ny = torch.randn(2, 3)\n"
           "loss = F.l1_loss(x, y)", {"SubBackward0", "AbsBackward0", "MeanBackward0"}),
    "bce": ("a = torch.tensor([0.3, 0.6, 0.9], requires_grad=True)\n"
            "y = torch.tensor([1.0, 0.0, 0.7], requires_grad=True)\nw = torch.tensor([1.0, 2.0, 0.5])\n"
            "loss = F.binary_cross_entropy(a, y, reduction='sum') + F.binary_cross_entropy(a, y, weight=w)",
            {"BinaryCrossEntropyBackward0"}),
    "bce-logits": ("z = torch.tensor([0.3, -1.6, 2.0], requires_grad=True)\n"
                   "y = torch.tensor([1.0, 0.0, 0.5], requires_grad=True)\n"
                   "pw = torch.tensor([2.0, 0.5, 1.0])\nw = torch.tensor([1.0, 2.0, 3.0])\n"
                   "loss = F.binary_cross_entropy_with_logits(z, y)"
                   " + F.binary_cross_entropy_with_logits(z, y, weight=w, pos_weight=pw, reduction='sum')",
                   {"BinaryCrossEntropyWithLogitsBackward0"}),
    "softmax": ("torch.manual_seed(4)\nx = torch.randn(2, 3, requires_grad=True)\n"
                "p = F.softmax(x, dim=1)\nq = F.softmax(x, dim=0)\n"
                "loss = (p * torch.tensor([1.0, 2.0, 3.0])).sum() + (q * q).sum()", {"SoftmaxBackward0"}),
    "nll": ("torch.manual_seed(5)\nx = torch.randn(4, 3, requires_grad=True)\n"
            "y = torch.tensor([0, 2, 1, 2])\n"
            "w = torch.tensor([1.0, 2.0, 0.5])\n"
            "loss = F.nll_loss(F.log_softmax(x, dim=1), y) + F.cross_entropy(x, y, weight=w, ignore_index=1)"
            " + F.nll_loss(F.log_softmax(x, dim=1), y, reduction='sum')"
            " + (F.nll_loss(F.log_softmax(x, dim=1), y, reduction='none') * torch.arange(4.0)).sum()",
            {"LogSoftmaxBackward0", "NllLossBackward0"}),
    "matrix": ("torch.manual_seed(6)\nA = torch.randn(2, 3, requires_grad=True)\n"
               "v = torch.randn(3, requires_grad=True)\nB = torch.randn(3, 4, requires_grad=True)\n"
               "u = torch.mv(A, v)\nd = torch.dot(u, u)\nm = A @ v\nw = v @ B\nk = A @ B\n"
               "loss = d + m.sum() + (w * w).sum() + (k * k).sum()",
               {"MvBackward0", "DotBackward0", "MmBackward0", "UnsqueezeBackward0", "SqueezeBackward4"}),
    "batched": ("torch.manual_seed(7)\na = torch.randn(2, 2, 3, requires_grad=True)\n"
                "b = torch.randn(3, 4, requires_grad=True)\nc = torch.randn(2, 4, 5, requires_grad=True)\n"
                "loss = ((a @ b) ** 2).sum() + torch.bmm(a @ b, c).sum()",
                {"ViewBackward0", "MmBackward0", "UnsafeViewBackward0", "BmmBackward0"}),
    "linear": ("torch.manual_seed(8)\nx = torch.randn(2, 3, requires_grad=True)\nlin = nn.Linear(3, 4)\n"
               "h = torch.relu(lin(x))\nloss = (h * h).sum()", {"AddmmBackward0", "TBackward0"}),
    "shapes": ("torch.manual_seed(9)\nx = torch.randn(2, 3, requires_grad=True)\nw = torch.arange(6.0)\n"
               "y = x.view(3, 2) * w.view(3, 2)\nz = x.reshape(6) * w\nt = x.t() * w.view(3, 2)\n"
               "u = x.transpose(0, 1) * w.view(3, 2)\np = x.unsqueeze(0).permute(2, 0, 1) * w.view(3, 1, 2)\n"
               "e = x[:, :1].expand(2, 4) * torch.arange(8.0).view(2, 4)\n"
               "s = x.unsqueeze(1).squeeze(1) * w.view(2, 3)\n"
               "q = x.unsqueeze(0).squeeze() * w.view(2, 3) + x.unsqueeze(0).squeeze((0,)) * w.view(2, 3)\n"
               "loss = y.sum() + z.sum() + t.sum() + u.sum() + p.sum() + e.sum() + s.sum() + q.sum()",
               {"ViewBackward0", "TBackward0", "TransposeBackward0", "PermuteBackward0", "ExpandBackward0",
                "UnsqueezeBackward0", "SqueezeBackward0", "SqueezeBackward1", "SqueezeBackward2",
                "SliceBackward0"}),
    "indexing": ("torch.manual_seed(10)\nx = torch.randn(3, 4, requires_grad=True)\n"
                 "idx = torch.tensor([0, 2, 0])\nw = torch.arange(12.0).view(3, 4)\n"
                 "loss = (x[idx] * w).sum() + (x[:, idx] * w[:, :3]).sum() + x[x > 0].sum()"
                 " + (x[1] * w[0]).sum() + (x[1:, ::2] * w[1:, ::2]).sum()",
                 {"IndexBackward0", "SelectBackward0", "SliceBackward0"}),
    "fan-out": ("a = torch.tensor([1.0, 2.0], requires_grad=True)\nb = a + a\nc = a * a\n"
                "loss = (b * c).sum()", {"AddBackward0", "MulBackward0"}),
}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_targeted_program(name):
    source, expected = PROGRAMS[name]
    trace = capture_program(source)
    made = {n.op for n in trace.nodes}
    assert expected <= made, f"{name} does not make {expected - made}"
    covered = 0
    for _p, node_id, f in steps(trace):
        if f.op in COVERED_OPS:
            assert_checked(f, f"{name} {node_id}")
            covered += 1
    assert covered == len(trace.passes[-1].order)  # nothing in these programs is left generic


def formula_of(trace, op, pass_index=-1, nth=0, element=None):
    p = trace.passes[pass_index]
    ids = [n for n in p.order if trace.node(n).op == op]
    return local_step(trace, p.index, ids[nth], element)


def test_logistic_sigmoid_numbers():
    f = formula_of(lesson("logistic"), "SigmoidBackward0")
    (term,) = f.terms
    assert f.form == "elementwise" and f.element == (0,)
    assert term.symbolic == "∂L/∂z = ∂L/∂a · σ(z)·(1 − σ(z))"
    assert term.numeric == "= -1.0889 · 0.9183 · 0.0817 = -0.0817"
    for number in ("-1.0889", "0.9183", "0.0817"):
        assert number in term.numeric
    assert term.computed.item() == pytest.approx(-0.081660, abs=1e-6)
    assert "σ(z)(1 − σ(z))" in f.rule


def test_logistic_constants_and_skipped_slots_are_explained():
    trace = lesson("logistic")
    mul = formula_of(trace, "MulBackward0")
    x1 = trace.find("x1").id
    assert mul.terms[0].source == x1 and mul.terms[0].computed is None and mul.terms[0].matches is None
    assert "x1 needs no grad" in mul.note
    assert mul.terms[1].numeric == "= -0.0817 · 1.1 = -0.0898"
    # torch.autograd.grad(loss, w1) does not need b's gradient: autograd skips that slot.
    add = formula_of(trace, "AddBackward0", pass_index=0)
    assert add.terms[1].captured is None and "not needed in this pass" in add.note
    # b's AccumulateGrad does not run in pass 0, and a constant never runs.
    b = local_step(trace, 0, trace.find("b").id)
    assert b.form == "generic" and "does not run" in b.note
    assert local_step(trace, 2, x1).form == "generic"


def test_vjp_accumulate_grad_before_incoming_after():
    trace = lesson("vjp")
    inp = trace.find("inp").id
    second = local_step(trace, 1, inp, (0, 0))
    assert second.form == "accumulate" and second.all_match
    assert second.terms[0].numeric == "at [0, 0]: 4 + 4 = 8"
    assert "at [0, 1]: 2 + 2 = 4" == local_step(trace, 1, inp, (0, 1)).terms[0].numeric
    third = local_step(trace, 2, inp, (0, 0))
    assert third.terms[0].numeric == "at [0, 0]: 0 + 4 = 4"
    assert "reset" in third.note and "it was 8" in third.note
    first = local_step(trace, 0, inp)
    assert first.terms[0].numeric == "at [0, 0]: 0 + 4 = 4" and "None" in first.note


def test_vjp_chain():
    trace = lesson("vjp")
    t = formula_of(trace, "TBackward0", 0)
    assert t.shapes == "grad_out (5, 4)ᵀ → (4, 5)" and t.all_match
    pow_ = formula_of(trace, "PowBackward0", 0, element=(0, 0))
    assert pow_.terms[0].numeric == "at [0, 0]: 1 · 2 · 2^1 = 4"


def test_broadcast_add_sums_over_the_broadcast_dimensions():
    trace = capture_program(PROGRAMS["broadcast-add"][0])
    f = formula_of(trace, "AddBackward0", element=(2, 3))
    a, b = f.terms
    assert a.computed.shape == (3, 1) and b.computed.shape == (1, 4)
    assert "summed over the broadcast dimensions 1 back to (3, 1)" in a.symbolic
    assert "summed over the broadcast dimensions 0 back to (1, 4)" in b.symbolic
    assert a.numeric.startswith("at [2, 0]: Σ ") and "(4 terms)" in a.numeric
    assert b.numeric.startswith("at [0, 3]: Σ ") and "(4 terms)" not in b.numeric
    g = trace.passes[-1].arriving(f.node_id).data
    assert a.computed.data[2, 0] == pytest.approx(g[2].sum(), rel=1e-6)


def test_scalar_operand_is_shown_as_its_number():
    trace = capture_program("x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * 3.0\nloss = y.sum()")
    f = formula_of(trace, "MulBackward0", element=(1,))
    assert f.terms[0].symbolic.startswith("∂L/∂x = ∂L/∂y · 3")
    assert f.terms[0].numeric == "at [1]: 1 · 3 = 3"
    assert f.terms[1].source is None and "no grad" in f.note


def test_linear_layer_shapes_name_the_weight():
    trace = capture_program(PROGRAMS["linear"][0])
    f = formula_of(trace, "AddmmBackward0")
    assert f.form == "matrix"
    assert f.shapes == ("grad_out (2, 4) summed over the rows → (4); "
                        "grad_out (2, 4) · lin.weight (4, 3) → (2, 3); "
                        "xᵀ (3, 2) · grad_out (2, 4) → (3, 4)")
    assert f.terms[1].symbolic == ("∂L/∂x = ∂L/∂addmm · lin.weight"
                                   "   (grad_out (2, 4) · lin.weight (4, 3) → (2, 3))")
    assert f.terms[1].numeric.startswith("at [0, 0]: Σ ") and "(4 terms)" in f.terms[1].numeric


def test_nll_shows_minus_one_over_n_at_the_target():
    trace = lesson("softmax")
    f = formula_of(trace, "NllLossBackward0", element=(1, 1))
    assert f.terms[0].numeric == "at [1, 1]: -1 · 1 / 4 = -0.25"
    other = formula_of(trace, "NllLossBackward0", element=(1, 0))
    assert other.terms[0].numeric == "at [1, 0]: 0 (class 0 is not the target 1) = 0"


def test_uncovered_ops_are_generic_with_autograd_numbers():
    trace = capture_program("x = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)\n"
                            "loss = torch.cumsum(x, 0).sum() + torch.sort(x)[0][0]"
                            " + torch.cumprod(x, 0).sum()")
    for op in ("CumsumBackward0", "SortBackward0", "CumprodBackward0"):
        assert op not in COVERED_OPS
        f = formula_of(trace, op)
        assert f.form == "generic" and "vector-Jacobian product" in f.rule
        assert not f.all_match  # nothing was recomputed, so nothing is claimed to match
        (term,) = f.terms
        assert term.captured is not None and term.computed is None and term.matches is None
        assert term.numeric.endswith("(from autograd)") and f.note
    assert formula_of(trace, "CumsumBackward0").terms[0].numeric == "at [0]: 3 (from autograd)"


def _with_captured(trace, node_id, slot, value):
    """``trace`` with autograd's gradient for one slot replaced."""
    p = trace.passes[-1]
    grads = list(p.grad_inputs[node_id])
    grads[slot] = value
    inputs = dict(p.grad_inputs)
    inputs[node_id] = tuple(grads)
    return replace(trace, passes=trace.passes[:-1] + (replace(p, grad_inputs=MappingProxyType(inputs)),))


def test_a_wrong_captured_gradient_is_reported():
    trace = lesson("logistic")
    node = trace.by_op("SigmoidBackward0")[0].id
    good = local_step(trace, 2, node)
    wrong = TensorValue.from_tensor(__import__("torch").tensor([-0.0818]))
    bad = local_step(_with_captured(trace, node, 0, wrong), 2, node)
    assert good.all_match and not bad.all_match and bad.terms[0].matches is False


def test_missing_values_give_a_generic_formula_with_a_note():
    trace = lesson("logistic")
    sig = trace.by_op("SigmoidBackward0")[0]
    stripped = replace(sig, saved=(), value=None)
    trace2 = replace(trace, nodes=tuple(stripped if n.id == sig.id else n for n in trace.nodes))
    f = local_step(trace2, 2, sig.id)
    assert f.form == "generic" and "σ(z)(1 − σ(z))" in f.rule
    assert "was not captured" in f.note
    assert f.terms[0].numeric == "= -0.0817 (from autograd)"


def test_element_and_errors():
    trace = lesson("softmax")
    z = formula_of(trace, "ExpBackward0", 0, element=(3, 2))
    assert z.element == (3, 2) and z.terms[0].numeric.startswith("at [3, 2]: ")
    assert formula_of(trace, "ExpBackward0", 0).element == (0, 0)
    with pytest.raises(IndexError):
        local_step(trace, 5, "n0")
    with pytest.raises(KeyError):
        local_step(trace, 0, "n999")


@pytest.mark.parametrize("name", ["logistic", "vjp", "softmax", "linear-regression", "fashion-mlp"])
def test_any_node_any_pass_any_element_never_raises(name):
    trace = lesson(name)
    for p in trace.passes:
        for node in trace.nodes:
            for element in (None, (), (99, 99, 99, 99), (-1,), [1, 0]):
                f = local_step(trace, p.index, node.id, element)
                assert f.node_id == node.id and f.form in FORMS
                for t in f.terms:
                    assert isinstance(t.symbolic, str) and isinstance(t.numeric, str)


def test_fan_out_gets_one_gradient_per_use():
    trace = capture_program(PROGRAMS["fan-out"][0])
    add = formula_of(trace, "AddBackward0")
    a = trace.find("a").id
    assert [t.source for t in add.terms] == [a, a]
    assert "a is used as 2 inputs of this op (slots 0, 1)" in add.note
    # a feeds add twice and mul twice; autograd sums the four gradients before a's AccumulateGrad.
    acc = local_step(trace, 0, a)
    assert acc.all_match and acc.terms[0].computed.data.tolist() == pytest.approx(
        trace.passes[0].leaf_grads[a].data.tolist())


def test_computed_values_are_full_copies():
    trace = lesson("mlp")
    f = formula_of(trace, "AddmmBackward0", nth=2)  # the first layer: weight grad (50, 30)
    term = f.terms[2]
    assert term.computed.shape == (50, 30) and term.computed.data is not None
    np.testing.assert_allclose(term.computed.data, term.captured.data, rtol=1e-5, atol=1e-7)


# ----- no torch ----------------------------------------------------------------------------
# Every step of a trace, as plain data: what the chain-rule dock shows and what it checked.
SUMMARY = """
def summary(trace, local_step):
    out = []
    for p in trace.passes:
        for node in trace.nodes:
            f = local_step(trace, p.index, node.id)
            out.append([f.op, f.rule, f.form, f.shapes, list(f.element or ()), f.note]
                       + [[t.symbolic, t.numeric, t.matches, t.computed.dtype if t.computed else None,
                           t.computed.data.tolist() if t.computed else None] for t in f.terms])
    return out
"""


def test_formulas_import_without_torch():
    code = "import sys\nimport gradviz.core.formulas\nprint('torch' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_formulas_work_out_every_step_in_a_process_where_torch_cannot_load(tmp_path):
    # The app shows formulas for traces its run processes send; it never loads torch.
    traces = [lesson("softmax"), lesson("vjp"), lesson("mlp")] + [
        capture_program(PROGRAMS[name][0]) for name in ("pow", "indexing", "bce-logits", "nll", "shapes")]
    (tmp_path / "traces.bin").write_bytes(codec.encode(traces))
    namespace: dict = {}
    exec(SUMMARY, namespace)
    expected = [namespace["summary"](t, local_step) for t in traces]
    code = ("import json, sys\n"
            "sys.modules['torch'] = None  # importing torch now raises\n"
            "from gradviz.core.run import codec, messages\n"
            "from gradviz.core.formulas import local_step\n"
            + SUMMARY +
            f"traces = codec.decode(open({str(tmp_path / 'traces.bin')!r}, 'rb').read())\n"
            "print(json.dumps([summary(t, local_step) for t in traces]))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == json.loads(json.dumps(expected))


def test_a_zero_dim_input_broadcast_over_the_output_is_summed_back_and_matches():
    # `x * s` with a 0-dim s: autograd sums s's gradient over x's shape; so must the formula
    # (it used to take () for "no shape known" and compare a (3,) gradient with a scalar).
    trace = capture_program("x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
                            "s = torch.tensor(2.0, requires_grad=True)\nloss = (x * s).sum()\nloss.backward()\n")
    mul = trace.by_op("MulBackward0")[0]
    f = local_step(trace, 0, mul.id)
    assert [t.matches for t in f.terms] == [True, True] and f.all_match
    assert f.terms[1].computed.item() == 6.0  # 1 + 2 + 3


def test_chinese_names_are_names_in_the_chain_rule():
    # Tutorials name tensors 输入, 权重, 损失: the formulas say those, not the op names.
    trace = capture_program("""import torch
import torch.nn.functional as F
输入 = torch.tensor([1.1])
标签 = torch.tensor([1.0])
权重 = torch.tensor([2.2], requires_grad=True)
偏置 = torch.tensor([0.0], requires_grad=True)
z = 输入 * 权重 + 偏置
预测 = torch.sigmoid(z)
损失 = F.binary_cross_entropy(预测, 标签)
""")
    sig = formula_of(trace, "SigmoidBackward0")
    assert sig.terms[0].symbolic == "∂L/∂z = ∂L/∂预测 · σ(z)·(1 − σ(z))"
    assert sig.terms[0].numeric == "= -1.0889 · 0.9183 · 0.0817 = -0.0817"
    mul = formula_of(trace, "MulBackward0")
    assert mul.terms[1].symbolic == "∂L/∂权重 = ∂L/∂mul · 输入" and "输入 needs no grad" in mul.note
    bce = formula_of(trace, "BinaryCrossEntropyBackward0")
    assert "(预测 − 标签) / (预测·(1 − 预测))" in bce.terms[0].symbolic and bce.all_match is not False


def test_module_paths_and_indexed_labels_read_as_names_and_calls_do_not():
    from gradviz.core.formulas.step import _reads_as_name

    assert _reads_as_name("layers.4.bias") and _reads_as_name("w_偏置") and _reads_as_name("x[0]")
    assert not _reads_as_name("4.bias") and not _reads_as_name("tensor(2.)") and not _reads_as_name("a b")


def test_shared_ops_are_counted_once_per_trace_and_follow_the_trace_asked_about():
    from gradviz.core.formulas.step import shared_ops

    two_muls = capture_program("x = torch.tensor(2.0, requires_grad=True)\nloss = (x * 3 * 4).exp()\n")
    one_mul = capture_program("x = torch.tensor(2.0, requires_grad=True)\nloss = (x * 3).exp()\n")
    assert shared_ops(two_muls) == {"MulBackward0"}
    assert shared_ops(two_muls) is shared_ops(two_muls)  # every Step asks: not a walk of the nodes each
    assert shared_ops(one_mul) == frozenset()
    assert shared_ops(two_muls) == {"MulBackward0"}
    assert shared_ops(replace(two_muls, nodes=two_muls.nodes[:1], edges=())) == frozenset()
