"""Small datasets made on the spot: the lessons' data, 2-D toy problems, a FashionMNIST stand-in, CSV.

Every factory returns a frozen :class:`Dataset` of CPU tensors. The random ones draw from their own
``torch.Generator`` so that making a dataset never moves the global RNG a lesson may have seeded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from gradviz.core.i18n import translate
from gradviz.core.training.csv_dataset import DatasetError, read_csv_rows

__all__ = [
    "DATASETS", "Dataset", "DatasetError", "blobs", "circles", "fashion_standin", "from_csv",
    "get_dataset", "linear_regression", "moons", "spirals", "toy", "xor",
]


@dataclass(frozen=True, eq=False)  # eq=False: tensors have no single truth value to compare by
class Dataset:
    """Train and test tensors plus what a trainer needs to know about them.

    Attributes
    ----------
    name : str
        Short name shown in the app and on the command line.
    X_train, y_train, X_test, y_test : torch.Tensor
        Features (float32, first axis = samples) and targets (int64 class labels for
        classification, float32 values for regression).
    task : {'classification', 'regression'}
    num_classes : int or None
        Number of classes; None for regression.
    """

    name: str
    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    task: str = "classification"
    num_classes: int | None = 2

    @property
    def num_features(self) -> int:
        """Number of input values per sample (28 * 28 = 784 for images)."""
        return math.prod(self.X_train.shape[1:])

    @property
    def is_2d(self) -> bool:
        """True when samples are points in the plane, so a decision boundary can be drawn."""
        return self.X_train.dim() == 2 and self.X_train.shape[1] == 2


def _generator(seed: int | None) -> torch.Generator:
    gen = torch.Generator()
    if seed is None:
        gen.seed()
    else:
        gen.manual_seed(seed)
    return gen


def _check_fraction(test_fraction: float) -> None:
    if not 0 <= test_fraction < 1:
        raise DatasetError(f"test_fraction must be in [0, 1), not {test_fraction}")


def _check_args(n: int, noise: float, test_fraction: float, minimum: int = 2) -> None:
    if n < minimum:
        raise DatasetError(f"n must be at least {minimum}, not {n}")
    if noise < 0:
        raise DatasetError(f"noise must be >= 0, not {noise}")
    _check_fraction(test_fraction)


def _split(name: str, X: torch.Tensor, y: torch.Tensor, test_fraction: float, gen: torch.Generator,
           task: str = "classification", num_classes: int | None = 2) -> Dataset:
    """Shuffle with ``gen`` and cut off the last ``test_fraction`` as the test set."""
    n = X.shape[0]
    n_test = int(round(n * test_fraction))
    if test_fraction > 0:
        n_test = min(max(n_test, 1), n - 1)  # keep both sides non-empty when a test set was asked for
    order = torch.randperm(n, generator=gen)
    X, y = X[order].contiguous(), y[order].contiguous()
    n_train = n - n_test
    return Dataset(name, X[:n_train], y[:n_train], X[n_train:], y[n_train:], task, num_classes)


def _per_class(n: int, k: int) -> list[int]:
    return [n // k + (1 if c < n % k else 0) for c in range(k)]


def _labels(counts: list[int]) -> torch.Tensor:
    """Class numbers in blocks: counts[0] zeros, then counts[1] ones, …"""
    return torch.cat([torch.full((c,), label) for label, c in enumerate(counts)])


def toy() -> Dataset:
    """The five training and two test points of the toy-train lesson (seed 000 §A.6), unshuffled."""
    X_train = torch.tensor([[-1.2, 3.1], [-0.9, 2.9], [-0.5, 2.6], [2.3, -1.1], [2.7, -1.5]])
    y_train = torch.tensor([0, 0, 0, 1, 1])
    X_test = torch.tensor([[-0.8, 2.8], [2.6, -1.6]])
    y_test = torch.tensor([0, 1])
    return Dataset("toy", X_train, y_train, X_test, y_test, "classification", 2)


def xor(n: int = 400, noise: float = 0.05, test_fraction: float = 0.2, seed: int | None = 0,
        margin: float = 0.1) -> Dataset:
    """Points in [-1, 1]², class 1 where x and y have opposite signs, jittered by ``noise``.

    No point lies within ``margin`` of an axis before the jitter: without that gap one point
    in thirteen sat so close to the boundary that the jitter put it on the other class's
    side, and no model could get past 92 % on the test set.
    """
    _check_args(n, noise, test_fraction)
    if not 0 <= margin < 1:
        raise DatasetError(f"margin must be in [0, 1), not {margin}")
    gen = _generator(seed)
    X = torch.rand(n, 2, generator=gen) * 2 - 1
    X = X.sign() * (margin + X.abs() * (1 - margin))
    y = (X[:, 0] * X[:, 1] < 0).long()
    X = X + noise * torch.randn(n, 2, generator=gen)
    return _split("xor", X, y, test_fraction, gen)


def circles(n: int = 400, noise: float = 0.1, test_fraction: float = 0.2, seed: int | None = 0,
            factor: float = 0.5) -> Dataset:
    """Two concentric rings: the outer (radius 1) is class 0, the inner (radius ``factor``) class 1."""
    _check_args(n, noise, test_fraction)
    gen = _generator(seed)
    counts = _per_class(n, 2)
    parts = []
    for count, radius in zip(counts, (1.0, factor)):
        angle = torch.rand(count, generator=gen) * 2 * math.pi
        parts.append(radius * torch.stack([angle.cos(), angle.sin()], dim=1))
    X = torch.cat(parts) + noise * torch.randn(n, 2, generator=gen)
    return _split("circles", X, _labels(counts), test_fraction, gen)


def moons(n: int = 400, noise: float = 0.1, test_fraction: float = 0.2, seed: int | None = 0) -> Dataset:
    """Two interleaving half circles, as scikit-learn's ``make_moons`` draws them."""
    _check_args(n, noise, test_fraction)
    gen = _generator(seed)
    n0, n1 = _per_class(n, 2)
    a0 = torch.rand(n0, generator=gen) * math.pi
    a1 = torch.rand(n1, generator=gen) * math.pi
    upper = torch.stack([a0.cos(), a0.sin()], dim=1)
    lower = torch.stack([1 - a1.cos(), 0.5 - a1.sin()], dim=1)
    X = torch.cat([upper, lower]) + noise * torch.randn(n, 2, generator=gen)
    return _split("moons", X, _labels([n0, n1]), test_fraction, gen)


