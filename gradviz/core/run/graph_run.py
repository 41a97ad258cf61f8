"""A program run for the canvas: captured in a run process, laid out here, as plain data.

:func:`run_request` is the whole of it — capture (in a run process, see :mod:`.client`),
then layout — a plain function of a :class:`RunRequest`, so the app can move it to a thread
and tests can call it directly. What comes back is frozen: a Trace and a Layout, or an error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gradviz.core.layout.labels import Look
from gradviz.core.layout.layout import Layout, LayoutCancelled, layout
from gradviz.core.layout.plan import EARLY_CHAIN_MIN_BOXES, PROVISIONAL_MIN_BOXES, Drawing, StagedLayoutCache
from gradviz.core.layout.sketch import Sketch
from gradviz.core.program.errors import ProgramError
from gradviz.core.run.client import RunCancelled, RunHandle, Runner, shared_runner
from gradviz.core.run.request import Job, ModuleSpec, ProgramSpec, RunLimits
from gradviz.core.trace import Trace

__all__ = ["RunCancelled", "RunRequest", "RunResult", "run_request"]


@dataclass(frozen=True)
class RunRequest:
    """Everything needed to run a program and lay out its graph.

    ``module`` names the user's class the program builds: its file runs in the run
    process, never in the app.
    """

    source: str
    roots: tuple[str, ...] = ()
    subject: str | None = None
    root: str | None = None  # the chosen root (a variable or a path into an output: out.logits)
    module: ModuleSpec | None = None
    engine: str | None = None
    title: str = "program"
    # Module grouping and big graphs (issue 7); the defaults keep a plain run plain.
    # ``trace`` given: lay it out again (collapse/expand) instead of running the program.
    # ``collapsed`` None: choose it by ``collapse_threshold`` (0: never collapse).
    # ``layout_cache``: plan with it (reuse ``previous``'s positions, cache, provisional).
    trace: Trace | None = None
    collapsed: frozenset[str] | None = frozenset()
    collapse_threshold: int = 0
    layout_cache: StagedLayoutCache | None = None
    previous: Drawing | None = None
    # Values edited in the app (Classroom ▸ Edit Value), by variable name (issue 8).
    overrides: Mapping[str, Any] = field(default_factory=dict)
    limits: RunLimits = RunLimits()
    # The boxes' font size and label style (issue 15); None: 11 points, PyTorch's names.
    look: Look | None = None

    @classmethod
    def for_program(cls, spec: ProgramSpec, **options: Any) -> "RunRequest":
        """The request to run and draw ``spec``; ``options`` set the other fields."""
        return cls(spec.source, roots=spec.roots, subject=spec.subject, root=spec.root, module=spec.module,
                   overrides=dict(spec.overrides), **options)

    @property
    def program(self) -> ProgramSpec:
        """What the run process needs to run the program."""
        return ProgramSpec(self.source, roots=self.roots, root=self.root, subject=self.subject,
                           overrides=dict(self.overrides),
                           module=self.module)


@dataclass(frozen=True)
class RunResult:
    """A finished run: the captured trace, its layout and how long each took."""

    request: RunRequest
    trace: Trace
    layout: Layout
    capture_seconds: float
    layout_seconds: float
    collapsed: frozenset[str] = frozenset()  # the modules folded in ``layout``
    auto_collapsed: bool = False  # folded because the graph is over the threshold
    reused: bool = False  # ``layout`` keeps the positions of ``request.previous``
    quick: bool = False  # ``layout`` is gradviz's quick layout: Graphviz would have taken minutes


def wants_early(request: RunRequest, previews: bool) -> bool:
    """Whether a run of ``request`` sends its forward graph: only to a caller that draws
    provisional pictures (``previews``) and plans with a layout cache."""
    return request.layout_cache is not None and previews


def capture_job(request: RunRequest, early_wanted: bool) -> Job:
    """The run process's job for ``request``: run the program, send its trace (and, when
    ``early_wanted``, its forward graph for a first picture, see ``early_picture``)."""
    return Job("capture", request.program, {"forward": early_wanted, "forward_min": PROVISIONAL_MIN_BOXES,
                                            "forward_chain_min": EARLY_CHAIN_MIN_BOXES},
               request.limits, wall=request.module is None)


def submit_capture(request: RunRequest, early_wanted: bool, max_bytes: int,
                   runner: Runner | None = None) -> RunHandle | None:
    """Start ``request``'s run process now, from a thread that must not block (None: nothing
    to run, the request holds its trace, or the job is over ``max_bytes``: see
    :meth:`Runner.submit_small`).

    For the app to call the moment Run is pressed: the program runs while the window shows
    that it does; :func:`run_request` then collects it (``handle``).
    """
    if request.trace is not None:
        return None
    return (runner or shared_runner()).submit_small(capture_job(request, early_wanted), max_bytes)


def run_request(request: RunRequest, cancel: threading.Event | None = None,
                on_stage: Callable[[str], None] | None = None,
                on_provisional: Callable[[Trace, Sketch], None] | None = None,
                runner: Runner | None = None, handle: RunHandle | None = None) -> RunResult:
    """Capture ``request.source`` in a run process and lay out its graph here.

    ``handle``: the run :func:`submit_capture` started for this request (with
    ``early_wanted`` as this call's arguments give it); None starts it here.

    Raises
    ------
    RunCancelled
        ``cancel`` was set.
    ProgramError
        A problem in the program (with its line).
    LayoutError
        The layout engine failed.
    """
    cancel = cancel or threading.Event()
    if on_stage is not None:
        on_stage("capture")
    t0 = time.perf_counter()
    early: list[bool] = []

    def on_forward(forward: Trace) -> None:
        assert request.layout_cache is not None and on_provisional is not None
        if cancel.is_set():
            raise RunCancelled("cancelled after running the program")
        try:
            early.append(request.layout_cache.early_picture(
                forward, collapsed=request.collapsed, threshold=request.collapse_threshold,
                previous=request.previous, cancel=cancel, on_provisional=lambda quick: on_provisional(forward, quick),
                look=request.look))
        except LayoutCancelled:
            raise RunCancelled("cancelled after running the program") from None

    def on_message(kind: str, body: Any) -> None:
        if kind == "forward" and isinstance(body, Trace):
            on_forward(body)

    # The early copy only for a graph that may be previewed (see early_picture).
    early_wanted = wants_early(request, on_provisional is not None)
    try:
        if request.trace is not None:
            trace = request.trace
        else:
            runner = runner or shared_runner()
            trace = runner.collect(handle or runner.submit(capture_job(request, early_wanted)), cancel=cancel,
                                   on_message=on_message)
    except ProgramError as exc:
        if exc.kind == "cancelled":
            raise RunCancelled("cancelled while running the program") from None
        raise
    if not isinstance(trace, Trace):
        raise ProgramError(f"the run sent back a {type(trace).__name__}, not a graph", kind="internal")
    t1 = time.perf_counter()
    if cancel.is_set():
        raise RunCancelled("cancelled after running the program")
    if on_stage is not None:
        on_stage("layout")
    try:
        if request.layout_cache is not None:
            if any(early):  # its provisional picture is on screen already
                if on_stage is not None:
                    on_stage("refine")
                on_provisional = None
            return _planned(request, trace, cancel, on_stage, on_provisional, t1 - t0)
        drawing = layout(trace, engine=request.engine or None, cancel=cancel, look=request.look)
    except LayoutCancelled:
        raise RunCancelled("cancelled while laying out the graph") from None
    if cancel.is_set():
        raise RunCancelled("cancelled after the layout")
    return RunResult(request, trace, drawing, t1 - t0, time.perf_counter() - t1)


def _planned(request: RunRequest, trace: Trace, cancel: threading.Event, on_stage: Callable[[str], None] | None,
             on_provisional: Callable[[Trace, Sketch], None] | None, capture_seconds: float) -> RunResult:
    """The layout stage of a run with a layout cache (issue 7): see StagedLayoutCache.plan."""
    t1 = time.perf_counter()

    def provisional(quick: Sketch) -> None:
        if on_provisional is not None:
            on_provisional(trace, quick)
        if on_stage is not None:
            on_stage("refine")

    assert request.layout_cache is not None
    plan = request.layout_cache.plan(trace, collapsed=request.collapsed, threshold=request.collapse_threshold,
                                     previous=request.previous, engine=request.engine or None, cancel=cancel,
                                     on_provisional=provisional if on_provisional is not None else None,
                                     look=request.look)
    if cancel.is_set():
        raise RunCancelled("cancelled after the layout")
    return RunResult(request, trace, plan.layout, capture_seconds, time.perf_counter() - t1,
                     collapsed=plan.collapsed, auto_collapsed=plan.auto_collapsed, reused=plan.reused,
                     quick=plan.quick)
