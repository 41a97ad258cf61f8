"""The formulas' numpy arithmetic against torch itself: dtypes exactly, numbers to the bit or ulp.

The formulas recompute autograd's gradients without torch, so ``arrays`` must give the
dtype torch gives (type promotion across tensors with dimensions, 0-dim tensors and
Python numbers) and compute as torch does (float16 in float32, pow's shortcuts); the
index helper must pick what aten's index_put picks.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from gradviz.core.formulas import arrays
from gradviz.core.formulas.shapes import aten_index

DTYPES = (torch.bool, torch.uint8, torch.int8, torch.int32, torch.int64, torch.float16, torch.float32,
          torch.float64, torch.complex64, torch.complex128)
NUMBERS = (True, 3, 2.5, 1.5j)


def np_dtype(dtype: torch.dtype) -> np.dtype:
    return torch.empty(0, dtype=dtype).numpy().dtype


def sample(dtype: torch.dtype, shape: tuple[int, ...], seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    if dtype.is_complex or dtype.is_floating_point:
        return (torch.randn(shape, generator=g, dtype=torch.complex128 if dtype.is_complex else torch.float64)
                * 3).to(dtype)
    if dtype == torch.bool:
        return torch.rand(shape, generator=g) > 0.5
    return torch.randint(1, 9, shape, generator=g).to(dtype)


def operand(dtype, rank):
    return torch.ones((2,) * rank, dtype=dtype)


@pytest.mark.parametrize("left_rank, right_rank", [(1, 1), (1, 0), (0, 1), (0, 0)])
def test_result_type_of_two_tensors_is_torchs(left_rank, right_rank):
    for a, b in itertools.product(DTYPES, DTYPES):
        ta, tb = operand(a, left_rank), operand(b, right_rank)
        expected = torch.result_type(ta, tb)
        if expected == torch.complex32:  # no numpy dtype: the formulas use complex64
            continue
        got = arrays.result_type(ta.numpy(), tb.numpy())
        assert got == np_dtype(expected), (a, left_rank, b, right_rank)


@pytest.mark.parametrize("rank", [0, 1])
def test_result_type_with_a_python_number_is_torchs(rank):
    for dtype, number in itertools.product(DTYPES, NUMBERS):
        t = operand(dtype, rank)
        expected = torch.result_type(t, number)
        if expected == torch.complex32:
            continue
        assert arrays.result_type(t.numpy(), number) == np_dtype(expected), (dtype, rank, number)
    # numpy's own scalars are 0-dim tensors here, not Python numbers (np.float64 is a float)
    assert arrays.result_type(np.ones(2, np.float32), np.float64(2.0)) == np.float32
    assert arrays.result_type(np.float16(1.0), np.float64(2.0)) == np.float64


BINARY = {"add": (arrays.add, torch.add), "sub": (arrays.sub, torch.sub),
          "mul": (arrays.mul, torch.mul), "div": (arrays.div, torch.div)}
FLOATS = (torch.float16, torch.float32, torch.float64)


def as_numpy(x):
    return x.numpy() if isinstance(x, torch.Tensor) else x


@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_ops_compute_torchs_bits(op):
    mine, theirs = BINARY[op]
    for a, b in itertools.product(FLOATS + (torch.int64,), FLOATS + (torch.int64,)):
        shapes = [((7,), (7,)), ((7,), ()), ((), (7,)), ((), ())]
        for sa, sb in shapes:
            x, y = sample(a, sa, 1), sample(b, sb, 2)
            expected = theirs(x, y).numpy()
            got = np.asarray(mine(x.numpy(), y.numpy()))
            assert got.dtype == expected.dtype and got.shape == expected.shape, (op, a, sa, b, sb)
            np.testing.assert_array_equal(got, expected, err_msg=f"{op} {a}{sa} {b}{sb}")
        for number in (0.1, 3, 1 / 3, 2.5):  # a tensor and a Python number, float16's float32 road
            x = sample(a, (9,), 3)
            expected = theirs(x, number).numpy()
            got = np.asarray(mine(x.numpy(), number))
            assert got.dtype == expected.dtype, (op, a, number)
            np.testing.assert_array_equal(got, expected, err_msg=f"{op} {a} {number}")


def test_complex_products_agree_to_rounding():
    x, y = sample(torch.complex64, (9,), 4), sample(torch.complex64, (9,), 5)
    for mine, theirs in BINARY.values():
        got = np.asarray(mine(x.numpy(), y.numpy()))
        assert got.dtype == np.complex64
        np.testing.assert_allclose(got, theirs(x, y).numpy(), rtol=3e-7)


def ulps(got: np.ndarray, expected: np.ndarray) -> float:
    """The largest difference in units of the last place of ``expected``'s dtype."""
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    both = np.isfinite(expected)
    assert np.array_equal(np.isnan(got), np.isnan(expected)) and np.array_equal(got[~both & ~np.isnan(got)],
                                                                                 expected[~both & ~np.isnan(got)])
    spacing = np.spacing(np.abs(expected[both])).astype(np.float64)
    diff = np.abs(got[both].astype(np.float64) - expected[both].astype(np.float64))
    return float(np.max(diff / spacing, initial=0.0))


