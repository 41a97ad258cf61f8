"""``gradviz train``: run a training config headless, with progress on stderr and results on stdout.

The Trainer runs in a run process made by the runner (as the app's does): this process reads
the records it sends, prints them, and writes the CSV and the weights file. Kept out of
gradviz.core (it prints) and free of Qt (it must run on a server). cli.py mounts it with
:func:`add_parser` and dispatches to :func:`run`.
"""

from __future__ import annotations

import argparse
import sys
import time

from gradviz.core.i18n import translate
from gradviz.core.training.config import (
    ACTIVATIONS,
    DEVICES,
    LESSONS,
    LOSSES,
    MODELS,
    OPTIMIZERS,
    TrainConfig,
    TrainingError,
    lesson_config,
)
from gradviz.core.training.datasets import DATASETS, DatasetError, get_dataset

__all__ = ["add_parser", "run"]

# Option dest → TrainConfig field, for the options that map one to one.
_FIELDS = {"model": "model", "hidden": "hidden", "activation": "activation", "loss": "loss",
           "optimizer": "optimizer", "lr": "lr", "momentum": "momentum", "weight_decay": "weight_decay",
           "batch_size": "batch_size", "epochs": "epochs", "schedule": "schedule", "gamma": "gamma",
           "step_size": "step_size", "seed": "seed", "shuffle": "shuffle", "drop_last": "drop_last",
           "device": "device"}


