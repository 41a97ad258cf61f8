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


def _mib(entry: dict) -> str:
    """"window 244 · runner 293 · run 231 MiB", or what went wrong ("RecursionError")."""
    if "processes" not in entry:
        return entry.get("error") or "–"
    return " · ".join(f"{role} {mib}" for role, mib in entry["processes"].items()) + " MiB"


def _short(seconds: float) -> str:
    """A time in milliseconds under a second ("20.5 ms": two decimals of seconds would show a
    50-node graph's 0.02 s against torchviz's 0.01 s), in seconds above ("1.43 s")."""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _largest(entry: dict) -> int | None:
    return max(entry["processes"].values()) if "processes" in entry else None


def table(load: tuple[float, float]) -> str:
    render, startup, scale, memory = load_json("render"), load_json("startup"), load_json("scale"), load_json("memory")
    lines = [f"Measured by `make bench` on {datetime.date.today():%Y-%m-%d} ({platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}), load average {load[0]:.1f} at the "
             f"start and {load[1]:.1f} at the end: other work on the machine inflates the times, so compare "
             "the ratios, taken side by side in one run. First pictures in the window: from Run to the "
             "first paint of a new drawing; a graph under 0.5 s is the median of 5-9 runs alternating with a "
             "twin one node shorter (so no run reuses the drawing before it), each beside torchviz's "
             "`make_dot` + `dot -Tsvg` on the same program (which leaves out running the program).", "",
             "| figure | gradviz | torchviz + dot | ratio | target |", "|---|---|---|---|---|"]
    for name, r in render.items():
        if "torchviz" in r:
            lines.append(f"| `gradviz render` to SVG, {name}, whole process | {r['gradviz']:.2f} s | "
                         f"{r['torchviz']:.2f} s | {r['whole_ratio']:.2f}x | ≤ 0.9x |")
            beyond = r["gradviz"] - r["import_torch"]
            # gradviz reads and checks the source while its runner imports torch: its whole
            # run can take less than `import torch` alone.
            ours, ratio = (f"{beyond:.2f} s", f"{r['beyond_ratio']:.2f}x") if beyond > 0 else (
                f"{beyond:.2f} s (its work overlaps the runner's import of torch)", "≤ 0")
            lines.append(f"| … beyond `import torch` ({r['import_torch']:.2f} s) | {ours} | "
                         f"{r['torchviz'] - r['import_torch']:.2f} s | {ratio} | ≤ 0.5x |")
    for row in scale:
        tv = _short(row["torchviz"]) if row.get("torchviz") is not None else row.get("torchviz_note", "–")
        ratio = f"{row['torchviz'] / row['first_picture']:.2f}x (theirs / ours)" if row.get("torchviz") else "–"
        big = "10,000" in row["graph"]  # its timed run may be the twin one node shorter
        target = "≤ 0.5 s" if big else f"none: {row['not_target']}" if row.get("not_target") else \
            "faster than torchviz"
        lines.append(f"| first picture in the window, {row['graph']} | {_short(row['first_picture'])} | {tv} | "
                     f"{ratio} | {target} |")
        lines.append(f"| … clickable; settled (badges, player's steps); longest stall | {row['ready']:.2f} s; "
                     f"{row['settled']:.2f} s; {row['stall'] * 1000:.0f} ms | | | "
                     f"{'clickable ≤ 2 s; ' if big else ''}stall ≤ 50 ms |")
    lines.append(f"| launch → window shown | {startup['window shown']:.2f} s | | | ≤ 0.5 s |")
    lines.append(f"| launch → lesson graph painted | {startup['graph painted']:.2f} s | "
                 f"`import torch` {startup['import_torch']:.2f} s | "
                 f"{startup['graph painted'] / startup['import_torch']:.2f}x | ≤ 1.1x |")
    for n, m in memory.items():
        tv = m["torchviz"] if "processes" in m["torchviz"] else m["torchviz_deep"]
        deep = "" if tv is m["torchviz"] else f"{m['torchviz']['error']} at Python's recursion limit; raised: "
        for name, label in (("app", "the app"), ("render", "`gradviz render` to SVG")):
            ours, theirs = _largest(m[name]), _largest(tv)
            ratio = f"{ours / theirs:.2f}x (largest process)" if ours and theirs else "n/a"
            lines.append(f"| peak memory, {int(n):,}-node chain, {label} | {_mib(m[name])} | {deep}{_mib(tv)} | "
                         f"{ratio} | |")
    return "\n".join(lines)


def load_json(name: str) -> object:
    return json.loads((HERE / "out" / f"{name}.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeat = "3" if args.quick else "5"
    load_before = os.getloadavg()[0]
    run("render.py", "--repeat", repeat)
    run("startup.py", "--repeat", repeat)
    run("scale.py")
    run("memory.py")
    text = README.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} … {END} block to fill")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{table((load_before, os.getloadavg()[0]))}\n{END}{tail}")
    print(f"wrote the figures into {README}")


if __name__ == "__main__":
    main()
