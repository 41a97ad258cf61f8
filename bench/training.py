"""Steps per second of the app's training path against a bare PyTorch loop on the same problem.

The app's path is the real TrainingPanel in the real main window (offscreen, toy-train lesson
open): Trainer on a worker thread, Records sent back in batches, the loss plot redrawn on its
timer and the decision boundary on its own.
Two bare loops: the one the users' tutorials teach (a DataLoader, the training steps with
``loss.item()``, the test set evaluated after each epoch, as the app's plot shows it), and a
hand-indexed one (randperm and tensor slices, no evaluation: the least work a loop can do).
All run circles, 2-16-16-2 tanh, SGD, batch 32, 2,000 steps (200 epochs of 10 batches). The Trainer alone (no Qt) is timed too, to show which part of the
gap is the app's and which is the training core's (per-batch gradient norms, end-of-epoch
evaluation, its DataLoader).

Run: .venv/bin/python bench/training.py [--repeat 3]   (not part of the test run)
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import torch
import torch.nn.functional as F

import gradviz.qt  # noqa: F401  (first: pins None for the PySide6 wheel)
from gradviz.core.lessons.models import NeuralNetwork
from gradviz.core.training.config import TrainConfig
from gradviz.core.training.datasets import circles
from gradviz.core.training.trainer import Trainer

STEPS = 2000
CONFIG = TrainConfig(dataset="circles", model="mlp", hidden=(16, 16), activation="tanh", loss="cross_entropy",
                     optimizer="sgd", lr=0.05, batch_size=32, epochs=200, seed=0, device="cpu")


def bare_loop(steps: int = STEPS) -> float:
    """Steps per second of a plain loop over the same data and model."""
    data = circles()
    X, y = data.X_train, data.y_train
    torch.manual_seed(0)
    model = NeuralNetwork(2, 2, hidden=(16, 16), activation="tanh")
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    done = 0
    start = time.perf_counter()
    while done < steps:
        order = torch.randperm(len(y))
        for i in range(0, len(y), 32):
            idx = order[i:i + 32]
            loss = F.cross_entropy(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss.item()  # a loop that shows its loss reads it, as every tutorial's does
            done += 1
            if done == steps:
                break
    return steps / (time.perf_counter() - start)


def tutorial_loop(steps: int = STEPS) -> float:
    """Steps per second of the loop the users' tutorials teach, on the same data and model.

    A DataLoader over a TensorDataset (shuffle=True), ``model.train()``, forward, loss,
    zero_grad, backward, step, ``loss.item()``; after each epoch ``model.eval()`` and the
    tutorials' ``test()`` over the test set under ``torch.no_grad()`` (its loss and accuracy,
    which the app shows too).
    """
    from torch.utils.data import DataLoader, TensorDataset

    data = circles()
    torch.manual_seed(0)
    train_loader = DataLoader(TensorDataset(data.X_train, data.y_train), batch_size=32, shuffle=True)
    test_loader = DataLoader(TensorDataset(data.X_test, data.y_test), batch_size=32)
    model = NeuralNetwork(2, 2, hidden=(16, 16), activation="tanh")
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    done = 0
    start = time.perf_counter()
    while done < steps:
        model.train()
        for features, labels in train_loader:
            loss = F.cross_entropy(model(features), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss.item()
            done += 1
            if done == steps:
                break
        model.eval()
        test_loss, correct = 0.0, 0.0
        with torch.no_grad():
            for features, labels in test_loader:
                pred = model(features)
                test_loss += F.cross_entropy(pred, labels).item()
                correct += (pred.argmax(1) == labels).type(torch.float).sum().item()
    return steps / (time.perf_counter() - start)


def trainer_alone(steps: int = STEPS) -> float:
    """Steps per second of Trainer.run, no Qt, no thread."""
    trainer = Trainer(CONFIG)
    start = time.perf_counter()
    n = sum(1 for _ in trainer.run())
    assert n == steps, n
    return n / (time.perf_counter() - start)


class _GcPauses:
    """The longest garbage collection while installed (a stall the app cannot schedule around)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._started = 0.0

    def __call__(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.longest = max(self.longest, time.perf_counter() - self._started)


def main_window(app):
    """The app's window with fresh settings, showing the toy-train lesson and its training dock."""
    import tempfile
    from pathlib import Path

    from gradviz.qt.main_window import MainWindow
    from gradviz.qt.settings import Settings

    folder = tempfile.mkdtemp(prefix="gradviz-bench-")
    window = MainWindow(Settings(Path(folder) / "gradviz.ini"))
    window.resize(1400, 900)
    window.show()
    window.load_lesson("toy-train", confirm=False)
    while window.is_busy:
        app.processEvents()
        time.sleep(0.01)
    return window


def app_path(app, window) -> tuple[float, float, float, float, float, float]:
    """Steps per second through the real panel in the real window, its plot refresh rate (Hz),
    the longest event-loop stall (s) measured by a 10 ms timer, the longest garbage collection
    (s), the CPU the process got (cores' worth: 1.0 means one core all the time) and the
    seconds Start took to set the run up."""
    from PySide6.QtCore import QEventLoop, QTimer

    panel = window.training.panel
    panel.reset()
    panel.set_config(CONFIG)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    ended: list[str] = []
    collect = ended.append
    panel.run_finished.connect(collect)
    gaps = [0.0]
    last = [0.0]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    pauses = _GcPauses()
    clicked = time.perf_counter()
    # Start builds the Trainer (model, optimizer, data), collects and freezes the heap and
    # starts the thread: set-up, timed apart, as the loops above do not time building theirs.
    assert panel.start(), panel.last_message
    start = time.perf_counter()
    setup = start - clicked
    gc.callbacks.append(pauses)
    cpu = time.process_time()
    last[0] = time.perf_counter()
    timer.start()
    loop = QEventLoop()
    panel.run_finished.connect(loop.quit)
    if not ended:
        loop.exec()  # the real event loop: it sleeps in the OS until there is something to do
    panel.run_finished.disconnect(loop.quit)
    panel.run_finished.disconnect(collect)
    seconds = time.perf_counter() - start
    cpu = (time.process_time() - cpu) / seconds
    timer.stop()
    gc.callbacks.remove(pauses)
    assert ended == ["done"] and len(panel.records) == STEPS, (ended, len(panel.records))
    refreshes = panel.loss_plot.refresh_times
    hz = (len(refreshes) - 1) / (refreshes[-1] - refreshes[0]) if len(refreshes) > 1 else 0.0
    return STEPS / seconds, hz, max(gaps[1:], default=0.0), pauses.longest, cpu, setup


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, interleaved (median reported)")
    args = parser.parse_args()
    # As gradviz.qt.app.main does, once, before any worker thread: 1 intra-op thread.
    torch.set_num_threads(1)
    from gradviz.qt.app import application

    app = application()
    Trainer(CONFIG)  # first optimizer import (torch._dynamo) out of the timings
    window = main_window(app)
    bare, tutorial, alone, gui, hz, stall, gc_pause, cpu, setup = [], [], [], [], [], [], [], [], []
    for _ in range(args.repeat):
        bare.append(bare_loop())
        tutorial.append(tutorial_loop())
        alone.append(trainer_alone())
        rate, refresh, gap, pause, share, ready = app_path(app, window)
        gui.append(rate)
        hz.append(refresh)
        stall.append(gap)
        gc_pause.append(pause)
        cpu.append(share)
        setup.append(ready)
    b, t = statistics.median(bare), statistics.median(tutorial)
    a, g = statistics.median(alone), statistics.median(gui)
    print(f"torch {torch.__version__}, python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}; circles, 2-16-16-2 tanh, SGD, batch 32, {STEPS} steps; "
          f"median of {args.repeat}")
    print(f"bare loop, tutorials'    {t:8.0f} steps/s   (DataLoader, test set evaluated each epoch)")
    print(f"bare loop, hand-indexed  {b:8.0f} steps/s   (randperm + slices, no evaluation)")
    print(f"Trainer.run, no Qt       {a:8.0f} steps/s   ratio to the tutorials' loop {a / t:.2f}, "
          f"to the hand-indexed {a / b:.2f}")
    print(f"app (panel, worker, plot){g:8.0f} steps/s   ratio to the tutorials' loop {g / t:.2f}, "
          f"to the hand-indexed {g / b:.2f}, to Trainer {g / a:.2f}   (target >= 0.8)")
    print(f"Start's set-up           {statistics.median(setup) * 1000:8.0f} ms   (Trainer, heap freeze, thread; "
          "not in the rate, as no loop above times building its model)")
    print(f"loss plot refresh        {statistics.median(hz):8.1f} Hz")
    print(f"event-loop stall         {statistics.median(stall) * 1000:8.0f} ms median of the runs' longest, "
          f"{max(stall) * 1000:.0f} ms worst (longest GC pause {max(gc_pause) * 1000:.0f} ms)")
    window.editor.document().setModified(False)
    window.close()
    print(f"CPU the app run got      {statistics.median(cpu):8.2f} cores (2 threads; less means other "
          "processes had the cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
