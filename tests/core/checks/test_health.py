"""Gradient health: sizes on a log scale, NaN / Inf / zero marks, where a NaN is born, modules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradviz.core.capture.capture import capture_program
from gradviz.core.checks.health import (
    INF,
    NAN,
    ZERO,
    Health,
    born_in,
    edge_health,
    health_of,
    module_health,
    node_health,
    position,
    rolled_up,
    scale,
)
from gradviz.core.lessons.catalogue import capture_lesson
from gradviz.core.trace import TensorValue


def value(*numbers):
    return TensorValue((len(numbers),), "float32", "cpu", np.array(numbers, dtype=np.float32))


def test_size_is_the_root_mean_square_and_marks_say_nan_inf_zero():
    assert health_of(value(3.0, -4.0)).size == pytest.approx(math.sqrt(12.5))
    assert health_of(value(1.0, float("nan"))).mark == NAN
    assert health_of(value(1.0, float("inf"))).mark == INF
    assert health_of(value(0.0, 0.0)) == Health(0.0, ZERO)
    assert health_of(None) is None
    big = TensorValue((20_000,), "float32", "cpu", None, (0.0, 0.0, 0.0, 0.0, 0.0))
    assert health_of(big).mark == ZERO


def test_the_nan_lesson_marks_x_and_says_sqrt_gave_birth_to_it():
    trace = capture_lesson("nan")
    health = node_health(trace)
    x, root, safe = (trace.find(n).id for n in ("x", "root", "safe"))
    assert health[x].mark == NAN and not health[x].born
    assert health[root].mark == "" and health[root].born == NAN  # [0, 1, 1] in, [nan, …] out
    assert health[safe].born == ""
    assert born_in(trace.passes[-1]) == [root]
    assert edge_health(trace)[(x, root, 0)].mark == NAN


def test_a_deep_sigmoid_network_vanishes_layer_by_layer():
    trace = capture_lesson("deep-mlp")
    modules = module_health(trace)
    sizes = [modules[f"layers.{k}"].size for k in range(0, 39, 2)]  # the Linear layers, first to last
    assert sizes[0] < 1e-15 < 1e-2 < sizes[-1]
    assert all(a < b for a, b in zip(sizes[:10], sizes[1:11]))  # shrinking all the way down
    low, high = scale(node_health(trace).values())
    assert low <= -18 and high >= 0
    assert position(modules["layers.0"], (low, high)) < 0.1 < 0.9 < position(modules["layers.38"], (low, high))


def test_a_module_takes_the_worst_mark_and_the_middle_size():
    assert rolled_up([Health(1e-3), Health(1e-1), Health(10.0)]).size == pytest.approx(1e-1)
    assert rolled_up([Health(1.0), Health(None, NAN)]).mark == NAN
    assert rolled_up([Health(0.0, ZERO), Health(0.0, ZERO)]).mark == ZERO
    assert rolled_up([]) is None


def test_the_scale_spans_at_least_four_powers_of_ten():
    assert scale([Health(0.5)]) == (-3, 1)
    assert scale([Health(1e-9), Health(2.0)]) == (-9, 1)
    assert scale([Health(0.0, ZERO)]) is None


def test_an_exploding_product_is_infinite():
    trace = capture_program("x = torch.tensor([1e30], requires_grad=True)\nloss = (x * x * x).sum()")
    health = node_health(trace)
    assert health[trace.find("x").id].mark == INF
