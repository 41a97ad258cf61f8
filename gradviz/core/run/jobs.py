"""What a run process can be asked to do; each job sends plain-data messages back.

Messages are ``(kind, body)``: ``forward`` (the graph before gradviz's own backward pass),
``result`` (the job's answer), ``failure`` (a :class:`~.request.Failure`), and for
training ``ready``, ``records``, ``answer`` and ``finished`` (see :mod:`gradviz.core.training.job`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gradviz.core.i18n import translate
from gradviz.core.run import beacon
from gradviz.core.run.request import Job, ProgramSpec

Send = Callable[[str, Any], None]

#: What the operating system's wall could not close around this run (told with its result).
WALL_NOTES: list[str] = []


def run(job: Job, send: Send, control: Any) -> None:
    """Dispatch ``job`` by its kind."""
    handler = _HANDLERS.get(job.kind)
    if handler is None:
        raise ValueError(f"unknown job kind {job.kind!r}")
    handler(job, send, control)


def _limits(job: Job) -> Any:
    from gradviz.core.program.interpreter import Limits

    # The interpreter stops a moment before the runner would kill: its message names the line.
    seconds = job.limits.seconds
    if not seconds:
        return Limits(max_seconds=float("inf"))
    return Limits(max_seconds=max(seconds - 0.5, 0.5), stated_seconds=seconds)


def user_names(spec: ProgramSpec) -> dict[str, Any]:
    """Names the program sees beyond the language's own: the user's module class and the
    helpers that evaluate its Python arguments (see ``user_module.ModuleNames``), if any."""
    if spec.module is None:
        return {}
    from gradviz.core.capture.user_module import ModuleNames

    module = spec.module
    cls = load_user_class(Path(module.path), module.class_name)
    return ModuleNames(Path(module.path), cls, module.init, module.input).names()


@contextlib.contextmanager
def located_in_user_code(spec: ProgramSpec) -> Any:
    """A failure inside the user's module file is told at their file and line (with the last
    frames there), not at the line of gradviz's program that called into it."""
    if spec.module is None:
        yield
        return
    from gradviz.core.capture.user_code import located, user_folders
    from gradviz.core.program.errors import ProgramError, called_from

    folders = user_folders(Path(spec.module.path))
    try:
        yield
    except ProgramError as exc:
        if exc.kind == "limit" and not exc.file:
            raise _limit_located(exc, folders) from None
        if exc.file or exc.__cause__ is None or exc.kind != "runtime":
            raise
        error = located(exc.__cause__, folders)
        if error is None:
            raise
        error.message += "\n" + called_from(exc.line, exc.statement)
        raise _with_guess_told(error, spec.module) from None
    except Exception as exc:
        error = located(exc, folders)
        if error is None:
            raise
        raise _with_guess_told(error, spec.module) from None


def _limit_located(exc: Any, folders: tuple[Path, ...]) -> Any:
    """A limit the run reached inside the user's file (50,000 nodes made by a forward's loop),
    told at the file's line, with the program's line that called into it."""
    from gradviz.core.capture.user_code import located
    from gradviz.core.program.errors import called_from

    where = located(exc, folders, exc.kind)
    if where is None:
        return exc
    frames = where.message.split("\n")[1:]  # the frames located() lists under its own message
    exc.message = "\n".join([exc.message, *frames, called_from(exc.line, exc.statement)])
    exc.line, exc.col, exc.file, exc.statement = where.line, None, where.file, where.statement
    return exc


def _with_guess_told(error: Any, module: Any) -> Any:
    """``error``, saying the input it ran on was gradviz's guess when it was: the model's own
    complaint ("block size is only 8") is about an input the user never wrote."""
    if module.guessed:
        told = translate("run", "The model ran on an input gradviz guessed from its first layer ({input}): give it "
                                "its own (--input on the command line; in the app, the Input field of File ▸ Open "
                                "Module…).")
        error.message += "\n  " + told.format(input=module.input)
    return error


def load_user_class(path: Path, class_name: str) -> type:
    """Import the user's file as it would import on its own, and return its class."""
    from gradviz.core.capture.user_module import ModuleLoadError, load_class

    beacon.note_stage("load")
    # The file sees itself as run on its own (import_file puts its folder and package root on sys.path).
    sys.argv = [str(path)]
    printed = io.StringIO()
    try:
        # What the file prints while imported (argparse's usage, say) is its own, not gradviz's.
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            cls = load_class(path, class_name)
    except SystemExit as exc:
        text = printed.getvalue().strip()
        said = translate("run", ". It printed: {text}").format(text=text[-500:]) if text else ""
        raise ModuleLoadError(_exit_message(path, exc) + said) from None
    # What the file printed and warned while imported opens the run's console, as it would
    # open a terminal running the file's own script.
    IMPORT_OUTPUT[:] = printed.getvalue().splitlines()[-IMPORT_LINES_KEPT:]
    beacon.note_stage("run")
    return cls


# What the model file printed while imported (this run process imports one file, once).
IMPORT_OUTPUT: list[str] = []
IMPORT_LINES_KEPT = 200


