"""The 'why is my grad None?' dialog."""

import gradviz.qt  # noqa: F401  (first: pins None on Python 3.11)
from gradviz.qt.classroom.why_none_dialog import WhyNoneDialog

PROGRAM = ("w = torch.tensor([2.0], requires_grad=True)\nx = torch.tensor([3.0])\n"
           "h = w * x\nwith torch.no_grad():\n    k = w * 2\nloss = h.sum()\nloss.backward()")


def ask(qtbot, dlg, name):
    with qtbot.waitSignal(dlg.answered, timeout=30_000) as blocker:
        dlg.ask(name)
    return blocker.args[0]


def test_each_reason_and_go_to_line(qtbot):
    dlg = WhyNoneDialog(PROGRAM, ["w", "x", "h", "k", "loss"])
    qtbot.addWidget(dlg)
    assert ask(qtbot, dlg, "h").kind == "non-leaf"
    assert "retain_grad()" in dlg.answer_label.text()
    assert ask(qtbot, dlg, "k").kind == "no-grad"
    assert "torch.no_grad()" in dlg.answer_label.text()
    assert dlg.line_button.text() == "Go to line 5"
    with qtbot.waitSignal(dlg.line_activated) as blocker:
        dlg.line_button.click()
    assert blocker.args == [5]
    assert ask(qtbot, dlg, "x").kind == "no-requires-grad"
    assert ask(qtbot, dlg, "w").kind == "has-grad"


def test_typed_name_and_broken_program(qtbot):
    dlg = WhyNoneDialog("w = torch.ones(2) @ torch.ones(3)", [])
    qtbot.addWidget(dlg)
    dlg.name_box.setCurrentText("w")
    dlg.ask()
    qtbot.waitUntil(lambda: dlg.ask_button.isEnabled(), timeout=30_000)
    assert "could not run" in dlg.answer_label.text() and "line 1" in dlg.answer_label.text()
