"""Elementwise ops: each output element depends on the same-position element of each input.

The incoming gradient is multiplied, element by element, by the local derivative;
an input that was broadcast gets the sum over the dimensions it was broadcast along.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from gradviz.core.formulas.arrays import Array, div, mul, sgn
from gradviz.core.formulas.model import Formula, Term
from gradviz.core.formulas.step import Step, rule
from gradviz.core.formulas.text import SHOWN_TERMS, Index, at, d, fmt, paren, product, sum_text
from gradviz.core.formulas.values import array_of, broadcast_dims, reduce_to, sources_of
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.trace import format_shape


def pointwise(step: Step, slot: int, symbolic: str, full: Array | np.generic,
              explain: Callable[[Index], str]) -> Term:
    """A term whose gradient is ``full`` (output-shaped), summed back to the input's shape.

    Parameters
    ----------
    step : Step
        The step the term belongs to.
    slot : int
        The input slot the gradient goes to.
    symbolic : str
        The rule in symbols; the elementwise and broadcast remarks are appended.
    full : numpy.ndarray
        The gradient at every output position, before summing over broadcast dimensions.
    explain : callable
        ``explain(position)`` writes the product at one output position.

    Returns
    -------
    Term
        The term, its gradient recomputed and compared with autograd's.
    """
    full = np.asarray(full)
    shape = step.input_shape(slot)
    if shape is None:  # () is a shape: a 0-dim input broadcast over the output is summed back to it
        shape = tuple(full.shape)
    computed = reduce_to(full, shape)
    dims = broadcast_dims(full.shape, shape) if tuple(full.shape) != tuple(shape) else ()
    if full.size > 1:
        symbolic += translate("formulas", "   (elementwise over {shape})").format(shape=format_shape(tuple(full.shape)))
    if not dims:
        return step.term(slot, symbolic, computed, explain)
    symbolic += translate("formulas", ", summed over the broadcast dimensions {dims} back to {shape}").format(
        dims=", ".join(map(str, dims)), shape=format_shape(tuple(shape)))

    def summed(index: Index) -> str:
        positions, count = sources_of(index, full.shape, shape)
        parts = [f"({explain(p)})" for p in itertools.islice(positions, SHOWN_TERMS)]
        return "Σ " + sum_text(parts, count)

    return step.term(slot, symbolic, computed, summed)


def _scalar_name(step: Step, slot: int, value: Array | None, name: str) -> str:
    # x * 3.0: the 3 is no node of the graph, only a saved 0-dim tensor; show the number.
    if value is not None and slot not in step.edges and value.size == 1:
        return step.rename(slot, fmt(value.reshape(())))
    return name


def _linear(step: Step, words: str, factors: tuple[float, float]) -> Formula:
    """x + α·y (factors 1, α), x − α·y (1, −α), α·x − y reversed (rsub)."""
    x, y = step.names("x", "y")
    g_out = d(step.out)

    def term(slot: int, name: str, factor: float) -> Callable[[], Term]:
        def build() -> Term:
            g = step.g()
            # Autograd's maybe_multiply: no multiplication at all when the factor is 1.
            full = g if factor == 1 else (-g if factor == -1 else mul(g, factor))
            symbolic = f"{d(name)} = {g_out} · {paren(fmt(factor))}"
            return pointwise(step, slot, symbolic, full, lambda p: product(at(g, p), fmt(factor)))
        return build

    return step.formula(words, "elementwise", {0: term(0, x, factors[0]), 1: term(1, y, factors[1])})


ADD = QT_TRANSLATE_NOOP(
    "formulas", "Addition passes the incoming gradient on unchanged: the local derivative of x + y is 1 for each "
                "input (alpha for y in torch.add(x, y, alpha=…)). An input that was broadcast gets the incoming "
                "gradient summed over the broadcast dimensions.")
SUB = QT_TRANSLATE_NOOP(
    "formulas", "Subtraction x − y passes the incoming gradient to x unchanged and to y with its sign flipped: the "
                "local derivatives are 1 and −1 (−alpha with alpha=…).")
RSUB = QT_TRANSLATE_NOOP(
    "formulas", "rsub computes y − x (it is what 1 − x runs): x's local derivative is −1, so x gets the incoming "
                "gradient with its sign flipped.")


@rule("AddBackward0", words=ADD)
def add(step: Step) -> Formula:
    return _linear(step, ADD, (1.0, step.saved_number("alpha", 1.0)))


@rule("SubBackward0", words=SUB)
def sub(step: Step) -> Formula:
    return _linear(step, SUB, (1.0, -step.saved_number("alpha", 1.0)))


@rule("RsubBackward0", "RsubBackward1", words=RSUB)
def rsub(step: Step) -> Formula:
    return _linear(step, RSUB, (-step.saved_number("alpha", 1.0), 1.0))


MUL = QT_TRANSLATE_NOOP(
    "formulas", "For a product x·y, the local derivative with respect to x is y and with respect to y is x: each "
                "input's gradient is the incoming gradient times the other input.")


@rule("MulBackward0", words=MUL)
def mul_(step: Step) -> Formula:
    x, y = step.names("x", "y")
    if step.needed(0):
        other = step.value(1, "other")
        y = _scalar_name(step, 1, other, y)
    if step.needed(1):
        self = step.value(0, "self")
        x = _scalar_name(step, 0, self, x)

    def gx() -> Term:
        g = step.g()
        return pointwise(step, 0, f"{d(x)} = {d(step.out)} · {y}", mul(g, other),
                         lambda p: product(at(g, p), at(other, p)))

    def gy() -> Term:
        g = step.g()
        return pointwise(step, 1, f"{d(y)} = {d(step.out)} · {x}", mul(g, self),
                         lambda p: product(at(g, p), at(self, p)))

    return step.formula(MUL, "elementwise", {0: gx, 1: gy})


DIV = QT_TRANSLATE_NOOP(
    "formulas", "For x / y, the local derivative with respect to x is 1/y and with respect to y is −x/y²: the "
                "incoming gradient is divided by y for x, and multiplied by −x/y² for y.")


@rule("DivBackward0", words=DIV)
def div_(step: Step) -> Formula:
    x, y = step.names("x", "y")
    other = step.value(1, "other")
    y = _scalar_name(step, 1, other, y)

    def gx() -> Term:
        g = step.g()
        return pointwise(step, 0, f"{d(x)} = {d(step.out)} / {y}", div(g, other),
                         lambda p: f"{at(g, p)} / {paren(at(other, p))}")

    def gy() -> Term:
        g = step.g()
        self = step.value(0, "self")
        # Autograd's own order: -grad * ((self / other) / other).
        full = mul(-g, div(div(self, other), other))
        return pointwise(step, 1, f"{d(y)} = −{d(step.out)} · {x} / {y}²", full,
                         lambda p: f"{product('-1', at(g, p), at(self, p))} / {paren(at(other, p))}²")

    return step.formula(DIV, "elementwise", {0: gx, 1: gy})


def _unary(step: Step, words: str, symbol: Callable[[str], str],
           full: Callable[[Array], Array],
           explain: Callable[[Array, Index], str], fallback: str = "x") -> Formula:
    """A one-input elementwise op: ∂L/∂x = ∂L/∂out · f'(x)."""
    (x,) = step.names(fallback)

    def gx() -> Term:
        g = step.g()
        return pointwise(step, 0, f"{d(x)} = {d(step.out)} · {symbol(x)}", full(g),
                         lambda p: explain(g, p))

    return step.formula(words, "elementwise", {0: gx})


