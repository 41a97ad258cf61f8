"""Start the gradviz window: ``main(argv)`` is what ``gradviz`` with no subcommand runs."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from gradviz.argparse_i18n import speak_argparse
from gradviz.core.i18n import LANGUAGES, SYSTEM, set_language, system_language, translate
from gradviz.qt.language import apply_language
from gradviz.qt.settings import Settings
from gradviz.qt.theme import THEMES, apply_theme

if TYPE_CHECKING:
    from gradviz.qt.main_window import MainWindow

DEFAULT_SOURCE = "lesson:logistic"


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Read ``[SOURCE] [--theme light|dark] [--settings FILE] [--language ...]``."""
    # Help and errors come before any setting is read: they speak the system's language.
    set_language(system_language())
    speak_argparse()
    parser = argparse.ArgumentParser(
        prog="gradviz",
        description=translate("app", "See PyTorch's autograd graph: open a lesson, a program file or a module."))
    parser.add_argument("source", nargs="?", default=None,
                        help=translate("app", "lesson:NAME, a program file, or path/to/model.py:ClassName (asks before "
                                       "running that file); default: the last lesson, else logistic"))
    parser.add_argument("--theme", choices=THEMES,
                        help=translate("app", "light or dark (default: the saved choice)"))
    parser.add_argument("--settings", metavar="FILE", help=translate("app", "an ini file to keep the settings in"))
    parser.add_argument("--language", choices=(SYSTEM, *LANGUAGES),
                        help=translate("app", "system, en or zh_CN (default: the saved choice, else the system's)"))
    return parser.parse_args(argv)


def application() -> QApplication:
    """The running QApplication, made (and named) if there is none yet."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "gradviz"])
    app.setApplicationName("gradviz")
    app.setOrganizationName("gradviz")
    app.setApplicationDisplayName("gradviz")
    return app  # type: ignore[return-value]


def start(args: argparse.Namespace) -> tuple[QApplication, "MainWindow"]:
    """Make the application and the window, show it, and open the first program.

    The window comes up at once: torch is imported by the runner process (started first,
    so its import runs while this process builds the window), and the first graph appears
    when its run returns. This process imports torch only if a feature needs it (the
    training panel, when opened).
    """
    app = application()
    settings = Settings(args.settings) if args.settings else Settings()
    if args.theme:
        settings.theme = args.theme
    if args.language:
        settings.language = args.language
    apply_language(app, settings.language)
    apply_theme(app, settings.theme)
    from gradviz.core.run.client import shared_runner

    shared_runner().start()
    from gradviz.qt.main_window import MainWindow

    window = MainWindow(settings)
    window.show()
    source = args.source or f"lesson:{settings.last_lesson}"
    opened = window.files.open_source(source, confirm=False)
    if not opened and source != DEFAULT_SOURCE and window.current_trace is None:
        # A bad argument still opens a working window, with the problem in the message bar.
        message = window.message_bar.text()
        if message:
            window.show_after_run(message, "error")
        window.load_lesson("logistic", confirm=False)
    return app, window


def main(argv: list[str] | None = None) -> int:
    """Open the main window and run the event loop until it closes.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; ``argv[0]`` may be the initial source
        (``lesson:NAME``, a program file, or ``path.py:Class``). ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        The exit status.
    """
    app, _window = start(parse_args(sys.argv[1:] if argv is None else list(argv)))
    from gradviz.core.run.client import shared_runner

    try:
        return app.exec()
    finally:
        shared_runner().close()


if __name__ == "__main__":
    raise SystemExit(main())
