"""How big a recorded run may grow: every node and every backward pass it records is kept until
its graph is drawn, in the run process and then in the window.

A loop of 300,000 multiplications took the window to 7.4 GB and seven minutes, the command
line to 3.3 GB; 50,000 backward passes of a 4-node graph took 680 MB. A run stops at these
bounds with its line, as at its time limit; the graphs gradviz is made for (a 10,000-node
chain draws in seconds) stay well inside them.
"""

from __future__ import annotations

from typing import Any

from gradviz.core.i18n import translate
from gradviz.core.program.errors import ProgramError

MAX_GRAPH_NODES = 50_000
MAX_BACKWARD_PASSES = 5_000
# What a run sends back may hold (torch allows more): the wire's bounds, which the window
# checks on everything a run sends, so a bigger one made the whole run "malformed".
MAX_DIMS = 32
MAX_NODE_INPUTS = (1 << 16) - 1


def too_many_nodes() -> ProgramError:
    message = translate("capture", "the program has made more than {limit:,} autograd nodes: gradviz keeps every "
                                   "one to draw it, and stops here; run fewer steps (a loop of n steps makes a node "
                                   "per operation in each)").format(limit=MAX_GRAPH_NODES)
    return ProgramError(message, None, None, "limit")


def too_many_passes() -> ProgramError:
    message = translate("capture", "the program has run backward more than {limit:,} times: gradviz keeps every pass "
                                   "to step through it, and stops here; train with fewer steps (or in the Train "
                                   "panel, which keeps only the loss)").format(limit=MAX_BACKWARD_PASSES)
    return ProgramError(message, None, None, "limit")


def check_sendable(trace: Any) -> None:
    """Raise a limit ProgramError, at the node's line, for a tensor of more than MAX_DIMS
    dimensions or an operation with more than MAX_NODE_INPUTS inputs."""
    if _fits(trace):  # the common case, in a few ms at 10,000 nodes; the search below says where
        return
    for node in trace.nodes:
        values = [node.value, node.grad, *(s.value for s in node.saved)]
        if len(node.shape) > MAX_DIMS or any(v is not None and len(v.shape) > MAX_DIMS for v in values):
            message = translate("capture", "a tensor with more than {limit} dimensions: gradviz shows up to {limit} "
                                           "(operation {op})").format(limit=MAX_DIMS, op=node.op)
            raise ProgramError(message, node.line, None, "limit")
    by_id = {node.id: node for node in trace.nodes}
    for edge in trace.edges:
        if edge.slot >= MAX_NODE_INPUTS:
            raise _too_many_inputs(by_id[edge.target])
    for p in trace.passes:
        for node_id, grads in (*p.grad_inputs.items(), *p.grad_outputs.items()):
            if len(grads) > MAX_NODE_INPUTS or any(g is not None and len(g.shape) > MAX_DIMS for g in grads):
                raise _too_many_inputs(by_id[node_id])


def _too_many_inputs(node: Any) -> ProgramError:
    message = translate("capture", "an operation with more than {limit:,} inputs: gradviz draws up to "
                                   "{limit:,} (operation {op})").format(limit=MAX_NODE_INPUTS, op=node.op)
    return ProgramError(message, node.line, None, "limit")


def _fits(trace: Any) -> bool:
    # A node's value and gradient have its shape, and every gradient a pass carries is one of a
    # node's: the shapes, the saved tensors, the slots and the per-node counts say it all.
    nodes = trace.nodes
    return (max(map(len, [n.shape for n in nodes]), default=0) <= MAX_DIMS
            and all(len(s.value.shape) <= MAX_DIMS for n in nodes for s in n.saved if s.value is not None)
            and max([e.slot for e in trace.edges], default=0) < MAX_NODE_INPUTS
            and all(max(map(len, counts), default=0) <= MAX_NODE_INPUTS
                    for p in trace.passes for counts in (p.grad_inputs.values(), p.grad_outputs.values())))
