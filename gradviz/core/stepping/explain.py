"""One step in words, symbols and numbers: what the Chain Rule dock and the lecture strip both show.

A forward step names the op, its inputs and its output; a backward step gives the incoming
gradient, the local derivative's rule, and for each input the gradient in symbols and with
the numbers plugged in, checked against autograd. Which inputs get a gradient comes from
:func:`gradviz.core.stepping.flow.flows` — what the canvas marks — and a gradient a quiz is
asking for is written "?" here as it is badged "?" there.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradviz.core.formulas import Formula, Term, local_step
from gradviz.core.formulas.step import node_name, shared_ops
from gradviz.core.i18n import translate
from gradviz.core.program.errors import located
from gradviz.core.stepping.steps import FORWARD, Step
from gradviz.core.trace import Node, TensorValue, Trace, format_shape

CHECK, CROSS = "✓", "✗"
HIDDEN = "= ?"

#: Kinds of line: code (a program line), text, input (an op's input, indented), incoming
#: (the gradient arriving), rule (in words), shapes, symbolic and numeric (one term each).
LINE_KINDS = ("code", "text", "input", "incoming", "rule", "shapes", "symbolic", "numeric")


@dataclass(frozen=True)
class Line:
    """One line of an explanation; ``check`` and ``matches`` only on numeric lines."""

    kind: str
    text: str
    check: str = ""
    matches: bool | None = None
    hidden: bool = False

    @property
    def plain(self) -> str:
        if self.kind == "input":
            return "  " + self.text
        if self.kind == "numeric":
            return f"  {self.text}  {self.check}".rstrip()
        return self.text


@dataclass(frozen=True)
class Explanation:
    """What one step shows: a header, lines, a note, and (backward) its Formula.

    ``code`` is the program line the step's node was made by ("line 7: a = torch.sigmoid(z)"),
    "" when unknown; ``line`` its number.
    """

    header: str
    lines: tuple[Line, ...]
    note: str = ""
    formula: Formula | None = None
    code: str = ""
    line: int | None = None

    def plain(self) -> list[str]:
        """Every line as plain text: header, lines, note."""
        return [self.header, *(line.plain for line in self.lines), *([self.note] if self.note else [])]


def check_text(term: Term) -> str:
    """"✓ matches autograd", "✗ autograd got …" or "not checked" for one term."""
    if term.matches is True:
        return f"{CHECK} " + translate("explain", "matches autograd")
    if term.matches is False:
        got = term.captured.short() if term.captured is not None else translate("explain", "nothing")
        return f"{CROSS} " + translate("explain", "autograd got {value}").format(value=got)
    return translate("explain", "not checked") if term.captured is not None else ""


def _short(value: TensorValue | None) -> str:
    return value.short() if value is not None else translate("explain", "not recorded")


def source_line(trace: Trace, node: Node) -> str:
    """"line 7: a = torch.sigmoid(z)" for the program line that made ``node`` ("" if unknown)."""
    if node.line is None or not trace.source:
        return ""
    lines = trace.source.splitlines()
    if not 1 <= node.line <= len(lines):
        return ""
    return located(lines[node.line - 1].split("#")[0].strip(), node.line)


def where(step: Step, count: int) -> str:
    if count:
        return translate("explain", "Step {n} of {count}").format(n=step.index + 1, count=count)
    return translate("explain", "Step {n}").format(n=step.index + 1)


def explain(trace: Trace, step: Step, count: int = 0, element: tuple[int, ...] | None = None,
            hidden: frozenset[tuple[int, str, int]] = frozenset(),
            shared: frozenset[str] | None = None) -> Explanation:
    """The explanation of ``step`` of ``trace`` (one of ``count`` steps).

    ``element`` picks the element of tensor gradients the numbers are worked out for (None:
    the first); ``hidden`` holds ``(pass, node, slot)`` of gradients not to show yet;
    ``shared`` is ``shared_ops(trace)``, passed in to spare a walk over the nodes per step.
    """
    shared = shared_ops(trace) if shared is None else shared
    node = trace.node(step.node_id)
    if step.phase == FORWARD:
        return _forward(trace, step, node, count, shared)
    return _backward(trace, step, node, count, element, hidden, shared)


def _forward(trace: Trace, step: Step, node: Node, count: int, shared: frozenset[str]) -> Explanation:
    name = node_name(trace, node, shared) or node.title
    lines: list[Line] = []
    code = source_line(trace, node)
    if node.kind == "constant":
        lines.append(Line("text", translate("explain", "{name} is a constant input (it needs no gradient): {name} = "
                                                       "{value}").format(name=name, value=_short(node.value))))
    elif node.kind == "leaf":
        lines.append(Line("text", translate("explain", "{name} is a leaf tensor with requires_grad=True: {name} = "
                                                       "{value}").format(name=name, value=_short(node.value))))
        lines.append(Line("text", translate("explain", "Its AccumulateGrad node will store the gradient in .grad.")))
    elif node.kind == "output":
        owner = trace.inputs_of(node.id)
        op = trace.node(owner[0].source).op if owner else translate("formulas", "its op")
        text = translate("explain", "{name} is output {k} of {op}: one autograd node stands for all the op's "
                                    "outputs. {name} = {value}, shape {shape}")
        lines.append(Line("text", text.format(name=name, k=node.output_nr, op=op, value=_short(node.value),
                                              shape=format_shape(node.shape))))
    else:
        if code:
            lines.append(Line("code", code))
        lines.append(Line("text", translate("explain", "The op runs (autograd records it as {op}). Inputs:").format(
            op=node.op)))
        for e in trace.inputs_of(node.id):
            src = trace.node(e.source)
            lines.append(Line("input", f"{node_name(trace, src, shared) or src.title} = {_short(src.value)}"))
        out = _short(node.value) if node.value is not None or not node.internal_to else \
            translate("explain", "not visible (made inside {where})").format(where=node.internal_to)
        lines.append(Line("text", translate("explain", "Output: {name} = {value}, shape {shape}").format(
            name=name, value=out, shape=format_shape(node.shape))))
    header = translate("explain", "{step} · forward · {name}").format(step=where(step, count), name=name)
    return Explanation(header, tuple(lines), code=code, line=node.line)


def term_shape(formula: Formula, node: Node) -> tuple[int, ...]:
    """The shape the element chooser indexes: the highest-rank gradient the formula shows."""
    shapes = [v.shape for t in formula.terms for v in (t.computed, t.captured) if v is not None]
    return max(shapes, key=len) if shapes else tuple(node.shape)


def _backward(trace: Trace, step: Step, node: Node, count: int, element: tuple[int, ...] | None,
              hidden: frozenset[tuple[int, str, int]], shared: frozenset[str]) -> Explanation:
    p = trace.passes[step.pass_index or 0]
    formula = local_step(trace, p.index, node.id)
    if element is not None and len(element) == len(term_shape(formula, node)):
        formula = local_step(trace, p.index, node.id, element=element)
    name = node_name(trace, node, shared) or node.title
    header = translate("explain", "{step} · backward #{n} ({call}) · {op}").format(
        step=where(step, count), n=p.index + 1, call=p.call, op=node.op) + (f" {name}" if name else "")
    incoming = translate("explain", "Incoming gradient {grad} = {value}").format(
        grad=f"∂L/∂{name or 'out'}", value=_short(p.arriving(node.id)))
    lines = [Line("incoming", incoming), Line("rule", formula.rule)]
    if formula.shapes:
        lines.append(Line("shapes", translate("explain", "Shapes: {shapes}").format(shapes=formula.shapes)))
    for term in formula.terms:
        lines.append(Line("symbolic", term.symbolic))
        if (p.index, node.id, term.slot) in hidden:
            lines.append(Line("numeric", HIDDEN, hidden=True))
        else:
            lines.append(Line("numeric", term.numeric, check_text(term), term.matches))
    return Explanation(header, tuple(lines), formula.note, formula, source_line(trace, node), node.line)


def printed(trace: Trace) -> list[str]:
    """What the program printed, each output beside its ``print`` line when they pair up
    ("line 6: print(z.requires_grad) → True"), else the output lines as they are."""
    calls = [(i + 1, line.split("#")[0].strip()) for i, line in enumerate(trace.source.splitlines())
             if line.strip().startswith("print(")]
    if len(calls) == len(trace.output):
        return [located(f"{code} → {out}", n) for (n, code), out in zip(calls, trace.output)]
    return list(trace.output)
