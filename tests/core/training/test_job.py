"""Training in a run process: the ``train`` job steered through its handle, as the app and CLI do."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest
import torch

from gradviz.core.run import codec
from gradviz.core.run.client import shared_runner
from gradviz.core.run.request import ModuleSpec
from gradviz.core.training.client import RemoteTrainer
from gradviz.core.training.config import TrainConfig, TrainingError, lesson_config
from gradviz.core.training.records import RecordBatch
from gradviz.core.training.spec import DataArrays, spec_of
from gradviz.core.training.trainer import Trainer

TOY_LOSSES = [0.7487, 0.6450, 0.4423, 0.1256, 0.0269, 0.0043]
CIRCLES = TrainConfig(dataset="circles", hidden=(16, 16), activation="tanh", optimizer="sgd", lr=0.05,
                      batch_size=32, epochs=1000, seed=0, device="cpu")


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # as the run processes: the same kernels, the same numbers
    yield
    torch.set_num_threads(before)


class Run:
    """A RemoteTrainer and everything it said, read from its handle by the test."""

    def __init__(self, config: TrainConfig, **options) -> None:
        self.trainer = RemoteTrainer(config, shared_runner(), **options)
        self.records: list = []
        self.said: list = []

    def read(self, until, timeout: float = 30.0):
        """Take messages until ``until(kind, body)`` is true for one; return that one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            item = self.trainer.handle.next(0.05)
            if item is None:
                continue
            kind, body = item
            self.trainer.receive(kind, body)
            self.said.append(kind)
            if kind == "records":
                self.records.extend(body.records())
            if until(kind, body):
                return body
            if kind == "ended":
                raise AssertionError(f"the run ended: {body}")
        raise AssertionError(f"nothing came in {timeout} s; heard {self.said[-5:]}")

    def finished(self, timeout: float = 30.0):
        return self.read(lambda kind, body: kind == "finished", timeout)

    def quiet_for(self, seconds: float) -> list:
        """Messages in the next ``seconds`` (the run should be holding)."""
        heard = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            item = self.trainer.handle.next(0.02)
            if item is not None:
                self.trainer.receive(*item)
                heard.append(item)
                if item[0] == "records":
                    self.records.extend(item[1].records())
        return heard

    def ask(self, what: str, *args, timeout: float = 30.0):
        answers = []
        self.trainer.ask(what, args, lambda ok, value: answers.append((ok, value)))
        self.read(lambda kind, body: bool(answers), timeout)
        return answers[0]

    def close(self) -> None:
        self.trainer.close()


@pytest.fixture
def runs():
    made: list[Run] = []

    def make(config: TrainConfig, **options) -> Run:
        run = Run(config, **options)
        made.append(run)
        return run

    yield make
    for run in made:
        run.close()


def test_records_arrive_batched_and_match_an_in_process_trainer(runs):
    run = runs(lesson_config("toy-train"))
    run.trainer.go()
    assert run.finished() == ("done", "", 6)
    assert [round(r.train_loss, 4) for r in run.records] == TOY_LOSSES
    assert run.records[-1].train_acc == 1.0 and run.records[-1].test_acc == 1.0 and run.records[-1].done
    assert run.said.count("records") == 1  # six steps, one message
    expected = list(Trainer(lesson_config("toy-train")).run())
    assert len(run.records) == len(expected)
    for got, want in zip(run.records, expected):
        assert got.train_loss == want.train_loss and got.test_loss == want.test_loss
        assert got.grad_norms == pytest.approx(want.grad_norms, rel=1e-6)
    info = run.trainer.info
    assert (info.total_steps, info.num_batches, info.dataset, info.device) == (6, 2, "toy", "cpu")
    assert run.trainer.job.wall  # a named model and dataset: the OS wall goes up