def _exit_message(path: Path, exc: SystemExit) -> str:
    """Why importing a script ended: the line of the file that exited, and the fix."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == path.resolve()]
    if frames:
        message = translate("run", "{file} line {line} called sys.exit({code!r}) while gradviz imported it (script "
                                   "code such as argparse runs at import): move it under `if __name__ == "
                                   "\"__main__\":` so that importing the file only defines its classes")
    else:
        message = translate("run", "{file} called sys.exit({code!r}) while gradviz imported it (script code such "
                                   "as argparse runs at import): move it under `if __name__ == \"__main__\":` so "
                                   "that importing the file only defines its classes")
    return message.format(file=path.name, line=frames[-1].lineno if frames else 0, code=exc.code)


# What a run keeps until its process ends (see _capture).
_KEPT_TILL_EXIT: list[Any] = []


def _capture(job: Job, send: Send, control: Any) -> None:
    from gradviz.core.capture.capture import run_session

    spec: ProgramSpec = job.spec
    names = user_names(spec)
    beacon.note_stage("parse")
    forward = bool(job.options.get("forward"))
    forward_min = int(job.options.get("forward_min", 0))
    chain_min = int(job.options.get("forward_chain_min", forward_min))

    def on_forward(trace: Any) -> None:
        if len(trace.nodes) >= forward_min or _is_chain(trace):
            send("forward", trace)

    with located_in_user_code(spec):
        session = run_session(
            spec.source, root=spec.root, roots=spec.roots, subject=spec.subject, limits=_limits(job),
            extra_names=names or None, overrides=dict(spec.overrides) or None,
            on_forward=on_forward if forward else None, forward_min=min(forward_min, chain_min))
    # Kept, never freed: this process ends (os._exit) once the trace is sent. Freeing the run's
    # graph first, as capture_program does, held the answer back 19 ms at 10,000 nodes, and
    # freeing it after would keep a core busy while the app draws.
    _KEPT_TILL_EXIT.append(session)
    trace = session.trace
    if IMPORT_OUTPUT:
        trace = dataclasses.replace(trace, output=(*IMPORT_OUTPUT, *trace.output))
    beacon.note_stage("send")
    if WALL_NOTES and not spec.runs_user_code:
        # The notes themselves are the sandbox's technical words (kernel features), left in English.
        note = translate("run", "This machine offers no full operating-system wall around programs ({notes}): "
                                "they are held by gradviz's language and their own process only.").format(
            notes="; ".join(WALL_NOTES))
        trace = dataclasses.replace(trace, notes=(*trace.notes, note))
    send("result", trace)


def _root_of(spec: ProgramSpec) -> str | None:
    return spec.root or (spec.roots[0] if spec.roots else None)


def _is_chain(trace: Any) -> bool:
    """Every node feeds at most one and has at most one input (the layout's ``is_chain``)."""
    sources = [e.source for e in trace.edges]
    targets = [e.target for e in trace.edges]
    return len(set(sources)) == len(sources) and len(set(targets)) == len(targets)


def _gradcheck(job: Job, send: Send, control: Any) -> None:
    from gradviz.core.checks.gradcheck import gradient_check

    spec: ProgramSpec = job.spec
    names = user_names(spec)
    with located_in_user_code(spec):
        report = gradient_check(spec.source, root=_root_of(spec), subject=spec.subject,
                                extra_names=names or None, overrides=dict(spec.overrides) or None)
    send("result", report)


def _why_none(job: Job, send: Send, control: Any) -> None:
    from gradviz.core.checks.why_none import why_grad_none

    spec: ProgramSpec = job.spec
    names = user_names(spec)
    with located_in_user_code(spec):
        reason = why_grad_none(spec.source, job.options["name"], root=_root_of(spec), subject=spec.subject,
                               extra_names=names or None, overrides=dict(spec.overrides) or None,
                               limits=_limits(job))
    send("result", reason)


def _module_program(job: Job, send: Send, control: Any) -> None:
    from gradviz.core.capture.user_module import module_program, parse_spec

    options = job.options
    path, class_name = parse_spec(options["spec"])
    cls = load_user_class(path, class_name)
    loaded = module_program(options["spec"], init=options.get("init", ""), input_expr=options.get("input", ""),
                            cls=cls)
    # The program, and the input it runs on (guessed when none was given).
    send("result", (loaded.program, loaded.input))


def _train(job: Job, send: Send, control: Any) -> None:
    """A Trainer in this run, steered by the app's messages until it quits (see train_job)."""
    from gradviz.core.training import job as train_job

    if job.spec.runs_user_code:
        sys.argv = [job.spec.model.path]
    train_job.run(job, send, control)


def _probe(job: Job, send: Send, control: Any) -> None:
    """Answers with what the run process is: for tests and the app's "no OS wall here" note."""
    import resource

    import torch

    from gradviz.core import i18n

    readable = None
    if "read" in job.options:  # may this process read that file (the wall says no)?
        try:
            with open(str(job.options["read"]), "rb"):
                readable = True
        except OSError:
            readable = False
    send("result", {"pid": __import__("os").getpid(), "torch": torch.__version__,
                    "default_dtype": str(torch.get_default_dtype()),
                    "grad_enabled": torch.is_grad_enabled(), "threads": torch.get_num_threads(),
                    "cpu": torch.backends.cpu.get_cpu_capability(), "language": i18n.language(),
                    "warmed": "torch._dynamo" in sys.modules,  # the runner's late warm-up was over at the fork
                    "address_space": resource.getrlimit(resource.RLIMIT_AS)[0], "readable": readable})


_HANDLERS: dict[str, Callable[[Job, Send, Any], None]] = {
    "capture": _capture,
    "gradcheck": _gradcheck,
    "why_none": _why_none,
    "module_program": _module_program,
    "train": _train,
    "probe": _probe,
}
