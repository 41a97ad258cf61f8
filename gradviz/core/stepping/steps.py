"""Forward and backward steps as plain data, and a cursor to move over them.

The backward pass is micrograd's loop written out: the engine's recorded order, one node
at a time. What the canvas shows at step k (values known, gradients arrived, gradients
still pending, partial sums at fan-in) is derived from the steps up to k, never stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from gradviz.core.stepping.flow import sends
from gradviz.core.trace import Edge, TensorValue, Trace, built

FORWARD = "forward"
BACKWARD = "backward"


@dataclass(frozen=True)
class Step:
    """One node's moment: its value computed (forward) or its gradient processed (backward)."""

    index: int
    phase: str  # FORWARD | BACKWARD
    node_id: str
    pass_index: int | None = None  # backward steps: which backward call
    edges: tuple[Edge, ...] = ()  # forward: edges bringing its inputs; backward: edges its gradient leaves by

    @property
    def label(self) -> str:
        if self.phase == FORWARD:
            return f"forward: {self.node_id}"
        return f"backward #{(self.pass_index or 0) + 1}: {self.node_id}"


def build_steps(trace: Trace) -> tuple[Step, ...]:
    """Forward steps (constants and leaves first, then ops as they ran), then each pass's steps."""
    out: list[tuple[Step, ...]] = []
    for _ in iter_steps(trace, out):
        pass
    return out[0]


def iter_steps(trace: Trace, out: list, chunk: int = 1000) -> Iterator[int]:
    """:func:`build_steps` a chunk at a time, yielding how many steps are made so far; the
    steps are appended to ``out`` at the end (an app makes a big graph's between event-loop turns)."""
    steps: list[Step] = []
    yield 0
    # An op's further outputs (kind "output") are computed with it: they follow it.
    computed = ("op", "output")
    inputs_first = [n for n in trace.nodes if n.kind not in computed] + [n for n in trace.nodes if n.kind in computed]
    # built(), not Step(): a frozen dataclass's __init__ was half of making the steps.
    for node in inputs_first:
        steps.append(built(Step, {"index": len(steps), "phase": FORWARD, "node_id": node.id, "pass_index": None,
                                  "edges": tuple(trace.inputs_of(node.id))}))
        if len(steps) % chunk == 0:
            yield len(steps)
    constants = {n.id for n in trace.nodes if n.kind == "constant"}
    for p in trace.passes:
        for node_id in p.order:
            edges = tuple(e for e in trace.inputs_of(node_id) if e.source not in constants)
            steps.append(built(Step, {"index": len(steps), "phase": BACKWARD, "node_id": node_id,
                                      "pass_index": p.index, "edges": edges}))
            if len(steps) % chunk == 0:
                yield len(steps)
    out.append(tuple(steps))


@dataclass(frozen=True)
class Contribution:
    """A gradient sent to a node by one consumer (fan-in nodes receive several)."""

    from_node: str
    slot: int
    value: TensorValue | None


@dataclass(frozen=True)
class StepState:
    """What is known at one position of the cursor.

    ``values`` holds nodes whose forward value is shown; ``grads`` nodes whose arriving
    gradient (of the current pass) is shown; ``pending`` nodes of the current pass not yet
    reached (shown as pending, never as 0); ``contributions`` the partial gradients already
    sent to a pending node by its consumers, with their total when there are two or more.
    """

    position: int
    step: Step | None
    values: frozenset[str]
    grads: dict[str, TensorValue | None]
    pending: frozenset[str]
    contributions: dict[str, tuple[Contribution, ...]] = field(default_factory=dict)


def state_at(trace: Trace, steps: tuple[Step, ...], position: int) -> StepState:
    """The state after step ``position`` (−1: before the first step)."""
    position = max(-1, min(position, len(steps) - 1))
    done = steps[: position + 1]
    values = frozenset(s.node_id for s in done if s.phase == FORWARD)
    step = steps[position] if position >= 0 else None
    if step is None or step.phase == FORWARD:
        return StepState(position, step, values, {}, frozenset())
    p = trace.passes[step.pass_index or 0]
    reached = [s.node_id for s in done if s.phase == BACKWARD and s.pass_index == step.pass_index]
    reached_set = set(reached)
    grads = {nid: p.arriving(nid) for nid in reached}
    pending = frozenset(nid for nid in p.order if nid not in reached_set)
    contributions: dict[str, tuple[Contribution, ...]] = {}
    for nid in pending:
        parts = []
        for e in trace.consumers_of(nid):
            # An output node carries another output's gradient: the op gets it as such, not in a sum.
            if e.target in reached_set and trace.node(e.target).kind != "output" and sends(p, e.target, e.slot):
                leaving = p.grad_inputs.get(e.target, ())
                value = leaving[e.slot] if e.slot < len(leaving) else None
                parts.append(Contribution(e.target, e.slot, value))
        if parts:
            contributions[nid] = tuple(parts)
    return StepState(position, step, values, grads, pending, contributions)


def total(contributions: tuple[Contribution, ...]) -> TensorValue | None:
    """The sum of partial gradients (what the node will receive once all consumers ran)."""
    arrays = [c.value.data for c in contributions if c.value is not None and c.value.data is not None]
    if not arrays:
        return None
    acc = arrays[0].astype("float64")
    for a in arrays[1:]:
        acc = acc + a
    first = next(c.value for c in contributions if c.value is not None)
    return TensorValue(first.shape, first.dtype, first.device, acc.astype(arrays[0].dtype))


class Cursor:
    """A position over the steps with next / previous / seek / first / last.

    Listeners (plain callables) hear ``listener(position)`` after every move, so a Qt
    player can subscribe without the core knowing about Qt.
    """

    def __init__(self, steps: tuple[Step, ...], position: int = -1) -> None:
        self.steps = steps
        self._position = max(-1, min(position, len(steps) - 1))
        self._listeners: list[Callable[[int], None]] = []

    @property
    def position(self) -> int:
        return self._position

    @property
    def current(self) -> Step | None:
        return self.steps[self._position] if self._position >= 0 else None

    @property
    def at_end(self) -> bool:
        return self._position >= len(self.steps) - 1

    def subscribe(self, listener: Callable[[int], None]) -> None:
        self._listeners.append(listener)

    def seek(self, position: int) -> int:
        position = max(-1, min(position, len(self.steps) - 1))
        if position != self._position:
            self._position = position
            for listener in list(self._listeners):
                listener(position)
        return self._position

    def next(self) -> int:
        return self.seek(self._position + 1)

    def previous(self) -> int:
        return self.seek(self._position - 1)

    def first(self) -> int:
        return self.seek(0 if self.steps else -1)

    def last(self) -> int:
        return self.seek(len(self.steps) - 1)

    def phase_bounds(self) -> list[tuple[str, int | None, int, int]]:
        """(phase, pass index, first step, last step) for each phase, for a timeline."""
        bounds: list[tuple[str, int | None, int, int]] = []
        for s in self.steps:
            key = (s.phase, s.pass_index)
            if bounds and (bounds[-1][0], bounds[-1][1]) == key:
                bounds[-1] = (key[0], key[1], bounds[-1][2], s.index)
            else:
                bounds.append((key[0], key[1], s.index, s.index))
        return bounds