def spirals(n: int = 400, noise: float = 0.05, test_fraction: float = 0.2, seed: int | None = 0,
            classes: int = 2, turns: float = 1.5) -> Dataset:
    """``classes`` interleaved spiral arms, each turning ``turns`` times around the origin."""
    _check_args(n, noise, test_fraction, minimum=classes)
    gen = _generator(seed)
    parts = []
    counts = _per_class(n, classes)
    for label, count in enumerate(counts):
        t = torch.rand(count, generator=gen)
        radius = 0.1 + 0.9 * t  # start off the origin, where all arms would otherwise meet
        angle = 2 * math.pi * (turns * t + label / classes)
        parts.append(radius.unsqueeze(1) * torch.stack([angle.cos(), angle.sin()], dim=1))
    X = torch.cat(parts) + noise * torch.randn(n, 2, generator=gen)
    return _split("spirals", X, _labels(counts), test_fraction, gen, num_classes=classes)


def blobs(n: int = 400, noise: float = 0.4, test_fraction: float = 0.2, seed: int | None = 0,
          classes: int = 3) -> Dataset:
    """``classes`` Gaussian blobs (standard deviation ``noise``) evenly spaced on a circle of radius 2."""
    _check_args(n, noise, test_fraction, minimum=classes)
    gen = _generator(seed)
    parts = []
    counts = _per_class(n, classes)
    for label, count in enumerate(counts):
        angle = 2 * math.pi * label / classes
        centre = torch.tensor([2 * math.cos(angle), 2 * math.sin(angle)])
        parts.append(centre + noise * torch.randn(count, 2, generator=gen))
    return _split("blobs", torch.cat(parts), _labels(counts), test_fraction, gen, num_classes=classes)


