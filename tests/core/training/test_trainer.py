"""The training core: the lessons' numbers, convergence, NaN, control from another thread, files."""

import dataclasses
import math
import queue
import threading
import time

import pytest
import torch

from gradviz.core.lessons.models import FashionNetwork, NeuralNetwork
from gradviz.core.training.datasets import DatasetError, circles, from_csv
from gradviz.core.training.trainer import (
    Record,
    TrainConfig,
    TrainControl,
    Trainer,
    TrainingError,
    available_devices,
    lesson_config,
    resolve_device,
    train,
)

TOY_LOSSES = [0.7487, 0.6450, 0.4423, 0.1256, 0.0269, 0.0043]


@pytest.fixture(autouse=True)
def one_thread():
    # Toy nets gain nothing from intra-op threads, and on a busy 2-core machine OpenMP's waiting
    # made them 10-25x slower (measured); restore so other tests see torch's own setting.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_toy_train_reproduces_the_seed_losses_and_accuracy():
    rng_before = torch.get_rng_state()
    records = list(train(lesson_config("toy-train")))
    assert [round(r.train_loss, 4) for r in records] == TOY_LOSSES
    assert [(r.epoch, r.batch, r.step) for r in records] == [(1, 1, 1), (1, 2, 2), (2, 1, 3), (2, 2, 4),
                                                              (3, 1, 5), (3, 2, 6)]
    last = records[-1]
    assert last.done and last.train_acc == 1.0 and last.test_acc == 1.0
    assert [r.done for r in records].count(True) == 1
    assert [r.test_loss is None for r in records] == [True, False] * 3
    # The run draws from its own generator: a lesson seeded before it keeps its numbers.
    assert torch.equal(torch.get_rng_state(), rng_before)


def test_records_hold_only_plain_python_values():
    record = list(train(lesson_config("toy-train")))[-1]
    for name, value in vars(record).items():
        assert value is None or type(value) in (int, float, bool, dict), name
    assert set(record.grad_norms) == {n for n, _ in NeuralNetwork(2, 2).named_parameters()}
    assert all(type(v) is float and v >= 0 for v in record.grad_norms.values())


def test_linear_regression_lesson_initial_weights_and_falling_test_loss():
    trainer = Trainer(lesson_config("linear-regression"))
    assert trainer.model.weights.item() == pytest.approx(0.336690, abs=1e-6)
    assert trainer.model.bias.item() == pytest.approx(0.128809, abs=1e-6)
    records = list(trainer.run())
    assert len(records) == 100 and all(r.epoch_end for r in records)  # one full batch per epoch
    assert records[-1].test_loss < records[0].test_loss
    assert records[-1].train_acc is None  # regression has no accuracy
    assert trainer.predict(trainer.dataset.X_test).shape == (10, 1)


def test_tanh_net_learns_two_circles():
    config = TrainConfig(dataset=circles(), model="mlp", hidden=(16, 16), activation="tanh",
                         loss="bce_logits", optimizer="adam", lr=0.01, batch_size=32, epochs=200, seed=0)
    trainer = Trainer(config)
    for record in trainer.run():
        if record.epoch_end and record.test_acc >= 0.95:
            break
    assert record.test_acc >= 0.95 and record.step <= 2000
    grid = trainer.predict_grid(-1.5, 1.5, -1.5, 1.5, 41)
    assert grid.shape == (41, 41) and 0 <= grid.min() and grid.max() <= 1
    assert grid[20, 20] > 0.5 > grid[0, 0]  # centre is the inner ring (class 1), corner the outside


def test_nan_loss_stops_the_run_with_advice():
    config = TrainConfig(dataset="circles", lr=1e6, epochs=50)
    with pytest.raises(TrainingError, match=r"loss became (nan|inf) at epoch \d+ batch \d+: try a smaller "
                                            r"learning rate \(now 1e\+06\)"):
        for _ in train(config):
            pass


