"""Peak resident memory for 1,000- and 10,000-node graphs: the app, `gradviz render`, torchviz.

Each tool runs as a fresh process tree under a few lines of driver that report, once it is
done, the peak resident set (Linux's VmHWM) of its own process and of every process below it,
read every 10 ms while it runs:

- the app, started as `gradviz` starts (offscreen), on a chain program: the window process,
  which waits until every canvas item and badge is made; its runner (which imports torch) and
  the run process forked from it that ran the program (the largest, if several);
- `gradviz render FILE -o g.svg`: its own process, its runner and run process, and the layout
  engine (graphviz-pure's process);
- torchviz: the program run with plain PyTorch and ``make_dot`` in one process, then
  Graphviz's ``dot`` writing the SVG. Its recursive walk dies on long chains at Python's
  default recursion limit (reported as such); a second line allows it deep enough to draw.

A forked run process counts the pages it shares with its runner (torch's libraries), so a sum
of peaks overstates gradviz's total; the ratios are given for the largest process of each
tree and for the sum. Linux only (``/proc``).

Run: .venv/bin/python bench/memory.py   (not part of the tests; about a minute)
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = (1_000, 10_000)

# What every driver runs first: a thread that reads the peak resident set (VmHWM) of each
# process below this one every 10 ms, and report(), the line a driver prints last (MiB).
# ru_maxrss will not do: a process started by fork + exec (the driver itself, the runner,
# dot) inherits, as its peak, the size its parent had when it was started.
REPORT = r"""
import json, os, threading, time
_peaks = {}
def _walk(pid, depth):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = [int(k) for k in f.read().split()]
    except OSError:
        return
    for kid in kids:
        try:
            with open(f"/proc/{kid}/cmdline", "rb") as f:
                command = f.read()
            with open(f"/proc/{kid}/status") as f:
                fields = dict(line.split(":", 1) for line in f.read().splitlines() if ":" in line)
        except OSError:
            continue
        if "VmHWM" not in fields or not command:
            continue  # ended (a zombie has no memory to show): keep what was read before
        peak = int(fields["VmHWM"].split()[0])
        old = _peaks.get(kid)
        # Until it calls exec, a child started by vfork shows its parent's memory: a new
        # command line starts its count afresh.
        if old is not None and old[3] == command:
            peak = max(peak, old[2])
        _peaks[kid] = (depth, fields["Name"].strip(), peak, command)
        _walk(kid, depth + 1)
def _poll():
    while True:
        _walk(os.getpid(), 1)
        time.sleep(0.01)
threading.Thread(target=_poll, daemon=True).start()
def report(**extra):
    _walk(os.getpid(), 1)
    below = {}
    for depth, name, peak, _command in _peaks.values():
        key = f"{depth}:{name}"
        below[key] = max(below.get(key, 0), peak // 1024)
    with open("/proc/self/status") as f:
        own = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) // 1024
    print(json.dumps(dict(extra, self=own, below=below)))
"""

APP = REPORT + r"""
import sys
from PySide6.QtCore import QTimer
from gradviz.qt.app import parse_args, start
app, window = start(parse_args([sys.argv[1], "--settings", sys.argv[2]]))
view = window.graph_view
def settle():
    if view.is_building or view.is_finishing:
        QTimer.singleShot(50, settle)
    else:
        QTimer.singleShot(200, app.quit)  # the first paints of the finished drawing count too
window.run_finished.connect(lambda status: QTimer.singleShot(0, settle))
QTimer.singleShot(300_000, app.quit)
app.exec()
report(items=len(view.node_items))
window.close()
"""

RENDER = REPORT + r"""
import runpy, sys
sys.argv = ["gradviz", "render", sys.argv[1], "-o", sys.argv[2]]
code = 0
try:
    runpy.run_module("gradviz", run_name="__main__")
except SystemExit as end:
    code = end.code or 0
