"""``gradviz train``: run a training config headless, with progress on stderr and results on stdout.

Kept out of gradviz.core (it prints) and free of Qt (it must run on a server). cli.py mounts it
with :func:`add_parser` and dispatches to :func:`run`.
"""

from __future__ import annotations

import argparse
import sys
import time

import torch

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
from gradviz.core.training.trainer import Trainer

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
        raise argparse.ArgumentTypeError(f"expected sizes like 16,16, not {text!r}") from None
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError("hidden sizes must be positive")
    return sizes


def _batch(text: str) -> int | str:
    if text.lower() in ("full", "all", "none"):
        return "full"  # not None: None means "not given" to _config
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'full', not {text!r}") from None


def _seed(text: str) -> int | None:
    if text.lower() == "none":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer or 'none', not {text!r}") from None


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``train`` subcommand to an argparse ``subparsers`` object and return its parser.

    Every option defaults to None so that :func:`run` can tell what was given: with ``--lesson``
    the lesson's config is the base and only the options given change it.
    """
    p = subparsers.add_parser(
        "train", help="train a toy network headless",
        description="Train a toy network without the GUI. With --lesson, the lesson's settings are "
                    "used and any other option given overrides them.")
    add = p.add_argument
    add("--dataset", help=f"{'|'.join(DATASETS)} or a path to a .csv file (default toy)")
    add("--lesson", choices=sorted(LESSONS), help="start from a training lesson's settings")
    add("--model", choices=MODELS, help="default mlp")
    add("--hidden", type=_hidden, metavar="N,N", help="hidden layer sizes of the mlp, e.g. 16,16")
    add("--activation", choices=ACTIVATIONS)
    add("--loss", choices=LOSSES)
    add("--optimizer", choices=OPTIMIZERS)
    add("--lr", type=float, help="learning rate")
    add("--momentum", type=float)
    add("--weight-decay", type=float)
    add("--batch-size", type=_batch, help="a number, or 'full' for the whole training set")
    add("--epochs", type=int)
    add("--schedule", choices=("step", "exponential"), help="learning-rate schedule per epoch")
    add("--gamma", type=float, help="schedule factor")
    add("--step-size", type=int, help="epochs between steps of the 'step' schedule")
    add("--seed", type=_seed, help="an integer, or 'none' for a random run")
    add("--shuffle", action=argparse.BooleanOptionalAction, default=None)
    add("--drop-last", action=argparse.BooleanOptionalAction, default=None)
    add("--device", help=f"{'|'.join(DEVICES)} (default auto)")
    add("--threads", type=int, default=1,
        help="torch CPU threads; 0 keeps torch's choice (default 1: toy networks run fastest on one)")
    add("--every-batch", action="store_true", help="print each batch's loss, not only each epoch's")
    add("--csv", metavar="OUT.csv", help="write the loss history, one row per batch")
    add("--save-weights", metavar="OUT.pt", help="save the trained state_dict")
    return p


def _config(args: argparse.Namespace) -> TrainConfig:
    base = lesson_config(args.lesson) if getattr(args, "lesson", None) else TrainConfig()
    changes = {field: getattr(args, dest) for dest, field in _FIELDS.items()
               if getattr(args, dest, None) is not None}
    if changes.get("batch_size") == "full":
        changes["batch_size"] = None
    if getattr(args, "dataset", None):
        changes["dataset"] = get_dataset(args.dataset)
    elif not getattr(args, "lesson", None):
        changes["dataset"] = get_dataset("toy")
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
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] epoch {r.epoch}/{epochs} "
                              f"step {r.step}/{self.total} loss {r.train_loss:.4f}")
            if r.done:
                self.stream.write("\n")
        elif r.epoch_end:
            self.stream.write(f"epoch {r.epoch}/{epochs} done, {r.step}/{self.total} steps, {r.elapsed:.1f} s\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    """Run ``gradviz train`` with parsed ``args``; return the exit status.

    Returns
    -------
    int
        0 on success, 2 for bad input (unknown dataset, bad CSV, unusable device, NaN loss…)
        after a one-line message on stderr, 130 when interrupted.
    """
    out, err = sys.stdout, sys.stderr
    try:
        if args.threads and args.threads > 0:
            torch.set_num_threads(args.threads)
        config = _config(args)
        trainer = Trainer(config)
    except (DatasetError, TrainingError) as exc:
        err.write(f"gradviz train: error: {exc}\n")
        return 2
    data = trainer.dataset
    out.write(f"training {config.model if isinstance(config.model, str) else 'custom'} model on "
              f"{data.name!r} ({len(data.y_train)} train / {len(data.y_test)} test) on {trainer.device}, "
              f"{config.epochs} epochs x {trainer.num_batches} batches\n")
    progress = _Progress(err, trainer.total_steps)
    status, last = 0, None
    try:
        for r in trainer.run():
            last = r
            progress.update(r, config.epochs)
            if args.every_batch:
                out.write(f"epoch {r.epoch} batch {r.batch}/{trainer.num_batches} loss {r.train_loss:.4f}\n")
            if r.epoch_end:
                out.write(f"epoch {r.epoch}/{config.epochs}  train loss {_fmt(r.epoch_loss)}  "
                          f"test loss {_fmt(r.test_loss)}")
                if data.task == "classification":
                    out.write(f"  train acc {_fmt(r.train_acc, 3)}  test acc {_fmt(r.test_acc, 3)}")
                out.write("\n")
                out.flush()
    except TrainingError as exc:
        progress.close()
        err.write(f"gradviz train: error: {exc}\n")
        status = 2
    except KeyboardInterrupt:
        progress.close()
        err.write("gradviz train: interrupted\n")
        status = 130
    if last is not None and last.epoch_end and status == 0:
        if data.task == "classification":
            out.write(f"final accuracy: train {_fmt(last.train_acc)}  test {_fmt(last.test_acc)}\n")
        else:
            out.write(f"final loss: train {_fmt(last.epoch_loss)}  test {_fmt(last.test_loss)}\n")
    try:
        if args.csv:
            trainer.history_csv(args.csv)
            out.write(f"wrote {len(trainer.history)} rows to {args.csv}\n")
        if args.save_weights and status == 0:
            trainer.save_weights(args.save_weights)
            out.write(f"saved weights to {args.save_weights}\n")
    except TrainingError as exc:
        err.write(f"gradviz train: error: {exc}\n")
        return 2
    return status
