"""gradviz's persistent preferences: a typed face over QSettings."""

from __future__ import annotations

import os
from collections.abc import Iterable

from PySide6.QtCore import QByteArray, QSettings

from gradviz.core.i18n import LANGUAGES, SYSTEM
from gradviz.core.run.request import DEFAULT_MEMORY_BYTES, DEFAULT_SECONDS, RunLimits
from gradviz.qt.theme import THEMES

ORGANIZATION = "gradviz"
APPLICATION = "gradviz"
MAX_RECENT_FILES = 10

DEFAULT_LESSON = "logistic"
DEFAULT_FONT_SIZE = 11
DEFAULT_THEME = "light"
DEFAULT_COLLAPSE_THRESHOLD = 300


class Settings:
    """Typed access to the stored preferences.

    Every getter returns its default when the stored value is missing or unreadable (a
    hand-edited ini file must never stop the app from starting).

    Parameters
    ----------
    path : str, optional
        An ini file to use instead of the user's settings (tests, portable installs). When
        None, the "gradviz"/"gradviz" settings in ``QSettings.defaultFormat()`` are used.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        if path is not None:
            self.qsettings = QSettings(os.fspath(path), QSettings.Format.IniFormat)
        else:
            # defaultFormat() rather than the (org, app) constructor, which is always native:
            # that lets a test session redirect every Settings() to a temporary directory.
            self.qsettings = QSettings(
                QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
            )

    @property
    def file_name(self) -> str:
        """Where the settings are stored (a path, or a registry key on Windows)."""
        return self.qsettings.fileName()

    def sync(self) -> None:
        """Write pending changes to storage now."""
        self.qsettings.sync()

    def clear(self) -> None:
        """Forget every stored preference."""
        self.qsettings.clear()

    # -- window ---------------------------------------------------------------------------
    @property
    def window_geometry(self) -> bytes:
        """``QMainWindow.saveGeometry()`` bytes; b"" when none were saved."""
        return self._bytes("window/geometry")

    @window_geometry.setter
    def window_geometry(self, value: bytes | QByteArray) -> None:
        self.qsettings.setValue("window/geometry", QByteArray(bytes(value)))

    @property
    def window_state(self) -> bytes:
        """``QMainWindow.saveState()`` bytes (docks, toolbars); b"" when none were saved."""
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: bytes | QByteArray) -> None:
        self.qsettings.setValue("window/state", QByteArray(bytes(value)))

    # -- session and look -----------------------------------------------------------------
    @property
    def last_lesson(self) -> str:
        """Name of the lesson open when the app last closed (default "logistic")."""
        return self._str("session/last_lesson", DEFAULT_LESSON) or DEFAULT_LESSON

    @last_lesson.setter
    def last_lesson(self, value: str) -> None:
        self.qsettings.setValue("session/last_lesson", str(value))

    @property
    def font_size(self) -> int:
        """Editor and canvas font size in points (default 11)."""
        size = self._int("view/font_size", DEFAULT_FONT_SIZE)
        return size if size > 0 else DEFAULT_FONT_SIZE

    @font_size.setter
    def font_size(self, value: int) -> None:
        if int(value) <= 0:
            raise ValueError(f"font size must be positive, not {value}")
        self.qsettings.setValue("view/font_size", int(value))

    @property
    def theme(self) -> str:
        """"light" or "dark" (default "light")."""
        value = self._str("view/theme", DEFAULT_THEME)
        return value if value in THEMES else DEFAULT_THEME

    @theme.setter
    def theme(self, value: str) -> None:
        if value not in THEMES:
            raise ValueError(f"unknown theme {value!r}; expected one of {', '.join(THEMES)}")
        self.qsettings.setValue("view/theme", value)

    @property
    def language(self) -> str:
        """"system" (default: follow LANG/LANGUAGE) or a code of :data:`gradviz.core.i18n.LANGUAGES`."""
        value = self._str("view/language", SYSTEM)
        return value if value == SYSTEM or value in LANGUAGES else SYSTEM

    @language.setter
    def language(self, value: str) -> None:
        if value != SYSTEM and value not in LANGUAGES:
            raise ValueError(f"unknown language {value!r}; expected {SYSTEM} or one of {', '.join(LANGUAGES)}")
        self.qsettings.setValue("view/language", value)

    # -- recent files ---------------------------------------------------------------------
    @property
    def recent_files(self) -> list[str]:
        """Recently opened files, most recent first, without duplicates, at most 10."""
        raw = self.qsettings.value("files/recent", [], type=list)
        return _dedup(str(p) for p in raw if p)[:MAX_RECENT_FILES]

    @recent_files.setter
    def recent_files(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        self.qsettings.setValue("files/recent", _dedup(os.fspath(p) for p in paths)[:MAX_RECENT_FILES])

    def add_recent_file(self, path: str | os.PathLike[str]) -> list[str]:
        """Put ``path`` first in the recent files (moving it if present); return the list."""
        path = os.fspath(path)
        self.recent_files = [path, *self.recent_files]
        return self.recent_files

    def remove_recent_file(self, path: str | os.PathLike[str]) -> list[str]:
        """Drop ``path`` (e.g. it no longer exists); return the list."""
        path = os.fspath(path)
        self.recent_files = [p for p in self.recent_files if p != path]
        return self.recent_files

    # -- layout ---------------------------------------------------------------------------
    @property
    def layout_engine_path(self) -> str:
        """Path of a system Graphviz ``dot`` to use; "" means the bundled graphviz-pure."""
        return self._str("layout/engine_path", "")

    @layout_engine_path.setter
    def layout_engine_path(self, value: str | os.PathLike[str]) -> None:
        self.qsettings.setValue("layout/engine_path", os.fspath(value))

    @property
    def collapse_threshold(self) -> int:
        """Node count above which module groups start collapsed (default 300)."""
        value = self._int("layout/collapse_threshold", DEFAULT_COLLAPSE_THRESHOLD)
        return value if value > 0 else DEFAULT_COLLAPSE_THRESHOLD

    @collapse_threshold.setter
    def collapse_threshold(self, value: int) -> None:
        if int(value) <= 0:
            raise ValueError(f"collapse threshold must be positive, not {value}")
        self.qsettings.setValue("layout/collapse_threshold", int(value))

    # -- run limits -----------------------------------------------------------------------
    @property
    def run_seconds(self) -> int:
        """Wall-clock seconds a program may run before its run process is stopped (default 120)."""
        value = self._int("runs/seconds", int(DEFAULT_SECONDS))
        return value if value > 0 else int(DEFAULT_SECONDS)

    @run_seconds.setter
    def run_seconds(self, value: int) -> None:
        if int(value) <= 0:
            raise ValueError(f"the time limit must be positive, not {value}")
        self.qsettings.setValue("runs/seconds", int(value))

    @property
    def run_memory_mb(self) -> int:
        """Memory (MiB) a run may take beyond the runner's own; 0 means no limit."""
        default = (DEFAULT_MEMORY_BYTES or 0) >> 20
        value = self._int("runs/memory_mb", default)
        return value if value >= 0 else default

    @run_memory_mb.setter
    def run_memory_mb(self, value: int) -> None:
        if int(value) < 0:
            raise ValueError(f"the memory limit cannot be negative, not {value}")
        self.qsettings.setValue("runs/memory_mb", int(value))

    def run_limits(self) -> RunLimits:
        """The limits every run of a program gets."""
        return RunLimits(seconds=float(self.run_seconds), memory_bytes=(self.run_memory_mb << 20) or None)

    # -- per lesson -------------------------------------------------------------------------
    def labels_for(self, lesson: str) -> str:
        """The label style chosen for ``lesson`` ("pytorch", "beginner"), or "" if never chosen."""
        value = self._str(f"labels/{_key(lesson)}", "")
        return value if value in ("pytorch", "beginner") else ""

    def set_labels_for(self, lesson: str, style: str) -> None:
        self.qsettings.setValue(f"labels/{_key(lesson)}", style)

    # -- readers that survive bad stored values -------------------------------------------
    def _bytes(self, key: str) -> bytes:
        value = self.qsettings.value(key)
        if isinstance(value, (QByteArray, bytes, bytearray)):
            return bytes(value)
        return b""

    def _str(self, key: str, default: str) -> str:
        value = self.qsettings.value(key, default)
        return value if isinstance(value, str) else default

    def _int(self, key: str, default: int) -> int:
        value = self.qsettings.value(key, default)
        try:
            return int(value)
        except (TypeError, ValueError):
            return default


def _key(name: str) -> str:
    """``name`` as one settings key (no group separators)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "_"


def _dedup(paths: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for p in paths:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
