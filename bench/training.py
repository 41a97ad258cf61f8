"""Steps per second of the app's training path against a bare PyTorch loop on the same problem.

The app's path is the real TrainingPanel in the real main window (offscreen, toy-train lesson
open): Trainer on a worker thread, Records sent back in batches, the loss plot redrawn on its
timer and the decision boundary on its own.
The bare loop is what a tutorial writes: shuffle, slice a batch, forward, loss, zero_grad,
backward, step, ``loss.item()``. Both run circles, 2-16-16-2 tanh, SGD, batch 32, 2,000 steps
(200 epochs of 10 batches). The Trainer alone (no Qt) is timed too, to show which part of the
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

import gradviz.qt  # noqa: E402,F401  (first: pins None for the PySide6 wheel)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from gradviz.core.datasets import circles  # noqa: E402
from gradviz.core.models import NeuralNetwork  # noqa: E402
from gradviz.core.train_config import TrainConfig  # noqa: E402
from gradviz.core.training import Trainer  # noqa: E402

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


def app_path(app, window) -> tuple[float, float, float, float, float]:
    """Steps per second through the real panel in the real window, its plot refresh rate (Hz),
    the longest event-loop stall (s) measured by a 10 ms timer, the longest garbage collection
    (s) and the CPU the process got (cores' worth: 1.0 means one core all the time)."""
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
    start = time.perf_counter()
    assert panel.start(), panel.last_message  # collects and freezes the heap first, at the click
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
    return STEPS / seconds, hz, max(gaps[1:], default=0.0), pauses.longest, cpu


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
    bare, alone, gui, hz, stall, gc_pause, cpu = [], [], [], [], [], [], []
    for _ in range(args.repeat):
        bare.append(bare_loop())
        alone.append(trainer_alone())
        rate, refresh, gap, pause, share = app_path(app, window)
        gui.append(rate)
        hz.append(refresh)
        stall.append(gap)
        gc_pause.append(pause)
        cpu.append(share)
    b, a, g = statistics.median(bare), statistics.median(alone), statistics.median(gui)
    print(f"torch {torch.__version__}, python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}; circles, 2-16-16-2 tanh, SGD, batch 32, {STEPS} steps; "
          f"median of {args.repeat}")
    print(f"bare PyTorch loop        {b:8.0f} steps/s")
    print(f"Trainer.run, no Qt       {a:8.0f} steps/s   ratio to bare {a / b:.2f}")
    print(f"app (panel, worker, plot){g:8.0f} steps/s   ratio to bare {g / b:.2f}   ratio to Trainer {g / a:.2f}")
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
