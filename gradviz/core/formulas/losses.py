"""Loss functions and the softmax family, as autograd records them in torch 2.13.

F.l1_loss is not here: it decomposes into SubBackward0, AbsBackward0 and MeanBackward0.
"""

from __future__ import annotations

import math

import numpy as np

from gradviz.core.formulas.arrays import Array, div, exp, log, log1p, log_sigmoid, mul, sigmoid, sub, sum_over
from gradviz.core.formulas.model import Formula, Term
from gradviz.core.formulas.step import Step, rule
from gradviz.core.formulas.text import at, d, fmt, paren, product
from gradviz.core.formulas.values import NoNumbers, array_of
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.trace import format_shape


def _reduction(step: Step) -> str:
    return step.saved_text("reduction", '"mean"').strip('"')


def _per_n(reduction: str, n: int, shape: tuple[int, ...] = ()) -> str:
    if math.prod(shape) > 1:
        over = translate("formulas", "elementwise over {shape}, ").format(shape=format_shape(tuple(shape)))
    else:
        over = ""
    if reduction == "mean":
        return translate("formulas", " / N   ({over}N = {n}, reduction 'mean')").format(over=over, n=n)
    return translate("formulas", "   ({over}reduction '{reduction}')").format(over=over, reduction=reduction)


MSE = QT_TRANSLATE_NOOP(
    "formulas", "Mean squared error averages (x − y)² over N elements; its derivative with respect to x is 2·(x − "
                "y)/N (y gets the negative). The incoming gradient is multiplied by it.")
BCE = QT_TRANSLATE_NOOP(
    "formulas", "Binary cross-entropy −[y·log a + (1 − y)·log(1 − a)] has derivative (a − y)/(a·(1 − a)) with respect "
                "to the prediction a; with reduction 'mean' it is also divided by N.")
BCE_LOGITS = QT_TRANSLATE_NOOP(
    "formulas", "Binary cross-entropy on logits z applies the sigmoid inside the loss; the two derivatives combine "
                "into the simple σ(z) − y (divided by N for the mean).")
LOG_SOFTMAX = QT_TRANSLATE_NOOP(
    "formulas", "log_softmax's gradient is the incoming gradient minus softmax times the incoming gradient's sum "
                "along the softmax dimension: g − softmax·Σg.")
SOFTMAX = QT_TRANSLATE_NOOP(
    "formulas", "softmax's gradient is softmax · (g − Σ g·softmax) along its dimension: every output depends on every "
                "input of its row, through the shared normaliser.")
NLL = QT_TRANSLATE_NOOP(
    "formulas", "The negative log-likelihood picks −log p of each sample's target class, so its gradient is −1/N at "
                "the target class (N samples, for the mean) and 0 at every other class.")


@rule("MseLossBackward0", words=MSE)
def mse(step: Step) -> Formula:
    x, y = step.names("input", "target")
    red = _reduction(step)
    self, target = step.value(0, "self"), step.value(1, "target")
    n = self.size
    norm = 2.0 / n if red == "mean" else 2.0

    def full(g: Array) -> Array:
        # Autograd's order: (input − target) · norm · grad.
        return mul(mul(sub(self, target), norm), g)

    def explain(g: Array, sign: str, i) -> str:
        body = product(sign + "2", f"({at(self, i)} − {paren(at(target, i))})", at(g, i))
        return body + (f" / {n}" if red == "mean" else "")

    def gx() -> Term:
        g = step.g()
        return step.term(0, f"{d(x)} = {d(step.out)} · 2·({x} − {y})" + _per_n(red, n, tuple(self.shape)),
                         full(g),
                         lambda i: explain(g, "", i))

    def gy() -> Term:
        g = step.g()
        return step.term(1, f"{d(y)} = −{d(step.out)} · 2·({x} − {y})" + _per_n(red, n, tuple(self.shape)),
                         -full(g),
                         lambda i: explain(g, "-", i))

    return step.formula(MSE, "reduction", {0: gx, 1: gy})


def _tail(weight: Array | None, red: str, n: int, i) -> str:
    """The weight factor and the division by N of a numeric string."""
    weighted = f" · {paren(at(weight, i))}" if weight is not None else ""
    return weighted + (f" / {n}" if red == "mean" else "")


def _weighted(weight: Array | None, red: str, n: int):
    def finish(t: Array) -> Array:
        # Autograd's order: the local gradient times grad, then the weight, then / N.
        t = t if weight is None else mul(t, weight)
        return div(t, n) if red == "mean" else t
    return finish


