"""The runner process: imports torch once, then makes one run process per job.

Started by the app (or the CLI) as ``python -m gradviz.core.run.zygote``; its stdin and
stdout are the link to the app (frames, see :mod:`.frames`). For each job it forks a run
process from itself — warm, torch already imported — that gives up what it never needs
(:mod:`.sandbox`) and runs the job (:mod:`.child`). The runner itself never runs a job and
never decodes what a run sends: it forwards the bytes, counts them, enforces the wall
clock by killing, and reports how each run ended.

Where fork is not available or not safe (macOS, Windows), each run is a fresh
``python -m gradviz.core.run.child`` started ahead of time (see :class:`ExecSpawner`).
"""

from __future__ import annotations

import errno
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from gradviz.core.i18n import preload
from gradviz.core.run import codec, frames
from gradviz.core.run.beacon import Beacon
from gradviz.core.run.launch import LANGUAGE_VARIABLE
from gradviz.core.run.request import Ending, Job, RunLimits

#: How often the runner looks at deadlines when nothing else happens.
TICK_SECONDS = 0.25
#: How long the runner must have been quiet before it forks the next spare run process.
SPARE_QUIET_SECONDS = 0.02
#: How often the loop looks whether the warm-up thread has finished.
WARM_UP_POLL_SECONDS = 0.05
#: Idle seconds after which the runner imports what backward(gradient=...) needs (torch's
#: symbolic shapes and sympy, 0.25-0.4 s), on a thread: a non-scalar output's run (the MLP
#: lesson's) paid that import itself in every run process until the late warm-up below.
SHAPES_IDLE = 0.3
#: Idle seconds after which the runner warms up further (see :func:`late_warm_up`), on a
#: thread of its own: a job comes to the spare meanwhile, but a second one waits for the
#: imports (no fork while they run), so not while runs follow each other closely.
LATE_WARM_UP_IDLE = 1.0


@dataclass
class _Run:
    job_id: int
    job: Job
    pid: int
    result_fd: int
    control_fd: int
    beacon: Beacon | None
    started: float
    deadline: float | None
    proc: subprocess.Popen | None = None
    pidfd: int | None = None
    buffer: frames.RunFrameBuffer = field(default_factory=frames.RunFrameBuffer)
    sent: int = 0
    reason: str = ""  # why the runner killed it
    outbox: bytearray = field(default_factory=bytearray)  # control bytes waiting for room
    result_open: bool = True


#: A run process as the runner holds it: pid, result pipe, control pipe, beacon, Popen.
Spawned = tuple[int, int, int, "Beacon | None", "subprocess.Popen | None"]


