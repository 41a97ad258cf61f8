"""What the checks answer (gradient check, "why is my grad None?"): plain records, no torch.

They are made in a run process and read in the app, so they live apart from the code
that computes them (which needs torch).
"""

from __future__ import annotations

from dataclasses import dataclass

FLOAT32_NOTE = (
    "gradviz's graph is computed in float32, whose numbers carry about 7 significant digits, "
    "so its gradients differ from these float64 ones in the 7th or 8th digit; a central "
    "difference in float32 would be far worse (its error is eps² plus rounding/eps)."
)


@dataclass(frozen=True)
class LeafCheck:
    """One leaf's comparison."""

    label: str
    shape: tuple[int, ...]
    checked: int  # elements compared
    total: int
    max_abs_error: float
    max_rel_error: float
    passed: bool
    worst_element: tuple[int, ...]
    autograd: float  # at the worst element
    numeric: float


@dataclass(frozen=True)
class GradCheck:
    """The whole report: one row per leaf, torch.autograd.gradcheck's verdict, and the note."""

    leaves: tuple[LeafCheck, ...]
    gradcheck: bool | None  # None when skipped
    gradcheck_message: str
    note: str = FLOAT32_NOTE

    @property
    def passed(self) -> bool:
        return all(leaf.passed for leaf in self.leaves) and self.gradcheck is not False


@dataclass(frozen=True)
class GradReason:
    """The answer: ``kind`` names the case, ``text`` says it, ``line`` points at the program."""

    name: str
    kind: str  # has-grad | non-leaf | no-grad | detached | no-requires-grad | not-on-path | no-backward | not-a-tensor
    text: str
    line: int | None = None
