"""A root chosen by a path into what the program holds: outputs, and tensors a model kept."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from gradviz.core.capture.capture import capture_program
from gradviz.core.program.errors import ProgramError


class KeepsItsLoss(nn.Module):
    """As llama2.c's Transformer: the forward returns logits and keeps the loss on the model."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.last_loss = None

    def forward(self, x, y=None):
        out = self.fc(x)
        if y is not None:
            self.last_loss = ((out - y) ** 2).mean()
        return out


PROGRAM = ("torch.manual_seed(0)\nmodel = KeepsItsLoss()\nx = torch.randn(4, 3)\ny = torch.randn(4, 2)\n"
           "out = model(x, y)\n")


def test_a_loss_the_model_kept_on_itself_is_a_root_with_torchs_numbers():
    trace = capture_program(PROGRAM, root="model.last_loss", extra_names={"KeepsItsLoss": KeepsItsLoss})
    torch.manual_seed(0)
    model = KeepsItsLoss()
    x, y = torch.randn(4, 3), torch.randn(4, 2)
    model(x, y)
    model.last_loss.backward()
    root = trace.node(trace.root)
    assert root.op == "MeanBackward0"
    assert root.value.data.item() == pytest.approx(model.last_loss.item(), rel=1e-6)
    grads = {n.label: n.grad.data for n in trace.nodes if n.op == "AccumulateGrad"}
    assert torch.allclose(torch.from_numpy(grads["model.fc.weight"]), model.fc.weight.grad)
    assert torch.allclose(torch.from_numpy(grads["model.fc.bias"]), model.fc.bias.grad)


def test_a_path_a_model_does_not_hold_lists_what_it_does():
    with pytest.raises(ProgramError) as info:
        capture_program(PROGRAM, root="model.loss", extra_names={"KeepsItsLoss": KeepsItsLoss})
    assert "a KeepsItsLoss has no submodule or tensor 'loss' here (.fc, .last_loss)" in info.value.message