def linear_regression(weight: float = 0.7, bias: float = 0.3, step: float = 0.02,
                      train_fraction: float = 0.8) -> Dataset:
    """Seed 003's straight line: X = arange(0, 1, step) as a column, y = weight * X + bias, unshuffled.

    The first ``train_fraction`` of the points train, the rest test, so the test points lie
    beyond the training range as in the seed's plot.
    """
    X = torch.arange(0, 1, step).unsqueeze(1)
    y = weight * X + bias
    split = int(train_fraction * len(X))
    return Dataset("linear", X[:split], y[:split], X[split:], y[split:], "regression", None)


def fashion_standin(n: int = 2000, noise: float = 0.3, test_fraction: float = 0.2,
                    seed: int | None = 0) -> Dataset:
    """A synthetic stand-in for FashionMNIST: (N, 1, 28, 28) images of 10 noisy class templates.

    FashionMNIST cannot be downloaded here, so each class gets a fixed blocky 7×7 pattern scaled
    up to 28×28; every image is its class's template plus Gaussian noise, clipped to [0, 1].
    Labels are 0..9.
    """
    _check_args(n, noise, test_fraction, minimum=10)
    gen = _generator(seed)
    coarse = (torch.rand(10, 1, 7, 7, generator=gen) > 0.5).float()
    templates = coarse.repeat_interleave(4, dim=2).repeat_interleave(4, dim=3)
    y = _labels(_per_class(n, 10))
    X = (templates[y] + noise * torch.randn(n, 1, 28, 28, generator=gen)).clamp(0, 1)
    return _split("fashion", X, y, test_fraction, gen, num_classes=10)


def from_csv(path: str, label_column: int = -1, has_header: bool | None = None,
             test_fraction: float = 0.2, seed: int | None = 0) -> Dataset:
    """Read numeric feature columns and an integer class-label column from a CSV file.

    Parameters
    ----------
    path : str or path-like
    label_column : int
        Index of the label column (negative counts from the end).
    has_header : bool or None
        None guesses: the first row is a header when none of its fields is a number.
    test_fraction : float
        Share of the shuffled rows kept for testing.
    seed : int or None
        Seed of the shuffle.

    Raises
    ------
    DatasetError
        For a missing or empty file, fewer than 2 rows, or a bad row (the message names its line).
    """
    _check_fraction(test_fraction)
    features, labels, name = read_csv_rows(path, label_column, has_header)
    X = torch.tensor(features, dtype=torch.float32)
    y = torch.tensor(labels, dtype=torch.long)
    num_classes = max(2, int(y.max()) + 1)
    return _split(name, X, y, test_fraction, _generator(seed), num_classes=num_classes)


#: Dataset name → factory taking no required arguments.
DATASETS: dict[str, Callable[..., Dataset]] = {
    "toy": toy, "xor": xor, "circles": circles, "moons": moons, "spirals": spirals, "blobs": blobs,
    "linear": linear_regression, "fashion": fashion_standin,
}


def get_dataset(name_or_path: str | Dataset) -> Dataset:
    """Return a dataset by registry name, or read it from a ``.csv`` path.

    Raises
    ------
    DatasetError
        When the name is not registered and is not a CSV path.
    """
    if isinstance(name_or_path, Dataset):
        return name_or_path
    name = str(name_or_path)
    if name in DATASETS:
        return DATASETS[name]()
    if name.lower().endswith(".csv"):
        return from_csv(name)
    raise DatasetError(translate("training", "unknown dataset {name!r}: choose one of {names} or a path to a .csv "
                                             "file").format(name=name, names=", ".join(DATASETS)))
