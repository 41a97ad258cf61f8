"""torch's arithmetic on numpy arrays: the dtype a mixed operation gives, and how it computes.

The formulas recompute autograd's gradients from the Trace's numpy values (the app
never loads torch) and compare them with autograd's at rtol 1e-5, in the gradient's
own dtype: a float16 gradient recomputed in float64 would differ from autograd's by
float16's rounding, far more than the tolerance, and a float32 one would show other
digits now and then. numpy and torch agree on arithmetic between arrays of one dtype,
but not everywhere else, so the formulas compute with these functions where it matters:

* dtypes: torch ranks a 0-dim tensor below a tensor with dimensions, and a Python
  number below both (``result_type``; ``add``, ``sub``, ``mul``, ``div`` promote first);
* float16: torch multiplies and divides by a single number in float32, sums and
  multiplies matrices in float32, and computes exp, sigmoid, pow… in float32;
* powers: torch computes x², x³, √x, 1/x… by multiplication, roots and reciprocals;
* exp, log, log1p: computed in float64 and rounded, they match torch's float32 results
  several times more often than numpy's float32 kernels do (on small tensors: all but
  1%, 8%, 1% of the elements, against 40%, 17%, 12%); both stay within an ulp or two.

BLAS products and long sums still round differently in the last bit (their order of
additions is the library's): the check's tolerance absorbs that.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

# torch's categories, in order: a higher category wins a promotion whatever the sizes.
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
_COMPLEX_OF = {np.dtype(np.float16): np.dtype(np.complex64),  # complex32 has no numpy dtype
               np.dtype(np.float32): np.dtype(np.complex64),
               np.dtype(np.float64): np.dtype(np.complex128)}


# What torch makes of a Python number in an operation: floats in its default dtype, float32.
_NUMBER_DTYPES = {bool: np.dtype(np.bool_), int: np.dtype(np.int64), float: np.dtype(np.float32),
                  complex: np.dtype(np.complex64)}


def _category(dtype: np.dtype) -> int:
    return _CATEGORY.get(dtype.kind, 2)


def promote_types(a: np.dtype | None, b: np.dtype | None) -> np.dtype | None:
    """torch.promote_types for numpy dtypes (None is "no operand yet").

    Within a category it is numpy's rule; across categories the higher category's type
    wins (int64 with float16 gives float16, where numpy gives float64), except that a
    float with a complex type widens the complex one (float64 with complex64: complex128).
    """
    if a is None or b is None:
        return a if b is None else b
    if _category(a) == _category(b):
        return np.promote_types(a, b)
    high, low = (a, b) if _category(a) > _category(b) else (b, a)
    if high.kind == "c" and low.kind == "f":
        return np.promote_types(high, low)
    return high


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """c10's combine_categories: a lower-priority operand only matters in a higher category."""
    if higher is None:
        return lower
    if higher.kind == "c" or lower is None:
        return higher
    if lower.kind == "c":
        return _COMPLEX_OF.get(higher, lower) if higher.kind == "f" else lower
    if higher.kind == "f":
        return higher
    if higher.kind == "b" or lower.kind == "f":
        return promote_types(higher, lower)
    return higher


def result_type(*operands: Array | np.generic | float) -> np.dtype:
    """The dtype torch gives an operation on these tensors (numpy arrays) and Python numbers.

    torch ranks operands in tiers: tensors with dimensions decide the dtype, a 0-dim
    tensor only counts when it is of a higher category, and a Python number only when
    it is higher still. So a float32 gradient times the 0-dim float64 that ``x * 3.0``
    saves is float32 in torch (float64 in numpy), two 0-dim tensors promote as usual
    (float16 with float64 gives float64), and an int tensor times 0.5 is float32.

    Parameters
    ----------
    *operands : numpy.ndarray, numpy scalar or Python number
        Arrays stand for tensors (a numpy scalar for a 0-dim tensor); ``bool``, ``int``,
        ``float`` and ``complex`` for Python numbers.

    Returns
    -------
    numpy.dtype
        The result's dtype (complex64 where torch would give complex32).
    """
    dims: np.dtype | None = None
    zero: np.dtype | None = None
    number: np.dtype | None = None
    for a in operands:
        if type(a) in _NUMBER_DTYPES:  # not isinstance: numpy's float64 is a float
            number = promote_types(number, _NUMBER_DTYPES[type(a)])
        elif np.ndim(a) > 0:
            dims = promote_types(dims, np.asarray(a).dtype)
        else:
            zero = promote_types(zero, np.asarray(a).dtype)
    dtype = _combine(dims, _combine(zero, number))
    assert dtype is not None, "result_type needs an operand"
    return dtype


