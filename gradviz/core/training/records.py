"""What a training run sends back: its records as columns, what it is, and the history as CSV.

Torch-free: the app decodes these (see :mod:`gradviz.core.run.messages`) and never needs the
live model. A run sends its records in batches (:class:`RecordBatch`), a few arrays for
hundreds of batches: one :class:`~gradviz.core.training.config.Record` message per optimizer
step would cost the run more than some steps do.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from gradviz.core.i18n import translate
from gradviz.core.training.config import Record, TrainingError

__all__ = ["CSV_FIELDS", "RecordBatch", "TrainInfo", "write_history_csv"]

CSV_FIELDS = ("epoch", "batch", "step", "train_loss", "epoch_loss", "test_loss", "train_acc", "test_acc",
              "lr", "elapsed")

#: An epoch's evaluation on the step that ends it: (row in the batch, epoch_loss, test_loss,
#: train_acc, test_acc); None where there is nothing to say (no test set, no classes).
EpochEnd = tuple[int, float, float | None, float | None, float | None]


@dataclass(frozen=True)
class RecordBatch:
    """Consecutive Records as columns: row ``i`` is optimizer step ``first_step + i``.

    ``grad_norms[i, k]`` is the L2 norm of parameter ``norm_names[k]``'s gradient at row
    ``i``, or -1 where that parameter got no gradient. ``done`` marks the last row as the
    run's last step.
    """

    first_step: int
    epoch: np.ndarray
    batch: np.ndarray
    train_loss: np.ndarray
    lr: np.ndarray
    elapsed: np.ndarray
    norm_names: tuple[str, ...]
    grad_norms: np.ndarray
    ends: tuple[EpochEnd, ...]
    done: bool

    def __post_init__(self) -> None:
        # Checked here, so a malformed batch from a run is refused when decoded, not when drawn.
        n = len(self.train_loss)
        if self.first_step < 1:
            raise ValueError("steps are numbered from 1")
        for name in ("epoch", "batch", "train_loss", "lr", "elapsed"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"column {name} does not have {n} rows")
        if self.grad_norms.shape != (n, len(self.norm_names)):
            raise ValueError("grad_norms does not match its rows and names")
        if any(not 0 <= end[0] < n for end in self.ends):
            raise ValueError("an epoch end outside the batch")

    def __len__(self) -> int:
        return len(self.train_loss)

    @property
    def last_step(self) -> int:
        """The step number of the last row."""
        return self.first_step + len(self) - 1

    def records(self) -> list[Record]:
        """The rows as Records (Python numbers only)."""
        ends = {end[0]: end[1:] for end in self.ends}
        names = self.norm_names
        norms = self.grad_norms.tolist()
        out = []
        last = len(self) - 1
        for i, (epoch, batch, loss, lr, elapsed) in enumerate(zip(
                self.epoch.tolist(), self.batch.tolist(), self.train_loss.tolist(), self.lr.tolist(),
                self.elapsed.tolist())):
            fields = dict(epoch=int(epoch), batch=int(batch), step=self.first_step + i, train_loss=float(loss),
                          grad_norms={n: v for n, v in zip(names, norms[i]) if v >= 0 or math.isnan(v)},
                          lr=float(lr), elapsed=float(elapsed), done=self.done and i == last)
            end = ends.get(i)
            if end is not None:
                fields.update(epoch_loss=end[0], test_loss=end[1], train_acc=end[2], test_acc=end[3])
            out.append(Record.fast(fields))
        return out


@dataclass(frozen=True)
class TrainInfo:
    """What a run process set up, sent once its Trainer is made (before any step).

    ``parameters`` lists the model's ``state_dict``: (name, shape, dtype) each, so the app
    can tell a weights file that does not fit before sending it.
    """

    total_steps: int
    num_batches: int
    epochs: int
    steps_done: int
    device: str
    lr: float
    dataset: str
    task: str
    train_samples: int
    test_samples: int
    parameters: tuple[tuple[str, tuple[int, ...], str], ...]


def _cell(value) -> object:
    return "" if value is None else value


def write_history_csv(records: Iterable[Record] | Sequence[Record], path) -> int:
    """Write one row per record (epoch, batch, step, losses, accuracies, lr, elapsed); return the rows.

    Raises
    ------
    TrainingError
        When the file cannot be written.
    """
    rows = list(records)
    try:
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_FIELDS)
            for r in rows:
                writer.writerow([_cell(getattr(r, f)) for f in CSV_FIELDS])
    except OSError as exc:
        raise TrainingError(translate("training", "cannot write {path}: {error}").format(
            path=path, error=exc.strerror or exc)) from None
    return len(rows)