def test_bad_configs_raise_training_errors():
    with pytest.raises(TrainingError, match="unknown optimizer"):
        TrainConfig(optimizer="adagrad")
    with pytest.raises(TrainingError, match="learning rate"):
        TrainConfig(lr=-1)
    with pytest.raises(TrainingError, match="regression"):
        Trainer(TrainConfig(dataset="linear", loss="cross_entropy"))
    with pytest.raises(TrainingError, match="leaves no batch"):
        Trainer(TrainConfig(dataset="toy", batch_size=8, drop_last=True))
    with pytest.raises(TrainingError, match=r"\[0, 1\]"):
        list(train(TrainConfig(dataset="circles", loss="bce", model="logistic", epochs=1)))


def test_control_pauses_resumes_changes_lr_and_stops_from_another_thread():
    control = TrainControl()
    config = TrainConfig(dataset="circles", batch_size=4, epochs=100, lr=0.05)
    records: queue.Queue = queue.Queue(maxsize=1)  # bounded: the worker cannot run ahead of us

    def worker():
        for r in train(config, control):
            records.put(r)
        records.put(None)

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    assert records.get(timeout=10).lr == 0.05
    control.pause()
    assert control.paused
    drained = 0
    while True:  # only the batches already past the check when we paused still arrive
        try:
            records.get(timeout=0.2)
            drained += 1
        except queue.Empty:
            break
    assert drained <= 2
    time.sleep(0.3)
    assert records.empty() and thread.is_alive()
    control.set_lr(0.123)
    control.resume()
    assert records.get(timeout=10).lr == 0.123
    control.stop()
    rest = []
    while (r := records.get(timeout=10)) is not None:
        rest.append(r)
    thread.join(timeout=10)
    assert not thread.is_alive() and control.stopped
    assert len(rest) <= 2 and not any(r.done for r in rest)


def test_control_wait_times_out_while_paused_and_stop_wakes_it():
    control = TrainControl()
    assert control.wait_while_paused(timeout=0)
    control.pause()
    assert not control.wait_while_paused(timeout=0.05)
    threading.Timer(0.05, control.stop).start()
    assert not control.wait_while_paused(timeout=5)
    with pytest.raises(ValueError):
        control.set_lr(float("nan"))


def test_step_once_history_last_batch_and_schedule(tmp_path):
    trainer = Trainer(lesson_config("toy-train").replace(schedule="step", step_size=1, gamma=0.5))
    assert trainer.last_batch() is None
    first = trainer.step_once()
    features, labels = trainer.last_batch()
    assert features.shape == (2, 2) and labels.dtype == torch.long
    features.zero_()  # a copy: the trainer's batch is untouched
    assert trainer.last_batch()[0].abs().sum() > 0
    while trainer.step_once() is not None:
        pass
    assert trainer.done and first.train_loss == pytest.approx(0.7487, abs=5e-5)
    assert [r.lr for r in trainer.history] == [0.5, 0.5, 0.25, 0.25, 0.125, 0.125]
    trainer.history_csv(tmp_path / "h.csv")
    lines = (tmp_path / "h.csv").read_text().splitlines()
    assert lines[0].startswith("epoch,batch,step,train_loss") and len(lines) == 7


def test_weights_round_trip_and_bad_files(tmp_path):
    trainer = Trainer(lesson_config("toy-train"))
    list(trainer.run())
    path = tmp_path / "model.pth"
    trainer.save_weights(path)
    fresh = Trainer(lesson_config("toy-train").replace(seed=7))
    X = trainer.dataset.X_test
    assert not (fresh.predict(X) == trainer.predict(X)).all()
    fresh.load_weights(path)
    assert (fresh.predict(X) == trainer.predict(X)).all()

    torch.save([1, 2, 3], tmp_path / "list.pt")
    with pytest.raises(TrainingError, match="not a state_dict"):
        fresh.load_weights(tmp_path / "list.pt")
    (tmp_path / "junk.pt").write_bytes(b"\x00not a torch file\xff" * 10)
    with pytest.raises(TrainingError, match="not a weights file"):
        fresh.load_weights(tmp_path / "junk.pt")
    torch.save(NeuralNetwork(2, 2), tmp_path / "module.pt")  # a whole pickled module is refused
    with pytest.raises(TrainingError, match="not a weights file"):
        fresh.load_weights(tmp_path / "module.pt")
    with pytest.raises(TrainingError, match="no such file"):
        fresh.load_weights(tmp_path / "missing.pt")
    other = Trainer(lesson_config("toy-train").replace(hidden=(4,)))
    with pytest.raises(TrainingError, match="do not fit this model"):
        other.load_weights(path)


