"""Run the speed and memory benches and write their figures into README.md (`make bench`).

The table goes between the README's ``<!-- bench:start -->`` and ``<!-- bench:end -->``
lines; everything else in the README is left as it is. Each bench also prints its own
detailed table while it runs. Figures move ±20 % between runs on a busy machine: the
ratios, taken side by side in one run, are the figures to compare with the targets.

Run: .venv/bin/python bench/report.py [--quick]   (a few minutes; --quick: fewer repeats)
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def run(script: str, *args: str) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, str(HERE / script), *args], check=True, env=env)


def load(name: str) -> object:
    return json.loads((HERE / "out" / f"{name}.json").read_text())


def table() -> str:
    render, startup, scale, memory = load("render"), load("startup"), load("scale"), load("memory")
    lines = [f"Measured by `make bench` on {datetime.date.today():%Y-%m-%d} ({platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}).", "",
             "| figure | gradviz | torchviz + dot | ratio | target |", "|---|---|---|---|---|"]
    for name, r in render.items():
        if "torchviz" in r:
            lines.append(f"| `gradviz render` to SVG, {name}, whole process | {r['gradviz']:.2f} s | "
                         f"{r['torchviz']:.2f} s | {r['whole_ratio']:.2f}x | ≤ 0.9x |")
            lines.append(f"| … beyond `import torch` ({r['import_torch']:.2f} s) | "
                         f"{r['gradviz'] - r['import_torch']:.2f} s | {r['torchviz'] - r['import_torch']:.2f} s | "
                         f"{r['beyond_ratio']:.2f}x | ≤ 0.5x |")
    for row in scale:
        tv = f"{row['torchviz']:.2f} s" if row.get("torchviz") is not None else row.get("torchviz_note", "–")
        ratio = f"{row['torchviz'] / row['first_picture']:.2f}x" if row.get("torchviz") else "–"
        lines.append(f"| first picture in the window, {row['graph']} | {row['first_picture']:.2f} s | {tv} | "
                     f"{ratio} (theirs / ours) | faster than torchviz |")
        lines.append(f"| … clickable, longest stall | {row['ready']:.2f} s, {row['stall'] * 1000:.0f} ms | | | "
                     "≤ 2 s at 10,000 nodes; ≤ 50 ms |")
    lines.append(f"| launch → window shown | {startup['window shown']:.2f} s | | | ≤ 0.5 s |")
    lines.append(f"| launch → lesson graph painted | {startup['graph painted']:.2f} s | "
                 f"`import torch` {startup['import_torch']:.2f} s | "
                 f"{startup['graph painted'] / startup['import_torch']:.2f}x | ≤ 1.1x |")
    for n, m in memory.items():
        deep = f"{m['torchviz_deep_mib']} MiB (recursion limit raised)" if m.get("torchviz_deep_mib") else "–"
        lines.append(f"| peak memory, {int(n):,}-node chain: app / `gradviz render` | {m['app_mib']} / "
                     f"{m['render_mib']} MiB | {m['torchviz_error'] or m['torchviz_mib']}; {deep} | | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeat = "3" if args.quick else "5"
    run("render.py", "--repeat", repeat)
    run("startup.py", "--repeat", repeat)
    run("scale.py")
    run("memory.py")
    text = README.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} … {END} block to fill")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{table()}\n{END}{tail}")
    print(f"wrote the figures into {README}")


if __name__ == "__main__":
    main()
