"""Peak resident memory for 1,000- and 10,000-node graphs: the app, `gradviz render`, torchviz.

Each figure is one fresh process tree, measured with ``wait4``: the peak resident set of
its largest process (gradviz's run processes are forked from its runner and share most of
their pages with it, so a sum would count torch's libraries several times). The app is
started as `gradviz` starts (offscreen), runs the program and waits until every canvas item
is made; `gradviz render` writes an SVG; torchviz runs the program with plain PyTorch and
writes its SVG with `dot` (its recursive walk fails on long chains: reported as such).

Run: .venv/bin/python bench/memory.py   (not part of the tests)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (1_000, 10_000)

APP = r"""
import sys
from PySide6.QtCore import QTimer
from gradviz.qt.app import parse_args, start
app, window = start(parse_args([sys.argv[1], "--settings", sys.argv[2]]))
def shown():
    QTimer.singleShot(200, app.quit)
window.run_finished.connect(lambda status: QTimer.singleShot(0, lambda: wait_items()))
def wait_items():
    if window.graph_view.is_building:
        QTimer.singleShot(50, wait_items)
    else:
        shown()
QTimer.singleShot(300_000, app.quit)
app.exec()
print(len(window.graph_view.node_items))
"""

TORCHVIZ = """\
import sys
sys.setrecursionlimit({limit})
import torch
from torchviz import make_dot
ns = {{"torch": torch}}
exec(open({program!r}).read(), ns)
make_dot(ns["loss"]).render({out!r}, format="svg", cleanup=True)
"""


def chain(n: int) -> str:
    return f"x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range({n - 1}):\n    y = y * 1.0001\nloss = y\n"


def peak(argv: list[str], env: dict | None = None) -> tuple[int | None, str, float]:
    """(peak MiB of the largest process, what went wrong or "", seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stdout.read()
    if os.waitstatus_to_exitcode(status) != 0:
        reason = "RecursionError" if "RecursionError" in err else err.strip().splitlines()[-1][:60]
        return None, reason, seconds
    return usage.ru_maxrss // 1024, "", seconds


def main() -> None:
    python = sys.executable
    have_torchviz = shutil.which("dot") is not None
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"{'nodes':>7}  {'app':>10}  {'gradviz render':>15}  {'torchviz + dot':>15}  "
              f"{'torchviz, deep recursion allowed':>33}")
        for n in SIZES:
            prog = tmp / f"chain{n}.py"
            prog.write_text(chain(n))
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
            app, app_err, _ = peak([python, "-c", APP, str(prog), str(tmp / "s.ini")], env)
            cli, cli_err, _ = peak([python, "-m", "gradviz", "render", str(prog), "-o", str(tmp / "g.svg")])
            tv, tv_err, deep, deep_err = None, "no dot", None, "no dot"
            if have_torchviz:
                (tmp / "tv.py").write_text(TORCHVIZ.format(program=str(prog), out=str(tmp / "tv"), limit=1000))
                tv, tv_err, _ = peak([python, str(tmp / "tv.py")])
                # Its walk recurses once per node: allowed deep enough, it gets to draw.
                (tmp / "tv.py").write_text(TORCHVIZ.format(program=str(prog), out=str(tmp / "tv"), limit=4 * n))
                deep, deep_err, _ = peak([python, str(tmp / "tv.py")])

            def cell(v: int | None, err: str) -> str:
                return f"{v} MiB" if v is not None else err

            print(f"{n:>7,}  {cell(app, app_err):>10}  {cell(cli, cli_err):>15}  {cell(tv, tv_err):>15}  "
                  f"{cell(deep, deep_err):>33}")
            results[n] = {"app_mib": app, "render_mib": cli, "torchviz_mib": tv, "torchviz_error": tv_err,
                          "torchviz_deep_mib": deep, "torchviz_deep_error": deep_err}
    out = Path(__file__).with_name("out")
    out.mkdir(exist_ok=True)
    (out / "memory.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
