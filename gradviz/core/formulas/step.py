"""The context one formula is worked out in: a node, its captured values, its names.

Every value comes from the Trace (node values, saved tensors, the gradients of the
pass); nothing re-runs the program. Arithmetic is done with numpy in the dtype
torch would compute in (see ``arrays``), in the order autograd's own formula uses,
so that a float32 gradient is compared with a float32 recomputation and rounding
alone never fails a check. No torch here: the app shows formulas without loading it.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from gradviz.core.formulas.arrays import Array
from gradviz.core.formulas.model import Formula, Term
from gradviz.core.formulas.text import Index, d, element, fit, fmt, index_text, number_text
from gradviz.core.formulas.values import NoNumbers, array_of, compare, keep, not_captured
from gradviz.core.i18n import translate
from gradviz.core.stepping.flow import sends
from gradviz.core.trace import BackwardPass, Edge, Node, SavedTensor, TensorValue, Trace

Handler = Callable[["Step"], Formula]


@dataclass(frozen=True)
class Rule:
    """How to explain one autograd op: a handler and its rule in words (for fallbacks).

    ``words`` is the English text, marked for the catalogue where it is defined
    (``QT_TRANSLATE_NOOP("formulas", ...)``) and translated when a Formula is made.
    """

    op: str
    words: str
    handler: Handler


RULES: dict[str, Rule] = {}


def rule(*ops: str, words: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` for the autograd ops ``ops`` (type names like MulBackward0)."""
    def register(handler: Handler) -> Handler:
        for op in ops:
            RULES[op] = Rule(op, words, handler)
        return handler
    return register


def at_index(index: Index) -> str:
    """The start of a numeric line for one element: "at [0, 1]: "."""
    return translate("formulas", "at {index}: ").format(index=index_text(index))


_INDEX = re.compile(r"\[\d+\]\Z")


def _reads_as_name(label: str) -> bool:
    # Python's own identifier rule, so 损失, 预测 and w_偏置 are names as much as loss is.
    dotted = label[:m.start()] if (m := _INDEX.search(label)) else label
    first, *rest = dotted.split(".")
    # Module paths index their children: layers.4.bias is a name.
    return first.isidentifier() and all(part.isidentifier() or part.isdigit() for part in rest)


def display_name(node: Node) -> str:
    """A node's label if it reads as a name (not ``tensor(…)``), else ''."""
    return node.label if node.label and _reads_as_name(node.label) else ""


_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def node_name(trace: Trace, node: Node, shared: frozenset[str] = frozenset()) -> str:
    """What formulas call a node's output: its label, else a name from its op (``mul``, ``relu``).

    The same node gets the same name in every step, so a student can follow ∂L/∂mul
    from the step that computes it to the step that uses it. Where several unnamed
    nodes share an op (``shared``), the node's number tells them apart (mul₇ is n7).
    An unnamed transpose of a named tensor W (nn.Linear's W.t()) is called Wᵀ.
    """
    name = display_name(node)
    if name or node.kind != "op":
        return name
    if node.op in ("TBackward0", "TransposeBackward0"):
        inner = trace.inputs_of(node.id)
        if len(inner) == 1 and display_name(trace.node(inner[0].source)):
            return display_name(trace.node(inner[0].source)) + "ᵀ"
    base = re.sub(r"Backward\d*$", "", node.op)
    base = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base).lower() or "out"
    return base + node.id.lstrip("n").translate(_SUBSCRIPT) if node.op in shared else base


# The last trace asked about and its answer: every Step asks, and a walk over all nodes per
# step made posing a 1,500-node graph's quiz take 4 s of the GUI thread (quadratic).
_shared_memo: tuple[weakref.ref, frozenset[str]] | None = None


def shared_ops(trace: Trace) -> frozenset[str]:
    """Ops that more than one unnamed node of ``trace`` has."""
    global _shared_memo
    memo = _shared_memo
    if memo is not None and memo[0]() is trace:
        return memo[1]
    seen: set[str] = set()
    twice: set[str] = set()
    for node in trace.nodes:
        if node.kind == "op" and not display_name(node):
            (twice if node.op in seen else seen).add(node.op)
    shared = frozenset(twice)
    _shared_memo = (weakref.ref(trace), shared)
    return shared


