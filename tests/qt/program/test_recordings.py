"""Saved recordings in the app: opened without a run, everything that reads the graph works, what
would need a re-run is disabled and says why."""

from __future__ import annotations

import torch

import gradviz


def _recorded(tmp_path):
    w = torch.tensor([0.5, -1.0], requires_grad=True)
    x = torch.tensor([2.0, 3.0])
    with gradviz.record(title="my step") as rec:
        y = torch.sigmoid(w * x)
        loss = y.sum()
        loss.backward()
    return rec, rec.save(tmp_path / "step.gradviz-rec")


def test_a_recording_opens_without_a_run_and_what_needs_one_is_disabled(window, run_and_wait, tmp_path):
    rec, path = _recorded(tmp_path)
    assert run_and_wait(window, lambda: window.files.open_source(str(path), confirm=False)) == "ok"
    trace = window.current_trace
    assert [n.op for n in trace.nodes] == [n.op for n in rec.trace.nodes]
    assert trace.find("w").grad.data.tolist() == rec.trace.find("w").grad.data.tolist()
    assert window.session.is_recording and window.windowTitle().startswith("my step (recording)")
    assert "recording" in window.message_bar.text()
    for name in ("edit_value", "gradient_check", "why_none"):
        action = getattr(window.commands, name)
        assert not action.isEnabled() and "Not for a recording" in action.toolTip()
    assert window.editor.isReadOnly()
    # the inspector, the player and the chain rule read the trace: they work
    window.select_node(trace.find("w").id)
    assert window.inspector.node.label == "w"
    player = window.step_through.player
    assert player.count > 0 and player.step_forward() == 0
    while player.step_forward() < player.count - 1:
        pass
    assert window.step_through.chain_panel.text()
    # a value edit is refused with the reason, nothing runs
    window.session.set_override("w", [1.0, 1.0])
    assert window.message_bar.level == "warning" and "need the program run again" in window.message_bar.text()
    assert window.session.overrides == {} and not window.session.running


def test_a_program_after_a_recording_enables_the_commands_again(window, run_and_wait, tmp_path):
    _rec, path = _recorded(tmp_path)
    tip = window.commands.gradient_check.toolTip()
    assert run_and_wait(window, lambda: window.recordings.open_recording(path)) == "ok"
    assert run_and_wait(window, lambda: window.load_lesson("logistic", confirm=False)) == "ok"
    assert window.commands.gradient_check.isEnabled() and window.commands.gradient_check.toolTip() == tip
    assert not window.editor.isReadOnly() and not window.session.is_recording


def test_a_damaged_recording_is_a_message(window, tmp_path):
    path = tmp_path / "bad.gradviz-rec"
    path.write_bytes(b"gradviz recording\n1\nGVZ1garbage")
    assert window.files.open_source(str(path), confirm=False) is False
    assert window.message_bar.level == "error" and "damaged" in window.message_bar.text()
