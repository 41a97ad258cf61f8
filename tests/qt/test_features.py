"""The window is assembly: features see a session and a host, never the window or each other."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import gradviz.qt
from gradviz.qt.canvas.big_graphs import BigGraphs
from gradviz.qt.classroom.classroom import Classroom
from gradviz.qt.classroom.presentation import Presentation
from gradviz.qt.program.files import ProgramFiles
from gradviz.qt.program.panel import ProgramPanel
from gradviz.qt.runs.feature import Runs
from gradviz.qt.stepping.step_through import StepThrough
from gradviz.qt.training.dock import TrainingDock

QT = Path(gradviz.qt.__file__).parent
#: What may know the window: the window itself, its own actions and toolbar, and what makes one.
WINDOW_MAKERS = {"main_window.py", "actions.py", "app.py", "screenshot.py", "relanguage.py"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_no_feature_imports_the_window():
    offenders = [str(p.relative_to(QT)) for p in QT.rglob("*.py")
                 if p.name not in WINDOW_MAKERS and "gradviz.qt.main_window" in _imports(p)]
    assert offenders == []


@pytest.mark.parametrize("feature", [ProgramPanel, ProgramFiles, Runs, BigGraphs, StepThrough, Classroom,
                                     Presentation, TrainingDock])
def test_features_are_made_from_a_session_and_a_host(feature):
    assert list(inspect.signature(feature.__init__).parameters) == ["self", "session", "host"]


def test_the_dark_theme_reaches_every_view(window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("logistic")) == "ok"
    window.set_theme("dark")
    # The big-graph preview used to hear of the theme only through the menu action's signal,
    # which set_theme blocks: it stayed light.
    assert window.big_graphs.preview._theme == "dark"
    assert window.graph_view.graph_scene.theme == "dark" and window.commands.dark_theme.isChecked()
    presentation = window.classroom.presentation
    presentation.enter()
    assert window.session.theme == "light"  # the projector's look
    window.set_theme("dark")  # the teacher's own choice while presenting...
    presentation.leave()
    assert window.session.theme == "dark" and window.big_graphs.preview._theme == "dark"  # ...is kept


def test_the_checks_of_an_edited_lesson_ask_for_the_roots_it_still_assigns(window, run_and_wait, qtbot):
    assert run_and_wait(window, lambda: window.load_lesson("softmax")) == "ok"
    edited = "\n".join(line for line in window.editor.toPlainText().splitlines() if "loss_manual" not in line)
    window.editor.setPlainText(edited)
    assert run_and_wait(window, window.run_program) == "ok"
    # The gradient check used to take the lesson's first root, loss_manual, which the
    # program no longer assigns: "the program never assigns 'loss_manual'".
    dialog = window.classroom.gradient_check()
    with qtbot.waitSignal(dialog.checked, timeout=120_000) as blocker:
        pass
    report = blocker.args[0]
    assert [leaf.label for leaf in report.leaves] == ["Z"] and report.passed
    dialog.close()
