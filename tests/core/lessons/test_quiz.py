"""Quiz questions: placed on steps, answered from the trace, checked with a tolerance, kept in lesson files."""

from __future__ import annotations

import math

import pytest

from gradviz.core.lessons.catalogue import LESSONS, capture_lesson
from gradviz.core.lessons.quiz import Question, Result, is_right, parse_guess, pose
from gradviz.core.stepping.steps import build_steps


def test_logistic_asks_each_gradient_of_loss_backward():
    trace = capture_lesson("logistic")
    steps = build_steps(trace)
    posed = pose(trace, steps)
    assert [p.symbol for p in posed.values()] == ["∂L/∂a", "∂L/∂z", "∂L/∂mul", "∂L/∂w1"]
    a = posed[min(posed)]
    assert steps[a.position].pass_index == 2 and trace.node(steps[a.position].node_id).label == "loss"
    assert a.answer == pytest.approx(-1.088922, abs=1e-6) and a.element == ()
    assert a.key == (2, trace.find("loss").id, 0)


def test_a_lessons_own_questions_by_name_and_pass():
    trace = capture_lesson("logistic")
    steps = build_steps(trace)
    posed = pose(trace, steps, (Question("z", "b", 2, "What reaches b?"),))
    (only,) = posed.values()
    assert only.prompt == "What reaches b?" and only.symbol == "∂L/∂b"
    assert steps[only.position].pass_index == 1  # the second call: autograd.grad(loss, b)
    assert only.answer == pytest.approx(-0.081660, abs=1e-6)


def test_the_nan_lesson_asks_for_a_nan():
    trace = capture_lesson("nan")
    posed = list(pose(trace, build_steps(trace), LESSONS["nan"].quiz).values())
    assert [p.symbol for p in posed] == ["∂L/∂root", "∂L/∂x"]
    assert posed[0].element == (0,) and posed[0].answer == 0.0
    assert math.isnan(posed[1].answer)
    assert is_right(parse_guess("nan"), posed[1].answer) and not is_right(0.0, posed[1].answer)


@pytest.mark.parametrize(("text", "number"), [("-0.08", -0.08), ("−0.08", -0.08), ("1/2", 0.5), ("8e-2", 0.08),
                                              ("0,5", 0.5), ("abc", None), ("", None)])
def test_guesses_are_read_as_numbers(text, number):
    assert parse_guess(text) == number


def test_a_guess_is_right_within_five_percent_or_half_a_hundredth():
    assert is_right(-0.08, -0.0817) and is_right(-1.09, -1.0889) and not is_right(-0.8, -0.0817)
    assert not is_right(1.0, -1.0)
    posed = pose(*(lambda t: (t, build_steps(t)))(capture_lesson("logistic")))
    first = next(iter(posed.values()))
    assert Result(first, -1.09, True).text() == "Right: ∂L/∂a = -1.0889 (you said -1.09)."
    assert Result(first, None, False).text() == "Revealed: ∂L/∂a = -1.0889."
