"""The session: what the user sees, kept without Qt, and the one place a run is asked for.

The window's features (canvas, player, classroom tools, training panel...) never talk to
each other or to the window: they read the session, call its methods and subscribe to its
signals. A run of the program is asked for here (:meth:`Session.run` builds the one
:class:`~gradviz.core.run.request.ProgramSpec` every run uses — the graph, the gradient check,
"why is my grad None?"), and every graph that reaches the canvas, a program's or a training
step's, arrives through :meth:`Session.present` and is settled by :meth:`Session.show_graph`.

All methods are called, and all signals emitted, on the GUI thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradviz.core.capture.module_spec import LoadedModule
from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.layout.labels import DEFAULT_LABELS, LABEL_STYLES, Look
from gradviz.core.lessons.files import THEMES, Lesson
from gradviz.core.lessons.quiz import Posed, Result, is_right
from gradviz.core.program.errors import ProgramError
from gradviz.core.run.request import ProgramSpec
from gradviz.core.signals import Signal

MIN_FONT_SIZE, MAX_FONT_SIZE = 7, 32
#: Failures where the run process itself ended badly, not the program (the graph stays).
RUN_DEATHS = frozenset({"timeout", "memory", "crashed", "exited", "output", "internal", "limit"})


#: What the program is called once it is no longer the lesson it started from (translated when shown).
OWN_PROGRAM_TITLE = QT_TRANSLATE_NOOP("session", "your program")
#: A lesson edited until fewer than this share of its lines remain is the student's own program.
LESSON_LINES_KEPT = 0.5


def still_the_lesson(lesson_program: str, source: str) -> bool:
    """Whether ``source`` is still ``lesson_program`` edited (half its lines or more kept),
    rather than a program of the student's own typed in its place."""
    lines = {line.strip() for line in lesson_program.splitlines() if line.strip()}
    if not lines:
        return True
    kept = {line.strip() for line in source.splitlines()} & lines
    return len(kept) >= LESSON_LINES_KEPT * len(lines)


@dataclass(frozen=True)
class Notice:
    """A message for the user. ``line``/``col`` point into the editor's program when set."""

    text: str
    level: str = "info"  # "error", "warning" or "info"
    line: int | None = None
    col: int | None = None
    detail: str = ""  # for an error at a line: what to mark there


