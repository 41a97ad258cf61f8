"""Matrix products: mm, addmm (nn.Linear), mv and dot (matmul with vectors), bmm.

For out = A·B the gradient of A is ∂L/∂out·Bᵀ and that of B is Aᵀ·∂L/∂out: each
element of an outgoing gradient is a dot product of a row and a column.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from gradviz.core.formulas.arrays import Array, matmul, mul
from gradviz.core.formulas.elementwise import pointwise
from gradviz.core.formulas.model import Formula, Term
from gradviz.core.formulas.step import Step, rule
from gradviz.core.formulas.text import SHOWN_TERMS, Index, at, d, fmt, product, sum_text
from gradviz.core.formulas.values import reduce_to, sources_of
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.trace import format_shape


def dot_text(u: Array, v: Array) -> str:
    """``Σ u₀·v₀ + u₁·v₁ + …`` for two 1-D tensors of the same length."""
    n = u.shape[0]
    parts = [product(fmt(u[k]), fmt(v[k])) for k in range(min(n, SHOWN_TERMS))]
    return "Σ " + sum_text(parts, n) if n > 1 else (parts[0] if parts else "0")


def _product(a: Array, b: Array, batched: bool) -> Array:
    """torch.mm (two matrices) or torch.bmm (two batches of them): the ranks are checked."""
    rank = 3 if batched else 2
    if np.ndim(a) != rank or np.ndim(b) != rank:
        raise ValueError(f"{'bmm' if batched else 'mm'} expects {rank}-D operands, got "
                         f"{np.ndim(a)}-D and {np.ndim(b)}-D")
    return matmul(a, b)


def _mv(m: Array, v: Array) -> Array:
    """torch.mv: a matrix times a vector."""
    if np.ndim(m) != 2 or np.ndim(v) != 1:
        raise ValueError(f"mv expects a 2-D matrix and a 1-D vector, got {np.ndim(m)}-D and {np.ndim(v)}-D")
    return matmul(m, v)


def _outer(u: Array, v: Array) -> Array:
    """torch.ger: the outer product of two vectors, a column times a row (so dtypes promote)."""
    if np.ndim(u) != 1 or np.ndim(v) != 1:
        raise ValueError(f"outer expects 1-D vectors, got {np.ndim(u)}-D and {np.ndim(v)}-D")
    return mul(np.reshape(u, (-1, 1)), v)


def shape(s: Sequence[int] | None) -> str:
    return format_shape(tuple(s)) if s is not None else "?"


def transposed(s: Sequence[int] | None) -> tuple[int, ...] | None:
    return None if s is None else tuple(s)[:-2] + tuple(reversed(tuple(s)[-2:]))


def tr(name: str) -> str:
    """``name`` transposed: Wᵀ's transpose is written W, not Wᵀᵀ."""
    return name[:-1] if name.endswith("ᵀ") else name + "ᵀ"


def _product_terms(step: Step, a: str, b: str, slots: tuple[int, int], saved: tuple[str, str],
                   alpha: float = 1.0, batched: bool = False) -> tuple[dict, dict]:
    """Terms and shape texts for A (slots[0]) and B (slots[1]) of out = α·A·B."""
    g_shape = step.grad_out.shape if step.grad_out is not None else None
    a_shape = step.input_shape(slots[0], saved[0])
    b_shape = step.input_shape(slots[1], saved[1])
    scale = "" if alpha == 1 else f"{fmt(alpha)} · "

    def t(m: Array) -> Array:
        return np.swapaxes(m, -2, -1)

    def scaled(m: Array) -> Array:
        return m if alpha == 1 else mul(m, alpha)

    def ga() -> Term:
        g = step.g()
        mb = step.value(slots[1], saved[1])
        computed = scaled(_product(g, t(mb), batched))

        def explain(i: Index) -> str:
            row = g[i[:-2] + (i[-2],)] if batched else g[i[0]]
            col = mb[i[:-2] + (i[-1],)] if batched else mb[i[-1]]
            return scale + dot_text(row, col)

        return step.term(slots[0], f"{d(a)} = {scale}{d(step.out)} · {tr(b)}   ({shapes[slots[0]]})",
                         computed, explain)

    def gb() -> Term:
        g = step.g()
        ma = step.value(slots[0], saved[0])
        computed = scaled(_product(t(ma), g, batched))

        def explain(i: Index) -> str:
            col_a = ma[i[0], :, i[1]] if batched else ma[:, i[0]]
            col_g = g[i[0], :, i[2]] if batched else g[:, i[1]]
            return scale + dot_text(col_a, col_g)

        return step.term(slots[1], f"{d(b)} = {scale}{tr(a)} · {d(step.out)}   ({shapes[slots[1]]})",
                         computed, explain)

    shapes = {
        slots[0]: f"grad_out {shape(g_shape)} · {tr(b)} {shape(transposed(b_shape))} → {shape(a_shape)}",
        slots[1]: f"{tr(a)} {shape(transposed(a_shape))} · grad_out {shape(g_shape)} → {shape(b_shape)}",
    }
    return {slots[0]: ga, slots[1]: gb}, shapes


MM = QT_TRANSLATE_NOOP(
    "formulas", "For out = A·B, each input's gradient is a matrix product: ∂L/∂A = ∂L/∂out·Bᵀ and ∂L/∂B = Aᵀ·∂L/∂out. "
                "Each element is a row of one matrix dotted with a column of the other.")
