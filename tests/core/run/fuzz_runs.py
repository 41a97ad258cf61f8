"""Fuzz programs through the real runner and sort each run into an outcome.

Shared by ``bench/fuzz.py`` (10,000 programs) and ``test_runner_fuzz.py`` (a few hundred).
Every program runs as the app runs it -- ``Runner.call(Job("capture", ProgramSpec(source),
limits=RunLimits(seconds=...)))``, in a run process forked from the runner, inside the OS
wall -- from a few client threads at once. The runner is started with
``GRADVIZ_FUZZ_CANARY=1`` (:func:`start_fuzz_runner`): each run then plants a ``gv_canary``
that reports any use of itself as an ``escaped`` message (``gradviz/core/run/child.py``).

Outcomes (:data:`OUTCOMES`):

* ``result`` -- a Trace came back;
* ``message`` -- a ProgramError of the language or torch, with a line inside the program;
* ``limit`` -- stopped at the wall clock, memory or output limit, with a message that says so;
* ``crash`` -- the run process died of a signal or exited on its own (told as a message);
* ``bad line`` -- a ProgramError whose line is outside the program (or missing);
* ``raw traceback`` -- a failure of kind ``internal``, a message holding a Python traceback,
  a result that is not a Trace, or any exception in this client but ProgramError;
* ``hang`` -- no answer within the limit plus a grace: the runner failed to kill the run;
* ``death`` -- the runner process died or was restarted, or a client thread crashed;
* ``escape`` -- the canary was touched, a run sent a message no run sends, a file appeared
  in the scratch directory, or the run's output held the secret of a file only an escape
  could read.

Besides the fuzz generators' kinds (valid, malformed, hostile) there is ``os``: programs
that reach for ``open``, ``os``, ``subprocess``, ``torch.save``... through the known
introspection routes to create a marker file in the scratch directory, to read the secret
file, to signal the runner, or that simply run away (``10 ** 10 ** 10``).
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import secrets
import shutil
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradviz.core.program.errors import ProgramError
from gradviz.core.run import codec
from gradviz.core.run.child import FUZZ_CANARY_VARIABLE
from gradviz.core.run.client import RunCancelled, Runner
from gradviz.core.run.request import Job, ProgramSpec, RunLimits
from gradviz.core.trace import Trace
from tests.core.program import fuzz_programs

KINDS = ("valid", "malformed", "hostile", "os")
OUTCOMES = ("result", "message", "limit", "crash", "bad line", "raw traceback", "hang", "death", "escape")
#: Outcomes that must never happen.
FAILURES = ("bad line", "raw traceback", "hang", "death", "escape")

#: Messages a capture run may send besides result and failure; any other is an escape.
_EXPECTED_MESSAGES = ("wall", "forward")
_LANGUAGE_KINDS = ("syntax", "refused", "runtime")
_LIMIT_KINDS = ("limit", "memory", "output")
_CRASH_KINDS = ("crashed", "exited")
_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \"[^\"]+\", line \d+", re.M)


# ----- where escapes would land ----------------------------------------------------------------
class Scratch:
    """A directory the ``os`` programs aim at, holding a secret only an escape could read.

    The runner is started with this directory as its working directory, so the relative
    ``gv_escape`` of the hostile generator would land here too. It is under the system's
    temporary directory, which the OS wall does not let a run read or write.
    """

    SECRET_FILE = "secret.txt"

    def __init__(self, parent: str | Path | None = None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="gradviz-fuzz-", dir=parent))
        self.secret = secrets.token_hex(16)
        self.secret_path = self.path / self.SECRET_FILE
        self.secret_path.write_text(self.secret)
        self._secret_numbers = " " + " ".join(str(b) for b in self.secret.encode()) + " "

    def marker(self, index: int) -> Path:
        """The file program ``index`` tries to create."""
        return self.path / f"m{index}"

    def strays(self) -> list[Path]:
        """Everything in the directory but the secret: each one is an escape."""
        return sorted(p for p in self.path.iterdir() if p.name != self.SECRET_FILE)

    def leaks(self, text: str) -> bool:
        """Whether ``text`` holds the secret, as text or as its bytes' numbers."""
        if self.secret in text:
            return True
        numbers = " " + " ".join(re.findall(r"\d+", text)) + " "
        return self._secret_numbers in numbers

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def start_fuzz_runner(scratch: Scratch) -> Runner:
    """A runner whose runs plant the canary, working in the scratch directory; waits until warm."""
    runner = Runner()
    old_cwd, old_flag = os.getcwd(), os.environ.get(FUZZ_CANARY_VARIABLE)
    os.environ[FUZZ_CANARY_VARIABLE] = "1"
    try:
        os.chdir(scratch.path)
        runner.start()  # the runner copies the environment and the working directory now
    finally:
        os.chdir(old_cwd)
        if old_flag is None:
            del os.environ[FUZZ_CANARY_VARIABLE]
        else:
            os.environ[FUZZ_CANARY_VARIABLE] = old_flag
    if not runner.ready.wait(120):
        raise RuntimeError("the runner did not start within 120 s")
    return runner