def test_step_holds_after_each_batch_and_two_quick_steps_are_two(runs):
    run = runs(lesson_config("toy-train"))
    run.trainer.step()
    assert run.read(lambda kind, body: kind == "held") == 1
    assert [r.step for r in run.records] == [1]
    assert not any(kind == "records" for kind, _ in run.quiet_for(0.3))  # holding
    run.trainer.step()
    run.trainer.step()  # before the first has even run
    assert run.read(lambda kind, body: kind == "held" and body == 3) == 3
    assert [r.step for r in run.records] == [1, 2, 3]
    assert not any(kind == "records" for kind, _ in run.quiet_for(0.3))
    run.trainer.resume()
    assert run.finished()[0] == "done"
    assert [r.step for r in run.records] == [1, 2, 3, 4, 5, 6]
    assert [round(r.train_loss, 4) for r in run.records] == TOY_LOSSES


def test_pause_resume_lr_and_stop_then_continue(runs):
    run = runs(CIRCLES)
    run.trainer.go()
    run.read(lambda kind, body: len(run.records) > 20)
    assert {r.lr for r in run.records} == {0.05}
    run.trainer.pause()
    held = run.read(lambda kind, body: kind == "held")  # after the batches under way and their records
    assert held == run.trainer.steps == len(run.records)
    assert not any(kind == "records" for kind, _ in run.quiet_for(0.4))
    assert run.trainer.steps == held
    run.trainer.set_lr(0.001)
    run.trainer.resume()
    run.read(lambda kind, body: len(run.records) > held + 5)
    assert [r.lr for r in run.records[held - 1:held + 1]] == [0.05, 0.001]  # from the next batch on
    run.trainer.stop()
    outcome, _message, step = run.finished()
    assert outcome == "stopped" and step == run.trainer.steps == len(run.records)
    run.trainer.step()  # Continue: the same model goes on where it stopped
    run.read(lambda kind, body: kind == "records")
    assert run.records[-1].step == step + 1 and run.records[-1].lr == 0.001
    run.trainer.stop()
    assert run.finished()[0] == "stopped"


def test_stop_ends_a_held_run(runs):
    run = runs(lesson_config("toy-train"))
    run.trainer.step()
    run.read(lambda kind, body: kind == "records")
    run.trainer.stop()
    assert run.finished() == ("stopped", "", 1)


def test_answers_grid_predictions_weights_load_and_step_graph(runs):
    run = runs(CIRCLES.replace(epochs=2))
    ok, message = run.ask("step_graph")
    assert not ok and "no batch has run yet" in message
    run.trainer.go()
    run.finished()
    ok, grid = run.ask("grid", -1.5, 1.5, -1.5, 1.5, 41)
    assert ok and grid.shape == (41, 41) and grid.dtype == np.float32 and 0 <= grid.min() <= grid.max() <= 1
    local = Trainer(CIRCLES.replace(epochs=2))
    list(local.run())
    np.testing.assert_array_equal(grid, local.predict_grid(-1.5, 1.5, -1.5, 1.5, 41))
    ok, out = run.ask("predict", np.array([[0.0, 0.0], [1.0, 1.0]], dtype=np.float32))
    assert ok and out.shape == (2, 2)
    ok, weights = run.ask("weights")
    assert ok and list(weights) == list(local.model.state_dict())
    assert all(np.array_equal(weights[k], v.numpy()) for k, v in local.model.state_dict().items())
    ok, trace = run.ask("step_graph")
    labels = {n.label for n in trace.nodes}
    assert ok and set(weights) <= labels and {"features", "target", "loss"} <= labels
    zeros = {k: np.zeros_like(v) for k, v in weights.items()}
    assert run.ask("load", zeros, "zeros.pth") == (True, True)
    ok, weights = run.ask("weights")
    assert all(not v.any() for v in weights.values())
    ok, message = run.ask("load", {"nope": np.zeros(3, np.float32)}, "nope.pth")
    assert not ok and "the weights in nope.pth do not fit this model" in message
    assert run.ask("bogus") == (False, "a run cannot answer 'bogus'")


