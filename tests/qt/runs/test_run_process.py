"""A run process that dies, hangs or is killed never takes the window, its graph or the program with it."""

from __future__ import annotations

import os
import signal

from gradviz.core.run.client import shared_runner


def _runs_now():
    """Capture runs started and not ended, newest first (an earlier run that already gave
    its result may still be winding down)."""
    handles = [h for h in list(shared_runner()._handles.values())
               if h.pid is not None and h.job.kind == "capture" and h.ending is None]
    return sorted(handles, key=lambda h: h.job_id, reverse=True)


def test_a_killed_run_keeps_the_graph_and_the_program(window, run_and_wait, qtbot):
    assert run_and_wait(window, lambda: window.load_lesson("logistic")) == "ok"
    before = window.current_trace
    ids = set(window.graph_view.node_items)
    program = "x = torch.ones(1, requires_grad=True)\ni = 0\nwhile True:\n    i = i + 1\n"
    window.editor.setPlainText(program)
    with qtbot.waitSignal(window.run_finished, timeout=60_000) as blocker:
        window.run_program()
        qtbot.waitUntil(lambda: bool(_runs_now()) and "while True" in _runs_now()[0].job.spec.source,
                        timeout=30_000)
        os.kill(_runs_now()[0].pid, signal.SIGKILL)
    assert blocker.args == ["error"]
    text = window.message_bar.text()
    assert "killed" in text and "previous graph is still shown" in text
    assert window.current_trace is before and set(window.graph_view.node_items) == ids
    assert window.editor.toPlainText() == program
    window.editor.setPlainText("x = torch.tensor(3.0, requires_grad=True)\ny = x ** 3\n")
    assert run_and_wait(window, window.run_program) == "ok"
    assert [n.op for n in window.current_trace.nodes] == ["AccumulateGrad", "PowBackward0"]


def test_a_segfaulting_module_is_a_message_naming_the_crash(window, run_and_wait, tmp_path):
    assert run_and_wait(window, lambda: window.load_lesson("logistic")) == "ok"
    before = window.current_trace
    path = tmp_path / "crashy.py"
    path.write_text("import ctypes\nimport torch\n\n\nclass Crashy(torch.nn.Module):\n"
                    "    def forward(self, x):\n        ctypes.string_at(0)\n        return x\n")
    assert run_and_wait(window, lambda: window.files.open_module(str(path), "Crashy", input_expr="torch.ones(1, 2)",
                                                           confirm=False)) == "error"
    text = window.message_bar.text()
    assert text.startswith("crashy.py, line 7: the run process crashed (SIGSEGV)")  # the file's line, not the program's
    assert "crashy.py, line 7, in forward: ctypes.string_at(0)" in text
    assert text.endswith("\nThe previous graph is still shown.")
    assert window.current_trace is before
    assert "model = Crashy()" in window.editor.toPlainText()


def test_a_program_over_the_time_limit_is_stopped_with_its_line(window, run_and_wait):
    window.settings.run_seconds = 2
    window.editor.setPlainText("a = 1\nb = 10 ** 10 ** 9\n")
    assert run_and_wait(window, window.run_program) == "error"
    assert window.message_bar.text().startswith("line 2: the program ran longer than 2 s")
