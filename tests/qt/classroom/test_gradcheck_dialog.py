"""The gradient-check dialog, driven as a user drives it."""

from PySide6.QtWidgets import QDialogButtonBox

import gradviz.qt  # noqa: F401  (first: pins None on Python 3.11)
from gradviz.core.lessons.catalogue import LESSONS
from gradviz.core.run.request import ModuleSpec, ProgramSpec
from gradviz.qt.classroom.gradcheck_dialog import GradCheckDialog

BAD_CUBE = """\
import torch


class BadCube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x ** 2  # should be 3x²


class Cube(torch.nn.Module):
    def forward(self, x):
        return BadCube.apply(x)
"""


def test_logistic_rows_pass(qtbot):
    dlg = GradCheckDialog(LESSONS["logistic"].program)
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.checked, timeout=60_000):
        dlg.start()
    assert dlg.table.rowCount() == 2
    assert {dlg.table.item(r, 0).text() for r in range(2)} == {"w1", "b"}
    assert all(dlg.table.item(r, 7).text() == "✓ pass" for r in range(2))
    assert "-0.0898" in dlg.text() and "agree" in dlg.text()
    assert "float32" in dlg.note_label.text()
    assert dlg.buttons.standardButtons() == QDialogButtonBox.StandardButton.Close


def test_planted_error_is_a_fail_row(qtbot, tmp_path):
    path = tmp_path / "bad_cube.py"
    path.write_text(BAD_CUBE)
    program = "cube = Cube()\nx = torch.tensor([0.5, 2.0], requires_grad=True)\nloss = cube(x).sum()"
    dlg = GradCheckDialog(ProgramSpec(program, module=ModuleSpec(str(path), "Cube")))
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.checked, timeout=60_000):
        dlg.start()
    assert dlg.table.item(0, 7).text() == "✗ FAIL"
    assert "DISAGREE" in dlg.verdict_label.text()


def test_cancel_stops_a_long_check(qtbot):
    program = "x = torch.tensor(1.0, requires_grad=True)\ny = x\nfor i in range(200000):\n    y = y * 1.0\nloss = y"
    dlg = GradCheckDialog(program)
    qtbot.addWidget(dlg)
    dlg.start()
    qtbot.wait(200)
    dlg.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not dlg.task.running, timeout=10_000)
    assert dlg.report is None and "Cancelled" in dlg.status_label.text()