@pytest.mark.parametrize("dtype", FLOATS)
def test_power_takes_torchs_shortcuts(dtype):
    x = sample(dtype, (40,), 6).abs() + 0.25
    for p in (2, 3, -1, -2, 1, 0, 2.0, 3.0):
        got = arrays.power(x.numpy(), p)
        np.testing.assert_array_equal(got, x.pow(p).numpy(), err_msg=f"{dtype} ** {p}")
    # torch's float32 square root is within half an ulp, not always correctly rounded
    for p in (0.5, -0.5):
        assert ulps(arrays.power(x.numpy(), p), x.pow(p).numpy()) <= 1, (dtype, p)
    # A general power: float16 in float32 with the exponent rounded to float16, to the bit. torch
    # computes most of a float32 tensor this long with its vector pow, in float (-4.3 a little
    # off), the rest (the last 8 here) with std::pow and the double exponent, as gradviz does.
    for p in (1.5, -1.3, 2.7, -4.3):
        got, expected = arrays.power(x.numpy(), p), x.pow(p).numpy()
        assert ulps(got, expected) <= {torch.float16: 0, torch.float32: 8, torch.float64: 1}[dtype], (dtype, p)
        if dtype == torch.float32:
            np.testing.assert_array_equal(got[-8:], expected[-8:])
    e = sample(dtype, (40,), 7)
    assert ulps(arrays.power(x.numpy(), e.numpy()), x.pow(e).numpy()) <= 1
    # a 0-dim exponent is a tensor, not a Python number: no shortcut, and tensor promotion
    e0 = torch.tensor(2.0, dtype=torch.float64)
    got = arrays.power(x.numpy(), e0.numpy())
    assert got.dtype == x.pow(e0).numpy().dtype and ulps(got, x.pow(e0).numpy()) <= 1


@pytest.mark.parametrize("dtype", FLOATS)
def test_transcendental_functions_within_an_ulp_or_two(dtype):
    x = sample(dtype, (200,), 8)
    pos = x.abs() + 1e-3
    cases = {"exp": (arrays.exp, torch.exp, x), "log": (arrays.log, torch.log, pos),
             "log1p": (arrays.log1p, torch.log1p, pos), "sigmoid": (arrays.sigmoid, torch.sigmoid, x),
             "logsigmoid": (arrays.log_sigmoid, torch.nn.functional.logsigmoid, x)}
    for name, (mine, theirs, v) in cases.items():
        with np.errstate(all="ignore"):  # exp overflows float16, silently in torch (local_step does the same)
            assert ulps(mine(v.numpy()), theirs(v).numpy()) <= 2, (name, dtype)


def test_sgn_is_torchs():
    x = torch.tensor([-2.0, -0.0, 0.0, 3.0, float("nan"), float("inf")])
    np.testing.assert_array_equal(arrays.sgn(x.numpy()), x.sgn().numpy())
    z = torch.tensor([0j, 3 + 4j, -1j], dtype=torch.complex64)
    np.testing.assert_allclose(arrays.sgn(z.numpy()), z.sgn().numpy(), rtol=1e-7)


@pytest.mark.parametrize("dtype", FLOATS)
def test_sums_and_products_agree_to_rounding(dtype):
    a, b = sample(dtype, (2, 5, 3), 9), sample(dtype, (2, 3, 4), 10)
    tol = {torch.float16: 1e-3, torch.float32: 1e-6, torch.float64: 1e-14}[dtype]
    for dims in (0, (0, 2), (1,)):
        got = arrays.sum_over(a.numpy(), dims)
        assert got.dtype == np_dtype(dtype)
        np.testing.assert_allclose(got.astype(np.float64), a.sum(dims, keepdim=True).double().numpy(),
                                   rtol=tol, atol=tol)
    got = arrays.matmul(a.numpy(), b.numpy())
    assert got.dtype == np_dtype(dtype)
    np.testing.assert_allclose(got.astype(np.float64), torch.bmm(a, b).double().numpy(), rtol=tol, atol=tol)
    with pytest.raises(TypeError):  # torch.mm refuses mixed dtypes; so does the formula (its fallback)
        arrays.matmul(a.numpy(), b.numpy().astype(np.complex128))


def test_aten_index_picks_what_index_put_picks():
    x = torch.zeros(4, 5, 3, dtype=torch.int64)
    i, j = torch.tensor([0, 2, 2, -1]), torch.tensor([[1, 0], [4, -5]])
    mask = torch.tensor([[True, False, True, False, False], [False] * 5, [True] * 5, [False, True] + [False] * 3])
    cases = [
        [i], [None, j], [i, None, torch.tensor([0, 1, 2, 2])], [mask], [None, None, i[:3]], [j % 4, j],
        [i, torch.tensor(1)], [torch.tensor(1), None, i[:2]], [torch.tensor([True, False, True, True])],
        [None, torch.tensor([1, 0, 1, 1, 0], dtype=torch.uint8)], [i.view(2, 2), None, torch.tensor([1, 2])],
        [torch.tensor([], dtype=torch.long)],
    ]
    for indices in cases:
        picked = torch.ops.aten.index(x, indices)  # not x[…]: Python indexing reads a 0-dim index as select
        values = torch.arange(1, picked.numel() + 1).reshape(picked.shape)
        expected = torch.ops.aten.index_put(x, indices, values, True)
        got = np.zeros(tuple(x.shape), dtype=np.int64)
        np.add.at(got, aten_index([None if t is None else t.numpy() for t in indices]), values.numpy())
        np.testing.assert_array_equal(got, expected.numpy(), err_msg=str(indices))
    with pytest.raises(IndexError):
        aten_index([np.array([0.5])])
