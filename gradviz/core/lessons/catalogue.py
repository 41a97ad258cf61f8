"""The built-in lessons: programs in the expression language, from the users' own tutorials.

They ship as lesson files under ``resources/lessons/`` (``NN-name.gradviz``, in teaching
order); each lesson's numbers are listed in ``shared/lessons.md`` and checked by the tests.
"""

from __future__ import annotations

from gradviz.core.i18n import translate
from gradviz.core.lessons.files import Lesson, LessonView, load_lesson  # noqa: F401  (Lesson is part of this API)
from gradviz.core.resources import resource_dir
from gradviz.core.trace import Trace


def _load_builtin() -> dict[str, Lesson]:
    files = sorted((resource_dir() / "lessons").glob("*.gradviz"))
    lessons = [load_lesson(f, check=False) for f in files]  # ours, checked by the tests
    return {lesson.name: lesson for lesson in lessons}


LESSONS: dict[str, Lesson] = _load_builtin()


def get_lesson(name: str) -> Lesson:
    """The lesson called ``name`` (a ``lesson:`` prefix is allowed); KeyError lists the names."""
    key = name.removeprefix("lesson:")
    if key not in LESSONS:
        raise KeyError(translate("lessons", "no lesson '{name}'; the lessons are: {names}").format(
            name=key, names=", ".join(LESSONS)))
    return LESSONS[key]


def capture_lesson(name: str) -> Trace:
    """Run a built-in lesson and return its Trace."""
    from gradviz.core.capture.capture import capture_program

    lesson = get_lesson(name)
    return capture_program(lesson.program, roots=lesson.roots, subject=lesson.subject)
