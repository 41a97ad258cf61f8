"""A Trainer's records, kept as columns as the steps run and handed out in batches.

Per step the log appends five numbers and keeps the step's gradient tensors; the gradient
norms are computed later, for many steps at once, when records are taken (one stacked norm
per parameter instead of a norm kernel per parameter per step: the per-step norms were a
tenth of a toy network's step). Optimizers do not write into ``.grad`` tensors, and the
Trainer sets ``.grad`` to None before each backward, so a kept gradient never changes.
"""

from __future__ import annotations

import numpy as np
import torch

from gradviz.core.training.config import Record
from gradviz.core.training.records import RecordBatch

__all__ = ["TrainLog"]

#: Gradients kept for later norms beyond this many bytes are normed at once (a big model's
#: gradients are megabytes a step).
PENDING_GRAD_BYTES = 8 << 20


class TrainLog:
    """Columns of every step so far; ``names`` are the parameters whose gradient norms are logged."""

    def __init__(self, names: tuple[str, ...], keep: bool = True) -> None:
        self.names = names
        self.keep = keep  # False: rows handed out by take() are forgotten (a run process's log)
        self.offset = 0  # rows forgotten so far: row i is step offset + i + 1
        self.epoch: list[int] = []
        self.batch: list[int] = []
        self.loss: list[float] = []
        self.lr: list[float] = []
        self.elapsed: list[float] = []
        self.norms: list[list[float]] = []  # rows normed so far
        self.ends: dict[int, tuple] = {}  # row -> (epoch_loss, test_loss, train_acc, test_acc)
        self.done_at: int | None = None
        self.taken = 0  # rows handed out by take()
        self._grads: list[list[torch.Tensor | None]] = []  # rows waiting for their norms
        self._grad_bytes = 0
        self._records: list[Record] = []

    def __len__(self) -> int:
        """Steps logged since the start (forgotten ones included)."""
        return self.offset + len(self.loss)

    @property
    def pending(self) -> int:
        """Steps logged and not yet taken."""
        return len(self.loss) - self.taken

    def add(self, epoch: int, batch: int, loss: float, lr: float, elapsed: float,
            grads: list[torch.Tensor | None]) -> None:
        """Log one step; ``grads`` are its parameters' ``.grad`` tensors, in ``names`` order."""
        self.epoch.append(epoch)
        self.batch.append(batch)
        self.loss.append(loss)
        self.lr.append(lr)
        self.elapsed.append(elapsed)
        self._grads.append(grads)
        if self._grad_bytes >= 0:
            if not self._grad_bytes:
                self._grad_bytes = -1 if not grads else sum(
                    g.numel() * g.element_size() for g in grads if g is not None) or -1
            if len(self._grads) * self._grad_bytes > PENDING_GRAD_BYTES:
                self._norm_pending()

    def end_epoch(self, epoch_loss: float, test_loss: float | None, train_acc: float | None,
                  test_acc: float | None, done: bool) -> None:
        """Attach the epoch's evaluation to the last step logged."""
        row = len(self.loss) - 1
        self.ends[row] = (epoch_loss, test_loss, train_acc, test_acc)
        if done:
            self.done_at = row

    def _norm_pending(self) -> None:
        grads = self._grads
        if not grads:
            return
        self._grads = []
        columns = []
        for k in range(len(self.names)):
            column = [row[k] for row in grads]
            if all(g is not None for g in column):
                columns.append(torch.linalg.vector_norm(torch.stack(column).reshape(len(column), -1), dim=1).double())
            else:  # a parameter unused by some steps: -1 where it got no gradient
                columns.append(torch.tensor([-1.0 if g is None else float(torch.linalg.vector_norm(g))
                                             for g in column], dtype=torch.float64))
        if columns:
            self.norms.extend(torch.stack(columns, dim=1).cpu().tolist())
        else:
            self.norms.extend([] for _ in grads)

    def batch_since(self, start: int, stop: int | None = None) -> RecordBatch | None:
        """Rows ``start`` to ``stop`` (default: the last) as a RecordBatch; None when empty."""
        stop = len(self.loss) if stop is None else stop
        if stop <= start:
            return None
        if len(self.norms) < stop:
            self._norm_pending()
        norms = np.asarray(self.norms[start:stop], dtype=np.float64).reshape(stop - start, len(self.names))
        ends = tuple((row - start, *self.ends[row]) for row in sorted(self.ends) if start <= row < stop)
        return RecordBatch(
            first_step=self.offset + start + 1, epoch=np.asarray(self.epoch[start:stop], dtype=np.int64),
            batch=np.asarray(self.batch[start:stop], dtype=np.int64),
            train_loss=np.asarray(self.loss[start:stop], dtype=np.float64),
            lr=np.asarray(self.lr[start:stop], dtype=np.float64),
            elapsed=np.asarray(self.elapsed[start:stop], dtype=np.float64),
            norm_names=self.names, grad_norms=norms, ends=ends,
            done=self.done_at is not None and self.done_at == stop - 1)

    def take(self) -> RecordBatch | None:
        """The rows logged since the last call (None if there are none)."""
        batch = self.batch_since(self.taken)
        self.taken = len(self.loss)
        if not self.keep and self.taken:
            self._forget(self.taken)
        return batch

    def _forget(self, n: int) -> None:
        # A run process hands its rows to the app and needs them no more: hours of toy steps
        # would otherwise be gigabytes of Python floats.
        for column in (self.epoch, self.batch, self.loss, self.lr, self.elapsed, self.norms):
            del column[:n]
        self.ends = {row - n: values for row, values in self.ends.items() if row >= n}
        if self.done_at is not None:
            self.done_at -= n
        self.offset += n
        self.taken -= n

    def records(self) -> list[Record]:
        """Every step kept as a Record (each made once, when first asked for)."""
        made = self._records
        if len(made) < len(self.loss):
            if len(self.norms) < len(self.loss):
                self._norm_pending()
            names = self.names
            for i in range(len(made), len(self.loss)):
                fields = dict(epoch=self.epoch[i], batch=self.batch[i], step=self.offset + i + 1,
                              train_loss=self.loss[i],
                              grad_norms={n: v for n, v in zip(names, self.norms[i]) if v >= 0 or v != v},
                              lr=self.lr[i], elapsed=self.elapsed[i], done=self.done_at == i)
                end = self.ends.get(i)
                if end is not None:
                    fields.update(epoch_loss=end[0], test_loss=end[1], train_acc=end[2], test_acc=end[3])
                made.append(Record.fast(fields))
        return made
