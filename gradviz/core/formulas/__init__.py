"""Local-derivative formulas: what one backward step does, in words, symbols and numbers.

``local_step(trace, pass_index, node_id)`` explains the node's step of that backward
pass: the rule (``∂L/∂z = ∂L/∂a · σ(z)·(1 − σ(z))``), the numbers of one element plugged
in, the gradient gradviz recomputes from the captured forward values, and whether it
equals what autograd produced. Ops without a formula here get a generic description
(a vector-Jacobian product) with autograd's numbers; nothing here raises for an op.
"""

from __future__ import annotations

import numpy as np

from gradviz.core.formulas import accumulate, elementwise, losses, matrix, powers, shapes  # noqa: F401  (register rules)
from gradviz.core.formulas.model import FORMS, Formula, Term
from gradviz.core.formulas.outputs import output_step
from gradviz.core.formulas.step import RULES, NoNumbers, Step, display_name
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.trace import Trace, format_shape

__all__ = ["Formula", "Term", "FORMS", "COVERED_OPS", "local_step"]

#: Autograd node types gradviz writes a formula for.
COVERED_OPS: frozenset[str] = frozenset(RULES)

GENERIC = QT_TRANSLATE_NOOP("formulas", "autograd multiplies the incoming gradient by this op's Jacobian (a "
                                       "vector-Jacobian product); gradviz has no written-out formula for {op}, so "
                                       "it shows the numbers autograd produced.")


def local_step(trace: Trace, pass_index: int, node_id: str,
               element: tuple[int, ...] | None = None) -> Formula:
    """The local derivative rule of one node in one backward pass, with its numbers.

    Parameters
    ----------
    trace : Trace
        A captured trace; only its recorded values are used.
    pass_index : int
        Which backward pass (an index into ``trace.passes``).
    node_id : str
        The node, normally one in that pass's ``order``.
    element : tuple of int, optional
        The element of the outgoing gradients the numeric strings show. It is read
        as broadcasting reads an index (aligned right, clipped to each size), so one
        index serves inputs of different shapes. Default: the first element.

    Returns
    -------
    Formula
        ``form`` is ``"generic"`` for an op gradviz has no formula for, for a node
        the pass did not run, and when a value the formula needs was not captured
        (or only as a summary); ``note`` then says why.

    Raises
    ------
    IndexError
        If ``pass_index`` is not a pass of the trace.
    KeyError
        If ``node_id`` is not a node of the trace.
    """
    if not 0 <= pass_index < len(trace.passes):
        raise IndexError(f"pass {pass_index} does not exist: the trace has {len(trace.passes)} passes")
    bpass = trace.passes[pass_index]
    node = trace.node(node_id)
    step = Step(trace, bpass, node, tuple(element) if element is not None else None)
    if node.kind == "constant":
        name = display_name(node)
        return generic(step, (translate("formulas", "{name} is a constant: it needs no gradient, so backward never "
                                                    "visits it.").format(name=name) if name else
                              translate("formulas", "This tensor is a constant: it needs no gradient, so backward "
                                                    "never visits it.")))
    if node_id not in bpass.grad_outputs:
        return generic(step, translate("formulas", "This pass ({call}) does not run {op}: no gradient it needs flows "
                                                   "through it.").format(call=bpass.call, op=node.op))
    if node.kind == "output":
        return output_step(step)
    known = RULES.get(node.op)
    if known is None:
        return generic(step)
    try:
        # Like torch, say nothing about log(0) or 0/0: the inf or nan shows in the numbers.
        with np.errstate(all="ignore"):
            return known.handler(step)
    except NoNumbers as missing:
        return generic(step, translate("formulas", "But {missing}, so gradviz shows the numbers autograd produced "
                                                   "instead of recomputing them.").format(missing=missing),
                       rule=known.words)
    except (RuntimeError, ValueError, IndexError, TypeError) as error:
        # A case the formula does not handle (an odd shape or dtype): say so, do not guess.
        return generic(step, translate("formulas", "gradviz could not apply this rule here ({error}), so it shows the "
                                                   "numbers autograd produced.").format(
            error=f"{type(error).__name__}: {error}"), rule=known.words)


def generic(step: Step, reason: str = "", rule: str = "") -> Formula:
    """The formula of a step gradviz does not work out: inputs, outputs, autograd's numbers.

    ``rule`` is the op's rule in words (English, as marked) when gradviz knows it but lacks the numbers.
    """
    node = step.node
    step.names(*(f"input{slot}" for slot in step.slots))
    terms = [step.captured_only(slot) if step.needed(slot) else step.unneeded(slot)[0]
             for slot in step.slots]
    inputs = ", ".join(f"{step.name_of(s)} {format_shape(step.input_shape(s) or ())}" for s in step.slots)
    listing = translate("formulas", "{op} takes {inputs} and gives {out} {shape}.").format(
        op=node.op, inputs=inputs or translate("formulas", "no gradient-carrying inputs"), out=step.out,
        shape=format_shape(node.shape))
    if node.kind == "leaf":
        listing = translate("formulas", "{name} {shape} stores its gradient in .grad.").format(
            name=display_name(node) or translate("formulas", "This leaf"), shape=format_shape(node.shape))
    elif node.kind == "constant":
        listing = ""
    outputs = [e for e in step.trace.consumers_of(node.id) if step.trace.node(e.target).kind == "output"]
    if outputs:
        # The Step's incoming gradient is output 0's; the others arrive through the output nodes.
        several = translate("formulas", "{op} has {n} outputs: it receives one gradient per output (output 0's "
                                        "here, the others at its output nodes) and sends each input one gradient "
                                        "made from all of them.").format(op=node.op, n=len(outputs) + 1)
        reason = " ".join(p for p in (reason, several) if p)
    element = step.element if step.element is not None else step.default_element(terms)
    words = translate("formulas", rule) if rule else translate("formulas", GENERIC).format(op=node.op)
    return Formula(node.id, node.op, words, "generic", "", element,
                   tuple(terms), " ".join(p for p in (reason, listing) if p))
