"""Steps per second of the app's training path against a bare PyTorch loop on the same problem.

The app's path is the real TrainingPanel in the real main window (offscreen, toy-train lesson
open): the Trainer in a run process forked from the runner, its records sent back in
batches, the loss plot redrawn on its timer and the decision boundary asked of the run on
its own. Timed from the run's "ready" (its Trainer made) to its "finished", as the app sees them.
Two bare loops: the one the users' tutorials teach (a DataLoader, the training steps with
``loss.item()``, the test set evaluated after each epoch, as the app's plot shows it), and a
hand-indexed one (randperm and tensor slices, no evaluation: the least work a loop can do).
All run circles, 2-16-16-2 tanh, SGD, batch 32, 2,000 steps (200 epochs of 10 batches). The
Trainer alone (no Qt, no process: its loop as the run drives it, records taken every 50 ms)
is timed too, to show which part of the gap is the app's and which is the training core's
(gradient norms, end-of-epoch evaluation on both sets).

Targets: app >= 0.9 x the Trainer alone and >= 1.0 x the hand-indexed loop, loss plot >= 10 Hz,
no event-loop stall over 50 ms.

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

import gradviz.qt  # noqa: F401  (first: pins None for the PySide6 wheel)

# isort: split

import torch
import torch.nn.functional as F

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
    """Steps per second of the Trainer's loop as the run process drives it: no Qt, no process."""
    trainer = Trainer(CONFIG)
    start = time.perf_counter()
    taken = start
    n = 0
    while trainer.advance():
        n += 1
        now = time.perf_counter()
        if now - taken >= 0.05:  # as the run: records taken as columns every 50 ms
            trainer.take_records()
            taken = now
    trainer.take_records()
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
    """Steps per second through the real panel in the real window (from the run's "ready" to its
    "finished"), its plot refresh rate (Hz), the longest event-loop stall (s) measured by a 10 ms
    timer, the longest garbage collection (s), the CPU the app's process used (cores' worth:
    the training itself is in the run process) and the seconds from Start to "ready"."""
    from PySide6.QtCore import QEventLoop, QTimer

    panel = window.training.panel
    panel.reset()
    panel.set_config(CONFIG)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    ended: list[str] = []
    marks: dict[str, float] = {}
    collect = ended.append
    panel.run_finished.connect(collect)
    gaps = [0.0]
    last = [0.0]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    def on_ready() -> None:
        marks["ready"] = time.perf_counter()
        marks["cpu"] = time.process_time()
        gaps[:] = [0.0]  # stalls counted while it trains
        last[0] = marks["ready"]

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    pauses = _GcPauses()
    panel.trainer_ready.connect(on_ready)
    clicked = time.perf_counter()
    # Start checks the settings, submits the job and collects and freezes the heap; the run
    # process builds the Trainer (model, optimizer, data): set-up, timed apart, as the loops
    # above do not time building theirs.
    assert panel.start(), panel.last_message
    gc.callbacks.append(pauses)
    last[0] = time.perf_counter()
    timer.start()
    loop = QEventLoop()
    panel.run_finished.connect(loop.quit)
    if not ended:
        loop.exec()  # the real event loop: it sleeps in the OS until there is something to do
    finished = time.perf_counter()
    panel.run_finished.disconnect(loop.quit)
    panel.run_finished.disconnect(collect)
    panel.trainer_ready.disconnect(on_ready)
    seconds = finished - marks["ready"]
    cpu = (time.process_time() - marks["cpu"]) / seconds
    timer.stop()
    gc.callbacks.remove(pauses)
    assert ended == ["done"] and len(panel.records) == STEPS, (ended, len(panel.records), panel.last_message)
    refreshes = panel.loss_plot.refresh_times
    hz = (len(refreshes) - 1) / (refreshes[-1] - refreshes[0]) if len(refreshes) > 1 else 0.0
    return STEPS / seconds, hz, max(gaps[1:], default=0.0), pauses.longest, cpu, marks["ready"] - clicked


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
    plot_hz, worst = statistics.median(hz), max(stall)

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(f"torch {torch.__version__}, python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}; circles, 2-16-16-2 tanh, SGD, batch 32, {STEPS} steps; "
          f"median of {args.repeat}")
    print(f"bare loop, tutorials'    {t:8.0f} steps/s   (DataLoader, test set evaluated each epoch)")
    print(f"bare loop, hand-indexed  {b:8.0f} steps/s   (randperm + slices, no evaluation)")
    print(f"Trainer alone, no Qt     {a:8.0f} steps/s   ratio to the tutorials' loop {a / t:.2f}, "
          f"to the hand-indexed {a / b:.2f}")
    print(f"app (panel, run process) {g:8.0f} steps/s   ratio to the tutorials' loop {g / t:.2f}, "
          f"to the hand-indexed {g / b:.2f} (target >= 1.0: {verdict(g / b >= 1.0)}), "
          f"to Trainer {g / a:.2f} (target >= 0.9: {verdict(g / a >= 0.9)})")
    print(f"Start to the run's ready {statistics.median(setup) * 1000:8.0f} ms   (settings checked, fork, Trainer "
          "built in the run; not in the rate, as no loop above times building its model)")
    print(f"loss plot refresh        {plot_hz:8.1f} Hz   (target >= 10: {verdict(plot_hz >= 10)})")
    print(f"event-loop stall         {statistics.median(stall) * 1000:8.0f} ms median of the runs' longest, "
          f"{worst * 1000:.0f} ms worst (target <= 50: {verdict(worst <= 0.050)}; "
          f"longest GC pause {max(gc_pause) * 1000:.0f} ms)")
    window.editor.document().setModified(False)
    window.close()
    print(f"CPU of the app's process {statistics.median(cpu):8.2f} cores while the run trained (its GUI thread, "
          "the runner link; the training is the run process's)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
