"""AccumulateGrad: where a leaf's gradient is added to its ``.grad``."""

from __future__ import annotations

import numpy as np

from gradviz.core.formulas.arrays import Array, add, sub
from gradviz.core.formulas.model import Formula, Term
from gradviz.core.formulas.step import Step, at_index, display_name, rule
from gradviz.core.formulas.text import d, element, fit, fmt, index_text, paren
from gradviz.core.formulas.values import array_of, compare, keep
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate

ACCUMULATE = QT_TRANSLATE_NOOP(
    "formulas", "AccumulateGrad adds the incoming gradient to the leaf's .grad instead of overwriting it: .grad after "
                "= .grad before + incoming. That is why gradients add up over backward calls until .grad is zeroed.")


@rule("AccumulateGrad", words=ACCUMULATE)
def accumulate(step: Step) -> Formula:
    name = display_name(step.node) or "leaf"
    incoming = step.g()
    after_value = step.bpass.leaf_grads.get(step.node.id)
    after = array_of(after_value, translate("formulas", "{name}.grad after the pass").format(name=name))
    # The pass records .grad only after it; what it was before is after − incoming. Reading it
    # from the previous pass instead would be wrong whenever the program zeroes .grad between passes.
    before = np.asarray(sub(after, incoming))
    computed = np.asarray(add(before, incoming))
    index = fit(step.element or (), computed.shape)
    where = at_index(index) if computed.size > 1 else ""
    numeric = (f"{where}{fmt(element(before, index))} + {paren(fmt(element(incoming, index)))} = "
               f"{fmt(element(computed, index))}")
    symbolic = translate("formulas", "{name}.grad (after) = {name}.grad (before) + {grad}").format(
        name=name, grad=d(name))
    term = Term(0, None, symbolic, numeric, keep(computed), after_value, compare(computed, after_value))
    return Formula(step.node.id, step.node.op, translate("formulas", ACCUMULATE), "accumulate", "", step.element
                   if step.element is not None else (0,) * computed.ndim, (term,),
                   _history(step, name, before, index))


def _history(step: Step, name: str, before: Array, index: tuple[int, ...]) -> str:
    """What happened to .grad before this pass, in words."""
    earlier = [p.leaf_grads[step.node.id] for p in step.trace.passes[:step.bpass.index]
               if step.node.id in p.leaf_grads]
    last = earlier[-1] if earlier else None
    zero = not bool((np.abs(before) > 0).any())
    if last is None:
        if zero and not any(v is not None for v in earlier):
            return translate("formulas", "No earlier pass gave {name} a gradient, so {name}.grad was empty (None): "
                                         "the incoming gradient becomes .grad.").format(name=name)
        if zero:
            return translate("formulas", "{name}.grad was set back to None between the passes (for example by "
                                         "optimizer.zero_grad()): the incoming gradient becomes .grad.").format(
                name=name)
        return ""
    if last.data is None or last.shape != tuple(before.shape):
        return ""
    if np.allclose(last.data, before, rtol=1e-5, atol=1e-7):
        return translate("formulas", "{name}.grad before this pass is what the previous pass left in it.").format(
            name=name)
    was = fmt(float(last.data[index]))
    if zero:
        return translate("formulas", "{name}.grad was reset between the passes (by {name}.grad.zero_(), or set to "
                                     "None): it was {was} at {index} after the previous pass.").format(
            name=name, was=was, index=index_text(index))
    return translate("formulas", "The program changed {name}.grad between the passes: it was {was} at {index} "
                                 "after the previous pass.").format(name=name, was=was, index=index_text(index))
