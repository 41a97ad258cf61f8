"""The nn.Modules of the lessons, exactly as the tutorials define them."""

from __future__ import annotations

import torch
import torch.nn as nn

_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "none": None}


class NeuralNetwork(nn.Module):
    """The tutorials' two-hidden-layer MLP; hidden sizes and activation configurable for training."""

    def __init__(self, num_inputs: int, num_outputs: int, hidden: tuple[int, ...] = (30, 20),
                 activation: str = "relu") -> None:
        super().__init__()
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(_ACTIVATIONS)}, not {activation!r}")
        layers: list[nn.Module] = []
        width = num_inputs
        for h in hidden:
            layers.append(nn.Linear(width, h))
            act = _ACTIVATIONS[activation]
            if act is not None:
                layers.append(act())
            width = h
        layers.append(nn.Linear(width, num_outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = self.layers(x)
        return logits


class FashionNetwork(nn.Module):
    """The 28×28 FashionMNIST classifier of seed 001."""

    def __init__(self) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear_relu_stack(self.flatten(x))


class LinearRegressionModel(nn.Module):
    """weights * x + bias with two nn.Parameters (seed 003)."""

    def __init__(self) -> None:
        super().__init__()
        self.weights = nn.Parameter(torch.randn(1, requires_grad=True, dtype=torch.float))
        self.bias = nn.Parameter(torch.randn(1, requires_grad=True, dtype=torch.float))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weights * x + self.bias


class CustomLayer(nn.Module):
    """Linear → ReLU → Linear (seed 002)."""

    def __init__(self, input_size: int, hidden_size: int, output_size: int) -> None:
        super().__init__()
        self.input_linear = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.output_linear = nn.Linear(hidden_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output_linear(self.relu(self.input_linear(x)))


class SimpleLayer(nn.Module):
    """Linear → ReLU (seed 002)."""

    def __init__(self, input_size: int, output_size: int) -> None:
        super().__init__()
        self.linear = nn.Linear(input_size, output_size)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.linear(x))


class MLP(nn.Module):
    """Two SimpleLayers (seed 002)."""

    def __init__(self, input_size: int, hidden_size: int, output_size: int) -> None:
        super().__init__()
        self.layer1 = SimpleLayer(input_size, hidden_size)
        self.layer2 = SimpleLayer(hidden_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer2(self.layer1(x))


class ComplexModel(nn.Module):
    """A CustomLayer followed by an MLP: modules nested three deep (seed 002)."""

    def __init__(self, input_size: int = 10, hidden_size: int = 20, output_size: int = 5) -> None:
        super().__init__()
        self.custom_layer = CustomLayer(input_size, hidden_size, hidden_size)
        self.mlp = MLP(hidden_size, hidden_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.mlp(self.custom_layer(x))


#: Names the expression language sees, so lessons can build these models.
LESSON_MODELS = {
    cls.__name__: cls
    for cls in (NeuralNetwork, FashionNetwork, LinearRegressionModel, CustomLayer, SimpleLayer, MLP, ComplexModel)
}
