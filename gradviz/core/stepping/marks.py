"""What the canvas shows at each player position: highlights and badge texts, as plain data.

:func:`gradviz.core.stepping.steps.state_at` defines the state at a position; it rescans the
steps and every edge for each pending node, fine for a lesson and too slow to replay a
500-node graph at 20 frames a second. :class:`StepIndex` computes the same state from
indexes built once (tests check the two agree), and turns it into :class:`CanvasMarks`
that :class:`gradviz.qt.stepping.canvas_marks.StepCanvas` applies to the items.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.stepping.flow import Flow, flows, sends
from gradviz.core.stepping.steps import BACKWARD, FORWARD, Contribution, Step, StepState, total
from gradviz.core.trace import Edge, TensorValue, Trace, format_number, format_shape

#: (highlight, badge text, badge tone) of one node; "" is no badge.
NodeMark = tuple[str | None, str, str]
#: Trace edges are unique by (source, target, slot); the canvas draws one item per edge.
EdgeKey = tuple[str, str, int]

PLAIN: NodeMark = (None, "", "grad")
#: The badge of a node this backward pass has not reached, and no gradient has reached yet.
PENDING_TEXT = QT_TRANSLATE_NOOP("marks", "∇ pending")  # translated where a StepIndex is made
#: Above this many nodes the grey fill alone says "pending": a pass's first step would otherwise
#: re-badge every node at once (26 ms for 500), and zoomed out far enough to see them all,
#: badges are not drawn anyway.
PENDING_TEXT_MAX_NODES = 200
#: The badge of a gradient a quiz asks for, until it is answered.
HIDDEN_TEXT = "∇ ?"


@dataclass(frozen=True)
class CanvasMarks:
    """The look of every node and edge at one position (−1: the plain after-run canvas)."""

    position: int
    step: Step | None
    nodes: dict[str, NodeMark]
    edges: dict[EdgeKey, str | None]


def grad_badge_text(grad: TensorValue) -> str:
    """``∇ -0.0898`` for one number, ``∇ [1, 2]`` for a few, ``∇ ∈ [-1, 2]`` for many."""
    if grad.data is not None and grad.data.size == 1:
        return "∇ " + format_number(float(grad.data.reshape(-1)[0]))
    text = grad.short()
    prefix = format_shape(grad.shape) + " "
    if text.startswith(prefix) and "∈" in text:
        text = text[len(prefix):]  # the box already shows the shape
    return "∇ " + text


def edge_key(edge: Edge) -> EdgeKey:
    return (edge.source, edge.target, edge.slot)


def value_badge_text(value: TensorValue) -> str:
    """``2.42`` for one number, ``[1, 2]`` for a few, ``∈ [0, 1]`` for many (the box shows the shape)."""
    return grad_badge_text(value)[2:]


def contribution_text(parts: tuple[Contribution, ...]) -> str:
    """A pending node's badge: ``∇ 3 + 3 = 6`` at a fan-in, ``∇ 3`` for one part so far."""
    texts = [value_badge_text(c.value) if c.value is not None else "?" for c in parts]
    if len(parts) == 1:
        return "∇ " + texts[0]
    summed = total(parts)
    result = value_badge_text(summed) if summed is not None else "?"
    scalar = all(c.value is not None and c.value.numel == 1 for c in parts)
    if scalar:
        return "∇ " + " + ".join(texts) + " = " + result
    # Tensor ranges do not add up readably.
    return translate("marks", "∇ Σ{n} parts = {result}").format(n=len(parts), result=result)


