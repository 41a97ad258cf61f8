"""A recurrent layer's weights, checked against its settings each time it runs.

torch's recurrent kernels trust the weights' shapes: a weight of another shape reads and
writes past its memory (a double free, a heap overflow). Assigning one is refused by the
allow-list, but a program can also reach the same weights through a module method
(``register_parameter``) or an in-place tensor method under ``torch.no_grad()``
(``resize_``, ``t_``). So the kernel's own list of weights is checked right before each
forward, against the shapes the layer's (fixed) settings give (see guards.modules_checked).
"""

from __future__ import annotations

import torch
from torch import nn

from gradviz.core.i18n import translate
from gradviz.core.program.errors import ProgramError

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def expected_shapes(layer: nn.RNNBase) -> dict[str, tuple[int, ...]]:
    """Each weight's shape, as ``nn.RNNBase.__init__`` makes it."""
    gate = _GATES[layer.mode] * layer.hidden_size
    real_hidden = layer.proj_size or layer.hidden_size
    directions = 2 if layer.bidirectional else 1
    shapes: dict[str, tuple[int, ...]] = {}
    for k in range(layer.num_layers):
        width = layer.input_size if k == 0 else real_hidden * directions
        for d in range(directions):
            suffix = f"_l{k}" + ("_reverse" if d else "")
            shapes[f"weight_ih{suffix}"] = (gate, width)
            shapes[f"weight_hh{suffix}"] = (gate, real_hidden)
            shapes[f"bias_ih{suffix}"] = (gate,)
            shapes[f"bias_hh{suffix}"] = (gate,)
            shapes[f"weight_hr{suffix}"] = (layer.proj_size, layer.hidden_size)
    return shapes


def weights_problem(layer: nn.RNNBase) -> str | None:
    """Why ``layer``'s kernel must not run on its weights, or None when they fit."""
    if layer.mode not in _GATES:
        return translate("recurrent", "its mode {mode!r} is not one torch's kernels know").format(mode=layer.mode)
    expected = expected_shapes(layer)
    names, weights = list(layer._flat_weights_names), list(layer._flat_weights)
    if len(names) != len(weights):
        return translate("recurrent", "its list of weights was changed")
    first = next((w for w in weights if isinstance(w, torch.Tensor)), None)
    for name, weight in zip(names, weights):
        if not isinstance(weight, torch.Tensor) or name not in expected:
            return translate("recurrent", "its weight {name} is not a tensor").format(name=name)
        if tuple(weight.shape) != expected[name] or weight.dtype != first.dtype or weight.device != first.device:
            return translate("recurrent", "its weight {name} is {shape}, {dtype}; its settings need {expected}, "
                                          "{first}").format(name=name, shape=tuple(weight.shape),
                                                            dtype=str(weight.dtype).replace("torch.", ""),
                                                            expected=expected[name],
                                                            first=str(first.dtype).replace("torch.", ""))
    return None


def check(layer: nn.RNNBase) -> None:
    """Raise a refused ProgramError when ``layer``'s weights do not fit its settings."""
    problem = weights_problem(layer)
    if problem is not None:
        message = translate("recurrent", "running {module} is refused: {problem} (torch's recurrent kernels "
                                         "trust their weights' shapes; make a new layer instead)")
        raise ProgramError(message.format(module=type(layer).__name__, problem=problem), None, None, "refused")
