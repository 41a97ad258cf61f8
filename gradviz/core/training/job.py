"""The ``train`` job: a Trainer in its run process, steered by the app's messages.

The run sets its Trainer up, says ``("ready", TrainInfo)``, then waits for the app. Messages
from the app (``handle.send``), each a tuple:

``("go",)``            train until done, paused or stopped (Start / Continue)
``("step",)``          one batch, then hold (Step; from idle, a held run)
``("pause",)``, ``("resume",)``, ``("stop",)``
``("lr", value)``      the learning rate from the next batch on
``("ask", id, what, args)``  answered ``("answer", (id, True, value))`` or
                       ``("answer", (id, False, message))``; ``what`` is ``"grid"``
                       (xmin, xmax, ymin, ymax, n), ``"predict"`` (xs,), ``"weights"`` (),
                       ``"load"`` (state, source) or ``"step_graph"`` () — or (step,): that step's graph
``("quit",)``

Between batches it reads them without blocking, and blocks on them while held. It sends
``("records", RecordBatch)`` every ~50 ms of training and whenever it holds or ends,
``("held", step)`` once its records up to ``step`` are sent and it waits (paused, or its
Step done), and ``("finished", (outcome, message, step))`` when a go/step ends: "done",
"stopped" or "error" (a NaN loss, say). The Trainer stays for the next go until the app quits or kills
the run: Stop then Continue goes on with the same model.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from typing import Any

from gradviz.core.run import beacon
from gradviz.core.run.request import Failure, Job
from gradviz.core.training.config import TrainingError
from gradviz.core.training.datasets import DatasetError
from gradviz.core.training.records import TrainInfo
from gradviz.core.training.spec import TrainSpec, config_of
from gradviz.core.training.trainer import Trainer

__all__ = ["FLUSH_RECORDS", "FLUSH_SECONDS", "TrainLoop", "info_of", "run"]

#: The weights and batches kept for drawing past steps' graphs (clicking the loss curve).
HISTORY_BYTES = 64 << 20
#: Records are sent at least this often while training, and in batches of at most FLUSH_RECORDS.
FLUSH_SECONDS = 0.05
FLUSH_RECORDS = 2000

Send = Callable[[str, Any], None]


def info_of(trainer: Trainer) -> TrainInfo:
    """What the app needs to know about a Trainer made in a run."""
    data = trainer.dataset
    return TrainInfo(total_steps=trainer.total_steps, num_batches=trainer.num_batches,
                     epochs=trainer.config.epochs, steps_done=trainer.steps_done, device=str(trainer.device),
                     lr=trainer.lr, dataset=data.name, task=data.task, train_samples=len(data.y_train),
                     test_samples=len(data.y_test), parameters=trainer.state_layout())


def run(job: Job, send: Send, control: Any) -> None:
    """The whole ``train`` job (see the module's docstring)."""
    spec: TrainSpec = job.spec
    if spec.threads != 1:
        import torch

        torch.set_num_threads(spec.threads if spec.threads > 0 else max(1, len(os.sched_getaffinity(0))))
    beacon.note_stage("load" if spec.runs_user_code else "build")
    try:
        trainer = Trainer(config_of(spec))
    except (TrainingError, DatasetError) as exc:
        send("failure", Failure("training", str(exc), stage="start"))
        return
    except Exception as exc:  # noqa: BLE001 - a user's model can fail in any way: reported, not a crash
        send("failure", Failure("training", f"{type(exc).__name__}: {exc}", stage="start"))
        return
    trainer.log.keep = False  # the app keeps the records; the run forgets them once sent
    trainer.keep_history(HISTORY_BYTES)  # any point of the loss curve can show its graph
    send("ready", info_of(trainer))
    # What the runner imported stays for the run's life: the collector need not walk it again.
    gc.freeze()
    beacon.note_stage("train")
    TrainLoop(trainer, send, control).serve()


class TrainLoop:
    """Runs the Trainer as the app's messages say (see the module's docstring)."""

    def __init__(self, trainer: Trainer, send: Send, control: Any) -> None:
        self.trainer, self.send, self.control = trainer, send, control
        self.session = False  # inside a go/step, until it finishes
        self.paused = False
        self.steps_wanted = 0  # batches asked for by Step while held
        self.quit = False
        self._flushed_at = time.perf_counter()
        self._held_at = -1

    def serve(self) -> None:
        """Until the app says quit (or its end of the link closes)."""
        while not self.quit:
            if self.session and (not self.paused or self.steps_wanted):
                self._train()
                continue
            self._flush()
            if self.session and self._held_at != self.trainer.steps_done:
                # Held (paused, or its Step done): the app knows every record has arrived.
                self._held_at = self.trainer.steps_done
                self.send("held", self._held_at)
            message = self.control.read(block=True)
            if message is None:
                return  # the app went away
            self._on(message)

    def _train(self) -> None:
        """Batches until one needs attention: a hold, the end, or the app went away."""
        trainer, read = self.trainer, self.control.read
        flush_due = self._flushed_at + FLUSH_SECONDS
        while self.session and (not self.paused or self.steps_wanted) and not self.quit:
            if self.paused:
                self.steps_wanted -= 1
            try:
                trainer.advance()
            except TrainingError as exc:
                self._finish("error", str(exc))
                return
            except Exception as exc:  # noqa: BLE001 - a user's model can fail in any way
                self._finish("error", f"{type(exc).__name__}: {exc}")
                return
            if trainer.done:
                self._finish("done")
                return
            now = time.perf_counter()
            if now >= flush_due or trainer.log.pending >= FLUSH_RECORDS:
                self._flush(now)
                flush_due = now + FLUSH_SECONDS
            # One read() a batch: a system call that finds the pipe empty (~1 µs).
            message = read(False)
            while message is not None:
                self._on(message)
                message = read(False)

    def _flush(self, now: float | None = None) -> None:
        batch = self.trainer.take_records()
        if batch is not None:
            self.send("records", batch)
        self._flushed_at = time.perf_counter() if now is None else now

    def _finish(self, outcome: str, message: str = "") -> None:
        self._flush()
        self.session, self.paused, self.steps_wanted = False, False, 0
        self.send("finished", (outcome, message, self.trainer.steps_done))

    def _on(self, message: Any) -> None:
        if not isinstance(message, tuple) or not message or not isinstance(message[0], str):
            return
        word, args = message[0], message[1:]
        if word in ("go", "step", "resume"):
            self._held_at = -1  # the app forgets where it held: say it again at the next hold
        if word == "go":
            if not self.session:
                self.session, self.paused, self.steps_wanted = True, False, 0
                if self.trainer.done:
                    self._finish("done")
        elif word == "step":
            if not self.session:
                self.session, self.paused, self.steps_wanted = True, True, 1
                if self.trainer.done:
                    self._finish("done")
            elif self.paused:
                self.steps_wanted += 1
        elif word == "pause":
            if self.session:
                self.paused, self.steps_wanted = True, 0
        elif word == "resume":
            self.paused, self.steps_wanted = False, 0
        elif word == "stop":
            if self.session:
                self._finish("stopped")
        elif word == "lr" and args:
            self.trainer.set_lr(float(args[0]))
        elif word == "ask" and len(args) == 3:
            self._answer(*args)
        elif word == "quit":
            self._flush()
            self.quit = True

    def _answer(self, ask_id: Any, what: str, args: Any) -> None:
        self._flush()  # the answer follows the records of the steps it reflects
        trainer = self.trainer
        try:
            if what == "grid":
                value: Any = trainer.predict_grid(*args)
            elif what == "predict":
                value = trainer.predict(args[0])
            elif what == "weights":
                value = trainer.state_arrays()
            elif what == "load":
                trainer.load_state(args[0], args[1])
                value = True
            elif what == "step_graph":
                from gradviz.core.training.step_graph import capture_training_step

                value = capture_training_step(trainer, int(args[0]) if args else None)
            else:
                raise TrainingError(f"a run cannot answer {what!r}")
        except (TrainingError, DatasetError) as exc:
            self.send("answer", (ask_id, False, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - the run goes on; the app hears what failed
            self.send("answer", (ask_id, False, f"{type(exc).__name__}: {exc}"))
            return
        self.send("answer", (ask_id, True, value))
