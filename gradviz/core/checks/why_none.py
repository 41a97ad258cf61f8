""""Why is my grad None?": for a tensor the user names, the reason in words, with its line."""

from __future__ import annotations

import re
from typing import Any

import torch

from gradviz.core.capture.capture import run_session
from gradviz.core.checks.reports import GradReason, NoGradFn, WhyNone


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
                return f"tensor of shape {tuple(var.shape)}"
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
    return cleaned or f"the value of {name}"


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
        return GradReason(name, WhyNone.NOT_A_TENSOR, f"The program never assigns '{name}'.")
    tensor = ns[name]
    if not isinstance(tensor, torch.Tensor):
        return GradReason(name, WhyNone.NOT_A_TENSOR, f"{name} is a {type(tensor).__name__}, not a tensor.", line)
    explicit = [r for p in rec.passes if not p.implicit for r in p.roots]
    readable = tensor.grad_fn is None or tensor.retains_grad  # .grad of other non-leaves warns
    if readable and tensor.grad is not None and explicit:  # an implicit pass is gradviz's, not the program's
        return GradReason(name, WhyNone.HAS_GRAD, f"{name}.grad is not None: it holds the gradient "
                          "accumulated by the backward calls.", line)
    if tensor.grad_fn is not None and not tensor.retains_grad:
        made = _unnamed_leaf_inside(tensor.grad_fn, rec)
        if made is not None:
            # w = torch.randn(3, requires_grad=True) * 0.01: the leaf is the randn, w its product.
            statement = session_statement(session, line)
            return GradReason(name, WhyNone.NON_LEAF, (
                f"{name} is not a leaf: on line {line} the tensor made with requires_grad=True is the one "
                f"inside the expression, and {name} is what {type(tensor.grad_fn).__name__} computed from "
                f"it. Its .grad would go to that unnamed {made}, which the program cannot reach. Make {name} "
                f"itself the leaf: compute the value first, then ask for gradients, e.g. "
                f"{name} = ({_without_requires_grad(statement, name)}).requires_grad_()"), line)
        return GradReason(name, WhyNone.NON_LEAF, (
            f"{name} is not a leaf: it was computed by {type(tensor.grad_fn).__name__} (line {line}). "
            "PyTorch stores .grad only for leaf tensors. Call "
            f"{name}.retain_grad() before backward to keep it, or read it from gradviz's graph: "
            "the gradient arriving at that node is the same number."), line)
    origin = rec.origin_of(tensor)
    if not tensor.requires_grad:
        if origin is not None and origin.cause is NoGradFn.NO_GRAD:
            return GradReason(name, WhyNone.NO_GRAD, f"{name} was computed inside torch.no_grad() (line "
                              f"{origin.line}), so autograd recorded nothing for it and it has no "
                              "gradient. Compute it outside the block.", origin.line)
        if origin is not None and origin.cause is NoGradFn.DETACHED:
            return GradReason(name, WhyNone.DETACHED, f"{name} was cut from the graph by .detach() (line "
                              f"{origin.line}): gradients do not flow through it.", origin.line)
        return GradReason(name, WhyNone.NO_REQUIRES_GRAD, f"{name} was created without requires_grad=True "
                          f"(line {line}), so autograd treats it as a constant. Create it with "
                          "requires_grad=True, or call .requires_grad_() on it.", line)
    if not explicit:
        return GradReason(name, WhyNone.NO_BACKWARD, "The program never calls backward, so no .grad is filled "
                          "in. Call loss.backward() (gradviz ran it only to draw the graph).", line)
    if not any(_reaches(r, tensor) for r in explicit):
        return GradReason(name, WhyNone.NOT_ON_PATH, f"{name} requires grad, but the tensor backward started "
                          f"from does not depend on it: {name} is not on the path to the root.", line)
    return GradReason(name, WhyNone.NO_BACKWARD, "Backward ran only through torch.autograd.grad, which returns "
                      f"the gradients instead of storing them in {name}.grad.", line)
