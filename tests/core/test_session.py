"""The session, driven headless: what every feature reads and how runs are asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradviz.core.capture.capture import capture_program
from gradviz.core.lessons.catalogue import LESSONS
from gradviz.core.program.errors import ProgramError
from gradviz.core.session import Notice, Session


class Heard:
    """Every emission of the signals it listens to, in order."""

    def __init__(self, session: Session, *names: str) -> None:
        self.events: list[tuple] = []
        for name in names:
            getattr(session, name).connect(lambda *args, n=name: self.events.append((n, *args)))

    def names(self) -> list[str]:
        return [e[0] for e in self.events]


def test_opening_a_lesson_runs_it_with_its_roots_and_subject():
    s = Session()
    heard = Heard(s, "program_opened", "source_changed", "run_requested")
    s.open_lesson(LESSONS["softmax"])
    assert heard.names() == ["program_opened", "source_changed", "run_requested"]
    spec = heard.events[-1][1]
    assert spec.source == LESSONS["softmax"].program and spec.roots == ("loss_manual", "loss_builtin")
    assert s.title == "softmax lesson" and not s.modified


def test_an_edited_lesson_asks_only_for_the_roots_it_still_assigns():
    s = Session()
    s.open_lesson(LESSONS["softmax"], run=False)
    edited = "\n".join(line for line in s.source.splitlines() if "loss_manual" not in line)
    s.edit(edited)
    spec = s.program_spec()
    # The graph, the gradient check and why-None all ask here: the same roots for all.
    assert spec.roots == ("loss_builtin",) and spec.source == edited
    assert s.modified


def test_typing_forgets_edited_values_and_a_value_edit_reruns_keeping_the_step():
    s = Session()
    s.open_lesson(LESSONS["logistic"], run=False)
    heard = Heard(s, "overrides_changed", "values_edited", "run_requested")
    s.set_override("w1", 1.0)
    assert heard.names() == ["overrides_changed", "values_edited", "run_requested"]
    assert heard.events[-1][1].overrides == {"w1": 1.0}
    s.edit(s.source + "\n# a comment")
    assert s.overrides == {} and s.program_spec().overrides == {}


def test_a_drawn_graph_says_the_carried_message_else_its_notes():
    s = Session()
    heard = Heard(s, "notice", "drawing_changed", "run_finished")
    trace = capture_program("x = torch.tensor(3.0, requires_grad=True)\ny = x ** 3\n")
    s.carry("Edited in gradviz: w1 = 1.0", "info")
    s.begin_run()
    s.show_graph(trace, None)
    assert heard.events[0] == ("notice", Notice("Edited in gradviz: w1 = 1.0", "info"))
    assert heard.names()[1:] == ["drawing_changed", "run_finished"] and heard.events[-1][1] == "ok"
    s.show_graph(trace, None)
    assert "gradviz ran y.backward()" in s.last_notice.text  # the trace's own note, now


def test_a_failure_points_at_the_editors_line_unless_it_is_in_a_module_file():
    s = Session()
    s.trace = object()  # a graph is on screen
    s.show_failure(ProgramError("boom", 3, 5, "runtime"))
    assert (s.last_notice.line, s.last_notice.col, s.last_notice.level) == (3, 5, "error")
    s.show_failure(ProgramError("the run process crashed (SIGSEGV)", 7, kind="crashed"))
    assert s.last_notice.text.endswith("The previous graph is still shown.")
    s.show_failure(ProgramError("bad", 12, kind="runtime", file="model.py"))
    assert s.last_notice.line is None and "model.py, line 12" in s.last_notice.text


def test_look_and_what_is_looked_at_signal_only_on_change():
    s = Session(theme="light", font_size=11)
    heard = Heard(s, "theme_changed", "font_size_changed", "selection_changed", "step_changed")
    s.set_theme("light")
    s.set_theme("dark")
    assert s.set_font_size(100) == 32 and s.set_font_size(32) == 32
    s.select("n3")
    s.select("n3")
    s.set_step(4)
    assert heard.events == [("theme_changed", "dark"), ("font_size_changed", 32), ("selection_changed", "n3"),
                            ("step_changed", 4)]
    with pytest.raises(ValueError):
        s.set_theme("sepia")


def test_saving_renames_the_program_and_clears_the_edit_mark(tmp_path):
    s = Session()
    s.open_file(Path(tmp_path / "a.txt"), "x = 1", run=False)
    s.edit("x = 2")
    heard = Heard(s, "title_changed", "modified_changed")
    s.saved(tmp_path / "b.txt")
    assert heard.events == [("title_changed", "b.txt"), ("modified_changed", False)]


def test_an_early_picture_says_its_notes_before_it_shows_and_the_graph_says_them_again():
    # The bar appears with the early picture, not after it (it would push the picture down).
    s = Session()
    heard = Heard(s, "notice", "provisional_ready")
    program = "x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range(250):\n    y = y * 1.01\nloss = y\n"
    early = []
    trace = capture_program(program, on_forward=early.append)
    s.present_provisional(early[0], "sketch")
    s.show_graph(trace, "layout")
    assert heard.names() == ["notice", "provisional_ready", "notice"]
    said = [e[1].text for e in heard.events if e[0] == "notice"]
    assert said[0] == said[1] and "gradviz ran loss.backward()" in said[0]