ADDMM = QT_TRANSLATE_NOOP(
    "formulas", "addmm is nn.Linear's out = bias + mat1·mat2 (mat2 = Wᵀ). The bias gets the incoming gradient summed "
                "over the batch; mat1 gets ∂L/∂out·mat2ᵀ; mat2 gets mat1ᵀ·∂L/∂out.")
BMM = QT_TRANSLATE_NOOP(
    "formulas", "bmm multiplies matrices batch by batch: ∂L/∂A = ∂L/∂out·Bᵀ and ∂L/∂B = Aᵀ·∂L/∂out for each batch.")
MV = QT_TRANSLATE_NOOP(
    "formulas", "For out = A·v (matrix times vector): ∂L/∂A is the outer product ∂L/∂out·vᵀ, and ∂L/∂v = Aᵀ·∂L/∂out.")
DOT = QT_TRANSLATE_NOOP(
    "formulas", "For the dot product out = Σ xᵢyᵢ, the derivative with respect to xᵢ is yᵢ and with respect to yᵢ is "
                "xᵢ: each input's gradient is the incoming number times the other vector.")


@rule("MmBackward0", words=MM)
def mm(step: Step) -> Formula:
    a, b = step.names("A", "B")
    terms, shapes = _product_terms(step, a, b, (0, 1), ("self", "mat2"))
    return step.formula(MM, "matrix", terms, shapes)


@rule("BmmBackward0", words=BMM)
def bmm(step: Step) -> Formula:
    a, b = step.names("A", "B")
    terms, shapes = _product_terms(step, a, b, (0, 1), ("self", "mat2"), batched=True)
    return step.formula(BMM, "matrix", terms, shapes)


@rule("AddmmBackward0", words=ADDMM)
def addmm(step: Step) -> Formula:
    bias, m1, m2 = step.names("bias", "mat1", "mat2")
    alpha, beta = step.saved_number("alpha", 1.0), step.saved_number("beta", 1.0)
    terms, shapes = _product_terms(step, m1, m2, (1, 2), ("mat1", "mat2"), alpha=alpha)
    b_shape = step.input_shape(0)
    g_shape = step.grad_out.shape if step.grad_out is not None else None

    def gbias() -> Term:
        g = step.g()
        full = g if beta == 1 else mul(g, beta)
        scale = "" if beta == 1 else f"{fmt(beta)} · "
        target = b_shape or tuple(full.shape)
        computed = reduce_to(full, target)

        def explain(i: Index) -> str:
            positions, count = sources_of(i, full.shape, target)
            return scale + ("Σ " if count > 1 else "") + sum_text(
                [at(g, p) for p in itertools.islice(positions, SHOWN_TERMS)], count)

        symbolic = translate("formulas", "{grad} = {scale}Σ over the batch (rows) of {out}   ({shapes})").format(
            grad=d(bias), scale=scale, out=d(step.out), shapes=shapes[0])
        return step.term(0, symbolic, computed, explain)

    terms[0] = gbias
    shapes[0] = translate("formulas", "grad_out {shape} summed over the rows → {bias}").format(
        shape=shape(g_shape), bias=shape(b_shape))
    return step.formula(ADDMM, "matrix", terms, dict(sorted(shapes.items())))


@rule("MvBackward0", words=MV)
def mv(step: Step) -> Formula:
    a, v = step.names("A", "v")
    g_shape = step.grad_out.shape if step.grad_out is not None else None

    def ga() -> Term:
        g = step.g()
        vec = step.value(1, "vec")
        outer = translate("formulas", "(outer product: {shapes})").format(shapes=shapes[0])
        return step.term(0, f"{d(a)} = {d(step.out)} · {v}ᵀ   {outer}", _outer(g, vec),
                         lambda i: product(at(g, i[:1]), at(vec, i[1:])))

    def gv() -> Term:
        g = step.g()
        mat = step.value(0, "self")
        return step.term(1, f"{d(v)} = {tr(a)} · {d(step.out)}   ({shapes[1]})", _mv(mat.T, g),
                         lambda i: dot_text(mat[:, i[0]], g))

    a_shape, v_shape = step.input_shape(0, "self"), step.input_shape(1, "vec")
    shapes = {0: f"grad_out {shape(g_shape)} ⊗ {v} {shape(v_shape)} → {shape(a_shape)}",
              1: f"{tr(a)} {shape(transposed(a_shape))} · grad_out {shape(g_shape)} → {shape(v_shape)}"}
    return step.formula(MV, "matrix", {0: ga, 1: gv}, shapes)


@rule("DotBackward0", words=DOT)
def dot(step: Step) -> Formula:
    x, y = step.names("x", "y")

    def gx() -> Term:
        g = step.g()
        other = step.value(1, "tensor")
        return pointwise(step, 0, f"{d(x)} = {d(step.out)} · {y}", mul(g, other),
                         lambda i: product(fmt(g), at(other, i)))

    def gy() -> Term:
        g = step.g()
        self = step.value(0, "self")
        return pointwise(step, 1, f"{d(y)} = {d(step.out)} · {x}", mul(g, self),
                         lambda i: product(fmt(g), at(self, i)))

    n = step.input_shape(0, "self")
    scalar = translate("formulas", "grad_out scalar · {name} {shape} → {shape}")
    shapes = {0: scalar.format(name=y, shape=shape(n)), 1: scalar.format(name=x, shape=shape(n))}
    return step.formula(DOT, "matrix", {0: gx, 1: gy}, shapes)
