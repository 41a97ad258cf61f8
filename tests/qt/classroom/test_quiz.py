"""Quiz mode in the window: the player stops, the gradient hides on canvas and in the text, the guess is scored."""

from __future__ import annotations

from PySide6.QtCore import Qt

from gradviz.core.stepping.marks import HIDDEN_TEXT


def badge(window, label):
    return window.graph_view.node_item(window.current_trace.find(label).id).badge_text


def test_predict_then_reveal_on_the_logistic_lesson(window, go, qtbot):
    go(lambda: window.load_lesson("logistic", confirm=False))
    quiz, player, session = window.classroom.quiz, window.step_through.player, window.session
    window.commands.quiz.trigger()
    assert session.quiz and quiz.bar.isVisible()
    first = min(quiz.book)
    player.seek(first - 1)
    assert session.question is None
    player.step_forward()  # onto BCE's step: it sends ∂L/∂a
    assert session.question is not None and session.question.symbol == "∂L/∂a"
    assert badge(window, "a") == HIDDEN_TEXT
    text = window.step_through.chain_panel.text()
    assert "∂L/∂a = ∂L/∂loss" in text or "∂L/∂a" in text
    assert "= ?" in text and "-1.0889" not in text.split("Incoming")[1].split("\n", 2)[2]
    qtbot.waitUntil(quiz.bar.guess_edit.hasFocus, timeout=2_000)
    player.step_forward()  # held until answered
    assert player.position == first
    qtbot.keyClicks(quiz.bar.guess_edit, "-1.09")
    with qtbot.waitSignal(quiz.bar.guess_edit.returnPressed):
        qtbot.keyClick(quiz.bar.guess_edit, Qt.Key.Key_Return)
    assert session.question is None and session.score() == (1, 1)
    assert badge(window, "a") == "∇ -1.0889"
    assert "-1.0889" in window.step_through.chain_panel.text()
    assert "Right: ∂L/∂a = -1.0889 (you said -1.09)." in quiz.bar.result_label.text()
    assert quiz.bar.score_label.text() == "Score: 1 of 1"
    player.step_forward()  # ∂L/∂z next
    assert session.question.symbol == "∂L/∂z"
    assert quiz.submit("0.5").right is False and session.score() == (1, 2)
    assert "Not quite" in quiz.bar.result_label.text()
    assert quiz.submit("x") is None  # nothing open
    player.step_forward()
    assert quiz.submit("abc") is None and "not a number" in quiz.bar.result_label.text()
    assert session.question is not None  # still asking


def test_stepping_back_closes_the_question_and_quiz_off_shows_everything(window, go):
    go(lambda: window.load_lesson("logistic", confirm=False))
    quiz, player, session = window.classroom.quiz, window.step_through.player, window.session
    session.set_quiz(True)
    player.seek(min(quiz.book))
    assert session.question is not None
    player.step_back()
    assert session.question is None
    player.step_forward()
    assert session.question is not None  # not answered: asked again
    session.set_quiz(False)
    assert session.question is None and badge(window, "a") == "∇ -1.0889"


def test_a_lessons_own_questions_and_a_nan_answer(window, go):
    go(lambda: window.load_lesson("nan", confirm=False))
    quiz, player, session = window.classroom.quiz, window.step_through.player, window.session
    session.set_quiz(True)
    assert [p.symbol for p in quiz.book.values()] == ["∂L/∂root", "∂L/∂x"]
    player.seek(max(quiz.book))
    assert session.question.prompt.startswith("Predict the first element of ∂L/∂x")
    assert quiz.submit("nan").right


def test_questions_are_posed_only_once_quiz_mode_needs_them(window, go, monkeypatch):
    from gradviz.qt.classroom import quiz as quiz_module

    posed: list[int] = []
    real = quiz_module.pose

    def counting(trace, steps, questions=()):
        posed.append(len(trace.nodes))
        return real(trace, steps, questions)

    monkeypatch.setattr(quiz_module, "pose", counting)
    go(lambda: window.load_lesson("logistic", confirm=False))
    assert posed == []  # a new graph, quiz mode off: no formula worked out for it
    quiz, session = window.classroom.quiz, window.session
    session.set_quiz(True)
    assert posed == [len(window.current_trace.nodes)] and quiz.book
    assert quiz.bar.prompt_label.text() == quiz_module.IDLE_TEXT
    session.set_quiz(False)
    session.set_quiz(True)
    assert len(posed) == 1  # the same graph keeps its questions