# ----- programs that reach for files and processes -------------------------------------------
# Routes that would lead to the real builtins dict, were they open, step by step: a program
# writes a route in one expression (the source check sees all of it) or a variable a step
# (only the run-time check of each attribute read stands in the way).
_BUILTINS = (
    ("__builtins__",), ("globals()", "['__builtins__']"), ("vars(torch)", "['__builtins__']"),
    ("torch", ".__dict__", "['__builtins__']"), ("getattr(torch, '__builtins__')",),
    ("nn.Linear(2, 2)", ".parameters()", ".gi_frame", ".f_builtins"),
    ("nn.Linear(2, 2)", ".parameters()", ".gi_frame", ".f_globals", "['__builtins__']"),
    ("nn.Linear(2, 2)", ".named_modules()", ".gi_frame", ".f_back", ".f_builtins"),
    ("enumerate([1])", ".gi_frame", ".f_builtins"), ("F.relu", ".__globals__", "['__builtins__']"),
    ("nn.Linear(1, 1)", ".forward", ".__func__", ".__globals__", "['__builtins__']"),
    ("torch.nn.Module", ".__init__", ".__globals__", "['__builtins__']"),
    ("print", ".__func__", ".__globals__", "['__builtins__']"),
    ("print", ".__self__", ".__class__", ".__init__", ".__globals__", "['__builtins__']"),
    ("torch.autograd.grad", ".__globals__", "['__builtins__']"),
    ("[]", ".__class__", ".__base__", ".__subclasses__()", "[-1]", ".__init__", ".__globals__", "['__builtins__']"),
    ("torch.ones(1)", ".sum", ".__self__", ".__class__", ".__init__", ".__globals__", "['__builtins__']"),
    ("(torch.ones(2, requires_grad=True) * 2)", ".grad_fn", ".register_hook", ".__globals__", "['__builtins__']"),
    ("torch.optim.SGD", ".step", ".__globals__", "['__builtins__']"),
    ("torch.no_grad()", ".__enter__", ".__globals__", "['__builtins__']"),
    ("NeuralNetwork(2, 2)", ".parameters()", ".gi_frame", ".f_builtins"),
    ("nn.init.zeros_", ".__globals__", "['__builtins__']"),
    ("nn.Linear(2, 2)", ".state_dict()", ".__class__", ".__init__", ".__globals__", "['__builtins__']"),
)
# Routes that would lead to the os module.
_OS = (
    ("torch", ".os"), ("torch.serialization", ".os"), ("torch.hub", ".os"), ("torch.multiprocessing", ".os"),
    ("getattr(torch, 'os')",), ("torch", ".__dict__", "['os']"), ("F.relu", ".__globals__", "['torch']", ".os"),
    ("nn.Linear(2, 2)", ".parameters()", ".gi_frame", ".f_globals", "['torch']", ".os"),
    ("torch.utils.data.dataloader", ".os"), ("math", ".__loader__"), ("__import__('os')",),
)


_LINEAR_TORCH = ("nn.Linear(1, 1)", ".forward", ".__globals__", "['torch']")


