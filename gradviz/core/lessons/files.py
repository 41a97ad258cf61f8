"""Lesson files (``.gradviz``): versioned JSON holding a program, its explanation and the view.

Opening one never runs anything but the safe expression language: the program is parsed
and validated before a Lesson is returned, and JSON is read with :func:`json.loads` only.

Format 2 added the label style and gradient health to the view, and quiz questions;
format 1 files read as before (PyTorch labels, no health colours, questions made up).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradviz.core.layout.labels import LABEL_STYLES
from gradviz.core.lessons.quiz import Question, question_from_json, question_to_json
from gradviz.core.program.errors import ProgramError

FORMAT_KEY = "gradviz_lesson"
VERSION = 2
SUFFIX = ".gradviz"


class LessonFileError(Exception):
    """A lesson file that cannot be opened; the message says why and, where known, where."""


@dataclass(frozen=True)
class LessonView:
    """How the lesson opens: zoom (1.0 = fit), collapsed module paths, theme, label style
    ("pytorch" or "beginner"; "" keeps the user's) and gradient health colours."""

    zoom: float = 1.0
    collapsed: tuple[str, ...] = ()
    theme: str = ""  # "" keeps the user's theme
    labels: str = ""  # "" keeps the user's choice for this lesson (PyTorch's names at first)
    health: bool = False


@dataclass(frozen=True)
class Lesson:
    """One lesson.

    ``subject`` names the variable holding the module under study: its parameters are
    labelled as its ``named_parameters()`` prints them (``layers.0.weight``).
    ``roots`` names the tensors whose graphs are shown (default: the capture's rule).
    """

    name: str
    title: str
    text: str
    program: str
    subject: str | None = None
    roots: tuple[str, ...] = ()
    trains: bool = False  # the training panel has a set-up for it
    start_step: int = -1  # the player's position when the lesson opens (-1: before the first step)
    view: LessonView = field(default_factory=LessonView)
    quiz: tuple[Question, ...] = ()  # its own questions (none: every step of the last pass)


def lesson_to_json(lesson: Lesson) -> dict[str, Any]:
    return {
        FORMAT_KEY: VERSION,
        "name": lesson.name,
        "title": lesson.title,
        "text": lesson.text,
        "program": lesson.program,
        "subject": lesson.subject,
        "roots": list(lesson.roots),
        "trains": lesson.trains,
        "start_step": lesson.start_step,
        "view": {"zoom": lesson.view.zoom, "collapsed": list(lesson.view.collapsed), "theme": lesson.view.theme,
                 "labels": lesson.view.labels, "health": lesson.view.health},
        "quiz": [question_to_json(q) for q in lesson.quiz],
    }


def save_lesson(lesson: Lesson, path: str | Path) -> Path:
    """Write ``lesson`` to ``path`` (``.gradviz`` is added when missing)."""
    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    text = json.dumps(lesson_to_json(lesson), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def _field(data: dict, key: str, kind: type | tuple[type, ...], default: Any = ..., where: str = "") -> Any:
    if key not in data:
        if default is ...:
            raise LessonFileError(f"{where}missing \"{key}\"")
        return default
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise LessonFileError(f"{where}\"{key}\" should be {names}, not {type(value).__name__}")
    return value


def lesson_from_json(data: Any, source: str = "", check: bool = True) -> Lesson:
    """Validate a parsed lesson document and build the Lesson.

    ``check`` also checks the program against the language (which needs torch, for the
    allow-list of its namespaces): a file someone shares says at once what is refused. The
    built-in lessons are checked by the tests instead, so the app starts without torch; a
    run checks every program again anyway.
    """
    where = f"{source}: " if source else ""
    if not isinstance(data, dict) or FORMAT_KEY not in data:
        raise LessonFileError(f"{where}not a gradviz lesson file (no \"{FORMAT_KEY}\" version)")
    version = data[FORMAT_KEY]
    if not isinstance(version, int) or isinstance(version, bool):
        raise LessonFileError(f"{where}\"{FORMAT_KEY}\" should be a version number")
    if version > VERSION:
        raise LessonFileError(f"{where}made by a newer gradviz (lesson format {version}); this "
                              f"gradviz reads format {VERSION}. Update gradviz to open it.")
    program = _field(data, "program", str, where=where)
    if check:
        from gradviz.core.program.language import parse

        try:
            parse(program)
        except ProgramError as exc:
            raise LessonFileError(f"{where}its program is refused: {exc}") from None
    roots = _field(data, "roots", list, [], where)
    view = _field(data, "view", dict, {}, where)
    collapsed = _field(view, "collapsed", list, [], where + "view: ")
    if not all(isinstance(r, str) for r in roots) or not all(isinstance(c, str) for c in collapsed):
        raise LessonFileError(f"{where}\"roots\" and \"view.collapsed\" hold names (strings)")
    zoom = _field(view, "zoom", (int, float), 1.0, where + "view: ")
    labels = _field(view, "labels", str, "", where + "view: ")
    if labels and labels not in LABEL_STYLES:
        raise LessonFileError(f"{where}view: \"labels\" should be {' or '.join(LABEL_STYLES)}, not {labels!r}")
    try:
        quiz = tuple(question_from_json(q) for q in _field(data, "quiz", list, [], where))
    except ValueError as exc:
        raise LessonFileError(f"{where}quiz: {exc}") from None
    return Lesson(
        name=_field(data, "name", str, Path(source).stem if source else "lesson", where),
        title=_field(data, "title", str, "", where),
        text=_field(data, "text", str, "", where),
        program=program,
        subject=_field(data, "subject", (str, type(None)), None, where),
        roots=tuple(roots),
        trains=_field(data, "trains", bool, False, where),
        start_step=_field(data, "start_step", int, -1, where),
        view=LessonView(float(zoom), tuple(collapsed), _field(view, "theme", str, "", where + "view: "), labels,
                        _field(view, "health", bool, False, where + "view: ")),
        quiz=quiz,
    )


def load_lesson(path: str | Path, check: bool = True) -> Lesson:
    """Read and validate a ``.gradviz`` file; LessonFileError says what is wrong and where.

    ``check``: see :func:`lesson_from_json`.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LessonFileError(f"no file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LessonFileError(f"cannot read {path}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LessonFileError(f"{path.name} is damaged: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    return lesson_from_json(data, path.name, check)
