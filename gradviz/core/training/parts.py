"""The pieces a Trainer is assembled from: model, loss, optimizer, schedule, batches.

Split from training.py so that the run loop reads on its own; nothing here keeps state between
calls.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import BatchSampler, DataLoader, Sampler, SequentialSampler

from gradviz.core.i18n import translate
from gradviz.core.lessons.models import FashionNetwork, LinearRegressionModel, NeuralNetwork
from gradviz.core.run.request import ModuleSpec
from gradviz.core.training.config import TrainConfig, TrainingError
from gradviz.core.training.datasets import Dataset

__all__ = ["build_loader", "build_model", "build_optimizer", "build_scheduler", "check_setup", "compute_loss",
           "output_width", "predicted_classes", "scores"]


def output_width(config: TrainConfig, data: Dataset) -> int:
    """How many numbers the model must output per sample for this loss and dataset."""
    if data.task == "regression":
        if config.loss in ("cross_entropy",):
            raise TrainingError(translate("training", "cross_entropy needs class labels, but {name!r} is a "
                                                      "regression dataset: use mse or l1").format(name=data.name))
        return 1 if data.y_train.dim() == 1 else data.y_train.shape[1]
    if config.loss == "cross_entropy":
        return data.num_classes
    # One score suffices for two classes; more classes get one-hot targets, one column each.
    return 1 if data.num_classes == 2 else data.num_classes


def build_model(config: TrainConfig, data: Dataset, num_features: int) -> nn.Module:
    """Make the configured model (on the CPU, from the global RNG as the tutorials do)."""
    width = output_width(config, data)
    kind = config.model
    if isinstance(kind, ModuleSpec):
        kind = load_model_class(kind)
    if callable(kind):
        try:
            model = kind()
        except Exception as exc:  # noqa: BLE001 - the user's class can fail in any way: a message, not a crash
            raise TrainingError(translate("training", "the model factory failed: {error}").format(
                error=f"{type(exc).__name__}: {exc}")) from None
        if not isinstance(model, nn.Module):
            raise TrainingError(translate("training", "the model factory returned a {type}, not an "
                                                      "nn.Module").format(type=type(model).__name__))
        return model
    if kind == "mlp":
        return NeuralNetwork(num_features, width, hidden=config.hidden, activation=config.activation)
    if kind == "logistic":
        return nn.Linear(num_features, width)
    _check_model_fits(kind, data, num_features, width)
    if kind == "linear-regression":
        return LinearRegressionModel()
    return FashionNetwork()


def _check_model_fits(kind: str, data: Dataset, num_features: int, width: int) -> None:
    if kind == "linear-regression" and (num_features != 1 or width != 1):
        raise TrainingError(translate("training", "the linear-regression model takes one input and gives one "
                                                  "output; {name!r} has {features} features and needs {width} "
                                                  "outputs").format(name=data.name, features=num_features, width=width))
    if kind == "fashion" and (num_features != 28 * 28 or width != 10):
        raise TrainingError(translate("training", "the fashion model needs 28×28 images in 10 classes; {name!r} has "
                                                  "{features} features and needs {width} outputs").format(
            name=data.name, features=num_features, width=width))


def _check_batches(config: TrainConfig, n: int) -> None:
    size = n if config.batch_size is None else config.batch_size
    if config.drop_last and size > n:
        raise TrainingError(translate("training", "batch size {size} with drop_last leaves no batch of the {n} "
                                                  "training samples").format(size=size, n=n))


def check_setup(config: TrainConfig, data: Dataset) -> None:
    """Raise the TrainingError a Trainer would for ``config`` on ``data``, building nothing.

    The app checks a config so before sending it to a run process: the message then comes
    at the click. A model from the user's file is only checked by its run.
    """
    width = output_width(config, data)
    if isinstance(config.model, str):
        _check_model_fits(config.model, data, data.num_features, width)
    _check_batches(config, len(data.y_train))


def load_model_class(spec: ModuleSpec) -> type:
    """The user's nn.Module class named by ``spec`` (running its file: only ever in a run process).

    Raises
    ------
    TrainingError
        When the file or the class cannot be loaded (the message says what to fix).
    """
    import sys
    from pathlib import Path

    from gradviz.core.capture.module_spec import ModuleLoadError
    from gradviz.core.capture.user_module import load_class

    path = Path(spec.path)
    folder = str(path.resolve().parent)
    if folder not in sys.path:  # the file imports its neighbours as it would when run on its own
        sys.path.insert(0, folder)
    try:
        return load_class(path, spec.class_name)
    except ModuleLoadError as exc:
        raise TrainingError(translate("training", "the model class could not be loaded: {error}").format(
            error=exc)) from None


def _targets(loss: str, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    if loss == "cross_entropy":
        return y
    if y.dtype == torch.long:  # class labels under a loss that compares numbers
        if out.dim() == 2 and out.shape[1] > 1:
            return F.one_hot(y, out.shape[1]).to(out.dtype)
        y = y.to(out.dtype)
    # (N,) labels against (N, 1) outputs would broadcast to N×N: shape them like the output.
    return y.reshape(out.shape) if y.numel() == out.numel() else y


def compute_loss(loss: str, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The configured loss of outputs ``out`` against targets ``y`` (labels or values), mean-reduced.

    Raises
    ------
    TrainingError
        When outputs and targets do not fit the loss (shapes, 'bce' outside [0, 1], …).
    """
    try:
        target = _targets(loss, out, y)
        if loss == "cross_entropy":
            return F.cross_entropy(out, target)
        if loss == "bce":
            return F.binary_cross_entropy(out, target)
        if loss == "bce_logits":
            return F.binary_cross_entropy_with_logits(out, target)
        if loss == "mse":
            return F.mse_loss(out, target)
        return F.l1_loss(out, target)
    except (RuntimeError, ValueError, IndexError) as exc:
        hint = translate("training", " ('bce' needs outputs in [0, 1]; 'bce_logits' takes raw scores)") \
            if loss == "bce" else ""
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TrainingError(translate("training", "the {loss} loss could not be computed: {error}").format(
            loss=loss, error=first) + hint) from None