def test_fashion_lesson_and_flattened_mlp():
    trainer = Trainer(lesson_config("fashion-mlp").replace(epochs=1, device="cpu"))
    assert isinstance(trainer.model, FashionNetwork) and trainer.config.batch_size == 64
    records = list(trainer.run())
    assert len(records) == 25 and 0 <= records[-1].test_acc <= 1
    assert trainer.last_batch()[0].shape == (64, 1, 28, 28)
    mlp = Trainer(TrainConfig(dataset="fashion", hidden=(32,), epochs=1, batch_size=400))
    assert mlp.step_once().train_loss > 0 and mlp.last_batch()[0].shape == (400, 784)


@pytest.mark.parametrize("text, message", [
    ("x,y,label\n1,2,0\n3,4\n", "line 3: expected 3 columns, found 2"),
    ("x,y,label\n1,2,0\n3,abc,1\n", "line 3, column 2: 'abc' is not a number"),
    ("1,2,0\n\n3,4,\n", "line 3: missing label"),
    ("1,2,0\n3,4,0.5\n", "line 2: label '0.5' is not an integer"),
    ("1,2,0\n3,4,-1\n", "line 2: label '-1' is negative"),
    ("", "the file is empty"),
    ("x,y,label\n1,2,0\n", "need at least 2 data rows, found 1"),
])
def test_bad_csv_rows_are_reported_with_their_line(tmp_path, text, message):
    path = tmp_path / "data.csv"
    path.write_text(text)
    with pytest.raises(DatasetError) as info:
        from_csv(path)
    assert message in str(info.value)


def test_good_csv_loads_and_trains(tmp_path):
    path = tmp_path / "points.csv"
    rows = [f"{i % 5},{i % 3},{i % 2}" for i in range(20)]
    path.write_text("a,b,cls\n" + "\n".join(rows) + "\n")
    data = from_csv(path, test_fraction=0.25)
    assert (len(data.y_train), len(data.y_test), data.num_classes, data.name) == (15, 5, 2, "points")
    assert data.X_train.dtype == torch.float32 and data.is_2d
    records = list(train(TrainConfig(dataset=str(path), epochs=2, batch_size=5)))
    assert len(records) == 8 and math.isfinite(records[-1].test_loss)  # 16 train rows, 4 batches


def test_devices_on_this_cpu_machine():
    devices = available_devices()
    assert devices["cpu"] is None
    assert resolve_device("cpu") == torch.device("cpu")
    with pytest.raises(TrainingError, match="unknown device"):
        resolve_device("tpu")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    assert isinstance(devices["cuda"], str) and devices["cuda"]
    assert resolve_device("auto").type in ("cpu", "mps")
    with pytest.raises(TrainingError, match="device 'cuda' is not available: "):
        resolve_device("cuda")
    with pytest.raises(TrainingError, match="not available"):
        Trainer(TrainConfig(device="cuda"))


def test_record_is_frozen():
    record = Record(epoch=1, batch=1, step=1, train_loss=0.5)
    with pytest.raises(AttributeError):
        record.train_loss = 0.1


@pytest.mark.parametrize("options", [dict(batch_size=32), dict(batch_size=32, drop_last=True),
                                     dict(batch_size=7, shuffle=False), dict(batch_size=None),
                                     dict(batch_size=50, shuffle=False, drop_last=True)])