class ForkSpawner:
    """Run processes forked from this warm process (Linux), one forked ahead of the next job.

    Forking a process that has torch loaded takes ~8 ms (its page tables), and its first job
    ~8 ms more to touch what it shares with the runner; walling it in 2-5 ms. The spare run
    process does all of it while the runner waits, prepared for jobs like the last one (its
    :attr:`Job.profile`): a job only has to be handed to it.
    """

    name = "fork"

    def __init__(self, readable: tuple[str, ...]) -> None:
        self.readable = readable
        self._spare: Spawned | None = None
        self._spare_profile: tuple | None = None

    @property
    def spare_fds(self) -> tuple[int, ...]:
        return self._spare[1:3] if self._spare is not None else ()

    @property
    def spare_beacon(self) -> Beacon | None:
        return self._spare[3] if self._spare is not None else None

    def warm(self, private: list[int], beacons: tuple[Beacon, ...] = (), template: Job | None = None) -> None:
        """Fork the spare run process now, if there is none, prepared for jobs like ``template``."""
        if self._spare is None:
            self._spare = self._fork(None, private, beacons, template)
            self._spare_profile = template.profile if template is not None else None

    def serves(self, job: Job) -> bool:
        """True when the spare is there and prepared for ``job`` (no fork needed to start it)."""
        return self._spare is not None and self._spare_profile in (None, job.profile)

    def discard(self) -> None:
        """Let the spare go (the runner has since imported more, or is quitting)."""
        spare, self._spare = self._spare, None
        if spare is None:
            return
        pid, result_fd, control_fd, beacon, _ = spare
        _close(control_fd)  # end of file: the spare exits
        _close(result_fd)
        if beacon is not None:
            beacon.close()
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (OSError, ChildProcessError):
            pass

    def spawn(self, job: Job, private: list[int], beacons: tuple[Beacon, ...] = ()) -> Spawned:
        if self._spare is not None and self._spare_profile not in (None, job.profile):
            # Prepared for another language, wall or memory budget: its pipes and line are
            # closed here, and their numbers may come back for the new run's own pipes.
            gone, line = self.spare_fds, self.spare_beacon
            self.discard()
            private = [fd for fd in private if fd not in gone]
            beacons = tuple(b for b in beacons if b is not line)
        spare, self._spare = self._spare, None
        if spare is None:
            return self._fork(job, private, beacons)
        try:
            frames.send_run_frame(spare[2], codec.encode(job))  # the spare is waiting for it
        except OSError:  # it died meanwhile: fork one for this job
            self._spare = spare
            self.discard()
            return self._fork(job, private, beacons)
        return spare

    def _fork(self, job: Job | None, private: list[int], beacons: tuple[Beacon, ...],
              template: Job | None = None) -> Spawned:
        from gradviz.core.run import child

        result_r, result_w = os.pipe()
        control_r, control_w = os.pipe()
        beacon = Beacon()
        pid = os.fork()
        if pid == 0:  # the run process
            try:
                # The link to the app and other runs' pipes are not this run's business:
                # a run that escaped its language must not be able to speak for the runner.
                for fd in (*private, result_r, control_w):
                    _close(fd)
                for other in beacons:  # nor are its siblings' lines
                    other.close()
                child.run_forked(job, result_w, control_r, beacon, self.readable, template)
            finally:
                os._exit(70)
        os.close(result_w)
        os.close(control_r)
        try:
            os.setpgid(pid, pid)  # also done by the run: whichever comes first
        except OSError:
            pass
        return pid, result_r, control_w, beacon, None


class ExecSpawner:
    """Run processes started fresh (no fork), one kept ready ahead of the next job."""

    name = "exec"

    def __init__(self) -> None:
        self._spare: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "gradviz.core.run.child"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, start_new_session=True)

    def warm(self) -> None:
        if self._spare is None or self._spare.poll() is not None:
            self._spare = self._start()

    def spawn(self, job: Job, private: list[int], beacons: tuple[Beacon, ...] = ()) -> Spawned:
        self.warm()
        proc, self._spare = self._spare, None
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        control_fd, result_fd = os.dup(proc.stdin.fileno()), os.dup(proc.stdout.fileno())
        proc.stdin.close()
        proc.stdout.close()
        frames.send_run_frame(control_fd, codec.encode(job))
        self.warm()
        return proc.pid, result_fd, control_fd, None, proc


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