class _Attack:
    """Lines of one attack: the steps of its routes, then what it does with them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lines: list[str] = []

    def reach(self, steps: tuple[str, ...]) -> str:
        """An expression for the end of ``steps``, its first steps stored in variables or not."""
        if len(steps) == 1 or self.rng.random() < 0.5:
            return "".join(steps)
        current = steps[0]
        for step in steps[1:]:
            name = f"v{self.rng.randrange(1 << 24):x}"
            self.lines.append(f"{name} = {current}")
            current = name + step
        return current

    def builtins(self) -> str:
        return self.reach(self.rng.choice(_BUILTINS))

    def open(self) -> str:
        return self.rng.choice((f"{self.builtins()}['open']", "open", "getattr(__builtins__, 'open')",
                                self.reach(("torch.serialization", "._open_file"))))

    def os(self) -> str:
        return self.rng.choice((self.reach(self.rng.choice(_OS)), f"{self.builtins()}['__import__']('os')"))

    def import_(self) -> str:
        return self.rng.choice((f"{self.builtins()}['__import__']", "__import__"))

    def create(self, path: str, secret: str) -> str:
        """An attempt to create ``path``, start a process, signal the runner or leave."""
        p = repr(path)
        forms: tuple[Callable[[], str], ...] = (
            lambda: f"{self.open()}({p}, 'w').write('x')", lambda: f"print('x', file={self.open()}({p}, 'w'))",
            lambda: f"{self.os()}.system('touch ' + {p})", lambda: f"{self.os()}.open({p}, 65)",
            lambda: f"{self.os()}.mkdir({p})", lambda: f"{self.os()}.popen('touch ' + {p})",
            lambda: f"{self.import_()}('subprocess').run(['touch', {p}])",
            lambda: f"{self.import_()}('pathlib').Path({p}).touch()",
            lambda: f"{self.import_()}('shutil').copy({secret!r}, {p})",
            lambda: f"torch.save(torch.ones(1), {p})", lambda: f"torch.from_file({p}, shared=True, size=8)",
            lambda: f"torch.UntypedStorage.from_file({p}, True, 8)", lambda: f"torch.ones(2).numpy().tofile({p})",
            lambda: f"{self.builtins()}['exec'](\"open({p}, 'w')\")",
            lambda: f"{self.builtins()}['eval']('open')({p}, 'w')",
            lambda: f"{self.reach(_LINEAR_TORCH)}.save(torch.ones(1), {p})",
            lambda: f"torch.jit.save(torch.jit.script(nn.Linear(1, 1)), {p})",
            lambda: f"{self.import_()}('socket').socket().connect(('127.0.0.1', 9))",
            lambda: f"{self.os()}.kill({self.os()}.getppid(), 9)", lambda: f"{self.os()}._exit(3)",
            lambda: f"{self.os()}.environ['{FUZZ_CANARY_VARIABLE}'] = '0'",
        )
        return self.rng.choice(forms)()

    def read(self, secret: str) -> str:
        """An attempt to bring the secret file's content back: printed, in an error, as numbers."""
        s = repr(secret)
        forms: tuple[Callable[[], str], ...] = (
            lambda: f"print({self.open()}({s}).read())", lambda: f"x = int({self.open()}({s}).read())",
            lambda: f"x = torch.ones(1)[{self.open()}({s}).read()]",
            lambda: f"x = getattr(torch, {self.open()}({s}).read())",
            lambda: f"print({self.os()}.read({self.os()}.open({s}, 0), 64))",
            lambda: f"t = torch.from_file({s}, size=32, dtype=torch.uint8)\nprint(t.tolist())",
            lambda: f"print(torch.load({s}))", lambda: f"print({self.import_()}('pathlib').Path({s}).read_text())",
            lambda: f"x = nn.Linear(1, 1).load_state_dict(torch.load({s}))",
            lambda: f"print([c for c in {self.open()}({s}, 'rb').read()])",
        )
        return self.rng.choice(forms)()


_RUNAWAYS = ("x = 10 ** 10 ** 10", "x = sum(range(10 ** 11))", "while True:\n    x = 1", "x = [0] * 10 ** 10",
             "x = 'ab' * 10 ** 10", "x = torch.ones(10 ** 6, 10 ** 6)",
             "for i in range(10 ** 9):\n    x = torch.ones(200, 200) @ torch.ones(200, 200)")


def os_program(rng: random.Random, scratch: Scratch, index: int) -> str:
    """A valid program with one or two attempts on files, processes or the secret spliced in."""
    lines = fuzz_programs.valid_program(rng).split("\n")
    for _ in range(rng.randint(1, 2)):
        attack, roll = _Attack(rng), rng.random()
        if roll < 0.03:
            last = rng.choice(_RUNAWAYS)
        elif roll < 0.6:
            last = attack.create(str(scratch.marker(index)), str(scratch.secret_path))
        else:
            last = attack.read(str(scratch.secret_path))
        starts = [i for i, line in enumerate(lines)
                  if line and not line[0].isspace() and not line.startswith(("else", "elif"))] + [len(lines)]
        pos = rng.choice(starts)
        lines[pos:pos] = [*attack.lines, *last.split("\n")]
    return "\n".join(lines)


def program(seed: int, index: int, scratch: Scratch) -> tuple[str, str]:
    """Program ``index`` of the run with ``seed``: its kind and its source (the same every time)."""
    kind = KINDS[index % len(KINDS)]
    rng = random.Random(seed * 1_000_003 + index)
    if kind == "valid":
        return kind, fuzz_programs.valid_program(rng)
    if kind == "malformed":
        return kind, fuzz_programs.malformed_program(rng)
    if kind == "hostile":
        return kind, fuzz_programs.hostile_program(rng)
    return kind, os_program(rng, scratch, index)


