"""The autograd graph of one training step: the trainer's latest batch through a copy of its model.

The training panel's "Show graph of this step" button ends here. Nothing in this module touches
the live model: it works on a CPU copy holding a consistent snapshot of the weights, so a run
going on in another thread is neither disturbed nor able to tear the copy.
"""

from __future__ import annotations

import copy

import torch

from gradviz.core.capture.capture import capture_module
from gradviz.core.i18n import translate
from gradviz.core.trace import Trace
from gradviz.core.training.config import TrainingError
from gradviz.core.training.parts import compute_loss

__all__ = ["capture_training_step", "model_snapshot"]


def model_snapshot(trainer) -> torch.nn.Module:
    """A CPU copy of ``trainer.model`` with the weights as they were between two batches.

    Copied under the trainer's lock, so the state is whole even while another thread trains.
    """
    with trainer._lock:
        model = copy.deepcopy(trainer.model).cpu()
    for p in model.parameters():
        p.grad = None  # the copy's own backward must not add to the live run's gradients
    return model


def capture_training_step(trainer, step: int | None = None) -> Trace:
    """Capture the forward and backward graph of the trainer's most recent batch, or of step
    ``step`` (the kept step nearest it, see ``Trainer.keep_history``).

    Parameters
    ----------
    trainer : gradviz.core.training.trainer.Trainer
    step : int, optional
        1-based optimizer step. Its graph is the batch through the weights it was computed
        with (before its update): its loss is the batch loss recorded for that step.

    Returns
    -------
    Trace
        Inputs named ``features`` and ``target``, the model's parameters labelled by their
        ``named_parameters()`` path, the configured loss as root. The weights are those after
        the batch's optimizer step (the ones the next batch would use).

    Raises
    ------
    TrainingError
        Before any batch has run.
    """
    if step is not None:
        kept = trainer.step_inputs(step)
        if kept is None:
            raise TrainingError(translate("training", "no step of this run was kept: press Step or Start first"))
        _step, weights, features, labels = kept
        model = model_snapshot(trainer)
        with torch.no_grad():
            for name, p in model.named_parameters():
                if name in weights:
                    p.copy_(weights[name])
        loss_name = trainer.config.loss
        return capture_module(model, features, target=labels, input_names=("features",),
                              loss_fn=lambda out, target: compute_loss(loss_name, out, target))
    batch = trainer.last_batch()
    if batch is None:
        raise TrainingError(translate("training", "no batch has run yet: press Step or Start first"))
    features, labels = batch
    model = model_snapshot(trainer)
    loss_name = trainer.config.loss
    return capture_module(model, features, target=labels, input_names=("features",),
                          loss_fn=lambda out, target: compute_loss(loss_name, out, target))