class Step:
    """One node in one backward pass, with the values its formula may need.

    Parameters
    ----------
    trace, bpass, node
        Where the step is.
    element : tuple of int, optional
        The element of each outgoing gradient the numeric strings show.
    """

    def __init__(self, trace: Trace, bpass: BackwardPass, node: Node, element: Index | None) -> None:
        self.trace = trace
        self.bpass = bpass
        self.node = node
        self.element = element
        self.captured: tuple[TensorValue | None, ...] = bpass.grad_inputs.get(node.id, ())
        self.has_captured = node.id in bpass.grad_inputs
        grads = bpass.grad_outputs.get(node.id, ())
        self.grad_out: TensorValue | None = grads[0] if grads else None
        self.edges: dict[int, Edge] = {}
        for edge in trace.inputs_of(node.id):
            self.edges.setdefault(edge.slot, edge)
        if self.has_captured:
            self.slots = range(len(self.captured))
        else:
            # No post-hook record: the slots autograd lists are those fed by ops and leaves.
            fed = [e.slot for e in self.edges.values() if trace.node(e.source).kind != "constant"]
            self.slots = range(max(fed) + 1 if fed else 0)
        self._names: dict[int, str] = {}
        self._shared = shared_ops(trace)

    # ----- names ----------------------------------------------------------------------------
    @property
    def out(self) -> str:
        return node_name(self.trace, self.node, self._shared) or "out"

    def names(self, *fallbacks: str) -> tuple[str, ...]:
        """Display names of the input slots 0, 1, …: labels where they read well, else ``fallbacks``.

        Two different inputs never share a name, nor an input the output's name.
        """
        taken = {self.out}
        by_source: dict[str, str] = {}
        out: list[str] = []
        for slot, fallback in enumerate(fallbacks):
            edge = self.edges.get(slot)
            if edge is not None and edge.source in by_source:  # fan-out: the same tensor twice
                out.append(by_source[edge.source])
                self._names[slot] = by_source[edge.source]
                continue
            name = self._source_name(edge)
            for candidate in (name, fallback, f"{fallback}{slot}"):
                if candidate and candidate not in taken:
                    name = candidate
                    break
            taken.add(name)
            if edge is not None:
                by_source[edge.source] = name
            out.append(name)
            self._names[slot] = name
        return tuple(out)

    def rename(self, slot: int, name: str) -> str:
        """Call input ``slot`` ``name`` from now on (a plain number shown as itself, say)."""
        self._names[slot] = name
        return name

    def name_of(self, slot: int) -> str:
        """The display name ``names`` gave input ``slot`` (or the feeding node's name)."""
        if slot in self._names:
            return self._names[slot]
        return self._source_name(self.edges.get(slot)) or f"input {slot}"

    def _source_name(self, edge: Edge | None) -> str:
        return node_name(self.trace, self.trace.node(edge.source), self._shared) if edge is not None else ""

    def source(self, slot: int) -> str | None:
        edge = self.edges.get(slot)
        return edge.source if edge is not None else None

    # ----- values ---------------------------------------------------------------------------
    def g(self) -> Array:
        """The gradient arriving at the node in this pass."""
        return array_of(self.grad_out, translate("formulas", "the incoming gradient {name}").format(name=d(self.out)))

    def saved(self, name: str) -> SavedTensor | None:
        return next((s for s in self.node.saved if s.name == name), None)

    def saved_text(self, name: str, default: str = "") -> str:
        s = self.saved(name)
        return s.text if s is not None and s.text else default

    def saved_number(self, name: str, default: float) -> float:
        value = number_text(self.saved_text(name).strip('"'))
        return default if value is None else value

    def saved_value(self, name: str) -> Array | None:
        """The saved tensor ``name`` (None when autograd did not save it)."""
        s = self.saved(name)
        if s is None or s.value is None:
            return None
        return array_of(s.value, translate("formulas", "the saved tensor {name}").format(name=name))

    def input_shape(self, slot: int, saved: str = "") -> tuple[int, ...] | None:
        """The shape of input ``slot``: from the captured gradient, the source node, or a saved tensor."""
        if slot < len(self.captured) and self.captured[slot] is not None:
            return tuple(self.captured[slot].shape)
        edge = self.edges.get(slot)
        if edge is not None:
            return tuple(self.trace.node(edge.source).shape)
        s = self.saved(saved) if saved else None
        if s is not None and s.value is not None:
            return tuple(s.value.shape)
        return None

    def value(self, slot: int, saved: str = "", what: str = "") -> Array:
        """The forward value of input ``slot``: a saved tensor first, else the feeding node's value.

        Saved tensors are what autograd itself uses; a feeding node's value is only
        trusted when its shape is the input's, since a constant may hang on a slot
        that is not its own (the recorder attaches a composite op's inputs to its output).
        """
        what = what or translate("formulas", "the forward value of {name}").format(name=self.name_of(slot))
        if saved:
            t = self.saved_value(saved)
            if t is not None:
                return t
        edge = self.edges.get(slot)
        if edge is None:
            raise NoNumbers(not_captured(what))
        t = array_of(self.trace.node(edge.source).value, what)
        expected = self.input_shape(slot)
        if expected is not None and tuple(t.shape) != expected:
            raise NoNumbers(not_captured(what))
        return t

    # ----- terms ----------------------------------------------------------------------------
    def needed(self, slot: int) -> bool:
        """Whether this step computes input ``slot``'s gradient (the canvas marks the same edges)."""
        return sends(self.bpass, self.node.id, slot)

    def term(self, slot: int, symbolic: str, computed: Array | np.generic,
             explain: Callable[[Index], str]) -> Term:
        """A term whose numbers are ``explain(index) = computed[index]`` at the chosen element."""
        computed = np.asarray(computed)
        index = fit(self.element or (), computed.shape)
        result = fmt(element(computed, index))
        expr = explain(index)
        where = at_index(index) if computed.size > 1 else "= "
        numeric = f"{where}{expr} = {result}" if expr and expr != result else f"{where}{result}"
        captured = self.captured[slot] if slot < len(self.captured) else None
        return Term(slot, self.source(slot), symbolic, numeric, keep(computed), captured,
                    compare(computed, captured))

    def unneeded(self, slot: int) -> tuple[Term, str]:
        """The term of a slot autograd computed no gradient for, and why, in words."""
        edge = self.edges.get(slot)
        name = self.name_of(slot)
        if edge is None:
            why = translate("formulas", "{name} needs no grad (a plain number, or a tensor without requires_grad), "
                                        "so no gradient is computed for it.").format(name=name)
        elif self.trace.node(edge.source).kind == "constant":
            why = translate("formulas", "{name} needs no grad, so no gradient is computed for it.").format(name=name)
        else:
            why = translate("formulas", "{grad} is not needed in this pass ({call} asks only for other gradients), "
                                        "so autograd skips it.").format(grad=d(name), call=self.bpass.call)
        symbolic = translate("formulas", "{grad}: not computed").format(grad=d(name))
        return Term(slot, self.source(slot), symbolic, "", None, None, None), why

    def formula(self, rule: str, form: str, terms: dict[int, Callable[[], Term]],
                shapes: dict[int, str] | None = None, note: str = "") -> Formula:
        """Assemble the Formula: the needed slots from ``terms``, the others explained."""
        built: list[Term] = []
        failed: list[NoNumbers] = []
        notes: list[str] = []
        shown: list[str] = []
        for slot in self.slots:
            if not self.needed(slot):
                term, why = self.unneeded(slot)
                built.append(term)
                notes.append(why)
                continue
            if slot not in terms:
                raise NoNumbers(translate("formulas", "gradviz has no formula for input {slot}").format(slot=slot))
            try:
                built.append(terms[slot]())
            except NoNumbers as missing:
                # Other inputs may still be worked out: show autograd's numbers for this one.
                failed.append(missing)
                built.append(self.captured_only(slot))
                notes.append(translate("formulas", "For {grad}, {missing}, so gradviz shows the numbers autograd "
                                                   "produced instead of recomputing them.").format(
                    grad=d(self.name_of(slot)), missing=missing))
                continue
            if shapes and slot in shapes:
                shown.append(shapes[slot])
        if failed and len(failed) == sum(1 for s in self.slots if self.needed(s)):
            raise failed[0]
        notes.extend(self._fan_in_notes())
        if note:
            notes.insert(0, note)
        return Formula(self.node.id, self.node.op, translate("formulas", rule), form, "; ".join(shown),
                       self.default_element(built), tuple(built), " ".join(notes))

    def _fan_in_notes(self) -> list[str]:
        """Say so when one tensor feeds several inputs (b = a + a): it gets one gradient per use."""
        uses: dict[str, list[int]] = {}
        for slot in self.slots:
            source = self.source(slot)
            if source is not None:
                uses.setdefault(source, []).append(slot)
        text = translate("formulas", "{name} is used as {n} inputs of this op (slots {slots}): it receives one "
                                     "gradient per use, and autograd adds them up.")
        return [text.format(name=self.name_of(slots[0]), n=len(slots), slots=", ".join(map(str, slots)))
                for slots in uses.values() if len(slots) > 1]

    def captured_only(self, slot: int, symbolic: str = "") -> Term:
        """A term with autograd's numbers only, for a gradient gradviz cannot recompute."""
        captured = self.captured[slot] if slot < len(self.captured) else None
        numeric = ""
        if captured is not None and captured.data is not None and captured.data.size:
            index = fit(self.element or (), captured.shape)
            where = at_index(index) if captured.numel > 1 else "= "
            numeric = where + translate("formulas", "{value} (from autograd)").format(
                value=fmt(captured.data[index].item()))
        name = self.name_of(slot)
        symbolic = symbolic or translate("formulas", "{grad} = {out} · J   (J: the Jacobian of {op})").format(
            grad=d(name), out=d(self.out), op=self.node.op)
        return Term(slot, self.source(slot), symbolic, numeric, None, captured, None)

    def default_element(self, terms: Sequence[Term]) -> Index | None:
        if self.element is not None:
            return tuple(self.element)
        ranks = [len(v.shape) for t in terms for v in (t.computed, t.captured) if v is not None]
        return (0,) * (max(ranks) if ranks else len(self.node.shape))
