""""Why is my grad None?": for a tensor the user names, the reason in words, with its line."""

from __future__ import annotations

import re
from typing import Any

import torch

from gradviz.core.capture.capture import run_session
from gradviz.core.checks.reports import GradReason, NoGradFn, WhyNone
from gradviz.core.i18n import translate


def _reaches(root: Any, leaf: torch.Tensor) -> bool:
    """Whether the graph below autograd node ``root`` accumulates into ``leaf``."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if type(node).__name__ == "AccumulateGrad" and node.variable is leaf:
            return True
        stack.extend(child for child, _ in node.next_functions)
    return False


def _unnamed_leaf_inside(grad_fn: Any, rec: Any) -> str | None:
    """"tensor of shape (3,)" when ``grad_fn`` takes an unnamed leaf straight in, else None."""
    for child, _nr in grad_fn.next_functions:
        if child is not None and type(child).__name__ == "AccumulateGrad":
            var = child.variable
            if not rec.name_of(var):
                return translate("checks", "tensor of shape {shape}").format(shape=tuple(var.shape))
    return None


def session_statement(session: Any, line: int | None) -> str:
    """The program text of ``line`` (the right-hand side when it assigns)."""
    lines = session.trace.source.splitlines() if session.trace.source else []
    if line is None or not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1].split("#")[0].strip()
    return text.split("=", 1)[1].strip() if "=" in text and "==" not in text.split("=", 1)[0] else text


def _without_requires_grad(expression: str, name: str) -> str:
    """``expression`` with its ``requires_grad=True`` taken out (``torch.randn(3) * 0.01``)."""
    cleaned = re.sub(r",\s*requires_grad\s*=\s*True", "", expression)
    cleaned = re.sub(r"requires_grad\s*=\s*True\s*,?\s*", "", cleaned)
    return cleaned or translate("checks", "the value of {name}").format(name=name)


def why_grad_none(source: str, name: str, **capture_kwargs: Any) -> GradReason:
    """Run ``source`` and say why ``name.grad`` is None (or that it is not).

    Parameters
    ----------
    source : str
        The program.
    name : str
        A variable of the program.
    **capture_kwargs
        Passed to :func:`gradviz.core.capture.capture.run_session` (``root``, ``subject``, ...).
    """
    session = run_session(source, **capture_kwargs)
    ns, rec = session.namespace, session.recorder
    line = next((ln for n, ln in session.assignments if n == name), None)
    if name not in ns:
        return GradReason(name, WhyNone.NOT_A_TENSOR,
                          translate("checks", "The program never assigns '{name}'.").format(name=name))
    tensor = ns[name]
    if not isinstance(tensor, torch.Tensor):
        text = translate("checks", "{name} is a {type}, not a tensor.").format(name=name, type=type(tensor).__name__)
        return GradReason(name, WhyNone.NOT_A_TENSOR, text, line)
    explicit = [r for p in rec.passes if not p.implicit for r in p.roots]
    readable = tensor.grad_fn is None or tensor.retains_grad  # .grad of other non-leaves warns
    if readable and tensor.grad is not None and explicit:  # an implicit pass is gradviz's, not the program's
        text = translate("checks", "{name}.grad is not None: it holds the gradient accumulated by the backward "
                                   "calls.").format(name=name)
        return GradReason(name, WhyNone.HAS_GRAD, text, line)
    if tensor.grad_fn is not None and not tensor.retains_grad:
        made = _unnamed_leaf_inside(tensor.grad_fn, rec)
        if made is not None:
            # w = torch.randn(3, requires_grad=True) * 0.01: the leaf is the randn, w its product.
            statement = session_statement(session, line)
            text = translate(
                "checks", "{name} is not a leaf: on line {line} the tensor made with requires_grad=True is the one "
                          "inside the expression, and {name} is what {op} computed from it. Its .grad would go to "
                          "that unnamed {made}, which the program cannot reach. Make {name} itself the leaf: "
                          "compute the value first, then ask for gradients, e.g. {fix}")
            fix = f"{name} = ({_without_requires_grad(statement, name)}).requires_grad_()"
            return GradReason(name, WhyNone.NON_LEAF, text.format(
                name=name, line=line, op=type(tensor.grad_fn).__name__, made=made, fix=fix), line)
        text = translate(
            "checks", "{name} is not a leaf: it was computed by {op} (line {line}). PyTorch stores .grad only for "
                      "leaf tensors. Call {name}.retain_grad() before backward to keep it, or read it from "
                      "gradviz's graph: the gradient arriving at that node is the same number.")
        return GradReason(name, WhyNone.NON_LEAF, text.format(name=name, op=type(tensor.grad_fn).__name__,
                                                              line=line), line)
    origin = rec.origin_of(tensor)
    if not tensor.requires_grad:
        if origin is not None and origin.cause is NoGradFn.NO_GRAD:
            text = translate("checks", "{name} was computed inside torch.no_grad() (line {line}), so autograd "
                                       "recorded nothing for it and it has no gradient. Compute it outside the "
                                       "block.")
            return GradReason(name, WhyNone.NO_GRAD, text.format(name=name, line=origin.line), origin.line)
        if origin is not None and origin.cause is NoGradFn.DETACHED:
            text = translate("checks", "{name} was cut from the graph by .detach() (line {line}): gradients do not "
                                       "flow through it.")
            return GradReason(name, WhyNone.DETACHED, text.format(name=name, line=origin.line), origin.line)
        text = translate("checks", "{name} was created without requires_grad=True (line {line}), so autograd treats "
                                   "it as a constant. Create it with requires_grad=True, or call .requires_grad_() "
                                   "on it.")
        return GradReason(name, WhyNone.NO_REQUIRES_GRAD, text.format(name=name, line=line), line)
    if not explicit:
        return GradReason(name, WhyNone.NO_BACKWARD, translate(
            "checks", "The program never calls backward, so no .grad is filled in. Call loss.backward() (gradviz "
                      "ran it only to draw the graph)."), line)
    if not any(_reaches(r, tensor) for r in explicit):
        text = translate("checks", "{name} requires grad, but the tensor backward started from does not depend on "
                                   "it: {name} is not on the path to the root.")
        return GradReason(name, WhyNone.NOT_ON_PATH, text.format(name=name), line)
    text = translate("checks", "Backward ran only through torch.autograd.grad, which returns the gradients instead "
                               "of storing them in {name}.grad.")
    return GradReason(name, WhyNone.NO_BACKWARD, text.format(name=name), line)
