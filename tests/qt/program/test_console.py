"""The Console dock: what each run printed and its last expression's value."""

from __future__ import annotations


def test_no_grad_lesson_prints_its_three_lines(window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("no-grad")) == "ok"
    console = window.console
    lines = console.text().splitlines()
    assert lines[-3:] == ["True", "False", "False"]
    assert lines[-4].startswith("── run ") and "no-grad" in lines[-4]
    assert console.status.text().endswith("3 printed")
    assert window.docks() and console.dock in window.docks()


def test_last_expression_is_shown_and_each_run_gets_its_block(window, run_and_wait):
    window.editor.setPlainText("x = torch.tensor([1.0, 2.0], requires_grad=True)\nloss = (x * x).sum()\nprint('sum', 5)\nloss")
    assert run_and_wait(window, window.run_program) == "ok"
    text = window.console.text()
    assert text.splitlines()[-2:] == ["sum 5", "→ tensor(5., grad_fn=<SumBackward0>)"]
    runs = window.console.runs
    window.editor.setPlainText("y = torch.ones(2, requires_grad=True)\nz = y.sum()\n")
    assert run_and_wait(window, window.run_program) == "ok"
    assert window.console.runs == runs + 1
    assert window.console.status.text() == f"run {runs + 1}: nothing printed"


def test_a_failed_run_says_so_in_the_console(window, run_and_wait):
    window.editor.setPlainText("x = torch.ones(2)\ny = x @ torch.ones(3)\n")
    assert run_and_wait(window, window.run_program) == "error"
    assert window.console.text().splitlines()[-1].startswith("✗ line 2")
    assert window.console.status.text().endswith("failed")
