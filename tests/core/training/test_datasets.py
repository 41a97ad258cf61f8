"""The made-up datasets: shapes, labels, reproducibility, and no effect on the global RNG."""

import pytest
import torch

from gradviz.core.training.datasets import DATASETS, Dataset, DatasetError, get_dataset, linear_regression, toy


@pytest.mark.parametrize("name", ["xor", "circles", "moons", "spirals", "blobs"])
def test_point_clouds_are_seeded_split_and_leave_the_global_rng_alone(name):
    before = torch.get_rng_state()
    a = DATASETS[name](n=100, noise=0.1, test_fraction=0.2, seed=3)
    b = DATASETS[name](n=100, noise=0.1, test_fraction=0.2, seed=3)
    assert torch.equal(torch.get_rng_state(), before)
    assert torch.equal(a.X_train, b.X_train) and torch.equal(a.y_test, b.y_test)
    assert (a.X_train.shape, a.X_test.shape) == ((80, 2), (20, 2)) and a.is_2d
    labels = torch.cat([a.y_train, a.y_test])
    assert labels.dtype == torch.long and set(labels.tolist()) == set(range(a.num_classes))
    assert not torch.equal(DATASETS[name](n=100, seed=4).X_train, a.X_train)


def test_toy_and_linear_are_the_lessons_data():
    data = toy()
    assert data.X_train.tolist()[0] == pytest.approx([-1.2, 3.1]) and data.y_train.tolist() == [0, 0, 0, 1, 1]
    assert data.y_test.tolist() == [0, 1] and data.num_classes == 2
    line = linear_regression()
    assert (line.X_train.shape, line.X_test.shape, line.task, line.num_classes) == ((40, 1), (10, 1), "regression", None)
    assert torch.allclose(line.y_train, 0.7 * line.X_train + 0.3)


def test_fashion_standin_shape_and_labels():
    data = DATASETS["fashion"](n=200, seed=1)
    assert data.X_train.shape == (160, 1, 28, 28) and data.num_features == 784 and not data.is_2d
    assert set(torch.cat([data.y_train, data.y_test]).tolist()) == set(range(10))
    assert 0 <= data.X_train.min() and data.X_train.max() <= 1


def test_get_dataset_names_paths_and_errors():
    assert get_dataset("toy").name == "toy"
    ready = toy()
    assert get_dataset(ready) is ready and isinstance(ready, Dataset)
    with pytest.raises(DatasetError, match="unknown dataset 'nope'"):
        get_dataset("nope")
    with pytest.raises(DatasetError, match="no such file"):
        get_dataset("/nonexistent/data.csv")
    with pytest.raises(DatasetError, match="test_fraction"):
        DATASETS["circles"](test_fraction=1.5)
