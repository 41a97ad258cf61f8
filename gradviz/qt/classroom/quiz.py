"""Quiz mode: predict the gradient, then see it — the player stops at each question.

At a question's step the gradient asked for is hidden on the canvas ("∇ ?") and in the chain
rule ("= ?"); the student (or the class, through the teacher) types a guess and presses
Enter; the gradient is revealed with its chain-rule line and whether the guess was right,
and the lesson's score counts it. The questions come from the lesson file, else from
:func:`gradviz.core.lessons.quiz.pose`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.lessons.quiz import Posed, Result, parse_guess, pose
from gradviz.core.session import Session
from gradviz.core.stepping.steps import build_steps
from gradviz.core.trace import Trace
from gradviz.qt.actions import make_action
from gradviz.qt.host import Host
from gradviz.qt.widgets.plain_text import plain

#: Questions are made for graphs up to this many nodes (each step's formula is worked out).
MAX_NODES = 1500
IDLE_TEXT = QT_TRANSLATE_NOOP("quiz", "Quiz mode: step through with → — at each question the player stops until you "
                                      "answer.")
NO_QUESTIONS = QT_TRANSLATE_NOOP("quiz", "Quiz mode: this graph has no questions (a lesson file can carry its own).")


class QuizBar(QFrame):
    """The question, the guess box, Reveal, the last result and the score."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quiz_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.prompt_label = QLabel(translate("quiz", IDLE_TEXT))
        self.prompt_label.setWordWrap(True)
        self.prompt_label.setMinimumWidth(1)
        self.prompt_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.symbol_label = QLabel()
        self.guess_edit = QLineEdit()
        self.guess_edit.setPlaceholderText(translate("quiz", "your guess, e.g. -0.08"))
        self.guess_edit.setToolTip(translate("quiz", "A number (−0.08, 8e-2, 1/2, nan); Enter reveals the gradient"))
        self.guess_edit.setAccessibleName(translate("quiz", "Your guess"))
        self.reveal_button = QPushButton(translate("quiz", "Reveal"))
        self.reveal_button.setToolTip(translate("quiz", "Show the gradient and whether the guess was right (Enter)"))
        self.result_label = QLabel()
        self.result_label.setTextFormat(Qt.TextFormat.RichText)  # its own marks; what it quotes escaped
        self.result_label.setWordWrap(True)
        self.result_label.setMinimumWidth(1)
        self.result_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.score_label = QLabel()
        plain(self.prompt_label, self.symbol_label, self.score_label)  # the question names the program's nodes
        self.score_label.setToolTip(translate("quiz", "Right answers of the questions asked in this lesson"))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.symbol_label)
        row.addWidget(self.guess_edit, 1)
        row.addWidget(self.reveal_button)
        row.addSpacing(16)
        row.addWidget(self.score_label)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 8, 4)
        column.setSpacing(4)
        column.addWidget(self.prompt_label)
        column.addLayout(row)
        column.addWidget(self.result_label)
        self.set_question(None)

    def set_question(self, posed: Posed | None, idle: str | None = None) -> None:
        asking = posed is not None
        self.prompt_label.setText(posed.prompt if asking else idle or translate("quiz", IDLE_TEXT))
        self.symbol_label.setText(f"{posed.symbol} =" if asking else "")
        self.guess_edit.setEnabled(asking)
        self.reveal_button.setEnabled(asking)
        if asking:
            self.guess_edit.clear()

    def set_result(self, result: Result | None) -> None:
        if result is None:
            self.result_label.clear()
            return
        colour = "#0072B2" if result.right else "#D55E00"
        mark = "✓" if result.right else "✗" if result.guess is not None else "→"
        self.result_label.setText(f"<b style='color:{colour}'>{mark}</b> {html.escape(result.text())}")

    def set_score(self, right: int, asked: int) -> None:
        self.score_label.setText(translate("quiz", "Score: {right} of {asked}").format(right=right, asked=asked))