def promoted(*operands: Array | np.generic | float) -> tuple[Array, ...]:
    """The operands as arrays of torch's result dtype, so that numpy computes what torch does.

    Parameters
    ----------
    *operands : numpy.ndarray, numpy scalar or Python number
        As for ``result_type``.

    Returns
    -------
    tuple of numpy.ndarray
        Each operand cast to ``result_type(*operands)``.
    """
    dtype = result_type(*operands)
    return tuple(np.asarray(a, dtype=dtype) for a in operands)


def _via_float64(f, x: Array) -> Array:
    """``f`` evaluated in double precision and rounded to ``x``'s dtype (see the module's notes)."""
    x = np.asarray(x)
    if x.dtype.kind not in "fc":  # torch computes int inputs of exp/log in its default dtype, float32
        return np.asarray(f(x.astype(np.float64))).astype(np.float32)
    out = np.asarray(f(x.astype(_wide(x.dtype))))
    if x.dtype == np.float16:  # torch computes float16 in float32, then rounds
        out = out.astype(np.float32)
    return out.astype(x.dtype)


def exp(x: Array) -> Array:
    """torch.exp."""
    return _via_float64(np.exp, x)


def log(x: Array) -> Array:
    """torch.log."""
    return _via_float64(np.log, x)


def log1p(x: Array) -> Array:
    """torch.log1p."""
    return _via_float64(np.log1p, x)


def _in_float32(f):
    """``f`` for float16 input computed in float32 and rounded once, as torch's kernels do."""
    def wrapped(x, *args):
        x = np.asarray(x)
        if x.dtype == np.float16:
            return np.asarray(f(x.astype(np.float32), *args)).astype(np.float16)
        return f(x, *args)
    wrapped.__doc__ = f.__doc__
    return wrapped


@_in_float32
def sigmoid(z: Array) -> Array:
    """torch.sigmoid: 1 / (1 + exp(−z)), in ``z``'s dtype as torch's kernel computes it."""
    return 1 / (1 + exp(-z))


@_in_float32
def log_sigmoid(z: Array) -> Array:
    """F.logsigmoid as torch's CPU kernel computes it: min(z, 0) − log1p(exp(−|z|))."""
    return np.minimum(z, 0) - log1p(exp(-np.abs(z)))


def power(x: Array, p: float | Array) -> Array:
    """torch.pow(x, p) for a float ``x`` and a Python number or tensor ``p``.

    For a Python number ``p`` torch takes shortcuts that round differently from a
    general pow: x·x for 2, x·x·x for 3, square roots for ±0.5, reciprocals for −1
    and −2. A tensor ``p`` (a numpy array or scalar here), even a 0-dim one, takes none.

    Parameters
    ----------
    x : numpy.ndarray
        The base, float or complex.
    p : int, float or numpy.ndarray
        The exponent: a Python number, or a tensor broadcast against ``x``.

    Returns
    -------
    numpy.ndarray
        ``x ** p`` in torch's result dtype.
    """
    if type(p) in (int, float):  # not isinstance: numpy's float64 is a float
        x = np.asarray(x)
        if x.dtype == np.float16:  # torch rounds the exponent to float16 (2.7 is 2.699), not for float32
            p = float(np.float16(p))
        return _power_number(x, p)
    x, p = promoted(x, p)
    wide = _wide(x.dtype)
    out = np.asarray(np.power(x.astype(wide), p.astype(wide)))
    return (out.astype(np.float32) if x.dtype == np.float16 else out).astype(x.dtype)


@_in_float32
def _power_number(x: Array, p: float) -> Array:
    shortcut = {2: lambda: x * x, 3: lambda: x * x * x, 0.5: lambda: np.sqrt(x),
                -0.5: lambda: 1 / np.sqrt(x), -1: lambda: 1 / x, -2: lambda: 1 / (x * x),
                1: lambda: x.copy(), 0: lambda: np.ones_like(x)}.get(p)
    return shortcut() if shortcut is not None else _via_float64(lambda v: v ** p, x)


