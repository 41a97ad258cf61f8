"""What capture keeps of a tensor's value (TensorValue.from_tensor), whatever road the copy takes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

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