def test_the_trainers_batches_are_the_dataloaders(options):
    """The Trainer slices one gathered epoch instead of iterating its DataLoader: the same
    rows in the same batches, epoch after epoch, from the same generator draws."""
    config = TrainConfig(dataset="circles", model="mlp", hidden=(4,), seed=3, **options)
    reference, fast = Trainer(config), Trainer(config)
    for _epoch in range(3):
        expected = list(reference._loader)
        got = list(fast._epoch_batches())
        assert len(got) == len(expected) == fast.num_batches
        for (x, y), (x0, y0) in zip(got, expected):
            assert torch.equal(x, x0) and torch.equal(y, y0)


@pytest.mark.parametrize("options", [dict(optimizer="sgd"), dict(optimizer="sgd", momentum=0.9, weight_decay=1e-3),
                                     dict(optimizer="adam"), dict(optimizer="rmsprop", momentum=0.5),
                                     dict(optimizer="sgd", schedule="step", step_size=1, gamma=0.7)])
def test_the_trainers_steps_are_a_plain_torch_loops_bit_for_bit(options):
    """The Trainer skips torch's per-call wrappers (zero_grad's and step's profiler scopes,
    backward's argument checks): the weights after three epochs must still be exactly those
    of zero_grad(), backward(), step() on the same batches."""
    from gradviz.core.training import parts

    config = TrainConfig(dataset="circles", hidden=(8, 8), activation="tanh", lr=0.05, batch_size=32, epochs=3,
                         seed=1, **options)
    fast, reference = Trainer(config), Trainer(config)
    model, optimizer = reference.model, reference.optimizer
    for _epoch in range(config.epochs):
        for features, labels in reference._epoch_batches():
            loss = parts.compute_loss(config.loss, model(features), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if reference.scheduler is not None:
            reference.scheduler.step()
    while fast.advance():
        pass
    for (name, got), want in zip(fast.model.state_dict().items(), model.state_dict().values()):
        assert torch.equal(got, want), name
    assert fast.lr == reference.optimizer.param_groups[0]["lr"]


def test_gradient_norms_are_logged_in_bulk_and_match_per_step_norms():
    trainer = Trainer(TrainConfig(dataset="circles", hidden=(8,), batch_size=100, epochs=2, seed=0))
    expected = []
    while not trainer.done:
        trainer.advance()
        expected.append({name: float(p.grad.norm()) for name, p in trainer.model.named_parameters()})
    records = trainer.history
    assert len(records) == len(expected) == 8
    for record, norms in zip(records, expected):
        assert record.grad_norms == pytest.approx(norms, rel=1e-5)
    assert trainer.take_records().records() == records


def test_training_config_and_records_import_without_torch():
    import subprocess
    import sys

    code = ("import sys, gradviz.core.training.config, gradviz.core.training.records, gradviz.core.training.spec, "
            "gradviz.core.training.client, gradviz.core.run.messages\n"
            "print(','.join(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_activations_are_the_models():
    from gradviz.core.lessons.models import _ACTIVATIONS
    from gradviz.core.training.config import ACTIVATIONS

    assert ACTIVATIONS == tuple(_ACTIVATIONS)


def test_a_run_processs_log_forgets_what_it_sent():
    config = TrainConfig(dataset="circles", hidden=(4,), batch_size=100, epochs=3, seed=0)
    kept, forgetful = Trainer(config), Trainer(config)
    forgetful.log.keep = False
    batches = []
    while forgetful.advance():
        if forgetful.log.pending == 3:
            batches.append(forgetful.take_records())
            assert forgetful.log.pending == 0 and len(forgetful.log.loss) == 0
    assert forgetful.take_records() is None  # 12 steps: all four batches taken
    list(kept.run())
    records = [r for batch in batches for r in batch.records()]
    assert [b.first_step for b in batches] == [1, 4, 7, 10] and len(forgetful.log) == 12
    def timeless(rs):
        return [dataclasses.replace(r, elapsed=0.0) for r in rs]

    # The same steps, epoch ends and done, from the batches alone.
    assert timeless(records) == timeless(kept.history)
