"""Ops that move, copy, pick or sum elements: views, transposes, sums, means, indexing.

Their gradients involve no derivative beyond 1: each incoming number is moved back
to where its element came from, copied to every element a sum read, or scattered
to the position an index picked.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import replace

import numpy as np

from gradviz.core.formulas.arrays import Array, div
from gradviz.core.formulas.model import Formula, Term
from gradviz.core.formulas.step import Step, rule
from gradviz.core.formulas.text import SHOWN_TERMS, Index, at, d, index_text, literal, sum_text
from gradviz.core.formulas.values import NoNumbers, array_of, reduce_to, sources_of
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.trace import format_shape


def _in_shape(step: Step) -> tuple[int, ...]:
    shape = step.input_shape(0)
    if shape is None:
        raise NoNumbers(translate("formulas", "the input's shape was not captured"))
    return shape


def _moved(step: Step, words: str, form: str, symbolic: str, compute, where) -> Formula:
    """One input whose gradient element ``i`` is the incoming element ``where(i)``."""
    (x,) = step.names("x")

    def gx() -> Term:
        g = step.g()
        return step.term(0, symbolic.format(x=d(x), out=d(step.out)), compute(g),
                         lambda i: f"{d(step.out)}{index_text(where(i))}" if g.ndim else "")

    return step.formula(words, form, {0: gx})


VIEW = QT_TRANSLATE_NOOP(
    "formulas", "A view or reshape only rearranges the same numbers into another shape, so the gradient is the "
                "incoming gradient reshaped back to the input's shape.")
T = QT_TRANSLATE_NOOP(
    "formulas", "Transposing swaps rows and columns, so the gradient is the incoming gradient transposed back.")
PERMUTE = QT_TRANSLATE_NOOP(
    "formulas", "permute reorders dimensions, so the gradient is the incoming gradient with the order undone.")


@rule("ViewBackward0", "ReshapeAliasBackward0", "UnsafeViewBackward0", "SqueezeBackward0",
      "SqueezeBackward1", "SqueezeBackward2", "SqueezeBackward3", "SqueezeBackward4",
      "UnsqueezeBackward0", "UnsqueezeBackward1", words=VIEW)
def view(step: Step) -> Formula:
    shape = _in_shape(step)
    out_shape = tuple(step.grad_out.shape) if step.grad_out is not None else ()

    def where(i: Index) -> Index:
        flat = int(np.ravel_multi_index(i, shape)) if shape else 0
        return tuple(int(k) for k in np.unravel_index(flat, out_shape)) if out_shape else ()

    symbolic = "{x} = {out} " + translate("formulas", "reshaped {shape} → {input}").format(
        shape=format_shape(out_shape), input=format_shape(shape))
    return _moved(step, VIEW, "elementwise", symbolic, lambda g: g.reshape(shape), where)


@rule("TBackward0", words=T)
def t(step: Step) -> Formula:
    out = _moved(step, T, "matrix", "{x} = ({out})ᵀ", _t, lambda i: tuple(reversed(i)))
    return _with_shapes(out, step)


@rule("TransposeBackward0", words=T)
def transpose(step: Step) -> Formula:
    a, b = int(step.saved_number("dim0", 0)), int(step.saved_number("dim1", 1))
    shape = _in_shape(step)
    a, b = a % max(len(shape), 1), b % max(len(shape), 1)

    def where(i: Index) -> Index:
        j = list(i)
        j[a], j[b] = j[b], j[a]
        return tuple(j)

    out = _moved(step, T, "matrix", "{x} = ({out}).transpose(" + f"{a}, {b})",
                 lambda g: np.swapaxes(g, a, b), where)
    return _with_shapes(out, step)


@rule("PermuteBackward0", words=PERMUTE)
def permute(step: Step) -> Formula:
    dims = literal(step.saved_text("dims"))
    if not isinstance(dims, tuple):
        raise NoNumbers(translate("formulas", "the permutation was not saved"))
    n = len(dims)
    dims = tuple(k % n for k in dims)
    inverse = tuple(int(k) for k in np.argsort(dims))
    return _moved(step, PERMUTE, "elementwise", "{x} = ({out}).permute" + f"{inverse}",
                  lambda g: np.transpose(g, inverse), lambda i: tuple(i[k] for k in dims))


def _with_shapes(formula: Formula, step: Step) -> Formula:
    g = step.grad_out.shape if step.grad_out is not None else None
    shape = step.input_shape(0)
    if g is None or shape is None:
        return formula
    return replace(formula, shapes=f"grad_out {format_shape(tuple(g))}ᵀ → {format_shape(shape)}")


SUM = QT_TRANSLATE_NOOP(
    "formulas", "A sum adds its inputs with weight 1, so every element that was summed gets the same incoming "
                "gradient: the gradient is copied (expanded) back to the input's shape.")
MEAN = QT_TRANSLATE_NOOP(
    "formulas", "A mean is a sum divided by N, the number of elements averaged: every element gets the incoming "
                "gradient divided by N.")
EXPAND = QT_TRANSLATE_NOOP(
    "formulas", "expand reuses one element in many places, so its gradient is the sum of the incoming gradients of "
                "all the places it was copied to.")


def _reduced(step: Step, words: str, mean: bool) -> Formula:
    shape = _in_shape(step)
    ndim = len(shape)
    dims_text = step.saved_text("dim")
    if dims_text:
        dims = literal(dims_text)
        dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
        dims = tuple(sorted({int(k) % max(ndim, 1) for k in dims})) if dims else tuple(range(ndim))
        keepdim = step.saved_text("keepdim") == "True"
    else:
        dims, keepdim = tuple(range(ndim)), False
    n = math.prod(shape[k] for k in dims) if dims else 1
    (x,) = step.names("x")

    def gx() -> Term:
        g = step.g()
        kept = g
        if not keepdim and g.ndim < ndim:
            for k in dims:
                kept = np.expand_dims(kept, k)
        computed = np.broadcast_to(kept, shape)
        if mean:
            computed = div(computed, n)

        def explain(i: Index) -> str:
            src = tuple(0 if k in dims else i[k] for k in range(ndim))
            if mean:
                return f"{at(kept, src)} / {n}"
            # Every summed element receives the same number: name where it comes from.
            read = tuple(i[k] for k in range(ndim) if keepdim or k not in dims)
            return d(step.out) + (index_text(read) if g.ndim else "")

        if len(dims) == ndim:
            over = translate("formulas", "all elements")
        elif len(dims) > 1:
            over = translate("formulas", "dimensions {dims}").format(dims=", ".join(map(str, dims)))
        else:
            over = translate("formulas", "dimension {dims}").format(dims=", ".join(map(str, dims)))
        symbolic = (f"{d(x)} = {d(step.out)} "
                    + translate("formulas", "expanded back to {shape}").format(shape=format_shape(shape))
                    + (translate("formulas", " and divided by N = {n}").format(n=n) if mean else "")
                    + translate("formulas", "   (reduced over {over})").format(over=over))
        return step.term(0, symbolic, computed, explain)

    return step.formula(words, "reduction", {0: gx})


@rule("SumBackward0", "SumBackward1", words=SUM)
def sum_(step: Step) -> Formula:
    return _reduced(step, SUM, mean=False)


@rule("MeanBackward0", "MeanBackward1", words=MEAN)
def mean(step: Step) -> Formula:
    return _reduced(step, MEAN, mean=True)


@rule("ExpandBackward0", words=EXPAND)
def expand(step: Step) -> Formula:
    shape = _in_shape(step)
    (x,) = step.names("x")

    def gx() -> Term:
        g = step.g()
        computed = reduce_to(g, shape)

        def explain(i: Index) -> str:
            positions, count = sources_of(i, g.shape, shape)
            return ("Σ " if count > 1 else "") + sum_text(
                [at(g, p) for p in itertools.islice(positions, SHOWN_TERMS)], count)

        summed = translate("formulas", "summed back to {shape}").format(shape=format_shape(shape))
        return step.term(0, f"{d(x)} = {d(step.out)} {summed}", computed, explain)

    return step.formula(EXPAND, "reduction", {0: gx})


SELECT = QT_TRANSLATE_NOOP(
    "formulas", "Picking part of a tensor passes each picked element's gradient back to where it came from; the "
                "elements not picked get 0.")
INDEX = QT_TRANSLATE_NOOP(
    "formulas", "Indexing with tensors picks elements; backward scatters the incoming gradient back to the picked "
                "positions (adding where a position was picked more than once) and puts 0 elsewhere.")


def _scatter(step: Step, words: str, place, describe: str) -> Formula:
    """One input whose gradient is zeros with the incoming gradient placed by ``place``."""
    shape = _in_shape(step)
    (x,) = step.names("x")

    def gx() -> Term:
        g = step.g()
        computed = place(np.zeros(shape, dtype=g.dtype), g)
        # Scatter counts and positions the same way, to say which incoming number lands where.
        count = place(np.zeros(shape, dtype=np.int64), np.ones_like(g, dtype=np.int64))
        origin = place(np.zeros(shape, dtype=np.int64),
                       np.arange(1, g.size + 1, dtype=np.int64).reshape(g.shape))

        def explain(i: Index) -> str:
            picked = int(count[i])
            if picked == 0:
                return translate("formulas", "0 (not picked)")
            if picked > 1:
                return translate("formulas", "the sum of the {n} incoming numbers picked from here").format(n=picked)
            flat = int(origin[i]) - 1
            src = tuple(int(k) for k in np.unravel_index(flat, tuple(g.shape))) if g.ndim else ()
            return d(step.out) + (index_text(src) if g.ndim else "")

        symbolic = translate("formulas", "{grad} = 0 with {out} placed at {where}").format(
            grad=d(x), out=d(step.out), where=describe)
        return step.term(0, symbolic, computed, explain)

    return step.formula(words, "elementwise", {0: gx})


@rule("SelectBackward0", words=SELECT)
def select(step: Step) -> Formula:
    dim, index = int(step.saved_number("dim", 0)), int(step.saved_number("index", 0))

    def place(z: Array, g: Array) -> Array:
        if not z.ndim:
            raise IndexError("select() cannot be applied to a 0-dim tensor.")
        z[(slice(None),) * (dim % z.ndim) + (index,)] = g
        return z

    return _scatter(step, SELECT, place, translate("formulas", "index {index} of dimension {dim}").format(
        index=index, dim=dim))


@rule("SliceBackward0", words=SELECT)
def slice_(step: Step) -> Formula:
    dim = int(step.saved_number("dim", 0))
    start, end, stride = (int(step.saved_number(k, v))
                          for k, v in (("start", 0), ("end", 2**62), ("step", 1)))

    def place(z: Array, g: Array) -> Array:
        z[(slice(None),) * (dim % z.ndim) + (slice(start, end, stride),)] = g
        return z

    stop = "" if end >= 2**62 else str(end)
    stride_text = f":{stride}" if stride != 1 else ""
    return _scatter(step, SELECT, place, translate("formulas", "the slice {slice} of dimension {dim}").format(
        slice=f"{start}:{stop}{stride_text}", dim=dim))


@rule("IndexBackward0", words=INDEX)
def index(step: Step) -> Formula:
    # The index tensors are saved only as text ("(None, tensor(3,))"); their values are the
    # constant inputs the recorder hung on the slots after the data input, in argument order.
    items = re.findall(r"None|tensor\(([^)]*)\)", step.saved_text("indices"))
    parts = re.findall(r"None|tensor\([^)]*\)", step.saved_text("indices"))
    extra = sorted((e for e in step.trace.inputs_of(step.node.id) if e.slot >= len(step.captured)),
                   key=lambda e: e.slot)
    tensors = [step.trace.node(e.source) for e in extra]
    if not parts or sum(p != "None" for p in parts) != len(tensors):
        raise NoNumbers(translate("formulas", "the index tensors were not captured"))
    indices: list[Array | None] = []
    consts = iter(tensors)
    for part, dims in zip(parts, items):
        if part == "None":
            indices.append(None)
            continue
        node = next(consts)
        want = tuple(int(k) for k in dims.replace(",", " ").split())
        if tuple(node.shape) != want:
            raise NoNumbers(translate("formulas", "the index tensors were not captured"))
        indices.append(array_of(node.value, translate("formulas", "an index tensor")))

    def place(z: Array, g: Array) -> Array:
        # index_put_(indices, g, accumulate=True): a position picked twice gets both numbers.
        np.add.at(z, aten_index(indices), g)
        return z

    names = ", ".join(":" if p == "None" else (n.label or "idx")
                      for p, n in zip(parts, _fill(parts, tensors)))
    # English writes the index as it is; other languages may add words around it ("[…] 处").
    return _scatter(step, INDEX, place, translate("formulas", "{index}", "where an index puts the gradient").format(
        index=f"[{names}]"))


def aten_index(indices: list[Array | None]) -> tuple:
    """aten's index list (``x[:, idx]`` is ``[None, idx]``) as the numpy index that picks the same.

    numpy's advanced indexing follows the same rules as torch's (index arrays broadcast
    together; their dimensions replace the indexed ones, or come first when a slice
    separates them), but a uint8 tensor is a mask to torch and integers to numpy, and
    torch refuses float indices where numpy's message would differ: both are said here.

    Parameters
    ----------
    indices : list of numpy.ndarray or None
        One entry per leading dimension: None for the whole dimension, else an integer
        or boolean (mask) array.

    Returns
    -------
    tuple
        The numpy index: slices and integer arrays (a mask becomes its nonzero positions).

    Raises
    ------
    IndexError
        If an index is neither integer nor boolean.
    """
    key: list = []
    for t in indices:
        if t is None:
            key.append(slice(None))
        elif t.dtype == np.bool_ or t.dtype == np.uint8:
            mask = t.astype(np.bool_)
            key.extend(np.nonzero(mask) if mask.ndim else (mask,))
        elif t.dtype.kind in "iu":
            key.append(t)
        else:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return tuple(key)


def _t(g: Array) -> Array:
    """torch.t: a matrix transposed; a vector or a number as it is."""
    if np.ndim(g) > 2:
        raise ValueError(f"t() expects a tensor with <= 2 dimensions, but self is {np.ndim(g)}D")
    return np.transpose(g)


def _fill(parts: list[str], tensors: list) -> list:
    it = iter(tensors)
    return [None if p == "None" else next(it) for p in parts]
