"""The graph of one training step, captured from a copy of the trainer's model."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from gradviz.core.training.config import TrainingError, lesson_config
from gradviz.core.training.step_graph import capture_training_step, model_snapshot
from gradviz.core.training.trainer import Trainer


def test_step_graph_is_the_latest_batch_through_the_model_and_loss():
    trainer = Trainer(lesson_config("toy-train"))
    with pytest.raises(TrainingError, match="no batch has run yet"):
        capture_training_step(trainer)
    trainer.step_once()
    trace = capture_training_step(trainer)
    labels = [n.label for n in trace.nodes]
    assert {"features", "target", "output", "loss", "layers.0.weight", "layers.2.bias"} <= set(labels)
    features, labels_ = trainer.last_batch()
    expected = F.cross_entropy(trainer.model(features), labels_)  # the weights after the step
    root = next(n for n in trace.nodes if n.id == trace.root)
    assert root.label == "loss"
    assert float(root.value.data.reshape(-1)[0]) == pytest.approx(expected.item(), rel=1e-6)


def test_capture_leaves_the_live_model_alone():
    trainer = Trainer(lesson_config("toy-train"))
    trainer.step_once()
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    grads = [p.grad.clone() for p in trainer.model.parameters()]
    capture_training_step(trainer)
    for k, v in trainer.model.state_dict().items():
        assert torch.equal(v, before[k])
    assert all(torch.equal(p.grad, g) for p, g in zip(trainer.model.parameters(), grads))
    copy = model_snapshot(trainer)
    assert copy is not trainer.model and all(p.grad is None for p in copy.parameters())