@rule("BinaryCrossEntropyBackward0", words=BCE)
def bce(step: Step) -> Formula:
    a_name, y_name = step.names("a", "y")
    red = _reduction(step)
    a, y = step.value(0, "self"), step.value(1, "target")
    weight = step.saved_value("weight")
    n = a.size
    finish = _weighted(weight, red, n)
    w = " · w" if weight is not None else ""

    def ga() -> Term:
        g = step.g()
        eps = np.asarray(1e-12, dtype=a.dtype)  # autograd's guard against dividing by 0
        computed = finish(div(mul(g, sub(a, y)), np.maximum((1 - a) * a, eps)))
        return step.term(0, f"{d(a_name)} = {d(step.out)} · ({a_name} − {y_name}) / "
                         f"({a_name}·(1 − {a_name})){w}"
                         + _per_n(red, n, tuple(a.shape)), computed,
                         lambda i: product(at(g, i), f"({at(a, i)} − {paren(at(y, i))})")
                         + f" / ({at(a, i)} · {at(1 - a, i)})" + _tail(weight, red, n, i))

    def gy() -> Term:
        g = step.g()
        log_1a, log_a = log1p(-a), log(a)
        computed = finish(mul(g, log_1a - log_a))
        return step.term(1, f"{d(y_name)} = {d(step.out)} · (log(1 − {a_name}) − log {a_name}){w}"
                         + _per_n(red, n, tuple(a.shape)), computed,
                         lambda i: product(at(g, i), f"({at(log_1a, i)} − {paren(at(log_a, i))})")
                         + _tail(weight, red, n, i))

    return step.formula(BCE, "reduction", {0: ga, 1: gy})


@rule("BinaryCrossEntropyWithLogitsBackward0", words=BCE_LOGITS)
def bce_logits(step: Step) -> Formula:
    z_name, y_name = step.names("z", "y")
    red = _reduction(step)
    z, y = step.value(0, "self"), step.value(1, "target")
    weight, pos = step.saved_value("weight"), step.saved_value("pos_weight")
    n = z.size
    s = sigmoid(z)
    finish = _weighted(weight, red, n)
    w = " · w" if weight is not None else ""

    def gz() -> Term:
        g = step.g()
        if pos is None:
            local = sub(s, y)
            symbol = f"(σ({z_name}) − {y_name})"
        else:
            t = mul(pos, y)
            local = sub(mul(sub(t + 1, y), s), t)
            symbol = f"((p·{y_name} + 1 − {y_name})·σ({z_name}) − p·{y_name})"
        return step.term(0, f"{d(z_name)} = {d(step.out)} · {symbol}{w}" + _per_n(red, n, tuple(z.shape))
                         + ("   (p = pos_weight)" if pos is not None else ""), finish(mul(local, g)),
                         lambda i: product(at(g, i), f"({at(s, i)} − {paren(at(y, i))})" if pos is None
                                           else at(local, i)) + _tail(weight, red, n, i))

    def gy() -> Term:
        g = step.g()
        if pos is None:
            local, symbol = -z, f"(−{z_name})"
        else:
            local = sub(log_sigmoid(-z), mul(pos, log_sigmoid(z)))
            symbol = f"(log σ(−{z_name}) − p·log σ({z_name}))"
        return step.term(1, f"{d(y_name)} = {d(step.out)} · {symbol}{w}" + _per_n(red, n, tuple(z.shape))
                         + ("   (p = pos_weight)" if pos is not None else ""), finish(mul(local, g)),
                         lambda i: product(at(g, i), at(local, i)) + _tail(weight, red, n, i))

    return step.formula(BCE_LOGITS, "reduction", {0: gz, 1: gy})


def _softmax_dim(step: Step) -> int:
    return int(step.saved_number("dim", -1))


def _softmax_shapes(step: Step, dim: int, log: bool) -> dict[int, str]:
    full = tuple(step.grad_out.shape) if step.grad_out is not None else ()
    row = format_shape(tuple(1 if k == dim else n for k, n in enumerate(full)))
    full_text = format_shape(full)
    if log:
        return {0: f"grad_out {full_text} − softmax {full_text} · Σ_dim{dim} grad_out {row} "
                   f"→ {full_text}"}
    return {0: f"s {full_text} · (grad_out {full_text} − Σ_dim{dim} grad_out·s {row}) → {full_text}"}


