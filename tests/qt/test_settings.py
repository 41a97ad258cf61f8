"""Settings round-trips through real ini files, and never touches the user's settings."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from gradviz.qt.settings import MAX_RECENT_FILES, Settings


def _reopen(path: str) -> Settings:
    """A second Settings on the same file, after the first wrote it out."""
    return Settings(path)


def test_defaults(settings_path):
    s = Settings(settings_path)
    assert s.window_geometry == b""
    assert s.window_state == b""
    assert s.last_lesson == "logistic"
    assert s.font_size == 11
    assert s.theme == "light"
    assert s.recent_files == []
    assert s.layout_engine_path == ""
    assert s.collapse_threshold == 300
    assert s.language == "system"
    assert s.file_name == settings_path


def test_round_trip_every_value(settings_path):
    s = Settings(settings_path)
    geometry = bytes(range(256))  # every byte value, NULs included
    s.window_geometry = geometry
    s.window_state = QByteArray(b"\x00\xffstate")
    s.last_lesson = "mlp"
    s.font_size = 14
    s.theme = "dark"
    s.recent_files = ["/tmp/a.py", Path("/tmp/b.py")]
    s.layout_engine_path = "/usr/bin/dot"
    s.collapse_threshold = 1200
    s.language = "zh_CN"
    s.sync()
    assert Path(settings_path).is_file()

    t = _reopen(settings_path)
    assert t.window_geometry == geometry
    assert t.window_state == b"\x00\xffstate"
    assert t.last_lesson == "mlp"
    assert t.font_size == 14 and isinstance(t.font_size, int)
    assert t.theme == "dark"
    assert t.recent_files == ["/tmp/a.py", "/tmp/b.py"]
    assert t.layout_engine_path == "/usr/bin/dot"
    assert t.collapse_threshold == 1200 and isinstance(t.collapse_threshold, int)
    assert t.language == "zh_CN"


def test_values_survive_a_fresh_process(settings_path):
    # In one process QSettings shares a cache per file, so only a new process proves the
    # on-disk format: bytes as @ByteArray, a one-element list still a list.
    s = Settings(settings_path)
    s.window_geometry = b"\x01\x02geo"
    s.recent_files = ["/only/one.py"]
    s.font_size = 9
    s.sync()
    code = textwrap.dedent(
        f"""
        from gradviz.qt.settings import Settings
        s = Settings({settings_path!r})
        print(repr((s.window_geometry, s.recent_files, s.font_size, s.theme)))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == repr((b"\x01\x02geo", ["/only/one.py"], 9, "light"))
    assert "@ByteArray" in Path(settings_path).read_text()


def test_recent_files_most_recent_first_dedup_and_cap(settings_path):
    s = Settings(settings_path)
    assert s.add_recent_file("/a.py") == ["/a.py"]
    assert s.add_recent_file("/b.py") == ["/b.py", "/a.py"]
    assert s.add_recent_file("/a.py") == ["/a.py", "/b.py"]  # moved to the front, not repeated
    for i in range(15):
        s.add_recent_file(f"/f{i}.py")
    recent = _reopen(settings_path).recent_files
    assert len(recent) == MAX_RECENT_FILES == 10
    assert recent[0] == "/f14.py"
    assert recent[-1] == "/f5.py"
    assert "/a.py" not in recent
    assert len(set(recent)) == len(recent)


def test_recent_files_setter_dedups_and_caps(settings_path):
    s = Settings(settings_path)
    s.recent_files = ["/x", "/y", "/x", *[f"/{i}" for i in range(20)]]
    assert s.recent_files[:3] == ["/x", "/y", "/0"]
    assert len(s.recent_files) == 10
    assert s.remove_recent_file("/y") == ["/x", *[f"/{i}" for i in range(8)]]
    s.recent_files = []
    assert _reopen(settings_path).recent_files == []


def test_invalid_values_rejected(settings_path):
    s = Settings(settings_path)
    with pytest.raises(ValueError, match="theme"):
        s.theme = "sepia"
    with pytest.raises(ValueError):
        s.font_size = 0
    with pytest.raises(ValueError):
        s.collapse_threshold = -5
    with pytest.raises(ValueError, match="language"):
        s.language = "fr"
    assert s.theme == "light" and s.font_size == 11 and s.collapse_threshold == 300


def test_hand_edited_garbage_falls_back_to_defaults(settings_path):
    Path(settings_path).write_text(
        "[view]\nfont_size=huge\ntheme=sepia\nlanguage=tlh\n"
        "[layout]\ncollapse_threshold=-3\n"
        "[window]\ngeometry=not bytes\n"
        "[session]\nlast_lesson=\n"
    )
    s = Settings(settings_path)
    assert s.font_size == 11
    assert s.theme == "light"
    assert s.collapse_threshold == 300
    assert s.window_geometry == b""
    assert s.last_lesson == "logistic"
    assert s.language == "system"


def test_apply_language_installs_qt_s_own_chinese_for_standard_buttons(qapp):
    from PySide6.QtCore import QCoreApplication

    from gradviz.core import i18n
    from gradviz.qt.language import apply_language

    try:
        assert apply_language(qapp, "zh_CN") == "zh_CN" and i18n.language() == "zh_CN"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        assert i18n.translate("cli", "list the built-in lessons") == "列出内置课程"
    finally:
        assert apply_language(qapp, "en") == "en"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_default_settings_are_redirected_by_the_test_session(_isolated_qsettings):
    s = Settings()
    s.font_size = 13
    s.sync()
    assert Path(s.file_name).is_relative_to(_isolated_qsettings)
    assert s.file_name.endswith(".ini")
    assert QSettings.defaultFormat() == QSettings.Format.IniFormat
    s.clear()
    s.sync()
    assert Settings().font_size == 11