# ----- running and sorting ----------------------------------------------------------------------
@dataclass
class Outcome:
    index: int
    kind: str  # the generator's
    outcome: str  # one of OUTCOMES
    detail: str  # the error's kind and message, what escaped...
    seconds: float
    error_kind: str = ""  # the ProgramError's kind, when there was one


class RunnerWatch:
    """Notices the runner process dying or being replaced (each change is one death)."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.pid = runner.pid
        self._lock = threading.Lock()

    def check(self) -> str:
        with self._lock:
            pid, alive = self.runner.pid, self.runner.alive
            if alive and pid == self.pid:
                return ""
            was, self.pid = self.pid, pid
            return f"the runner (pid {was}) is {'replaced by pid ' + str(pid) if alive else 'gone'}"


def _line_ok(error: ProgramError, source: str, required: bool) -> bool:
    if error.line is None:
        return not required
    if error.file:  # a line of a module file: the fuzz programs have none
        return False
    return 1 <= error.line <= fuzz_programs.line_count(source) and (error.col is None or error.col >= 1)


def classify_error(error: ProgramError, source: str, limit_seconds: float) -> tuple[str, str]:
    """The outcome of a run that raised ``error``, and a detail for the report."""
    text = f"{error.kind}: {error}"
    if error.kind == "internal" or _TRACEBACK.search(error.message):
        return "raw traceback", text
    if error.kind in _LANGUAGE_KINDS:
        return ("message" if _line_ok(error, source, required=True) else "bad line"), text
    if error.kind in _LIMIT_KINDS:
        if not _line_ok(error, source, required=False):
            return "bad line", text
        # The kind names the limit; the message must say something (the wall clock's, its
        # seconds: the runner's limit, or the interpreter's half a second before it).
        seconds = {f"{limit_seconds:g} s", f"{max(limit_seconds - 0.5, 0.5):g} s"}
        timeout = "ran longer than" in error.message
        said = error.message.strip() and (not timeout or any(s in error.message for s in seconds))
        return ("limit" if said else "raw traceback"), text
    if error.kind in _CRASH_KINDS:
        return ("crash" if _line_ok(error, source, required=False) else "bad line"), text
    return "raw traceback", f"unexpected kind {text}"


def run_one(runner: Runner, watch: RunnerWatch, scratch: Scratch, index: int, kind: str, source: str,
            limit_seconds: float, grace: float, job: Job | None = None) -> Outcome:
    """Run one program through the runner (as ``job``, by default the app's capture of
    ``source``) and sort what happened."""
    job = job or Job("capture", ProgramSpec(source), limits=RunLimits(seconds=limit_seconds))
    heard: list[tuple[str, Any]] = []
    cancel = threading.Event()
    timer = threading.Timer(limit_seconds + grace, cancel.set)
    timer.daemon = True
    t0 = time.perf_counter()
    timer.start()
    error_kind = ""
    try:
        result = runner.call(job, cancel=cancel, on_message=lambda k, b: heard.append((k, b)))
        if isinstance(result, Trace):
            outcome, detail = "result", f"{len(result.nodes)} nodes"
            leaked = scratch.secret.encode() in codec.encode(result) or scratch.leaks("\n".join(result.output))
        else:
            outcome, detail, leaked = "raw traceback", f"a result that is not a Trace: {type(result).__name__}", False
    except ProgramError as exc:
        outcome, detail = classify_error(exc, source, limit_seconds)
        error_kind = exc.kind
        leaked = scratch.leaks(f"{exc}\n{exc.statement}")
    except RunCancelled:
        outcome = "hang" if cancel.is_set() else "raw traceback"
        detail = f"no answer within {limit_seconds + grace:g} s" if cancel.is_set() else "cancelled by nobody"
        leaked = False
    except Exception:  # noqa: BLE001 - anything but ProgramError reaching the app is the finding
        outcome, detail, leaked = "raw traceback", traceback.format_exc(limit=-3), False
    finally:
        timer.cancel()
    seconds = time.perf_counter() - t0
    escaped = [f"{k}: {b}" for k, b in heard if k not in _EXPECTED_MESSAGES]
    if leaked:
        escaped.append("the secret file's content came back")
    died = watch.check()
    if escaped:
        outcome, detail = "escape", "; ".join(escaped)
    elif died:
        outcome, detail = "death", died
    return Outcome(index, kind, outcome, detail, seconds, error_kind)


def run_fuzz(runner: Runner, scratch: Scratch, seed: int, indices: Iterable[int], limit_seconds: float = 3.0,
             grace: float = 10.0, threads: int = 2, batch: int = 500,
             on_batch: Callable[[list[Outcome]], None] | None = None) -> list[Outcome]:
    """Run programs ``indices`` of ``seed`` from ``threads`` client threads; every ``batch``
    programs, look for files in the scratch directory (each one turns its program, or the
    batch's first, into an escape)."""
    indices = list(indices)
    watch = RunnerWatch(runner)
    outcomes: list[Outcome] = []

    def one(index: int) -> Outcome:
        try:
            kind, source = program(seed, index, scratch)
            return run_one(runner, watch, scratch, index, kind, source, limit_seconds, grace)
        except BaseException:  # noqa: BLE001 - a crashed client thread is a death, reported as one
            return Outcome(index, KINDS[index % len(KINDS)], "death",
                           "the client thread crashed: " + traceback.format_exc(limit=-3), 0.0)

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="fuzz-client") as pool:
        for start in range(0, len(indices), batch):
            done = list(pool.map(one, indices[start:start + batch]))
            blame_strays(scratch, done)
            outcomes += done
            if on_batch is not None:
                on_batch(done)
    return outcomes