class Session:
    """What the user sees: program, drawing, selection, step, edited values and look.

    Signals
    -------
    program_opened()
        A new program replaced the old one (a lesson, a file, a module): ``source``,
        ``lesson``, ``module``, ``path`` and ``title`` describe it.
    source_changed(str)
        The program text changed (typed, or a new program).
    modified_changed(bool)
        Whether the program has been typed into since it was opened or saved.
    title_changed(str)
        What the program is called (a lesson, a file name...).
    run_requested(ProgramSpec)
        Someone asked for a run of the program; the app's run controller starts it.
    cancel_requested()
        Someone asked to stop the run in progress.
    run_started(), run_finished(str)
        A run began; it ended "ok", "error" or "cancelled".
    result_ready(object)
        A finished run's result (a program's or a training step's), for the canvas to draw.
    provisional_ready(object, object), provisional_painted()
        A big graph's quick picture (trace, layout) to show while the real layout is made,
        and the canvas's word that it is on screen (the run then goes on).
    drawing_changed()
        ``trace`` and ``layout`` are what the canvas now shows.
    selection_changed(str or None), step_changed(int)
    theme_changed(str), font_size_changed(int), presentation_changed(bool)
    labels_changed(str)
        The boxes' label style: "pytorch" (MulBackward0) or "beginner" (×, +, σ).
    health_changed(bool)
        Gradient health colours on the canvas, on or off.
    quiz_changed(bool)
        Quiz mode on or off: the player stops at each question and hides its gradient.
    question_changed(object)
        The open question (a :class:`~gradviz.core.lessons.quiz.Posed`), or None once answered.
    answered(object)
        A question was answered: the :class:`~gradviz.core.lessons.quiz.Result`.
    overrides_changed()
        Values edited in the app changed (the next run uses them).
    values_edited()
        A run of the same program with edited values is about to start (the player keeps
        its step).
    notice(Notice or None)
        A message for the user; None clears it.
    line_requested(int)
        Someone wants the user to see this line of the program (the editor shows it).
    step_line_changed(object)
        The program line the player's current step belongs to (int), or None: the editor
        highlights it.
    """

    def __init__(self, theme: str = "light", font_size: int = 11) -> None:
        self.source = ""
        self.lesson: Lesson | None = None
        self.module: LoadedModule | None = None
        self.recording: Any = None  # a RecordingFile shown without a run (see open_recording)
        self.path: Path | None = None
        # The title when gradviz wrote it in words (not a file's name): written again on a language switch.
        self._title_words: Callable[[], str] | None = lambda: translate("session", "untitled program")
        self.title = self._title_words()
        self.overrides: dict[str, Any] = {}
        self.trace: Any = None
        self.layout: Any = None
        self.collapsed: frozenset[str] = frozenset()
        self.selected: str | None = None
        self.step = -1
        self.step_line: int | None = None
        self.theme = theme if theme in THEMES else "light"
        self.font_size = font_size
        self.labels = DEFAULT_LABELS
        self.health = False
        self.quiz = False
        self.question: Posed | None = None
        self.scores: dict[str, tuple[int, int]] = {}  # per lesson (or program): right, asked
        self.presentation = False
        self.running = False
        self.modified = False  # typed since opened or saved
        self.last_notice: Notice | None = None
        self._carried: Notice | None = None  # shown once the next run is drawn
        self._notes: list[str] = []  # said with the next run's own notes

        self.program_opened = Signal()
        self.source_changed = Signal()
        self.modified_changed = Signal()
        self.title_changed = Signal()
        self.run_requested = Signal()
        self.cancel_requested = Signal()
        self.run_started = Signal()
        self.run_finished = Signal()
        self.result_ready = Signal()
        self.provisional_ready = Signal()
        self.provisional_painted = Signal()
        self.drawing_changed = Signal()
        self.selection_changed = Signal()
        self.step_changed = Signal()
        self.theme_changed = Signal()
        self.font_size_changed = Signal()
        self.presentation_changed = Signal()
        self.labels_changed = Signal()
        self.health_changed = Signal()
        self.quiz_changed = Signal()
        self.question_changed = Signal()
        self.answered = Signal()
        self.overrides_changed = Signal()
        self.values_edited = Signal()
        self.notice = Signal()
        self.line_requested = Signal()
        self.step_line_changed = Signal()

    # -- the program ----------------------------------------------------------------------
    def open_lesson(self, lesson: Lesson, run: bool = True) -> None:
        """Make ``lesson`` (built in or from a lesson file) the program, and run it."""
        self._open(lesson.program, lambda: translate("session", "{name} lesson").format(name=lesson.name),
                   lesson=lesson)
        if lesson.view.theme:
            self.set_theme(lesson.view.theme)
        self.set_health(lesson.view.health)
        if run:
            self.run()

    def open_file(self, path: Path, text: str, run: bool = True) -> None:
        """Make the program read from ``path`` the program, and run it."""
        self._open(text, path.name, path=path)
        if run:
            self.run()

    def open_module(self, loaded: LoadedModule, run: bool = True) -> None:
        """Make the program that builds and runs a user's module class the program, and run it."""
        self._open(loaded.program, f"{loaded.class_name} ({loaded.path.name})", module=loaded)
        note = translate("session", "Loaded {name}: gradviz ran the Python code of {file}.")
        self._notes = [note.format(name=loaded.class_name, file=loaded.path.name)]
        self.notify(self._notes[0])
        if run:
            self.run()

    def open_recording(self, recording: Any, path: Path | None = None) -> None:
        """Show a saved recording (a ``RecordingFile``): its graph is laid out and drawn like a
        run's result, without running anything; what needs a re-run is said and refused."""
        from gradviz.core.recording import needs_rerun

        trace = recording.trace
        def title() -> str:
            name = recording.title or (path.name if path is not None else translate("session", "recording"))
            return translate("session", "{name} (recording)").format(name=name)

        self._open(trace.source, title, recording=recording)
        note = translate("session", "A recording: the graph, values, gradients and steps as they were recorded; "
                                    "{needs_rerun}.")
        self._notes = [note.format(needs_rerun=needs_rerun())]
        self.run()

    def adopt(self, other: "Session") -> None:
        """Show what ``other`` shows — the window is being remade (in another language): the
        program as typed and what it was opened from, its edited values and the look. Nothing
        runs; call :meth:`run` for the graph."""
        title = other._title_words or other.title  # words gradviz wrote are written in the new language
        if other.recording is not None:
            self._open(other.source, title, recording=other.recording, path=other.path)
        elif other.lesson is not None:
            self.open_lesson(other.lesson, run=False)
        elif other.module is not None:
            self._open(other.module.program, title, module=other.module)
        else:
            self._open(other.source, title, path=other.path)
        if other.source != self.source:
            self.edit(other.source)
        self._set_modified(other.modified)
        if other.overrides:
            self.overrides.update(other.overrides)
            self.overrides_changed.emit()
        self.set_theme(other.theme)
        self.set_font_size(other.font_size)
        self.set_labels(other.labels)
        self.set_health(other.health)
        self.set_quiz(other.quiz)

    @property
    def is_recording(self) -> bool:
        """True while a saved recording is shown (nothing can be run again)."""
        return self.recording is not None

    def _open(self, source: str, title: str | Callable[[], str], lesson: Lesson | None = None,
              module: LoadedModule | None = None, path: Path | None = None, recording: Any = None) -> None:
        self.lesson, self.module, self.path, self.recording = lesson, module, path, recording
        self.source = source
        self.ask(None)
        self._set_title(title)
        self._notes = []
        if self.overrides:
            self.overrides.clear()
            self.overrides_changed.emit()
        self.clear_notice()
        self._set_modified(False)
        self.program_opened.emit()
        self.source_changed.emit(source)

    def edit(self, source: str) -> None:
        """The user typed: ``source`` is the program now (not run until asked).

        Values edited in the app belong to the program they were made for: a typed change
        starts afresh.
        """
        if source == self.source:
            return
        self.source = source
        if self.overrides:
            self.overrides.clear()
            self.overrides_changed.emit()
        self._set_modified(True)
        self.source_changed.emit(source)
        if self.lesson is not None and not still_the_lesson(self.lesson.program, source):
            self._leave_lesson()

    def _leave_lesson(self) -> None:
        """The program typed is the student's own now: the lesson's title and text no longer
        describe it (what the editor holds stays, modified)."""
        self.lesson = None
        self.ask(None)
        self._set_title(lambda: translate("session", OWN_PROGRAM_TITLE), always=True)
        self.program_opened.emit()

    def saved(self, path: Path) -> None:
        """The program was written to ``path``: the window edits that file now."""
        if path != self.path:
            self.path = path
            self._set_title(path.name, always=True)
        self._set_modified(False)

    def _set_title(self, title: str | Callable[[], str], always: bool = False) -> None:
        """The title is ``title``: a name as it is, or words gradviz writes in the user's language."""
        self._title_words = title if callable(title) else None
        text = title() if callable(title) else title
        if always or text != self.title:
            self.title = text
            self.title_changed.emit(text)

    def language_changed(self) -> None:
        """The user's language changed: the title gradviz wrote in words is written again in it
        (a file's or a class's name stays); the rest follows at the next run and redraw."""
        if self._title_words is not None:
            self._set_title(self._title_words)

    def set_modified(self, modified: bool) -> None:
        """Whether the program has unsaved edits (the editor's own undo can take them back)."""
        self._set_modified(bool(modified))

    def _set_modified(self, modified: bool) -> None:
        if modified != self.modified:
            self.modified = modified
            self.modified_changed.emit(modified)

    def program_spec(self) -> ProgramSpec:
        """The program as a run: the one place roots, subject, module and edits are chosen."""
        roots: tuple[str, ...] = ()
        root = (self.module.root or None) if self.module is not None else None
        subject = self.module.subject if self.module is not None else None
        if self.lesson is not None:
            # An edited lesson may have dropped the variables the lesson shows: keep those left.
            roots = tuple(r for r in self.lesson.roots if re.search(rf"\b{re.escape(r)}\b", self.source))
            subject = self.lesson.subject
        return ProgramSpec(self.source, roots=roots, root=root, subject=subject, overrides=dict(self.overrides),
                           module=self.module.spec if self.module is not None else None)

    # -- runs -----------------------------------------------------------------------------
    def run(self) -> ProgramSpec:
        """Ask for a run of the program as it is now; returns what will run."""
        spec = self.program_spec()
        self.run_requested.emit(spec)
        return spec

    def cancel(self) -> None:
        """Ask for the run in progress to stop (the drawing on screen stays)."""
        self.cancel_requested.emit()

    def begin_run(self) -> None:
        """A run started (the run controller says so)."""
        self.running = True
        self.run_started.emit()

    def present(self, result: Any, note: str = "") -> None:
        """A finished run's result is to be drawn (``note`` is said once it is)."""
        if note:
            self.carry(note, "info")
        self.result_ready.emit(result)

    def present_provisional(self, trace: Any, sketch: Any) -> None:
        """A quick picture of the running program's graph (a layout's Sketch), before its real layout.

        What the finished graph will say is said now (show_graph says it again): the message
        bar appearing after the picture would push the graph down under the user's eyes.
        """
        notes = [*self._notes, *getattr(trace, "notes", ())]
        if self._carried is not None:
            self._say(self._carried)
        elif notes:
            self._say(Notice(" ".join(notes), "info"))
        self.provisional_ready.emit(trace, sketch)

    def show_graph(self, trace: Any, layout: Any, collapsed: frozenset[str] = frozenset()) -> None:
        """The canvas now shows ``trace`` laid out as ``layout``; the run is over."""
        self.trace, self.layout, self.collapsed = trace, layout, frozenset(collapsed)
        notes, self._notes = [*self._notes, *getattr(trace, "notes", ())], []
        if self._carried is not None:
            self._say(self._carried)
            self._carried = None
        elif notes:
            self._say(Notice(" ".join(notes), "info"))
        else:
            self.clear_notice()
        self.drawing_changed.emit()
        self._finish("ok")

    def show_failure(self, error: BaseException) -> None:
        """The run failed: say what and where; the drawing on screen stays."""
        self._notes = []
        self._carried = None
        if isinstance(error, ProgramError):
            text = str(error)
            if error.kind in RUN_DEATHS and self.trace is not None:
                still = translate("session", " The previous graph is still shown.")
                # Under a message that lists frames (a model file's crash), on a line of its own.
                text += "\n" + still.strip() if "\n" in text else still
            in_program = error.line is not None and not error.file  # else the line is in the user's module file
            self._say(Notice(text, "error", error.line if in_program else None, error.col if in_program else None,
                             error.message))
        else:
            self._say(Notice(translate("session", "gradviz could not show this program: {error}").format(error=error),
                             "error"))
        self._finish("error")

    def show_cancelled(self) -> None:
        self._notes = []
        self._carried = None
        self._say(Notice(translate("session", "Run cancelled; the previous graph is still shown."), "info"))
        self._finish("cancelled")

    def _finish(self, status: str) -> None:
        self.running = False
        self.run_finished.emit(status)

    # -- messages -------------------------------------------------------------------------
    def notify(self, text: str, level: str = "info", line: int | None = None) -> None:
        """Tell the user ``text`` now."""
        self._say(Notice(text, level, line))

    def carry(self, text: str, level: str = "info") -> None:
        """Tell the user ``text`` once the run now starting is drawn (a run clears messages)."""
        self._carried = Notice(text, level)

    def show_line(self, line: int) -> None:
        """Bring line ``line`` of the program into view in the editor."""
        self.line_requested.emit(line)

    def clear_notice(self) -> None:
        self.last_notice = None
        self.notice.emit(None)

    def _say(self, notice: Notice) -> None:
        self.last_notice = notice
        self.notice.emit(notice)

    # -- edited values ----------------------------------------------------------------------
    def set_override(self, name: str, value: Any) -> None:
        """Run again with variable ``name`` set to ``value`` (kept until the program changes)."""
        if self.recording is not None:
            from gradviz.core.recording import needs_rerun

            self.notify(translate("session", "This is a recording: {needs_rerun}.").format(needs_rerun=needs_rerun()),
                        "warning")
            return
        self.overrides[name] = value
        self.overrides_changed.emit()
        self._rerun_edited()

    def clear_overrides(self) -> None:
        if self.overrides:
            self.overrides.clear()
            self.overrides_changed.emit()
            self._rerun_edited()

    def _rerun_edited(self) -> None:
        self.values_edited.emit()
        self.run()
        shown = ", ".join(f"{k} = {v}" for k, v in self.overrides.items())
        if shown:
            self.carry(translate("session", "Edited in gradviz, not in the program text: {values}.").format(
                values=shown), "info")

    # -- what is looked at --------------------------------------------------------------------
    def select(self, node_id: str | None) -> None:
        if node_id != self.selected:
            self.selected = node_id
            self.selection_changed.emit(node_id)

    def set_step(self, position: int) -> None:
        if position != self.step:
            self.step = position
            self.step_changed.emit(position)

    def set_step_line(self, line: int | None) -> None:
        """The program line of the step on screen (None: not stepping, or no line)."""
        if line != self.step_line:
            self.step_line = line
            self.step_line_changed.emit(line)

    # -- look -----------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        """Switch to the "light" or "dark" look."""
        if name not in THEMES:
            raise ValueError(f"unknown theme {name!r}")
        if name != self.theme:
            self.theme = name
            self.theme_changed.emit(name)

    def set_font_size(self, size: int) -> int:
        """Text size of the editor, panels and canvas labels, kept in range; returns it."""
        size = min(max(int(size), MIN_FONT_SIZE), MAX_FONT_SIZE)
        if size != self.font_size:
            self.font_size = size
            self.font_size_changed.emit(size)
        return size

    def set_labels(self, style: str) -> None:
        """Write the boxes in PyTorch's names ("pytorch") or a beginner's symbols ("beginner")."""
        if style not in LABEL_STYLES:
            raise ValueError(f"unknown label style {style!r}")
        if style != self.labels:
            self.labels = style
            self.labels_changed.emit(style)

    def look(self) -> Look:
        """The boxes' font size (the session's text size) and label style, for the layout."""
        return Look(float(self.font_size), self.labels)

    def set_health(self, on: bool) -> None:
        """Colour the canvas by gradient size (log scale), marking NaN, Inf and zeros."""
        if bool(on) != self.health:
            self.health = bool(on)
            self.health_changed.emit(self.health)

    # -- quiz -------------------------------------------------------------------------------
    def set_quiz(self, on: bool) -> None:
        """Quiz mode: at each question the player stops and the gradient stays hidden until answered."""
        if bool(on) != self.quiz:
            self.quiz = bool(on)
            if not self.quiz:
                self.ask(None)
            self.quiz_changed.emit(self.quiz)

    def ask(self, posed: Posed | None) -> None:
        """Open ``posed`` (its gradient hidden everywhere it is shown), or close the open one."""
        if posed is not self.question:
            self.question = posed
            self.question_changed.emit(posed)

    @property
    def hidden(self) -> frozenset[tuple[int, str, int]]:
        """(pass, node, slot) of the gradients nobody may show yet (the open question's)."""
        return frozenset({self.question.key}) if self.question is not None else frozenset()

    def answer(self, guess: float | None) -> Result | None:
        """Reveal the open question with the student's ``guess`` (None: no guess); the score
        of the lesson counts it. Returns the result, None when no question is open."""
        posed = self.question
        if posed is None:
            return None
        right = guess is not None and is_right(guess, posed.answer)
        key = self.score_key()
        done, asked = self.scores.get(key, (0, 0))
        self.scores[key] = (done + int(right), asked + 1)
        result = Result(posed, guess, right)
        self.ask(None)
        self.answered.emit(result)
        return result

    def score_key(self) -> str:
        """Whose score the questions count for: the lesson's name, else the program's title."""
        return self.lesson.name if self.lesson is not None else self.title

    def score(self) -> tuple[int, int]:
        """(right, asked) for the program on screen."""
        return self.scores.get(self.score_key(), (0, 0))

    def set_presentation(self, on: bool) -> None:
        if on != self.presentation:
            self.presentation = on
            self.presentation_changed.emit(on)
