"""The collector stays out of a capture, and comes back as it was."""

from __future__ import annotations

import contextlib
import gc

import pytest

from gradviz.core import gc_pause
from gradviz.core.capture import capture_program


def chain(n: int) -> str:
    return f"x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range({n}):\n    y = y * 1.0001\nloss = y\n"


@pytest.fixture
def collections():
    runs: list[int] = []

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(on_gc)
    yield runs
    gc.callbacks.remove(on_gc)


def test_a_capture_runs_no_collection_and_restores_the_collector(collections, monkeypatch):
    assert gc.isenabled()
    trace = capture_program(chain(3000))
    assert len(trace.nodes) == 3001
    # At most the one young-generation collection the first allocation after it triggers.
    assert len(collections) <= 1 and 2 not in collections
    assert gc.isenabled() and not gc_pause.is_paused()

    collections.clear()  # the same capture without the pause, for comparison
    monkeypatch.setattr("gradviz.core.capture.paused_gc", contextlib.nullcontext)
    capture_program(chain(3000))
    assert len(collections) > 20


def test_a_failing_capture_still_restores_the_collector():
    with pytest.raises(Exception):
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
