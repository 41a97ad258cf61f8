"""Predict, then reveal: questions about the gradient a backward step is about to send.

A question belongs to one backward step: the node's step sends a gradient to one of its
inputs, and the student (or the class) predicts it before seeing it. Lesson files may carry
their own questions (by the node's name, the input's and the pass); without them every step
of the last pass that works a gradient out with a written formula is asked. The answer is
always the number autograd produced, read from the Trace — never stored in the file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from gradviz.core.i18n import translate
from gradviz.core.lessons.texts import Texts, texts_from_json
from gradviz.core.stepping.flow import flows
from gradviz.core.stepping.steps import BACKWARD, Step
from gradviz.core.trace import Edge, Node, Trace, format_number

#: A guess within this share of the answer, or within ABSOLUTE of it, is right.
RELATIVE = 0.05
ABSOLUTE = 0.005
#: Questions made up for a lesson without its own ask for gradients of at most this many
#: numbers: a student can work those out from the rule; a 16×16 matrix product, not.
MADE_UP_MAX_ELEMENTS = 4


@dataclass(frozen=True)
class Question:
    """A question a lesson asks: the gradient ``node``'s backward step sends to ``input``.

    ``node`` and ``input`` are variable names or module paths (the boxes' labels), or op
    names (``SigmoidBackward0``); ``input`` "" is the first input the step sends a gradient
    to. ``pass_number`` counts backward calls from 1; 0 is the last. ``prompt`` replaces the
    question's own words: a string, or :class:`~.texts.Texts` (the prompt per language).
    """

    node: str
    input: str = ""
    pass_number: int = 0
    prompt: str | Texts = ""

    def prompt_text(self) -> str:
        """The prompt in the current language ("" for the question's own words)."""
        return Texts(self.prompt).in_language()


@dataclass(frozen=True)
class Posed:
    """A question placed on one step of one trace, with its answer.

    ``position`` is the step's index; ``edge`` the input edge whose gradient is asked
    (``(pass_index, edge.target, edge.slot)`` is :attr:`key`); ``element`` the element of a
    tensor gradient asked for (``()`` for one number); ``symbol`` the gradient's name
    (``∂L/∂z``).
    """

    position: int
    pass_index: int
    edge: Edge
    element: tuple[int, ...]
    answer: float
    symbol: str
    prompt: str

    @property
    def key(self) -> tuple[int, str, int]:
        """(pass, node, slot) of the hidden gradient: what the canvas and the text hide."""
        return (self.pass_index, self.edge.target, self.edge.slot)

    def answer_text(self) -> str:
        return format_number(self.answer)


@dataclass(frozen=True)
class Result:
    """A question answered: the guess (None: revealed without one) and whether it was right."""

    posed: Posed
    guess: float | None
    right: bool

    def text(self) -> str:
        """"Right: ∂L/∂z = -0.0817 (you said -0.08)." and the like."""
        truth = f"{self.posed.symbol} = {self.posed.answer_text()}"
        if self.guess is None:
            return translate("quiz", "Revealed: {truth}.").format(truth=truth)
        if self.right:
            return translate("quiz", "Right: {truth} (you said {guess}).").format(
                truth=truth, guess=format_number(self.guess))
        return translate("quiz", "Not quite: {truth}, not {guess}.").format(
            truth=truth, guess=format_number(self.guess))


def parse_guess(text: str) -> float | None:
    """A typed guess as a number ("−0.08", "-8e-2", "1/2", "nan", "-inf"); None when it is not one."""
    text = text.strip().replace("−", "-").replace(",", ".").replace(" ", "").replace("∞", "inf")
    if re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)/[-+]?(\d+(\.\d*)?|\.\d+)", text):
        top, bottom = text.split("/")
        return float(top) / float(bottom) if float(bottom) != 0 else None
    try:
        return float(text)
    except ValueError:
        return None


def is_right(guess: float, answer: float) -> bool:
    """Whether ``guess`` is close enough to ``answer`` (see RELATIVE and ABSOLUTE); a NaN or an
    infinity is right only as itself."""
    if math.isnan(answer) or math.isnan(guess):
        return math.isnan(answer) and math.isnan(guess)
    if math.isinf(answer) or math.isinf(guess):
        return guess == answer
    return abs(guess - answer) <= max(RELATIVE * abs(answer), ABSOLUTE)


def _matches(node: Node, name: str) -> bool:
    return bool(name) and (node.label == name or node.op == name)


def _pose(trace: Trace, step: Step, want_input: str, prompt: str, most: int | None = None) -> Posed | None:
    from gradviz.core.formulas.step import node_name, shared_ops

    bpass = trace.passes[step.pass_index or 0]
    for flow in flows(trace, bpass, step.node_id):
        source = trace.node(flow.edge.source)
        if not flow.sent or flow.value is None or flow.value.data is None or flow.value.data.size == 0:
            continue
        if want_input and not _matches(source, want_input):
            continue
        if most is not None and flow.value.data.size > most:
            continue
        data = flow.value.data
        element = (0,) * data.ndim if data.size > 1 else ()
        answer = float(data.reshape(-1)[0])
        name = node_name(trace, source, shared_ops(trace)) or source.title
        symbol = f"∂L/∂{name}"
        if not prompt:
            sender = node_name(trace, trace.node(step.node_id), shared_ops(trace)) or trace.node(step.node_id).op
            if element:
                prompt = translate("quiz", "Predict element {element} of {symbol}: the gradient the backward step "
                                           "of {sender} sends to {name}.")
            else:
                prompt = translate("quiz", "Predict {symbol}: the gradient the backward step of {sender} sends to "
                                           "{name}.")
            prompt = prompt.format(element=list(element), symbol=symbol, sender=sender, name=name)
        return Posed(step.index, step.pass_index or 0, flow.edge, element, answer, symbol, prompt)
    return None


def pose(trace: Trace, steps: tuple[Step, ...], questions: tuple[Question, ...] = ()) -> dict[int, Posed]:
    """The questions of ``trace`` by step position: a lesson's own ``questions``, or without
    any, one for every backward step of the last pass that has a written formula."""
    from gradviz.core.formulas import local_step

    backward = [s for s in steps if s.phase == BACKWARD]
    if not backward:
        return {}
    out: dict[int, Posed] = {}
    if questions:
        for q in questions:
            wanted = (q.pass_number - 1) if q.pass_number > 0 else len(trace.passes) - 1
            step = next((s for s in backward if s.pass_index == wanted and _matches(trace.node(s.node_id), q.node)),
                        None)
            posed = _pose(trace, step, q.input, q.prompt_text()) if step is not None else None
            if posed is not None:
                out[posed.position] = posed
        return out
    last = len(trace.passes) - 1
    for step in backward:
        if step.pass_index != last or trace.node(step.node_id).kind != "op":
            continue
        if local_step(trace, last, step.node_id).form == "generic":
            continue  # no written rule to reveal with
        posed = _pose(trace, step, "", "", MADE_UP_MAX_ELEMENTS)
        if posed is not None:
            out[posed.position] = posed
    return out


def question_to_json(q: Question) -> dict:
    out: dict = {"node": q.node}
    if q.input:
        out["input"] = q.input
    if q.pass_number:
        out["pass"] = q.pass_number
    if q.prompt:
        out["prompt"] = Texts(q.prompt).to_json()
    return out


def question_from_json(data: object) -> Question:
    """A Question from a lesson file's entry; ValueError says what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("node"), str) or not data["node"]:
        raise ValueError(translate("quiz", 'each question needs "node": the name of the node whose step sends the '
                                           'gradient'))
    number = data.get("pass", 0)
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise ValueError(translate("quiz", 'a question\'s "pass" is a backward call\'s number, 1 for the first'))
    if not isinstance(data.get("input", ""), str):
        raise ValueError(translate("quiz", 'a question\'s "{key}" should be text').format(key="input"))
    prompt = data.get("prompt", "")
    try:
        # Format 3 gives the prompt per language; a plain string stays one (it reads back equal).
        prompt = prompt if isinstance(prompt, str) else texts_from_json(prompt)
    except ValueError:
        raise ValueError(translate("quiz", 'a question\'s "{key}" should be text').format(key="prompt")) from None
    return Question(data["node"], data.get("input", ""), number, prompt)