NEG = QT_TRANSLATE_NOOP(
    "formulas", "Negation −x has local derivative −1: the incoming gradient comes back with its sign flipped.")
EXP = QT_TRANSLATE_NOOP(
    "formulas", "The derivative of exp(x) is exp(x) itself, the op's output, which autograd saved: the incoming "
                "gradient is multiplied by it.")
LOG = QT_TRANSLATE_NOOP(
    "formulas", "The derivative of log(x) is 1/x: the incoming gradient is divided by the saved input x.")
SIGMOID = QT_TRANSLATE_NOOP(
    "formulas", "The sigmoid's derivative is σ(z)(1 − σ(z)), computed from its saved output σ(z); the incoming "
                "gradient is multiplied by it.")
TANH = QT_TRANSLATE_NOOP(
    "formulas", "The derivative of tanh(x) is 1 − tanh(x)², computed from its saved output; the incoming gradient is "
                "multiplied by it.")
RELU = QT_TRANSLATE_NOOP(
    "formulas", "ReLU lets the gradient through where its output was positive (local derivative 1) and blocks it "
                "where the output was 0 (local derivative 0).")
ABS = QT_TRANSLATE_NOOP(
    "formulas", "The derivative of |x| is the sign of x (+1, −1, or 0 at 0): the incoming gradient is multiplied by "
                "it.")
