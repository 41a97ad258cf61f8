"""Shared set-up for the Qt tests: headless by default, and never the user's settings."""

from __future__ import annotations

import os

# Must happen before any QApplication exists; an explicit QT_QPA_PLATFORM (xvfb runs) wins.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import shiboken6
from PySide6.QtCore import QSettings


@pytest.fixture(scope="session", autouse=True)
def _isolated_qsettings(tmp_path_factory: pytest.TempPathFactory):
    """Point every default-constructed QSettings at a throw-away directory.

    gradviz's Settings honours QSettings.defaultFormat(), so with IniFormat here and the
    paths below, nothing a test does can reach the real user or system settings.
    """
    root = tmp_path_factory.mktemp("qsettings")
    old_format = QSettings.defaultFormat()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(root / scope.name))
    yield root
    QSettings.setDefaultFormat(old_format)


@pytest.fixture
def settings_path(tmp_path) -> str:
    """Path of a fresh ini file for one test's Settings."""
    return str(tmp_path / "gradviz.ini")


@pytest.fixture
def window(qtbot, settings_path):
    """A shown MainWindow with its own settings file, closed without prompts afterwards."""
    from gradviz.qt.main_window import MainWindow
    from gradviz.qt.settings import Settings

    w = MainWindow(Settings(settings_path))
    # Not qtbot.addWidget: pytest-qt closes its widgets before fixtures are torn down,
    # and a window holding typed text would then sit waiting on its "Save?" prompt.
    w.resize(1280, 820)
    w.show()
    qtbot.waitExposed(w)
    yield w
    if shiboken6.isValid(w):  # a language switch replaces the window it started with
        w.editor.document().setModified(False)
        w.close()
        w.deleteLater()


@pytest.fixture
def run_and_wait(qtbot):
    """Call ``action()`` and wait for the window's run_finished; return its status."""

    def run(window, action, timeout: int = 60_000) -> str:
        with qtbot.waitSignal(window.run_finished, timeout=timeout) as blocker:
            action()
        return blocker.args[0]

    return run


@pytest.fixture
def go(window, run_and_wait, qtbot):
    """Run ``action`` in the window and wait until its graph is drawn and the steps are ready."""

    def run(action):
        assert run_and_wait(window, action) == "ok"
        qtbot.waitUntil(lambda: window.step_through.index is not None
                        and window.step_through.trace is window.current_trace, timeout=20_000)
    return run
