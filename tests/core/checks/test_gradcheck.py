"""The gradient check passes on every lesson and catches a planted wrong gradient."""

import pytest
import torch

from gradviz.core.checks.gradcheck import gradient_check
from gradviz.core.lessons.catalogue import LESSONS


class BadSquare(torch.autograd.Function):
    """x² whose backward is deliberately wrong: 3x instead of 2x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x


# deep-mlp's first layers get gradients of 1e-18, below what a central difference resolves;
# nan's gradient is NaN on purpose (test_the_nan_lesson_fails_the_check).
@pytest.mark.parametrize("name", [n for n in LESSONS if n not in ("no-grad", "fashion-mlp", "deep-mlp", "nan")])
def test_every_lesson_passes(name):
    lesson = LESSONS[name]
    report = gradient_check(lesson.program, root=lesson.roots[0] if lesson.roots else None,
                            subject=lesson.subject, per_leaf=4)
    assert report.passed, [(l.label, l.max_rel_error) for l in report.leaves]
    assert report.leaves and all(l.checked >= 1 for l in report.leaves)
    assert all(l.max_rel_error < 1e-4 for l in report.leaves)


def test_the_nan_lesson_fails_the_check_where_autograd_says_nan():
    lesson = LESSONS["nan"]
    report = gradient_check(lesson.program, per_leaf=3)
    (x,) = report.leaves
    assert not report.passed and not x.passed and x.autograd != x.autograd  # NaN
    assert x.numeric > 100  # the one-sided root's slope, 1 / (2·√ε)


def test_logistic_rows_and_gradcheck_verdict():
    report = gradient_check(LESSONS["logistic"].program)
    rows = {l.label: l for l in report.leaves}
    assert set(rows) == {"w1", "b"}
    assert rows["w1"].autograd == pytest.approx(-0.089826, abs=1e-6)
    assert rows["w1"].numeric == pytest.approx(rows["w1"].autograd, rel=1e-7)
    assert report.gradcheck is True
    assert "float32" in report.note


def test_module_leaves_are_labelled_as_in_the_graph():
    lesson = LESSONS["mlp"]
    report = gradient_check(lesson.program, subject=lesson.subject, per_leaf=2)
    assert {l.label for l in report.leaves} == {f"layers.{i}.{k}" for i in (0, 2, 4) for k in ("weight", "bias")}
    assert report.gradcheck is None and "skipped" in report.gradcheck_message


def test_planted_wrong_gradient_fails():
    program = "x = torch.tensor([1.5, -2.0], requires_grad=True)\nloss = BadSquare.apply(x).sum()"
    report = gradient_check(program, extra_names={"BadSquare": BadSquare})
    (row,) = report.leaves
    assert not row.passed and not report.passed
    assert row.autograd == pytest.approx(4.5) or row.autograd == pytest.approx(-6.0)
    assert row.numeric == pytest.approx(row.autograd * 2 / 3, rel=1e-6)
    assert report.gradcheck is False and "failed" in report.gradcheck_message
