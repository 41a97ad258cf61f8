"""A small nn.Module to open in gradviz: `gradviz render examples/tiny_model.py:TinyNet -o tiny.svg`."""

import torch
import torch.nn as nn


class TinyNet(nn.Module):
    def __init__(self, num_inputs: int = 4, hidden: int = 8, num_outputs: int = 2) -> None:
        super().__init__()
        self.hidden = nn.Linear(num_inputs, hidden)
        self.act = nn.Tanh()
        self.out = nn.Linear(hidden, num_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.act(self.hidden(x)))


if __name__ == "__main__":
    from gradviz.core.capture.capture import capture_module

    torch.manual_seed(0)
    trace = capture_module(TinyNet(), torch.rand(1, 4))
    print(f"{len(trace.nodes)} nodes; root {trace.node(trace.root).op}")
