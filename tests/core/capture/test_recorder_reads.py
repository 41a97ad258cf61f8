"""The recorder's own reads of a tensor's grad_fn and output_nr (naming every assigned tensor)."""

from __future__ import annotations

import torch
from torch.overrides import TorchFunctionMode

from gradviz.core.capture.recorder import OutputKey, Recorder

GETTERS = {torch.Tensor.grad_fn.__get__, torch.Tensor.output_nr.__get__}


class CountingRecorder(Recorder):
    """Counts the attribute reads of grad_fn and output_nr that reach the mode."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if func in GETTERS:
            self.reads += 1
        return super().__torch_function__(func, types, args, kwargs)


class Logged(torch.Tensor):
    """A subclass that sees every torch function called on it."""

    seen: list[str] = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        cls.seen.append(getattr(func, "__name__", str(func)))
        return super().__torch_function__(func, types, args, kwargs or {})


class Counting(TorchFunctionMode):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if func in GETTERS:
            self.reads += 1
        return func(*args, **(kwargs or {}))


def test_naming_plain_tensors_and_parameters_reads_past_the_mode():
    rec = CountingRecorder()
    with rec:
        w = torch.nn.Parameter(torch.ones(2))
        y = w * 3
        p, q = y.chunk(2)
        z = q * 2
        rec.name_tensor("w", w)
        rec.name_tensor("y", y)
        rec.name_tensor("q", q)
        rec.name_tensor("z", z)
        assert rec.reads == 0
        assert rec.key_of(y) is y.grad_fn
        assert rec.key_of(q) == OutputKey(p.grad_fn, 1)
        assert rec.key_of(w) is None
    assert rec.nodes[y.grad_fn].label == "y"
    assert rec.nodes[OutputKey(p.grad_fn, 1)].label == "q"
    assert rec.nodes[z.grad_fn].label == "z"
    assert rec.name_of(w) == "w"


def test_a_subclass_with_its_own_torch_function_is_read_through_it():
    Logged.seen.clear()
    rec = CountingRecorder()
    with rec:
        x = torch.ones(2, requires_grad=True).as_subclass(Logged)
        y = x * 2
        Logged.seen.clear()
        rec.name_tensor("y", y)
    assert type(y) is Logged
    assert Logged.seen == ["__get__", "__get__"]  # grad_fn, then output_nr, as the program would see them
    assert rec.reads == 2
    assert rec.nodes[y.grad_fn].label == "y"


def test_a_mode_above_the_recorder_still_sees_the_reads():
    rec = CountingRecorder()
    with rec:
        y = torch.ones(2, requires_grad=True) * 2
        with Counting() as above:
            rec.name_tensor("y", y)
    assert above.reads == 2 and rec.reads == 2
    assert rec.nodes[y.grad_fn].label == "y"
