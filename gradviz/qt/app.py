"""Start the gradviz window: ``main(argv)`` is what ``gradviz`` with no subcommand runs."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication

from gradviz.qt.settings import Settings
from gradviz.qt.theme import THEMES, apply_theme

DEFAULT_SOURCE = "lesson:logistic"


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Read ``[SOURCE] [--theme light|dark] [--settings FILE]``."""
    parser = argparse.ArgumentParser(
        prog="gradviz",
        description="See PyTorch's autograd graph: open a lesson, a program file or a module.")
    parser.add_argument("source", nargs="?", default=None,
                        help="lesson:NAME, a program file, or path/to/model.py:ClassName "
                             "(asks before running that file); default: the last lesson, else logistic")
    parser.add_argument("--theme", choices=THEMES, help="light or dark (default: the saved choice)")
    parser.add_argument("--settings", metavar="FILE", help="an ini file to keep the settings in")
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
    args = parse_args(sys.argv[1:] if argv is None else list(argv))
    app = application()
    settings = Settings(args.settings) if args.settings else Settings()
    if args.theme:
        settings.theme = args.theme
    apply_theme(app, settings.theme)
    from gradviz.core.run.client import shared_runner

    # The runner imports torch in its own process while this one builds the window.
    runner = shared_runner()
    runner.start()
    import torch

    from gradviz.qt.main_window import MainWindow  # after QApplication: it imports torch, slow

    # Once, here, before any worker thread runs: two intra-op threads made toy-network training
    # 10-25x slower on a busy 2-core machine, and setting it later from a worker slows the GUI.
    torch.set_num_threads(1)

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
    try:
        return app.exec()
    finally:
        runner.close()


if __name__ == "__main__":
    raise SystemExit(main())
