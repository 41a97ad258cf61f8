"""What a training run is asked to do (TrainConfig) and what it reports after each batch (Record).

Torch-free: the app builds configs and reads records without the live model, which lives in a
run process (see :mod:`gradviz.core.training.job`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from gradviz.core.i18n import translate
from gradviz.core.run.request import ModuleSpec

if TYPE_CHECKING:
    import torch.nn as nn

    from gradviz.core.training.datasets import Dataset

__all__ = ["ACTIVATIONS", "DATASET_PRESETS", "DEVICES", "LESSONS", "LOSSES", "MODELS", "OPTIMIZERS", "SCHEDULES",
           "Record", "TrainConfig",
           "TrainingError", "lesson_config", "preset_for"]

#: What NeuralNetwork accepts (models._ACTIVATIONS, tested equal), checked before any model is built.
ACTIVATIONS = ("relu", "tanh", "sigmoid", "none")
MODELS = ("mlp", "logistic", "linear-regression", "fashion")
LOSSES = ("cross_entropy", "bce", "bce_logits", "mse", "l1")
OPTIMIZERS = ("sgd", "adam", "rmsprop")
SCHEDULES = (None, "step", "exponential")
DEVICES = ("auto", "cpu", "cuda", "mps")


class TrainingError(RuntimeError):
    """A run cannot start or cannot go on; the message is meant for the user as it is."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything a run needs; validated on creation.

    Attributes
    ----------
    dataset : str or Dataset
        A name from ``datasets.DATASETS``, a ``.csv`` path, or a ready Dataset.
    model : str, ModuleSpec or callable
        'mlp' (NeuralNetwork with ``hidden`` and ``activation``), 'logistic' (one nn.Linear),
        'linear-regression' (LinearRegressionModel), 'fashion' (FashionNetwork), a class in the
        user's own ``.py`` file (:class:`~gradviz.core.run.request.ModuleSpec`, made with no
        arguments; its run gets no OS wall), or a callable taking no arguments that returns an
        nn.Module (in-process Trainers only: a callable cannot be sent to a run process).
    hidden, activation
        Hidden layer sizes and activation of the 'mlp' model.
    loss : {'cross_entropy', 'bce', 'bce_logits', 'mse', 'l1'}
        'bce' expects outputs that already are probabilities; 'bce_logits' takes raw scores.
    optimizer : {'sgd', 'adam', 'rmsprop'}
    lr, momentum, weight_decay : float
        ``momentum`` is used by SGD and RMSprop.
    batch_size : int or None
        None trains on the whole training set in one batch per epoch.
    epochs : int
    schedule : {None, 'step', 'exponential'}
        Learning-rate schedule, stepped once per epoch: 'step' multiplies by ``gamma`` every
        ``step_size`` epochs, 'exponential' every epoch.
    seed : int or None
        Seeds model initialisation and shuffling; None leaves both to chance.
    shuffle, drop_last : bool
        As for ``torch.utils.data.DataLoader``.
    device : {'auto', 'cpu', 'cuda', 'mps'}
    """

    dataset: str | Dataset = "toy"
    model: str | ModuleSpec | Callable[[], nn.Module] = "mlp"
    hidden: tuple[int, ...] = (30, 20)
    activation: str = "relu"
    loss: str = "cross_entropy"
    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.0
    weight_decay: float = 0.0
    batch_size: int | None = 32
    epochs: int = 10
    schedule: str | None = None
    step_size: int = 10
    gamma: float = 0.5
    seed: int | None = 0
    shuffle: bool = True
    drop_last: bool = False
    device: str = "auto"

    def __post_init__(self) -> None:
        # Lists from a settings file or the command line would make the config unhashable.
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        if isinstance(self.model, str) and self.model not in MODELS:
            raise TrainingError(translate("training", "unknown model {model!r}: choose one of {models}").format(
                model=self.model, models=", ".join(MODELS)))
        if not isinstance(self.model, (str, ModuleSpec)) and not callable(self.model):
            raise TrainingError(translate("training", "model must be a model name, a ModuleSpec or a callable "
                                                      "returning an nn.Module"))
        _choose("loss", self.loss, LOSSES)
        _choose("optimizer", self.optimizer, OPTIMIZERS)
        _choose("schedule", self.schedule, SCHEDULES)
        _choose("device", str(self.device).split(":", 1)[0], DEVICES)  # 'cuda:1' is fine too
        _choose("activation", self.activation, ACTIVATIONS)
        if any(h < 1 for h in self.hidden):
            raise TrainingError(translate("training", "hidden layer sizes must be positive, not {sizes}").format(
                sizes=self.hidden))
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise TrainingError(bad_learning_rate(self.lr))
        if self.momentum < 0 or self.weight_decay < 0:
            raise TrainingError(translate("training", "momentum and weight decay must not be negative"))
        if self.batch_size is not None and self.batch_size < 1:
            raise TrainingError(translate("training", "batch size must be at least 1, not {size}").format(
                size=self.batch_size))
        if self.epochs < 1:
            raise TrainingError(translate("training", "epochs must be at least 1, not {epochs}").format(
                epochs=self.epochs))
        if self.step_size < 1 or not self.gamma > 0:
            raise TrainingError(translate("training", "schedule step_size must be >= 1 and gamma > 0"))

    def replace(self, **changes) -> TrainConfig:
        """Return a copy with some fields changed (and validated again)."""
        return replace(self, **changes)

    def batches_per_epoch(self, samples: int) -> int:
        """Batches an epoch of ``samples`` training samples makes (as the Trainer's loader)."""
        size = samples if self.batch_size is None else self.batch_size
        if size < 1:
            return 0
        return samples // size if self.drop_last else -(-samples // size)

    @property
    def runs_user_code(self) -> bool:
        """True when the model comes from the user's own file (its run cannot be walled in)."""
        return isinstance(self.model, ModuleSpec)


def _choose(what: str, value, allowed: tuple) -> None:
    if value not in allowed:
        names = ", ".join(str(a) for a in allowed)
        raise TrainingError(translate("training", "unknown {what} {value!r}: choose one of {names}").format(
            what=what, value=value, names=names))


def bad_learning_rate(lr: object) -> str:
    """Why a learning rate is refused (the settings and a running training say it alike)."""
    return translate("training", "learning rate must be a positive number, not {lr}").format(lr=lr)


@dataclass(frozen=True)
class Record:
    """One optimizer step's report: plain Python numbers only, safe to hand to another thread.

    Attributes
    ----------
    epoch, batch : int
        1-based epoch and batch-within-epoch of this step.
    step : int
        1-based count of optimizer steps since the run began.
    train_loss : float
        The loss of this batch.
    epoch_loss, test_loss, train_acc, test_acc : float or None
        Set only on the last batch of an epoch: mean batch loss over the epoch, loss on the test
        set, and (classification only) accuracy on the whole train and test sets.
    grad_norms : dict of str to float
        L2 norm of each parameter's gradient, keyed by ``named_parameters()`` path.
    lr : float
        Learning rate used for this step.
    elapsed : float
        Seconds of training so far, not counting time spent paused.
    done : bool
        True on the record of the last step of the last epoch.
    """

    epoch: int
    batch: int
    step: int
    train_loss: float
    test_loss: float | None = None
    train_acc: float | None = None
    test_acc: float | None = None
    epoch_loss: float | None = None
    grad_norms: dict[str, float] = field(default_factory=dict)
    lr: float = 0.0
    elapsed: float = 0.0
    done: bool = False

    @property
    def epoch_end(self) -> bool:
        """True when this record carries the end-of-epoch evaluation."""
        return self.epoch_loss is not None

    @classmethod
    def fast(cls, fields: dict) -> Record:
        """A Record of ``fields`` (the names above; the rest take their defaults), made ~5x
        faster than by ``__init__``: a frozen dataclass sets each field through
        ``object.__setattr__``, a cost paid for every optimizer step of a run."""
        record = object.__new__(cls)
        values = record.__dict__
        values.update(_RECORD_DEFAULTS)
        values["grad_norms"] = {}
        values.update(fields)
        return record


_RECORD_DEFAULTS = dict(test_loss=None, train_acc=None, test_acc=None, epoch_loss=None, lr=0.0, elapsed=0.0,
                        done=False)


#: The lessons of lessons.md that train, as configs.
LESSONS: dict[str, TrainConfig] = {
    # seed 000 §A.6–A.7; device cpu because the six published losses are CPU numbers.
    "toy-train": TrainConfig(dataset="toy", model="mlp", hidden=(30, 20), activation="relu",
                             loss="cross_entropy", optimizer="sgd", lr=0.5, batch_size=2, epochs=3,
                             seed=123, shuffle=True, drop_last=True, device="cpu"),
    # seed 003: the whole training set every epoch, 100 epochs.
    "linear-regression": TrainConfig(dataset="linear", model="linear-regression", loss="l1",
                                     optimizer="sgd", lr=0.01, batch_size=None, epochs=100, seed=42,
                                     shuffle=False, device="cpu"),
    # seed 001's quickstart hyper-parameters on the synthetic stand-in (its loader does not shuffle);
    # at lr 1e-3 its five epochs reach 34 %, twenty reach 100 % (about 6 s on one CPU core).
    "fashion-mlp": TrainConfig(dataset="fashion", model="fashion", loss="cross_entropy", optimizer="sgd",
                               lr=1e-3, batch_size=64, epochs=20, seed=0, shuffle=False, device="auto"),
}

#: What choosing a dataset sets up: a model, loss and learning rate that learn it — at least
#: 95 % test accuracy on circles, moons, xor and blobs and 90 % on spirals, in a few seconds on
#: one CPU core (tests/core/training/test_presets.py trains each; bench/training.py times them).
DATASET_PRESETS: dict[str, TrainConfig] = {
    "circles": TrainConfig(dataset="circles", model="mlp", hidden=(16, 16), activation="tanh", loss="cross_entropy",
                           optimizer="adam", lr=0.01, batch_size=32, epochs=60, seed=0),
    "moons": TrainConfig(dataset="moons", model="mlp", hidden=(16, 16), activation="tanh", loss="cross_entropy",
                         optimizer="adam", lr=0.01, batch_size=32, epochs=60, seed=0),
    "xor": TrainConfig(dataset="xor", model="mlp", hidden=(8,), activation="tanh", loss="cross_entropy",
                       optimizer="adam", lr=0.03, batch_size=32, epochs=100, seed=0),
    "blobs": TrainConfig(dataset="blobs", model="mlp", hidden=(16,), activation="tanh", loss="cross_entropy",
                         optimizer="adam", lr=0.01, batch_size=32, epochs=40, seed=0),
    "spirals": TrainConfig(dataset="spirals", model="mlp", hidden=(32, 32), activation="tanh", loss="cross_entropy",
                           optimizer="adam", lr=0.01, batch_size=32, epochs=200, seed=0),
    "toy": LESSONS["toy-train"],
    "linear": LESSONS["linear-regression"],
    "fashion": LESSONS["fashion-mlp"],
}


def preset_for(dataset: str, keep: TrainConfig | None = None) -> TrainConfig | None:
    """The set-up that learns ``dataset`` (None for one without a preset, such as a CSV file);
    ``keep``'s seed and device are kept."""
    preset = DATASET_PRESETS.get(dataset)
    if preset is None or keep is None:
        return preset
    return preset.replace(seed=keep.seed, device=keep.device)


def lesson_config(name: str) -> TrainConfig:
    """Return the TrainConfig of a training lesson ('toy-train', 'linear-regression', 'fashion-mlp').

    Raises
    ------
    TrainingError
        For a name that is not a training lesson.
    """
    try:
        return LESSONS[name]
    except KeyError:
        raise TrainingError(translate("training", "unknown training lesson {name!r}: choose one of {names}").format(
            name=name, names=", ".join(LESSONS))) from None
