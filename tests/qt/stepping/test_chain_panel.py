"""The chain-rule panel: one step's rule, symbols, numbers and check, and the element chooser."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from gradviz.core.formulas import Term
from gradviz.core.lessons.catalogue import capture_lesson
from gradviz.core.stepping.steps import BACKWARD, FORWARD, build_steps
from gradviz.qt.stepping.chain_panel import CHECK, CROSS, PLACEHOLDER, ChainPanel, check_text


@pytest.fixture
def panel(qtbot):
    p = ChainPanel()
    qtbot.addWidget(p)
    return p


def _backward(trace, steps, op, pass_index=-1):
    pass_index = pass_index % len(trace.passes)
    return next(s for s in steps if s.phase == BACKWARD and s.pass_index == pass_index
                and trace.node(s.node_id).op == op)


def test_placeholder_before_the_first_step(panel):
    assert panel.text() == PLACEHOLDER and panel.formula is None and not panel.element_spins


def test_sigmoid_step_of_the_last_pass_in_numbers(panel):
    trace = capture_lesson("logistic")
    steps = build_steps(trace)
    panel.show_step(trace, _backward(trace, steps, "SigmoidBackward0"), len(steps))
    text = panel.text()
    assert text.startswith("Step 17 of 21 · backward #3 (loss.backward()) · SigmoidBackward0 a")
    assert "Incoming gradient ∂L/∂a = [-1.0889]" in text
    assert "σ(z)(1 − σ(z))" in text  # the rule in words
    assert "∂L/∂z = ∂L/∂a · σ(z)·(1 − σ(z))" in text  # in symbols
    assert "= -1.0889 · 0.9183 · 0.0817 = -0.0817  ✓ matches autograd" in text  # in numbers, checked
    assert panel.formula.all_match and not panel.element_row.isVisibleTo(panel)  # a scalar: no chooser


def test_forward_step_shows_the_op_its_inputs_and_its_output(panel):
    trace = capture_lesson("logistic")
    steps = build_steps(trace)
    add = next(s for s in steps if s.phase == FORWARD and trace.node(s.node_id).op == "AddBackward0")
    panel.show_step(trace, add, len(steps))
    text = panel.text()
    assert "line 6: z = x1 * w1 + b" in text
    assert "mul = [2.42]" in text and "b = [0]" in text
    assert "Output: z = [2.42], shape (1)" in text
    leaf = next(s for s in steps if s.node_id == trace.find("w1").id)
    panel.show_step(trace, leaf, len(steps))
    assert "w1 is a leaf tensor with requires_grad=True: w1 = [2.2]" in panel.text()


def test_matrix_forms_show_their_shapes_line(panel):
    trace = capture_lesson("mlp")
    steps = build_steps(trace)
    mm = next(s for s in steps if s.phase == BACKWARD and trace.node(s.node_id).op in ("AddmmBackward0", "MmBackward0"))
    panel.show_step(trace, mm, len(steps))
    assert panel.formula.form == "matrix" and "Shapes: " in panel.text()
    assert panel.element_spins  # gradients of matrices: an element to choose


def test_vjp_accumulate_grad_before_and_after_over_three_passes(panel, qtbot):
    trace = capture_lesson("vjp")
    steps = build_steps(trace)
    numbers = []
    for p in range(3):
        panel.show_step(trace, _backward(trace, steps, "AccumulateGrad", p), len(steps))
        assert [s.maximum() + 1 for s in panel.element_spins] == [4, 5]
        assert panel.element == (0, 0)
        numbers.append(next(line for line in panel.text().splitlines() if "at [0, 0]:" in line).strip())
    assert numbers == ["at [0, 0]: 0 + 4 = 4  ✓ matches autograd", "at [0, 0]: 4 + 4 = 8  ✓ matches autograd",
                       "at [0, 0]: 0 + 4 = 4  ✓ matches autograd"]
    assert "reset between the passes" in panel.text()


def test_the_element_chooser_recomputes_the_numbers(panel, qtbot):
    trace = capture_lesson("vjp")
    steps = build_steps(trace)
    panel.show_step(trace, _backward(trace, steps, "AccumulateGrad", 1), len(steps))
    with qtbot.waitSignal(panel.element_changed) as blocker:
        panel.element_spins[1].setValue(1)  # as the user would, through the spin box
    assert blocker.args == [(0, 1)] and panel.formula.element == (0, 1)
    assert "at [0, 1]: 2 + 2 = 4" in panel.text()
    panel.element_spins[1].setFocus()
    qtbot.keyClick(panel.element_spins[1], Qt.Key.Key_Up)  # arrows edit the spin box, not the player
    assert panel.element == (0, 2)
    # The chosen element stays for the next step with the same shape.
    panel.show_step(trace, _backward(trace, steps, "AccumulateGrad", 2), len(steps))
    assert panel.element == (0, 2) and "at [0, 2]: 0 + 2 = 2" in panel.text()


def test_check_text_for_each_verdict():
    trace = capture_lesson("logistic")
    value = trace.find("w1").grad
    assert check_text(Term(0, None, "", "", value, value, True)).startswith(CHECK)
    assert check_text(Term(0, None, "", "", value, value, False)) == f"{CROSS} autograd got [-0.0898]"
    assert check_text(Term(0, None, "", "", None, value, None)) == "not checked"


def test_the_window_shows_the_panel_in_a_dock_that_follows_the_player(window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("logistic")) == "ok"
    st = window.step_through
    assert st.chain_dock.widget() is st.chain_panel and st.chain_dock.isVisible()
    st.player.seek(16)
    assert "0.9183" in st.chain_panel.text()
    st.player.leave()
    assert st.chain_panel.text() == PLACEHOLDER


def test_the_panel_follows_the_window_font_size(window):
    panel = window.step_through.chain_panel
    before = panel.header_label.font().pointSizeF()
    window.change_font_size(+3)
    assert panel.font().pointSizeF() == window.inspector.font().pointSizeF()
    assert panel.header_label.font().pointSizeF() > before and panel.header_label.font().bold()


def test_no_graph_no_steps(window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("no-grad")) == "ok"
    player = window.step_through.player
    assert window.graph_view.explanation  # the lesson explains instead of drawing
    assert player.count == 0 and not player.next_action.isEnabled()
    assert player.step_forward() == -1 and "No steps" in player.text()
    assert window.step_through.chain_panel.text() == PLACEHOLDER


def test_an_output_node_of_a_multi_output_op_forward_and_backward(panel):
    from gradviz.core.capture.capture import capture_program

    trace = capture_program("x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)\np, q = x.chunk(2)\n"
                            "loss = (p * q).sum()")
    steps = build_steps(trace)
    q = trace.find("q")
    forward = next(s for s in steps if s.phase == FORWARD and s.node_id == q.id)
    panel.show_step(trace, forward, len(steps))
    assert "q is output 1 of SplitBackward0" in panel.text() and "[3, 4]" in panel.text()
    backward = next(s for s in steps if s.phase == BACKWARD and s.node_id == q.id)
    panel.show_step(trace, backward, len(steps))
    assert "output 1" in panel.text() and "Incoming gradient ∂L/∂q = [1, 2]" in panel.text()
    assert CHECK in panel.text()


def test_the_panel_imports_without_torch():
    # The chain-rule dock is part of the app window, which comes up before torch loads (issue 17).
    code = "import sys\nimport gradviz.qt.stepping.chain_panel\nprint('torch' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
