"""Which gradients one backward step sends, and along which edges: the one answer everyone reads.

The canvas marks an edge "gradient passing" and the chain-rule text writes a term with its
numbers, or says "∂L/∂b: not computed", from the same :func:`flows` of the step. A pass of
``torch.autograd.grad(loss, w1)`` runs AddBackward0 but asks it for the gradient of one input
only: the other edge carries nothing, and neither the picture nor the text may say it does.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradviz.core.trace import BackwardPass, Edge, TensorValue, Trace

#: A gradient went along the edge in this step.
SENT = "sent"
#: The source needs a gradient, but this pass does not ask for it (autograd skips it).
SKIPPED = "skipped"
#: The source needs no gradient at all (a constant): no gradient is ever computed for it.
CONSTANT = "constant"


@dataclass(frozen=True)
class Flow:
    """What one input edge of a node carries when the node's backward step runs.

    ``edge`` runs in forward direction (``source`` feeds input ``slot`` of the node); the
    gradient, when ``status`` is SENT, travels it the other way. ``value`` is the gradient
    autograd sent (None when it was not recorded or not sent).
    """

    edge: Edge
    status: str
    value: TensorValue | None

    @property
    def sent(self) -> bool:
        return self.status == SENT


def sends(bpass: BackwardPass, node_id: str, slot: int) -> bool:
    """Whether the node's step in ``bpass`` computes the gradient of its input ``slot``.

    Autograd's post-hook records one gradient per input, None where the pass does not need
    it; a node without that record (its hook did not fire) is taken to send every input.
    """
    captured = bpass.grad_inputs.get(node_id)
    if captured is None:
        return True
    return slot < len(captured) and captured[slot] is not None


def flows(trace: Trace, bpass: BackwardPass, node_id: str) -> tuple[Flow, ...]:
    """Every input edge of ``node_id`` (slot order, fan-in uses kept) and what it carries in ``bpass``."""
    captured = bpass.grad_inputs.get(node_id, ())
    out = []
    for edge in trace.inputs_of(node_id):
        if trace.node(edge.source).kind == "constant":
            status = CONSTANT
        elif node_id in bpass.grad_outputs or node_id in bpass.order:
            status = SENT if sends(bpass, node_id, edge.slot) else SKIPPED
        else:
            status = SKIPPED  # the pass never runs this node
        value = captured[edge.slot] if status == SENT and edge.slot < len(captured) else None
        out.append(Flow(edge, status, value))
    return tuple(out)
