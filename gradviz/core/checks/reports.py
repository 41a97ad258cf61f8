"""What the checks answer (gradient check, "why is my grad None?"): plain records, no torch.

They are made in a run process and read in the app, so they live apart from the code
that computes them (which needs torch).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate

FLOAT32_NOTE = QT_TRANSLATE_NOOP(
    "checks", "gradviz's graph is computed in float32, whose numbers carry about 7 significant digits, "
              "so its gradients differ from these float64 ones in the 7th or 8th digit; a central "
              "difference in float32 would be far worse (its error is eps² plus rounding/eps).")


def float32_note() -> str:
    """:data:`FLOAT32_NOTE` in the user's language (a report made in a run process carries it so)."""
    return translate("checks", FLOAT32_NOTE)


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
    note: str = field(default_factory=float32_note)

    @property
    def passed(self) -> bool:
        return all(leaf.passed for leaf in self.leaves) and self.gradcheck is not False


class NoGradFn(StrEnum):
    """Why a tensor came out of an op without a ``grad_fn`` (the recorder notes it as it runs)."""

    DETACHED = "detached"  # cut from the graph by .detach()
    NO_GRAD = "no-grad"  # computed inside torch.no_grad()
    INFERENCE_MODE = "inference-mode"  # computed inside torch.inference_mode()
    CONSTANT_INPUTS = "constant-inputs"  # none of its inputs requires grad
    NOT_REQUESTED = "not-requested"  # created without requires_grad=True

    @property
    def words(self) -> str:
        """The reason as the end of "x has no grad_fn because ..."."""
        return translate("checks", _NO_GRAD_FN_WORDS[self])


_NO_GRAD_FN_WORDS = {
    NoGradFn.DETACHED: QT_TRANSLATE_NOOP("checks", "it was cut from the graph by .detach()"),
    NoGradFn.NO_GRAD: QT_TRANSLATE_NOOP("checks", "it was computed inside torch.no_grad()"),
    NoGradFn.INFERENCE_MODE: QT_TRANSLATE_NOOP("checks", "it was computed inside torch.inference_mode()"),
    NoGradFn.CONSTANT_INPUTS: QT_TRANSLATE_NOOP("checks", "none of the tensors it was computed from requires grad"),
    NoGradFn.NOT_REQUESTED: QT_TRANSLATE_NOOP("checks", "it was created without requires_grad=True"),
}


class WhyNone(StrEnum):
    """The cases of "why is my grad None?" (equal to their names as strings)."""

    HAS_GRAD = "has-grad"
    NON_LEAF = "non-leaf"
    NO_GRAD = "no-grad"
    DETACHED = "detached"
    NO_REQUIRES_GRAD = "no-requires-grad"
    NOT_ON_PATH = "not-on-path"
    NO_BACKWARD = "no-backward"
    NOT_A_TENSOR = "not-a-tensor"


@dataclass(frozen=True)
class GradReason:
    """The answer: ``kind`` names the case, ``text`` says it, ``line`` points at the program."""

    name: str
    kind: WhyNone
    text: str
    line: int | None = None

    def __post_init__(self) -> None:
        # From a run process it arrives as its string: the case it names, again.
        object.__setattr__(self, "kind", WhyNone(self.kind))