class Zygote:
    """The runner's loop: jobs in from the app, run frames out, deadlines and endings."""

    def __init__(self, link_in: int, link_out: int, spawner: ForkSpawner | ExecSpawner) -> None:
        self.link_in, self.link_out = link_in, link_out
        self.spawner = spawner
        self.runs: dict[int, _Run] = {}
        self.selector = selectors.DefaultSelector()
        self.selector.register(link_in, selectors.EVENT_READ, ("link", None))
        self.link_buffer = bytearray()
        self.quitting = False
        self.warm_for_training = not isinstance(spawner, ForkSpawner)  # fresh processes warm themselves
        self.last_command = time.monotonic()
        self._warming: threading.Thread | None = None  # a warm-up, while it runs
        self._warming_late = False
        self.warm_for_shapes = self.warm_for_training
        self.language = os.environ.get(LANGUAGE_VARIABLE, "en")  # the last job's
        # What the next spare is prepared for: jobs like the last one (at first, a typed program's).
        self.template = Job("capture", None, {}, RunLimits(), wall=True, language=self.language)

    # ----- talking to the app -------------------------------------------------------------
    def tell(self, job_id: int, message: Any) -> None:
        frames.send_link_frame(self.link_out, job_id, frames.FROM_RUNNER, codec.encode(message))

    def _on_link(self) -> None:
        chunk = os.read(self.link_in, 1 << 20)
        if not chunk:
            self.quitting = True  # the app is gone: so are its runs
            return
        self.link_buffer += chunk
        header = frames.LINK_HEADER
        while len(self.link_buffer) >= header.size:
            job_id, _origin, n = header.unpack_from(self.link_buffer, 0)
            if len(self.link_buffer) < header.size + n:
                break
            payload = bytes(self.link_buffer[header.size:header.size + n])
            del self.link_buffer[:header.size + n]
            self._on_command(job_id, codec.decode(payload))

    def _on_command(self, job_id: int, command: Any) -> None:
        self.last_command = time.monotonic()
        verb = command[0]
        if verb == "start":
            self._start(job_id, command[1])
        elif verb == "cancel":
            run = self.runs.get(job_id)
            if run is not None:
                self._kill(run, "cancelled")
        elif verb == "send":
            run = self.runs.get(job_id)
            if run is not None:
                run.outbox += frames.RUN_HEADER.pack(len(command[1])) + command[1]
                self._flush_outbox(run)
        elif verb == "quit":
            self.quitting = True

    # ----- runs -----------------------------------------------------------------------------
    def _private_fds(self) -> list[int]:
        fds = [self.link_in, self.link_out, self.selector.fileno() if hasattr(self.selector, "fileno") else -1]
        for run in self.runs.values():
            # A result pipe already closed (its run's EOF came before its exit) is not this
            # run's any more: its number may be reused, by the very pipes of the run to start.
            fds += [run.result_fd, run.control_fd] if run.result_open else [run.control_fd]
            if run.pidfd is not None:
                fds.append(run.pidfd)
        fds += getattr(self.spawner, "spare_fds", ())
        return [fd for fd in fds if fd >= 0]

    def _beacons(self) -> tuple[Beacon, ...]:
        beacons = [r.beacon for r in self.runs.values() if r.beacon is not None]
        spare = getattr(self.spawner, "spare_beacon", None)
        return tuple(beacons + ([spare] if spare is not None else []))

    def _spare_wanted(self) -> bool:
        return isinstance(self.spawner, ForkSpawner) and self.spawner.spare_beacon is None and self._warming is None

    def _warm_spare(self) -> None:
        """Make the next run process now, while nothing waits for it."""
        if self._warming is not None:
            return  # no fork while a thread imports: the child could inherit a held import lock
        try:
            if isinstance(self.spawner, ForkSpawner):
                self.spawner.warm(self._private_fds(), self._beacons(), self.template)
            else:
                self.spawner.warm()
        except OSError:
            pass  # the next job forks for itself

    def _start(self, job_id: int, job: Job) -> None:
        if job.kind == "train" and not self.warm_for_training:
            self._warm_for_training()
        self.language = job.language
        self.template = Job("capture", None, {}, RunLimits(memory_bytes=job.limits.memory_bytes), wall=job.wall,
                            language=job.language)
        if self._warming is not None and not (isinstance(self.spawner, ForkSpawner) and self.spawner.serves(job)):
            self._end_warm_up()  # this job needs a fork: the imports must be over first
        now = time.monotonic()
        try:
            pid, result_fd, control_fd, beacon, proc = self.spawner.spawn(job, self._private_fds(), self._beacons())
        except OSError as exc:
            self.tell(job_id, ("ended", Ending(None, None, f"spawn failed: {exc}", None, "start", 0.0)))
            return
        os.set_blocking(result_fd, False)
        os.set_blocking(control_fd, False)
        seconds = job.limits.seconds
        run = _Run(job_id, job, pid, result_fd, control_fd, beacon, now, now + seconds if seconds else None,
                   proc=proc)
        self.runs[job_id] = run
        self.selector.register(result_fd, selectors.EVENT_READ, ("result", run))
        if hasattr(os, "pidfd_open"):
            try:
                run.pidfd = os.pidfd_open(pid)
                self.selector.register(run.pidfd, selectors.EVENT_READ, ("exit", run))
            except OSError:
                run.pidfd = None
        self.tell(job_id, ("started", pid))

    def _on_result(self, run: _Run) -> None:
        while True:
            try:
                chunk = os.read(run.result_fd, 1 << 20)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                self._close_result(run)
                return
            run.sent += len(chunk)
            if run.sent > run.job.limits.output_bytes:
                self._kill(run, "output")
                self._close_result(run)
                return
            try:
                payloads = run.buffer.feed(chunk)
            except frames.FrameError:
                self._kill(run, "malformed")
                self._close_result(run)
                return
            for payload in payloads:
                frames.send_link_frame(self.link_out, run.job_id, frames.FROM_RUN, payload)

    def _close_result(self, run: _Run) -> None:
        if run.result_open:
            run.result_open = False
            self.selector.unregister(run.result_fd)
            _close(run.result_fd)

    def _flush_outbox(self, run: _Run) -> None:
        while run.outbox:
            try:
                n = os.write(run.control_fd, run.outbox)
            except BlockingIOError:
                return  # the run is busy; the next tick tries again
            except OSError:
                run.outbox.clear()
                return
            del run.outbox[:n]

    def _kill(self, run: _Run, reason: str) -> None:
        if not run.reason:
            run.reason = reason
        for kill in (lambda: os.killpg(run.pid, signal.SIGKILL), lambda: os.kill(run.pid, signal.SIGKILL)):
            try:
                kill()
                return
            except OSError:
                continue

    def _reap(self, run: _Run, block: bool = False) -> bool:
        """Collect ``run``'s exit status if it has ended; report it and forget the run."""
        try:
            pid, status = os.waitpid(run.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            pid, status = run.pid, 0
        if pid == 0:
            return False
        if run.result_open:
            self._on_result(run)  # what it wrote before it ended comes before its ending
            self._close_result(run)
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        line, stage = run.beacon.read() if run.beacon is not None else (None, "")
        self.tell(run.job_id, ("ended", Ending(code, sig, run.reason, line, stage,
                                              time.monotonic() - run.started, _last_frames(run, sig))))
        self._forget(run)
        return True

    def _warm_for_training(self) -> None:
        """The late warm-up, done now (a training run is about to need it)."""
        self._end_warm_up()
        if not self.warm_for_training:
            self._begin_warm_up(late=True)
            self._end_warm_up()

    def _begin_warm_up(self, late: bool) -> None:
        # On a thread: importing torch._dynamo takes 1-2.5 s, and a job sent meanwhile (the
        # second lesson a teacher opens) waited for all of it behind a blocked loop.
        work = _quiet_late_warm_up if late else _quiet_shapes_warm_up
        self._warming = threading.Thread(target=work, name="gradviz-warm-up", daemon=True)
        self._warming_late = late
        self._warming.start()

    def _end_warm_up(self) -> None:
        """Wait for the warm-up thread; then the next spare is forked with what it imported."""
        if self._warming is None:
            return
        self._warming.join()
        self._warming = None
        self.warm_for_shapes = True
        self.warm_for_training = self.warm_for_training or self._warming_late
        _freeze()
        if isinstance(self.spawner, ForkSpawner):
            self.spawner.discard()  # forked before the imports: the next one has them
            self._warm_spare()

    def _forget(self, run: _Run) -> None:
        if run.pidfd is not None:
            self.selector.unregister(run.pidfd)
            _close(run.pidfd)
        _close(run.control_fd)
        if run.beacon is not None:
            run.beacon.close()
        if run.proc is not None:
            run.proc.returncode = 0  # reaped above; stops Popen's own bookkeeping from waiting
        self.runs.pop(run.job_id, None)

    # ----- the loop -------------------------------------------------------------------------
    def serve(self) -> None:
        self.tell(0, ("ready", self.spawner.name, os.getpid()))
        self._warm_spare()
        while not self.quitting:
            # Without a spare, look again soon: it is made in a quiet moment, not while a run's
            # answer is waiting to be forwarded (a fork holds the runner for ~8 ms).
            timeout = TICK_SECONDS if not self._spare_wanted() else SPARE_QUIET_SECONDS
            if self._warming is not None:
                timeout = min(timeout, WARM_UP_POLL_SECONDS)
            now = time.monotonic()
            for run in self.runs.values():
                if run.deadline is not None and not run.reason:
                    timeout = max(0.0, min(timeout, run.deadline - now))
            try:
                events = self.selector.select(timeout)
            except InterruptedError:
                continue
            if not events and self._spare_wanted():
                self._warm_spare()
            for key, _mask in events:
                what, run = key.data
                if what == "link":
                    self._on_link()
                elif what == "result" and run.job_id in self.runs:
                    self._on_result(run)
                elif what == "exit" and run.job_id in self.runs:
                    self._reap(run, block=True)
            now = time.monotonic()
            for run in list(self.runs.values()):
                if run.deadline is not None and now >= run.deadline and not run.reason:
                    self._kill(run, "timeout")
                if run.outbox:
                    self._flush_outbox(run)
                if run.pidfd is None:
                    self._reap(run)
            if self._warming is None and not self.runs:
                idle = now - self.last_command
                if not self.warm_for_shapes and idle >= SHAPES_IDLE:
                    self._begin_warm_up(late=False)
                elif not self.warm_for_training and idle >= LATE_WARM_UP_IDLE:
                    self._begin_warm_up(late=True)
            if self._warming is not None and not self._warming.is_alive():
                self._end_warm_up()
            if not self.runs and self._warming is None and isinstance(self.spawner, ForkSpawner) \
                    and preload((self.language,)):
                # The app switched language: later runs find its catalogue read, as the first did.
                self.spawner.discard()
                self._warm_spare()
        for run in list(self.runs.values()):
            self._kill(run, "cancelled")
            self._reap(run, block=True)
        if isinstance(self.spawner, ForkSpawner):
            self.spawner.discard()
        # A warm-up thread still importing is a daemon: os._exit ends it with the process.


def warm_up() -> None:
    """Import what every run needs, once, so forked runs start warm."""
    import torch

    from gradviz.core.capture import (
        capture,  # noqa: F401
        user_code,  # noqa: F401 - every run's warnings go through it (8 ms a run, imported there)
    )
    from gradviz.core.checks import (
        gradcheck,  # noqa: F401
        why_none,  # noqa: F401
    )
    from gradviz.core.run import child, jobs  # noqa: F401

    # The catalogue of the language the app speaks, parsed once here rather than in each run.
    preload((os.environ.get(LANGUAGE_VARIABLE, "en"),))
    torch.set_num_threads(1)
    # ATen picks its vectorised kernels (AVX2, AVX512...) on first use, from what it reads
    # of the CPU in /proc and /sys: a walled run cannot read them and got the scalar ones,
    # slower and with other roundings than torch anywhere else. Picked here, before any fork.
    torch.backends.cpu.get_cpu_capability()
    _settle_torch_cache_dir()
    _freeze()


def _freeze() -> None:
    # What the runner holds now is never collected again: a run's collector then never walks
    # (and so never copies, page by page) the objects it shares with the runner.
    import gc

    gc.collect()
    gc.freeze()


def late_warm_up() -> None:
    """Import what only some runs need, once, when the runner has nothing else to do (on a
    thread of the runner's: see ``Zygote._begin_warm_up``).

    torch.optim's first optimizer imports torch._dynamo (1-2.5 s here): done in every run, a
    training run would start that much later each time. Done in :func:`warm_up`, the runner
    would be ready that much later, and with it the app's first graph.
    """
    import torch

    # backward(gradient=...) of a non-scalar output (the MLP lesson's, every vjp) imports
    # this, and sympy with it: 0.25-0.4 s of every such run until the runner has it.
    import torch.fx.experimental.symbolic_shapes

    from gradviz.core.training import job as train_job  # noqa: F401

    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)