def _hidden(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        raise argparse.ArgumentTypeError(translate("train_cli", "expected sizes like 16,16, not {text!r}").format(
            text=text)) from None
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(translate("train_cli", "hidden sizes must be positive"))
    return sizes


def _model(text: str):
    if text in MODELS:
        return text
    from gradviz.core.capture.module_spec import ModuleLoadError, parse_spec
    from gradviz.core.run.request import ModuleSpec

    try:
        path, class_name = parse_spec(text)
    except ModuleLoadError:
        message = translate("train_cli", "expected one of {models} or path.py:ClassName, not {text!r}")
        raise argparse.ArgumentTypeError(message.format(models=", ".join(MODELS), text=text)) from None
    return ModuleSpec(str(path.resolve()), class_name)


def _batch(text: str) -> int | str:
    if text.lower() in ("full", "all", "none"):
        return "full"  # not None: None means "not given" to _config
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(translate("train_cli", "expected a number or 'full', not {text!r}").format(
            text=text)) from None


def _seed(text: str) -> int | None:
    if text.lower() == "none":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(translate("train_cli", "expected an integer or 'none', not {text!r}").format(
            text=text)) from None


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``train`` subcommand to an argparse ``subparsers`` object and return its parser.

    Every option defaults to None so that :func:`run` can tell what was given: with ``--lesson``
    the lesson's config is the base and only the options given change it.
    """
    p = subparsers.add_parser(
        "train", help=translate("train_cli", "train a toy network headless"),
        description=translate("train_cli", "Train a toy network without the GUI. With --lesson, the lesson's "
                                           "settings are used and any other option given overrides them."))
    add = p.add_argument
    add("--dataset", help=translate("train_cli", "{datasets} or a path to a .csv file (default toy)").format(
        datasets="|".join(DATASETS)))
    add("--lesson", choices=sorted(LESSONS), help=translate("train_cli", "start from a training lesson's settings"))
    add("--model", type=_model, metavar="MODEL",
        help=translate("train_cli", "{models} or path.py:ClassName, a module of your own made with no arguments "
                                    "(default mlp)").format(models="|".join(MODELS)))
    add("--hidden", type=_hidden, metavar="N,N",
        help=translate("train_cli", "hidden layer sizes of the mlp, e.g. 16,16"))
    add("--activation", choices=ACTIVATIONS)
    add("--loss", choices=LOSSES)
    add("--optimizer", choices=OPTIMIZERS)
    add("--lr", type=float, help=translate("train_cli", "learning rate"))
    add("--momentum", type=float)
    add("--weight-decay", type=float)
    add("--batch-size", type=_batch, help=translate("train_cli", "a number, or 'full' for the whole training set"))
    add("--epochs", type=int)
    add("--schedule", choices=("step", "exponential"), help=translate("train_cli", "learning-rate schedule per epoch"))
    add("--gamma", type=float, help=translate("train_cli", "schedule factor"))
    add("--step-size", type=int, help=translate("train_cli", "epochs between steps of the 'step' schedule"))
    add("--seed", type=_seed, help=translate("train_cli", "an integer, or 'none' for a random run"))
    add("--shuffle", action=argparse.BooleanOptionalAction, default=None)
    add("--drop-last", action=argparse.BooleanOptionalAction, default=None)
    add("--device", help=translate("train_cli", "{devices} (default auto)").format(devices="|".join(DEVICES)))
    add("--threads", type=int, default=1,
        help=translate("train_cli", "torch CPU threads in the run; 0: one per core (default 1: toy networks run "
                                    "fastest on one)"))
    add("--every-batch", action="store_true",
        help=translate("train_cli", "print each batch's loss, not only each epoch's"))
    add("--csv", metavar="OUT.csv", help=translate("train_cli", "write the loss history, one row per batch"))
    add("--save-weights", metavar="OUT.pt", help=translate("train_cli", "save the trained state_dict"))
    return p


def _config(args: argparse.Namespace) -> TrainConfig:
    base = lesson_config(args.lesson) if getattr(args, "lesson", None) else TrainConfig()
    changes = {field: getattr(args, dest) for dest, field in _FIELDS.items()
               if getattr(args, dest, None) is not None}
    if changes.get("batch_size") == "full":
        changes["batch_size"] = None
    dataset = getattr(args, "dataset", None)
    if dataset:
        if dataset.lower().endswith(".csv"):
            get_dataset(dataset)  # read here, where its problems are reported with their line
        elif dataset not in DATASETS:
            get_dataset(dataset)  # raises: unknown dataset
        changes["dataset"] = dataset
    elif not getattr(args, "lesson", None):
        changes["dataset"] = "toy"
    return base.replace(**changes)


def _fmt(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


class _Progress:
    """A bar redrawn in place on a terminal; one line per epoch when stderr is a file or pipe."""

    def __init__(self, stream, total: int) -> None:
        self.stream, self.total = stream, total
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._last = 0.0

    def update(self, r, epochs: int) -> None:
        if self.tty:
            now = time.monotonic()
            if now - self._last < 0.1 and not r.epoch_end:
                return  # redrawing faster than the eye reads only costs time
            self._last = now
            filled = int(30 * r.step / self.total)
            where = translate("train_cli", "epoch {epoch}/{epochs} step {step}/{steps} loss {loss:.4f}").format(
                epoch=r.epoch, epochs=epochs, step=r.step, steps=self.total, loss=r.train_loss)
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {where}")
            if r.done:
                self.stream.write("\n")
        elif r.epoch_end:
            self.stream.write(translate("train_cli", "epoch {epoch}/{epochs} done, {step}/{steps} steps, {seconds:.1f} "
                                                     "s").format(epoch=r.epoch, epochs=epochs, step=r.step,
                                                                 steps=self.total, seconds=r.elapsed) + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _print_header(out, config: TrainConfig, info) -> None:
    model = config.model if isinstance(config.model, str) else "custom"
    out.write(translate("train_cli", "training {model} model on {dataset!r} ({train} train / {test} test) on "
                                     "{device}, {epochs} epochs x {batches} batches").format(
        model=model, dataset=info.dataset, train=info.train_samples, test=info.test_samples, device=info.device,
        epochs=config.epochs, batches=info.num_batches) + "\n")
    out.flush()


def _print_epoch(out, r, config: TrainConfig, classification: bool) -> None:
    out.write(translate("train_cli", "epoch {epoch}/{epochs}  train loss {train}  test loss {test}").format(
        epoch=r.epoch, epochs=config.epochs, train=_fmt(r.epoch_loss), test=_fmt(r.test_loss)))
    if classification:
        out.write(translate("train_cli", "  train acc {train}  test acc {test}").format(
            train=_fmt(r.train_acc, 3), test=_fmt(r.test_acc, 3)))
    out.write("\n")
    out.flush()


def _train(trainer, args: argparse.Namespace, out, err, records: list) -> int:
    """Read the run's messages until its go finishes; print as they come; return the status."""
    from gradviz.core.training.records import RecordBatch

    config = trainer.config
    progress = None
    for kind, body in trainer.handle.messages():
        trainer.receive(kind, body)
        if kind == "ready":
            _print_header(out, config, body)
            progress = _Progress(err, body.total_steps)
        elif kind == "records" and isinstance(body, RecordBatch):
            classification = trainer.info is not None and trainer.info.task == "classification"
            for r in body.records():
                records.append(r)
                if progress is not None:
                    progress.update(r, config.epochs)
                if args.every_batch:
                    out.write(translate("train_cli", "epoch {epoch} batch {batch}/{batches} loss {loss:.4f}").format(
                        epoch=r.epoch, batch=r.batch, batches=trainer.num_batches, loss=r.train_loss) + "\n")
                if r.epoch_end:
                    _print_epoch(out, r, config, classification)
        elif kind == "finished":
            outcome, message = body[0], body[1]
            if outcome == "error":
                if progress is not None:
                    progress.close()
                _error(err, message)
                return 2
            return 0
        elif kind in ("failure", "ended"):
            _error(err, trainer.error().message)
            return 2
    return 2


def _error(err, message: object) -> None:
    err.write(translate("train_cli", "gradviz train: error: {message}").format(message=message) + "\n")


def _weights(trainer) -> dict:
    """The trained weights, asked of the run (reading its messages until the answer comes)."""
    answer: list = []
    trainer.ask("weights", (), lambda ok, value: answer.append((ok, value)))
    for kind, body in trainer.handle.messages():
        trainer.receive(kind, body)
        if answer:
            break
    if not answer or not answer[0][0]:
        raise TrainingError(answer[0][1] if answer else translate("train_cli", "the run ended before sending its "
                                                                               "weights"))
    return answer[0][1]


def run(args: argparse.Namespace) -> int:
    """Run ``gradviz train`` with parsed ``args``; return the exit status.

    Returns
    -------
    int
        0 on success, 2 for bad input (unknown dataset, bad CSV, unusable device, NaN loss…)
        after a one-line message on stderr, 130 when interrupted.
    """
    from gradviz.core.run.client import shared_runner
    from gradviz.core.training.client import RemoteTrainer
    from gradviz.core.training.records import write_history_csv
    from gradviz.core.training.weights_files import save_weights_file

    out, err = sys.stdout, sys.stderr
    runner = shared_runner()
    ours = not runner.alive
    runner.start()  # torch loads in the runner while this process reads the settings
    trainer = None
    try:
        try:
            config = _config(args)
            trainer = RemoteTrainer(config, runner, threads=args.threads)
        except (DatasetError, TrainingError) as exc:
            _error(err, exc)
            return 2
        trainer.go()
        records: list = []
        try:
            status = _train(trainer, args, out, err, records)
        except KeyboardInterrupt:
            err.write("\n" + translate("train_cli", "gradviz train: interrupted") + "\n")
            return 130
        last = records[-1] if records else None
        if last is not None and last.epoch_end and status == 0:
            if trainer.info is not None and trainer.info.task == "classification":
                out.write(translate("train_cli", "final accuracy: train {train}  test {test}").format(
                    train=_fmt(last.train_acc), test=_fmt(last.test_acc)) + "\n")
            else:
                out.write(translate("train_cli", "final loss: train {train}  test {test}").format(
                    train=_fmt(last.epoch_loss), test=_fmt(last.test_loss)) + "\n")
        try:
            if args.csv:
                rows = write_history_csv(records, args.csv)
                out.write(translate("train_cli", "wrote {rows} rows to {path}").format(rows=rows, path=args.csv) + "\n")
            if args.save_weights and status == 0:
                save_weights_file(_weights(trainer), args.save_weights)
                out.write(translate("train_cli", "saved weights to {path}").format(path=args.save_weights) + "\n")
        except TrainingError as exc:
            _error(err, exc)
            return 2
        return status
    finally:
        if trainer is not None:
            trainer.close()
        if ours:
            runner.close()
