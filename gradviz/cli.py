"""The command line: ``gradviz`` (the app), ``gradviz render``, ``gradviz lessons``, ``gradviz train``."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gradviz.argparse_i18n import speak_argparse
from gradviz.core import user_files
from gradviz.core.i18n import set_language, system_language, translate

SUBCOMMANDS = ("render", "lessons", "train")


def train_help() -> str:
    """The one line `gradviz --help` shows for `train` (its own parser loads only when training)."""
    return translate("cli", "train a toy network headless (gradviz train --help lists the options)")


def _epilog() -> str:
    # Adjacent literals, not a backslash-continued block: pyside6-lupdate would keep the newline.
    return translate("cli",
                     "SOURCE is one of:\n"
                     "  lesson:NAME          a built-in lesson (see `gradviz lessons`)\n"
                     "  PROGRAM.txt|.py      a program in gradviz's expression language\n"
                     "  LESSON.gradviz       a lesson file (its program; nothing beyond the language runs)\n"
                     "  FILE.gradviz-rec     a recording saved by gradviz.record() (nothing runs)\n"
                     "  path.py:ClassName    an nn.Module class (runs that file's code), with --init and --input\n"
                     "                       (Python argument lists, with the file's own names in scope) and --root\n"
                     "With no subcommand, gradviz opens the app (on SOURCE if given, else the logistic lesson).\n")


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    speak_argparse()
    parser = argparse.ArgumentParser(
        prog="gradviz", description=translate("cli", "See PyTorch's autograd graph and step through backward."),
        epilog=_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    from gradviz import __version__

    parser.add_argument("--version", action="version", version=f"gradviz {__version__}",
                        help=translate("cli", "show gradviz's version and exit"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    render = sub.add_parser("render", help=translate("cli", "capture SOURCE and write .json, .dot, .svg or .png"),
                            epilog=_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    render.add_argument("source", nargs="?", help=translate("cli", "lesson:NAME, a program file, or path.py:ClassName"))
    render.add_argument("-e", "--expr", help=translate("cli", "the program itself, instead of SOURCE"))
    render.add_argument("-o", "--output", required=True,
                        help=translate("cli", "output file; its suffix picks the format"))
    render.add_argument("--init", default="", help=translate(
        "cli", "the constructor's arguments for path.py:ClassName, as Python with the file's names in "
               "scope, e.g. '50, 3' or 'GPTConfig(n_layer=2), dropout=0.1'"))
    render.add_argument("--input", default="", help=translate(
        "cli", "the forward's arguments for path.py:ClassName, as Python with the file's names in "
               "scope, e.g. 'torch.rand(1, 50)' or 'torch.randint(0, 9, (1, 8)), targets=...'"))
    render.add_argument("--root", help=translate(
        "cli", "what to draw as the graph's root: a variable, or a path into the model's "
               "output such as out[0], out['logits'], out.loss (default: loss, else the "
               "last result; a scalar among a model's outputs)"))
    render.add_argument("--scale", type=float, default=1.0, help=translate("cli", "PNG scale (default 1)"))
    render.add_argument("--engine", help=translate("cli", "layout program (default: graphviz-pure, or $GRADVIZ_DOT)"))

    sub.add_parser("lessons", help=translate("cli", "list the built-in lessons"))
    if command == "train":
        # Its options list the datasets and models, which imports torch: only when training.
        from gradviz.train_cli import add_parser

        add_parser(sub)
    else:
        sub.add_parser("train", help=train_help(), add_help=False)
    return parser


def resolve_source(source: str | None, expr: str | None = None, init: str = "", input_expr: str = "",
                   runner: Any = None) -> Any:
    """The program a SOURCE names, as a run spec (``ProgramSpec``).

    A module file is loaded in a run process, never here (its code runs there). Raises
    ``ValueError`` (a message for the user) when SOURCE cannot be read.
    """
    from gradviz.core.capture.module_spec import ModuleLoadError, parse_spec
    from gradviz.core.lessons import files as lesson_files
    from gradviz.core.lessons.catalogue import get_lesson
    from gradviz.core.program.errors import ProgramError
    from gradviz.core.run.client import shared_runner
    from gradviz.core.run.request import Job, ModuleSpec, ProgramSpec

    if expr is not None:
        return ProgramSpec(expr)
    if not source:
        raise ValueError(translate("cli", "give a SOURCE (lesson:NAME, a program file, path.py:ClassName) or -e CODE"))
    if source.startswith("lesson:"):
        try:
            lesson = get_lesson(source)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
        return ProgramSpec(lesson.program, roots=lesson.roots, subject=lesson.subject)
    if ".py:" in source:
        try:
            path, class_name = parse_spec(source)
        except ModuleLoadError as exc:
            raise ValueError(str(exc)) from None
        path = path.resolve()
        if not path.is_file():
            raise ValueError(translate("cli", "no file {path}").format(path=path))
        job = Job("module_program", options={"spec": f"{path}:{class_name}", "init": init, "input": input_expr},
                  wall=False)
        try:
            program, used_input = (runner or shared_runner()).call(job)
        except ProgramError as exc:
            raise ValueError(str(exc)) from None
        return ProgramSpec(program, subject="model", module=ModuleSpec(str(path), class_name, init, used_input,
                                                                       guessed=not input_expr.strip()))
    path = Path(source)
    if path.suffix.lower() == lesson_files.SUFFIX:  # a lesson file: its program (JSON is no program)
        try:
            lesson = lesson_files.load_lesson(path)
        except lesson_files.LessonFileError as exc:
            raise ValueError(str(exc)) from None
        return ProgramSpec(lesson.program, roots=lesson.roots, subject=lesson.subject)
    try:
        return ProgramSpec(user_files.read_text(path, user_files.PROGRAM_FILE_BYTES))
    except FileNotFoundError:
        message = translate("cli", "no file {path} (for a lesson write lesson:NAME)")
        raise ValueError(message.format(path=source)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(translate("cli", "cannot read {path}: {error}").format(path=source, error=exc)) from None


def _render(args: argparse.Namespace) -> int:
    import gc
    from dataclasses import replace

    # A command that ends in a second: the collector would only walk the decoded graph again
    # and again, finding nothing (0.1 s of a 250-layer MLP's SVG). Memory is freed at exit.
    gc.disable()

    from gradviz.core.program.errors import ProgramError
    from gradviz.core.run.client import shared_runner
    from gradviz.core.run.request import Job

    suffix = Path(args.output).suffix.lower()
    if suffix not in (".json", ".dot", ".svg", ".png"):
        _error(translate("cli", "output must end in .json, .dot, .svg or .png, not '{suffix}'").format(
            suffix=suffix or args.output))
        return 2
    from gradviz.core.recording import RecordingError, is_recording_path, load

    if args.source and is_recording_path(args.source) and args.expr is None:
        try:
            trace = load(args.source).trace  # a saved recording: drawn as it was, nothing runs
        except (OSError, RecordingError) as exc:
            _error(translate("cli", "cannot open the recording {path}: {error}").format(path=args.source, error=exc))
            return 2
        return _write(trace, args)
    runner = shared_runner()
    runner.start()  # torch loads in the runner while this process reads the source
    try:
        try:
            spec = resolve_source(args.source, args.expr, args.init, args.input, runner)
        except ValueError as exc:
            _error(str(exc))
            return 2
        if args.root:
            spec = replace(spec, root=args.root, roots=())
        where = args.source if args.expr is None else "-e"
        try:
            trace = runner.call(Job("capture", spec, wall=spec.module is None))
        except ProgramError as exc:
            _error(translate("cli", "{source}, {error}").format(source=where, error=exc))
            if exc.statement:
                print(terminal_safe(f"    {exc.statement}"), file=sys.stderr)
            return 2
    finally:
        runner.close(timeout=0)  # this command ends soon: the runner winds down meanwhile
    for line in trace.output:
        print(terminal_safe(line))
    if trace.last_value is not None:
        print(terminal_safe(str(trace.last_value)))
    return _write(trace, args)


def _write(trace: Any, args: argparse.Namespace) -> int:
    from gradviz.core.export import write
    from gradviz.core.layout.graphviz_run import LayoutError

    if trace.is_empty:
        print(terminal_safe(f"gradviz: {trace.explanation}"), file=sys.stderr)
    try:
        out = write(trace, args.output, scale=args.scale, engine=args.engine)
    except LayoutError as exc:
        _error(str(exc))
        return 3
    except OSError as exc:
        _error(translate("cli", "cannot write {path}: {error}").format(path=args.output, error=exc))
        return 2
    print(translate("cli", "wrote {path} ({nodes} nodes, {edges} edges, {passes} backward passes)").format(
        path=out, nodes=len(trace.nodes), edges=len(trace.edges), passes=len(trace.passes)))
    return 0


def _error(message: str) -> None:
    print(terminal_safe(translate("cli", "gradviz: error: {message}").format(message=message)), file=sys.stderr)


# Control characters but the line break and the tab: written as they are, a program's print
# could clear the user's terminal, retitle it or move its cursor.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` with its control characters (escape sequences) shown as ``\\x1b`` and the like."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _lessons() -> int:
    from gradviz.core.lessons.catalogue import LESSONS

    width = max(len(name) for name in LESSONS)
    for lesson in LESSONS.values():
        print(f"lesson:{lesson.name:<{width}}  {lesson.title}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gradviz`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
        from gradviz.qt.app import main as app_main

        return app_main(argv)
    if argv[0] == "render" and not {"-h", "--help"} & set(argv):
        from gradviz.core.run import launch

        # Torch loads in the runner while this process sets itself up and reads the source.
        launch.start_early(system_language())
    set_language(system_language())
    for stream in (sys.stdout, sys.stderr):
        # What a program prints may hold characters this terminal cannot show (a lone surrogate,
        # Chinese under an ASCII locale): shown as escapes, never a UnicodeEncodeError.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = _parser(argv[0] if argv else None).parse_args(argv)
    if args.command == "render":
        return _render(args)
    if args.command == "lessons":
        return _lessons()
    from gradviz.train_cli import run

    return run(args)