def _quiet_shapes_warm_up() -> None:
    try:
        import torch.fx.experimental.symbolic_shapes  # noqa: F401
    except Exception:  # noqa: BLE001 - a run imports what it needs itself, only slower
        pass


def _quiet_late_warm_up() -> None:
    try:
        late_warm_up()
    except Exception:  # noqa: BLE001 - a run imports what it needs itself, only slower
        pass


def _settle_torch_cache_dir() -> None:
    """The temporary directory and torch's cache directory, found and made before any wall.

    A program's first optimizer imports torch._dynamo, which asks ``tempfile`` for the
    temporary directory (tempfile tries writing a file in each candidate) and makes its cache
    directory there. Inside the wall both fail, and so did every program with an optimizer
    that ran before :func:`late_warm_up` ("No usable temporary directory"). Asked here, the
    answer is kept (``tempfile.tempdir``, ``TORCHINDUCTOR_CACHE_DIR``) and the directory
    exists: the run only checks it is there.
    """
    import getpass
    import re
    import tempfile

    try:
        user = getpass.getuser()
    except (KeyError, ImportError, OSError):
        user = "unknown_user"
    try:
        # The directory torch itself would pick (torch/_inductor/runtime/cache_dir_utils.py).
        default = os.path.join(tempfile.gettempdir(), "torchinductor_" + re.sub(r'[\\/:*?"<>|]', "_", user))
        os.makedirs(os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", default), exist_ok=True)
    except OSError:  # no writable temporary directory at all: torch._dynamo fails here as anywhere
        pass


def _last_frames(run: _Run, sig: int | None) -> tuple[tuple[str, int, str, str], ...]:
    """Where in the user's model file a run that crashed or ran out of time was."""
    module = getattr(getattr(run.job, "spec", None), "module", None)
    if module is None or run.beacon is None or (sig is None and run.reason != "timeout"):
        return ()
    from gradviz.core.run.last_words import user_frames

    try:
        return user_frames(run.beacon.last_words(), module.path)
    except Exception:  # noqa: BLE001 - a run's last words are a courtesy: the ending goes out without them
        return ()


def main() -> int:
    link_in, link_out = os.dup(0), os.dup(1)
    # Only frames may reach the app on the link: stray prints and C-level writes (torch's
    # warnings) go to stderr, and runs inherit /dev/null as their stdin.
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the app's terminal is the app's
    # No PR_SET_PDEATHSIG: it fires when the *thread* that started the runner ends (a worker
    # thread, often). When the app dies its end of the link closes, and the loop ends on that.
    mode = os.environ.get("GRADVIZ_RUNNER", "fork" if hasattr(os, "fork") and sys.platform == "linux" else "exec")
    if mode == "fork":
        warm_up()
        from gradviz.core.run.sandbox import default_readable

        spawner: ForkSpawner | ExecSpawner = ForkSpawner(tuple(str(p) for p in default_readable()))
    else:
        spawner = ExecSpawner()
    try:
        Zygote(link_in, link_out, spawner).serve()
    except OSError as exc:
        if exc.errno != errno.EPIPE:  # the app went away mid-message: nothing left to tell
            raise
    return 0


if __name__ == "__main__":
    status = main()
    # Nothing to tidy: every run has been reaped. A normal exit would tear torch down, a
    # second the app (or `gradviz render`) spends waiting for its runner to go.
    sys.stderr.flush()
    os._exit(status)
