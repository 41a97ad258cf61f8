"""Lesson files: exact round trip, safe loading, clear messages for damaged or newer files."""

import json

import pytest

from gradviz.core.lessons.catalogue import LESSONS
from gradviz.core.lessons.files import Lesson, LessonFileError, LessonView, load_lesson, save_lesson
from gradviz.core.resources import resource_dir


def test_builtin_lessons_ship_as_files():
    files = sorted((resource_dir() / "lessons").glob("*.gradviz"))
    assert [f.stem.split("-", 1)[1] for f in files] == list(LESSONS)


def test_round_trip_is_exact(tmp_path):
    lesson = Lesson("mine", "My lesson", "Why: ∂L/∂w.", "w = torch.ones(2, requires_grad=True)\nloss = (w * w).sum()\n",
                    subject=None, roots=("loss",), start_step=5,
                    view=LessonView(zoom=1.5, collapsed=("layers.0",), theme="dark"))
    path = save_lesson(lesson, tmp_path / "mine")
    assert path.suffix == ".gradviz"
    assert load_lesson(path) == lesson
    again = save_lesson(load_lesson(path), tmp_path / "again.gradviz")
    assert again.read_bytes() == path.read_bytes()


def write(tmp_path, data, raw=None):
    path = tmp_path / "l.gradviz"
    path.write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
    return path


GOOD = {"gradviz_lesson": 1, "name": "x", "program": "a = torch.ones(1)"}


@pytest.mark.parametrize(
    ("data", "raw", "words"),
    [
        ({**GOOD, "program": "import os\nos.system('rm -rf /')"}, None, "program is refused: line 1, column 1: import"),
        ({**GOOD, "program": "x = ().__class__"}, None, "refused"),
        ({**GOOD, "gradviz_lesson": 7}, None, "newer gradviz"),
        ({"name": "x"}, None, "not a gradviz lesson file"),
        ({**GOOD, "roots": "loss"}, None, "\"roots\" should be list"),
        ({**GOOD, "program": 3}, None, "\"program\" should be str"),
        (None, '{"gradviz_lesson": 1, "program": "a = 1",', "damaged: line 1"),
    ],
)
def test_bad_files_give_clear_messages(tmp_path, data, raw, words):
    with pytest.raises(LessonFileError) as info:
        load_lesson(write(tmp_path, data, raw))
    assert words in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(LessonFileError, match="no file"):
        load_lesson(tmp_path / "nope.gradviz")


def test_format_2_keeps_labels_health_and_questions(tmp_path):
    from gradviz.core.lessons.quiz import Question

    lesson = Lesson("q", "Quiz", "Predict.", "w = torch.ones(1, requires_grad=True)\nloss = (w * w).sum()\n",
                    view=LessonView(labels="beginner", health=True),
                    quiz=(Question("loss", "w", 1, "What reaches w?"), Question("w")))
    path = save_lesson(lesson, tmp_path / "q")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["gradviz_lesson"] == 2
    assert data["quiz"][0] == {"node": "loss", "input": "w", "pass": 1, "prompt": "What reaches w?"}
    assert load_lesson(path) == lesson


def test_a_format_1_file_still_opens_with_the_defaults(tmp_path):
    old = {**GOOD, "view": {"zoom": 1.0, "collapsed": [], "theme": ""}}
    lesson = load_lesson(write(tmp_path, old))
    assert lesson.view.labels == "" and lesson.view.health is False and lesson.quiz == ()


@pytest.mark.parametrize(("extra", "words"), [
    ({"view": {"labels": "fancy"}}, "\"labels\" should be pytorch or beginner"),
    ({"quiz": [{"input": "w"}]}, "quiz: each question needs \"node\""),
    ({"quiz": [{"node": "w", "pass": -1}]}, "quiz: a question's \"pass\""),
])
def test_bad_format_2_fields_are_named(tmp_path, extra, words):
    with pytest.raises(LessonFileError) as info:
        load_lesson(write(tmp_path, {**GOOD, "gradviz_lesson": 2, **extra}))
    assert words in str(info.value)