def _result(step: Step, what: str) -> Array:
    r = step.saved_value("result")
    return r if r is not None else array_of(step.node.value, what)


@rule("LogSoftmaxBackward0", words=LOG_SOFTMAX)
def log_softmax(step: Step) -> Formula:
    (x,) = step.names("x")
    out = _result(step, translate("formulas", "log_softmax's output"))
    dim = _softmax_dim(step) % max(out.ndim, 1)

    def gx() -> Term:
        g = step.g()
        p = exp(out)
        total = sum_over(g, dim)
        computed = sub(g, mul(p, total))
        along = translate("formulas", "(Σ along dimension {dim} of {shape})").format(
            dim=dim, shape=format_shape(tuple(g.shape)))
        return step.term(0, f"{d(x)} = {d(step.out)} − softmax({x}) · Σ {d(step.out)}   {along}",
                         computed, lambda i: f"{at(g, i)} − {product(paren(at(p, i)), at(total, i))}")

    return step.formula(LOG_SOFTMAX, "matrix", {0: gx}, _softmax_shapes(step, dim, log=True))


@rule("SoftmaxBackward0", words=SOFTMAX)
def softmax(step: Step) -> Formula:
    (x,) = step.names("x")
    p = _result(step, translate("formulas", "softmax's output"))
    dim = _softmax_dim(step) % max(p.ndim, 1)

    def gx() -> Term:
        g = step.g()
        total = sum_over(mul(g, p), dim)
        computed = mul(p, sub(g, total))
        along = translate("formulas", "(s = softmax({x}), Σ along dimension {dim} of {shape})").format(
            x=x, dim=dim, shape=format_shape(tuple(g.shape)))
        return step.term(0, f"{d(x)} = s · ({d(step.out)} − Σ {d(step.out)}·s)   {along}",
                         computed,
                         lambda i: product(at(p, i), f"({at(g, i)} − {paren(at(total, i))})"))

    return step.formula(SOFTMAX, "matrix", {0: gx}, _softmax_shapes(step, dim, log=False))


@rule("NllLossBackward0", words=NLL)
def nll(step: Step) -> Formula:
    (x,) = step.names("log_p")
    red = _reduction(step)
    logp = step.value(0, "self")
    target = step.saved_value("target")
    if target is None:
        raise NoNumbers(translate("formulas", "the target was not saved"))
    if logp.ndim not in (1, 2):
        raise NoNumbers(translate("formulas", "gradviz writes nll_loss out only for inputs of shape (C,) or (N, C)"))
    weight = step.saved_value("weight")
    total = step.saved_value("total_weight")
    ignore = int(step.saved_number("ignore_index", -100))
    if red == "mean" and total is None:
        raise NoNumbers(translate("formulas", "the total weight N was not saved"))
    rows = logp.reshape(-1, logp.shape[-1])
    targets = target.reshape(-1).tolist()

    def gx() -> Term:
        g = step.g()
        computed = np.zeros_like(rows)
        for i, t in enumerate(targets):
            if t == ignore:
                continue
            w = 1.0 if weight is None else weight[t]
            gi = g.reshape(-1)[i] if red == "none" else g
            computed[i, t] = -w * gi / total if red == "mean" else -w * gi
        computed = computed.reshape(logp.shape)

        def explain(i) -> str:
            row, col = (i[0], i[1]) if len(i) == 2 else (0, i[0])
            t = targets[row]
            if t == ignore:
                return translate("formulas", "0 (target {target} is ignore_index)").format(target=t)
            if col != t:
                return translate("formulas", "0 (class {cls} is not the target {target})").format(cls=col, target=t)
            parts = ["-1"] + ([at(weight, (t,))] if weight is not None else [])
            parts.append(at(g, (row,)) if red == "none" else fmt(g))
            return product(*parts) + (f" / {fmt(total)}" if red == "mean" else "")

        n = f"N = {fmt(total)}" if red == "mean" and total is not None else ""
        symbolic = (f"{d(x)}[i, target[i]] = −{'w · ' if weight is not None else ''}{d(step.out)}"
                    + (" / N" if red == "mean" else "") + translate("formulas", ", 0 at every other class")
                    + (f"   ({n})" if n else ""))
        return step.term(0, symbolic, computed, explain)

    return step.formula(NLL, "reduction", {0: gx})