def blame_strays(scratch: Scratch, done: list[Outcome]) -> None:
    """Turn the program that made each file in the scratch directory (or the batch's first)
    into an escape, and remove the file."""
    by_index = {o.index: o for o in done}
    for stray in scratch.strays():
        match = re.fullmatch(r"m(\d+)", stray.name)
        culprit = by_index.get(int(match.group(1))) if match else None
        culprit = culprit or done[0]
        note = f"{stray.name} appeared in the scratch directory"
        if culprit.outcome == "escape":
            culprit.detail += "; " + note
        else:
            culprit.outcome, culprit.detail = "escape", note
        with contextlib.suppress(OSError):
            shutil.rmtree(stray) if stray.is_dir() else stray.unlink()


# ----- counting -----------------------------------------------------------------------------------
def counts(outcomes: Iterable[Outcome]) -> dict[str, Counter]:
    """Outcome counts per generator kind, and in ``"total"``."""
    table: dict[str, Counter] = {kind: Counter() for kind in KINDS}
    table["total"] = Counter()
    for o in outcomes:
        table[o.kind][o.outcome] += 1
        table["total"][o.outcome] += 1
    return table


def failures(outcomes: Iterable[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.outcome in FAILURES]


def table_text(outcomes: list[Outcome]) -> str:
    """The counts as a table: a row per kind, a column per outcome."""
    table = counts(outcomes)
    width = max(len(o) for o in OUTCOMES) + 1
    rows = [f"{'kind':<10}{'programs':>9}" + "".join(f"{o:>{width}}" for o in OUTCOMES)]
    for kind, counter in table.items():
        if kind == "total":
            rows.append("-" * len(rows[0]))
        rows.append(f"{kind:<10}{sum(counter.values()):>9,}" + "".join(f"{counter[o]:>{width},}" for o in OUTCOMES))
    return "\n".join(rows)


def common_messages(outcomes: Iterable[Outcome], kind: str, top: int = 5) -> list[tuple[int, str]]:
    """The most frequent error messages of a generator kind, lines and numbers masked."""
    said = Counter(re.sub(r"\d+", "#", o.detail)[:110] for o in outcomes
                   if o.kind == kind and o.outcome in ("message", "limit", "crash"))
    return [(n, text) for text, n in said.most_common(top)]


def iter_failures(outcomes: list[Outcome], seed: int, scratch: Scratch, limit: int = 5) -> Iterator[str]:
    """The first few failing programs of each failing outcome, with their sources."""
    for name in FAILURES:
        bad = [o for o in outcomes if o.outcome == name][:limit]
        for o in bad:
            yield f"--- {name}: program {o.index} ({o.kind}), {o.seconds:.2f} s\n{o.detail[:2000]}\n" + \
                shown_source(program(seed, o.index, scratch)[1])


def shown_source(source: str, lines: int = 30, width: int = 160) -> str:
    """The start of ``source``, printable: odd characters escaped, long lines and programs cut."""
    text = source.encode("unicode_escape").decode("ascii").replace("\\n", "\n").replace("\\t", "    ")
    shown = [line if len(line) <= width else line[:width] + f"... ({len(line):,} characters)"
             for line in text.split("\n")[:lines]]
    if text.count("\n") >= lines:
        shown.append(f"... ({len(source):,} characters in all)")
    return "\n".join(shown)
