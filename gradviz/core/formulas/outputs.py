"""Output nodes: output k ≥ 1 of a multi-output op, where that output's gradient gathers."""

from __future__ import annotations

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate

from .model import Formula, Term
from .step import Step, at_index
from .text import d, fit, fmt
from .values import array_of

OUTPUT_RULE = QT_TRANSLATE_NOOP(
    "formulas", "Several outputs of one op share one autograd node ({op}). The gradient of output {k} gathers here "
                "(summed over its uses) and is handed on unchanged: {op} receives it as its incoming gradient number "
                "{k}, beside the other outputs' gradients, and runs once with all of them. Outputs nothing used send "
                "it no gradient (autograd counts them as zeros).")


def output_step(step: Step) -> Formula:
    """The step of an output node: its gradient passed on, as is, to its op."""
    node = step.node
    edge = step.edges.get(0)
    op = step.trace.node(edge.source).op if edge is not None else translate("formulas", "its op")
    name = step.out
    k = node.output_nr
    rule = translate("formulas", OUTPUT_RULE).format(op=op, k=k)
    g = step.grad_out
    numeric = ""
    if g is not None and g.data is not None and g.data.size:
        t = array_of(g, translate("formulas", "the gradient of {name}").format(name=name))
        index = fit(step.element or (), t.shape)
        numeric = f"{at_index(index)}{fmt(t[index])}" if t.size > 1 else f"= {fmt(t[index])}"
    # Nothing is computed: the value handed on is the very gradient that arrived, so it matches.
    term = Term(0, edge.source if edge is not None else None, f"{op}'s grad_outputs[{k}] = {d(name)}",
                numeric, g, g, True if g is not None else None)
    element = step.element if step.element is not None else (0,) * len(g.shape if g is not None else node.shape)
    return Formula(node.id, node.op, rule, "generic", "", element, (term,))
