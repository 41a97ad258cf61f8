"""Screenshot the real window: ``python -m gradviz.qt.screenshot lesson:logistic -o out.png``.

Opens the main window with fresh settings, runs the source, waits for the graph,
selects a node so the inspector is filled, grabs the window to a PNG and exits.
Meant for Xvfb (README images, the smoke test); any Qt platform works.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from gradviz.qt.app import application
from gradviz.qt.language import apply_language
from gradviz.qt.settings import Settings
from gradviz.qt.theme import THEMES, apply_theme


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1400x900, not {text!r}") from None
    return w, h


def _wait(app: QApplication, done, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.01)
    return True


def main(argv: list[str] | None = None) -> int:
    """Take the screenshot; returns 0, or 1 if the graph did not appear in time."""
    parser = argparse.ArgumentParser(prog="python -m gradviz.qt.screenshot", description=__doc__.split("\n")[0])
    parser.add_argument("source", help="lesson:NAME, a program file or path.py:Class")
    parser.add_argument("-o", "--output", required=True, help="PNG file to write")
    parser.add_argument("--size", type=_size, default=(1400, 900), help="window size, default 1400x900")
    parser.add_argument("--select", default="w1", help="label of the node to select (default w1)")
    parser.add_argument("--theme", choices=THEMES, default="light")
    parser.add_argument("--step", type=int, default=-1,
                        help="put the step-through player at this step (0-based; default -1: not stepping)")
    parser.add_argument("--presentation", action="store_true", help="in presentation mode (F11)")
    parser.add_argument("--labels", choices=("pytorch", "beginner"), help="the boxes' label style")
    parser.add_argument("--health", action="store_true", help="gradient health colours on")
    parser.add_argument("--quiz", action="store_true", help="quiz mode on (with --step at a question: it is asked)")
    parser.add_argument("--guess", default=None, help="with --quiz: type this guess and reveal")
    parser.add_argument("--expand", action="append", default=[], metavar="GROUP",
                        help="open this folded module or loop first (repeatable)")
    parser.add_argument("--language", default="en", help="en (default) or zh_CN")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the graph")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    app = application()
    apply_language(app, args.language)
    apply_theme(app, args.theme)
    from gradviz.qt.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        # Fresh settings: the picture must not depend on the user's saved window layout.
        settings = Settings(Path(tmp) / "gradviz.ini")
        settings.theme = args.theme
        window = MainWindow(settings)
        window.resize(*args.size)
        window.show()
        if not window.files.open_source(args.source, confirm=False):
            print(f"could not open {args.source}: {window.message_bar.text()}", file=sys.stderr)
            return 1
        if not _wait(app, lambda: not window.is_busy and window.current_trace is not None, args.timeout):
            print(f"no graph after {args.timeout:g} s", file=sys.stderr)
            return 1
        trace = window.current_trace
        if args.select and trace is not None and trace.nodes:
            node_id = next((n.id for n in trace.nodes if n.label == args.select), None)
            if node_id is not None:
                window.select_node(node_id)
        _wait(app, lambda: window.step_through.index is not None, args.timeout)

        def settled() -> bool:
            return not window.is_busy and window.step_through.index is not None \
                and window.step_through.trace is window.current_trace

        for group in args.expand:
            window.big_graphs.expand(group)
            _wait(app, settled, args.timeout)
        if args.labels:
            window.session.set_labels(args.labels)
            _wait(app, settled, args.timeout)
        if args.health:
            window.session.set_health(True)
        if args.quiz:
            window.session.set_quiz(True)
        if args.presentation:
            window.classroom.presentation.enter()
            _wait(app, settled, args.timeout)
        if args.step >= 0:
            window.step_through.player.seek(args.step)
        if args.quiz and args.guess is not None:
            quiz = window.classroom.quiz
            quiz.bar.guess_edit.setText(args.guess)
            quiz.submit()
        _wait(app, lambda: False, 0.5)  # let the window paint and settle
        image = window.grab()
        if not image.save(args.output, "PNG"):
            print(f"could not write {args.output}", file=sys.stderr)
            return 1
        window.editor.document().setModified(False)
        window.close()
    print(args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
