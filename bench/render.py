"""Program -> SVG as whole processes: `gradviz render` against torchviz's make_dot + dot.

For each graph, in one run and interleaved: `python -c "import torch"` (what both pay), the
`gradviz render` command, and a script that runs the same program with plain PyTorch and
writes torchviz's SVG with Graphviz's `dot`. Prints the medians, the work beyond
`import torch` and the ratios (targets: beyond import torch <= 0.5x torchviz's; whole process
<= 0.9x), and each command's peak resident memory (its largest process: gradviz's includes
its runner and run processes).

Run: .venv/bin/python bench/render.py [--repeat 5] [--json out.json]   (not part of the tests)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

MLP_250 = """\
torch.manual_seed(0)
layers = []
for i in range(250):
    layers = layers + [nn.Linear(8, 8), nn.ReLU()]
model = nn.Sequential(*layers)
x = torch.randn(4, 8)
loss = model(x).pow(2).mean()
"""

CHAIN_500 = """\
x = torch.tensor(0.5, requires_grad=True)
y = x
for i in range(499):
    y = y * 1.0001
loss = y
"""

CASES = {"250-layer MLP": MLP_250, "500-node chain": CHAIN_500}

TORCHVIZ = """\
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchviz import make_dot
ns = {{"torch": torch, "nn": nn, "F": F}}
exec(open({program!r}).read(), ns)
make_dot(ns["loss"], params=None).render({out!r}, format="svg", cleanup=True)
"""


def timed(argv: list[str], env: dict | None = None) -> tuple[float, int]:
    """Seconds and peak resident memory (MiB, largest process of the tree) of a command."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {err[-500:]}")
    return seconds, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    python = sys.executable
    gradviz_cmd = [python, "-m", "gradviz"]
    have_torchviz = shutil.which("dot") is not None
    try:
        import torchviz  # noqa: F401
    except ImportError:
        have_torchviz = False
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, program in CASES.items():
            prog = tmp / "program.py"
            prog.write_text(program)
            script = tmp / "tv.py"
            script.write_text(TORCHVIZ.format(program=str(prog), out=str(tmp / "tv")))
            rows = {"import torch": [], "gradviz": [], "torchviz": []}
            mem = {"gradviz": 0, "torchviz": 0, "import torch": 0}
            for _ in range(args.repeat):  # interleaved: a busy moment hits all three alike
                t, m = timed([python, "-c", "import torch"])
                rows["import torch"].append(t)
                mem["import torch"] = max(mem["import torch"], m)
                t, m = timed([*gradviz_cmd, "render", str(prog), "-o", str(tmp / "g.svg")])
                rows["gradviz"].append(t)
                mem["gradviz"] = max(mem["gradviz"], m)
                if have_torchviz:
                    t, m = timed([python, str(script)])
                    rows["torchviz"].append(t)
                    mem["torchviz"] = max(mem["torchviz"], m)
            med = {k: statistics.median(v) for k, v in rows.items() if v}
            base = med["import torch"]
            print(f"\n{name}  (median of {args.repeat})")
            print(f"  import torch alone   {base:6.2f} s   {mem['import torch']:5d} MiB")
            print(f"  gradviz render       {med['gradviz']:6.2f} s   {mem['gradviz']:5d} MiB   "
                  f"beyond import torch {med['gradviz'] - base:5.2f} s")
            entry = {"import_torch": base, "gradviz": med["gradviz"], "gradviz_mib": mem["gradviz"]}
            if "torchviz" in med:
                tv = med["torchviz"]
                beyond = (med["gradviz"] - base) / max(tv - base, 1e-6)
                print(f"  torchviz + dot       {tv:6.2f} s   {mem['torchviz']:5d} MiB   "
                      f"beyond import torch {tv - base:5.2f} s")
                print(f"  ratio gradviz/torchviz: whole {med['gradviz'] / tv:.2f}x (target <= 0.9), "
                      f"beyond import torch {beyond:.2f}x (target <= 0.5)")
                entry.update(torchviz=tv, torchviz_mib=mem["torchviz"], whole_ratio=med["gradviz"] / tv,
                             beyond_ratio=beyond)
            results[name] = entry
    out = Path(args.json) if args.json else Path(__file__).with_name("out") / "render.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(textwrap.dedent("""
        Whole process: from launch to the SVG on disk. gradviz's command starts its runner (which
        imports torch) while it reads the source; the program runs in a run process."""))


if __name__ == "__main__":
    main()
