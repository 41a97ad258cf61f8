"""Lesson files (``.gradviz``): versioned JSON holding a program, its explanation and the view.

Opening one never runs anything but the safe expression language: the program is parsed
and validated before a Lesson is returned, and JSON is read with :func:`json.loads` only.

Format 3 gives the title, the text and each question's prompt per language::

    "title": {"en": "One neuron, binary cross-entropy", "zh_CN": "单个神经元与二元交叉熵"}

(a plain string, as formats 1 and 2 wrote them, is still read: it is shown in any language).
Format 2 added the label style and gradient health to the view, and quiz questions;
format 1 files read as before (PyTorch labels, no health colours, questions made up).
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradviz.core import user_files
from gradviz.core.i18n import translate
from gradviz.core.layout.labels import LABEL_STYLES
from gradviz.core.lessons.quiz import Question, question_from_json, question_to_json
from gradviz.core.lessons.texts import LocalText, Texts, local, texts_from_json
from gradviz.core.program.errors import ProgramError

FORMAT_KEY = "gradviz_lesson"
VERSION = 3
SUFFIX = ".gradviz"
# The built-in lessons are 1-3 KB; a file this big is something else, not read into memory.
MAX_FILE_BYTES = 16 << 20
MAX_NAME_CHARS = 120
# The largest integer a lesson's numbers are read as (zoom, start step): json reads any size.
MAX_LESSON_INT = 2**53
# How many roots a lesson may show, and how long a root's name (out['logits'] and the like) may be.
MAX_ROOTS, MAX_ROOT_CHARS = 64, 200
_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
# The looks a lesson may ask for, and the session switches between.
THEMES = ("light", "dark")


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


@dataclass(frozen=True, init=False)
class Lesson:
    """One lesson.

    ``titles`` and ``texts`` hold the title and the explanation per language;
    :attr:`title` and :attr:`text` give them in the language gradviz speaks now (asked
    again at every access, so a language switched while the app runs shows at once).
    ``title`` and ``text`` may be given as a plain string, a ``{code: text}`` mapping or
    another lesson's ``title`` (which keeps all its languages).

    ``subject`` names the variable holding the module under study: its parameters are
    labelled as its ``named_parameters()`` prints them (``layers.0.weight``).
    ``roots`` names the tensors whose graphs are shown (default: the capture's rule).
    """

    name: str
    titles: Texts
    texts: Texts
    program: str
    subject: str | None = None
    roots: tuple[str, ...] = ()
    trains: bool = False  # the training panel has a set-up for it
    start_step: int = -1  # the player's position when the lesson opens (-1: before the first step)
    view: LessonView = field(default_factory=LessonView)
    quiz: tuple[Question, ...] = ()  # its own questions (none: every step of the last pass)

    def __init__(self, name: str, title: str | Mapping[str, str] | None = None,
                 text: str | Mapping[str, str] | None = None, program: str = "", subject: str | None = None,
                 roots: tuple[str, ...] = (), trains: bool = False, start_step: int = -1,
                 view: LessonView | None = None, quiz: tuple[Question, ...] = (), *,
                 titles: Mapping[str, str] | None = None, texts: Mapping[str, str] | None = None) -> None:
        # A hand-written __init__: callers write title= and text= (one language or several),
        # dataclasses.replace() writes titles= and texts=.
        put = object.__setattr__
        put(self, "name", name)
        put(self, "titles", Texts(title if title is not None else titles))
        put(self, "texts", Texts(text if text is not None else texts))
        put(self, "program", program)
        put(self, "subject", subject)
        put(self, "roots", tuple(roots))
        put(self, "trains", trains)
        put(self, "start_step", start_step)
        put(self, "view", view if view is not None else LessonView())
        put(self, "quiz", tuple(quiz))

    @property
    def title(self) -> LocalText:
        """The title in the current language (else in the language there is)."""
        return local(self.titles)

    @property
    def text(self) -> LocalText:
        """The explanation in the current language (else in the language there is)."""
        return local(self.texts)

    def title_in(self, code: str) -> str:
        """The title in language ``code`` (else in the language there is)."""
        return self.titles.in_language(code)

    def text_in(self, code: str) -> str:
        """The explanation in language ``code`` (else in the language there is)."""
        return self.texts.in_language(code)


def lesson_to_json(lesson: Lesson) -> dict[str, Any]:
    return {
        FORMAT_KEY: VERSION,
        "name": lesson.name,
        "title": lesson.titles.to_json(),
        "text": lesson.texts.to_json(),
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
            raise LessonFileError(where + translate("lessons", "missing \"{key}\"").format(key=key))
        return default
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        message = translate("lessons", "\"{key}\" should be {kinds}, not {type}")
        raise LessonFileError(where + message.format(key=key, kinds=names, type=type(value).__name__))
    return value


def _texts(data: dict, key: str, where: str) -> Texts:
    """A text field: a plain string (formats 1 and 2, or one untagged language) or ``{code: text}``."""
    try:
        return texts_from_json(data.get(key, ""))
    except ValueError:
        message = translate("lessons", "\"{key}\" should be text, or texts by language ({example})")
        raise LessonFileError(where + message.format(key=key, example='{"en": "...", "zh_CN": "..."}')) from None


def lesson_from_json(data: Any, source: str = "", check: bool = True) -> Lesson:
    """Validate a parsed lesson document and build the Lesson.

    ``check`` also checks the program against the language (which needs torch, for the
    allow-list of its namespaces): a file someone shares says at once what is refused. The
    built-in lessons are checked by the tests instead, so the app starts without torch; a
    run checks every program again anyway.
    """
    where = f"{source}: " if source else ""
    if not isinstance(data, dict) or FORMAT_KEY not in data:
        raise LessonFileError(where + translate("lessons", "not a gradviz lesson file (no \"{key}\" version)").format(
            key=FORMAT_KEY))
    version = data[FORMAT_KEY]
    if not isinstance(version, int) or isinstance(version, bool):
        raise LessonFileError(where + translate("lessons", "\"{key}\" should be a version number").format(
            key=FORMAT_KEY))
    if version > VERSION:
        message = translate("lessons", "made by a newer gradviz (lesson format {version}); this gradviz reads "
                                       "format {format}. Update gradviz to open it.")
        raise LessonFileError(where + message.format(version=version, format=VERSION))
    program = _field(data, "program", str, where=where)
    if check:
        from gradviz.core.program.language import parse

        try:
            parse(program)
        except ProgramError as exc:
            raise LessonFileError(where + translate("lessons", "its program is refused: {error}").format(
                error=exc)) from None
    roots = _field(data, "roots", list, [], where)
    view = _field(data, "view", dict, {}, where)
    collapsed = _field(view, "collapsed", list, [], where + "view: ")
    if not all(isinstance(r, str) for r in roots) or not all(isinstance(c, str) for c in collapsed):
        raise LessonFileError(where + translate("lessons", "\"roots\" and \"view.collapsed\" hold names (strings)"))
    # Each root is looked for in the program at every run, on the window's thread: a few roots
    # of half a megabyte each froze the window for 42 s.
    if len(roots) > MAX_ROOTS or any(len(r) > MAX_ROOT_CHARS for r in roots):
        raise LessonFileError(where + translate("lessons", "\"roots\" holds at most {count} names of at most {chars} "
                                                           "characters").format(count=MAX_ROOTS, chars=MAX_ROOT_CHARS))
    zoom = _field(view, "zoom", (int, float), 1.0, where + "view: ")
    # json reads NaN, Infinity, -5 and a 400-digit integer (too big for a float) as numbers.
    if not (isinstance(zoom, float) or -MAX_LESSON_INT <= zoom <= MAX_LESSON_INT) \
            or not math.isfinite(zoom) or zoom <= 0:
        raise LessonFileError(where + translate("lessons", "view: \"zoom\" should be a positive number, not {zoom}")
                              .format(zoom=zoom))
    labels = _field(view, "labels", str, "", where + "view: ")
    if labels and labels not in LABEL_STYLES:
        message = translate("lessons", "view: \"labels\" should be {styles}, not {labels!r}")
        raise LessonFileError(where + message.format(styles=" or ".join(LABEL_STYLES), labels=labels))
    theme = _field(view, "theme", str, "", where + "view: ")
    if theme and theme not in THEMES:
        message = translate("lessons", "view: \"theme\" should be {themes}, not {theme!r}")
        raise LessonFileError(where + message.format(themes=" or ".join(THEMES), theme=theme))
    try:
        quiz = tuple(question_from_json(q) for q in _field(data, "quiz", list, [], where))
    except ValueError as exc:
        raise LessonFileError(f"{where}quiz: {exc}") from None
    stem = Path(source).stem if source else "lesson"
    return Lesson(
        name=_plain_name(_field(data, "name", str, stem, where), stem),
        title=_texts(data, "title", where),
        text=_texts(data, "text", where),
        program=program,
        subject=_field(data, "subject", (str, type(None)), None, where),
        roots=tuple(roots),
        trains=_field(data, "trains", bool, False, where),
        start_step=max(-1, min(_field(data, "start_step", int, -1, where), MAX_LESSON_INT)),
        view=LessonView(float(zoom), tuple(collapsed), theme, labels, _field(view, "health", bool, False,
                                                                                where + "view: ")),
        quiz=quiz,
    )


def _plain_name(name: str, fallback: str) -> str:
    """``name`` as a lesson's name may be: it also names the files saved from the lesson, so no
    folders, control characters or leading dots (``../../x`` from a shared file)."""
    plain = _UNSAFE_IN_NAME.sub("_", name).lstrip("._ ")[:MAX_NAME_CHARS]
    return plain or fallback


def _text_of(raw: bytes) -> str:
    """The file's text: UTF-8, with or without the byte-order mark Windows editors write, or
    UTF-16 with its mark."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


def load_lesson(path: str | Path, check: bool = True) -> Lesson:
    """Read and validate a ``.gradviz`` file; LessonFileError says what is wrong and where.

    ``check``: see :func:`lesson_from_json`.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            message = translate("lessons", "{file} is {megabytes:.0f} MB: a lesson file is a few kilobytes of text, "
                                           "so this is not one (gradviz opens lesson files of up to {limit} MB)")
            raise LessonFileError(message.format(file=path.name, megabytes=size / 2**20, limit=MAX_FILE_BYTES >> 20))
        text = _text_of(user_files.read_bytes(path, MAX_FILE_BYTES))
    except FileNotFoundError:
        raise LessonFileError(translate("lessons", "no file {path}").format(path=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        message = translate("lessons", "cannot read {path}: {error}")
        raise LessonFileError(message.format(path=path, error=exc)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # JSON's own words (Expecting ',' delimiter) stay as json says them.
        message = translate("lessons", "{file} is damaged: line {line}, column {col}: {error}")
        raise LessonFileError(message.format(file=path.name, line=exc.lineno, col=exc.colno, error=exc.msg)) from None
    except (RecursionError, ValueError) as exc:
        # Lists nested thousands deep, or a number of thousands of digits: no lesson has either.
        message = translate("lessons", "{file} is damaged: {error}")
        raise LessonFileError(message.format(file=path.name, error=type(exc).__name__)) from None
    return lesson_from_json(data, path.name, check)
