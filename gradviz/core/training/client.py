"""The app's side of a training run: a Trainer living in a run process, steered by messages.

:class:`RemoteTrainer` submits a ``train`` job (:mod:`gradviz.core.training.job`) and sends it
Start / Pause / Step / Stop / learning-rate messages; whoever reads its handle's messages
(the panel's link thread, the CLI's loop) passes each to :meth:`RemoteTrainer.receive`,
which keeps what is known about the run and hands the answers to questions
(:meth:`RemoteTrainer.ask`) to their callbacks. Nothing here imports torch or Qt.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from gradviz.core.program.errors import ProgramError
from gradviz.core.run.client import RunHandle, Runner, error_of, shared_runner
from gradviz.core.run.request import Failure, Job, RunLimits
from gradviz.core.training.config import TrainConfig
from gradviz.core.training.records import RecordBatch, TrainInfo
from gradviz.core.training.spec import spec_of

__all__ = ["TRAIN_LIMITS", "RemoteTrainer"]

#: A training run has no wall-clock limit, and may send back far more than a capture over
#: hours of records and pictures: the runner still caps each message.
TRAIN_LIMITS = RunLimits(seconds=0, output_bytes=1 << 50)

Answer = Callable[[bool, Any], None]


class RemoteTrainer:
    """A Trainer made from ``config`` in a run process of its own.

    Parameters
    ----------
    config : TrainConfig
        Its model must be a name or a :class:`~gradviz.core.run.request.ModuleSpec` (whose
        run gets no OS wall: the user's file may read what it likes).
    runner : Runner, optional
        Default: the process's shared runner.
    threads : int
        torch's CPU threads in the run (0: one per core).
    dataset : Dataset, optional
        The config's dataset already made by the caller (a CSV is then not read again).

    Attributes
    ----------
    handle : RunHandle
    info : TrainInfo or None
        Once the run has set its Trainer up.
    steps : int
        The last step whose record arrived.
    done : bool
        Every epoch ran, or the run failed: there is nothing to continue.
    alive : bool
        False once the run process has ended.
    failure : Failure or None
        Why the run could not set up.
    held_at : int or None
        The step a paused run holds at, once it says so (every record up to it has come).

    Raises
    ------
    TrainingError, DatasetError
        When the config cannot travel (a callable model, an unreadable CSV).
    """

    def __init__(self, config: TrainConfig, runner: Runner | None = None, threads: int = 1,
                 dataset: Any = None) -> None:
        self.config = config
        spec = spec_of(config, threads, dataset=dataset)
        self.job = Job("train", spec, limits=TRAIN_LIMITS, wall=not spec.runs_user_code)
        self.info: TrainInfo | None = None
        self.steps = 0
        self.done = False
        self.alive = True
        self.failure: Failure | None = None
        self.outcome = ""  # how the last go/step finished
        self.held_at: int | None = None
        self._asks: dict[int, Answer] = {}
        self._ids = itertools.count(1)
        samples = dataset.y_train if dataset is not None and not isinstance(dataset, str) else None
        self._batches_hint = config.batches_per_epoch(len(samples)) if samples is not None else 0
        self.handle: RunHandle = (runner or shared_runner()).submit(self.job)

    # -- what is known ---------------------------------------------------------------------
    @property
    def total_steps(self) -> int:
        """Optimizer steps in the whole run (known from the config before the run says)."""
        return self.info.total_steps if self.info is not None else self.num_batches * self.config.epochs

    @property
    def num_batches(self) -> int:
        """Batches per epoch."""
        return self.info.num_batches if self.info is not None else self._batches_hint

    def error(self) -> ProgramError:
        """What to tell the user about a run that could not set up or that died."""
        return error_of(self.failure, self.handle.ending, self.job)

    # -- steering --------------------------------------------------------------------------
    def _send(self, *message: Any) -> None:
        if message[0] in ("go", "step", "resume"):
            self.held_at = None  # it moves on
        if self.alive:
            self.handle.send(tuple(message))

    def go(self) -> None:
        """Train until done, paused or stopped (Start, Continue)."""
        self._send("go")

    def step(self) -> None:
        """One batch, then hold (from idle: a held run)."""
        self._send("step")

    def pause(self) -> None:
        """Hold after the current batch."""
        self._send("pause")

    def resume(self) -> None:
        """Let a held run go on."""
        self._send("resume")

    def stop(self) -> None:
        """End the current go after its batch; the Trainer stays for the next go."""
        self._send("stop")

    def set_lr(self, lr: float) -> None:
        """Use learning rate ``lr`` from the next batch on."""
        self._send("lr", float(lr))

    def ask(self, what: str, args: tuple, on_answer: Answer) -> int:
        """Ask the run ``what`` (see :mod:`gradviz.core.training.job`); ``on_answer(ok, value)``
        follows from :meth:`receive` (``value`` is the message when not ok)."""
        ask_id = next(self._ids)
        if not self.alive:
            on_answer(False, self.error().message)
            return ask_id
        self._asks[ask_id] = on_answer
        self._send("ask", ask_id, what, tuple(args))
        return ask_id

    def close(self) -> None:
        """End the run process now (Reset, a new run, the window closing)."""
        if self.alive:
            self.handle.cancel()

    # -- news ------------------------------------------------------------------------------
    def receive(self, kind: str, body: Any) -> None:
        """Take in one message of the run (in the order they came)."""
        if kind == "ready" and isinstance(body, TrainInfo):
            self.info = body
        elif kind == "records" and isinstance(body, RecordBatch):
            self.steps = body.last_step
            self.done = self.done or body.done
        elif kind == "held":
            self.held_at = int(body)
        elif kind == "finished":
            self.outcome = str(body[0])
            self.done = self.done or self.outcome in ("done", "error")
        elif kind == "answer":
            callback = self._asks.pop(body[0], None)
            if callback is not None:
                callback(bool(body[1]), body[2])
        elif kind == "failure" and isinstance(body, Failure):
            self.failure = body
            self.done = True
        elif kind == "ended":
            self.alive = False
            self.done = True
            message = self.error().message
            asks, self._asks = self._asks, {}
            for callback in asks.values():
                callback(False, message)
