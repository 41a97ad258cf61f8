"""Files the user points gradviz at are read only when they are files, and only so far."""

from __future__ import annotations

import json
import os

import pytest

from gradviz.core import user_files
from gradviz.core.lessons.files import MAX_ROOT_CHARS, MAX_ROOTS, LessonFileError, load_lesson
from gradviz.core.recording import load as load_recording


def test_a_regular_file_is_read_whole_and_its_bom_dropped(tmp_path):
    path = tmp_path / "p.py"
    path.write_bytes(b"\xef\xbb\xbfx = 1\n")
    assert user_files.read_text(path, 100) == "x = 1\n"
    assert user_files.read_bytes(path, 9) == b"\xef\xbb\xbfx = 1\n"


def test_a_file_over_its_limit_is_refused_after_reading_just_past_it(tmp_path):
    path = tmp_path / "big.py"
    path.write_bytes(b"x" * 101)
    with pytest.raises(OSError, match="more than 0 MB"):
        user_files.read_bytes(path, 100)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_and_a_device_are_refused_without_blocking_or_reading_on(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")  # nobody writes: opening it to read would block for good
    (tmp_path / "zero.gradviz").symlink_to("/dev/zero")  # size 0, and never ends
    (tmp_path / "zero.gradviz-rec").symlink_to("/dev/zero")
    for name in ("pipe.py", "zero.gradviz"):
        with pytest.raises(OSError, match="not a file of text or data") as info:
            user_files.read_text(tmp_path / name, 1 << 20)
        assert "Errno" not in str(info.value)
    with pytest.raises(LessonFileError, match="not a file of text or data"):
        load_lesson(tmp_path / "zero.gradviz")
    with pytest.raises(OSError, match="not a file of text or data"):
        load_recording(tmp_path / "zero.gradviz-rec")
    with pytest.raises(FileNotFoundError):
        user_files.read_bytes(tmp_path / "missing.py", 10)


@pytest.mark.parametrize("roots", [[f"r{i}" for i in range(MAX_ROOTS + 1)], ["a" * (MAX_ROOT_CHARS + 1)]])
def test_a_lessons_roots_are_few_and_short(tmp_path, roots):
    # Each is looked for in the program at every run, on the window's thread: 690 KB of roots
    # froze the window for 42 s.
    path = tmp_path / "l.gradviz"
    path.write_text(json.dumps({"gradviz_lesson": 3, "title": "t", "roots": roots,
                                "program": "x = torch.ones(1, requires_grad=True)\nloss = (x * 2).sum()\n"}))
    with pytest.raises(LessonFileError, match=f"at most {MAX_ROOTS} names of at most {MAX_ROOT_CHARS}"):
        load_lesson(path)


def test_a_file_is_written_whole_or_not_at_all(tmp_path):
    path = tmp_path / "out.json"
    with user_files.written_whole(path) as part:
        part.write_text("{}")
        assert not path.exists()  # a reader sees nothing until the file is complete
    assert path.read_text() == "{}"
    with pytest.raises(OSError, match="disk full"), user_files.written_whole(path) as part:
        part.write_text("{half")
        raise OSError("disk full")
    assert path.read_text() == "{}" and sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
