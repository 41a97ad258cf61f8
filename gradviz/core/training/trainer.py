"""Training toy networks: a Trainer that runs one batch at a time and logs what each did.

In the app the Trainer lives in a run process of its own (:mod:`gradviz.core.training.job`),
which drives :meth:`Trainer.advance` and sends the log's columns back in batches
(:meth:`Trainer.take_records`). Used in-process (tests, notebooks), :meth:`Trainer.run` is a
plain generator of frozen :class:`Record` s, one per batch, checking a :class:`TrainControl`
between batches. The methods take a lock so another thread may ask for predictions meanwhile.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping

import numpy as np
import torch

from gradviz.core.i18n import translate
from gradviz.core.training import fast as train_fast
from gradviz.core.training import parts
from gradviz.core.training.config import LESSONS, Record, TrainConfig, TrainingError, lesson_config
from gradviz.core.training.control import TrainControl
from gradviz.core.training.datasets import Dataset, get_dataset
from gradviz.core.training.devices import available_devices, resolve_device
from gradviz.core.training.log import TrainLog
from gradviz.core.training.records import RecordBatch, write_history_csv
from gradviz.core.training.weights_files import read_weights_file, save_weights_file, to_arrays

__all__ = ["LESSONS", "Record", "TrainConfig", "TrainControl", "Trainer", "TrainingError",
           "available_devices", "lesson_config", "resolve_device", "train"]

class Trainer:
    """One training run: the model, its optimizer and data, and the log of the steps so far.

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
        # The evaluation's inputs and targets, on the device once rather than every epoch.
        self._eval_sets = [(X.to(self.device), y.to(self.device)) for X, y in
                           ((self._X_train, data.y_train), (self._X_test, data.y_test))]
        named = list(self.model.named_parameters())  # walks the module tree: once
        self._logged = [p for _, p in named]
        self._params = [p for group in self.optimizer.param_groups for p in group["params"]]
        self.log = TrainLog(tuple(name for name, _ in named))
        self._optimizer_step = train_fast.step_function(self.optimizer)
        self._mode_matters = train_fast.mode_matters(self.model)
        self._batches = None
        self._epoch = 0          # epochs completed
        self._batch = 0          # batches done in the current epoch
        self._step = 0
        self._epoch_losses: list[float] = []
        self._elapsed = 0.0
        self._done = False
        self._last: tuple[torch.Tensor, torch.Tensor] | None = None
        # Kept only when asked (keep_history): what each step's graph needs afterwards.
        self._history: dict[int, tuple[list[torch.Tensor], torch.Tensor, torch.Tensor]] = {}
        self._history_budget = 0
        self._history_bytes = 0

    # -- state ---------------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        """True once every epoch has run (or the run failed)."""
        return self._done

    @property
    def steps_done(self) -> int:
        """Optimizer steps run so far."""
        return self._step

    @property
    def total_steps(self) -> int:
        """Optimizer steps in the whole run."""
        return self.num_batches * self.config.epochs

    @property
    def lr(self) -> float:
        """The learning rate the next batch will use."""
        return float(self.optimizer.param_groups[0]["lr"])

    @property
    def history(self) -> list[Record]:
        """Every step's Record so far, in order."""
        with self._lock:
            return self.log.records()

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
            if not self.advance():
                return None
            return self.log.records()[-1]

    def advance(self) -> bool:
        """Run one batch (and the epoch's evaluation if it was the last) into the log.

        Returns
        -------
        bool
            False, having done nothing, once the run is done.

        Raises
        ------
        TrainingError
            When the loss becomes NaN or infinite, or cannot be computed; the run is then done.
        """
        with self._lock:
            if self._done:
                return False
            started = time.perf_counter()
            try:
                self._train_batch()
            except BaseException:
                self._done = True  # a half-updated run cannot be resumed meaningfully
                raise
            self._elapsed += time.perf_counter() - started
            self.log.elapsed[-1] = self._elapsed
            return True

    def keep_history(self, budget_bytes: int) -> None:
        """Keep each step's batch and the weights it was computed with, up to ``budget_bytes``
        in all (older steps thinned out to every second, fourth… one beyond that), so the graph
        of any step can be drawn afterwards (:meth:`step_inputs`). 0 keeps nothing."""
        with self._lock:
            self._history_budget = int(budget_bytes)
            if not budget_bytes:
                self._history.clear()
                self._history_bytes = 0

    def kept_steps(self) -> list[int]:
        """The steps whose graph can be drawn (see :meth:`keep_history`)."""
        with self._lock:
            return sorted(self._history)

    def step_inputs(self, step: int) -> tuple[int, dict[str, torch.Tensor], torch.Tensor, torch.Tensor] | None:
        """The kept step nearest ``step``: (its number, the weights before its update by
        ``named_parameters()`` path, its features, its labels) as CPU copies; None if none is kept."""
        with self._lock:
            if not self._history:
                return None
            nearest = min(self._history, key=lambda k: (abs(k - step), -k))
            weights, features, labels = self._history[nearest]
            names = self.log.names
            return nearest, {n: w.clone() for n, w in zip(names, weights)}, features.clone(), labels.clone()

    def _remember(self, features: torch.Tensor, labels: torch.Tensor) -> None:
        weights = [p.detach().to("cpu", copy=True) for p in self._logged]
        entry = (weights, features.detach().to("cpu", copy=True), labels.detach().to("cpu", copy=True))
        self._history[self._step] = entry
        self._history_bytes += _nbytes(entry)
        while self._history_bytes > self._history_budget and len(self._history) > 1:
            # Thin the older half to every second step: recent steps stay dense.
            steps = sorted(self._history)
            for k in steps[: len(steps) // 2][1::2] or steps[:1]:
                self._history_bytes -= _nbytes(self._history.pop(k))

    def take_records(self) -> RecordBatch | None:
        """The steps run since the last call, as columns (None when there are none)."""
        with self._lock:
            return self.log.take()

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
        # from this generator in between. One gather per epoch (moved to the device once), then
        # each batch is a slice (a view): indexing with a 32-int list per batch cost ~40 µs,
        # a tenth of a toy step.
        inner = batches.sampler
        order = inner.order() if hasattr(inner, "order") else torch.tensor(list(inner), dtype=torch.long)
        size, n = batches.batch_size, len(order)
        stop = n - n % size if batches.drop_last else n
        X, y = rows.X[order].to(self.device), rows.y[order].to(self.device)
        for start in range(0, stop, size):
            yield X[start:start + size], y[start:start + size]

    def _train_batch(self) -> None:
        if self._batches is None:
            self._batches = self._epoch_batches()
            self._batch, self._epoch_losses = 0, []
            if not self.model.training:
                self.model.train()
        features, labels = next(self._batches)
        self._batch += 1
        self._step += 1
        self._last = (features, labels)
        lr = float(self.optimizer.param_groups[0]["lr"])
        loss = parts.compute_loss(self.config.loss, self.model(features), labels)
        value = loss.item()
        if not math.isfinite(value):
            raise TrainingError(translate("training", "loss became {value} at epoch {epoch} batch {batch}: try a "
                                                      "smaller learning rate (now {lr:g})").format(
                value=value, epoch=self._epoch + 1, batch=self._batch, lr=lr))
        train_fast.clear_grads(self._params)
        train_fast.backward(loss)
        if self._history_budget:
            self._remember(features, labels)  # the weights this loss was computed with
        grads = [p.grad for p in self._logged]  # normed later, many steps at once (see TrainLog)
        self._optimizer_step()
        self._epoch_losses.append(value)
        self.log.add(self._epoch + 1, self._batch, value, lr, self._elapsed, grads)
        if self._batch == self.num_batches:
            self._end_epoch()

    def _end_epoch(self) -> None:
        # One eval()/train() pair for both sets (each walks every submodule, ~15 µs apiece),
        # and none for models that compute the same in both modes.
        switch = self._mode_matters
        if switch:
            self.model.eval()
        try:
            (X_train, y_train), (X_test, y_test) = self._eval_sets
            classes = self.dataset.task == "classification"
            train_acc = self._evaluate(X_train, y_train, loss=False)[1] if classes else None
            test_loss, test_acc = self._evaluate(X_test, y_test)
        finally:
            if switch:
                self.model.train()
        if self.scheduler is not None:
            self.scheduler.step()
        self._epoch += 1
        self._batches = None
        self._done = self._epoch >= self.config.epochs
        self.log.end_epoch(sum(self._epoch_losses) / len(self._epoch_losses), test_loss, train_acc, test_acc,
                           self._done)

    @torch.no_grad()
    def _forward(self, X: torch.Tensor) -> torch.Tensor:
        """The model's outputs for ``X`` (on the device), in the mode it is in, in chunks."""
        if len(X) <= 4096:
            return self.model(X)
        return torch.cat([self.model(chunk) for chunk in X.split(4096)])

    def _outputs(self, X: torch.Tensor) -> torch.Tensor:
        switch = self._mode_matters and self.model.training
        if switch:
            self.model.eval()
        try:
            return self._forward(X.to(self.device))
        finally:
            if switch:
                self.model.train()

    def _evaluate(self, X: torch.Tensor, y: torch.Tensor, loss: bool = True) -> tuple[float | None, float | None]:
        if len(y) == 0:
            return None, None
        out = self._forward(X)
        value = float(parts.compute_loss(self.config.loss, out, y).item()) if loss else None
        if self.dataset.task != "classification":
            return value, None
        hits = parts.predicted_classes(self.config.loss, out) == y
        return value, float(hits.float().mean().item())

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
            raise TrainingError(translate("training", "a decision boundary needs 2-D points; {name!r} samples are "
                                                      "not").format(name=self.dataset.name))
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
            return self._last[0].detach().cpu().clone(), self._last[1].detach().cpu().clone()

    # -- weights and files ---------------------------------------------------------------------
    def state_arrays(self) -> dict[str, np.ndarray]:
        """The model's ``state_dict`` as CPU numpy copies (what a run sends the app)."""
        with self._lock:
            return to_arrays(self.model.state_dict())

    def state_layout(self) -> tuple[tuple[str, tuple[int, ...], str], ...]:
        """(name, shape, dtype) of each ``state_dict`` entry."""
        with self._lock:
            return tuple((name, tuple(t.shape), str(t.dtype).removeprefix("torch."))
                         for name, t in self.model.state_dict().items())

    def load_state(self, state: Mapping[str, object], source: str = "the file") -> None:
        """Load a ``state_dict`` (arrays or tensors by name) into the model.

        Raises
        ------
        TrainingError
            When it does not fit this model (names or shapes).
        """
        tensors = {name: value if isinstance(value, torch.Tensor) else torch.tensor(np.asarray(value))
                   for name, value in state.items()}
        with self._lock:
            try:
                self.model.load_state_dict(tensors)
            except RuntimeError as exc:
                lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
                detail = lines[1] if len(lines) > 1 else lines[0]
                raise TrainingError(translate("training", "the weights in {source} do not fit this model: "
                                                          "{detail}").format(source=source, detail=detail)) from None

    def save_weights(self, path) -> None:
        """Write the model's ``state_dict`` (as CPU tensors) with ``torch.save``."""
        with self._lock:
            state = {k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()}
        save_weights_file(state, path)

    def load_weights(self, path) -> None:
        """Load a ``state_dict`` saved by :meth:`save_weights` or ``torch.save``, safely.

        Raises
        ------
        TrainingError
            When the file is missing, is not a torch file, holds something other than a
            ``state_dict`` (only plain tensors are ever unpickled), or does not fit this model.
        """
        self.load_state(read_weights_file(path), str(path))

    def history_csv(self, path) -> None:
        """Write one row per recorded batch (epoch, batch, step, losses, accuracies, lr, elapsed)."""
        write_history_csv(self.history, path)


def _nbytes(entry: tuple[list[torch.Tensor], torch.Tensor, torch.Tensor]) -> int:
    weights, features, labels = entry
    return sum(t.numel() * t.element_size() for t in (*weights, features, labels))


def train(config: TrainConfig, control: TrainControl | None = None):
    """Run ``config`` to the end as a generator of :class:`Record`, one per batch.

    Set-up errors surface at the first ``next()``. The generator's return value (the
    ``StopIteration.value``) is the trained model; use :class:`Trainer` to keep hold of it
    and its helpers while training.
    """
    trainer = Trainer(config)
    yield from trainer.run(control)
    return trainer.model