class Quiz(QObject):
    """Classroom ▸ Quiz Mode (Ctrl+Alt+Q) and its bar under the canvas.

    Attributes
    ----------
    bar : QuizBar
    action : QAction
    book : dict of int to Posed
        The questions of the graph on screen, by step position (posed when first read).
    answered : set of int
        Positions whose question was answered (not asked again for this graph).
    """

    def __init__(self, session: Session, host: Host) -> None:
        super().__init__(host.window)
        self.session, self.host = session, host
        self._book: dict[int, Posed] | None = {}
        self._questions: tuple = ()
        self.answered: set[int] = set()
        self._trace: Trace | None = None
        self.bar = QuizBar()
        self.bar.hide()
        host.place(self.bar, "below_canvas")
        self.action = make_action(host.window, translate("quiz", "&Quiz Mode"), session.set_quiz, ["Ctrl+Alt+Q"],
                                  translate("quiz", "Predict each gradient before it is shown: the player stops at "
                                                    "every question until it is answered"), checkable=True)
        host.add_command("quiz", self.action)
        host.menu("classroom").addAction(self.action)
        self.bar.guess_edit.returnPressed.connect(self.submit)
        self.bar.reveal_button.clicked.connect(lambda _checked=False: self.submit())
        session.quiz_changed.connect(self._on_quiz_changed)
        session.drawing_changed.connect(self._on_drawing_changed)
        session.step_changed.connect(self._on_step_changed)
        session.question_changed.connect(self._on_question_changed)
        session.answered.connect(self._on_answered)
        session.program_opened.connect(lambda: self.bar.set_result(None))
        session.font_size_changed.connect(self._on_font_size_changed)
        self._on_font_size_changed(session.font_size)

    # -- commands -------------------------------------------------------------------------
    def submit(self, text: str | None = None) -> Result | None:
        """Answer the open question with ``text`` (default: what is typed; "" reveals without
        a guess). Returns the result; None when nothing is asked or the text is no number."""
        if self.session.question is None:
            return None
        text = self.bar.guess_edit.text() if text is None else text
        guess = parse_guess(text) if text.strip() else None
        if text.strip() and guess is None:
            self.bar.result_label.setText(translate("quiz", "“{text}” is not a number: type one like -0.08, 1/2 or "
                                                            "nan (or leave it empty to reveal).").format(
                text=html.escape(text.strip())))
            return None
        return self.session.answer(guess)

    # -- from the session -----------------------------------------------------------------
    def _on_quiz_changed(self, on: bool) -> None:
        self.action.blockSignals(True)
        self.action.setChecked(on)
        self.action.blockSignals(False)
        self.bar.setVisible(on)
        if on:
            self._update_score()
            self._on_step_changed(self.session.step)
        self._idle()

    @property
    def book(self) -> dict[int, Posed]:
        # Posed when quiz mode first needs them, not with every new graph: working out each
        # step's formula is a stall of the window (0.1 s at 1,500 nodes) nobody else needs.
        if self._book is None:
            trace, self._book = self._trace, {}
            if trace is not None and trace.nodes and len(trace.nodes) <= MAX_NODES:
                self._book = pose(trace, build_steps(trace), self._questions)
        return self._book

    def _on_drawing_changed(self) -> None:
        trace = self.session.trace
        if trace is self._trace:
            return  # the same graph laid out again: its questions and answers stay
        self._trace = trace
        self.answered = set()
        lesson = self.session.lesson
        self._book, self._questions = None, lesson.quiz if lesson is not None else ()
        self._update_score()
        self._idle()

    def _on_step_changed(self, position: int) -> None:
        if not self.session.quiz:
            return
        posed = self.book.get(position)
        if posed is not None and position not in self.answered:
            self.session.ask(posed)
        elif self.session.question is not None and self.session.question.position != position:
            self.session.ask(None)  # stepped away without answering: asked again next time

    def _on_question_changed(self, posed: Posed | None) -> None:
        if posed is not None:
            self.bar.set_question(posed)
            self.bar.set_result(None)
            self.bar.guess_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._idle()

    def _on_answered(self, result: Result) -> None:
        self.answered.add(result.posed.position)
        self.bar.set_result(result)
        self._update_score()
        self._idle()
        self.host.canvas.setFocus()  # → goes on stepping

    def _on_font_size_changed(self, size: int) -> None:
        font = QFont(self.bar.font())
        font.setPointSize(size)
        self.bar.setFont(font)

    # -- helpers --------------------------------------------------------------------------
    def _idle(self) -> None:
        if self.session.question is None and self.session.quiz:
            self.bar.set_question(None, translate("quiz", IDLE_TEXT if self.book else NO_QUESTIONS))

    def _update_score(self) -> None:
        self.bar.set_score(*self.session.score())