def _wide(dtype: np.dtype) -> type:
    return np.complex128 if dtype.kind == "c" else np.float64


def sgn(x: Array) -> Array:
    """torch.sgn: the sign of a real ``x`` (0 at 0 and at nan), x/|x| for a complex one."""
    x = np.asarray(x)
    sign = np.sign(x)  # numpy ≥ 2 gives x/|x| for complex x
    return sign if x.dtype.kind == "c" else np.where(np.isnan(x), 0, sign).astype(sign.dtype)


def sum_over(t: Array, dims: int | tuple[int, ...]) -> Array:
    """``t.sum(dims, keepdim=True)`` as torch sums: float16 accumulates in float32.

    Parameters
    ----------
    t : numpy.ndarray
        The values.
    dims : int or tuple of int
        The dimensions summed over; they are kept, with size 1.

    Returns
    -------
    numpy.ndarray
        The sums, in ``t``'s dtype.
    """
    t = np.asarray(t)
    if t.dtype == np.float16:
        return np.sum(t, axis=dims, keepdims=True, dtype=np.float32).astype(np.float16)
    return np.sum(t, axis=dims, keepdims=True)


def matmul(a: Array, b: Array) -> Array:
    """``a @ b`` for two matrices (or batches of them) of one dtype, as torch.mm/bmm.

    torch refuses operands of different dtypes, and so does this (a TypeError, which the
    formula turns into its fallback); float16 products accumulate in float32.

    Parameters
    ----------
    a, b : numpy.ndarray
        The factors, of one dtype.

    Returns
    -------
    numpy.ndarray
        The product, in that dtype.

    Raises
    ------
    TypeError
        If the dtypes differ.
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype:
        raise TypeError(f"expected both matrices to have the same dtype, but got: {a.dtype} != {b.dtype}")
    if a.dtype == np.float16:
        return np.matmul(a.astype(np.float32), b.astype(np.float32)).astype(np.float16)
    return np.matmul(a, b)


def _binary(op, a: Array | float, b: Array | float, float32_number: bool = False) -> Array:
    """``op(a, b)`` as torch computes it, for tensors (numpy arrays) and Python numbers.

    The operands are brought to torch's result dtype. One more rule for float16 in
    torch's multiplication and division (``float32_number``): when ``b`` is a single
    number (a Python number or a 0-dim tensor), torch reads it at float32 precision and
    computes in float32, rounding once, where numpy would round ``b`` to float16 first
    (``x * 0.1`` would differ). Its addition and subtraction round ``b`` to float16, as numpy.

    Parameters
    ----------
    op : numpy.ufunc
        The operation.
    a, b : numpy.ndarray, numpy scalar or Python number
        The operands, tensors as arrays (see ``result_type``).
    float32_number : bool
        Whether the operation computes a float16 tensor with a single number in float32.

    Returns
    -------
    numpy.ndarray or numpy scalar
        The result, in torch's result dtype.
    """
    dtype = result_type(a, b)
    if float32_number and dtype == np.float16 and np.ndim(b) == 0:
        wide = np.float32
        return np.asarray(op(np.asarray(a, dtype=wide), np.asarray(b, dtype=wide))).astype(dtype)
    return op(np.asarray(a, dtype=dtype), np.asarray(b, dtype=dtype))


def add(a: Array | float, b: Array | float) -> Array:
    """``a + b`` as torch computes it (see ``_binary``)."""
    return _binary(np.add, a, b)


def sub(a: Array | float, b: Array | float) -> Array:
    """``a − b`` as torch computes it (see ``_binary``)."""
    return _binary(np.subtract, a, b)


def mul(a: Array | float, b: Array | float) -> Array:
    """``a · b`` as torch computes it (see ``_binary``)."""
    return _binary(np.multiply, a, b, float32_number=True)


def div(a: Array | float, b: Array | float) -> Array:
    """``a / b`` as torch computes it (see ``_binary``); int / int gives float32, as in torch."""
    if result_type(a, b).kind in "biu":
        a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    return _binary(np.true_divide, a, b, float32_number=True)
