"""Comparing two Traces field by field, arrays by value: what crossed must equal what was made."""

from __future__ import annotations

import math

import numpy as np

from gradviz.core.trace import TensorValue, Trace


def same_value(a: TensorValue | None, b: TensorValue | None, where: str) -> None:
    assert (a is None) == (b is None), where
    if a is None or b is None:
        return
    assert (a.shape, a.dtype, a.device) == (b.shape, b.dtype, b.device), where
    if a.data is None:
        assert b.data is None and a.summary is not None and b.summary is not None, where
        assert all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a.summary, b.summary)), where
    else:
        assert b.data is not None and a.data.dtype == b.data.dtype, where
        assert np.array_equal(a.data, b.data, equal_nan=True), where


def same_trace(a: Trace, b: Trace) -> None:
    """Assert ``a`` and ``b`` hold the same graph, values, gradients and passes."""
    assert len(a.nodes) == len(b.nodes)
    for x, y in zip(a.nodes, b.nodes):
        for name in ("id", "kind", "op", "label", "shape", "dtype", "device", "module", "internal_to", "line",
                     "requires_grad", "output_nr"):
            assert getattr(x, name) == getattr(y, name), (x.id, name)
        same_value(x.value, y.value, f"{x.id} value")
        same_value(x.grad, y.grad, f"{x.id} grad")
        assert [(s.name, s.text, s.note) for s in x.saved] == [(s.name, s.text, s.note) for s in y.saved], x.id
        for s, t in zip(x.saved, y.saved):
            same_value(s.value, t.value, f"{x.id} saved {s.name}")
    assert a.edges == b.edges
    assert (a.root, a.extra_roots, a.source, a.explanation, a.notes, a.output, a.last_value) == \
        (b.root, b.extra_roots, b.source, b.explanation, b.notes, b.output, b.last_value)
    assert dict(a.variables) == dict(b.variables) and dict(a.modules) == dict(b.modules)
    assert len(a.passes) == len(b.passes)
    for p, q in zip(a.passes, b.passes):
        assert (p.index, p.line, p.call, p.roots, p.order, p.implicit) == (q.index, q.line, q.call, q.roots, q.order,
                                                                         q.implicit)
        for name in ("grad_outputs", "grad_inputs"):
            gp, gq = getattr(p, name), getattr(q, name)
            assert list(gp) == list(gq), name
            for key in gp:
                assert len(gp[key]) == len(gq[key])
                for i, (u, v) in enumerate(zip(gp[key], gq[key])):
                    same_value(u, v, f"pass {p.index} {name} {key}[{i}]")
        assert list(p.leaf_grads) == list(q.leaf_grads)
        for key in p.leaf_grads:
            same_value(p.leaf_grads[key], q.leaf_grads[key], f"pass {p.index} leaf {key}")
