"""The records a local backward step is described by: one Formula with one Term per input."""

from __future__ import annotations

from dataclasses import dataclass

from gradviz.core.trace import TensorValue

FORMS = ("elementwise", "matrix", "reduction", "accumulate", "generic")


@dataclass(frozen=True)
class Term:
    """One outgoing gradient of a node: the gradient sent to one input slot.

    ``symbolic`` is the rule in symbols (``∂L/∂z = ∂L/∂a · σ(z)·(1 − σ(z))``),
    ``numeric`` the same with the chosen element's numbers plugged in.
    ``computed`` is what gradviz gets by applying the rule to the captured forward
    values; ``captured`` is what autograd really produced; ``matches`` compares them
    (None when one of the two is missing).
    """

    slot: int
    source: str | None
    symbolic: str
    numeric: str
    computed: TensorValue | None
    captured: TensorValue | None
    matches: bool | None


@dataclass(frozen=True)
class Formula:
    """The local derivative rule of one node in one backward pass.

    ``form`` is one of ``FORMS``; ``shapes`` spells out matrix products
    (``grad_out (2, 3) · Wᵀ (3, 4) → (2, 4)``) and is empty for other forms;
    ``element`` is the index the numeric strings show, in the outgoing gradient.
    """

    node_id: str
    op: str
    rule: str
    form: str
    shapes: str
    element: tuple[int, ...] | None
    terms: tuple[Term, ...]
    note: str = ""

    @property
    def all_match(self) -> bool:
        """True iff every term with a captured gradient was recomputed and matches it.

        A term whose captured gradient gradviz could not recompute (a generic
        formula) counts as not matching: nothing was checked.
        """
        return all(t.matches is True for t in self.terms if t.captured is not None)
