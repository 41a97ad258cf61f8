"""What a run process can be asked to do; each job sends plain-data messages back.

Messages are ``(kind, body)``: ``forward`` (the graph before gradviz's own backward pass),
``result`` (the job's answer), ``failure`` (a :class:`~.request.Failure`), and for
training ``ready``, ``records``, ``answer`` and ``finished`` (see :mod:`gradviz.core.train_job`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import beacon
from .request import Job, ProgramSpec

Send = Callable[[str, Any], None]


def run(job: Job, send: Send, control: Any) -> None:
    """Dispatch ``job`` by its kind."""
    handler = _HANDLERS.get(job.kind)
    if handler is None:
        raise ValueError(f"unknown job kind {job.kind!r}")
    handler(job, send, control)


def _limits(job: Job) -> Any:
    from gradviz.core.expression import Limits

    # The interpreter stops a moment before the runner would kill: its message names the line.
    seconds = job.limits.seconds
    return Limits(max_seconds=max(seconds - 0.5, 0.5)) if seconds else Limits(max_seconds=float("inf"))


def user_names(spec: ProgramSpec) -> dict[str, Any]:
    """Names the program sees beyond the language's own: the user's module class, if any."""
    if spec.module is None:
        return {}
    from gradviz.core.modules import load_class

    beacon.note_stage("load")
    path = Path(spec.module.path)
    # The file imports its neighbours as it would when run on its own.
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    sys.argv = [str(path)]
    cls = load_class(path, spec.module.class_name)
    beacon.note_stage("run")
    return {spec.module.class_name: cls}


def _capture(job: Job, send: Send, control: Any) -> None:
    from gradviz.core.capture import capture_program

    spec: ProgramSpec = job.spec
    names = user_names(spec)
    beacon.note_stage("parse")
    forward = bool(job.options.get("forward"))
    trace = capture_program(
        spec.source, root=spec.root, roots=spec.roots, subject=spec.subject, limits=_limits(job),
        extra_names=names or None, overrides=dict(spec.overrides) or None,
        on_forward=(lambda t: send("forward", t)) if forward else None)
    beacon.note_stage("send")
    send("result", trace)


def _root_of(spec: ProgramSpec) -> str | None:
    return spec.root or (spec.roots[0] if spec.roots else None)


def _gradcheck(job: Job, send: Send, control: Any) -> None:
    from gradviz.core.gradcheck import gradient_check

    spec: ProgramSpec = job.spec
    report = gradient_check(spec.source, root=_root_of(spec), subject=spec.subject,
                            extra_names=user_names(spec) or None, overrides=dict(spec.overrides) or None)
    send("result", report)


def _why_none(job: Job, send: Send, control: Any) -> None:
    from gradviz.core.why_none import why_grad_none

    spec: ProgramSpec = job.spec
    reason = why_grad_none(spec.source, job.options["name"], root=_root_of(spec), subject=spec.subject,
                           extra_names=user_names(spec) or None, overrides=dict(spec.overrides) or None,
                           limits=_limits(job))
    send("result", reason)


def _module_program(job: Job, send: Send, control: Any) -> None:
    from gradviz.core.modules import module_program

    options = job.options
    beacon.note_stage("load")
    loaded = module_program(options["spec"], init=options.get("init", ""), input_expr=options.get("input", ""))
    send("result", loaded.program)


def _train(job: Job, send: Send, control: Any) -> None:
    """A Trainer in this run, steered by the app's messages until it quits (see train_job)."""
    from gradviz.core import train_job

    if job.spec.runs_user_code:
        sys.argv = [job.spec.model.path]
    train_job.run(job, send, control)


def _probe(job: Job, send: Send, control: Any) -> None:
    """Answers with what the run process is: for tests and the app's "no OS wall here" note."""
    import torch

    send("result", {"pid": __import__("os").getpid(), "torch": torch.__version__,
                    "default_dtype": str(torch.get_default_dtype()),
                    "grad_enabled": torch.is_grad_enabled(),
                    "cpu_capability": torch.backends.cpu.get_cpu_capability()})


_HANDLERS: dict[str, Callable[[Job, Send, Any], None]] = {
    "capture": _capture,
    "gradcheck": _gradcheck,
    "why_none": _why_none,
    "module_program": _module_program,
    "train": _train,
    "probe": _probe,
}