def test_a_config_that_cannot_train_is_a_failure_message(runs):
    run = runs(TrainConfig(dataset="linear", loss="cross_entropy"))
    failure = run.read(lambda kind, body: kind == "failure")
    assert failure.kind == "training" and "use mse or l1" in failure.message
    item = run.trainer.handle.next(10)
    assert item[0] == "ended" and item[1].code == 0
    run.trainer.receive(*item)
    assert run.trainer.error().message == failure.message and not run.trainer.alive


def test_nan_loss_finishes_with_the_advice(runs):
    run = runs(TrainConfig(dataset="circles", lr=1e6, epochs=50, device="cpu"))
    run.trainer.go()
    outcome, message, _step = run.finished()
    assert outcome == "error" and "loss became" in message and "smaller learning rate" in message
    assert run.trainer.done


def test_a_killed_run_says_so_and_fails_pending_questions(runs):
    run = runs(CIRCLES)
    run.trainer.go()
    run.read(lambda kind, body: len(run.records) > 5)
    answers = []
    os.kill(run.trainer.handle.pid, signal.SIGKILL)
    run.trainer.ask("weights", (), lambda ok, value: answers.append((ok, value)))
    while True:
        kind, body = run.trainer.handle.next(10)
        run.trainer.receive(kind, body)
        if kind == "ended":
            ending = body
            break
    assert ending.signal == signal.SIGKILL and not run.trainer.alive
    assert "run process was killed" in run.trainer.error().message
    assert answers and answers[0][0] is False and "killed" in answers[0][1]


def test_a_model_from_the_users_file_trains_without_the_wall(runs, tmp_path):
    (tmp_path / "mine.py").write_text(
        "import torch.nn as nn\n"
        "class Tiny(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(2, 2)\n"
        "    def forward(self, x):\n"
        "        return self.fc(x)\n")
    config = lesson_config("toy-train").replace(model=ModuleSpec(str(tmp_path / "mine.py"), "Tiny"))
    run = runs(config)
    assert not run.trainer.job.wall and config.runs_user_code
    run.trainer.go()
    assert run.finished()[0] == "done"
    assert {name for name, _shape, _dtype in run.trainer.info.parameters} == {"fc.weight", "fc.bias"}
    bad = runs(config.replace(model=ModuleSpec(str(tmp_path / "mine.py"), "Nope")))
    assert "has no class Nope" in bad.read(lambda kind, body: kind == "failure").message


def test_a_csv_dataset_travels_as_arrays_and_trains_walled(runs, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("a,b,cls\n" + "".join(f"{i % 5},{i % 3},{i % 2}\n" for i in range(20)))
    config = TrainConfig(dataset=str(path), epochs=2, batch_size=5, device="cpu")
    spec = spec_of(config)
    assert isinstance(spec.dataset, DataArrays) and spec.dataset.X_train.shape == (16, 2)
    run = runs(config)
    assert run.trainer.job.wall  # the run never opens the file
    run.trainer.go()
    assert run.finished()[0] == "done"
    assert [r.train_loss for r in run.records] == [r.train_loss for r in Trainer(config).run()]


def test_callable_models_do_not_travel():
    from gradviz.core.lessons.models import NeuralNetwork

    with pytest.raises(TrainingError, match="cannot be sent to a run process"):
        spec_of(TrainConfig(model=lambda: NeuralNetwork(2, 2)))


def test_record_batches_are_checked_when_decoded():
    trainer = Trainer(lesson_config("toy-train"))
    while trainer.advance():
        pass
    batch = trainer.take_records()
    assert isinstance(batch, RecordBatch) and len(batch) == 6 and trainer.take_records() is None
    again = codec.decode(codec.encode(batch))
    assert again.records() == batch.records() == trainer.history
    forged = codec.encode(batch).replace(b'["@","RecordBatch",1', b'["@","RecordBatch",0')
    with pytest.raises(codec.DecodeError, match="numbered from 1"):
        codec.decode(forged)