class StepIndex:
    """Indexes over one trace's steps, so any position's state costs O(nodes), not O(nodes × edges).

    Parameters
    ----------
    trace : Trace
        The captured graph.
    steps : tuple of Step
        ``build_steps(trace)``.
    """

    def __init__(self, trace: Trace, steps: tuple[Step, ...]) -> None:
        self.trace = trace
        self.steps = steps
        self.forward_index = {s.node_id: s.index for s in steps if s.phase == FORWARD}
        self._edges = [(edge_key(e), e.source, e.target) for e in trace.edges]
        self.pass_start: dict[int, int] = {}
        for s in steps:
            if s.phase == BACKWARD:
                self.pass_start.setdefault(s.pass_index or 0, s.index)
        self.pending_text = translate("marks", PENDING_TEXT) if len(trace.nodes) <= PENDING_TEXT_MAX_NODES else ""
        self._grad_texts: dict[tuple[int, str], str] = {}
        self._value_texts: dict[str, str] = {}
        self._flows: dict[tuple[int, str], tuple[Flow, ...]] = {}

    def flows(self, pass_index: int, node_id: str) -> tuple[Flow, ...]:
        """What each input edge of ``node_id`` carries in pass ``pass_index`` (see :func:`flows`)."""
        key = (pass_index, node_id)
        found = self._flows.get(key)
        if found is None:
            found = self._flows[key] = flows(self.trace, self.trace.passes[pass_index], node_id)
        return found

    def state(self, position: int) -> StepState:
        """The same StepState as ``state_at(trace, steps, position)``."""
        position = max(-1, min(position, len(self.steps) - 1))
        step = self.steps[position] if position >= 0 else None
        values = frozenset(nid for nid, i in self.forward_index.items() if i <= position)
        if step is None or step.phase == FORWARD:
            return StepState(position, step, values, {}, frozenset())
        p = self.trace.passes[step.pass_index or 0]
        reached = p.order[: position - self.pass_start[step.pass_index or 0] + 1]
        reached_set = set(reached)
        grads = {nid: p.arriving(nid) for nid in reached}
        pending = frozenset(nid for nid in p.order if nid not in reached_set)
        contributions: dict[str, tuple[Contribution, ...]] = {}
        for nid in pending:
            parts = []
            for e in self.trace.consumers_of(nid):
                if e.target in reached_set and sends(p, e.target, e.slot) and \
                        self.trace.node(e.target).kind != "output":
                    leaving = p.grad_inputs.get(e.target, ())
                    parts.append(Contribution(e.target, e.slot, leaving[e.slot] if e.slot < len(leaving) else None))
            if parts:
                contributions[nid] = tuple(parts)
        return StepState(position, step, values, grads, pending, contributions)

    def marks(self, position: int, hidden: frozenset[tuple[int, str, int]] = frozenset()) -> CanvasMarks:
        """Highlights and badges of every node and edge after step ``position``; the gradients
        ``hidden`` names by (pass, sending node, slot) are badged "∇ ?" (a quiz asks for them)."""
        state = self.state(position)
        step = state.step
        if step is None:
            baseline = {n.id: (None, grad_badge_text(n.grad) if n.grad is not None else "", "grad")
                        for n in self.trace.nodes}
            return CanvasMarks(state.position, None, baseline, {key: None for key, _source, _target in self._edges})
        if step.phase == FORWARD:
            nodes, edges = self._forward_marks(state)
        else:
            nodes, edges = self._backward_marks(state, hidden)
        return CanvasMarks(state.position, step, nodes, edges)

    # -- helpers --------------------------------------------------------------------------
    def _forward_marks(self, state: StepState) -> tuple[dict[str, NodeMark], dict[EdgeKey, str | None]]:
        step = state.step
        assert step is not None
        nodes: dict[str, NodeMark] = {}
        values, current = state.values, step.node_id
        for node in self.trace.nodes:
            nid = node.id
            if nid in values:
                nodes[nid] = ("current" if nid == current else None, self._value_text(nid), "value")
            else:
                nodes[nid] = ("pending", "", "value")  # not computed yet: no number to show
        flowing = {edge_key(e) for e in step.edges}
        values = state.values
        edges = {key: "current" if key in flowing else None if source in values else "pending"
                 for key, source, _target in self._edges}
        return nodes, edges

    def _backward_marks(self, state: StepState, hidden: frozenset[tuple[int, str, int]] = frozenset()
                        ) -> tuple[dict[str, NodeMark], dict[EdgeKey, str | None]]:
        step = state.step
        assert step is not None
        pass_index = step.pass_index or 0
        nodes: dict[str, NodeMark] = {}
        for node in self.trace.nodes:
            nid = node.id
            if nid in state.grads:
                highlight = "current" if nid == step.node_id else None
                nodes[nid] = (highlight, self._grad_text(pass_index, nid), "grad")
            elif nid in state.pending:
                parts = state.contributions.get(nid)
                # The "note" tone (orange) for anything not final: the word, or the partial sums
                # already sent by its consumers. Final gradients are blue.
                text = contribution_text(parts) if parts else self.pending_text
                if parts and any((pass_index, c.from_node, c.slot) in hidden for c in parts):
                    text = HIDDEN_TEXT
                nodes[nid] = ("pending", text, "note")
            else:
                nodes[nid] = PLAIN  # this pass never visits it (a constant, or not on the way)
        # The edges whose gradient this step computes: what the chain-rule text works out too.
        flowing = {edge_key(f.edge) for f in self.flows(pass_index, step.node_id) if f.sent}
        pending = state.pending
        edges = {key: "grad_flow" if key in flowing else "pending" if target in pending else None
                 for key, _source, target in self._edges}
        return nodes, edges

    def _grad_text(self, pass_index: int, node_id: str) -> str:
        key = (pass_index, node_id)
        text = self._grad_texts.get(key)
        if text is None:
            p = self.trace.passes[pass_index]
            # A leaf shows its .grad after the pass: accumulation across passes (4 → 8) is the point.
            value = p.leaf_grads.get(node_id) if node_id in p.leaf_grads else p.arriving(node_id)
            text = grad_badge_text(value) if value is not None else "∇ None"
            self._grad_texts[key] = text
        return text

    def _value_text(self, node_id: str) -> str:
        text = self._value_texts.get(node_id)
        if text is None:
            value = self.trace.node(node_id).value
            text = value_badge_text(value) if value is not None else translate("marks", "not visible")
            self._value_texts[node_id] = text
        return text
