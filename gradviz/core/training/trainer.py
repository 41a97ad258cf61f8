"""Training toy networks: a Trainer that runs one batch at a time and reports small frozen Records.

The run is written as a plain generator (``Trainer.run`` / :func:`train`) so that the Qt layer can
drive it from a worker thread and check a :class:`TrainControl` between batches; only Records
(Python numbers) cross threads. The live model stays with the Trainer, whose methods take a lock
so the GUI can ask for predictions while the worker trains.
"""

from __future__ import annotations

import csv
import math
import pickle
import threading
import time
from collections.abc import Mapping

import numpy as np
import torch

from gradviz.core.training import parts
from gradviz.core.training.config import LESSONS, Record, TrainConfig, TrainingError, lesson_config
from gradviz.core.training.control import TrainControl
from gradviz.core.training.datasets import Dataset, get_dataset
from gradviz.core.training.devices import available_devices, resolve_device

__all__ = ["LESSONS", "Record", "TrainConfig", "TrainControl", "Trainer", "TrainingError",
           "available_devices", "lesson_config", "resolve_device", "train"]

_CSV_FIELDS = ("epoch", "batch", "step", "train_loss", "epoch_loss", "test_loss", "train_acc", "test_acc",
               "lr", "elapsed")


class Trainer:
    """One training run: the model, its optimizer and data, and the Records so far.

    Parameters
    ----------
    config : TrainConfig

    Raises
    ------
    TrainingError, DatasetError
        When the config cannot be set up (unusable device, model that does not fit the data…).
    """

    def __init__(self, config: TrainConfig) -> None:
        self.config = config
        self.dataset: Dataset = get_dataset(config.dataset)
        self.device = resolve_device(config.device)
        self.history: list[Record] = []
        self._lock = threading.RLock()
        data = self.dataset
        # Plain models take flat vectors; the fashion model and custom ones flatten for themselves.
        self._flatten = config.model in ("mlp", "logistic") and data.X_train.dim() > 2
        self._X_train, self._X_test = self._features(data.X_train), self._features(data.X_test)
        generator = torch.Generator()
        if config.seed is None:
            generator.seed()
            model = parts.build_model(config, data, data.num_features)
        else:
            # The tutorials seed the global RNG, build the model, then let the DataLoader draw
            # from it. Doing that inside fork_rng and handing the state on to a private generator
            # gives the same numbers without leaving the global RNG moved.
            with torch.random.fork_rng(devices=[]):
                torch.default_generator.manual_seed(config.seed)
                model = parts.build_model(config, data, data.num_features)
                generator.set_state(torch.get_rng_state())
        self.model = model.to(self.device)
        self.optimizer = parts.build_optimizer(config, self.model)
        self.scheduler = parts.build_scheduler(config, self.optimizer)
        self._loader = parts.build_loader(config, self._X_train, data.y_train, generator)
        self.num_batches = len(self._loader)
        self._batches = None
        self._epoch = 0          # epochs completed
        self._batch = 0          # batches done in the current epoch
        self._step = 0
        self._epoch_losses: list[float] = []
        self._elapsed = 0.0
        self._done = False
        self._last: tuple[torch.Tensor, torch.Tensor] | None = None
        self._named_parameters: list[tuple[str, torch.nn.Parameter]] | None = None

    # -- state ---------------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        """True once every epoch has run (or the run failed)."""
        return self._done

    @property
    def total_steps(self) -> int:
        """Optimizer steps in the whole run."""
        return self.num_batches * self.config.epochs

    @property
    def lr(self) -> float:
        """The learning rate the next batch will use."""
        return float(self.optimizer.param_groups[0]["lr"])

    def set_lr(self, lr: float) -> None:
        """Use learning rate ``lr`` from the next batch on."""
        with self._lock:
            for group in self.optimizer.param_groups:
                group["lr"] = float(lr)

    # -- running -------------------------------------------------------------------------------
    def run(self, control: TrainControl | None = None):
        """Train to the end, yielding one :class:`Record` per batch.

        Parameters
        ----------
        control : TrainControl or None
            Read before every batch: waits while paused, applies a requested learning rate,
            and returns early (no exception) once stopped.

        Raises
        ------
        TrainingError
            When the loss becomes NaN or infinite, or cannot be computed.
        """
        while not self._done:
            if control is not None:
                if not control.wait_while_paused():
                    return
                lr = control.take_lr()
                if lr is not None:
                    self.set_lr(lr)
            yield self.step_once()

    def step_once(self) -> Record | None:
        """Run one batch (and the epoch's evaluation if it was the last); None once the run is done."""
        with self._lock:
            if self._done:
                return None
            started = time.perf_counter()
            try:
                record = self._train_batch(started)
            except BaseException:
                self._done = True  # a half-updated run cannot be resumed meaningfully
                raise
            self.history.append(record)
            return record

    def _epoch_batches(self):
        """One epoch of (features, labels), exactly as iterating ``self._loader`` gives them.

        DataLoader's per-batch fetch machinery cost ~13 % of a toy network's step. Its only
        effect on the numbers is one base-seed draw from its generator when an epoch starts,
        before the sampler's own draws: made here too, so the tutorials' batch order holds.
        """
        loader = self._loader
        torch.empty((), dtype=torch.int64).random_(generator=loader.generator)
        rows, batches = loader.dataset, loader.sampler  # a BatchSampler over the epoch's order
        # The sampler's draws happen here rather than at the first batch: nothing else draws
        # from this generator in between. One gather per epoch, then each batch is a slice
        # (a view): indexing with a 32-int list per batch cost ~40 µs, a tenth of a toy step.
        inner = batches.sampler
        order = inner.order() if hasattr(inner, "order") else torch.tensor(list(inner), dtype=torch.long)
        size, n = batches.batch_size, len(order)
        stop = n - n % size if batches.drop_last else n
        X, y = rows.X[order], rows.y[order]
        for start in range(0, stop, size):
            yield X[start:start + size], y[start:start + size]

    def _train_batch(self, started: float) -> Record:
        if self._batches is None:
            self._batches = self._epoch_batches()
            self._batch, self._epoch_losses = 0, []
            if not self.model.training:
                self.model.train()
        features, labels = next(self._batches)
        self._batch += 1
        self._step += 1
        self._last = (features, labels)
        x, y = features.to(self.device), labels.to(self.device)
        lr = self.lr
        loss = parts.compute_loss(self.config.loss, self.model(x), y)
        value = float(loss.item())
        if not math.isfinite(value):
            raise TrainingError(f"loss became {value} at epoch {self._epoch + 1} batch {self._batch}: "
                                f"try a smaller learning rate (now {lr:g})")
        self.optimizer.zero_grad()
        loss.backward()
        norms = self._grad_norms()
        self.optimizer.step()
        self._epoch_losses.append(value)
        record = dict(epoch=self._epoch + 1, batch=self._batch, step=self._step, train_loss=value,
                      grad_norms=norms, lr=lr)
        if self._batch == self.num_batches:
            record.update(self._end_epoch())
        self._elapsed += time.perf_counter() - started
        return Record(**record, elapsed=self._elapsed)

    def _grad_norms(self) -> dict[str, float]:
        # named_parameters() walks the module tree (~70 µs a step for a 3-layer MLP): once will do.
        if self._named_parameters is None:
            self._named_parameters = list(self.model.named_parameters())
        named = [(name, p.grad) for name, p in self._named_parameters if p.grad is not None]
        if not named:
            return {}
        # One fused kernel for all norms and one transfer: a .norm() per parameter cost ~30 % of
        # a toy network's step, and an .item() each would sync a GPU.
        grads = [g.detach() for _, g in named]
        foreach_norm = getattr(torch, "_foreach_norm", None)
        norms = foreach_norm(grads) if foreach_norm is not None else [g.norm() for g in grads]
        values = torch.stack(list(norms)).tolist()
        return {name: float(v) for (name, _), v in zip(named, values)}

    def _end_epoch(self) -> dict:
        # One eval()/train() pair for both sets: each walks every submodule (~60 µs apiece).
        self.model.eval()
        try:
            train_loss, train_acc = self._evaluate(self._X_train, self.dataset.y_train)
            test_loss, test_acc = self._evaluate(self._X_test, self.dataset.y_test)
        finally:
            self.model.train()
        if self.scheduler is not None:
            self.scheduler.step()
        self._epoch += 1
        self._batches = None
        self._done = self._epoch >= self.config.epochs
        return dict(epoch_loss=sum(self._epoch_losses) / len(self._epoch_losses), test_loss=test_loss,
                    train_acc=train_acc, test_acc=test_acc, done=self._done)

    @torch.no_grad()
    def _outputs(self, X: torch.Tensor) -> torch.Tensor:
        was_training = self.model.training
        if was_training:
            self.model.eval()
        try:
            return torch.cat([self.model(chunk.to(self.device)) for chunk in X.split(4096)])
        finally:
            if was_training:
                self.model.train()

    def _evaluate(self, X: torch.Tensor, y: torch.Tensor) -> tuple[float | None, float | None]:
        if len(y) == 0:
            return None, None
        out = self._outputs(X)
        y = y.to(self.device)
        loss = float(parts.compute_loss(self.config.loss, out, y).item())
        if self.dataset.task != "classification":
            return loss, None
        hits = parts.predicted_classes(self.config.loss, out) == y
        return loss, float(hits.float().mean().item())

    def _features(self, X: torch.Tensor) -> torch.Tensor:
        X = torch.as_tensor(X, dtype=torch.float32)
        return X.flatten(1) if self._flatten else X

    # -- looking at the model ------------------------------------------------------------------
    def predict(self, X) -> np.ndarray:
        """The model's raw outputs for ``X`` (array-like, samples first), in eval mode, as numpy."""
        with self._lock:
            return self._outputs(self._features(X)).cpu().numpy()

    def predict_grid(self, xmin: float, xmax: float, ymin: float, ymax: float, n: int = 100) -> np.ndarray:
        """Evaluate the model on an n×n grid of the plane, for drawing a decision boundary.

        Returns
        -------
        numpy.ndarray, shape (n, n)
            Row i is y = linspace(ymin, ymax, n)[i], column j is x = linspace(xmin, xmax, n)[j].
            With one output or two classes: the class-1 probability (softmax / sigmoid as the
            loss implies); with more classes: the predicted class number.

        Raises
        ------
        TrainingError
            When the dataset's samples are not 2-D points.
        """
        if not self.dataset.is_2d:
            raise TrainingError(f"a decision boundary needs 2-D points; {self.dataset.name!r} samples are not")
        xs = torch.linspace(xmin, xmax, n)
        ys = torch.linspace(ymin, ymax, n)
        gy, gx = torch.meshgrid(ys, xs, indexing="ij")
        with self._lock:
            out = parts.scores(self.config.loss, self._outputs(torch.stack([gx.reshape(-1), gy.reshape(-1)], 1)))
        width = out.shape[1] if out.dim() == 2 else 1
        if width <= 2:
            values = out.reshape(len(out), -1)[:, width - 1]
        else:
            values = out.argmax(dim=1).to(torch.float32)
        return values.reshape(n, n).cpu().numpy()

    def last_batch(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        """CPU copies of the (features, labels) of the most recent batch, as fed to the model; None before any."""
        with self._lock:
            if self._last is None:
                return None
            return self._last[0].clone(), self._last[1].clone()

    # -- files ---------------------------------------------------------------------------------
    def save_weights(self, path) -> None:
        """Write the model's ``state_dict`` (as CPU tensors) with ``torch.save``."""
        with self._lock:
            state = {k: v.detach().cpu() for k, v in self.model.state_dict().items()}
        try:
            torch.save(state, path)
        except OSError as exc:
            raise TrainingError(f"cannot write {path}: {exc.strerror or exc}") from None

    def load_weights(self, path) -> None:
        """Load a ``state_dict`` saved by :meth:`save_weights` or ``torch.save``, safely.

        Raises
        ------
        TrainingError
            When the file is missing, is not a torch file, holds something other than a
            ``state_dict`` (only plain tensors are ever unpickled), or does not fit this model.
        """
        try:
            state = torch.load(path, weights_only=True, map_location="cpu")
        except FileNotFoundError:
            raise TrainingError(f"{path}: no such file") from None
        except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, OSError, AttributeError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise TrainingError(f"{path} is not a weights file saved with torch.save ({reason})") from None
        if not isinstance(state, Mapping) or not all(isinstance(v, torch.Tensor) for v in state.values()):
            raise TrainingError(f"{path} holds a {type(state).__name__}, not a state_dict of tensors")
        with self._lock:
            try:
                self.model.load_state_dict(state)
            except RuntimeError as exc:
                lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
                detail = lines[1] if len(lines) > 1 else lines[0]
                raise TrainingError(f"the weights in {path} do not fit this model: {detail}") from None

    def history_csv(self, path) -> None:
        """Write one row per recorded batch (epoch, batch, step, losses, accuracies, lr, elapsed)."""
        with self._lock:
            rows = list(self.history)
        try:
            with open(path, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(_CSV_FIELDS)
                for r in rows:
                    writer.writerow(["" if (v := getattr(r, f)) is None else v for f in _CSV_FIELDS])
        except OSError as exc:
            raise TrainingError(f"cannot write {path}: {exc.strerror or exc}") from None


def train(config: TrainConfig, control: TrainControl | None = None):
    """Run ``config`` to the end as a generator of :class:`Record`, one per batch.

    Set-up errors surface at the first ``next()``. The generator's return value (the
    ``StopIteration.value``) is the trained model; use :class:`Trainer` to keep hold of it
    and its helpers while training.
    """
    trainer = Trainer(config)
    yield from trainer.run(control)
    return trainer.model
