"""gradviz as a library: record() around one's own torch code, recordings saved and loaded, show()."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import gradviz
from gradviz import api
from gradviz.core.capture.capture import capture_program
from gradviz.core.recording import MAGIC, RecordingError, from_bytes

from .core.run.traces import same_trace

PROGRAM = """\
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
x = torch.randn(5, 3)
out = model(x)
loss = (out ** 2).mean()
"""


def test_import_gradviz_loads_neither_torch_nor_qt():
    code = "import gradviz, sys; print('torch' in sys.modules, 'PySide6' in sys.modules, callable(gradviz.record))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert out.stdout.split() == ["False", "False", "True"], out.stderr


def test_record_gives_the_trace_a_program_gives():
    program = capture_program(PROGRAM, subject=None)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    x = torch.randn(5, 3)
    with gradviz.record() as rec:
        out = model(x)
        loss = (out ** 2).mean()
    trace = rec.trace
    assert [(n.kind, n.op, n.label, n.shape) for n in trace.nodes] == \
        [(n.kind, n.op, n.label, n.shape) for n in program.nodes]
    assert trace.edges == program.edges
    for mine, theirs in zip(trace.nodes, program.nodes):
        for a, b in ((mine.value, theirs.value), (mine.grad, theirs.grad)):
            assert (a is None) == (b is None) and (a is None or np.allclose(a.data, b.data, rtol=1e-6))
    assert [p.order for p in trace.passes] == [p.order for p in program.passes]
    # gradviz ran the backward pass itself, and left the user's tensors as the block left them
    assert all(p.grad is None for p in model.parameters())
    assert any("put every .grad it touched back" in n for n in trace.notes)
    assert trace.node(trace.root).label == "loss" and "loss = (out ** 2).mean()" in trace.source
    assert trace.node(trace.root).line == trace.source.splitlines().index("        loss = (out ** 2).mean()") + 1


def test_a_block_that_calls_backward_is_recorded_as_it_ran():
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    with gradviz.record() as rec:
        loss = (w * w).sum()
        loss.backward()
    assert w.grad.tolist() == [2.0, -4.0]  # the user's own pass, as in plain PyTorch
    trace = rec.trace
    assert [p.call for p in trace.passes] == ["loss.backward()"] and not trace.passes[0].implicit
    assert trace.find("w").grad.data.tolist() == [2.0, -4.0]


def test_model_outputs_are_roots_and_the_loss_the_seed():
    torch.manual_seed(0)
    lin = torch.nn.Linear(2, 3)
    with gradviz.record() as rec:
        logits = lin(torch.ones(1, 2))
        out = {"logits": logits, "loss": logits.logsumexp(-1).sum()}
    # every tensor of the output is a root, the scalar first; a tensor keeps the first name it got
    assert [rec.trace.node(r).label for r in rec.trace.roots] == ["out['loss']", "logits"]
    with gradviz.record(root="out['logits']") as other:
        out = {"logits": lin(torch.ones(1, 2))}
    assert other.trace.node(other.trace.root).label == "out['logits']"


def test_an_error_in_the_block_goes_on_and_stops_the_recording():
    with pytest.raises(RuntimeError, match="shapes"), gradviz.record() as rec:
        torch.ones(2, 3) @ torch.ones(2, 3)
    assert not torch.overrides._get_current_function_mode_stack()
    with pytest.raises(RuntimeError, match="not finished"):
        rec.trace


def test_a_recording_is_saved_in_the_data_only_format_and_loaded_as_it_was(tmp_path):
    w = torch.tensor([0.5], requires_grad=True)
    with gradviz.record(title="tiny") as rec:
        loss = torch.sigmoid(w * 3).sum()
    path = rec.save(tmp_path / "tiny")
    assert path.name == "tiny.gradviz-rec"
    data = path.read_bytes()
    assert data.startswith(MAGIC + b"1\nGVZ1")  # the header, then one message of the wire format
    loaded = gradviz.load(path)
    same_trace(rec.trace, loaded.trace)
    assert loaded.title == "tiny" and repr(loaded) == repr(rec)


@pytest.mark.parametrize(("data", "words"), [
    (b"not a recording", "not a gradviz recording"),
    (MAGIC + b"x\n", "no format version"),
    (MAGIC + b"99\n", "newer than this gradviz"),
    (MAGIC + b"1\nGVZ1\x05\x00\x00\x00[\"L\"", "damaged"),
    (MAGIC + b"1\n", "damaged"),
])
def test_a_damaged_or_foreign_file_is_refused_with_a_reason(data, words):
    with pytest.raises(RecordingError, match=words):
        from_bytes(data)


def test_jupyter_shows_a_recording_as_svg():
    w = torch.tensor([2.0], requires_grad=True)
    with gradviz.record() as rec:
        y = w * w
    svg = rec._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "MulBackward0" in svg
    with gradviz.record() as empty:
        z = torch.ones(2) * 2
    assert empty._repr_svg_() is None and "no graph" in repr(empty)
    del y, z


def test_show_opens_the_app_on_a_saved_recording_and_a_script_waits(tmp_path, monkeypatch):
    w = torch.tensor([2.0], requires_grad=True)
    with gradviz.record() as rec:
        loss = (w * 3).sum()
    shot = tmp_path / "shot.png"
    # The app, as a separate process, opening the recording and taking its own picture (then closing).
    monkeypatch.setattr(api, "app_command", lambda path: [sys.executable, "-m", "gradviz.qt.screenshot", str(path),
                                                         "-o", str(shot), "--select", "loss"])
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert gradviz.show(rec) == 0  # a script waits for the window
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert rec.path is not None and rec.path.suffix == ".gradviz-rec"


def test_in_a_notebook_show_does_not_block(tmp_path, monkeypatch):
    started = []

    class FakePopen:
        def __init__(self, args, **kwargs):
            started.append((args, kwargs))

        def wait(self):
            raise AssertionError("a notebook must not wait for the window")

    monkeypatch.setattr(api.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(api, "in_notebook", lambda: True)
    w = torch.tensor([2.0], requires_grad=True)
    with gradviz.record() as rec:
        loss = (w * 3).sum()
    proc = gradviz.show(rec)
    assert isinstance(proc, FakePopen)
    (args, kwargs), = started
    assert args[1:3] == ["-m", "gradviz"] and args[3].endswith(".gradviz-rec") and kwargs["start_new_session"]
    assert gradviz.load(args[3]).trace.find("w").grad.data.tolist() == [3.0]
    del loss
