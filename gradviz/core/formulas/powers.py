"""Powers: x ** p (a number), x ** e (a tensor), and b ** x (a number to a tensor power)."""

from __future__ import annotations

import math

import numpy as np

from gradviz.core.formulas.arrays import log, mul, power, promoted
from gradviz.core.formulas.elementwise import pointwise
from gradviz.core.formulas.model import Formula, Term
from gradviz.core.formulas.step import Step, rule
from gradviz.core.formulas.text import at, d, fmt, number_text, paren, product
from gradviz.core.formulas.values import NoNumbers
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate

POW = QT_TRANSLATE_NOOP(
    "formulas", "The power rule: the derivative of x^p is p·x^(p−1). The incoming gradient is multiplied by it, with "
                "x the saved input and p the saved exponent.")
POW_TENSOR = QT_TRANSLATE_NOOP(
    "formulas", "For x^e with both tensors: the derivative with respect to x is e·x^(e−1) and with respect to e is "
                "x^e·ln(x); each multiplies the incoming gradient.")
POW_BASE = QT_TRANSLATE_NOOP(
    "formulas", "For b^x with a number b: the derivative with respect to x is b^x·ln(b), from the saved output b^x; "
                "the incoming gradient is multiplied by it.")


@rule("PowBackward0", words=POW)
def pow_scalar(step: Step) -> Formula:
    (x,) = step.names("x")
    p = number_text(step.saved_text("exponent"))
    if p is None:
        raise NoNumbers(translate("formulas", "the exponent was not saved as a plain number"))
    self = step.value(0, "self")
    p_text = fmt(p)

    def gx() -> Term:
        g = step.g()
        # Autograd's pow_backward: zero for exponent 0, else grad * (p * x^(p-1)).
        full = np.zeros_like(mul(g, self)) if p == 0 else mul(g, mul(power(self, p - 1), p))
        return pointwise(step, 0, f"{d(x)} = {d(step.out)} · {p_text}·{x}^{fmt(p - 1)}", full,
                         lambda q: product(at(g, q), p_text, f"{paren(at(self, q))}^{fmt(p - 1)}"))

    return step.formula(POW, "elementwise", {0: gx})


@rule("PowBackward1", words=POW_TENSOR)
def pow_tensor(step: Step) -> Formula:
    x, e = step.names("x", "e")
    self = step.value(0, "self")
    exponent = step.value(1, "exponent")

    def gx() -> Term:
        g = step.g()
        full = _where(exponent == 0, np.zeros_like(mul(g, self)),
                      mul(g, mul(exponent, power(self, exponent - 1))))
        return pointwise(step, 0, f"{d(x)} = {d(step.out)} · {e}·{x}^({e} − 1)", full,
                         lambda q: product(at(g, q), at(exponent, q),
                                           f"{paren(at(self, q))}^{paren(at(exponent - 1, q))}"))

    def ge() -> Term:
        g = step.g()
        result = step.saved_value("result")
        result = result if result is not None else power(self, exponent)
        # x = 0 with e ≥ 0: autograd defines the gradient as 0 rather than 0·ln 0.
        zero = (self == 0) & (exponent >= 0)
        full = mul(g, _where(zero, np.zeros_like(result), mul(result, log(self))))
        return pointwise(step, 1, f"{d(e)} = {d(step.out)} · {x}^{e}·ln({x})", full,
                         lambda q: product(at(g, q), at(result, q), f"ln({at(self, q)})"))

    return step.formula(POW_TENSOR, "elementwise", {0: gx, 1: ge})


@rule("PowBackward2", words=POW_BASE)
def pow_base(step: Step) -> Formula:
    (x,) = step.names("x")
    base = number_text(step.saved_text("self"))
    if base is None:
        raise NoNumbers(translate("formulas", "the base was not saved as a plain number"))
    result = step.saved_value("result")
    if result is None:
        raise NoNumbers(translate("formulas", "the output b^x was not saved"))
    exponent = step.value(0, "exponent")
    b = fmt(base)

    def gx() -> Term:
        g = step.g()
        ln_b = math.log(base) if base > 0 else (-math.inf if base == 0 else math.nan)
        zero = (base == 0) & (exponent >= 0)
        full = mul(g, _where(zero, np.zeros_like(result), mul(result, ln_b)))
        return pointwise(step, 0, f"{d(x)} = {d(step.out)} · {b}^{x}·ln({b})", full,
                         lambda q: product(at(g, q), at(result, q), f"ln({b})"))

    return step.formula(POW_BASE, "elementwise", {0: gx})


def _where(condition, a, b):
    """torch.where: the two branches promoted to one dtype first."""
    a, b = promoted(a, b)
    return np.where(condition, a, b)
