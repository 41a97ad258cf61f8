"""The collector stays out of a capture, and comes back as it was."""

from __future__ import annotations

import collections
import contextlib
import gc

import pytest
import torch

from gradviz.core import gc_pause
from gradviz.core.capture.capture import capture_module, capture_program
from gradviz.core.layout.dot import build_dot
from gradviz.core.layout.quick import plain_build, quick_layout
from gradviz.core.lessons.catalogue import capture_lesson
from gradviz.core.lessons.models import LESSON_MODELS
from gradviz.core.program.errors import ProgramError


def chain(n: int) -> str:
    return f"x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range({n}):\n    y = y * 1.0001\nloss = y\n"


@pytest.fixture
def gc_runs():
    runs: list[int] = []

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(on_gc)
    yield runs
    gc.callbacks.remove(on_gc)


def test_a_capture_runs_no_collection_and_restores_the_collector(gc_runs, monkeypatch):
    assert gc.isenabled()
    gc_runs.clear()  # what pytest-qt's set-up triggered before the capture is not the capture's
    trace = capture_program(chain(3000))
    assert len(trace.nodes) == 3001
    # At most the one young-generation collection the first allocation after it triggers.
    assert len(gc_runs) <= 1 and 2 not in gc_runs
    assert gc.isenabled() and not gc_pause.is_paused()

    gc_runs.clear()  # the same capture without the pause, for comparison
    monkeypatch.setattr("gradviz.core.capture.capture.paused_gc", contextlib.nullcontext)
    capture_program(chain(3000))
    assert len(gc_runs) > 20


def test_a_failing_capture_still_restores_the_collector():
    with pytest.raises(ProgramError):
        capture_program("x = torch.ones(2)\ny = x @ torch.ones(3)\n")
    assert gc.isenabled() and not gc_pause.is_paused()


def test_pauses_nest_and_a_disabled_collector_stays_disabled():
    with gc_pause.paused_gc():
        with gc_pause.paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled() and gc_pause.is_paused()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_pause.paused_gc():
            pass
        assert not gc.isenabled()  # it was off before: the pause does not turn it on
    finally:
        gc.enable()
    gc_pause.resume()  # an unmatched resume is ignored
    assert gc.isenabled() and not gc_pause.is_paused()


def test_freeze_moves_what_was_made_out_of_the_collectors_sight():
    before = gc.get_freeze_count()
    try:
        with gc_pause.paused_gc(freeze=True):
            kept = [[i] for i in range(1000)]
        assert gc.get_freeze_count() >= before + 1000
        assert all(not any(o is k for o in gc.get_objects(2)) for k in kept[:3])
    finally:
        gc.unfreeze()
        gc.freeze() if before else None


def _cyclic_garbage(make) -> collections.Counter:
    """Types of the objects only the cyclic collector could free after ``make()`` ran
    (the second time: first uses make classes and caches, which live on anyway)."""
    make()
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        make()
        gc.collect()
        return collections.Counter(type(o).__name__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_runs_leave_no_cycles_holding_their_graph():
    """Graph records are frozen out of the collector's sight in the app, so a cycle that
    reaches a trace or an autograd graph would never be freed: every run must be freed by
    reference counting alone."""
    def runs() -> None:
        trace = capture_program(chain(60))
        build_dot(trace, collapsed=frozenset())
        quick_layout(trace, plain_build(trace))
        with pytest.raises(ProgramError):
            capture_program("x = torch.ones(2, requires_grad=True)\ny = x * 2\nz = y @ torch.ones(3)\n")
        capture_module(LESSON_MODELS["NeuralNetwork"](2, 2), torch.ones(3, 2))
        lesson = capture_lesson("custom-layers")
        build_dot(lesson, collapsed=frozenset({"layers"}))

    kinds = _cyclic_garbage(runs)
    for name in ("Trace", "Node", "TensorValue", "Tensor", "Recorder", "Interpreter", "NodeInfo", "Parameter"):
        assert kinds[name] == 0, kinds
    # Only the standard library's ast.fix_missing_locations helper (a recursive closure,
    # 3 small objects per program) is left to the collector.
    assert sum(kinds.values()) <= 3 * 4, kinds
