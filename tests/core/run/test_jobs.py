"""What a run process does with a capture job, run here in-process (no fork, no wall)."""

from __future__ import annotations

import numpy as np

from gradviz.core.capture import capture
from gradviz.core.capture.capture import capture_program
from gradviz.core.run import jobs
from gradviz.core.run.request import Job, ProgramSpec

CHAIN = "x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range(30):\n    y = y * 1.5\nloss = y\n"


def test_a_capture_job_sends_its_trace_without_freeing_the_run_first(monkeypatch):
    # The process ends right after sending: freeing the run's graph before the answer only
    # delayed it (19 ms at 10,000 nodes).
    freed: list[object] = []
    monkeypatch.setattr(capture, "_let_go", freed.append)
    monkeypatch.setattr(jobs, "_KEPT_TILL_EXIT", [])
    sent: list[tuple[str, object]] = []
    jobs.run(Job("capture", ProgramSpec(CHAIN), {"forward": False}), lambda kind, body=None: sent.append((kind, body)),
             None)
    assert [kind for kind, _ in sent] == ["result"] and freed == []
    trace = sent[0][1]
    assert len(jobs._KEPT_TILL_EXIT) == 1 and jobs._KEPT_TILL_EXIT[0].trace is trace
    monkeypatch.undo()
    expected = capture_program(CHAIN)
    assert len(trace.nodes) == len(expected.nodes) == 31
    for got, want in zip(trace.nodes, expected.nodes):
        assert (got.id, got.op, got.label) == (want.id, want.op, want.label)
        assert np.array_equal(got.value.data, want.value.data) and np.array_equal(got.grad.data, want.grad.data)
    leaf = trace.find("x")
    assert np.isclose(float(leaf.grad.data), 1.5 ** 30, rtol=1e-5)
    assert np.isclose(float(trace.node(trace.roots[0]).value.data), 0.5 * 1.5 ** 30, rtol=1e-5)