print()
report(code=code)
"""

TORCHVIZ = """
import sys
sys.setrecursionlimit({limit})
import torch
from torchviz import make_dot
ns = {{"torch": torch}}
exec(open({program!r}).read(), ns)
make_dot(ns["loss"]).render({out!r}, format="svg", cleanup=True)
report()
"""


def chain(n: int) -> str:
    return f"x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range({n - 1}):\n    y = y * 1.0001\nloss = y\n"


def measure(argv: list[str], env: dict | None = None) -> tuple[dict | None, str]:
    """The driver's report (peaks in MiB), or None and what went wrong."""
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
    if proc.returncode != 0:
        err = proc.stderr.strip().splitlines()
        return None, "RecursionError" if "RecursionError" in proc.stderr else (err[-1][:60] if err else "failed")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return report, ""


ROLES = {"1:python": "runner", "2:python": "run", "1:graphviz-pure": "layout engine", "1:dot": "dot"}


def processes(report: dict, own: str) -> dict[str, int]:
    """Peak MiB by role: the driver's own process as ``own``, the ones below by ROLES."""
    out = {own: report["self"]}
    for key, mib in report["below"].items():
        role = ROLES.get(key, key.split(":", 1)[1])
        out[role] = max(out.get(role, 0), mib)
    return out


def have_torchviz() -> str:
    """"" when torchviz and dot are there, else why not."""
    if importlib.util.find_spec("torchviz") is None:  # not imported: it would bring torch into this process
        return "torchviz not installed"
    return "" if shutil.which("dot") else "no dot on PATH"


def main() -> None:
    python = sys.executable
    missing = have_torchviz()
    results: dict[int, dict] = {}
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in SIZES:
            prog = tmp / f"chain{n}.py"
            prog.write_text(chain(n))
            row: dict = {}
            app, err = measure([python, "-c", APP, str(prog), str(tmp / "s.ini")], env)
            row["app"] = {"processes": processes(app, "window"), "boxes": app["items"]} if app else {"error": err}
            cli, err = measure([python, "-c", RENDER, str(prog), str(tmp / "g.svg")])
            row["render"] = {"processes": processes(cli, "gradviz render")} if cli else {"error": err}
            for key, limit in (("torchviz", 1000), ("torchviz_deep", 4 * n)):
                if missing:
                    row[key] = {"error": missing}
                    continue
                # Its walk recurses once per node: Python's default limit, then one deep enough to draw.
                (tmp / "tv.py").write_text(REPORT + TORCHVIZ.format(program=str(prog), out=str(tmp / "tv"),
                                                                    limit=limit))
                tv, err = measure([python, str(tmp / "tv.py")])
                row[key] = {"processes": processes(tv, "python")} if tv else {"error": err}
            results[n] = row
    print_table(results)
    out = Path(__file__).with_name("out")
    out.mkdir(exist_ok=True)
    (out / "memory.json").write_text(json.dumps(results, indent=2))


def cell(entry: dict) -> str:
    """"window 115 + runner 223 + run 172 MiB", or what went wrong."""
    if "processes" not in entry:
        return entry.get("error") or "–"
    return " + ".join(f"{role} {mib}" for role, mib in entry["processes"].items()) + " MiB"


def largest(entry: dict) -> int | None:
    return max(entry["processes"].values()) if "processes" in entry else None


def total(entry: dict) -> int | None:
    return sum(entry["processes"].values()) if "processes" in entry else None


def torchviz_entry(row: dict) -> dict:
    """torchviz as it comes, else with its recursion limit raised (a chain's walk needs it)."""
    return row["torchviz"] if "processes" in row["torchviz"] else row["torchviz_deep"]


def ratio(ours: int | None, theirs: int | None) -> str:
    return f"{ours / theirs:.2f}x" if ours and theirs else "n/a"


def print_table(results: dict[int, dict]) -> None:
    print("peak resident memory of each process (VmHWM; a forked run process counts the pages it shares")
    print("with its runner, so the sum overstates gradviz's total)")
    for n, row in results.items():
        print(f"\n{n:,}-node chain")
        print(f"  app             {cell(row['app'])}")
        print(f"  gradviz render  {cell(row['render'])}")
        print(f"  torchviz + dot  {cell(row['torchviz'])}")
        print(f"  … deep recursion allowed  {cell(row['torchviz_deep'])}")
        tv = torchviz_entry(row)
        for name in ("app", "render"):
            print(f"  {name} / torchviz: largest process {ratio(largest(row[name]), largest(tv))}, "
                  f"sum of peaks {ratio(total(row[name]), total(tv))}")


if __name__ == "__main__":
    main()
