"""What the app asks a run process to do, and what comes back when it cannot: plain data only.

Everything here is registered with the wire format (:mod:`.codec`), imports neither torch
nor Qt, and so can be built by the app before torch is loaded anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gradviz.core import i18n
from gradviz.core.run import codec

#: Job kinds a run process knows (see :mod:`.jobs`).
JOB_KINDS = ("capture", "gradcheck", "why_none", "module_program", "train", "probe")


@dataclass(frozen=True)
class ModuleSpec:
    """An ``nn.Module`` class in the user's own ``.py`` file: loading it runs that file.

    ``init`` and ``input`` are the constructor's and the forward's arguments as Python
    argument lists, evaluated in the run with the file's own names in scope; ``guessed``
    says gradviz wrote ``input`` from the model's first layer (the user gave none).
    """

    path: str
    class_name: str
    init: str = ""
    input: str = ""
    guessed: bool = False


@dataclass(frozen=True)
class ProgramSpec:
    """A program in the expression language and how to show its graph.

    ``overrides`` holds values edited in the app (numbers or nested lists) by variable name;
    ``module`` a user's class the program builds (its file runs in the run process only).
    """

    source: str
    roots: tuple[str, ...] = ()
    root: str | None = None
    subject: str | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    module: ModuleSpec | None = None

    @property
    def runs_user_code(self) -> bool:
        """True when the run executes Python nobody checked (a module file)."""
        return self.module is not None


def _default_memory() -> int | None:
    """4 GiB, or half the machine when it has less than 8 GiB (None where unknown)."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
    return min(4 << 30, physical // 2)


#: Default bounds of one run: a teacher never meets them, a runaway program does.
DEFAULT_SECONDS = 120.0
DEFAULT_MEMORY_BYTES = _default_memory()
DEFAULT_OUTPUT_BYTES = 1 << 29


@dataclass(frozen=True)
class RunLimits:
    """Enforced from outside the run: the runner kills a run that passes them.

    ``seconds`` of wall-clock time (0: none, for training), ``memory_bytes`` of address
    space beyond what the warm runner already maps (None: no cap), ``output_bytes`` of
    messages sent back.
    """

    seconds: float = DEFAULT_SECONDS
    memory_bytes: int | None = DEFAULT_MEMORY_BYTES
    output_bytes: int = DEFAULT_OUTPUT_BYTES


@dataclass(frozen=True)
class Job:
    """One request to the runner: ``kind`` (see JOB_KINDS), its ``spec`` and ``options``.

    ``wall`` asks for the operating system's sandbox around the run: typed programs and
    lesson files get it; a user's own module file cannot run inside it (it may read its
    own data files) and gets only the limits. ``language`` is the code of the language the
    run's messages are made in (a run process says "第 3 行…" itself): by default the one
    the process that builds the job speaks now.
    """

    kind: str
    spec: Any = None
    options: Mapping[str, Any] = field(default_factory=dict)
    limits: RunLimits = RunLimits()
    wall: bool = True
    language: str = field(default_factory=i18n.language)

    @property
    def profile(self) -> tuple[str, bool, int | None]:
        """What a run process is set up for before its job comes: a spare prepared for one
        profile serves only jobs of the same (language, wall, memory budget)."""
        return self.language, self.wall, self.limits.memory_bytes


@dataclass(frozen=True)
class Failure:
    """A run that ended without its result: the problem, where it was, what to do.

    ``kind`` is one of the ProgramError kinds (syntax, refused, limit, runtime, cancelled)
    or, for a run process that ended badly: ``timeout``, ``memory``, ``crashed``,
    ``exited``, ``output``, ``internal``. ``file`` names the user's module file when the
    line is in it rather than in the program.
    """

    kind: str
    message: str
    line: int | None = None
    col: int | None = None
    statement: str = ""
    file: str = ""
    stage: str = ""


@dataclass(frozen=True)
class Ending:
    """How a run process ended, as the runner saw it (not as the run said)."""

    code: int | None  # exit status, None when killed by a signal
    signal: int | None
    reason: str  # "" (it exited), "timeout", "cancelled", "output", "memory", "malformed"
    line: int | None  # the program line running last, when known
    stage: str  # what the run was doing: "start", "parse", "run", "backward", "send", ...
    seconds: float
    # Crashed or stopped inside a model file: its innermost frames there, innermost last, as
    # (file name, line, function, source text) (see last_words).
    frames: tuple[tuple[str, int, str, str], ...] = ()


for _cls in (ModuleSpec, ProgramSpec, RunLimits, Job, Failure, Ending):
    codec.register(_cls)
