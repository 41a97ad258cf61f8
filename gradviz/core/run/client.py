"""The app's (and the CLI's) side of the runner: submit a job, read its messages, cancel it.

:class:`Runner` starts the runner process (:mod:`.zygote`) — early, so torch is imported
there while the window comes up — and keeps one reader thread that decodes what runs send
(with the data-only codec: a run is never trusted) and hands each job's messages to its
:class:`RunHandle`. Nothing here imports torch or Qt; every method may be called from any
thread.
"""

from __future__ import annotations

import itertools
import queue
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from typing import Any

from gradviz.core.i18n import QT_TRANSLATE_NOOP, language, translate
from gradviz.core.program.errors import Locator, ProgramError, called_from, frame_text
from gradviz.core.run import codec, frames, launch
from gradviz.core.run import messages as _messages  # noqa: F401 - registers what may cross
from gradviz.core.run.request import Ending, Failure, Job


class RunCancelled(Exception):
    """The run was cancelled before it finished."""


class RunHandle:
    """One submitted job: its messages as they come, then how its process ended."""

    def __init__(self, runner: "Runner", job_id: int, job: Job) -> None:
        self.runner = runner
        self.job_id = job_id
        self.job = job
        self.pid: int | None = None
        self.ending: Ending | None = None
        self.poisoned = False  # it sent something malformed: nothing more it says is heard
        self._queue: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()

    def _put(self, kind: str, body: Any) -> None:
        if kind == "ended":
            self.ending = body
        self._queue.put((kind, body))

    def next(self, timeout: float | None = None) -> tuple[str, Any] | None:
        """The next message, or None after ``timeout`` seconds without one."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def messages(self, cancel: threading.Event | None = None, poll: float = 0.05) -> Iterator[tuple[str, Any]]:
        """Every message up to and including ``("ended", Ending)``.

        Raises RunCancelled (and kills the run) as soon as ``cancel`` is set.
        """
        while True:
            item = self.next(poll if cancel is not None else None)
            if item is None:
                if cancel is not None and cancel.is_set():
                    self.cancel()
                    raise RunCancelled("cancelled")
                continue
            yield item
            if item[0] == "ended":
                return

    def cancel(self) -> None:
        """Kill the run (its ending still arrives, with reason "cancelled")."""
        self.runner._command(self.job_id, ("cancel",))

    def send(self, message: Any) -> None:
        """A message for the running job (training's controls)."""
        self.runner._command(self.job_id, ("send", codec.encode(message)))


def error_of(failure: Failure | None, ending: Ending | None, job: Job) -> ProgramError:
    """What to tell the user about a run that gave no result."""
    if failure is not None:
        kind = failure.kind
        return ProgramError(failure.message, failure.line, failure.col, kind, failure.statement, failure.file)
    if ending is None:
        return ProgramError(translate("run", "the run ended without a word"), kind="internal")
    line = ending.line
    # With a line, the message is shown as "line 7: ..."; without one, the stage says where.
    where = translate("run", _STAGE_WORDS[ending.stage]) if not line and ending.stage in _STAGE_WORDS else ""
    if ending.reason == "timeout":
        message = translate("run", "the program ran longer than {seconds:g} s and was stopped{where}: make loops "
                                   "shorter or tensors smaller")
        return _in_user_code(ProgramError(message.format(seconds=job.limits.seconds, where=where), line,
                                          kind="limit"), ending, job)
    if ending.reason == "cancelled":
        return ProgramError(translate("interpreter", "cancelled"), line, kind="cancelled")
    if ending.reason == "output":
        message = translate("run", "the run sent back more than {megabytes} MB and was stopped{where}: make the "
                                   "graph smaller")
        return ProgramError(message.format(megabytes=job.limits.output_bytes >> 20, where=where), line,
                            kind="output")
    if ending.reason == "malformed":
        message = translate("run", "the run sent back something that is not a result and was stopped{where}")
        return ProgramError(message.format(where=where), line, kind="crashed")
    if ending.reason.startswith("spawn failed") or ending.reason == "runner":
        message = translate("run", "gradviz could not start a run process ({reason}); try again")
        return ProgramError(message.format(reason=ending.reason), kind="internal")
    if ending.signal is not None:
        name = _signal_name(ending.signal)
        if ending.signal == signal.SIGKILL:
            message = translate("run", "the run process was killed{where} — most likely the system ran out of "
                                       "memory; make tensors smaller")
            return ProgramError(message.format(where=where), line, kind="memory")
        message = translate("run", "the run process crashed ({signal}){where}")
        return _in_user_code(ProgramError(message.format(signal=name, where=where), line, kind="crashed"),
                             ending, job)
    if ending.code:
        message = translate("run", "the run process exited with status {code}{where} (the code called os._exit "
                                   "or sys.exit)")
        return ProgramError(message.format(code=ending.code, where=where), line, kind="exited")
    return ProgramError(translate("run", "the run ended without a result{where}").format(where=where), line,
                        kind="internal")


def _in_user_code(error: ProgramError, ending: Ending, job: Job) -> ProgramError:
    """``error`` told at the model file's line the run was in (with the frames there), as an
    exception raised in the file is, when the run's last words name one."""
    if not ending.frames:
        return error
    lines = [error.message, *(frame_text(*frame) for frame in ending.frames)]
    if error.line:
        lines.append(called_from(error.line, Locator(getattr(job.spec, "source", "")).statement(error.line)))
    file, number, _, text = ending.frames[-1]
    return ProgramError("\n".join(lines), number, None, error.kind, text, file)


# Where a run that gave no line was when it ended; marked here, translated in error_of.
_STAGE_WORDS = {"start": QT_TRANSLATE_NOOP("run", " while starting"),
                "load": QT_TRANSLATE_NOOP("run", " while loading the module file"),
                "parse": QT_TRANSLATE_NOOP("run", " while reading the program"),
                "send": QT_TRANSLATE_NOOP("run", " while sending the result back"),
                "backward": QT_TRANSLATE_NOOP("run", " during gradviz's own backward pass")}


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class Runner:
    """Starts and talks to the runner process; one per app (see :func:`shared_runner`).

    Parameters
    ----------
    mode : str, optional
        ``"fork"`` (Linux: runs forked from the warm runner) or ``"exec"`` (a fresh
        process per run, started ahead); default: fork where available.
    """

    def __init__(self, mode: str | None = None) -> None:
        self.mode = mode
        self._proc: subprocess.Popen | None = None
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._handles: dict[int, RunHandle] = {}
        self._ids = itertools.count(1)
        self.ready = threading.Event()
        self.info: tuple[Any, ...] = ()  # ("ready", mode, pid) once the runner is warm

    # ----- the runner process --------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        """Start the runner process now, if it is not running (returns at once)."""
        with self._lock:
            if self.alive:
                return
            self.ready.clear()
            early = launch.take_early() if self.mode is None else None
            self._proc = early or launch.spawn_runner(self.mode, language())
            threading.Thread(target=self._read, args=(self._proc,), name="gradviz-runner-reader",
                             daemon=True).start()

    def close(self, timeout: float = 3.0) -> None:
        """Stop every run and the runner process; wait up to ``timeout`` seconds for it to end
        (0: not at all, for a process about to exit: the runner ends its runs and itself
        when its link closes)."""
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            with self._write_lock:
                frames.send_link_frame(proc.stdin.fileno(), 0, frames.FROM_RUNNER, codec.encode(("quit",)))
                proc.stdin.close()
        except (OSError, ValueError):
            pass
        if timeout <= 0:
            return
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    # ----- jobs ------------------------------------------------------------------------------
    def submit(self, job: Job) -> RunHandle:
        """Start ``job`` in a run process of its own; its messages arrive on the handle."""
        return self._start_job(job, codec.encode(("start", job)))

    def submit_small(self, job: Job, max_bytes: int) -> RunHandle | None:
        """:meth:`submit` ``job`` if its frame is at most ``max_bytes`` long, else None: a thread
        that must not block may write that much to the runner's pipe even while it is busy."""
        payload = codec.encode(("start", job))
        return self._start_job(job, payload) if len(payload) <= max_bytes else None

    def _start_job(self, job: Job, payload: bytes) -> RunHandle:
        self.start()
        handle = RunHandle(self, next(self._ids), job)
        with self._lock:
            self._handles[handle.job_id] = handle
        try:
            self._send(handle.job_id, payload, strict=True)
        except OSError as exc:
            self._end(handle, Ending(None, None, f"runner unreachable: {exc}", None, "start", 0.0))
        return handle

    def call(self, job: Job, cancel: threading.Event | None = None,
             on_message: Callable[[str, Any], None] | None = None) -> Any:
        """Run ``job`` and return its result; raise ProgramError (what went wrong, where)
        or RunCancelled. ``on_message`` hears every other message (``forward``, ``wall``…)."""
        return self.collect(self.submit(job), cancel, on_message)

    def collect(self, handle: RunHandle, cancel: threading.Event | None = None,
                on_message: Callable[[str, Any], None] | None = None) -> Any:
        """The result of a job :meth:`submit` started, as :meth:`call` returns it."""
        job = handle.job
        result: list[Any] = []
        failure: Failure | None = None
        try:
            for kind, body in handle.messages(cancel):
                if kind == "result":
                    # The answer: no need to wait for the run process to wind down as well.
                    result.append(body)
                    break
                if kind == "failure":
                    failure = body
                elif kind == "ended":
                    break
                elif on_message is not None:
                    on_message(kind, body)
        except BaseException:
            handle.cancel()  # whoever stopped listening (a cancel, a failing callback) ends the run too
            raise
        if result:
            return result[0]
        error = error_of(failure, handle.ending, job)
        try:
            if error.kind == "cancelled":
                raise RunCancelled(error.message)
            raise error
        finally:
            del error  # a raised exception held by its own frame is a cycle only the collector frees

    def _command(self, job_id: int, command: tuple, strict: bool = False) -> None:
        self._send(job_id, codec.encode(command), strict)

    def _send(self, job_id: int, payload: bytes, strict: bool = False) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None:
            if strict:
                raise OSError("the runner is not running")
            return
        try:
            with self._write_lock:
                frames.send_link_frame(proc.stdin.fileno(), job_id, frames.FROM_RUNNER, payload)
        except (OSError, ValueError):
            if strict:
                raise OSError("the runner is not running") from None

    def _end(self, handle: RunHandle, ending: Ending) -> None:
        with self._lock:
            self._handles.pop(handle.job_id, None)
        handle._put("ended", ending)

    def _read(self, proc: subprocess.Popen) -> None:
        """The reader thread: route each frame to its job until the runner goes away."""
        fd = proc.stdout.fileno()
        try:
            while True:
                frame = frames.read_link_frame(fd)
                if frame is None:
                    break
                self._route(*frame)
        except (OSError, frames.FrameError):
            pass  # the runner is gone or garbled: its runs end below, the next submit starts afresh
        finally:
            with self._lock:
                orphans = list(self._handles.values())
                self._handles.clear()
                if self._proc is proc:
                    self._proc = None
            for handle in orphans:
                handle._put("ended", Ending(None, None, "runner", None, "", 0.0))
            try:
                proc.kill()
            except OSError:
                pass
            proc.wait()
            for pipe in (proc.stdin, proc.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass

    def _route(self, job_id: int, origin: int, payload: bytes) -> None:
        if origin == frames.FROM_RUNNER and job_id == 0:
            message = codec.decode(payload)
            self.info = tuple(message)
            self.ready.set()
            return
        with self._lock:
            handle = self._handles.get(job_id)
        if handle is None or (handle.poisoned and origin == frames.FROM_RUN):
            return
        try:
            message = codec.decode(payload)
            kind, body = message
            if not isinstance(kind, str):
                raise codec.DecodeError("message kind is not a word")
        except (codec.DecodeError, ValueError, TypeError) as exc:
            if origin == frames.FROM_RUNNER:
                raise frames.FrameError("the runner sent a malformed frame") from exc
            handle.poisoned = True
            handle.cancel()  # a run that sends garbage has nothing more worth hearing
            message = translate("run", "the run sent back a malformed message ({error})").format(error=exc)
            handle._put("failure", Failure("crashed", message))
            return
        if origin == frames.FROM_RUNNER:
            if kind == "started":
                handle.pid = body
            elif kind == "ended" and isinstance(body, Ending):
                self._end(handle, body)
            return
        if kind == "ended":  # only the runner says how a run ended
            kind = "forged-ending"
        handle._put(kind, body)


_shared: Runner | None = None
_shared_lock = threading.Lock()


def shared_runner() -> Runner:
    """The process's runner (made on first use; the app starts it early)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Runner()
        return _shared
