"""What capture keeps of a tensor's value (TensorValue.from_tensor), whatever road the copy takes."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.core.trace import TensorValue

COMPLEX = torch.tensor([1 + 2j, 3 - 4j])


@pytest.mark.parametrize("tensor, dtype, data", [
    (torch.tensor(0.5, requires_grad=True) * 2, "float32", np.array(1.0, dtype=np.float32)),
    (torch.arange(6, dtype=torch.float64).reshape(2, 3).t(), "float64", np.array([[0.0, 3.0], [1.0, 4.0],
                                                                                    [2.0, 5.0]])),
    (torch.tensor([True, False]), "bool", np.array([True, False])),
    (torch.tensor([3, -1], dtype=torch.int64), "int64", np.array([3, -1])),
    (COMPLEX.conj(), "complex64", np.array([1 - 2j, 3 + 4j], dtype=np.complex64)),  # conjugate bit
    (COMPLEX.conj().imag, "float32", np.array([-2.0, 4.0], dtype=np.float32)),  # negative bit
    (torch.tensor([1.5, -2.0], dtype=torch.bfloat16), "bfloat16", np.array([1.5, -2.0], dtype=np.float32)),
    (torch._efficientzerotensor((2,)), "float32", np.zeros(2, dtype=np.float32)),
])
def test_small_values_are_exact_copies(tensor, dtype, data):
    value = TensorValue.from_tensor(tensor)
    assert (value.shape, value.dtype, value.device, value.summary) == (tuple(tensor.shape), dtype, "cpu", None)
    assert value.data.dtype == data.dtype and value.data.shape == data.shape
    assert np.array_equal(value.data, data)
    assert value.data.flags.c_contiguous and value.data.flags.writeable


SPARSE = torch.tensor([[0.0, 2.0, 0.0], [-1.5, 0.0, 0.0]])


def _quietly(make):
    with warnings.catch_warnings():  # "Sparse CSR tensor support is in beta state"
        warnings.simplefilter("ignore", UserWarning)
        return make()


@pytest.mark.parametrize("make", [SPARSE.to_sparse, SPARSE.to_sparse_csr, SPARSE.to_sparse_csc,
                                  lambda: torch.eye(3).to_sparse() * 2])
def test_small_sparse_values_are_their_dense_copies(make):
    # numpy reads only dense tensors: a sparse input (a graph's adjacency) once failed the run.
    tensor = _quietly(make)
    value = TensorValue.from_tensor(tensor)
    assert value.summary is None and value.shape == tuple(tensor.shape)
    assert np.array_equal(value.data, tensor.to_dense().numpy())


@pytest.mark.parametrize("layout", ["coo", "csr", "uncoalesced", "hybrid", "empty"])
def test_big_sparse_values_are_summarised_without_making_them_dense(layout):
    gen = torch.Generator().manual_seed(3)
    dense = torch.zeros(300, 200, dtype=torch.float64)
    rows, cols = torch.randint(0, 300, (500,), generator=gen), torch.randint(0, 200, (500,), generator=gen)
    dense[rows, cols] = torch.randn(500, generator=gen, dtype=torch.float64) + 3.0
    sparse = _quietly({"coo": lambda: dense.to_sparse(), "csr": lambda: dense.to_sparse_csr(),
              "uncoalesced": lambda: torch.sparse_coo_tensor(torch.cat([dense.to_sparse().indices()] * 2, 1),
                                                             torch.cat([dense.to_sparse().values() / 2] * 2),
                                                             dense.shape),
              "hybrid": lambda: dense.to_sparse(1),
              "empty": lambda: torch.zeros(300, 200, dtype=torch.float64).to_sparse()}[layout])
    if layout == "empty":
        dense = dense.zero_()
    value = TensorValue.from_tensor(sparse)
    assert value.data is None and value.shape == (300, 200)
    expected = (dense.min(), dense.max(), dense.mean(), dense.std(unbiased=False), dense.norm())
    assert value.summary == pytest.approx([float(v) for v in expected], rel=1e-12, abs=1e-12)


def test_a_value_is_a_copy_not_a_view_of_the_tensor():
    t = torch.tensor([1.0, 2.0])
    value = TensorValue.from_tensor(t)
    t.mul_(10)
    assert value.data.tolist() == [1.0, 2.0]


def test_a_value_over_the_limit_is_a_summary():
    t = torch.arange(5, dtype=torch.float32)
    value = TensorValue.from_tensor(t, limit=4)
    assert value.data is None and value.shape == (5,) and value.dtype == "float32"
    assert value.summary[:3] == (0.0, 4.0, 2.0)


def _float64_stats(t: torch.Tensor) -> tuple[float, ...]:
    """The summary as it used to be made: the whole tensor copied to float64, reduced by torch."""
    d = t.double()
    return float(d.min()), float(d.max()), float(d.mean()), float(d.std(unbiased=False)), float(d.norm())


def _close(got: tuple[float, ...], expected: tuple[float, ...]) -> bool:
    return all((math.isnan(a) and math.isnan(b)) or a == b or abs(a - b) <= 1e-11 * max(abs(a), abs(b))
               for a, b in zip(got, expected, strict=True))


@pytest.mark.parametrize("make", [
    lambda: torch.randn(512, 784),  # a weight: mean near 0
    lambda: torch.rand(64, 784),  # pixels: the mean as large as the spread (still one pass)
    lambda: torch.randn(100, 200).t(),  # a transposed view, read in memory order
    lambda: torch.randn(300, 300)[:, ::3],  # strided: copied, then the same
    lambda: torch.randn(20000) * 1e-3 + 1e4,  # the mean far from zero for the spread: a second pass
    lambda: torch.randn(30000, dtype=torch.float64) * 1e-30,
    lambda: torch.randn(20000).half(),
    lambda: torch.rand(50000) * 1e30,
    lambda: torch.tensor([3.0e38, -3.0e38] * 6000),  # squares overflow float32, not float64
    lambda: torch.tensor([1.0, float("nan")] * 6000),
    lambda: torch.tensor([1.0, float("inf")] * 6000),
    lambda: torch.tensor([-float("inf"), float("inf")] * 6000),
])
def test_a_float_summary_is_the_float64_statistics(make):
    t = make()
    value = TensorValue.from_tensor(t)
    assert value.data is None
    assert _close(value.summary, _float64_stats(t)), (value.summary, _float64_stats(t))


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64])
def test_a_constant_tensor_has_std_zero_exactly(dtype):
    value = TensorValue.from_tensor(torch.full((20000,), 3.3, dtype=dtype))
    low, high, mean, std, norm = value.summary
    assert low == high == mean == float(torch.tensor(3.3, dtype=dtype)) and std == 0.0
    assert norm == pytest.approx(abs(mean) * math.sqrt(20000), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(scale=st.floats(1e-6, 1e6), offset=st.floats(-1e6, 1e6), n=st.integers(10_001, 70_000),
       seed=st.integers(0, 2**31 - 1))
def test_float_summaries_match_float64_statistics_on_any_spread(scale, offset, n, seed):
    g = torch.Generator().manual_seed(seed)
    t = torch.randn(n, generator=g) * scale + offset
    assert _close(TensorValue.from_tensor(t).summary, _float64_stats(t))


def test_a_program_with_a_sparse_matrix_shows_torchs_numbers():
    from gradviz.core.capture.capture import capture_program

    trace = capture_program("torch.manual_seed(0)\na = (torch.eye(3) * 2).to_sparse()\n"
                            "w = torch.rand(3, 2, requires_grad=True)\ny = torch.mm(a, w).sum()\n")
    torch.manual_seed(0)
    a = (torch.eye(3) * 2).to_sparse()
    w = torch.rand(3, 2, requires_grad=True)
    y = torch.mm(a, w).sum()
    y.backward()
    assert trace.find("w").grad.data == pytest.approx(w.grad.numpy())
    assert trace.find("y").value.data == pytest.approx(y.item())
    assert sorted(n.op for n in trace.nodes if n.kind == "op") == ["MmBackward0", "SumBackward0"]
