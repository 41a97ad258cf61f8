"""A TrainConfig as plain data, for the trip to the run process that trains it.

A config may name its dataset (made again in the run: the same seeded numbers) or carry
one (a CSV read by the app, a Dataset made in Python): the data then travel as arrays, so
the run never opens a file. A model from the user's own file travels as its
:class:`~gradviz.core.run.request.ModuleSpec`; a Python callable cannot travel at all.
Torch-free, except :func:`config_of` on the run's side.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradviz.core.run.request import ModuleSpec
from gradviz.core.training.config import TrainConfig, TrainingError

__all__ = ["DataArrays", "TrainSpec", "config_of", "spec_of"]


@dataclass(frozen=True)
class DataArrays:
    """A dataset already split, as arrays (see :class:`gradviz.core.training.datasets.Dataset`)."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str
    num_classes: int | None


@dataclass(frozen=True)
class TrainSpec:
    """What a ``train`` job trains: the config's fields, its dataset and its model.

    ``fields`` holds every TrainConfig field but ``dataset`` and ``model``; ``threads`` is
    torch's intra-op thread count in the run (0: one per core).
    """

    fields: Mapping[str, Any]
    dataset: str | DataArrays
    model: str | ModuleSpec
    threads: int = 1

    @property
    def runs_user_code(self) -> bool:
        """True when the run executes the user's own file (it cannot be walled in)."""
        return isinstance(self.model, ModuleSpec)


def _arrays(dataset: Any) -> DataArrays:
    def plain(tensor: Any) -> np.ndarray:
        return np.array(tensor.detach().cpu().numpy(), copy=True)

    return DataArrays(dataset.name, plain(dataset.X_train), plain(dataset.y_train), plain(dataset.X_test),
                      plain(dataset.y_test), dataset.task, dataset.num_classes)


def spec_of(config: TrainConfig, threads: int = 1, dataset: Any = None) -> TrainSpec:
    """``config`` as plain data; a CSV path is read here (by the app), not in the run.

    ``dataset``, when given, is the config's CSV dataset already read.

    Raises
    ------
    TrainingError
        For a model given as a Python callable (only names and module files travel).
    DatasetError
        For a CSV file that cannot be read.
    """
    model = config.model
    if not isinstance(model, (str, ModuleSpec)):
        raise TrainingError("a model given as a Python callable cannot be sent to a run process: "
                            "name the class in its file instead (ModuleSpec(path, class_name))")
    data = config.dataset
    if isinstance(data, str) and data.lower().endswith(".csv"):
        if dataset is None:
            from gradviz.core.training.datasets import get_dataset

            dataset = get_dataset(data)
        data = dataset
    fields = {f.name: getattr(config, f.name) for f in dataclasses.fields(config) if f.name not in ("dataset", "model")}
    return TrainSpec(fields, data if isinstance(data, str) else _arrays(data), model, threads)


def config_of(spec: TrainSpec) -> TrainConfig:
    """The TrainConfig a spec stands for (in the run process: carried data become a Dataset).

    Raises
    ------
    TrainingError
        When the fields do not make a valid config.
    """
    dataset: Any = spec.dataset
    if isinstance(dataset, DataArrays):
        import torch

        from gradviz.core.training.datasets import Dataset

        dataset = Dataset(dataset.name, *(torch.tensor(a) for a in (dataset.X_train, dataset.y_train,
                                                                   dataset.X_test, dataset.y_test)),
                          task=dataset.task, num_classes=dataset.num_classes)
    try:
        return TrainConfig(dataset=dataset, model=spec.model, **dict(spec.fields))
    except TypeError as exc:
        raise TrainingError(f"the training settings are malformed: {exc}") from None
