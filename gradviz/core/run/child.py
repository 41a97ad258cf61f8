"""A run process: set itself up, give up what it never needs, run one job, send the results.

Forked from the warm runner (:func:`run_forked`) or started fresh
(``python -m gradviz.core.run.child``, the job arriving on stdin). Either way it ends with
``os._exit``: nothing of the run outlives it, and no cleanup of a huge autograd graph is paid.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from gradviz.core import gc_pause
from gradviz.core.program.console import ProgramStdout
from gradviz.core.run import beacon as beacon_module
from gradviz.core.run import codec, frames
from gradviz.core.run import messages as _messages  # noqa: F401 - registers what may cross
from gradviz.core.run.beacon import Beacon
from gradviz.core.run.launch import USER_THREADS_VARIABLE
from gradviz.core.run.request import Failure, Job, ProgramSpec


class Sender:
    """Sends a run's messages to the runner: ``send(kind, body)``, one frame each."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._lock = threading.Lock()  # training sends from its loop and answers from its reader

    def __call__(self, kind: str, body: Any = None) -> None:
        payload = codec.encode((kind, body))
        with self._lock:
            frames.send_run_frame(self.fd, payload)


class Control:
    """Messages from the app to a running job (training's pause, stop, learning rate...)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._buffer = frames.RunFrameBuffer()
        self._ready: list[Any] = []
        self._blocking: bool | None = None

    def read(self, block: bool) -> Any | None:
        """The next message; None when there is none yet (``block`` False) or the link closed."""
        while not self._ready:
            if block is not self._blocking:
                # Switched only when it changes: training asks once a batch, non-blocking.
                os.set_blocking(self.fd, block)
                self._blocking = block
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return None
            if not chunk:
                return None
            self._ready.extend(codec.decode(p) for p in self._buffer.feed(chunk))
        return self._ready.pop(0)


def _limit_memory(extra_bytes: int | None) -> None:
    if extra_bytes is None:
        return
    try:
        with open("/proc/self/status") as status:
            vm = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        vm = 0
    cap = vm + extra_bytes
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


# ----- the fuzz canary (tests and bench/fuzz.py only) ---------------------------------------
#: Set to "1" in the environment of the process that starts the runner (``bench/fuzz.py``,
#: the runner's fuzz test) to make every run plant a canary (see :func:`plant_fuzz_canary`).
#: The runner and its runs only inherit it: a program, a lesson file or a run cannot set it
#: for a later run (each run is a fork of the runner, whose environment no run can reach).
FUZZ_CANARY_VARIABLE = "GRADVIZ_FUZZ_CANARY"
#: The canary's name, as hostile fuzz programs spell it (tests/core/program/fuzz_programs.py).
CANARY_NAME = "gv_canary"
#: Where it is planted: where a program that got out of the language would end up -- the
#: builtins (a frame's f_builtins), the globals of torch's, nn's, F's and gradviz's own code
#: above the program's frame (a generator's or function's f_globals, __globals__); and
#: torch.Tensor and nn.Module, whose dicts an attribute chain walks.
_CANARY_HOMES = ("builtins", "__main__", "torch", "torch.nn", "torch.nn.functional", "torch.nn.modules.module",
                 "gradviz.core.program.interpreter", "gradviz.core.program.namespaces",
                 "gradviz.core.capture.capture", "gradviz.core.run.jobs", __name__)


class _Canary:
    """Reports every use of itself -- an attribute, a call, an item, a conversion -- as an escape.

    Nothing in gradviz or torch ever looks it up by name; a program can only reach it by
    getting out of the language, and whatever it then does with it is told to the app as
    ``("escaped", description)`` before anything else happens.
    """

    def __init__(self, report: Callable[[str], None]) -> None:
        object.__setattr__(self, "_gv_report", report)

    def _gv_touch(self, what: str) -> _Canary:
        object.__getattribute__(self, "_gv_report")(what)
        return self

    def __getattribute__(self, name: str) -> Any:
        return object.__getattribute__(self, "_gv_touch")(f".{name}")

    def __setattr__(self, name: str, value: Any) -> None:
        object.__getattribute__(self, "_gv_touch")(f".{name} = ...")

    def __delattr__(self, name: str) -> None:
        object.__getattribute__(self, "_gv_touch")(f"del .{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return object.__getattribute__(self, "_gv_touch")("call")

    def __getitem__(self, key: Any) -> Any:
        return object.__getattribute__(self, "_gv_touch")("item")

    def __iter__(self) -> Any:
        object.__getattribute__(self, "_gv_touch")("iter")
        return iter(())

    def __bool__(self) -> bool:
        object.__getattribute__(self, "_gv_touch")("bool")
        return True

    def __repr__(self) -> str:
        object.__getattribute__(self, "_gv_touch")("repr")
        return CANARY_NAME

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        object.__getattribute__(self, "_gv_touch")("format")
        return CANARY_NAME


def plant_fuzz_canary(send: Callable[[str, Any], None]) -> None:
    """Test-only: plant a :class:`_Canary` named ``gv_canary`` in this run's builtins and modules.

    Does nothing unless the runner was started with ``GRADVIZ_FUZZ_CANARY=1`` (only the
    fuzz bench and the fuzz test do that). Planted before the wall, in this run process
    only; any use of it sends ``("escaped", what and where)`` -- at most 20 such messages.
    """
    if os.environ.get(FUZZ_CANARY_VARIABLE) != "1":
        return
    told = [0]

    def report(what: str) -> None:
        if told[0] >= 20:
            return
        told[0] += 1
        frame, where = sys._getframe(1), []
        while frame is not None and len(where) < 8:
            if frame.f_code.co_filename != __file__:  # the canary's own frames say nothing
                where.append(f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno}")
            frame = frame.f_back
        line = beacon_module.current.read()[0] if beacon_module.current is not None else None
        send("escaped", f"{CANARY_NAME} touched ({what}) at program line {line}; frames: {' < '.join(where)}")

    import torch

    canary = _Canary(report)
    homes = [sys.modules[name] for name in _CANARY_HOMES if name in sys.modules]
    for home in (*homes, torch.Tensor, torch.nn.Module):
        setattr(home, CANARY_NAME, canary)




def torch_threads() -> int:
    """The intra-op thread count plain PyTorch starts with in the user's environment: what a
    model file runs with, so that its numbers are the ones PyTorch computes there (with another
    count a convolution adds its sums in another order, and a deep net's gradients then differ
    beyond 1e-5). As torch decides it: one thread per physical core (what its inter-op default
    still says under the runner's OMP_NUM_THREADS=1), fewer if the user's MKL_NUM_THREADS, else
    OMP_NUM_THREADS, says so."""
    import torch

    cores = torch.get_num_interop_threads()
    omp, _, mkl = os.environ.get(USER_THREADS_VARIABLE, ",").partition(",")
    for text in (mkl, omp):
        try:
            count = int(text)
        except ValueError:
            continue
        if count > 0:
            return min(count, cores)
    return cores


def _show_warnings(to_console: bool) -> None:
    """Warnings raised in a run name the user's line, not gradviz's recorder that torch's
    ``stacklevel`` lands on (``recorder.py:183: UserWarning: Implicit dimension choice for
    softmax``); they go to the running program's console, as its prints do (to stderr, as
    Python shows them, only outside a program: while a module file is imported)."""
    import warnings

    from gradviz.core.capture.user_code import warned_where, warning_text
    from gradviz.core.program.console import RUNNING

    original = warnings.showwarning
    shown: set[tuple[str, Any, str, int]] = set()

    def show(message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
        where, number = warned_where(filename, lineno)
        if where != filename:
            # Python showed it once per place, keyed by gradviz's line: the next warning from
            # another line of the user's would not be shown. Keyed by the user's line instead.
            for module in list(sys.modules.values()):
                if getattr(module, "__file__", None) == filename:
                    getattr(module, "__warningregistry__", {}).clear()
            key = (str(message), category, where, number)
            if key in shown:
                return
            shown.add(key)
        if to_console and RUNNING and file is None:
            RUNNING[-1].write(warning_text(message, category, where, number) + "\n")
        elif to_console and file is None:
            # While a model file is imported: its stderr is kept and shown before the program's output.
            sys.stderr.write(warning_text(message, category, where, number) + "\n")
        else:
            original(message, category, where, number, file, None if where != filename else line)

    warnings.showwarning = show


def prepare(job: Job, readable: tuple[str, ...] | None,
            send: Callable[[str, Any], None] | None = None) -> list[str]:
    """Settle this process for ``job``; returns notes on walls that could not be raised.

    ``send`` is for the fuzz canary alone (:func:`plant_fuzz_canary`), planted before the wall.
    """
    try:
        os.setpgid(0, 0)  # its own group: the runner kills whatever the job started with it
    except OSError:
        pass
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    from gradviz.core.i18n import set_language

    # The run's own messages ("第 3 行…") in the app's language; before the wall, which would
    # keep the catalogue (in the checkout's resources/, outside the package) from being read.
    set_language(job.language)
    # torch's intra-op threads only slow toy graphs down on a busy machine; a model file (the
    # user's own code, run without the wall) gets torch's own count, as in plain PyTorch.
    import torch

    torch.set_num_threads(1 if job.wall else torch_threads())
    _show_warnings(to_console=True)
    if send is not None:
        plant_fuzz_canary(send)
    if not job.wall:
        _limit_memory(job.limits.memory_bytes)
        return []
    _without_fused_optimizers()
    from gradviz.core.run.sandbox import apply_wall, default_readable

    paths = readable if readable is not None else tuple(str(p) for p in default_readable())
    wall = apply_wall(paths, memory_bytes=job.limits.memory_bytes)
    # A typed program has no use for the app's environment (tokens, paths, the user's name):
    # were it ever to get past the language, it would find nothing there to show.
    os.environ.clear()
    return list(wall.notes)


def _without_fused_optimizers() -> None:
    """Fused optimizer steps refused in a typed program's run process.

    torch's fused CPU kernels trust that each parameter's gradient and optimizer state have
    its shape; a program can set ``param_groups[0]['fused'] = True`` and put a shorter tensor
    in ``opt.state`` (a red team read heap pointers and wrote past a tensor that way). The
    other implementations check the shapes; a lesson never needs the fused one.
    """
    import importlib

    def refused(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("gradviz runs optimizers without fused=True (the fused kernels trust what a program "
                           "could put in the optimizer's state): leave fused out")

    for module_name, name in (("adam", "_fused_adam"), ("sgd", "_fused_sgd"), ("adagrad", "_fused_adagrad")):
        try:
            module = importlib.import_module(f"torch.optim.{module_name}")
        except ImportError:
            continue
        if hasattr(module, name):
            setattr(module, name, refused)


def failure_of(exc: BaseException, stage: str) -> Failure:
    """The message a run sends for an exception that escaped its job."""
    from gradviz.core.program.errors import ProgramError

    if isinstance(exc, ProgramError):
        return Failure(exc.kind, exc.message, exc.line, exc.col, exc.statement, getattr(exc, "file", ""), stage)
    from gradviz.core.capture.module_spec import ModuleLoadError

    if isinstance(exc, ModuleLoadError):
        return Failure("module", str(exc), stage=stage)
    from gradviz.core.i18n import translate

    if isinstance(exc, MemoryError):
        return Failure("memory", translate("run", "the run ran out of memory"), stage=stage)
    if isinstance(exc, RecursionError):
        return Failure("limit", translate("run", "the run nested too deeply (Python's recursion limit)"), stage=stage)
    if isinstance(exc, SystemExit):
        return Failure("exited", translate("run", "the code called sys.exit({code!r})").format(code=exc.code),
                       stage=stage)
    if isinstance(exc, KeyboardInterrupt):
        return Failure("cancelled", translate("run", "interrupted"), stage=stage)
    # gradviz's own failure: its traceback's words are for whoever fixes gradviz, in English.
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" (in {os.path.basename(last[0].filename)}, line {last[0].lineno})" if last else ""
    return Failure("internal", f"{type(exc).__name__}: {exc}{where}", stage=stage)


def run_job(job: Job, send: Callable[[str, Any], None], control: Control, readable: tuple[str, ...] | None,
            prepared: list[str] | BaseException | None = None) -> None:
    """Prepare, run ``job`` and send its messages; every failure becomes a ``failure`` message.

    ``prepared``: this process was prepared for ``job`` before it came (a spare, see
    :func:`run_forked`): the wall's notes, or what failed while preparing.
    """
    from gradviz.core.run import jobs

    stage = "start"
    try:
        if isinstance(prepared, BaseException):
            raise prepared
        notes = prepare(job, readable, send) if prepared is None else prepared
        if beacon_module.current is not None and getattr(job.spec, "module", None) is not None:
            # After the wall (its watchdog is a thread); only a model file's code needs it.
            beacon_module.current.watch(job.limits.seconds)
        if notes:
            jobs.WALL_NOTES[:] = notes
            send("wall", tuple(notes))
        stage = "run"
        if job.kind == "capture":
            # The program runs with the collector paused (gc_pause); resumed at its end, it walked
            # everything the run made before the answer went (0.5 ms at 50 nodes, 35 ms at 10,000).
            # This process ends once the answer is sent: the collector is never needed again.
            gc_pause.pause()
        jobs.run(job, send, control)
    except BaseException as exc:  # noqa: BLE001 - nothing may escape a run unreported
        stage = beacon_module.current.read()[1] if beacon_module.current is not None else stage
        try:
            send("failure", failure_of(exc, stage))
        except BaseException:  # noqa: BLE001 - the pipe is gone: the runner reports the ending
            pass
    beacon_module.note_stage("done")


#: What a spare run process rehearses while it waits (see :func:`rehearse`).
_REHEARSAL = "x = torch.tensor([0.5, -1.0], requires_grad=True)\nloss = (x * 2.0).sum()\n"


def rehearse() -> None:
    """Capture a two-node program and throw the result away, while the spare waits for its job.

    A forked process pays for the first touch of every page it shares with the runner
    (copy on write) and of every path through the interpreter, recorder and encoder: ~8 ms
    that the job itself would wait for (a 50-node program's run 15 -> 6 ms). The program uses
    no random numbers and warns of nothing, so the job finds the process as it would have.
    """
    from gradviz.core.run import jobs

    try:
        jobs.run(Job("capture", ProgramSpec(_REHEARSAL), {"forward": False}),
                 lambda kind, body=None: codec.encode((kind, body)), None)
    except Exception:  # noqa: BLE001 - a rehearsal only warms; the job runs the same code for real
        pass


def run_forked(job: Job | None, result_fd: int, control_fd: int, beacon: Beacon,
               readable: tuple[str, ...], template: Job | None = None) -> None:
    """The whole life of a run forked from the runner; never returns.

    ``job`` None: this is the spare, forked ahead; it prepares itself for jobs like
    ``template`` (same :attr:`Job.profile`: language, wall, memory), rehearses, and waits for
    its job on the control pipe (end of file there means the runner let it go).
    """
    # A stray print must never reach a pipe that carries frames: a program's (a model file's
    # own print()) goes to its console, anything else to stderr.
    sys.stdout = ProgramStdout(sys.stderr)
    send = Sender(result_fd)
    try:
        control = Control(control_fd)
        prepared: list[str] | BaseException | None = None
        if job is None:
            if template is not None:
                try:
                    prepared = prepare(template, readable, send)
                except BaseException as exc:  # noqa: BLE001 - told once the job comes
                    prepared = exc
                else:
                    rehearse()
            job = control.read(block=True)
            if not isinstance(job, Job):
                os._exit(0)
            if template is not None and job.profile != template.profile:
                prepared = RuntimeError("the run process was prepared for another kind of job")
        beacon_module.current = beacon
        run_job(job, send, control, readable, prepared)
        sys.stderr.flush()
    finally:
        os._exit(0)


def main() -> None:
    """Started fresh (no fork): wait for the job on stdin, answer on stdout."""
    control_fd, result_fd = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    sys.stdout = ProgramStdout(sys.stderr)
    from gradviz.core.run.zygote import warm_up

    warm_up()
    rehearse()
    control = Control(control_fd)
    job = control.read(block=True)
    if not isinstance(job, Job):
        os._exit(2)
    try:
        run_job(job, Sender(result_fd), control, None)
    finally:
        os._exit(0)


if __name__ == "__main__":
    main()
