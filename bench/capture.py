"""Capture and layout time for four graphs, beside torchviz's make_dot + dot on the same graph.

Run: .venv/bin/python bench/capture.py   (prints a table; not part of the test run)
torchviz needs Graphviz's `dot` on PATH (Debian: apt-get install graphviz) for its half.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import torch

from gradviz.core.capture.capture import capture_program
from gradviz.core.layout.layout import layout
from gradviz.core.lessons.catalogue import LESSONS

MLP_250 = """\
torch.manual_seed(0)
layers = []
for i in range(250):
    layers = layers + [nn.Linear(8, 8), nn.LayerNorm(8)]
model = nn.Sequential(*layers)
x = torch.randn(4, 8)
loss = model(x).pow(2).mean()
"""

# Four ops per term, each feeding the next: a long chain, the shape that breaks recursive walkers.
CHAIN_2500 = """\
x = torch.tensor(0.5, requires_grad=True)
y = x
for i in range(2500):
    y = ((y * 1.0001) + 0.001).tanh() * 0.999
loss = y
"""

# Few nodes, big tensors: every weight, activation and gradient over FULL_VALUE_LIMIT elements
# is summarised (min, max, mean, std, norm), three dozen times a run.
CASES = [("logistic lesson", LESSONS["logistic"].program), ("250-layer MLP", MLP_250), ("2,500-term scalar chain", CHAIN_2500),
         ("Fashion-MNIST lesson", LESSONS["fashion-mlp"].program)]


def torch_root(program: str) -> torch.Tensor:
    """Run the same program with plain Python (for torchviz) and return its root tensor."""
    import torch.nn as nn
    import torch.nn.functional as F

    from gradviz.core.lessons.models import LESSON_MODELS

    ns = {"torch": torch, "nn": nn, "F": F, **LESSON_MODELS}
    exec(program.split("grad_L_w1")[0], ns)
    return ns["loss"]


def time_torchviz(program: str) -> str:
    try:
        from torchviz import make_dot
    except ImportError:
        return "torchviz not installed"
    dot_bin = shutil.which("dot")
    if dot_bin is None:
        return "no dot on PATH"
    root = torch_root(program)
    start = time.perf_counter()
    try:
        graph = make_dot(root)
        source = graph.source
    except RecursionError:
        return f"RecursionError after {time.perf_counter() - start:.2f} s"
    made = time.perf_counter() - start
    proc = subprocess.run([dot_bin, "-Tsvg"], input=source.encode(), capture_output=True, timeout=600)
    total = time.perf_counter() - start
    if proc.returncode:
        return f"dot failed ({proc.stderr.decode()[:60]})"
    return f"{total:.2f} s (make_dot {made:.2f} s)"


def main() -> int:
    # On a 2-core machine torch's intra-op threads fight the engine and the layout process;
    # one thread is faster for graphs of small tensors (measured: 0.48 s vs 1.5 s, 250-layer MLP).
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, python {sys.version.split()[0]}")
    print(f"{'graph':<26}{'nodes':>7}{'capture':>10}{'layout':>10}{'gradviz':>10}   torchviz make_dot + dot -Tsvg")
    for name, program in CASES:
        t0 = time.perf_counter()
        trace = capture_program(program)
        t1 = time.perf_counter()
        lay = layout(trace, timeout=600)
        t2 = time.perf_counter()
        other = time_torchviz(program)
        ours = t2 - t0
        ratio = ""
        if other.endswith(")") and other[0].isdigit():
            ratio = f"  ratio torchviz/gradviz {float(other.split()[0]) / ours:.2f}"
        print(f"{name:<26}{len(trace.nodes):>7}{t1 - t0:>9.2f}s{t2 - t1:>9.2f}s{ours:>9.2f}s   {other}{ratio}")
        assert len(lay.nodes) == len(trace.nodes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
