"""The Trainer's hot loop without torch's per-call Python wrappers: the same kernels, the same numbers.

A toy network's step is ~200 µs, and torch's conveniences around it cost ~80 µs more
(measured on circles, 2-16-16-2 tanh, batch 32): ``optimizer.zero_grad()`` and
``optimizer.step()`` each open a profiler ``record_function`` (~15 µs apiece even with no
profiler), and ``loss.backward()`` checks and builds its arguments in Python (~25 µs) before
the C++ engine runs. Each shortcut below calls what those wrappers call, and falls back to
the wrapper whenever its premise does not hold (hooks installed, a tensor subclass, an
unfamiliar torch). ``tests/core/training/test_trainer.py`` checks the weights against a plain torch
loop bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn as nn

from gradviz.core.lessons.models import FashionNetwork, LinearRegressionModel, NeuralNetwork

__all__ = ["backward", "clear_grads", "mode_matters", "step_function"]

_engine = getattr(getattr(torch.autograd, "Variable", None), "_execution_engine", None)
_ones: dict[tuple[torch.dtype, torch.device], torch.Tensor] = {}


def backward(loss: torch.Tensor) -> None:
    """``loss.backward()`` for a scalar loss, by the engine call it ends in."""
    if _engine is None or type(loss) is not torch.Tensor or loss.dim() != 0 \
            or torch._C._are_functorch_transforms_active():
        loss.backward()
        return
    key = (loss.dtype, loss.device)
    one = _ones.get(key)
    if one is None:
        one = _ones[key] = torch.ones((), dtype=loss.dtype, device=loss.device)
    # As torch.autograd.backward(loss): gradient 1, free the graph, no create_graph, every
    # leaf, allow unreachable, accumulate into .grad. The seed tensor is only read.
    _engine.run_backward((loss,), (one,), False, False, (), True, True)


def clear_grads(params: list[nn.Parameter]) -> None:
    """``optimizer.zero_grad()`` (``set_to_none=True``, its default) without the profiler scope."""
    for p in params:
        p.grad = None


def step_function(optimizer: torch.optim.Optimizer) -> Callable[[], object]:
    """A callable doing ``optimizer.step()``: the optimizer's own step, past the profiling wrapper.

    The wrapper torch puts around every optimizer's ``step`` opens a ``record_function`` and
    runs step hooks; while no hook is registered, calling the wrapped function does all the
    rest (no_grad, the update). With a hook, the plain ``optimizer.step`` is used.
    """
    step = type(optimizer).step
    inner = getattr(step, "__wrapped__", None) if getattr(step, "hooked", False) else None
    if inner is None:
        return optimizer.step
    from torch.optim import optimizer as optim_module

    globals_pre = getattr(optim_module, "_global_optimizer_pre_hooks", None)
    globals_post = getattr(optim_module, "_global_optimizer_post_hooks", None)
    if globals_pre is None or globals_post is None:
        return optimizer.step

    def run() -> object:
        if (globals_pre or globals_post or getattr(optimizer, "_optimizer_step_pre_hooks", None)
                or getattr(optimizer, "_optimizer_step_post_hooks", None)):
            return optimizer.step()
        patched = vars(optimizer).get("step")
        if patched is not None:
            # An LR scheduler wraps the instance's step only to note that it ran (it warns
            # otherwise); anything else that replaced it gets called as it is.
            if not getattr(patched, "_wrapped_by_lr_sched", False):
                return optimizer.step()
            optimizer._opt_called = True
        return inner(optimizer)

    return run


#: Modules whose forward is the same in train() and eval() mode (none reads ``self.training``).
_MODE_FREE = (nn.Linear, nn.ReLU, nn.Tanh, nn.Sigmoid, nn.Sequential, nn.Flatten, nn.Identity,
              NeuralNetwork, FashionNetwork, LinearRegressionModel)


def mode_matters(model: nn.Module) -> bool:
    """False when eval() and train() cannot change what ``model`` computes.

    Each walks every submodule (~15 µs for a small MLP); the end-of-epoch evaluation of
    gradviz's own models skips both. A user's module may read ``self.training``: it always
    gets them.
    """
    return not all(type(m) in _MODE_FREE for m in model.modules())