def scores(loss: str, out: torch.Tensor) -> torch.Tensor:
    """Outputs turned into probabilities where the loss says how: softmax, sigmoid, or as they are."""
    if loss == "cross_entropy":
        return out.softmax(dim=1)
    if loss == "bce_logits":
        return out.sigmoid()
    return out


def predicted_classes(loss: str, out: torch.Tensor) -> torch.Tensor:
    """Class predictions: argmax over columns, or a threshold on a single score column."""
    if out.dim() == 2 and out.shape[1] > 1:
        return out.argmax(dim=1)
    threshold = 0.0 if loss == "bce_logits" else 0.5
    return (out.reshape(-1) > threshold).long()


def build_optimizer(config: TrainConfig, model: nn.Module) -> torch.optim.Optimizer:
    """SGD (with momentum), Adam or RMSprop over all the model's parameters."""
    params = model.parameters()
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay)
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    return torch.optim.RMSprop(params, lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay)


def build_scheduler(config: TrainConfig, optimizer: torch.optim.Optimizer):
    """The per-epoch learning-rate schedule, or None."""
    if config.schedule == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=config.step_size, gamma=config.gamma)
    if config.schedule == "exponential":
        return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=config.gamma)
    return None


class _Rows(torch.utils.data.Dataset):
    """Serves a whole batch per index list: one tensor index instead of collating single rows."""

    def __init__(self, X: torch.Tensor, y: torch.Tensor) -> None:
        self.X, self.y = X, y

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, indices):
        return self.X[indices], self.y[indices]


class _ShuffleSampler(Sampler[int]):
    """RandomSampler's own recipe, fed from a private generator instead of the global one.

    RandomSampler without a generator draws a seed from the global RNG each epoch and permutes
    with a fresh generator made from it. Doing the same from a copy of the global state keeps the
    tutorials' batch order (toy-train's six losses) while leaving the global RNG alone.
    """

    def __init__(self, n: int, generator: torch.Generator) -> None:
        self.n, self.generator = n, generator

    def order(self) -> torch.Tensor:
        """One epoch's permutation as a tensor (the same draws as iterating)."""
        seed = int(torch.empty((), dtype=torch.int64).random_(generator=self.generator).item())
        perm = torch.Generator()
        perm.manual_seed(seed)
        return torch.randperm(self.n, generator=perm)

    def __iter__(self):
        yield from self.order().tolist()

    def __len__(self) -> int:
        return self.n


def build_loader(config: TrainConfig, X: torch.Tensor, y: torch.Tensor, generator: torch.Generator) -> DataLoader:
    """A single-process DataLoader of (features, labels) batches drawing only from ``generator``.

    Raises
    ------
    TrainingError
        When ``drop_last`` would leave no batch at all.
    """
    n = len(y)
    _check_batches(config, n)
    size = n if config.batch_size is None else config.batch_size
    order = _ShuffleSampler(n, generator) if config.shuffle else SequentialSampler(range(n))
    batches = BatchSampler(order, size, config.drop_last)
    # generator= also feeds the loader's own per-epoch base-seed draw, which the global-RNG
    # version takes first: keeping it keeps the draw order.
    return DataLoader(_Rows(X, y), sampler=batches, batch_size=None, num_workers=0, generator=generator)
