"""Each reason .grad can be None, named in words with its line."""

import pytest

from gradviz.core.checks.reports import WhyNone
from gradviz.core.checks.why_none import why_grad_none

BASE = "w = torch.tensor([2.0], requires_grad=True)\nx = torch.tensor([3.0])\n"


@pytest.mark.parametrize(
    ("program", "name", "kind", "line", "words"),
    [
        (BASE + "h = w * x\nloss = h.sum()\nloss.backward()", "h", "non-leaf", 3, "retain_grad()"),
        (BASE + "with torch.no_grad():\n    h = w * x\nloss = (w * x).sum()\nloss.backward()", "h", "no-grad", 4,
         "torch.no_grad()"),
        (BASE + "h = (w * x).detach()\nloss = (w * x).sum()\nloss.backward()", "h", "detached", 3, ".detach()"),
        (BASE + "loss = (w * x).sum()\nloss.backward()", "x", "no-requires-grad", 2, "requires_grad=True"),
        (BASE + "v = torch.ones(1, requires_grad=True)\nloss = (w * x).sum()\nloss.backward()", "v", "not-on-path", 3,
         "not on the path"),
        (BASE + "loss = (w * x).sum()", "w", "no-backward", 1, "never calls backward"),
        (BASE + "loss = (w * x).sum()\nloss.backward()", "w", "has-grad", 1, "not None"),
        (BASE + "loss = (w * x).sum()\ng = torch.autograd.grad(loss, w)", "w", "no-backward", 1, "autograd.grad"),
    ],
)
def test_reasons(program, name, kind, line, words):
    reason = why_grad_none(program, name)
    assert reason.kind == kind, reason.text
    assert reason.line == line
    assert words in reason.text


def test_unknown_name():
    assert why_grad_none(BASE + "loss = (w * x).sum()", "nope").kind == "not-a-tensor"


def test_a_leaf_made_inside_the_expression_suggests_making_the_variable_the_leaf():
    from gradviz.core.capture.capture import capture_program

    program = "w = torch.randn(3, requires_grad=True) * 0.01\nloss = (w * w).sum()\nloss.backward()\n"
    reason = why_grad_none(program, "w")
    assert reason.kind == WhyNone.NON_LEAF and reason.line == 1
    assert "retain_grad" not in reason.text
    fix = "w = (torch.randn(3) * 0.01).requires_grad_()"
    assert fix in reason.text
    fixed = capture_program(program.replace("w = torch.randn(3, requires_grad=True) * 0.01", fix))
    assert fixed.find("w").kind == "leaf" and fixed.find("w").grad is not None  # the advice works
