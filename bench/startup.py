"""From launch to a graph on screen: the app's start against `python -c "import torch"`.

Each sample launches a fresh process that starts the app as `gradviz` does
(:func:`gradviz.qt.app.start`, offscreen, a throw-away settings file, the logistic lesson)
and reports, from the moment it was launched: the window shown and painted, and the
lesson's graph painted. Interleaved with `python -c "import torch"` in the same run.
Targets: window <= 0.5 s; graph painted <= 1.1x import torch.

Run: .venv/bin/python bench/startup.py [--repeat 5]   (not part of the tests)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DRIVER = r"""
import json, os, sys, time
launched = float(os.environ["GV_LAUNCHED"])
marks = {}
def mark(name):
    marks.setdefault(name, time.time() - launched)
from PySide6.QtCore import QTimer
from gradviz.qt.app import parse_args, start
app, window = start(parse_args(["lesson:logistic", "--settings", sys.argv[1]]))
mark("window shown")
QTimer.singleShot(0, lambda: mark("window painted"))
def painted(_t):
    mark("graph painted")
    marks["torch in the app"] = "torch" in sys.modules
    QTimer.singleShot(0, app.quit)
window.big_graphs.picture_shown.connect(painted)
QTimer.singleShot(60_000, app.quit)
app.exec()
print(json.dumps(marks))
"""


def _env(**extra: str) -> dict:
    # As on a user's machine: byte code cached (pip compiles installed packages; an editable
    # install writes its own on the first run). Without it the app compiles ~100 modules a launch.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def run_app(settings: str) -> dict:
    env = _env(QT_QPA_PLATFORM="offscreen", GV_LAUNCHED=repr(time.time()))
    out = subprocess.run([sys.executable, "-c", DRIVER, settings], capture_output=True, text=True, env=env,
                         timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    torch_times, samples = [], []
    with tempfile.TemporaryDirectory() as tmp:
        run_app(os.path.join(tmp, "warm-up.ini"))  # byte code written, files in the page cache
        for i in range(args.repeat):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import torch"], check=True, env=_env())
            torch_times.append(time.perf_counter() - t0)
            samples.append(run_app(os.path.join(tmp, f"s{i}.ini")))
    base = statistics.median(torch_times)
    print(f"python -c 'import torch'   {base:5.2f} s   (median of {args.repeat})")
    for name in ("window shown", "window painted", "graph painted"):
        values = [s[name] for s in samples if name in s]
        med = statistics.median(values)
        note = f"   {med / base:.2f}x import torch" if name == "graph painted" else ""
        print(f"{name:<26} {med:5.2f} s{note}")
    print(f"torch imported in the app process: {sorted({s.get('torch in the app') for s in samples})}")
    print("targets: window <= 0.5 s; graph painted <= 1.1x import torch")
    out = Path(__file__).with_name("out")
    out.mkdir(exist_ok=True)
    (out / "startup.json").write_text(json.dumps({
        "import_torch": base, **{name: statistics.median(s[name] for s in samples)
                                 for name in ("window shown", "window painted", "graph painted")},
        "torch_in_app": any(s.get("torch in the app") for s in samples)}, indent=2))


if __name__ == "__main__":
    main()