RECIPROCAL = QT_TRANSLATE_NOOP(
    "formulas", "The derivative of 1/x is −1/x²: the incoming gradient is multiplied by −(1/x)², from the saved "
                "output 1/x.")
SQRT = QT_TRANSLATE_NOOP(
    "formulas", "The derivative of √x is 1/(2√x): the incoming gradient is divided by twice the saved output √x.")


@rule("NegBackward0", words=NEG)
def neg(step: Step) -> Formula:
    return _unary(step, NEG, lambda x: "(−1)", lambda g: -g, lambda g, p: product(at(g, p), "-1"))


@rule("ExpBackward0", words=EXP)
def exp(step: Step) -> Formula:
    r = _result(step, "exp(x)")
    return _unary(step, EXP, lambda x: f"exp({x})", lambda g: mul(g, r),
                  lambda g, p: product(at(g, p), at(r, p)))


@rule("LogBackward0", words=LOG)
def log(step: Step) -> Formula:
    (name,) = step.names("x")
    x = step.value(0, "self")
    return step.formula(LOG, "elementwise", {0: lambda: _ratio(step, name, x)})


def _ratio(step: Step, name: str, x: Array) -> Term:
    g = step.g()
    return pointwise(step, 0, f"{d(name)} = {d(step.out)} / {name}", div(g, x),
                     lambda p: f"{at(g, p)} / {paren(at(x, p))}")


def _result(step: Step, what: str) -> Array:
    r = step.saved_value("result")
    if r is None:  # not saved: the op's own output is the node's value
        r = array_of(step.node.value, what)
    return r


@rule("SigmoidBackward0", words=SIGMOID)
def sigmoid(step: Step) -> Formula:
    s = _result(step, "σ(z)")
    return _unary(step, SIGMOID, lambda z: f"σ({z})·(1 − σ({z}))",
                  lambda g: mul(mul(g, 1 - s), s),
                  lambda g, p: product(at(g, p), at(s, p), at(1 - s, p)), fallback="z")


@rule("TanhBackward0", words=TANH)
def tanh(step: Step) -> Formula:
    t = _result(step, "tanh(x)")
    return _unary(step, TANH, lambda x: f"(1 − tanh({x})²)", lambda g: mul(g, 1 - t * t),
                  lambda g, p: product(at(g, p), f"(1 − {paren(at(t, p))}²)"))


@rule("ReluBackward0", words=RELU)
def relu(step: Step) -> Formula:
    r = _result(step, translate("formulas", "relu's output"))
    return _unary(step, RELU, lambda x: f"[relu({x}) > 0]",
                  lambda g: np.where(r > 0, g, np.zeros_like(g)),
                  lambda g, p: product(at(g, p), "1" if r[p].item() > 0 else "0"))


@rule("AbsBackward0", words=ABS)
def abs_(step: Step) -> Formula:
    x = step.value(0, "self")
    sign = sgn(x)
    return _unary(step, ABS, lambda name: f"sign({name})", lambda g: mul(g, sign),
                  lambda g, p: product(at(g, p), at(sign, p)))


@rule("ReciprocalBackward0", words=RECIPROCAL)
def reciprocal(step: Step) -> Formula:
    r = _result(step, "1/x")
    return _unary(step, RECIPROCAL, lambda x: f"(−(1/{x})²)", lambda g: mul(-g, r * r),
                  lambda g, p: product(at(g, p), f"(−{paren(at(r, p))}²)"))


@rule("SqrtBackward0", words=SQRT)
def sqrt(step: Step) -> Formula:
    r = _result(step, "√x")
    (x,) = step.names("x")

    def gx() -> Term:
        g = step.g()
        return pointwise(step, 0, f"{d(x)} = {d(step.out)} / (2·√{x})", div(g, 2 * r),
                         lambda p: f"{at(g, p)} / (2 · {at(r, p)})")

    return step.formula(SQRT, "elementwise", {0: gx})
